//! The engine: one client's session plus its socket.
//!
//! The engine moves bytes between the socket and the [`Session`], closes the socket when the
//! session or the network says so, and maps what happened onto the results libmosquitto's loop
//! functions return. It never blocks: waiting for readiness happens outside, with the
//! [`mio::Poll`] whose registry the engine registers its socket with (token [`SOCKET`]; the
//! owner's waker uses [`WAKER`]).

use std::io;
use std::os::fd::RawFd;
use std::time::Instant;

use mio::{Registry, Token};

use super::Stream;
use super::connect::{Connector, Proxy, handshake_failure, io_failure};
use super::stream::TlsFailure;
use super::tcp::Target;
use super::tls::TlsSettings;
use super::websocket::{self, WsFailure, WsPlan};
use crate::error::Error;
use crate::session::{DisconnectCause, LogLevel, Session, State};

/// Poll token of the client socket.
pub(crate) const SOCKET: Token = Token(0);
/// Poll token of the waker.
pub(crate) const WAKER: Token = Token(1);

/// Most bytes read in one call before giving others a turn.
const READ_BUDGET: usize = 4 * 1024 * 1024;
/// Size of the read buffer of a busy connection.
const READ_CHUNK: usize = 64 * 1024;
/// Size of the read buffer of a quiet connection (on the stack: nothing kept per client).
const SMALL_READ: usize = 512;
/// Read calls that take in little before a busy connection's large buffer is given back.
const QUIET_READS: u8 = 8;

/// The current time. The transport layer is where the clock is read; everything below takes the
/// time as an argument.
#[allow(clippy::disallowed_methods)]
pub(crate) fn now() -> Instant {
    Instant::now()
}

/// Where and how the next connection is made.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnectSettings {
    /// Host and port from the last connect call.
    pub host: Option<Box<(String, u16)>>,
    /// `MOSQ_OPT_BIND_ADDRESS`.
    pub bind_address: Option<String>,
    /// `MOSQ_OPT_TCP_NODELAY`.
    pub tcp_nodelay: bool,
    /// TLS settings (`mosquitto_tls_*`, TLS options), once any is set; TLS is used when
    /// [`TlsSettings::enabled`].
    pub tls: Option<Box<TlsSettings>>,
    /// `mosquitto_socks5_set`.
    pub proxy: Option<Box<Proxy>>,
    /// Makes the stream instead of connecting to `host`.
    pub connector: Option<Connector>,
    /// `MOSQ_OPT_TRANSPORT` is `MOSQ_T_WEBSOCKETS`: MQTT goes in WebSocket frames.
    pub websockets: bool,
    /// `MOSQ_OPT_HTTP_PATH`: the path of the websocket upgrade request (`/mqtt` if unset).
    pub http_path: Option<String>,
    /// `MOSQ_OPT_HTTP_HEADER_SIZE`: the most bytes of upgrade response headers (4096 if 0).
    pub http_header_size: usize,
}

/// What [`Engine::begin_connect`] hands out for the connection attempt.
pub(crate) type ConnectPlan = (
    Target,
    Option<Proxy>,
    Option<TlsSettings>,
    Option<Connector>,
    Option<WsPlan>,
);

/// One client's session and socket.
#[derive(Debug)]
pub(crate) struct Engine {
    session: Session,
    settings: ConnectSettings,
    stream: Option<Stream>,
    /// A non-blocking connect is still in progress.
    connecting: bool,
    /// The last write hit `WouldBlock`; wait for a writable event.
    write_blocked: bool,
    /// The last read stopped before `WouldBlock`; more may be waiting.
    read_pending: bool,
    /// The poller reported the end of the peer's stream (or an error) on the socket.
    peer_closed: bool,
    /// Changes whenever the socket is replaced or closed.
    generation: u64,
    /// The connection failed; it is closed (and the failure reported) once the callbacks for
    /// what came before the failure have run.
    failure: Option<DisconnectCause>,
    /// A failure met in a loop call that had already handled packets: as libmosquitto, which
    /// reads one packet per call, the call that delivered the messages succeeds and the next
    /// one reports the failure.
    deferred: Option<DisconnectCause>,
    /// [`Session::packets_in`] when the current loop call began.
    packets_at_call: u64,
    /// The last connect call failed in its TLS stage: libmosquitto meets that failure in its
    /// next loop call (errno `EPROTO`), so the next loop call reports it.
    tls_connect_failed: bool,
    registry: Registry,
    /// The large read buffer, held only while the connection is busy (see [`Engine::read`]).
    read_buf: Vec<u8>,
    /// Consecutive read calls that took in little while the large buffer was held.
    quiet_reads: u8,
}

impl Engine {
    pub(crate) fn new(session: Session, registry: Registry) -> Self {
        Self {
            session,
            settings: ConnectSettings::default(),
            stream: None,
            connecting: false,
            write_blocked: false,
            read_pending: false,
            peer_closed: false,
            generation: 0,
            failure: None,
            deferred: None,
            packets_at_call: 0,
            tls_connect_failed: false,
            registry,
            read_buf: Vec::new(),
            quiet_reads: 0,
        }
    }

    /// Forget everything but the poll registration, as `mosquitto_reinitialise` does.
    pub(crate) fn reset(&mut self, session: Session) {
        self.drop_stream();
        self.session = session;
        self.settings = ConnectSettings::default();
        self.tls_connect_failed = false;
    }

    pub(crate) fn session(&self) -> &Session {
        &self.session
    }

    pub(crate) fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    pub(crate) fn settings_mut(&mut self) -> &mut ConnectSettings {
        &mut self.settings
    }

    /// Start a loop call (`mosquitto_loop`, `loop_read`, `loop_write`, `loop_misc`).
    pub(crate) fn begin_call(&mut self) {
        self.packets_at_call = self.session.packets_in();
    }

    /// Start a loop call that reads (`mosquitto_loop`, `loop_read`): a failure the previous
    /// call deferred is reported now, and so is a connect call's TLS failure (as
    /// `MOSQ_ERR_ERRNO` with `errno` `EPROTO`, after the disconnect callback, as libmosquitto
    /// reports it from its loop).
    pub(crate) fn begin_read_call(&mut self) -> Result<(), Error> {
        self.begin_call();
        if let Some(cause) = self.deferred.take() {
            return self.fail(cause);
        }
        if self.stream.is_none() && std::mem::take(&mut self.tls_connect_failed) {
            let error = Error::Errno(libc::EPROTO);
            self.session
                .report_failed_connection(DisconnectCause::Error(error.clone()));
            return Err(error);
        }
        Ok(())
    }

    /// Make a connect that is in progress in another thread fail when it finishes.
    pub(crate) fn invalidate_pending_connect(&mut self) {
        if self.stream.is_none() {
            self.generation += 1;
            self.session.connect_abandoned();
        }
    }

    /// The socket's file descriptor, if there is a socket.
    pub(crate) fn socket_fd(&self) -> Option<RawFd> {
        self.stream.as_ref().map(Stream::raw_fd)
    }

    pub(crate) fn has_socket(&self) -> bool {
        self.stream.is_some()
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether output is waiting (or the connect must complete, which needs a writable event).
    pub(crate) fn wants_write(&self) -> bool {
        match &self.stream {
            Some(stream) => self.session.wants_write() || self.connecting || stream.wants_write(),
            None => false,
        }
    }

    /// Whether the stream may hold input it has already taken from the socket (TLS records,
    /// WebSocket frames): then a short read does not mean the socket was drained.
    fn buffers_input(&self) -> bool {
        self.stream
            .as_ref()
            .is_some_and(|s| s.is_tls() || s.is_websocket())
    }

    /// Whether a background connect is still in progress.
    pub(crate) fn is_connecting(&self) -> bool {
        self.connecting
    }

    /// Whether the last read left data unread.
    pub(crate) fn read_pending(&self) -> bool {
        self.read_pending
    }

    /// Whether our own loop should try to write without waiting for a writable event.
    pub(crate) fn can_write_now(&self) -> bool {
        match &self.stream {
            Some(stream) => {
                self.failure.is_none()
                    && !self.write_blocked
                    && !self.connecting
                    && (self.session.wants_write() || stream.wants_write())
            }
            None => false,
        }
    }

    /// Note readiness reported by the poller.
    /// `read_closed` tells that the peer's end of stream (or an error) was seen with the event.
    pub(crate) fn note_ready(&mut self, readable: bool, writable: bool, read_closed: bool) {
        if readable {
            self.read_pending = true;
        }
        if read_closed {
            self.peer_closed = true;
        }
        if writable {
            self.write_blocked = false;
        }
    }

    /// Start a (re)connection: reset the session as libmosquitto does and close any old socket
    /// (without DISCONNECT and without a disconnect callback). Returns where and how to
    /// connect; the TLS settings are returned as they are, for the caller to turn into a
    /// configuration without holding the client lock (loading a key may call back into the
    /// application for its password).
    pub(crate) fn begin_connect(&mut self, now: Instant) -> Result<ConnectPlan, Error> {
        let settings = &self.settings;
        let Some((host, port)) = settings.host.as_deref().cloned() else {
            return Err(Error::Inval);
        };
        if !self.session.options().connect_properties.is_empty() && !self.session.protocol().is_v5() {
            return Err(Error::NotSupported);
        }
        let target = Target {
            host,
            port,
            bind_address: settings.bind_address.clone(),
            tcp_nodelay: settings.tcp_nodelay,
        };
        let tls = settings.tls.as_deref().filter(|t| t.enabled()).cloned();
        let proxy = settings.proxy.as_deref().cloned();
        let connector = settings.connector.clone();
        let websocket = settings.websockets.then(|| WsPlan {
            host: target.host.clone(),
            path: settings
                .http_path
                .clone()
                .unwrap_or_else(|| websocket::DEFAULT_PATH.to_owned()),
            header_limit: if settings.http_header_size == 0 {
                websocket::DEFAULT_HEADER_LIMIT
            } else {
                settings.http_header_size
            },
        });
        self.drop_stream();
        self.session.reset_for_connect(now);
        Ok((target, proxy, tls, connector, websocket))
    }

    /// Finish a connection attempt started with [`Engine::begin_connect`] when the engine was at
    /// `generation`. On success CONNECT is queued.
    pub(crate) fn finish_connect(
        &mut self,
        generation: u64,
        result: Result<(Stream, bool), Error>,
        now: Instant,
    ) -> Result<(), Error> {
        if generation != self.generation {
            // Someone closed or replaced the connection meanwhile (disconnect, destroy).
            return Err(Error::NoConn);
        }
        self.tls_connect_failed = false;
        match result {
            Err(e) => {
                self.session.connect_failed();
                self.tls_connect_failed = e == Error::Tls;
                Err(e)
            }
            Ok((mut stream, in_progress)) => {
                if let Err(e) = stream.register(&self.registry, SOCKET) {
                    self.session.connect_failed();
                    return Err(Error::from_io(&e));
                }
                self.stream = Some(stream);
                self.connecting = in_progress;
                self.write_blocked = in_progress;
                self.read_pending = false;
                self.session.connection_started(now);
                Ok(())
            }
        }
    }

    /// Record that the connection failed and stop using it. The owner closes it with
    /// [`Engine::take_failure`] and [`Engine::close`] after delivering the events that came
    /// before the failure, so callbacks see them first and a disconnect requested from one of
    /// them counts. Returns the error for the caller to pass up meanwhile.
    fn fail(&mut self, cause: DisconnectCause) -> Result<(), Error> {
        if self.failure.is_none()
            && self.deferred.is_none()
            && self.stream.is_some()
            && self.session.packets_in() > self.packets_at_call
        {
            // This call delivered packets: the next one reports the failure.
            self.deferred = Some(cause);
            self.read_pending = false;
            return Ok(());
        }
        let error = match &cause {
            DisconnectCause::Error(e) => e.clone(),
            DisconnectCause::Requested | DisconnectCause::Server(_) => Error::ConnLost,
        };
        if self.failure.is_none() {
            self.failure = Some(cause);
        }
        Err(error)
    }

    /// End the connection with `error` once the events delivered so far have been handled
    /// (an application refusing the server's AUTH, for instance). Nothing happens without a
    /// connection.
    pub(crate) fn abort(&mut self, error: Error) {
        if self.stream.is_some() && self.failure.is_none() {
            self.failure = Some(DisconnectCause::Error(error));
        }
    }

    /// Whether a failure is waiting to be closed.
    pub(crate) fn has_failure(&self) -> bool {
        self.failure.is_some()
    }

    /// The recorded failure, if any, to be passed to [`Engine::close`].
    pub(crate) fn take_failure(&mut self) -> Option<DisconnectCause> {
        self.failure.take()
    }

    fn drop_stream(&mut self) {
        if let Some(mut stream) = self.stream.take() {
            let _ = stream.deregister(&self.registry);
        }
        self.connecting = false;
        self.write_blocked = false;
        self.read_pending = false;
        self.peer_closed = false;
        self.failure = None;
        self.deferred = None;
        self.generation += 1;
    }

    /// Close the socket and report `cause`. Returns what the loop functions return: the error,
    /// or success when the application had asked to disconnect or the server disconnected us.
    pub(crate) fn close(&mut self, cause: DisconnectCause) -> Result<(), Error> {
        let requested = self.session.state() == State::Disconnected;
        self.drop_stream();
        self.session.connection_lost(cause.clone());
        match cause {
            DisconnectCause::Error(e) if !requested => Err(e),
            _ => Ok(()),
        }
    }

    /// Close without sending anything and without a callback (destroy, forced loop stop).
    pub(crate) fn abandon(&mut self) {
        self.drop_stream();
        self.session.connection_lost(DisconnectCause::Requested);
        let mut discard = Vec::new();
        self.session.drain_events(&mut discard);
    }

    /// Check a background connect; `Ok(true)` once connected.
    fn check_connecting(&mut self) -> Result<bool, Error> {
        if !self.connecting {
            return Ok(true);
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(Error::NoConn);
        };
        match stream.finish_connect() {
            Ok(true) => {
                self.connecting = false;
                self.write_blocked = false;
                Ok(true)
            }
            Ok(false) => Ok(false),
            Err(e) => {
                let cause = self.io_cause(&e);
                self.fail(cause).map(|()| false)
            }
        }
    }

    /// Whether the socket can be read or written now: `Err` without a socket or after a
    /// failure, `Ok(false)` while a background connect is still in progress.
    fn ready_for_io(&mut self) -> Result<bool, Error> {
        if self.stream.is_none() {
            return Err(Error::NoConn);
        }
        if let Some(cause) = self.failure.clone() {
            return self.fail(cause).map(|()| false);
        }
        self.check_connecting()
    }

    /// Read what the socket has and feed it to the session (`mosquitto_loop_read`).
    ///
    /// With `after_poll` (the caller waited with the engine's poller, which reports readiness as
    /// edges), a short read ends the call: the socket's buffer was empty then, new data raises a
    /// fresh event, and an end of stream that arrived with the data was reported with the event.
    /// Otherwise reading goes on until the socket would block.
    pub(crate) fn read(&mut self, now: Instant, after_poll: bool) -> Result<(), Error> {
        if !self.ready_for_io()? || self.deferred.is_some() {
            // (After a deferred failure nothing more is read until it has been reported.)
            return Ok(());
        }
        // A quiet connection reads into a small buffer on the stack; one whose reads fill it
        // gets a large buffer of its own, given back once it has been quiet for a while, so
        // that an idle client costs no buffer memory and a busy one reads in large chunks.
        let mut small = [0u8; SMALL_READ];
        let mut large = std::mem::take(&mut self.read_buf);
        let mut total = 0;
        self.read_pending = false;
        let result = loop {
            let Some(stream) = self.stream.as_mut() else {
                break Ok(());
            };
            let buf: &mut [u8] = if large.is_empty() { &mut small } else { &mut large };
            let size = buf.len();
            match stream.read(buf) {
                Ok(0) => {
                    if self.stream.as_ref().is_some_and(Stream::is_handshaking) {
                        let cause = self.io_cause(&io::ErrorKind::UnexpectedEof.into());
                        break self.fail(cause);
                    }
                    break self.fail(DisconnectCause::Error(Error::ConnLost));
                }
                Ok(n) => {
                    let data = if large.is_empty() {
                        &small[..n]
                    } else {
                        &large[..n]
                    };
                    if let Err(cause) = self.session.handle_bytes(data, now) {
                        break self.fail(cause);
                    }
                    total += n;
                    if n == size && large.is_empty() {
                        large = vec![0; READ_CHUNK];
                    }
                    if total >= READ_BUDGET {
                        self.read_pending = true;
                        break Ok(());
                    }
                    if after_poll && n < size && !self.peer_closed && !self.buffers_input() {
                        break Ok(());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let cause = self.io_cause(&e);
                    break self.fail(cause);
                }
            }
        };
        if !large.is_empty() {
            if total < SMALL_READ {
                self.quiet_reads = self.quiet_reads.saturating_add(1);
            } else {
                self.quiet_reads = 0;
            }
            if self.quiet_reads < QUIET_READS && self.stream.is_some() {
                self.read_buf = large;
            } else {
                self.quiet_reads = 0;
            }
        }
        result
    }

    /// Write as much pending output as the socket takes (`mosquitto_loop_write`).
    pub(crate) fn write(&mut self, now: Instant) -> Result<(), Error> {
        if !self.ready_for_io()? {
            return Ok(());
        }
        if let Some(stream) = self.stream.as_mut() {
            if let Err(e) = stream.flush_pending() {
                if e.kind() != io::ErrorKind::WouldBlock {
                    let cause = self.io_cause(&e);
                    return self.fail(cause);
                }
            }
        }
        while self.session.wants_write() {
            let Some(stream) = self.stream.as_mut() else {
                return Ok(());
            };
            match stream.write(self.session.pending_output()) {
                Ok(0) => {
                    self.write_blocked = true;
                    break;
                }
                Ok(n) => {
                    if self.session.wrote(n, now) {
                        return self.close(DisconnectCause::Requested);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.write_blocked = true;
                    break;
                }
                Err(e) => {
                    let cause = self.io_cause(&e);
                    return self.fail(cause);
                }
            }
        }
        Ok(())
    }

    /// Write pending output unless the socket is known to be full.
    pub(crate) fn flush(&mut self, now: Instant) -> Result<(), Error> {
        if self.can_write_now() {
            self.write(now)
        } else {
            Ok(())
        }
    }

    /// The disconnect cause for a failed read or write; TLS failures (including the server
    /// closing the connection during the handshake) are described in a log line.
    ///
    /// TLS failures met here are reported as libmosquitto reports them from its loop:
    /// `MOSQ_ERR_ERRNO` with `errno` `EPROTO`, or `MOSQ_ERR_CONN_LOST` when the server closed
    /// the connection during the handshake.
    fn io_cause(&mut self, e: &io::Error) -> DisconnectCause {
        if let Some(failure) = WsFailure::of(e) {
            // As libmosquitto reports a refused websocket upgrade: MOSQ_ERR_UNKNOWN.
            let text = format!("Error: {failure}.");
            self.session.log_line(LogLevel::Error, || text);
            return DisconnectCause::Error(Error::Unknown);
        }
        let handshaking = self.stream.as_ref().is_some_and(Stream::is_handshaking);
        if TlsFailure::of(e).is_some() || handshaking {
            let failure = if handshaking {
                handshake_failure(e)
            } else {
                io_failure(e)
            };
            for text in failure.log {
                self.session.log_line(LogLevel::Error, || text);
            }
            let error = match failure.error {
                Error::Tls if TlsFailure::of(e).is_some() => Error::Errno(libc::EPROTO),
                Error::Tls => Error::ConnLost,
                other => other,
            };
            return DisconnectCause::Error(error);
        }
        DisconnectCause::Error(io_error(e))
    }

    /// Keepalive housekeeping (`mosquitto_loop_misc`).
    pub(crate) fn misc(&mut self, now: Instant) -> Result<(), Error> {
        if self.stream.is_none() {
            return Err(Error::NoConn);
        }
        match self.session.handle_timeout(now) {
            Ok(()) => Ok(()),
            Err(cause) => self.fail(cause),
        }
    }
}

/// The error libmosquitto reports for a failed socket read or write.
fn io_error(e: &io::Error) -> Error {
    match e.raw_os_error() {
        Some(libc::ECONNRESET) => Error::ConnLost,
        Some(code) => Error::Errno(code),
        None => Error::from_io(e),
    }
}
