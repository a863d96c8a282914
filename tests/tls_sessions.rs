//! TLS against a real broker (Debian's `mosquitto`, which uses OpenSSL): TLS versions, cipher
//! lists, ALPN, every loop style, large messages, reconnection, Debian's command-line clients on
//! this library, and TLS asked for through the OpenSSL context options. The certificates are made
//! by the tests (see `common::certs`).

mod common;
mod tls;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use common::client::{Event, connects, disconnects, messages_on};
use common::consts::*;
use common::{Proc, TIMEOUT, ensure_library_built, pattern, unique_topic};
use mosquitto::capi::types::mosq_opt_t;

use tls::*;

// -------------------------------------------------------------------------------------------
// Versions, cipher suites, ALPN

#[test]
fn tls_versions() {
    let only12 = tls12_broker(&[("server.crt", "tls_version tlsv1.2")]);
    let only13 = tls_broker(&[("server.crt", "tls_version tlsv1.3")]);
    let (v12, v13) = (only12.broker.ports[0], only13.broker.ports[0]);
    let c = only12.client("min13");
    assert_eq!(c.tls_opts_set(1, Some("tlsv1.3"), None), MOSQ_ERR_SUCCESS);
    assert_eq!(handshake_failure(&c, "localhost", v12), MOSQ_ERR_TLS);
    assert_logged(&c, "protocol version");

    let s = &only12;
    for (version, port) in [
        ("tlsv1.3", v13),
        ("tlsv1.2", v12),
        ("tlsv1.2", v13),
        ("TLSv1.2", v13),
    ] {
        let c = s.client("version");
        assert_eq!(c.tls_opts_set(1, Some(version), None), MOSQ_ERR_SUCCESS);
        round_trip(&c, "localhost", port);
    }
    let c = s.client("bad-version");
    assert_eq!(c.tls_opts_set(1, Some("tlsv1.0"), None), MOSQ_ERR_INVAL);
    assert_eq!(c.tls_opts_set(1, Some("sslv3"), None), MOSQ_ERR_INVAL);
}

#[test]
fn cipher_lists() {
    let s = tls12_broker(&[
        ("server.crt", "tls_version tlsv1.2"),
        (
            "server.crt",
            "tls_version tlsv1.2\nciphers ECDHE-RSA-AES128-GCM-SHA256",
        ),
    ]);
    let (any, aes128) = (s.broker.ports[0], s.broker.ports[1]);
    for port in [any, aes128] {
        let c = s.client("ciphers-default");
        round_trip(&c, "localhost", port);
    }
    let c = s.client("aes256");
    assert_eq!(
        c.tls_opts_set(1, None, Some("ECDHE-RSA-AES256-GCM-SHA384")),
        MOSQ_ERR_SUCCESS
    );
    round_trip(&c, "localhost", any);
    // The list is applied: no suite in common with a server that takes only AES-128.
    let c = s.client("aes256-refused");
    assert_eq!(
        c.tls_opts_set(1, None, Some("ECDHE-RSA-AES256-GCM-SHA384")),
        MOSQ_ERR_SUCCESS
    );
    assert_eq!(handshake_failure(&c, "localhost", aes128), MOSQ_ERR_TLS);
    assert_logged(&c, "Error: TLS handshake failed");

    let c = s.client("bad-ciphers");
    assert_eq!(c.tls_opts_set(1, None, Some("NO-SUCH-CIPHER")), MOSQ_ERR_INVAL);
    assert_eq!(c.tls_opts_set(1, None, Some("RC4-MD5")), MOSQ_ERR_INVAL);
}

#[test]
fn alpn_offered_to_a_broker_without_alpn() {
    let s = tls_broker(&[("server.crt", "")]);
    let c = s.client("alpn");
    assert_eq!(
        c.string_option(mosq_opt_t::MOSQ_OPT_TLS_ALPN, Some("mqtt")),
        MOSQ_ERR_SUCCESS
    );
    round_trip(&c, "localhost", s.broker.ports[0]);
}

// -------------------------------------------------------------------------------------------
// Loop styles

#[test]
fn blocking_connect_and_mosquitto_loop() {
    let s = tls_broker(&[("server.crt", "")]);
    let c = s.client("loop");
    let topic = unique_topic("loop");
    assert_eq!(c.connect("localhost", s.broker.ports[0], 60), MOSQ_ERR_SUCCESS);
    c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied());
    let (rc, mid) = c.subscribe(&topic, 2);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.pump_for("SUBACK", TIMEOUT, |ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Subscribe(m, _) if *m == mid))
            .then_some(())
    });
    for qos in 0..=2 {
        assert_eq!(c.publish(&topic, &pattern(10_000, qos as u32), qos, false).0, 0);
    }
    let msgs = c.pump_for("3 messages", TIMEOUT, |ev| {
        let m = messages_on(ev, &topic);
        (m.len() == 3).then_some(m)
    });
    for (qos, m) in msgs.iter().enumerate() {
        assert_eq!(m.payload, pattern(10_000, qos as u32));
    }
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    c.pump_for("the disconnect callback", TIMEOUT, |ev| {
        disconnects(ev).first().copied()
    });
}

#[test]
fn connect_async_and_loop_start() {
    let s = tls_broker(&[("server.crt", "")]);
    let c = s.client("async");
    let topic = unique_topic("async");
    assert_eq!(
        c.connect_async("localhost", s.broker.ports[0], 60),
        MOSQ_ERR_SUCCESS
    );
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    assert_eq!(c.subscribe_and_wait(&topic, 1), vec![1]);
    let (rc, mid) = c.publish(&topic, b"async", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert_eq!(c.wait_messages(&topic, 1, TIMEOUT)[0].payload, b"async");
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
}

#[test]
fn loop_start_before_connect_async() {
    let s = tls_broker(&[("server.crt", "")]);
    let c = s.client("early-loop");
    let topic = unique_topic("early");
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.connect_async("localhost", s.broker.ports[0], 60),
        MOSQ_ERR_SUCCESS
    );
    assert_eq!(c.wait_connect(), 0);
    assert_eq!(c.subscribe_and_wait(&topic, 2), vec![2]);
    let (rc, mid) = c.publish(&topic, b"early", 2, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert_eq!(c.wait_messages(&topic, 1, TIMEOUT)[0].payload, b"early");
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
}

/// The external loop: a 1 MB message to ourselves, followed at once by a burst of small ones,
/// all at QoS 1. Only what `mosquitto_want_write` asks for is written, so TLS records left
/// unsent, or plaintext left undelivered inside TLS, stall this test.
fn external_loop(blocking: bool) {
    let s = tls_broker(&[("server.crt", "")]);
    let c = s.client("external");
    let topic = unique_topic("external");
    let big = pattern(1 << 20, 7);
    let rc = if blocking {
        c.connect("localhost", s.broker.ports[0], 60)
    } else {
        c.connect_async("localhost", s.broker.ports[0], 60)
    };
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    let mut subscribed = None;
    let mut published = false;
    let msgs = c.pump_external_for(
        "the 1 MB message and 20 small ones",
        Duration::from_secs(20),
        |c, ev| {
            if subscribed.is_none() && !connects(ev).is_empty() {
                let (rc, mid) = c.subscribe(&topic, 1);
                assert_eq!(rc, MOSQ_ERR_SUCCESS);
                subscribed = Some(mid);
            }
            let suback = ev
                .iter()
                .any(|e| matches!(e, Event::Subscribe(mid, _) if Some(*mid) == subscribed));
            if suback && !published {
                published = true;
                assert_eq!(c.publish(&topic, &big, 1, false).0, MOSQ_ERR_SUCCESS);
                for i in 0..20 {
                    assert_eq!(
                        c.publish(&topic, format!("small {i}").as_bytes(), 1, false).0,
                        MOSQ_ERR_SUCCESS
                    );
                }
            }
        },
        |ev| {
            let m = messages_on(ev, &topic);
            let acks = ev.iter().filter(|e| matches!(e, Event::Publish(_))).count();
            (m.len() == 21 && acks == 21).then_some(m)
        },
    );
    assert!(msgs[0].payload == big, "the 1 MB message differs");
    for (i, m) in msgs[1..].iter().enumerate() {
        assert_eq!(m.payload, format!("small {i}").as_bytes());
    }
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(connects(&c.rec.events()), vec![0]);
}

#[test]
fn external_loop_after_blocking_connect() {
    external_loop(true);
}

#[test]
fn external_loop_after_connect_async() {
    external_loop(false);
}

// -------------------------------------------------------------------------------------------
// Size and duration

#[test]
fn two_megabytes_both_ways() {
    let s = tls_broker(&[("server.crt", "")]);
    let port = s.broker.ports[0];
    let (a, b) = (s.client("big-a"), s.client("big-b"));
    let (to_a, to_b) = (unique_topic("to-a"), unique_topic("to-b"));
    connect_and_subscribe(&a, "localhost", port, &to_a);
    connect_and_subscribe(&b, "localhost", port, &to_b);
    let (for_a, for_b) = (pattern(2 << 20, 1), pattern(2 << 20, 2));
    for qos in [1, 2] {
        assert_eq!(b.publish(&to_a, &for_a, qos, false).0, MOSQ_ERR_SUCCESS);
        assert_eq!(a.publish(&to_b, &for_b, qos, false).0, MOSQ_ERR_SUCCESS);
    }
    let got_a = a.wait_messages(&to_a, 2, Duration::from_secs(20));
    let got_b = b.wait_messages(&to_b, 2, Duration::from_secs(20));
    for (got, want) in [(&got_a, &for_a), (&got_b, &for_b)] {
        for m in got {
            assert!(
                m.payload == *want,
                "a 2 MB message differs ({} bytes)",
                m.payload.len()
            );
        }
    }
    for c in [&a, &b] {
        assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
        assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
    }
}

#[test]
fn reconnect_after_the_broker_restarts() {
    let mut s = tls_broker(&[("server.crt", "")]);
    let port = s.broker.ports[0];
    let c = s.client("restart");
    assert_eq!(c.reconnect_delay_set(1, 1, false), MOSQ_ERR_SUCCESS);
    let topic = unique_topic("restart");
    connect_and_subscribe(&c, "localhost", port, &topic);
    s.broker.restart();
    assert!(c.wait_disconnect_n(1) != 0, "an unexpected loss is an error");
    assert_eq!(c.wait_connect_n(2), 0, "events:\n{}", c.rec.dump());
    // The broker keeps no sessions: subscribe again.
    assert_eq!(c.subscribe_and_wait(&topic, 1), vec![1]);
    let (rc, mid) = c.publish(&topic, b"after the restart", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert_eq!(
        c.wait_messages(&topic, 1, TIMEOUT)[0].payload,
        b"after the restart"
    );
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
    assert_eq!(disconnects(&c.rec.events()).len(), 2, "events:\n{}", c.rec.dump());
}

// -------------------------------------------------------------------------------------------
// Debian's command-line clients on this library

fn short_id(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}{}-{}",
        std::process::id() % 100_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

#[test]
fn debian_clients_over_tls() {
    let s = tls_broker(&[
        ("server.crt", ""),
        ("server.crt", "require_certificate true"),
        ("wrong-host.crt", ""),
    ]);
    let (plain_tls, with_cert, wrong_host) = (s.broker.ports[0], s.broker.ports[1], s.broker.ports[2]);
    let ca = s.certs.file("ca.crt");
    let (cert, key) = (s.certs.file("client.crt"), s.certs.file("client.key"));
    let topic = unique_topic("debian");
    let big = s.certs.dir().join("big.bin");
    std::fs::write(&big, pattern(2 << 20, 9)).expect("write payload");

    // mosquitto_sub with --cafile, waiting for three messages.
    let sub_id = short_id("tsub");
    let mut sub = Proc::spawn(tool("mosquitto_sub").args([
        "-h",
        "localhost",
        "-p",
        &plain_tls.to_string(),
        "--cafile",
        &ca,
        "-i",
        &sub_id,
        "-t",
        &topic,
        "-q",
        "1",
        "-C",
        "3",
        "-N",
    ]))
    .expect("start mosquitto_sub");
    sub.close_stdin();
    assert!(
        s.broker
            .wait_for_log(&format!("Sending SUBACK to {sub_id}"), TIMEOUT),
        "mosquitto_sub did not subscribe; broker log:\n{}",
        s.broker.log()
    );
    let publish = |port: u16, extra: &[&str]| {
        let out = common::run(
            tool("mosquitto_pub")
                .args(["-h", "localhost", "-p", &port.to_string(), "--cafile", &ca])
                .args(["-t", &topic, "-q", "1"])
                .args(extra),
            TIMEOUT,
            None,
        )
        .expect("run mosquitto_pub");
        out.assert_success(&format!("mosquitto_pub {extra:?}"));
    };
    publish(plain_tls, &["-m", "one"]);
    publish(with_cert, &["--cert", &cert, "--key", &key, "-m", "two"]);
    publish(plain_tls, &["-f", big.to_str().expect("UTF-8 path")]);
    let out = sub.wait(Duration::from_secs(20));
    out.assert_success("mosquitto_sub");
    let mut want = b"onetwo".to_vec();
    want.extend(pattern(2 << 20, 9));
    assert!(
        out.stdout == want,
        "mosquitto_sub printed {} bytes",
        out.stdout.len()
    );

    // A host name that does not match: refused, unless --insecure.
    let out = common::run(
        tool("mosquitto_pub")
            .args(["-h", "localhost", "-p", &wrong_host.to_string(), "--cafile", &ca])
            .args(["-t", &topic, "-m", "x", "-d"]),
        TIMEOUT,
        None,
    )
    .expect("run mosquitto_pub");
    assert!(!out.timed_out && !out.status.success(), "{}", out.describe());
    let text = format!("{}{}", out.stdout_str(), out.stderr_str());
    assert!(
        text.contains("Error: host name verification failed."),
        "{}",
        out.describe()
    );
    publish(wrong_host, &["--insecure", "-m", "insecure"]);

    // No client certificate for a listener that requires one.
    let out = common::run(
        tool("mosquitto_pub")
            .args(["-h", "localhost", "-p", &with_cert.to_string(), "--cafile", &ca])
            .args(["-t", &topic, "-q", "1", "-m", "x", "-d"]),
        TIMEOUT,
        None,
    )
    .expect("run mosquitto_pub");
    assert!(!out.timed_out && !out.status.success(), "{}", out.describe());
    let text = format!("{}{}", out.stdout_str(), out.stderr_str());
    assert!(
        text.contains("requires a client certificate"),
        "{}",
        out.describe()
    );
}

// -------------------------------------------------------------------------------------------
// TLS asked for through the OpenSSL context options

/// A program that asks for TLS only through `MOSQ_OPT_SSL_CTX_WITH_DEFAULTS` or
/// `MOSQ_OPT_SSL_CTX` never sends anything in plain text: with the defaults option it gets TLS
/// with the operating system's CA store (here pointed at the test CA with `SSL_CERT_FILE`);
/// with an OpenSSL context, which this library cannot use, every connect fails with
/// `MOSQ_ERR_TLS` and says why, unless the context is cleared again.
#[test]
fn openssl_context_options_never_fall_back_to_plain_text() {
    ensure_library_built();
    let s = tls_broker(&[("server.crt", "")]);
    let (plain, tls) = (s.broker.port, s.broker.ports[0]);
    let dir = common::TempDir::new("ssl-ctx");
    let src = common::cprog::c_dir().join("tools").join("ssl_ctx_options.c");
    let exe = common::cprog::compile(&src, dir.path(), common::cprog::Lib::Ours, false)
        .unwrap_or_else(|e| panic!("{e}"));
    let run = |port: u16, mode: &str| {
        let mut cmd = common::cprog::command(&exe, common::cprog::Lib::Ours, &[]);
        cmd.args(["localhost", &port.to_string(), mode])
            .env("SSL_CERT_FILE", s.certs.file("ca.crt"))
            .env_remove("SSL_CERT_DIR");
        let out = common::run(&mut cmd, TIMEOUT, None).expect("run ssl_ctx_options");
        common::cprog::check_loaded(&out, common::cprog::Lib::Ours).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.status.success(), "{}", out.describe());
        out.stdout_str()
    };
    let out = run(tls, "defaults");
    assert!(
        out.starts_with("option 0\nconnect 0\nconnack 0\n"),
        "TLS listener, defaults:\n{out}"
    );
    let out = run(plain, "defaults");
    assert!(
        out.contains("connect 8\n") && out.contains("no connack"),
        "plain listener, defaults:\n{out}"
    );
    for port in [plain, tls] {
        let out = run(port, "ctx");
        assert!(
            out.starts_with("option 10\n") && out.contains("connect 8\n") && out.contains("no connack"),
            "port {port}, OpenSSL context:\n{out}"
        );
        assert!(out.contains("log: Error: MOSQ_OPT_SSL_CTX was set"), "{out}");
    }
    let out = run(plain, "ctx-cleared");
    assert!(
        out.starts_with("option 0\nconnect 0\nconnack 0\n"),
        "context cleared:\n{out}"
    );
}
