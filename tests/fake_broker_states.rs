//! The client against a scripted fake server: more CONNACK, acknowledgement and state cases
//! (refusals, lost connections in the middle of a QoS 2 flow, unexpected packets).
//!
//! Every case runs its own server on 127.0.0.1:0; every wait is bounded.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;
mod fake_broker;

use std::ffi::c_int;
use std::time::Duration;

use common::client::*;
use common::consts::*;
use common::fake::*;

use fake_broker::*;

// ---------------------------------------------------------------------------------------------
// More CONNACK, acknowledgement and state cases
// ---------------------------------------------------------------------------------------------

/// The server answers CONNECT with `bad` instead of CONNACK: the client must close the
/// connection with `rc` and never call on_connect.
fn before_connack_case(bad: &[u8], rc: c_int) {
    let bad = bad.to_vec();
    let server = FakeServer::start(move |p| {
        p.accept()?;
        p.expect_connect()?;
        p.send(&bad)?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    run_to_disconnect(&c);
    assert_eq!(c.events(), vec![Event::Disconnect(rc)], "{}", c.dump());
    server.check();
}

#[test]
fn puback_before_connack_is_a_protocol_error() {
    before_connack_case(&[0x40, 0x02, 0x00, 0x01], MOSQ_ERR_PROTOCOL);
}

#[test]
fn publish_before_connack_is_a_protocol_error() {
    before_connack_case(&[0x30, 0x05, 0x00, 0x01, b't', b'h', b'i'], MOSQ_ERR_PROTOCOL);
}

#[test]
fn suback_before_connack_is_a_protocol_error() {
    before_connack_case(&[0x90, 0x03, 0x00, 0x01, 0x00], MOSQ_ERR_PROTOCOL);
}

#[test]
fn pingresp_before_connack_is_a_protocol_error() {
    before_connack_case(&[0xd0, 0x00], MOSQ_ERR_PROTOCOL);
}

#[test]
fn puback_for_a_qos2_message_is_a_protocol_error() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.expect(&[0x34, 0x07, 0x00, 0x01, b't', 0x00, 0x01, b'h', b'i'])?;
        p.send(&[0x40, 0x02, 0x00, 0x01])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V311);
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"hi", 2, false), (MOSQ_ERR_SUCCESS, 1));
    run_to_disconnect(&c);
    assert_eq!(
        c.events(),
        vec![Event::Connect(0), Event::Disconnect(MOSQ_ERR_PROTOCOL)],
        "{}",
        c.dump()
    );
    server.check();
}

#[test]
fn publish_from_inside_on_connect_is_sent_after_connack() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        p.send(&CONNACK_OK)?;
        p.expect(&[0x32, 0x06, 0x00, 0x01, b't', 0x00, 0x01, b'c'])?;
        p.send(&[0x40, 0x02, 0x00, 0x01])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V311).publish_on_connect();
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    assert!(c.run_until(STEP, |e| has(e, &Event::Publish(1))), "{}", c.dump());
    c.run_for(Duration::from_millis(50));
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::PublishCall(MOSQ_ERR_SUCCESS, 1),
            Event::Publish(1)
        ]
    );
    server.check();
}

#[test]
fn mids_continue_across_reconnects() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.expect(&[0x30, 0x05, 0x00, 0x01, b't', b'h', b'i'])?;
        p.close();
        p.handshake()?;
        p.expect(&[0x32, 0x07, 0x00, 0x01, b't', 0x00, 0x02, b'h', b'i'])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V311);
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"hi", 0, false), (MOSQ_ERR_SUCCESS, 1));
    assert!(c.run_until(STEP, disconnected), "{}", c.dump());
    assert_eq!(c.reconnect(), MOSQ_ERR_SUCCESS);
    assert!(c.run_until(STEP, |e| e.len() >= 4), "{}", c.dump());
    assert_eq!(c.publish("t", b"hi", 1, false), (MOSQ_ERR_SUCCESS, 2));
    c.run_for(Duration::from_millis(100));
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::Publish(1),
            Event::Disconnect(MOSQ_ERR_CONN_LOST),
            Event::Connect(0)
        ]
    );
    server.check();
}

#[test]
fn v5_puback_reason_reaches_on_publish_v5() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        // v5 PUBLISH: empty property block before the payload.
        p.expect(&[0x32, 0x07, 0x00, 0x01, b't', 0x00, 0x01, 0x00, b'x'])?;
        // Reason 0x10: no matching subscribers.
        p.send(&[0x40, 0x03, 0x00, 0x01, 0x10])?;
        p.expect(&[0x32, 0x07, 0x00, 0x01, b't', 0x00, 0x02, 0x00, b'x'])?;
        // A reason code PUBACK may not carry.
        p.send(&[0x40, 0x03, 0x00, 0x02, 0x05])?;
        p.expect_eof()
    });
    let c = Client::logging(Some("v"), true, V5).with_extra_callbacks();
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, 1));
    assert!(
        c.run_until(STEP, |e| has(e, &Event::PublishV5(1, 0x10))),
        "{}",
        c.dump()
    );
    assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, 2));
    run_to_disconnect(&c);
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::ConnectFlags(0, 0),
            Event::ConnectV5(0, 0),
            Event::Publish(1),
            Event::PublishV5(1, 0x10),
            Event::Disconnect(MOSQ_ERR_PROTOCOL),
            Event::DisconnectV5(MOSQ_ERR_PROTOCOL)
        ],
        "{}",
        c.dump()
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client v received PUBACK (Mid: 1, RC:16)"),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}

#[test]
fn v5_pubrec_failure_frees_the_slot_and_calls_only_on_publish_v5() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.expect(&[0x34, 0x07, 0x00, 0x01, b't', 0x00, 0x01, 0x00, b'x'])?;
        p.expect_silence(Duration::from_millis(100))?;
        // Refused (0x80): no PUBREL; the second message takes the freed slot.
        p.send(&[0x50, 0x03, 0x00, 0x01, 0x80])?;
        p.expect(&[0x34, 0x07, 0x00, 0x01, b't', 0x00, 0x02, 0x00, b'x'])?;
        p.send(&[0x50, 0x02, 0x00, 0x02])?;
        p.expect(&[0x62, 0x02, 0x00, 0x02])?;
        p.send(&[0x70, 0x02, 0x00, 0x02])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V5).with_extra_callbacks();
    assert_eq!(c.max_inflight_messages_set(1), MOSQ_ERR_SUCCESS);
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"x", 2, false), (MOSQ_ERR_SUCCESS, 1));
    assert_eq!(c.publish("t", b"x", 2, false), (MOSQ_ERR_SUCCESS, 2));
    assert!(
        c.run_until(STEP, |e| has(e, &Event::PublishV5(2, 0))),
        "{}",
        c.dump()
    );
    c.run_for(Duration::from_millis(100));
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::ConnectFlags(0, 0),
            Event::ConnectV5(0, 0),
            Event::PublishV5(1, 0x80),
            Event::Publish(2),
            Event::PublishV5(2, 0)
        ]
    );
    server.check();
}

#[test]
fn v5_connack_receive_maximum_limits_inflight() {
    let server = FakeServer::start(|p| {
        // RECEIVE_MAXIMUM (0x21) = 1.
        p.handshake_with(&[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x01])?;
        p.expect(&[0x32, 0x07, 0x00, 0x01, b't', 0x00, 0x01, 0x00, b'x'])?;
        p.expect_silence(Duration::from_millis(200))?;
        p.send(&[0x40, 0x02, 0x00, 0x01])?;
        p.expect(&[0x32, 0x07, 0x00, 0x01, b't', 0x00, 0x02, 0x00, b'x'])?;
        p.send(&[0x40, 0x02, 0x00, 0x02])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V5);
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, 1));
    assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, 2));
    assert!(c.run_until(STEP, |e| has(e, &Event::Publish(2))), "{}", c.dump());
    assert_eq!(
        c.events(),
        vec![Event::Connect(0), Event::Publish(1), Event::Publish(2)]
    );
    server.check();
}

#[test]
fn v5_connack_maximum_qos_and_retain_unavailable() {
    let server = FakeServer::start(|p| {
        // MAXIMUM_QOS (0x24) = 0, RETAIN_AVAILABLE (0x25) = 0.
        p.handshake_with(&[0x20, 0x07, 0x00, 0x00, 0x04, 0x24, 0x00, 0x25, 0x00])?;
        // The retain flag is dropped.
        p.expect(&[0x30, 0x05, 0x00, 0x01, b't', 0x00, b'x'])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V5);
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"x", 1, false).0, MOSQ_ERR_QOS_NOT_SUPPORTED);
    // No message id was used by the refused publish.
    assert_eq!(c.publish("t", b"x", 0, true), (MOSQ_ERR_SUCCESS, 1));
    c.run_for(Duration::from_millis(100));
    assert_eq!(c.events(), vec![Event::Connect(0), Event::Publish(1)]);
    server.check();
}

#[test]
fn v5_connack_assigned_client_identifier() {
    let server = FakeServer::start(|p| {
        // ASSIGNED_CLIENT_IDENTIFIER (0x12) = "abcd".
        p.handshake_with(&[
            0x20, 0x0a, 0x00, 0x00, 0x07, 0x12, 0x00, 0x04, b'a', b'b', b'c', b'd',
        ])?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5);
    connect_and_wait(&c, &server);
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.events(), vec![Event::Connect(0), Event::Disconnect(0)]);
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client abcd received CONNACK (0)"),
        "logs: {:?}",
        c.logs()
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client abcd sending DISCONNECT"),
        "logs: {:?}",
        c.logs()
    );
    server.check();
}

#[test]
fn v5_connack_assigned_identifier_when_one_was_set() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&[
            0x20, 0x0a, 0x00, 0x00, 0x07, 0x12, 0x00, 0x04, b'a', b'b', b'c', b'd',
        ])?;
        p.expect_eof()
    });
    let c = Client::logging(Some("mine"), true, V5);
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    run_to_disconnect(&c);
    assert_eq!(
        c.events(),
        vec![Event::Disconnect(MOSQ_ERR_PROTOCOL)],
        "{}",
        c.dump()
    );
    server.check();
}

#[test]
fn malformed_remaining_length_is_logged_once() {
    // libmosquitto closes the connection on this silently; this library adds one error line
    // naming the packet and the problem, and nothing else.
    let c = protocol_error_case(
        V311,
        &[0x30, 0xff, 0xff, 0xff, 0xff, 0x7f],
        &[MOSQ_ERR_MALFORMED_PACKET],
    );
    assert_eq!(
        c.logs(),
        vec![
            (MOSQ_LOG_DEBUG, "Client null sending CONNECT".to_string()),
            (MOSQ_LOG_DEBUG, "Client null received CONNACK (0)".to_string()),
            (
                MOSQ_LOG_ERR,
                "Error: Client null received a malformed PUBLISH packet (its length field is invalid); \
                 closing the connection."
                    .to_string()
            ),
        ]
    );
}

#[test]
fn qos2_resume_with_loop_forever() {
    // loop_forever reconnects by itself after the server drops the connection between PUBREL
    // and PUBCOMP; the PUBREL is resent; a disconnect from the publish callback ends the loop.
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        // Sent at once, before the CONNACK.
        p.expect(&[0x34, 0x07, 0x00, 0x01, b't', 0x00, 0x01, b'h', b'i'])?;
        p.send(&CONNACK_OK)?;
        p.send(&[0x50, 0x02, 0x00, 0x01])?;
        p.expect(&[0x62, 0x02, 0x00, 0x01])?;
        p.close();
        p.accept()?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        p.send(&CONNACK_OK)?;
        p.expect(&[0x62, 0x02, 0x00, 0x01])?;
        p.send(&[0x70, 0x02, 0x00, 0x01])?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V311).disconnect_on_publish();
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.publish("t", b"hi", 2, false), (MOSQ_ERR_SUCCESS, 1));
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = c.mosq();
    let handle = std::thread::spawn(move || {
        tx.send(shared.loop_forever(1000)).ok();
    });
    let result = rx.recv_timeout(Duration::from_secs(8));
    if result.is_err() {
        // Make loop_forever return so the client can be destroyed after the thread ended.
        c.disconnect();
        if rx.recv_timeout(STEP).is_err() {
            std::mem::forget(c);
            panic!("loop_forever did not return, even after mosquitto_disconnect");
        }
    }
    handle.join().expect("loop_forever thread");
    let Ok(rc) = result else {
        panic!("loop_forever did not return within 8 s; events:{}", c.dump());
    };
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
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
fn packets_split_into_single_bytes_and_coalesced() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect_connect()?;
        // CONNACK and a QoS 0 PUBLISH, one byte per write.
        let mut bytes = CONNACK_OK.to_vec();
        bytes.extend_from_slice(&[0x30, 0x05, 0x00, 0x01, b'a', b'h', b'i']);
        for b in bytes {
            p.send(&[b])?;
            std::thread::sleep(Duration::from_millis(5));
        }
        // Three packets in one write: two messages and a PUBREL for (unknown) mid 3.
        p.send(&[
            0x30, 0x04, 0x00, 0x01, b'b', b'1', 0x30, 0x04, 0x00, 0x01, b'c', b'2', 0x62, 0x02, 0x00, 0x03,
        ])?;
        p.expect(&[0x70, 0x02, 0x00, 0x03])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    assert!(c.run_until(STEP, |e| e.len() >= 4), "{}", c.dump());
    c.run_for(Duration::from_millis(100));
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            msg(0, "a", b"hi", 0, false),
            msg(0, "b", b"1", 0, false),
            msg(0, "c", b"2", 0, false)
        ]
    );
    server.check();
}

#[test]
fn incoming_qos2_survives_a_reconnect() {
    // The message is stored when PUBREC goes out; the PUBREL arrives on the next connection.
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.send(&[0x34, 0x07, 0x00, 0x01, b't', 0x00, 0x09, b'h', b'i'])?;
        p.expect(&[0x50, 0x02, 0x00, 0x09])?;
        p.close();
        p.handshake()?;
        p.send(&[0x62, 0x02, 0x00, 0x09])?;
        p.expect(&[0x70, 0x02, 0x00, 0x09])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(Some("p"), false, V311);
    connect_and_wait(&c, &server);
    assert!(c.run_until(STEP, disconnected), "{}", c.dump());
    assert_eq!(c.reconnect(), MOSQ_ERR_SUCCESS);
    assert!(
        c.run_until(STEP, |e| e.iter().any(|e| matches!(e, Event::Message(_)))),
        "{}",
        c.dump()
    );
    c.run_for(Duration::from_millis(100));
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::Disconnect(MOSQ_ERR_CONN_LOST),
            Event::Connect(0),
            msg(9, "t", b"hi", 2, false)
        ]
    );
    server.check();
}

#[test]
fn subscribe_before_connack_is_sent_at_once() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        p.expect(&[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b't', 0x02])?;
        p.send(&CONNACK_OK)?;
        p.send(&[0x90, 0x03, 0x00, 0x01, 0x02])?;
        p.expect_silence(Duration::from_millis(100))
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.subscribe_with_options("t", 2, 0), (MOSQ_ERR_SUCCESS, 1));
    assert!(c.run_until(STEP, |e| e.len() >= 2), "{}", c.dump());
    assert_eq!(c.events(), vec![Event::Connect(0), Event::Subscribe(1, vec![2])]);
    server.check();
}

/// Run `mosquitto_loop` until it fails; returns, for each call, its result and the events it
/// caused.
fn loop_calls_until_failure(c: &Client) -> Vec<(c_int, Vec<Event>)> {
    let mut calls = Vec::new();
    let mut seen = c.events().len();
    for _ in 0..200 {
        let rc = c.loop_once(100);
        let events = c.events();
        calls.push((rc, events[seen..].to_vec()));
        seen = events.len();
        if rc != MOSQ_ERR_SUCCESS {
            break;
        }
    }
    calls
}

#[test]
fn a_loss_right_after_messages_is_reported_by_the_next_loop_call() {
    // The server sends CONNACK, a message and closes at once: the call that delivers the
    // message succeeds; the next call reports the lost connection (as libmosquitto, which reads
    // one packet per call, does).
    for read_style in ["loop", "loop_read"] {
        let server = FakeServer::start(|p| {
            p.accept()?;
            p.expect(&CONNECT_V311_NULL_ID)?;
            let mut both = CONNACK_OK.to_vec();
            both.extend_from_slice(&[0x30, 0x04, 0x00, 0x01, b't', b'm']);
            p.send(&both)?;
            p.close();
            Ok(())
        });
        let c = Client::logging(None, true, V311);
        assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
        std::thread::sleep(Duration::from_millis(200));
        let calls = if read_style == "loop" {
            loop_calls_until_failure(&c)
        } else {
            let mut calls = Vec::new();
            for _ in 0..5 {
                let rc = c.loop_read();
                calls.push((rc, c.events()));
                if rc != MOSQ_ERR_SUCCESS {
                    break;
                }
            }
            calls
        };
        let delivering = calls
            .iter()
            .position(|(_, ev)| ev.iter().any(|e| matches!(e, Event::Message(_))))
            .unwrap_or_else(|| panic!("{read_style}: no message delivered: {calls:?}"));
        assert_eq!(calls[delivering].0, MOSQ_ERR_SUCCESS, "{read_style}: {calls:?}");
        assert!(
            !calls[delivering]
                .1
                .iter()
                .any(|e| matches!(e, Event::Disconnect(_))),
            "{read_style}: {calls:?}"
        );
        let (rc, events) = calls.last().expect("calls");
        assert_eq!(*rc, MOSQ_ERR_CONN_LOST, "{read_style}: {calls:?}");
        assert!(
            events.contains(&Event::Disconnect(MOSQ_ERR_CONN_LOST)),
            "{read_style}: {calls:?}"
        );
        assert_eq!(c.disconnects(), vec![MOSQ_ERR_CONN_LOST], "{read_style}");
        server.check();
    }
}
