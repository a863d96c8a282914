//! MQTT v5 against the scripted fake server: malformed or forbidden properties from the server,
//! and callbacks that keep reading their property lists while calling the API.
//!
//! Every case runs its own server on 127.0.0.1:0 and every wait is bounded.

// The tests measure real time.
#![allow(clippy::disallowed_methods)]

mod common;
mod fake_broker_v5;

use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use ::mosquitto::capi::types::{mosquitto as Mosq, mosquitto_message, mosquitto_property};
use ::mosquitto::capi::{callbacks, property, publish, subscribe};
use common::client::*;
use common::consts::*;
use common::fake::*;
use common::props::*;

use fake_broker_v5::*;

// ---------------------------------------------------------------------------------------------
// Malformed or forbidden properties from the server
// ---------------------------------------------------------------------------------------------

/// Connect (v5), get an empty CONNACK, receive `bad`: the client must close the connection and
/// call on_disconnect and on_disconnect_v5 exactly once each, with `rc`.
fn v5_error_case(bad: &[u8], rc: c_int) {
    let bad = bad.to_vec();
    let server = FakeServer::start(move |p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.send(&bad)?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    run_to_disconnect(&c);
    let mut want = connected_v5();
    want.extend([Event::Disconnect(rc), Event::DisconnectV5Props(rc, None)]);
    assert_eq!(c.events(), want, "{}", c.dump());
    let loop_rcs = c.loop_rcs();
    assert_eq!(loop_rcs.first(), Some(&rc), "loop results {loop_rcs:?}");
    server.check();
}

/// The server answers CONNECT with `bad` (a CONNACK with bad properties): no connect
/// callback, one disconnect callback with `rc`.
fn v5_connack_error_case(bad: &[u8], rc: c_int) {
    let bad = bad.to_vec();
    let server = FakeServer::start(move |p| {
        p.accept()?;
        p.expect_connect()?;
        p.send(&bad)?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    assert_eq!(c.connect("127.0.0.1", server.port(), 60), MOSQ_ERR_SUCCESS);
    run_to_disconnect(&c);
    assert_eq!(
        c.events(),
        vec![Event::Disconnect(rc), Event::DisconnectV5Props(rc, None)],
        "{}",
        c.dump()
    );
    server.check();
}

#[test]
fn malformed_truncated_property_block() {
    // Five property bytes announced, two present.
    v5_error_case(&h("30 06 00 01 't' 05 01 01"), MOSQ_ERR_MALFORMED_PACKET);
}

#[test]
fn malformed_property_length_beyond_the_packet() {
    v5_error_case(&h("30 09 00 01 't' ff ff ff 7f 01 01"), MOSQ_ERR_MALFORMED_PACKET);
}

#[test]
fn malformed_property_value_cut_short() {
    // A user property whose value is missing.
    v5_error_case(
        &h("30 09 00 01 't' 05 26 00 01 'a' 'A'"),
        MOSQ_ERR_MALFORMED_PACKET,
    );
}

#[test]
fn malformed_unknown_property_identifier() {
    // libmosquitto 2.0.11 as packaged (assertions on) aborts here; the identifier is invalid.
    v5_error_case(&h("30 08 00 01 't' 02 05 01 'A' 'B'"), MOSQ_ERR_MALFORMED_PACKET);
}

#[test]
fn malformed_overlong_subscription_identifier() {
    v5_error_case(
        &h("30 0a 00 01 't' 05 0b 80 80 80 80 'A'"),
        MOSQ_ERR_MALFORMED_PACKET,
    );
}

#[test]
fn malformed_utf8_in_a_string_property() {
    v5_error_case(&h("30 09 00 01 't' 04 03 00 01 ff 'A'"), MOSQ_ERR_MALFORMED_UTF8);
}

#[test]
fn duplicate_content_type_in_publish() {
    v5_error_case(
        &h("30 0d 00 01 't' 08 03 00 01 'a' 03 00 01 'b' 'A'"),
        MOSQ_ERR_DUPLICATE_PROPERTY,
    );
}

#[test]
fn session_expiry_in_publish_is_a_protocol_error() {
    v5_error_case(&h("30 0a 00 01 't' 05 11 00 00 00 05 'A'"), MOSQ_ERR_PROTOCOL);
}

#[test]
fn topic_alias_zero_is_a_protocol_error() {
    v5_error_case(&h("30 08 00 01 't' 03 23 00 00 'A'"), MOSQ_ERR_PROTOCOL);
}

#[test]
fn will_delay_in_connack_is_a_protocol_error() {
    v5_connack_error_case(&h("20 08 00 00 05 18 00 00 00 05"), MOSQ_ERR_PROTOCOL);
}

#[test]
fn duplicate_server_keep_alive_in_connack() {
    v5_connack_error_case(
        &h("20 09 00 00 06 13 00 05 13 00 06"),
        MOSQ_ERR_DUPLICATE_PROPERTY,
    );
}

#[test]
fn unknown_property_in_connack() {
    v5_connack_error_case(&h("20 05 00 00 02 05 00"), MOSQ_ERR_MALFORMED_PACKET);
}

#[test]
fn truncated_properties_in_puback() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.expect(&h("32 07 00 01 't' 00 01 00 'x'"))?;
        // A reason string of 4 bytes announced, none present.
        p.send(&h("40 07 00 01 00 04 1f 00 04"))?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, 1));
    run_to_disconnect(&c);
    let mut want = connected_v5();
    want.extend([
        Event::Disconnect(MOSQ_ERR_MALFORMED_PACKET),
        Event::DisconnectV5Props(MOSQ_ERR_MALFORMED_PACKET, None),
    ]);
    assert_eq!(c.events(), want, "{}", c.dump());
    server.check();
}

/// A PUBACK reason code PUBACK may not carry (0x01) is a protocol error (libmosquitto checks
/// the reason codes of acks; 2.0.11 did not yet).
#[test]
fn puback_reason_outside_the_allowed_set() {
    let server = FakeServer::start(|p| {
        p.handshake_with(&CONNACK_OK_V5)?;
        p.expect(&h("32 07 00 01 't' 00 01 00 'x'"))?;
        p.send(&h("40 03 00 01 01"))?;
        p.expect_eof()
    });
    let c = Client::logging(None, true, V5).with_v5_callbacks();
    connect_and_wait(&c, &server);
    assert_eq!(c.publish("t", b"x", 1, false), (MOSQ_ERR_SUCCESS, 1));
    run_to_disconnect(&c);
    let mut want = connected_v5();
    want.extend([
        Event::Disconnect(MOSQ_ERR_PROTOCOL),
        Event::DisconnectV5Props(MOSQ_ERR_PROTOCOL, None),
    ]);
    assert_eq!(c.events(), want, "{}", c.dump());
    server.check();
}

// ---------------------------------------------------------------------------------------------
// Callbacks that keep reading their property lists while calling the API
// ---------------------------------------------------------------------------------------------

/// MQTT command number of PUBLISH, for `mosquitto_property_check_all`.
const CMD_PUBLISH: c_int = 0x30;

/// A number both threads watch (no allocation when it changes).
#[derive(Default)]
struct Counter {
    value: Mutex<usize>,
    cv: Condvar,
}

impl Counter {
    fn set(&self, v: usize) {
        *self.value.lock().unwrap() = v;
        self.cv.notify_all();
    }

    fn wait_for(&self, v: usize, timeout: Duration) -> bool {
        let guard = self.value.lock().unwrap();
        let (guard, _) = self.cv.wait_timeout_while(guard, timeout, |n| *n < v).unwrap();
        *guard >= v
    }
}

/// What the stress callbacks saw. Only one test uses them.
static STRESS_ACKS: AtomicUsize = AtomicUsize::new(0);
static STRESS_SUBACKS: AtomicUsize = AtomicUsize::new(0);
static STRESS_MESSAGES: AtomicUsize = AtomicUsize::new(0);
static STRESS_PROBLEMS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn stress_problem(text: String) {
    STRESS_PROBLEMS.lock().unwrap().push(text);
}

/// The properties of every message the stress server sends.
fn stress_message_props() -> Vec<Prop> {
    vec![
        Prop::Str(PROP_CONTENT_TYPE, s("ct")),
        Prop::Str(PROP_RESPONSE_TOPIC, s("r/t")),
        Prop::Binary(PROP_CORRELATION_DATA, vec![0, 1, 0]),
        Prop::Pair(PROP_USER_PROPERTY, s("a"), s("1")),
        Prop::Pair(PROP_USER_PROPERTY, s("b"), s("2")),
    ]
}

/// on_message_v5: read the list, publish (with a new list and with the received one), copy the
/// list, subscribe, walk the user properties, check the list, and read it again: it must be
/// unchanged by all of that.
unsafe extern "C" fn stress_message(
    mosq: *mut Mosq,
    _: *mut c_void,
    _: *const mosquitto_message,
    props: *const mosquitto_property,
) {
    STRESS_MESSAGES.fetch_add(1, Ordering::SeqCst);
    // SAFETY: the library passes its client and a list valid for the call;
    // every other pointer is a local or a valid string.
    unsafe {
        let before = read_props(props);
        if before.as_deref() != Some(&stress_message_props()[..]) {
            stress_problem(format!("on_message_v5 read {before:?}"));
        }
        let fresh = Props::new().user("x", "y");
        let mut mid: c_int = -1;
        let rc = publish::mosquitto_publish_v5(
            mosq,
            &mut mid,
            c"out".as_ptr(),
            1,
            c"p".as_ptr().cast(),
            1,
            false,
            fresh.ptr(),
        );
        drop(fresh);
        if rc != MOSQ_ERR_SUCCESS {
            stress_problem(format!("publish_v5 with a new list: {rc}"));
        }
        let rc = publish::mosquitto_publish_v5(
            mosq,
            &mut mid,
            c"fwd".as_ptr(),
            1,
            c"f".as_ptr().cast(),
            1,
            false,
            props,
        );
        if rc != MOSQ_ERR_SUCCESS {
            stress_problem(format!("publish_v5 with the received list: {rc}"));
        }
        let mut copy: *mut mosquitto_property = std::ptr::null_mut();
        let rc = property::mosquitto_property_copy_all(&mut copy, props);
        let copied = read_props(copy);
        property::mosquitto_property_free_all(&mut copy);
        if rc != MOSQ_ERR_SUCCESS || copied != before || !copy.is_null() {
            stress_problem(format!("copy_all: rc {rc}, copy {copied:?}"));
        }
        let sub_id = Props::new().varint(PROP_SUBSCRIPTION_IDENTIFIER, 7);
        let rc = subscribe::mosquitto_subscribe_v5(mosq, &mut mid, c"s/#".as_ptr(), 1, 0, sub_id.ptr());
        drop(sub_id);
        if rc != MOSQ_ERR_SUCCESS {
            stress_problem(format!("subscribe_v5: {rc}"));
        }
        let mut names = Vec::new();
        let mut cur = props;
        let mut skip_first = false;
        loop {
            let mut n: *mut c_char = std::ptr::null_mut();
            let mut v: *mut c_char = std::ptr::null_mut();
            cur = property::mosquitto_property_read_string_pair(
                cur,
                c_int::from(PROP_USER_PROPERTY),
                &mut n,
                &mut v,
                skip_first,
            );
            if cur.is_null() {
                break;
            }
            let (n, v) = (take_string(n), take_string(v));
            names.push(format!("{n}={v}"));
            skip_first = true;
        }
        if names != ["a=1", "b=2"] {
            stress_problem(format!("user properties {names:?}"));
        }
        let rc = property::mosquitto_property_check_all(CMD_PUBLISH, props);
        if rc != MOSQ_ERR_SUCCESS {
            stress_problem(format!("check_all: {rc}"));
        }
        let after = read_props(props);
        if after != before {
            stress_problem(format!("the list changed during the callback: {after:?}"));
        }
    }
}

/// on_publish_v5: read the PUBACK properties twice.
unsafe extern "C" fn stress_ack(
    _: *mut Mosq,
    _: *mut c_void,
    mid: c_int,
    reason: c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: a list valid for the call.
    let (first, second) = unsafe { (read_props(props), read_props(props)) };
    let want = Some(vec![Prop::Str(PROP_REASON_STRING, s("ok"))]);
    if reason != 0 || first != want || second != want {
        stress_problem(format!("on_publish_v5({mid}, {reason}): {first:?} / {second:?}"));
    }
    STRESS_ACKS.fetch_add(1, Ordering::SeqCst);
}

/// on_subscribe_v5: read the SUBACK properties, then publish from inside the callback when it
/// acknowledges the subscription made in on_connect_v5.
unsafe extern "C" fn stress_suback(
    _: *mut Mosq,
    _: *mut c_void,
    mid: c_int,
    count: c_int,
    granted: *const c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: a list valid for the call; `count` granted values.
    let (got, granted) = unsafe {
        (
            read_props(props),
            std::slice::from_raw_parts(granted, usize::try_from(count).unwrap_or(0)).to_vec(),
        )
    };
    let want = Some(vec![
        Prop::Str(PROP_REASON_STRING, s("ok")),
        Prop::Pair(PROP_USER_PROPERTY, s("a"), s("b")),
    ]);
    if got != want || granted != [1] {
        stress_problem(format!("on_subscribe_v5({mid}): {granted:?} {got:?}"));
    }
    STRESS_SUBACKS.fetch_add(1, Ordering::SeqCst);
}

/// on_connect_v5: read the CONNACK properties and subscribe from inside the callback.
unsafe extern "C" fn stress_connect(
    mosq: *mut Mosq,
    ud: *mut c_void,
    rc: c_int,
    flags: c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: the library passes its client and a list valid for the call;
    // userdata is the test's recorder.
    unsafe {
        let got = read_props(props);
        let sub_id = Props::new().varint(PROP_SUBSCRIPTION_IDENTIFIER, 7);
        let mut mid: c_int = -1;
        let sub_rc = subscribe::mosquitto_subscribe_v5(mosq, &mut mid, c"c/#".as_ptr(), 1, 0, sub_id.ptr());
        let again = read_props(props);
        if again != got {
            stress_problem(format!("CONNACK properties changed: {got:?} then {again:?}"));
        }
        recorder(ud).push(Event::ConnectV5Props(rc, flags, got));
        recorder(ud).push(Event::PublishCall(sub_rc, mid));
    }
}

#[test]
fn callbacks_reading_properties_while_calling_the_api() {
    const ROUNDS: usize = 40;
    const WARM_UP: usize = 10;
    let go = Arc::new(Counter::default());
    let server_go = go.clone();
    let server = FakeServer::start(move |p| {
        p.handshake_with(&h("20 0f 00 00 0c 1f 00 02 'hi' 26 00 01 'k' 00 01 'v'"))?;
        let suback = |mid: u8| {
            pkt(
                0x90,
                &h(&format!(
                    "00 {mid:02x} 0c 1f 00 02 'ok' 26 00 01 'a' 00 01 'b' 01"
                )),
            )
        };
        let puback = |mid: u8| pkt(0x40, &h(&format!("00 {mid:02x} 00 05 1f 00 02 'ok'")));
        p.expect(&h("82 0b 00 01 02 0b 07 00 03 'c/#' 01"))?;
        p.send(&suback(1))?;
        let message_props = h("03 00 02 'ct'  08 00 03 'r/t'  09 00 03 00 01 00 \
                               26 00 01 'a' 00 01 '1'  26 00 01 'b' 00 01 '2'");
        for round in 0..ROUNDS {
            if !server_go.wait_for(round + 1, STEP) {
                return Err(format!("the test did not start round {round}"));
            }
            let in_mid = round as u16 + 1;
            p.send(&publish_pkt(0x02, "in", Some(in_mid), &message_props, b"m"))?;
            p.expect(&pkt(0x40, &in_mid.to_be_bytes()))?;
            let out = 3 * round as u8 + 2;
            p.expect(&pkt(
                0x32,
                &h(&format!("00 03 'out' 00 {out:02x} 07 26 00 01 'x' 00 01 'y' 'p'")),
            ))?;
            // The received list contributes only its first property.
            p.expect(&pkt(
                0x32,
                &h(&format!("00 03 'fwd' 00 {:02x} 05 03 00 02 'ct' 'f'", out + 1)),
            ))?;
            p.expect(&pkt(
                0x82,
                &h(&format!("00 {:02x} 02 0b 07 00 03 's/#' 01", out + 2)),
            ))?;
            p.send(&puback(out))?;
            p.send(&puback(out + 1))?;
            p.send(&suback(out + 2))?;
        }
        p.expect_silence(Duration::from_millis(50))
    });
    let c = Client::logging(Some("stress"), true, V5);
    // SAFETY: valid client; the callbacks have the signatures the setters expect. The
    // recording callbacks that would keep growing the event list are removed.
    unsafe {
        callbacks::mosquitto_log_callback_set(c.raw(), None);
        callbacks::mosquitto_publish_callback_set(c.raw(), None);
        callbacks::mosquitto_message_callback_set(c.raw(), None);
        callbacks::mosquitto_subscribe_callback_set(c.raw(), None);
        callbacks::mosquitto_connect_v5_callback_set(c.raw(), Some(stress_connect));
        callbacks::mosquitto_message_v5_callback_set(c.raw(), Some(stress_message));
        callbacks::mosquitto_publish_v5_callback_set(c.raw(), Some(stress_ack));
        callbacks::mosquitto_subscribe_v5_callback_set(c.raw(), Some(stress_suback));
    }
    connect_and_wait(&c, &server);
    let run_until_count = |what: &str, counter: &AtomicUsize, n: usize| {
        let deadline = Instant::now() + STEP;
        while counter.load(Ordering::SeqCst) < n && Instant::now() < deadline {
            c.loop_once(20);
        }
        assert!(
            counter.load(Ordering::SeqCst) >= n,
            "waiting for {n} {what}; problems: {:?}; events:{}",
            STRESS_PROBLEMS.lock().unwrap(),
            c.dump()
        );
    };
    run_until_count("SUBACKs", &STRESS_SUBACKS, 1);
    let mut live_at_warm_up = 0;
    for round in 0..ROUNDS {
        if round == WARM_UP {
            live_at_warm_up = live_bytes();
        }
        go.set(round + 1);
        run_until_count("PUBACKs", &STRESS_ACKS, 2 * (round + 1));
        run_until_count("SUBACKs", &STRESS_SUBACKS, round + 2);
    }
    let growth = live_bytes() - live_at_warm_up;
    assert_eq!(STRESS_MESSAGES.load(Ordering::SeqCst), ROUNDS);
    assert_eq!(*STRESS_PROBLEMS.lock().unwrap(), Vec::<String>::new());
    assert_eq!(
        c.events(),
        vec![
            Event::Connect(0),
            Event::ConnectV5Props(
                0,
                0,
                Some(vec![
                    Prop::Str(PROP_REASON_STRING, s("hi")),
                    Prop::Pair(PROP_USER_PROPERTY, s("k"), s("v")),
                ])
            ),
            Event::PublishCall(MOSQ_ERR_SUCCESS, 1),
        ]
    );
    assert!(
        growth < 512,
        "{growth} bytes allocated by the test thread and not freed over {} rounds",
        ROUNDS - WARM_UP
    );
    server.check();
}
