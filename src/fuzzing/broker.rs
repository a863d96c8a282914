//! The broker target: one or two shards of the broker core (no sockets, no threads) fed the
//! bytes of several client connections, with a fake clock, driven as the server's workers
//! drive them: outputs collected after each step, commands and connections handed between
//! the shards through mailboxes, sockets closed and forgotten when the shard asks.
//!
//! Checks: nothing panics; every byte the broker writes to a connection decodes, packet by
//! packet, as a packet a server may send (CONNACK first and once, nothing after a DISCONNECT
//! or a refusing CONNACK); and what the broker holds stays bounded: per connection its
//! buffer of incomplete input (by what the client sent) and its unwritten output, per session
//! its queued and in-flight messages (by the configured limits), and no statistics counter
//! wraps below zero.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::broker::auth::{Acl, Security};
use crate::broker::config::LogTypes;
use crate::broker::core::settings::Settings;
use crate::broker::core::shard::{Command, ConnId, Handoff, Output, Shard, Shared};
use crate::protocol::consts::{
    MQTT_PROP_CORRELATION_DATA, MQTT_PROP_MAXIMUM_PACKET_SIZE, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
    MQTT_PROP_RECEIVE_MAXIMUM, MQTT_PROP_RESPONSE_TOPIC, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
    MQTT_PROP_SUBSCRIPTION_IDENTIFIER, MQTT_PROP_TOPIC_ALIAS, MQTT_PROP_USER_PROPERTY,
    MQTT_PROP_WILL_DELAY_INTERVAL,
};
use crate::protocol::{
    self, Ack, Auth, Connect, Disconnect, Packet, PropValue, Property, ProtocolVersion, Publish, Subscribe,
    Unsubscribe, Will,
};

use super::{Script, VERSIONS};

/// Most connections open at once.
const MAX_CLIENTS: usize = 6;
/// Most script steps per input.
const MAX_STEPS: usize = 400;

const IDS: [&str; 5] = ["", "c0", "c1", "c2", "c3"];
const TOPICS: [&str; 10] = ["a/b", "a", "t", "$SYS/x", "r/1", "r/2", "s", "+/x", "", "a/b/c"];
const FILTERS: [&str; 12] = [
    "a/#",
    "a/b",
    "+/b",
    "#",
    "$share/g/a/b",
    "$share/g/#",
    "r/+",
    "$SYS/#",
    "t",
    "a/#/b",
    "$share/g",
    "$share//t",
];
const REASONS: [u8; 6] = [0, 0, 4, 0x80, 0x10, 0x92];

fn prop(id: u8, value: PropValue) -> Property {
    Property { id, value }
}

/// One client connection as the harness sees it.
struct Client {
    shard: usize,
    conn: ConnId,
    /// Bytes the broker wrote to it, and how far they have been decoded.
    received: Vec<u8>,
    verified: usize,
    /// Bytes sent to the broker.
    fed: usize,
    /// Whether it takes what the broker writes at every step (else it never reads).
    reading: bool,
    connack_seen: bool,
    /// A DISCONNECT or a refusing CONNACK arrived: nothing may follow.
    ended: bool,
    /// The broker asked for the socket to be closed; the connection is gone.
    closed: bool,
    /// Packet identifiers of the broker's QoS 1 and 2 messages, most recent last.
    server_mids: Vec<u16>,
    next_mid: u16,
}

/// Something for a shard from elsewhere.
enum Mail {
    Command(Command),
    Handoff(Handoff, usize),
}

struct Harness {
    shards: Vec<Shard>,
    mail: Vec<Vec<Mail>>,
    clients: Vec<Client>,
    settings: Arc<Settings>,
    shared: Arc<Shared>,
    now: Instant,
    fed_total: usize,
}

/// Settings from two configuration bytes.
fn settings(a: u8, b: u8) -> Settings {
    let mut s = Settings {
        shards: if a & 0x01 != 0 { 2 } else { 1 },
        max_packet_size: [0, 0, 64, 300][usize::from((a >> 1) & 0x03)],
        max_inflight_messages: [u16::MAX, 1, 2, 20][usize::from((a >> 3) & 0x03)],
        max_queued_messages: [1, 3, 1000, 5][usize::from((a >> 5) & 0x03)],
        retain_available: a & 0x80 == 0,
        queue_qos0_messages: b & 0x01 != 0,
        upgrade_outgoing_qos: b & 0x02 != 0,
        max_keepalive: if b & 0x04 != 0 { 10 } else { 0 },
        message_size_limit: if b & 0x08 != 0 { 40 } else { 0 },
        persistent_client_expiration: (b & 0x10 != 0).then_some(5),
        max_queued_bytes: if b & 0x20 != 0 { 200 } else { 0 },
        log_types: LogTypes(0xFF),
        ..Settings::default()
    };
    if let Some(l) = s.listeners.first_mut() {
        l.max_qos = if b & 0x40 != 0 { 1 } else { 2 };
        l.max_topic_alias = [10, 0, 2, 10][usize::from(b >> 6)];
        l.allow_zero_length_clientid = b & 0x80 == 0 || b & 0x40 == 0;
    }
    s
}

impl Harness {
    fn new(settings: Settings, acl: bool, start: Instant) -> Self {
        let acl = acl
            .then(|| Acl::parse_str("topic readwrite a/#\ntopic read r/#\npattern write r/%c\n", "acl").ok())
            .flatten()
            .map(|(acl, _)| acl);
        let security = Arc::new(vec![Arc::new(Security {
            allow_anonymous: true,
            passwords: None,
            acl,
            unrestricted: false,
        })]);
        let settings = Arc::new(settings);
        let shared = Arc::new(Shared::new(usize::from(settings.shards)));
        let shards: Vec<Shard> = (0..settings.shards)
            .map(|i| Shard::new(i, settings.clone(), security.clone(), shared.clone()))
            .collect();
        let mail = shards.iter().map(|_| Vec::new()).collect();
        Self {
            shards,
            mail,
            clients: Vec::new(),
            settings,
            shared,
            now: start,
            fed_total: 0,
        }
    }

    /// The index of the `n`th live client, if any.
    fn live(&self, n: u8) -> Option<usize> {
        let live: Vec<usize> = (0..self.clients.len())
            .filter(|&i| !self.clients[i].closed)
            .collect();
        (!live.is_empty()).then(|| live[usize::from(n) % live.len()])
    }

    fn client_of(&self, shard: usize, conn: ConnId) -> Option<usize> {
        self.clients
            .iter()
            .position(|c| !c.closed && c.shard == shard && c.conn == conn)
    }

    /// A new connection, on the shard a worker's listener would give it.
    fn open(&mut self, which: u8) {
        if self.clients.iter().filter(|c| !c.closed).count() >= MAX_CLIENTS {
            return;
        }
        let shard = usize::from(which) % self.shards.len();
        let peer = std::net::SocketAddr::from(([127, 0, 0, 1], 40000 + self.clients.len() as u16));
        let conn = self.shards[shard].open(Some(peer), "127.0.0.1".into(), 0, self.now);
        self.clients.push(Client {
            shard,
            conn,
            received: Vec::new(),
            verified: 0,
            fed: 0,
            reading: true,
            connack_seen: false,
            ended: false,
            closed: false,
            server_mids: Vec::new(),
            next_mid: 1,
        });
        self.settle();
    }

    /// Bytes from a client, as a worker reads them (pending commands applied first).
    fn feed(&mut self, client: usize, data: &[u8]) {
        let (shard, conn) = (self.clients[client].shard, self.clients[client].conn);
        if self.shards[shard].needs_commands() {
            self.deliver(shard);
        }
        // The worker reads no more from a connection that is closing or moving.
        if self.clients[client].closed || self.shards[shard].done_reading(conn) {
            return;
        }
        self.clients[client].fed += data.len();
        self.fed_total += data.len();
        self.shards[shard].input(conn, data, self.now);
        self.settle();
    }

    /// Apply a shard's mail, as its worker does when woken.
    fn deliver(&mut self, shard: usize) {
        self.shards[shard].apply_subscription_changes(self.now);
        let mail = std::mem::take(&mut self.mail[shard]);
        for m in mail {
            match m {
                Mail::Command(cmd) => self.shards[shard].command(cmd, self.now),
                Mail::Handoff(h, client) => {
                    let conn = self.shards[shard].adopt(h, self.now);
                    let c = &mut self.clients[client];
                    c.shard = shard;
                    c.conn = conn;
                }
            }
        }
    }

    /// Carry out what the shards produced until they produce nothing more.
    fn settle(&mut self) {
        for _ in 0..32 {
            let mut quiet = true;
            for i in 0..self.shards.len() {
                let out = self.shards[i].take_output();
                if !out.writable.is_empty()
                    || !out.close.is_empty()
                    || !out.commands.is_empty()
                    || !out.handoffs.is_empty()
                {
                    quiet = false;
                }
                self.handle(i, out);
            }
            for i in 0..self.shards.len() {
                if self.mail[i].iter().any(|m| matches!(m, Mail::Handoff(..))) {
                    quiet = false;
                    self.deliver(i);
                }
            }
            if quiet {
                return;
            }
        }
    }

    fn handle(&mut self, shard: usize, out: Output) {
        let Output {
            writable,
            close,
            commands,
            handoffs,
            logs,
            ..
        } = out;
        for line in &logs {
            assert!(!line.text.is_empty(), "an empty log line");
        }
        // As the worker: mail first, then the bytes.
        for (to, batch) in commands {
            for cmd in batch {
                self.mail[usize::from(to)].push(Mail::Command(cmd));
            }
        }
        for h in handoffs {
            let Some(client) = self.client_of(shard, h.conn) else {
                continue;
            };
            assert!(
                self.shards[shard].pending_output(h.conn) == 0,
                "a connection handed to another shard has output in the first"
            );
            self.shards[shard].forget(h.conn);
            let to = usize::from(h.to);
            assert!(to < self.shards.len() && to != shard, "handoff to shard {to}");
            self.mail[to].push(Mail::Handoff(h, client));
        }
        for conn in writable {
            if let Some(client) = self.client_of(shard, conn) {
                if self.clients[client].reading {
                    self.take(client, usize::MAX);
                }
            }
        }
        for conn in close {
            // The worker writes what is left, then closes the socket.
            if let Some(client) = self.client_of(shard, conn) {
                self.take(client, usize::MAX);
                self.check_complete(client);
                self.clients[client].closed = true;
            }
            self.shards[shard].forget(conn);
        }
    }

    /// Take up to `limit` bytes of a client's output, as a socket write would; the rest goes
    /// back to the shard.
    fn take(&mut self, client: usize, limit: usize) {
        let (shard, conn) = (self.clients[client].shard, self.clients[client].conn);
        let Some(version) = self.shards[shard].protocol_version(conn) else {
            return;
        };
        let mut bytes = self.shards[shard].take_output_bytes(conn);
        let rest = if bytes.len() > limit {
            bytes.split_off(limit)
        } else {
            Vec::new()
        };
        self.shards[shard].return_output_bytes(conn, rest);
        let c = &mut self.clients[client];
        c.received.extend_from_slice(&bytes);
        verify(c, version);
    }

    /// All the output of a closing connection must have decoded completely.
    fn check_complete(&self, client: usize) {
        let c = &self.clients[client];
        assert_eq!(
            c.verified,
            c.received.len(),
            "a connection closed in the middle of a packet: {:02x?}",
            &c.received[c.verified..]
        );
    }

    /// What the broker holds must stay within bounds.
    fn check_bounds(&self) {
        let s = &self.settings;
        let queued = s.max_queued_messages as usize;
        let inflight = usize::from(s.max_inflight_messages);
        for (index, shard) in self.shards.iter().enumerate() {
            let h = shard.holdings();
            for (conn, inbuf, out, aliases) in h.connections {
                let fed = self
                    .client_of(index, conn)
                    .map_or(self.fed_total, |c| self.clients[c].fed);
                assert!(
                    inbuf <= 2 * fed + 1024,
                    "connection {conn} buffers {inbuf} bytes of input after receiving {fed}"
                );
                let bound =
                    (queued + inflight.min(1000) + 4) * (self.fed_total + 128) + 8 * self.fed_total + 4096;
                assert!(
                    out <= bound,
                    "connection {conn} has {out} bytes of output waiting"
                );
                assert!(aliases <= 65535, "{aliases} topic alias slots");
            }
            for session in h.sessions {
                assert!(
                    session.outgoing <= queued + inflight,
                    "a session holds {} QoS 1/2 messages (max_queued_messages {queued}, in flight {inflight})",
                    session.outgoing
                );
                assert!(
                    session.qos0_queued <= queued,
                    "{} QoS 0 messages queued",
                    session.qos0_queued
                );
                assert!(
                    session.incoming <= 65535,
                    "{} incoming QoS 2 messages",
                    session.incoming
                );
            }
        }
        for shard in &self.shards {
            shard.publish_counts();
        }
        let st = self.shared.counts();
        for (name, v) in [
            ("sockets", st.sockets),
            ("clients_connected", st.clients_connected),
            ("clients_total", st.clients_total),
            ("subscriptions", st.subscriptions),
            ("shared_subscriptions", st.shared_subscriptions),
            ("stored_messages", st.stored_messages),
            ("stored_bytes", st.stored_bytes),
        ] {
            assert!(v < 1 << 40, "the {name} counter went below zero ({v})");
        }
        let retained = self.shared.retained_bytes.load(Ordering::Relaxed);
        assert!(
            retained < 1 << 40,
            "the retained bytes counter went below zero ({retained})"
        );
    }
}

/// Decode what a client received so far: every complete packet must be one a server sends,
/// in an order a server may send it.
fn verify(c: &mut Client, version: ProtocolVersion) {
    loop {
        let rest = &c.received[c.verified..];
        if rest.is_empty() {
            return;
        }
        let (packet, n) = match protocol::decode_packet(rest, version) {
            Ok(Some(p)) => p,
            Ok(None) => return,
            // A 3.1 SUBSCRIBE without filters gets a SUBACK without codes, as from mosquitto
            // (the codec refuses it as a client).
            Err(_) if version == ProtocolVersion::V31 && rest.len() >= 4 && rest[..2] == [0x90, 0x02] => {
                let mid = u16::from_be_bytes([rest[2], rest[3]]);
                let suback = protocol::Suback {
                    mid,
                    reason_codes: Vec::new(),
                    properties: Vec::new(),
                };
                (Packet::Suback(suback), 4)
            }
            Err(e) => panic!("the broker wrote bytes that do not decode ({e:?}, {version:?}): {rest:02x?}"),
        };
        assert!(
            !c.ended,
            "the broker wrote {packet:?} after ending the connection"
        );
        match &packet {
            Packet::Connack(ack) => {
                assert!(!c.connack_seen, "a second CONNACK");
                c.connack_seen = true;
                if ack.reason_code != 0 {
                    c.ended = true;
                }
            }
            other => {
                assert!(c.connack_seen, "{other:?} before CONNACK");
                match other {
                    Packet::Publish(p) => {
                        assert!(p.qos <= 2 && (p.qos == 0) == (p.mid == 0), "{p:?}");
                        assert!(
                            !p.topic.is_empty(),
                            "a PUBLISH without a topic (the broker uses no aliases)"
                        );
                        if p.qos > 0 {
                            c.server_mids.push(p.mid);
                        }
                    }
                    Packet::Pubrel(a) => c.server_mids.push(a.mid),
                    Packet::Disconnect(_) => {
                        assert!(version.is_v5(), "a DISCONNECT to a {version:?} client");
                        c.ended = true;
                    }
                    Packet::Puback(_)
                    | Packet::Pubrec(_)
                    | Packet::Pubcomp(_)
                    | Packet::Suback(_)
                    | Packet::Unsuback(_)
                    | Packet::Pingresp => {}
                    other => panic!("a server does not send {other:?}"),
                }
            }
        }
        if c.server_mids.len() > 16 {
            c.server_mids.remove(0);
        }
        c.verified += n;
    }
}

/// A packet identifier: one the broker used, or one of the client's.
fn pick_mid(s: &mut Script<'_>, c: &mut Client) -> u16 {
    let b = s.byte();
    match (b & 0x80 != 0, c.server_mids.len()) {
        (true, len) if len > 0 => c.server_mids[len - 1 - usize::from(b & 0x7F) % len],
        _ if b & 0x40 != 0 => u16::from(b & 0x07),
        _ => {
            c.next_mid = c.next_mid.wrapping_add(1).max(1);
            c.next_mid
        }
    }
}

/// A well-formed (or nearly) client packet from the script, in the client's protocol.
fn build(s: &mut Script<'_>, c: &mut Client, version: ProtocolVersion) -> Option<Packet> {
    let v5 = version.is_v5();
    let kind = s.byte();
    Some(match kind % 11 {
        0 => {
            let version = VERSIONS[usize::from(s.byte()) % 3];
            let flags = s.byte();
            let mut properties = Vec::new();
            let mut will = None;
            if version.is_v5() {
                if flags & 0x01 != 0 {
                    let expiry = [0, 2, 30, u32::MAX][usize::from(flags >> 6)];
                    properties.push(prop(MQTT_PROP_SESSION_EXPIRY_INTERVAL, PropValue::Int32(expiry)));
                }
                if flags & 0x02 != 0 {
                    properties.push(prop(
                        MQTT_PROP_RECEIVE_MAXIMUM,
                        PropValue::Int16(1 + u16::from(flags >> 6)),
                    ));
                }
                if flags & 0x04 != 0 {
                    properties.push(prop(MQTT_PROP_MAXIMUM_PACKET_SIZE, PropValue::Int32(30)));
                }
            }
            if flags & 0x08 != 0 {
                let b = s.byte();
                will = Some(Will {
                    topic: s.pick(&TOPICS[..7]).to_owned(),
                    payload: vec![b'w'; usize::from(b & 0x0F)],
                    qos: (b >> 4) % 3,
                    retain: b & 0x40 != 0,
                    properties: if version.is_v5() && b & 0x80 != 0 {
                        vec![prop(
                            MQTT_PROP_WILL_DELAY_INTERVAL,
                            PropValue::Int32(u32::from(b & 0x03)),
                        )]
                    } else {
                        Vec::new()
                    },
                });
            }
            Packet::Connect(Connect {
                version,
                clean_start: flags & 0x10 != 0,
                keepalive: [0, 1, 5, 60][usize::from((flags >> 5) & 0x03)],
                client_id: s.pick(&IDS).to_owned(),
                will,
                username: (flags & 0x80 != 0).then(|| "u".to_owned()),
                password: None,
                properties,
            })
        }
        1 | 2 => {
            let b = s.byte();
            let qos = b & 0x03;
            let topic = s.pick(&TOPICS).to_owned();
            let len = usize::from(s.byte());
            let mut properties = Vec::new();
            if v5 {
                let p = s.byte();
                if p & 0x01 != 0 {
                    properties.push(prop(
                        MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
                        PropValue::Int32(u32::from(p >> 6)),
                    ));
                }
                if p & 0x02 != 0 {
                    properties.push(prop(
                        MQTT_PROP_TOPIC_ALIAS,
                        PropValue::Int16(u16::from((p >> 2) & 0x03) + 1),
                    ));
                }
                if p & 0x10 != 0 {
                    properties.push(prop(
                        MQTT_PROP_USER_PROPERTY,
                        PropValue::StringPair("k".into(), "v".into()),
                    ));
                }
                if p & 0x20 != 0 {
                    properties.push(prop(MQTT_PROP_RESPONSE_TOPIC, PropValue::String("r/1".into())));
                    properties.push(prop(MQTT_PROP_CORRELATION_DATA, PropValue::Binary(vec![1, 2])));
                }
            }
            Packet::Publish(Publish {
                dup: b & 0x04 != 0,
                qos: qos.min(2),
                retain: b & 0x08 != 0,
                topic,
                mid: if qos == 0 { 0 } else { pick_mid(s, c) },
                payload: vec![b'p'; len].into(),
                properties,
            })
        }
        3 => {
            let n = 1 + usize::from(s.byte() % 3);
            let filters = (0..n)
                .map(|_| (s.pick(&FILTERS).to_owned(), s.byte() & 0x3F))
                .collect();
            let id = s.byte();
            let properties = if v5 && id & 0x80 != 0 {
                vec![prop(
                    MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
                    PropValue::VarInt(u32::from(id & 0x7F) + 1),
                )]
            } else {
                Vec::new()
            };
            Packet::Subscribe(Subscribe {
                mid: pick_mid(s, c).max(1),
                filters,
                properties,
            })
        }
        4 => Packet::Unsubscribe(Unsubscribe {
            mid: pick_mid(s, c).max(1),
            filters: vec![s.pick(&FILTERS).to_owned()],
            properties: Vec::new(),
        }),
        5..=8 => {
            let mid = pick_mid(s, c);
            let reason_code = if v5 { s.pick(&REASONS) } else { 0 };
            let ack = Ack {
                mid,
                reason_code,
                properties: Vec::new(),
            };
            match kind % 11 {
                5 => Packet::Puback(ack),
                6 => Packet::Pubrec(ack),
                7 => Packet::Pubrel(ack),
                _ => Packet::Pubcomp(ack),
            }
        }
        9 => Packet::Pingreq,
        _ => {
            if kind & 0x80 != 0 && v5 {
                return Some(Packet::Auth(Auth::default()));
            }
            let reason_code = if v5 { s.pick(&REASONS) } else { 0 };
            let properties = if v5 && kind & 0x40 != 0 {
                vec![prop(
                    MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                    PropValue::Int32(u32::from(kind & 0x0F)),
                )]
            } else {
                Vec::new()
            };
            Packet::Disconnect(Disconnect {
                reason_code,
                properties,
            })
        }
    })
}

/// The broker target; see the module documentation. The script: two configuration bytes
/// (shards, limits, options; see `settings`), one for the ACL and the clock, then steps of
/// one operation byte and its arguments: open a connection, raw bytes on one, a client packet
/// on one (possibly split in two reads), the clock moved on (with the shards' periodic
/// work), the client closing or its socket failing, the client stopping or resuming reading,
/// a partial write, the shards' mail delivered. Reads past the end give zeros.
pub fn broker_packet(data: &[u8], start: Instant) {
    let mut s = Script { data };
    let a = s.byte();
    let b = s.byte();
    let c = s.byte();
    let mut h = Harness::new(settings(a, b), c & 0x01 != 0, start);
    h.open(0);
    for _ in 0..MAX_STEPS {
        if s.is_empty() {
            break;
        }
        let op = s.byte();
        let which = s.byte();
        match op % 10 {
            0 => h.open(which),
            1 => {
                let len = usize::from(s.byte());
                let bytes = s.bytes(len).to_vec();
                if let Some(client) = h.live(which) {
                    h.feed(client, &bytes);
                }
            }
            2 | 3 => {
                let Some(client) = h.live(which) else {
                    continue;
                };
                let (shard, conn) = (h.clients[client].shard, h.clients[client].conn);
                let version = h.shards[shard]
                    .protocol_version(conn)
                    .unwrap_or(ProtocolVersion::V311);
                let Some(packet) = build(&mut s, &mut h.clients[client], version) else {
                    continue;
                };
                let version = match &packet {
                    Packet::Connect(c) => c.version,
                    _ => version,
                };
                let mut bytes = Vec::new();
                packet.encode(version, &mut bytes);
                let split = usize::from(s.byte());
                if split > 0 && split < bytes.len() {
                    let second = bytes.split_off(split);
                    h.feed(client, &bytes);
                    h.feed(client, &second);
                } else {
                    h.feed(client, &bytes);
                }
            }
            4 => {
                let step = Duration::from_millis(u64::from(which) * 100);
                h.now += step;
                for i in 0..h.shards.len() {
                    h.shards[i].tick(h.now);
                }
                h.settle();
            }
            5 | 6 => {
                if let Some(client) = h.live(which) {
                    let (shard, conn) = (h.clients[client].shard, h.clients[client].conn);
                    let error = (op % 10 == 6).then_some("Connection reset by peer");
                    h.shards[shard].closed(conn, error, h.now);
                    h.settle();
                }
            }
            7 => {
                if let Some(client) = h.live(which) {
                    let reading = !h.clients[client].reading;
                    h.clients[client].reading = reading;
                    if reading {
                        h.take(client, usize::MAX);
                    }
                }
            }
            8 => {
                let limit = usize::from(s.byte());
                if let Some(client) = h.live(which) {
                    h.take(client, limit);
                }
            }
            _ => {
                for i in 0..h.shards.len() {
                    h.deliver(i);
                }
                h.settle();
            }
        }
        h.check_bounds();
    }
    // The end: every shard shuts down (wills go out), every socket is written and closed.
    for i in 0..h.shards.len() {
        h.deliver(i);
    }
    for i in 0..h.shards.len() {
        h.shards[i].shutdown(h.now);
    }
    h.settle();
    for i in 0..h.shards.len() {
        h.deliver(i);
    }
    h.settle();
    h.check_bounds();
}
