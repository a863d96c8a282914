//! A client connection as the protocol sees it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use crate::protocol::ProtocolVersion;

/// How a connection ends, for the log line and the will.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The client sent DISCONNECT (v5: with this reason; 0x04 keeps the will).
    Disconnect(u8),
    /// The client closed its connection.
    Closed,
    /// Keepalive expired.
    Timeout,
    /// A malformed packet.
    Malformed,
    /// A protocol error.
    Protocol,
    /// Refused credentials.
    NotAuthorised,
    /// A packet above the size limit.
    Oversize,
    /// A feature refused (QoS too high, retain, AUTH).
    NotAllowed,
    /// Another connection took the session over.
    TakenOver,
    /// A socket error, with its text.
    Socket,
    /// The broker shuts down.
    Shutdown,
    /// The CONNECT was refused (no session was ever attached).
    Refused,
    /// The reloaded password file no longer accepts the client.
    Reauthentication,
    /// Another error, with mosquitto's text for it (`Bad socket read/write on client ...`).
    Failed(&'static str),
}

/// A connection; see the module documentation.
#[derive(Debug)]
pub struct Conn {
    pub peer: Option<SocketAddr>,
    /// `ip:port`, or the listener's socket path for a Unix connection.
    pub peer_text: String,
    pub listener: usize,
    pub version: ProtocolVersion,
    /// The session slot, once CONNECT was accepted.
    pub session: Option<u32>,
    /// The client id, once known (for log lines).
    pub client_id: Option<Arc<str>>,
    pub username: Option<Arc<str>>,
    pub password: Option<Box<[u8]>>,
    /// The identity from the client's TLS certificate (listeners with
    /// `use_identity_as_username` or `use_subject_as_username`).
    pub identity: Option<Arc<str>>,
    /// Keepalive in seconds (0: none) and when the last complete packet arrived.
    pub keepalive: u16,
    pub last_in: Instant,
    /// Bytes of an incomplete packet.
    pub inbuf: Vec<u8>,
    /// Bytes waiting for the socket.
    pub out: Vec<u8>,
    pub marked_writable: bool,
    /// Packets put in `out` since it was last empty (QoS 0 copies are dropped above
    /// `max_queued_messages`).
    pub out_packets: u32,
    /// `out_packets` when the worker last took the bytes (forgotten once they are written).
    pub taken_packets: u32,
    /// The connection is being closed: nothing more is sent.
    pub closing: bool,
    /// Inbound topic aliases (v5): index `alias - 1`.
    pub aliases: Vec<Option<Arc<str>>>,
    /// Whether the session's will is published when this connection ends.
    pub will_on_close: bool,
    /// The CONNECT was accepted and counted in `clients_connected`.
    pub connected: bool,
    /// The connection moves to the shard of its client id.
    pub handed_off: bool,
    /// A bridge that said so in its CONNECT (the top bit of a 3.x protocol level): its
    /// subscriptions get No Local and Retain As Published.
    pub bridge: bool,
}

impl Conn {
    pub fn new(peer: Option<SocketAddr>, peer_text: String, listener: usize, now: Instant) -> Self {
        Self {
            peer,
            peer_text,
            listener,
            version: ProtocolVersion::V311,
            session: None,
            client_id: None,
            username: None,
            password: None,
            identity: None,
            keepalive: 60,
            last_in: now,
            inbuf: Vec::new(),
            out: Vec::new(),
            marked_writable: false,
            out_packets: 0,
            taken_packets: 0,
            closing: false,
            aliases: Vec::new(),
            will_on_close: true,
            connected: false,
            handed_off: false,
            bridge: false,
        }
    }

    /// The name log lines use: the client id, or `<unknown>` before CONNECT was accepted.
    pub fn name(&self) -> &str {
        self.client_id.as_deref().unwrap_or("<unknown>")
    }
}
