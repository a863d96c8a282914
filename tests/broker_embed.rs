//! The embedded broker's C API (`include/mosquitto_embed.h`) from C: the programs
//! `tests/c/embed_*.c`, built against this project's headers and run on
//! `build/lib/libmosquitto.so.1` (each reports which libmosquitto it loaded), plainly, under
//! Valgrind (no memory errors, no definite or indirect leaks), and built with AddressSanitizer
//! and UndefinedBehaviorSanitizer.
//!
//! `embed_lifecycle.c`: start, stop and start again; two brokers in one process; clients of the
//! library in the same process; wills and closed connections at stop; destroy while running.
//! `embed_errors.c`: NULL arguments, configuration errors with their lines at the log function,
//! `mosquitto_embed_port` errors, state errors, an unsupported option, a port in use
//! (EADDRINUSE), a missing password file, `mosquitto_embed_main`.
//! `embed_under_load.c`: a broker with persistence stopped and started three times while
//! clients in the process publish to it from their own threads; every QoS 1 message completes
//! once and reaches a persistent subscriber.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::cprog::{self, Lib};
use common::{Output, TempDir, ensure_library_built, have_program};

const RUN_LIMIT: Duration = Duration::from_secs(60);
const VALGRIND_LIMIT: Duration = Duration::from_secs(240);

fn programs() -> Vec<PathBuf> {
    let v = cprog::embed_programs();
    assert!(!v.is_empty(), "no tests/c/embed_*.c");
    v
}

fn name(src: &Path) -> String {
    src.file_name().and_then(|s| s.to_str()).unwrap_or("?").to_owned()
}

/// Exit status 0 in time, on our library, with every step reported.
fn judge(src: &Path, out: &Output, what: &str) -> Result<(), String> {
    cprog::check_loaded(out, Lib::Ours).map_err(|e| format!("{} ({what}): {e}", name(src)))?;
    if out.timed_out || !out.status.success() || !out.stdout_str().contains("ok ") {
        return Err(format!("{} ({what}) failed\n{}", name(src), out.describe()));
    }
    Ok(())
}

/// Build every program (with sanitizers or not) and run it through `wrapper`.
fn run_all(label: &str, sanitize: bool, wrapper: &[&str], limit: Duration) {
    ensure_library_built();
    let dir = TempDir::new(label);
    let mut failures = Vec::new();
    for src in programs() {
        let exe = match cprog::compile(&src, dir.path(), Lib::Ours, sanitize) {
            Ok(exe) => exe,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let mut cmd = cprog::command(&exe, Lib::Ours, wrapper);
        if sanitize {
            cprog::sanitizer_env(&mut cmd);
        }
        let out = common::run(&mut cmd, limit, None).expect("run a C program");
        if let Err(e) = judge(&src, &out, label) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn embed_programs_pass() {
    run_all("embed", false, &[], RUN_LIMIT);
}

#[test]
fn embed_programs_pass_under_valgrind() {
    if !have_program("valgrind") {
        eprintln!("skipped: valgrind is not installed");
        return;
    }
    run_all(
        "embed-valgrind",
        false,
        &[
            "valgrind",
            "-q",
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--show-leak-kinds=definite,indirect",
        ],
        VALGRIND_LIMIT,
    );
}

#[test]
fn embed_programs_pass_with_sanitizers() {
    run_all("embed-sanitizers", true, &[], RUN_LIMIT);
}
