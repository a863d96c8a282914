//! paho-mqtt (Debian's `python3-paho-mqtt`), an MQTT client written independently of
//! mosquitto, against this project's broker (the `mosquitto` command): the scripts in
//! `tests/python` check MQTT 3.1.1 and 5 at every QoS, retained messages, wills, v5 properties
//! carried unchanged (user properties, response topic, correlation data, content type, payload
//! format indicator, message expiry), subscription identifiers, No Local, Retain As Published,
//! Retain Handling, shared subscriptions and a 3.1.1 persistent session.
//!
//! Each test runs one check of `tests/python/paho_checks.py` against a broker of its own. The
//! tests are skipped, with a message, when no Python 3 with paho-mqtt is installed
//! (`.ci/deps.sh check` installs it).
//!
//! The same script passes against Debian's mosquitto 2.0.11 except for one check of `shared`:
//! 2.0.11 still sends retained messages to a new shared subscription, which 2.0.13 stopped.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use common::{Broker, BrokerConfig, TIMEOUT, repo_root};

/// How long one check may run (each wait inside is bounded by 10 s).
const LIMIT: Duration = Duration::from_secs(90);

/// A Python 3 interpreter that has paho-mqtt: Debian's (the package installs for it), or the
/// first `python3` on the PATH.
fn python() -> Option<&'static str> {
    static FOUND: OnceLock<Option<&'static str>> = OnceLock::new();
    *FOUND.get_or_init(|| {
        ["/usr/bin/python3", "python3"].into_iter().find(|python| {
            let mut cmd = Command::new(python);
            cmd.args(["-c", "import paho.mqtt.client"]);
            matches!(common::run(&mut cmd, TIMEOUT, None), Ok(out) if out.status.success())
        })
    })
}

fn script() -> PathBuf {
    repo_root().join("tests").join("python").join("paho_checks.py")
}

/// Run `check` against a broker of its own.
fn paho(check: &str) {
    let Some(python) = python() else {
        eprintln!(
            "skipping the paho-mqtt check {check}: no python3 with paho-mqtt (install the Debian \
             package python3-paho-mqtt)"
        );
        return;
    };
    let broker = Broker::start_with(BrokerConfig {
        program: Some(PathBuf::from(env!("CARGO_BIN_EXE_mosquitto"))),
        ..Default::default()
    });
    let mut cmd = Command::new(python);
    cmd.arg(script())
        .arg(broker.port.to_string())
        .arg(check)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let out = common::run(&mut cmd, LIMIT, None).expect("run python3");
    assert!(
        !out.timed_out && out.status.success() && out.stdout_str().contains(&format!("ok {check}\n")),
        "paho-mqtt check {check} failed\n{}\n--- broker log ---\n{}",
        out.describe(),
        broker.log()
    );
}

#[test]
fn qos_0_1_2_on_3_1_1_and_5() {
    paho("qos");
}

#[test]
fn retained_messages() {
    paho("retained");
}

#[test]
fn wills_with_their_properties() {
    paho("will");
}

#[test]
fn v5_publish_properties_carried_unchanged() {
    paho("v5-properties");
}

#[test]
fn subscription_identifiers() {
    paho("subscription-ids");
}

#[test]
fn no_local() {
    paho("no-local");
}

#[test]
fn retain_as_published() {
    paho("retain-as-published");
}

#[test]
fn retain_handling() {
    paho("retain-handling");
}

#[test]
fn shared_subscriptions() {
    paho("shared");
}

#[test]
fn persistent_session_on_3_1_1() {
    paho("v311-session");
}
