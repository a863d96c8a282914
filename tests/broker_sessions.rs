//! The client library against a real broker (Debian's `mosquitto`), driven through the exported
//! C functions: Unix-domain sockets, offline queueing, session takeover, log lines, v5 CONNACK
//! properties, a broker that stops reading, reconnection, in-flight limits, client ids and
//! message order. Each test starts its own broker on free loopback ports and is bounded in time.

mod broker;
mod common;

use std::thread;
use std::time::Duration;

use common::client::{Client, Event, Msg, connects, disconnects, messages_on};
use common::consts::*;
use common::{Broker, BrokerConfig, TIMEOUT, pattern, unique_topic};

use broker::*;

#[test]
fn unix_domain_socket() {
    let broker = Broker::start_with(BrokerConfig {
        unix_socket: true,
        ..Default::default()
    });
    let path = broker.socket_path();
    let path = path.to_str().expect("UTF-8 path");
    let topic = unique_topic("unix");
    let c = Client::new(None, true);
    assert_eq!(c.connect(path, 0, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    c.subscribe_and_wait(&topic, 1);
    let (rc, mid) = c.publish(&topic, b"over a unix socket", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert_eq!(
        c.wait_messages(&topic, 1, TIMEOUT)[0].payload,
        b"over a unix socket"
    );
    assert!(
        broker.wait_for_log(&format!("New connection from {path}"), TIMEOUT),
        "{}",
        broker.log()
    );
    finish(c);
}

#[test]
fn qos1_publish_while_offline_is_sent_after_connect() {
    let broker = Broker::start();
    let topic = unique_topic("offline");
    let watcher = started(&broker, None, V311);
    watcher.subscribe_and_wait(&topic, 1);
    let id = client_id("offline");
    let c = Client::new(Some(&id), true);
    let (rc, mid1) = c.publish(&topic, b"queued while offline", 1, false);
    assert_eq!(
        (rc, mid1),
        (MOSQ_ERR_NO_CONN, 1),
        "QoS 1 publish without a connection"
    );
    let (rc, mid2) = c.publish(&topic, b"qos 0 is dropped", 0, false);
    assert_eq!(
        (rc, mid2),
        (MOSQ_ERR_NO_CONN, 2),
        "QoS 0 publish without a connection still takes a mid"
    );
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    c.wait_published(mid1);
    let got = watcher.wait_messages(&topic, 1, TIMEOUT);
    assert_eq!(got[0].payload, b"queued while offline");
    // It went out as a retransmission.
    assert!(
        broker.wait_for_log(&format!("Received PUBLISH from {id} (d1, q1"), TIMEOUT),
        "{}",
        broker.log()
    );
    // The next mid follows on.
    let (rc, mid3) = c.subscribe(&topic, 0);
    assert_eq!(
        (rc, mid3),
        (MOSQ_ERR_SUCCESS, 3),
        "mids are shared by PUBLISH and SUBSCRIBE"
    );
    c.wait_subscribe(mid3);
    thread::sleep(Duration::from_millis(100));
    assert_eq!(
        messages_on(&watcher.rec.events(), &topic).len(),
        1,
        "the QoS 0 message must not be sent"
    );
    finish(c);
    finish(watcher);
}

#[test]
fn session_takeover_disconnects_the_first_client() {
    let broker = Broker::start();
    for version in [V311, V5] {
        let id = client_id(&format!("takeover-v{version}"));
        let first = Client::with_protocol(Some(&id), true, version);
        assert_eq!(first.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
        assert_eq!(
            first.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied()),
            0
        );
        let second = started(&broker, Some(&id), version);
        let rc = first.pump_for("on_disconnect", TIMEOUT, |ev| disconnects(ev).first().copied());
        // The broker closes the first connection. (Brokers that send a v5 DISCONNECT with
        // reason 0x8E "session taken over" first make that the rc.)
        if version == V5 {
            assert!(
                rc == MOSQ_ERR_CONN_LOST || rc == 0x8E,
                "v{version}: on_disconnect rc {rc}"
            );
        } else {
            assert_eq!(rc, MOSQ_ERR_CONN_LOST, "v{version}: on_disconnect rc");
        }
        assert_eq!(first.loop_once(10), MOSQ_ERR_NO_CONN);
        finish(second);
    }
}

#[test]
fn debug_log_lines() {
    let broker = Broker::start();
    let topic = unique_topic("logfmt");
    let id = client_id("logfmt");
    let c = Client::new(Some(&id), true);
    c.enable_log();
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    let (_, smid) = c.subscribe(&topic, 1);
    c.wait_subscribe(smid);
    let (_, pmid) = c.publish(&topic, b"12345", 1, false);
    c.wait_published(pmid);
    let got: Vec<Msg> = c.wait_messages(&topic, 1, TIMEOUT);
    let rmid = got[0].mid;
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    c.wait_disconnect_n(1);
    assert_eq!(stop_within(&c, false, TIMEOUT), Some(MOSQ_ERR_SUCCESS));
    let logs = c.log_texts();
    let want = [
        format!("Client {id} sending CONNECT"),
        format!("Client {id} received CONNACK (0)"),
        format!("Client {id} sending SUBSCRIBE (Mid: {smid}, Topic: {topic}, QoS: 1, Options: 0x00)"),
        format!("Client {id} received SUBACK"),
        format!("Client {id} sending PUBLISH (d0, q1, r0, m{pmid}, '{topic}', ... (5 bytes))"),
        format!("Client {id} received PUBLISH (d0, q1, r0, m{rmid}, '{topic}', ... (5 bytes))"),
        format!("Client {id} sending PUBACK (m{rmid}, rc0)"),
        format!("Client {id} received PUBACK (Mid: {pmid}, RC:0)"),
        format!("Client {id} sending DISCONNECT"),
    ];
    for line in &want {
        assert!(
            logs.contains(line),
            "missing log line {line:?}; logs:\n{}",
            logs.join("\n")
        );
    }
    let pos = |l: &String| logs.iter().position(|x| x == l).unwrap();
    assert!(
        pos(&want[0]) < pos(&want[1]) && pos(&want[1]) < pos(&want[2]),
        "log order:\n{}",
        logs.join("\n")
    );
}

#[test]
fn v5_connack_properties_are_applied() {
    let broker = Broker::start_with(BrokerConfig {
        extra_global: "max_packet_size 2000\nretain_available false\nmax_keepalive 10\n".into(),
        extra_listener: "max_qos 1\n".into(),
        ..Default::default()
    });
    let topic = unique_topic("limits");
    // No client id: the broker assigns one, and the client takes it.
    let c = Client::with_protocol(None, true, V5);
    c.enable_log();
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    // MAXIMUM_QOS 1: QoS 2 is refused before a mid is taken.
    assert_eq!(c.publish(&topic, b"q2", 2, false).0, MOSQ_ERR_QOS_NOT_SUPPORTED);
    // MAXIMUM_PACKET_SIZE 2000.
    assert_eq!(
        c.publish(&topic, &[b'x'; 3000], 1, false).0,
        MOSQ_ERR_OVERSIZE_PACKET
    );
    // RETAIN_AVAILABLE 0: the retain flag is dropped.
    let (rc, mid) = c.publish(&topic, b"not kept", 1, true);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert!(
        broker.wait_for_log(
            &format!("(d0, q1, r0, m{mid}, '{topic}', ... (8 bytes))"),
            TIMEOUT
        ),
        "{}",
        broker.log()
    );
    let logs = c.log_texts();
    let assigned = logs
        .iter()
        .find_map(|l| l.strip_prefix("Client ")?.strip_suffix(" received CONNACK (0)"))
        .unwrap_or_else(|| panic!("no CONNACK log line:\n{}", logs.join("\n")));
    assert!(
        assigned.starts_with("auto-"),
        "the assigned client id is used in log lines: {assigned}"
    );
    assert!(
        logs.contains(&"Client null sending CONNECT".to_string()),
        "{}",
        logs.join("\n")
    );
    // SERVER_KEEP_ALIVE 10 replaces the 60 s the client asked for.
    c.rec.wait_for(
        "PINGREQ after the server's keepalive",
        Duration::from_secs(14),
        |ev| {
            ev.iter()
                .any(|e| matches!(e, Event::Log(_, l) if l.ends_with(" sending PINGREQ")))
                .then_some(())
        },
    );
    finish(c);
}

#[test]
fn publishing_while_the_broker_is_not_reading() {
    // The socket buffers fill up: writes must resume where they stopped, in order, without
    // losing or corrupting bytes, and without dropping the connection.
    let broker = Broker::start();
    let base = unique_topic("backpressure");
    let watcher = started(&broker, None, V311);
    watcher.subscribe_and_wait(&format!("{base}/#"), 1);
    const N: usize = 100;
    const SIZE: usize = 20_000;
    for threaded in [false, true] {
        let id = client_id(&format!("backpressure-{threaded}"));
        let c = Client::new(Some(&id), true);
        assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
        if threaded {
            assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
            assert_eq!(c.wait_connect(), 0);
        } else {
            assert_eq!(
                c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied()),
                0
            );
        }
        broker.signal(libc::SIGSTOP);
        let mut mids = Vec::new();
        for i in 0..N {
            for qos in [0, 1] {
                let topic = format!("{base}/{threaded}/q{qos}");
                let (rc, mid) = c.publish(&topic, &pattern(SIZE, i as u32), qos, false);
                assert_eq!(
                    rc, MOSQ_ERR_SUCCESS,
                    "q{qos} publish {i} while the broker is stopped (threaded: {threaded})"
                );
                mids.push(mid);
            }
        }
        if threaded {
            thread::sleep(Duration::from_millis(500));
        } else {
            // Keep the loop running for a while against the stopped broker.
            let deadline = common::now() + Duration::from_millis(500);
            while common::now() < deadline {
                assert_eq!(
                    c.loop_once(20),
                    MOSQ_ERR_SUCCESS,
                    "mosquitto_loop while the broker is stopped"
                );
            }
        }
        assert!(
            disconnects(&c.rec.events()).is_empty(),
            "connection dropped:\n{}",
            c.rec.dump()
        );
        broker.signal(libc::SIGCONT);
        let all_published = |ev: &[Event]| {
            mids.iter()
                .all(|m| ev.contains(&Event::Publish(*m)))
                .then_some(())
        };
        if threaded {
            c.rec.wait_for(
                "on_publish for every message",
                Duration::from_secs(20),
                all_published,
            );
        } else {
            c.pump_for(
                "on_publish for every message",
                Duration::from_secs(20),
                all_published,
            );
        }
        for qos in [0, 1] {
            let topic = format!("{base}/{threaded}/q{qos}");
            let got = watcher.wait_messages(&topic, N, Duration::from_secs(20));
            for (i, m) in got.iter().enumerate() {
                assert!(
                    m.payload == pattern(SIZE, i as u32),
                    "q{qos} message {i} differs (threaded: {threaded})"
                );
            }
        }
        assert!(
            disconnects(&c.rec.events()).is_empty(),
            "connection dropped:\n{}",
            c.rec.dump()
        );
        if threaded {
            finish(c);
        }
    }
    finish(watcher);
}

#[test]
fn connect_writes_connect_before_returning() {
    // Without a loop thread, mosquitto_connect sends CONNECT itself: the broker sees the
    // client before any mosquitto_loop call.
    let broker = Broker::start();
    let id = client_id("eager");
    let c = Client::new(Some(&id), true);
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert!(
        broker.wait_for_log(&format!("as {id} (p2, c1, k60)"), TIMEOUT),
        "{}",
        broker.log()
    );
    assert!(
        c.rec.events().is_empty(),
        "no callback before the loop runs: {}",
        c.rec.dump()
    );
    assert_eq!(
        c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied()),
        0
    );
    // And mosquitto_disconnect writes DISCONNECT and calls on_disconnect before returning.
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(
        disconnects(&c.rec.events()),
        vec![0],
        "on_disconnect inside mosquitto_disconnect"
    );
    assert!(
        broker.wait_for_log(&format!("Received DISCONNECT from {id}"), TIMEOUT),
        "{}",
        broker.log()
    );
    assert_eq!(c.loop_once(10), MOSQ_ERR_NO_CONN);
}

#[test]
fn lost_connection_then_mosquitto_reconnect() {
    let mut broker = Broker::start();
    let c = Client::new(Some(&client_id("lost")), true);
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied()),
        0
    );
    broker.kill();
    // The loop reports the loss once (CONN_LOST, with on_disconnect), then NO_CONN.
    let deadline = common::now() + TIMEOUT;
    let rc = loop {
        let rc = c.loop_once(50);
        if rc != MOSQ_ERR_SUCCESS {
            break rc;
        }
        assert!(common::now() < deadline, "the loss was never reported");
    };
    assert_eq!(rc, MOSQ_ERR_CONN_LOST, "mosquitto_loop after the broker died");
    assert_eq!(disconnects(&c.rec.events()), vec![MOSQ_ERR_CONN_LOST]);
    assert_eq!(c.loop_once(10), MOSQ_ERR_NO_CONN, "the next mosquitto_loop");
    // Nobody listening: reconnect fails with ECONNREFUSED.
    assert_eq!(c.reconnect(), MOSQ_ERR_ERRNO);
    broker.restart();
    assert_eq!(c.reconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.pump_for("second CONNACK", TIMEOUT, |ev| connects(ev).get(1).copied()),
        0
    );
    assert_eq!(disconnects(&c.rec.events()).len(), 1, "{}", c.rec.dump());
}

#[test]
fn in_flight_limit_of_one_keeps_order() {
    let broker = Broker::start();
    let topic = unique_topic("inflight");
    let watcher = started(&broker, None, V311);
    watcher.subscribe_and_wait(&topic, 2);
    let id = client_id("inflight");
    let c = Client::new(Some(&id), true);
    c.enable_log();
    assert_eq!(c.max_inflight_messages_set(1), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    const N: i32 = 40;
    let mut mids = Vec::new();
    for i in 0..N {
        let (rc, mid) = c.publish(&topic, format!("{i}").as_bytes(), 1 + (i % 2), false);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        mids.push(mid);
    }
    // on_publish in publishing order.
    let published: Vec<i32> = c.rec.wait_for("every on_publish", TIMEOUT, |ev| {
        let p: Vec<i32> = ev
            .iter()
            .filter_map(|e| match e {
                Event::Publish(m) => Some(*m),
                _ => None,
            })
            .collect();
        (p.len() >= N as usize).then_some(p)
    });
    assert_eq!(published, mids);
    // Each PUBLISH goes out only once the previous message is complete.
    let logs = c.log_texts();
    let position = |needle: &str| {
        logs.iter()
            .position(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("no log line {needle:?}"))
    };
    for (k, pair) in mids.windows(2).enumerate() {
        let (prev, next) = (pair[0], pair[1]);
        let ack = if k % 2 == 0 { "PUBACK" } else { "PUBCOMP" };
        let acked = position(&format!("Client {id} received {ack} (Mid: {prev}, RC:0)"));
        let sent = position(&format!(
            "Client {id} sending PUBLISH (d0, q{}, r0, m{next},",
            1 + (k + 1) % 2
        ));
        assert!(
            sent > acked,
            "m{next} was sent before m{prev} was complete:\n{}",
            logs.join("\n")
        );
    }
    // (The subscriber may see them in another order: it gets QoS 1 messages at once and QoS 2
    // ones only after the PUBREL.)
    let got = watcher.wait_messages(&topic, N as usize, TIMEOUT);
    let mut payloads: Vec<i32> = got
        .iter()
        .map(|m| String::from_utf8_lossy(&m.payload).parse().unwrap())
        .collect();
    payloads.sort_unstable();
    assert_eq!(payloads, (0..N).collect::<Vec<_>>());
    finish(c);
    finish(watcher);
}

#[test]
fn loop_start_before_connect_async() {
    let broker = Broker::start();
    let c = Client::new(None, true);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    thread::sleep(Duration::from_millis(50));
    assert_eq!(c.connect_async("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    finish(c);
}

#[test]
fn client_ids_without_an_id() {
    let broker = Broker::start();
    // MQTT 3.1: the library makes up "mosq-" and 18 characters.
    let c = Client::with_protocol(None, true, V31);
    c.enable_log();
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied()),
        0
    );
    let logs = c.log_texts();
    let id = logs
        .iter()
        .find_map(|l| l.strip_prefix("Client ")?.strip_suffix(" sending CONNECT"))
        .unwrap_or_else(|| panic!("no CONNECT log line: {logs:?}"));
    assert!(
        id.len() == 23 && id.starts_with("mosq-") && id[5..].bytes().all(|b| b.is_ascii_alphanumeric()),
        "generated id {id:?}"
    );
    assert!(
        broker.wait_for_log(&format!("as {id} (p1, c1, k60)"), TIMEOUT),
        "{}",
        broker.log()
    );
    // MQTT 3.1.1: an empty id; the broker assigns one, log lines say "null".
    let c = Client::with_protocol(None, true, V311);
    c.enable_log();
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied()),
        0
    );
    let logs = c.log_texts();
    assert!(
        logs.contains(&"Client null sending CONNECT".to_string()),
        "{logs:?}"
    );
    assert!(
        logs.contains(&"Client null received CONNACK (0)".to_string()),
        "{logs:?}"
    );
    assert!(broker.wait_for_log("as auto-", TIMEOUT), "{}", broker.log());
}

#[test]
fn queued_messages_leave_in_publish_order() {
    // More QoS 1 and 2 messages than the in-flight window, published from this thread while the
    // loop thread handles the acknowledgements: the broker must receive them in mid order
    // (queued messages are released first in, first out; a new one never overtakes them).
    let broker = Broker::start();
    let topic = unique_topic("fifo");
    for (label, qos_of) in [
        ("QoS 1", (|_| 1) as fn(usize) -> i32),
        ("QoS 1 and 2", |i| 1 + (i % 2) as i32),
    ] {
        let id = client_id(&format!("fifo-{}", label.len()));
        let c = Client::new(Some(&id), true);
        assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
        assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
        assert_eq!(c.wait_connect(), 0);
        const N: usize = 500;
        let mut mids = Vec::new();
        for i in 0..N {
            let (rc, mid) = c.publish(&topic, format!("{i}").as_bytes(), qos_of(i), false);
            assert_eq!(rc, MOSQ_ERR_SUCCESS);
            mids.push(mid);
            if i % 50 == 0 {
                thread::sleep(Duration::from_millis(2));
            }
        }
        for mid in &mids {
            c.wait_published(*mid);
        }
        let received = mids_received_by_broker(&broker, &id);
        if received != mids {
            let first = received
                .iter()
                .zip(&mids)
                .position(|(a, b)| a != b)
                .unwrap_or(received.len().min(N));
            let from = first.saturating_sub(3);
            panic!(
                "{label}: the broker received the messages out of order from #{first}: mids {:?}, published {:?}",
                &received[from..(first + 6).min(received.len())],
                &mids[from..(first + 6).min(N)]
            );
        }
        finish(c);
    }
}
