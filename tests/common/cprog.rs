//! Compiling C programs against this library's header (or the system's libmosquitto, for
//! differential runs) and running them on the intended library.
//!
//! Every program is linked with `tests/c/support/loadcheck.c`, whose constructor reads
//! `/proc/self/maps` before `main` and prints the path of the libmosquitto it mapped to standard
//! error; [`check_loaded`] then fails a run that loaded the wrong library.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::{Output, lib_dir, our_library, repo_root, run};

/// The line prefix loadcheck.c prints.
pub const LOADED_PREFIX: &str = "libmosquitto loaded from: ";

/// Which libmosquitto a program is built against and run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lib {
    /// This project: `include/` and `build/lib`.
    Ours,
    /// The system's libmosquitto (`/usr/include`, the default library path).
    System,
}

/// Whether the system's libmosquitto development files are installed (the header, and a
/// `libmosquitto.so` the compiler finds).
pub fn system_library_available() -> bool {
    if !Path::new("/usr/include/mosquitto.h").is_file() {
        return false;
    }
    let mut cmd = Command::new(compiler());
    cmd.arg("-print-file-name=libmosquitto.so");
    match run(&mut cmd, Duration::from_secs(30), None) {
        Ok(out) if out.status.success() => {
            let path = out.stdout_str();
            let path = path.trim();
            path.starts_with('/') && Path::new(path).exists()
        }
        _ => false,
    }
}

/// The C compiler: `$CC`, or `cc`.
pub fn compiler() -> String {
    std::env::var("CC")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "cc".to_string())
}

/// The directory of the C test programs.
pub fn c_dir() -> PathBuf {
    repo_root().join("tests").join("c")
}

/// Compile `src` into `out_dir` (the executable is named after the source, with a suffix for the
/// library and sanitizers). Warnings are errors. Returns the executable or the compiler output.
pub fn compile(src: &Path, out_dir: &Path, lib: Lib, sanitize: bool) -> Result<PathBuf, String> {
    let stem = src.file_stem().and_then(|s| s.to_str()).unwrap_or("prog");
    let suffix = match (lib, sanitize) {
        (Lib::Ours, false) => "ours",
        (Lib::Ours, true) => "ours-san",
        (Lib::System, false) => "system",
        (Lib::System, true) => "system-san",
    };
    let exe = out_dir.join(format!("{stem}-{suffix}"));
    let mut cmd = Command::new(compiler());
    cmd.args([
        "-std=c99",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-pthread",
        "-g",
        "-O1",
    ]);
    if sanitize {
        cmd.args(SANITIZE_FLAGS);
    }
    match lib {
        Lib::Ours => {
            cmd.arg("-I").arg(repo_root().join("include"));
        }
        Lib::System => {
            cmd.arg("-I/usr/include");
        }
    }
    cmd.arg("-o")
        .arg(&exe)
        .arg(src)
        .arg(c_dir().join("support").join("loadcheck.c"));
    if lib == Lib::Ours {
        cmd.arg("-L").arg(lib_dir());
    }
    cmd.arg("-lmosquitto")
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("LIBRARY_PATH");
    let out = run(&mut cmd, Duration::from_secs(120), None)
        .map_err(|e| format!("cannot run {}: {e}", compiler()))?;
    if out.timed_out || !out.status.success() {
        return Err(format!(
            "compiling {} ({suffix}) failed:\n{}",
            src.display(),
            out.describe()
        ));
    }
    Ok(exe)
}

/// The compiler flags of a build with AddressSanitizer and UndefinedBehaviorSanitizer.
pub const SANITIZE_FLAGS: [&str; 3] = [
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
];

/// Run a sanitizer build so that leaks are reported and any report fails it (exit status 98
/// from AddressSanitizer, 97 from UndefinedBehaviorSanitizer).
pub fn sanitizer_env(cmd: &mut Command) {
    cmd.env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:exitcode=98")
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:exitcode=97");
}

/// A command that runs `exe` (through `wrapper`, e.g. valgrind, if not empty) on `lib`.
pub fn command(exe: &Path, lib: Lib, wrapper: &[&str]) -> Command {
    let mut cmd = match wrapper.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    match lib {
        Lib::Ours => cmd.env("LD_LIBRARY_PATH", lib_dir()),
        Lib::System => cmd.env_remove("LD_LIBRARY_PATH"),
    };
    cmd.env_remove("LD_PRELOAD");
    cmd
}

/// Run `exe` with `args` on `lib` with a time limit.
pub fn run_program(exe: &Path, args: &[String], lib: Lib, wrapper: &[&str], limit: Duration) -> Output {
    let mut cmd = command(exe, lib, wrapper);
    cmd.args(args);
    run(&mut cmd, limit, None).unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()))
}

/// The library path the program reported (see loadcheck.c).
pub fn loaded_library(out: &Output) -> Option<String> {
    out.stderr_str()
        .lines()
        .find_map(|l| l.strip_prefix(LOADED_PREFIX).map(|s| s.trim().to_string()))
}

/// Check that the run loaded the library it should have.
pub fn check_loaded(out: &Output, lib: Lib) -> Result<(), String> {
    let Some(path) = loaded_library(out) else {
        return Err(format!(
            "the program did not report which libmosquitto it loaded\n{}",
            out.describe()
        ));
    };
    let ours = our_library();
    let is_ours = Path::new(&path)
        .canonicalize()
        .map(|p| p == ours)
        .unwrap_or(false);
    match lib {
        Lib::Ours if !is_ours => Err(format!("loaded {path} instead of {}", ours.display())),
        Lib::System if is_ours || path == "(none)" => {
            Err(format!("loaded {path} instead of the system library"))
        }
        _ => Ok(()),
    }
}

/// The first line of a C source, which may carry markers such as `/* differential */` (compare
/// stdout with the system library) and `/* broker */` (pass a broker's port as argv[1]).
pub fn markers(src: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(src).unwrap_or_default();
    let first = text.lines().next().unwrap_or("").trim();
    match first.strip_prefix("/*").and_then(|s| s.strip_suffix("*/")) {
        Some(inner) => inner.split_whitespace().map(str::to_string).collect(),
        None => Vec::new(),
    }
}

/// Whether a program's output must be identical on the system library: the pure-function and
/// property programs, and any marked `/* differential */`.
pub fn is_differential(src: &Path) -> bool {
    let name = src.file_name().and_then(|s| s.to_str()).unwrap_or("");
    name == "pure_functions.c"
        || (name.starts_with("properties") && name.ends_with(".c"))
        || markers(src).iter().any(|m| m == "differential")
}

/// Whether a program wants a broker port as argv[1].
pub fn needs_broker(src: &Path) -> bool {
    markers(src).iter().any(|m| m == "broker")
}

/// The C test programs of the client library: every `tests/c/*.c` but the embedded broker's
/// (`embed_*.c`, see [`embed_programs`]), sorted.
pub fn programs() -> Vec<PathBuf> {
    all_programs().into_iter().filter(|p| !is_embed(p)).collect()
}

/// The C test programs of the embedded broker, `tests/c/embed_*.c` (tests/broker_embed.rs
/// runs them).
pub fn embed_programs() -> Vec<PathBuf> {
    all_programs().into_iter().filter(|p| is_embed(p)).collect()
}

fn is_embed(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("embed_"))
}

fn all_programs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(c_dir())
        .expect("read tests/c")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "c") && p.is_file())
        .collect();
    v.sort();
    v
}

/// Check with `ldd` (under `LD_LIBRARY_PATH=build/lib`) that `binary` resolves libmosquitto.so.1
/// to this project's build.
pub fn ldd_resolves_to_ours(binary: &Path) -> Result<(), String> {
    let mut cmd = Command::new("ldd");
    cmd.arg(binary).env("LD_LIBRARY_PATH", lib_dir());
    let out = run(&mut cmd, Duration::from_secs(30), None).map_err(|e| format!("cannot run ldd: {e}"))?;
    let text = out.stdout_str();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("libmosquitto.so.1"))
        .ok_or_else(|| {
            format!(
                "ldd {} does not list libmosquitto.so.1:\n{text}",
                binary.display()
            )
        })?;
    let path = line
        .split("=>")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or("");
    let is_ours = Path::new(path)
        .canonicalize()
        .map(|p| p == our_library())
        .unwrap_or(false);
    if is_ours {
        Ok(())
    } else {
        Err(format!(
            "libmosquitto.so.1 resolves to {path:?}, not our build: {line}"
        ))
    }
}
