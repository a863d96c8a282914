//! The values and keys of the store's tables: the broker's records in bytes and back.
//!
//! Every value starts with a version byte ([`VERSION`]); a value of another version, or one
//! that does not decode, is reported and skipped at load. Times are kept as Unix times in
//! milliseconds, so that deadlines (session expiry, will delay, message expiry) keep running
//! while the broker is down.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::broker::core::journal::{Matches, SessionMeta};
use crate::broker::core::message::{Delivery, Message};
use crate::broker::core::subs::SubOptions;
use crate::protocol::properties::{decode_properties, encode_properties};
use crate::protocol::reader::Reader;
use crate::protocol::{DecodeError, ProtocolVersion, Will};

/// The version byte of every value.
pub const VERSION: u8 = 1;

/// The monotonic clock and the wall clock at one moment, to turn deadlines from one into the
/// other.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub now: Instant,
    /// Unix time in milliseconds.
    pub wall_ms: u64,
}

impl Clock {
    fn to_wall(self, at: Instant) -> u64 {
        if at >= self.now {
            self.wall_ms
                .saturating_add(at.duration_since(self.now).as_millis() as u64)
        } else {
            self.wall_ms
                .saturating_sub(self.now.duration_since(at).as_millis() as u64)
        }
    }

    /// A deadline kept as a wall time; one that has passed is now.
    fn to_instant(self, wall_ms: u64) -> Instant {
        self.now + Duration::from_millis(wall_ms.saturating_sub(self.wall_ms))
    }
}

/// A value that could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadRecord;

impl From<DecodeError> for BadRecord {
    fn from(_: DecodeError) -> Self {
        Self
    }
}

type Result<T> = std::result::Result<T, BadRecord>;

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Bytes with a 32-bit length.
fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u32(out, b.len() as u32);
    out.extend_from_slice(b);
}

fn get_u64(r: &mut Reader<'_>) -> Result<u64> {
    let hi = u64::from(r.u32()?);
    let lo = u64::from(r.u32()?);
    Ok(hi << 32 | lo)
}

fn get_bytes<'a>(r: &mut Reader<'a>) -> Result<&'a [u8]> {
    let n = r.u32()? as usize;
    Ok(r.take(n)?)
}

fn get_str<'a>(r: &mut Reader<'a>) -> Result<&'a str> {
    std::str::from_utf8(get_bytes(r)?).map_err(|_| BadRecord)
}

fn version_byte(r: &mut Reader<'_>) -> Result<()> {
    if r.u8()? == VERSION {
        Ok(())
    } else {
        Err(BadRecord)
    }
}

/// The key prefix of everything a client id owns: its length, then its bytes (so that no
/// client's prefix is the start of another's).
pub fn client_key(client: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(client.len() + 4);
    put_u16(&mut k, client.len().min(usize::from(u16::MAX)) as u16);
    k.extend_from_slice(client.as_bytes());
    k
}

/// A client's key followed by a packet identifier.
pub fn client_mid_key(client: &str, mid: u16) -> Vec<u8> {
    let mut k = client_key(client);
    put_u16(&mut k, mid);
    k
}

/// A client's key followed by a topic filter.
pub fn client_filter_key(client: &str, filter: &str) -> Vec<u8> {
    let mut k = client_key(client);
    k.extend_from_slice(filter.as_bytes());
    k
}

/// Split a key made by [`client_key`] into the client id and the rest.
pub fn split_client_key(key: &[u8]) -> Result<(&str, &[u8])> {
    let mut r = Reader::new(key);
    let n = usize::from(r.u16()?);
    let id = std::str::from_utf8(r.take(n)?).map_err(|_| BadRecord)?;
    Ok((id, r.rest()))
}

/// A route's key prefix.
pub fn route_key(id: u64) -> Vec<u8> {
    id.to_be_bytes().to_vec()
}

/// A route's key for one target.
pub fn route_target_key(id: u64, client: &str) -> Vec<u8> {
    let mut k = route_key(id);
    k.extend_from_slice(client.as_bytes());
    k
}

/// Split a route target key.
pub fn split_route_key(key: &[u8]) -> Result<(u64, &str)> {
    let (id, client) = key.split_at_checked(8).ok_or(BadRecord)?;
    let id = u64::from_be_bytes(id.try_into().map_err(|_| BadRecord)?);
    Ok((id, std::str::from_utf8(client).map_err(|_| BadRecord)?))
}

fn encode_message_into(out: &mut Vec<u8>, m: &Message, clock: Clock) {
    let flags = (m.qos & 3)
        | u8::from(m.retain) << 2
        | u8::from(m.expiry.is_some()) << 3
        | u8::from(m.origin_id.is_some()) << 4;
    out.push(flags);
    put_bytes(out, m.topic.as_bytes());
    put_bytes(out, &m.payload);
    encode_properties(&m.properties, out);
    if let Some((at, secs)) = m.expiry {
        put_u64(out, clock.to_wall(at + Duration::from_secs(u64::from(secs))));
    }
    if let Some(origin) = &m.origin_id {
        put_bytes(out, origin.as_bytes());
    }
}

/// A message, or `None` when its expiry interval has passed.
fn decode_message_from(r: &mut Reader<'_>, clock: Clock) -> Result<Option<Message>> {
    let flags = r.u8()?;
    let topic = get_str(r)?;
    let payload = get_bytes(r)?;
    let properties = decode_properties(r)?;
    let qos = flags & 3;
    if qos > 2 {
        return Err(BadRecord);
    }
    let deadline = if flags & 8 != 0 { Some(get_u64(r)?) } else { None };
    let origin_id = if flags & 16 != 0 {
        Some(Arc::from(get_str(r)?))
    } else {
        None
    };
    let mut expiry = None;
    if let Some(deadline) = deadline {
        let left_ms = deadline.saturating_sub(clock.wall_ms);
        if left_ms == 0 {
            return Ok(None);
        }
        expiry = Some((
            clock.now,
            u32::try_from(left_ms.div_ceil(1000)).unwrap_or(u32::MAX),
        ));
    }
    Ok(Some(Message {
        topic: Arc::from(topic),
        payload: bytes::Bytes::copy_from_slice(payload),
        qos,
        retain: flags & 4 != 0,
        properties,
        expiry,
        origin: None,
        origin_id,
        // Not stored: `check_retain_source` lets a restored message be.
        origin_username: None,
        origin_listener: None,
    }))
}

/// A message on its own (retained messages, routes).
pub fn encode_message(m: &Message, clock: Clock) -> Vec<u8> {
    let mut out = Vec::with_capacity(m.topic.len() + m.payload.len() + 24);
    out.push(VERSION);
    encode_message_into(&mut out, m, clock);
    out
}

pub fn decode_message(value: &[u8], clock: Clock) -> Result<Option<Message>> {
    let mut r = Reader::new(value);
    version_byte(&mut r)?;
    let m = decode_message_from(&mut r, clock)?;
    r.expect_end()?;
    Ok(m)
}

/// An outgoing copy and its order among the client's copies.
pub fn encode_delivery(order: u64, d: &Delivery, clock: Clock) -> Vec<u8> {
    let m = &d.message;
    let mut out = Vec::with_capacity(m.topic.len() + m.payload.len() + 40);
    out.push(VERSION);
    put_u64(&mut out, order);
    out.push(d.qos);
    out.push(u8::from(d.retain));
    put_u16(&mut out, d.sub_ids.len() as u16);
    for id in &d.sub_ids {
        put_u32(&mut out, *id);
    }
    encode_message_into(&mut out, m, clock);
    out
}

/// An outgoing copy and its order, or `None` for an expired message.
pub fn decode_delivery(value: &[u8], clock: Clock) -> Result<(u64, Option<Delivery>)> {
    let mut r = Reader::new(value);
    version_byte(&mut r)?;
    let order = get_u64(&mut r)?;
    let qos = r.u8()?;
    let retain = r.u8()? != 0;
    let n = r.u16()?;
    let mut sub_ids = Vec::with_capacity(usize::from(n));
    for _ in 0..n {
        sub_ids.push(r.u32()?);
    }
    if !(1..=2).contains(&qos) {
        return Err(BadRecord);
    }
    let message = decode_message_from(&mut r, clock)?;
    r.expect_end()?;
    Ok((
        order,
        message.map(|m| Delivery {
            message: Arc::new(m),
            qos,
            retain,
            sub_ids,
        }),
    ))
}

/// An inbound QoS 2 message (`None`: refused, nothing to deliver at PUBREL).
pub fn encode_incoming(message: Option<&Message>, clock: Clock) -> Vec<u8> {
    let mut out = vec![VERSION, u8::from(message.is_some())];
    if let Some(m) = message {
        encode_message_into(&mut out, m, clock);
    }
    out
}

pub fn decode_incoming(value: &[u8], clock: Clock) -> Result<Option<Message>> {
    let mut r = Reader::new(value);
    version_byte(&mut r)?;
    let m = match r.u8()? {
        0 => None,
        _ => decode_message_from(&mut r, clock)?,
    };
    r.expect_end()?;
    Ok(m)
}

fn options_byte(o: SubOptions) -> u8 {
    (o.qos & 3)
        | u8::from(o.no_local) << 2
        | u8::from(o.retain_as_published) << 3
        | (o.retain_handling & 3) << 4
}

fn options_from(b: u8) -> Result<SubOptions> {
    if b & 3 == 3 || b >> 6 != 0 {
        return Err(BadRecord);
    }
    Ok(SubOptions {
        qos: b & 3,
        no_local: b & 4 != 0,
        retain_as_published: b & 8 != 0,
        retain_handling: (b >> 4) & 3,
    })
}

fn put_match(out: &mut Vec<u8>, options: SubOptions, identifier: Option<u32>) {
    out.push(options_byte(options));
    out.push(u8::from(identifier.is_some()));
    put_u32(out, identifier.unwrap_or(0));
}

fn get_match(r: &mut Reader<'_>) -> Result<(SubOptions, Option<u32>)> {
    let options = options_from(r.u8()?)?;
    let has = r.u8()? != 0;
    let id = r.u32()?;
    Ok((options, has.then_some(id)))
}

/// A subscription's options and identifier.
pub fn encode_subscription(options: SubOptions, identifier: Option<u32>) -> Vec<u8> {
    let mut out = vec![VERSION];
    put_match(&mut out, options, identifier);
    out
}

pub fn decode_subscription(value: &[u8]) -> Result<(SubOptions, Option<u32>)> {
    let mut r = Reader::new(value);
    version_byte(&mut r)?;
    let m = get_match(&mut r)?;
    r.expect_end()?;
    Ok(m)
}

/// The matches of a route's message for one session.
pub fn encode_matches(matches: &Matches) -> Vec<u8> {
    let mut out = vec![VERSION];
    put_u16(&mut out, matches.len() as u16);
    for (o, id) in matches {
        put_match(&mut out, *o, *id);
    }
    out
}

pub fn decode_matches(value: &[u8]) -> Result<Matches> {
    let mut r = Reader::new(value);
    version_byte(&mut r)?;
    let n = r.u16()?;
    let mut out = Vec::with_capacity(usize::from(n));
    for _ in 0..n {
        out.push(get_match(&mut r)?);
    }
    r.expect_end()?;
    Ok(out)
}

/// A session's own state.
pub fn encode_session(s: &SessionMeta, clock: Clock) -> Vec<u8> {
    let mut out = vec![VERSION];
    out.push(match s.version {
        ProtocolVersion::V31 => 3,
        ProtocolVersion::V311 => 4,
        ProtocolVersion::V5 => 5,
    });
    let flags = u8::from(s.connected)
        | u8::from(s.username.is_some()) << 1
        | u8::from(s.expires_at.is_some()) << 2
        | u8::from(s.will.is_some()) << 3
        | u8::from(s.will_at.is_some()) << 4;
    out.push(flags);
    put_u32(&mut out, s.listener as u32);
    put_u32(&mut out, s.expiry_interval);
    put_u16(&mut out, s.last_mid);
    if let Some(u) = &s.username {
        put_bytes(&mut out, u.as_bytes());
    }
    if let Some(at) = s.expires_at {
        put_u64(&mut out, clock.to_wall(at));
    }
    if let Some((will, delay)) = &s.will {
        put_u32(&mut out, *delay);
        out.push(will.qos & 3 | u8::from(will.retain) << 2);
        put_bytes(&mut out, will.topic.as_bytes());
        put_bytes(&mut out, &will.payload);
        encode_properties(&will.properties, &mut out);
    }
    if let Some(at) = s.will_at {
        put_u64(&mut out, clock.to_wall(at));
    }
    out
}

pub fn decode_session(client_id: &str, value: &[u8], clock: Clock) -> Result<SessionMeta> {
    let mut r = Reader::new(value);
    version_byte(&mut r)?;
    let version = match r.u8()? {
        3 => ProtocolVersion::V31,
        4 => ProtocolVersion::V311,
        5 => ProtocolVersion::V5,
        _ => return Err(BadRecord),
    };
    let flags = r.u8()?;
    let listener = r.u32()? as usize;
    let expiry_interval = r.u32()?;
    let last_mid = r.u16()?;
    let username = if flags & 2 != 0 {
        Some(Arc::from(get_str(&mut r)?))
    } else {
        None
    };
    let expires_at = if flags & 4 != 0 {
        Some(clock.to_instant(get_u64(&mut r)?))
    } else {
        None
    };
    let will = if flags & 8 != 0 {
        let delay = r.u32()?;
        let b = r.u8()?;
        let topic = get_str(&mut r)?.to_owned();
        let payload = get_bytes(&mut r)?.to_vec();
        let properties = decode_properties(&mut r)?;
        Some((
            Will {
                topic,
                payload,
                qos: (b & 3).min(2),
                retain: b & 4 != 0,
                properties,
            },
            delay,
        ))
    } else {
        None
    };
    let will_at = if flags & 16 != 0 {
        Some(clock.to_instant(get_u64(&mut r)?))
    } else {
        None
    };
    r.expect_end()?;
    Ok(SessionMeta {
        client_id: Arc::from(client_id),
        version,
        username,
        listener,
        expiry_interval,
        expires_at,
        will,
        will_at,
        connected: flags & 1 != 0,
        last_mid,
    })
}
