//! Shared by the `fake_broker_*` tests: an allocator that remembers the largest single request,
//! CONNACK and CONNECT bytes, and helpers that connect and disconnect.

#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::c_int;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::client::*;
use crate::common::consts::*;
use crate::common::fake::*;

// ---------------------------------------------------------------------------------------------
// An allocator that remembers the largest single request, to show that a huge announced
// packet length is not allocated up front.
// ---------------------------------------------------------------------------------------------

pub(crate) struct Tracking;

pub(crate) static LARGEST_ALLOCATION: AtomicUsize = AtomicUsize::new(0);

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
pub(crate) static GLOBAL: Tracking = Tracking;

pub(crate) const CONNACK_OK: [u8; 4] = [0x20, 0x02, 0x00, 0x00];
pub(crate) const CONNACK_OK_V5: [u8; 5] = [0x20, 0x03, 0x00, 0x00, 0x00];
/// CONNECT of a 3.1.1 client with a NULL id, clean session, keepalive 60.
pub(crate) const CONNECT_V311_NULL_ID: [u8; 14] = [
    0x10, 0x0c, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00,
];
pub(crate) const SECOND: Duration = Duration::from_secs(1);

/// Connect `c` to `server` (keepalive 60) and run until the connect callback has fired.
pub(crate) fn connect_and_wait(c: &Client, server: &FakeServer) {
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
pub(crate) fn run_to_disconnect(c: &Client) {
    assert!(
        c.run_until(STEP, disconnected),
        "no disconnect callback; events:{}",
        c.dump()
    );
    c.run_for(Duration::from_millis(150));
}

/// Connect, get CONNACK, receive `bad`; the client must close the connection and call
/// on_disconnect exactly once with one of `rcs` (the first one is the expected code; more are
/// listed where upstream's result depends on errno).
pub(crate) fn protocol_error_case(protocol: c_int, bad: &[u8], rcs: &[c_int]) -> Client {
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
