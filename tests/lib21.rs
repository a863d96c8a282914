//! Programs written against libmosquitto 2.1's API (`tests/c21/*.c`), built against this
//! project's `include/` and run on `build/lib/libmosquitto.so.1` (with
//! `libmosquitto_common.so.1` beside it), against real peers started here:
//!
//! - `api21.c`: the 2.1 functions that need no broker, and property lists passed between
//!   libmosquitto_common.so.1 and libmosquitto.so.1 both ways;
//! - `websockets21.c`: MQTT v5 over websockets, plain and over TLS (pre-connect and
//!   unsubscribe2_v5 callbacks, properties) against Debian's mosquitto and against this
//!   project's broker;
//! - `ext_auth21.c`: enhanced authentication against a scripted server on a real socket;
//! - `libcommon21.c`: the functions only libmosquitto_common.so.1 exports (memory, files,
//!   time, base64, random bytes, password hashes, sizes), linked with `-lmosquitto_common`.
//!
//! Every run must load this project's libmosquitto.so.1 (`tests/c/support/loadcheck.c`).
//! Each program also runs under Valgrind (no memory errors, no definite leaks) and built with
//! AddressSanitizer and UndefinedBehaviorSanitizer (the websockets program against our broker,
//! plain and over TLS).

mod common;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::broker::{BrokerConfig, Listener, broker_available};
use common::certs::CertDir;
use common::cprog::{self, Lib};
use common::{Broker, TempDir, ensure_library_built, lib_dir, repo_root, run};

const LIMIT: Duration = Duration::from_secs(60);
const VALGRIND_LIMIT: Duration = Duration::from_secs(240);

/// How a program is built and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Plain,
    /// Under Valgrind's memcheck: no errors, no definite leaks.
    Valgrind,
    /// Built with AddressSanitizer and UndefinedBehaviorSanitizer (leaks checked too).
    Sanitizers,
}

impl Mode {
    /// Whether this mode can run here (says why not).
    fn available(self) -> bool {
        if self == Mode::Valgrind && !common::have_program("valgrind") {
            eprintln!("skipped: valgrind is not installed");
            return false;
        }
        true
    }
}

/// Build `tests/c21/<name>.c` against our headers and libraries.
fn build(name: &str, dir: &Path, mode: Mode) -> PathBuf {
    build_with(name, dir, &[], mode)
}

/// [`build`], linked with `libs` (`-l...`) besides libmosquitto.
fn build_with(name: &str, dir: &Path, libs: &[&str], mode: Mode) -> PathBuf {
    let src = repo_root().join("tests").join("c21").join(format!("{name}.c"));
    let exe = dir.join(format!("{name}-{mode:?}"));
    let mut cmd = Command::new(cprog::compiler());
    cmd.args([
        "-std=c99",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-pthread",
        "-g",
    ]);
    if mode == Mode::Sanitizers {
        cmd.args(cprog::SANITIZE_FLAGS);
    }
    cmd.arg("-I")
        .arg(repo_root().join("include"))
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .arg(cprog::c_dir().join("support").join("loadcheck.c"))
        .arg("-L")
        .arg(lib_dir())
        .args(libs)
        .args(["-lmosquitto", "-ldl"])
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("LIBRARY_PATH");
    let out = run(&mut cmd, Duration::from_secs(120), None).expect("run the C compiler");
    out.assert_success(&format!("compiling {}", src.display()));
    exe
}

/// Run a program on our library in `mode`; it must load it and succeed (the broker's log is
/// shown when it does not).
fn run_ok(exe: &Path, args: &[String], broker: Option<&Broker>, mode: Mode) -> common::Output {
    let suppressions = format!(
        "--suppressions={}",
        repo_root().join("tests").join("valgrind.supp").display()
    );
    let valgrind = [
        "valgrind",
        "-q",
        &suppressions,
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite",
        "--show-leak-kinds=definite",
    ];
    let wrapper: &[&str] = if mode == Mode::Valgrind { &valgrind } else { &[] };
    let mut cmd = cprog::command(exe, Lib::Ours, wrapper);
    if mode == Mode::Sanitizers {
        cprog::sanitizer_env(&mut cmd);
    }
    cmd.args(args);
    let limit = if mode == Mode::Valgrind {
        VALGRIND_LIMIT
    } else {
        LIMIT
    };
    let out = run(&mut cmd, limit, None).unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
    if let Err(e) = cprog::check_loaded(&out, Lib::Ours) {
        panic!("{} ({mode:?}): {e}", exe.display());
    }
    if !out.status.success() {
        if let Some(b) = broker {
            eprintln!("broker log:\n{}", b.log());
        }
    }
    out.assert_success(&format!("{} ({mode:?})", exe.display()));
    out
}

fn api21(mode: Mode) {
    if !mode.available() {
        return;
    }
    ensure_library_built();
    let dir = TempDir::new("lib21-api");
    let exe = build("api21", dir.path(), mode);
    run_ok(&exe, &[], None, mode);
}

#[test]
fn api21_functions_and_lists_between_the_two_libraries() {
    api21(Mode::Plain);
}

fn libcommon21(mode: Mode) {
    if !mode.available() {
        return;
    }
    ensure_library_built();
    let dir = TempDir::new("lib21-common");
    let exe = build_with("libcommon21", dir.path(), &["-lmosquitto_common"], mode);
    // A hash written by this project's mosquitto_passwd.
    let pwfile = dir.path().join("pwfile");
    let passwd = repo_root().join("build").join("bin").join("mosquitto_passwd");
    let out = run(
        Command::new(&passwd)
            .arg("-b")
            .arg("-c")
            .arg(&pwfile)
            .args(["user", "password"]),
        LIMIT,
        None,
    )
    .expect("run mosquitto_passwd");
    out.assert_success("mosquitto_passwd");
    let line = std::fs::read_to_string(&pwfile).expect("read the password file");
    let hash = line.trim().strip_prefix("user:").expect("user:HASH").to_string();
    let files = dir.path().join("files");
    std::fs::create_dir(&files).expect("make a directory");
    let out = run_ok(&exe, &[files.display().to_string(), hash], None, mode);
    // mosquitto_malloc is in libmosquitto_common.so.1 only; the property functions, in both
    // libraries, resolve to one of ours.
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let from = |name: &str| -> PathBuf {
        let prefix = format!("{name} from: ");
        let path = stdout
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .unwrap_or_else(|| panic!("no line for {name} in:\n{stdout}"));
        let path = PathBuf::from(path);
        path.canonicalize().unwrap_or(path)
    };
    let ours = |file: &str| {
        let path = lib_dir().join(file);
        path.canonicalize().unwrap_or(path)
    };
    assert_eq!(from("mosquitto_malloc"), ours("libmosquitto_common.so.1"));
    let prop = from("mosquitto_property_add_int32");
    assert!(
        prop == ours("libmosquitto.so.1") || prop == ours("libmosquitto_common.so.1"),
        "mosquitto_property_add_int32 from {}",
        prop.display()
    );
}

#[test]
fn libcommon_functions_from_our_helper_library() {
    libcommon21(Mode::Plain);
}

fn websocket_listener() -> Listener {
    Listener::new("protocol websockets")
}

#[test]
fn websockets_against_debian_mosquitto() {
    if !broker_available() {
        eprintln!("skipped: Debian's mosquitto is not installed");
        return;
    }
    ensure_library_built();
    let dir = TempDir::new("lib21-ws-debian");
    let exe = build("websockets21", dir.path(), Mode::Plain);
    let broker = Broker::start_with(BrokerConfig {
        listeners: vec![websocket_listener()],
        ..BrokerConfig::default()
    });
    run_ok(&exe, &[broker.ports[0].to_string()], Some(&broker), Mode::Plain);
}

fn websockets_ours(mode: Mode) {
    if !mode.available() {
        return;
    }
    if !broker_available() {
        eprintln!("skipped: mosquitto_passwd (for the broker's set-up) is not installed");
        return;
    }
    ensure_library_built();
    let dir = TempDir::new("lib21-ws-ours");
    let exe = build("websockets21", dir.path(), mode);
    let broker = Broker::start_with(BrokerConfig {
        listeners: vec![websocket_listener()],
        program: Some(repo_root().join("build").join("sbin").join("mosquitto")),
        ..BrokerConfig::default()
    });
    run_ok(&exe, &[broker.ports[0].to_string()], Some(&broker), mode);
}

#[test]
fn websockets_against_our_broker() {
    websockets_ours(Mode::Plain);
}

/// Websockets over TLS: `ours` picks this project's broker, else Debian's.
fn websockets_over_tls(ours: bool, mode: Mode) {
    if !mode.available() {
        return;
    }
    if !broker_available() {
        eprintln!("skipped: Debian's mosquitto is not installed");
        return;
    }
    ensure_library_built();
    let dir = TempDir::new("lib21-wss");
    let exe = build("websockets21", dir.path(), mode);
    let certs = CertDir::new();
    let program = ours.then(|| repo_root().join("build").join("sbin").join("mosquitto"));
    let broker = Broker::start_with(BrokerConfig {
        listeners: vec![Listener::new(format!(
            "protocol websockets\n{}",
            certs.listener("server.crt")
        ))],
        program,
        ..BrokerConfig::default()
    });
    run_ok(
        &exe,
        &[broker.ports[0].to_string(), certs.file("ca.crt")],
        Some(&broker),
        mode,
    );
}

#[test]
fn websockets_over_tls_against_debian_mosquitto() {
    websockets_over_tls(false, Mode::Plain);
}

#[test]
fn websockets_over_tls_against_our_broker() {
    websockets_over_tls(true, Mode::Plain);
}

/// Read one MQTT packet: its first byte and body.
fn read_packet(s: &mut TcpStream) -> (u8, Vec<u8>) {
    let mut first = [0u8; 1];
    s.read_exact(&mut first).expect("packet type");
    let (mut len, mut shift) = (0usize, 0);
    loop {
        let mut b = [0u8; 1];
        s.read_exact(&mut b).expect("remaining length");
        len |= usize::from(b[0] & 0x7F) << shift;
        shift += 7;
        if b[0] & 0x80 == 0 {
            break;
        }
    }
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).expect("packet body");
    (first[0], body)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn enhanced_authentication(mode: Mode) {
    if !mode.available() {
        return;
    }
    ensure_library_built();
    let dir = TempDir::new("lib21-auth");
    let exe = build("ext_auth21", dir.path(), mode);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = listener.local_addr().expect("address").port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        s.set_read_timeout(Some(LIMIT)).expect("timeout");
        let (first, body) = read_packet(&mut s);
        assert_eq!(first, 0x10, "CONNECT first");
        assert!(
            contains(&body, b"\x15\x00\x04demo"),
            "the authentication method in CONNECT"
        );
        // AUTH, continue authentication: method "demo", data "challenge".
        let mut auth = vec![0xF0, 21, 0x18, 19, 0x15, 0, 4];
        auth.extend_from_slice(b"demo");
        auth.extend_from_slice(&[0x16, 0, 9]);
        auth.extend_from_slice(b"challenge");
        s.write_all(&auth).expect("send AUTH");
        let (first, body) = read_packet(&mut s);
        assert_eq!(first, 0xF0, "the client answers with AUTH");
        assert_eq!(body[0], 0x18, "reason code continue authentication");
        assert!(contains(&body, b"\x15\x00\x04demo"), "method in the answer");
        assert!(contains(&body, b"\x16\x00\x08response"), "data in the answer");
        s.write_all(&[0x20, 3, 0, 0, 0]).expect("send CONNACK");
        let (first, _) = read_packet(&mut s);
        assert_eq!(first, 0xE0, "DISCONNECT last");
    });
    run_ok(&exe, &[port.to_string()], None, mode);
    server
        .join()
        .expect("the scripted server saw the exchange it expects");
}

#[test]
fn enhanced_authentication_against_a_scripted_server() {
    enhanced_authentication(Mode::Plain);
}

/// Every 2.1 program once under Valgrind or with the sanitizers.
fn all_in(mode: Mode) {
    api21(mode);
    libcommon21(mode);
    enhanced_authentication(mode);
    websockets_ours(mode);
    websockets_over_tls(true, mode);
}

#[test]
fn programs_pass_under_valgrind() {
    all_in(Mode::Valgrind);
}

#[test]
fn programs_pass_with_sanitizers() {
    all_in(Mode::Sanitizers);
}
