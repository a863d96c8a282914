//! Bad input against our broker: silent sockets, huge announced packets, a subscriber that
//! never reads under a flood, many connections at once, garbage after CONNECT. The broker
//! must stay up, keep its memory bounded, keep serving the other clients, and never panic.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use crate::common::now;
use crate::harness::{Conf, Got, Kind, Server, WAIT, both};
use crate::packets::{Connect, Props, Publish, V, pingreq, subscribe};
use mosquitto::protocol::{ProtocolVersion, decode_packet};

/// Our broker with `conf`.
fn ours(conf: &Conf) -> Server {
    Server::start(Kind::Ours, conf)
}

/// The broker is running, answers a new client, and has not panicked.
#[track_caller]
fn assert_healthy(server: &mut Server) {
    assert!(server.running(), "the broker exited; log:\n{}", server.log());
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, server.port));
    let mut c = TcpStream::connect_timeout(&addr, WAIT).expect("connect");
    c.set_read_timeout(Some(WAIT)).unwrap();
    c.write_all(&Connect::new(V::V311, "health-check").bytes())
        .unwrap();
    let mut buf = [0u8; 4];
    std::io::Read::read_exact(&mut c, &mut buf).expect("CONNACK");
    assert_eq!(buf, [0x20, 0x02, 0x00, 0x00]);
    let stderr = server.stderr();
    assert!(!stderr.contains("panicked"), "the broker panicked:\n{stderr}");
}

#[test]
fn silent_socket_is_closed_after_90_seconds() {
    // A socket that never sends CONNECT counts as keepalive 60: dropped once 90 s have passed
    // without a packet, at the next check.
    let (reference, ours) = both(&Conf::new(), |ctx| {
        let start = now();
        let mut c = ctx.tcp("silent");
        match c.read_within(Duration::from_secs(110)) {
            Got::Closed => {
                let secs = start.elapsed().as_secs();
                ctx.note(format!("closed after more than 90 s: {}", secs >= 90));
            }
            other => ctx.note(format!("{other:?} after {:?}", start.elapsed())),
        }
        ctx.logs();
    });
    assert_eq!(
        ours,
        [
            "closed after more than 90 s: true",
            "log: Client <unknown> has exceeded timeout, disconnecting."
        ],
        "reference:\n{reference:?}"
    );
}

#[test]
fn huge_announced_packets() {
    let mut server = ours(&Conf::new());
    let before = server.rss_kib();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, server.port));
    // Before CONNECT: a CONNECT over 100000 bytes is refused from its fixed header.
    let mut c = TcpStream::connect(addr).unwrap();
    c.write_all(&[0x10, 0xff, 0xff, 0xff, 0x7f]).unwrap();
    let mut conn = crate::harness::Conn::from_stream("pre", c);
    assert_eq!(conn.read_within(WAIT), Got::Closed);
    assert!(server.wait_log("Client <unknown> disconnected due to malformed packet.", WAIT));
    // A connected client announcing a PUBLISH of 256 MB and sending 4 MB of it: nothing is
    // reserved beyond what arrived, and the others are served meanwhile.
    let mut c = TcpStream::connect(addr).unwrap();
    c.write_all(&Connect::new(V::V5, "huge").bytes()).unwrap();
    let mut conn = crate::harness::Conn::from_stream("huge", c.try_clone().unwrap());
    assert!(matches!(conn.read_within(WAIT), Got::Packet(p) if p[0] == 0x20));
    c.write_all(&[0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, b't'])
        .unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..64 {
        c.write_all(&chunk).unwrap();
    }
    thread::sleep(Duration::from_millis(300));
    assert_healthy(&mut server);
    let during = server.rss_kib();
    assert!(
        during < before + 32 * 1024,
        "RSS grew from {before} KiB to {during} KiB for 4 MB received"
    );
    drop(conn);
    drop(c);
    assert!(
        server.wait_log("Client huge closed its connection.", WAIT),
        "{}",
        server.log()
    );
    // With max_packet_size, the fixed header alone is enough to refuse it.
    let mut server = ours(&Conf::new().global("max_packet_size 1000"));
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, server.port));
    let mut c = TcpStream::connect(addr).unwrap();
    c.write_all(&Connect::new(V::V5, "huge").bytes()).unwrap();
    c.write_all(&[0x30, 0xff, 0xff, 0xff, 0x7f]).unwrap();
    let mut conn = crate::harness::Conn::from_stream("huge", c);
    assert!(matches!(conn.read_within(WAIT), Got::Packet(p) if p[0] == 0x20));
    assert_eq!(conn.read_within(WAIT), Got::Packet(vec![0xe0, 0x01, 0x95]));
    assert_eq!(conn.read_within(WAIT), Got::Closed);
    assert!(server.wait_log("Client huge disconnected due to oversize packet.", WAIT));
    assert_healthy(&mut server);
}

/// Publish as fast as the broker takes it until `stop`, from a thread; returns the count.
fn flood(
    port: u16,
    topic: &'static str,
    payload: usize,
    qos: u8,
    stop: Arc<AtomicBool>,
) -> thread::JoinHandle<u64> {
    thread::spawn(move || {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let c = TcpStream::connect(addr).unwrap();
        let mut reader = crate::harness::Conn::from_stream("flood", c.try_clone().unwrap());
        let mut w = std::io::BufWriter::with_capacity(256 * 1024, c);
        w.write_all(&Connect::new(V::V311, &format!("flood-{topic}")).bytes())
            .unwrap();
        w.flush().unwrap();
        assert!(matches!(reader.read_within(WAIT), Got::Packet(_)));
        let body = vec![b'p'; payload];
        let mut n = 0u64;
        let mut mid = 0u16;
        while !stop.load(Ordering::Relaxed) {
            mid = mid.wrapping_add(1).max(1);
            if w.write_all(&Publish::new(V::V311, topic, &body).qos(qos, mid).bytes())
                .is_err()
            {
                break;
            }
            n += 1;
            if qos > 0 && n.is_multiple_of(256) {
                // Acknowledgements are read so that our socket never fills.
                let _ = reader.drain(Duration::from_millis(1));
            }
        }
        n
    })
}

#[test]
fn subscriber_that_never_reads() {
    let mut server = ours(&Conf::new());
    let port = server.port;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let before = server.rss_kib();
    // Two subscribers that never read: one at QoS 0, one at QoS 1 (never acknowledging).
    let mut stuck = Vec::new();
    for (id, qos) in [("stuck0", 0u8), ("stuck1", 1)] {
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        socket.connect(&addr.into()).unwrap();
        let mut s: TcpStream = socket.into();
        s.write_all(&Connect::new(V::V311, id).bytes()).unwrap();
        s.write_all(&subscribe(V::V311, 1, &[("flood/#", qos)], Props::new()))
            .unwrap();
        stuck.push(s);
    }
    // A healthy subscriber on another topic, and one on the flood reading everything.
    let mut other = crate::harness::Conn::from_stream("other", TcpStream::connect(addr).unwrap());
    other.send(Connect::new(V::V5, "other").bytes());
    assert!(matches!(other.read_within(WAIT), Got::Packet(_)));
    other.send(subscribe(V::V5, 1, &[("calm", 1)], Props::new()));
    assert!(matches!(other.read_within(WAIT), Got::Packet(p) if p[0] == 0x90));
    let stop = Arc::new(AtomicBool::new(false));
    let publishers = [
        flood(port, "flood/a", 1024, 0, stop.clone()),
        flood(port, "flood/b", 1024, 1, stop.clone()),
    ];
    // Meanwhile: the others are served, the memory stays bounded.
    let mut peak = 0;
    let mut pinger = crate::harness::Conn::from_stream("pinger", TcpStream::connect(addr).unwrap());
    pinger.send(Connect::new(V::V311, "pinger").bytes());
    assert!(matches!(pinger.read_within(WAIT), Got::Packet(_)));
    let deadline = now() + Duration::from_secs(8);
    let mut rounds = 0u16;
    while now() < deadline {
        rounds += 1;
        pinger.send(pingreq());
        assert_eq!(
            pinger.read_within(WAIT),
            Got::Packet(vec![0xd0, 0x00]),
            "PINGRESP under load"
        );
        pinger.send(
            Publish::new(V::V311, "calm", b"still here")
                .qos(1, rounds)
                .bytes(),
        );
        assert!(matches!(pinger.read_within(WAIT), Got::Packet(p) if p[0] == 0x40));
        match other.read_within(WAIT) {
            Got::Packet(p) if p[0] & 0xf0 == 0x30 => {
                other.send(crate::packets::puback(crate::harness::publish_mid(&p)));
            }
            got => panic!("the calm subscriber got {got:?}"),
        }
        peak = peak.max(server.rss_kib());
        thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, Ordering::Relaxed);
    let sent: u64 = publishers.into_iter().map(|p| p.join().unwrap()).sum();
    eprintln!("{sent} messages flooded; RSS {before} KiB before, at most {peak} KiB during");
    assert!(sent > 10_000, "the flood was too small to tell ({sent} messages)");
    assert!(
        peak < before + 96 * 1024,
        "RSS grew from {before} KiB to {peak} KiB while {sent} messages of 1 KiB went to subscribers that do not read"
    );
    assert!(server.wait_log("Outgoing messages are being dropped for client stuck", WAIT));
    drop(stuck);
    assert_healthy(&mut server);
}

#[test]
fn many_connections_at_once() {
    let mut server = ours(&Conf::new());
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, server.port));
    const N: usize = 1000;
    let mut conns = Vec::with_capacity(N);
    for i in 0..N {
        let s = TcpStream::connect_timeout(&addr, WAIT).expect("connect");
        let mut c = crate::harness::Conn::from_stream("many", s);
        let v = [V::V31, V::V311, V::V5][i % 3];
        let mut bytes = Connect::new(v, &format!("many-{i}")).bytes();
        bytes.extend(subscribe(v, 1, &[("many/all", 0)], Props::new()));
        c.send(bytes);
        conns.push(c);
    }
    for c in &mut conns {
        assert!(matches!(c.read_within(WAIT), Got::Packet(p) if p[0] == 0x20));
        assert!(matches!(c.read_within(WAIT), Got::Packet(p) if p[0] == 0x90));
    }
    let mut p = crate::harness::Conn::from_stream("pub", TcpStream::connect(addr).unwrap());
    p.send(Connect::new(V::V311, "many-pub").bytes());
    p.send(Publish::new(V::V311, "many/all", b"to everyone").bytes());
    for c in &mut conns {
        assert!(matches!(c.read_within(WAIT), Got::Packet(p) if p[0] == 0x30));
    }
    // All at once away.
    drop(conns);
    assert_healthy(&mut server);
}

#[test]
fn garbage_after_connect() {
    let mut server = ours(&Conf::new());
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, server.port));
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..300 {
        let v = [V::V31, V::V311, V::V5][round % 3];
        let mut c = crate::harness::Conn::from_stream("garbage", TcpStream::connect(addr).unwrap());
        c.send(Connect::new(v, &format!("garbage-{}", round % 7)).bytes());
        let len = (next() % 300) as usize;
        let mut junk: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        // Often a plausible packet type first, so that decoding gets somewhere.
        if let Some(first) = junk.first_mut() {
            if round % 2 == 0 {
                *first = [0x30, 0x32, 0x34, 0x40, 0x62, 0x82, 0xa2, 0xc0, 0xe0, 0xf0][round % 10];
            }
        }
        c.send(&junk);
        // Whatever comes back must be well-formed server packets, then possibly the end.
        let level = match v {
            V::V31 => ProtocolVersion::V31,
            V::V311 => ProtocolVersion::V311,
            V::V5 => ProtocolVersion::V5,
        };
        for p in c.drain(Duration::from_millis(20)) {
            let decoded = decode_packet(&p, level);
            assert!(
                matches!(decoded, Ok(Some((_, n))) if n == p.len()),
                "round {round}: the broker sent {p:02x?} ({decoded:?}) after {junk:02x?}"
            );
        }
    }
    assert_healthy(&mut server);
}
