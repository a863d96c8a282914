//! A thin Rust wrapper around the library's C functions, for tests that drive a client against
//! a real broker: the extern "C" callbacks record every event into a [`Recorder`] reached
//! through the userdata pointer, and the test waits (with a time limit) for the events it
//! expects. An optional hook runs inside each callback, so tests can call the API from there.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use ::mosquitto::capi::types::{mosq_opt_arg, mosq_opt_t, mosquitto, mosquitto_message};
use ::mosquitto::capi::{
    auth, callbacks, client, connect, loop_, options, publish, socks, subscribe, tls, will,
};

use super::{TIMEOUT, now};

/// A received message, copied out of the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub mid: i32,
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: i32,
    pub retain: bool,
}

/// One callback invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Connect(i32),
    ConnectFlags(i32, i32),
    Disconnect(i32),
    Publish(i32),
    Message(Msg),
    Subscribe { mid: i32, granted: Vec<i32> },
    Unsubscribe(i32),
    Log(i32, String),
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
    hook: Mutex<Option<Hook>>,
}

impl Recorder {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, mosq: *mut mosquitto, event: Event) {
        let hook = self.hook.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let copy = hook.as_ref().map(|_| event.clone());
        {
            let mut state = self.lock();
            state.events.push(event);
        }
        self.changed.notify_all();
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

    /// A copy of every event so far.
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

    /// The events (without log lines unless `logs`), one per line, for failure messages.
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

// SAFETY (for all callbacks below): the library passes back the userdata pointer we gave it, which
// points to the Recorder that the Client keeps alive for as long as the handle exists.
unsafe fn recorder<'a>(userdata: *mut c_void) -> &'a Recorder {
    // SAFETY: see above.
    unsafe { &*(userdata as *const Recorder) }
}

unsafe extern "C" fn on_connect(mosq: *mut mosquitto, ud: *mut c_void, rc: c_int) {
    // SAFETY: see `recorder`.
    unsafe { recorder(ud) }.push(mosq, Event::Connect(rc));
}

unsafe extern "C" fn on_connect_flags(mosq: *mut mosquitto, ud: *mut c_void, rc: c_int, flags: c_int) {
    // SAFETY: see `recorder`.
    unsafe { recorder(ud) }.push(mosq, Event::ConnectFlags(rc, flags));
}

unsafe extern "C" fn on_disconnect(mosq: *mut mosquitto, ud: *mut c_void, rc: c_int) {
    // SAFETY: see `recorder`.
    unsafe { recorder(ud) }.push(mosq, Event::Disconnect(rc));
}

unsafe extern "C" fn on_publish(mosq: *mut mosquitto, ud: *mut c_void, mid: c_int) {
    // SAFETY: see `recorder`.
    unsafe { recorder(ud) }.push(mosq, Event::Publish(mid));
}

unsafe extern "C" fn on_message(mosq: *mut mosquitto, ud: *mut c_void, msg: *const mosquitto_message) {
    // SAFETY: the library passes a valid message for the duration of the call.
    let m = unsafe { &*msg };
    let topic = if m.topic.is_null() {
        String::from("<NULL>")
    } else {
        // SAFETY: a NUL-terminated topic.
        unsafe { CStr::from_ptr(m.topic) }.to_string_lossy().into_owned()
    };
    let payload = if m.payload.is_null() || m.payloadlen <= 0 {
        Vec::new()
    } else {
        // SAFETY: payloadlen bytes at payload.
        unsafe { std::slice::from_raw_parts(m.payload as *const u8, m.payloadlen as usize) }.to_vec()
    };
    let event = Event::Message(Msg {
        mid: m.mid,
        topic,
        payload,
        qos: m.qos,
        retain: m.retain,
    });
    // SAFETY: see `recorder`.
    unsafe { recorder(ud) }.push(mosq, event);
}

unsafe extern "C" fn on_subscribe(
    mosq: *mut mosquitto,
    ud: *mut c_void,
    mid: c_int,
    count: c_int,
    granted: *const c_int,
) {
    let granted = if granted.is_null() || count <= 0 {
        Vec::new()
    } else {
        // SAFETY: `count` ints at `granted`.
        unsafe { std::slice::from_raw_parts(granted, count as usize) }.to_vec()
    };
    // SAFETY: see `recorder`.
    unsafe { recorder(ud) }.push(mosq, Event::Subscribe { mid, granted });
}

unsafe extern "C" fn on_unsubscribe(mosq: *mut mosquitto, ud: *mut c_void, mid: c_int) {
    // SAFETY: see `recorder`.
    unsafe { recorder(ud) }.push(mosq, Event::Unsubscribe(mid));
}

unsafe extern "C" fn on_log(mosq: *mut mosquitto, ud: *mut c_void, level: c_int, text: *const c_char) {
    let text = if text.is_null() {
        String::from("<NULL>")
    } else {
        // SAFETY: a NUL-terminated string.
        unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned()
    };
    // SAFETY: see `recorder`.
    unsafe { recorder(ud) }.push(mosq, Event::Log(level, text));
}

fn cstring(s: &str) -> CString {
    CString::new(s).expect("no NUL in test strings")
}

/// The C type of the private key password callback of `mosquitto_tls_set`.
pub type PwCallback = unsafe extern "C" fn(*mut c_char, c_int, c_int, *mut c_void) -> c_int;

/// A client handle with every callback set to record into [`Client::rec`]. Destroyed on drop.
pub struct Client {
    mosq: *mut mosquitto,
    pub rec: Arc<Recorder>,
    destroyed: bool,
}

// SAFETY: every function of the library may be called from any thread on any client.
unsafe impl Send for Client {}
// SAFETY: as above.
unsafe impl Sync for Client {}

impl Client {
    /// `mosquitto_new(id, clean, recorder)` and every callback set.
    pub fn new(id: Option<&str>, clean: bool) -> Client {
        let rec = Arc::new(Recorder::default());
        let id = id.map(cstring);
        // SAFETY: a valid (or NULL) id; the userdata stays valid while `rec` lives.
        let mosq = unsafe {
            client::mosquitto_new(
                id.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
                clean,
                Arc::as_ptr(&rec) as *mut c_void,
            )
        };
        assert!(!mosq.is_null(), "mosquitto_new returned NULL");
        // SAFETY: a valid handle; the callbacks have the right types.
        unsafe {
            callbacks::mosquitto_connect_callback_set(mosq, Some(on_connect));
            callbacks::mosquitto_connect_with_flags_callback_set(mosq, Some(on_connect_flags));
            callbacks::mosquitto_disconnect_callback_set(mosq, Some(on_disconnect));
            callbacks::mosquitto_publish_callback_set(mosq, Some(on_publish));
            callbacks::mosquitto_message_callback_set(mosq, Some(on_message));
            callbacks::mosquitto_subscribe_callback_set(mosq, Some(on_subscribe));
            callbacks::mosquitto_unsubscribe_callback_set(mosq, Some(on_unsubscribe));
        }
        Client {
            mosq,
            rec,
            destroyed: false,
        }
    }

    /// A new client speaking the given protocol version (3, 4 or 5).
    pub fn with_protocol(id: Option<&str>, clean: bool, version: i32) -> Client {
        let c = Client::new(id, clean);
        assert_eq!(c.set_protocol(version), 0, "MOSQ_OPT_PROTOCOL_VERSION {version}");
        c
    }

    pub fn raw(&self) -> *mut mosquitto {
        self.mosq
    }

    pub fn mosq(&self) -> Mosq {
        Mosq(self.mosq)
    }

    /// Also record the log lines.
    pub fn enable_log(&self) {
        // SAFETY: a valid handle.
        unsafe { callbacks::mosquitto_log_callback_set(self.mosq, Some(on_log)) };
    }

    /// Run `hook` inside every callback, after the event was recorded.
    pub fn set_hook(&self, hook: impl Fn(Mosq, &Event) + Send + Sync + 'static) {
        *self.rec.hook.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(hook));
    }

    pub fn set_protocol(&self, version: i32) -> i32 {
        // SAFETY: a valid handle.
        unsafe {
            options::mosquitto_int_option(
                self.mosq,
                mosq_opt_arg(mosq_opt_t::MOSQ_OPT_PROTOCOL_VERSION as c_int),
                version,
            )
        }
    }

    pub fn username_pw_set(&self, user: Option<&str>, password: Option<&str>) -> i32 {
        let user = user.map(cstring);
        let password = password.map(cstring);
        // SAFETY: a valid handle and strings.
        unsafe {
            auth::mosquitto_username_pw_set(
                self.mosq,
                user.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
                password.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            )
        }
    }

    pub fn will_set(&self, topic: &str, payload: &[u8], qos: i32, retain: bool) -> i32 {
        let topic = cstring(topic);
        // SAFETY: a valid handle, topic and payload.
        unsafe {
            will::mosquitto_will_set(
                self.mosq,
                topic.as_ptr(),
                payload.len() as c_int,
                payload.as_ptr() as *const c_void,
                qos,
                retain,
            )
        }
    }

    /// `mosquitto_tls_set(cafile, capath, certfile, keyfile, pw_callback)`.
    pub fn tls_set(
        &self,
        cafile: Option<&str>,
        capath: Option<&str>,
        certfile: Option<&str>,
        keyfile: Option<&str>,
        pw_callback: Option<PwCallback>,
    ) -> i32 {
        let [cafile, capath, certfile, keyfile] = [cafile, capath, certfile, keyfile].map(|s| s.map(cstring));
        let ptr = |s: &Option<CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
        // SAFETY: a valid handle and strings; the callback has the right type.
        unsafe {
            tls::mosquitto_tls_set(
                self.mosq,
                ptr(&cafile),
                ptr(&capath),
                ptr(&certfile),
                ptr(&keyfile),
                pw_callback,
            )
        }
    }

    /// `mosquitto_tls_opts_set(cert_reqs, tls_version, ciphers)`.
    pub fn tls_opts_set(&self, cert_reqs: i32, version: Option<&str>, ciphers: Option<&str>) -> i32 {
        let version = version.map(cstring);
        let ciphers = ciphers.map(cstring);
        // SAFETY: a valid handle and strings.
        unsafe {
            tls::mosquitto_tls_opts_set(
                self.mosq,
                cert_reqs,
                version.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
                ciphers.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            )
        }
    }

    /// `mosquitto_tls_insecure_set(value)`.
    pub fn tls_insecure_set(&self, value: bool) -> i32 {
        // SAFETY: a valid handle.
        unsafe { tls::mosquitto_tls_insecure_set(self.mosq, value) }
    }

    /// `mosquitto_string_option(option, value)`.
    pub fn string_option(&self, option: mosq_opt_t, value: Option<&str>) -> i32 {
        let value = value.map(cstring);
        // SAFETY: a valid handle and string.
        unsafe {
            options::mosquitto_string_option(
                self.mosq,
                mosq_opt_arg(option as c_int),
                value.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            )
        }
    }

    /// `mosquitto_socks5_set(host, port, username, password)`.
    pub fn socks5_set(&self, host: &str, port: i32, username: Option<&str>, password: Option<&str>) -> i32 {
        let host = cstring(host);
        let username = username.map(cstring);
        let password = password.map(cstring);
        // SAFETY: a valid handle and strings.
        unsafe {
            socks::mosquitto_socks5_set(
                self.mosq,
                host.as_ptr(),
                port,
                username.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
                password.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            )
        }
    }

    pub fn reconnect_delay_set(&self, delay: u32, max: u32, exponential: bool) -> i32 {
        // SAFETY: a valid handle.
        unsafe { options::mosquitto_reconnect_delay_set(self.mosq, delay, max, exponential) }
    }

    pub fn max_inflight_messages_set(&self, n: u32) -> i32 {
        // SAFETY: a valid handle.
        unsafe { options::mosquitto_max_inflight_messages_set(self.mosq, n) }
    }

    pub fn reconnect(&self) -> i32 {
        // SAFETY: a valid handle.
        unsafe { connect::mosquitto_reconnect(self.mosq) }
    }

    /// `mosquitto_connect(host, port, keepalive)`.
    pub fn connect(&self, host: &str, port: u16, keepalive: i32) -> i32 {
        let host = cstring(host);
        // SAFETY: a valid handle and host.
        unsafe { connect::mosquitto_connect(self.mosq, host.as_ptr(), c_int::from(port), keepalive) }
    }

    /// `mosquitto_connect_async(host, port, keepalive)`.
    pub fn connect_async(&self, host: &str, port: u16, keepalive: i32) -> i32 {
        let host = cstring(host);
        // SAFETY: a valid handle and host.
        unsafe { connect::mosquitto_connect_async(self.mosq, host.as_ptr(), c_int::from(port), keepalive) }
    }

    pub fn disconnect(&self) -> i32 {
        // SAFETY: a valid handle.
        unsafe { connect::mosquitto_disconnect(self.mosq) }
    }

    /// `mosquitto_publish`: returns (rc, mid).
    pub fn publish(&self, topic: &str, payload: &[u8], qos: i32, retain: bool) -> (i32, i32) {
        publish_raw(self.mosq(), topic, payload, qos, retain)
    }

    /// `mosquitto_subscribe`: returns (rc, mid).
    pub fn subscribe(&self, sub: &str, qos: i32) -> (i32, i32) {
        subscribe_raw(self.mosq(), sub, qos)
    }

    /// `mosquitto_unsubscribe`: returns (rc, mid).
    pub fn unsubscribe(&self, sub: &str) -> (i32, i32) {
        let sub = cstring(sub);
        let mut mid = 0;
        // SAFETY: a valid handle and topic.
        let rc = unsafe { subscribe::mosquitto_unsubscribe(self.mosq, &mut mid, sub.as_ptr()) };
        (rc, mid)
    }

    pub fn loop_start(&self) -> i32 {
        // SAFETY: a valid handle.
        unsafe { loop_::mosquitto_loop_start(self.mosq) }
    }

    pub fn loop_stop(&self, force: bool) -> i32 {
        // SAFETY: a valid handle.
        unsafe { loop_::mosquitto_loop_stop(self.mosq, force) }
    }

    pub fn socket(&self) -> i32 {
        // SAFETY: a valid handle.
        unsafe { loop_::mosquitto_socket(self.mosq) }
    }

    pub fn want_write(&self) -> bool {
        // SAFETY: a valid handle.
        unsafe { loop_::mosquitto_want_write(self.mosq) }
    }

    pub fn loop_read(&self) -> i32 {
        // SAFETY: a valid handle.
        unsafe { loop_::mosquitto_loop_read(self.mosq, 1) }
    }

    pub fn loop_write(&self) -> i32 {
        // SAFETY: a valid handle.
        unsafe { loop_::mosquitto_loop_write(self.mosq, 1) }
    }

    pub fn loop_misc(&self) -> i32 {
        // SAFETY: a valid handle.
        unsafe { loop_::mosquitto_loop_misc(self.mosq) }
    }

    /// One `mosquitto_loop(timeout_ms, 1)` pass.
    pub fn loop_once(&self, timeout_ms: i32) -> i32 {
        // SAFETY: a valid handle.
        unsafe { loop_::mosquitto_loop(self.mosq, timeout_ms, 1) }
    }

    /// Run `mosquitto_loop` passes until `f` holds for the events, at most `limit`. Returns the
    /// value of `f`, or panics with the events seen and the last loop return code.
    #[track_caller]
    pub fn pump_for<T>(&self, what: &str, limit: Duration, mut f: impl FnMut(&[Event]) -> Option<T>) -> T {
        let deadline = now() + limit;
        let mut last_rc = 0;
        loop {
            if let Some(v) = self.rec.wait_until(Duration::ZERO, &mut f) {
                return v;
            }
            if now() >= deadline {
                panic!(
                    "timed out after {limit:?} waiting for {what} (last mosquitto_loop rc {last_rc}); events:\n{}",
                    self.rec.dump()
                );
            }
            last_rc = self.loop_once(20);
            if last_rc != 0 {
                // Do not spin: NO_CONN returns at once.
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// Like [`Client::pump_for`], but with the external loop an application with its own event
    /// loop runs: poll(2) on `mosquitto_socket` for reading, and for writing only while
    /// `mosquitto_want_write` says so; `mosquitto_loop_read` when readable, `mosquitto_loop_write`
    /// when writable, and `mosquitto_loop_misc` every pass. `step` runs before each pass (to
    /// publish, subscribe, ...), with the events so far. Panics if a loop function fails or time
    /// runs out.
    #[track_caller]
    pub fn pump_external_for<T>(
        &self,
        what: &str,
        limit: Duration,
        mut step: impl FnMut(&Client, &[Event]),
        mut f: impl FnMut(&[Event]) -> Option<T>,
    ) -> T {
        let deadline = now() + limit;
        loop {
            if let Some(v) = self.rec.wait_until(Duration::ZERO, &mut f) {
                return v;
            }
            assert!(
                now() < deadline,
                "timed out after {limit:?} waiting for {what} in the external loop \
                 (want_write {}); events:\n{}",
                self.want_write(),
                self.rec.dump()
            );
            let events = self.rec.events();
            step(self, &events);
            let fd = self.socket();
            assert!(fd >= 0, "mosquitto_socket: {fd}; events:\n{}", self.rec.dump());
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN | if self.want_write() { libc::POLLOUT } else { 0 },
                revents: 0,
            };
            // SAFETY: one valid pollfd for the duration of the call.
            let n = unsafe { libc::poll(&mut pfd, 1, 20) };
            assert!(n >= 0 || std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted);
            if n > 0 && pfd.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
                let rc = self.loop_read();
                assert_eq!(rc, 0, "mosquitto_loop_read; events:\n{}", self.rec.dump());
            }
            if n > 0 && pfd.revents & libc::POLLOUT != 0 {
                let rc = self.loop_write();
                assert_eq!(rc, 0, "mosquitto_loop_write; events:\n{}", self.rec.dump());
            }
            let rc = self.loop_misc();
            assert_eq!(rc, 0, "mosquitto_loop_misc; events:\n{}", self.rec.dump());
        }
    }

    /// Wait for the `n`th (1-based) connect callback and return its rc.
    #[track_caller]
    pub fn wait_connect_n(&self, n: usize) -> i32 {
        self.rec
            .wait_for(&format!("connect callback #{n}"), TIMEOUT, |ev| {
                connects(ev).get(n - 1).copied()
            })
    }

    /// Wait for the first connect callback and return its rc.
    #[track_caller]
    pub fn wait_connect(&self) -> i32 {
        self.wait_connect_n(1)
    }

    /// Wait for the SUBACK of `mid` and return the granted QoS list.
    #[track_caller]
    pub fn wait_subscribe(&self, mid: i32) -> Vec<i32> {
        self.rec
            .wait_for(&format!("SUBACK for mid {mid}"), TIMEOUT, |ev| {
                ev.iter().find_map(|e| match e {
                    Event::Subscribe { mid: m, granted } if *m == mid => Some(granted.clone()),
                    _ => None,
                })
            })
    }

    /// Wait until at least `n` messages arrived on `topic` and return them (all of them).
    #[track_caller]
    pub fn wait_messages(&self, topic: &str, n: usize, limit: Duration) -> Vec<Msg> {
        self.rec
            .wait_for(&format!("{n} messages on {topic}"), limit, |ev| {
                let msgs = messages_on(ev, topic);
                (msgs.len() >= n).then_some(msgs)
            })
    }

    /// Wait for on_publish of `mid`.
    #[track_caller]
    pub fn wait_published(&self, mid: i32) {
        self.rec
            .wait_for(&format!("on_publish for mid {mid}"), TIMEOUT, |ev| {
                ev.contains(&Event::Publish(mid)).then_some(())
            })
    }

    /// Wait for the `n`th disconnect callback and return its rc.
    #[track_caller]
    pub fn wait_disconnect_n(&self, n: usize) -> i32 {
        self.rec
            .wait_for(&format!("disconnect callback #{n}"), TIMEOUT, |ev| {
                disconnects(ev).get(n - 1).copied()
            })
    }

    /// Subscribe and wait for the SUBACK; returns the granted QoS list.
    #[track_caller]
    pub fn subscribe_and_wait(&self, sub: &str, qos: i32) -> Vec<i32> {
        let (rc, mid) = self.subscribe(sub, qos);
        assert_eq!(rc, 0, "mosquitto_subscribe({sub}, {qos})");
        self.wait_subscribe(mid)
    }

    /// The log lines recorded so far (see [`Client::enable_log`]).
    pub fn logs(&self) -> Vec<String> {
        self.rec
            .events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Log(_, text) => Some(text),
                _ => None,
            })
            .collect()
    }

    /// Destroy the handle now.
    pub fn destroy(mut self) {
        self.destroy_now();
    }

    fn destroy_now(&mut self) {
        if !self.destroyed {
            self.destroyed = true;
            // SAFETY: a valid handle, destroyed once.
            unsafe { client::mosquitto_destroy(self.mosq) };
        }
    }

    /// Mark the handle as destroyed by someone else (e.g. from inside a callback); returns the
    /// recorder, which must outlive any callback still running.
    pub fn forget(mut self) -> Arc<Recorder> {
        self.destroyed = true;
        self.rec.clone()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.destroy_now();
    }
}

/// `mosquitto_publish` on a raw handle (for hooks): returns (rc, mid).
pub fn publish_raw(mosq: Mosq, topic: &str, payload: &[u8], qos: i32, retain: bool) -> (i32, i32) {
    let topic = cstring(topic);
    let mut mid = 0;
    // SAFETY: a valid handle, topic and payload.
    let rc = unsafe {
        publish::mosquitto_publish(
            mosq.0,
            &mut mid,
            topic.as_ptr(),
            payload.len() as c_int,
            if payload.is_empty() {
                std::ptr::null()
            } else {
                payload.as_ptr() as *const c_void
            },
            qos,
            retain,
        )
    };
    (rc, mid)
}

/// `mosquitto_subscribe` on a raw handle (for hooks): returns (rc, mid).
pub fn subscribe_raw(mosq: Mosq, sub: &str, qos: i32) -> (i32, i32) {
    let sub = cstring(sub);
    let mut mid = 0;
    // SAFETY: a valid handle and topic.
    let rc = unsafe { subscribe::mosquitto_subscribe(mosq.0, &mut mid, sub.as_ptr(), qos) };
    (rc, mid)
}

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
