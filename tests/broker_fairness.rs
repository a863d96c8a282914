//! Fairness and back-pressure in our broker (the `mosquitto` command, a process of its own so
//! that its resident memory can be read from /proc): a subscriber that stops reading must not
//! hold back the others nor make the broker keep more than its queue limits allow, and clients
//! flooding the broker with publications must not starve the other connections.
//!
//! The clients are written here packet by packet over TCP (MQTT 3.1.1), so that one can simply
//! never read. Every wait is bounded; the bounds are generous, for a loaded machine and a debug
//! build of the broker.

mod common;

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use common::{Broker, BrokerConfig, now, unique_topic};

/// The limit for a whole exchange that must not be held back.
const LIMIT: Duration = Duration::from_secs(60);

fn our_broker(extra_global: &str) -> Broker {
    Broker::start_with(BrokerConfig {
        program: Some(PathBuf::from(env!("CARGO_BIN_EXE_mosquitto"))),
        // Logging every packet would be most of the work here: none at all.
        extra_global: format!("{extra_global}\nlog_dest none\n"),
        ..Default::default()
    })
}

/// A line of /proc/PID/status, in KB.
fn status_kb(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("broker status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key} in /proc/{pid}/status"))
}

fn remaining_length(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let mut byte = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if n == 0 {
            break;
        }
    }
}

fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut p = vec![first];
    remaining_length(body.len(), &mut p);
    p.extend_from_slice(body);
    p
}

fn string(s: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn publish(topic: &str, qos: u8, mid: u16, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(payload.len() + topic.len() + 4);
    string(topic, &mut body);
    if qos > 0 {
        body.extend_from_slice(&mid.to_be_bytes());
    }
    body.extend_from_slice(payload);
    packet(0x30 | (qos << 1), &body)
}

/// One MQTT packet as read: its first byte and its body.
struct Packet {
    first: u8,
    body: Vec<u8>,
}

fn read_packet(s: &mut TcpStream) -> io::Result<Packet> {
    let mut first = [0u8; 1];
    s.read_exact(&mut first)?;
    let (mut len, mut shift) = (0usize, 0);
    loop {
        let mut b = [0u8; 1];
        s.read_exact(&mut b)?;
        len |= usize::from(b[0] & 0x7f) << shift;
        shift += 7;
        if b[0] & 0x80 == 0 {
            break;
        }
    }
    let mut body = vec![0u8; len];
    s.read_exact(&mut body)?;
    Ok(Packet {
        first: first[0],
        body,
    })
}

/// Connect with a clean session and wait for the CONNACK.
fn connect(port: u16, id: &str) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(LIMIT)).unwrap();
    s.set_nodelay(true).unwrap();
    let mut body = Vec::new();
    string("MQTT", &mut body);
    body.extend_from_slice(&[4, 0x02, 0, 60]);
    string(id, &mut body);
    s.write_all(&packet(0x10, &body)).unwrap();
    let connack = read_packet(&mut s).expect("CONNACK");
    assert_eq!((connack.first, connack.body.as_slice()), (0x20, &[0u8, 0][..]));
    s
}

fn subscribe(s: &mut TcpStream, filter: &str, qos: u8) {
    let mut body = vec![0, 1];
    string(filter, &mut body);
    body.push(qos);
    s.write_all(&packet(0x82, &body)).unwrap();
    let suback = read_packet(s).expect("SUBACK");
    assert_eq!((suback.first, suback.body.as_slice()), (0x90, &[0u8, 1, qos][..]));
}

/// A subscriber that reads and acknowledges everything, in a thread of its own; it counts the
/// PUBLISH packets whose payload has the expected size.
struct Reader {
    count: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Reader {
    fn start(mut s: TcpStream, size: usize) -> Reader {
        let count = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (c, st) = (count.clone(), stop.clone());
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let thread = thread::spawn(move || {
            while !st.load(Ordering::Relaxed) {
                let p = match read_packet(&mut s) {
                    Ok(p) => p,
                    Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                        continue;
                    }
                    Err(_) => return,
                };
                if p.first & 0xf0 != 0x30 {
                    continue;
                }
                let qos = (p.first >> 1) & 3;
                let topic_len = usize::from(u16::from_be_bytes([p.body[0], p.body[1]]));
                let mut at = 2 + topic_len;
                if qos > 0 {
                    let mid = [p.body[at], p.body[at + 1]];
                    at += 2;
                    s.write_all(&packet(0x40, &mid)).unwrap();
                }
                if p.body.len() - at == size {
                    c.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        Reader {
            count,
            stop,
            thread: Some(thread),
        }
    }

    fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Publishes QoS 1 messages, reading PUBACKs, with at most `window` unacknowledged.
fn publish_all(s: &mut TcpStream, topic: &str, n: u64, payload: &[u8], mut paced: impl FnMut(u64) -> bool) {
    let start = now();
    let mut acked = 0u64;
    for i in 0..n {
        // Wait while the pacing says no (a reader behind), reading acknowledgements meanwhile.
        while !paced(i) || i - acked >= 50 {
            assert!(
                now() - start < LIMIT,
                "publishing {n} messages took over {LIMIT:?} ({i} sent)"
            );
            if i - acked > 0 {
                let p = read_packet(s).expect("PUBACK");
                assert_eq!(p.first, 0x40);
                acked += 1;
            } else {
                thread::sleep(Duration::from_micros(200));
            }
        }
        let mid = (i % 60000 + 1) as u16;
        s.write_all(&publish(topic, 1, mid, payload)).unwrap();
    }
    while acked < n {
        let p = read_packet(s).expect("PUBACK");
        assert_eq!(p.first, 0x40);
        acked += 1;
    }
}

#[test]
fn a_subscriber_that_does_not_read_holds_back_no_one_and_stays_within_its_queue_limits() {
    // Limits of 100 messages or 200 KB per client; what the stuck subscribers are sent is
    // 60 MB each.
    const N: u64 = 30_000;
    const SIZE: usize = 2000;
    let broker = our_broker("max_queued_messages 100\nmax_queued_bytes 200000\nmax_inflight_messages 20");
    let pid = broker.pid().expect("broker pid");
    let topic = unique_topic("fair/stuck");

    // Two subscribers that never read after subscribing: QoS 0 and QoS 1.
    let mut stuck0 = connect(broker.port, "stuck-q0");
    subscribe(&mut stuck0, &topic, 0);
    let mut stuck1 = connect(broker.port, "stuck-q1");
    subscribe(&mut stuck1, &topic, 1);
    let mut healthy = connect(broker.port, "healthy");
    subscribe(&mut healthy, &topic, 1);
    let reader = Reader::start(healthy, SIZE);
    let mut publisher = connect(broker.port, "publisher");
    thread::sleep(Duration::from_millis(300));
    let baseline = status_kb(pid, "VmRSS:");

    let payload = vec![b'm'; SIZE];
    // Paced by the reading subscriber (its queue must not overflow: it reads).
    publish_all(&mut publisher, &topic, N, &payload, |i| i < reader.count() + 50);
    let deadline = now() + LIMIT;
    while reader.count() < N && now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        reader.count(),
        N,
        "the reading subscriber did not get every message"
    );
    let peak = status_kb(pid, "VmHWM:");
    let end = status_kb(pid, "VmRSS:");

    // What the broker kept for the stuck clients is bounded by their limits (a few hundred
    // KB each), not by the 60 MB published; allocator slack and buffers get 24 MB.
    let growth = peak.saturating_sub(baseline);
    eprintln!(
        "broker memory: {baseline} KB before, peak {peak} KB, {end} KB after {N} messages of {SIZE} bytes"
    );
    assert!(
        growth < 24 * 1024,
        "broker memory grew by {growth} KB (baseline {baseline} KB, peak {peak} KB, now {end} KB)"
    );

    // The stuck subscribers got only what their limits and the sockets' buffers held.
    for (name, s) in [("QoS 0", &mut stuck0), ("QoS 1", &mut stuck1)] {
        s.set_read_timeout(Some(Duration::from_millis(1500))).unwrap();
        let mut got = 0u64;
        while let Ok(p) = read_packet(s) {
            if p.first & 0xf0 == 0x30 {
                got += 1;
            }
        }
        eprintln!("the {name} subscriber that did not read got {got} of {N} once it read");
        assert!(
            got < N / 2,
            "the {name} subscriber that did not read got {got} of {N}: nothing was dropped for it"
        );
    }
}

#[test]
fn clients_flooding_the_broker_do_not_starve_other_connections() {
    const FLOODERS: usize = 4;
    // The sink may fall behind: its queue is bounded, as in any deployment.
    let broker = our_broker("max_queued_messages 1000");
    let port = broker.port;
    let base = unique_topic("fair/flood");

    // A subscriber to everything the flooders send, reading as fast as it can.
    let mut sink = connect(port, "flood-sink");
    subscribe(&mut sink, &format!("{base}/flood/#"), 0);
    let sink = Reader::start(sink, 1000);

    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let flooders: Vec<_> = (0..FLOODERS)
        .map(|i| {
            let mut s = connect(port, &format!("flooder-{i}"));
            s.set_write_timeout(Some(Duration::from_millis(500))).unwrap();
            let (stop, sent) = (stop.clone(), sent.clone());
            let packet = publish(&format!("{base}/flood/{i}"), 0, 0, &[b'f'; 1000]);
            let batch: Vec<u8> = packet.iter().copied().cycle().take(packet.len() * 64).collect();
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match s.write(&batch) {
                        Ok(n) => {
                            sent.fetch_add(n as u64, Ordering::Relaxed);
                        }
                        Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                        }
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(500));

    // Meanwhile: round trips through the broker, pings, and new connections.
    let probe_topic = format!("{base}/probe");
    let mut receiver = connect(port, "probe-rx");
    subscribe(&mut receiver, &probe_topic, 1);
    let mut sender = connect(port, "probe-tx");
    let mut idle = connect(port, "probe-idle");
    let start = now();
    let mut slowest = Duration::ZERO;
    for i in 0..100u16 {
        let t = now();
        sender
            .write_all(&publish(&probe_topic, 1, i + 1, b"probe"))
            .unwrap();
        let (mut acked, mut delivered) = (false, false);
        while !(acked && delivered) {
            if !acked {
                let p = read_packet(&mut sender).expect("PUBACK while flooded");
                acked = p.first == 0x40;
            }
            if !delivered {
                let p = read_packet(&mut receiver).expect("delivery while flooded");
                if p.first & 0xf0 == 0x30 {
                    delivered = true;
                    let at = 2 + usize::from(u16::from_be_bytes([p.body[0], p.body[1]]));
                    receiver.write_all(&packet(0x40, &p.body[at..at + 2])).unwrap();
                }
            }
        }
        if i % 10 == 0 {
            idle.write_all(&[0xc0, 0]).unwrap();
            let p = read_packet(&mut idle).expect("PINGRESP while flooded");
            assert_eq!(p.first, 0xd0);
            drop(connect(port, &format!("probe-new-{i}")));
        }
        slowest = slowest.max(now() - t);
        assert!(
            now() - start < LIMIT,
            "100 round trips took over {LIMIT:?} while flooded ({i} done)"
        );
    }
    let probing = now() - start;
    let flooded = sent.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    for f in flooders {
        f.join().unwrap();
    }
    // The flood was real: the flooders kept the broker busy all along.
    assert!(
        flooded > 8 << 20,
        "the flooders sent only {flooded} bytes in {probing:?}"
    );
    assert!(sink.count() > 0, "the flood reached no one");
    eprintln!(
        "100 round trips in {probing:?} (slowest {slowest:?}) while {FLOODERS} clients sent {} MB",
        flooded >> 20
    );
}
