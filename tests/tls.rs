//! TLS against a real broker (Debian's `mosquitto`, which uses OpenSSL): server and client
//! authentication, certificate failures and their log lines, TLS versions, cipher lists, ALPN,
//! every loop style, large messages, reconnection, and Debian's command-line clients on this
//! library. The certificates are made by the tests (see `common::certs`).

mod common;

use std::ffi::{c_char, c_int, c_void};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use common::certs::{CertDir, KEY_PASSWORD};
use common::client::{Client, Event, connects, disconnects, messages_on};
use common::consts::*;
use common::cprog::ldd_resolves_to_ours;
use common::{
    Broker, BrokerConfig, Listener, Proc, TIMEOUT, ensure_library_built, lib_dir, our_library, pattern,
    unique_topic,
};
use mosquitto::capi::types::mosq_opt_t;

/// A broker with one TLS listener per entry: the certificate it presents and further lines of
/// its section; the ports are `broker.ports`, in the same order. The certificate directory must
/// outlive the broker (it reads the files again when restarted).
struct Setup {
    broker: Broker,
    certs: CertDir,
}

fn tls_broker(listeners: &[(&str, &str)]) -> Setup {
    start(listeners, false)
}

/// Like [`tls_broker`], with a broker that speaks TLS 1.2 at most (its `tls_version` option can
/// only set the lowest version: the cap comes from an OpenSSL configuration file).
fn tls12_broker(listeners: &[(&str, &str)]) -> Setup {
    start(listeners, true)
}

fn start(listeners: &[(&str, &str)], tls12_only: bool) -> Setup {
    ensure_library_built();
    let certs = CertDir::new();
    let listeners = listeners
        .iter()
        .map(|(cert, extra)| Listener::new(format!("{}{extra}\n", certs.listener(cert))))
        .collect();
    let mut env = Vec::new();
    if tls12_only {
        let conf = certs.openssl_conf_tls12_only();
        env.push(("OPENSSL_CONF".to_owned(), conf.to_string_lossy().into_owned()));
    }
    let broker = Broker::start_with(BrokerConfig {
        listeners,
        env,
        ..Default::default()
    });
    Setup { broker, certs }
}

impl Setup {
    /// A logging client that trusts the test CA.
    fn client(&self, label: &str) -> Client {
        let c = Client::new(Some(&client_id(label)), true);
        c.enable_log();
        assert_eq!(
            c.tls_set(Some(&self.certs.file("ca.crt")), None, None, None, None),
            MOSQ_ERR_SUCCESS,
            "mosquitto_tls_set"
        );
        c
    }

    /// Like [`Setup::client`], presenting the test client certificate.
    fn client_with_cert(&self, label: &str, key: &str, pw: Option<common::client::PwCallback>) -> Client {
        let c = Client::new(Some(&client_id(label)), true);
        c.enable_log();
        assert_eq!(
            c.tls_set(
                Some(&self.certs.file("ca.crt")),
                None,
                Some(&self.certs.file("client.crt")),
                Some(&self.certs.file(key)),
                pw
            ),
            MOSQ_ERR_SUCCESS,
            "mosquitto_tls_set with {key}"
        );
        c
    }
}

fn client_id(label: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{label}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether a log line contains `needle`.
#[track_caller]
fn assert_logged(c: &Client, needle: &str) {
    let logs = c.log_texts();
    assert!(
        logs.iter().any(|l| l.contains(needle)),
        "no log line contains {needle:?}; log:\n{}",
        logs.join("\n")
    );
}

/// Connect with `mosquitto_connect`, run `mosquitto_loop_start`, wait for CONNACK, subscribe to
/// `topic` at QoS 2.
#[track_caller]
fn connect_and_subscribe(c: &Client, host: &str, port: u16, topic: &str) {
    let rc = c.connect(host, port, 60);
    assert_eq!(
        rc,
        MOSQ_ERR_SUCCESS,
        "connect to {host}:{port}; events:\n{}",
        c.rec.dump()
    );
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0, "CONNACK");
    assert_eq!(c.subscribe_and_wait(topic, 2), vec![2]);
}

/// Connect (blocking), start the loop, and check that a message makes the round trip through
/// the broker at QoS 1. Stops the loop and disconnects.
#[track_caller]
fn round_trip(c: &Client, host: &str, port: u16) {
    let topic = unique_topic("round-trip");
    connect_and_subscribe(c, host, port, &topic);
    let (rc, mid) = c.publish(&topic, b"over TLS", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    let msgs = c.wait_messages(&topic, 1, TIMEOUT);
    assert_eq!(msgs[0].payload, b"over TLS");
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
}

/// Connect with `mosquitto_connect` expecting the TLS handshake to fail; returns the error,
/// from the connect call itself or, if the failure shows only after the client finished its
/// part of the handshake (the server checking a client certificate under TLS 1.3), from the
/// disconnect callback. No CONNACK may arrive.
#[track_caller]
fn handshake_failure(c: &Client, host: &str, port: u16) -> i32 {
    let rc = c.connect(host, port, 60);
    let rc = if rc != MOSQ_ERR_SUCCESS {
        rc
    } else {
        c.pump_for("the disconnect after a failed handshake", TIMEOUT, |ev| {
            disconnects(ev).first().copied()
        })
    };
    assert!(
        connects(&c.rec.events()).is_empty(),
        "CONNACK after a failed handshake"
    );
    rc
}

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

fn tool(name: &str) -> Command {
    let path = PathBuf::from("/usr/bin").join(name);
    assert!(
        path.is_file(),
        "{name} is not installed (Debian package mosquitto-clients)"
    );
    ldd_resolves_to_ours(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(path);
    cmd.env("LD_LIBRARY_PATH", lib_dir()).env_remove("LD_PRELOAD");
    cmd
}

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
