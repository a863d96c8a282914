//! The client against a scripted fake server: publishing (the outgoing store, resending after
//! reconnection, in-flight limits), receiving, and disconnecting.
//!
//! Every case runs its own server on 127.0.0.1:0; every wait is bounded.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;
mod fake_broker;

use std::time::Duration;

use common::Gate;
use common::client::*;
use common::consts::*;
use common::fake::*;

use fake_broker::*;

// ---------------------------------------------------------------------------------------------
// Publishing and the outgoing store
// ---------------------------------------------------------------------------------------------

#[test]
fn qos1_publish_before_connect_is_sent_with_dup_after_connack() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        p.expect_silence(Duration::from_millis(100))?;
        p.send(&CONNACK_OK)?;
        p.expect(&[0x3a, 0x07, 0x00, 0x01, b't', 0x00, 0x01, b'h', b'i'])?;
        p.send(&[0x40, 0x02, 0x00, 0x01])?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.publish("t", b"hi", 1, false), (MOSQ_ERR_NO_CONN, 1));
    connect_and_wait(&c, &server);
    assert!(c.run_until(STEP, |e| has(e, &Event::Publish(1))), "{}", c.dump());
    c.run_for(Duration::from_millis(100));
    c.disconnect();
    assert_eq!(
        c.events(),
        vec![Event::Connect(0), Event::Publish(1), Event::Disconnect(0)]
    );
    assert!(
        c.logged(
            MOSQ_LOG_DEBUG,
            "Client null sending PUBLISH (d1, q1, r0, m1, 't', ... (2 bytes))"
        ),
        "logs: {:?}",
        c.logs()
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client null received PUBACK (Mid: 1, RC:0)"),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}

#[test]
fn qos0_publish_without_connection_consumes_a_mid() {
    let c = Client::logging(None, true, V311);
    assert_eq!(c.publish("t", b"x", 0, false), (MOSQ_ERR_NO_CONN, 1));
    assert_eq!(c.publish("t", b"x", 0, false), (MOSQ_ERR_NO_CONN, 2));
    assert_eq!(
        c.subscribe_with_options("t", 0, 0).0,
        MOSQ_ERR_NO_CONN,
        "subscribe needs a socket"
    );
    assert_eq!(c.events(), vec![]);
}

#[test]
fn qos2_resumes_with_pubrel_after_reconnect() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.expect(&[0x34, 0x07, 0x00, 0x01, b't', 0x00, 0x01, b'h', b'i'])?;
        p.send(&[0x50, 0x02, 0x00, 0x01])?;
        p.expect(&[0x62, 0x02, 0x00, 0x01])?;
        p.close();
        // Second connection: the PUBREL is resent, not the PUBLISH.
        p.accept()?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        p.send(&CONNACK_OK)?;
        p.expect(&[0x62, 0x02, 0x00, 0x01])?;
        p.send(&[0x70, 0x02, 0x00, 0x01])?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V311);
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"hi", 2, false), (MOSQ_ERR_SUCCESS, 1));
    assert!(c.run_until(STEP, disconnected), "{}", c.dump());
    assert_eq!(
        c.events(),
        vec![Event::Connect(0), Event::Disconnect(MOSQ_ERR_CONN_LOST)]
    );
    assert_eq!(c.loop_rcs(), vec![MOSQ_ERR_CONN_LOST]);
    assert_eq!(c.reconnect(), MOSQ_ERR_SUCCESS);
    assert!(c.run_until(STEP, |e| has(e, &Event::Publish(1))), "{}", c.dump());
    c.run_for(Duration::from_millis(100));
    c.disconnect();
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::Disconnect(MOSQ_ERR_CONN_LOST),
            Event::Connect(0),
            Event::Publish(1),
            Event::Disconnect(0)
        ]
    );
    server.check();
}

#[test]
fn qos2_publish_resent_with_dup_when_dropped_before_pubrec() {
    // Driven by a loop thread, which reconnects by itself.
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.expect(&[0x34, 0x07, 0x00, 0x01, b't', 0x00, 0x01, b'h', b'i'])?;
        p.close();
        p.accept()?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        p.send(&CONNACK_OK)?;
        p.expect(&[0x3c, 0x07, 0x00, 0x01, b't', 0x00, 0x01, b'h', b'i'])?;
        p.send(&[0x50, 0x02, 0x00, 0x01])?;
        p.expect(&[0x62, 0x02, 0x00, 0x01])?;
        p.send(&[0x70, 0x02, 0x00, 0x01])?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.reconnect_delay_set(1, 1, false), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect_async("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert!(c.wait_until(STEP, |e| has(e, &Event::Connect(0))), "{}", c.dump());
    assert_eq!(c.publish("t", b"hi", 2, false), (MOSQ_ERR_SUCCESS, 1));
    assert!(c.wait_until(STEP, |e| has(e, &Event::Publish(1))), "{}", c.dump());
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert!(
        c.wait_until(STEP, |e| has(e, &Event::Disconnect(0))),
        "{}",
        c.dump()
    );
    assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::Disconnect(MOSQ_ERR_CONN_LOST),
            Event::Connect(0),
            Event::Publish(1),
            Event::Disconnect(0)
        ]
    );
    server.check();
}

#[test]
fn loop_start_before_connect_async_sends_connect() {
    // BEHAVIOUR §6: the loop thread waits for the first connect call, so loop_start may come
    // before connect_async; the CONNECT must then go out at once.
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        p.send(&CONNACK_OK)?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect_async("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    let connected = c.wait_until(Duration::from_secs(3), |e| has(e, &Event::Connect(0)));
    if !connected {
        let dump = c.dump();
        c.loop_stop(true);
        panic!("no CONNACK processed within 3 s; events:{dump}");
    }
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert!(c.wait_until(SECOND, disconnected), "{}", c.dump());
    assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
    assert_eq!(c.events(), vec![Event::Connect(0), Event::Disconnect(0)]);
    server.check();
}

#[test]
fn qos1_publish_resent_with_dup_after_reconnect() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.expect(&[0x32, 0x07, 0x00, 0x01, b't', 0x00, 0x01, b'h', b'i'])?;
        p.close();
        p.handshake()?;
        p.expect(&[0x3a, 0x07, 0x00, 0x01, b't', 0x00, 0x01, b'h', b'i'])?;
        p.send(&[0x40, 0x02, 0x00, 0x01])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V311);
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"hi", 1, false), (MOSQ_ERR_SUCCESS, 1));
    assert!(c.run_until(STEP, disconnected), "{}", c.dump());
    assert_eq!(c.reconnect(), MOSQ_ERR_SUCCESS);
    assert!(c.run_until(STEP, |e| has(e, &Event::Publish(1))), "{}", c.dump());
    c.run_for(Duration::from_millis(50));
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::Disconnect(MOSQ_ERR_CONN_LOST),
            Event::Connect(0),
            Event::Publish(1)
        ]
    );
    server.check();
}

#[test]
fn message_ids_are_shared_and_start_at_one() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.expect(&[0x30, 0x05, 0x00, 0x01, b't', b'h', b'i'])?;
        p.expect(&[0x82, 0x06, 0x00, 0x02, 0x00, 0x01, b't', 0x00])?;
        p.expect(&[0xa2, 0x05, 0x00, 0x03, 0x00, 0x01, b't'])?;
        p.expect(&[0x32, 0x07, 0x00, 0x01, b't', 0x00, 0x04, b'h', b'i'])?;
        p.expect(&[0x34, 0x07, 0x00, 0x01, b't', 0x00, 0x05, b'h', b'i'])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V311);
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"hi", 0, false), (MOSQ_ERR_SUCCESS, 1));
    assert_eq!(c.subscribe_with_options("t", 0, 0), (MOSQ_ERR_SUCCESS, 2));
    assert_eq!(c.unsubscribe("t"), (MOSQ_ERR_SUCCESS, 3));
    assert_eq!(c.publish("t", b"hi", 1, false), (MOSQ_ERR_SUCCESS, 4));
    assert_eq!(c.publish("t", b"hi", 2, false), (MOSQ_ERR_SUCCESS, 5));
    c.run_for(Duration::from_millis(100));
    // The QoS 0 message is complete once written.
    assert_eq!(c.events(), vec![Event::Connect(0), Event::Publish(1)]);
    server.check();
}

#[test]
fn inflight_limit_holds_back_publishes_until_acked() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        let publish = |mid: u8| [0x32, 0x06, 0x00, 0x01, b't', 0x00, mid, b'x'];
        p.expect(&publish(1))?;
        p.expect(&publish(2))?;
        p.expect_silence(Duration::from_millis(200))?;
        p.send(&[0x40, 0x02, 0x00, 0x01])?;
        p.expect(&publish(3))?;
        p.expect_silence(Duration::from_millis(100))?;
        p.send(&[0x40, 0x02, 0x00, 0x02])?;
        p.expect(&publish(4))?;
        p.send(&[0x40, 0x02, 0x00, 0x03])?;
        p.expect(&publish(5))?;
        p.expect_silence(Duration::from_millis(100))?;
        p.send(&[0x40, 0x02, 0x00, 0x04])?;
        p.send(&[0x40, 0x02, 0x00, 0x05])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.max_inflight_messages_set(2), MOSQ_ERR_SUCCESS);
    connect_and_wait(&c, &server);
    for mid in 1..=5 {
        assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, mid));
    }
    assert!(c.run_until(STEP, |e| has(e, &Event::Publish(5))), "{}", c.dump());
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::Publish(1),
            Event::Publish(2),
            Event::Publish(3),
            Event::Publish(4),
            Event::Publish(5)
        ]
    );
    server.check();
}

// ---------------------------------------------------------------------------------------------
// Receiving
// ---------------------------------------------------------------------------------------------

#[test]
fn incoming_qos1_puback_before_on_message() {
    let gate = Gate::new();
    let g = gate.clone();
    let server = FakeServer::start(move |p| {
        p.handshake()?;
        p.send(&[0x32, 0x07, 0x00, 0x01, b't', 0x00, 0x05, b'h', b'i'])?;
        p.expect(&[0x40, 0x02, 0x00, 0x05])?;
        g.open();
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(Some("rx"), true, V311);
    c.gate_messages(gate);
    connect_and_wait(&c, &server);
    assert!(
        c.run_until(STEP, |e| e.iter().any(|e| matches!(e, Event::Message(_)))),
        "{}",
        c.dump()
    );
    c.run_for(Duration::from_millis(100));
    assert_eq!(
        c.events(),
        vec![Event::Connect(0), Event::Gate(true), msg(5, "t", b"hi", 1, false)],
        "the PUBACK must be on the wire before on_message runs"
    );
    assert!(
        c.logged(
            MOSQ_LOG_DEBUG,
            "Client rx received PUBLISH (d0, q1, r0, m5, 't', ... (2 bytes))"
        ),
        "logs: {:?}",
        c.logs()
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client rx sending PUBACK (m5, rc0)"),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}

#[test]
fn incoming_qos2_delivered_once_after_pubrel() {
    let gate = Gate::new();
    let g = gate.clone();
    let server = FakeServer::start(move |p| {
        p.handshake()?;
        p.send(&[0x35, 0x07, 0x00, 0x01, b't', 0x00, 0x06, b'h', b'i'])?;
        p.expect(&[0x50, 0x02, 0x00, 0x06])?;
        // The same message again, as a server resending it would.
        p.send(&[0x3d, 0x07, 0x00, 0x01, b't', 0x00, 0x06, b'h', b'i'])?;
        p.expect(&[0x50, 0x02, 0x00, 0x06])?;
        p.send(&[0x62, 0x02, 0x00, 0x06])?;
        p.expect(&[0x70, 0x02, 0x00, 0x06])?;
        g.open();
        p.expect_silence(Duration::from_millis(200))
    });
    let c = Client::logging(Some("rx"), true, V311);
    c.gate_messages(gate);
    connect_and_wait(&c, &server);
    assert!(
        c.run_until(STEP, |e| e.iter().any(|e| matches!(e, Event::Message(_)))),
        "{}",
        c.dump()
    );
    c.run_for(Duration::from_millis(200));
    assert_eq!(
        c.events(),
        vec![Event::Connect(0), Event::Gate(true), msg(6, "t", b"hi", 2, true)],
        "PUBCOMP before on_message, exactly one message"
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client rx sending PUBREC (m6, rc0)"),
        "logs: {:?}",
        c.logs()
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client rx sending PUBCOMP (m6)"),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}

#[test]
fn incoming_qos0_has_mid_zero() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.send(&[0x30, 0x05, 0x00, 0x01, b't', b'h', b'i'])?;
        // Empty payload.
        p.send(&[0x30, 0x03, 0x00, 0x01, b'u'])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V311);
    connect_and_wait(&c, &server);
    assert!(c.run_until(STEP, |e| e.len() >= 3), "{}", c.dump());
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            msg(0, "t", b"hi", 0, false),
            msg(0, "u", b"", 0, false)
        ]
    );
    server.check();
}

#[test]
fn unexpected_acks_are_ignored_or_answered() {
    let done = Gate::new();
    let d = done.clone();
    let server = FakeServer::start(move |p| {
        p.handshake()?;
        p.send(&[0x40, 0x02, 0x00, 0x09])?; // PUBACK, unknown mid
        p.send(&[0x70, 0x02, 0x00, 0x09])?; // PUBCOMP, unknown mid
        p.send(&[0x50, 0x02, 0x00, 0x07])?; // PUBREC, unknown mid
        p.expect(&[0x62, 0x02, 0x00, 0x07])?;
        p.send(&[0x62, 0x02, 0x00, 0x05])?; // PUBREL, unknown mid
        p.expect(&[0x70, 0x02, 0x00, 0x05])?;
        d.open();
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(Some("fake"), true, V311);
    connect_and_wait(&c, &server);
    c.run_until(STEP, |_| done.is_open());
    c.run_for(Duration::from_millis(50));
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.events(),
        vec![Event::Connect(0), Event::Disconnect(0)],
        "{}",
        c.dump()
    );
    assert!(
        c.logged(
            MOSQ_LOG_WARNING,
            "Warning: Received PUBREC from fake for an unknown packet identifier 7."
        ),
        "logs: {:?}",
        c.logs()
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client fake sending PUBREL (m7)"),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}

#[test]
fn puback_with_mid_zero_is_a_protocol_error() {
    protocol_error_case(V311, &[0x40, 0x02, 0x00, 0x00], &[MOSQ_ERR_PROTOCOL]);
}

#[test]
fn suback_and_unsuback_callbacks() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        // 3.1.1: the options are dropped, only the QoS is sent.
        p.expect(&[0x82, 0x08, 0x00, 0x01, 0x00, 0x03, b'a', b'/', b'b', 0x01])?;
        p.send(&[0x90, 0x03, 0x00, 0x01, 0x01])?;
        p.expect(&[
            0x82, 0x0c, 0x00, 0x02, 0x00, 0x01, b'a', 0x02, 0x00, 0x03, b'b', b'/', b'#', 0x02,
        ])?;
        p.send(&[0x90, 0x04, 0x00, 0x02, 0x02, 0x80])?;
        p.expect(&[0xa2, 0x07, 0x00, 0x03, 0x00, 0x03, b'a', b'/', b'b'])?;
        p.send(&[0xb0, 0x02, 0x00, 0x03])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(Some("s"), true, V311);
    connect_and_wait(&c, &server);
    assert_eq!(c.subscribe_with_options("a/b", 1, 0x2c), (MOSQ_ERR_SUCCESS, 1));
    assert!(c.run_until(STEP, |e| e.len() >= 2), "{}", c.dump());
    assert_eq!(c.subscribe_multiple(&["a", "b/#"], 2, 0), (MOSQ_ERR_SUCCESS, 2));
    assert!(c.run_until(STEP, |e| e.len() >= 3), "{}", c.dump());
    assert_eq!(c.unsubscribe("a/b"), (MOSQ_ERR_SUCCESS, 3));
    assert!(c.run_until(STEP, |e| e.len() >= 4), "{}", c.dump());
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::Subscribe(1, vec![1]),
            Event::Subscribe(2, vec![2, 0x80]),
            Event::Unsubscribe(3)
        ]
    );
    assert!(
        c.logged(
            MOSQ_LOG_DEBUG,
            "Client s sending SUBSCRIBE (Mid: 1, Topic: a/b, QoS: 1, Options: 0x00)"
        ),
        "logs: {:?}",
        c.logs()
    );
    assert!(
        c.logged(
            MOSQ_LOG_DEBUG,
            "Client s sending UNSUBSCRIBE (Mid: 3, Topic: a/b)"
        ),
        "logs: {:?}",
        c.logs()
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client s received SUBACK"),
        "logs: {:?}",
        c.logs()
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client s received UNSUBACK"),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}

#[test]
fn subscribe_v5_keeps_options() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        // Empty property block, then the filter with QoS 1 | options 0x2c.
        p.expect(&[0x82, 0x09, 0x00, 0x01, 0x00, 0x00, 0x03, b'a', b'/', b'b', 0x2d])?;
        p.send(&[0x90, 0x04, 0x00, 0x01, 0x00, 0x87])?;
        p.expect(&[0xa2, 0x08, 0x00, 0x02, 0x00, 0x00, 0x03, b'a', b'/', b'b'])?;
        p.send(&[0xb0, 0x04, 0x00, 0x02, 0x00, 0x00])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(Some("s"), true, V5);
    connect_and_wait(&c, &server);
    assert_eq!(c.subscribe_with_options("a/b", 1, 0x2c), (MOSQ_ERR_SUCCESS, 1));
    assert_eq!(c.unsubscribe("a/b"), (MOSQ_ERR_SUCCESS, 2));
    assert!(c.run_until(STEP, |e| e.len() >= 3), "{}", c.dump());
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::Subscribe(1, vec![0x87]),
            Event::Unsubscribe(2)
        ]
    );
    assert!(
        c.logged(
            MOSQ_LOG_DEBUG,
            "Client s sending SUBSCRIBE (Mid: 1, Topic: a/b, QoS: 1, Options: 0x2c)"
        ),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}

// ---------------------------------------------------------------------------------------------
// Disconnecting
// ---------------------------------------------------------------------------------------------

#[test]
fn disconnect_sends_e0_00_and_calls_back_at_once() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(Some("d"), true, V311);
    connect_and_wait(&c, &server);
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    // Without a loop thread, the DISCONNECT is written and the callback runs inside the call.
    assert_eq!(c.events(), vec![Event::Connect(0), Event::Disconnect(0)]);
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client d sending DISCONNECT"),
        "logs: {:?}",
        c.logs()
    );
    assert_eq!(c.loop_once(10), MOSQ_ERR_NO_CONN);
    assert_eq!(c.disconnect(), MOSQ_ERR_NO_CONN);
    assert_eq!(c.events(), vec![Event::Connect(0), Event::Disconnect(0)]);
    server.check();
}

#[test]
fn disconnect_v5_with_reason() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.expect(&[0xe0, 0x01, 0x04])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5);
    connect_and_wait(&c, &server);
    assert_eq!(c.disconnect_v5(4), MOSQ_ERR_SUCCESS);
    assert!(c.run_until(SECOND, disconnected));
    assert_eq!(c.events(), vec![Event::Connect(0), Event::Disconnect(0)]);
    server.check();
}

#[test]
fn server_disconnect_v5_reports_the_reason_code() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.send(&[0xe0, 0x01, 0x8b])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5).with_extra_callbacks();
    connect_and_wait(&c, &server);
    run_to_disconnect(&c);
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::ConnectFlags(0, 0),
            Event::ConnectV5(0, 0),
            Event::Disconnect(139),
            Event::DisconnectV5(139)
        ],
        "{}",
        c.dump()
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Received DISCONNECT (139)"),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}
