//! The client against a scripted fake server: malformed or forbidden packets from the server, and
//! keepalive with a silent server.
//!
//! Every case runs its own server on 127.0.0.1:0; every wait is bounded. The slow keepalive
//! cases run concurrently inside one test.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;
mod fake_broker;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::client::*;
use common::consts::*;
use common::fake::*;

use fake_broker::*;

// ---------------------------------------------------------------------------------------------
// Malformed or forbidden packets from the server
// ---------------------------------------------------------------------------------------------

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
