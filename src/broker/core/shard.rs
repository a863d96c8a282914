//! A shard of the broker: the connections one worker thread serves and the sessions whose
//! client ids belong to it, with its copy of the subscription tree.
//!
//! The shard does no I/O and reads no clock: the worker feeds it what arrived on each
//! connection and the current time, and collects what it produced ([`Output`]): bytes to write
//! per connection, connections to close, commands for other shards, connections to hand over
//! to the shard that owns their client id, and log lines. Sessions live in the shard that
//! [`home_shard`] names for their client id, so taking over a session never crosses shards;
//! a PUBLISH is matched against the shard's own copy of the subscription tree, and copies for
//! sessions of other shards travel as [`Command::Deliver`].

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use parking_lot::RwLock;

use super::message::{Message, SessionKey};
use super::retained::RetainedStore;
use super::session::Session;
use super::settings::{SecurityTable, Settings};
use super::subs::{MatchSet, SubOptions, SubscriptionTree};
use crate::broker::config::LogTypes;
use crate::protocol::{Connect, Packet, ProtocolVersion};

/// A connection's number in its shard (also its poll token in the worker).
pub type ConnId = usize;

/// The shard a client id belongs to.
pub fn home_shard(client_id: &str, shards: u16) -> u16 {
    if shards <= 1 {
        return 0;
    }
    // FNV-1a: stable across runs and processes (no random seed), which persistence needs.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in client_id.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % u64::from(shards)) as u16
}

/// State every shard shares.
#[derive(Default)]
pub struct Shared {
    /// Retained messages of the whole broker.
    pub retained: RwLock<RetainedStore<Arc<Message>>>,
    /// Bumped after a subscription change has been sent to every shard: a shard that has seen
    /// an older value applies its pending commands before it matches a message.
    pub subscription_epoch: AtomicU64,
    /// Payload bytes of the retained messages.
    pub retained_bytes: AtomicU64,
    pub stats: Stats,
    /// The client ids of the sessions whose state is stored (with persistence), by key.
    pub stored_names: RwLock<HashMap<SessionKey, Arc<str>>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

/// Counters for `$SYS`, summed over the shards.
#[derive(Debug, Default)]
pub struct Stats {
    pub messages_received: AtomicU64,
    pub messages_sent: AtomicU64,
    pub bytes_received: AtomicU64,
    pub bytes_sent: AtomicU64,
    pub publish_received: AtomicU64,
    pub publish_sent: AtomicU64,
    pub publish_dropped: AtomicU64,
    pub publish_bytes_received: AtomicU64,
    pub publish_bytes_sent: AtomicU64,
    /// Sockets accepted.
    pub connections: AtomicU64,
    /// CONNECTs accepted.
    pub connects: AtomicU64,
    /// Open sockets.
    pub sockets: AtomicU64,
    /// Connected clients (accepted CONNECT).
    pub clients_connected: AtomicU64,
    /// Sessions, connected or not.
    pub clients_total: AtomicU64,
    pub clients_expired: AtomicU64,
    pub subscriptions: AtomicU64,
    pub shared_subscriptions: AtomicU64,
    pub stored_messages: AtomicU64,
    pub stored_bytes: AtomicU64,
}

impl Stats {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn sub(counter: &AtomicU64, n: u64) {
        counter.fetch_sub(n, Ordering::Relaxed);
    }
}

/// What one shard asks of another.
#[derive(Debug)]
pub enum Command {
    /// Copies of a message for a session of the receiving shard.
    Deliver {
        session: SessionKey,
        message: Arc<Message>,
        /// (QoS, retain as published, subscription identifier) of each matching subscription.
        matches: Vec<(SubOptions, Option<u32>)>,
        /// The route holding the message for the session until its copy is stored, and the
        /// session's client id (see `journal.rs`).
        route: Option<(u64, Arc<str>)>,
    },
    /// A subscription was made (replicated into every shard's tree).
    Subscribe {
        session: SessionKey,
        filter: Arc<str>,
        options: SubOptions,
        identifier: Option<u32>,
    },
    /// A subscription was removed.
    Unsubscribe { session: SessionKey, filter: Arc<str> },
    /// Every subscription of a session was removed.
    RemoveSession { session: SessionKey },
    /// A reloaded configuration: the options mosquitto reloads, new password and ACL files.
    Reload {
        settings: Arc<Settings>,
        security: SecurityTable,
    },
}

/// A connection to move to the shard that owns its client id, with the CONNECT it sent and
/// the bytes that came after it.
#[derive(Debug)]
pub struct Handoff {
    pub conn: ConnId,
    pub to: u16,
    pub connect: Box<Connect>,
    pub rest: Vec<u8>,
    pub peer: Option<SocketAddr>,
    pub peer_text: String,
    pub listener: usize,
    /// The identity from the client's TLS certificate, if the listener uses it.
    pub identity: Option<Arc<str>>,
}

/// A log line: its type (one of the `LogTypes` bits) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub kind: LogTypes,
    pub text: String,
}

/// What a shard produced since the last time it was collected.
#[derive(Debug, Default)]
pub struct Output {
    /// Connections with bytes to write ([`Shard::take_output_bytes`]).
    pub writable: Vec<ConnId>,
    /// Connections to close once their bytes are written.
    pub close: Vec<ConnId>,
    /// Commands for other shards, with the shard number.
    pub commands: Vec<(u16, Command)>,
    pub handoffs: Vec<Handoff>,
    pub logs: Vec<LogLine>,
    /// Messages published by the broker itself ($SYS, logs to topic) are routed by shard 0.
    pub wake_self: bool,
    /// Some of `commands` change subscriptions: once they are posted, and before any client
    /// hears of the change (a SUBACK), call [`Shard::announce_subscription_changes`].
    pub subscriptions_changed: bool,
}

/// A shard; see the module documentation.
pub struct Shard {
    pub(super) index: u16,
    pub(super) settings: Arc<Settings>,
    pub(super) security: SecurityTable,
    pub(super) shared: Arc<Shared>,
    pub(super) conns: Vec<Option<super::conn::Conn>>,
    pub(super) free_conns: Vec<ConnId>,
    pub(super) sessions: Vec<Option<Session>>,
    pub(super) free_sessions: Vec<u32>,
    pub(super) session_generations: Vec<u16>,
    pub(super) by_id: HashMap<Arc<str>, u32>,
    pub(super) subs: SubscriptionTree<SessionKey>,
    pub(super) match_set: MatchSet<SessionKey>,
    pub(super) epoch_seen: u64,
    /// Connected clients per listener (for `max_connections`).
    pub(super) listener_clients: Vec<usize>,
    pub(super) out: Output,
    /// Sessions with a will waiting for its delay, or a session expiry, checked on ticks.
    pub(super) timed_sessions: Vec<u32>,
    pub(super) last_tick: Option<Instant>,
    /// Pending deliveries per other shard, sent as one batch each.
    pub(super) outgoing_batches: Vec<Vec<Command>>,
    /// The broker is shutting down: wills are sent, nothing new is accepted.
    pub(super) stopping: bool,
    /// Changes to durable state, with persistence (see `journal.rs`).
    pub(super) journal: Option<Box<super::journal::Journal>>,
}

impl std::fmt::Debug for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shard")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl Shard {
    pub fn new(index: u16, settings: Arc<Settings>, security: SecurityTable, shared: Arc<Shared>) -> Self {
        let listeners = settings.listeners.len();
        let shards = usize::from(settings.shards.max(1));
        Self {
            index,
            settings,
            security,
            shared,
            conns: Vec::new(),
            free_conns: Vec::new(),
            sessions: Vec::new(),
            free_sessions: Vec::new(),
            session_generations: Vec::new(),
            by_id: HashMap::new(),
            subs: SubscriptionTree::new(),
            match_set: MatchSet::new(),
            epoch_seen: 0,
            listener_clients: vec![0; listeners],
            out: Output::default(),
            timed_sessions: Vec::new(),
            last_tick: None,
            outgoing_batches: (0..shards).map(|_| Vec::new()).collect(),
            stopping: false,
            journal: None,
        }
    }

    pub fn index(&self) -> u16 {
        self.index
    }

    /// The state all shards share.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Collect what the shard produced (pending batches of commands included).
    pub fn take_output(&mut self) -> Output {
        for (shard, batch) in self.outgoing_batches.iter_mut().enumerate() {
            for cmd in batch.drain(..) {
                self.out.commands.push((shard as u16, cmd));
            }
        }
        std::mem::take(&mut self.out)
    }

    /// Whether a log type is written (so a line need not be formatted otherwise).
    pub(super) fn logs(&self, kind: LogTypes) -> bool {
        self.settings.log_types.contains(kind)
    }

    pub(super) fn log(&mut self, kind: LogTypes, text: impl FnOnce() -> String) {
        if self.logs(kind) {
            self.out.logs.push(LogLine { kind, text: text() });
        }
    }

    pub(super) fn session(&self, slot: u32) -> Option<&Session> {
        self.sessions.get(slot as usize).and_then(Option::as_ref)
    }

    pub(super) fn session_mut(&mut self, slot: u32) -> Option<&mut Session> {
        self.sessions.get_mut(slot as usize).and_then(Option::as_mut)
    }

    /// The slot of the session `key` names, if it still exists.
    pub(super) fn live_slot(&self, key: SessionKey) -> Option<u32> {
        (key.shard == self.index
            && self.session_generations.get(key.slot as usize) == Some(&key.generation)
            && self.session(key.slot).is_some())
        .then_some(key.slot)
    }

    pub(super) fn key_of(&self, slot: u32) -> SessionKey {
        SessionKey {
            shard: self.index,
            slot,
            generation: self.session_generations.get(slot as usize).copied().unwrap_or(0),
        }
    }

    /// Store a new session; returns its slot.
    pub(super) fn insert_session(&mut self, session: Session) -> u32 {
        let id = session.client_id.clone();
        let slot = match self.free_sessions.pop() {
            Some(slot) => {
                self.sessions[slot as usize] = Some(session);
                slot
            }
            None => {
                self.sessions.push(Some(session));
                self.session_generations.push(0);
                (self.sessions.len() - 1) as u32
            }
        };
        self.by_id.insert(id, slot);
        Stats::add(&self.shared.stats.clients_total, 1);
        slot
    }

    /// Forget a session: its subscriptions (in every shard) and its messages.
    pub(super) fn remove_session(&mut self, slot: u32) {
        let key = self.key_of(slot);
        self.journal_removed(slot);
        let Some(session) = self.sessions.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        if self.by_id.get(&session.client_id) == Some(&slot) {
            self.by_id.remove(&session.client_id);
        }
        let removed = self.subs.remove_client(key);
        if removed > 0 {
            Stats::sub(&self.shared.stats.subscriptions, removed as u64);
            self.broadcast(|_| Command::RemoveSession { session: key });
        }
        let (count, bytes) = session.stored();
        Stats::sub(&self.shared.stats.stored_messages, count as u64);
        Stats::sub(&self.shared.stats.stored_bytes, bytes as u64);
        Stats::sub(&self.shared.stats.clients_total, 1);
        if let Some(g) = self.session_generations.get_mut(slot as usize) {
            *g = g.wrapping_add(1);
        }
        self.free_sessions.push(slot);
        self.timed_sessions.retain(|s| *s != slot);
    }

    /// Queue a command for every other shard (subscription changes); they apply it before they
    /// match another message once it is announced.
    pub(super) fn broadcast(&mut self, make: impl Fn(u16) -> Command) {
        let shards = self.settings.shards.max(1);
        if shards == 1 {
            return;
        }
        for shard in 0..shards {
            if shard != self.index {
                self.out.commands.push((shard, make(shard)));
            }
        }
        self.out.subscriptions_changed = true;
    }

    /// Tell the other shards that subscription changes wait in their inboxes, so that they
    /// apply them before they match another message. Called after the commands were posted:
    /// a shard that sees the new epoch must find them there.
    pub fn announce_subscription_changes(&self) {
        self.shared.subscription_epoch.fetch_add(1, Ordering::Release);
    }

    /// Whether another shard changed subscriptions since this one last applied its commands.
    pub fn needs_commands(&self) -> bool {
        self.settings.shards > 1 && self.shared.subscription_epoch.load(Ordering::Acquire) != self.epoch_seen
    }

    /// Note the subscription epoch before applying a batch of commands.
    pub fn commands_seen(&mut self) {
        self.epoch_seen = self.shared.subscription_epoch.load(Ordering::Acquire);
    }

    /// Apply a command from another shard.
    pub fn command(&mut self, cmd: Command, now: Instant) {
        match cmd {
            Command::Deliver {
                session,
                message,
                matches,
                route,
            } => {
                if let Some(slot) = self.live_slot(session) {
                    self.deliver_matches(slot, &message, &matches, now);
                }
                if let Some((id, client)) = route {
                    self.journal_route_done(id, client);
                }
            }
            Command::Subscribe {
                session,
                filter,
                options,
                identifier,
            } => {
                let _ = self.subs.subscribe(session, &filter, options, identifier);
            }
            Command::Unsubscribe { session, filter } => {
                self.subs.unsubscribe(session, &filter);
            }
            Command::RemoveSession { session } => {
                self.subs.remove_client(session);
            }
            Command::Reload { settings, security } => self.reload(settings, security, now),
        }
    }

    /// Apply a reloaded configuration; clients the new password file refuses are dropped.
    fn reload(&mut self, settings: Arc<Settings>, security: SecurityTable, now: Instant) {
        use crate::broker::auth::{AuthOutcome, Authenticator};
        self.settings = settings;
        self.security = security;
        let mut refused = Vec::new();
        for (id, c) in self.conns.iter().enumerate() {
            let Some(c) = c else { continue };
            if !c.connected || c.closing {
                continue;
            }
            let Some(listener) = self.settings.listeners.get(c.listener) else {
                continue;
            };
            let Some(security) = self.security.get(listener.security) else {
                continue;
            };
            let outcome = security.authenticate(
                c.client_id.as_deref().unwrap_or_default(),
                c.username.as_deref(),
                c.password.as_deref(),
            );
            if outcome == AuthOutcome::NotAuthorized {
                refused.push(id);
            }
        }
        for id in refused {
            self.end(id, super::conn::Ending::Reauthentication, now);
        }
    }

    /// Deliver matching copies to a session of this shard (see `publish.rs`), or queue them
    /// for the shard that owns the session.
    pub(super) fn route_to(
        &mut self,
        key: SessionKey,
        message: &Arc<Message>,
        matches: Vec<(SubOptions, Option<u32>)>,
        route: Option<(u64, Arc<str>)>,
        now: Instant,
    ) {
        if key.shard == self.index {
            if let Some(slot) = self.live_slot(key) {
                self.deliver_matches(slot, message, &matches, now);
            }
        } else if let Some(batch) = self.outgoing_batches.get_mut(usize::from(key.shard)) {
            batch.push(Command::Deliver {
                session: key,
                message: message.clone(),
                matches,
                route,
            });
        }
    }

    /// A connection's decoded protocol version, for encoding.
    pub(super) fn version_of(&self, conn: ConnId) -> ProtocolVersion {
        self.conns
            .get(conn)
            .and_then(Option::as_ref)
            .map_or(ProtocolVersion::V311, |c| c.version)
    }

    /// Encode `packet` onto a connection's output.
    pub(super) fn send(&mut self, conn: ConnId, packet: &Packet) {
        if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
            if c.closing {
                return;
            }
            let before = c.out.len();
            packet.encode(c.version, &mut c.out);
            let n = (c.out.len() - before) as u64;
            c.out_packets = c.out_packets.saturating_add(1);
            if !c.marked_writable {
                c.marked_writable = true;
                self.out.writable.push(conn);
            }
            Stats::add(&self.shared.stats.messages_sent, 1);
            Stats::add(&self.shared.stats.bytes_sent, n);
        }
    }

    /// The bytes waiting for `conn`'s socket; the worker writes them and gives back what is
    /// left with [`Shard::return_output_bytes`].
    pub fn take_output_bytes(&mut self, conn: ConnId) -> Vec<u8> {
        match self.conns.get_mut(conn).and_then(Option::as_mut) {
            Some(c) => {
                c.marked_writable = false;
                c.taken_packets = c.out_packets;
                std::mem::take(&mut c.out)
            }
            None => Vec::new(),
        }
    }

    /// Give back the bytes the socket did not take (they go before anything queued since).
    pub fn return_output_bytes(&mut self, conn: ConnId, mut rest: Vec<u8>) {
        if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
            if rest.is_empty() {
                c.out_packets = c.out_packets.saturating_sub(c.taken_packets);
                c.taken_packets = 0;
                if c.out.is_empty() {
                    // Keep a small buffer; give a large one back.
                    if rest.capacity() <= 4096 {
                        c.out = rest;
                    }
                }
                return;
            }
            rest.extend_from_slice(&c.out);
            c.out = rest;
        }
    }

    /// Bytes waiting for a connection (for back-pressure decisions).
    pub fn pending_output(&self, conn: ConnId) -> usize {
        self.conns
            .get(conn)
            .and_then(Option::as_ref)
            .map_or(0, |c| c.out.len())
    }

    /// Number of sessions (connected or not) in this shard.
    pub fn session_count(&self) -> usize {
        self.by_id.len()
    }

    /// Deliveries pending for other shards (used by tests).
    pub fn subscription_count(&self) -> usize {
        self.subs.count()
    }

    /// Packets and bytes waiting for a connection's socket.
    pub(super) fn backlog(&self, conn: ConnId) -> (usize, usize) {
        self.conns
            .get(conn)
            .and_then(Option::as_ref)
            .map_or((0, 0), |c| (c.out_packets as usize, c.out.len()))
    }
}
