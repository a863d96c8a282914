//! MQTT v5 against the scripted fake server: CONNECT with properties, and the CONNACK properties
//! and the limits they set.
//!
//! Every case runs its own server on 127.0.0.1:0 and every wait is bounded. Expected bytes are
//! those libmosquitto 2.0 puts on the wire for the same calls.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;
mod fake_broker_v5;

use std::time::{Duration, Instant};

use common::client::*;
use common::consts::*;
use common::fake::*;
use common::props::*;

use fake_broker_v5::*;

// ---------------------------------------------------------------------------------------------
// CONNECT
// ---------------------------------------------------------------------------------------------

/// CONNECT of client "c5" with session-expiry 3600, user property k=v, receive-maximum 7,
/// maximum-packet-size 1000 and request-problem-information 0, in that order; the library adds
/// no receive-maximum of its own.
fn connect_c5_with_properties() -> Vec<u8> {
    h("10 25 00 04 'MQTT' 05 02 00 3c 16 \
       11 00 00 0e 10  26 00 01 'k' 00 01 'v'  21 00 07  27 00 00 03 e8  17 00 \
       00 02 'c5'")
}

#[test]
fn connect_properties_are_sent_in_order_and_again_on_reconnect() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&connect_c5_with_properties())?;
        p.send(&CONNACK_OK_V5)?;
        p.expect(&h("30 05 00 01 't' 00 '1'"))?;
        p.close();
        p.accept()?;
        p.expect(&connect_c5_with_properties())?;
        p.send(&CONNACK_OK_V5)?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(Some("c5"), true, V5).with_v5_callbacks();
    {
        let props = Props::new()
            .int32(PROP_SESSION_EXPIRY_INTERVAL, 3600)
            .user("k", "v")
            .int16(PROP_RECEIVE_MAXIMUM, 7)
            .int32(PROP_MAXIMUM_PACKET_SIZE, 1000)
            .byte(PROP_REQUEST_PROBLEM_INFORMATION, 0);
        assert_eq!(c.connect_v5(server.port(), 60, props.ptr()), MOSQ_ERR_SUCCESS);
        // The library copied the list: the caller frees it at once.
    }
    wait_connected(&c);
    assert_eq!(c.publish("t", b"1", 0, false), (MOSQ_ERR_SUCCESS, 1));
    assert!(c.run_until(STEP, disconnected), "{}", c.dump());
    assert_eq!(c.reconnect(), MOSQ_ERR_SUCCESS);
    assert!(
        c.run_until(STEP, |e| e.iter().filter(|e| **e == Event::Connect(0)).count()
            == 2),
        "{}",
        c.dump()
    );
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    let mut want = connected_v5();
    want.extend([
        Event::Publish(1),
        Event::PublishV5Props(1, 0, None),
        Event::Disconnect(MOSQ_ERR_CONN_LOST),
        Event::DisconnectV5Props(MOSQ_ERR_CONN_LOST, None),
    ]);
    want.extend(connected_v5());
    want.extend([Event::Disconnect(0), Event::DisconnectV5Props(0, None)]);
    assert_eq!(c.events(), want);
    server.check();
}

/// The server sends CONNACK and closes the connection at once, so that the data and the end of
/// the stream are both waiting when the client first reads: the client must see both (the
/// connect callback, then the lost connection), not wait for more data that never comes.
#[test]
fn connection_closed_together_with_connack_is_noticed() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect_connect()?;
        p.send(&h("20 08 00 00 05 11 00 00 00 3c"))?;
        p.close();
        Ok(())
    });
    let c = Client::logging(Some("eof"), true, V5).with_v5_callbacks();
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    server.check();
    // Both the CONNACK and the close are in the client's socket before it reads.
    std::thread::sleep(Duration::from_millis(100));
    let seen = c.run_until(Duration::from_secs(3), disconnected);
    c.run_for(Duration::from_millis(50));
    assert!(seen, "the close was not noticed within 3 s; events:{}", c.dump());
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::ConnectV5Props(0, 0, Some(vec![Prop::Int32(PROP_SESSION_EXPIRY_INTERVAL, 60)])),
            Event::Disconnect(MOSQ_ERR_CONN_LOST),
            Event::DisconnectV5Props(MOSQ_ERR_CONN_LOST, None),
        ]
    );
}

#[test]
fn connect_properties_come_before_the_librarys_receive_maximum() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&h("10 1e 00 04 'MQTT' 05 02 00 3c 0f \
                     26 00 01 'k' 00 01 'v'  11 00 00 00 0a  21 00 14 \
                     00 02 'c5'"))
    });
    let c = Client::logging(Some("c5"), true, V5);
    let props = Props::new()
        .user("k", "v")
        .int32(PROP_SESSION_EXPIRY_INTERVAL, 10);
    assert_eq!(c.connect_v5(server.port(), 60, props.ptr()), MOSQ_ERR_SUCCESS);
    server.check();
}

/// A client that set receive-maximum 1 in its CONNECT must refuse a second unacknowledged
/// QoS 2 message (the server broke the limit the client announced).
#[test]
fn connect_receive_maximum_property_becomes_the_inbound_maximum() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&h("10 12 00 04 'MQTT' 05 02 00 3c 03 21 00 01 00 02 'r1'"))?;
        p.send(&CONNACK_OK_V5)?;
        p.send(&publish_pkt(0x04, "t", Some(1), &[], b""))?;
        p.expect(&h("50 02 00 01"))?;
        p.send(&publish_pkt(0x04, "t", Some(2), &[], b""))?;
        p.expect_eof()
    });
    let c = Client::logging(Some("r1"), true, V5);
    let props = Props::new().int16(PROP_RECEIVE_MAXIMUM, 1);
    assert_eq!(c.connect_v5(server.port(), 60, props.ptr()), MOSQ_ERR_SUCCESS);
    wait_connected(&c);
    run_to_disconnect(&c);
    assert_eq!(
        c.events(),
        vec![Event::Connect(0), Event::Disconnect(MOSQ_ERR_PROTOCOL)],
        "{}",
        c.dump()
    );
    server.check();

    // With the default receive-maximum (20) the same two messages are fine.
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.send(&publish_pkt(0x04, "t", Some(1), &[], b""))?;
        p.expect(&h("50 02 00 01"))?;
        p.send(&publish_pkt(0x04, "t", Some(2), &[], b""))?;
        p.expect(&h("50 02 00 02"))?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(Some("r20"), true, V5);
    connect_and_wait(&c, &server);
    c.run_for(Duration::from_millis(200));
    assert_eq!(c.events(), vec![Event::Connect(0)], "{}", c.dump());
    server.check();
}

#[test]
fn connect_properties_refused_before_anything_is_sent() {
    let server = FakeServer::start(|p| p.expect_no_connection(Duration::from_millis(300)));
    // Not allowed in CONNECT.
    let c = Client::logging(Some("c5"), true, V5);
    let props = Props::new().byte(PROP_PAYLOAD_FORMAT_INDICATOR, 1);
    assert_eq!(c.connect_v5(server.port(), 60, props.ptr()), MOSQ_ERR_PROTOCOL);
    // Only user properties may repeat.
    let props = Props::new()
        .int32(PROP_SESSION_EXPIRY_INTERVAL, 1)
        .int32(PROP_SESSION_EXPIRY_INTERVAL, 2);
    assert_eq!(
        c.connect_v5(server.port(), 60, props.ptr()),
        MOSQ_ERR_DUPLICATE_PROPERTY
    );
    // Properties need MQTT v5.
    let c4 = Client::logging(Some("c4"), true, V311);
    let props = Props::new().int32(PROP_SESSION_EXPIRY_INTERVAL, 1);
    assert_eq!(
        c4.connect_v5(server.port(), 60, props.ptr()),
        MOSQ_ERR_NOT_SUPPORTED
    );
    c.run_for(Duration::from_millis(50));
    c4.run_for(Duration::from_millis(50));
    assert_eq!(c.events(), vec![]);
    assert_eq!(c4.events(), vec![]);
    server.check();
}

#[test]
fn will_properties_are_sent_in_connect() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        // Flags 0x2e: will retain, will QoS 1, will, clean start; the will properties follow
        // the client id.
        p.expect(&h("10 36 00 04 'MQTT' 05 2e 00 3c 03 21 00 14 00 02 'w5' \
                     19  18 00 00 00 1e  03 00 0a 'text/plain'  26 00 01 'a' 00 01 'b' \
                     00 03 'w/t' 00 03 'bye'"))?;
        p.send(&CONNACK_OK_V5)?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(Some("w5"), true, V5);
    // A first will with properties, replaced by the second: the first list must be released
    // once, by the library.
    let first = Props::new().string(PROP_CONTENT_TYPE, "old").into_raw();
    assert_eq!(c.will_set_v5("w/old", b"x", 0, false, first), MOSQ_ERR_SUCCESS);
    let props = Props::new()
        .int32(PROP_WILL_DELAY_INTERVAL, 30)
        .string(PROP_CONTENT_TYPE, "text/plain")
        .user("a", "b");
    // On success the library owns the list: it is not freed here.
    assert_eq!(
        c.will_set_v5("w/t", b"bye", 1, true, props.into_raw()),
        MOSQ_ERR_SUCCESS
    );
    connect_and_wait(&c, &server);
    server.check();
}

#[test]
fn will_properties_refused() {
    // A 3.1.1 client: not supported; the list stays the caller's (freed by `Props`).
    let c = Client::logging(Some("w4"), true, V311);
    let props = Props::new().int32(PROP_WILL_DELAY_INTERVAL, 30);
    assert_eq!(
        c.will_set_v5("w/t", b"bye", 1, false, props.ptr().cast_mut()),
        MOSQ_ERR_NOT_SUPPORTED
    );
    drop(props);
    // Not allowed in a will.
    let c = Client::logging(Some("w5"), true, V5);
    let props = Props::new().int32(PROP_SESSION_EXPIRY_INTERVAL, 30);
    assert_eq!(
        c.will_set_v5("w/t", b"bye", 1, false, props.ptr().cast_mut()),
        MOSQ_ERR_PROTOCOL
    );
    drop(props);
    // The refused will was not stored: CONNECT carries no will.
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&h("10 12 00 04 'MQTT' 05 02 00 3c 03 21 00 14 00 02 'w5'"))
    });
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    server.check();
}

// ---------------------------------------------------------------------------------------------
// CONNACK properties and the limits they set
// ---------------------------------------------------------------------------------------------

#[test]
fn connack_properties_reach_on_connect_v5() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect_connect()?;
        p.send(&h("20 26 00 00 23 \
                   12 00 03 'abc'  13 00 3c  22 00 0a  27 00 00 10 00  1f 00 05 'hello' \
                   26 00 01 'x' 00 01 'y'  21 00 02"))?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::ConnectV5Props(
                0,
                0,
                Some(vec![
                    Prop::Str(PROP_ASSIGNED_CLIENT_IDENTIFIER, s("abc")),
                    Prop::Int16(PROP_SERVER_KEEP_ALIVE, 60),
                    Prop::Int16(PROP_TOPIC_ALIAS_MAXIMUM, 10),
                    Prop::Int32(PROP_MAXIMUM_PACKET_SIZE, 4096),
                    Prop::Str(PROP_REASON_STRING, s("hello")),
                    Prop::Pair(PROP_USER_PROPERTY, s("x"), s("y")),
                    Prop::Int16(PROP_RECEIVE_MAXIMUM, 2),
                ])
            ),
            Event::Disconnect(0),
            Event::DisconnectV5Props(0, None),
        ]
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client abc sending DISCONNECT"),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}

#[test]
fn v5_callbacks_of_a_311_client_get_null_properties() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.expect(&h("82 06 00 01 00 01 't' 01"))?;
        p.send(&h("90 03 00 01 01"))?;
        p.send(&h("32 07 00 01 't' 00 07 'h' 'i'"))?;
        p.expect(&h("40 02 00 07"))?;
        p.expect(&h("32 06 00 01 't' 00 02 'x'"))?;
        p.send(&h("40 02 00 02"))?;
        p.expect(&h("a2 05 00 03 00 01 't'"))?;
        p.send(&h("b0 02 00 03"))?;
        p.send(&h("e0 00"))?;
        p.expect_eof()
    });
    let c = Client::logging(Some("v3"), true, V311).with_v5_callbacks();
    connect_and_wait(&c, &server);
    assert_eq!(c.subscribe_with_options("t", 1, 0), (MOSQ_ERR_SUCCESS, 1));
    assert!(
        c.run_until(STEP, |e| e.iter().any(|e| matches!(e, Event::MessageV5 { .. }))),
        "{}",
        c.dump()
    );
    assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, 2));
    assert!(
        c.run_until(STEP, |e| has(e, &Event::PublishV5Props(2, 0, None))),
        "{}",
        c.dump()
    );
    assert_eq!(c.unsubscribe("t"), (MOSQ_ERR_SUCCESS, 3));
    run_to_disconnect(&c);
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::ConnectV5Props(0, 0, None),
            Event::Subscribe(1, vec![1]),
            Event::SubscribeV5(1, vec![1], None),
            msg(7, "t", b"hi", 1, false),
            Event::MessageV5 {
                mid: 7,
                topic: s("t"),
                payload: b"hi".to_vec(),
                qos: 1,
                retain: false,
                props: None
            },
            Event::Publish(2),
            Event::PublishV5Props(2, 0, None),
            Event::Unsubscribe(3),
            Event::UnsubscribeV5(3, None),
            // DISCONNECT from a 3.1.1 server is a protocol error.
            Event::Disconnect(MOSQ_ERR_PROTOCOL),
            Event::DisconnectV5Props(MOSQ_ERR_PROTOCOL, None),
        ],
        "{}",
        c.dump()
    );
    server.check();
}

/// Server keep-alive 5 replaces the client's 60: the PINGREQ comes about 5 s after CONNACK.
#[test]
fn server_keep_alive_replaces_the_keepalive() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect_connect()?;
        p.send(&h("20 06 00 00 03 13 00 05"))?;
        let connack_at = Instant::now();
        let ping = p.read_packet_within(Duration::from_secs(8))?;
        let waited = connack_at.elapsed();
        if ping != [0xc0, 0x00] {
            return Err(format!("expected PINGREQ c0 00, received {}", hex(&ping)));
        }
        if waited < Duration::from_millis(4000) || waited > Duration::from_millis(6500) {
            return Err(format!("PINGREQ after {waited:?}, expected about 5 s"));
        }
        p.send(&[0xd0, 0x00])?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(Some("ka"), true, V5);
    connect_and_wait(&c, &server);
    let pong = |c: &Client| c.logged(MOSQ_LOG_DEBUG, "Client ka received PINGRESP");
    let deadline = Instant::now() + Duration::from_secs(9);
    while !pong(&c) && Instant::now() < deadline && !disconnected(&c.events()) {
        c.loop_once(100);
    }
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.events(),
        vec![Event::Connect(0), Event::Disconnect(0)],
        "{}",
        c.dump()
    );
    server.check();
}

#[test]
fn server_receive_maximum_limits_inflight_qos1() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&h("20 06 00 00 03 21 00 02"))?;
        let publish = |mid: u8| h(&format!("32 07 00 01 't' 00 {mid:02x} 00 'x'"));
        p.expect(&publish(1))?;
        p.expect(&publish(2))?;
        p.expect_silence(Duration::from_millis(150))?;
        p.send(&h("40 02 00 01"))?;
        p.expect(&publish(3))?;
        p.expect_silence(Duration::from_millis(100))?;
        p.send(&h("40 02 00 02 40 02 00 03"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5);
    connect_and_wait(&c, &server);
    for mid in 1..=3 {
        assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, mid));
    }
    assert!(c.run_until(STEP, |e| has(e, &Event::Publish(3))), "{}", c.dump());
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::Publish(1),
            Event::Publish(2),
            Event::Publish(3)
        ]
    );
    server.check();
}

/// Maximum packet size 20 from the server: packets of exactly 20 bytes go out; clearly larger
/// ones are refused with MOSQ_ERR_OVERSIZE_PACKET and use no message id.
#[test]
fn server_maximum_packet_size_refuses_larger_packets() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&h("20 08 00 00 05 27 00 00 00 14"))?;
        // QoS 0, 14 payload bytes: 2 + 3 + 1 + 14 = 20 bytes.
        p.expect(&pkt(0x30, &h("00 01 't' 00 'xxxxxxxxxxxxxx'")))?;
        // QoS 1, 12 payload bytes: 2 + 3 + 2 + 1 + 12 = 20 bytes.
        p.expect(&pkt(0x32, &h("00 01 't' 00 02 00 'xxxxxxxxxxxx'")))?;
        // SUBSCRIBE of a 12-byte filter: 2 + 2 + 1 + 2 + 12 + 1 = 20 bytes.
        p.expect(&pkt(0x82, &h("00 03 00 00 0c 'aaaaaaaaaaaa' 00")))?;
        // UNSUBSCRIBE of a 13-byte filter: 2 + 2 + 1 + 2 + 13 = 20 bytes.
        p.expect(&pkt(0xa2, &h("00 04 00 00 0d 'aaaaaaaaaaaaa'")))?;
        p.expect(&pkt(0x30, &h("00 01 't' 00 'y'")))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5);
    connect_and_wait(&c, &server);
    let x = [b'x'; 32];
    assert_eq!(c.publish("t", &x[..14], 0, false), (MOSQ_ERR_SUCCESS, 1));
    assert_eq!(c.publish("t", &x[..17], 0, false), (MOSQ_ERR_OVERSIZE_PACKET, -1));
    assert_eq!(c.publish("t", &x[..12], 1, false), (MOSQ_ERR_SUCCESS, 2));
    assert_eq!(c.publish("t", &x[..15], 1, false), (MOSQ_ERR_OVERSIZE_PACKET, -1));
    assert_eq!(c.publish("t", &x[..15], 2, false), (MOSQ_ERR_OVERSIZE_PACKET, -1));
    let big_props = Props::new().string(PROP_CONTENT_TYPE, "text/plain");
    assert_eq!(
        c.publish_v5(Some("t"), &x[..4], 0, false, big_props.ptr()),
        (MOSQ_ERR_OVERSIZE_PACKET, -1)
    );
    assert_eq!(
        c.subscribe_with_options("aaaaaaaaaaaa", 0, 0),
        (MOSQ_ERR_SUCCESS, 3)
    );
    assert_eq!(
        c.subscribe_with_options("aaaaaaaaaaaaaaa", 0, 0),
        (MOSQ_ERR_OVERSIZE_PACKET, -1)
    );
    assert_eq!(
        c.subscribe_multiple(&["aaaaaaa", "bbbbbbb"], 0, 0),
        (MOSQ_ERR_OVERSIZE_PACKET, -1)
    );
    assert_eq!(c.unsubscribe("aaaaaaaaaaaaa"), (MOSQ_ERR_SUCCESS, 4));
    assert_eq!(c.unsubscribe("aaaaaaaaaaaaaaaa"), (MOSQ_ERR_OVERSIZE_PACKET, -1));
    assert_eq!(c.publish("t", b"y", 0, false), (MOSQ_ERR_SUCCESS, 5));
    c.run_for(Duration::from_millis(100));
    server.check();
}
