//! Persistence hooks of a shard.
//!
//! With a journal enabled ([`Shard::enable_journal`]), the shard records every change to state
//! that outlives a restart, in the order it made them: the sessions that persist (those with a
//! session expiry interval, whose records are "stored"), their subscriptions, their QoS 1 and 2
//! copies from queueing to the last acknowledgement, their inbound QoS 2 messages between
//! PUBREC and PUBREL, and the retained messages. The server takes the changes
//! ([`Shard::take_changes`]) and commits them before it writes any byte the shard produced
//! with them, so that an acknowledgement never leaves before what it acknowledges is durable.
//!
//! A QoS 1 or 2 message matched by a stored session of another shard travels there as a
//! command; until that shard has committed its copy, the message is held by a route record
//! ([`Change::Route`]), which the receiving shard retires ([`Change::RouteDone`]) in the same
//! commit as its copy. Routes left by a crash are delivered again when the store is loaded.
//!
//! The other half is restoring what a store held: [`Shard::restore_session`] puts a session in
//! this shard (its home), [`Shard::restore_subscription`] copies a subscription of a session of
//! another shard into this shard's tree, [`Shard::restore_route`] completes a route.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::message::{Delivery, Message, SessionKey};
use super::session::{Incoming, NEVER, Session};
use super::shard::Shard;
use super::subs::{SubOptions, Subscribed};
use crate::protocol::{ProtocolVersion, Will};

/// A session's own state (not its subscriptions or messages).
#[derive(Debug, Clone)]
pub struct SessionMeta {
    pub client_id: Arc<str>,
    pub version: ProtocolVersion,
    pub username: Option<Arc<str>>,
    pub listener: usize,
    pub expiry_interval: u32,
    /// When the session expires (its client is away).
    pub expires_at: Option<Instant>,
    /// The will and its delay in seconds.
    pub will: Option<(Will, u32)>,
    /// When a delayed will is due (its client is away).
    pub will_at: Option<Instant>,
    /// A client was connected: after a crash its connection counts as lost at load.
    pub connected: bool,
    pub last_mid: u16,
}

/// The matches of one message for one session (QoS and options, subscription identifier).
pub type Matches = Vec<(SubOptions, Option<u32>)>;

/// A change to durable state, in the order the shard made it.
#[derive(Debug, Clone)]
pub enum Change {
    /// A stored session's own state, as it is now.
    Session(Box<SessionMeta>),
    /// Everything of a client id is forgotten.
    DeleteSession(Arc<str>),
    Subscribe {
        client: Arc<str>,
        filter: Arc<str>,
        options: SubOptions,
        identifier: Option<u32>,
    },
    Unsubscribe {
        client: Arc<str>,
        filter: Arc<str>,
    },
    /// A QoS 1 or 2 copy for a client; `order` is its place among the client's copies.
    OutPut {
        client: Arc<str>,
        mid: u16,
        order: u64,
        delivery: Delivery,
    },
    /// The PUBREC of an outgoing QoS 2 copy arrived: it continues with PUBREL.
    OutReleased {
        client: Arc<str>,
        mid: u16,
    },
    /// An outgoing copy left the store (acknowledged, expired, too large).
    OutRemove {
        client: Arc<str>,
        mid: u16,
    },
    /// An inbound QoS 2 message waits for its PUBREL (`None`: refused, not delivered).
    IncomingPut {
        client: Arc<str>,
        mid: u16,
        message: Option<Arc<Message>>,
    },
    IncomingRemove {
        client: Arc<str>,
        mid: u16,
    },
    /// A retained message was set (the topic is the message's).
    RetainSet(Arc<Message>),
    RetainRemove(Arc<str>),
    /// A message on its way to stored sessions of other shards.
    Route {
        id: u64,
        message: Arc<Message>,
        targets: Vec<(Arc<str>, Matches)>,
    },
    /// A route reached one of its sessions (whatever became of the copy there).
    RouteDone {
        id: u64,
        client: Arc<str>,
    },
}

/// The journal of a shard.
#[derive(Debug, Default)]
pub struct Journal {
    changes: Vec<Change>,
    /// The next order number of an outgoing copy.
    next_order: u64,
    /// The next route number of this shard.
    next_route: u64,
}

/// A session loaded from a store, for [`Shard::restore_session`].
#[derive(Debug)]
pub struct RestoredSession {
    pub meta: SessionMeta,
    pub subscriptions: Vec<(Arc<str>, SubOptions, Option<u32>)>,
    /// Outgoing copies in their order: packet identifier, PUBREC received, the copy.
    pub outgoing: Vec<(u16, bool, Delivery)>,
    /// Inbound QoS 2 messages waiting for PUBREL.
    pub incoming: Vec<(u16, Option<Arc<Message>>)>,
}

impl Shard {
    /// Record changes from now on; outgoing copies are numbered from `next_order` (above every
    /// number a loaded store holds).
    pub fn enable_journal(&mut self, next_order: u64) {
        self.journal = Some(Box::new(Journal {
            changes: Vec::new(),
            next_order,
            next_route: 1,
        }));
    }

    /// Whether changes wait to be committed.
    pub fn has_changes(&self) -> bool {
        self.journal.as_ref().is_some_and(|j| !j.changes.is_empty())
    }

    /// The changes made since the last call, in order.
    pub fn take_changes(&mut self) -> Vec<Change> {
        self.journal
            .as_mut()
            .map(|j| std::mem::take(&mut j.changes))
            .unwrap_or_default()
    }

    /// Changes whose commit failed go back before the ones made since, to be committed again.
    pub fn put_back_changes(&mut self, mut changes: Vec<Change>) {
        if let Some(j) = self.journal.as_mut() {
            changes.append(&mut j.changes);
            j.changes = changes;
        }
    }

    pub(super) fn journaling(&self) -> bool {
        self.journal.is_some()
    }

    fn record(&mut self, change: Change) {
        if let Some(j) = self.journal.as_mut() {
            j.changes.push(change);
        }
    }

    /// The client id of a stored session (changes are recorded for stored sessions only).
    fn stored_id(&self, slot: u32) -> Option<Arc<str>> {
        self.journal.as_ref()?;
        self.session(slot)
            .filter(|s| s.stored)
            .map(|s| s.client_id.clone())
    }

    /// A session's own state changed: record it, or the whole session when it starts to
    /// persist, or its removal when it stops.
    pub(super) fn journal_session(&mut self, slot: u32) {
        if self.journal.is_none() {
            return;
        }
        let key = self.key_of(slot);
        let Some(s) = self.session_mut(slot) else {
            return;
        };
        let persistent = s.expiry_interval != 0;
        let was_stored = s.stored;
        s.stored = persistent;
        let id = s.client_id.clone();
        if !persistent {
            if was_stored {
                self.shared.stored_names.write().remove(&key);
                self.record(Change::DeleteSession(id));
            }
            return;
        }
        let meta = meta_of(s);
        if was_stored {
            self.record(Change::Session(Box::new(meta)));
            return;
        }
        // The whole session, from nothing.
        self.shared.stored_names.write().insert(key, id.clone());
        let mut changes = vec![Change::DeleteSession(id.clone()), Change::Session(Box::new(meta))];
        for filter in self.subs.filters_of(key) {
            if let Some((options, identifier)) = self.subs.get(key, filter) {
                changes.push(Change::Subscribe {
                    client: id.clone(),
                    filter: Arc::from(filter),
                    options,
                    identifier,
                });
            }
        }
        let s = self.session(slot).expect("session");
        let mut order = self.journal.as_ref().map_or(0, |j| j.next_order);
        for e in s.outgoing.iter() {
            changes.push(Change::OutPut {
                client: id.clone(),
                mid: e.mid,
                order,
                delivery: e.message.clone(),
            });
            order += 1;
            if matches!(
                e.state,
                crate::protocol::flow::FlowState::AwaitPubcomp
                    | crate::protocol::flow::FlowState::ResendPubrel
            ) {
                changes.push(Change::OutReleased {
                    client: id.clone(),
                    mid: e.mid,
                });
            }
        }
        for (&mid, i) in &s.incoming {
            changes.push(Change::IncomingPut {
                client: id.clone(),
                mid,
                message: i.message.clone(),
            });
        }
        if let Some(j) = self.journal.as_mut() {
            j.next_order = order;
            j.changes.extend(changes);
        }
    }

    /// A stored session is removed.
    pub(super) fn journal_removed(&mut self, slot: u32) {
        if let Some(id) = self.stored_id(slot) {
            let key = self.key_of(slot);
            self.shared.stored_names.write().remove(&key);
            self.record(Change::DeleteSession(id));
        }
    }

    pub(super) fn journal_subscribe(
        &mut self,
        slot: u32,
        filter: &str,
        options: SubOptions,
        identifier: Option<u32>,
    ) {
        if let Some(client) = self.stored_id(slot) {
            self.record(Change::Subscribe {
                client,
                filter: Arc::from(filter),
                options,
                identifier,
            });
        }
    }

    pub(super) fn journal_unsubscribe(&mut self, slot: u32, filter: &str) {
        if let Some(client) = self.stored_id(slot) {
            self.record(Change::Unsubscribe {
                client,
                filter: Arc::from(filter),
            });
        }
    }

    /// A copy entered a session's outgoing store.
    pub(super) fn journal_out_put(&mut self, slot: u32, mid: u16, delivery: &Delivery) {
        if let Some(client) = self.stored_id(slot) {
            let j = self.journal.as_mut().expect("journal");
            let order = j.next_order;
            j.next_order += 1;
            j.changes.push(Change::OutPut {
                client,
                mid,
                order,
                delivery: delivery.clone(),
            });
        }
    }

    pub(super) fn journal_out_released(&mut self, slot: u32, mid: u16) {
        if let Some(client) = self.stored_id(slot) {
            self.record(Change::OutReleased { client, mid });
        }
    }

    pub(super) fn journal_out_remove(&mut self, slot: u32, mid: u16) {
        if let Some(client) = self.stored_id(slot) {
            self.record(Change::OutRemove { client, mid });
        }
    }

    pub(super) fn journal_out_remove_id(&mut self, client: Arc<str>, mid: u16) {
        self.record(Change::OutRemove { client, mid });
    }

    pub(super) fn journal_incoming_put(&mut self, slot: u32, mid: u16, message: Option<Arc<Message>>) {
        if let Some(client) = self.stored_id(slot) {
            self.record(Change::IncomingPut { client, mid, message });
        }
    }

    pub(super) fn journal_incoming_remove(&mut self, slot: u32, mid: u16) {
        if let Some(client) = self.stored_id(slot) {
            self.record(Change::IncomingRemove { client, mid });
        }
    }

    /// A retained message was set or (empty payload) removed. `$SYS` topics are not kept.
    pub(super) fn journal_retained(&mut self, message: &Arc<Message>) {
        if self.journal.is_none() || message.topic.starts_with("$SYS") {
            return;
        }
        self.record(if message.payload.is_empty() {
            Change::RetainRemove(message.topic.clone())
        } else {
            Change::RetainSet(message.clone())
        });
    }

    /// The client id of a stored session of another shard that a QoS 1 or 2 copy of
    /// `message` goes to: such a copy travels under a route.
    pub(super) fn journal_route_target(
        &self,
        key: SessionKey,
        message: &Message,
        matches: &[(SubOptions, Option<u32>)],
    ) -> Option<Arc<str>> {
        if self.journal.is_none() || message.qos == 0 || matches.iter().all(|(o, _)| o.qos == 0) {
            return None;
        }
        self.shared.stored_names.read().get(&key).cloned()
    }

    /// A new route number.
    pub(super) fn journal_next_route(&mut self) -> u64 {
        match self.journal.as_mut() {
            Some(j) => {
                let id = (u64::from(self.index) << 48) | (j.next_route & ((1 << 48) - 1));
                j.next_route += 1;
                id
            }
            None => 0,
        }
    }

    pub(super) fn journal_route(
        &mut self,
        id: u64,
        message: &Arc<Message>,
        targets: Vec<(Arc<str>, Matches)>,
    ) {
        self.record(Change::Route {
            id,
            message: message.clone(),
            targets,
        });
    }

    /// A route reached the session of `client` in this shard.
    pub(super) fn journal_route_done(&mut self, id: u64, client: Arc<str>) {
        self.record(Change::RouteDone { id, client });
    }

    /// Put a loaded session in this shard (its home) and its subscriptions in this shard's
    /// tree; returns its key, for [`Shard::restore_subscription`] in the other shards. Its
    /// client is away: a will and the expiry run from `now` if a client was connected when the
    /// store was last written.
    pub fn restore_session(&mut self, restored: RestoredSession, now: Instant) -> SessionKey {
        let RestoredSession {
            meta,
            subscriptions,
            outgoing,
            incoming,
        } = restored;
        let mut s = Session::new(meta.client_id.clone(), meta.version, meta.listener);
        s.username = meta.username;
        s.expiry_interval = meta.expiry_interval;
        s.last_mid = meta.last_mid;
        s.stored = true;
        if meta.connected {
            s.expires_at = (meta.expiry_interval != NEVER)
                .then(|| now + Duration::from_secs(u64::from(meta.expiry_interval)));
            if let Some((will, delay)) = meta.will {
                s.will_at = Some(now + Duration::from_secs(u64::from(delay)));
                s.will = Some((will, delay));
            }
        } else {
            s.expires_at = meta.expires_at;
            s.will_at = meta.will_at;
            s.will = meta.will.filter(|_| meta.will_at.is_some());
        }
        let mut count = 0u64;
        for (mid, released, delivery) in outgoing {
            s.held_bytes += delivery.size();
            count += 1;
            let qos = delivery.qos;
            s.outgoing.restore(mid, qos, released, delivery);
        }
        self.counts.stored_messages = self.counts.stored_messages.wrapping_add(count);
        self.counts.stored_bytes = self.counts.stored_bytes.wrapping_add(s.held_bytes as u64);
        for (mid, message) in incoming {
            s.incoming.insert(mid, Incoming { message, repeats: 0 });
        }
        let timed = s.will_at.is_some() || s.expires_at.is_some();
        let id = s.client_id.clone();
        let slot = self.insert_session(s);
        if timed {
            self.timed_sessions.push(slot);
        }
        let key = self.key_of(slot);
        self.shared.stored_names.write().insert(key, id);
        for (filter, options, identifier) in subscriptions {
            self.restore_subscription(key, &filter, options, identifier);
        }
        key
    }

    /// Copy a loaded subscription into this shard's tree (every shard holds every
    /// subscription); the home shard counts it.
    pub fn restore_subscription(
        &mut self,
        key: SessionKey,
        filter: &str,
        options: SubOptions,
        identifier: Option<u32>,
    ) {
        let done = self.subs.subscribe(key, filter, options, identifier);
        if key.shard == self.index && done == Ok(Subscribed::New) {
            self.counts.subscriptions = self.counts.subscriptions.wrapping_add(1);
            if filter.starts_with("$share/") {
                self.counts.shared_subscriptions = self.counts.shared_subscriptions.wrapping_add(1);
            }
        }
    }

    /// Deliver what a route left by a crash holds for a session of this shard, and retire it.
    pub fn restore_route(
        &mut self,
        id: u64,
        client: &str,
        message: &Arc<Message>,
        matches: &Matches,
        now: Instant,
    ) {
        if let Some(&slot) = self.by_id.get(client) {
            self.deliver_matches(slot, message, matches, now);
        }
        if self.journal.is_some() {
            self.record(Change::RouteDone {
                id,
                client: Arc::from(client),
            });
        }
    }
}

fn meta_of(s: &Session) -> SessionMeta {
    SessionMeta {
        client_id: s.client_id.clone(),
        version: s.version,
        username: s.username.clone(),
        listener: s.listener,
        expiry_interval: s.expiry_interval,
        expires_at: s.expires_at,
        will: s.will.clone(),
        will_at: s.will_at,
        connected: s.conn.is_some(),
        last_mid: s.last_mid,
    }
}
