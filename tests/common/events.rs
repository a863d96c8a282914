//! What the recording client ([`super::client::Client`]) saw: one [`Event`] per callback
//! invocation, kept in order by a [`Recorder`] that the callbacks reach through the userdata
//! pointer. The test waits (with a time limit) for the events it expects; an optional hook runs
//! inside each callback, so tests can call the API from there.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use ::mosquitto::capi::types::{mosquitto, mosquitto_message, mosquitto_property};
use ::mosquitto::capi::{connect, publish};

use super::props::{Prop, read_props};
use super::{Gate, now};

/// A received message, copied out of the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub mid: i32,
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: i32,
    pub retain: bool,
}

/// One callback invocation (or a note the test added).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Connect(c_int),
    ConnectFlags(c_int, c_int),
    ConnectV5(c_int, c_int),
    Disconnect(c_int),
    DisconnectV5(c_int),
    Publish(c_int),
    PublishV5(c_int, c_int),
    Message(Msg),
    /// `on_subscribe(mid, granted)`.
    Subscribe(c_int, Vec<c_int>),
    Unsubscribe(c_int),
    /// Whether the gate was open (or opened in time) when a message callback ran.
    Gate(bool),
    /// An API call made from inside a callback: (rc, mid).
    PublishCall(c_int, c_int),
    Log(c_int, String),
    /// `on_connect_v5(rc, flags, props)`; `None` stands for a NULL property list.
    ConnectV5Props(c_int, c_int, Option<Vec<Prop>>),
    /// `on_disconnect_v5(rc, props)`.
    DisconnectV5Props(c_int, Option<Vec<Prop>>),
    /// `on_publish_v5(mid, reason, props)`.
    PublishV5Props(c_int, c_int, Option<Vec<Prop>>),
    /// `on_message_v5(message, props)`.
    MessageV5 {
        mid: c_int,
        topic: String,
        payload: Vec<u8>,
        qos: c_int,
        retain: bool,
        props: Option<Vec<Prop>>,
    },
    /// `on_subscribe_v5(mid, granted, props)`.
    SubscribeV5(c_int, Vec<c_int>, Option<Vec<Prop>>),
    /// `on_unsubscribe_v5(mid, props)`.
    UnsubscribeV5(c_int, Option<Vec<Prop>>),
    /// A note a test's own callback recorded.
    Note(String),
}

/// A message event, for comparisons.
pub fn msg(mid: c_int, topic: &str, payload: &[u8], qos: c_int, retain: bool) -> Event {
    Event::Message(Msg {
        mid,
        topic: topic.into(),
        payload: payload.into(),
        qos,
        retain,
    })
}

/// The client pointer, as a value that may cross threads (the library is thread-safe).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mosq(pub *mut mosquitto);

// SAFETY: every function of the library may be called from any thread on any client.
unsafe impl Send for Mosq {}
// SAFETY: as above.
unsafe impl Sync for Mosq {}

/// Code run inside each callback after the event was recorded.
pub type Hook = Arc<dyn Fn(Mosq, &Event) + Send + Sync>;

#[derive(Default)]
struct State {
    events: Vec<Event>,
    /// Messages from a panic inside a callback (which must not unwind into the library).
    panics: Vec<String>,
}

/// Where the callbacks put what they saw.
#[derive(Default)]
pub struct Recorder {
    state: Mutex<State>,
    changed: Condvar,
    pub(super) hook: Mutex<Option<Hook>>,
    /// Nonzero `mosquitto_loop` return codes, in order.
    pub(super) loop_rcs: Mutex<Vec<c_int>>,
    /// When set, the message callback waits for this gate (up to 3 s) and records whether it
    /// opened, before recording the message.
    pub(super) message_gate: Mutex<Option<Arc<Gate>>>,
}

impl Recorder {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Append an event (also for callbacks a test file defines itself).
    pub fn push(&self, event: Event) {
        self.lock().events.push(event);
        self.changed.notify_all();
    }

    /// Append an event, then run the hook (if any) with it.
    fn record(&self, mosq: *mut mosquitto, event: Event) {
        let hook = self.hook.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let copy = hook.as_ref().map(|_| event.clone());
        self.push(event);
        if let (Some(hook), Some(event)) = (hook, copy) {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| hook(Mosq(mosq), &event))) {
                let text = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                self.lock()
                    .panics
                    .push(format!("hook panicked on {event:?}: {text}"));
                self.changed.notify_all();
            }
        }
    }

    /// A copy of every event so far (log lines included).
    pub fn events(&self) -> Vec<Event> {
        self.lock().events.clone()
    }

    /// Wait until `f` returns `Some` for the events so far, at most `limit`.
    pub fn wait_until<T>(&self, limit: Duration, mut f: impl FnMut(&[Event]) -> Option<T>) -> Option<T> {
        let deadline = now() + limit;
        let mut state = self.lock();
        loop {
            assert!(state.panics.is_empty(), "{}", state.panics.join("\n"));
            if let Some(v) = f(&state.events) {
                return Some(v);
            }
            let left = deadline.saturating_duration_since(now());
            if left.is_zero() {
                return None;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Like [`Recorder::wait_until`], but panics with the events seen when time runs out.
    #[track_caller]
    pub fn wait_for<T>(&self, what: &str, limit: Duration, f: impl FnMut(&[Event]) -> Option<T>) -> T {
        match self.wait_until(limit, f) {
            Some(v) => v,
            None => panic!(
                "timed out after {limit:?} waiting for {what}; events:\n{}",
                self.dump()
            ),
        }
    }

    /// The events, one per line, for failure messages.
    pub fn dump(&self) -> String {
        let state = self.lock();
        let mut out = String::new();
        for e in &state.events {
            match e {
                Event::Message(m) if m.payload.len() > 64 => out.push_str(&format!(
                    "  Message {{ mid: {}, topic: {:?}, {} bytes, qos: {}, retain: {} }}\n",
                    m.mid,
                    m.topic,
                    m.payload.len(),
                    m.qos,
                    m.retain
                )),
                e => out.push_str(&format!("  {e:?}\n")),
            }
        }
        for p in &state.panics {
            out.push_str(&format!("  PANIC: {p}\n"));
        }
        out
    }
}

/// The recorder behind a callback's userdata, for callbacks a test file defines itself.
///
/// # Safety
/// `ud` is the userdata of a [`super::client::Client`] (its `Recorder`), and the client is
/// alive.
pub unsafe fn recorder<'a>(ud: *mut c_void) -> &'a Recorder {
    // SAFETY: every client of these tests is created with its `Recorder` as userdata, which the
    // client keeps alive for as long as the handle exists (contract).
    unsafe { &*(ud as *const Recorder) }
}

/// Copy a message out of a callback.
///
/// # Safety
/// `m` is a valid message for the duration of the call.
unsafe fn copy_message(m: *const mosquitto_message) -> Msg {
    // SAFETY: a valid message (contract).
    let m = unsafe { &*m };
    let topic = if m.topic.is_null() {
        String::from("<NULL>")
    } else {
        // SAFETY: a non-NULL topic is a NUL-terminated string.
        unsafe { CStr::from_ptr(m.topic) }.to_string_lossy().into_owned()
    };
    let payload = if m.payload.is_null() || m.payloadlen <= 0 {
        Vec::new()
    } else {
        // SAFETY: the payload holds `payloadlen` bytes.
        unsafe { std::slice::from_raw_parts(m.payload as *const u8, m.payloadlen as usize) }.to_vec()
    };
    Msg {
        mid: m.mid,
        topic,
        payload,
        qos: m.qos,
        retain: m.retain,
    }
}

/// The granted QoS values of a SUBACK callback.
///
/// # Safety
/// `granted` is NULL or points to `count` values.
unsafe fn granted_list(count: c_int, granted: *const c_int) -> Vec<c_int> {
    if granted.is_null() || count <= 0 {
        Vec::new()
    } else {
        // SAFETY: `count` values at `granted` (contract).
        unsafe { std::slice::from_raw_parts(granted, count as usize) }.to_vec()
    }
}

// SAFETY (for all callbacks below): the library passes back the userdata pointer we gave it
// (see `recorder`), and valid arguments for the duration of the call.

pub(super) unsafe extern "C" fn on_connect(mosq: *mut mosquitto, ud: *mut c_void, rc: c_int) {
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::Connect(rc));
}

/// Records the connect callback, then publishes "c" on "t" at QoS 1 from inside it.
pub(super) unsafe extern "C" fn on_connect_then_publish(mosq: *mut mosquitto, ud: *mut c_void, rc: c_int) {
    // SAFETY: see above.
    let r = unsafe { recorder(ud) };
    r.record(mosq, Event::Connect(rc));
    let mut mid: c_int = -1;
    // SAFETY: the library passes its own valid client; topic and payload are valid.
    let rc = unsafe {
        publish::mosquitto_publish(mosq, &mut mid, c"t".as_ptr(), 1, c"c".as_ptr().cast(), 1, false)
    };
    r.push(Event::PublishCall(rc, mid));
}

/// Records the publish callback, then disconnects from inside it.
pub(super) unsafe extern "C" fn on_publish_then_disconnect(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    mid: c_int,
) {
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::Publish(mid));
    // SAFETY: the library passes its own valid client.
    unsafe { connect::mosquitto_disconnect(mosq) };
}

pub(super) unsafe extern "C" fn on_connect_flags(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    rc: c_int,
    flags: c_int,
) {
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::ConnectFlags(rc, flags));
}

pub(super) unsafe extern "C" fn on_connect_v5(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    rc: c_int,
    flags: c_int,
    _: *const mosquitto_property,
) {
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::ConnectV5(rc, flags));
}

pub(super) unsafe extern "C" fn on_disconnect(mosq: *mut mosquitto, ud: *mut c_void, rc: c_int) {
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::Disconnect(rc));
}

pub(super) unsafe extern "C" fn on_disconnect_v5(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    rc: c_int,
    _: *const mosquitto_property,
) {
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::DisconnectV5(rc));
}

pub(super) unsafe extern "C" fn on_publish(mosq: *mut mosquitto, ud: *mut c_void, mid: c_int) {
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::Publish(mid));
}

pub(super) unsafe extern "C" fn on_publish_v5(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    mid: c_int,
    reason: c_int,
    _: *const mosquitto_property,
) {
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::PublishV5(mid, reason));
}

pub(super) unsafe extern "C" fn on_message(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    m: *const mosquitto_message,
) {
    // SAFETY: see above.
    let r = unsafe { recorder(ud) };
    let gate = r.message_gate.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(gate) = gate {
        r.push(Event::Gate(gate.wait(Duration::from_secs(3))));
    }
    // SAFETY: see above.
    let msg = unsafe { copy_message(m) };
    r.record(mosq, Event::Message(msg));
}

pub(super) unsafe extern "C" fn on_subscribe(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    mid: c_int,
    count: c_int,
    granted: *const c_int,
) {
    // SAFETY: see above.
    let granted = unsafe { granted_list(count, granted) };
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::Subscribe(mid, granted));
}

pub(super) unsafe extern "C" fn on_unsubscribe(mosq: *mut mosquitto, ud: *mut c_void, mid: c_int) {
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::Unsubscribe(mid));
}

pub(super) unsafe extern "C" fn on_log(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    level: c_int,
    text: *const c_char,
) {
    let text = if text.is_null() {
        String::from("<NULL>")
    } else {
        // SAFETY: a NUL-terminated string.
        unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned()
    };
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, Event::Log(level, text));
}

pub(super) unsafe extern "C" fn on_connect_v5_props(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    rc: c_int,
    flags: c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: see above; the list lives for the call.
    unsafe { recorder(ud).record(mosq, Event::ConnectV5Props(rc, flags, read_props(props))) };
}

pub(super) unsafe extern "C" fn on_disconnect_v5_props(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    rc: c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: see above; the list lives for the call.
    unsafe { recorder(ud).record(mosq, Event::DisconnectV5Props(rc, read_props(props))) };
}

pub(super) unsafe extern "C" fn on_publish_v5_props(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    mid: c_int,
    reason: c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: see above; the list lives for the call.
    unsafe { recorder(ud).record(mosq, Event::PublishV5Props(mid, reason, read_props(props))) };
}

pub(super) unsafe extern "C" fn on_message_v5_props(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    m: *const mosquitto_message,
    props: *const mosquitto_property,
) {
    // SAFETY: see above; message and list live for the call.
    let Msg {
        mid,
        topic,
        payload,
        qos,
        retain,
    } = unsafe { copy_message(m) };
    // SAFETY: see above.
    let props = unsafe { read_props(props) };
    let event = Event::MessageV5 {
        mid,
        topic,
        payload,
        qos,
        retain,
        props,
    };
    // SAFETY: see above.
    unsafe { recorder(ud) }.record(mosq, event);
}

pub(super) unsafe extern "C" fn on_subscribe_v5_props(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    mid: c_int,
    count: c_int,
    granted: *const c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: see above.
    let granted = unsafe { granted_list(count, granted) };
    // SAFETY: see above; the list lives for the call.
    unsafe { recorder(ud).record(mosq, Event::SubscribeV5(mid, granted, read_props(props))) };
}

pub(super) unsafe extern "C" fn on_unsubscribe_v5_props(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    mid: c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: see above; the list lives for the call.
    unsafe { recorder(ud).record(mosq, Event::UnsubscribeV5(mid, read_props(props))) };
}

// ---------------------------------------------------------------------------------------------
// Looking at event lists
// ---------------------------------------------------------------------------------------------

/// The rc of every connect callback, in order.
pub fn connects(ev: &[Event]) -> Vec<i32> {
    ev.iter()
        .filter_map(|e| match e {
            Event::Connect(rc) => Some(*rc),
            _ => None,
        })
        .collect()
}

/// The rc of every disconnect callback, in order.
pub fn disconnects(ev: &[Event]) -> Vec<i32> {
    ev.iter()
        .filter_map(|e| match e {
            Event::Disconnect(rc) => Some(*rc),
            _ => None,
        })
        .collect()
}

/// The messages received on `topic`, in order.
pub fn messages_on(ev: &[Event], topic: &str) -> Vec<Msg> {
    ev.iter()
        .filter_map(|e| match e {
            Event::Message(m) if m.topic == topic => Some(m.clone()),
            _ => None,
        })
        .collect()
}

/// Whether `events` contains `ev`.
pub fn has(events: &[Event], ev: &Event) -> bool {
    events.contains(ev)
}

/// Whether `events` contains a disconnect callback.
pub fn disconnected(events: &[Event]) -> bool {
    events.iter().any(|e| matches!(e, Event::Disconnect(_)))
}
