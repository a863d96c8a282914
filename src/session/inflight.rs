//! Outgoing QoS 1 and 2 messages, from the publish call until their last acknowledgement.
//!
//! Messages keep the order they were published in. Those that hold an in-flight slot come first
//! (`inflight`), those still waiting for one follow (`queued`); acknowledgements normally arrive
//! for the oldest message, so lookups scan from the front.

use std::collections::VecDeque;

use crate::protocol::Property;

/// Where an outgoing message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutState {
    /// Sent (or to be sent as soon as there is a connection); waiting for PUBACK.
    WaitPuback,
    /// Sent; waiting for PUBREC.
    WaitPubrec,
    /// PUBREL sent; waiting for PUBCOMP.
    WaitPubcomp,
    /// To be sent again, with DUP set, once the next CONNACK accepts the connection.
    ResendPublish,
    /// PUBREL to be sent again once the next CONNACK accepts the connection.
    ResendPubrel,
}

/// One outgoing QoS 1 or 2 message.
#[derive(Debug, Clone)]
pub struct OutMessage {
    pub mid: u16,
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: u8,
    pub retain: bool,
    pub dup: bool,
    pub properties: Vec<Property>,
    pub state: OutState,
}

/// The outgoing store.
#[derive(Debug, Default)]
pub struct Outgoing {
    /// Messages holding an in-flight slot, oldest first.
    pub inflight: VecDeque<OutMessage>,
    /// Messages waiting for a slot, oldest first.
    pub queued: VecDeque<OutMessage>,
}

impl Outgoing {
    /// Position of the in-flight message with `mid`.
    pub fn find(&self, mid: u16) -> Option<usize> {
        self.inflight.iter().position(|m| m.mid == mid)
    }

    pub fn len(&self) -> usize {
        self.inflight.len() + self.queued.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inflight.is_empty() && self.queued.is_empty()
    }

    /// All messages in publish order.
    pub fn drain_all(&mut self) -> Vec<OutMessage> {
        let mut all: Vec<OutMessage> = self.inflight.drain(..).collect();
        all.extend(self.queued.drain(..));
        all
    }
}
