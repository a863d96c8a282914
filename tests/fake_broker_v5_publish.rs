//! MQTT v5 against the scripted fake server: PUBLISH with properties, receiving properties, and
//! acknowledgements.
//!
//! Every case runs its own server on 127.0.0.1:0 and every wait is bounded. Expected bytes are
//! those libmosquitto 2.0 puts on the wire for the same calls.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;
mod fake_broker_v5;

use std::ffi::{c_char, c_int, c_void};
use std::time::Duration;

use ::mosquitto::capi::types::{mosquitto as Mosq, mosquitto_message, mosquitto_property};
use ::mosquitto::capi::{callbacks, property, publish};
use common::client::*;
use common::consts::*;
use common::fake::*;
use common::props::*;

use fake_broker_v5::*;

// ---------------------------------------------------------------------------------------------
// PUBLISH with properties
// ---------------------------------------------------------------------------------------------

#[test]
fn publish_v5_properties_exact_bytes_and_order() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.expect(&h("32 3c 00 03 'a/b' 00 01 32 \
                     01 01  02 00 00 01 2c  03 00 0a 'text/plain'  08 00 03 'r/t' \
                     09 00 03 00 01 02  26 00 02 'k1' 00 02 'v1'  26 00 02 'k2' 00 02 'v2' \
                     'hi'"))?;
        p.send(&h("40 02 00 01"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    let props = Props::new()
        .byte(PROP_PAYLOAD_FORMAT_INDICATOR, 1)
        .int32(PROP_MESSAGE_EXPIRY_INTERVAL, 300)
        .string(PROP_CONTENT_TYPE, "text/plain")
        .string(PROP_RESPONSE_TOPIC, "r/t")
        .binary(PROP_CORRELATION_DATA, &[0, 1, 2])
        .user("k1", "v1")
        .user("k2", "v2");
    assert_eq!(
        c.publish_v5(Some("a/b"), b"hi", 1, false, props.ptr()),
        (MOSQ_ERR_SUCCESS, 1)
    );
    // The message was copied: the list can go before the message is acknowledged.
    drop(props);
    assert!(
        c.run_until(STEP, |e| has(e, &Event::PublishV5Props(1, 0, None))),
        "{}",
        c.dump()
    );
    let mut want = connected_v5();
    want.extend([Event::Publish(1), Event::PublishV5Props(1, 0, None)]);
    assert_eq!(c.events(), want);
    server.check();
}

#[test]
fn publish_v5_topic_alias() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&h("20 06 00 00 03 22 00 0a"))?;
        p.expect(&h("30 0a 00 03 'a/b' 03 23 00 03 'x'"))?;
        // NULL and empty topics with the alias: a zero-length topic.
        p.expect(&h("30 07 00 00 03 23 00 03 'y'"))?;
        p.expect(&h("30 07 00 00 03 23 00 03 'z'"))?;
        p.expect(&h("30 05 00 01 't' 00 'w'"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5);
    connect_and_wait(&c, &server);
    let alias = Props::new().int16(PROP_TOPIC_ALIAS, 3);
    assert_eq!(
        c.publish_v5(Some("a/b"), b"x", 0, false, alias.ptr()),
        (MOSQ_ERR_SUCCESS, 1)
    );
    assert_eq!(
        c.publish_v5(None, b"y", 0, false, alias.ptr()),
        (MOSQ_ERR_SUCCESS, 2)
    );
    assert_eq!(
        c.publish_v5(Some(""), b"z", 0, false, alias.ptr()),
        (MOSQ_ERR_SUCCESS, 3)
    );
    // Without an alias a topic is required; no message id is used.
    let other = Props::new().string(PROP_CONTENT_TYPE, "c");
    for props in [std::ptr::null(), other.ptr()] {
        assert_eq!(c.publish_v5(None, b"n", 0, false, props), (MOSQ_ERR_INVAL, -1));
        assert_eq!(
            c.publish_v5(Some(""), b"n", 0, false, props),
            (MOSQ_ERR_INVAL, -1)
        );
    }
    assert_eq!(c.publish("t", b"w", 0, false), (MOSQ_ERR_SUCCESS, 4));
    c.run_for(Duration::from_millis(100));
    server.check();
}

#[test]
fn publish_v5_refused_properties() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        // Only the last, valid, publish reaches the server, with the first message id.
        p.expect(&h("30 05 00 01 't' 00 'x'"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5);
    connect_and_wait(&c, &server);
    let session = Props::new().int32(PROP_SESSION_EXPIRY_INTERVAL, 3);
    assert_eq!(
        c.publish_v5(Some("t"), b"x", 1, false, session.ptr()),
        (MOSQ_ERR_PROTOCOL, -1)
    );
    let alias_zero = Props::new().int16(PROP_TOPIC_ALIAS, 0);
    assert_eq!(
        c.publish_v5(Some("t"), b"x", 0, false, alias_zero.ptr()),
        (MOSQ_ERR_PROTOCOL, -1)
    );
    let twice = Props::new()
        .string(PROP_CONTENT_TYPE, "a")
        .string(PROP_CONTENT_TYPE, "b");
    assert_eq!(
        c.publish_v5(Some("t"), b"x", 0, false, twice.ptr()),
        (MOSQ_ERR_DUPLICATE_PROPERTY, -1)
    );
    assert_eq!(c.publish("t", b"x", 0, false), (MOSQ_ERR_SUCCESS, 1));
    c.run_for(Duration::from_millis(100));
    server.check();

    // Properties on a 3.1.1 client, connected or not.
    let c4 = Client::logging(None, true, V311);
    let ct = Props::new().string(PROP_CONTENT_TYPE, "a");
    assert_eq!(
        c4.publish_v5(Some("t"), b"x", 0, false, ct.ptr()),
        (MOSQ_ERR_NOT_SUPPORTED, -1)
    );
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.expect(&h("30 04 00 01 't' 'x'"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    connect_and_wait(&c4, &server);
    assert_eq!(
        c4.publish_v5(Some("t"), b"x", 1, false, ct.ptr()),
        (MOSQ_ERR_NOT_SUPPORTED, -1)
    );
    assert_eq!(c4.publish("t", b"x", 0, false), (MOSQ_ERR_SUCCESS, 1));
    c4.run_for(Duration::from_millis(100));
    server.check();
}

/// Forwards each message from inside `on_message_v5` with the list the callback received.
unsafe extern "C" fn forward_message(
    mosq: *mut Mosq,
    ud: *mut c_void,
    _: *const mosquitto_message,
    props: *const mosquitto_property,
) {
    let mut mid: c_int = -1;
    // SAFETY: the library passes its client and a list valid for the call; topic and payload
    // are valid.
    let rc = unsafe {
        publish::mosquitto_publish_v5(
            mosq,
            &mut mid,
            c"fwd".as_ptr(),
            1,
            c"f".as_ptr().cast(),
            0,
            false,
            props,
        )
    };
    // SAFETY: userdata is the test's recorder.
    unsafe { recorder(ud) }.push(Event::PublishCall(rc, mid));
}

/// A list the library handed to a callback, passed back to publish_v5, contributes only its
/// first property (libmosquitto behaviour, BEHAVIOUR §4).
#[test]
fn publish_v5_with_a_received_list_sends_only_its_first_property() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.send(&publish_pkt(
            0,
            "t",
            None,
            &h("03 00 01 'a'  26 00 01 'k' 00 01 'v'  09 00 02 00 00"),
            b"P",
        ))?;
        p.expect(&h("30 0b 00 03 'fwd' 04 03 00 01 'a' 'f'"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5);
    // SAFETY: valid client; the callback has the signature the setter expects.
    unsafe { callbacks::mosquitto_message_v5_callback_set(c.raw(), Some(forward_message)) };
    connect_and_wait(&c, &server);
    assert!(c.run_until(STEP, |e| has(e, &Event::Publish(1))), "{}", c.dump());
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            msg(0, "t", b"P", 0, false),
            Event::PublishCall(MOSQ_ERR_SUCCESS, 1),
            Event::Publish(1)
        ]
    );
    server.check();
}

// ---------------------------------------------------------------------------------------------
// Receiving properties; acknowledgements
// ---------------------------------------------------------------------------------------------

#[test]
fn on_message_v5_receives_the_publish_properties() {
    let props = h(
        "01 01  02 00 00 00 0a  03 00 04 'json'  08 00 03 'r/1'  09 00 04 00 'i' 00 ff \
                   0b ac 02  26 00 01 'a' 00 01 '1'  26 00 01 'a' 00 01 '2'",
    );
    let q1 = publish_pkt(0x02, "m/1", Some(5), &props, b"one");
    let q2 = publish_pkt(0x04, "m/2", Some(6), &props, b"two");
    let server = FakeServer::start(move |p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.send(&q1)?;
        p.expect(&h("40 02 00 05"))?;
        p.send(&q2)?;
        p.expect(&h("50 02 00 06"))?;
        p.send(&h("62 02 00 06"))?;
        p.expect(&h("70 02 00 06"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    assert!(
        c.run_until(STEP, |e| e
            .iter()
            .filter(|e| matches!(e, Event::MessageV5 { .. }))
            .count()
            == 2),
        "{}",
        c.dump()
    );
    c.run_for(Duration::from_millis(50));
    let read_back = Some(vec![
        Prop::Byte(PROP_PAYLOAD_FORMAT_INDICATOR, 1),
        Prop::Int32(PROP_MESSAGE_EXPIRY_INTERVAL, 10),
        Prop::Str(PROP_CONTENT_TYPE, s("json")),
        Prop::Str(PROP_RESPONSE_TOPIC, s("r/1")),
        Prop::Binary(PROP_CORRELATION_DATA, vec![0, b'i', 0, 0xff]),
        Prop::VarInt(PROP_SUBSCRIPTION_IDENTIFIER, 300),
        Prop::Pair(PROP_USER_PROPERTY, s("a"), s("1")),
        Prop::Pair(PROP_USER_PROPERTY, s("a"), s("2")),
    ]);
    let message = |mid, topic: &str, payload: &[u8], qos| Event::MessageV5 {
        mid,
        topic: topic.into(),
        payload: payload.into(),
        qos,
        retain: false,
        props: read_back.clone(),
    };
    let mut want = connected_v5();
    want.extend([
        msg(5, "m/1", b"one", 1, false),
        message(5, "m/1", b"one", 1),
        msg(6, "m/2", b"two", 2, false),
        message(6, "m/2", b"two", 2),
    ]);
    assert_eq!(c.events(), want);
    server.check();
}

/// Reads the second user property of a list with `skip_first`, as C programs do.
#[test]
fn reading_repeated_user_properties_with_skip_first() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.send(&publish_pkt(
            0,
            "t",
            None,
            &h("26 00 01 'a' 00 01 '1'  03 00 01 'c'  26 00 01 'b' 00 01 '2'"),
            b"",
        ))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5);
    // SAFETY: valid client; the callback has the signature the setter expects.
    unsafe { callbacks::mosquitto_message_v5_callback_set(c.raw(), Some(walk_user_properties)) };
    connect_and_wait(&c, &server);
    assert!(c.run_until(STEP, |e| e.len() >= 3), "{}", c.dump());
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            msg(0, "t", b"", 0, false),
            Event::Note(s("a=1 b=2 end"))
        ]
    );
    server.check();
}

unsafe extern "C" fn walk_user_properties(
    _: *mut Mosq,
    ud: *mut c_void,
    _: *const mosquitto_message,
    props: *const mosquitto_property,
) {
    let mut note = Vec::new();
    let mut cur = props;
    let mut skip_first = false;
    loop {
        let mut name: *mut c_char = std::ptr::null_mut();
        let mut value: *mut c_char = std::ptr::null_mut();
        // SAFETY: `cur` is a node of the live list; the outputs are writable.
        cur = unsafe {
            property::mosquitto_property_read_string_pair(
                cur,
                c_int::from(PROP_USER_PROPERTY),
                &mut name,
                &mut value,
                skip_first,
            )
        };
        if cur.is_null() {
            note.push(s("end"));
            break;
        }
        // SAFETY: the library allocated both strings with malloc for us.
        let (n, v) = unsafe { (take_string(name), take_string(value)) };
        note.push(format!("{n}={v}"));
        skip_first = true;
    }
    // SAFETY: userdata is the test's recorder.
    unsafe { recorder(ud) }.push(Event::Note(note.join(" ")));
}

#[test]
fn on_publish_v5_receives_ack_reason_and_properties() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.expect(&h("32 07 00 01 't' 00 01 00 'x'"))?;
        // Reason 0x10 (no matching subscribers) with a reason string.
        p.send(&h("40 0b 00 01 10 07 1f 00 04 'nope'"))?;
        p.expect(&h("34 07 00 01 't' 00 02 00 'x'"))?;
        p.send(&h("50 02 00 02"))?;
        p.expect(&h("62 02 00 02"))?;
        // PUBCOMP with reason 0x92 (packet identifier not found) and a user property.
        p.send(&h("70 0b 00 02 92 07 26 00 01 'u' 00 01 'v'"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, 1));
    assert_eq!(c.publish("t", b"x", 2, false), (MOSQ_ERR_SUCCESS, 2));
    assert!(
        c.run_until(STEP, |e| e
            .iter()
            .any(|e| matches!(e, Event::PublishV5Props(2, ..)))),
        "{}",
        c.dump()
    );
    let mut want = connected_v5();
    want.extend([
        Event::Publish(1),
        Event::PublishV5Props(1, 0x10, Some(vec![Prop::Str(PROP_REASON_STRING, s("nope"))])),
        Event::Publish(2),
        Event::PublishV5Props(
            2,
            0x92,
            Some(vec![Prop::Pair(PROP_USER_PROPERTY, s("u"), s("v"))]),
        ),
    ]);
    assert_eq!(c.events(), want);
    server.check();
}

/// PUBREC with a failure reason: only on_publish_v5, no PUBREL, and the in-flight slot is free
/// again.
#[test]
fn pubrec_failure_calls_only_on_publish_v5_and_frees_the_slot() {
    let server = FakeServer::start(|p| {
        // The server allows a single message in flight.
        p.handshake_with(&h("20 06 00 00 03 21 00 01"))?;
        p.expect(&h("34 07 00 01 't' 00 01 00 'x'"))?;
        p.expect_silence(Duration::from_millis(100))?;
        p.send(&h("50 03 00 01 87"))?;
        p.expect(&h("34 07 00 01 't' 00 02 00 'x'"))?;
        p.send(&h("50 03 00 02 10"))?;
        p.expect(&h("62 02 00 02"))?;
        p.send(&h("70 02 00 02"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"x", 2, false), (MOSQ_ERR_SUCCESS, 1));
    assert_eq!(c.publish("t", b"x", 2, false), (MOSQ_ERR_SUCCESS, 2));
    assert!(
        c.run_until(STEP, |e| has(e, &Event::PublishV5Props(2, 0, None))),
        "{}",
        c.dump()
    );
    let mut want = vec![
        Event::Connect(0),
        Event::ConnectV5Props(0, 0, Some(vec![Prop::Int16(PROP_RECEIVE_MAXIMUM, 1)])),
    ];
    want.extend([
        Event::PublishV5Props(1, 0x87, None),
        Event::Publish(2),
        Event::PublishV5Props(2, 0, None),
    ]);
    assert_eq!(c.events(), want);
    server.check();
}

/// The properties of a refusing PUBREC are not passed to on_publish_v5: libmosquitto frees
/// them before the callback, which gets NULL.
#[test]
fn pubrec_failure_properties_are_not_passed_on() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.expect(&h("34 07 00 01 't' 00 01 00 'x'"))?;
        p.send(&h("50 0b 00 01 87 07 1f 00 04 'deny'"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"x", 2, false), (MOSQ_ERR_SUCCESS, 1));
    assert!(
        c.run_until(STEP, |e| e
            .iter()
            .any(|e| matches!(e, Event::PublishV5Props(1, ..)))),
        "{}",
        c.dump()
    );
    let mut want = connected_v5();
    want.push(Event::PublishV5Props(1, 0x87, None));
    assert_eq!(c.events(), want);
    server.check();
}

/// Acks from the server in their 2-byte, 3-byte (reason only) and 4-byte (reason and an empty
/// property block) forms; the client's own acks are always the 2-byte form.
#[test]
fn acks_in_every_form() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        for mid in 1..=3u8 {
            p.expect(&h(&format!("32 07 00 01 't' 00 {mid:02x} 00 'x'")))?;
        }
        p.send(&h("40 02 00 01  40 03 00 02 00  40 04 00 03 00 00"))?;
        for mid in 4..=6u8 {
            p.expect(&h(&format!("34 07 00 01 't' 00 {mid:02x} 00 'x'")))?;
        }
        p.send(&h("50 02 00 04"))?;
        p.expect(&h("62 02 00 04"))?;
        p.send(&h("50 03 00 05 00"))?;
        p.expect(&h("62 02 00 05"))?;
        p.send(&h("50 04 00 06 10 00"))?;
        p.expect(&h("62 02 00 06"))?;
        p.send(&h("70 02 00 04  70 03 00 05 00  70 04 00 06 00 00"))?;
        // Incoming QoS 1 and 2; PUBREL in its three forms.
        p.send(&publish_pkt(0x02, "t", Some(9), &[], b"A"))?;
        p.expect(&h("40 02 00 09"))?;
        for (mid, pubrel) in [
            (0x0a, "62 02 00 0a"),
            (0x0b, "62 03 00 0b 00"),
            (0x0c, "62 04 00 0c 00 00"),
        ] {
            p.send(&publish_pkt(0x04, "t", Some(mid), &[], b"B"))?;
            p.expect(&h(&format!("50 02 00 {mid:02x}")))?;
            p.send(&h(pubrel))?;
            p.expect(&h(&format!("70 02 00 {mid:02x}")))?;
        }
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    for mid in 1..=3 {
        assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, mid));
    }
    assert!(c.run_until(STEP, |e| has(e, &Event::Publish(3))), "{}", c.dump());
    for mid in 4..=6 {
        assert_eq!(c.publish("t", b"x", 2, false), (MOSQ_ERR_SUCCESS, mid));
    }
    assert!(
        c.run_until(STEP, |e| e
            .iter()
            .filter(|e| matches!(e, Event::MessageV5 { .. }))
            .count()
            == 4),
        "{}",
        c.dump()
    );
    c.run_for(Duration::from_millis(50));
    let mut want = connected_v5();
    for mid in 1..=6 {
        want.extend([Event::Publish(mid), Event::PublishV5Props(mid, 0, None)]);
    }
    for (mid, qos, payload) in [(9, 1, b"A"), (10, 2, b"B"), (11, 2, b"B"), (12, 2, b"B")] {
        want.push(msg(mid, "t", payload, qos, false));
        want.push(Event::MessageV5 {
            mid,
            topic: s("t"),
            payload: payload.to_vec(),
            qos,
            retain: false,
            props: None,
        });
    }
    assert_eq!(c.events(), want, "{}", c.dump());
    server.check();
}
