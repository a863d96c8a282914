//! The outgoing half of the QoS 1 and 2 flows, shared by every sender of PUBLISH packets (the
//! client session towards its server, a server towards each subscriber).
//!
//! An [`OutFlow`] keeps every message from the moment it is accepted until its last
//! acknowledgement, in the order it was accepted, indexed by packet identifier. Messages take
//! in-flight slots strictly in that order, so the packets leave in publish order on every
//! connection. When a connection ends, what was on the wire is marked for resending: a PUBLISH
//! that was not acknowledged is sent again with DUP set, a QoS 2 message whose PUBREC arrived
//! continues with PUBREL and is never published again (MQTT 3.1.1 §4.4, MQTT 5 §4.4). The store
//! knows nothing of sockets or time: the owner asks it what to send next and tells it what
//! arrived.

#![forbid(unsafe_code)]

use std::collections::{BTreeMap, HashMap, VecDeque};

/// Where a message stands in its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowState {
    /// Accepted, never sent.
    Queued,
    /// PUBLISH sent on this connection; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    AwaitAck,
    /// PUBREL sent on this connection; waiting for PUBCOMP.
    AwaitPubcomp,
    /// The PUBLISH was sent on an earlier connection and not acknowledged: send it again, DUP set.
    ResendPublish,
    /// The PUBREC arrived on an earlier connection: send PUBREL again.
    ResendPubrel,
}

impl FlowState {
    /// Whether the message holds an in-flight slot on the current connection.
    pub fn on_wire(self) -> bool {
        matches!(self, Self::AwaitAck | Self::AwaitPubcomp)
    }
}

/// One message in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<M> {
    pub mid: u16,
    pub qos: u8,
    pub state: FlowState,
    pub message: M,
}

/// What to put on the wire next for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transmit {
    /// Send the PUBLISH, with this DUP flag.
    Publish { dup: bool },
    /// Send PUBREL.
    Pubrel,
}

/// How an acknowledgement relates to the store.
#[derive(Debug, PartialEq, Eq)]
pub enum AckOutcome<M> {
    /// The flow of this message is complete; it has left the store.
    Complete(Entry<M>),
    /// PUBREC accepted: the message now waits for PUBCOMP (send PUBREL).
    Released,
    /// No message with this identifier is waiting for this acknowledgement.
    Unknown,
    /// The message with this identifier has the other QoS (a protocol error).
    WrongQos,
}

/// The outgoing store; see the module documentation.
#[derive(Debug)]
pub struct OutFlow<M> {
    /// Messages by acceptance order.
    entries: BTreeMap<u64, Entry<M>>,
    /// Acceptance order by packet identifier (the oldest message with that identifier).
    by_mid: HashMap<u16, u64>,
    /// Later messages sharing an identifier with an older one, oldest first. Only a client
    /// with more than 65535 messages outstanding has any (libmosquitto then hands out
    /// identifiers still in use); an acknowledgement applies to the oldest.
    shared_mids: HashMap<u16, VecDeque<u64>>,
    next_seq: u64,
    /// Every message accepted before this point holds a slot on the current connection (or
    /// has completed); the next one to send is the first at or after it.
    cursor: u64,
    /// Messages holding an in-flight slot.
    on_wire: usize,
    /// Messages in a resend state.
    resends: usize,
}

impl<M> Default for OutFlow<M> {
    fn default() -> Self {
        Self {
            entries: BTreeMap::new(),
            by_mid: HashMap::new(),
            shared_mids: HashMap::new(),
            next_seq: 0,
            cursor: 0,
            on_wire: 0,
            resends: 0,
        }
    }
}

impl<M> OutFlow<M> {
    /// Messages not yet complete.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Messages holding an in-flight slot on the current connection.
    pub fn in_flight(&self) -> usize {
        self.on_wire
    }

    /// Messages waiting for a slot (queued, or to be resent).
    pub fn waiting(&self) -> usize {
        self.entries.len() - self.on_wire
    }

    /// Whether a message with packet identifier `mid` is in the store.
    pub fn contains(&self, mid: u16) -> bool {
        self.by_mid.contains_key(&mid)
    }

    /// The message with packet identifier `mid`.
    pub fn get(&self, mid: u16) -> Option<&Entry<M>> {
        self.by_mid.get(&mid).and_then(|seq| self.entries.get(seq))
    }

    /// Whether messages from an earlier connection wait to be resent.
    pub fn has_resends(&self) -> bool {
        self.resends > 0
    }

    /// Accept a message; it waits for a slot behind every message accepted before it. With
    /// `held`, it is treated as sent on a connection that ended: it goes out (with DUP set)
    /// only once the next connection has been accepted, as libmosquitto sends a message it kept
    /// while there was no connection. The caller avoids identifiers in the store (see
    /// [`OutFlow::contains`]) as long as there are free ones.
    pub fn push(&mut self, mid: u16, qos: u8, held: bool, message: M) {
        let seq = self.next_seq;
        self.next_seq += 1;
        match self.by_mid.entry(mid) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.shared_mids.entry(mid).or_default().push_back(seq);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(seq);
            }
        }
        let state = if held {
            self.resends += 1;
            FlowState::ResendPublish
        } else {
            FlowState::Queued
        };
        self.entries.insert(
            seq,
            Entry {
                mid,
                qos,
                state,
                message,
            },
        );
    }

    /// Take back a message kept from an earlier run (a broker's persistent store): it may
    /// have been sent, so it goes out again with DUP set once a connection has been accepted,
    /// or, with `released` (its PUBREC had arrived), continues with PUBREL.
    pub fn restore(&mut self, mid: u16, qos: u8, released: bool, message: M) {
        self.push(mid, qos, true, message);
        if released && qos == 2 {
            if let Some(entry) = self.by_mid.get(&mid).and_then(|seq| self.entries.get_mut(seq)) {
                entry.state = FlowState::ResendPubrel;
            }
        }
    }

    /// Update the counters for an entry leaving `state`.
    fn leaving(&mut self, state: FlowState) {
        if state.on_wire() {
            self.on_wire -= 1;
        } else if matches!(state, FlowState::ResendPublish | FlowState::ResendPubrel) {
            self.resends -= 1;
        }
    }

    /// The next message to put on the wire when fewer than `limit` messages hold a slot: it
    /// takes a slot, and the caller sends what [`Transmit`] says. Messages go in acceptance
    /// order; `None` when the limit is reached or nothing waits.
    pub fn next_transmit(&mut self, limit: usize) -> Option<(&Entry<M>, Transmit)> {
        if self.on_wire >= limit {
            return None;
        }
        let (&seq, entry) = self.entries.range_mut(self.cursor..).next()?;
        let transmit = match entry.state {
            FlowState::Queued => Transmit::Publish { dup: false },
            FlowState::ResendPublish => Transmit::Publish { dup: true },
            FlowState::ResendPubrel => Transmit::Pubrel,
            // Everything from the cursor on is off the wire (see `cursor`).
            FlowState::AwaitAck | FlowState::AwaitPubcomp => return None,
        };
        if entry.state != FlowState::Queued {
            self.resends -= 1;
        }
        entry.state = match transmit {
            Transmit::Publish { .. } => FlowState::AwaitAck,
            Transmit::Pubrel => FlowState::AwaitPubcomp,
        };
        self.cursor = seq + 1;
        self.on_wire += 1;
        Some((&*entry, transmit))
    }

    /// Remove a message that can never be sent (larger than the peer accepts, expired); returns
    /// it. Used right after [`OutFlow::next_transmit`] handed it out, or on a waiting message.
    pub fn remove(&mut self, mid: u16) -> Option<Entry<M>> {
        let seq = *self.by_mid.get(&mid)?;
        self.remove_seq(seq)
    }

    /// Remove the message accepted as `seq`.
    fn remove_seq(&mut self, seq: u64) -> Option<Entry<M>> {
        let entry = self.entries.remove(&seq)?;
        let mid = entry.mid;
        let later = self.shared_mids.get_mut(&mid);
        if self.by_mid.get(&mid) == Some(&seq) {
            match later {
                Some(queue) => {
                    if let Some(next) = queue.pop_front() {
                        self.by_mid.insert(mid, next);
                    }
                    if queue.is_empty() {
                        self.shared_mids.remove(&mid);
                    }
                }
                None => {
                    self.by_mid.remove(&mid);
                }
            }
        } else if let Some(queue) = later {
            queue.retain(|s| *s != seq);
            if queue.is_empty() {
                self.shared_mids.remove(&mid);
            }
        }
        self.leaving(entry.state);
        Some(entry)
    }

    /// Remove every waiting message for which `drop` returns true (expired messages, for
    /// example); messages holding a slot are kept. Returns how many were removed.
    pub fn remove_waiting_if(&mut self, mut drop: impl FnMut(&Entry<M>) -> bool) -> usize {
        let doomed: Vec<u64> = self
            .entries
            .range(self.cursor..)
            .filter(|(_, e)| !e.state.on_wire() && drop(e))
            .map(|(seq, _)| *seq)
            .collect();
        for seq in &doomed {
            self.remove_seq(*seq);
        }
        doomed.len()
    }

    /// PUBACK (`qos` 1) or PUBCOMP (`qos` 2) arrived for `mid`.
    pub fn complete(&mut self, mid: u16, qos: u8) -> AckOutcome<M> {
        let Some(entry) = self.get(mid) else {
            return AckOutcome::Unknown;
        };
        if entry.qos != qos {
            return AckOutcome::WrongQos;
        }
        let expected = if qos == 1 {
            FlowState::AwaitAck
        } else {
            FlowState::AwaitPubcomp
        };
        if entry.state != expected {
            return AckOutcome::Unknown;
        }
        match self.remove(mid) {
            Some(entry) => AckOutcome::Complete(entry),
            None => AckOutcome::Unknown,
        }
    }

    /// PUBREC arrived for `mid`. With `refused` (an MQTT 5 reason code of 0x80 or more) the
    /// flow ends here; otherwise the message waits for PUBCOMP and PUBREL is to be sent.
    pub fn pubrec(&mut self, mid: u16, refused: bool) -> AckOutcome<M> {
        let Some(&seq) = self.by_mid.get(&mid) else {
            return AckOutcome::Unknown;
        };
        let Some(entry) = self.entries.get_mut(&seq) else {
            return AckOutcome::Unknown;
        };
        if entry.qos != 2 {
            return AckOutcome::WrongQos;
        }
        match entry.state {
            FlowState::AwaitAck if refused => match self.remove(mid) {
                Some(entry) => AckOutcome::Complete(entry),
                None => AckOutcome::Unknown,
            },
            FlowState::AwaitAck => {
                entry.state = FlowState::AwaitPubcomp;
                AckOutcome::Released
            }
            // A repeated PUBREC: PUBREL again.
            FlowState::AwaitPubcomp if !refused => AckOutcome::Released,
            _ => AckOutcome::Unknown,
        }
    }

    /// The connection ended: what was on the wire is to be resent once the next connection is
    /// accepted, in the original order, ahead of the messages that never left.
    pub fn connection_lost(&mut self) {
        for entry in self.entries.values_mut() {
            entry.state = match entry.state {
                FlowState::AwaitAck => FlowState::ResendPublish,
                FlowState::AwaitPubcomp => FlowState::ResendPubrel,
                other => other,
            };
        }
        self.resends += self.on_wire;
        self.on_wire = 0;
        self.cursor = self.entries.keys().next().copied().unwrap_or(self.next_seq);
    }

    /// Messages in acceptance order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry<M>> {
        self.entries.values()
    }

    /// Forget every message.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.by_mid.clear();
        self.shared_mids.clear();
        self.cursor = self.next_seq;
        self.on_wire = 0;
        self.resends = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(flow: &mut OutFlow<&'static str>, limit: usize) -> Vec<(u16, Transmit)> {
        let mut out = Vec::new();
        while let Some((e, t)) = flow.next_transmit(limit) {
            out.push((e.mid, t));
        }
        out
    }

    const PUB: Transmit = Transmit::Publish { dup: false };
    const DUP: Transmit = Transmit::Publish { dup: true };

    #[test]
    fn a_shared_identifier_is_acknowledged_oldest_first() {
        let mut f = OutFlow::default();
        f.push(7, 1, false, "first");
        f.push(8, 1, false, "other");
        f.push(7, 1, false, "second");
        assert_eq!(f.len(), 3);
        assert_eq!(sent(&mut f, 10), vec![(7, PUB), (8, PUB), (7, PUB)]);
        assert!(matches!(f.complete(7, 1), AckOutcome::Complete(e) if e.message == "first"));
        assert!(matches!(f.complete(7, 1), AckOutcome::Complete(e) if e.message == "second"));
        assert_eq!(f.complete(7, 1), AckOutcome::Unknown);
        assert_eq!(f.len(), 1);
        // A later message with the identifier, removed before the older one.
        f.push(9, 1, false, "a");
        f.push(9, 1, false, "b");
        assert_eq!(f.remove_waiting_if(|e| e.message == "b"), 1);
        assert!(matches!(f.remove(9), Some(e) if e.message == "a"));
        assert!(!f.contains(9));
    }

    #[test]
    fn slots_are_taken_in_order_and_given_back_by_acks() {
        let mut f = OutFlow::default();
        for mid in 1..=5 {
            f.push(mid, 1, false, "m");
        }
        assert_eq!(sent(&mut f, 2), vec![(1, PUB), (2, PUB)]);
        assert_eq!(f.in_flight(), 2);
        assert_eq!(f.waiting(), 3);
        // An ack out of order frees a slot; the next message in order takes it.
        assert!(matches!(f.complete(2, 1), AckOutcome::Complete(e) if e.mid == 2));
        assert_eq!(sent(&mut f, 2), vec![(3, PUB)]);
        assert_eq!(f.complete(2, 1), AckOutcome::Unknown, "acknowledged once only");
        assert_eq!(f.complete(3, 2), AckOutcome::WrongQos);
    }

    #[test]
    fn reconnect_resends_in_order_and_continues_qos2_with_pubrel() {
        let mut f = OutFlow::default();
        f.push(1, 2, false, "a");
        f.push(2, 1, false, "b");
        f.push(3, 2, false, "c");
        f.push(4, 1, false, "d");
        assert_eq!(sent(&mut f, 3), vec![(1, PUB), (2, PUB), (3, PUB)]);
        assert_eq!(f.pubrec(1, false), AckOutcome::Released);
        f.connection_lost();
        assert!(f.has_resends());
        assert_eq!(f.in_flight(), 0);
        // Two slots only on the new connection: the rest keeps its place and its state.
        assert_eq!(sent(&mut f, 2), vec![(1, Transmit::Pubrel), (2, DUP)]);
        f.connection_lost();
        assert_eq!(
            sent(&mut f, 10),
            vec![(1, Transmit::Pubrel), (2, DUP), (3, DUP), (4, PUB)]
        );
        assert!(matches!(f.complete(1, 2), AckOutcome::Complete(_)));
        assert_eq!(f.pubrec(3, false), AckOutcome::Released);
        assert_eq!(f.pubrec(3, false), AckOutcome::Released, "a repeated PUBREC");
        assert!(matches!(f.complete(3, 2), AckOutcome::Complete(_)));
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn refused_pubrec_ends_the_flow() {
        let mut f = OutFlow::default();
        f.push(7, 2, false, "x");
        assert_eq!(sent(&mut f, 1), vec![(7, PUB)]);
        assert!(matches!(f.pubrec(7, true), AckOutcome::Complete(e) if e.mid == 7));
        assert!(f.is_empty());
        assert_eq!(f.in_flight(), 0);
    }

    #[test]
    fn queued_messages_stay_behind_resends() {
        let mut f = OutFlow::default();
        f.push(1, 1, false, "old");
        assert_eq!(sent(&mut f, 5), vec![(1, PUB)]);
        f.connection_lost();
        f.push(2, 1, true, "kept while offline");
        assert!(f.has_resends());
        f.push(3, 1, false, "new");
        assert_eq!(sent(&mut f, 5), vec![(1, DUP), (2, DUP), (3, PUB)]);
    }

    #[test]
    fn waiting_messages_can_be_dropped() {
        let mut f = OutFlow::default();
        for mid in 1..=4 {
            f.push(mid, 1, false, if mid % 2 == 0 { "old" } else { "new" });
        }
        assert_eq!(sent(&mut f, 1), vec![(1, PUB)]);
        assert_eq!(f.remove_waiting_if(|e| e.message == "old"), 2);
        assert_eq!(sent(&mut f, 5), vec![(3, PUB)]);
        assert!(!f.contains(2) && !f.contains(4));
        assert!(f.remove(1).is_some());
        assert_eq!(f.in_flight(), 1);
    }
}
