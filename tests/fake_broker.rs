//! The client against a scripted fake server: exact bytes on the wire, callback order and
//! return codes in situations a real broker does not produce (refusals, lost connections in
//! the middle of a QoS 2 flow, unexpected or malformed packets, a silent server).
//!
//! Every case runs its own server on 127.0.0.1:0; every wait is bounded. The slow keepalive
//! cases run concurrently inside one test.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::c_int;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Gate;
use common::client::*;
use common::consts::*;
use common::fake::*;

// ---------------------------------------------------------------------------------------------
// An allocator that remembers the largest single request, to show that a huge announced
// packet length is not allocated up front.
// ---------------------------------------------------------------------------------------------

struct Tracking;

static LARGEST_ALLOCATION: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the only addition is an
// atomic maximum of the requested sizes.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST_ALLOCATION.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST_ALLOCATION.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST_ALLOCATION.fetch_max(new_size, Ordering::Relaxed);
        // SAFETY: forwarded contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Tracking = Tracking;

const CONNACK_OK: [u8; 4] = [0x20, 0x02, 0x00, 0x00];
const CONNACK_OK_V5: [u8; 5] = [0x20, 0x03, 0x00, 0x00, 0x00];
/// CONNECT of a 3.1.1 client with a NULL id, clean session, keepalive 60.
const CONNECT_V311_NULL_ID: [u8; 14] = [
    0x10, 0x0c, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00,
];
const SECOND: Duration = Duration::from_secs(1);

/// Connect `c` to `server` (keepalive 60) and run until the connect callback has fired.
fn connect_and_wait(c: &Client, server: &FakeServer) {
    assert_eq!(
        c.connect("127.0.0.1", server.port(), 60),
        MOSQ_ERR_SUCCESS,
        "mosquitto_connect"
    );
    assert!(
        c.run_until(STEP, |e| e.iter().any(|e| matches!(e, Event::Connect(_)))),
        "no connect callback; events:{}",
        c.dump()
    );
}

/// Drive `c` until its disconnect callback fires, then a little longer to catch a second one.
fn run_to_disconnect(c: &Client) {
    assert!(
        c.run_until(STEP, disconnected),
        "no disconnect callback; events:{}",
        c.dump()
    );
    c.run_for(Duration::from_millis(150));
}

// ---------------------------------------------------------------------------------------------
// CONNECT encoding
// ---------------------------------------------------------------------------------------------

#[test]
fn connect_v31_generates_a_mosq_client_id() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        let pkt = p.read_packet()?;
        let head = [
            0x10, 0x25, 0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p', 0x03, 0x02, 0x00, 0x3c, 0x00, 0x17,
        ];
        if pkt.len() != 39 || pkt[..16] != head || &pkt[16..21] != b"mosq-" {
            return Err(format!("unexpected 3.1 CONNECT: {}", hex(&pkt)));
        }
        if !pkt[21..].iter().all(u8::is_ascii_alphanumeric) {
            return Err(format!(
                "generated id has characters outside [a-zA-Z0-9]: {}",
                hex(&pkt)
            ));
        }
        p.send(&CONNACK_OK)?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V31);
    connect_and_wait(&c, &server);
    assert_eq!(c.events(), vec![Event::Connect(0)]);
    let logs = c.logs();
    assert!(
        logs.iter().any(|(l, t)| *l == MOSQ_LOG_DEBUG
            && t.starts_with("Client mosq-")
            && t.ends_with(" sending CONNECT")
            && t.len() == "Client  sending CONNECT".len() + 23),
        "log lines: {logs:?}"
    );
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    server.check();
}

#[test]
fn connect_v311_null_id() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        p.send(&CONNACK_OK)?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V311);
    connect_and_wait(&c, &server);
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client null sending CONNECT"),
        "logs: {:?}",
        c.logs()
    );
    assert!(
        c.logged(MOSQ_LOG_DEBUG, "Client null received CONNACK (0)"),
        "logs: {:?}",
        c.logs()
    );
    c.disconnect();
    server.check();
}

#[test]
fn connect_v5_adds_receive_maximum() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        // Property block: length 3, RECEIVE_MAXIMUM (0x21) = 20.
        p.expect(&[
            0x10, 0x10, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x3c, 0x03, 0x21, 0x00, 0x14,
            0x00, 0x00,
        ])?;
        p.send(&CONNACK_OK_V5)?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5);
    connect_and_wait(&c, &server);
    assert_eq!(c.events(), vec![Event::Connect(0)]);
    c.disconnect();
    server.check();
}

#[test]
fn connect_v5_receive_maximum_option() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect(&[
            0x10, 0x10, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x3c, 0x03, 0x21, 0x00, 0x05,
            0x00, 0x00,
        ])?;
        Ok(())
    });
    let c = Client::logging(None, true, V5);
    assert_eq!(c.receive_maximum(5), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    server.check();
}

#[test]
fn connect_with_will_credentials_keepalive_and_persistent_session() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        // Flags 0xf4: username, password, will retain, will QoS 2, will; clean session off.
        p.expect(&[
            0x10, 0x1f, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0xf4, 0x00, 0x1e, 0x00, 0x03, b'c', b'i',
            b'd', 0x00, 0x03, b'w', b'/', b't', 0x00, 0x03, b'b', b'y', b'e', 0x00, 0x01, b'u', 0x00, 0x01,
            b'p',
        ])?;
        Ok(())
    });
    let c = Client::logging(Some("cid"), false, V311);
    assert_eq!(c.will_set("w/t", b"bye", 2, true), MOSQ_ERR_SUCCESS);
    assert_eq!(c.username_pw_set(Some("u"), Some("p")), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect("127.0.0.1", server.port(), 30), MOSQ_ERR_SUCCESS);
    server.check();
}

#[test]
fn connect_v5_with_will_and_username_only() {
    let server = FakeServer::start(|p| {
        p.accept()?;
        // Flags 0x8e: username, will QoS 1, will, clean start; an empty will property block.
        p.expect(&[
            0x10, 0x1e, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x8e, 0x00, 0x3c, 0x03, 0x21, 0x00, 0x14,
            0x00, 0x00, 0x00, 0x00, 0x03, b'w', b'/', b't', 0x00, 0x03, b'b', b'y', b'e', 0x00, 0x01, b'u',
        ])?;
        Ok(())
    });
    let c = Client::logging(None, true, V5);
    assert_eq!(c.will_set("w/t", b"bye", 1, false), MOSQ_ERR_SUCCESS);
    assert_eq!(c.username_pw_set(Some("u"), None), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    server.check();
}

#[test]
fn connect_keepalive_zero_and_minimum() {
    let c = Client::logging(None, true, V311);
    assert_eq!(
        c.connect("127.0.0.1", 1, 3),
        MOSQ_ERR_INVAL,
        "keepalive 3 is refused"
    );
    assert_eq!(
        c.connect("127.0.0.1", 1, 4),
        MOSQ_ERR_INVAL,
        "keepalive 4 is refused"
    );
    for (keepalive, bytes) in [(0, [0x00, 0x00]), (5, [0x00, 0x05]), (65535, [0xff, 0xff])] {
        let server = FakeServer::start(move |p| {
            p.accept()?;
            let mut want = CONNECT_V311_NULL_ID;
            want[10..12].copy_from_slice(&bytes);
            p.expect(&want)
        });
        let c = Client::logging(None, true, V311);
        assert_eq!(c.connect("127.0.0.1", server.port(), keepalive), MOSQ_ERR_SUCCESS);
        server.check();
    }
}

// ---------------------------------------------------------------------------------------------
// CONNACK handling
// ---------------------------------------------------------------------------------------------

#[test]
fn connack_refused_codes() {
    for code in 1u8..=5 {
        let server = FakeServer::start(move |p| {
            p.handshake_with(&[0x20, 0x02, 0x00, code])?;
            p.expect_eof()
        });
        let c = Client::logging(None, true, V311);
        assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
        run_to_disconnect(&c);
        assert_eq!(
            c.events(),
            vec![
                Event::Connect(c_int::from(code)),
                Event::Disconnect(MOSQ_ERR_CONN_REFUSED)
            ],
            "CONNACK rc {code}; events:{}",
            c.dump()
        );
        assert_eq!(c.loop_rcs().first(), Some(&MOSQ_ERR_CONN_REFUSED), "loop result");
        let text = format!("Client null received CONNACK ({code})");
        assert!(c.logged(MOSQ_LOG_DEBUG, &text), "logs: {:?}", c.logs());
        server.check();
    }
}

#[test]
fn connack_with_flags_and_v5_callbacks_in_order() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&[0x20, 0x03, 0x01, 0x00, 0x00])?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(Some("f"), false, V5).with_extra_callbacks();
    connect_and_wait(&c, &server);
    c.run_for(Duration::from_millis(50));
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::ConnectFlags(0, 1),
            Event::ConnectV5(0, 1)
        ]
    );
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::ConnectFlags(0, 1),
            Event::ConnectV5(0, 1),
            Event::Disconnect(0),
            Event::DisconnectV5(0)
        ]
    );
    server.check();
}

#[test]
fn connack_v5_failure_reason_is_a_protocol_error() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&[0x20, 0x03, 0x00, 0x87, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5);
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    run_to_disconnect(&c);
    assert_eq!(
        c.events(),
        vec![Event::Connect(0x87), Event::Disconnect(MOSQ_ERR_PROTOCOL)],
        "{}",
        c.dump()
    );
    server.check();
}

#[test]
fn connack_v3_style_to_a_v5_client() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&[0x20, 0x02, 0x00, 0x01])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5);
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    run_to_disconnect(&c);
    assert_eq!(
        c.events(),
        vec![Event::Connect(132), Event::Disconnect(MOSQ_ERR_PROTOCOL)],
        "{}",
        c.dump()
    );
    server.check();
}

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

// ---------------------------------------------------------------------------------------------
// Malformed or forbidden packets from the server
// ---------------------------------------------------------------------------------------------

/// Connect, get CONNACK, receive `bad`; the client must close the connection and call
/// on_disconnect exactly once with one of `rcs` (the first one is the expected code; more are
/// listed where upstream's result depends on errno).
fn protocol_error_case(protocol: c_int, bad: &[u8], rcs: &[c_int]) -> Client {
    let bad = bad.to_vec();
    let connack: Vec<u8> = if protocol == V5 {
        CONNACK_OK_V5.to_vec()
    } else {
        CONNACK_OK.to_vec()
    };
    let server = FakeServer::start(move |p| {
        p.handshake_with(&connack)?;
        p.send(&bad)?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, protocol);
    connect_and_wait(&c, &server);
    run_to_disconnect(&c);
    let events = c.events();
    let disconnects = c.disconnects();
    assert_eq!(
        disconnects.len(),
        1,
        "exactly one disconnect callback; events:{}",
        c.dump()
    );
    assert!(
        rcs.contains(&disconnects[0]),
        "disconnect rc {} (expected {rcs:?}); events:{}",
        disconnects[0],
        c.dump()
    );
    assert_eq!(
        events,
        vec![Event::Connect(0), Event::Disconnect(disconnects[0])],
        "{}",
        c.dump()
    );
    let loop_rcs = c.loop_rcs();
    assert_eq!(
        loop_rcs.first(),
        Some(&disconnects[0]),
        "first nonzero loop result: {loop_rcs:?}"
    );
    assert!(
        loop_rcs[1..].iter().all(|rc| *rc == MOSQ_ERR_NO_CONN),
        "later loop results: {loop_rcs:?}"
    );
    server.check();
    c
}

#[test]
fn malformed_remaining_length_of_five_bytes() {
    protocol_error_case(
        V311,
        &[0x30, 0xff, 0xff, 0xff, 0xff, 0x7f],
        &[MOSQ_ERR_MALFORMED_PACKET],
    );
}

#[test]
fn unknown_packet_type_zero() {
    let c = protocol_error_case(V311, &[0x00, 0x02, 0x00, 0x00], &[MOSQ_ERR_PROTOCOL]);
    assert!(
        c.logged(MOSQ_LOG_ERR, "Error: Unrecognised command 0\n"),
        "logs: {:?}",
        c.logs()
    );
}

#[test]
fn publish_with_qos_3() {
    protocol_error_case(
        V311,
        &[0x36, 0x07, 0x00, 0x01, b't', 0x00, 0x01, b'h', b'i'],
        &[MOSQ_ERR_PROTOCOL],
    );
}

#[test]
fn publish_with_topic_longer_than_the_packet() {
    protocol_error_case(V311, &[0x30, 0x02, 0x00, 0x05], &[MOSQ_ERR_MALFORMED_PACKET]);
}

#[test]
fn publish_truncated_by_close() {
    // Ten bytes announced, three sent, then the server closes. Upstream reports the lost
    // connection as MOSQ_ERR_CONN_LOST or, mid-packet, as MOSQ_ERR_ERRNO.
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.send(&[0x32, 0x0a, 0x00, 0x01, b't'])?;
        std::thread::sleep(Duration::from_millis(100));
        p.close();
        Ok(())
    });
    let c = Client::logging(None, true, V311);
    connect_and_wait(&c, &server);
    run_to_disconnect(&c);
    let d = c.disconnects();
    assert_eq!(d.len(), 1, "{}", c.dump());
    assert!(
        [MOSQ_ERR_CONN_LOST, MOSQ_ERR_ERRNO].contains(&d[0]),
        "{}",
        c.dump()
    );
    assert_eq!(c.events(), vec![Event::Connect(0), Event::Disconnect(d[0])]);
    server.check();
}

#[test]
fn publish_with_invalid_utf8_topic() {
    protocol_error_case(
        V311,
        &[0x30, 0x04, 0x00, 0x02, b't', 0x80],
        &[MOSQ_ERR_MALFORMED_UTF8],
    );
}

#[test]
fn publish_with_empty_topic() {
    protocol_error_case(V311, &[0x30, 0x03, 0x00, 0x00, b'x'], &[MOSQ_ERR_PROTOCOL]);
}

#[test]
fn publish_qos1_with_mid_zero() {
    protocol_error_case(
        V311,
        &[0x32, 0x05, 0x00, 0x01, b't', 0x00, 0x00],
        &[MOSQ_ERR_PROTOCOL],
    );
}

#[test]
fn pingreq_from_the_server() {
    protocol_error_case(V311, &[0xc0, 0x00], &[MOSQ_ERR_PROTOCOL]);
}

#[test]
fn disconnect_from_the_server_on_v311() {
    protocol_error_case(V311, &[0xe0, 0x00], &[MOSQ_ERR_PROTOCOL]);
}

#[test]
fn suback_without_payload() {
    protocol_error_case(V311, &[0x90, 0x02, 0x00, 0x01], &[MOSQ_ERR_PROTOCOL]);
}

#[test]
fn huge_remaining_length_is_not_allocated() {
    // 268435455 bytes announced, a handful sent; the client must wait for the rest without
    // allocating the whole announced size, then report the lost connection.
    let server = FakeServer::start(|p| {
        p.handshake()?;
        p.send(&[0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, b't', b'a', b'b', b'c'])?;
        p.expect_silence(Duration::from_millis(300))?;
        p.close();
        Ok(())
    });
    let c = Client::logging(None, true, V311);
    connect_and_wait(&c, &server);
    c.run_for(Duration::from_millis(200));
    assert_eq!(
        c.events(),
        vec![Event::Connect(0)],
        "still waiting for the rest of the packet"
    );
    run_to_disconnect(&c);
    let d = c.disconnects();
    assert_eq!(d.len(), 1, "{}", c.dump());
    assert!(
        [MOSQ_ERR_CONN_LOST, MOSQ_ERR_ERRNO].contains(&d[0]),
        "{}",
        c.dump()
    );
    let largest = LARGEST_ALLOCATION.load(Ordering::Relaxed);
    assert!(largest < 16 << 20, "an allocation of {largest} bytes was made");
    server.check();
}

// ---------------------------------------------------------------------------------------------
// Keepalive (slow: about ten seconds; the cases run concurrently)
// ---------------------------------------------------------------------------------------------

/// Keepalive 5, no PINGRESP: PINGREQ about 5 s after CONNACK, then the connection is closed
/// with MOSQ_ERR_KEEPALIVE about 5 s after the PINGREQ.
fn keepalive_without_pingresp() -> Result<(), String> {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        let connack_at = Instant::now();
        let ping = p.read_packet_within(Duration::from_secs(8))?;
        let waited = connack_at.elapsed();
        if ping != [0xc0, 0x00] {
            return Err(format!("expected PINGREQ c0 00, received {}", hex(&ping)));
        }
        if waited < Duration::from_millis(4000) || waited > Duration::from_millis(6500) {
            return Err(format!("PINGREQ after {waited:?}, expected about 5 s"));
        }
        let ping_at = Instant::now();
        p.expect_eof_within(Duration::from_secs(8))?;
        let waited = ping_at.elapsed();
        if waited < Duration::from_millis(4000) || waited > Duration::from_millis(6500) {
            return Err(format!("closed {waited:?} after the PINGREQ, expected about 5 s"));
        }
        Ok(())
    });
    let c = Client::logging(Some("ka"), true, V311);
    if c.connect("127.0.0.1", server.port(), 5) != MOSQ_ERR_SUCCESS {
        return Err("connect failed".into());
    }
    c.run_until(Duration::from_secs(14), disconnected);
    c.run_for(Duration::from_millis(100));
    server.finish()?;
    let events = c.events();
    if events != [Event::Connect(0), Event::Disconnect(MOSQ_ERR_KEEPALIVE)] {
        return Err(format!("events:{}", c.dump()));
    }
    if c.loop_rcs().first() != Some(&MOSQ_ERR_KEEPALIVE) {
        return Err(format!("loop results {:?}", c.loop_rcs()));
    }
    if !c.logged(MOSQ_LOG_DEBUG, "Client ka sending PINGREQ") {
        return Err(format!("logs: {:?}", c.logs()));
    }
    Ok(())
}

/// Keepalive 5, PINGRESP answered: the connection stays up and the next PINGREQ follows about
/// 5 s later.
fn keepalive_with_pingresp() -> Result<(), String> {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        let t0 = Instant::now();
        let ping = p.read_packet_within(Duration::from_secs(8))?;
        if ping != [0xc0, 0x00] {
            return Err(format!("expected PINGREQ c0 00, received {}", hex(&ping)));
        }
        let first = t0.elapsed();
        p.send(&[0xd0, 0x00])?;
        let t1 = Instant::now();
        let ping = p.read_packet_within(Duration::from_secs(8))?;
        if ping != [0xc0, 0x00] {
            return Err(format!(
                "expected a second PINGREQ c0 00, received {}",
                hex(&ping)
            ));
        }
        let second = t1.elapsed();
        for waited in [first, second] {
            if waited < Duration::from_millis(4000) || waited > Duration::from_millis(6500) {
                return Err(format!("PINGREQ after {waited:?}, expected about 5 s"));
            }
        }
        p.send(&[0xd0, 0x00])?;
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(Some("kb"), true, V311);
    if c.connect("127.0.0.1", server.port(), 5) != MOSQ_ERR_SUCCESS {
        return Err("connect failed".into());
    }
    let pongs = |c: &Client| {
        c.logs()
            .iter()
            .filter(|(_, t)| t == "Client kb received PINGRESP")
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(14);
    while pongs(&c) < 2 && Instant::now() < deadline && !disconnected(&c.events()) {
        c.loop_once(100);
    }
    c.disconnect();
    server.finish()?;
    if c.events() != [Event::Connect(0), Event::Disconnect(0)] {
        return Err(format!("events:{}", c.dump()));
    }
    Ok(())
}

/// Keepalive 5 and a server that never sends CONNACK: the client gives up after about 5 s with
/// MOSQ_ERR_KEEPALIVE.
fn keepalive_without_connack() -> Result<(), String> {
    let server = FakeServer::start(|p| {
        p.accept()?;
        p.expect_connect()?;
        let t0 = Instant::now();
        p.expect_eof_within(Duration::from_secs(8))?;
        let waited = t0.elapsed();
        if waited < Duration::from_millis(4000) || waited > Duration::from_millis(6500) {
            return Err(format!(
                "closed after {waited:?} without CONNACK, expected about 5 s"
            ));
        }
        Ok(())
    });
    let c = Client::logging(Some("kc"), true, V311);
    if c.connect("127.0.0.1", server.port(), 5) != MOSQ_ERR_SUCCESS {
        return Err("connect failed".into());
    }
    c.run_until(Duration::from_secs(9), disconnected);
    c.run_for(Duration::from_millis(100));
    server.finish()?;
    if c.events() != [Event::Disconnect(MOSQ_ERR_KEEPALIVE)] {
        return Err(format!("events:{}", c.dump()));
    }
    Ok(())
}

/// One keepalive scenario, run in its own thread.
type KeepaliveCase = fn() -> Result<(), String>;

#[test]
fn keepalive_cases() {
    let cases: [(&str, KeepaliveCase); 3] = [
        ("no PINGRESP", keepalive_without_pingresp),
        ("PINGRESP answered", keepalive_with_pingresp),
        ("no CONNACK", keepalive_without_connack),
    ];
    let handles: Vec<_> = cases
        .into_iter()
        .map(|(name, f)| (name, std::thread::spawn(f)))
        .collect();
    let mut failures = Vec::new();
    for (name, h) in handles {
        match h.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failures.push(format!("{name}: {e}")),
            Err(_) => failures.push(format!("{name}: panicked")),
        }
    }
    assert!(
        failures.is_empty(),
        "keepalive failures:\n{}",
        failures.join("\n")
    );
}

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
