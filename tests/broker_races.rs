//! Races between worker threads of the broker, provoked many times over real sockets: a
//! retained message published on one worker while a client of another worker subscribes to
//! its topic must reach that client, either as the retained message or as a live copy.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};

use common::TIMEOUT;
use mosquitto::broker::core::shard::home_shard;
use mosquitto::broker::server::BrokerBuilder;

fn connect(port: u16, id: &str) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut p = vec![
        0x10,
        (12 + id.len()) as u8,
        0,
        4,
        b'M',
        b'Q',
        b'T',
        b'T',
        4,
        2,
        0,
        60,
        0,
        id.len() as u8,
    ];
    p.extend_from_slice(id.as_bytes());
    s.write_all(&p).unwrap();
    let mut connack = [0u8; 4];
    s.read_exact(&mut connack).unwrap();
    assert_eq!(connack, [0x20, 2, 0, 0]);
    s
}

/// A client id that lives in shard `shard` of 2.
fn id_in(shard: u16, label: &str) -> String {
    (0..)
        .map(|i| format!("{label}-{i}"))
        .find(|id| home_shard(id, 2) == shard)
        .unwrap()
}

#[test]
fn a_retained_message_published_during_a_subscribe_on_another_worker_is_not_lost() {
    let mut b = BrokerBuilder::new();
    b.log_callback(Arc::new(|_, _: &str| {}));
    b.config_str("listener 0 127.0.0.1\nallow_anonymous true\nworker_threads 2\n")
        .unwrap();
    let broker = b.start().unwrap();
    let port = broker.port(0).unwrap();
    let publisher = connect(port, &id_in(0, "race-pub"));
    let mut subscriber = connect(port, &id_in(1, "race-sub"));
    for round in 0..300u32 {
        let topic = format!("race/{round}");
        let mut publish = vec![0x31, (2 + topic.len() + 1) as u8, 0, topic.len() as u8];
        publish.extend_from_slice(topic.as_bytes());
        publish.push(b'x');
        let mut subscribe = vec![0x82, (2 + 2 + topic.len() + 1) as u8, 0, 1, 0, topic.len() as u8];
        subscribe.extend_from_slice(topic.as_bytes());
        subscribe.push(0);
        // Both packets leave at the same moment, from two threads.
        let barrier = Arc::new(Barrier::new(2));
        let b2 = barrier.clone();
        let mut p = publisher.try_clone().unwrap();
        let sender = std::thread::spawn(move || {
            b2.wait();
            p.write_all(&publish).unwrap();
        });
        barrier.wait();
        subscriber.write_all(&subscribe).unwrap();
        sender.join().unwrap();
        // The SUBACK and at least one copy of the message (retained or live; when both paths
        // saw it, a second copy may come, also in a later round).
        let (mut suback, mut copies) = (false, 0);
        while !suback || copies == 0 {
            let mut header = [0u8; 2];
            let got = subscriber.read_exact(&mut header);
            assert!(got.is_ok(), "round {round}: suback {suback}, copies {copies}");
            let mut rest = vec![0u8; usize::from(header[1])];
            subscriber.read_exact(&mut rest).unwrap();
            match header[0] & 0xf0 {
                0x90 => suback = true,
                0x30 if rest.get(2..2 + topic.len()) == Some(topic.as_bytes()) => copies += 1,
                0x30 => {}
                other => panic!("round {round}: unexpected packet type {other:#x}"),
            }
        }
    }
    drop(publisher);
    broker.stop();
}
