//! The client against a scripted fake server: CONNECT encoding and CONNACK handling.
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
