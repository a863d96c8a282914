//! Shared by the `broker_*` tests: client ids, starting and finishing clients against the broker.

#![allow(dead_code)]

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::common::client::{Client, disconnects};
use crate::common::consts::*;
use crate::common::{Broker, TIMEOUT};
use mosquitto::capi::loop_;

pub(crate) const PROTOCOLS: [i32; 3] = [V31, V311, V5];

/// A client id unique to this process.
pub(crate) fn client_id(label: &str) -> String {
    format!("{label}-{}", std::process::id())
}

/// The `pN` the broker logs for a protocol version.
pub(crate) fn broker_protocol_tag(version: i32) -> &'static str {
    match version {
        V31 => "p1",
        V311 => "p2",
        _ => "p5",
    }
}

/// A connected client with its own loop thread.
pub(crate) fn started(broker: &Broker, id: Option<&str>, version: i32) -> Client {
    let c = Client::with_protocol(id, true, version);
    assert_eq!(
        c.connect("127.0.0.1", broker.port, 60),
        MOSQ_ERR_SUCCESS,
        "mosquitto_connect"
    );
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS, "mosquitto_loop_start");
    assert_eq!(c.wait_connect(), 0, "on_connect rc");
    c
}

/// Disconnect cleanly and stop the loop thread, checking both return and the callback.
pub(crate) fn finish(c: Client) {
    let before = disconnects(&c.rec.events()).len();
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS, "mosquitto_disconnect");
    assert_eq!(
        c.wait_disconnect_n(before + 1),
        0,
        "on_disconnect rc after mosquitto_disconnect"
    );
    assert_eq!(
        stop_within(&c, false, TIMEOUT),
        Some(MOSQ_ERR_SUCCESS),
        "mosquitto_loop_stop"
    );
    c.destroy();
}

/// Call `mosquitto_loop_stop` in a helper thread; `None` if it did not return within `limit`.
pub(crate) fn stop_within(c: &Client, force: bool, limit: Duration) -> Option<i32> {
    let mosq = c.mosq();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mosq = mosq;
        // SAFETY: the handle outlives this call unless loop_stop hangs, in which case the test
        // fails and the process ends.
        let rc = unsafe { loop_::mosquitto_loop_stop(mosq.0, force) };
        let _ = tx.send(rc);
    });
    rx.recv_timeout(limit).ok()
}

/// The mids in the order the broker logged receiving them from `id`.
pub(crate) fn mids_received_by_broker(broker: &Broker, id: &str) -> Vec<i32> {
    let prefix = format!("Received PUBLISH from {id} (d");
    broker
        .log()
        .lines()
        .filter_map(|l| {
            l.split_once(&prefix)?
                .1
                .split_once(", m")?
                .1
                .split(',')
                .next()?
                .parse()
                .ok()
        })
        .collect()
}
