//! The `mosquitto` command of this project, compared with Debian's `/usr/sbin/mosquitto`
//! (2.0.11) wherever both behave as 2.0.20 does: usage and option errors, configuration errors
//! naming FILE:LINE, unsupported options, `-v`, local-only mode and `-p`, `-d` with `pid_file`,
//! SIGHUP reloading the password and ACL files, SIGTERM and SIGINT (wills, the `terminating`
//! line, exit 0), the `user` option as root, unreadable password and ACL files (exit 13), and
//! a port in use (exit 1).
//!
//! Log lines are compared without their timestamps, with Debian's version number replaced by
//! ours. Debian's clients (system library) connect where a client is needed. The Debian
//! comparisons are skipped, with a message, when Debian's broker is not installed.

mod common;

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::broker::free_port;
use common::{Broker, BrokerConfig, Listener, Output, Proc, TIMEOUT, TempDir, poll_until};

const DEBIAN: &str = "/usr/sbin/mosquitto";
const DEBIAN_PUB: &str = "/usr/bin/mosquitto_pub";
const DEBIAN_SUB: &str = "/usr/bin/mosquitto_sub";

fn ours() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mosquitto"))
}

/// Debian's broker, if installed.
fn debian() -> Option<PathBuf> {
    let p = PathBuf::from(DEBIAN);
    if p.is_file() {
        Some(p)
    } else {
        eprintln!("Debian's mosquitto is not installed: comparison skipped");
        None
    }
}

/// Both brokers (ours first), or ours alone.
fn brokers() -> Vec<PathBuf> {
    let mut v = vec![ours()];
    v.extend(debian());
    v
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// `user root` when running as root (the broker would otherwise switch to `mosquitto`).
fn stay_root() -> &'static str {
    if is_root() { "user root\n" } else { "" }
}

/// Output text without timestamps, with Debian's version replaced by ours.
fn normal(text: &str) -> String {
    text.lines()
        .map(|l| {
            let digits = l.bytes().take_while(u8::is_ascii_digit).count();
            let l = if digits > 0 && l[digits..].starts_with(": ") {
                &l[digits + 2..]
            } else {
                l
            };
            format!("{}\n", l.replace("2.0.11", "2.0.20"))
        })
        .collect()
}

/// Run a broker to its end (at most 10 s).
fn run(program: &Path, args: &[&str], dir: &Path) -> Output {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir).env_remove("LD_LIBRARY_PATH");
    common::run(&mut cmd, TIMEOUT, None).expect("run mosquitto")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a file");
    path
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Run every broker with `args` and check the exit status; ours and Debian's must print the
/// same (normalised) standard output and error. Returns our output.
#[track_caller]
fn same_everywhere(args: &[&str], dir: &Path, code: i32) -> Output {
    let mut results: Vec<Output> = Vec::new();
    for program in brokers() {
        let out = run(&program, args, dir);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{} {args:?}\n{}",
            program.display(),
            out.describe()
        );
        results.push(out);
    }
    if let [ours, theirs] = &results[..] {
        assert_eq!(
            normal(&ours.stdout_str()),
            normal(&theirs.stdout_str()),
            "stdout of {args:?}"
        );
        assert_eq!(
            normal(&ours.stderr_str()),
            normal(&theirs.stderr_str()),
            "stderr of {args:?}"
        );
    }
    results.swap_remove(0)
}

#[test]
fn help_is_debians_text_with_our_version() {
    let dir = TempDir::new("cmd-help");
    let out = same_everywhere(&["-h"], dir.path(), 3);
    let text = out.stdout_str();
    assert!(text.starts_with("mosquitto version 2.0.20\n"), "{text}");
    assert!(
        text.contains("Usage: mosquitto [-c config_file] [-d] [-h] [-p port]\n"),
        "{text}"
    );
    assert_eq!(out.stderr_str(), "");
}

#[test]
fn unknown_option_prints_the_error_and_usage() {
    let dir = TempDir::new("cmd-unknown");
    let help = run(&ours(), &["-h"], dir.path()).stdout_str();
    let out = same_everywhere(&["-x"], dir.path(), 3);
    assert_eq!(out.stderr_str(), "Error: Unknown option '-x'.\n");
    assert_eq!(out.stdout_str(), help);
}

#[test]
fn command_line_errors() {
    let dir = TempDir::new("cmd-args");
    let missing = dir.join("missing.conf");
    let cases: [(Vec<&str>, String); 6] = [
        (
            vec!["-c"],
            "Error: -c argument given, but no config file specified.".into(),
        ),
        (vec!["-p", "0"], "Error: Invalid port specified (0).".into()),
        (
            vec!["-p", "65536"],
            "Error: Invalid port specified (65536).".into(),
        ),
        (vec!["-p", "port"], "Error: Invalid port specified (0).".into()),
        (
            vec!["-c", path(&missing)],
            format!("Error: Unable to open config file {}.", missing.display()),
        ),
        (
            vec!["-c", path(dir.path())],
            format!("Error: Config file {} is a directory.", dir.path().display()),
        ),
    ];
    for (args, line) in cases {
        let out = same_everywhere(&args, dir.path(), 3);
        assert_eq!(normal(&out.stderr_str()), format!("{line}\n"), "{args:?}");
    }
}

#[test]
fn configuration_errors_name_the_file_and_line() {
    let dir = TempDir::new("cmd-config");
    let cases = [
        (
            "unknown",
            "listener 1883\nbogus_option 1\n",
            "Error: Unknown configuration variable \"bogus_option\".",
            2,
        ),
        (
            "comment",
            "listener 1883\n  # indented\n",
            "Error: Unknown configuration variable \"#\".",
            2,
        ),
        (
            "tab",
            "max_inflight_messages\t5\n",
            "Error: Unknown configuration variable \"max_inflight_messages\t5\".",
            1,
        ),
        (
            "bool",
            "listener 1883\nallow_anonymous maybe\n",
            "Error: Invalid allow_anonymous value (maybe).",
            2,
        ),
        (
            "empty",
            "listener 1883\nallow_anonymous\n",
            "Error: Empty allow_anonymous value in configuration.",
            2,
        ),
        (
            "range",
            "\nmax_keepalive 70000\n",
            "Error: Invalid max_keepalive value (70000).",
            2,
        ),
        (
            "port",
            "listener 70000\n",
            "Error: Invalid port value (70000).",
            1,
        ),
        (
            "order",
            "listener 1883\nallow_anonymous true\nper_listener_settings true\n",
            "Error: per_listener_settings must be set before any other security settings.",
            3,
        ),
    ];
    for (name, text, line, at) in cases {
        let file = write(dir.path(), &format!("{name}.conf"), text);
        let out = same_everywhere(&["-c", path(&file)], dir.path(), 3);
        assert_eq!(
            normal(&out.stderr_str()),
            format!("{line}\nError found at {}:{at}.\n", file.display()),
            "{name}"
        );
    }
}

/// Options the broker does not implement yet stop it (a difference from mosquitto, which
/// would run with them).
#[test]
fn unsupported_options_are_refused() {
    let dir = TempDir::new("cmd-unsupported");
    for (name, text, option, at) in [
        ("psk", "listener 1883\npsk_hint hint\n", "psk_hint", 2),
        (
            "http_dir",
            "listener 1883\nprotocol websockets\nhttp_dir /tmp\n",
            "http_dir",
            3,
        ),
        ("plugin", "\n\nplugin /x.so\n", "plugin", 3),
    ] {
        let file = write(dir.path(), &format!("{name}.conf"), text);
        let out = run(&ours(), &["-c", path(&file)], dir.path());
        assert_eq!(out.status.code(), Some(3), "{name}\n{}", out.describe());
        assert_eq!(
            normal(&out.stderr_str()),
            format!(
                "Error: Option '{option}' is not supported by this broker ({}:{at}).\n",
                file.display()
            ),
            "{name}"
        );
    }
}

/// A broker process started by a test, killed on drop.
struct Running {
    proc: Option<Proc>,
    log: PathBuf,
}

impl Running {
    /// Start `program` with `args`; `log` is where its configuration sends the log.
    fn start(program: &Path, args: &[&str], log: PathBuf) -> Running {
        let mut cmd = Command::new(program);
        cmd.args(args).env_remove("LD_LIBRARY_PATH");
        let mut proc = Proc::spawn(&mut cmd).expect("start mosquitto");
        proc.close_stdin();
        Running {
            proc: Some(proc),
            log,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    #[track_caller]
    fn wait_for_log(&self, needle: &str) {
        let found = poll_until(TIMEOUT, || self.log().contains(needle).then_some(())).is_some();
        assert!(found, "no {needle:?} in the log:\n{}", self.log());
    }

    fn pid(&self) -> u32 {
        self.proc.as_ref().map_or(0, Proc::pid)
    }

    fn signal(&self, sig: libc::c_int) {
        if let Some(p) = &self.proc {
            p.signal(sig);
        }
    }

    fn finish(mut self) -> Output {
        self.proc.take().expect("running").wait(TIMEOUT)
    }
}

/// A Debian client with `args` against 127.0.0.1:`port`.
fn client(program: &str, port: u16, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .env_remove("LD_LIBRARY_PATH");
    cmd
}

/// Start `mosquitto_sub` and wait until `broker_log` shows its SUBACK.
fn subscriber(port: u16, id: &str, args: &[&str], broker_log: &dyn Fn() -> String) -> Proc {
    let mut proc = Proc::spawn(&mut client(DEBIAN_SUB, port, &[&["-i", id], args].concat()))
        .expect("start mosquitto_sub");
    proc.close_stdin();
    let needle = format!("Sending SUBACK to {id}");
    assert!(
        poll_until(TIMEOUT, || broker_log().contains(&needle).then_some(())).is_some(),
        "{id} did not subscribe:\n{}",
        broker_log()
    );
    proc
}

fn publish(port: u16, args: &[&str]) {
    let out = common::run(&mut client(DEBIAN_PUB, port, args), TIMEOUT, None).expect("run mosquitto_pub");
    out.assert_success(&format!("mosquitto_pub {args:?}"));
}

#[test]
fn verbose_overrides_the_log_types() {
    let dir = TempDir::new("cmd-verbose");
    let port = free_port();
    let log = dir.join("log");
    let conf = write(
        dir.path(),
        "v.conf",
        &format!(
            "{}listener {port} 127.0.0.1\nallow_anonymous true\nlog_type error\nlog_dest file {}\n",
            stay_root(),
            log.display()
        ),
    );
    for verbose in [true, false] {
        let _ = std::fs::remove_file(&log);
        let args: &[&str] = if verbose {
            &["-v", "-c", path(&conf)]
        } else {
            &["-c", path(&conf)]
        };
        let broker = Running::start(&ours(), args, log.clone());
        poll_until(TIMEOUT, || {
            std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).ok()
        })
        .expect("the broker listens");
        publish(port, &["-i", "verbose-check", "-t", "t", "-m", "x"]);
        broker.signal(libc::SIGTERM);
        let out = broker.finish();
        assert_eq!(out.status.code(), Some(0), "{}", out.describe());
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        for line in [
            "mosquitto version 2.0.20 running",
            "Sending CONNACK to verbose-check (0, 0)",
        ] {
            assert_eq!(text.contains(line), verbose, "-v {verbose}: {line}\n{text}");
        }
    }
}

/// The addresses a TCP port listens on, from /proc/net/tcp and tcp6 (hex, as the kernel
/// writes them).
fn listening_addresses(port: u16) -> Vec<String> {
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() > 3 && fields[3] == "0A" {
                if let Some((addr, p)) = fields[1].split_once(':') {
                    if u16::from_str_radix(p, 16) == Ok(port) {
                        found.push(addr.to_owned());
                    }
                }
            }
        }
    }
    found.sort();
    found
}

#[test]
fn local_only_mode_listens_on_loopback_only() {
    let dir = TempDir::new("cmd-local");
    let (p1, p2) = (free_port(), free_port());
    let log = dir.join("stderr");
    let broker = Running::start(&ours(), &["-p", &p1.to_string(), "-p", &p2.to_string()], log);
    for port in [p1, p2] {
        poll_until(TIMEOUT, || {
            std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).ok()
        })
        .expect("the broker listens");
        // 127.0.0.1, and ::1 where IPv6 is on; never a wildcard address.
        let addresses = listening_addresses(port);
        assert!(
            addresses.contains(&"0100007F".to_owned()),
            "{port}: {addresses:?}"
        );
        for a in &addresses {
            assert!(
                a == "0100007F" || a == "00000000000000000000000001000000",
                "{port}: listens on {a}"
            );
        }
        publish(port, &["-t", "t", "-m", "anonymous clients are allowed"]);
    }
    broker.signal(libc::SIGINT);
    let out = broker.finish();
    assert_eq!(out.status.code(), Some(0), "{}", out.describe());
    let text = normal(&out.stderr_str());
    let warnings = "Starting in local only mode. Connections will only be possible from clients running on this machine.\n\
        Create a configuration file which defines a listener to allow remote access.\n\
        For more details see https://mosquitto.org/documentation/authentication-methods/\n";
    assert!(text.contains(warnings), "{text}");
    assert!(text.contains("Using default config.\n"), "{text}");
    for port in [p1, p2] {
        assert!(
            text.contains(&format!("Opening ipv4 listen socket on port {port}.\n")),
            "{text}"
        );
    }
    assert!(text.ends_with("mosquitto version 2.0.20 terminating\n"), "{text}");

    // With a listener in the configuration, -p is ignored.
    let (listener, ignored) = (free_port(), free_port());
    let conf = write(
        dir.path(),
        "l.conf",
        &format!("{}listener {listener} 127.0.0.1\n", stay_root()),
    );
    let broker = Running::start(
        &ours(),
        &["-c", path(&conf), "-p", &ignored.to_string()],
        dir.join("x"),
    );
    poll_until(TIMEOUT, || {
        std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, listener)).ok()
    })
    .expect("the broker listens");
    assert!(
        listening_addresses(ignored).is_empty(),
        "-p {ignored} was not ignored"
    );
    broker.signal(libc::SIGTERM);
    let out = broker.finish();
    assert!(!out.stderr_str().contains("local only"), "{}", out.describe());
}

/// Whether process `pid` has ended (gone, or a zombie nobody reaped yet).
fn ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
        Err(_) => true,
    }
}

#[test]
fn daemon_writes_its_pid_without_newline_and_removes_it() {
    for program in brokers() {
        let dir = TempDir::new("cmd-daemon");
        let port = free_port();
        let pid_file = dir.join("broker.pid");
        let conf = write(
            dir.path(),
            "d.conf",
            &format!(
                "{}listener {port} 127.0.0.1\nallow_anonymous true\npid_file {}\nlog_dest file {}\n",
                stay_root(),
                pid_file.display(),
                dir.join("log").display()
            ),
        );
        let out = run(&program, &["-d", "-c", path(&conf)], dir.path());
        let text = poll_until(TIMEOUT, || {
            std::fs::read_to_string(&pid_file).ok().filter(|t| !t.is_empty())
        });
        // Kill the daemon whatever happens next.
        struct Reaper(i32);
        impl Drop for Reaper {
            fn drop(&mut self) {
                // SAFETY: kill(2) on a pid read from the broker's pid file.
                unsafe { libc::kill(self.0, libc::SIGKILL) };
            }
        }
        let pid: Option<i32> = text.as_deref().and_then(|t| t.trim().parse().ok());
        let _reaper = pid.map(Reaper);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            program.display(),
            out.describe()
        );
        // Only what comes before the fork: the warning about running as root.
        let before_fork = if is_root() {
            "Warning: Mosquitto should not be run as root/administrator.\n"
        } else {
            ""
        };
        assert_eq!(out.stdout_str(), "", "{}", program.display());
        assert_eq!(normal(&out.stderr_str()), before_fork, "{}", program.display());
        let (Some(text), Some(pid)) = (text, pid) else {
            panic!("{}: no pid in the pid file", program.display());
        };
        assert_eq!(
            text,
            pid.to_string(),
            "{}: the pid alone, no newline",
            program.display()
        );
        assert!(!ended(pid), "the daemon is running");
        publish(port, &["-t", "t", "-m", "to the daemon"]);
        // SAFETY: as above.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        assert!(
            poll_until(TIMEOUT, || ended(pid).then_some(())).is_some(),
            "the daemon did not stop"
        );
        assert!(
            !pid_file.exists(),
            "{}: the pid file was left behind",
            program.display()
        );
    }
}

/// A password file of our `mosquitto_passwd` from `user:password` lines.
fn password_file(dir: &Path, name: &str, lines: &str) -> PathBuf {
    let file = write(dir, name, lines);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mosquitto_passwd"));
    cmd.arg("-U").arg(&file);
    common::run(&mut cmd, TIMEOUT, None)
        .expect("run mosquitto_passwd")
        .assert_success("mosquitto_passwd -U");
    file
}

#[test]
fn sighup_reloads_password_and_acl_files() {
    for program in brokers() {
        let dir = TempDir::new("cmd-reload");
        let pw = password_file(dir.path(), "pw", "alice:pw-a\nbob:pw-b\nadmin:pw-admin\n");
        let acl = write(
            dir.path(),
            "acl",
            "user alice\ntopic read news/#\nuser bob\ntopic read news/#\nuser admin\ntopic readwrite #\n",
        );
        let broker = Broker::start_with(BrokerConfig {
            program: Some(program.clone()),
            extra_global: "max_queued_messages 1000\n".into(),
            listeners: vec![Listener::new(format!(
                "allow_anonymous false\npassword_file {}\nacl_file {}\n",
                path(&pw),
                path(&acl)
            ))],
            ..Default::default()
        });
        let port = broker.ports[0];
        let log = || broker.log();
        let alice = subscriber(
            port,
            "s-alice",
            &[
                "-u", "alice", "-P", "pw-a", "-t", "news/#", "-t", "secret/#", "-v", "-C", "2",
            ],
            &log,
        );
        let bob = subscriber(port, "s-bob", &["-u", "bob", "-P", "pw-b", "-t", "news/#"], &log);
        let admin = ["-u", "admin", "-P", "pw-admin", "-q", "1"];
        publish(
            port,
            &[&admin[..], &["-t", "secret/before", "-m", "not for alice"]].concat(),
        );

        // Bob's password changes; Alice may now read secret/#.
        password_file(dir.path(), "pw", "alice:pw-a\nbob:new-pw\nadmin:pw-admin\n");
        write(
            dir.path(),
            "acl",
            "user alice\ntopic read news/#\ntopic read secret/#\nuser bob\ntopic read news/#\nuser admin\ntopic readwrite #\n",
        );
        broker.signal(libc::SIGHUP);
        let which = program.display();
        assert!(broker.wait_for_log("Reloading config.", TIMEOUT), "{which}");
        assert!(
            broker.wait_for_log("Client s-bob disconnected.", TIMEOUT),
            "{which}:\n{}",
            broker.log()
        );
        publish(
            port,
            &[&admin[..], &["-t", "secret/after", "-m", "for alice"]].concat(),
        );
        publish(port, &[&admin[..], &["-t", "news/x", "-m", "news"]].concat());
        let out = alice.wait(TIMEOUT);
        out.assert_success(&format!("{which}: alice"));
        assert_eq!(
            out.stdout_str(),
            "secret/after for alice\nnews/x news\n",
            "{which}"
        );
        // Alice stayed connected through the reload: one DISCONNECT, hers, after -C 2.
        assert_eq!(
            broker.log().matches("Client s-alice disconnected.").count(),
            1,
            "{which}"
        );
        drop(bob);
    }
}

#[test]
fn sigterm_and_sigint_publish_wills_and_exit_0() {
    for program in brokers() {
        for sig in [libc::SIGTERM, libc::SIGINT] {
            let dir = TempDir::new("cmd-stop");
            let port = free_port();
            let log = dir.join("log");
            let conf = write(
                dir.path(),
                "s.conf",
                &format!(
                    "{}listener {port} 127.0.0.1\nallow_anonymous true\nlog_type all\nlog_dest file {}\n",
                    stay_root(),
                    log.display()
                ),
            );
            let broker = Running::start(&program, &["-c", path(&conf)], log);
            broker.wait_for_log(" running");
            let logf = || broker.log();
            let watcher = subscriber(port, "watcher", &["-t", "will/t", "-C", "1"], &logf);
            let _doomed = subscriber(
                port,
                "doomed",
                &[
                    "-t",
                    "x",
                    "--will-topic",
                    "will/t",
                    "--will-payload",
                    "broker stopped",
                    "--will-qos",
                    "1",
                ],
                &logf,
            );
            broker.signal(sig);
            let which = format!("{} signal {sig}", program.display());
            let got = watcher.wait(TIMEOUT);
            assert_eq!(got.stdout_str(), "broker stopped\n", "{which}\n{}", broker.log());
            let text = broker.log();
            let out = broker.finish();
            assert_eq!(out.status.code(), Some(0), "{which}: {}", out.describe());
            assert!(
                normal(&text).contains("mosquitto version 2.0.20 terminating\n"),
                "{which}:\n{text}"
            );
        }
    }
}

#[test]
fn root_drops_privileges_to_the_configured_user() {
    if !is_root() {
        eprintln!("skipped: privileges are dropped only when running as root");
        return;
    }
    let dir = TempDir::new("cmd-user");
    // An unknown user stops the broker before anything else.
    let conf = write(dir.path(), "u.conf", "user no-such-user-here\nlistener 1883\n");
    let out = same_everywhere(&["-c", path(&conf)], dir.path(), 1);
    assert_eq!(
        normal(&out.stderr_str()),
        "Error: Unable to drop privileges to 'no-such-user-here' because this user does not exist.\n"
    );
    // By default the broker becomes `mosquitto` (or `nobody` where there is no such user).
    let expected = ["mosquitto", "nobody"].into_iter().find_map(|name| {
        let cname = std::ffi::CString::new(name).ok()?;
        // SAFETY: getpwnam with a valid name; the result is read at once.
        let pw = unsafe { libc::getpwnam(cname.as_ptr()) };
        // SAFETY: not NULL, so it points to a valid passwd entry.
        (!pw.is_null()).then(|| unsafe { (*pw).pw_uid })
    });
    let Some(uid) = expected else {
        eprintln!("skipped: neither mosquitto nor nobody exists");
        return;
    };
    let port = free_port();
    let conf = write(dir.path(), "d.conf", &format!("listener {port} 127.0.0.1\n"));
    for program in brokers() {
        let broker = Running::start(&program, &["-c", path(&conf)], dir.join("none"));
        poll_until(TIMEOUT, || {
            std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).ok()
        })
        .expect("the broker listens");
        let status = std::fs::read_to_string(format!("/proc/{}/status", broker.pid())).unwrap_or_default();
        let uids = status.lines().find(|l| l.starts_with("Uid:")).unwrap_or("");
        assert!(
            uids.split_whitespace().skip(1).all(|u| u == uid.to_string()),
            "{}: {uids}",
            program.display()
        );
        broker.signal(libc::SIGTERM);
        let out = broker.finish();
        assert!(
            !out.stderr_str().contains("should not be run as root"),
            "{}",
            out.describe()
        );
    }
}

#[test]
fn unreadable_password_or_acl_file_exits_13() {
    let dir = TempDir::new("cmd-files");
    let missing = dir.join("missing");
    let m = path(&missing);
    for (option, lines) in [
        (
            "password_file",
            format!("Error: Unable to open pwfile \"{m}\".\nError opening password file \"{m}\".\n"),
        ),
        (
            "acl_file",
            format!("Error: Unable to open acl_file \"{m}\".\nError opening acl file \"{m}\".\n"),
        ),
    ] {
        let conf = write(
            dir.path(),
            "f.conf",
            &format!("{}listener 1883\n{option} {m}\n", stay_root()),
        );
        let out = same_everywhere(&["-c", path(&conf)], dir.path(), 13);
        assert!(normal(&out.stderr_str()).ends_with(&lines), "{}", out.describe());
    }
    if is_root() {
        // A file only root may read, with the broker running as `mosquitto`.
        let secret = password_file(dir.path(), "secret", "alice:pw\n");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let conf = write(
            dir.path(),
            "r.conf",
            &format!("listener 1883\npassword_file {}\n", path(&secret)),
        );
        let out = same_everywhere(&["-c", path(&conf)], dir.path(), 13);
        assert!(
            normal(&out.stderr_str()).contains("Error: Unable to open pwfile"),
            "{}",
            out.describe()
        );
    }
}

#[test]
fn port_in_use_exits_1() {
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = taken.local_addr().expect("address").port();
    let dir = TempDir::new("cmd-inuse");
    let conf = write(
        dir.path(),
        "p.conf",
        &format!("{}listener {port} 127.0.0.1\n", stay_root()),
    );
    let out = same_everywhere(&["-c", path(&conf)], dir.path(), 1);
    assert!(
        normal(&out.stderr_str()).contains("Error: Address already in use\n"),
        "{}",
        out.describe()
    );
}
