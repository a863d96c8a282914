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

use parking_lot::{Mutex, RwLock};

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

/// The most shards a broker runs (`worker_threads` is at most this).
pub const MAX_SHARDS: usize = 1024;

/// State every shard shares.
pub struct Shared {
    /// Retained messages of the whole broker.
    pub retained: RwLock<RetainedStore<Arc<Message>>>,
    /// Subscription changes for each shard, made by the others. A change is queued and the
    /// epoch bumped before the subscribing shard reads the retained store or answers with a
    /// SUBACK; a shard that sees a newer epoch applies its queue before it matches a message
    /// (so a message is either matched against the new subscription or already retained when
    /// the subscription looks for retained messages).
    pub subscription_changes: Box<[Mutex<Vec<Command>>]>,
    /// Bumped after subscription changes were queued for the other shards.
    pub subscription_epoch: AtomicU64,
    /// Payload bytes of the retained messages.
    pub retained_bytes: AtomicU64,
    /// Each shard's counters, by shard index.
    pub stats: Box<[PaddedStats]>,
    /// The client ids of the sessions whose state is stored (with persistence), by key.
    pub stored_names: RwLock<HashMap<SessionKey, Arc<str>>>,
}

impl Default for Shared {
    fn default() -> Self {
        Self::new(MAX_SHARDS)
    }
}

impl Shared {
    /// The shared state of a broker with `shards` shards.
    pub fn new(shards: usize) -> Self {
        let shards = shards.clamp(1, MAX_SHARDS);
        Self {
            retained: RwLock::default(),
            subscription_changes: (0..shards).map(|_| Mutex::new(Vec::new())).collect(),
            subscription_epoch: AtomicU64::new(0),
            retained_bytes: AtomicU64::new(0),
            stats: (0..shards).map(|_| PaddedStats::default()).collect(),
            stored_names: RwLock::default(),
        }
    }

    /// The broker's counters, summed over the shards.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for s in self.stats.iter() {
            c.add(&s.0);
        }
        c
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

/// Declares [`Stats`], a shard's counters for `$SYS` (atomics, written by that shard only, so
/// that the workers never share a cache line on the hot path), and [`Counts`], their sum.
macro_rules! counters {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// One shard's counters (see [`Shared::counts`] for the broker's).
        #[derive(Debug, Default)]
        pub struct Stats {
            $($(#[$doc])* pub $name: AtomicU64,)*
        }

        /// The broker's counters: every shard's summed. Gauges such as `sockets` may move
        /// between shards (a connection counted where it was accepted leaves from another), so
        /// only their sum means something.
        #[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
        pub struct Counts {
            $($(#[$doc])* pub $name: u64,)*
        }

        impl Counts {
            fn add(&mut self, s: &Stats) {
                $(self.$name = self.$name.wrapping_add(s.$name.load(Ordering::Relaxed));)*
            }

            /// Write these counts into `s` (only their shard writes there).
            fn store(&self, s: &Stats) {
                $(s.$name.store(self.$name, Ordering::Relaxed);)*
            }
        }
    };
}

counters! {
    messages_received,
    messages_sent,
    bytes_received,
    bytes_sent,
    publish_received,
    publish_sent,
    publish_dropped,
    publish_bytes_received,
    publish_bytes_sent,
    /// Sockets accepted.
    connections,
    /// CONNECTs accepted.
    connects,
    /// Open sockets.
    sockets,
    /// Connected clients (accepted CONNECT).
    clients_connected,
    /// Sessions, connected or not.
    clients_total,
    clients_expired,
    subscriptions,
    shared_subscriptions,
    stored_messages,
    stored_bytes,
}

/// A shard's counters on a cache line of their own.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct PaddedStats(pub Stats);

impl Stats {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn sub(counter: &AtomicU64, n: u64) {
        counter.fetch_sub(n, Ordering::Relaxed);
    }
}

/// The subscriptions of one session that a message matched, with their options and subscription
/// identifiers. Nearly always one, kept inline: a copy for another shard then costs no allocation
/// of its own.
#[derive(Debug, Clone)]
pub enum MatchList {
    /// One matching subscription.
    One((SubOptions, Option<u32>)),
    /// Several (overlapping filters of one session).
    Many(Vec<(SubOptions, Option<u32>)>),
}

impl MatchList {
    /// The matches gathered from `iter`.
    pub fn collect(mut iter: impl Iterator<Item = (SubOptions, Option<u32>)>) -> Self {
        let Some(first) = iter.next() else {
            return Self::Many(Vec::new());
        };
        match iter.next() {
            None => Self::One(first),
            Some(second) => {
                let mut all = vec![first, second];
                all.extend(iter);
                Self::Many(all)
            }
        }
    }

    /// The matches as a slice.
    pub fn as_slice(&self) -> &[(SubOptions, Option<u32>)] {
        match self {
            Self::One(one) => std::slice::from_ref(one),
            Self::Many(all) => all,
        }
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
        matches: MatchList,
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
    /// The client connected as a bridge.
    pub bridge: bool,
    /// The client sent an empty id (v5): CONNACK tells it the id it got.
    pub assigned: bool,
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
    /// Commands for other shards: per shard number, one batch in the order they were made.
    pub commands: Vec<(u16, Vec<Command>)>,
    pub handoffs: Vec<Handoff>,
    pub logs: Vec<LogLine>,
    /// Messages published by the broker itself ($SYS, logs to topic) are routed by shard 0.
    pub wake_self: bool,
}

/// What a shard holds, for checks of bounded memory ([`Shard::holdings`]).
#[derive(Debug, Clone, Default)]
pub struct Holdings {
    /// Per connection: its id, the capacity of its buffer of incomplete input, the bytes
    /// waiting for its socket, and its topic alias slots.
    pub connections: Vec<(ConnId, usize, usize, usize)>,
    pub sessions: Vec<SessionHoldings>,
}

/// What a session holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionHoldings {
    /// QoS 1 and 2 copies, queued or in flight.
    pub outgoing: usize,
    /// QoS 0 copies queued for a client that is away.
    pub qos0_queued: usize,
    /// Inbound QoS 2 messages waiting for PUBREL.
    pub incoming: usize,
    pub connected: bool,
}

/// A connection's output buffer is kept between batches up to this capacity, so that a busy
/// connection does not allocate and grow a new one for every batch.
pub(super) const OUT_KEEP: usize = 64 * 1024;
/// What an idle connection keeps of its output buffer (given back at the next tick).
pub(super) const OUT_IDLE: usize = 4096;

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
    /// The matches of one local session while a message is routed (reused).
    pub(super) local_matches: Vec<(SubOptions, Option<u32>)>,
    pub(super) epoch_seen: u64,
    /// Connected clients per listener (for `max_connections`).
    pub(super) listener_clients: Vec<usize>,
    pub(super) out: Output,
    /// This shard's counters, published to [`Shared::stats`] once per pass
    /// ([`Shard::take_output`]): plain numbers on the hot path, no atomic operations.
    pub(super) counts: Counts,
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
            local_matches: Vec::new(),
            epoch_seen: 0,
            listener_clients: vec![0; listeners],
            out: Output::default(),
            counts: Counts::default(),
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

    /// Copy this shard's counters to where [`Shared::counts`] reads them.
    pub fn publish_counts(&self) {
        let shards = &self.shared.stats;
        let Some(stats) = shards.get(usize::from(self.index)) else {
            return;
        };
        self.counts.store(&stats.0);
    }

    /// Collect what the shard produced (pending batches of commands included).
    pub fn take_output(&mut self) -> Output {
        self.publish_counts();
        // Each batch goes whole: the commands are not moved one by one again.
        for (shard, batch) in self.outgoing_batches.iter_mut().enumerate() {
            if !batch.is_empty() {
                let size = batch.len();
                let full = std::mem::replace(batch, Vec::with_capacity(size));
                self.out.commands.push((shard as u16, full));
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
        self.counts.clients_total = self.counts.clients_total.wrapping_add(1);
        slot
    }

    /// Remove every subscription of a session (in every shard).
    pub(super) fn clear_subscriptions(&mut self, slot: u32) {
        let key = self.key_of(slot);
        let shared_before = self.subs.shared_count();
        let removed = self.subs.remove_client(key);
        if removed > 0 {
            let shared = shared_before.saturating_sub(self.subs.shared_count());
            self.counts.subscriptions = self.counts.subscriptions.wrapping_sub(removed as u64);
            self.counts.shared_subscriptions = self.counts.shared_subscriptions.wrapping_sub(shared as u64);
            self.broadcast(|_| Command::RemoveSession { session: key });
        }
    }

    /// Forget a session: its subscriptions (in every shard) and its messages.
    pub(super) fn remove_session(&mut self, slot: u32) {
        self.journal_removed(slot);
        self.clear_subscriptions(slot);
        let Some(session) = self.sessions.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        if self.by_id.get(&session.client_id) == Some(&slot) {
            self.by_id.remove(&session.client_id);
        }
        let (count, bytes) = session.stored();
        self.counts.stored_messages = self.counts.stored_messages.wrapping_sub(count as u64);
        self.counts.stored_bytes = self.counts.stored_bytes.wrapping_sub(bytes as u64);
        self.counts.clients_total = self.counts.clients_total.wrapping_sub(1);
        if let Some(g) = self.session_generations.get_mut(slot as usize) {
            *g = g.wrapping_add(1);
        }
        self.free_sessions.push(slot);
        self.timed_sessions.retain(|s| *s != slot);
    }

    /// Queue a subscription change for every other shard and bump the epoch, at once: they
    /// apply it before they match another message.
    pub(super) fn broadcast(&mut self, make: impl Fn(u16) -> Command) {
        let shards = self.settings.shards.max(1);
        if shards == 1 {
            return;
        }
        for shard in 0..shards {
            if shard != self.index {
                if let Some(queue) = self.shared.subscription_changes.get(usize::from(shard)) {
                    queue.lock().push(make(shard));
                }
            }
        }
        self.shared.subscription_epoch.fetch_add(1, Ordering::Release);
    }

    /// Whether another shard changed subscriptions since this one last applied its queue.
    pub fn needs_commands(&self) -> bool {
        self.settings.shards > 1 && self.shared.subscription_epoch.load(Ordering::Acquire) != self.epoch_seen
    }

    /// Apply the subscription changes the other shards queued for this one.
    pub fn apply_subscription_changes(&mut self, now: Instant) {
        self.epoch_seen = self.shared.subscription_epoch.load(Ordering::Acquire);
        let Some(queue) = self.shared.subscription_changes.get(usize::from(self.index)) else {
            return;
        };
        let changes = std::mem::take(&mut *queue.lock());
        for cmd in changes {
            self.command(cmd, now);
        }
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
                    self.deliver_matches(slot, &message, matches.as_slice(), now);
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
        matches: MatchList,
        route: Option<(u64, Arc<str>)>,
        now: Instant,
    ) {
        if key.shard == self.index {
            if let Some(slot) = self.live_slot(key) {
                self.deliver_matches(slot, message, matches.as_slice(), now);
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
            self.counts.messages_sent = self.counts.messages_sent.wrapping_add(1);
            self.counts.bytes_sent = self.counts.bytes_sent.wrapping_add(n);
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
                    // Keep the buffer for the next batch, unless it is large; `tick` gives
                    // back what an idle connection keeps beyond OUT_IDLE.
                    if rest.capacity() <= OUT_KEEP {
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

    /// The protocol version a connection's packets are encoded with (3.1.1 until its CONNECT
    /// says otherwise); `None` for a connection the shard does not have.
    pub fn protocol_version(&self, conn: ConnId) -> Option<ProtocolVersion> {
        self.conns.get(conn).and_then(Option::as_ref).map(|c| c.version)
    }

    /// What the shard holds for a connection and its sessions, for checks of bounded memory
    /// (the fuzz targets and tests): see [`Holdings`].
    pub fn holdings(&self) -> Holdings {
        Holdings {
            connections: self
                .conns
                .iter()
                .enumerate()
                .filter_map(|(id, c)| {
                    c.as_ref()
                        .map(|c| (id, c.inbuf.capacity(), c.out.len(), c.aliases.len()))
                })
                .collect(),
            sessions: self
                .sessions
                .iter()
                .flatten()
                .map(|s| SessionHoldings {
                    outgoing: s.outgoing.len(),
                    qos0_queued: s.qos0_queue.len(),
                    incoming: s.incoming.len(),
                    connected: s.conn.is_some(),
                })
                .collect(),
        }
    }

    /// Packets and bytes waiting for a connection's socket.
    pub(super) fn backlog(&self, conn: ConnId) -> (usize, usize) {
        self.conns
            .get(conn)
            .and_then(Option::as_ref)
            .map_or((0, 0), |c| (c.out_packets as usize, c.out.len()))
    }
}
