//! The MQTT codec: packet types, their wire encoding and decoding, topic and UTF-8 rules.
//!
//! This layer only turns bytes into values and back. It does no I/O, reads no clock and holds
//! no state between calls. Every decoder checks lengths before it reads, so malformed or
//! hostile input yields a [`DecodeError`], never a panic or an allocation larger than the input.

#![forbid(unsafe_code)]

mod ack;
mod connect;
pub mod consts;
mod control;
pub mod flow;
pub mod packet;
pub mod properties;
mod publish;
pub mod reader;
mod subscribe;
#[cfg(test)]
mod testutil;
pub mod topic;
pub mod utf8;
pub mod writer;

pub use packet::*;
pub use properties::{PropValue, Property};

/// The largest value the MQTT remaining-length field can hold (four varint bytes).
pub const MAX_REMAINING_LENGTH: usize = 268_435_455;

/// Who sent the packets a decoder reads: some rules depend on the direction (a PUBLISH from a
/// client may not carry subscription identifiers; one from a server may carry several).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// Packets from a server, read by a client.
    Server,
    /// Packets from a client, read by a server.
    Client,
}

/// Protocol level, as carried in CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    /// MQTT 3.1 ("MQIsdp", level 3).
    V31,
    /// MQTT 3.1.1 ("MQTT", level 4).
    V311,
    /// MQTT 5.0 ("MQTT", level 5).
    V5,
}

impl ProtocolVersion {
    /// The protocol level byte of CONNECT (3, 4 or 5).
    pub fn level(self) -> u8 {
        match self {
            Self::V31 => 3,
            Self::V311 => 4,
            Self::V5 => 5,
        }
    }

    /// The version for a protocol level byte, if known.
    pub fn from_level(level: u8) -> Option<Self> {
        match level {
            3 => Some(Self::V31),
            4 => Some(Self::V311),
            5 => Some(Self::V5),
            _ => None,
        }
    }

    /// True for MQTT 5.0, the only version with properties and reason codes.
    pub fn is_v5(self) -> bool {
        self == Self::V5
    }
}

/// Why a packet could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// The packet ends before a field it announces (or the remaining length is too short).
    Truncated,
    /// Bytes are left over after the last field of a packet that has a fixed layout.
    TrailingBytes,
    /// The remaining-length varint (or another varint) is longer than four bytes.
    BadVarint,
    /// The fixed header announces a packet (fixed header included) of `size` bytes, more than
    /// the `limit` the reader accepts; seen before any of the body is buffered.
    TooLarge { size: usize, limit: usize },
    /// A string is not valid MQTT UTF-8.
    Utf8,
    /// The packet violates the protocol (reserved flags, bad QoS, mid 0, unknown packet type...).
    Protocol,
    /// A property identifier is unknown or not allowed in this packet.
    BadProperty,
    /// A property identifier no MQTT version defines.
    UnknownProperty,
    /// A property that may appear only once appears twice.
    DuplicateProperty,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

impl std::error::Error for DecodeError {}
