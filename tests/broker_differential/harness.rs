//! Two brokers, one script: Debian's `mosquitto` (the reference) and ours (the `mosquitto`
//! command built here), each started with the same configuration on a free loopback port.
//! A script drives raw TCP clients; every packet a client receives, and the end of every
//! connection, is written into a transcript, and the two transcripts are compared.

use std::cell::RefCell;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::thread;
use std::time::Duration;

use crate::common::broker::{broker_program, free_port};
use crate::common::{TempDir, now, poll_until};

/// How long a client waits for a packet it expects.
pub const WAIT: Duration = Duration::from_secs(5);
/// How long a client listens to be sure nothing more comes.
pub const QUIET: Duration = Duration::from_millis(300);

/// Which broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Debian's mosquitto.
    Reference,
    /// Ours.
    Ours,
}

/// Configuration lines: the global section, then those of the listener (which allows
/// anonymous clients).
#[derive(Debug, Clone, Default)]
pub struct Conf {
    pub global: String,
    pub listener: String,
    /// Files written into the broker's directory before it starts; `{dir}` in the lines
    /// stands for that directory.
    pub files: Vec<(String, String)>,
}

impl Conf {
    pub fn new() -> Conf {
        Conf::default()
    }

    pub fn global(mut self, line: &str) -> Conf {
        self.global.push_str(line);
        self.global.push('\n');
        self
    }

    pub fn listener(mut self, line: &str) -> Conf {
        self.listener.push_str(line);
        self.listener.push('\n');
        self
    }

    pub fn file(mut self, name: &str, content: &str) -> Conf {
        self.files.push((name.to_owned(), content.to_owned()));
        self
    }
}

/// A running broker, killed on drop.
pub struct Server {
    pub kind: Kind,
    child: Option<Child>,
    pub port: u16,
    dir: TempDir,
}

impl Server {
    pub fn start(kind: Kind, conf: &Conf) -> Server {
        let mut last = String::new();
        // Another process may take the port between our probe and the broker's bind: retry.
        for _ in 0..10 {
            let mut server = Server {
                kind,
                child: None,
                port: free_port(),
                dir: TempDir::new("differential"),
            };
            match server.launch(conf) {
                Ok(()) => return server,
                Err(e) => last = e,
            }
        }
        panic!("cannot start the {kind:?} broker: {last}");
    }

    fn program(&self) -> PathBuf {
        match self.kind {
            Kind::Reference => PathBuf::from(broker_program()),
            Kind::Ours => PathBuf::from(env!("CARGO_BIN_EXE_mosquitto")),
        }
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.join("broker.log")
    }

    /// Everything logged so far.
    pub fn log(&self) -> String {
        std::fs::read(self.log_path())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// What the broker wrote to its standard error.
    pub fn stderr(&self) -> String {
        std::fs::read(self.dir.join("stderr"))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Wait (at most `limit`) for a log line containing `needle`.
    pub fn wait_log(&self, needle: &str, limit: Duration) -> bool {
        poll_until(limit, || self.log().contains(needle).then_some(())).is_some()
    }

    fn launch(&mut self, conf: &Conf) -> Result<(), String> {
        let mut text = String::new();
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } == 0 {
            text.push_str("user root\n");
        }
        text.push_str(&format!(
            "log_dest file {}\nlog_type all\n",
            self.log_path().display()
        ));
        for (name, content) in &conf.files {
            std::fs::write(self.dir.join(name), content).map_err(|e| e.to_string())?;
        }
        let dir = self.dir.path().display().to_string();
        text.push_str(&conf.global.replace("{dir}", &dir));
        text.push_str(&format!(
            "listener {} 127.0.0.1\nallow_anonymous true\n",
            self.port
        ));
        text.push_str(&conf.listener.replace("{dir}", &dir));
        let path = self.dir.join("mosquitto.conf");
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        let mut cmd = Command::new(self.program());
        cmd.arg("-c")
            .arg(&path)
            .current_dir(self.dir.path())
            .env_remove("LD_LIBRARY_PATH")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(self.dir.join("stderr")).map_err(|e| e.to_string())?);
        // SAFETY: prctl is async-signal-safe; the broker dies with the thread that started it.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = cmd.spawn().map_err(|e| e.to_string())?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("exited at start ({status}): {}", self.log()));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                self.child = Some(child);
                return Ok(());
            }
            if now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no listener in time: {}", self.log()));
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// The broker process's id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// The resident set size of the broker process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Stop with SIGTERM (wills are published), waiting for the process to end.
    pub fn terminate(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: kill(2) on our unreaped child.
            unsafe {
                libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
            }
            let end = poll_until(Duration::from_secs(5), || child.try_wait().ok().flatten());
            if end.is_none() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Hex with spaces; a generated client id (`auto-` and 36 characters) becomes `auto-<id>`.
pub fn show(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 3);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"auto-") && bytes.len() >= i + 41 {
            let id = &bytes[i + 5..i + 41];
            if id.iter().all(|b| b.is_ascii_hexdigit() || *b == b'-') {
                out.push("<auto-id>".to_owned());
                i += 41;
                continue;
            }
        }
        out.push(format!("{:02x}", bytes[i]));
        i += 1;
    }
    out.join(" ")
}

/// The script's view of one broker.
pub struct Ctx<'a> {
    pub server: &'a mut Server,
    lines: Rc<RefCell<Vec<String>>>,
    /// Where the script's part of the log starts.
    log_seen: RefCell<usize>,
    want_logs: RefCell<bool>,
}

/// Log lines the transcripts include (by their beginning, after the timestamp): the ones
/// about connections, their ends and refusals.
const LOGGED: [&str; 12] = [
    "Client ",
    "New client connected",
    "Bad client",
    "Protocol error",
    "Invalid protocol",
    "Outgoing messages are being dropped",
    "Dropping too large",
    "Expiring client",
    "Warning: Received",
    "Too high QoS",
    "Sending CONNACK",
    "Bad socket",
];

/// A log line with what differs from run to run replaced: the timestamp is gone, addresses
/// lose their port, a generated client id becomes `<auto-id>`.
fn normalise_log(line: &str) -> String {
    let text = line.split_once(": ").map_or(line, |(_, t)| t);
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("127.0.0.1:") {
        out.push_str(&rest[..i + "127.0.0.1".len()]);
        rest = rest[i + "127.0.0.1:".len()..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    if let Some(i) = out.find("auto-") {
        let end = (i + 41).min(out.len());
        if out.is_char_boundary(end) {
            out.replace_range(i..end, "<auto-id>");
        }
    }
    out
}

impl Ctx<'_> {
    /// A TCP connection to the broker, with nothing sent yet.
    pub fn tcp(&self, name: &str) -> Conn {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.server.port));
        let stream = TcpStream::connect_timeout(&addr, WAIT).expect("connect to the broker");
        let _ = stream.set_nodelay(true);
        Conn {
            name: name.to_owned(),
            stream,
            buf: Vec::new(),
            closed: false,
            lines: self.lines.clone(),
        }
    }

    /// Connect, send `connect` and record the answer (a CONNACK, or the end).
    pub fn client(&self, name: &str, connect: impl AsRef<[u8]>) -> Conn {
        let mut c = self.tcp(name);
        c.send(connect);
        c.recv();
        c
    }

    /// Add the broker's log lines about connections to the end of the transcript (after the
    /// script has run, so that no line is missed or comes late).
    pub fn logs(&self) {
        *self.want_logs.borrow_mut() = true;
    }

    fn append_logs(&self) {
        thread::sleep(Duration::from_millis(300));
        let log = self.server.log();
        let start = (*self.log_seen.borrow()).min(log.len());
        for line in log[start..].lines() {
            let text = line.split_once(": ").map_or(line, |(_, t)| t);
            if LOGGED.iter().any(|p| text.starts_with(p)) {
                self.note(format!("log: {}", normalise_log(line)));
            }
        }
    }

    /// Close these connections one after the other (so that the broker logs their ends in
    /// this order), then compare the log too (see [`Ctx::logs`]).
    pub fn close_all_and_log(&self, conns: Vec<Conn>) {
        for c in conns {
            c.drop_link();
            self.sleep(Duration::from_millis(100));
        }
        self.logs();
    }

    /// Forget the log so far.
    pub fn skip_logs(&self) {
        *self.log_seen.borrow_mut() = self.server.log().len();
    }

    /// A line of the script's own in the transcript.
    pub fn note(&self, text: impl Into<String>) {
        self.lines.borrow_mut().push(text.into());
    }

    pub fn sleep(&self, d: Duration) {
        thread::sleep(d);
    }

    /// Wait for a log line; the outcome goes into the transcript.
    pub fn log_line(&self, needle: &str) {
        let found = self.server.wait_log(needle, WAIT);
        self.note(format!("log {needle:?}: {found}"));
    }

    pub fn kind(&self) -> Kind {
        self.server.kind
    }
}

/// What a client received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Got {
    Packet(Vec<u8>),
    Closed,
    Nothing,
}

/// A raw client connection.
pub struct Conn {
    pub name: String,
    stream: TcpStream,
    buf: Vec<u8>,
    closed: bool,
    lines: Rc<RefCell<Vec<String>>>,
}

impl Conn {
    /// A client on a connection made elsewhere, with a transcript of its own.
    pub fn from_stream(name: &str, stream: TcpStream) -> Conn {
        let _ = stream.set_nodelay(true);
        Conn {
            name: name.to_owned(),
            stream,
            buf: Vec::new(),
            closed: false,
            lines: Rc::new(RefCell::new(Vec::new())),
        }
    }

    /// Send bytes (a write to a connection the broker has closed is not an error here: the
    /// next read tells).
    pub fn send(&mut self, bytes: impl AsRef<[u8]>) {
        let _ = self.stream.write_all(bytes.as_ref());
    }

    fn record(&self, got: &Got) {
        let text = match got {
            Got::Packet(p) => show(p),
            Got::Closed => "closed".to_owned(),
            Got::Nothing => "nothing".to_owned(),
        };
        self.lines.borrow_mut().push(format!("{}: {text}", self.name));
    }

    /// A complete packet at the start of the buffer, if there is one.
    fn take_packet(&mut self) -> Option<Vec<u8>> {
        let mut len = 0usize;
        let mut shift = 0;
        let mut i = 1;
        loop {
            let b = *self.buf.get(i)?;
            len |= usize::from(b & 0x7F) << shift;
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
            if i > 4 {
                // Not a packet a broker may send: keep the bytes as they are.
                let all = std::mem::take(&mut self.buf);
                return Some(all);
            }
        }
        if self.buf.len() < i + len {
            return None;
        }
        Some(self.buf.drain(..i + len).collect())
    }

    /// Read one packet, waiting at most `limit`; nothing is recorded.
    pub fn read_within(&mut self, limit: Duration) -> Got {
        let deadline = now() + limit;
        loop {
            if let Some(p) = self.take_packet() {
                return Got::Packet(p);
            }
            if self.closed {
                return Got::Closed;
            }
            let left = deadline.saturating_duration_since(now());
            if left.is_zero() {
                return Got::Nothing;
            }
            let _ = self
                .stream
                .set_read_timeout(Some(left.max(Duration::from_millis(1))));
            let mut chunk = [0u8; 65536];
            match self.stream.read(&mut chunk) {
                Ok(0) => self.closed = true,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => self.closed = true,
            }
        }
    }

    /// Receive one packet (or the end, or nothing within [`WAIT`]) and record it.
    pub fn recv(&mut self) -> Got {
        let got = self.read_within(WAIT);
        self.record(&got);
        got
    }

    /// [`Conn::recv`] `n` times.
    pub fn recv_n(&mut self, n: usize) {
        for _ in 0..n {
            if self.recv() == Got::Closed {
                return;
            }
        }
    }

    /// Everything until the broker closes the connection (recorded), or nothing more for
    /// [`WAIT`] (recorded as "open").
    pub fn end(&mut self) {
        loop {
            match self.read_within(WAIT) {
                Got::Packet(p) => self.record(&Got::Packet(p)),
                Got::Closed => return self.record(&Got::Closed),
                Got::Nothing => {
                    self.lines.borrow_mut().push(format!("{}: open", self.name));
                    return;
                }
            }
        }
    }

    /// Listen for [`QUIET`]: whatever arrives (or the end) is recorded; silence is not.
    pub fn quiet(&mut self) {
        self.quiet_for(QUIET);
    }

    pub fn quiet_for(&mut self, d: Duration) {
        loop {
            match self.read_within(d) {
                Got::Packet(p) => self.record(&Got::Packet(p)),
                Got::Closed => return self.record(&Got::Closed),
                Got::Nothing => return,
            }
        }
    }

    /// Packets until `d` has passed without one; returned, not recorded.
    pub fn drain(&mut self, d: Duration) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Got::Packet(p) = self.read_within(d) {
            out.push(p);
        }
        out
    }

    /// Packets arriving within `d` (however many); returned, not recorded.
    pub fn collect_for(&mut self, d: Duration) -> Vec<Vec<u8>> {
        let deadline = now() + d;
        let mut out = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(now());
            if left.is_zero() {
                return out;
            }
            match self.read_within(left) {
                Got::Packet(p) => out.push(p),
                Got::Closed => return out,
                Got::Nothing => {}
            }
        }
    }

    /// Whether the broker has closed the connection (as far as has been read).
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Reset the connection (an RST instead of a FIN).
    pub fn reset(self) {
        let _ = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
    }

    /// Close the socket without DISCONNECT.
    pub fn drop_link(self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// Run `script` against the reference broker and ours at the same time, each with its own
/// copy of the configuration; returns the two transcripts (reference, ours).
pub fn both<F>(conf: &Conf, script: F) -> (Vec<String>, Vec<String>)
where
    F: Fn(&mut Ctx<'_>) + Sync,
{
    thread::scope(|scope| {
        let run = |kind| {
            let script = &script;
            scope.spawn(move || {
                let mut server = Server::start(kind, conf);
                let lines = Rc::new(RefCell::new(Vec::new()));
                let mut ctx = Ctx {
                    server: &mut server,
                    lines: lines.clone(),
                    log_seen: RefCell::new(0),
                    want_logs: RefCell::new(false),
                };
                // Start-up lines, and the end of the connection that found the listener, are
                // not part of the script.
                ctx.server
                    .wait_log("closed its connection.", Duration::from_secs(2));
                ctx.skip_logs();
                script(&mut ctx);
                if *ctx.want_logs.borrow() {
                    ctx.append_logs();
                }
                drop(ctx);
                lines.take()
            })
        };
        let reference = run(Kind::Reference);
        let ours = run(Kind::Ours);
        let reference = reference.join().expect("reference script");
        let ours = ours.join().expect("our script");
        if std::env::var_os("DIFFERENTIAL_SHOW").is_some() {
            eprintln!(
                "--- reference\n{}\n--- ours\n{}",
                reference.join("\n"),
                ours.join("\n")
            );
        }
        (reference, ours)
    })
}

/// The lines only the reference has and the lines only ours has (by longest common
/// subsequence).
pub fn diff(reference: &[String], ours: &[String]) -> (Vec<String>, Vec<String>) {
    let mut only_reference = Vec::new();
    let mut only_ours = Vec::new();
    for line in side_by_side(reference, ours).lines().skip(1) {
        if let Some(l) = line.strip_prefix("- ") {
            only_reference.push(l.to_owned());
        } else if let Some(l) = line.strip_prefix("+ ") {
            only_ours.push(l.to_owned());
        }
    }
    (only_reference, only_ours)
}

/// Run the script on both brokers, rewriting each line of the reference with `rewrite`
/// (where 2.0.20 says what 2.0.11 said differently), and require the same transcript.
#[track_caller]
pub fn same_rewritten<F, R>(conf: &Conf, script: F, rewrite: R)
where
    F: Fn(&mut Ctx<'_>) + Sync,
    R: Fn(&str) -> String,
{
    let (reference, ours) = both(conf, script);
    let reference: Vec<String> = reference.iter().map(|l| rewrite(&as_2020(l))).collect();
    assert!(
        reference == ours,
        "the brokers differ (reference rewritten as 2.0.20):\n{}",
        side_by_side(&reference, &ours)
    );
}

/// Run the script on both brokers where 2.0.11 (the reference) and 2.0.20 (which we follow),
/// or we on purpose, differ in a few lines: the transcripts must differ in exactly these (in
/// any order).
#[track_caller]
pub fn same_except<F>(conf: &Conf, script: F, reference_only: &[&str], ours_only: &[&str])
where
    F: Fn(&mut Ctx<'_>) + Sync,
{
    let (reference, ours) = both(conf, script);
    let reference: Vec<String> = reference.iter().map(|l| as_2020(l)).collect();
    let (mut r, mut o) = diff(&reference, &ours);
    r.sort();
    o.sort();
    let mut want_r: Vec<&str> = reference_only.to_vec();
    let mut want_o: Vec<&str> = ours_only.to_vec();
    want_r.sort_unstable();
    want_o.sort_unstable();
    assert!(
        r == want_r && o == want_o,
        "expected only these differences:\n- {}\n+ {}\nseen:\n{}",
        reference_only.join("\n- "),
        ours_only.join("\n+ "),
        side_by_side(&reference, &ours)
    );
}

/// The two transcripts as a line diff (`-` reference only, `+` ours only), for an assertion
/// message.
pub fn side_by_side(reference: &[String], ours: &[String]) -> String {
    let (n, m) = (reference.len(), ours.len());
    // Longest common subsequence, from the ends.
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if reference[i] == ours[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::from("(- reference only, + ours only)\n");
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && reference[i] == ours[j] {
            out.push_str(&format!("  {}\n", reference[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", ours[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", reference[i]));
            i += 1;
        }
    }
    out
}

/// Log texts that changed between 2.0.11 and 2.0.20 (not the behaviour behind them), as
/// 2.0.20 writes them.
fn as_2020(line: &str) -> String {
    line.replace(
        "Invalid function arguments provided.",
        "Invalid arguments provided.",
    )
    .replace(
        "due to QoS too high or retain not supported.",
        "due to using not allowed feature (QoS too high, retain not supported, or bad AUTH method).",
    )
}

/// Run the script on both brokers and require the same transcript; returns it.
#[track_caller]
pub fn same<F>(conf: &Conf, script: F) -> Vec<String>
where
    F: Fn(&mut Ctx<'_>) + Sync,
{
    let (reference, ours) = both(conf, script);
    let reference: Vec<String> = reference.iter().map(|l| as_2020(l)).collect();
    assert!(
        reference == ours,
        "the brokers differ:\n{}",
        side_by_side(&reference, &ours)
    );
    ours
}

/// Run the script on both brokers where 2.0.11 (the reference) and 2.0.20 (which we follow)
/// differ: each transcript must be the one given.
#[track_caller]
pub fn known_difference<F>(conf: &Conf, script: F, reference_2011: &[&str], ours_2020: &[&str])
where
    F: Fn(&mut Ctx<'_>) + Sync,
{
    let (reference, ours) = both(conf, script);
    let reference: Vec<String> = reference.iter().map(|l| as_2020(l)).collect();
    let want_r: Vec<String> = reference_2011.iter().map(|s| (*s).to_owned()).collect();
    let want_o: Vec<String> = ours_2020.iter().map(|s| (*s).to_owned()).collect();
    assert!(
        reference == want_r && ours == want_o,
        "reference, expected (2.0.11) against seen:\n{}\nours, expected (2.0.20) against seen:\n{}",
        side_by_side(&want_r, &reference),
        side_by_side(&want_o, &ours)
    );
}

/// The packet identifier of a PUBLISH with QoS > 0 (0 if there is none).
pub fn publish_mid(pk: &[u8]) -> u16 {
    let mut i = 1;
    while pk.get(i).is_some_and(|b| b & 0x80 != 0) {
        i += 1;
    }
    i += 1;
    let Some(len) = pk.get(i..i + 2) else {
        return 0;
    };
    let at = i + 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
    match pk.get(at..at + 2) {
        Some(m) if pk[0] & 0x06 != 0 => u16::from_be_bytes([m[0], m[1]]),
        _ => 0,
    }
}
