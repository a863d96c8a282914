//! The C test programs in `tests/c/*.c` (but the embedded broker's `embed_*.c`, which
//! `tests/broker_embed.rs` runs), built against this project's `include/` and run on
//! `build/lib/libmosquitto.so.1`:
//!
//! - every program must exit with status 0 on our library;
//! - the differential ones (`pure_functions.c`, `properties*.c`, and any whose first line is a
//!   comment containing `differential`) are also built against the system's libmosquitto, and
//!   both runs must print the same standard output and exit the same way;
//! - every program must also pass under Valgrind (no memory errors, no definite leaks) and when
//!   built with AddressSanitizer and UndefinedBehaviorSanitizer.
//!
//! Programs whose first line is a comment containing `broker` get the port of a real broker as
//! their first argument. Each run reports (see `tests/c/support/loadcheck.c`) which
//! libmosquitto it mapped; a run that loaded the wrong one fails.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::cprog::{self, Lib};
use common::{Broker, Output, TempDir, broker::broker_available, ensure_library_built, have_program};

/// How long one program may run (Valgrind makes them much slower).
const RUN_LIMIT: Duration = Duration::from_secs(60);
const VALGRIND_LIMIT: Duration = Duration::from_secs(180);

fn name(src: &Path) -> String {
    src.file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("?")
        .to_string()
}

/// The arguments a program gets: the broker port if it asks for one.
fn args_for(src: &Path, broker: Option<&Broker>) -> Vec<String> {
    if cprog::needs_broker(src) {
        vec![broker.expect("a broker").port.to_string()]
    } else {
        Vec::new()
    }
}

/// Whether a broker is needed by any of these programs; start one if so.
fn broker_for(programs: &[PathBuf]) -> Option<Broker> {
    if programs.iter().any(|p| cprog::needs_broker(p)) {
        assert!(
            broker_available(),
            "the C programs that need a broker need Debian's mosquitto"
        );
        Some(Broker::start())
    } else {
        None
    }
}

/// Check one run: exit status 0 within the time limit, and the right library.
fn judge(src: &Path, lib: Lib, out: &Output, what: &str) -> Result<(), String> {
    cprog::check_loaded(out, lib).map_err(|e| format!("{} ({what}): {e}", name(src)))?;
    if out.timed_out || !out.status.success() {
        return Err(format!("{} ({what}) failed\n{}", name(src), out.describe()));
    }
    Ok(())
}

/// Report every failure at once.
fn finish(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} failure(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn c_programs_pass_on_our_library() {
    ensure_library_built();
    let programs = cprog::programs();
    assert!(!programs.is_empty(), "no C programs in tests/c");
    let broker = broker_for(&programs);
    let dir = TempDir::new("c-ours");
    let mut failures = Vec::new();
    for src in &programs {
        let exe = match cprog::compile(src, dir.path(), Lib::Ours, false) {
            Ok(exe) => exe,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let out = cprog::run_program(&exe, &args_for(src, broker.as_ref()), Lib::Ours, &[], RUN_LIMIT);
        if let Err(e) = judge(src, Lib::Ours, &out, "our library") {
            failures.push(e);
        }
    }
    finish(failures);
}

/// A line-by-line account of where two outputs differ (the first few differences).
fn diff(ours: &str, theirs: &str) -> String {
    let a: Vec<&str> = ours.lines().collect();
    let b: Vec<&str> = theirs.lines().collect();
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).copied(), b.get(i).copied());
        if x != y {
            out.push_str(&format!(
                "line {}:\n  system: {}\n  ours:   {}\n",
                i + 1,
                y.unwrap_or("<missing>"),
                x.unwrap_or("<missing>")
            ));
            shown += 1;
            if shown == 40 {
                out.push_str("  [...]\n");
                break;
            }
        }
    }
    out
}

#[test]
fn differential_programs_match_the_system_library() {
    ensure_library_built();
    if !cprog::system_library_available() {
        eprintln!("skipped: the system libmosquitto development files are not installed");
        return;
    }
    let programs: Vec<PathBuf> = cprog::programs()
        .into_iter()
        .filter(|p| cprog::is_differential(p))
        .collect();
    assert!(!programs.is_empty(), "no differential C programs");
    let broker = broker_for(&programs);
    let dir = TempDir::new("c-diff");
    let mut failures = Vec::new();
    for src in &programs {
        let built = cprog::compile(src, dir.path(), Lib::Ours, false)
            .and_then(|ours| Ok((ours, cprog::compile(src, dir.path(), Lib::System, false)?)));
        let (ours, theirs) = match built {
            Ok(pair) => pair,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let args = args_for(src, broker.as_ref());
        let theirs_out = cprog::run_program(&theirs, &args, Lib::System, &[], RUN_LIMIT);
        let ours_out = cprog::run_program(&ours, &args, Lib::Ours, &[], RUN_LIMIT);
        if let Err(e) = cprog::check_loaded(&theirs_out, Lib::System) {
            failures.push(format!("{} (system library): {e}", name(src)));
            continue;
        }
        if let Err(e) = cprog::check_loaded(&ours_out, Lib::Ours) {
            failures.push(format!("{} (our library): {e}", name(src)));
            continue;
        }
        if theirs_out.timed_out || !theirs_out.status.success() {
            failures.push(format!(
                "{}: the program fails on the system library itself\n{}",
                name(src),
                theirs_out.describe()
            ));
            continue;
        }
        let (o, t) = (ours_out.stdout_str(), theirs_out.stdout_str());
        if o != t {
            failures.push(format!(
                "{}: standard output differs from the system library's\n{}",
                name(src),
                diff(&o, &t)
            ));
        }
        if ours_out.timed_out || ours_out.status.code() != theirs_out.status.code() {
            failures.push(format!(
                "{}: exit status {} on our library, {} on the system's\n{}",
                name(src),
                ours_out.status,
                theirs_out.status,
                ours_out.describe()
            ));
        }
    }
    finish(failures);
}

#[test]
fn c_programs_pass_under_valgrind() {
    ensure_library_built();
    if !have_program("valgrind") {
        eprintln!("skipped: valgrind is not installed");
        return;
    }
    let programs = cprog::programs();
    let broker = broker_for(&programs);
    let dir = TempDir::new("c-valgrind");
    let wrapper = [
        "valgrind",
        "-q",
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite",
        "--show-leak-kinds=definite",
    ];
    let mut failures = Vec::new();
    for src in &programs {
        let exe = match cprog::compile(src, dir.path(), Lib::Ours, false) {
            Ok(exe) => exe,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let out = cprog::run_program(
            &exe,
            &args_for(src, broker.as_ref()),
            Lib::Ours,
            &wrapper,
            VALGRIND_LIMIT,
        );
        if let Err(e) = judge(src, Lib::Ours, &out, "valgrind") {
            failures.push(e);
        }
    }
    finish(failures);
}

#[test]
fn c_programs_pass_with_sanitizers() {
    ensure_library_built();
    let programs = cprog::programs();
    let broker = broker_for(&programs);
    let dir = TempDir::new("c-sanitizers");
    let mut failures = Vec::new();
    for src in &programs {
        let exe = match cprog::compile(src, dir.path(), Lib::Ours, true) {
            Ok(exe) => exe,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let mut cmd = cprog::command(&exe, Lib::Ours, &[]);
        cmd.args(args_for(src, broker.as_ref()));
        cprog::sanitizer_env(&mut cmd);
        let out = common::run(&mut cmd, RUN_LIMIT, None).expect("run a sanitizer build");
        if let Err(e) = judge(src, Lib::Ours, &out, "ASan+UBSan") {
            failures.push(e);
        }
    }
    finish(failures);
}
