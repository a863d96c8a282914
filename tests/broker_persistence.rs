//! Persistence of our `mosquitto` command, with real processes: persistent sessions (their
//! subscriptions, queued and in-flight QoS 1 and 2 messages, inbound QoS 2 messages), retained
//! messages, wills and session expiry across SIGTERM and `kill -9` restarts, store files that
//! cannot be used, a full disk, and a `kill -9` loop under load where no acknowledged message
//! may be lost and no QoS 2 message delivered twice. Clients are packet-level
//! (`broker/raw.rs`), so that every acknowledgement is sent, or held back, when the test says,
//! and Debian's `mosquitto_sub`/`mosquitto_pub` in one test.

mod common;
#[path = "broker/raw.rs"]
mod raw;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::{Broker, BrokerConfig, TIMEOUT, TempDir, have_program, now, poll_until};
use mosquitto::protocol::Packet;
use raw::{Options, Raw};

/// A broker of ours with persistence in `location`, and `extra` configuration lines.
fn ours(location: &Path, extra: &str) -> Broker {
    Broker::start_with(BrokerConfig {
        program: Some(PathBuf::from(env!("CARGO_BIN_EXE_mosquitto"))),
        extra_global: format!(
            "persistence true\npersistence_location {}\n{extra}",
            location.display()
        ),
        ..Default::default()
    })
}

fn store_file(location: &Path) -> PathBuf {
    location.join("mosquitto.db")
}

fn connect(broker: &Broker, o: &Options) -> (Raw, bool) {
    let (c, ack) = Raw::connect(broker.port, o, TIMEOUT).expect("connect");
    assert_eq!(ack.reason_code, 0, "CONNACK of {}", o.id);
    (c, ack.session_present)
}

/// Publish at QoS 1 or 2 with a clean client, every acknowledgement awaited.
fn publish(broker: &Broker, topic: &str, payload: &[u8], qos: u8, retain: bool) {
    let (mut p, _) = connect(broker, &Options::clean("publisher"));
    p.publish_acked(topic, payload, qos, 1, retain).expect("publish");
    p.disconnect();
}

fn texts(got: &[(String, Vec<u8>, u8)]) -> Vec<(String, String)> {
    got.iter()
        .map(|(t, p, _)| (t.clone(), String::from_utf8_lossy(p).into_owned()))
        .collect()
}

#[derive(Clone, Copy, Debug)]
enum Ending {
    Term,
    Kill,
}

fn end(broker: &mut Broker, how: Ending) {
    match how {
        Ending::Term => broker.stop(),
        Ending::Kill => broker.kill(),
    }
}

#[test]
fn sessions_queued_messages_and_retained_messages_survive_sigterm_and_kill() {
    for how in [Ending::Term, Ending::Kill] {
        let location = TempDir::new("persist-survive");
        // Written by two workers, read by three: sessions go to their home shard.
        let mut first = ours(location.path(), "worker_threads 2\n");
        let ids: Vec<String> = (0..4).map(|i| format!("keeper-{i}")).collect();
        for id in &ids {
            let (mut s, present) = connect(&first, &Options::persistent(id));
            assert!(!present);
            assert_eq!(s.subscribe("keep/#", 2, TIMEOUT).unwrap(), vec![2]);
            s.disconnect();
        }
        publish(&first, "keep/1", b"one", 1, false);
        publish(&first, "keep/2", b"two", 2, false);
        publish(&first, "retained/x", b"kept", 1, true);
        end(&mut first, how);

        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(store_file(location.path()))
                .unwrap()
                .permissions(),
        );
        assert_eq!(mode & 0o777, 0o600, "the store file is the broker user's only");
        let mut second = ours(location.path(), "worker_threads 3\n");
        // The subscriptions are there before the clients come back.
        publish(&second, "keep/3", b"three", 1, false);
        for id in &ids {
            let (mut s, present) = connect(&second, &Options::persistent(id));
            assert!(present, "{how:?}: the session of {id}");
            let got = s.receive(3, TIMEOUT).unwrap();
            assert_eq!(
                texts(&got),
                [("keep/1", "one"), ("keep/2", "two"), ("keep/3", "three")]
                    .map(|(t, p)| (t.to_owned(), p.to_owned())),
                "{how:?}: {id}"
            );
            assert_eq!(got.iter().map(|m| m.2).collect::<Vec<_>>(), [1, 2, 1]);
            s.disconnect();
        }
        let (mut r, _) = connect(&second, &Options::clean("reader"));
        r.subscribe("retained/#", 1, TIMEOUT).unwrap();
        assert_eq!(
            texts(&r.receive(1, TIMEOUT).unwrap()),
            [("retained/x".to_owned(), "kept".to_owned())],
            "{how:?}"
        );
        r.disconnect();

        // SIGUSR1 and the end log mosquitto's line.
        let line = format!(
            "Saving in-memory database to {}.",
            store_file(location.path()).display()
        );
        second.signal(libc::SIGUSR1);
        assert!(second.wait_for_log(&line, TIMEOUT), "{}", second.log());
        second.stop();
        assert_eq!(second.log().matches(&line).count(), 2, "{}", second.log());
        assert!(!second.log().contains("moved to"), "{}", second.log());
    }
}

/// Debian's client programs against our broker, with the environment they need.
fn debian(program: &str, args: &[&str]) -> common::Output {
    let mut cmd = std::process::Command::new(program);
    cmd.args(args).env_remove("LD_LIBRARY_PATH");
    common::run(&mut cmd, Duration::from_secs(20), None).expect("run a Debian client")
}

#[test]
fn debian_clients_find_their_queued_messages_after_kill() {
    if !have_program("mosquitto_sub") || !have_program("mosquitto_pub") {
        eprintln!("skipped: Debian's mosquitto-clients are not installed");
        return;
    }
    let location = TempDir::new("persist-debian");
    let mut broker = ours(location.path(), "");
    let port = broker.port.to_string();
    let sub = ["-p", &port, "-i", "debian-sub", "-c", "-q", "2", "-t", "debian/#"];
    debian("mosquitto_sub", &[&sub[..], &["-E"]].concat()).assert_success("mosquitto_sub -E");
    for (qos, text) in [("1", "first"), ("2", "second")] {
        debian(
            "mosquitto_pub",
            &["-p", &port, "-q", qos, "-t", "debian/x", "-m", text],
        )
        .assert_success("mosquitto_pub");
    }
    broker.kill();
    broker.restart();
    let out = debian(
        "mosquitto_sub",
        &[&sub[..], &["-C", "2", "-W", "15", "-v"]].concat(),
    );
    out.assert_success("mosquitto_sub -C 2");
    assert_eq!(out.stdout_str(), "debian/x first\ndebian/x second\n");
}

#[test]
fn inbound_qos2_message_between_pubrec_and_pubrel_is_delivered_once_after_kill() {
    let location = TempDir::new("persist-in2");
    let mut broker = ours(location.path(), "");
    let (mut s, _) = connect(&broker, &Options::persistent("in2-sub"));
    s.subscribe("in2/#", 2, TIMEOUT).unwrap();
    s.disconnect();
    let (mut p, _) = connect(&broker, &Options::persistent("in2-pub"));
    p.publish("in2/x", b"exactly once", 2, 7, false, false).unwrap();
    assert!(matches!(p.recv(TIMEOUT).unwrap(), Some(Packet::Pubrec(a)) if a.mid == 7));
    drop(p);
    broker.kill();
    broker.restart();

    let (mut p, present) = connect(&broker, &Options::persistent("in2-pub"));
    assert!(present);
    // The PUBLISH again (its PUBREC might have been lost), then PUBREL twice.
    p.publish("in2/x", b"exactly once", 2, 7, false, true).unwrap();
    assert!(matches!(p.recv(TIMEOUT).unwrap(), Some(Packet::Pubrec(a)) if a.mid == 7));
    for _ in 0..2 {
        p.ack(Packet::Pubrel, 7).unwrap();
        assert!(matches!(p.recv(TIMEOUT).unwrap(), Some(Packet::Pubcomp(a)) if a.mid == 7));
    }
    p.publish_acked("in2/marker", b"end", 1, 8, false).unwrap();
    let (mut s, _) = connect(&broker, &Options::persistent("in2-sub"));
    let got = s.receive(2, TIMEOUT).unwrap();
    assert_eq!(
        texts(&got),
        [("in2/x", "exactly once"), ("in2/marker", "end")].map(|(t, p)| (t.to_owned(), p.to_owned()))
    );
}

#[test]
fn outbound_qos2_message_whose_pubrec_arrived_continues_with_pubrel_after_kill() {
    let location = TempDir::new("persist-out2");
    let mut broker = ours(location.path(), "");
    let (mut s, _) = connect(&broker, &Options::persistent("out2-sub"));
    s.subscribe("out2/#", 2, TIMEOUT).unwrap();
    publish(&broker, "out2/x", b"once", 2, false);
    let mid = match s.recv(TIMEOUT).unwrap() {
        Some(Packet::Publish(p)) if p.topic == "out2/x" && p.qos == 2 => p.mid,
        other => panic!("expected the PUBLISH, got {other:?}"),
    };
    s.ack(Packet::Pubrec, mid).unwrap();
    assert!(matches!(s.recv(TIMEOUT).unwrap(), Some(Packet::Pubrel(a)) if a.mid == mid));
    // No PUBCOMP: the broker dies.
    drop(s);
    broker.kill();
    broker.restart();

    let (mut s, present) = connect(&broker, &Options::persistent("out2-sub"));
    assert!(present);
    match s.recv(TIMEOUT).unwrap() {
        Some(Packet::Pubrel(a)) => assert_eq!(a.mid, mid),
        other => panic!("expected PUBREL {mid}, got {other:?}"),
    }
    s.ack(Packet::Pubcomp, mid).unwrap();
    publish(&broker, "out2/marker", b"end", 1, false);
    let got = s.receive(1, TIMEOUT).unwrap();
    assert_eq!(texts(&got), [("out2/marker".to_owned(), "end".to_owned())]);
}

#[test]
fn a_delayed_will_outlives_a_restart_and_sessions_expire_across_restarts() {
    let location = TempDir::new("persist-will");
    let mut broker = ours(location.path(), "");
    let (mut s, _) = connect(&broker, &Options::persistent("will-watch"));
    s.subscribe("will/#", 1, TIMEOUT).unwrap();
    let mut w = Options::v5("will-owner", 600);
    w.will = Some(("will/gone".into(), b"bye".to_vec(), Some(2)));
    let (_w, _) = connect(&broker, &w);
    // Sessions that expire while the broker is down, and one that does not.
    let (e, _) = connect(&broker, &Options::v5("short-lived", 1));
    e.disconnect();
    let (l, _) = connect(&broker, &Options::v5("long-lived", 3600));
    l.disconnect();

    // At the stop, the delayed will is kept, not published to the watcher still connected.
    broker.stop();
    let mut before = Vec::new();
    while let Ok(Some(p)) = s.recv(TIMEOUT) {
        before.push(p);
    }
    assert!(
        !before.iter().any(|p| matches!(p, Packet::Publish(_))),
        "{before:?}"
    );
    thread::sleep(Duration::from_millis(1500));
    broker.restart();

    let (mut s, present) = connect(&broker, &Options::persistent("will-watch"));
    assert!(present);
    let got = s.receive(1, Duration::from_secs(15)).unwrap();
    assert_eq!(texts(&got), [("will/gone".to_owned(), "bye".to_owned())]);
    let (_, present) = connect(&broker, &Options::v5("short-lived", 1));
    assert!(!present, "expired while the broker was down");
    let (_, present) = connect(&broker, &Options::v5("long-lived", 3600));
    assert!(present);
}

#[test]
fn the_will_of_a_client_connected_at_a_crash_is_published_after_the_restart() {
    let location = TempDir::new("persist-crash-will");
    let mut broker = ours(location.path(), "");
    let (mut s, _) = connect(&broker, &Options::persistent("crash-watch"));
    s.subscribe("crash/#", 1, TIMEOUT).unwrap();
    s.disconnect();
    let mut w = Options::persistent("crash-owner");
    w.will = Some(("crash/gone".into(), b"lost".to_vec(), None));
    let (_w, _) = connect(&broker, &w);
    broker.kill();
    broker.restart();
    let (mut s, _) = connect(&broker, &Options::persistent("crash-watch"));
    let got = s.receive(1, TIMEOUT).unwrap();
    assert_eq!(texts(&got), [("crash/gone".to_owned(), "lost".to_owned())]);
}

/// Serve a round trip: the broker works.
fn assert_serves(broker: &Broker) {
    let (mut s, _) = connect(broker, &Options::clean("prober"));
    s.subscribe("probe", 1, TIMEOUT).unwrap();
    publish(broker, "probe", b"ok", 1, false);
    assert_eq!(
        texts(&s.receive(1, TIMEOUT).unwrap()),
        [("probe".to_owned(), "ok".to_owned())]
    );
}

/// A store with a retained message and a persistent session, written by our broker.
fn written_store(location: &Path) -> Vec<u8> {
    let mut b = ours(location, "");
    publish(&b, "r/1", &[7; 3000], 1, true);
    let (mut s, _) = connect(&b, &Options::persistent("holder"));
    s.subscribe("h/#", 1, TIMEOUT).unwrap();
    s.disconnect();
    b.stop();
    std::fs::read(store_file(location)).expect("store file")
}

#[test]
fn store_files_that_cannot_be_used_are_moved_aside_and_the_broker_starts() {
    let location = TempDir::new("persist-bad");
    let file = store_file(location.path());
    let good = written_store(location.path());
    let mut garbage = Vec::with_capacity(64 * 1024);
    for i in 0..64 * 1024u32 {
        garbage.push((i.wrapping_mul(2_654_435_761) >> 13) as u8);
    }
    // Damage where the retained message's payload is.
    let mut middle = good.clone();
    let at = good
        .windows(3000)
        .position(|w| w.iter().all(|b| *b == 7))
        .expect("payload in the file");
    middle[at + 1000..at + 1100].fill(0xAA);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", garbage),
        ("truncated", good[..good.len() / 3].to_vec()),
        ("header only", good[..512].to_vec()),
        ("damaged in the middle", middle),
        (
            "mosquitto's header",
            b"\x00\xB5\x00mosquitto db\x00\x00\x00\x00\x00\x00\x00\x06".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        for entry in std::fs::read_dir(location.path()).unwrap().flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
        std::fs::write(&file, &bytes).unwrap();
        let mut b = ours(location.path(), "");
        assert_serves(&b);
        let log = b.log();
        let aside: Vec<String> = std::fs::read_dir(location.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("mosquitto.db."))
            .collect();
        if name == "mosquitto's header" {
            assert!(log.contains("is a persistence file of mosquitto"), "{log}");
            assert_eq!(aside, ["mosquitto.db.mosquitto"]);
        } else if !aside.is_empty() {
            assert_eq!(aside, ["mosquitto.db.damaged"], "{name}");
            assert!(log.contains("cannot be used"), "{name}: {log}");
            assert!(log.contains("moved to"), "{name}: {log}");
        } else {
            assert!(log.contains("has been repaired"), "{name}: {log}");
        }
        b.stop();
    }
}

#[test]
fn a_store_written_by_mosquitto_is_moved_aside() {
    if !have_program(common::broker::broker_program()) {
        eprintln!("skipped: Debian's mosquitto is not installed");
        return;
    }
    let location = TempDir::new("persist-theirs");
    // Theirs: the file is written at the stop.
    let mut theirs = Broker::start_with(BrokerConfig {
        extra_global: format!(
            "persistence true\npersistence_location {}/\n",
            location.path().display()
        ),
        ..Default::default()
    });
    publish(&theirs, "theirs/r", b"x", 1, true);
    theirs.stop();
    let file = store_file(location.path());
    let head = std::fs::read(&file).expect("mosquitto wrote its file");
    assert!(head.starts_with(b"\x00\xB5\x00mosquitto db"));
    let b = ours(location.path(), "");
    assert_serves(&b);
    assert!(
        b.log().contains("is a persistence file of mosquitto"),
        "{}",
        b.log()
    );
    assert_eq!(
        std::fs::read(location.join("mosquitto.db.mosquitto")).unwrap(),
        head
    );
}

/// A small tmpfs, unmounted on drop.
struct SmallDisk(TempDir);

impl SmallDisk {
    /// `None` where it cannot be mounted (not root).
    fn mount() -> Option<SmallDisk> {
        let dir = TempDir::new("persist-small-disk");
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=4M", "tmpfs"])
            .arg(dir.path())
            .output()
            .ok()?;
        out.status.success().then_some(SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.0.path())
            .status();
    }
}

#[test]
fn a_full_disk_is_logged_and_the_store_catches_up_once_there_is_room() {
    let Some(disk) = SmallDisk::mount() else {
        eprintln!("skipped: cannot mount a tmpfs (needs root)");
        return;
    };
    let mut broker = ours(disk.0.path(), "");
    // Fill the disk.
    let fill = disk.0.join("fill");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&fill).unwrap();
        while f.write_all(&[0; 64 * 1024]).is_ok() {}
    }
    let big = vec![5u8; 200_000];
    for i in 0..3 {
        publish(&broker, &format!("big/{i}"), &big, 1, true);
    }
    assert!(
        broker.wait_for_log("Error: Unable to write persistence file", TIMEOUT),
        "{}",
        broker.log()
    );
    std::fs::remove_file(&fill).unwrap();
    // The store is opened again and the changes kept meanwhile are committed.
    let caught_up = poll_until(Duration::from_secs(20), || {
        publish(&broker, "small", b"s", 1, true);
        broker.log().contains("is written again.").then_some(())
    });
    assert!(caught_up.is_some(), "{}", broker.log());
    broker.stop();
    broker.restart();
    let (mut r, _) = connect(&broker, &Options::clean("reader"));
    r.subscribe("big/#", 1, TIMEOUT).unwrap();
    let got = r.receive(3, TIMEOUT).unwrap();
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|(_, p, _)| *p == big));
    broker.stop();
}

/// Counts kept by the clients of the kill loop.
#[derive(Default)]
struct Tally {
    /// Message numbers whose PUBACK (QoS 1) or PUBREC (QoS 2) arrived.
    acked: HashMap<u8, HashSet<u32>>,
    /// Payloads received, per QoS, each time it was delivered as a new message.
    received: HashMap<u8, Vec<u32>>,
}

/// Publish numbered messages at `qos`, one at a time, resending after every reconnection as
/// MQTT requires, until `stop` (and the message in flight is complete).
fn publisher(port: u16, qos: u8, stop: Arc<AtomicBool>, tally: Arc<Mutex<Tally>>) {
    let id = format!("loader-{qos}");
    let topic = format!("load/{qos}");
    let deadline = now() + Duration::from_secs(60);
    let mut conn: Option<Raw> = None;
    let mut next = 0u32;
    // Message number, packet id, PUBREC seen, to be sent again.
    let mut flight: Option<(u32, u16, bool, bool)> = None;
    while now() < deadline {
        if flight.is_none() && stop.load(Ordering::Relaxed) {
            break;
        }
        let Some(c) = conn.as_mut() else {
            match Raw::connect(port, &Options::persistent(&id), Duration::from_secs(2)) {
                Ok((c, _)) => {
                    conn = Some(c);
                    if let Some(f) = flight.as_mut() {
                        f.3 = true;
                    }
                }
                Err(_) => thread::sleep(Duration::from_millis(20)),
            }
            continue;
        };
        let sent = match &mut flight {
            None => {
                let (n, mid) = (next, (next % 65535) as u16 + 1);
                next += 1;
                flight = Some((n, mid, false, false));
                c.publish(&topic, n.to_string().as_bytes(), qos, mid, false, false)
            }
            Some((n, mid, rec, again @ true)) => {
                *again = false;
                if *rec {
                    c.ack(Packet::Pubrel, *mid)
                } else {
                    c.publish(&topic, n.to_string().as_bytes(), qos, *mid, false, true)
                }
            }
            Some(_) => Ok(()),
        };
        let Some((n, mid, rec, _)) = flight.as_mut() else {
            continue;
        };
        let answer = sent.and_then(|()| c.recv(Duration::from_secs(2)));
        match answer {
            Ok(Some(Packet::Puback(a))) if a.mid == *mid && qos == 1 => {
                tally.lock().unwrap().acked.entry(1).or_default().insert(*n);
                flight = None;
            }
            Ok(Some(Packet::Pubrec(a))) if a.mid == *mid && qos == 2 => {
                tally.lock().unwrap().acked.entry(2).or_default().insert(*n);
                *rec = true;
                if c.ack(Packet::Pubrel, *mid).is_err() {
                    // Sent again after the reconnection.
                    conn = None;
                }
            }
            Ok(Some(Packet::Pubcomp(a))) if a.mid == *mid && *rec => flight = None,
            Ok(Some(_)) => {}
            _ => conn = None,
        }
    }
}

/// Receive everything under `load/#` as a persistent QoS 2 subscriber, keeping its QoS 2 state
/// across reconnections as a client must: a QoS 2 message counts once per packet id until
/// its PUBREL.
fn subscriber(port: u16, stop: Arc<AtomicBool>, tally: Arc<Mutex<Tally>>) {
    let deadline = now() + Duration::from_secs(120);
    let mut conn: Option<Raw> = None;
    let mut pending: HashSet<u16> = HashSet::new();
    while !stop.load(Ordering::Relaxed) && now() < deadline {
        let Some(c) = conn.as_mut() else {
            match Raw::connect(port, &Options::persistent("load-sub"), Duration::from_secs(2)) {
                Ok((c, _)) => conn = Some(c),
                Err(_) => thread::sleep(Duration::from_millis(20)),
            }
            continue;
        };
        let ok = match c.recv(Duration::from_millis(200)) {
            Ok(Some(Packet::Publish(p))) => {
                let n: u32 = String::from_utf8_lossy(&p.payload).parse().unwrap_or(u32::MAX);
                let new = p.qos != 2 || pending.insert(p.mid);
                if new {
                    let qos = if p.topic.ends_with('2') { 2 } else { 1 };
                    tally.lock().unwrap().received.entry(qos).or_default().push(n);
                }
                match p.qos {
                    2 => c.ack(Packet::Pubrec, p.mid),
                    _ => c.ack(Packet::Puback, p.mid),
                }
            }
            Ok(Some(Packet::Pubrel(a))) => {
                pending.remove(&a.mid);
                c.ack(Packet::Pubcomp, a.mid)
            }
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        };
        if ok.is_err() {
            conn = None;
        }
    }
}

#[test]
fn kill_loop_under_load_loses_no_acknowledged_message_and_repeats_no_qos2_message() {
    let location = TempDir::new("persist-kill");
    let mut broker = ours(location.path(), "");
    let port = broker.port;
    let (mut s, _) = connect(&broker, &Options::persistent("load-sub"));
    s.subscribe("load/#", 2, TIMEOUT).unwrap();
    s.disconnect();

    let tally = Arc::new(Mutex::new(Tally::default()));
    let stop_publishers = Arc::new(AtomicBool::new(false));
    let stop_subscriber = Arc::new(AtomicBool::new(false));
    let sub = {
        let (stop, tally) = (stop_subscriber.clone(), tally.clone());
        thread::spawn(move || subscriber(port, stop, tally))
    };
    let pubs: Vec<_> = [1u8, 2]
        .into_iter()
        .map(|qos| {
            let (stop, tally) = (stop_publishers.clone(), tally.clone());
            thread::spawn(move || publisher(port, qos, stop, tally))
        })
        .collect();
    for round in 0..8u64 {
        thread::sleep(Duration::from_millis(250 + (round * 137) % 400));
        broker.kill();
        broker.restart();
    }
    thread::sleep(Duration::from_millis(500));
    stop_publishers.store(true, Ordering::Relaxed);
    for p in pubs {
        p.join().unwrap();
    }
    let complete = poll_until(Duration::from_secs(30), || {
        let t = tally.lock().unwrap();
        [1u8, 2]
            .iter()
            .all(|q| {
                let got: HashSet<u32> = t.received.get(q).into_iter().flatten().copied().collect();
                t.acked.get(q).into_iter().flatten().all(|n| got.contains(n))
            })
            .then_some(())
    });
    stop_subscriber.store(true, Ordering::Relaxed);
    sub.join().unwrap();

    let t = tally.lock().unwrap();
    for qos in [1u8, 2] {
        let acked = t.acked.get(&qos).cloned().unwrap_or_default();
        let received = t.received.get(&qos).cloned().unwrap_or_default();
        eprintln!("QoS {qos}: {} acked, {} received", acked.len(), received.len());
        assert!(
            acked.len() > 10,
            "QoS {qos}: only {} messages acknowledged",
            acked.len()
        );
        let got: HashSet<u32> = received.iter().copied().collect();
        let mut lost: Vec<u32> = acked.difference(&got).copied().collect();
        lost.sort_unstable();
        assert!(
            lost.is_empty(),
            "QoS {qos}: acknowledged, never delivered: {lost:?}"
        );
        if qos == 2 {
            let mut seen = HashSet::new();
            let twice: Vec<u32> = received.iter().copied().filter(|n| !seen.insert(*n)).collect();
            assert!(twice.is_empty(), "QoS 2 messages delivered twice: {twice:?}");
        }
    }
    assert!(complete.is_some());
}
