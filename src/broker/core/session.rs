//! A client's session: what the broker keeps for a client id across its connections.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use super::message::{Delivery, Message};
use super::shard::ConnId;
use crate::protocol::flow::OutFlow;
use crate::protocol::{ProtocolVersion, Will};

/// Session expiry interval meaning "never".
pub const NEVER: u32 = u32::MAX;

/// An inbound QoS 2 message between its PUBREC and its PUBREL.
#[derive(Debug)]
pub struct Incoming {
    /// The message to route at PUBREL (`None` when it was refused or is not delivered).
    pub message: Option<Arc<Message>>,
    /// How often the same PUBLISH came again before PUBREL.
    pub repeats: u8,
}

/// A session; see the module documentation.
#[derive(Debug)]
pub struct Session {
    pub client_id: Arc<str>,
    /// The connection serving the session, if the client is connected.
    pub conn: Option<ConnId>,
    /// The protocol of the last connection.
    pub version: ProtocolVersion,
    pub username: Option<Arc<str>>,
    /// The listener of the last connection.
    pub listener: usize,
    /// Seconds the session outlives its connection ([`NEVER`]: for ever).
    pub expiry_interval: u32,
    /// When the session expires (while no client is connected).
    pub expires_at: Option<Instant>,
    /// QoS 1 and 2 copies for the client, from queueing to their last acknowledgement.
    pub outgoing: OutFlow<Delivery>,
    /// QoS 0 copies kept while the client is away (`queue_qos0_messages`).
    pub qos0_queue: VecDeque<Delivery>,
    /// Inbound QoS 2 messages waiting for PUBREL, by packet identifier.
    pub incoming: HashMap<u16, Incoming>,
    pub last_mid: u16,
    /// The will of the connection, and its delay in seconds.
    pub will: Option<(Will, u32)>,
    /// When a delayed will is due.
    pub will_at: Option<Instant>,
    /// The "messages are being dropped" line was logged for the current connection.
    pub drop_logged: bool,
    /// The client's limits (v5 CONNECT): receive maximum and maximum packet size (0: none).
    pub client_receive_max: u16,
    pub client_max_packet: u32,
    /// Payload bytes of the copies held.
    pub held_bytes: usize,
    /// With persistence: the store holds this session (it has an expiry interval).
    pub stored: bool,
}

impl Session {
    pub fn new(client_id: Arc<str>, version: ProtocolVersion, listener: usize) -> Self {
        Self {
            client_id,
            conn: None,
            version,
            username: None,
            listener,
            expiry_interval: 0,
            expires_at: None,
            outgoing: OutFlow::default(),
            qos0_queue: VecDeque::new(),
            incoming: HashMap::new(),
            last_mid: 0,
            will: None,
            will_at: None,
            drop_logged: false,
            client_receive_max: u16::MAX,
            client_max_packet: 0,
            held_bytes: 0,
            stored: false,
        }
    }

    /// The next packet identifier not in use by an outgoing message.
    pub fn next_mid(&mut self) -> Option<u16> {
        for _ in 0..u16::MAX {
            self.last_mid = self.last_mid.wrapping_add(1);
            if self.last_mid == 0 {
                self.last_mid = 1;
            }
            if !self.outgoing.contains(self.last_mid) {
                return Some(self.last_mid);
            }
        }
        None
    }

    /// Messages held and their payload bytes (for `$SYS/broker/store/...`).
    pub fn stored(&self) -> (usize, usize) {
        (self.outgoing.len() + self.qos0_queue.len(), self.held_bytes)
    }
}
