//! A publisher with a persistent session on a link that keeps failing, counted end to end.
//!
//! The test builds two network namespaces joined by a veth pair: Debian's `mosquitto` broker in
//! one, the publisher (`tests/c/tools/steady_publisher.c`) in the other. While the publisher
//! sends a numbered sequence of QoS 1 or QoS 2 messages at a steady rate, the link is cut again
//! and again: taken down for a while (`ip link set down`), the broker's connections killed
//! (`ss -K`), and packets dropped at random (nftables). A persistent subscriber (Debian's
//! `mosquitto_sub`, inside the broker's namespace, so its own link never fails) records what
//! arrives. The same publisher runs at the same time on this library and on the system's
//! libmosquitto, each with its own client id and topic, through the same cuts.
//!
//! On our library nothing may be lost or reordered (first arrivals in publish order) at QoS 1
//! and 2, nothing doubled at QoS 2, and the publish callback fires once per message. The
//! system library's figures are printed beside ours.
//!
//! The default is a short run for `make check`; `make soak` sets `LINK_CUTS_MESSAGES`,
//! `LINK_CUTS_RATE` and `LINK_CUTS_CUTS` for a long one. Without root or without `ip`, the test says why and skips.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::cprog::{self, Lib};
use common::{Proc, TempDir, ensure_library_built, have_program, run};

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

/// A small deterministic random source (xorshift), so that a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

/// Two namespaces and the veth pair between them; removed on drop.
struct Net {
    client_ns: String,
    broker_ns: String,
    client_if: String,
    client_ip: String,
    broker_ip: String,
    has_nft: bool,
}

impl Net {
    fn create() -> Result<Net, String> {
        let id = std::process::id() % 100_000;
        let subnet = 20 + id % 200;
        let net = Net {
            client_ns: format!("mqcut-c{id}"),
            broker_ns: format!("mqcut-b{id}"),
            client_if: format!("mqc{id}"),
            client_ip: format!("10.231.{subnet}.1"),
            broker_ip: format!("10.231.{subnet}.2"),
            has_nft: have_program("nft"),
        };
        let broker_if = format!("mqb{id}");
        let (c, b) = (net.client_ns.as_str(), net.broker_ns.as_str());
        let _ = sh(&["ip", "netns", "del", c]);
        let _ = sh(&["ip", "netns", "del", b]);
        sh(&["ip", "netns", "add", c])?;
        sh(&["ip", "netns", "add", b])?;
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
        let _ = sh(&["ip", "netns", "del", &self.client_ns]);
        let _ = sh(&["ip", "netns", "del", &self.broker_ns]);
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

/// One library's publisher and its subscriber.
struct Run {
    name: &'static str,
    topic: String,
    subscriber: Proc,
    publisher: Option<Proc>,
}

fn start_broker(net: &Net, dir: &TempDir, port: u16, local_port: u16) -> Result<Proc, String> {
    let conf = dir.join("mosquitto.conf");
    std::fs::write(
        &conf,
        format!(
            "listener {port} {}\nlistener {local_port} 127.0.0.1\nallow_anonymous true\n\
             max_queued_messages 1000000\nlog_dest none\n",
            net.broker_ip
        ),
    )
    .map_err(|e| e.to_string())?;
    let mut cmd = net.command(&net.broker_ns, Path::new(common::broker::broker_program()));
    cmd.arg("-c").arg(&conf).env_remove("LD_LIBRARY_PATH");
    let mut broker = Proc::spawn(&mut cmd).map_err(|e| e.to_string())?;
    let probe = format!("{}:{local_port}", "127.0.0.1");
    let up = common::poll_until(Duration::from_secs(10), || {
        if !broker.running() {
            return Some(false);
        }
        let out = run(
            Command::new("ip").args([
                "netns",
                "exec",
                &net.broker_ns,
                "ss",
                "-ltn",
                "sport",
                "=",
                &format!(":{local_port}"),
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
    Ok(broker)
}

fn sequence(qos: u8, messages: u64, cuts: u64, seed: u64) {
    if !nix_root() {
        eprintln!("skipped: link cuts need root (network namespaces)");
        return;
    }
    if !have_program("ip") || !have_program("ss") {
        eprintln!("skipped: link cuts need iproute2 (ip, ss)");
        return;
    }
    ensure_library_built();
    let net = match Net::create() {
        Ok(net) => net,
        Err(e) => {
            eprintln!("skipped: cannot create network namespaces here: {e}");
            return;
        }
    };
    if !net.has_nft {
        eprintln!("note: nft is not installed; running without random packet loss");
    }
    let dir = TempDir::new("link-cuts");
    let port = 18830;
    let local_port = 18831;
    let _broker = start_broker(&net, &dir, port, local_port).expect("broker");

    let src = cprog::c_dir().join("tools").join("steady_publisher.c");
    let mut libs = vec![(Lib::Ours, "ours")];
    if cprog::system_library_available() {
        libs.push((Lib::System, "system"));
    }
    let mut runs: Vec<Run> = Vec::new();
    for (lib, name) in &libs {
        let exe: PathBuf = cprog::compile(&src, dir.path(), *lib, false).expect("compile the publisher");
        let topic = format!("cuts/{name}/{qos}/{}", std::process::id());
        let sub_id = format!("sub-{name}-{}", std::process::id());
        let mut sub = net.command(&net.broker_ns, Path::new("mosquitto_sub"));
        sub.args([
            "-h",
            "127.0.0.1",
            "-p",
            &local_port.to_string(),
            "-q",
            &qos.to_string(),
        ])
        .args(["-c", "-i", &sub_id, "-t", &topic])
        .env_remove("LD_LIBRARY_PATH");
        let subscriber = Proc::spawn(&mut sub).expect("mosquitto_sub");
        runs.push(Run {
            name,
            topic,
            subscriber,
            publisher: None,
        });
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
            net.broker_ip.clone(),
            port.to_string(),
            qos.to_string(),
            messages.to_string(),
            rate().to_string(),
            format!("pub-{name}-{}", std::process::id()),
            runs.last().map(|r| r.topic.clone()).unwrap_or_default(),
        ]);
        runs.last_mut().expect("run").publisher = Some(Proc::spawn(&mut cmd).expect("publisher"));
    }

    // Cut the link while the publishers run.
    let mut rng = Rng(seed);
    let publish_time = Duration::from_millis(messages * 1000 / rate());
    let start = Instant::now();
    let mut done_cuts = 0;
    while done_cuts < cuts && start.elapsed() < publish_time + Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(rng.between(150, 600)));
        // Every kind of cut in turn; their lengths vary.
        match done_cuts % 5 {
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
            _ => {
                // Down long enough for a reconnection attempt to fail, with the broker's end
                // of the connection gone meanwhile.
                net.link(false);
                std::thread::sleep(Duration::from_millis(rng.between(300, 1000)));
                net.kill_connections(port);
                std::thread::sleep(Duration::from_millis(rng.between(1000, 2500)));
                net.link(true);
            }
        }
        done_cuts += 1;
    }
    net.link(true);
    net.loss(0);
    net.blackhole(false);

    let mut report = String::new();
    let mut failures = Vec::new();
    let mut summaries = Vec::new();
    for run in &mut runs {
        let lib = if run.name == "ours" {
            Lib::Ours
        } else {
            Lib::System
        };
        let publisher = run
            .publisher
            .take()
            .expect("publisher")
            .wait(Duration::from_secs(180));
        if let Err(e) = cprog::check_loaded(&publisher, lib) {
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
    // Give the subscribers time to receive the tail, then stop them (they flush and exit).
    std::thread::sleep(Duration::from_secs(2));
    for run in &runs {
        run.subscriber.signal(libc::SIGINT);
    }
    for (run, summary) in runs.into_iter().zip(summaries) {
        let sub = run.subscriber.wait(Duration::from_secs(10));
        let t = tally(&sub.stdout_str(), messages);
        report.push_str(&format!(
            "QoS {qos}, {done_cuts} cuts, {:6}: {summary}; subscriber received {}, lost {}, doubled {}, reordered {}\n",
            run.name, t.received, t.lost, t.doubled, t.reordered
        ));
        if run.name == "ours" {
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
            if t.lost != 0 || t.reordered != 0 || (qos == 2 && t.doubled != 0) {
                failures.push(format!("our library: {t:?}"));
            }
        }
    }
    eprint!("{report}");
    assert!(failures.is_empty(), "{}\n{report}", failures.join("\n"));
}

fn nix_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn qos1_and_qos2_sequences_survive_link_cuts() {
    let messages = env_number("LINK_CUTS_MESSAGES", 2000);
    let cuts = env_number("LINK_CUTS_CUTS", 6);
    sequence(1, messages, cuts, 0x9E37_79B9_7F4A_7C15);
    sequence(2, messages, cuts, 0xD1B5_4A32_D192_ED03);
}
