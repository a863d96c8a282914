//! The recording client: a handle of the library, driven through its C API, whose callbacks
//! record every event into a [`Recorder`] (see [`super::events`]) that the test then looks at or
//! waits for, always with a time limit. The v5 calls and callbacks are in `client_v5.rs`.
//!
//! Two sets of callbacks: [`Client::new`] records connect (also with flags), disconnect,
//! publish, message, subscribe and unsubscribe, and log lines after [`Client::enable_log`];
//! [`Client::logging`] records connect, disconnect, publish, message, subscribe, unsubscribe and
//! log lines, and more with [`Client::with_extra_callbacks`] or [`Client::with_v5_callbacks`].

use std::ffi::{CString, c_char, c_int, c_void};
use std::sync::{Arc, Once};
use std::time::Duration;

use ::mosquitto::capi::types::{mosq_opt_arg, mosq_opt_t, mosquitto};
use ::mosquitto::capi::{
    auth, callbacks, client, connect, library, loop_, options, publish, socks, subscribe, tls, will,
};

pub use super::events::*;
use super::{Gate, TIMEOUT, now};

pub(super) fn cstring(s: &str) -> CString {
    CString::new(s).expect("no NUL in test strings")
}

/// The C type of the private key password callback of `mosquitto_tls_set`.
pub type PwCallback = unsafe extern "C" fn(*mut c_char, c_int, c_int, *mut c_void) -> c_int;

fn lib_init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // SAFETY: plain library initialisation.
        unsafe { library::mosquitto_lib_init() };
    });
}

/// A client handle whose callbacks record into [`Client::rec`]. Destroyed on drop.
pub struct Client {
    pub(super) mosq: *mut mosquitto,
    pub rec: Arc<Recorder>,
    destroyed: bool,
}

// SAFETY: every function of the library may be called from any thread on any client.
unsafe impl Send for Client {}
// SAFETY: as above.
unsafe impl Sync for Client {}

impl Client {
    /// `mosquitto_new(id, clean, recorder)` without callbacks.
    fn create(id: Option<&str>, clean: bool) -> Client {
        lib_init();
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
        Client {
            mosq,
            rec,
            destroyed: false,
        }
    }

    /// `mosquitto_new(id, clean, recorder)` with the connect (also with flags), disconnect,
    /// publish, message, subscribe and unsubscribe callbacks set.
    pub fn new(id: Option<&str>, clean: bool) -> Client {
        let c = Client::create(id, clean);
        // SAFETY: a valid handle; the callbacks have the right types.
        unsafe {
            callbacks::mosquitto_connect_callback_set(c.mosq, Some(on_connect));
            callbacks::mosquitto_connect_with_flags_callback_set(c.mosq, Some(on_connect_flags));
            callbacks::mosquitto_disconnect_callback_set(c.mosq, Some(on_disconnect));
            callbacks::mosquitto_publish_callback_set(c.mosq, Some(on_publish));
            callbacks::mosquitto_message_callback_set(c.mosq, Some(on_message));
            callbacks::mosquitto_subscribe_callback_set(c.mosq, Some(on_subscribe));
            callbacks::mosquitto_unsubscribe_callback_set(c.mosq, Some(on_unsubscribe));
        }
        c
    }

    /// A new client speaking the given protocol version (3, 4 or 5).
    pub fn with_protocol(id: Option<&str>, clean: bool, version: i32) -> Client {
        let c = Client::new(id, clean);
        assert_eq!(c.set_protocol(version), 0, "MOSQ_OPT_PROTOCOL_VERSION {version}");
        c
    }

    /// `mosquitto_new(id, clean, recorder)` with the given protocol version and the connect,
    /// disconnect, publish, message, subscribe, unsubscribe and log callbacks set.
    pub fn logging(id: Option<&str>, clean: bool, protocol: c_int) -> Client {
        let c = Client::create(id, clean);
        if protocol != super::consts::V311 {
            assert_eq!(c.set_protocol(protocol), 0, "setting the protocol version");
        }
        // SAFETY: a valid handle; the callbacks have the right types.
        unsafe {
            callbacks::mosquitto_connect_callback_set(c.mosq, Some(on_connect));
            callbacks::mosquitto_disconnect_callback_set(c.mosq, Some(on_disconnect));
            callbacks::mosquitto_publish_callback_set(c.mosq, Some(on_publish));
            callbacks::mosquitto_message_callback_set(c.mosq, Some(on_message));
            callbacks::mosquitto_subscribe_callback_set(c.mosq, Some(on_subscribe));
            callbacks::mosquitto_unsubscribe_callback_set(c.mosq, Some(on_unsubscribe));
            callbacks::mosquitto_log_callback_set(c.mosq, Some(on_log));
        }
        c
    }

    /// Also record `on_connect_with_flags`, `on_connect_v5`, `on_disconnect_v5` and
    /// `on_publish_v5` (without their properties).
    pub fn with_extra_callbacks(self) -> Self {
        // SAFETY: valid client; the callbacks have the signatures the setters expect.
        unsafe {
            callbacks::mosquitto_connect_with_flags_callback_set(self.mosq, Some(on_connect_flags));
            callbacks::mosquitto_connect_v5_callback_set(self.mosq, Some(on_connect_v5));
            callbacks::mosquitto_disconnect_v5_callback_set(self.mosq, Some(on_disconnect_v5));
            callbacks::mosquitto_publish_v5_callback_set(self.mosq, Some(on_publish_v5));
        }
        self
    }

    /// Make the connect callback publish a QoS 1 message (see [`Event::PublishCall`]).
    pub fn publish_on_connect(self) -> Self {
        // SAFETY: valid client; the callback has the signature the setter expects.
        unsafe { callbacks::mosquitto_connect_callback_set(self.mosq, Some(on_connect_then_publish)) };
        self
    }

    /// Make the publish callback call `mosquitto_disconnect`.
    pub fn disconnect_on_publish(self) -> Self {
        // SAFETY: valid client; the callback has the signature the setter expects.
        unsafe { callbacks::mosquitto_publish_callback_set(self.mosq, Some(on_publish_then_disconnect)) };
        self
    }

    pub fn raw(&self) -> *mut mosquitto {
        self.mosq
    }

    /// The handle as a value other threads may use (to run `mosquitto_loop_forever`, or from
    /// hooks); the client must outlive that use.
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

    /// Make the message callback wait for `gate` and record whether it opened.
    pub fn gate_messages(&self, gate: Arc<Gate>) {
        *self.rec.message_gate.lock().unwrap_or_else(|e| e.into_inner()) = Some(gate);
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

    pub fn receive_maximum(&self, n: c_int) -> c_int {
        // SAFETY: a valid handle.
        unsafe {
            options::mosquitto_int_option(
                self.mosq,
                mosq_opt_arg(mosq_opt_t::MOSQ_OPT_RECEIVE_MAXIMUM as c_int),
                n,
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

    /// `mosquitto_subscribe_v5` without properties (the library ignores `options` for 3.x);
    /// returns (rc, mid).
    pub fn subscribe_with_options(&self, topic: &str, qos: c_int, options: c_int) -> (c_int, c_int) {
        let topic = cstring(topic);
        let mut mid: c_int = -1;
        // SAFETY: valid client and topic, no properties.
        let rc = unsafe {
            subscribe::mosquitto_subscribe_v5(
                self.mosq,
                &mut mid,
                topic.as_ptr(),
                qos,
                options,
                std::ptr::null(),
            )
        };
        (rc, mid)
    }

    /// `mosquitto_subscribe_multiple` without properties; returns (rc, mid).
    pub fn subscribe_multiple(&self, topics: &[&str], qos: c_int, options: c_int) -> (c_int, c_int) {
        self.subscribe_v5(topics, qos, options, std::ptr::null())
    }

    /// `mosquitto_unsubscribe`: returns (rc, mid).
    pub fn unsubscribe(&self, sub: &str) -> (i32, i32) {
        let sub = cstring(sub);
        let mut mid = -1;
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

    /// One `mosquitto_loop_read(mosq, 1)`; nonzero results are recorded ([`Client::loop_rcs`]).
    pub fn loop_read(&self) -> i32 {
        // SAFETY: a valid handle.
        let rc = unsafe { loop_::mosquitto_loop_read(self.mosq, 1) };
        self.note_loop_rc(rc)
    }

    pub fn loop_write(&self) -> i32 {
        // SAFETY: a valid handle.
        unsafe { loop_::mosquitto_loop_write(self.mosq, 1) }
    }

    pub fn loop_misc(&self) -> i32 {
        // SAFETY: a valid handle.
        unsafe { loop_::mosquitto_loop_misc(self.mosq) }
    }

    /// One `mosquitto_loop(timeout_ms, 1)` pass; nonzero results are recorded
    /// ([`Client::loop_rcs`]).
    pub fn loop_once(&self, timeout_ms: i32) -> i32 {
        // SAFETY: a valid handle.
        let rc = unsafe { loop_::mosquitto_loop(self.mosq, timeout_ms, 1) };
        self.note_loop_rc(rc)
    }

    fn note_loop_rc(&self, rc: i32) -> i32 {
        if rc != 0 {
            self.rec
                .loop_rcs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(rc);
        }
        rc
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
                    Event::Subscribe(m, granted) if *m == mid => Some(granted.clone()),
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

    /// The text of the log lines recorded so far (see [`Client::enable_log`]).
    pub fn log_texts(&self) -> Vec<String> {
        self.rec
            .events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Log(_, text) => Some(text),
                _ => None,
            })
            .collect()
    }

    /// Drive `mosquitto_loop` until `pred` holds for the events (logs excluded) or `timeout`
    /// passes; returns whether `pred` held. Without a connection the loop returns at once, so
    /// then this sleeps a little between passes.
    pub fn run_until(&self, timeout: Duration, pred: impl Fn(&[Event]) -> bool) -> bool {
        let deadline = now() + timeout;
        loop {
            if pred(&self.events()) {
                return true;
            }
            if now() >= deadline {
                return false;
            }
            let rc = self.loop_once(20);
            if rc == super::consts::MOSQ_ERR_NO_CONN {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// Drive `mosquitto_loop` for `dur`.
    pub fn run_for(&self, dur: Duration) {
        self.run_until(dur, |_| false);
    }

    /// Wait (without driving the loop: a loop thread does that) until `pred` holds for the
    /// events (logs excluded), at most `timeout`; returns whether it held.
    pub fn wait_until(&self, timeout: Duration, pred: impl Fn(&[Event]) -> bool) -> bool {
        self.rec
            .wait_until(timeout, |ev| pred(&without_logs(ev)).then_some(()))
            .is_some()
    }

    /// Every event except log lines, in order.
    pub fn events(&self) -> Vec<Event> {
        without_logs(&self.rec.events())
    }

    /// Every event including log lines, in order.
    pub fn all_events(&self) -> Vec<Event> {
        self.rec.events()
    }

    /// The log lines with their levels, in order.
    pub fn logs(&self) -> Vec<(c_int, String)> {
        self.rec
            .events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Log(l, t) => Some((l, t)),
                _ => None,
            })
            .collect()
    }

    /// Whether a log line equal to `text` was recorded at `level`.
    pub fn logged(&self, level: c_int, text: &str) -> bool {
        self.logs().iter().any(|(l, t)| *l == level && t == text)
    }

    /// The nonzero `mosquitto_loop` and `mosquitto_loop_read` results, in order.
    pub fn loop_rcs(&self) -> Vec<c_int> {
        self.rec
            .loop_rcs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The disconnect callback codes, in order.
    pub fn disconnects(&self) -> Vec<c_int> {
        disconnects(&self.events())
    }

    /// A readable dump of every event, for assertion messages.
    pub fn dump(&self) -> String {
        format!("\n{}", self.rec.dump())
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
    let mut mid = -1;
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
    let mut mid = -1;
    // SAFETY: a valid handle and topic.
    let rc = unsafe { subscribe::mosquitto_subscribe(mosq.0, &mut mid, sub.as_ptr(), qos) };
    (rc, mid)
}

impl Mosq {
    /// `mosquitto_loop_forever(mosq, timeout_ms, 1)`.
    pub fn loop_forever(&self, timeout_ms: c_int) -> c_int {
        // SAFETY: the client is alive (see `Client::mosq`).
        unsafe { loop_::mosquitto_loop_forever(self.0, timeout_ms, 1) }
    }
}

fn without_logs(ev: &[Event]) -> Vec<Event> {
    ev.iter()
        .filter(|e| !matches!(e, Event::Log(..)))
        .cloned()
        .collect()
}
