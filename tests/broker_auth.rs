//! Password and ACL files between Debian's mosquitto and this project, both ways:
//!
//! - password files made by Debian's `mosquitto_passwd` and by ours (`-c`, `-b`, `-U`, `-D`,
//!   `-H sha512` for `$6$`, `-H sha512-pbkdf2` and `-I` for `$7$`, the interactive mode from a
//!   pipe), each served by Debian's broker and by ours: every broker accepts and refuses the
//!   same credentials, with either file;
//! - an ACL file with every kind of rule (`topic` lines before any `user` line, `user`,
//!   `topic` with each access and none, `pattern` with `%c` and `%u`, `deny`, `$` topics, a
//!   topic with a space, a user name with `+`, anonymous clients): the same paho-mqtt script
//!   (`tests/python/acl_matrix.py`) runs against Debian's broker and ours, and who received
//!   what must be identical.
//!
//! The credentials are tried with Debian's `mosquitto_pub` on the system's libmosquitto.
//! Skipped, with a message, when the Debian programs (or, for the ACL, paho-mqtt) are missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Broker, BrokerConfig, Listener, TIMEOUT, TempDir, repo_root};

const DEBIAN_PASSWD: &str = "/usr/bin/mosquitto_passwd";
const DEBIAN_BROKER: &str = "/usr/sbin/mosquitto";
const DEBIAN_PUB: &str = "/usr/bin/mosquitto_pub";

fn debian_tools(test: &str) -> bool {
    let missing: Vec<&str> = [DEBIAN_PASSWD, DEBIAN_BROKER, DEBIAN_PUB]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    eprintln!("skipping {test}: {} not installed", missing.join(", "));
    false
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Which `mosquitto_passwd`.
#[derive(Debug, Clone, Copy)]
enum Tool {
    Debian,
    Ours,
}

impl Tool {
    fn run(self, args: &[&str], input: &str) {
        let mut cmd = match self {
            Tool::Debian => Command::new(DEBIAN_PASSWD),
            Tool::Ours => Command::new(env!("CARGO_BIN_EXE_mosquitto_passwd")),
        };
        cmd.args(args).env_remove("LD_LIBRARY_PATH");
        let out =
            common::run(&mut cmd, TIMEOUT, Some(input.as_bytes().to_vec())).expect("run mosquitto_passwd");
        out.assert_success(&format!("{self:?} mosquitto_passwd {args:?}"));
    }

    /// Two password files made with the same steps: `main` (every option) and `fresh` (`-c`
    /// over an existing file).
    fn make_files(self, dir: &Path) -> (PathBuf, PathBuf) {
        let name = format!("{self:?}").to_lowercase();
        let main = dir.join(format!("{name}-passwd"));
        let m = path(&main);
        std::fs::write(&main, "dave:dave-pw\nerin:erin pw\nzed:zed-pw\n").expect("write");
        self.run(&["-U", m], "");
        self.run(&["-b", m, "alice", "alice-old"], "");
        self.run(&["-H", "sha512", "-b", m, "bob", "bob-pw"], "");
        self.run(&["-H", "sha512-pbkdf2", "-b", m, "carol", "pä ss wörd"], "");
        self.run(&["-I", "1000", "-b", m, "frank", "frank-pw"], "");
        self.run(&["-b", m, "alice", "alice-pw"], "");
        self.run(&["-D", m, "zed"], "");
        self.run(&[m, "henry"], "h pw\nh pw\n");
        let text = std::fs::read_to_string(&main).expect("read");
        for (user, prefix) in [
            ("alice", "$7$101$"),
            ("bob", "$6$"),
            ("carol", "$7$101$"),
            ("dave", "$7$101$"),
            ("frank", "$7$1000$"),
            ("henry", "$7$101$"),
        ] {
            assert!(
                text.lines().any(|l| l.starts_with(&format!("{user}:{prefix}"))),
                "{self:?}: {user} should be {prefix}...:\n{text}"
            );
        }
        assert!(!text.contains("zed:"), "{self:?}: zed was deleted\n{text}");

        let fresh = dir.join(format!("{name}-fresh"));
        std::fs::write(&fresh, "old:old-pw\n").expect("write");
        self.run(&["-c", "-b", path(&fresh), "gina", "gina-pw"], "");
        (main, fresh)
    }
}

/// Credentials and whether the main file accepts them.
const MAIN_CASES: &[(Option<&str>, &str, bool)] = &[
    (Some("alice"), "alice-pw", true),
    (Some("alice"), "alice-old", false),
    (Some("bob"), "bob-pw", true),
    (Some("bob"), "bob-PW", false),
    (Some("carol"), "pä ss wörd", true),
    (Some("dave"), "dave-pw", true),
    (Some("erin"), "erin pw", true),
    (Some("frank"), "frank-pw", true),
    (Some("henry"), "h pw", true),
    (Some("zed"), "zed-pw", false),
    (Some("nobody"), "alice-pw", false),
    (Some("alice"), "", false),
    (None, "", false),
];

const FRESH_CASES: &[(Option<&str>, &str, bool)] =
    &[(Some("gina"), "gina-pw", true), (Some("old"), "old-pw", false)];

/// Whether the broker listening on `port` accepts these credentials (Debian's mosquitto_pub).
fn accepts(port: u16, user: Option<&str>, password: &str) -> bool {
    let mut cmd = Command::new(DEBIAN_PUB);
    cmd.args([
        "-h",
        "127.0.0.1",
        "-p",
        &port.to_string(),
        "-t",
        "t",
        "-m",
        "x",
        "-q",
        "1",
    ])
    .env_remove("LD_LIBRARY_PATH");
    if let Some(user) = user {
        cmd.args(["-u", user]);
        if !password.is_empty() {
            cmd.args(["-P", password]);
        }
    }
    let out = common::run(&mut cmd, TIMEOUT, None).expect("run mosquitto_pub");
    assert!(!out.timed_out, "mosquitto_pub hung\n{}", out.describe());
    out.status.success()
}

/// A broker (Debian's, or ours with `program`) with one listener per password file, in order.
fn broker_with_files(program: Option<PathBuf>, files: &[&Path]) -> Broker {
    Broker::start_with(BrokerConfig {
        listeners: files
            .iter()
            .map(|f| Listener::new(format!("allow_anonymous false\npassword_file {}\n", path(f))))
            .collect(),
        program,
        ..Default::default()
    })
}

#[test]
fn password_files_from_either_tool_work_on_either_broker() {
    if !debian_tools("password_files_from_either_tool_work_on_either_broker") {
        return;
    }
    let dir = TempDir::new("pw-both-ways");
    let (debian_main, debian_fresh) = Tool::Debian.make_files(dir.path());
    let (our_main, our_fresh) = Tool::Ours.make_files(dir.path());
    let files = [&*debian_main, &*our_main, &*debian_fresh, &*our_fresh];
    let mut failures = Vec::new();
    for (broker_name, program) in [
        ("Debian's broker", None),
        ("our broker", Some(PathBuf::from(env!("CARGO_BIN_EXE_mosquitto")))),
    ] {
        let broker = broker_with_files(program, &files);
        for (i, file) in files.iter().enumerate() {
            let cases = if i < 2 { MAIN_CASES } else { FRESH_CASES };
            for &(user, password, want) in cases {
                if accepts(broker.ports[i], user, password) != want {
                    failures.push(format!(
                        "{broker_name}, {}: {user:?}/{password:?} should be {}",
                        file.display(),
                        if want { "accepted" } else { "refused" }
                    ));
                }
            }
        }
        let log = broker.log();
        assert!(
            !log.contains("removing entry") && !log.contains("Invalid"),
            "{broker_name} found fault with a file:\n{log}"
        );
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The ACL of the comparison.
const ACL: &str = "\
# Before any user line: anonymous clients.
topic read public/#
topic readwrite anon/#

# Patterns apply to every client, wherever they are.
pattern readwrite done/%c
pattern read status/%c
pattern write devices/%u/out
pattern readwrite users/%u/#
pattern deny users/%u/secret

user alice
topic readwrite a/#
topic deny a/private
topic read shared/#
topic write public/#

user bob
topic write shared/#
topic read a/#
topic readwrite sp ace
topic write status/#

user admin
topic #
topic readwrite $acl/#

user a+b
topic readwrite done/c-ab
topic readwrite users/#
";

/// The clients of the comparison: id, and user and password.
const CLIENTS: &[&str] = &[
    "c-anon",
    "c-alice:alice:pw-a",
    "c-bob:bob:pw-b",
    "c-admin:admin:pw-admin",
    "c-ab:a+b:pw-ab",
];

/// A Python 3 with paho-mqtt.
fn python() -> Option<&'static str> {
    ["/usr/bin/python3", "python3"].into_iter().find(|python| {
        let mut cmd = Command::new(python);
        cmd.args(["-c", "import paho.mqtt.client"]);
        matches!(common::run(&mut cmd, TIMEOUT, None), Ok(out) if out.status.success())
    })
}

/// Run the ACL script against `broker`'s first extra listener.
fn acl_matrix(python: &str, broker: &Broker, which: &str) -> String {
    let mut cmd = Command::new(python);
    cmd.arg(repo_root().join("tests").join("python").join("acl_matrix.py"))
        .arg(broker.ports[0].to_string())
        .args(CLIENTS)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let out = common::run(&mut cmd, std::time::Duration::from_secs(60), None).expect("run python3");
    assert!(
        !out.timed_out && out.status.success(),
        "the ACL script against {which} failed\n{}\n--- broker log ---\n{}",
        out.describe(),
        broker.log()
    );
    out.stdout_str()
}

#[test]
fn acl_file_decides_as_debians_broker_does() {
    if !debian_tools("acl_file_decides_as_debians_broker_does") {
        return;
    }
    let Some(python) = python() else {
        eprintln!("skipping acl_file_decides_as_debians_broker_does: no python3 with paho-mqtt");
        return;
    };
    let dir = TempDir::new("acl-both");
    let passwd = dir.join("passwd");
    let lines: String = CLIENTS
        .iter()
        .filter_map(|c| {
            let mut parts = c.splitn(3, ':').skip(1);
            Some(format!("{}:{}\n", parts.next()?, parts.next()?))
        })
        .collect();
    std::fs::write(&passwd, lines).expect("write");
    Tool::Ours.run(&["-U", path(&passwd)], "");
    let acl = dir.join("acl");
    std::fs::write(&acl, ACL).expect("write");
    let settings = format!(
        "allow_anonymous true\npassword_file {}\nacl_file {}\n",
        path(&passwd),
        path(&acl)
    );
    let start = |program: Option<PathBuf>| {
        Broker::start_with(BrokerConfig {
            // The harness turns the queue limit off; mosquitto then also drops the connection
            // of a client whose message an ACL refuses (a known mosquitto defect).
            extra_global: "max_queued_messages 1000\n".into(),
            listeners: vec![Listener::new(settings.clone())],
            program,
            ..Default::default()
        })
    };
    let debian = start(None);
    let theirs = acl_matrix(python, &debian, "Debian's broker");
    drop(debian);
    let ours_broker = start(Some(PathBuf::from(env!("CARGO_BIN_EXE_mosquitto"))));
    let ours = acl_matrix(python, &ours_broker, "our broker");
    if ours != theirs {
        let only_theirs: Vec<&str> = theirs
            .lines()
            .filter(|l| !ours.lines().any(|o| o == *l))
            .collect();
        let only_ours: Vec<&str> = ours
            .lines()
            .filter(|l| !theirs.lines().any(|t| t == *l))
            .collect();
        panic!(
            "deliveries differ\nonly with Debian's broker: {only_theirs:#?}\nonly with ours: {only_ours:#?}"
        );
    }
    // The comparison means something: each kind of rule let something through and held
    // something back.
    for (line, delivered) in [
        ("c-anon <- c-admin public/news", true),
        ("c-alice <- c-admin public/news", false),
        ("c-alice <- c-admin a/x", true),
        ("c-alice <- c-admin a/private", false),
        ("c-bob <- c-admin a/private", true),
        ("c-bob <- c-bob sp ace", true),
        ("c-alice <- c-bob status/c-alice", true),
        ("c-alice <- c-bob status/c-bob", false),
        ("c-admin <- c-alice devices/alice/out", true),
        ("c-admin <- c-alice devices/bob/out", false),
        ("c-alice <- c-alice users/alice/data", true),
        ("c-alice <- c-alice users/alice/secret", false),
        ("c-admin <- c-admin $acl/x", true),
        ("c-anon <- c-anon anon/x", true),
        ("c-ab <- c-ab users/alice/secret", true),
        ("c-ab <- c-admin status/c-ab", false),
    ] {
        assert_eq!(ours.lines().any(|l| l == line), delivered, "{line}\n{ours}");
    }
    assert!(
        ours_broker
            .log()
            .contains("ACL denying access to client with dangerous username \"a+b\""),
        "{}",
        ours_broker.log()
    );
}
