//! A worker thread: one mio poller, the sockets of its connections, a copy of every listening
//! socket, and the [`Shard`] that handles their protocol. Workers exchange commands and
//! connections through each other's inbox, in batches, with one wake-up per batch.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mio::net::{TcpStream, UnixStream};
use mio::{Events, Interest, Poll, Token, Waker};
use parking_lot::{Condvar, Mutex, RwLock};

use super::listen::Listening;
use super::log::Logger;
use super::persist::Persistence;
use super::stream::{Chunk, Stream, TlsConfig, TlsFailure};
use super::sys::SysPublisher;
use crate::broker::config::LogTypes;
use crate::broker::core::message::Message;
use crate::broker::core::shard::{Command, ConnId, Handoff, Output, Shard};

/// The waker's token.
const WAKER: Token = Token(usize::MAX);
/// Listening sockets use the tokens just below the waker's.
const LISTENER_BASE: usize = usize::MAX - 1;
/// Most bytes read from one connection in one go, so that others get their turn.
const READ_BUDGET: usize = 1 << 20;
/// The read buffer of a worker.
const READ_CHUNK: usize = 64 * 1024;
/// The largest WebSocket frame accepted before CONNECT (the CONNECT size limit).
const CONNECT_LIMIT: usize = 100_000;
/// Pending output above which a connection is not read until it drains (back-pressure).
const OUTPUT_HIGH_WATER: usize = 8 << 20;

/// Something for a worker from elsewhere.
#[derive(Debug)]
pub(super) enum Mail {
    /// Commands from one shard, in the order it made them.
    Commands(Vec<Command>),
    /// A connection whose client id belongs to this worker's shard.
    Handoff { socket: Stream, handoff: Box<Handoff> },
    /// A connection made inside the process (the local side of a bridge), as if accepted on
    /// `listener`.
    Accept { socket: Stream, listener: usize },
}

/// A worker's mailbox.
#[derive(Debug)]
pub(super) struct Inbox {
    pub(super) mail: Mutex<Vec<Mail>>,
    pub(super) waker: Waker,
}

/// What all workers share.
#[derive(Debug)]
pub(super) struct Hub {
    pub(super) inboxes: Vec<Inbox>,
    pub(super) stop: AtomicBool,
    /// Replaced on reload.
    pub(super) logger: RwLock<Arc<Logger>>,
    /// Clients per listener, and each listener's limit.
    pub(super) listener_clients: Vec<AtomicUsize>,
    pub(super) listener_limits: Vec<Option<usize>>,
    pub(super) tcp_nodelay: bool,
    /// Each listener's TLS configuration (replaced on reload) and what it takes from the
    /// client's certificate.
    pub(super) tls: RwLock<Vec<Option<TlsConfig>>>,
    pub(super) identity: Vec<Identity>,
    /// Listeners that speak MQTT over WebSockets.
    pub(super) websockets: Vec<bool>,
    /// The largest packet a client may send once connected (WebSocket frames are limited to
    /// it, and to the CONNECT limit before).
    pub(super) max_packet: usize,
    /// Workers that have published their wills while shutting down.
    pub(super) wills_published: Mutex<usize>,
    pub(super) wills_published_cv: Condvar,
}

/// What a TLS listener takes from a client certificate as the username.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Identity {
    None,
    /// `use_identity_as_username`: the common name.
    CommonName,
    /// `use_subject_as_username`: the subject in RFC 2253 form.
    Subject,
}

impl Hub {
    /// Deliver mail to a worker and wake it.
    pub(super) fn post(&self, worker: usize, mail: Vec<Mail>) {
        if mail.is_empty() {
            return;
        }
        if let Some(inbox) = self.inboxes.get(worker) {
            inbox.mail.lock().extend(mail);
            let _ = inbox.waker.wake();
        }
    }

    /// While shutting down: note that this worker has published its wills, and wait until every
    /// worker has (at most a few seconds), so that wills reach the clients of every worker
    /// before any socket closes.
    fn wills_published(&self) {
        let mut done = self.wills_published.lock();
        *done += 1;
        self.wills_published_cv.notify_all();
        let deadline = now() + Duration::from_secs(3);
        while *done < self.inboxes.len() {
            if self
                .wills_published_cv
                .wait_until(&mut done, deadline)
                .timed_out()
            {
                break;
            }
        }
    }

    /// Ask every worker to stop.
    pub(super) fn stop_all(&self) {
        self.stop.store(true, Ordering::Release);
        for inbox in &self.inboxes {
            let _ = inbox.waker.wake();
        }
    }
}

struct Client {
    socket: Stream,
    listener: usize,
    /// The certificate identity was passed to the shard (TLS listeners that use it).
    identity_done: bool,
    /// WebSocket frames may be as large as a packet (the client is connected).
    limit_raised: bool,
    /// Registered for writable events too.
    wants_write: bool,
    /// The read stopped before `WouldBlock` (budget): read again later.
    read_pending: bool,
    /// Not read until its output drains.
    throttled: bool,
}

/// One worker; see the module documentation.
pub(super) struct Worker {
    index: usize,
    poll: Poll,
    shard: Shard,
    clients: Vec<Option<Client>>,
    listeners: Vec<(Listening, usize)>,
    hub: Arc<Hub>,
    sys: Option<SysPublisher>,
    read_buf: Vec<u8>,
    next_tick: Instant,
    /// The store, with persistence: the shard's changes are committed before output is
    /// written or commands are posted.
    persist: Option<Arc<Persistence>>,
}

/// How a socket error ends a connection: a reset or broken pipe is the client closing its
/// connection (as mosquitto logs it); anything else is logged with the system's text, without
/// Rust's "(os error N)".
fn socket_error(e: &io::Error) -> Option<String> {
    match e.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => None,
        _ => {
            let text = e.to_string();
            Some(match text.rfind(" (os error ") {
                Some(i) => text[..i].to_owned(),
                None => text,
            })
        }
    }
}

/// The current time: the server is where the broker reads the clock.
#[allow(clippy::disallowed_methods)]
pub(super) fn now() -> Instant {
    Instant::now()
}

impl Worker {
    pub(super) fn new(
        index: usize,
        poll: Poll,
        shard: Shard,
        listeners: Vec<(Listening, usize)>,
        hub: Arc<Hub>,
        sys: Option<SysPublisher>,
        persist: Option<Arc<Persistence>>,
    ) -> io::Result<Self> {
        let mut w = Self {
            index,
            poll,
            shard,
            clients: Vec::new(),
            listeners: Vec::new(),
            hub,
            sys,
            read_buf: vec![0; READ_CHUNK],
            next_tick: now(),
            persist,
        };
        for (i, (l, listener)) in listeners.into_iter().enumerate() {
            let token = Token(LISTENER_BASE - i);
            let fd = l.raw_fd();
            w.poll
                .registry()
                .register(&mut mio::unix::SourceFd(&fd), token, Interest::READABLE)?;
            w.listeners.push((l, listener));
        }
        Ok(w)
    }

    /// Run until asked to stop.
    pub(super) fn run(mut self) {
        let mut events = Events::with_capacity(256);
        if let Some(sys) = self.sys.as_mut() {
            sys.publish(&mut self.shard, now());
            let out = self.shard.take_output();
            self.handle_output(out);
        }
        loop {
            let t = now();
            let mut timeout = self.next_tick.saturating_duration_since(t);
            if self.clients.iter().flatten().any(|c| c.read_pending) {
                timeout = Duration::ZERO;
            }
            if let Err(e) = self.poll.poll(&mut events, Some(timeout)) {
                if e.kind() != io::ErrorKind::Interrupted {
                    self.log(LogTypes::ERROR, &format!("Error: {e}"));
                }
            }
            if self.hub.stop.load(Ordering::Acquire) {
                break;
            }
            let t = now();
            let mut woken = false;
            for event in events.iter() {
                match event.token() {
                    WAKER => woken = true,
                    Token(n) if n > LISTENER_BASE - self.listeners.len() && n <= LISTENER_BASE => {
                        self.accept(LISTENER_BASE - n, t);
                    }
                    Token(id) => {
                        if event.is_readable() || event.is_read_closed() || event.is_error() {
                            if let Some(c) = self.clients.get_mut(id).and_then(Option::as_mut) {
                                c.read_pending = true;
                            }
                        }
                        if event.is_writable() {
                            self.flush(id);
                        }
                    }
                }
            }
            if woken || self.shard.needs_commands() {
                self.read_mail(t);
            }
            let pending: Vec<ConnId> = self
                .clients
                .iter()
                .enumerate()
                .filter(|(_, c)| c.as_ref().is_some_and(|c| c.read_pending))
                .map(|(i, _)| i)
                .collect();
            for id in pending {
                self.read(id, t);
            }
            if t >= self.next_tick {
                self.next_tick = t + Duration::from_secs(1);
                self.shard.tick(t);
                if let Some(sys) = self.sys.as_mut() {
                    sys.tick(&mut self.shard, t);
                }
            }
            let out = self.shard.take_output();
            self.handle_output(out);
        }
        self.shutdown();
    }

    fn log(&self, kind: LogTypes, text: &str) {
        self.hub.logger.read().write(kind, text);
    }

    /// Accept every waiting connection of a listening socket.
    fn accept(&mut self, i: usize, t: Instant) {
        loop {
            let Some((l, listener)) = self.listeners.get(i) else {
                return;
            };
            let listener = *listener;
            let accepted = match l {
                Listening::Tcp(l) => l.accept().and_then(|(s, addr)| {
                    s.set_nonblocking(true)?;
                    let websocket = self.hub.websockets.get(listener).copied().unwrap_or(false);
                    // WebSocket frames are written in pieces; waiting for acknowledgements
                    // between them (Nagle) would stall large messages.
                    if self.hub.tcp_nodelay || websocket {
                        let _ = s.set_nodelay(true);
                    }
                    let s = TcpStream::from_std(s);
                    let tls = self.hub.tls.read().get(listener).cloned().flatten();
                    let mut stream = match tls {
                        Some(config) => Stream::tls(s, config)?,
                        None => Stream::Tcp(s),
                    };
                    if self.hub.websockets.get(listener).copied().unwrap_or(false) {
                        stream = Stream::websocket(stream, Some(CONNECT_LIMIT));
                    }
                    Ok((stream, Some(addr)))
                }),
                Listening::Unix(l, _) => l.accept().and_then(|(s, _)| {
                    s.set_nonblocking(true)?;
                    let mut stream = Stream::Unix(UnixStream::from_std(s));
                    if self.hub.websockets.get(listener).copied().unwrap_or(false) {
                        stream = Stream::websocket(stream, Some(CONNECT_LIMIT));
                    }
                    Ok((stream, None))
                }),
            };
            let (socket, addr) = match accepted {
                Ok(x) => x,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.log(
                        LogTypes::ERROR,
                        &format!("Error: Unable to accept new connection: {e}"),
                    );
                    return;
                }
            };
            let peer_text = match (&addr, &self.listeners[i].0) {
                (Some(a), _) => a.ip().to_string(),
                (None, Listening::Unix(_, path)) => path.display().to_string(),
                (None, _) => String::new(),
            };
            if let (Some(limit), Some(count)) = (
                self.hub.listener_limits.get(listener).copied().flatten(),
                self.hub.listener_clients.get(listener),
            ) {
                if count.load(Ordering::Relaxed) >= limit {
                    self.log(
                        LogTypes::NOTICE,
                        &format!("Client connection from {peer_text} denied: max_connections exceeded."),
                    );
                    continue;
                }
            }
            if let Some(count) = self.hub.listener_clients.get(listener) {
                count.fetch_add(1, Ordering::Relaxed);
            }
            let id = self.shard.open(addr, peer_text, listener, t);
            self.register(id, socket, listener);
        }
    }

    fn register(&mut self, id: ConnId, mut socket: Stream, listener: usize) {
        let registered = match socket.source() {
            Some(source) => self
                .poll
                .registry()
                .register(source, Token(id), Interest::READABLE),
            None => Err(io::ErrorKind::NotConnected.into()),
        };
        if registered.is_err() {
            self.shard
                .closed(id, Some("Unable to register the socket"), now());
            self.shard.forget(id);
            self.release_listener(listener);
            return;
        }
        if self.clients.len() <= id {
            self.clients.resize_with(id + 1, || None);
        }
        let identity_done = self
            .hub
            .identity
            .get(listener)
            .is_none_or(|i| *i == Identity::None);
        self.clients[id] = Some(Client {
            socket,
            listener,
            identity_done,
            limit_raised: false,
            wants_write: false,
            read_pending: true,
            throttled: false,
        });
    }

    fn release_listener(&self, listener: usize) {
        if let Some(count) = self.hub.listener_clients.get(listener) {
            count.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Apply everything in the inbox.
    fn read_mail(&mut self, t: Instant) {
        self.shard.apply_subscription_changes(t);
        let mail = std::mem::take(&mut *self.hub.inboxes[self.index].mail.lock());
        for m in mail {
            match m {
                Mail::Commands(commands) => {
                    for cmd in commands {
                        self.shard.command(cmd, t);
                    }
                }
                Mail::Handoff { socket, handoff } => {
                    let listener = handoff.listener;
                    let id = self.shard.adopt(*handoff, t);
                    self.register(id, socket, listener);
                }
                Mail::Accept { socket, listener } => {
                    let id = self.shard.open(None, "bridge".into(), listener, t);
                    self.register(id, socket, listener);
                }
            }
        }
    }

    /// Read what a connection has (within the budget) and feed it to the shard.
    fn read(&mut self, id: ConnId, t: Instant) {
        if self.shard.pending_output(id) > OUTPUT_HIGH_WATER {
            self.throttle(id);
            return;
        }
        let mut total = 0;
        loop {
            if self.shard.needs_commands() {
                self.read_mail(t);
            }
            let Some(c) = self.clients.get_mut(id).and_then(Option::as_mut) else {
                return;
            };
            if !c.limit_raised && self.shard.is_connected(id) {
                // Connected (here, or in the shard that handed the connection over).
                c.limit_raised = true;
                c.socket.raise_frame_limit(self.hub.max_packet);
            }
            let result = c.socket.read_chunk(&mut self.read_buf);
            if c.socket.wants_write() {
                // Handshake messages the socket did not take yet.
                self.flush(id);
            }
            let Some(c) = self.clients.get_mut(id).and_then(Option::as_mut) else {
                return;
            };
            if !c.identity_done && !c.socket.handshaking() {
                c.identity_done = true;
                let kind = self
                    .hub
                    .identity
                    .get(c.listener)
                    .copied()
                    .unwrap_or(Identity::None);
                let identity = c
                    .socket
                    .peer_certificate()
                    .and_then(|der| peer_identity(der, kind));
                self.shard.set_identity(id, identity);
            }
            let Some(c) = self.clients.get_mut(id).and_then(Option::as_mut) else {
                return;
            };
            match result {
                Ok(Chunk::Closed) => {
                    c.read_pending = false;
                    self.shard.closed(id, None, t);
                    return;
                }
                Ok(chunk) => {
                    let n = match &chunk {
                        Chunk::Read(n) => {
                            self.shard.input(id, &self.read_buf[..*n], t);
                            *n
                        }
                        Chunk::Frame(data) => {
                            self.shard.input(id, data, t);
                            data.len()
                        }
                        Chunk::Closed => 0,
                    };
                    total += n;

                    if self.shard.done_reading(id) {
                        if let Some(c) = self.clients.get_mut(id).and_then(Option::as_mut) {
                            c.read_pending = false;
                        }
                        return;
                    }
                    if total >= READ_BUDGET {
                        return;
                    }
                    if self.shard.pending_output(id) > OUTPUT_HIGH_WATER {
                        self.throttle(id);
                        return;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    c.read_pending = false;
                    return;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    c.read_pending = false;
                    match e.get_ref().and_then(|inner| inner.downcast_ref::<TlsFailure>()) {
                        Some(failure) => {
                            // mosquitto's line for a failed TLS handshake or a bad record.
                            let (ip, _, _) = self.shard.peer_parts(id);
                            let line = format!("Client connection from {ip} failed: {failure}.");
                            self.log(LogTypes::NOTICE, &line);
                            self.shard.abort(id, t);
                        }
                        None => self.shard.closed(id, socket_error(&e).as_deref(), t),
                    }
                    return;
                }
            }
        }
    }

    /// The client does not read what it is sent: read nothing more from it until its output
    /// drains below the mark (its socket is flushed on writable events meanwhile).
    fn throttle(&mut self, id: ConnId) {
        if let Some(c) = self.clients.get_mut(id).and_then(Option::as_mut) {
            c.read_pending = false;
            c.throttled = true;
        }
        // Commands for other shards go out before this client's SUBACKs.
        let out = self.shard.take_output();
        self.handle_output(out);
        self.flush(id);
    }

    /// Commit the shard's changes to the store (group commit: once per pass, before anything
    /// they acknowledge is written or sent to another worker).
    fn commit_pending(&mut self) {
        let Some(p) = &self.persist else {
            return;
        };
        if !self.shard.has_changes() {
            return;
        }
        let changes = self.shard.take_changes();
        let logger = self.hub.logger.read().clone();
        if !p.commit_logged(&changes, now(), &logger) {
            // Kept for the next commit. Meanwhile the broker goes on serving: a disk that
            // cannot be written does not stop it (the error is logged).
            self.shard.put_back_changes(changes);
        }
    }

    /// Write what the shard has for a connection; keep the rest for a writable event.
    fn flush(&mut self, id: ConnId) {
        self.commit_pending();
        let Some(c) = self.clients.get_mut(id).and_then(Option::as_mut) else {
            return;
        };
        // A write error, with the text to log (`None`: the client closed its connection).
        let mut failed: Option<Option<String>> = match c.socket.flush_records() {
            Ok(()) => None,
            Err(e) => Some(socket_error(&e)),
        };
        let mut bytes = self.shard.take_output_bytes(id);
        if failed.is_none() && !bytes.is_empty() && c.socket.is_websocket() {
            // One frame with the whole output, without copying it.
            match c.socket.send_frame(bytes) {
                Ok(None) => bytes = Vec::new(),
                Ok(Some(back)) => bytes = back,
                Err(e) => {
                    failed = Some(socket_error(&e));
                    bytes = Vec::new();
                }
            }
        }
        let mut written = 0;
        while failed.is_none() && written < bytes.len() && !c.socket.is_websocket() {
            match c.socket.write(&bytes[written..]) {
                Ok(0) => break,
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    failed = Some(socket_error(&e));
                    break;
                }
            }
        }
        let rest = if written == 0 {
            bytes
        } else if written < bytes.len() {
            bytes[written..].to_vec()
        } else {
            let mut b = bytes;
            b.clear();
            b
        };
        let blocked = (!rest.is_empty() || c.socket.wants_write()) && failed.is_none();
        self.shard.return_output_bytes(id, rest);
        let want = blocked;
        if want != c.wants_write {
            let interest = if want {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            if let Some(source) = c.socket.source() {
                let _ = self.poll.registry().reregister(source, Token(id), interest);
            }
            c.wants_write = want;
        }
        if c.throttled && self.shard.pending_output(id) <= OUTPUT_HIGH_WATER / 2 {
            // Back-pressure released: reading continues.
            c.throttled = false;
            c.read_pending = true;
        }
        if let Some(error) = failed {
            self.shard.closed(id, error.as_deref(), now());
        }
    }

    /// Close a connection's socket and forget it.
    fn close(&mut self, id: ConnId) {
        self.flush(id);
        if let Some(mut c) = self.clients.get_mut(id).and_then(Option::take) {
            if let Some(source) = c.socket.source() {
                let _ = self.poll.registry().deregister(source);
            }
            self.release_listener(c.listener);
        }
        self.shard.forget(id);
    }

    /// Post commands to the other shards (after committing what they depend on).
    fn post_commands(&mut self, commands: Vec<(u16, Vec<Command>)>) {
        self.commit_pending();
        for (to, batch) in commands {
            self.hub.post(usize::from(to), vec![Mail::Commands(batch)]);
        }
    }

    /// Carry out what the shard produced. Commands for other shards are posted before anything
    /// is written to a client: a message published after a SUBACK, on whatever worker, must
    /// find the subscription.
    fn handle_output(&mut self, out: Output) {
        let Output {
            writable,
            close,
            commands,
            handoffs,
            logs,
            ..
        } = out;
        let logger = self.hub.logger.read().clone();
        for line in &logs {
            logger.write(line.kind, &line.text);
        }
        // Log lines to `$SYS/broker/log/...`.
        let mut published = false;
        for line in &logs {
            if let Some((topic, text)) = logger.topic_line(line.kind, &line.text) {
                let message = Arc::new(Message::new(
                    Arc::from(topic),
                    text.into_bytes().into(),
                    2,
                    false,
                    &[],
                    now(),
                ));
                self.shard.route(&message, now());
                published = true;
            }
        }
        // Commands to other workers first (deliveries in batches), then the handed-over
        // connections, then this worker's own clients.
        self.post_commands(commands);
        let shards = self.hub.inboxes.len();
        let mut mail: Vec<Vec<Mail>> = (0..shards).map(|_| Vec::new()).collect();
        for handoff in handoffs {
            let id = handoff.conn;
            let Some(mut c) = self.clients.get_mut(id).and_then(Option::take) else {
                continue;
            };
            if let Some(source) = c.socket.source() {
                let _ = self.poll.registry().deregister(source);
            }
            self.shard.forget(id);
            let to = usize::from(handoff.to);
            if let Some(m) = mail.get_mut(to) {
                m.push(Mail::Handoff {
                    socket: c.socket,
                    handoff: Box::new(handoff),
                });
            }
        }
        for (to, m) in mail.into_iter().enumerate() {
            self.hub.post(to, m);
        }
        for id in writable {
            self.flush(id);
        }
        for id in close {
            self.close(id);
        }
        if published {
            let more = self.shard.take_output();
            if !more.writable.is_empty() || !more.commands.is_empty() || !more.close.is_empty() {
                // Deliveries of the log messages (their own log lines are not published again).
                let Output {
                    writable,
                    close,
                    commands,
                    logs,
                    ..
                } = more;
                for line in &logs {
                    logger.write(line.kind, &line.text);
                }
                self.post_commands(commands);
                for id in writable {
                    self.flush(id);
                }
                for id in close {
                    self.close(id);
                }
            }
        }
    }

    /// Stop: wills are published (every worker publishes its own, then waits for the others
    /// and delivers theirs), then every connection ends and the sockets are closed.
    fn shutdown(mut self) {
        let t = now();
        self.read_mail(t);
        self.shard.shutdown(t);
        let out = self.shard.take_output();
        self.handle_output(out);
        self.hub.wills_published();
        let t = now();
        self.read_mail(t);
        self.shard.close_all(t);
        let out = self.shard.take_output();
        self.handle_output(out);
        let ids: Vec<ConnId> = (0..self.clients.len())
            .filter(|&i| self.clients[i].is_some())
            .collect();
        for id in ids {
            self.close(id);
        }
        for (l, _) in &self.listeners {
            let fd = l.raw_fd();
            let _ = self.poll.registry().deregister(&mut mio::unix::SourceFd(&fd));
        }
        self.commit_pending();
    }
}

/// The username a client certificate gives, as the listener takes it.
#[cfg(feature = "tls")]
fn peer_identity(der: &[u8], kind: Identity) -> Option<String> {
    match kind {
        Identity::CommonName => crate::transport::tls::peer_common_name(der),
        Identity::Subject => crate::transport::tls::peer_subject(der),
        Identity::None => None,
    }
}

/// Without the `tls` feature there are no client certificates.
#[cfg(not(feature = "tls"))]
fn peer_identity(_: &[u8], _: Identity) -> Option<String> {
    None
}
