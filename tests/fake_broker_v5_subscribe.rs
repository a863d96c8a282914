//! MQTT v5 against the scripted fake server: SUBSCRIBE and UNSUBSCRIBE, DISCONNECT with reason
//! codes, request / response.
//!
//! Every case runs its own server on 127.0.0.1:0 and every wait is bounded. Expected bytes are
//! those libmosquitto 2.0 puts on the wire for the same calls.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;
mod fake_broker_v5;

use std::time::Duration;

use common::client::*;
use common::consts::*;
use common::fake::*;
use common::props::*;

use fake_broker_v5::*;

// ---------------------------------------------------------------------------------------------
// SUBSCRIBE and UNSUBSCRIBE
// ---------------------------------------------------------------------------------------------

#[test]
fn subscribe_v5_options_and_subscription_identifier() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        // Identifier 300 (varint ac 02); no-local | retain-as-published | retain handling 1,
        // QoS 1, on both filters.
        p.expect(&h("82 12 00 01 03 0b ac 02 00 03 'a/+' 1d 00 03 'b/#' 1d"))?;
        // Retain handling 2, QoS 2.
        p.expect(&h("82 0a 00 02 03 0b ac 02 00 01 'c' 22"))?;
        p.send(&h("90 0c 00 01 07 1f 00 04 'okay' 01 80"))?;
        p.send(&h("90 04 00 02 00 87"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    let id = Props::new().varint(PROP_SUBSCRIPTION_IDENTIFIER, 300);
    assert_eq!(
        c.subscribe_v5(&["a/+", "b/#"], 1, 0x04 | 0x08 | 0x10, id.ptr()),
        (MOSQ_ERR_SUCCESS, 1)
    );
    assert_eq!(c.subscribe_v5(&["c"], 2, 0x20, id.ptr()), (MOSQ_ERR_SUCCESS, 2));
    // Both retain handling bits, or the reserved bits: refused without using a message id.
    for options in [0x30, 0x40, 0x80, 0xc0] {
        assert_eq!(
            c.subscribe_v5(&["c"], 2, options, id.ptr()),
            (MOSQ_ERR_INVAL, -1),
            "options {options:#x}"
        );
    }
    let session = Props::new().int32(PROP_SESSION_EXPIRY_INTERVAL, 3);
    assert_eq!(
        c.subscribe_v5(&["c"], 0, 0, session.ptr()),
        (MOSQ_ERR_PROTOCOL, -1)
    );
    assert!(c.run_until(STEP, |e| e.len() >= 6), "{}", c.dump());
    c.run_for(Duration::from_millis(50));
    let mut want = connected_v5();
    want.extend([
        Event::Subscribe(1, vec![1, 0x80]),
        Event::SubscribeV5(
            1,
            vec![1, 0x80],
            Some(vec![Prop::Str(PROP_REASON_STRING, s("okay"))]),
        ),
        Event::Subscribe(2, vec![0x87]),
        Event::SubscribeV5(2, vec![0x87], None),
    ]);
    assert_eq!(c.events(), want);
    assert!(
        c.logged(
            MOSQ_LOG_DEBUG,
            "Client null sending SUBSCRIBE (Mid: 1, Topic: b/#, QoS: 1, Options: 0x1c)"
        ),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}

#[test]
fn unsubscribe_v5_with_a_user_property() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.expect(&h("a2 0f 00 01 07 26 00 01 'u' 00 01 'v' 00 03 'a/+'"))?;
        // Reason code 0x11 (no subscription existed): not surfaced; the properties are.
        p.send(&h("b0 0b 00 01 07 26 00 01 'x' 00 01 'y' 11"))?;
        p.expect(&h("a2 09 00 02 00 00 01 'p' 00 01 'q'"))?;
        p.send(&h("b0 05 00 02 00 00 80"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    let user = Props::new().user("u", "v");
    assert_eq!(c.unsubscribe_v5(&["a/+"], user.ptr()), (MOSQ_ERR_SUCCESS, 1));
    let sub_id = Props::new().varint(PROP_SUBSCRIPTION_IDENTIFIER, 3);
    assert_eq!(c.unsubscribe_v5(&["a/+"], sub_id.ptr()), (MOSQ_ERR_PROTOCOL, -1));
    assert_eq!(
        c.unsubscribe_v5(&["p", "q"], std::ptr::null()),
        (MOSQ_ERR_SUCCESS, 2)
    );
    assert!(
        c.run_until(STEP, |e| e
            .iter()
            .any(|e| matches!(e, Event::UnsubscribeV5(2, _)))),
        "{}",
        c.dump()
    );
    let mut want = connected_v5();
    want.extend([
        Event::Unsubscribe(1),
        Event::UnsubscribeV5(1, Some(vec![Prop::Pair(PROP_USER_PROPERTY, s("x"), s("y"))])),
        Event::Unsubscribe(2),
        Event::UnsubscribeV5(2, None),
    ]);
    assert_eq!(c.events(), want);
    server.check();
}

// ---------------------------------------------------------------------------------------------
// DISCONNECT
// ---------------------------------------------------------------------------------------------

#[test]
fn disconnect_v5_with_reason_and_properties() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.expect(&h("e0 0f 04 0d 1f 00 03 'bye' 26 00 01 'u' 00 01 'v'"))?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    let props = Props::new().string(PROP_REASON_STRING, "bye").user("u", "v");
    assert_eq!(c.disconnect_v5_with(256, props.ptr()), MOSQ_ERR_INVAL);
    assert_eq!(c.disconnect_v5_with(-1, props.ptr()), MOSQ_ERR_INVAL);
    let not_allowed = Props::new().string(PROP_CONTENT_TYPE, "x");
    assert_eq!(c.disconnect_v5_with(4, not_allowed.ptr()), MOSQ_ERR_PROTOCOL);
    assert_eq!(c.disconnect_v5_with(4, props.ptr()), MOSQ_ERR_SUCCESS);
    assert!(c.run_until(SECOND, disconnected), "{}", c.dump());
    let mut want = connected_v5();
    want.extend([Event::Disconnect(0), Event::DisconnectV5Props(0, None)]);
    assert_eq!(c.events(), want);
    // Not connected: properties are still checked first.
    assert_eq!(c.disconnect_v5_with(0, not_allowed.ptr()), MOSQ_ERR_PROTOCOL);
    let session = Props::new().int32(PROP_SESSION_EXPIRY_INTERVAL, 0);
    assert_eq!(c.disconnect_v5_with(0, session.ptr()), MOSQ_ERR_NO_CONN);
    // Properties need MQTT v5.
    let c4 = Client::logging(None, true, V311);
    assert_eq!(c4.disconnect_v5_with(0, session.ptr()), MOSQ_ERR_NOT_SUPPORTED);
    server.check();
}

#[test]
fn server_disconnect_with_reason_string() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.send(&h("e0 08 8e 06 1f 00 03 'bye'"))?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    run_to_disconnect(&c);
    // The properties are not passed on (libmosquitto frees them before the callback).
    let mut want = connected_v5();
    want.extend([Event::Disconnect(142), Event::DisconnectV5Props(142, None)]);
    assert_eq!(c.events(), want, "{}", c.dump());
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Received DISCONNECT (142)"),
        "logs: {:?}",
        c.logs()
    );
    // The loop pass that read the DISCONNECT closed the socket and succeeded; the next ones
    // have no connection.
    assert_eq!(
        c.loop_rcs().first(),
        Some(&MOSQ_ERR_NO_CONN),
        "{:?}",
        c.loop_rcs()
    );
    server.check();
}

/// After a DISCONNECT from the server, loop_forever reconnects (the application did not ask
/// to disconnect), and returns after mosquitto_disconnect.
#[test]
fn loop_forever_reconnects_after_server_disconnect() {
    let connect = pkt(
        0x10,
        &h("00 04 'MQTT' 05 02 00 3c 0a 26 00 01 'r' 00 01 '1' 21 00 14 00 02 'lf'"),
    );
    let server = FakeServer::start(move |p| {
        p.accept()?;
        p.expect(&connect)?;
        p.send(&CONNACK_OK_V5)?;
        p.send(&h("e0 08 8e 06 1f 00 03 'bye'"))?;
        p.expect_eof()?;
        p.accept_within(Duration::from_secs(4))?;
        // The connect properties are sent again.
        p.expect(&connect)?;
        p.send(&CONNACK_OK_V5)?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(Some("lf"), true, V5).with_v5_callbacks();
    assert_eq!(c.reconnect_delay_set(1, 1, false), MOSQ_ERR_SUCCESS);
    let props = Props::new().user("r", "1");
    assert_eq!(c.connect_v5(server.port(), 60, props.ptr()), MOSQ_ERR_SUCCESS);
    drop(props);
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = c.mosq();
    let handle = std::thread::spawn(move || {
        tx.send(shared.loop_forever(1000)).ok();
    });
    let reconnected = c.wait_until(Duration::from_secs(6), |e| {
        e.iter().filter(|e| **e == Event::Connect(0)).count() == 2
    });
    let disconnect_rc = c.disconnect();
    let result = rx.recv_timeout(STEP);
    if result.is_err() {
        std::mem::forget(c);
        panic!("loop_forever did not return after mosquitto_disconnect");
    }
    handle.join().expect("loop_forever thread");
    assert!(
        reconnected,
        "no reconnect after the server's DISCONNECT; events:{}",
        c.dump()
    );
    assert_eq!(disconnect_rc, MOSQ_ERR_SUCCESS);
    assert_eq!(result, Ok(MOSQ_ERR_SUCCESS));
    let mut want = connected_v5();
    want.extend([Event::Disconnect(142), Event::DisconnectV5Props(142, None)]);
    want.extend(connected_v5());
    want.extend([Event::Disconnect(0), Event::DisconnectV5Props(0, None)]);
    assert_eq!(c.events(), want, "{}", c.dump());
    server.check();
}

// ---------------------------------------------------------------------------------------------
// Request / response
// ---------------------------------------------------------------------------------------------

#[test]
fn request_response_round_trip() {
    let correlation: &[u8] = &[0x00, b'i', b'd', 0x00, 0xff, 0x00];
    let server = FakeServer::start(move |p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        let mut want = h("32 1d 00 03 'req' 00 01 12 08 00 06 'resp/1' 09 00 06");
        want.extend_from_slice(correlation);
        want.extend_from_slice(b"ask");
        let request = p.read_packet()?;
        if request != want {
            return Err(format!(
                "request mismatch\n  expected: {}\n  received: {}",
                hex(&want),
                hex(&request)
            ));
        }
        p.send(&h("40 02 00 01"))?;
        // Answer on the response topic with the request's property block, as it came.
        let props = &request[10..10 + 0x12];
        p.send(&publish_pkt(0x02, "resp/1", Some(1), props, b"answer"))?;
        p.expect(&h("40 02 00 01"))?;
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    let props = Props::new()
        .string(PROP_RESPONSE_TOPIC, "resp/1")
        .binary(PROP_CORRELATION_DATA, correlation);
    assert_eq!(
        c.publish_v5(Some("req"), b"ask", 1, false, props.ptr()),
        (MOSQ_ERR_SUCCESS, 1)
    );
    assert!(
        c.run_until(STEP, |e| e.iter().any(|e| matches!(e, Event::MessageV5 { .. }))),
        "{}",
        c.dump()
    );
    let response = c
        .events()
        .into_iter()
        .find(|e| matches!(e, Event::MessageV5 { .. }))
        .unwrap();
    assert_eq!(
        response,
        Event::MessageV5 {
            mid: 1,
            topic: s("resp/1"),
            payload: b"answer".to_vec(),
            qos: 1,
            retain: false,
            props: Some(vec![
                Prop::Str(PROP_RESPONSE_TOPIC, s("resp/1")),
                Prop::Binary(PROP_CORRELATION_DATA, correlation.to_vec()),
            ]),
        }
    );
    server.check();
}
