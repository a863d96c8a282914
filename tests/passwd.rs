//! Password and ACL files against Debian's mosquitto tools:
//!
//! - files written by Debian's `mosquitto_passwd` verify with [`PasswordFile`];
//! - files written by our `mosquitto_passwd` ([`passwd::run`]) are accepted by Debian's broker;
//! - our ACL decisions match what Debian's broker lets clients publish and receive.
//!
//! Each test is skipped (with a message) when the Debian programs are not installed. Every
//! wait is bounded, only 127.0.0.1 is used, and the processes and directories a test makes are
//! removed when it ends, also when it fails.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{BrokerConfig, Listener, TempDir};
use mosquitto::broker::auth::passwd::{self, PasswdIo, PasswordInput};
use mosquitto::broker::auth::{Access, Acl, PasswordFile};

const DEBIAN_PASSWD: &str = "/usr/bin/mosquitto_passwd";
const DEBIAN_BROKER: &str = "/usr/sbin/mosquitto";
const DEBIAN_PUB: &str = "/usr/bin/mosquitto_pub";
const DEBIAN_SUB: &str = "/usr/bin/mosquitto_sub";

/// The limit for any one program a test runs.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Whether the Debian programs are there; if not, say why the test does nothing.
fn debian_tools(test: &str) -> bool {
    let missing: Vec<&str> = [DEBIAN_PASSWD, DEBIAN_BROKER, DEBIAN_PUB, DEBIAN_SUB]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    eprintln!("skipping {test}: {} not installed", missing.join(", "));
    false
}

struct Output {
    /// `None` when the program ran out of time.
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run a Debian program (without this project's library path) with a time limit, feeding it
/// `input`.
fn run(program: &str, args: &[&str], input: &[u8]) -> Output {
    let mut cmd = Command::new(program);
    cmd.args(args).env_remove("LD_LIBRARY_PATH");
    let out = common::run(&mut cmd, TIMEOUT, Some(input.to_vec()))
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    Output {
        status: if out.timed_out { None } else { out.status.code() },
        stdout: out.stdout_str(),
        stderr: out.stderr_str(),
    }
}

fn debian_passwd(args: &[&str]) {
    let out = run(DEBIAN_PASSWD, args, b"");
    assert_eq!(out.status, Some(0), "mosquitto_passwd {args:?}: {}", out.stderr);
}

/// Our `mosquitto_passwd`, in batch mode.
struct NoTerminal {
    out: Vec<u8>,
    err: Vec<u8>,
}

impl PasswdIo for NoTerminal {
    fn stdout(&mut self) -> &mut dyn Write {
        &mut self.out
    }
    fn stderr(&mut self) -> &mut dyn Write {
        &mut self.err
    }
    fn read_password(&mut self) -> PasswordInput {
        PasswordInput::End
    }
}

fn our_passwd(args: &[&str]) {
    let mut io = NoTerminal {
        out: Vec::new(),
        err: Vec::new(),
    };
    let status = passwd::run(args, &mut io);
    assert_eq!(
        status,
        0,
        "our mosquitto_passwd {args:?}: {}",
        String::from_utf8_lossy(&io.err)
    );
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Debian's broker (the tests' broker, see `common::broker`) with one more listener on
/// 127.0.0.1 configured by `settings`, stopped when dropped.
struct Broker {
    broker: common::Broker,
}

impl Broker {
    fn start(settings: &str) -> Broker {
        Broker {
            broker: common::Broker::start_with(BrokerConfig {
                listeners: vec![Listener::new(settings)],
                ..Default::default()
            }),
        }
    }

    fn port(&self) -> String {
        self.broker.ports[0].to_string()
    }

    /// `mosquitto_pub` with these credentials: whether the broker accepted them.
    fn accepts(&self, user: &str, password: &str) -> bool {
        let port = self.port();
        let args = [
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-i",
            "pw-check",
            "-u",
            user,
            "-P",
            password,
            "-t",
            "t",
            "-m",
            "x",
        ];
        let out = run(DEBIAN_PUB, &args, b"");
        assert!(out.status.is_some(), "mosquitto_pub did not finish");
        out.status == Some(0)
    }

    fn log(&self) -> String {
        self.broker.log()
    }
}

#[test]
fn files_from_debians_tool_verify() {
    if !debian_tools("files_from_debians_tool_verify") {
        return;
    }
    let dir = TempDir::new("debian-files");
    let file = dir.join("passwd");
    let f = path(&file);
    debian_passwd(&["-c", "-b", f, "alice", "alice-pw"]);
    debian_passwd(&["-H", "sha512", "-b", f, "bob", "bob pw"]);
    debian_passwd(&["-H", "sha512-pbkdf2", "-b", f, "carol", "pässwörd"]);
    debian_passwd(&["-I", "7", "-b", f, "dave", "d"]);
    debian_passwd(&["-b", f, "alice", "alice-new"]);
    // The interactive mode, from a pipe.
    let out = run(DEBIAN_PASSWD, &[f, "erin"], b"with space\nwith space\n");
    assert_eq!(out.status, Some(0), "{}", out.stderr);

    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains("\nbob:$6$"), "{text}");
    assert!(text.contains("\ncarol:$7$101$"), "{text}");
    assert!(text.contains("\ndave:$7$7$"), "{text}");

    let (passwords, log) = PasswordFile::load(&file).expect("load");
    assert!(log.iter().all(|l| l.text.contains("world readable")), "{log:?}");
    assert_eq!(passwords.len(), 5);
    let right = [
        ("alice", "alice-new"),
        ("bob", "bob pw"),
        ("carol", "pässwörd"),
        ("dave", "d"),
        ("erin", "with space"),
    ];
    for (user, password) in right {
        assert!(passwords.verify(user, Some(password.as_bytes())), "{user}");
        assert!(!passwords.verify(user, Some(b"wrong")), "{user}");
        assert!(!passwords.verify(user, None), "{user}");
    }
    assert!(!passwords.verify("alice", Some(b"alice-pw")), "the old password");
    assert!(!passwords.verify("nobody", Some(b"alice-new")));

    // A plain-text file converted by Debian's tool.
    let plain = dir.join("plain");
    std::fs::write(&plain, "frank:frank-pw\ngrace:grace pw\n").expect("write");
    debian_passwd(&["-U", path(&plain)]);
    let (passwords, _) = PasswordFile::load(&plain).expect("load");
    assert!(passwords.verify("frank", Some(b"frank-pw")));
    assert!(passwords.verify("grace", Some(b"grace pw")));
    assert!(!passwords.verify("grace", Some(b"grace")));
}

#[test]
fn debians_broker_accepts_our_files() {
    if !debian_tools("debians_broker_accepts_our_files") {
        return;
    }
    let dir = TempDir::new("our-files");
    let file = dir.join("passwd");
    let f = path(&file);
    std::fs::write(&file, "# test users\ndave:dave-pw\nerin:erin pw\n").expect("write");
    our_passwd(&["-U", f]);
    our_passwd(&["-b", f, "alice", "alice-old"]);
    our_passwd(&["-H", "sha512", "-b", f, "bob", "bob-pw"]);
    our_passwd(&["-I", "1000", "-b", f, "carol", "pässwörd"]);
    our_passwd(&["-b", f, "alice", "alice-pw"]);
    our_passwd(&["-b", f, "gone", "gone-pw"]);
    our_passwd(&["-D", f, "gone"]);

    let broker = Broker::start(&format!("allow_anonymous false\npassword_file {f}\n"));
    let right = [
        ("alice", "alice-pw"),
        ("bob", "bob-pw"),
        ("carol", "pässwörd"),
        ("dave", "dave-pw"),
        ("erin", "erin pw"),
    ];
    for (user, password) in right {
        assert!(broker.accepts(user, password), "{user}: {}", broker.log());
        assert!(!broker.accepts(user, "wrong"), "{user}");
    }
    assert!(!broker.accepts("alice", "alice-old"), "the old password");
    assert!(!broker.accepts("gone", "gone-pw"), "a deleted user");
    assert!(!broker.accepts("nobody", "alice-pw"));
    let log = broker.log();
    assert!(
        !log.contains("removing entry") && !log.contains("Invalid line"),
        "{log}"
    );

    // A file made with -c alone.
    let fresh = dir.join("fresh");
    our_passwd(&["-c", "-b", path(&fresh), "zed", "zed-pw"]);
    let broker = Broker::start(&format!(
        "allow_anonymous false\npassword_file {}\n",
        path(&fresh)
    ));
    assert!(broker.accepts("zed", "zed-pw"), "{}", broker.log());
    assert!(!broker.accepts("zed", "zed"));
}

/// The ACL of the comparison, with the users of its password file.
const ACL: &str = "\
topic readwrite anon/#
user admin
topic readwrite #
user alice
topic read a/#
topic deny a/b
topic write w/#
topic readwrite sp ace
pattern readwrite p/%u/#
pattern write id/%c
pattern deny p/bob/secret
";

/// What Debian's broker lets a client do: `Access::Write` publishes as the client and looks
/// for the message as `admin`; `Access::Read` publishes as `admin` and looks for it as the
/// client. Retained messages make both sequential.
fn debian_allows(broker: &Broker, access: Access, user: Option<&str>, client_id: &str, topic: &str) -> bool {
    let port = broker.port();
    let base = ["-h", "127.0.0.1", "-p", port.as_str()];
    let admin = ["-u", "admin", "-P", "admin-pw", "-i", "acl-admin"];
    let client: Vec<&str> = match user {
        Some(user) => vec!["-u", user, "-P", "pw", "-i", client_id],
        None => vec!["-i", client_id],
    };
    let (writer, reader): (&[&str], &[&str]) = match access {
        Access::Write => (&client, &admin),
        _ => (&admin, &client),
    };
    let publish: Vec<&str> = base
        .iter()
        .chain(writer)
        .chain(&["-t", topic, "-m", "hello", "-r", "-q", "1"])
        .copied()
        .collect();
    let out = run(DEBIAN_PUB, &publish, b"");
    assert!(out.status.is_some(), "mosquitto_pub hung");
    let subscribe: Vec<&str> = base
        .iter()
        .chain(reader)
        .chain(&["-t", topic, "-C", "1", "-W", "1"])
        .copied()
        .collect();
    let got = run(DEBIAN_SUB, &subscribe, b"");
    assert!(got.status.is_some(), "mosquitto_sub hung");
    let clear: Vec<&str> = base
        .iter()
        .chain(&admin)
        .chain(&["-t", topic, "-n", "-r", "-q", "1"])
        .copied()
        .collect();
    assert_eq!(run(DEBIAN_PUB, &clear, b"").status, Some(0));
    got.stdout.trim_end() == "hello"
}

#[test]
fn acl_decisions_match_debians_broker() {
    if !debian_tools("acl_decisions_match_debians_broker") {
        return;
    }
    let dir = TempDir::new("acl");
    let file = dir.join("passwd");
    let f = path(&file);
    our_passwd(&["-c", "-b", f, "admin", "admin-pw"]);
    for user in ["alice", "bob", "a+b"] {
        our_passwd(&["-b", f, user, "pw"]);
    }
    let acl_file = dir.join("acl");
    std::fs::write(&acl_file, ACL).expect("write");
    let (acl, _) = Acl::load(&acl_file).expect("our ACL loads");
    let broker = Broker::start(&format!(
        "allow_anonymous true\npassword_file {f}\nacl_file {}\n",
        path(&acl_file)
    ));
    const R: Access = Access::Read;
    const W: Access = Access::Write;
    let cases: &[(Access, Option<&str>, &str, &str)] = &[
        (W, None, "anon1", "anon/x"),
        (W, Some("alice"), "c1", "anon/x"),
        (R, Some("alice"), "c1", "a/x"),
        (R, Some("alice"), "c1", "a/b"),
        (W, Some("alice"), "c1", "w/x"),
        (R, Some("alice"), "c1", "w/x"),
        (W, Some("alice"), "c1", "sp ace"),
        (W, Some("bob"), "c2", "p/bob/x"),
        (W, Some("bob"), "c2", "p/bob/secret"),
        (W, None, "c3", "p/bob/x"),
        (W, None, "idz", "id/idz"),
        (R, None, "idz", "id/idz"),
        (W, Some("a+b"), "c4", "id/c4"),
    ];
    let mut differences = Vec::new();
    for &(access, user, id, topic) in cases {
        let theirs = debian_allows(&broker, access, user, id, topic);
        let ours = acl.check(id, user, topic, access);
        if theirs != ours {
            differences.push(format!(
                "{access:?} user={user:?} id={id} topic={topic}: Debian {theirs}, ours {ours}"
            ));
        }
    }
    assert!(differences.is_empty(), "{differences:#?}\n{}", broker.log());
    // The cases cover both answers.
    assert!(cases.iter().any(|&(a, u, i, t)| acl.check(i, u, t, a)));
    assert!(cases.iter().any(|&(a, u, i, t)| !acl.check(i, u, t, a)));
    assert!(
        broker
            .log()
            .contains("ACL denying access to client with dangerous username \"a+b\"")
    );
}
