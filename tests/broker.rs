//! The client library against a real broker (Debian's `mosquitto`), driven through the exported
//! C functions. Each test starts its own broker on free loopback ports and is bounded in time.

mod common;

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use common::broker::{PASSWORD, USER};
use common::client::{Client, Event, Msg, connects, disconnects, messages_on, publish_raw, subscribe_raw};
use common::consts::*;
use common::{Broker, BrokerConfig, TIMEOUT, pattern, unique_topic};
use mosquitto::capi::{callbacks, client as capi_client, connect, loop_, subscribe};

const PROTOCOLS: [i32; 3] = [V31, V311, V5];

/// A client id unique to this process.
fn client_id(label: &str) -> String {
    format!("{label}-{}", std::process::id())
}

/// The `pN` the broker logs for a protocol version.
fn broker_protocol_tag(version: i32) -> &'static str {
    match version {
        V31 => "p1",
        V311 => "p2",
        _ => "p5",
    }
}

/// A connected client with its own loop thread.
fn started(broker: &Broker, id: Option<&str>, version: i32) -> Client {
    let c = Client::with_protocol(id, true, version);
    assert_eq!(
        c.connect("127.0.0.1", broker.port, 60),
        MOSQ_ERR_SUCCESS,
        "mosquitto_connect"
    );
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS, "mosquitto_loop_start");
    assert_eq!(c.wait_connect(), 0, "on_connect rc");
    c
}

/// Disconnect cleanly and stop the loop thread, checking both return and the callback.
fn finish(c: Client) {
    let before = disconnects(&c.rec.events()).len();
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS, "mosquitto_disconnect");
    assert_eq!(
        c.wait_disconnect_n(before + 1),
        0,
        "on_disconnect rc after mosquitto_disconnect"
    );
    assert_eq!(
        stop_within(&c, false, TIMEOUT),
        Some(MOSQ_ERR_SUCCESS),
        "mosquitto_loop_stop"
    );
    c.destroy();
}

/// Call `mosquitto_loop_stop` in a helper thread; `None` if it did not return within `limit`.
fn stop_within(c: &Client, force: bool, limit: Duration) -> Option<i32> {
    let mosq = c.mosq();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mosq = mosq;
        // SAFETY: the handle outlives this call unless loop_stop hangs, in which case the test
        // fails and the process ends.
        let rc = unsafe { loop_::mosquitto_loop_stop(mosq.0, force) };
        let _ = tx.send(rc);
    });
    rx.recv_timeout(limit).ok()
}

#[test]
fn connect_gets_connack_for_each_protocol() {
    let broker = Broker::start();
    for version in PROTOCOLS {
        let id = client_id(&format!("connect-v{version}"));
        let c = started(&broker, Some(&id), version);
        let ev = c.rec.wait_for("on_connect_with_flags", TIMEOUT, |ev| {
            (ev.len() >= 2).then(|| ev.to_vec())
        });
        // on_connect, then on_connect_with_flags, with no session present (clean session).
        assert_eq!(
            &ev[..2],
            &[Event::Connect(0), Event::ConnectFlags(0, 0)],
            "v{version}: {ev:?}"
        );
        assert!(
            broker.wait_for_log(
                &format!("as {id} ({}, c1, k60)", broker_protocol_tag(version)),
                TIMEOUT
            ),
            "v{version}: broker did not log the connection:\n{}",
            broker.log()
        );
        finish(c);
        assert!(
            broker.wait_for_log(&format!("Client {id} disconnected."), TIMEOUT),
            "{}",
            broker.log()
        );
    }
}

#[test]
fn connect_to_closed_port_fails_with_errno() {
    let port = common::broker::free_port();
    let c = Client::new(None, true);
    assert_eq!(c.connect("127.0.0.1", port, 60), MOSQ_ERR_ERRNO);
    assert_eq!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(libc::ECONNREFUSED)
    );
    // No connection: the loop returns at once.
    assert_eq!(c.loop_once(1000), MOSQ_ERR_NO_CONN);
}

/// The payloads every protocol/QoS combination carries.
fn payload_set() -> Vec<Vec<u8>> {
    vec![
        b"hello".to_vec(),
        Vec::new(),
        (0..=255u8).collect(),
        vec![0u8; 17],
        pattern(100_000, 7),
    ]
}

fn check_roundtrip(broker: &Broker, version: i32, qos: i32) {
    let topic = unique_topic(&format!("rt-v{version}-q{qos}"));
    let sub = started(broker, None, version);
    assert_eq!(
        sub.subscribe_and_wait(&topic, 2),
        vec![2],
        "v{version} granted QoS"
    );
    let publ = started(broker, None, version);
    let payloads = payload_set();
    let mut mids = Vec::new();
    for p in &payloads {
        let (rc, mid) = publ.publish(&topic, p, qos, false);
        assert_eq!(rc, MOSQ_ERR_SUCCESS, "v{version} q{qos} publish");
        assert!(mid > 0, "a mid is generated for every QoS");
        mids.push(mid);
    }
    for mid in &mids {
        publ.wait_published(*mid);
    }
    let got = sub.wait_messages(&topic, payloads.len(), TIMEOUT);
    assert_eq!(got.len(), payloads.len(), "v{version} q{qos}: extra messages");
    for (m, p) in got.iter().zip(&payloads) {
        assert_eq!(m.payload.len(), p.len(), "v{version} q{qos}: payload length");
        assert!(m.payload == *p, "v{version} q{qos}: payload bytes differ");
        assert_eq!(m.qos, qos, "v{version}: received QoS");
        assert!(!m.retain, "v{version} q{qos}: retain flag");
        if qos == 0 {
            assert_eq!(m.mid, 0, "QoS 0 messages have mid 0");
        } else {
            assert!(m.mid > 0, "QoS {qos} messages have a mid");
        }
    }
    finish(publ);
    finish(sub);
}

#[test]
fn publish_subscribe_mqtt31() {
    let broker = Broker::start();
    for qos in 0..=2 {
        check_roundtrip(&broker, V31, qos);
    }
}

#[test]
fn publish_subscribe_mqtt311() {
    let broker = Broker::start();
    for qos in 0..=2 {
        check_roundtrip(&broker, V311, qos);
    }
}

#[test]
fn publish_subscribe_mqtt5() {
    let broker = Broker::start();
    for qos in 0..=2 {
        check_roundtrip(&broker, V5, qos);
    }
}

#[test]
fn two_megabyte_payload_is_intact() {
    let broker = Broker::start();
    for (version, qos) in [(V311, 0), (V311, 1), (V311, 2), (V5, 1)] {
        let topic = unique_topic("big");
        let sub = started(&broker, None, version);
        sub.subscribe_and_wait(&topic, 2);
        let publ = started(&broker, None, version);
        let payload = pattern(2 * 1024 * 1024, qos as u32 + 1);
        let (rc, mid) = publ.publish(&topic, &payload, qos, false);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        publ.wait_published(mid);
        let got = sub.wait_messages(&topic, 1, Duration::from_secs(30));
        assert_eq!(got[0].payload.len(), payload.len(), "v{version} q{qos}");
        assert!(
            got[0].payload == payload,
            "v{version} q{qos}: 2 MB payload differs"
        );
        assert_eq!(got[0].qos, qos);
        finish(publ);
        finish(sub);
    }
}

#[test]
fn retained_messages() {
    let broker = Broker::start();
    for version in PROTOCOLS {
        let topic = unique_topic(&format!("retained-v{version}"));
        let publ = started(&broker, None, version);
        // A subscriber present at publish time gets the message with retain 0.
        let live = started(&broker, None, version);
        live.subscribe_and_wait(&topic, 1);
        let (rc, mid) = publ.publish(&topic, b"kept", 1, true);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        publ.wait_published(mid);
        let got = live.wait_messages(&topic, 1, TIMEOUT);
        assert!(!got[0].retain, "v{version}: live subscribers get retain 0");

        // A later subscriber gets it with retain 1.
        let late = started(&broker, None, version);
        late.subscribe_and_wait(&topic, 1);
        let got = late.wait_messages(&topic, 1, TIMEOUT);
        assert_eq!(got[0].payload, b"kept");
        assert!(
            got[0].retain,
            "v{version}: retained message delivered with retain 1"
        );
        assert_eq!(got[0].qos, 1);

        // A zero-length retained message clears it.
        let (rc, mid) = publ.publish(&topic, b"", 1, true);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        publ.wait_published(mid);
        let after = started(&broker, None, version);
        after.subscribe_and_wait(&topic, 1);
        let (rc, mid) = publ.publish(&topic, b"marker", 1, false);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        publ.wait_published(mid);
        let got = after.wait_messages(&topic, 1, TIMEOUT);
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].payload, b"marker",
            "v{version}: the retained message was not cleared"
        );
        for c in [publ, live, late, after] {
            finish(c);
        }
    }
}

#[test]
fn will_on_abnormal_disconnect_only() {
    let broker = Broker::start();
    for version in [V31, V311, V5] {
        let topic = unique_topic(&format!("will-v{version}"));
        let watcher = started(&broker, None, version);
        watcher.subscribe_and_wait(&topic, 1);

        // Destroyed without DISCONNECT: the broker publishes the will.
        let a_id = client_id(&format!("will-a-v{version}"));
        let a = Client::with_protocol(Some(&a_id), true, version);
        assert_eq!(a.will_set(&topic, b"will-A", 1, false), MOSQ_ERR_SUCCESS);
        assert_eq!(a.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
        assert_eq!(a.loop_start(), MOSQ_ERR_SUCCESS);
        assert_eq!(a.wait_connect(), 0);
        a.destroy();
        let got = watcher.wait_messages(&topic, 1, TIMEOUT);
        assert_eq!(got[0].payload, b"will-A", "v{version}");
        assert_eq!(got[0].qos, 1);

        // A clean disconnect: no will.
        let b_id = client_id(&format!("will-b-v{version}"));
        let b = Client::with_protocol(Some(&b_id), true, version);
        assert_eq!(b.will_set(&topic, b"will-B", 1, false), MOSQ_ERR_SUCCESS);
        assert_eq!(b.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
        assert_eq!(b.loop_start(), MOSQ_ERR_SUCCESS);
        assert_eq!(b.wait_connect(), 0);
        finish(b);
        assert!(
            broker.wait_for_log(&format!("Client {b_id} disconnected."), TIMEOUT),
            "{}",
            broker.log()
        );
        // Anything the broker published because of B's disconnection precedes this marker.
        let marker = started(&broker, None, version);
        let (rc, mid) = marker.publish(&topic, b"marker", 1, false);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        marker.wait_published(mid);
        let got = watcher.wait_messages(&topic, 2, TIMEOUT);
        let payloads: Vec<&[u8]> = got.iter().map(|m| m.payload.as_slice()).collect();
        assert_eq!(
            payloads,
            vec![&b"will-A"[..], &b"marker"[..]],
            "v{version}: will after clean disconnect"
        );
        finish(marker);
        finish(watcher);
    }
}

#[test]
fn persistent_session_gets_messages_queued_while_offline() {
    let broker = Broker::start();
    for version in [V31, V311] {
        let topic = unique_topic(&format!("persist-v{version}"));
        let id = client_id(&format!("persist-v{version}"));
        let p = Client::with_protocol(Some(&id), false, version);
        assert_eq!(p.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
        assert_eq!(p.loop_start(), MOSQ_ERR_SUCCESS);
        assert_eq!(p.wait_connect(), 0);
        p.subscribe_and_wait(&topic, 1);
        finish(p);

        let publ = started(&broker, None, version);
        for i in 0..3 {
            let (rc, mid) = publ.publish(&topic, format!("queued-{i}").as_bytes(), 1, false);
            assert_eq!(rc, MOSQ_ERR_SUCCESS);
            publ.wait_published(mid);
        }
        finish(publ);

        let p = Client::with_protocol(Some(&id), false, version);
        assert_eq!(p.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
        assert_eq!(p.loop_start(), MOSQ_ERR_SUCCESS);
        assert_eq!(p.wait_connect(), 0);
        let flags = p.rec.wait_for("on_connect_with_flags", TIMEOUT, |ev| {
            ev.iter().find_map(|e| match e {
                Event::ConnectFlags(rc, flags) => Some((*rc, *flags)),
                _ => None,
            })
        });
        // MQTT 3.1 has no session present flag.
        let want = if version == V31 { (0, 0) } else { (0, 1) };
        assert_eq!(flags, want, "v{version}: CONNACK flags");
        let got = p.wait_messages(&topic, 3, TIMEOUT);
        let payloads: Vec<String> = got
            .iter()
            .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
            .collect();
        assert_eq!(payloads, ["queued-0", "queued-1", "queued-2"], "v{version}");
        assert!(got.iter().all(|m| m.qos == 1));
        finish(p);
    }
}

#[test]
fn password_listener_accepts_and_refuses() {
    let broker = Broker::start();
    for version in PROTOCOLS {
        // Right credentials.
        let c = Client::with_protocol(None, true, version);
        assert_eq!(c.username_pw_set(Some(USER), Some(PASSWORD)), MOSQ_ERR_SUCCESS);
        assert_eq!(c.connect("127.0.0.1", broker.auth_port, 60), MOSQ_ERR_SUCCESS);
        let rc = c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied());
        assert_eq!(rc, 0, "v{version}: right password refused");
        assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
        c.pump_for("on_disconnect", TIMEOUT, |ev| disconnects(ev).first().copied());
        assert_eq!(disconnects(&c.rec.events()), vec![0]);

        // Wrong password, and no credentials at all.
        for (user, password) in [(Some(USER), Some("wrong")), (None, None)] {
            let c = Client::with_protocol(None, true, version);
            assert_eq!(c.username_pw_set(user, password), MOSQ_ERR_SUCCESS);
            assert_eq!(c.connect("127.0.0.1", broker.auth_port, 60), MOSQ_ERR_SUCCESS);
            let ev = c.pump_for("refusal and on_disconnect", TIMEOUT, |ev| {
                (!connects(ev).is_empty() && !disconnects(ev).is_empty()).then(|| ev.to_vec())
            });
            let (want_connack, want_disconnect) = if version == V5 {
                // v5: reason 135 "not authorized"; reason codes above 5 map to MOSQ_ERR_PROTOCOL.
                (135, MOSQ_ERR_PROTOCOL)
            } else {
                (5, MOSQ_ERR_CONN_REFUSED)
            };
            assert_eq!(
                connects(&ev),
                vec![want_connack],
                "v{version} {user:?}: on_connect rc"
            );
            assert_eq!(
                disconnects(&ev),
                vec![want_disconnect],
                "v{version} {user:?}: on_disconnect rc"
            );
            // The connection is gone.
            assert_eq!(
                c.loop_once(10),
                MOSQ_ERR_NO_CONN,
                "v{version} {user:?}: loop after refusal"
            );
        }
    }
}

#[test]
fn loop_start_with_publishes_from_other_threads() {
    let broker = Broker::start();
    let topic = unique_topic("threads");
    let sub = started(&broker, None, V311);
    sub.subscribe_and_wait(&format!("{topic}/#"), 2);
    let publ_id = client_id("threads-pub");
    let publ = Arc::new(started(&broker, Some(&publ_id), V311));
    const THREADS: usize = 4;
    const EACH: usize = 100;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let publ = publ.clone();
            let topic = format!("{topic}/{t}");
            thread::spawn(move || {
                let mut mids = Vec::new();
                // One QoS per thread: QoS 0 messages overtake QoS 1 and 2 ones waiting for an
                // in-flight slot, so order is only kept within one QoS.
                let qos = (t % 3) as i32;
                for i in 0..EACH {
                    let (rc, mid) = publ.publish(&topic, format!("{t}:{i}").as_bytes(), qos, false);
                    assert_eq!(rc, MOSQ_ERR_SUCCESS, "publish from thread {t}");
                    mids.push(mid);
                }
                mids
            })
        })
        .collect();
    let per_thread: Vec<Vec<i32>> = handles
        .into_iter()
        .map(|h| h.join().expect("publisher thread"))
        .collect();
    let mut all_mids: Vec<i32> = per_thread.iter().flatten().copied().collect();
    all_mids.sort_unstable();
    let n = all_mids.len();
    all_mids.dedup();
    assert_eq!(all_mids.len(), n, "mids must be unique");
    // Every publish is acknowledged by on_publish.
    publ.rec
        .wait_for("on_publish for every message", Duration::from_secs(20), |ev| {
            let published: Vec<i32> = ev
                .iter()
                .filter_map(|e| match e {
                    Event::Publish(m) => Some(*m),
                    _ => None,
                })
                .collect();
            all_mids.iter().all(|m| published.contains(m)).then_some(())
        });
    // The broker received each thread's QoS 1 and 2 messages in the order they were published.
    let received = mids_received_by_broker(&broker, &publ_id);
    for (t, mids) in per_thread.iter().enumerate().filter(|(t, _)| t % 3 != 0) {
        let order: Vec<i32> = received.iter().copied().filter(|m| mids.contains(m)).collect();
        if &order != mids {
            let first = order.iter().zip(mids).position(|(a, b)| a != b).unwrap_or(0);
            let from = first.saturating_sub(2);
            panic!(
                "thread {t} (QoS {}): the broker received message #{first} out of order: mids {:?}, published {:?}",
                t % 3,
                &order[from..(first + 5).min(order.len())],
                &mids[from..(first + 5).min(mids.len())]
            );
        }
    }
    // Every message arrives. (Not necessarily in order: when its in-flight window to a
    // subscriber is full, this broker may send a newly arrived message before queued ones.)
    for t in 0..THREADS {
        let t_topic = format!("{topic}/{t}");
        let got = sub.wait_messages(&t_topic, EACH, Duration::from_secs(20));
        let mut have: Vec<String> = got
            .iter()
            .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
            .collect();
        have.sort();
        let mut want: Vec<String> = (0..EACH).map(|i| format!("{t}:{i}")).collect();
        want.sort();
        assert_eq!(have, want, "messages of thread {t}");
    }
    let publ = Arc::try_unwrap(publ).ok().expect("publisher still shared");
    finish(publ);
    finish(sub);
}

#[test]
fn loop_forever_ends_on_disconnect_from_another_thread() {
    let broker = Broker::start();
    let topic = unique_topic("forever");
    let c = Arc::new(Client::new(None, true));
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    let (tx, rx) = mpsc::channel();
    let mosq = c.mosq();
    thread::spawn(move || {
        let mosq = mosq;
        // SAFETY: the client outlives this thread's use of it (the test waits for the result).
        let rc = unsafe { loop_::mosquitto_loop_forever(mosq.0, -1, 1) };
        let _ = tx.send(rc);
    });
    assert_eq!(c.wait_connect(), 0);
    c.subscribe_and_wait(&topic, 1);
    let (rc, mid) = c.publish(&topic, b"to myself", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert_eq!(c.wait_messages(&topic, 1, TIMEOUT)[0].payload, b"to myself");
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    let rc = rx
        .recv_timeout(TIMEOUT)
        .expect("mosquitto_loop_forever did not return after mosquitto_disconnect");
    assert_eq!(rc, MOSQ_ERR_SUCCESS, "mosquitto_loop_forever return code");
    assert_eq!(disconnects(&c.rec.events()), vec![0]);
}

#[test]
fn external_loop_with_socket_and_poll() {
    let broker = Broker::start();
    let topic = unique_topic("external");
    let c = Client::new(None, true);
    assert_eq!(c.socket(), -1, "no socket before connect");
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);

    // The application's own event loop: poll the socket, then read, write and run the misc step.
    let drive = |what: &str, done: &dyn Fn(&[Event]) -> bool| {
        let deadline = common::now() + TIMEOUT;
        while !done(&c.rec.events()) {
            assert!(
                common::now() < deadline,
                "timed out waiting for {what}; events:\n{}",
                c.rec.dump()
            );
            let fd = c.socket();
            assert!(fd >= 0, "socket closed while waiting for {what}");
            let events = libc::POLLIN | if c.want_write() { libc::POLLOUT } else { 0 };
            let mut pfd = libc::pollfd {
                fd,
                events,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let n = unsafe { libc::poll(&mut pfd, 1, 50) };
            assert!(n >= 0, "poll failed");
            if pfd.revents & libc::POLLIN != 0 {
                assert_eq!(c.loop_read(), MOSQ_ERR_SUCCESS, "loop_read");
            }
            if pfd.revents & libc::POLLOUT != 0 {
                assert_eq!(c.loop_write(), MOSQ_ERR_SUCCESS, "loop_write");
            }
            assert_eq!(c.loop_misc(), MOSQ_ERR_SUCCESS, "loop_misc");
        }
    };
    drive("CONNACK", &|ev| !connects(ev).is_empty());
    assert_eq!(connects(&c.rec.events()), vec![0]);
    let (rc, mid) = c.subscribe(&topic, 2);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    drive("SUBACK", &|ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Subscribe(m, _) if *m == mid))
    });
    for qos in 0..=2 {
        let (rc, _) = c.publish(&topic, format!("external q{qos}").as_bytes(), qos, false);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
    }
    drive("three messages", &|ev| messages_on(ev, &topic).len() >= 3);
    let got = messages_on(&c.rec.events(), &topic);
    assert_eq!(got.iter().map(|m| m.qos).collect::<Vec<_>>(), vec![0, 1, 2]);
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    // The DISCONNECT may still need writing.
    let deadline = common::now() + TIMEOUT;
    while c.want_write() {
        assert!(common::now() < deadline, "DISCONNECT never written");
        let rc = c.loop_write();
        assert!(
            rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_NO_CONN,
            "loop_write rc {rc}"
        );
    }
    c.rec.wait_for("on_disconnect", TIMEOUT, |ev| {
        (!disconnects(ev).is_empty()).then_some(())
    });
    assert_eq!(disconnects(&c.rec.events()), vec![0]);
    assert_eq!(c.socket(), -1, "socket after disconnect");
    assert_eq!(c.loop_misc(), MOSQ_ERR_NO_CONN);
}

#[test]
fn reconnects_after_broker_restart() {
    let mut broker = Broker::start();
    let topic = unique_topic("restart");
    let c = Client::new(Some(&client_id("restart")), true);
    assert_eq!(c.reconnect_delay_set(1, 1, false), MOSQ_ERR_SUCCESS);
    let resubscribe = topic.clone();
    c.set_hook(move |mosq, e| {
        if let Event::Connect(0) = e {
            // Renew the subscription on every connection, as applications do.
            let (rc, _) = subscribe_raw(mosq, &resubscribe, 1);
            assert_eq!(rc, MOSQ_ERR_SUCCESS, "subscribe in on_connect");
        }
    });
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    c.rec.wait_for("first SUBACK", TIMEOUT, |ev| {
        ev.iter().any(|e| matches!(e, Event::Subscribe(..))).then_some(())
    });

    broker.stop();
    let rc = c.wait_disconnect_n(1);
    assert_ne!(rc, 0, "a lost connection is reported with an error code");
    broker.restart();
    let rc = c.rec.wait_for("reconnection", Duration::from_secs(20), |ev| {
        connects(ev).get(1).copied()
    });
    assert_eq!(rc, 0);
    // One on_disconnect for the one lost connection, however many reconnection attempts failed.
    assert_eq!(
        disconnects(&c.rec.events()).len(),
        1,
        "on_disconnect calls:\n{}",
        c.rec.dump()
    );
    c.rec.wait_for("second SUBACK", TIMEOUT, |ev| {
        (ev.iter().filter(|e| matches!(e, Event::Subscribe(..))).count() >= 2).then_some(())
    });
    let (rc, mid) = c.publish(&topic, b"after restart", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert_eq!(c.wait_messages(&topic, 1, TIMEOUT)[0].payload, b"after restart");
    finish(c);
}

#[test]
fn keepalive_sends_pingreq() {
    let broker = Broker::start();
    let id = client_id("ping");
    let c = Client::new(Some(&id), true);
    c.enable_log();
    assert_eq!(c.connect("127.0.0.1", broker.port, 5), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    let ping = format!("Client {id} sending PINGREQ");
    let pong = format!("Client {id} received PINGRESP");
    c.rec
        .wait_for("PINGREQ and PINGRESP", Duration::from_secs(10), |ev| {
            let logs: Vec<&str> = ev
                .iter()
                .filter_map(|e| match e {
                    Event::Log(_, t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            let i = logs.iter().position(|l| *l == ping)?;
            logs[i..].contains(&pong.as_str()).then_some(())
        });
    assert!(
        disconnects(&c.rec.events()).is_empty(),
        "the connection must stay up:\n{}",
        c.rec.dump()
    );
    assert!(
        broker.wait_for_log(&format!("Received PINGREQ from {id}"), TIMEOUT),
        "{}",
        broker.log()
    );
    finish(c);
}

#[test]
fn keepalive_exceeded_when_the_broker_stops_answering() {
    let broker = Broker::start();
    let c = Client::new(None, true);
    assert_eq!(c.connect("127.0.0.1", broker.port, 5), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied()),
        0
    );
    broker.signal(libc::SIGSTOP);
    // PINGREQ after 5 s, no PINGRESP within the next 5 s: MOSQ_ERR_KEEPALIVE.
    let rc = c.pump_for("keepalive expiry", Duration::from_secs(15), |ev| {
        disconnects(ev).first().copied()
    });
    broker.signal(libc::SIGCONT);
    assert_eq!(rc, MOSQ_ERR_KEEPALIVE, "on_disconnect rc");
    assert_eq!(c.loop_once(10), MOSQ_ERR_NO_CONN);
}

#[test]
fn callbacks_call_the_api_on_their_own_handle() {
    let broker = Broker::start();
    let base = unique_topic("reentrant");
    let (ta, tb, tc, td) = (
        format!("{base}/a"),
        format!("{base}/b"),
        format!("{base}/c"),
        format!("{base}/d"),
    );
    let c = Client::new(None, true);
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let check = {
        let errors = errors.clone();
        move |what: &str, rc: i32| {
            if rc != MOSQ_ERR_SUCCESS {
                errors.lock().unwrap().push(format!("{what} returned {rc}"));
            }
        }
    };
    let received = Arc::new(AtomicI32::new(0));
    {
        let (base, ta, tb, tc, td) = (base.clone(), ta.clone(), tb.clone(), tc.clone(), td.clone());
        let received = received.clone();
        c.set_hook(move |mosq, e| match e {
            Event::Connect(0) => {
                check(
                    "subscribe in on_connect",
                    subscribe_raw(mosq, &format!("{base}/#"), 2).0,
                );
                check(
                    "publish in on_connect",
                    publish_raw(mosq, &ta, b"from on_connect", 1, false).0,
                );
            }
            Event::Subscribe(..) => {
                check(
                    "publish in on_subscribe",
                    publish_raw(mosq, &tb, b"from on_subscribe", 2, false).0,
                );
            }
            Event::Message(m) => {
                if m.topic == ta {
                    check(
                        "publish in on_message",
                        publish_raw(mosq, &tc, b"from on_message", 0, false).0,
                    );
                }
                if received.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
                    // All three arrived: unsubscribe, then publish something nobody will get.
                    let sub = std::ffi::CString::new(format!("{base}/#")).unwrap();
                    let mut mid = 0;
                    // SAFETY: a valid handle and topic.
                    let rc = unsafe { subscribe::mosquitto_unsubscribe(mosq.0, &mut mid, sub.as_ptr()) };
                    check("unsubscribe in on_message", rc);
                    check(
                        "publish after unsubscribe",
                        publish_raw(mosq, &td, b"unseen", 1, false).0,
                    );
                }
            }
            Event::Unsubscribe(_) => {
                // Replacing callbacks from inside a callback (upstream deadlocks here).
                // SAFETY: a valid handle.
                unsafe {
                    callbacks::mosquitto_message_callback_set(mosq.0, None);
                    callbacks::mosquitto_subscribe_callback_set(mosq.0, None);
                }
            }
            Event::Publish(_) => {}
            _ => {}
        });
    }
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    c.rec.wait_for("on_unsubscribe", TIMEOUT, |ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Unsubscribe(_)))
            .then_some(())
    });
    // The publish to `d` after the unsubscribe is acknowledged but never delivered.
    c.rec.wait_for("five on_publish", TIMEOUT, |ev| {
        (ev.iter().filter(|e| matches!(e, Event::Publish(_))).count() >= 4).then_some(())
    });
    // A disconnect from inside a callback ends the connection cleanly.
    c.set_hook(|mosq, e| {
        if let Event::Publish(_) = e {
            // SAFETY: a valid handle.
            let rc = unsafe { connect::mosquitto_disconnect(mosq.0) };
            assert_eq!(rc, MOSQ_ERR_SUCCESS, "disconnect in on_publish");
        }
    });
    let (rc, _) = c.publish(&base, b"last", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.rec
        .wait_for("on_disconnect", TIMEOUT, |ev| disconnects(ev).first().copied());
    assert_eq!(stop_within(&c, false, TIMEOUT), Some(MOSQ_ERR_SUCCESS));
    assert!(errors.lock().unwrap().is_empty(), "{:?}", errors.lock().unwrap());
    let ev = c.rec.events();
    let mut topics: Vec<String> = ev
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(m.topic.clone()),
            _ => None,
        })
        .collect();
    topics.sort();
    assert_eq!(topics, vec![ta, tb, tc], "messages received:\n{}", c.rec.dump());
    assert_eq!(disconnects(&ev), vec![0]);
}

#[test]
fn destroy_from_inside_a_callback_in_the_loop_thread() {
    let broker = Broker::start();
    let topic = unique_topic("destroy-cb");
    let id = client_id("destroy-cb");
    let c = started(&broker, Some(&id), V311);
    c.subscribe_and_wait(&topic, 0);
    let destroyed = Arc::new(AtomicBool::new(false));
    {
        let destroyed = destroyed.clone();
        c.set_hook(move |mosq, e| {
            if let Event::Message(_) = e {
                if !destroyed.swap(true, Ordering::SeqCst) {
                    // SAFETY: the application's handle, destroyed exactly once.
                    unsafe { capi_client::mosquitto_destroy(mosq.0) };
                }
            }
        });
    }
    let (rc, _) = c.publish(&topic, b"destroy me", 0, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    // The handle now belongs to the callback that destroys it.
    let rec = c.forget();
    assert!(
        common::poll_until(TIMEOUT, || destroyed.load(Ordering::SeqCst).then_some(())).is_some(),
        "no message; events:\n{}",
        rec.dump()
    );
    // The client closed its connection without DISCONNECT.
    assert!(
        broker.wait_for_log(&format!("Client {id} closed its connection."), TIMEOUT),
        "broker log:\n{}",
        broker.log()
    );
    // Give a wrong implementation time to touch freed memory before the recorder goes away.
    thread::sleep(Duration::from_millis(200));
    drop(rec);
}

#[test]
fn destroy_from_inside_a_callback_of_mosquitto_loop() {
    let broker = Broker::start();
    let topic = unique_topic("destroy-loop");
    let c = Client::new(None, true);
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied()),
        0
    );
    let (rc, mid) = c.subscribe(&topic, 0);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.pump_for("SUBACK", TIMEOUT, |ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Subscribe(m, _) if *m == mid))
            .then_some(())
    });
    let destroyed = Arc::new(AtomicBool::new(false));
    {
        let destroyed = destroyed.clone();
        c.set_hook(move |mosq, e| {
            if let Event::Message(_) = e {
                if !destroyed.swap(true, Ordering::SeqCst) {
                    // SAFETY: the application's handle, destroyed exactly once.
                    unsafe { capi_client::mosquitto_destroy(mosq.0) };
                }
            }
        });
    }
    let (rc, _) = c.publish(&topic, b"destroy me", 0, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    let raw = c.raw();
    let rec = c.forget();
    let deadline = common::now() + TIMEOUT;
    while !destroyed.load(Ordering::SeqCst) {
        assert!(common::now() < deadline, "no message; events:\n{}", rec.dump());
        // SAFETY: not destroyed yet (the flag is set inside the call that destroys it).
        unsafe { loop_::mosquitto_loop(raw, 20, 1) };
    }
    drop(rec);
}

/// Start `mosquitto_loop_stop(force)` in a helper thread; its result arrives on the channel.
fn stop_in_background(c: &Client, force: bool) -> mpsc::Receiver<i32> {
    let mosq = c.mosq();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mosq = mosq;
        // SAFETY: the test keeps the client alive until this call has returned (or leaks it).
        let rc = unsafe { loop_::mosquitto_loop_stop(mosq.0, force) };
        let _ = tx.send(rc);
    });
    rx
}

#[test]
fn loop_stop_without_force_waits_for_disconnect() {
    // Programs call mosquitto_loop_stop(mosq, false) and then expect the loop thread to keep
    // running until a disconnect (from a callback or another thread) ends it; Debian's
    // mosquitto_pub -l does exactly this: loop_stop first, disconnect from on_publish of the
    // last message.
    let broker = Broker::start();
    let topic = unique_topic("stop-waits");
    let watcher = started(&broker, None, V311);
    watcher.subscribe_and_wait(&topic, 1);
    let c = started(&broker, None, V311);
    const N: usize = 200;
    let last_mid = Arc::new(AtomicI32::new(-1));
    {
        let last_mid = last_mid.clone();
        c.set_hook(move |mosq, e| {
            if let Event::Publish(mid) = e {
                if *mid == last_mid.load(Ordering::SeqCst) {
                    // SAFETY: a valid handle.
                    let rc = unsafe { connect::mosquitto_disconnect(mosq.0) };
                    assert_eq!(rc, MOSQ_ERR_SUCCESS, "disconnect in on_publish");
                }
            }
        });
    }
    let mut mid = 0;
    for i in 0..N {
        let (rc, m) = c.publish(&topic, format!("{i}:{}", "x".repeat(5000)).as_bytes(), 1, false);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        mid = m;
    }
    last_mid.store(mid, Ordering::SeqCst);
    let stopped = stop_in_background(&c, false);
    match stopped.recv_timeout(Duration::from_secs(15)) {
        Ok(rc) => assert_eq!(rc, MOSQ_ERR_SUCCESS),
        Err(_) => {
            std::mem::forget(c);
            panic!("mosquitto_loop_stop(false) did not return after the disconnect");
        }
    }
    let got = watcher.wait_messages(&topic, N, TIMEOUT);
    assert_eq!(
        got.len(),
        N,
        "every message was sent before the loop thread ended"
    );
    assert_eq!(disconnects(&c.rec.events()), vec![0], "{}", c.rec.dump());

    // Without a disconnect it keeps waiting; a disconnect from another thread releases it.
    let c = started(&broker, None, V311);
    let stopped = stop_in_background(&c, false);
    thread::sleep(Duration::from_millis(1500));
    assert!(
        stopped.try_recv().is_err(),
        "mosquitto_loop_stop(false) returned while the client was still connected"
    );
    // The loop thread is still serving the connection.
    let (rc, mid) = c.publish(&topic, b"still running", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    match stopped.recv_timeout(TIMEOUT) {
        Ok(rc) => assert_eq!(rc, MOSQ_ERR_SUCCESS),
        Err(_) => {
            std::mem::forget(c);
            panic!("mosquitto_loop_stop(false) did not return after mosquitto_disconnect");
        }
    }
    finish(watcher);
}

#[test]
fn loop_stop_with_force_returns_at_once() {
    let broker = Broker::start();
    let c = started(&broker, None, V311);
    assert_eq!(
        stop_within(&c, true, Duration::from_secs(5)),
        Some(MOSQ_ERR_SUCCESS)
    );
    // A second stop: no loop thread any more.
    assert_eq!(
        stop_within(&c, true, Duration::from_secs(5)),
        Some(MOSQ_ERR_INVAL)
    );
    c.destroy();
    // A loop thread that never saw a connect call.
    let c = Client::new(None, true);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_INVAL, "a second loop_start");
    assert_eq!(
        stop_within(&c, true, Duration::from_secs(5)),
        Some(MOSQ_ERR_SUCCESS)
    );
    // destroy with a running loop thread stops it.
    let c = started(&broker, None, V311);
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        c.destroy();
        let _ = tx.send(());
    });
    rx.recv_timeout(Duration::from_secs(5))
        .expect("mosquitto_destroy with a running loop thread hung");
}

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

/// The mids in the order the broker logged receiving them from `id`.
fn mids_received_by_broker(broker: &Broker, id: &str) -> Vec<i32> {
    let prefix = format!("Received PUBLISH from {id} (d");
    broker
        .log()
        .lines()
        .filter_map(|l| {
            l.split_once(&prefix)?
                .1
                .split_once(", m")?
                .1
                .split(',')
                .next()?
                .parse()
                .ok()
        })
        .collect()
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
