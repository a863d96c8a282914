//! Shared by the `tls_*` tests: a broker with TLS listeners and the test certificates, clients that
//! trust the test CA, and helpers for connecting and checking failures.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::common::certs::CertDir;
use crate::common::client::{Client, connects, disconnects};
use crate::common::consts::*;
use crate::common::cprog::ldd_resolves_to_ours;
use crate::common::{Broker, BrokerConfig, Listener, TIMEOUT, ensure_library_built, lib_dir, unique_topic};

/// A broker with one TLS listener per entry: the certificate it presents and further lines of
/// its section; the ports are `broker.ports`, in the same order. The certificate directory must
/// outlive the broker (it reads the files again when restarted).
pub(crate) struct Setup {
    pub(crate) broker: Broker,
    pub(crate) certs: CertDir,
}

pub(crate) fn tls_broker(listeners: &[(&str, &str)]) -> Setup {
    start(listeners, false)
}

/// Like [`tls_broker`], with a broker that speaks TLS 1.2 at most (its `tls_version` option can
/// only set the lowest version: the cap comes from an OpenSSL configuration file).
pub(crate) fn tls12_broker(listeners: &[(&str, &str)]) -> Setup {
    start(listeners, true)
}

pub(crate) fn start(listeners: &[(&str, &str)], tls12_only: bool) -> Setup {
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
    pub(crate) fn client(&self, label: &str) -> Client {
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
    pub(crate) fn client_with_cert(
        &self,
        label: &str,
        key: &str,
        pw: Option<crate::common::client::PwCallback>,
    ) -> Client {
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

pub(crate) fn client_id(label: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{label}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether a log line contains `needle`.
#[track_caller]
pub(crate) fn assert_logged(c: &Client, needle: &str) {
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
pub(crate) fn connect_and_subscribe(c: &Client, host: &str, port: u16, topic: &str) {
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
pub(crate) fn round_trip(c: &Client, host: &str, port: u16) {
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
pub(crate) fn handshake_failure(c: &Client, host: &str, port: u16) -> i32 {
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

pub(crate) fn tool(name: &str) -> Command {
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
