//! The client runtime: one MQTT client with its connection, its poller, its reconnect policy and
//! its optional loop thread, usable from Rust without any C.
//!
//! A [`Client`] is shared between threads by reference: every method takes `&self` and locks
//! what it needs. What happens on the network is reported as [`Event`]s to a [`Handler`] that
//! the caller passes to every method that can produce events; events are delivered with no lock
//! held, one at a time and in order, so a handler may call any method of the same client
//! (publish from inside a message event, disconnect from inside a publish event, ...). When the
//! connection fails, the events that came before the failure are delivered first, then the
//! connection is closed and the disconnect event follows.
//!
//! The C API (`crate::capi`) is a thin layer over this: it converts arguments, implements
//! [`Handler`] by calling the application's callbacks, and owns the client's memory.
//!
//! Files: this one holds the client, its settings and the requests (connect, publish,
//! subscribe, disconnect); [`run`] the network loop and reconnection; [`thread`] the loop
//! thread.

mod run;
mod thread;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use mio::{Events, Poll, Waker};
use parking_lot::{Mutex, MutexGuard};

pub use crate::error::Error;
use crate::protocol::consts::CMD_CONNECT;
use crate::protocol::properties;
pub use crate::protocol::{Property, ProtocolVersion, Publish};
pub use crate::session::{ClientOptions, DisconnectCause, Event, LogLevel, PublishRequest};
use crate::session::{Session, State, property_error};
pub use crate::transport::backoff::Backoff;
pub use crate::transport::connect::{Connector, Proxy};
use crate::transport::driver::{self, Engine, WAKER};
pub use crate::transport::tls::{PasswordCallback, TlsSettings, TlsVersion};
pub use thread::LoopControl;
use thread::LoopThread;

/// Receives a client's events.
///
/// Called with no lock held; the handler may call any method of the client it belongs to.
/// Events of one client are never delivered concurrently.
pub trait Handler: Send + Sync {
    /// Deliver one event.
    fn deliver(&self, event: Event);

    /// Whether the client's owner has discarded it: events still pending are dropped.
    fn discarded(&self) -> bool {
        false
    }
}

/// A handler that drops every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct Ignore;

impl Handler for Ignore {
    fn deliver(&self, _event: Event) {}
}

/// A client together with the handler of its events, as the loop thread needs them: the thread
/// holds an `Arc` of the owner, which keeps both alive while it runs.
pub trait Owner: Handler {
    fn client(&self) -> &Client;
}

/// Who runs the network loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threaded {
    /// The application calls the loop functions from the thread that makes the other calls;
    /// requests write to the socket themselves.
    None,
    /// The application runs the loop in a thread of its own: requests only queue their output
    /// and wake that thread.
    External,
    /// The client's own loop thread ([`Client::start_loop`]).
    Own,
}

/// Where to connect (a connect request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// A host name or address, or with `port` 0 the path of a Unix-domain socket.
    pub host: String,
    pub port: u16,
    /// Keepalive in seconds: 0 (off) or 5 to 65535.
    pub keepalive: u16,
    /// The local address to bind to; `None` keeps the one set before.
    pub bind_address: Option<String>,
}

/// Client state guarded by the client lock.
struct Inner {
    engine: Engine,
    /// A thread is delivering events.
    dispatching: bool,
    /// A wake-up of the polling thread is already pending.
    wake_pending: bool,
    threaded: Threaded,
    /// The thread that last did network work (read, write, connect) on this client: with a
    /// loop thread, the loop thread.
    network_thread: Option<ThreadId>,
    backoff: Backoff,
    /// Reconnect attempts since the last accepted CONNACK or `run_forever` start.
    reconnects: u32,
}

impl Inner {
    /// After output was queued: write it now if the calling thread runs the network itself,
    /// or wake the thread that does.
    fn output_ready(&mut self, waker: &Waker, now: Instant) -> Result<(), Error> {
        match self.threaded {
            Threaded::None => self.engine.flush(now),
            Threaded::External | Threaded::Own => {
                if self.engine.session().wants_write() && !self.wake_pending {
                    self.wake_pending = true;
                    let _ = waker.wake();
                }
                Ok(())
            }
        }
    }
}

/// The waiting half: only the thread blocked in the poller holds this.
struct PollState {
    poll: Poll,
    events: Events,
}

/// Readiness seen by one wait.
#[derive(Debug, Default, Clone, Copy)]
struct Ready {
    readable: bool,
    writable: bool,
    /// The socket's peer closed its end (or the socket has an error).
    read_closed: bool,
}

/// One MQTT client; see the module documentation.
pub struct Client {
    inner: Mutex<Inner>,
    poll: Mutex<PollState>,
    waker: Arc<Waker>,
    /// A connect in progress must give up (disconnect, destroy).
    abort_connect: AtomicBool,
    loop_thread: Mutex<Option<Box<LoopThread>>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").finish_non_exhaustive()
    }
}

/// The current time (the runtime reads the clock; everything below it is given the time).
pub(crate) fn now() -> Instant {
    driver::now()
}

impl Client {
    /// A client with these settings; fails only when the poller cannot be created (out of file
    /// descriptors).
    pub fn new(opts: ClientOptions) -> Result<Self, Error> {
        let poll = Poll::new().map_err(|e| Error::from_io(&e))?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER).map_err(|e| Error::from_io(&e))?);
        let registry = poll.registry().try_clone().map_err(|e| Error::from_io(&e))?;
        Ok(Self {
            inner: Mutex::new(Inner {
                engine: Engine::new(Session::new(opts), registry),
                dispatching: false,
                wake_pending: false,
                threaded: Threaded::None,
                network_thread: None,
                backoff: Backoff::default(),
                reconnects: 0,
            }),
            poll: Mutex::new(PollState {
                poll,
                // The socket and the waker: two events at most per wait.
                events: Events::with_capacity(2),
            }),
            waker,
            abort_connect: AtomicBool::new(false),
            loop_thread: Mutex::new(None),
        })
    }

    /// Change the client's settings (see [`Settings`]).
    pub fn settings(&self) -> Settings<'_> {
        Settings(self.inner.lock())
    }

    /// Forget everything (settings, messages, connection: closed without DISCONNECT or event)
    /// and start over with `opts`. A running loop thread is stopped first.
    pub fn reset(&self, opts: ClientOptions) {
        self.stop_loop(true);
        {
            let mut g = self.inner.lock();
            g.engine.abandon();
            g.engine.reset(Session::new(opts));
            g.threaded = Threaded::None;
            g.wake_pending = false;
            g.backoff = Backoff::default();
            g.reconnects = 0;
        }
        self.abort_connect.store(false, Ordering::Release);
    }

    /// Close the connection without sending anything and without an event, and stop a loop
    /// thread: the client is being discarded.
    pub fn close_now(&self) {
        self.abort_connect.store(true, Ordering::Release);
        self.stop_loop(true);
        self.inner.lock().engine.abandon();
    }

    /// Run `f` under the client lock, then deliver any events it caused (and close a
    /// connection that failed meanwhile, once the events before the failure are delivered).
    /// While a loop thread runs the network (ours or the application's), events are delivered
    /// by that thread, as libmosquitto does: a call from another thread only delivers the log
    /// lines it wrote itself (libmosquitto calls the log callback in the calling thread; the
    /// events a call adds come after those pending before it) and wakes the loop thread for
    /// the rest, so that no other callback runs inside, say, a `mosquitto_publish` made under
    /// the application's own lock.
    fn locked<R>(&self, h: &dyn Handler, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut guard = self.inner.lock();
        let before = guard.engine.session().event_count();
        let r = f(&mut guard);
        self.after_call(h, guard, before);
        r
    }

    /// Whether events are delivered in the calling thread (see [`Client::locked`]).
    fn delivers_here(g: &Inner) -> bool {
        g.threaded == Threaded::None || g.network_thread == Some(std::thread::current().id())
    }

    /// Note the calling thread as the one doing the network work, unless the client's own loop
    /// thread does it (that thread alone, whoever else calls a network function).
    fn claim_network(g: &mut Inner) {
        if g.threaded != Threaded::Own {
            g.network_thread = Some(std::thread::current().id());
        }
    }

    /// The end of a call under the lock: deliver the events (or, in a thread that does not
    /// deliver them, the log lines the call wrote from position `before` on, and wake the
    /// thread that does). Returns the result of closing a connection that failed, if it was
    /// closed here.
    fn after_call(
        &self,
        h: &dyn Handler,
        mut guard: MutexGuard<'_, Inner>,
        before: usize,
    ) -> Option<Result<(), Error>> {
        if Self::delivers_here(&guard) {
            let need = Self::undelivered(&guard);
            drop(guard);
            return if need { self.dispatch(h) } else { None };
        }
        let mut logs = Vec::new();
        guard
            .engine
            .session_mut()
            .drain_log_events_from(before, &mut logs);
        let more = Self::undelivered(&guard);
        drop(guard);
        Self::deliver_all(h, &mut logs);
        if more {
            self.wake();
        }
        None
    }

    /// Events (or a failure to close the connection for) that no thread is delivering yet.
    fn undelivered(g: &Inner) -> bool {
        !g.dispatching && (g.engine.session().has_events() || g.engine.has_failure())
    }

    /// Hand `events` to the handler in order, unless it has been discarded.
    fn deliver_all(h: &dyn Handler, events: &mut Vec<Event>) {
        for event in events.drain(..) {
            if h.discarded() {
                break;
            }
            h.deliver(event);
        }
    }

    /// Like [`Client::locked`] for network work: when the connection failed during `f`, the
    /// result is the one closing it gives (the error, or success when the application had
    /// asked to disconnect, possibly from an event handler that ran meanwhile).
    fn io(&self, h: &dyn Handler, f: impl FnOnce(&mut Inner) -> Result<(), Error>) -> Result<(), Error> {
        let mut guard = self.inner.lock();
        Self::claim_network(&mut guard);
        let before = guard.engine.session().event_count();
        let r = f(&mut guard);
        if let Some(closed) = self.after_call(h, guard, before) {
            return closed;
        }
        r
    }

    /// Deliver pending events, unless another thread (or an outer frame of this one) is
    /// already doing so; that one will deliver them. A failed connection is closed once the
    /// events before its failure have been delivered; the result of closing it is returned.
    fn dispatch(&self, h: &dyn Handler) -> Option<Result<(), Error>> {
        let mut batch = Vec::new();
        let mut closed = None;
        {
            let mut g = self.inner.lock();
            if g.dispatching {
                return None;
            }
            g.engine.session_mut().drain_events(&mut batch);
            if batch.is_empty() {
                let cause = g.engine.take_failure()?;
                closed = Some(g.engine.close(cause));
                g.engine.session_mut().drain_events(&mut batch);
                if batch.is_empty() {
                    return closed;
                }
            }
            g.dispatching = true;
        }
        loop {
            Self::deliver_all(h, &mut batch);
            let mut g = self.inner.lock();
            if !h.discarded() {
                g.engine.session_mut().drain_events(&mut batch);
                if batch.is_empty() {
                    if let Some(cause) = g.engine.take_failure() {
                        closed = Some(g.engine.close(cause));
                        g.engine.session_mut().drain_events(&mut batch);
                    }
                }
            }
            if batch.is_empty() {
                g.dispatching = false;
                return closed;
            }
        }
    }

    /// Wake the thread waiting in the poller.
    pub fn wake(&self) {
        let _ = self.waker.wake();
    }

    /// Wait up to `timeout` for the socket or the waker.
    fn wait(&self, timeout: Duration) -> Result<Ready, Error> {
        let mut guard = self.poll.lock();
        let PollState { poll, events } = &mut *guard;
        match poll.poll(events, Some(timeout)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(Ready::default()),
            Err(e) => return Err(Error::from_io(&e)),
        }
        let mut ready = Ready::default();
        for event in events.iter() {
            if event.token() != WAKER {
                ready.readable |= event.is_readable() || event.is_read_closed() || event.is_error();
                ready.read_closed |= event.is_read_closed() || event.is_error();
                ready.writable |= event.is_writable() || event.is_write_closed() || event.is_error();
            }
        }
        Ok(ready)
    }

    // -----------------------------------------------------------------------------------------
    // Requests

    /// Record where to connect and the keepalive, check the CONNECT properties (`None` keeps
    /// the ones given before), and make an MQTT 3.1 client without an id get a random one.
    fn prepare(&self, target: Target, properties: Option<Vec<Property>>) -> Result<(), Error> {
        if let Some(props) = &properties {
            check_connect_properties(props)?;
        }
        if target.keepalive != 0 && target.keepalive < 5 {
            return Err(Error::Inval);
        }
        self.abort_connect.store(false, Ordering::Release);
        let mut g = self.inner.lock();
        let e = &mut g.engine;
        if let Some(props) = properties {
            e.session_mut().set_connect_properties(props);
        }
        if target.bind_address.is_some() {
            e.settings_mut().bind_address = target.bind_address;
        }
        e.session_mut().ensure_client_id(random_client_id);
        e.settings_mut().host = Some(Box::new((target.host, target.port)));
        e.session_mut().prepare_connect(target.keepalive);
        Ok(())
    }

    /// Connect to `target`. With `blocking`, waits until the TCP connection (and the TLS and
    /// proxy handshakes) are complete; otherwise the connection completes in the background,
    /// in the loop. CONNECT is queued (and written at once when no loop thread runs); the
    /// CONNACK arrives later, as [`Event::Connect`]. `properties` (v5) are sent on this and
    /// every later connection (`None` keeps the ones given before).
    pub fn connect(
        &self,
        h: &dyn Handler,
        target: Target,
        properties: Option<Vec<Property>>,
        blocking: bool,
    ) -> Result<(), Error> {
        self.prepare(target, properties)?;
        if blocking {
            self.inner.lock().engine.session_mut().start_over();
        }
        let r = self.reconnect(h, blocking, None);
        if !blocking {
            self.wake();
        }
        r
    }

    /// Publish a message; returns its message id (when one was assigned) and the result (see
    /// [`Session::publish`] for what is kept while there is no connection).
    pub fn publish(&self, h: &dyn Handler, req: PublishRequest<'_>) -> (Option<u16>, Result<(), Error>) {
        self.locked(h, |g| {
            let (mid, r) = g.engine.session_mut().publish(req);
            let r = r.and_then(|()| g.output_ready(&self.waker, now()));
            (mid, r)
        })
    }

    /// Subscribe to `filters`, each with the same QoS and v5 options byte; returns the message
    /// id of the SUBSCRIBE.
    pub fn subscribe(
        &self,
        h: &dyn Handler,
        filters: &[&[u8]],
        qos: u8,
        options: u8,
        properties: Vec<Property>,
    ) -> Result<u16, Error> {
        self.locked(h, |g| {
            let mid = g
                .engine
                .session_mut()
                .subscribe(filters, qos, options, properties)?;
            g.output_ready(&self.waker, now())?;
            Ok(mid)
        })
    }

    /// The checks a subscribe request makes before it looks at its filters (libmosquitto's
    /// order): properties with MQTT 3.x, QoS and options, then the connection.
    pub fn check_subscribe(&self, has_properties: bool, qos: u8, options: u8) -> Result<(), Error> {
        self.inner
            .lock()
            .engine
            .session()
            .check_subscribe(has_properties, qos, options)
    }

    /// Unsubscribe from `filters`; returns the message id of the UNSUBSCRIBE.
    pub fn unsubscribe(
        &self,
        h: &dyn Handler,
        filters: &[&[u8]],
        properties: Vec<Property>,
    ) -> Result<u16, Error> {
        self.locked(h, |g| {
            let mid = g.engine.session_mut().unsubscribe(filters, properties)?;
            g.output_ready(&self.waker, now())?;
            Ok(mid)
        })
    }

    /// The checks an unsubscribe request makes before it looks at its filters.
    pub fn check_unsubscribe(&self, has_properties: bool) -> Result<(), Error> {
        self.inner
            .lock()
            .engine
            .session()
            .check_unsubscribe(has_properties)
    }

    /// The check a disconnect request makes first: properties need MQTT v5.
    pub fn check_disconnect(&self, has_properties: bool) -> Result<(), Error> {
        if has_properties && !self.inner.lock().engine.session().protocol().is_v5() {
            Err(Error::NotSupported)
        } else {
            Ok(())
        }
    }

    /// Disconnect: DISCONNECT is sent (v5: with `reason_code` and `properties`) and the
    /// connection closes once it is written (then [`Event::Disconnect`] follows). The loop
    /// stops reconnecting either way; without a connection the result is [`Error::NoConn`] and
    /// a connection attempt in progress gives up.
    pub fn disconnect(
        &self,
        h: &dyn Handler,
        reason_code: u8,
        properties: Vec<Property>,
    ) -> Result<(), Error> {
        let r = self.locked(h, |g| {
            if !properties.is_empty() && !g.engine.session().protocol().is_v5() {
                return Err(Error::NotSupported);
            }
            g.engine.session_mut().disconnect(reason_code, properties)?;
            g.output_ready(&self.waker, now())
        });
        match &r {
            Err(Error::NoConn) => {
                self.abort_connect.store(true, Ordering::Release);
                self.inner.lock().engine.invalidate_pending_connect();
                self.wake();
            }
            Ok(()) => self.wake(),
            Err(_) => {}
        }
        r
    }

    /// Continue MQTT v5 enhanced authentication (from the handler of [`Event::ExtAuth`]):
    /// send AUTH with reason code 0x18, `properties`, the authentication `method` and `data`
    /// (left out when empty).
    pub fn auth_continue(
        &self,
        h: &dyn Handler,
        method: &str,
        data: &[u8],
        properties: Vec<Property>,
    ) -> Result<(), Error> {
        self.locked(h, |g| {
            g.engine.session_mut().auth_continue(method, data, properties)?;
            g.output_ready(&self.waker, now())
        })
    }

    /// End the current connection with `error` (the disconnect event follows once the events
    /// already under way are delivered); used when the application refuses the server's
    /// authentication. Does nothing without a connection.
    pub fn abort_connection(&self, error: Error) {
        let mut g = self.inner.lock();
        g.engine.abort(error);
        drop(g);
        self.wake();
    }

    /// The socket's file descriptor, if there is a socket.
    pub fn socket(&self) -> Option<std::os::fd::RawFd> {
        self.inner.lock().engine.socket_fd()
    }

    /// Whether output waits for the socket to become writable.
    pub fn wants_write(&self) -> bool {
        self.inner.lock().engine.wants_write()
    }
}

/// A view of a client's settings, holding its lock: change what the next connections use.
pub struct Settings<'a>(MutexGuard<'a, Inner>);

impl Settings<'_> {
    fn session(&mut self) -> &mut Session {
        self.0.engine.session_mut()
    }

    /// The settings of the next CONNECT.
    pub fn options(&self) -> &ClientOptions {
        self.0.engine.session().options()
    }

    pub fn protocol(&self) -> ProtocolVersion {
        self.0.engine.session().protocol()
    }

    pub fn set_protocol(&mut self, protocol: ProtocolVersion) {
        self.session().set_protocol(protocol);
    }

    /// Announce a bridge in the next CONNECTs (see [`ClientOptions::bridge`]).
    pub fn set_bridge(&mut self, bridge: bool) {
        self.session().set_bridge(bridge);
    }

    /// See [`Session::set_credentials`].
    pub fn set_credentials(&mut self, username: Option<&[u8]>, password: Option<&[u8]>) -> Result<(), Error> {
        self.session().set_credentials(username, password)
    }

    /// See [`Session::set_will`].
    pub fn set_will(
        &mut self,
        topic: &[u8],
        payload: &[u8],
        qos: u8,
        retain: bool,
        properties: Option<Vec<Property>>,
    ) -> Result<(), Error> {
        self.session().set_will(topic, payload, qos, retain, properties)
    }

    pub fn clear_will(&mut self) {
        self.session().clear_will();
    }

    /// The most QoS 1/2 messages kept in flight towards the server (0 means 65535).
    pub fn set_send_maximum(&mut self, max: u16) {
        self.session().set_send_maximum(max);
    }

    /// The most QoS 1/2 messages the server may keep in flight towards us (0 means 65535).
    pub fn set_receive_maximum(&mut self, max: u16) {
        self.session().set_receive_maximum(max);
    }

    /// Produce [`Event::Log`] events (only when someone listens: they cost time).
    pub fn set_log_enabled(&mut self, enabled: bool) {
        self.session().set_log_enabled(enabled);
    }

    pub fn set_bind_address(&mut self, address: Option<String>) {
        self.0.engine.settings_mut().bind_address = address;
    }

    pub fn set_tcp_nodelay(&mut self, nodelay: bool) {
        self.0.engine.settings_mut().tcp_nodelay = nodelay;
    }

    /// Carry MQTT in WebSocket frames on the next connections (or plain MQTT).
    pub fn set_websockets(&mut self, websockets: bool) {
        self.0.engine.settings_mut().websockets = websockets;
    }

    /// The path of the websocket upgrade request (`None`: `/mqtt`).
    pub fn set_http_path(&mut self, path: Option<String>) {
        self.0.engine.settings_mut().http_path = path;
    }

    /// The most bytes of HTTP headers accepted in the websocket upgrade response.
    pub fn set_http_header_size(&mut self, size: usize) {
        self.0.engine.settings_mut().http_header_size = size;
    }

    /// The TLS settings of the next connections.
    pub fn tls(&mut self) -> &mut TlsSettings {
        self.0.engine.settings_mut().tls.get_or_insert_default()
    }

    /// Connect through a SOCKS5 proxy (`None`: directly).
    pub fn set_proxy(&mut self, proxy: Option<Proxy>) {
        self.0.engine.settings_mut().proxy = proxy.map(Box::new);
    }

    /// Take each connection's stream from `connector` instead of connecting to the host of
    /// the connect request (`None`: connect to the host).
    pub fn set_connector(&mut self, connector: Option<Connector>) {
        self.0.engine.settings_mut().connector = connector;
    }

    /// The delays between reconnection attempts.
    pub fn backoff(&mut self) -> &mut Backoff {
        &mut self.0.backoff
    }

    pub fn threaded(&self) -> Threaded {
        self.0.threaded
    }

    /// Say who runs the network loop (never [`Threaded::Own`]: that is
    /// [`Client::start_loop`]'s). While the client's own loop thread runs, that thread stays
    /// the one that runs it (libmosquitto would forget its thread, and `mosquitto_loop_stop`
    /// would then refuse to stop it).
    pub fn set_threaded(&mut self, threaded: Threaded) {
        if self.0.threaded != Threaded::Own {
            self.0.threaded = threaded;
        }
    }
}

/// Check CONNECT properties (each must be allowed in CONNECT, and only once where that is the
/// rule).
pub fn check_connect_properties(props: &[Property]) -> Result<(), Error> {
    if props.is_empty() {
        Ok(())
    } else {
        properties::check_all(CMD_CONNECT, props).map_err(property_error)
    }
}

/// Characters of generated MQTT 3.1 client ids.
const ID_CHARS: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A random `mosq-` + 18 characters client id, for MQTT 3.1 clients created without one.
fn random_client_id() -> String {
    let mut bytes = [0u8; 18];
    if !crate::random::fill(&mut bytes) {
        // Fall back on the clock; ids need only be unlikely to clash.
        let mut x = (now().elapsed().as_nanos() as u64) | 1;
        for b in &mut bytes {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
    }
    let mut id = String::from("mosq-");
    id.extend(
        bytes
            .iter()
            .map(|b| ID_CHARS[usize::from(b & 0x7F) % ID_CHARS.len()] as char),
    );
    id
}

/// Whether the session still waits for its first connect call (the loop thread waits for it).
fn waiting_for_connect_call(g: &Inner) -> bool {
    !g.engine.session().connect_called()
}

/// Whether a loop call without a socket should succeed: after a disconnect the application
/// asked for (libmosquitto maps errors to success in that state).
fn disconnected_on_purpose(g: &Inner) -> bool {
    g.engine.session().state() == State::Disconnected
}
