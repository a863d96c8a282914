//! The broker's TLS listeners, served by rustls, with Debian's unchanged `mosquitto_pub` and
//! `mosquitto_sub` (on the system's libmosquitto and OpenSSL) as clients: server
//! certificates, client certificates required or not (X.509 v3 and v1), the certificate's
//! identity as the username, the lowest TLS version, refused handshakes and their log line,
//! certificate reload, and the errors of a listener that cannot start.

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::certs::CertDir;
use common::{Proc, TIMEOUT, have_program, poll_until, run, unique_topic};
use mosquitto::broker::server::{Broker, BrokerBuilder, StartError};

/// The log lines of an embedded broker.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<String>>>);

impl Lines {
    fn contains(&self, text: &str) -> bool {
        self.0.lock().unwrap().iter().any(|l| l.contains(text))
    }

    fn wait_for(&self, text: &str) -> bool {
        poll_until(TIMEOUT, || self.contains(text).then_some(())).is_some()
    }

    fn all(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }
}

/// Start a broker with `config`; its log lines go to the returned [`Lines`].
fn start(config: &str) -> Result<(Broker, Lines), StartError> {
    let lines = Lines::default();
    let sink = lines.clone();
    let mut b = BrokerBuilder::new();
    b.log_callback(Arc::new(move |_, line: &str| {
        sink.0.lock().unwrap().push(line.to_owned())
    }));
    b.config_str(config).map_err(StartError::Config)?;
    b.start().map(|broker| (broker, lines))
}

fn clients_available() -> bool {
    have_program("mosquitto_pub") && have_program("mosquitto_sub")
}

/// `mosquitto_pub` with `args` on the system's library; its exit status and stderr.
fn publish(port: u16, args: &[&str]) -> (bool, String) {
    let out = run(
        Command::new("mosquitto_pub")
            .env_remove("LD_LIBRARY_PATH")
            .args(["-h", "localhost", "-p", &port.to_string()])
            .args(args),
        TIMEOUT,
        None,
    )
    .expect("run mosquitto_pub");
    (out.status.success() && !out.timed_out, out.stderr_str())
}

/// A `mosquitto_sub` waiting for one message, once the broker logged its subscription.
fn subscriber(port: u16, topic: &str, args: &[&str], lines: &Lines) -> Proc {
    let before = lines.all().matches("Sending SUBACK").count();
    let proc = Proc::spawn(
        Command::new("mosquitto_sub")
            .env_remove("LD_LIBRARY_PATH")
            .args([
                "-h",
                "localhost",
                "-p",
                &port.to_string(),
                "-t",
                topic,
                "-C",
                "1",
                "-W",
                "10",
            ])
            .args(args),
    )
    .expect("start mosquitto_sub");
    let subscribed = poll_until(TIMEOUT, || {
        (lines.all().matches("Sending SUBACK").count() > before).then_some(())
    });
    assert!(subscribed.is_some(), "no subscription:\n{}", lines.all());
    proc
}

fn listener(certs: &CertDir, extra: &str) -> String {
    format!(
        "log_type all\nlistener 0 127.0.0.1\nallow_anonymous true\n{}{extra}",
        certs.listener("server.crt")
    )
}

#[test]
fn a_tls_listener_serves_debian_clients_and_refuses_the_wrong_ca() {
    if !clients_available() {
        eprintln!("skipped: mosquitto_pub and mosquitto_sub are needed");
        return;
    }
    let certs = CertDir::new();
    let (broker, lines) = start(&listener(&certs, "")).expect("start");
    let port = broker.port(0).unwrap();
    let topic = unique_topic("tls");
    let ca = certs.file("ca.crt");
    let sub = subscriber(port, &topic, &["--cafile", &ca], &lines);
    let (ok, err) = publish(
        port,
        &["--cafile", &ca, "-q", "1", "-t", &topic, "-m", "over tls"],
    );
    assert!(ok, "publish: {err}");
    let out = sub.wait(TIMEOUT);
    out.assert_success("mosquitto_sub");
    assert_eq!(out.stdout_str(), "over tls\n");

    // A client that trusts another CA refuses our certificate; we log the failed handshake.
    let (ok, _) = publish(
        port,
        &["--cafile", &certs.file("other-ca.crt"), "-t", &topic, "-m", "x"],
    );
    assert!(!ok);
    assert!(
        lines.wait_for("Client connection from 127.0.0.1 failed: "),
        "{}",
        lines.all()
    );
    broker.stop();
}

#[test]
fn plain_mqtt_on_a_tls_port_fails_the_handshake_with_a_log_line() {
    let certs = CertDir::new();
    let (broker, lines) = start(&listener(&certs, "")).expect("start");
    let port = broker.port(0).unwrap();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    use std::io::{Read, Write};
    // A 3.1.1 CONNECT where a TLS ClientHello is expected.
    s.write_all(&[0x10, 0x0c, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 0])
        .unwrap();
    let mut buf = [0u8; 64];
    let mut got = Vec::new();
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    // No CONNACK: at most a TLS alert record (content type 21).
    assert!(got.is_empty() || got[0] == 21, "{got:?}");
    assert!(
        lines.wait_for("Client connection from 127.0.0.1 failed: "),
        "{}",
        lines.all()
    );
    assert!(!lines.contains("New client connected"));
    broker.stop();
}

#[test]
fn required_client_certificates_v3_and_v1_are_accepted_others_refused() {
    if !clients_available() {
        eprintln!("skipped: mosquitto_pub and mosquitto_sub are needed");
        return;
    }
    let certs = CertDir::new();
    let (broker, lines) = start(&listener(&certs, "require_certificate true\n")).expect("start");
    let port = broker.port(0).unwrap();
    let ca = certs.file("ca.crt");
    let key = certs.file("client.key");
    let topic = unique_topic("cert");
    for cert in ["client.crt", "client-v1.crt"] {
        let c = certs.file(cert);
        let (ok, err) = publish(
            port,
            &[
                "--cafile", &ca, "--cert", &c, "--key", &key, "-t", &topic, "-m", "x",
            ],
        );
        assert!(ok, "{cert}: {err}\n{}", lines.all());
    }
    // No certificate, or one from a CA the listener does not trust.
    let (ok, _) = publish(port, &["--cafile", &ca, "-t", &topic, "-m", "x"]);
    assert!(!ok, "accepted without a certificate");
    let other = certs.file("other-client.crt");
    let (ok, _) = publish(
        port,
        &[
            "--cafile", &ca, "--cert", &other, "--key", &key, "-t", &topic, "-m", "x",
        ],
    );
    assert!(!ok, "accepted a certificate of another CA");
    assert_eq!(
        lines.all().matches("New client connected").count(),
        2,
        "{}",
        lines.all()
    );
    broker.stop();
}

#[test]
fn the_certificate_identity_is_the_username() {
    if !clients_available() {
        eprintln!("skipped: mosquitto_pub and mosquitto_sub are needed");
        return;
    }
    let certs = CertDir::new();
    let ca = certs.file("ca.crt");
    let cert = certs.file("client.crt");
    let key = certs.file("client.key");
    for (option, username) in [
        ("use_identity_as_username true", "test-client"),
        ("use_subject_as_username true", "CN=test-client"),
    ] {
        let extra = format!("require_certificate true\n{option}\n");
        let (broker, lines) = start(&listener(&certs, &extra)).expect("start");
        let port = broker.port(0).unwrap();
        // The username and password of CONNECT do not count.
        let (ok, err) = publish(
            port,
            &[
                "--cafile", &ca, "--cert", &cert, "--key", &key, "-u", "someone", "-P", "pw", "-t", "t",
                "-m", "x",
            ],
        );
        assert!(ok, "{option}: {err}");
        assert!(
            lines.wait_for(&format!("u'{username}')")),
            "{option}: no username {username}:\n{}",
            lines.all()
        );
        broker.stop();
    }
}

#[test]
fn tls_version_sets_the_lowest_version() {
    if !clients_available() {
        eprintln!("skipped: mosquitto_pub and mosquitto_sub are needed");
        return;
    }
    let certs = CertDir::new();
    let (broker, _lines) = start(&listener(&certs, "tls_version tlsv1.3\n")).expect("start");
    let port = broker.port(0).unwrap();
    let ca = certs.file("ca.crt");
    let (ok, err) = publish(
        port,
        &["--cafile", &ca, "--tls-version", "tlsv1.3", "-t", "t", "-m", "x"],
    );
    assert!(ok, "TLS 1.3: {err}");
    // A client whose OpenSSL goes no higher than TLS 1.2.
    let out = run(
        Command::new("mosquitto_pub")
            .env_remove("LD_LIBRARY_PATH")
            .env("OPENSSL_CONF", certs.openssl_conf_tls12_only())
            .args([
                "-h",
                "localhost",
                "-p",
                &port.to_string(),
                "--cafile",
                &ca,
                "-t",
                "t",
                "-m",
                "x",
            ]),
        TIMEOUT,
        None,
    )
    .expect("run mosquitto_pub");
    assert!(
        !out.status.success(),
        "a TLS 1.2 client was accepted by a tlsv1.3 listener"
    );
    broker.stop();

    let Err(e) = start(&listener(&certs, "tls_version tlsv1.0\n")) else {
        panic!("tlsv1.0 accepted");
    };
    assert_eq!(
        e.lines(),
        vec!["Error: Unsupported tls_version \"tlsv1.0\".".to_owned()]
    );
    assert_eq!(e.exit_code(), 1);
}

#[test]
fn a_reload_reads_the_certificate_again() {
    if !clients_available() {
        eprintln!("skipped: mosquitto_pub and mosquitto_sub are needed");
        return;
    }
    let certs = CertDir::new();
    let served = certs.dir().join("served.crt");
    std::fs::copy(certs.path("server.crt"), &served).unwrap();
    let config = format!(
        "listener 0 127.0.0.1\nallow_anonymous true\ncertfile {}\nkeyfile {}\n",
        served.display(),
        certs.file("server.key")
    );
    let (broker, _lines) = start(&config).expect("start");
    let port = broker.port(0).unwrap();
    let ca = certs.file("ca.crt");
    let other_ca = certs.file("other-ca.crt");
    assert!(publish(port, &["--cafile", &ca, "-t", "t", "-m", "x"]).0);
    std::fs::copy(certs.path("other-server.crt"), &served).unwrap();
    broker.reload().expect("reload");
    assert!(
        publish(port, &["--cafile", &other_ca, "-t", "t", "-m", "x"]).0,
        "new certificate not served"
    );
    assert!(
        !publish(port, &["--cafile", &ca, "-t", "t", "-m", "x"]).0,
        "old certificate still served"
    );
    broker.stop();
}

#[test]
fn a_tls_listener_that_cannot_start_says_why() {
    let certs = CertDir::new();
    let cases = [
        (
            format!(
                "listener 0 127.0.0.1\ncertfile {}\nkeyfile {}\n",
                certs.file("no-cert.pem"),
                certs.file("server.key")
            ),
            format!(
                "Error: Unable to load server certificate \"{}\". Check certfile.",
                certs.file("no-cert.pem")
            ),
        ),
        (
            format!(
                "listener 0 127.0.0.1\ncertfile {}\nkeyfile {}\n",
                certs.file("server.crt"),
                certs.file("no-cert.pem")
            ),
            format!(
                "Error: Unable to load server key file \"{}\". Check keyfile.",
                certs.file("no-cert.pem")
            ),
        ),
        (
            format!(
                "listener 0 127.0.0.1\ncertfile {}\nkeyfile {}\n",
                certs.file("server.crt"),
                certs.file("client.key")
            ),
            "Error: Server certificate/key are inconsistent.".to_owned(),
        ),
    ];
    for (config, line) in cases {
        let Err(e) = start(&config) else {
            panic!("started with {config}");
        };
        assert_eq!(e.lines(), vec![line.clone()], "{config}");
        assert_eq!(e.exit_code(), 1);
    }
    // TLS-PSK cannot be served by rustls: refused, naming the option.
    let Err(e) = start(&format!("{}psk_hint hint\n", listener(&certs, ""))) else {
        panic!("psk_hint accepted");
    };
    assert!(matches!(e, StartError::Unsupported(_)));
    assert!(
        e.lines()[0].starts_with("Error: Option 'psk_hint' is not supported by this broker"),
        "{:?}",
        e.lines()
    );
}
