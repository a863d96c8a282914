//! MQTT control packets: their values and their wire encoding.
//!
//! Decoding works on one complete packet at a time: the caller first reads the fixed header with
//! [`parse_fixed_header`], waits until `remaining_length` bytes of body are available, then calls
//! [`decode`]. Encoding appends to a caller-provided `Vec<u8>`.

use super::properties::Property;
use super::{DecodeError, ProtocolVersion};

/// Packet type numbers (the high nibble of the first byte, shifted down).
pub mod kind {
    pub const CONNECT: u8 = 1;
    pub const CONNACK: u8 = 2;
    pub const PUBLISH: u8 = 3;
    pub const PUBACK: u8 = 4;
    pub const PUBREC: u8 = 5;
    pub const PUBREL: u8 = 6;
    pub const PUBCOMP: u8 = 7;
    pub const SUBSCRIBE: u8 = 8;
    pub const SUBACK: u8 = 9;
    pub const UNSUBSCRIBE: u8 = 10;
    pub const UNSUBACK: u8 = 11;
    pub const PINGREQ: u8 = 12;
    pub const PINGRESP: u8 = 13;
    pub const DISCONNECT: u8 = 14;
    pub const AUTH: u8 = 15;
}

/// The fixed header of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedHeader {
    /// The first byte: packet type in the high nibble, flags in the low nibble.
    pub first_byte: u8,
    /// The number of body bytes that follow the header.
    pub remaining_length: usize,
    /// The size of the fixed header itself (2 to 5 bytes).
    pub header_len: usize,
}

/// The will message carried in CONNECT.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Will {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: u8,
    pub retain: bool,
    /// v5 will properties (empty for 3.x).
    pub properties: Vec<Property>,
}

/// CONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    pub version: ProtocolVersion,
    /// Clean session (3.x) / clean start (5.0).
    pub clean_start: bool,
    pub keepalive: u16,
    /// May be empty.
    pub client_id: String,
    pub will: Option<Will>,
    pub username: Option<String>,
    pub password: Option<Vec<u8>>,
    pub properties: Vec<Property>,
}

/// CONNACK.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Connack {
    pub session_present: bool,
    /// The 3.x return code or the v5 reason code.
    pub reason_code: u8,
    pub properties: Vec<Property>,
}

/// PUBLISH.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Publish {
    pub dup: bool,
    pub qos: u8,
    pub retain: bool,
    /// May be empty only in v5 with a topic alias (the session decides whether that is allowed).
    pub topic: String,
    /// Packet identifier; 0 for QoS 0.
    pub mid: u16,
    /// The decoder allocates one spare byte of capacity so that a NUL can be appended for C
    /// without reallocating.
    pub payload: Vec<u8>,
    pub properties: Vec<Property>,
}

/// PUBACK, PUBREC, PUBREL and PUBCOMP share one shape.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ack {
    pub mid: u16,
    /// 0 in 3.x; in v5 the reason code (0 when the short form was received).
    pub reason_code: u8,
    pub properties: Vec<Property>,
}

/// SUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subscribe {
    pub mid: u16,
    /// Topic filter and the options byte (QoS in bits 0-1; v5 no-local, retain-as-published and
    /// retain handling in bits 2-5).
    pub filters: Vec<(String, u8)>,
    pub properties: Vec<Property>,
}

/// SUBACK.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Suback {
    pub mid: u16,
    /// Granted QoS (3.x) or reason codes (v5), one per filter.
    pub reason_codes: Vec<u8>,
    pub properties: Vec<Property>,
}

/// UNSUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unsubscribe {
    pub mid: u16,
    pub filters: Vec<String>,
    pub properties: Vec<Property>,
}

/// UNSUBACK.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unsuback {
    pub mid: u16,
    /// v5 only: one reason code per filter (empty for 3.x).
    pub reason_codes: Vec<u8>,
    pub properties: Vec<Property>,
}

/// DISCONNECT (v5 carries a reason code and properties; 3.x has an empty body).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disconnect {
    pub reason_code: u8,
    pub properties: Vec<Property>,
}

/// AUTH (v5 only).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Auth {
    pub reason_code: u8,
    pub properties: Vec<Property>,
}

/// Any MQTT control packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Connect(Connect),
    Connack(Connack),
    Publish(Publish),
    Puback(Ack),
    Pubrec(Ack),
    Pubrel(Ack),
    Pubcomp(Ack),
    Subscribe(Subscribe),
    Suback(Suback),
    Unsubscribe(Unsubscribe),
    Unsuback(Unsuback),
    Pingreq,
    Pingresp,
    Disconnect(Disconnect),
    Auth(Auth),
}

/// Parse the fixed header at the start of `buf`.
///
/// Returns `Ok(None)` when more bytes are needed to know the remaining length, and
/// `Err(DecodeError::BadVarint)` when the length field is longer than four bytes.
pub fn parse_fixed_header(buf: &[u8]) -> Result<Option<FixedHeader>, DecodeError> {
    let _ = buf;
    todo!()
}

/// Decode the body of one packet whose fixed header had `first_byte`.
///
/// `version` selects the 3.x or v5 layout for every packet but CONNECT, which carries its own.
pub fn decode(first_byte: u8, body: &[u8], version: ProtocolVersion) -> Result<Packet, DecodeError> {
    let _ = (first_byte, body, version);
    todo!()
}

impl Packet {
    /// Append the complete wire form of the packet (fixed header included) to `out`.
    ///
    /// Acks and DISCONNECT use the short v5 forms when the reason code is 0 and there are no
    /// properties.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        let _ = (version, out);
        todo!()
    }
}

/// The borrowed fields of an outgoing PUBLISH, so that a message can be encoded without copying
/// it into a [`Publish`] first.
#[derive(Debug, Clone, Copy)]
pub struct PublishRef<'a> {
    pub dup: bool,
    pub qos: u8,
    pub retain: bool,
    pub topic: &'a str,
    pub mid: u16,
    pub payload: &'a [u8],
    pub properties: &'a [Property],
}

impl PublishRef<'_> {
    /// The size of the complete packet on the wire, fixed header included.
    pub fn encoded_len(&self, version: ProtocolVersion) -> usize {
        let _ = version;
        todo!()
    }

    /// Append the complete packet to `out`.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        let _ = (version, out);
        todo!()
    }
}
