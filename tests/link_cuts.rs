//! Publishers with a persistent session on a link that keeps failing, counted end to end.
//!
//! Each test builds two network namespaces joined by a veth pair: a broker in one, the
//! publisher (`tests/c/tools/steady_publisher.c`) in the other. While the publisher sends a
//! numbered sequence of QoS 1 or QoS 2 messages at a steady rate, the link is cut again and
//! again: taken down for a while (`ip link set down`), the broker's connections killed
//! (`ss -K`), packets dropped at random (nftables), and delayed with jitter, dropped,
//! duplicated and reordered: by `tc netem` where the kernel has it, else by a link of two TUN
//! devices joined by a thread of the test that does the same (`link_cuts/wire.rs`), which then
//! replaces the veth pair. A light impairment stays on for the whole run, a heavy one comes
//! and goes among the cuts. A persistent subscriber (Debian's `mosquitto_sub`, inside the
//! broker's namespace, so its own link never fails) records what arrives.
//!
//! The brokers across the link: Debian's `mosquitto`, this project's (`build/sbin/mosquitto`),
//! and a bridge: this project's broker in the publisher's namespace, its bridge (`topic cuts/#
//! out`) carrying the messages across the link to this project's broker or to Debian's. With
//! a broker directly across the link, the same publisher runs at the same time on this library
//! and on the system's libmosquitto, each with its own client id and topic, through the same
//! cuts.
//!
//! On our library nothing may be lost at QoS 1 and 2, nothing doubled at QoS 2, the first
//! arrivals come in publish order (directly across the link), and the publish callback fires
//! once per message. The system library's figures are printed beside ours; each test ends
//! with a `counted:` line per QoS level.
//!
//! The default is a short run for `make check`; `make soak` sets `LINK_CUTS_MESSAGES`,
//! `LINK_CUTS_RATE` and `LINK_CUTS_CUTS` for a long one. Without root, `ip` or Debian's broker
//! and clients, the test says why and skips.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;
#[path = "link_cuts/wire.rs"]
mod wire;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use common::cprog::{self, Lib};
use common::{Proc, TempDir, ensure_library_built, have_program, run};
use wire::{Impairment, Rng, Wire, WireCounts};

const LIMIT: Duration = Duration::from_secs(20);
/// Messages per second each publisher sends (`LINK_CUTS_RATE`).
fn rate() -> u64 {
    env_number("LINK_CUTS_RATE", 400).max(1)
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Run a command, failing with its output if it does not succeed.
fn sh(args: &[&str]) -> Result<String, String> {
    let out = run(Command::new(args[0]).args(&args[1..]), LIMIT, None)
        .map_err(|e| format!("cannot run {}: {e}", args[0]))?;
    if out.timed_out || !out.status.success() {
        return Err(format!("{} failed:\n{}", args.join(" "), out.describe()));
    }
    Ok(out.stdout_str())
}

/// Two namespaces and the veth pair between them; removed on drop.
struct Net {
    client_ns: String,
    broker_ns: String,
    client_if: String,
    client_ip: String,
    broker_ip: String,
    has_nft: bool,
    /// How packets are delayed, dropped, duplicated and reordered, if at all.
    impair: ImpairBy,
    /// The TUN link replacing the veth pair (with `ImpairBy::Wire`).
    wire: Option<Wire>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImpairBy {
    /// `tc netem` on the client's end of the veth pair (its outgoing packets).
    Netem,
    /// The TUN link's thread (both directions).
    Wire,
    /// Neither is available.
    Nothing,
}

/// On for the whole run, where packets can be impaired.
const LIGHT: Impairment = Impairment {
    delay_ms: 2,
    jitter_ms: 1,
    loss: 0.2,
    duplicate: 0.2,
    reorder: 1.0,
};

impl Net {
    fn create() -> Result<Net, String> {
        // Unique per process and per call: the tests of this file run side by side.
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let id = (std::process::id() % 10_000) * 10 + n % 10;
        let subnet = 20 + (std::process::id() * 7 + n) % 200;
        let mut net = Net {
            client_ns: format!("mqcut-c{id}"),
            broker_ns: format!("mqcut-b{id}"),
            client_if: format!("mqc{id}"),
            client_ip: format!("10.231.{subnet}.1"),
            broker_ip: format!("10.231.{subnet}.2"),
            has_nft: have_program("nft"),
            impair: ImpairBy::Nothing,
            wire: None,
        };
        let broker_if = format!("mqb{id}");
        let (c, b) = (net.client_ns.clone(), net.broker_ns.clone());
        let (c, b) = (c.as_str(), b.as_str());
        let _ = sh(&["ip", "netns", "del", c]);
        let _ = sh(&["ip", "netns", "del", b]);
        sh(&["ip", "netns", "add", c])?;
        sh(&["ip", "netns", "add", b])?;
        net.impair = if probe_netem(c) {
            ImpairBy::Netem
        } else if wire::available() {
            ImpairBy::Wire
        } else {
            ImpairBy::Nothing
        };
        if net.impair == ImpairBy::Wire {
            let seed = u64::from(id) * 0x9E37_79B9 + 1;
            net.wire = Some(
                Wire::create(c, &net.client_if, b, &broker_if, seed)
                    .map_err(|e| format!("cannot make the TUN link: {e}"))?,
            );
        } else {
            sh(&[
                "ip",
                "link",
                "add",
                &net.client_if,
                "netns",
                c,
                "type",
                "veth",
                "peer",
                "name",
                &broker_if,
                "netns",
                b,
            ])?;
        }
        for (ns, dev, ip) in [
            (c, net.client_if.as_str(), net.client_ip.as_str()),
            (b, broker_if.as_str(), net.broker_ip.as_str()),
        ] {
            sh(&["ip", "-n", ns, "addr", "add", &format!("{ip}/24"), "dev", dev])?;
            sh(&["ip", "-n", ns, "link", "set", dev, "up"])?;
            sh(&["ip", "-n", ns, "link", "set", "lo", "up"])?;
        }
        if net.has_nft {
            for (ns, chain) in [
                (c, "out { type filter hook output priority 0; }"),
                (b, "in { type filter hook input priority 0; }"),
            ] {
                let setup = format!("add table inet cut\nadd chain inet cut {chain}\n");
                let out = run(
                    Command::new("ip").args(["netns", "exec", ns, "nft", "-f", "-"]),
                    LIMIT,
                    Some(setup.into_bytes()),
                )
                .map_err(|e| e.to_string())?;
                if !out.status.success() {
                    return Err(format!("nft setup failed:\n{}", out.describe()));
                }
            }
        }
        Ok(net)
    }

    /// A command run inside `ns`.
    fn command(&self, ns: &str, program: &Path) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", ns]).arg(program);
        cmd
    }

    fn link(&self, up: bool) {
        let state = if up { "up" } else { "down" };
        let _ = sh(&["ip", "-n", &self.client_ns, "link", "set", &self.client_if, state]);
    }

    /// Reset every connection to the broker's port, on both ends.
    fn kill_connections(&self, port: u16) {
        let _ = sh(&[
            "ip",
            "netns",
            "exec",
            &self.broker_ns,
            "ss",
            "-K",
            "-t",
            "sport",
            "=",
            &format!(":{port}"),
        ]);
    }

    /// Drop `percent` of the client's outgoing packets (0: none).
    fn loss(&self, percent: u64) {
        if !self.has_nft {
            return;
        }
        let mut script = String::from("flush chain inet cut out\n");
        if percent > 0 {
            script.push_str(&format!(
                "add rule inet cut out oifname \"{}\" numgen random mod 100 < {percent} drop\n",
                self.client_if
            ));
        }
        let _ = run(
            Command::new("ip").args(["netns", "exec", &self.client_ns, "nft", "-f", "-"]),
            LIMIT,
            Some(script.into_bytes()),
        );
    }
}

impl Net {
    /// Make the broker's host drop everything the client sends (on) or nothing (off): packets
    /// vanish without an error, so a connection attempt hangs in `connect()`.
    fn blackhole(&self, on: bool) {
        if !self.has_nft {
            return;
        }
        let mut script = String::from("flush chain inet cut in\n");
        if on {
            script.push_str(&format!(
                "add rule inet cut in ip saddr {} drop\n",
                self.client_ip
            ));
        }
        let _ = run(
            Command::new("ip").args(["netns", "exec", &self.broker_ns, "nft", "-f", "-"]),
            LIMIT,
            Some(script.into_bytes()),
        );
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        // The TUN devices go with the wire's file descriptors.
        self.wire.take();
        let _ = sh(&["ip", "netns", "del", &self.client_ns]);
        let _ = sh(&["ip", "netns", "del", &self.broker_ns]);
    }
}

/// Whether `tc netem` works in namespace `ns` (the `sch_netem` module may be missing): tried
/// once on its loopback interface and removed again.
fn probe_netem(ns: &str) -> bool {
    if !have_program("tc") {
        return false;
    }
    let ok = sh(&[
        "tc", "-n", ns, "qdisc", "replace", "dev", "lo", "root", "netem", "delay", "1ms",
    ])
    .is_ok();
    let _ = sh(&["tc", "-n", ns, "qdisc", "del", "dev", "lo", "root"]);
    ok
}

impl Net {
    /// Delay, drop, duplicate and reorder packets from now on (None: leave them alone).
    fn impair(&self, impairment: Option<Impairment>) {
        match self.impair {
            ImpairBy::Netem => {
                let mut args = vec!["tc", "-n", &self.client_ns, "qdisc"];
                let spec = impairment.map(|i| i.netem_spec());
                match &spec {
                    Some(spec) => {
                        args.extend(["replace", "dev", &self.client_if, "root", "netem"]);
                        args.extend(spec.split_whitespace());
                    }
                    None => args.extend(["del", "dev", &self.client_if, "root"]),
                }
                let _ = sh(&args);
            }
            ImpairBy::Wire => {
                if let Some(wire) = &self.wire {
                    wire.set(impairment.unwrap_or_default());
                }
            }
            ImpairBy::Nothing => {}
        }
    }

    /// What the TUN link did (zeros without one).
    fn wire_counts(&self) -> WireCounts {
        self.wire.as_ref().map(Wire::counts).unwrap_or_default()
    }
}

/// What a subscriber saw of one sequence.
#[derive(Debug, Default)]
struct Tally {
    received: usize,
    lost: usize,
    doubled: usize,
    reordered: usize,
}

fn tally(lines: &str, count: u64) -> Tally {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut t = Tally::default();
    let mut highest: Option<u64> = None;
    for line in lines.lines() {
        let Ok(n) = line.trim().parse::<u64>() else {
            continue;
        };
        t.received += 1;
        let times = seen.entry(n).or_default();
        *times += 1;
        if *times > 1 {
            t.doubled += 1;
            continue;
        }
        if highest.is_some_and(|h| n < h) {
            t.reordered += 1;
        }
        highest = Some(highest.map_or(n, |h| h.max(n)));
    }
    t.lost = (0..count).filter(|n| !seen.contains_key(n)).count();
    t
}

/// Debian's `mosquitto_sub` with a persistent session, writing what it receives to a file (read
/// while it runs). Killed on drop.
struct Subscriber {
    child: Option<Child>,
    out: PathBuf,
}

impl Subscriber {
    fn start(net: &Net, ns: &str, port: u16, qos: u8, id: &str, topic: &str, out: PathBuf) -> Subscriber {
        let file = std::fs::File::create(&out).expect("the subscriber's output file");
        let mut cmd = net.command(ns, Path::new("mosquitto_sub"));
        cmd.args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", &qos.to_string()])
            .args(["-c", "-i", id, "-t", topic])
            .env_remove("LD_LIBRARY_PATH")
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(Stdio::null());
        let child = cmd.spawn().expect("mosquitto_sub");
        Subscriber {
            child: Some(child),
            out,
        }
    }

    fn lines(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    /// Wait (at most `limit`) until every one of `count` messages has arrived.
    fn wait_for_all(&self, count: u64, limit: Duration) {
        common::poll_until(limit, || (tally(&self.lines(), count).lost == 0).then_some(()));
    }

    /// Stop it (SIGINT: it flushes and exits) and return everything it received.
    fn stop(mut self) -> String {
        if let Some(mut child) = self.child.take() {
            // SAFETY: kill(2) on the pid of our unreaped child.
            unsafe {
                libc::kill(child.id() as libc::pid_t, libc::SIGINT);
            }
            let stopped = common::poll_until(Duration::from_secs(10), || {
                child.try_wait().ok().flatten().map(|_| ())
            });
            if stopped.is_none() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        self.lines()
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Which brokers the messages cross.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    /// Across the link to Debian's broker.
    Debian,
    /// Across the link to this project's broker.
    Ours,
    /// To this project's broker on the publisher's side, whose bridge (`topic cuts/# out`)
    /// carries them across the link to a remote broker: this project's (`true`) or Debian's.
    Bridge { remote_ours: bool },
}

impl Setup {
    fn name(self) -> &'static str {
        match self {
            Setup::Debian => "Debian's broker",
            Setup::Ours => "our broker",
            Setup::Bridge { remote_ours: true } => "our bridge to our broker",
            Setup::Bridge { remote_ours: false } => "our bridge to Debian's broker",
        }
    }

    /// The broker across the link is ours.
    fn remote_is_ours(self) -> bool {
        matches!(self, Setup::Ours | Setup::Bridge { remote_ours: true })
    }
}

fn our_broker_program() -> PathBuf {
    common::repo_root().join("build").join("sbin").join("mosquitto")
}

/// One library's publisher and its subscriber.
struct Run {
    name: &'static str,
    lib: Lib,
    subscriber: Subscriber,
    publisher: Option<Proc>,
}

/// A broker running in `ns` with `conf`; `probe` is a port it listens on at 127.0.0.1 there.
struct NsBroker {
    proc: Proc,
    log: PathBuf,
}

impl NsBroker {
    fn log(&self) -> String {
        std::fs::read(&self.log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// The last lines of its log, for failure messages.
    fn tail(&self, name: &str) -> String {
        let log = self.log();
        let lines: Vec<&str> = log.lines().collect();
        let from = lines.len().saturating_sub(40);
        format!("--- {name} log (last lines) ---\n{}\n", lines[from..].join("\n"))
    }
}

fn start_broker(
    net: &Net,
    ns: &str,
    dir: &TempDir,
    label: &str,
    ours: bool,
    conf: &str,
    probe_port: u16,
) -> Result<NsBroker, String> {
    let path = dir.join(&format!("{label}.conf"));
    let log = dir.join(&format!("{label}.log"));
    let mut text = String::new();
    if ours {
        // Debian's broker, run as root, would switch to its own user and could not write here.
        text.push_str(&format!(
            "user root\nlog_dest file {}\nlog_type all\n",
            log.display()
        ));
    } else {
        text.push_str("log_dest none\n");
    }
    text.push_str(conf);
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let program = if ours {
        our_broker_program()
    } else {
        PathBuf::from(common::broker::broker_program())
    };
    let mut cmd = net.command(ns, &program);
    cmd.arg("-c").arg(&path).env_remove("LD_LIBRARY_PATH");
    let mut broker = Proc::spawn(&mut cmd).map_err(|e| e.to_string())?;
    let probe = format!("127.0.0.1:{probe_port}");
    let up = common::poll_until(Duration::from_secs(10), || {
        if !broker.running() {
            return Some(false);
        }
        let out = run(
            Command::new("ip").args([
                "netns",
                "exec",
                ns,
                "ss",
                "-ltn",
                "sport",
                "=",
                &format!(":{probe_port}"),
            ]),
            LIMIT,
            None,
        )
        .ok()?;
        out.stdout_str().contains(&probe).then_some(true)
    });
    if up != Some(true) {
        return Err(format!("the broker did not start:\n{}", broker.kill().describe()));
    }
    Ok(NsBroker { proc: broker, log })
}

/// What one sequence counted, for the summary.
#[derive(Debug, Default, Clone, Copy)]
struct Counted {
    cuts: u64,
    published: u64,
    received: usize,
    lost: usize,
    doubled: usize,
    /// What the TUN link did to the packets, if there was one.
    wire: WireCounts,
}

/// Whether this machine can run the test at all; prints why not.
fn can_run() -> bool {
    if !nix_root() {
        eprintln!("skipped: link cuts need root (network namespaces)");
        return false;
    }
    if !have_program("ip") || !have_program("ss") {
        eprintln!("skipped: link cuts need iproute2 (ip, ss)");
        return false;
    }
    if !have_program("mosquitto_sub") || !common::broker::broker_available() {
        eprintln!("skipped: link cuts need Debian's mosquitto and mosquitto_sub");
        return false;
    }
    true
}

/// Cut the link `cuts` times (while the publishers run, and at most two seconds longer), every
/// kind of cut in turn; returns how many were made.
fn make_cuts(net: &Net, port: u16, cuts: u64, publish_time: Duration, seed: u64) -> u64 {
    let mut rng = Rng(seed);
    let start = Instant::now();
    let impaired = net.impair != ImpairBy::Nothing;
    let kinds = if impaired { 6 } else { 5 };
    let light = impaired.then_some(LIGHT);
    let mut done_cuts = 0;
    while done_cuts < cuts && start.elapsed() < publish_time + Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(rng.between(150, 600)));
        // Their lengths vary. The heavy impairment comes second, so that a short run has it.
        let kind = if impaired {
            [0, 5, 1, 2, 3, 4][(done_cuts % 6) as usize]
        } else {
            done_cuts % kinds
        };
        match kind {
            0 => net.kill_connections(port),
            1 => {
                net.link(false);
                std::thread::sleep(Duration::from_millis(rng.between(300, 2500)));
                net.link(true);
            }
            2 => {
                net.loss(rng.between(5, 30));
                std::thread::sleep(Duration::from_millis(rng.between(300, 1500)));
                net.loss(0);
            }
            3 => {
                // Packets vanish; the connection is reset meanwhile, so the reconnection
                // attempt hangs in connect() until the path is back.
                net.blackhole(true);
                std::thread::sleep(Duration::from_millis(rng.between(200, 600)));
                net.kill_connections(port);
                std::thread::sleep(Duration::from_millis(rng.between(1500, 3000)));
                net.blackhole(false);
            }
            4 => {
                // Down long enough for a reconnection attempt to fail, with the broker's end
                // of the connection gone meanwhile.
                net.link(false);
                std::thread::sleep(Duration::from_millis(rng.between(300, 1000)));
                net.kill_connections(port);
                std::thread::sleep(Duration::from_millis(rng.between(1000, 2500)));
                net.link(true);
            }
            _ => {
                // Delay with jitter, loss, duplication and reordering, then a reset.
                net.impair(Some(Impairment {
                    delay_ms: rng.between(10, 80),
                    jitter_ms: rng.between(5, 40),
                    loss: rng.between(1, 10) as f64,
                    duplicate: rng.between(1, 5) as f64,
                    reorder: rng.between(5, 25) as f64,
                }));
                std::thread::sleep(Duration::from_millis(rng.between(500, 2000)));
                net.kill_connections(port);
                std::thread::sleep(Duration::from_millis(rng.between(200, 800)));
                net.impair(light);
            }
        }
        done_cuts += 1;
    }
    net.link(true);
    net.loss(0);
    net.blackhole(false);
    net.impair(None);
    done_cuts
}

fn sequence(setup: Setup, qos: u8, messages: u64, cuts: u64, seed: u64) -> Option<Counted> {
    if !can_run() {
        return None;
    }
    ensure_library_built();
    let net = match Net::create() {
        Ok(net) => net,
        Err(e) => {
            eprintln!("skipped: cannot create network namespaces here: {e}");
            return None;
        }
    };
    if !net.has_nft {
        eprintln!("note: nft is not installed; running without random packet loss");
    }
    match net.impair {
        ImpairBy::Netem => {}
        ImpairBy::Wire => eprintln!(
            "note: tc netem is not available here (no sch_netem module?): the link is two TUN \
             devices joined by the test, which delays, drops, duplicates and reorders packets"
        ),
        ImpairBy::Nothing => eprintln!(
            "note: neither tc netem nor TUN devices are available here: no delay, jitter, \
             duplication or reordering; the cuts are link down/up, connection resets (ss -K) \
             and random drops (nftables)"
        ),
    }
    if net.impair != ImpairBy::Nothing {
        net.impair(Some(LIGHT));
    }
    let dir = TempDir::new("link-cuts");
    // The broker across the link: its listener on the veth address, and one on its own
    // loopback for the subscribers, which never fails.
    let port = 18830;
    let local_port = 18831;
    let remote_conf = format!(
        "listener {port} {}\nlistener {local_port} 127.0.0.1\nallow_anonymous true\n\
         max_queued_messages 1000000\n",
        net.broker_ip
    );
    let remote = start_broker(
        &net,
        &net.broker_ns,
        &dir,
        "remote",
        setup.remote_is_ours(),
        &remote_conf,
        local_port,
    )
    .expect("broker");
    // With a bridge: our broker beside the publisher, bridging across the link.
    let bridge_port = 18832;
    let bridge = match setup {
        Setup::Bridge { .. } => {
            let conf = format!(
                "listener {bridge_port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\n\
                 connection cuts\naddress {}:{port}\nremote_clientid bridge-{}\ncleansession false\n\
                 keepalive_interval 5\nrestart_timeout 1\ntopic cuts/# out {qos}\n",
                net.broker_ip,
                std::process::id()
            );
            Some(
                start_broker(&net, &net.client_ns, &dir, "bridge", true, &conf, bridge_port).expect("bridge"),
            )
        }
        _ => None,
    };
    let (pub_host, pub_port) = match setup {
        Setup::Bridge { .. } => ("127.0.0.1".to_string(), bridge_port),
        _ => (net.broker_ip.clone(), port),
    };

    let src = cprog::c_dir().join("tools").join("steady_publisher.c");
    let mut libs = vec![(Lib::Ours, "ours")];
    // Through a bridge, the publisher's own link never fails: the system's library would
    // show nothing new.
    if bridge.is_none() && cprog::system_library_available() {
        libs.push((Lib::System, "system"));
    }
    let tag = format!("{}{}", std::process::id(), net.client_if);
    let mut runs: Vec<Run> = Vec::new();
    for (lib, name) in &libs {
        let exe: PathBuf = cprog::compile(&src, dir.path(), *lib, false).expect("compile the publisher");
        let topic = format!("cuts/{name}/{qos}/{tag}");
        let subscriber = Subscriber::start(
            &net,
            &net.broker_ns,
            local_port,
            qos,
            &format!("sub-{name}-{tag}"),
            &topic,
            dir.join(&format!("received-{name}")),
        );
        std::thread::sleep(Duration::from_millis(300));
        // The library is chosen by the environment cprog gives the program.
        let on_lib = cprog::command(&exe, *lib, &[]);
        let mut cmd = net.command(&net.client_ns, &exe);
        for (k, v) in on_lib.get_envs() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.args([
            pub_host.clone(),
            pub_port.to_string(),
            qos.to_string(),
            messages.to_string(),
            rate().to_string(),
            format!("pub-{name}-{tag}"),
            topic,
        ]);
        let publisher = Some(Proc::spawn(&mut cmd).expect("publisher"));
        runs.push(Run {
            name,
            lib: *lib,
            subscriber,
            publisher,
        });
    }

    let publish_time = Duration::from_millis(messages * 1000 / rate());
    let done_cuts = make_cuts(&net, port, cuts, publish_time, seed);

    let mut report = String::new();
    let mut failures = Vec::new();
    let mut summaries = Vec::new();
    for run in &mut runs {
        let publisher = run
            .publisher
            .take()
            .expect("publisher")
            .wait(Duration::from_secs(180));
        if let Err(e) = cprog::check_loaded(&publisher, run.lib) {
            failures.push(format!("{}: {e}", run.name));
        }
        if publisher.timed_out || !publisher.status.success() {
            failures.push(format!(
                "{}: the publisher failed\n{}",
                run.name,
                publisher.describe()
            ));
        }
        summaries.push(publisher.stdout_str().trim().to_string());
    }
    // Wait for the tail (a bridge may be reconnecting still), then a moment for late copies.
    for run in &runs {
        if run.lib == Lib::Ours {
            run.subscriber.wait_for_all(messages, Duration::from_secs(60));
        }
    }
    std::thread::sleep(Duration::from_secs(2));
    let mut counted = Counted {
        cuts: done_cuts,
        wire: net.wire_counts(),
        ..Counted::default()
    };
    for (run, summary) in runs.into_iter().zip(summaries) {
        let t = tally(&run.subscriber.stop(), messages);
        report.push_str(&format!(
            "{}, QoS {qos}, {done_cuts} cuts, {:6}: {summary}; subscriber received {}, lost {}, doubled {}, reordered {}\n",
            setup.name(),
            run.name,
            t.received,
            t.lost,
            t.doubled,
            t.reordered
        ));
        if run.lib == Lib::Ours {
            let fields: Vec<&str> = summary.split_whitespace().collect();
            let field = |name: &str| {
                fields
                    .iter()
                    .position(|f| *f == name)
                    .and_then(|i| fields.get(i + 1))
                    .and_then(|v| v.parse::<u64>().ok())
            };
            if field("completed") != Some(messages) || field("repeated") != Some(0) {
                failures.push(format!("our publisher: {summary}"));
            }
            // Directly connected, the first arrivals come in publish order; through a bridge
            // only loss and duplication count.
            let reordered = bridge.is_none() && t.reordered != 0;
            if t.lost != 0 || reordered || (qos == 2 && t.doubled != 0) {
                failures.push(format!("our library: {t:?}"));
            }
            counted.published += messages;
            counted.received += t.received;
            counted.lost += t.lost;
            counted.doubled += t.doubled;
        }
    }
    eprint!("{report}");
    if !failures.is_empty() {
        let mut logs = String::new();
        if setup.remote_is_ours() {
            logs.push_str(&remote.tail("remote broker"));
        }
        if let Some(b) = &bridge {
            logs.push_str(&b.tail("bridging broker"));
        }
        panic!("{}\n{report}{logs}", failures.join("\n"));
    }
    drop(remote.proc);
    Some(counted)
}

fn nix_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Both QoS levels through `setup`, then one line of what was counted.
fn both_levels(setup: Setup, seeds: [u64; 2]) {
    let messages = env_number("LINK_CUTS_MESSAGES", 2000);
    let cuts = env_number("LINK_CUTS_CUTS", 6);
    for (qos, seed) in [(1, seeds[0]), (2, seeds[1])] {
        let Some(c) = sequence(setup, qos, messages, cuts, seed) else {
            return;
        };
        let link = if c.wire.packets > 0 {
            format!(
                "; the link carried {} packets, dropped {}, duplicated {}, reordered {}",
                c.wire.packets, c.wire.dropped, c.wire.duplicated, c.wire.reordered
            )
        } else {
            String::new()
        };
        eprintln!(
            "counted: {}, QoS {qos}: {} cuts survived, {} messages published on our library, \
             {} received, {} lost, {} doubled{link}",
            setup.name(),
            c.cuts,
            c.published,
            c.received,
            c.lost,
            c.doubled
        );
    }
}

#[test]
fn sequences_to_debians_broker_survive_link_cuts() {
    both_levels(Setup::Debian, [0x9E37_79B9_7F4A_7C15, 0xD1B5_4A32_D192_ED03]);
}

#[test]
fn sequences_to_our_broker_survive_link_cuts() {
    both_levels(Setup::Ours, [0x2545_F491_4F6C_DD1D, 0x8CB9_2BA7_2F3D_8DD7]);
}

#[test]
fn sequences_through_a_bridge_to_our_broker_survive_link_cuts() {
    both_levels(
        Setup::Bridge { remote_ours: true },
        [0x94D0_49BB_1331_11EB, 0xBF58_476D_1CE4_E5B9],
    );
}

#[test]
fn sequences_through_a_bridge_to_debians_broker_survive_link_cuts() {
    both_levels(
        Setup::Bridge { remote_ours: false },
        [0x6A09_E667_F3BC_C908, 0xBB67_AE85_84CA_A73B],
    );
}
