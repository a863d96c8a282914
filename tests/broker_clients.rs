//! Debian's unchanged command-line clients (`mosquitto_pub`, `mosquitto_sub`, `mosquitto_rr`
//! from /usr/bin) against this project's broker, the `mosquitto` command: the cases of the
//! outside check that need no TLS (every protocol version at every QoS, retained messages, a
//! will, line mode, a 2 MB payload, v5 properties and formatted output, request/response,
//! passwords, `$SYS`, wildcards).
//!
//! Every case runs twice: with the clients on the system's libmosquitto, and with them on this
//! project's library (`LD_LIBRARY_PATH=build/lib`); [`setup`] checks with `ldd` that each
//! setting resolves `libmosquitto.so.1` to the intended file. The broker is started by the
//! common harness with the configuration it gives Debian's broker, on free loopback ports.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use common::broker::{PASSWORD, USER};
use common::cprog::ldd_resolves_to_ours;
use common::{
    Broker, BrokerConfig, Output, Proc, TIMEOUT, TempDir, ensure_library_built, lib_dir, our_library,
    pattern, unique_topic,
};

/// Which libmosquitto the clients run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lib {
    System,
    Ours,
}

const LIBS: [Lib; 2] = [Lib::System, Lib::Ours];

const CLIENTS: [&str; 3] = ["mosquitto_pub", "mosquitto_sub", "mosquitto_rr"];

fn tool_path(name: &str) -> PathBuf {
    Path::new("/usr/bin").join(name)
}

/// The library `ldd` finds for `binary` without `LD_LIBRARY_PATH`.
fn system_resolution(binary: &Path) -> Result<PathBuf, String> {
    let mut cmd = Command::new("ldd");
    cmd.arg(binary).env_remove("LD_LIBRARY_PATH");
    let out = common::run(&mut cmd, TIMEOUT, None).map_err(|e| format!("cannot run ldd: {e}"))?;
    let text = out.stdout_str();
    text.lines()
        .find(|l| l.trim_start().starts_with("libmosquitto.so.1"))
        .and_then(|l| l.split("=>").nth(1))
        .and_then(|r| r.split_whitespace().next())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .ok_or_else(|| format!("ldd {} finds no libmosquitto.so.1:\n{text}", binary.display()))
}

/// Build the library and the broker, and check once that the clients exist and resolve
/// libmosquitto.so.1 to the system's library by default and to ours with `LD_LIBRARY_PATH`.
fn setup() {
    ensure_library_built();
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    let result = CHECKED.get_or_init(|| {
        for name in CLIENTS {
            let path = tool_path(name);
            if !path.is_file() {
                return Err(format!(
                    "{name} is not installed (Debian package mosquitto-clients)"
                ));
            }
            ldd_resolves_to_ours(&path)?;
            let system = system_resolution(&path)?;
            if system.canonicalize().ok() == Some(our_library()) {
                return Err(format!("{name} resolves to our library without LD_LIBRARY_PATH"));
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Our broker, as the common harness configures it.
fn our_broker() -> Broker {
    let broker = Broker::start_with(BrokerConfig {
        program: Some(PathBuf::from(env!("CARGO_BIN_EXE_mosquitto"))),
        ..Default::default()
    });
    // Debian's broker would say 2.0.11.
    assert!(
        broker.wait_for_log("mosquitto version 2.0.20 running", TIMEOUT),
        "not our broker?\n{}",
        broker.log()
    );
    broker
}

/// A Debian client on `lib`.
fn tool(lib: Lib, name: &str) -> Command {
    let mut cmd = Command::new(tool_path(name));
    match lib {
        Lib::Ours => cmd.env("LD_LIBRARY_PATH", lib_dir()),
        Lib::System => cmd.env_remove("LD_LIBRARY_PATH"),
    };
    cmd.env_remove("LD_PRELOAD");
    cmd
}

/// A client id of at most 23 characters (MQTT 3.1's limit), naming the library.
fn short_id(lib: Lib, label: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let tag = match lib {
        Lib::System => "s",
        Lib::Ours => "o",
    };
    format!(
        "{label}{tag}{}-{}",
        std::process::id() % 100_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn run(cmd: &mut Command, stdin: Option<Vec<u8>>) -> Output {
    common::run(cmd, TIMEOUT, stdin).expect("run a client")
}

fn port_args(port: u16) -> Vec<String> {
    vec!["-h".into(), "127.0.0.1".into(), "-p".into(), port.to_string()]
}

/// Start `name` (`mosquitto_sub` or `mosquitto_rr`) with `-i id` and `args`, and wait until
/// the broker has acknowledged its subscriptions.
fn start_subscribed(broker: &Broker, lib: Lib, name: &str, id: &str, args: &[&str]) -> Proc {
    let mut cmd = tool(lib, name);
    cmd.args(port_args(broker.port)).args(["-i", id]).args(args);
    let mut proc = Proc::spawn(&mut cmd).expect("start a client");
    proc.close_stdin();
    if !broker.wait_for_log(&format!("Sending SUBACK to {id}"), TIMEOUT) {
        let out = proc.kill();
        panic!(
            "{lib:?}: {name} {args:?} did not subscribe\n{}\nbroker log:\n{}",
            out.describe(),
            broker.log()
        );
    }
    proc
}

fn start_sub(broker: &Broker, lib: Lib, id: &str, args: &[&str]) -> Proc {
    start_subscribed(broker, lib, "mosquitto_sub", id, args)
}

/// `mosquitto_pub ARGS` against the anonymous listener, which must succeed.
fn publish(broker: &Broker, lib: Lib, args: &[&str]) {
    publish_with_input(broker, lib, args, None);
}

fn publish_with_input(broker: &Broker, lib: Lib, args: &[&str], input: Option<Vec<u8>>) {
    let out = run(
        tool(lib, "mosquitto_pub").args(port_args(broker.port)).args(args),
        input,
    );
    out.assert_success(&format!("{lib:?}: mosquitto_pub {args:?}"));
}

/// What a subscriber printed; it must have exited successfully.
#[track_caller]
fn finished(sub: Proc, lib: Lib, what: &str, limit: Duration) -> Output {
    let out = sub.wait(limit);
    out.assert_success(&format!("{lib:?}: {what}"));
    out
}

#[test]
fn each_protocol_version_and_qos() {
    setup();
    let broker = our_broker();
    for lib in LIBS {
        for version in ["mqttv31", "mqttv311", "mqttv5"] {
            for qos in ["0", "1", "2"] {
                let topic = unique_topic(&format!("{version}/{qos}"));
                let sub = start_sub(
                    &broker,
                    lib,
                    &short_id(lib, "s"),
                    &["-V", version, "-q", qos, "-t", &topic, "-C", "1", "-W", "5"],
                );
                let message = format!("hello-{version}-{qos}");
                publish(
                    &broker,
                    lib,
                    &["-V", version, "-q", qos, "-t", &topic, "-m", &message],
                );
                let out = finished(sub, lib, &format!("{version} q{qos}"), TIMEOUT);
                assert_eq!(
                    out.stdout_str(),
                    format!("{message}\n"),
                    "{lib:?} {version} q{qos}"
                );
            }
        }
    }
}

#[test]
fn retained_message_reaches_a_later_wildcard_subscriber() {
    setup();
    let broker = our_broker();
    for lib in LIBS {
        let base = unique_topic("ret");
        let topic = format!("{base}/a");
        publish(&broker, lib, &["-r", "-q", "1", "-t", &topic, "-m", "kept"]);
        let filter = format!("{base}/#");
        let out = run(
            tool(lib, "mosquitto_sub")
                .args(port_args(broker.port))
                .args(["-v", "-t", &filter, "-C", "1", "-W", "5"]),
            None,
        );
        out.assert_success(&format!("{lib:?}: mosquitto_sub of a retained message"));
        assert_eq!(out.stdout_str(), format!("{topic} kept\n"), "{lib:?}");
    }
}

#[test]
fn will_on_abnormal_disconnect() {
    setup();
    let broker = our_broker();
    for lib in LIBS {
        let topic = unique_topic("will");
        let watcher = start_sub(
            &broker,
            lib,
            &short_id(lib, "w"),
            &["-t", &topic, "-C", "1", "-W", "8"],
        );
        let doomed_id = short_id(lib, "k");
        let doomed = start_sub(
            &broker,
            lib,
            &doomed_id,
            &[
                "-t",
                "none",
                "-k",
                "5",
                "--will-topic",
                &topic,
                "--will-payload",
                "gone",
            ],
        );
        doomed.kill();
        let out = finished(watcher, lib, "the will watcher", TIMEOUT);
        assert_eq!(out.stdout_str(), "gone\n", "{lib:?}\n{}", broker.log());
        assert!(
            broker
                .log()
                .contains(&format!("Client {doomed_id} closed its connection.")),
            "{lib:?}"
        );
    }
}

#[test]
fn line_mode_2000_lines_at_qos1_in_order() {
    setup();
    let broker = our_broker();
    let lines: String = (1..=2000).map(|i| format!("{i}\n")).collect();
    for lib in LIBS {
        let topic = unique_topic("lines");
        let sub = start_sub(
            &broker,
            lib,
            &short_id(lib, "l"),
            &["-q", "1", "-t", &topic, "-C", "2000", "-W", "20"],
        );
        publish_with_input(
            &broker,
            lib,
            &["-q", "1", "-t", &topic, "-l"],
            Some(lines.clone().into_bytes()),
        );
        let out = finished(sub, lib, "2000 lines", Duration::from_secs(20));
        assert!(
            out.stdout_str() == lines,
            "{lib:?}: the lines differ\n{}",
            out.describe()
        );
    }
}

#[test]
fn two_megabyte_payload_from_a_file_intact() {
    setup();
    let broker = our_broker();
    let dir = TempDir::new("big");
    let file = dir.join("big");
    let payload = pattern(2_000_000, 7);
    std::fs::write(&file, &payload).expect("write the payload");
    let file = file.to_str().expect("UTF-8 path").to_owned();
    for lib in LIBS {
        let topic = unique_topic("big");
        let sub = start_sub(
            &broker,
            lib,
            &short_id(lib, "b"),
            &["-q", "1", "-t", &topic, "-C", "1", "-W", "10", "-N"],
        );
        publish(&broker, lib, &["-q", "1", "-t", &topic, "-f", &file]);
        let out = finished(sub, lib, "the 2 MB message", Duration::from_secs(20));
        assert_eq!(out.stdout.len(), payload.len(), "{lib:?}: payload length");
        assert!(out.stdout == payload, "{lib:?}: payload bytes differ");
    }
}

#[test]
fn v5_user_property_and_formatted_output() {
    setup();
    let broker = our_broker();
    for lib in LIBS {
        let topic = unique_topic("fmt");
        let sub = start_sub(
            &broker,
            lib,
            &short_id(lib, "f"),
            &[
                "-V",
                "mqttv5",
                "-q",
                "1",
                "-t",
                &topic,
                "-C",
                "1",
                "-W",
                "5",
                "-F",
                "%t|%p|%q|%P",
            ],
        );
        publish(
            &broker,
            lib,
            &[
                "-V",
                "mqttv5",
                "-q",
                "1",
                "-t",
                &topic,
                "-m",
                "body",
                "-D",
                "publish",
                "user-property",
                "k",
                "v",
            ],
        );
        let out = finished(sub, lib, "mosquitto_sub -F", TIMEOUT);
        assert_eq!(out.stdout_str(), format!("{topic}|body|1|k:v\n"), "{lib:?}");
    }
}

#[test]
fn request_and_response_with_mosquitto_rr() {
    setup();
    let broker = our_broker();
    for lib in LIBS {
        let request = unique_topic("rr/req");
        let response = unique_topic("rr/resp");
        let responder = start_sub(
            &broker,
            lib,
            &short_id(lib, "q"),
            &["-V", "mqttv5", "-t", &request, "-C", "1", "-W", "8", "-F", "%R"],
        );
        // mosquitto_rr subscribes to the response topic, then publishes the request.
        let requester = start_subscribed(
            &broker,
            lib,
            "mosquitto_rr",
            &short_id(lib, "r"),
            &["-t", &request, "-e", &response, "-m", "ping", "-W", "8"],
        );
        let out = finished(responder, lib, "the responder", TIMEOUT);
        let response_topic = out.stdout_str().trim_end().to_owned();
        assert_eq!(response_topic, response, "{lib:?}: the response topic");
        publish(
            &broker,
            lib,
            &["-V", "mqttv5", "-t", &response_topic, "-m", "pong"],
        );
        let out = finished(requester, lib, "mosquitto_rr", TIMEOUT);
        assert_eq!(out.stdout_str(), "pong\n", "{lib:?}");
    }
}

#[test]
fn password_accepted_and_wrong_password_refused() {
    setup();
    let broker = our_broker();
    let port = broker.auth_port;
    for lib in LIBS {
        let topic = unique_topic("auth");
        let out = run(
            tool(lib, "mosquitto_pub")
                .args(port_args(port))
                .args(["-u", USER, "-P", PASSWORD, "-t", &topic, "-m", "x"]),
            None,
        );
        out.assert_success(&format!("{lib:?}: the right password"));
        let out = run(
            tool(lib, "mosquitto_pub")
                .args(port_args(port))
                .args(["-u", USER, "-P", "wrong", "-t", &topic, "-m", "x"]),
            None,
        );
        assert!(
            !out.timed_out && !out.status.success(),
            "{lib:?}: a wrong password must fail\n{}",
            out.describe()
        );
        assert!(
            out.stderr_str().to_lowercase().contains("not authori"),
            "{lib:?}: {}",
            out.describe()
        );
    }
}

#[test]
fn sys_broker_version() {
    setup();
    let broker = our_broker();
    for lib in LIBS {
        let out = run(
            tool(lib, "mosquitto_sub").args(port_args(broker.port)).args([
                "-t",
                "$SYS/broker/version",
                "-C",
                "1",
                "-W",
                "5",
            ]),
            None,
        );
        out.assert_success(&format!("{lib:?}: $SYS subscription"));
        assert_eq!(out.stdout_str(), "mosquitto version 2.0.20\n", "{lib:?}");
    }
}

#[test]
fn wildcards_plus_and_hash() {
    setup();
    let broker = our_broker();
    for lib in LIBS {
        let base = unique_topic("wild");
        let plus = format!("{base}/a/+/c");
        let hash = format!("{base}/x/#");
        let sub = start_sub(
            &broker,
            lib,
            &short_id(lib, "x"),
            &["-v", "-t", &plus, "-t", &hash, "-C", "2", "-W", "5"],
        );
        for (leaf, payload) in [("a/b/c", "1"), ("a/b/d", "no"), ("x/y/z", "2")] {
            publish(&broker, lib, &["-t", &format!("{base}/{leaf}"), "-m", payload]);
        }
        let out = finished(sub, lib, "the wildcard subscriber", TIMEOUT);
        let mut got: Vec<String> = out.stdout_str().lines().map(str::to_owned).collect();
        got.sort();
        assert_eq!(
            got,
            [format!("{base}/a/b/c 1"), format!("{base}/x/y/z 2")],
            "{lib:?}"
        );
    }
}
