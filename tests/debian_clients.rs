//! Debian's unchanged command-line clients (`mosquitto_pub`, `mosquitto_sub`, `mosquitto_rr`
//! from /usr/bin), run with `LD_LIBRARY_PATH=build/lib` so that they use this library, against
//! a real broker. They are built against the original libmosquitto, so this checks the ABI
//! (symbols, versions, structure layouts) and the behaviour real programs rely on.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use common::broker::{PASSWORD, USER};
use common::cprog::ldd_resolves_to_ours;
use common::{Broker, Output, Proc, TIMEOUT, TempDir, ensure_library_built, lib_dir, pattern, unique_topic};

const VERSIONS: [(&str, &str); 3] = [("mqttv31", "p1"), ("mqttv311", "p2"), ("mqttv5", "p5")];

/// The path of a Debian client.
fn tool_path(name: &str) -> PathBuf {
    let debian = PathBuf::from("/usr/bin").join(name);
    if debian.is_file() {
        debian
    } else {
        PathBuf::from(name)
    }
}

/// Build the library, and check once that the clients resolve libmosquitto.so.1 to it.
fn setup() {
    ensure_library_built();
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    let result = CHECKED.get_or_init(|| {
        for name in ["mosquitto_pub", "mosquitto_sub", "mosquitto_rr"] {
            let path = tool_path(name);
            if !path.is_file() {
                return Err(format!(
                    "{name} is not installed (Debian package mosquitto-clients)"
                ));
            }
            ldd_resolves_to_ours(&path)?;
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A command running a Debian client on our library.
fn tool(name: &str) -> Command {
    let mut cmd = Command::new(tool_path(name));
    cmd.env("LD_LIBRARY_PATH", lib_dir()).env_remove("LD_PRELOAD");
    cmd
}

/// The same client on the system's libmosquitto (for comparisons).
fn system_tool(name: &str) -> Command {
    let mut cmd = Command::new(tool_path(name));
    cmd.env_remove("LD_LIBRARY_PATH").env_remove("LD_PRELOAD");
    cmd
}

/// A client id of at most 23 characters (MQTT 3.1's limit, which the clients enforce).
fn short_id(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}{}-{}",
        std::process::id() % 100_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn run(cmd: &mut Command, stdin: Option<Vec<u8>>) -> Output {
    common::run(cmd, TIMEOUT, stdin).expect("run a client")
}

/// Start `mosquitto_sub` with `args` (and `-i id`), and wait until the broker has
/// acknowledged its subscriptions.
fn start_sub(broker: &Broker, id: &str, args: &[&str]) -> Proc {
    let mut cmd = tool("mosquitto_sub");
    cmd.args(["-h", "127.0.0.1", "-p", &broker.port.to_string(), "-i", id])
        .args(args);
    let mut proc = Proc::spawn(&mut cmd).expect("start mosquitto_sub");
    proc.close_stdin();
    let subscribed = broker.wait_for_log(&format!("Sending SUBACK to {id}"), TIMEOUT);
    if !subscribed {
        let out = proc.kill();
        panic!(
            "mosquitto_sub {args:?} did not subscribe\n{}\nbroker log:\n{}",
            out.describe(),
            broker.log()
        );
    }
    proc
}

/// `mosquitto_pub -h 127.0.0.1 -p PORT ARGS`, which must succeed.
fn publish(broker: &Broker, args: &[&str]) -> Output {
    let out = run(
        tool("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &broker.port.to_string()])
            .args(args),
        None,
    );
    out.assert_success(&format!("mosquitto_pub {args:?}"));
    out
}

#[test]
fn clients_resolve_to_our_library() {
    setup();
    for name in ["mosquitto_pub", "mosquitto_sub", "mosquitto_rr"] {
        // And they run: --help prints the usage (status 1 for pub/sub, by design).
        let out = run(tool(name).arg("--help"), None);
        assert!(
            out.stdout_str().contains("Usage:"),
            "{name} --help\n{}",
            out.describe()
        );
        assert!(
            !out.stderr_str().contains("no version information"),
            "{name}: symbol versions missing\n{}",
            out.describe()
        );
    }
}

#[test]
fn each_protocol_and_qos() {
    setup();
    let broker = Broker::start();
    for (version, tag) in VERSIONS {
        for qos in ["0", "1", "2"] {
            let topic = unique_topic(&format!("matrix-{version}-q{qos}"));
            let sub_id = short_id("s");
            let pub_id = short_id("p");
            let sub = start_sub(
                &broker,
                &sub_id,
                &["-V", version, "-q", qos, "-t", &topic, "-C", "1"],
            );
            let message = format!("hello {version} q{qos}");
            publish(
                &broker,
                &[
                    "-V", version, "-q", qos, "-t", &topic, "-m", &message, "-i", &pub_id,
                ],
            );
            let out = sub.wait(TIMEOUT);
            out.assert_success(&format!("mosquitto_sub {version} q{qos}"));
            assert_eq!(out.stdout_str(), format!("{message}\n"), "{version} q{qos}");
            let log = broker.log();
            for id in [&sub_id, &pub_id] {
                assert!(
                    log.contains(&format!("as {id} ({tag}, c1, k60)")),
                    "{version}: {id} not logged:\n{log}"
                );
            }
            assert!(
                log.contains(&format!("Received PUBLISH from {pub_id} (d0, q{qos}, r0, m")),
                "{version} q{qos}: broker log:\n{log}"
            );
            assert!(
                log.contains(&format!("Client {pub_id} disconnected.")),
                "clean disconnect of {pub_id}"
            );
        }
    }
}

#[test]
fn retained_message() {
    setup();
    let broker = Broker::start();
    let topic = unique_topic("retained");
    publish(&broker, &["-t", &topic, "-m", "kept", "-r", "-q", "1"]);
    let out = run(
        tool("mosquitto_sub").args([
            "-p",
            &broker.port.to_string(),
            "-t",
            &topic,
            "-C",
            "1",
            "-v",
            "-F",
            "%r %t %p",
        ]),
        None,
    );
    out.assert_success("mosquitto_sub of a retained message");
    assert_eq!(out.stdout_str(), format!("1 {topic} kept\n"));
    // A null message clears it: the next subscriber sees only a live message.
    publish(&broker, &["-t", &topic, "-n", "-r", "-q", "1"]);
    let sub = start_sub(&broker, &short_id("r"), &["-t", &topic, "-C", "1", "-F", "%r %p"]);
    publish(&broker, &["-t", &topic, "-m", "live"]);
    let out = sub.wait(TIMEOUT);
    out.assert_success("mosquitto_sub after clearing");
    assert_eq!(out.stdout_str(), "0 live\n");
}

#[test]
fn will_on_kill_but_not_on_clean_exit() {
    setup();
    let broker = Broker::start();
    let will_topic = unique_topic("will");
    let watcher = start_sub(&broker, &short_id("w"), &["-t", &will_topic, "-C", "2", "-v"]);

    // A client killed with SIGKILL: the broker publishes its will.
    let doomed_id = short_id("k");
    let doomed = start_sub(
        &broker,
        &doomed_id,
        &[
            "-t",
            &unique_topic("nothing"),
            "--will-topic",
            &will_topic,
            "--will-payload",
            "died",
            "--will-qos",
            "1",
        ],
    );
    doomed.kill();
    assert!(
        broker.wait_for_log(&format!("Client {doomed_id} closed its connection."), TIMEOUT),
        "{}",
        broker.log()
    );

    // A client that exits normally (after -C 1): no will.
    let polite_id = short_id("c");
    let other = unique_topic("polite");
    let polite = start_sub(
        &broker,
        &polite_id,
        &[
            "-t",
            &other,
            "-C",
            "1",
            "--will-topic",
            &will_topic,
            "--will-payload",
            "left",
            "--will-qos",
            "1",
        ],
    );
    publish(&broker, &["-t", &other, "-m", "bye"]);
    polite.wait(TIMEOUT).assert_success("the polite client");
    assert!(
        broker.wait_for_log(&format!("Client {polite_id} disconnected."), TIMEOUT),
        "{}",
        broker.log()
    );
    publish(&broker, &["-t", &will_topic, "-m", "marker", "-q", "1"]);
    let out = watcher.wait(TIMEOUT);
    out.assert_success("the will watcher");
    assert_eq!(
        out.stdout_str(),
        format!("{will_topic} died\n{will_topic} marker\n")
    );
}

/// `mosquitto_pub -l` with 2000 lines at QoS 1 (on the system's or our library). With `stall`,
/// the broker stops reading for a second right after the CONNACK, so that mosquitto_pub reaches
/// the end of its input long before the acknowledgements arrive: it then calls
/// `mosquitto_loop_stop(mosq, false)` and relies on it to wait until its on_publish callback
/// has sent the DISCONNECT. Returns a description of what went wrong, if anything.
fn line_mode_run(broker: &Broker, lines: &str, system: bool, stall: bool) -> Result<(), String> {
    let topic = unique_topic("lines");
    let sub_id = short_id("l");
    let pub_id = short_id("m");
    let sub = start_sub(broker, &sub_id, &["-t", &topic, "-q", "1", "-C", "2000"]);
    let mut cmd = if system {
        system_tool("mosquitto_pub")
    } else {
        tool("mosquitto_pub")
    };
    cmd.args([
        "-p",
        &broker.port.to_string(),
        "-i",
        &pub_id,
        "-t",
        &topic,
        "-q",
        "1",
        "-l",
    ]);
    let mut publisher = Proc::spawn(&mut cmd).map_err(|e| format!("cannot start mosquitto_pub: {e}"))?;
    publisher.feed_stdin(lines.as_bytes().to_vec());
    if stall {
        if !broker.wait_for_log(&format!("Sending CONNACK to {pub_id}"), TIMEOUT) {
            return Err(format!(
                "mosquitto_pub did not connect\n{}",
                publisher.kill().describe()
            ));
        }
        broker.signal(libc::SIGSTOP);
        std::thread::sleep(Duration::from_secs(1));
        broker.signal(libc::SIGCONT);
    }
    let out = publisher.wait(TIMEOUT);
    if out.timed_out || !out.status.success() {
        return Err(format!("mosquitto_pub -l failed\n{}", out.describe()));
    }
    let got = sub.wait(TIMEOUT);
    let text = got.stdout_str();
    if !got.timed_out && got.status.success() && text == lines {
        return Ok(());
    }
    let received: Vec<&str> = text.lines().collect();
    let first_difference = lines.lines().zip(&received).position(|(a, b)| a != *b);
    let log = broker.log();
    Err(format!(
        "mosquitto_sub -C 2000 ({}): {} of 2000 lines, first difference at line {first_difference:?}; \
         the broker received {} PUBLISH from mosquitto_pub and sent {} to mosquitto_sub\n{}",
        got.status,
        received.len(),
        log.matches(&format!("Received PUBLISH from {pub_id} ")).count(),
        log.matches(&format!("Sending PUBLISH to {sub_id} ")).count(),
        got.stderr_str(),
    ))
}

#[test]
fn line_mode_2000_lines_at_qos1_in_order() {
    setup();
    let broker = Broker::start();
    let lines: String = (0..2000)
        .map(|i| format!("line {i:04} {}\n", "x".repeat(i % 50)))
        .collect();
    for stall in [false, true] {
        if tool_path("mosquitto_pub").is_absolute() {
            // The test itself is sound: the original library passes it.
            line_mode_run(&broker, &lines, true, stall)
                .unwrap_or_else(|e| panic!("system library (broker stalled: {stall}): {e}"));
        }
        line_mode_run(&broker, &lines, false, stall)
            .unwrap_or_else(|e| panic!("our library (broker stalled: {stall}): {e}"));
    }
}

#[test]
fn two_megabyte_file_payload_intact() {
    setup();
    let broker = Broker::start();
    let dir = TempDir::new("bigfile");
    let file = dir.join("payload.bin");
    let payload = pattern(2 * 1024 * 1024, 42);
    std::fs::write(&file, &payload).expect("write the payload file");
    for qos in ["0", "1", "2"] {
        let topic = unique_topic("file");
        let sub = start_sub(
            &broker,
            &short_id("f"),
            &["-t", &topic, "-q", qos, "-C", "1", "-N"],
        );
        publish(
            &broker,
            &["-t", &topic, "-q", qos, "-f", file.to_str().expect("UTF-8 path")],
        );
        let out = sub.wait(Duration::from_secs(30));
        out.assert_success("mosquitto_sub of the file");
        assert_eq!(out.stdout.len(), payload.len(), "q{qos}: payload length");
        assert!(out.stdout == payload, "q{qos}: payload bytes differ");
    }
}

#[test]
fn password_accepted_and_refused() {
    setup();
    let broker = Broker::start();
    let port = broker.auth_port.to_string();
    let topic = unique_topic("auth");
    let ok = run(
        tool("mosquitto_pub").args([
            "-p", &port, "-u", USER, "-P", PASSWORD, "-t", &topic, "-m", "x", "-q", "1",
        ]),
        None,
    );
    ok.assert_success("mosquitto_pub with the right password");
    for (version, message) in [
        (
            "mqttv311",
            "Connection error: Connection Refused: not authorised.",
        ),
        ("mqttv5", "Connection error: Not authorized"),
    ] {
        let bad = run(
            tool("mosquitto_pub").args([
                "-p", &port, "-V", version, "-u", USER, "-P", "wrong", "-t", &topic, "-m", "x",
            ]),
            None,
        );
        assert!(
            !bad.timed_out && !bad.status.success(),
            "{version}: a wrong password must fail\n{}",
            bad.describe()
        );
        assert!(
            bad.stderr_str().contains(message),
            "{version}: expected {message:?}\n{}",
            bad.describe()
        );
        let anonymous = run(
            tool("mosquitto_sub").args(["-p", &port, "-V", version, "-t", &topic, "-C", "1"]),
            None,
        );
        assert!(
            !anonymous.timed_out && !anonymous.status.success(),
            "{version}: anonymous must be refused\n{}",
            anonymous.describe()
        );
        assert!(
            anonymous.stderr_str().contains(message),
            "{version}: {}",
            anonymous.describe()
        );
    }
}

#[test]
fn wildcard_subscriptions_and_verbose_output() {
    setup();
    let broker = Broker::start();
    let base = unique_topic("wild");
    let plus = format!("{base}/+/b");
    let hash = format!("{base}/deep/#");
    let sub = start_sub(
        &broker,
        &short_id("x"),
        &["-t", &plus, "-t", &hash, "-v", "-C", "5"],
    );
    for (leaf, payload) in [
        ("a/b", "1"),
        ("a/c", "not matched"),
        ("c/b", "2"),
        ("deep", "3"),
        ("deep/er/est", "4"),
        ("a/b/c", "not matched either"),
        ("x/b", "5"),
    ] {
        publish(
            &broker,
            &["-t", &format!("{base}/{leaf}"), "-m", payload, "-q", "1"],
        );
    }
    let out = sub.wait(TIMEOUT);
    out.assert_success("mosquitto_sub with wildcards");
    let want: String = [
        ("a/b", "1"),
        ("c/b", "2"),
        ("deep", "3"),
        ("deep/er/est", "4"),
        ("x/b", "5"),
    ]
    .iter()
    .map(|(leaf, p)| format!("{base}/{leaf} {p}\n"))
    .collect();
    assert_eq!(out.stdout_str(), want);
}

#[test]
fn count_limit_stops_the_subscriber() {
    setup();
    let broker = Broker::start();
    let topic = unique_topic("count");
    let sub = start_sub(&broker, &short_id("n"), &["-t", &topic, "-C", "3", "-q", "2"]);
    for i in 0..5 {
        publish(&broker, &["-t", &topic, "-m", &format!("m{i}"), "-q", "2"]);
    }
    let out = sub.wait(TIMEOUT);
    out.assert_success("mosquitto_sub -C 3");
    assert_eq!(out.stdout_str(), "m0\nm1\nm2\n");
}

/// Run the same mosquitto_pub -d command on our library and on the system's, and compare.
fn debug_lines(broker: &Broker, args: &[&str], system: bool) -> Vec<String> {
    let mut cmd = if system {
        system_tool("mosquitto_pub")
    } else {
        tool("mosquitto_pub")
    };
    cmd.args(["-h", "127.0.0.1", "-p", &broker.port.to_string(), "-d"])
        .args(args);
    let out = run(&mut cmd, None);
    out.assert_success(&format!("mosquitto_pub -d {args:?}"));
    out.stdout_str().lines().map(str::to_string).collect()
}

#[test]
fn debug_output() {
    setup();
    let broker = Broker::start();
    let topic = unique_topic("debug");
    let id = short_id("d");
    let lines = debug_lines(
        &broker,
        &["-i", &id, "-t", &topic, "-m", "hello", "-q", "1"],
        false,
    );
    let want = [
        format!("Client {id} sending CONNECT"),
        format!("Client {id} received CONNACK (0)"),
        format!("Client {id} sending PUBLISH (d0, q1, r0, m1, '{topic}', ... (5 bytes))"),
        format!("Client {id} received PUBACK (Mid: 1, RC:0)"),
        format!("Client {id} sending DISCONNECT"),
    ];
    assert_eq!(lines, want, "mosquitto_pub -d output");

    // The same commands on the system library print the same lines.
    let have_system = tool_path("mosquitto_pub").is_file();
    if have_system {
        for (version, qos) in [
            ("mqttv311", "0"),
            ("mqttv311", "2"),
            ("mqttv31", "1"),
            ("mqttv5", "2"),
        ] {
            let id = short_id("d");
            let args = ["-i", &id, "-V", version, "-t", &topic, "-m", "same", "-q", qos];
            let ours = debug_lines(&broker, &args, false);
            let theirs = debug_lines(&broker, &args, true);
            assert_eq!(
                ours, theirs,
                "mosquitto_pub -d -V {version} -q {qos}: ours vs the system library"
            );
        }
    }

    // mosquitto_sub -d.
    let sub_id = short_id("e");
    let sub = start_sub(&broker, &sub_id, &["-d", "-t", &topic, "-q", "1", "-C", "1"]);
    publish(&broker, &["-t", &topic, "-m", "12345", "-q", "1"]);
    let out = sub.wait(TIMEOUT);
    out.assert_success("mosquitto_sub -d");
    let text = out.stdout_str();
    for line in [
        format!("Client {sub_id} sending CONNECT"),
        format!("Client {sub_id} received CONNACK (0)"),
        format!("Client {sub_id} sending SUBSCRIBE (Mid: 1, Topic: {topic}, QoS: 1, Options: 0x00)"),
        format!("Client {sub_id} received SUBACK"),
        "Subscribed (mid: 1): 1".to_string(),
        format!("Client {sub_id} received PUBLISH (d0, q1, r0, m1, '{topic}', ... (5 bytes))"),
        format!("Client {sub_id} sending PUBACK (m1, rc0)"),
        "12345".to_string(),
        format!("Client {sub_id} sending DISCONNECT"),
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in mosquitto_sub -d output:\n{text}"
        );
    }
}

#[test]
fn v5_user_property_and_format_output() {
    setup();
    let broker = Broker::start();
    let topic = unique_topic("props");
    let sub = start_sub(
        &broker,
        &short_id("u"),
        &[
            "-V",
            "mqttv5",
            "-t",
            &topic,
            "-q",
            "1",
            "-C",
            "1",
            "-F",
            "%t|%p|%P|%C|%q|%l",
        ],
    );
    publish(
        &broker,
        &[
            "-V",
            "mqttv5",
            "-t",
            &topic,
            "-m",
            "hi there",
            "-q",
            "1",
            "-D",
            "publish",
            "user-property",
            "colour",
            "blue",
            "-D",
            "publish",
            "content-type",
            "text/plain",
        ],
    );
    let out = sub.wait(TIMEOUT);
    out.assert_success("mosquitto_sub -F");
    assert_eq!(
        out.stdout_str(),
        format!("{topic}|hi there|colour:blue|text/plain|1|8\n")
    );
}

#[test]
fn rr_request_response() {
    setup();
    let broker = Broker::start();
    let request = unique_topic("request");
    let response = unique_topic("response");
    // The responder: print the response topic and payload of one request.
    let responder = start_sub(
        &broker,
        &short_id("q"),
        &["-V", "mqttv5", "-t", &request, "-C", "1", "-F", "%R %p"],
    );
    let rr_id = short_id("rr");
    let mut cmd = tool("mosquitto_rr");
    cmd.args([
        "-h",
        "127.0.0.1",
        "-p",
        &broker.port.to_string(),
        "-i",
        &rr_id,
        "-t",
        &request,
        "-e",
        &response,
    ])
    .args(["-m", "what time is it", "-W", "10"]);
    let mut rr = Proc::spawn(&mut cmd).expect("start mosquitto_rr");
    rr.close_stdin();
    let asked = responder.wait(TIMEOUT);
    asked.assert_success("the responder");
    assert_eq!(
        asked.stdout_str(),
        format!("{response} what time is it\n"),
        "the request"
    );
    publish(&broker, &["-V", "mqttv5", "-t", &response, "-m", "tea time"]);
    let out = rr.wait(TIMEOUT);
    out.assert_success("mosquitto_rr");
    assert_eq!(out.stdout_str(), "tea time\n");
}

#[test]
fn unix_socket_connection() {
    setup();
    let broker = Broker::start_with(common::BrokerConfig {
        unix_socket: true,
        ..Default::default()
    });
    let socket = broker.socket_path();
    let socket = socket.to_str().expect("UTF-8 path");
    let topic = unique_topic("unix");
    let sub_id = short_id("z");
    let mut cmd = tool("mosquitto_sub");
    cmd.args(["--unix", socket, "-i", &sub_id, "-t", &topic, "-C", "1"]);
    let mut sub = Proc::spawn(&mut cmd).expect("start mosquitto_sub");
    sub.close_stdin();
    assert!(
        broker.wait_for_log(&format!("Sending SUBACK to {sub_id}"), TIMEOUT),
        "{}",
        broker.log()
    );
    let out = run(
        tool("mosquitto_pub").args(["--unix", socket, "-t", &topic, "-m", "via the socket"]),
        None,
    );
    out.assert_success("mosquitto_pub --unix");
    let got = sub.wait(TIMEOUT);
    got.assert_success("mosquitto_sub --unix");
    assert_eq!(got.stdout_str(), "via the socket\n");
}

/// What mosquitto_sub prints with a format string that shows every v5 property, for a message
/// published by mosquitto_pub with many `-D` properties; `system` runs both clients on the
/// system's libmosquitto instead of ours.
fn v5_properties_output(broker: &Broker, system: bool) -> String {
    let topic = unique_topic(if system { "fmt-sys" } else { "fmt-ours" });
    let id = short_id(if system { "fs" } else { "fo" });
    let format = "%t|%p|%q|%r|%l|%C|%D|%E|%F|%P|%R|%S";
    let sub_args = [
        "-V",
        "mqttv5",
        "-t",
        topic.as_str(),
        "-q",
        "2",
        "-C",
        "1",
        "-F",
        format,
    ];
    let mut sub_cmd = if system {
        system_tool("mosquitto_sub")
    } else {
        tool("mosquitto_sub")
    };
    sub_cmd
        .args(["-h", "127.0.0.1", "-p", &broker.port.to_string(), "-i", &id])
        .args(sub_args)
        .args(["-D", "subscribe", "subscription-identifier", "7"]);
    let mut sub = Proc::spawn(&mut sub_cmd).expect("start mosquitto_sub");
    sub.close_stdin();
    assert!(
        broker.wait_for_log(&format!("Sending SUBACK to {id}"), TIMEOUT),
        "mosquitto_sub did not subscribe\n{}",
        broker.log()
    );
    let mut pub_cmd = if system {
        system_tool("mosquitto_pub")
    } else {
        tool("mosquitto_pub")
    };
    let out = run(
        pub_cmd
            .args(["-h", "127.0.0.1", "-p", &broker.port.to_string(), "-V", "mqttv5"])
            .args([
                "-t",
                topic.as_str(),
                "-q",
                "2",
                "-m",
                "payload text",
                "-D",
                "publish",
                "content-type",
                "text/plain",
                "-D",
                "publish",
                "correlation-data",
                "corr-1",
                "-D",
                "publish",
                "message-expiry-interval",
                "3600",
                "-D",
                "publish",
                "payload-format-indicator",
                "1",
                "-D",
                "publish",
                "response-topic",
                "reply/here",
                "-D",
                "publish",
                "user-property",
                "a",
                "1",
                "-D",
                "publish",
                "user-property",
                "b",
                "2",
                "-D",
                "connect",
                "session-expiry-interval",
                "0",
            ]),
        None,
    );
    out.assert_success("mosquitto_pub -D");
    let out = sub.wait(TIMEOUT);
    out.assert_success("mosquitto_sub -F");
    out.stdout_str().replace(&topic, "TOPIC")
}

#[test]
fn v5_property_output_matches_the_system_library() {
    setup();
    let broker = Broker::start();
    let ours = v5_properties_output(&broker, false);
    let theirs = v5_properties_output(&broker, true);
    assert_eq!(
        ours, theirs,
        "mosquitto_sub -F output differs between the libraries"
    );
    assert!(ours.contains("a:1") && ours.contains("reply/here"), "{ours}");
}
