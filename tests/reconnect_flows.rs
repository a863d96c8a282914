//! Publishing across reconnections, against a scripted fake server that cuts the connection at
//! each critical point of the QoS 1 and QoS 2 flows and checks the exact packets of the next
//! connection: unacknowledged PUBLISH packets are resent first, in their original order, with
//! DUP set; a QoS 2 message whose PUBREC arrived continues with PUBREL and is never published
//! again; messages that never left follow in order; in-flight limits hold throughout; and the
//! publish callback fires once per message, after its last acknowledgement.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;

use std::ffi::c_int;
use std::time::{Duration, Instant};

use common::client::*;
use common::consts::*;
use common::fake::*;

const CONNECT_V311_NULL_ID: [u8; 14] = [
    0x10, 0x0c, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00,
];
const SILENCE: Duration = Duration::from_millis(150);

/// PUBLISH of topic `t` with payload `[mid]` (v3.1.1).
fn publish(qos: u8, dup: bool, mid: u16) -> Vec<u8> {
    let mut p = vec![0x30 | (qos << 1) | (u8::from(dup) << 3), 0x00, 0x00, 0x01, b't'];
    if qos > 0 {
        p.extend_from_slice(&mid.to_be_bytes());
    }
    p.push(mid as u8);
    p[1] = (p.len() - 2) as u8;
    p
}

fn ack(kind: u8, mid: u16) -> Vec<u8> {
    let [hi, lo] = mid.to_be_bytes();
    vec![kind, 0x02, hi, lo]
}
fn puback(mid: u16) -> Vec<u8> {
    ack(0x40, mid)
}
fn pubrec(mid: u16) -> Vec<u8> {
    ack(0x50, mid)
}
fn pubrel(mid: u16) -> Vec<u8> {
    ack(0x62, mid)
}
fn pubcomp(mid: u16) -> Vec<u8> {
    ack(0x70, mid)
}

/// Publish topic `t` with payload `[n]`; returns (rc, mid).
fn pub_n(c: &Client, n: u8, qos: c_int) -> (c_int, c_int) {
    c.publish("t", &[n], qos, false)
}

/// The publish callbacks recorded, in order.
fn completed(events: &[Event]) -> Vec<c_int> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Publish(mid) => Some(*mid),
            _ => None,
        })
        .collect()
}

fn connect_and_wait(c: &Client, server: &FakeServer) {
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    assert!(
        c.run_until(STEP, |e| e.iter().any(|e| matches!(e, Event::Connect(_)))),
        "no connect callback; events:{}",
        c.dump()
    );
}

#[test]
fn qos2_cut_after_publish_pubrec_and_pubrel_resumes_in_order_beyond_the_inflight_limit() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        // Three slots: messages 1-3 go out, 4 and 5 wait.
        for mid in 1..=3 {
            p.expect(&publish(2, false, mid))?;
        }
        p.expect_silence(SILENCE)?;
        p.send(&pubrec(1))?;
        p.expect(&pubrel(1))?;
        p.send(&pubrec(2))?;
        p.expect(&pubrel(2))?;
        p.send(&pubcomp(1))?;
        p.expect(&publish(2, false, 4))?;
        // Cut: 2 waits for PUBCOMP (PUBREL sent), 3 and 4 for PUBREC, 5 never left.
        p.close();

        p.accept()?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        p.expect_silence(SILENCE)?;
        p.send(&[0x20, 0x02, 0x00, 0x00])?;
        p.expect(&pubrel(2))?;
        p.expect(&publish(2, true, 3))?;
        p.expect(&publish(2, true, 4))?;
        p.expect_silence(SILENCE)?;
        p.send(&pubcomp(2))?;
        p.expect(&publish(2, false, 5))?;
        for mid in 3..=5 {
            p.send(&pubrec(mid))?;
            p.expect(&pubrel(mid))?;
        }
        p.send(&pubcomp(3))?;
        // Published while disconnected: kept and sent, with DUP set as libmosquitto sends it.
        p.expect(&publish(2, true, 6))?;
        p.send(&pubrec(6))?;
        p.expect(&pubrel(6))?;
        for mid in 4..=6 {
            p.send(&pubcomp(mid))?;
        }
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.max_inflight_messages_set(3), MOSQ_ERR_SUCCESS);
    connect_and_wait(&c, &server);
    for n in 1..=5 {
        assert_eq!(pub_n(&c, n, 2), (MOSQ_ERR_SUCCESS, c_int::from(n)));
    }
    assert!(c.run_until(STEP, disconnected), "{}", c.dump());
    // No connection, and the in-flight quota is used up (three messages held slots): kept,
    // and success, as libmosquitto reports it.
    assert_eq!(pub_n(&c, 6, 2), (MOSQ_ERR_SUCCESS, 6));
    assert_eq!(c.reconnect(), MOSQ_ERR_SUCCESS);
    assert!(c.run_until(STEP, |e| completed(e).len() == 6), "{}", c.dump());
    c.run_for(Duration::from_millis(50));
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    c.run_for(Duration::from_millis(50));
    let events = c.events();
    assert_eq!(completed(&events), vec![1, 2, 3, 4, 5, 6], "{}", c.dump());
    assert_eq!(
        c.disconnects(),
        vec![MOSQ_ERR_CONN_LOST, MOSQ_ERR_SUCCESS],
        "{}",
        c.dump()
    );
    server.check();
}

#[test]
fn qos1_cut_with_acks_out_of_order_resends_only_the_unacknowledged_in_order() {
    let server = FakeServer::start(|p| {
        p.handshake()?;
        for mid in 1..=4 {
            p.expect(&publish(1, false, mid))?;
        }
        p.send(&puback(2))?;
        p.expect(&publish(1, false, 5))?;
        p.send(&puback(4))?;
        p.expect(&publish(1, false, 6))?;
        p.close();

        p.handshake()?;
        for mid in [1, 3, 5, 6] {
            p.expect(&publish(1, true, mid))?;
        }
        p.expect_silence(SILENCE)?;
        p.send(&puback(3))?;
        p.expect(&publish(1, false, 7))?;
        for mid in [1, 5, 6, 7, 1] {
            // The second PUBACK for 1 is one too many: ignored.
            p.send(&puback(mid))?;
        }
        p.expect_silence(SILENCE)
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.max_inflight_messages_set(4), MOSQ_ERR_SUCCESS);
    connect_and_wait(&c, &server);
    for n in 1..=7 {
        assert_eq!(pub_n(&c, n, 1), (MOSQ_ERR_SUCCESS, c_int::from(n)));
    }
    assert!(c.run_until(STEP, disconnected), "{}", c.dump());
    assert_eq!(c.reconnect(), MOSQ_ERR_SUCCESS);
    assert!(c.run_until(STEP, |e| completed(e).len() == 7), "{}", c.dump());
    c.run_for(Duration::from_millis(250));
    assert_eq!(completed(&c.events()), vec![2, 4, 3, 1, 5, 6, 7], "{}", c.dump());
    server.check();
}

#[test]
fn v5_pubrel_continuation_respects_a_lower_receive_maximum_and_never_republishes() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x03])?;
        for mid in 1..=3u8 {
            // v5: a property length byte after the packet identifier.
            p.expect(&[0x34, 0x07, 0x00, 0x01, b't', 0x00, mid, 0x00, mid])?;
        }
        for mid in 1..=3 {
            p.send(&pubrec(mid))?;
            p.expect(&pubrel(mid))?;
        }
        p.close();

        // The new connection allows one message in flight; cut it again before any PUBCOMP.
        p.handshake_with(&[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x01])?;
        p.expect(&pubrel(1))?;
        p.expect_silence(SILENCE)?;
        p.close();
        p.handshake_with(&[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x01])?;
        for mid in 1..=3 {
            p.expect(&pubrel(mid))?;
            p.expect_silence(SILENCE)?;
            p.send(&pubcomp(mid))?;
        }
        p.expect_silence(SILENCE)
    });
    let c = Client::logging(None, true, V5);
    connect_and_wait(&c, &server);
    for n in 1..=3 {
        assert_eq!(pub_n(&c, n, 2).0, MOSQ_ERR_SUCCESS);
    }
    for cut in 1..=2 {
        assert!(
            c.run_until(STEP, |e| c.disconnects().len() == cut && !e.is_empty()),
            "{}",
            c.dump()
        );
        assert_eq!(c.reconnect(), MOSQ_ERR_SUCCESS);
    }
    assert!(
        c.run_until(Duration::from_secs(10), |e| completed(e).len() == 3),
        "{}",
        c.dump()
    );
    c.run_for(Duration::from_millis(250));
    assert_eq!(completed(&c.events()), vec![1, 2, 3], "{}", c.dump());
    server.check();
}

#[test]
fn publish_during_a_blocked_reconnect_succeeds_and_keeps_the_order() {
    let server = FakeServer::start_blockable(|p| {
        p.handshake()?;
        p.expect(&publish(1, false, 1))?;
        p.expect(&publish(1, false, 2))?;
        p.send(&puback(1))?;
        // The next connection attempt hangs in connect() until unblocked.
        p.block_connections()?;
        p.close();
        std::thread::sleep(Duration::from_millis(3500));
        p.unblock_connections()?;

        p.accept_within(Duration::from_secs(10))?;
        p.expect(&CONNECT_V311_NULL_ID)?;
        // QoS 0 published during the attempt goes out right after CONNECT.
        p.expect(&publish(0, false, 6))?;
        p.expect_silence(SILENCE)?;
        p.send(&[0x20, 0x02, 0x00, 0x00])?;
        p.expect(&publish(1, true, 2))?;
        p.expect(&publish(1, true, 3))?;
        p.expect(&publish(1, false, 4))?;
        p.expect(&publish(1, false, 5))?;
        for mid in 2..=5 {
            p.send(&puback(mid))?;
        }
        p.expect(&[0xe0, 0x00])?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.reconnect_delay_set(1, 1, false), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert!(c.wait_until(STEP, |e| has(e, &Event::Connect(0))), "{}", c.dump());
    assert_eq!(pub_n(&c, 1, 1), (MOSQ_ERR_SUCCESS, 1));
    assert_eq!(pub_n(&c, 2, 1), (MOSQ_ERR_SUCCESS, 2));
    assert!(c.wait_until(STEP, disconnected), "{}", c.dump());
    let cut = Instant::now();
    // Waiting to reconnect, with no connection attempt under way: kept, but NO_CONN, as
    // libmosquitto reports it.
    assert_eq!(pub_n(&c, 3, 1), (MOSQ_ERR_NO_CONN, 3));
    // One second later the loop thread is inside a connect() that hangs.
    std::thread::sleep(Duration::from_millis(2000).saturating_sub(cut.elapsed()));
    assert_eq!(pub_n(&c, 4, 1), (MOSQ_ERR_SUCCESS, 4));
    assert_eq!(pub_n(&c, 5, 1), (MOSQ_ERR_SUCCESS, 5));
    assert_eq!(pub_n(&c, 6, 0), (MOSQ_ERR_SUCCESS, 6));
    assert!(
        c.wait_until(Duration::from_secs(15), |e| completed(e).len() == 6),
        "{}",
        c.dump()
    );
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert!(
        c.wait_until(STEP, |e| has(e, &Event::Disconnect(0))),
        "{}",
        c.dump()
    );
    assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
    let mut done = completed(&c.events());
    assert_eq!(done, vec![1, 6, 2, 3, 4, 5], "{}", c.dump());
    done.sort_unstable();
    done.dedup();
    assert_eq!(done.len(), 6, "each message completes once");
    server.check();
}

#[test]
fn qos2_cut_before_pubcomp_with_loop_thread_completes_each_message_once() {
    // The loop thread reconnects by itself; the PUBREL of every message whose PUBREC arrived
    // is repeated, the messages themselves are not.
    let server = FakeServer::start(|p| {
        p.handshake()?;
        for mid in 1..=3 {
            p.expect(&publish(2, false, mid))?;
        }
        for mid in 1..=3 {
            p.send(&pubrec(mid))?;
            p.expect(&pubrel(mid))?;
        }
        p.send(&pubcomp(2))?;
        p.close();
        p.handshake()?;
        p.expect(&pubrel(1))?;
        p.expect(&pubrel(3))?;
        p.expect_silence(SILENCE)?;
        p.send(&pubcomp(3))?;
        p.send(&pubcomp(1))?;
        p.expect_silence(SILENCE)
    });
    let c = Client::logging(Some("keep"), false, V311);
    assert_eq!(c.reconnect_delay_set(1, 1, false), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect_async("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert!(c.wait_until(STEP, |e| has(e, &Event::Connect(0))), "{}", c.dump());
    for n in 1..=3 {
        assert_eq!(pub_n(&c, n, 2).0, MOSQ_ERR_SUCCESS);
    }
    assert!(c.wait_until(STEP, |e| completed(e).len() == 3), "{}", c.dump());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(c.loop_stop(true), MOSQ_ERR_SUCCESS);
    assert_eq!(completed(&c.events()), vec![2, 3, 1], "{}", c.dump());
    server.check();
}

#[test]
fn reconnect_back_off_starts_over_after_an_accepted_connection() {
    // With delays of 1 s growing to 10 s, each reconnection that the server accepts resets the
    // back-off: every reconnect comes about 1 s after the loss (not 1, 2, 3 s).
    let server = FakeServer::start(|p| {
        p.handshake()?;
        for _ in 0..3 {
            p.expect_silence(Duration::from_millis(100))?;
            p.close();
            let lost = Instant::now();
            p.handshake()?;
            let waited = lost.elapsed();
            if waited > Duration::from_millis(1800) {
                return Err(format!("reconnected after {waited:?}, expected about 1 s"));
            }
        }
        Ok(())
    });
    let c = Client::logging(None, true, V311);
    assert_eq!(c.reconnect_delay_set(1, 10, false), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert!(
        c.wait_until(Duration::from_secs(15), |e| e
            .iter()
            .filter(|e| matches!(e, Event::Connect(0)))
            .count()
            == 4),
        "{}",
        c.dump()
    );
    assert_eq!(c.loop_stop(true), MOSQ_ERR_SUCCESS);
    server.check();
}
