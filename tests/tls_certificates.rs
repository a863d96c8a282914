//! TLS against a real broker (Debian's `mosquitto`, which uses OpenSSL): the library itself,
//! server and client authentication, certificate failures and their log lines, missing and
//! unusable files. The certificates are made by the tests (see `common::certs`).

mod common;
mod tls;

use std::ffi::{c_char, c_int, c_void};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use common::certs::KEY_PASSWORD;
use common::client::{Client, connects, disconnects};
use common::consts::*;
use common::{TIMEOUT, ensure_library_built, our_library, unique_topic};

use tls::*;

// -------------------------------------------------------------------------------------------
// The library itself

#[test]
fn library_does_not_load_openssl() {
    ensure_library_built();
    let out = common::run(
        Command::new("ldd").arg(our_library()),
        Duration::from_secs(30),
        None,
    )
    .expect("run ldd");
    out.assert_success("ldd");
    let text = out.stdout_str();
    assert!(text.contains("libc.so"), "unexpected ldd output:\n{text}");
    for lib in ["libssl", "libcrypto", "libgnutls", "libnss3"] {
        assert!(
            !text.contains(lib),
            "{} links {lib}:\n{text}",
            our_library().display()
        );
    }
}

// -------------------------------------------------------------------------------------------
// Server authentication

#[test]
fn publish_and_subscribe_at_every_qos_by_name_and_by_address() {
    let s = tls_broker(&[("server.crt", "")]);
    let port = s.broker.ports[0];
    for host in ["localhost", "127.0.0.1"] {
        let topic = unique_topic("qos");
        let sub = s.client("sub");
        connect_and_subscribe(&sub, host, port, &topic);
        let publisher = s.client("pub");
        assert_eq!(publisher.connect(host, port, 60), MOSQ_ERR_SUCCESS);
        assert_eq!(publisher.loop_start(), MOSQ_ERR_SUCCESS);
        assert_eq!(publisher.wait_connect(), 0);
        for qos in 0..=2 {
            let payload = format!("{host} qos {qos}");
            let (rc, mid) = publisher.publish(&topic, payload.as_bytes(), qos, false);
            assert_eq!(rc, MOSQ_ERR_SUCCESS);
            publisher.wait_published(mid);
        }
        let msgs = sub.wait_messages(&topic, 3, TIMEOUT);
        for (qos, m) in msgs.iter().enumerate() {
            assert_eq!(m.payload, format!("{host} qos {qos}").as_bytes());
            assert_eq!(m.qos, qos as i32);
        }
        for c in [&sub, &publisher] {
            assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
            assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
            assert_eq!(disconnects(&c.rec.events()), vec![0]);
        }
    }
}

#[test]
fn mqtt_v5_over_tls() {
    let s = tls_broker(&[("server.crt", "")]);
    let c = s.client("v5");
    assert_eq!(c.set_protocol(5), MOSQ_ERR_SUCCESS);
    round_trip(&c, "localhost", s.broker.ports[0]);
    assert!(
        s.broker.log().contains("(p5, "),
        "broker log:\n{}",
        s.broker.log()
    );
}

// -------------------------------------------------------------------------------------------
// Client certificates

/// TLS 1.3, where the client learns that its missing certificate was refused only after its
/// part of the handshake, and TLS 1.2, where the handshake fails. The server sends its alert and
/// closes the connection while the client may still be writing, so each case is tried several
/// times: the alert must win over the socket error every time.
#[test]
fn client_certificate_required_by_the_broker() {
    for (version, s) in [
        (
            "TLS 1.3",
            tls_broker(&[("server.crt", "require_certificate true")]),
        ),
        (
            "TLS 1.2",
            tls12_broker(&[("server.crt", "require_certificate true")]),
        ),
    ] {
        let port = s.broker.ports[0];
        let c = s.client_with_cert("cert", "client.key", None);
        round_trip(&c, "localhost", port);

        for attempt in 1..=20 {
            let c = s.client("nocert");
            let rc = handshake_failure(&c, "localhost", port);
            // From the connect call, or (TLS 1.3: the server refuses us after our last
            // handshake message) from the loop, as libmosquitto reports it there.
            assert!(
                rc == MOSQ_ERR_TLS || rc == MOSQ_ERR_ERRNO,
                "{version}, attempt {attempt}: rc {rc} instead of MOSQ_ERR_TLS (connect) or \
                 MOSQ_ERR_ERRNO (loop); events:\n{}",
                c.rec.dump()
            );
            assert_logged(&c, "requires a client certificate");
        }
    }
}

static PASSWORD_ASKED_BY: Mutex<Vec<usize>> = Mutex::new(Vec::new());

unsafe fn give_password(buf: *mut c_char, size: c_int, userdata: *mut c_void, pw: &str) -> c_int {
    PASSWORD_ASKED_BY
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(userdata as usize);
    let n = pw.len().min(usize::try_from(size).unwrap_or(0));
    // SAFETY: the library gives a writable buffer of `size` bytes.
    unsafe { std::ptr::copy_nonoverlapping(pw.as_ptr(), buf.cast::<u8>(), n) };
    n as c_int
}

unsafe extern "C" fn right_password(
    buf: *mut c_char,
    size: c_int,
    _rwflag: c_int,
    userdata: *mut c_void,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { give_password(buf, size, userdata, KEY_PASSWORD) }
}

unsafe extern "C" fn wrong_password(
    buf: *mut c_char,
    size: c_int,
    _rwflag: c_int,
    userdata: *mut c_void,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { give_password(buf, size, userdata, "not the password") }
}

fn asked_by(c: &Client) -> bool {
    PASSWORD_ASKED_BY
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(&(c.raw() as usize))
}

#[test]
fn encrypted_client_key_with_the_password_callback() {
    let s = tls_broker(&[("server.crt", "require_certificate true")]);
    let port = s.broker.ports[0];
    for key in ["client-enc.key", "client-legacy-enc.key"] {
        let c = s.client_with_cert("enc", key, Some(right_password));
        round_trip(&c, "localhost", port);
        assert!(
            asked_by(&c),
            "{key}: the callback was not called with the client as userdata"
        );

        let c = s.client_with_cert("badpw", key, Some(wrong_password));
        assert_eq!(
            c.connect("localhost", port, 60),
            MOSQ_ERR_TLS,
            "{key}, wrong password"
        );
        assert!(asked_by(&c));
        assert_logged(
            &c,
            &format!("Error: Unable to load client key file \"{}\".", s.certs.file(key)),
        );
        assert_logged(&c, "wrong password");
    }
    // An encrypted key without a callback fails at once, without prompting on a terminal.
    let c = s.client_with_cert("nopw", "client-enc.key", None);
    assert_eq!(c.connect("localhost", port, 60), MOSQ_ERR_TLS);
    assert_logged(&c, "Error: Unable to load client key file");
    assert_eq!(
        s.broker.log().matches("New client connected").count(),
        2,
        "{}",
        s.broker.log()
    );
}

// -------------------------------------------------------------------------------------------
// Certificate verification failures

#[test]
fn unknown_ca_refused_unless_verification_is_off() {
    let s = tls_broker(&[("other-server.crt", "")]);
    let port = s.broker.ports[0];
    let c = s.client("other-ca");
    assert_eq!(
        c.connect("localhost", port, 60),
        MOSQ_ERR_TLS,
        "events:\n{}",
        c.rec.dump()
    );
    assert_logged(&c, "Error: certificate verify failed: unknown CA");
    // A program that goes on to mosquitto_loop_forever regardless gets the failure back from it
    // at once, as libmosquitto reports it from its loop (MOSQ_ERR_ERRNO, errno EPROTO, after
    // the disconnect callback), instead of a loop that waits and retries.
    let mosq = c.mosq();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mosq = mosq;
        // SAFETY: the client outlives this call: the test waits for the result below.
        let rc = unsafe { mosquitto::capi::loop_::mosquitto_loop_forever(mosq.0, -1, 1) };
        let errno = std::io::Error::last_os_error().raw_os_error();
        let _ = tx.send((rc, errno));
    });
    match rx.recv_timeout(Duration::from_millis(500)) {
        Ok(rc) => assert_eq!(
            rc,
            (MOSQ_ERR_ERRNO, Some(libc::EPROTO)),
            "loop_forever after a failed TLS connect"
        ),
        Err(_) => {
            std::mem::forget(c);
            panic!("mosquitto_loop_forever kept retrying a TLS failure");
        }
    }

    // The same through connect_async and the loop thread: reported to on_disconnect as
    // libmosquitto reports it from its loop (MOSQ_ERR_ERRNO, errno EPROTO).
    let c = s.client("other-ca-async");
    assert_eq!(c.connect_async("localhost", port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_disconnect_n(1), MOSQ_ERR_ERRNO);
    assert_logged(&c, "Error: certificate verify failed: unknown CA");
    // A certificate failure is not retried (the reconnect delay is 1 s): one callback only.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        disconnects(&c.rec.events()),
        vec![MOSQ_ERR_ERRNO],
        "events:\n{}",
        c.rec.dump()
    );
    assert!(connects(&c.rec.events()).is_empty());
    assert_eq!(c.loop_stop(true), MOSQ_ERR_SUCCESS);

    // cert_reqs 0: no verification at all.
    let c = s.client("no-verify");
    assert_eq!(c.tls_opts_set(0, None, None), MOSQ_ERR_SUCCESS);
    round_trip(&c, "localhost", port);
}

#[test]
fn host_name_mismatch_refused_unless_insecure() {
    let s = tls_broker(&[("wrong-host.crt", "")]);
    let port = s.broker.ports[0];
    for host in ["localhost", "127.0.0.1"] {
        let c = s.client("wrong-host");
        assert_eq!(
            c.connect(host, port, 60),
            MOSQ_ERR_TLS,
            "{host}; events:\n{}",
            c.rec.dump()
        );
        assert_logged(&c, "Error: host name verification failed.");
    }
    let c = s.client("insecure");
    assert_eq!(c.tls_insecure_set(true), MOSQ_ERR_SUCCESS);
    round_trip(&c, "localhost", port);
}

/// A server certificate without alternative names, naming the host in its common name only
/// (as `openssl req -subj /CN=host` and old CA scripts make them): accepted for that host
/// name, as OpenSSL-based libmosquitto accepts it; never for an IP address.
#[test]
fn common_name_only_certificate_accepted_for_its_host_name() {
    let s = tls_broker(&[("cn-only.crt", "")]);
    let port = s.broker.ports[0];
    let c = s.client("cn-only");
    round_trip(&c, "localhost", port);
    let c = s.client("cn-only-ip");
    assert_eq!(
        c.connect("127.0.0.1", port, 60),
        MOSQ_ERR_TLS,
        "events:\n{}",
        c.rec.dump()
    );
    assert_logged(&c, "Error: host name verification failed.");
    // Debian's mosquitto_pub, on the system's library and on ours, side by side.
    let ca = s.certs.file("ca.crt");
    for ours in [false, true] {
        for (host, ok) in [("localhost", true), ("127.0.0.1", false)] {
            let mut cmd = tool("mosquitto_pub");
            if !ours {
                cmd.env_remove("LD_LIBRARY_PATH");
            }
            cmd.args(["-h", host, "-p", &port.to_string(), "--cafile", &ca])
                .args(["-t", "cn/only", "-m", "x", "-q", "1"]);
            let out = common::run(&mut cmd, TIMEOUT, None).expect("run mosquitto_pub");
            assert_eq!(
                out.status.success(),
                ok,
                "{} library, {host}:\n{}",
                if ours { "our" } else { "the system's" },
                out.describe()
            );
        }
    }
}

#[test]
fn expired_certificate_refused() {
    let s = tls_broker(&[("expired.crt", "")]);
    let c = s.client("expired");
    assert_eq!(c.connect("localhost", s.broker.ports[0], 60), MOSQ_ERR_TLS);
    assert_logged(&c, "Error: certificate verify failed: certificate has expired");
    // tls_insecure only skips the host name check, not the dates.
    let c = s.client("expired-insecure");
    assert_eq!(c.tls_insecure_set(true), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect("localhost", s.broker.ports[0], 60), MOSQ_ERR_TLS);
    assert_logged(&c, "certificate has expired");
}

/// A TLS client at a plain MQTT port: the broker takes the ClientHello for a malformed packet and
/// drops the connection in the middle of the handshake. That is a handshake failure like any
/// other: MOSQ_ERR_TLS with an error log line, at once.
#[test]
fn tls_client_against_a_plain_listener_fails() {
    let s = tls_broker(&[]);
    let c = s.client("plain");
    let started = common::now();
    let rc = c.connect("127.0.0.1", s.broker.port, 60);
    assert!(started.elapsed() < TIMEOUT);
    assert!(
        rc == MOSQ_ERR_TLS,
        "rc {rc} (errno {:?}) instead of MOSQ_ERR_TLS; log:\n{}",
        std::io::Error::last_os_error(),
        c.log_texts().join("\n")
    );
    assert_logged(&c, "Error: ");
}

// -------------------------------------------------------------------------------------------
// Files

#[test]
fn missing_and_unusable_files() {
    let s = tls_broker(&[("server.crt", "")]);
    let c = Client::new(Some(&client_id("files")), true);
    c.enable_log();
    let missing = s.certs.dir().join("missing.crt");
    let missing = missing.to_str().expect("UTF-8 path");
    let ca = s.certs.file("ca.crt");
    let (cert, key) = (s.certs.file("client.crt"), s.certs.file("client.key"));
    // Unopenable files, and incomplete settings.
    assert_eq!(c.tls_set(Some(missing), None, None, None, None), MOSQ_ERR_INVAL);
    assert_eq!(
        c.tls_set(Some(&ca), None, Some(missing), Some(&key), None),
        MOSQ_ERR_INVAL
    );
    assert_eq!(
        c.tls_set(Some(&ca), None, Some(&cert), Some(missing), None),
        MOSQ_ERR_INVAL
    );
    assert_eq!(
        c.tls_set(Some(&ca), None, Some(&cert), None, None),
        MOSQ_ERR_INVAL
    );
    assert_eq!(c.tls_set(Some(&ca), None, None, Some(&key), None), MOSQ_ERR_INVAL);
    assert_eq!(c.tls_set(None, None, None, None, None), MOSQ_ERR_INVAL);
    // A failed tls_set leaves TLS off: a plain connection works.
    round_trip(&c, "127.0.0.1", s.broker.port);

    // A CA file without a certificate is only found out when connecting.
    let c = Client::new(Some(&client_id("no-cert")), true);
    c.enable_log();
    let empty = s.certs.file("no-cert.pem");
    assert_eq!(c.tls_set(Some(&empty), None, None, None, None), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect("localhost", s.broker.ports[0], 60), MOSQ_ERR_TLS);
    assert_logged(
        &c,
        &format!("Error: Unable to load CA certificates, check cafile \"{empty}\"."),
    );
    // A capath directory holding the CA works without a cafile.
    let c = Client::new(Some(&client_id("capath")), true);
    let capath = s.certs.dir().join("capath");
    std::fs::create_dir(&capath).expect("create capath");
    std::fs::copy(s.certs.path("ca.crt"), capath.join("ca.pem")).expect("copy CA");
    let capath = capath.to_str().expect("UTF-8 path");
    assert_eq!(c.tls_set(None, Some(capath), None, None, None), MOSQ_ERR_SUCCESS);
    round_trip(&c, "localhost", s.broker.ports[0]);
}
