//! The client library against a real broker (Debian's `mosquitto`), driven through the exported
//! C functions: connecting, publishing and subscribing at every QoS, retained messages, wills,
//! persistent sessions, passwords. Each test starts its own broker on free loopback ports and is
//! bounded in time.

mod broker;
mod common;

use std::time::Duration;

use common::broker::{PASSWORD, USER};
use common::client::{Client, Event, connects, disconnects};
use common::consts::*;
use common::{Broker, TIMEOUT, pattern, unique_topic};

use broker::*;

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
