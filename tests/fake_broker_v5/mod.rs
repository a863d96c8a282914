//! Shared by the `fake_broker_v5_*` tests: an allocator that counts each thread's live bytes, and
//! helpers for v5 packets and clients.

#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::c_char;
use std::time::Duration;

use crate::common::client::*;
use crate::common::consts::*;
use crate::common::fake::*;

// ---------------------------------------------------------------------------------------------
// An allocator that keeps, per thread, the number of live bytes that thread allocated, to show
// that callbacks working with property lists leak nothing.
// ---------------------------------------------------------------------------------------------

pub(crate) struct PerThread;

thread_local! {
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
}

pub(crate) fn live_add(n: isize) {
    // Ignored while the thread is being torn down.
    let _ = LIVE_BYTES.try_with(|c| c.set(c.get() + n));
}

pub(crate) fn live_bytes() -> isize {
    LIVE_BYTES.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to the system allocator; the only addition is a
// thread-local counter that never allocates.
unsafe impl GlobalAlloc for PerThread {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            live_add(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            live_add(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        live_add(-(layout.size() as isize));
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            live_add(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
pub(crate) static GLOBAL: PerThread = PerThread;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

pub(crate) const CONNACK_OK_V5: [u8; 5] = [0x20, 0x03, 0x00, 0x00, 0x00];
pub(crate) const SECOND: Duration = Duration::from_secs(1);

/// Bytes from a readable form: hex byte pairs and 'quoted' ASCII words, separated by blanks.
/// `h("00 03 'a/b' 01")` is `[0, 3, b'a', b'/', b'b', 1]`.
pub(crate) fn h(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for tok in text.split_whitespace() {
        if let Some(word) = tok.strip_prefix('\'') {
            let word = word.strip_suffix('\'').expect("unterminated quoted word");
            out.extend_from_slice(word.as_bytes());
        } else {
            assert_eq!(tok.len(), 2, "bad hex token {tok:?}");
            out.push(u8::from_str_radix(tok, 16).expect("hex byte"));
        }
    }
    out
}

/// A packet: `first` byte, the remaining length, then `body`.
pub(crate) fn pkt(first: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    let mut n = body.len();
    loop {
        let mut b = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            b |= 0x80;
        }
        out.push(b);
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(body);
    out
}

/// A v5 PUBLISH packet from the server: flags, topic, mid (QoS > 0), property block, payload.
pub(crate) fn publish_pkt(flags: u8, topic: &str, mid: Option<u16>, props: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&(topic.len() as u16).to_be_bytes());
    body.extend_from_slice(topic.as_bytes());
    if let Some(mid) = mid {
        body.extend_from_slice(&mid.to_be_bytes());
    }
    assert!(props.len() < 128);
    body.push(props.len() as u8);
    body.extend_from_slice(props);
    body.extend_from_slice(payload);
    pkt(0x30 | flags, &body)
}

/// Connect `c` to `server` (keepalive 60, no properties) and run until the connect callback
/// has fired.
pub(crate) fn connect_and_wait(c: &Client, server: &FakeServer) {
    assert_eq!(
        c.connect("127.0.0.1", server.port(), 60),
        MOSQ_ERR_SUCCESS,
        "mosquitto_connect"
    );
    wait_connected(c);
}

pub(crate) fn wait_connected(c: &Client) {
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

/// The events of a client with v5 callbacks that connected with an empty CONNACK.
pub(crate) fn connected_v5() -> Vec<Event> {
    vec![Event::Connect(0), Event::ConnectV5Props(0, 0, None)]
}

pub(crate) fn s(text: &str) -> String {
    text.to_string()
}

/// # Safety
/// `p` is NULL or a malloc'ed NUL-terminated string, not used afterwards.
pub(crate) unsafe fn take_string(p: *mut c_char) -> String {
    if p.is_null() {
        return s("<NULL>");
    }
    // SAFETY: contract.
    let text = unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: contract.
    unsafe { libc::free(p.cast()) };
    text
}
