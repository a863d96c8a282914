//! The session target: a client session fed arbitrary server bytes and application calls.

use std::time::{Duration, Instant};

use crate::error::Error;
use crate::protocol::consts::{
    MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, MQTT_PROP_CONTENT_TYPE, MQTT_PROP_CORRELATION_DATA,
    MQTT_PROP_MAXIMUM_PACKET_SIZE, MQTT_PROP_MAXIMUM_QOS, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
    MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, MQTT_PROP_REASON_STRING, MQTT_PROP_RECEIVE_MAXIMUM,
    MQTT_PROP_RESPONSE_TOPIC, MQTT_PROP_RETAIN_AVAILABLE, MQTT_PROP_SERVER_KEEP_ALIVE,
    MQTT_PROP_SESSION_EXPIRY_INTERVAL, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, MQTT_PROP_TOPIC_ALIAS,
    MQTT_PROP_TOPIC_ALIAS_MAXIMUM, MQTT_PROP_USER_PROPERTY, MQTT_PROP_WILL_DELAY_INTERVAL,
};
use crate::protocol::{
    self, Ack, Auth, Connack, Connect, Disconnect, Packet, PropValue, Property, ProtocolVersion, Publish,
    Suback, Unsuback, Will, topic,
};
use crate::session::{ClientOptions, DisconnectCause, Event, PublishRequest, Session};

use super::{Script, VERSIONS};

// -------------------------------------------------------------------------------------------
// session_bytes

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
