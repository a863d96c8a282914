//! The bodies of the fuzz targets in `fuzz/`, kept here so that the regression tests can replay
//! saved inputs through the very same checks under a plain `cargo test`.
//!
//! Each function takes arbitrary bytes and panics when a property it checks does not hold. None
//! of this is part of the library's interface.

use std::time::{Duration, Instant};

use crate::error::Error;
use crate::protocol::consts::{
    CMD_PUBLISH, CMD_SUBSCRIBE, MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, MQTT_PROP_CONTENT_TYPE,
    MQTT_PROP_CORRELATION_DATA, MQTT_PROP_MAXIMUM_PACKET_SIZE, MQTT_PROP_MAXIMUM_QOS,
    MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, MQTT_PROP_REASON_STRING,
    MQTT_PROP_RECEIVE_MAXIMUM, MQTT_PROP_RESPONSE_TOPIC, MQTT_PROP_RETAIN_AVAILABLE,
    MQTT_PROP_SERVER_KEEP_ALIVE, MQTT_PROP_SESSION_EXPIRY_INTERVAL, MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
    MQTT_PROP_TOPIC_ALIAS, MQTT_PROP_TOPIC_ALIAS_MAXIMUM, MQTT_PROP_USER_PROPERTY,
    MQTT_PROP_WILL_DELAY_INTERVAL,
};
use crate::protocol::properties::{self, COMMANDS, PropertyError};
use crate::protocol::reader::Reader;
use crate::protocol::{
    self, Ack, Auth, Connack, Connect, DecodeError, Disconnect, Packet, PropValue, Property, ProtocolVersion,
    Publish, Suback, Unsuback, Will, topic, utf8,
};
use crate::session::{ClientOptions, DisconnectCause, Event, PublishRequest, Session};

const VERSIONS: [ProtocolVersion; 3] = [ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5];

// -------------------------------------------------------------------------------------------
// decode_packet

/// Arbitrary bytes through the packet decoder, for every protocol version. Whatever decodes must
/// encode to bytes that decode to the same value.
pub fn decode_packet(data: &[u8]) {
    for version in VERSIONS {
        if let Ok(Some(header)) = protocol::parse_fixed_header(data) {
            assert!((2..=5).contains(&header.header_len), "{header:?}");
            assert!(
                header.remaining_length <= protocol::MAX_REMAINING_LENGTH,
                "{header:?}"
            );
            assert_eq!(header.first_byte, data[0]);
        }

        // The whole input as a stream of packets.
        let mut pos = 0;
        while pos < data.len() {
            match protocol::decode_packet(&data[pos..], version) {
                Ok(Some((packet, used))) => {
                    let header = protocol::parse_fixed_header(&data[pos..]).unwrap().unwrap();
                    assert_eq!(used, header.packet_len());
                    assert!(used >= 2 && pos + used <= data.len());
                    let direct =
                        protocol::decode(data[pos], &data[pos + header.header_len..pos + used], version);
                    assert_eq!(direct.as_ref(), Ok(&packet), "decode and decode_packet disagree");
                    let canonical = check_round_trip(&packet, version);
                    // AUTH is always written with its reason code and property block.
                    if !matches!(packet, Packet::Auth(_)) {
                        assert!(canonical <= used, "the canonical form is longer than the input");
                    }
                    pos += used;
                }
                Ok(None) | Err(_) => break,
            }
        }

        // The input as a first byte and a body, without a fixed header.
        if let Some((&first, body)) = data.split_first() {
            if let Ok(packet) = protocol::decode(first, body, version) {
                assert_eq!(packet.packet_type(), first >> 4);
                let _ = check_round_trip(&packet, version);
            }
        }
    }
}

/// Encode `packet`, decode it again and compare. Returns the size of the encoding.
fn check_round_trip(packet: &Packet, version: ProtocolVersion) -> usize {
    let mut wire = Vec::new();
    packet.encode(version, &mut wire);
    assert_eq!(
        wire.len(),
        packet.encoded_len(version),
        "encoded_len of {packet:?}"
    );
    let header = protocol::parse_fixed_header(&wire)
        .expect("header of an encoded packet")
        .expect("complete header");
    assert_eq!(header.packet_len(), wire.len(), "remaining length of {packet:?}");
    match protocol::decode_packet(&wire, version) {
        Ok(Some((again, used))) => {
            assert_eq!(used, wire.len());
            assert_eq!(&again, packet, "round trip changed the packet; wire {wire:02x?}");
        }
        other => panic!("{packet:?} encoded as {wire:02x?} does not decode: {other:?}"),
    }
    if let Packet::Publish(p) = packet {
        let mut by_ref = Vec::new();
        p.as_publish_ref().encode(version, &mut by_ref);
        assert_eq!(by_ref, wire);
    }
    wire.len()
}

// -------------------------------------------------------------------------------------------
// properties

/// A property block (the first byte picks the command) through the property decoder and the
/// rule checks. A block that decodes must encode to a block that decodes to the same list.
pub fn properties(data: &[u8]) {
    let Some((&selector, block)) = data.split_first() else {
        return;
    };
    let command = match COMMANDS.get(usize::from(selector & 0x1F)) {
        Some(&c) => c,
        // Any other value, flags included: the checks compare whole command values.
        None => u32::from(selector) | (u32::from(selector & 0x20) << 3),
    };

    let mut r = Reader::new(block);
    let decoded = properties::decode_properties(&mut r);
    let consumed = r.position();
    let mut r_for = Reader::new(block);
    let decoded_for = properties::decode_properties_for(command, &mut r_for);
    match &decoded {
        Ok(props) => {
            let received = properties::check_received(command, props);
            assert_eq!(
                decoded_for,
                received.map(|()| props.clone()).map_err(DecodeError::from)
            );
            if decoded_for.is_ok() {
                assert_eq!(r_for.position(), consumed);
            }
        }
        Err(e) => assert_eq!(decoded_for.as_ref(), Err(e)),
    }
    let Ok(props) = decoded else {
        return;
    };
    assert!(consumed <= block.len());

    // Encode, decode again.
    let mut wire = Vec::new();
    properties::encode_properties(&props, &mut wire);
    assert_eq!(wire.len(), properties::properties_len(&props));
    assert!(
        wire.len() <= consumed,
        "the canonical form is never longer than the input"
    );
    let mut r = Reader::new(&wire);
    let again = properties::decode_properties(&mut r).expect("an encoded property block decodes");
    assert!(r.is_empty());
    assert_eq!(again, props);

    for p in &props {
        let rebuilt = Property::new(p.id, p.value.clone()).expect("a decoded property has its own type");
        assert_eq!(&rebuilt, p);
        let name = p.name().expect("a decoded property has a name");
        assert_eq!(
            properties::prop_from_name(name),
            Some((p.id, p.value.prop_type()))
        );
        let mut one = Vec::new();
        p.encode(&mut one);
        assert_eq!(one.len(), p.encoded_len());
        assert_eq!(
            properties::find(&props, p.id).map(PropValue::prop_type),
            Some(p.value.prop_type())
        );
        let _ = (
            properties::find_byte(&props, p.id),
            properties::find_int16(&props, p.id),
            properties::find_int32(&props, p.id),
            properties::find_varint(&props, p.id),
            properties::find_string(&props, p.id),
            properties::find_binary(&props, p.id),
        );
    }

    // The send-side and receive-side rules.
    let all = properties::check_all(command, &props);
    let received = properties::check_received(command, &props);
    if all.is_ok() {
        for p in &props {
            assert_eq!(properties::check_command(command, p.id), Ok(()));
        }
        let zero_subscription_id = command == CMD_SUBSCRIBE
            && props
                .iter()
                .any(|p| p.id == MQTT_PROP_SUBSCRIPTION_IDENTIFIER && p.value == PropValue::VarInt(0));
        if !zero_subscription_id {
            assert_eq!(received, Ok(()), "check_all accepts what check_received refuses");
        }
    }
    if received.is_ok() && command != CMD_PUBLISH {
        assert_eq!(all, Ok(()), "check_received accepts what check_all refuses");
    }
    if let Err(e) = all {
        assert!(matches!(e, PropertyError::Protocol | PropertyError::Duplicate));
    }
    for &c in &COMMANDS {
        let _ = properties::check_all(c, &props);
    }
}

// -------------------------------------------------------------------------------------------
// topic_match

/// Topic names and filters: the input is a filter and a topic separated by the first 0xFF byte
/// (a byte UTF-8 never holds), or one string used as both.
pub fn topic_match(data: &[u8]) {
    let (filter, topic_name) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    for s in [filter, topic_name] {
        check_tokenise(s);
        let _ = utf8::validate(s);
        if topic::is_valid_pub_topic(s) {
            assert!(
                topic::is_valid_sub_filter(s),
                "a valid topic name is a valid filter"
            );
        }
    }

    let result = topic::matches_sub(filter, topic_name);
    let (f, t) = (until_nul(filter), until_nul(topic_name));
    assert_eq!(topic::matches_sub(f, t), result, "a NUL ends either string");

    if !t.is_empty() && topic::is_valid_pub_topic(t) {
        assert_eq!(topic::matches_sub(t, t), Ok(true), "a topic matches itself");
        assert_eq!(topic::matches_sub(b"#", t), Ok(t[0] != b'$'), "# against {t:?}");
        let one_level = !t.contains(&b'/');
        assert_eq!(
            topic::matches_sub(b"+", t),
            Ok(t[0] != b'$' && one_level),
            "+ against {t:?}"
        );
    }
    if !f.is_empty() && !t.is_empty() && topic::is_valid_sub_filter(f) && topic::is_valid_pub_topic(t) {
        assert_eq!(result, Ok(reference_match(f, t)), "filter {f:?} topic {t:?}");
    }
    if !f.is_empty() && topic::is_valid_sub_filter(f) {
        // A topic built to match the filter, with levels taken from the other string.
        let built = topic_for_filter(f, t);
        if !built.is_empty() && topic::is_valid_pub_topic(&built) && !built.contains(&0) {
            let expected = reference_match(f, &built);
            assert!(
                expected || (built[0] == b'$' && matches!(f[0], b'+' | b'#')),
                "{f:?} {built:?}"
            );
            assert_eq!(
                topic::matches_sub(f, &built),
                Ok(expected),
                "filter {f:?} topic {built:?}"
            );
        }
    }
}

fn until_nul(s: &[u8]) -> &[u8] {
    s.iter().position(|&b| b == 0).map_or(s, |i| &s[..i])
}

fn check_tokenise(s: &[u8]) {
    let levels = topic::tokenise_bytes(s);
    assert_eq!(levels.len(), s.iter().filter(|&&b| b == b'/').count() + 1);
    let joined: Vec<u8> = levels
        .iter()
        .map(|l| l.unwrap_or_default())
        .collect::<Vec<_>>()
        .join(&b'/');
    assert_eq!(joined, s);
    assert!(levels.iter().all(|l| l.is_none_or(|l| !l.is_empty())));
    if let Ok(text) = std::str::from_utf8(s) {
        let as_str: Vec<Option<&[u8]>> = topic::tokenise(text)
            .into_iter()
            .map(|l| l.map(str::as_bytes))
            .collect();
        assert_eq!(as_str, levels);
    }
}

/// Topic matching as MQTT 5.0 section 4.7 states it, level by level.
fn reference_match(filter: &[u8], topic_name: &[u8]) -> bool {
    if topic_name[0] == b'$' && matches!(filter[0], b'+' | b'#') {
        return false;
    }
    let f: Vec<&[u8]> = filter.split(|&b| b == b'/').collect();
    let t: Vec<&[u8]> = topic_name.split(|&b| b == b'/').collect();
    for (i, level) in f.iter().enumerate() {
        match *level {
            // The parent level and any number of levels below it.
            b"#" => return t.len() >= i,
            b"+" => {
                if i >= t.len() {
                    return false;
                }
            }
            literal => {
                if t.get(i) != Some(&literal) {
                    return false;
                }
            }
        }
    }
    f.len() == t.len()
}

/// A topic that `filter` matches: `+` becomes a level of `source` (or `x`), `#` the rest of
/// `source`'s levels (possibly none). Empty when the only such topic would be empty.
fn topic_for_filter(filter: &[u8], source: &[u8]) -> Vec<u8> {
    let mut spare = source
        .split(|&b| b == b'/')
        .filter(|l| !l.iter().any(|&b| b == b'+' || b == b'#' || b == 0));
    let mut levels: Vec<Vec<u8>> = Vec::new();
    for level in filter.split(|&b| b == b'/') {
        match level {
            b"+" => levels.push(spare.next().unwrap_or(b"x").to_vec()),
            b"#" => levels.extend(spare.by_ref().map(<[u8]>::to_vec)),
            literal => levels.push(literal.to_vec()),
        }
    }
    levels.join(&b'/')
}

// -------------------------------------------------------------------------------------------
// session_bytes

/// Reads the fuzz input as a script; reads past the end give zeros.
struct Script<'a> {
    data: &'a [u8],
}

impl<'a> Script<'a> {
    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        taken
    }

    fn pick<T: Copy>(&mut self, table: &[T]) -> T {
        table[usize::from(self.byte()) % table.len()]
    }
}

const CLIENT_TOPICS: [&[u8]; 7] = [b"a/b", b"t", b"", b"$SYS/x", b"a/+", b"\xC0\xAF", b"a\0b"];
const CLIENT_FILTERS: [&[u8]; 8] = [b"a/b", b"a/+", b"#", b"+/x/#", b"$SYS/#", b"", b"a/#/b", b"a\xFF"];
const SERVER_TOPICS: [&str; 4] = ["a/b", "", "$SYS/x", "t"];
const ACK_REASONS: [u8; 8] = [0, 0, 0x10, 0x80, 0x87, 0x92, 0x97, 0xFF];
const CONNACK_REASONS: [u8; 8] = [0, 0, 0, 1, 5, 0x80, 0x87, 0x9F];

/// A message id: mostly one of `mids` (the most recent first), sometimes any small number.
fn pick_mid(s: &mut Script<'_>, mids: &[u16]) -> u16 {
    let b = s.byte();
    match mids.len() {
        0 => u16::from(b),
        len if b & 0x80 == 0 => mids[len - 1 - usize::from(b) % len],
        _ => u16::from(b & 0x7F),
    }
}

fn prop(id: u8, value: PropValue) -> Property {
    Property { id, value }
}

/// A v5 client and the codec's view of what it writes.
struct Harness {
    session: Session,
    version: ProtocolVersion,
    now: Instant,
    /// Bytes of the current connection's output already taken by `wrote`.
    written: usize,
    /// Bytes of the current connection's output already decoded (always a packet boundary).
    verified: usize,
    /// Message ids the client handed out, most recent last.
    client_mids: Vec<u16>,
    /// Message ids of QoS 2 messages the server sent.
    server_mids: Vec<u16>,
    events: Vec<Event>,
}

/// A client session fed a script of server bytes, application calls, timeouts and partial
/// writes. It must not panic, and everything it asks to write must decode, packet by packet, as
/// a client's packets. `start` is the time of the first connection; the script moves the clock
/// on from there.
pub fn session_bytes(data: &[u8], start: Instant) {
    let mut script = Script { data };
    let config = script.byte();
    let version = VERSIONS[usize::from(config & 0x03).min(2)];
    let extra = script.byte();
    let client_id = match (extra & 0x03, version) {
        (0, ProtocolVersion::V311 | ProtocolVersion::V5) => None,
        (1, ProtocolVersion::V311 | ProtocolVersion::V5) => Some(String::new()),
        _ => Some("fuzz".to_owned()),
    };
    let mut opts = ClientOptions::new(client_id, config & 0x04 != 0);
    opts.protocol = version;
    opts.keepalive = [0, 1, 5, 60][usize::from((config >> 3) & 0x03)];
    if config & 0x20 != 0 {
        opts.will = Some(Box::new(Will {
            topic: "will/t".into(),
            payload: b"gone".to_vec(),
            qos: (extra >> 2) % 3,
            retain: extra & 0x10 != 0,
            properties: if version.is_v5() {
                vec![prop(MQTT_PROP_WILL_DELAY_INTERVAL, PropValue::Int32(5))]
            } else {
                Vec::new()
            },
        }));
    }
    if config & 0x40 != 0 {
        opts.username = Some("user".into());
        opts.password = (extra & 0x20 != 0).then(|| b"pw".to_vec());
    }
    if version.is_v5() && config & 0x80 != 0 {
        opts.connect_properties = vec![
            prop(MQTT_PROP_SESSION_EXPIRY_INTERVAL, PropValue::Int32(30)),
            prop(MQTT_PROP_TOPIC_ALIAS_MAXIMUM, PropValue::Int16(4)),
        ];
        if extra & 0x40 != 0 {
            opts.connect_properties
                .push(prop(MQTT_PROP_RECEIVE_MAXIMUM, PropValue::Int16(2)));
        }
    }
    let keepalive = opts.keepalive;
    let mut session = Session::new(opts);
    session.set_log_enabled(extra & 0x80 != 0);
    let mut h = Harness {
        session,
        version,
        now: start,
        written: 0,
        verified: 0,
        client_mids: Vec::new(),
        server_mids: Vec::new(),
        events: Vec::new(),
    };
    h.session.prepare_connect(keepalive);
    h.connect();

    while !script.is_empty() {
        h.step(&mut script);
        h.check_output();
        h.check_events();
    }
}

impl Harness {
    fn connect(&mut self) {
        self.session.reset_for_connect(self.now);
        self.written = 0;
        self.verified = 0;
        assert!(self.session.pending_output().is_empty());
        self.session.connection_started(self.now);
        self.check_output();
    }

    fn lost(&mut self, cause: DisconnectCause) {
        self.session.connection_lost(cause);
        self.written = 0;
        self.verified = 0;
    }

    fn step(&mut self, s: &mut Script<'_>) {
        let op = s.byte();
        match (op & 0x7F) % 12 {
            0 => {
                let n = usize::from(s.byte());
                let chunk = s.bytes(n);
                self.feed(chunk);
            }
            1..=3 => {
                let packet = self.server_packet(s);
                let mut wire = Vec::new();
                packet.encode(self.version, &mut wire);
                let split = usize::from(s.byte()) % (wire.len() + 1);
                self.feed(&wire[..split]);
                self.check_output();
                self.feed(&wire[split..]);
            }
            4 => self.publish(s),
            5 => self.subscribe(s),
            6 => self.unsubscribe(s),
            7 => {
                let step = u64::from(s.byte());
                self.now += if op & 0x80 != 0 {
                    Duration::from_secs(step)
                } else {
                    Duration::from_millis(step * 50)
                };
                if self.session.has_socket() {
                    if let Err(cause) = self.session.handle_timeout(self.now) {
                        self.lost(cause);
                    }
                }
            }
            8 => {
                let n = match s.byte() {
                    0 => usize::MAX,
                    b => usize::from(b) * 3,
                };
                self.write(n);
            }
            9 => {
                if self.session.has_socket() && op & 0x80 != 0 {
                    self.lost(DisconnectCause::Error(Error::ConnLost));
                } else {
                    self.connect();
                }
            }
            10 => {
                let reason = s.pick(&[0u8, 4, 0x80]);
                let props = match s.byte() % 4 {
                    0 => Vec::new(),
                    1 => vec![prop(MQTT_PROP_SESSION_EXPIRY_INTERVAL, PropValue::Int32(0))],
                    2 => vec![prop(MQTT_PROP_REASON_STRING, PropValue::String("bye".into()))],
                    _ => vec![prop(MQTT_PROP_TOPIC_ALIAS, PropValue::Int16(1))],
                };
                let _ = self.session.disconnect(reason, props);
            }
            _ => match s.byte() % 3 {
                0 => self.session.set_send_maximum(u16::from(s.byte() % 4)),
                1 => self.session.set_receive_maximum(u16::from(s.byte() % 4)),
                _ => self.session.set_log_enabled(s.byte() & 1 != 0),
            },
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        if !self.session.has_socket() || bytes.is_empty() {
            return;
        }
        if let Err(cause) = self.session.handle_bytes(bytes, self.now) {
            self.lost(cause);
        }
    }

    fn write(&mut self, n: usize) {
        let n = n.min(self.session.pending_output().len());
        if n == 0 {
            return;
        }
        assert!(
            self.verified >= self.written + n,
            "writing bytes that were never checked"
        );
        self.written += n;
        if self.session.wrote(n, self.now) {
            self.lost(DisconnectCause::Requested);
        }
    }

    /// A well-formed packet as a server (or a confused one) might send it.
    fn server_packet(&mut self, s: &mut Script<'_>) -> Packet {
        let kind = s.byte();
        let props_byte = s.byte();
        let v5 = self.version.is_v5();
        let reason_string = || {
            if props_byte & 0x01 != 0 {
                vec![prop(MQTT_PROP_REASON_STRING, PropValue::String("why".into()))]
            } else {
                Vec::new()
            }
        };
        match (kind & 0x7F) % 13 {
            0 | 1 => {
                let mut properties = Vec::new();
                if v5 {
                    let b = props_byte;
                    if b & 0x01 != 0 {
                        properties.push(prop(
                            MQTT_PROP_RECEIVE_MAXIMUM,
                            PropValue::Int16(u16::from(b >> 6) + 1),
                        ));
                    }
                    if b & 0x02 != 0 {
                        properties.push(prop(MQTT_PROP_MAXIMUM_QOS, PropValue::Byte((b >> 2) & 1)));
                    }
                    if b & 0x04 != 0 {
                        properties.push(prop(MQTT_PROP_RETAIN_AVAILABLE, PropValue::Byte((b >> 3) & 1)));
                    }
                    if b & 0x08 != 0 {
                        properties.push(prop(
                            MQTT_PROP_SERVER_KEEP_ALIVE,
                            PropValue::Int16(u16::from(b >> 5)),
                        ));
                    }
                    if b & 0x10 != 0 {
                        let size = u32::from(s.byte()) + 8;
                        properties.push(prop(MQTT_PROP_MAXIMUM_PACKET_SIZE, PropValue::Int32(size)));
                    }
                    if b & 0x20 != 0 {
                        properties.push(prop(
                            MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER,
                            PropValue::String("assigned".into()),
                        ));
                    }
                    if b & 0x40 != 0 {
                        properties.push(prop(MQTT_PROP_TOPIC_ALIAS_MAXIMUM, PropValue::Int16(2)));
                    }
                }
                Packet::Connack(Connack {
                    session_present: kind & 0x80 != 0,
                    reason_code: s.pick(&CONNACK_REASONS),
                    properties,
                })
            }
            2 | 3 => {
                let qos = s.byte() % 3;
                let mid = if qos == 0 { 0 } else { s.u16().max(1) };
                if qos == 2 {
                    self.server_mids.push(mid);
                }
                let mut properties = Vec::new();
                if v5 {
                    if props_byte & 0x01 != 0 {
                        properties.push(prop(MQTT_PROP_TOPIC_ALIAS, PropValue::Int16(1)));
                    }
                    if props_byte & 0x02 != 0 {
                        properties.push(prop(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, PropValue::VarInt(1)));
                        properties.push(prop(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, PropValue::VarInt(300)));
                    }
                    if props_byte & 0x04 != 0 {
                        properties.push(prop(
                            MQTT_PROP_USER_PROPERTY,
                            PropValue::StringPair("k".into(), "v".into()),
                        ));
                    }
                }
                let len = usize::from(s.byte() % 32);
                Packet::Publish(Publish {
                    dup: props_byte & 0x10 != 0,
                    qos,
                    retain: props_byte & 0x20 != 0,
                    topic: s.pick(&SERVER_TOPICS).to_owned(),
                    mid,
                    payload: bytes::Bytes::copy_from_slice(s.bytes(len)),
                    properties,
                })
            }
            4..=6 => {
                let ack = Ack {
                    mid: pick_mid(s, &self.client_mids),
                    reason_code: if v5 { s.pick(&ACK_REASONS) } else { 0 },
                    properties: reason_string(),
                };
                match (kind & 0x7F) % 13 {
                    4 => Packet::Puback(ack),
                    5 => Packet::Pubrec(ack),
                    _ => Packet::Pubcomp(ack),
                }
            }
            7 => Packet::Pubrel(Ack {
                mid: pick_mid(s, &self.server_mids),
                reason_code: if v5 { s.pick(&[0u8, 0x92, 0x10]) } else { 0 },
                properties: reason_string(),
            }),
            8 => {
                let count = usize::from(s.byte() % 4);
                Packet::Suback(Suback {
                    mid: pick_mid(s, &self.client_mids),
                    reason_codes: (0..count).map(|_| s.pick(&[0u8, 1, 2, 0x80, 0x87])).collect(),
                    properties: reason_string(),
                })
            }
            9 => Packet::Unsuback(Unsuback {
                mid: pick_mid(s, &self.client_mids),
                reason_codes: if v5 {
                    vec![s.pick(&[0u8, 0x11, 0x80])]
                } else {
                    Vec::new()
                },
                properties: reason_string(),
            }),
            10 => {
                if kind & 0x80 != 0 {
                    Packet::Pingreq
                } else {
                    Packet::Pingresp
                }
            }
            11 => Packet::Disconnect(Disconnect {
                reason_code: s.pick(&[0u8, 4, 0x80, 0x8E, 0x9C]),
                properties: reason_string(),
            }),
            _ => {
                if kind & 0x80 != 0 && v5 {
                    Packet::Auth(Auth {
                        reason_code: 0x18,
                        properties: Vec::new(),
                    })
                } else {
                    Packet::Connect(Connect {
                        version: self.version,
                        clean_start: true,
                        keepalive: 10,
                        client_id: "peer".into(),
                        will: None,
                        username: None,
                        password: None,
                        properties: Vec::new(),
                    })
                }
            }
        }
    }

    fn client_properties(s: &mut Script<'_>, for_publish: bool) -> Vec<Property> {
        let b = s.byte();
        let mut props = Vec::new();
        if b & 0x80 == 0 {
            return props;
        }
        if for_publish {
            if b & 0x01 != 0 {
                props.push(prop(
                    MQTT_PROP_TOPIC_ALIAS,
                    PropValue::Int16(u16::from(b >> 5) & 0x03),
                ));
            }
            if b & 0x02 != 0 {
                props.push(prop(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, PropValue::Int32(60)));
            }
            if b & 0x04 != 0 {
                props.push(prop(
                    MQTT_PROP_PAYLOAD_FORMAT_INDICATOR,
                    PropValue::Byte((b >> 5) & 0x03),
                ));
                props.push(prop(
                    MQTT_PROP_CONTENT_TYPE,
                    PropValue::String("text/plain".into()),
                ));
            }
            if b & 0x08 != 0 {
                props.push(prop(
                    MQTT_PROP_RESPONSE_TOPIC,
                    PropValue::String("reply/to".into()),
                ));
                props.push(prop(MQTT_PROP_CORRELATION_DATA, PropValue::Binary(vec![1, 2, 3])));
            }
        } else if b & 0x01 != 0 {
            // A subscription identifier, from 1 up: 0 is refused by the protocol (MQTT 5.0
            // section 3.8.2.1.2) but not by the send-side checks of libmosquitto.
            let id = u32::from(s.u16()) * 4096 + 1;
            props.push(prop(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, PropValue::VarInt(id)));
        }
        if b & 0x10 != 0 {
            props.push(prop(
                MQTT_PROP_USER_PROPERTY,
                PropValue::StringPair("k".into(), "v".into()),
            ));
        }
        if b & 0x40 != 0 {
            // Not allowed in a client's PUBLISH, SUBSCRIBE or UNSUBSCRIBE: must be refused.
            props.push(prop(MQTT_PROP_REASON_STRING, PropValue::String("no".into())));
        }
        props
    }

    fn publish(&mut self, s: &mut Script<'_>) {
        let b = s.byte();
        let topic_bytes;
        let topic_name = match (b & 0x0F) % 9 {
            7 => None,
            8 => {
                let n = usize::from(s.byte() % 16);
                topic_bytes = s.bytes(n);
                Some(topic_bytes)
            }
            i => Some(CLIENT_TOPICS[usize::from(i)]),
        };
        let len = match s.byte() {
            0xFF => 4000,
            n => usize::from(n % 64),
        };
        let payload = vec![b'p'; len];
        let properties = Self::client_properties(s, true);
        let (mid, _) = self.session.publish(PublishRequest {
            topic: topic_name,
            payload: &payload,
            qos: (b >> 4) & 0x03,
            retain: b & 0x80 != 0,
            properties,
        });
        if let Some(mid) = mid {
            assert_ne!(mid, 0);
            self.client_mids.push(mid);
        }
    }

    fn filters<'s>(s: &mut Script<'s>) -> Vec<&'s [u8]> {
        let count = usize::from(s.byte() % 3) + usize::from(s.byte() & 0x80 != 0);
        (0..count)
            .map(|_| {
                let i = usize::from(s.byte());
                match CLIENT_FILTERS.get(i) {
                    Some(f) => *f,
                    None if i < 0x80 => CLIENT_FILTERS[i % CLIENT_FILTERS.len()],
                    None => {
                        let n = usize::from(s.byte() % 16);
                        s.bytes(n)
                    }
                }
            })
            .collect()
    }

    fn subscribe(&mut self, s: &mut Script<'_>) {
        let filters = Self::filters(s);
        let options = s.byte();
        let props = Self::client_properties(s, false);
        if let Ok(mid) = self
            .session
            .subscribe(&filters, options & 0x03, options & 0xFC, props)
        {
            assert_ne!(mid, 0);
            self.client_mids.push(mid);
        }
    }

    fn unsubscribe(&mut self, s: &mut Script<'_>) {
        let filters = Self::filters(s);
        let props = Self::client_properties(s, false);
        if let Ok(mid) = self.session.unsubscribe(&filters, props) {
            assert_ne!(mid, 0);
            self.client_mids.push(mid);
        }
    }

    /// Decode every byte the session queued since the last check.
    fn check_output(&mut self) {
        let pending = self.session.pending_output();
        if !self.session.has_socket() {
            assert!(
                pending.is_empty(),
                "output queued without a connection: {pending:02x?}"
            );
            return;
        }
        assert!(self.verified >= self.written);
        let mut pos = self.verified - self.written;
        while pos < pending.len() {
            let packet = match protocol::decode_packet(&pending[pos..], self.version) {
                Ok(Some((packet, used))) => {
                    pos += used;
                    packet
                }
                other => panic!(
                    "the session queued bytes the codec cannot read ({other:?}) at offset {}: {:02x?}",
                    self.written + pos,
                    &pending[pos..]
                ),
            };
            let first = self.verified == 0;
            self.verified = self.written + pos;
            match &packet {
                Packet::Connect(c) => {
                    assert!(first, "CONNECT in the middle of a connection");
                    assert_eq!(c.version, self.version);
                }
                _ if first => panic!("the first packet is not CONNECT: {packet:?}"),
                Packet::Publish(p) => {
                    assert!(topic::is_valid_pub_topic(p.topic.as_bytes()), "{p:?}");
                    assert!(!p.topic.is_empty() || self.version.is_v5(), "{p:?}");
                }
                Packet::Subscribe(sub) => {
                    assert!(
                        sub.filters
                            .iter()
                            .all(|(f, _)| topic::is_valid_sub_filter(f.as_bytes()))
                    );
                }
                Packet::Unsubscribe(_)
                | Packet::Puback(_)
                | Packet::Pubrec(_)
                | Packet::Pubrel(_)
                | Packet::Pubcomp(_)
                | Packet::Pingreq
                | Packet::Disconnect(_) => {}
                other => panic!("a client does not send {}", other.name()),
            }
        }
    }

    fn check_events(&mut self) {
        self.session.drain_events(&mut self.events);
        for event in self.events.drain(..) {
            match event {
                Event::Message { message } => {
                    assert!(!message.topic.is_empty(), "{message:?}");
                    assert!(message.qos <= 2);
                }
                Event::Publish { mid, .. }
                | Event::Subscribe { mid, .. }
                | Event::Unsubscribe { mid, .. } => {
                    assert_ne!(mid, 0);
                }
                _ => {}
            }
        }
        if self.client_mids.len() > 64 {
            self.client_mids.drain(..32);
        }
        if self.server_mids.len() > 64 {
            self.server_mids.drain(..32);
        }
    }
}
