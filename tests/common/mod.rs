//! Shared harness of the integration tests: paths, building the shared library, temporary
//! directories, child processes with time limits, and in the submodules:
//!
//! - [`client`]: the recording client, the library driven through its C API, whose callbacks
//!   record [`events`]; [`props`] builds and reads v5 property lists; [`consts`] has the
//!   library's error codes, log levels and protocol versions;
//! - [`fake`]: a scripted fake MQTT server that checks exact bytes;
//! - [`broker`]: a real broker (Debian's `mosquitto`);
//! - [`certs`]: certificates and keys for the TLS tests, made by [`pki`];
//! - [`cprog`]: compiling and running the C test programs.
//!
//! Every wait here is bounded, and every process started here is killed when the value that
//! owns it is dropped (also when a test panics).

#![allow(dead_code)]
// Shared by several test crates, each using part of it.
#![allow(unreachable_pub)]

pub mod broker;
pub mod certs;
pub mod client;
pub mod client_v5;
pub mod consts;
pub mod cprog;
pub mod events;
pub mod fake;
pub mod inprocess;
pub mod pki;
pub mod props;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

#[allow(unused_imports)]
pub use broker::{Broker, BrokerConfig, Listener};

/// The default limit for anything a test waits for.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The current time. The crate's lint configuration keeps clock reads in one place; for the
/// tests, this is it.
#[allow(clippy::disallowed_methods)]
pub fn now() -> Instant {
    Instant::now()
}

/// The root of the repository (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The directory of the built shared library, `build/lib`.
pub fn lib_dir() -> PathBuf {
    repo_root().join("build").join("lib")
}

/// The shared library the C programs and the Debian clients must load.
pub fn our_library() -> PathBuf {
    let path = lib_dir().join("libmosquitto.so.1");
    path.canonicalize().unwrap_or(path)
}

/// Run `make -s` in the repository once per test binary, so that `build/lib/libmosquitto.so.1`
/// is up to date with the sources. Panics (in every test that asks) if the build fails.
pub fn ensure_library_built() {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let result = BUILT.get_or_init(|| {
        let mut cmd = Command::new("make");
        cmd.arg("-s").current_dir(repo_root());
        // The library must be built as `make` builds it, not with the test profile's settings.
        for var in [
            "CARGO_TARGET_DIR",
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_BUILD_TARGET",
        ] {
            cmd.env_remove(var);
        }
        let out =
            run(&mut cmd, Duration::from_secs(900), None).map_err(|e| format!("cannot run make: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "make failed ({}):\n{}\n{}",
                out.status,
                out.stdout_str(),
                out.stderr_str()
            ));
        }
        if !our_library().is_file() {
            return Err(format!("make did not produce {}", our_library().display()));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Whether a program is on the PATH (or at the given path).
pub fn have_program(name: &str) -> bool {
    if name.contains('/') {
        return Path::new(name).is_file();
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
        .unwrap_or(false)
}

/// A directory under the system temporary directory, removed with its contents on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let nanos = std::time::SystemTime::UNIX_EPOCH
                .elapsed()
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let path = base.join(format!("mosq-{label}-{}-{n}-{nanos:x}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return TempDir { path },
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("cannot create {}: {e}", path.display()),
            }
        }
        panic!("cannot create a temporary directory under {}", base.display());
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// What a finished child process left behind.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The process was killed because it ran out of time.
    pub timed_out: bool,
}

impl Output {
    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_str(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// A description for assertion messages.
    pub fn describe(&self) -> String {
        let mut out = self.stdout_str();
        if out.len() > 4000 {
            let mut cut = out.len() - 4000;
            while !out.is_char_boundary(cut) {
                cut += 1;
            }
            out = format!("[...]{}", &out[cut..]);
        }
        format!(
            "status: {}{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status,
            if self.timed_out {
                " (killed: time limit)"
            } else {
                ""
            },
            out,
            self.stderr_str()
        )
    }

    /// Assert that the process exited with status 0 within its time limit.
    #[track_caller]
    pub fn assert_success(&self, what: &str) {
        assert!(
            !self.timed_out && self.status.success(),
            "{what} failed\n{}",
            self.describe()
        );
    }
}

/// A running child process with its output collected in the background. Killed on drop.
pub struct Proc {
    child: Option<Child>,
    readers: Vec<thread::JoinHandle<Vec<u8>>>,
    stdin: Option<std::process::ChildStdin>,
}

impl Proc {
    /// Spawn `cmd` with piped stdin, stdout and stderr.
    pub fn spawn(cmd: &mut Command) -> std::io::Result<Proc> {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        let mut readers = Vec::new();
        let out = child.stdout.take().map(|r| Box::new(r) as Box<dyn Read + Send>);
        let err = child.stderr.take().map(|r| Box::new(r) as Box<dyn Read + Send>);
        for mut r in [out, err].into_iter().flatten() {
            readers.push(thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = r.read_to_end(&mut buf);
                buf
            }));
        }
        let stdin = child.stdin.take();
        Ok(Proc {
            child: Some(child),
            readers,
            stdin,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    /// Write to the process's standard input (in a thread, so a full pipe cannot block the test)
    /// and close it afterwards.
    pub fn feed_stdin(&mut self, data: Vec<u8>) {
        if let Some(mut stdin) = self.stdin.take() {
            thread::spawn(move || {
                let _ = stdin.write_all(&data);
            });
        }
    }

    /// Close standard input.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Send a signal to the process.
    pub fn signal(&self, sig: libc::c_int) {
        if let Some(child) = &self.child {
            // SAFETY: kill(2) on the pid of a child we have not reaped yet.
            unsafe {
                libc::kill(child.id() as libc::pid_t, sig);
            }
        }
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Wait for the process to end, at most `limit`; then kill it. Returns its output.
    pub fn wait(mut self, limit: Duration) -> Output {
        self.stdin = None;
        let mut child = self.child.take().expect("process already waited for");
        let deadline = now() + limit;
        let mut timed_out = false;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => {
                    timed_out = true;
                    let _ = child.kill();
                    break child.wait().expect("wait for killed child");
                }
            }
        };
        let mut outputs = std::mem::take(&mut self.readers)
            .into_iter()
            .map(|h| h.join().unwrap_or_default());
        let stdout = outputs.next().unwrap_or_default();
        let stderr = outputs.next().unwrap_or_default();
        Output {
            status,
            stdout,
            stderr,
            timed_out,
        }
    }

    /// Kill the process (SIGKILL) and return its output.
    pub fn kill(self) -> Output {
        self.signal(libc::SIGKILL);
        self.wait(TIMEOUT)
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Run `cmd` to completion with a time limit, feeding it `stdin` (or nothing).
pub fn run(cmd: &mut Command, limit: Duration, stdin: Option<Vec<u8>>) -> std::io::Result<Output> {
    let mut proc = Proc::spawn(cmd)?;
    match stdin {
        Some(data) => proc.feed_stdin(data),
        None => proc.close_stdin(),
    }
    Ok(proc.wait(limit))
}

/// Poll `f` every few milliseconds until it returns `Some`, at most `limit`.
pub fn poll_until<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = now() + limit;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// A topic unique to this process and call, so that tests sharing a broker never see each
/// other's messages.
pub fn unique_topic(label: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "test/{}/{label}/{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Deterministic pseudo-random bytes (a simple linear congruential generator).
pub fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect()
}

/// A one-shot signal between two threads (a fake server's script and the client side, a
/// callback and the test).
#[derive(Default)]
pub struct Gate {
    open: Mutex<bool>,
    cv: Condvar,
}

impl Gate {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.cv.notify_all();
    }

    pub fn is_open(&self) -> bool {
        *self.open.lock().unwrap()
    }

    /// Wait up to `timeout` for the gate to open; returns whether it did.
    pub fn wait(&self, timeout: Duration) -> bool {
        let guard = self.open.lock().unwrap();
        let (guard, _) = self.cv.wait_timeout_while(guard, timeout, |open| !*open).unwrap();
        *guard
    }
}
