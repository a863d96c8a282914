//! Hostile clients against our broker (the `mosquitto` command built here): connections that
//! send nothing or half a packet, a huge announced packet trickled in byte by byte, thousands
//! of connections opened and dropped in a loop, 100,000 subscriptions from one client, topics
//! of thousands of levels, packets after DISCONNECT, invalid UTF-8 and forbidden code points
//! in every string field.
//!
//! While each runs, another client's message must make the round trip through the broker
//! within a bounded time, the broker's resident memory must stay within a margin, its file
//! descriptors must come back once the hostile connections are gone, and it must never panic.
//! Where a case has an answer on the wire (a reason code, the end of the connection, a log
//! line), the same script runs against Debian's mosquitto too and the transcripts must agree
//! (the harness of `broker_differential.rs`).
//!
//! `HOSTILE_SCALE` (default 1) multiplies the counts of the loops, for `make soak`.
//! (A subscriber that never reads under a flood, many connections at once, garbage after
//! CONNECT and a second CONNECT are in `broker_differential.rs`.)

#![allow(unreachable_pub, dead_code)]
// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;

#[path = "broker_differential/harness.rs"]
mod harness;
#[path = "broker_differential/packets.rs"]
mod packets;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use harness::{Conf, Conn, Ctx, Got, Kind, Server, WAIT, same, same_except, show};
use packets::{Connect, Props, Publish, V, disconnect, packet, prop, string, subscribe, unsubscribe};

/// The longest a probe's message may take through the broker while it is under attack.
const ROUND_TRIP: Duration = Duration::from_secs(3);

fn scale() -> usize {
    std::env::var("HOSTILE_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize)
        .max(1)
}

fn ours(conf: &Conf) -> Server {
    Server::start(Kind::Ours, conf)
}

fn addr(server: &Server) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, server.port))
}

/// A raw connection to `server`, CONNECT sent and CONNACK read.
fn connected(server: &Server, v: V, id: &str) -> Conn {
    let mut c = Conn::from_stream(
        id,
        TcpStream::connect_timeout(&addr(server), WAIT).expect("connect"),
    );
    c.send(Connect::new(v, id).bytes());
    match c.read_within(WAIT) {
        Got::Packet(p) if p[0] == 0x20 => c,
        other => panic!("{id}: expected CONNACK, got {other:?}"),
    }
}

/// A well-behaved client subscribed to a topic of its own: [`Probe::round_trip`] publishes to
/// it at QoS 1 and waits for both the PUBACK and the message.
struct Probe {
    conn: Conn,
    topic: String,
    mid: u16,
    slowest: Duration,
    trips: u32,
}

impl Probe {
    fn new(server: &Server, label: &str) -> Probe {
        let topic = format!("probe/{label}");
        let mut conn = connected(server, V::V311, &format!("probe-{label}"));
        conn.send(subscribe(V::V311, 1, &[(&topic, 0)], Props::new()));
        assert!(matches!(conn.read_within(WAIT), Got::Packet(p) if p[0] == 0x90));
        Probe {
            conn,
            topic,
            mid: 1,
            slowest: Duration::ZERO,
            trips: 0,
        }
    }

    /// One round trip; panics if it takes longer than [`ROUND_TRIP`].
    #[track_caller]
    fn round_trip(&mut self) -> Duration {
        self.mid = self.mid.wrapping_add(1).max(2);
        let start = Instant::now();
        self.conn.send(
            Publish::new(V::V311, &self.topic, b"ping")
                .qos(1, self.mid)
                .bytes(),
        );
        let (mut acked, mut delivered) = (false, false);
        while !(acked && delivered) {
            let left = ROUND_TRIP.saturating_sub(start.elapsed());
            match self.conn.read_within(left) {
                Got::Packet(p) if p[0] == 0x40 => acked = true,
                Got::Packet(p) if p[0] & 0xf0 == 0x30 => delivered = true,
                Got::Packet(_) => {}
                other => panic!(
                    "the probe's message did not make the round trip within {ROUND_TRIP:?} \
                     (acknowledged {acked}, delivered {delivered}): {other:?}"
                ),
            }
        }
        let took = start.elapsed();
        self.slowest = self.slowest.max(took);
        self.trips += 1;
        took
    }
}

/// Open file descriptors of a process.
fn fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

/// Wait until the broker holds at most `limit` descriptors; returns the count seen last.
fn fds_settle(server: &Server, limit: usize) -> usize {
    let mut last = 0;
    common::poll_until(Duration::from_secs(15), || {
        last = fds(server.pid());
        (last <= limit).then_some(())
    });
    last
}

/// The broker still runs, never panicked, and logged no internal error.
#[track_caller]
fn assert_sound(server: &mut Server) {
    assert!(server.running(), "the broker exited; log:\n{}", server.log());
    let stderr = server.stderr();
    assert!(!stderr.contains("panicked"), "the broker panicked:\n{stderr}");
}

/// A TCP connection that sends `bytes` (maybe nothing) and stays open.
fn opened(server: &Server, bytes: &[u8]) -> TcpStream {
    let mut s = TcpStream::connect_timeout(&addr(server), WAIT).expect("connect");
    if !bytes.is_empty() {
        s.write_all(bytes).expect("write");
    }
    s
}

#[test]
fn connections_that_send_nothing_or_half_a_packet() {
    let mut server = ours(&Conf::new());
    let mut probe = Probe::new(&server, "silent");
    let (rss, fd) = (server.rss_kib(), fds(server.pid()));
    let half_connect = &Connect::new(V::V311, "half").bytes()[..9];
    let n = 300 * scale();
    let mut held = Vec::with_capacity(4 * n);
    for i in 0..n {
        held.push(opened(&server, b""));
        // The fixed header only; a length without its end; half a CONNECT; a CONNECT
        // announced longer than what follows.
        held.push(opened(&server, &[0x10]));
        held.push(opened(&server, &[0x10, 0xff, 0xff]));
        held.push(opened(&server, half_connect));
        if i % 50 == 0 {
            probe.round_trip();
        }
    }
    let mut late = Vec::new();
    for _ in 0..20 {
        late.push(connected(&server, V::V5, &format!("late-{}", late.len())));
        probe.round_trip();
    }
    let during = server.rss_kib();
    eprintln!(
        "{} idle connections: RSS {rss} -> {during} KiB, {fd} -> {} descriptors; slowest round trip {:?}",
        held.len(),
        fds(server.pid()),
        probe.slowest
    );
    assert!(
        during < rss + 64 * 1024,
        "RSS grew from {rss} KiB to {during} KiB for {} idle connections",
        held.len()
    );
    drop(held);
    drop(late);
    let after = fds_settle(&server, fd + 2);
    assert!(after <= fd + 2, "{after} descriptors left open, {fd} before");
    assert!(server.wait_log("Client <unknown> closed its connection.", WAIT));
    probe.round_trip();
    assert_sound(&mut server);
}

#[test]
fn connections_opened_and_dropped_in_a_loop() {
    let mut server = ours(&Conf::new());
    let mut probe = Probe::new(&server, "loop");
    let (rss, fd) = (server.rss_kib(), fds(server.pid()));
    let n = 2000 * scale();
    let will = Connect::new(V::V5, "")
        .will("loop/will", b"gone", 1, false)
        .expiry(0);
    for i in 0..n {
        let id = format!("loop-{}", i % 97);
        let mut s = TcpStream::connect_timeout(&addr(&server), WAIT).expect("connect");
        // Reset rather than close: thousands of TIME_WAIT sockets would exhaust the ports.
        let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
        match i % 5 {
            0 => {}
            1 => {
                let _ = s.write_all(&Connect::new(V::V311, &id).bytes());
            }
            2 => {
                let mut c = will.clone();
                c.id = id.into_bytes();
                let _ = s.write_all(&c.bytes());
            }
            3 => {
                let _ = s.write_all(&Connect::new(V::V5, &id).bytes()[..7]);
            }
            _ => {
                // Connected and subscribed, then gone without DISCONNECT.
                let mut bytes = Connect::new(V::V311, &id).bytes();
                bytes.extend(subscribe(V::V311, 1, &[("loop/#", 1)], Props::new()));
                let _ = s.write_all(&bytes);
                let mut c = Conn::from_stream(&id, s);
                let _ = c.read_within(WAIT);
                continue;
            }
        }
        drop(s);
        if i % 200 == 0 {
            probe.round_trip();
        }
    }
    let after = fds_settle(&server, fd + 2);
    let end_rss = server.rss_kib();
    eprintln!(
        "{n} connections opened and dropped: RSS {rss} -> {end_rss} KiB, {fd} -> {after} descriptors; \
         slowest round trip {:?}",
        probe.slowest
    );
    assert!(after <= fd + 2, "{after} descriptors left open, {fd} before");
    assert!(
        end_rss < rss + 32 * 1024,
        "RSS grew from {rss} KiB to {end_rss} KiB"
    );
    let log = server.log();
    for needle in [
        "Client loop-1 closed its connection.",
        "Client <unknown> closed its connection.",
    ] {
        assert!(log.contains(needle), "no {needle:?} in the log");
    }
    probe.round_trip();
    assert_sound(&mut server);
}

#[test]
fn a_hundred_thousand_subscriptions_from_one_client() {
    let mut server = ours(&Conf::new().global("log_type error"));
    let mut probe = Probe::new(&server, "subs");
    let rss = server.rss_kib();
    const PER_PACKET: usize = 100;
    let total = 100_000;
    let mut sub = connected(&server, V::V5, "many-subs");
    let filters: Vec<String> = (0..total).map(|i| format!("subs/{i}/+/x")).collect();
    let mut suback_codes = 0;
    let start = Instant::now();
    for (n, chunk) in filters.chunks(PER_PACKET).enumerate() {
        let list: Vec<(&str, u8)> = chunk.iter().map(|f| (f.as_str(), 1)).collect();
        let mid = u16::try_from(n % 60_000 + 1).unwrap();
        sub.send(subscribe(V::V5, mid, &list, Props::new()));
        match sub.read_within(Duration::from_secs(30)) {
            Got::Packet(p) if p[0] == 0x90 => {
                // Fixed header, mid, properties length 0, then one code per filter.
                let codes = &p[p.len() - chunk.len()..];
                assert!(codes.iter().all(|&c| c == 1), "SUBACK {}", show(&p));
                suback_codes += codes.len();
            }
            other => panic!("SUBACK {n}: {other:?}"),
        }
        if n % 100 == 0 {
            probe.round_trip();
        }
    }
    let took = start.elapsed();
    let during = server.rss_kib();
    // One of them matches.
    let mut publisher = connected(&server, V::V311, "many-subs-pub");
    publisher.send(Publish::new(V::V311, "subs/77777/y/x", b"found").bytes());
    match sub.read_within(WAIT) {
        Got::Packet(p) if p[0] & 0xf0 == 0x30 => assert!(p.ends_with(b"found")),
        other => panic!("the subscriber got {other:?}"),
    }
    for (n, chunk) in filters.chunks(PER_PACKET).enumerate() {
        let list: Vec<&str> = chunk.iter().map(String::as_str).collect();
        let mid = u16::try_from(n % 60_000 + 1).unwrap();
        sub.send(unsubscribe(V::V5, mid, &list));
        assert!(
            matches!(sub.read_within(Duration::from_secs(30)), Got::Packet(p) if p[0] == 0xb0),
            "UNSUBACK {n}"
        );
        if n % 100 == 0 {
            probe.round_trip();
        }
    }
    let unsubscribed = start.elapsed() - took;
    publisher.send(Publish::new(V::V311, "subs/77777/y/x", b"gone").bytes());
    probe.round_trip();
    assert_eq!(sub.read_within(Duration::from_millis(300)), Got::Nothing);
    eprintln!(
        "{suback_codes} subscriptions granted in {took:?}, taken back in {unsubscribed:?}: \
         RSS {rss} -> {during} KiB; slowest round trip {:?}",
        probe.slowest
    );
    assert_eq!(suback_codes, total);
    // Each removal once searched all of the client's filters: a minute for 100,000.
    assert!(
        unsubscribed < Duration::from_secs(30),
        "unsubscribing took {unsubscribed:?}"
    );
    assert!(
        during < rss + 256 * 1024,
        "RSS grew from {rss} KiB to {during} KiB for {total} subscriptions"
    );
    assert_sound(&mut server);
}

#[test]
fn a_huge_announced_packet_trickled_in() {
    // A PUBLISH announced at 256 MB, then one byte at a time: the broker reserves nothing for
    // it, keeps serving the others, and applies the keepalive as mosquitto does (a partial
    // packet is not a sign of life).
    let mut server = ours(&Conf::new());
    let mut probe = Probe::new(&server, "trickle");
    let rss = server.rss_kib();
    let mut c = connected(&server, V::V311, "trickle");
    c.send([0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, b't']);
    let start = Instant::now();
    let mut closed = None;
    while start.elapsed() < Duration::from_secs(8) {
        c.send([b'x']);
        probe.round_trip();
        if c.read_within(Duration::from_millis(100)) == Got::Closed {
            closed = Some(start.elapsed());
            break;
        }
    }
    eprintln!(
        "trickled for {:?}, closed {closed:?}; RSS {rss} -> {} KiB; slowest round trip {:?}",
        start.elapsed(),
        server.rss_kib(),
        probe.slowest
    );
    assert!(server.rss_kib() < rss + 16 * 1024);
    // Keepalive 60: it still runs after 8 s.
    assert_eq!(closed, None);
    drop(c);
    assert!(server.wait_log("Client trickle closed its connection.", WAIT));
    assert_sound(&mut server);
}

/// Read until the broker closes the connection or `limit` passes without a packet; what came
/// goes into the transcript under `name`.
fn outcome(ctx: &Ctx<'_>, c: &mut Conn, name: &str, limit: Duration) {
    let mut got = Vec::new();
    loop {
        match c.read_within(limit) {
            Got::Packet(p) => got.push(show(&p)),
            Got::Closed => {
                got.push("closed".to_owned());
                break;
            }
            Got::Nothing => {
                got.push("open".to_owned());
                break;
            }
        }
    }
    ctx.note(format!("{name}: {}", got.join(" | ")));
}

#[test]
fn a_packet_trickling_in_counts_as_traffic() {
    // mosquitto counts a read as traffic for the keepalive while more than 1000 bytes of the
    // packet are still to come: a client with keepalive 2 (3 s) trickling a huge PUBLISH in
    // stays.
    same(&Conf::new(), |ctx| {
        let mut c = ctx.client("trickle", Connect::new(V::V311, "trickle").keepalive(2).bytes());
        c.send([0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, b't']);
        let start = Instant::now();
        let mut closed = false;
        while start.elapsed() < Duration::from_secs(8) {
            c.send([b'x']);
            if c.read_within(Duration::from_millis(200)) == Got::Closed {
                closed = true;
                break;
            }
        }
        ctx.note(format!("closed within 8 s: {closed}"));
    });
}

/// Topics and filters of `levels` levels.
fn deep(levels: usize, level: &str) -> String {
    vec![level; levels].join("/")
}

#[test]
fn topics_of_thousands_of_levels() {
    // Refused everywhere (at most 200 separators); a will topic as well, with the CONNECT.
    // 2.0.20 calls a PUBLISH to such a topic malformed, 2.0.11 a protocol error.
    let script = |ctx: &mut Ctx<'_>| {
        for levels in [5000, 32_768] {
            for v in [V::V311, V::V5] {
                let topic = deep(levels, "a");
                let slashes = "/".repeat(levels - 1);
                let filter = deep(levels, "+");
                let tag = format!("{levels} {v:?}");
                let mut c = ctx.client(&format!("publish {tag}"), Connect::new(v, "deep").bytes());
                c.send(Publish::new(v, &topic, b"deep").qos(1, 1).bytes());
                outcome(ctx, &mut c, &format!("publish {tag}"), Duration::from_secs(1));
                let mut c = ctx.client(&format!("empty levels {tag}"), Connect::new(v, "deep").bytes());
                c.send(Publish::new(v, &slashes, b"deep").qos(1, 1).bytes());
                outcome(
                    ctx,
                    &mut c,
                    &format!("empty levels {tag}"),
                    Duration::from_secs(1),
                );
                let mut c = ctx.client(&format!("subscribe {tag}"), Connect::new(v, "deep").bytes());
                c.send(subscribe(v, 1, &[(&filter, 0)], Props::new()));
                outcome(ctx, &mut c, &format!("subscribe {tag}"), Duration::from_secs(1));
                let mut c = ctx.client(&format!("unsubscribe {tag}"), Connect::new(v, "deep").bytes());
                c.send(unsubscribe(v, 1, &[&filter]));
                outcome(ctx, &mut c, &format!("unsubscribe {tag}"), Duration::from_secs(1));
                let mut c = ctx.tcp(&format!("will {tag}"));
                c.send(Connect::new(v, "deep").will(&topic, b"w", 0, false).bytes());
                outcome(ctx, &mut c, &format!("will {tag}"), Duration::from_secs(1));
            }
        }
        // The broker still matches the topics it may take.
        let mut s = ctx.client("sub", Connect::new(V::V311, "deep-sub").bytes());
        s.send(subscribe(V::V311, 1, &[("#", 0)], Props::new()));
        s.recv();
        let mut p = ctx.client("pub", Connect::new(V::V311, "deep-pub").bytes());
        p.send(Publish::new(V::V311, &deep(200, "b"), b"ok").bytes());
        s.recv();
    };
    let mut reference = Vec::new();
    let mut ours = Vec::new();
    for levels in [5000, 32_768] {
        for what in ["publish", "empty levels"] {
            reference.push(format!("{what} {levels} V5: e0 01 82 | closed"));
            ours.push(format!("{what} {levels} V5: e0 01 81 | closed"));
        }
    }
    let reference: Vec<&str> = reference.iter().map(String::as_str).collect();
    let ours: Vec<&str> = ours.iter().map(String::as_str).collect();
    same_except(&Conf::new(), script, &reference, &ours);
}

#[test]
fn packets_after_disconnect_are_ignored() {
    same(&Conf::new(), |ctx| {
        let mut s = ctx.client("sub", Connect::new(V::V5, "after-sub").bytes());
        s.send(subscribe(V::V5, 1, &[("after/#", 1)], Props::new()));
        s.recv();
        for v in [V::V311, V::V5] {
            for (name, reason) in [("normal", 0x00), ("with will", 0x04)] {
                if reason != 0 && !v.is5() {
                    continue;
                }
                let label = format!("{v:?} {name}");
                let mut c = ctx.client(
                    &label,
                    Connect::new(v, "after")
                        .will("after/will", b"will", 0, false)
                        .bytes(),
                );
                let mut bytes = disconnect(v, reason, Props::new());
                bytes.extend(Publish::new(v, "after/publish", b"late").bytes());
                bytes.extend(Publish::new(v, "after/publish", b"late 1").qos(1, 7).bytes());
                bytes.extend(subscribe(v, 2, &[("after/x", 0)], Props::new()));
                bytes.extend(Connect::new(v, "again").bytes());
                c.send(bytes);
                outcome(ctx, &mut c, &label, Duration::from_secs(1));
                s.quiet();
            }
        }
        let mut p = ctx.client("marker", Connect::new(V::V311, "after-marker").bytes());
        p.send(Publish::new(V::V311, "after/marker", b"marker").bytes());
        s.recv();
        s.quiet();
    });
}

/// Byte strings MQTT forbids in a UTF-8 string field.
const BAD_STRINGS: [(&str, &[u8]); 12] = [
    ("NUL", b"a\0b"),
    ("U+0001", b"a\x01"),
    ("U+001F", b"\x1f"),
    ("U+007F", b"\x7f"),
    ("U+0085", b"\xc2\x85"),
    ("surrogate U+D800", b"\xed\xa0\x80"),
    ("overlong /", b"\xc0\xaf"),
    ("U+FFFE", b"\xef\xbf\xbe"),
    ("U+FDD0", b"\xef\xb7\x90"),
    ("above U+10FFFF", b"\xf4\x90\x80\x80"),
    ("truncated", b"\xe2\x82"),
    ("lone continuation", b"\x80"),
];

/// A CONNECT with raw bytes in its string fields.
fn raw_connect(
    v: V,
    id: &[u8],
    will_topic: Option<&[u8]>,
    user: Option<&[u8]>,
    props: &Props,
    will_props: &Props,
) -> Vec<u8> {
    let mut body = Vec::new();
    let (name, level): (&[u8], u8) = match v {
        V::V31 => (b"MQIsdp", 3),
        V::V311 => (b"MQTT", 4),
        V::V5 => (b"MQTT", 5),
    };
    string(name, &mut body);
    body.push(level);
    let mut flags = 0x02;
    if will_topic.is_some() {
        flags |= 0x04;
    }
    if user.is_some() {
        flags |= 0x80;
    }
    body.push(flags);
    body.extend_from_slice(&60u16.to_be_bytes());
    if v.is5() {
        body.extend(props.encoded());
    }
    string(id, &mut body);
    if let Some(t) = will_topic {
        if v.is5() {
            body.extend(will_props.encoded());
        }
        string(t, &mut body);
        string(b"w", &mut body);
    }
    if let Some(u) = user {
        string(u, &mut body);
    }
    packet(0x10, &body)
}

/// A user property whose key (`key` true) or value is `bad`.
fn user_property(bad: &[u8], key: bool) -> Props {
    let mut raw = vec![prop::USER_PROPERTY];
    if key {
        string(bad, &mut raw);
        string(b"v", &mut raw);
    } else {
        string(b"k", &mut raw);
        string(bad, &mut raw);
    }
    Props::new().raw(&raw)
}

/// Send `bytes` on a fresh connection (after a good CONNECT unless `bytes` is one) and record
/// the outcome.
fn try_field(ctx: &Ctx<'_>, label: &str, v: V, connect_first: bool, bytes: &[u8]) {
    try_field_as(ctx, label, v, connect_first, bytes, false);
}

/// [`try_field`]; with `end_only`, the transcript says only whether the connection ended,
/// not how (for the cases where this broker sends a v5 DISCONNECT with reason 0x81 first and
/// mosquitto 2.0.11 closes without one).
fn try_field_as(ctx: &Ctx<'_>, label: &str, v: V, connect_first: bool, bytes: &[u8], end_only: bool) {
    let before = endings(&ctx.server.log());
    let mut c = if connect_first {
        ctx.client(label, Connect::new(v, "utf8").bytes())
    } else {
        ctx.tcp(label)
    };
    c.send(bytes);
    if end_only {
        let closed = loop {
            match c.read_within(Duration::from_millis(1500)) {
                Got::Packet(p) if p[0] == 0xe0 => {}
                Got::Packet(p) => break format!("unexpected {}", show(&p)),
                Got::Closed => break "closed".to_owned(),
                Got::Nothing => break "open".to_owned(),
            }
        };
        ctx.note(format!("{label}: {closed}"));
    } else {
        outcome(ctx, &mut c, label, Duration::from_millis(1500));
    }
    if ctx.kind() == Kind::Ours {
        // Our broker says why it ended the connection.
        let logged = common::poll_until(WAIT, || (endings(&ctx.server.log()) > before).then_some(()));
        assert!(
            logged.is_some(),
            "{label}: no log line about the end of the connection; log:\n{}",
            ctx.server.log()
        );
    }
}

/// How many log lines tell why a connection ended.
fn endings(log: &str) -> usize {
    log.lines()
        .filter(|l| {
            [
                "disconnected due to",
                "Bad socket read/write",
                "closed its connection",
                "disconnected, not authorised",
            ]
            .iter()
            .any(|n| l.contains(n))
        })
        .count()
}

#[test]
fn invalid_utf8_in_connect_fields() {
    same(&Conf::new(), |ctx| {
        let none = Props::new();
        for (what, bad) in BAD_STRINGS {
            for v in [V::V311, V::V5] {
                let t = |field: &str| format!("{field} {what} {v:?}");
                try_field(
                    ctx,
                    &t("client id"),
                    v,
                    false,
                    &raw_connect(v, bad, None, None, &none, &none),
                );
                try_field(
                    ctx,
                    &t("username"),
                    v,
                    false,
                    &raw_connect(v, b"u", None, Some(bad), &none, &none),
                );
                try_field(
                    ctx,
                    &t("will topic"),
                    v,
                    false,
                    &raw_connect(v, b"w", Some(bad), None, &none, &none),
                );
            }
            let v = V::V5;
            let t = |field: &str| format!("{field} {what}");
            for (field, props) in [
                ("connect user property key", user_property(bad, true)),
                ("connect user property value", user_property(bad, false)),
                ("authentication method", Props::new().str(prop::AUTH_METHOD, bad)),
            ] {
                try_field(
                    ctx,
                    &t(field),
                    v,
                    false,
                    &raw_connect(v, b"p", None, None, &props, &none),
                );
            }
            for (field, props) in [
                ("will content type", Props::new().str(prop::CONTENT_TYPE, bad)),
                ("will response topic", Props::new().str(prop::RESPONSE_TOPIC, bad)),
                ("will user property", user_property(bad, false)),
            ] {
                try_field(
                    ctx,
                    &t(field),
                    v,
                    false,
                    &raw_connect(v, b"p", Some(b"w"), None, &none, &props),
                );
            }
        }
    });
}

#[test]
fn invalid_utf8_in_the_fields_of_other_packets() {
    same(&Conf::new(), |ctx| {
        for (what, bad) in BAD_STRINGS {
            for v in [V::V311, V::V5] {
                let t = |field: &str| format!("{field} {what} {v:?}");
                try_field(
                    ctx,
                    &t("topic"),
                    v,
                    true,
                    &Publish::new(v, "", b"x").raw_topic(bad).bytes(),
                );
                let mut body = 1u16.to_be_bytes().to_vec();
                if v.is5() {
                    body.push(0);
                }
                let mut filter = body.clone();
                string(bad, &mut filter);
                filter.push(0);
                try_field(ctx, &t("filter"), v, true, &packet(0x82, &filter));
                let mut filter = body;
                string(bad, &mut filter);
                try_field(ctx, &t("unsubscribe filter"), v, true, &packet(0xa2, &filter));
            }
            let v = V::V5;
            let t = |field: &str| format!("{field} {what}");
            for (field, props) in [
                ("content type", Props::new().str(prop::CONTENT_TYPE, bad)),
                ("response topic", Props::new().str(prop::RESPONSE_TOPIC, bad)),
                ("user property key", user_property(bad, true)),
                ("user property value", user_property(bad, false)),
            ] {
                let bytes = Publish::new(v, "t", b"x").props(props).bytes();
                try_field_as(ctx, &t(field), v, true, &bytes, true);
            }
            let bytes = subscribe(v, 1, &[("t", 0)], user_property(bad, false));
            try_field_as(ctx, &t("subscribe user property"), v, true, &bytes, true);
            let bytes = disconnect(v, 0, Props::new().str(0x1f, bad));
            try_field_as(ctx, &t("disconnect reason string"), v, true, &bytes, true);
        }
    });
}
