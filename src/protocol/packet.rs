//! MQTT control packets: their values and their wire encoding.
//!
//! Decoding works on one complete packet at a time: the caller first reads the fixed header with
//! [`parse_fixed_header`], waits until `remaining_length` bytes of body are available, then calls
//! [`decode`]. Encoding appends to a caller-provided `Vec<u8>`.

use bytes::Bytes;

use super::properties::Property;
use super::writer::{packet_len, put_fixed_header};
use super::{DecodeError, ProtocolVersion, Sender};

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

    /// The name of packet type `packet_type` ("CONNECT", "PUBACK", ...), or "UNKNOWN".
    pub fn name(packet_type: u8) -> &'static str {
        match packet_type {
            CONNECT => "CONNECT",
            CONNACK => "CONNACK",
            PUBLISH => "PUBLISH",
            PUBACK => "PUBACK",
            PUBREC => "PUBREC",
            PUBREL => "PUBREL",
            PUBCOMP => "PUBCOMP",
            SUBSCRIBE => "SUBSCRIBE",
            SUBACK => "SUBACK",
            UNSUBSCRIBE => "UNSUBSCRIBE",
            UNSUBACK => "UNSUBACK",
            PINGREQ => "PINGREQ",
            PINGRESP => "PINGRESP",
            DISCONNECT => "DISCONNECT",
            AUTH => "AUTH",
            _ => "UNKNOWN",
        }
    }
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
    /// Shared, so that a server can hand one payload to every subscriber without copying it.
    /// The decoder gives it one spare byte of capacity, so that a C caller can get it with a
    /// NUL after it without copying ([`Bytes::try_into_mut`]).
    pub payload: Bytes,
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

impl FixedHeader {
    /// The packet type (the high nibble of the first byte, see [`kind`]).
    pub fn packet_type(&self) -> u8 {
        self.first_byte >> 4
    }

    /// The size of the whole packet: fixed header plus body.
    pub fn packet_len(&self) -> usize {
        self.header_len + self.remaining_length
    }
}

/// Parse the fixed header at the start of `buf`.
///
/// Returns `Ok(None)` when more bytes are needed to know the remaining length, and
/// `Err(DecodeError::BadVarint)` when the length field is longer than four bytes, so the
/// remaining length is at most [`MAX_REMAINING_LENGTH`](super::MAX_REMAINING_LENGTH). The packet
/// type and flags are checked by [`decode`], not here.
pub fn parse_fixed_header(buf: &[u8]) -> Result<Option<FixedHeader>, DecodeError> {
    let Some((&first_byte, length_bytes)) = buf.split_first() else {
        return Ok(None);
    };
    let mut remaining_length = 0usize;
    for (i, shift) in [0u32, 7, 14, 21].into_iter().enumerate() {
        let Some(&byte) = length_bytes.get(i) else {
            return Ok(None);
        };
        remaining_length |= usize::from(byte & 0x7F) << shift;
        if byte & 0x80 == 0 {
            return Ok(Some(FixedHeader {
                first_byte,
                remaining_length,
                header_len: 2 + i,
            }));
        }
    }
    Err(DecodeError::BadVarint)
}

/// Find the first packet in `buf`: `Ok(None)` until all of it has arrived, then its fixed
/// header (the packet is `buf[..header.packet_len()]`). A packet larger than `limit` bytes
/// (fixed header included) is refused as soon as its fixed header is there, before its body is
/// buffered.
pub fn frame(buf: &[u8], limit: usize) -> Result<Option<FixedHeader>, DecodeError> {
    let Some(header) = parse_fixed_header(buf)? else {
        return Ok(None);
    };
    let size = header.packet_len();
    if size > limit {
        return Err(DecodeError::TooLarge { size, limit });
    }
    Ok((buf.len() >= size).then_some(header))
}

/// Decode the first complete packet in `buf`, from a server: `Ok(None)` until all of it has
/// arrived, then the packet and its total size (fixed header included).
pub fn decode_packet(buf: &[u8], version: ProtocolVersion) -> Result<Option<(Packet, usize)>, DecodeError> {
    let Some(header) = frame(buf, usize::MAX)? else {
        return Ok(None);
    };
    let body = &buf[header.header_len..header.packet_len()];
    decode(header.first_byte, body, version).map(|p| Some((p, header.packet_len())))
}

/// Check the low nibble of the first byte. MQTT 3.1 gave DUP, QoS and RETAIN bits to every
/// packet type and libmosquitto does not check them for 3.1, so neither does this.
fn expect_flags(flags: u8, expected: u8, version: ProtocolVersion) -> Result<(), DecodeError> {
    if flags == expected || version == ProtocolVersion::V31 {
        Ok(())
    } else {
        Err(DecodeError::Protocol)
    }
}

/// Decode the body of one packet whose fixed header had `first_byte`.
///
/// `version` selects the 3.x or v5 layout for every packet but CONNECT, which carries its own.
///
/// Checks, beyond the layout of each packet: fixed-header flags (0, or 0b0010 for PUBREL,
/// SUBSCRIBE and UNSUBSCRIBE; not checked for 3.1), PUBLISH QoS 3, packet identifier 0, the
/// CONNECT flag combinations, SUBSCRIBE options, an empty SUBSCRIBE, SUBACK or UNSUBSCRIBE
/// payload, the UTF-8 rules for every string and the v5 property rules of
/// [`properties`](super::properties). Reason code values are left to the caller.
///
/// This decodes packets sent by a server; [`decode_from`] says who sent them.
pub fn decode(first_byte: u8, body: &[u8], version: ProtocolVersion) -> Result<Packet, DecodeError> {
    decode_from(Sender::Server, first_byte, body, version)
}

/// Like [`decode`], for packets sent by `sender`.
pub fn decode_from(
    sender: Sender,
    first_byte: u8,
    body: &[u8],
    version: ProtocolVersion,
) -> Result<Packet, DecodeError> {
    let flags = first_byte & 0x0F;
    let packet_type = first_byte >> 4;
    if packet_type != kind::PUBLISH {
        let expected = match packet_type {
            kind::PUBREL | kind::SUBSCRIBE | kind::UNSUBSCRIBE => 0b0010,
            _ => 0,
        };
        // CONNECT is checked whatever version the caller expects.
        let checked_as = if packet_type == kind::CONNECT {
            ProtocolVersion::V311
        } else {
            version
        };
        expect_flags(flags, expected, checked_as)?;
    }
    Ok(match packet_type {
        kind::CONNECT => Packet::Connect(Connect::decode(body)?),
        kind::CONNACK => Packet::Connack(Connack::decode(body, version)?),
        kind::PUBLISH => Packet::Publish(Publish::decode(flags, body, version, sender)?),
        kind::PUBACK => Packet::Puback(Ack::decode(kind::PUBACK, body, version)?),
        kind::PUBREC => Packet::Pubrec(Ack::decode(kind::PUBREC, body, version)?),
        kind::PUBREL => Packet::Pubrel(Ack::decode(kind::PUBREL, body, version)?),
        kind::PUBCOMP => Packet::Pubcomp(Ack::decode(kind::PUBCOMP, body, version)?),
        kind::SUBSCRIBE => Packet::Subscribe(Subscribe::decode(body, version)?),
        kind::SUBACK => Packet::Suback(Suback::decode(body, version)?),
        kind::UNSUBSCRIBE => Packet::Unsubscribe(Unsubscribe::decode(body, version)?),
        kind::UNSUBACK => Packet::Unsuback(Unsuback::decode(body, version)?),
        kind::PINGREQ => {
            super::control::expect_empty(body)?;
            Packet::Pingreq
        }
        kind::PINGRESP => {
            super::control::expect_empty(body)?;
            Packet::Pingresp
        }
        kind::DISCONNECT => Packet::Disconnect(Disconnect::decode(body, version)?),
        kind::AUTH => Packet::Auth(Auth::decode(body, version)?),
        _ => return Err(DecodeError::Protocol),
    })
}

/// Append a fixed header and a body of `body_len` bytes written by `body`.
pub(super) fn emit(out: &mut Vec<u8>, first_byte: u8, body_len: usize, body: impl FnOnce(&mut Vec<u8>)) {
    out.reserve(packet_len(body_len));
    put_fixed_header(out, first_byte, body_len);
    let start = out.len();
    body(out);
    debug_assert_eq!(out.len() - start, body_len, "packet 0x{first_byte:02X}");
}

impl Packet {
    /// The packet type number (see [`kind`]).
    pub fn packet_type(&self) -> u8 {
        match self {
            Self::Connect(_) => kind::CONNECT,
            Self::Connack(_) => kind::CONNACK,
            Self::Publish(_) => kind::PUBLISH,
            Self::Puback(_) => kind::PUBACK,
            Self::Pubrec(_) => kind::PUBREC,
            Self::Pubrel(_) => kind::PUBREL,
            Self::Pubcomp(_) => kind::PUBCOMP,
            Self::Subscribe(_) => kind::SUBSCRIBE,
            Self::Suback(_) => kind::SUBACK,
            Self::Unsubscribe(_) => kind::UNSUBSCRIBE,
            Self::Unsuback(_) => kind::UNSUBACK,
            Self::Pingreq => kind::PINGREQ,
            Self::Pingresp => kind::PINGRESP,
            Self::Disconnect(_) => kind::DISCONNECT,
            Self::Auth(_) => kind::AUTH,
        }
    }

    /// The packet type's name as libmosquitto logs it ("CONNECT", "PUBACK", ...).
    pub fn name(&self) -> &'static str {
        kind::name(self.packet_type())
    }

    /// The first byte on the wire (packet type and flags).
    pub fn first_byte(&self) -> u8 {
        match self {
            Self::Publish(p) => p.as_publish_ref().first_byte(),
            Self::Pubrel(_) | Self::Subscribe(_) | Self::Unsubscribe(_) => (self.packet_type() << 4) | 0b0010,
            _ => self.packet_type() << 4,
        }
    }

    fn body_len(&self, version: ProtocolVersion) -> usize {
        match self {
            Self::Connect(c) => c.body_len(),
            Self::Connack(c) => c.body_len(version),
            Self::Publish(p) => p.as_publish_ref().body_len(version),
            Self::Puback(a) | Self::Pubrec(a) | Self::Pubrel(a) | Self::Pubcomp(a) => a.body_len(version),
            Self::Subscribe(s) => s.body_len(version),
            Self::Suback(s) => s.body_len(version),
            Self::Unsubscribe(u) => u.body_len(version),
            Self::Unsuback(u) => u.body_len(version),
            Self::Pingreq | Self::Pingresp => 0,
            Self::Disconnect(d) => d.body_len(version),
            Self::Auth(a) => a.body_len(),
        }
    }

    fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        match self {
            Self::Connect(c) => c.encode_body(out),
            Self::Connack(c) => c.encode_body(version, out),
            Self::Publish(p) => p.as_publish_ref().encode_body(version, out),
            Self::Puback(a) | Self::Pubrec(a) | Self::Pubrel(a) | Self::Pubcomp(a) => {
                a.encode_body(version, out)
            }
            Self::Subscribe(s) => s.encode_body(version, out),
            Self::Suback(s) => s.encode_body(version, out),
            Self::Unsubscribe(u) => u.encode_body(version, out),
            Self::Unsuback(u) => u.encode_body(version, out),
            Self::Pingreq | Self::Pingresp => {}
            Self::Disconnect(d) => d.encode_body(version, out),
            Self::Auth(a) => a.encode_body(out),
        }
    }

    /// Append the complete wire form of the packet (fixed header included) to `out`.
    ///
    /// CONNECT uses its own `version`; every other packet uses `version`. Properties and v5
    /// reason codes are left out for 3.x (AUTH, which 3.x lacks, is written in its v5 form).
    /// Acks and DISCONNECT use the short v5 forms when the reason code is 0 and there are no
    /// properties, and leave out the property length when there are no properties, as
    /// libmosquitto does.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        emit(out, self.first_byte(), self.body_len(version), |out| {
            self.encode_body(version, out)
        });
    }

    /// The size of [`Packet::encode`]'s output.
    pub fn encoded_len(&self, version: ProtocolVersion) -> usize {
        packet_len(self.body_len(version))
    }
}

impl Publish {
    /// The borrowed view of this message, for encoding.
    pub fn as_publish_ref(&self) -> PublishRef<'_> {
        PublishRef {
            dup: self.dup,
            qos: self.qos,
            retain: self.retain,
            topic: &self.topic,
            mid: self.mid,
            payload: &self.payload,
            properties: &self.properties,
        }
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
        packet_len(self.body_len(version))
    }

    /// Append the complete packet to `out`.
    ///
    /// The packet identifier is written only for QoS 1 and 2; properties only for v5.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        emit(out, self.first_byte(), self.body_len(version), |out| {
            self.encode_body(version, out)
        });
    }
}

#[cfg(test)]
mod tests;
