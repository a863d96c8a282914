//! The MQTT client state machine.
//!
//! A [`Session`] holds everything libmosquitto keeps about one client connection except the
//! socket: protocol state, message ids, the outgoing QoS 1/2 store with its in-flight quota,
//! incoming QoS 2 messages awaiting PUBREL, keepalive timers, and the encoded bytes waiting to be
//! written. It performs no I/O, reads no clock (the current time is passed in) and spawns nothing;
//! the transport layer feeds it bytes and writes out what it produces, and the C layer turns its
//! [`Event`]s into callbacks.

#![forbid(unsafe_code)]

pub mod config;
pub mod event;
pub mod inflight;
pub mod outbuf;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::protocol::consts::{
    CMD_DISCONNECT, CMD_PUBLISH, CMD_SUBSCRIBE, CMD_UNSUBSCRIBE, CMD_WILL,
    MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, MQTT_PROP_MAXIMUM_PACKET_SIZE, MQTT_PROP_MAXIMUM_QOS,
    MQTT_PROP_RECEIVE_MAXIMUM, MQTT_PROP_RETAIN_AVAILABLE, MQTT_PROP_SERVER_KEEP_ALIVE,
    MQTT_PROP_TOPIC_ALIAS,
};
use crate::protocol::flow::{AckOutcome, OutFlow, Transmit};
use crate::protocol::properties::{self, PropertyError};
use crate::protocol::{
    self, Ack, Connect, DecodeError, Disconnect, FixedHeader, Packet, PropValue, Property, ProtocolVersion,
    Publish, PublishRef, Subscribe, Unsubscribe, Will, kind, topic, utf8,
};

pub use config::ClientOptions;
pub use event::{DisconnectCause, Event, LogLevel};
use inflight::OutMessage;
use outbuf::{Completion, OutBuf};

/// Connection state, as libmosquitto tracks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Never connected, or a blocking connect is being set up.
    New,
    /// The last connection attempt failed; the loop will retry.
    ConnectPending,
    /// CONNECT has been queued; waiting for CONNACK.
    Connected,
    /// CONNACK accepted the connection.
    Active,
    /// The application asked to disconnect (or the server disconnected us).
    Disconnected,
}

/// v5 reason codes a PUBACK or PUBREC may carry.
const PUBACK_REASONS: [u8; 9] = [0, 16, 128, 131, 135, 144, 145, 151, 153];
/// v5 reason codes a PUBREL or PUBCOMP may carry.
const PUBREL_REASONS: [u8; 2] = [0, 146];

/// Bytes of a partly received packet after which its arrival counts as traffic for keepalive.
const LARGE_PACKET_PROGRESS: usize = 1000;

/// Capacity of the buffer for partly received packets kept once it is empty again.
const INBUF_KEEP: usize = 16 * 1024;

/// An outgoing PUBLISH as the application asked for it.
#[derive(Debug, Clone)]
pub struct PublishRequest<'a> {
    /// `None` (NULL from C) is allowed only in v5 with a topic alias.
    pub topic: Option<&'a [u8]>,
    pub payload: &'a [u8],
    pub qos: u8,
    pub retain: bool,
    pub properties: Vec<Property>,
}

/// The client state machine; see the module documentation.
#[derive(Debug)]
pub struct Session {
    /// Settings used by the next CONNECT.
    pub opts: ClientOptions,
    state: State,
    /// Whether the transport has a socket (connected or connecting).
    has_socket: bool,
    /// A connection attempt is under way in the transport (between
    /// [`Session::reset_for_connect`] and [`Session::connection_started`] or
    /// [`Session::connect_failed`]).
    connecting: bool,
    /// QoS 0 messages published while a connection attempt was under way, encoded, with
    /// their message ids; sent right after CONNECT.
    held_qos0: Vec<(u16, Vec<u8>)>,
    request_disconnect: bool,
    last_mid: u16,

    out: OutBuf,
    /// Outgoing QoS 1/2 messages, from the publish call to their last acknowledgement.
    outgoing: OutFlow<OutMessage>,
    /// Outgoing in-flight maximum (ours, or the server's receive maximum).
    send_max: u16,
    /// libmosquitto's send quota while there is no connection: a QoS 1/2 publish then reports
    /// `MOSQ_ERR_NO_CONN` while this is above 0 (the message would have been sent), and
    /// success once it is 0 (the message would have been queued anyway). It is what the last
    /// connection left free, or after a connection attempt the maximum less the messages kept.
    offline_quota: u16,
    /// Incoming in-flight maximum we announce (v5 receive maximum).
    receive_max: u16,
    /// Incoming QoS 2 messages waiting for PUBREL.
    incoming: HashMap<u16, Publish>,
    /// Bytes of an incomplete packet.
    inbuf: Vec<u8>,

    /// Limits the server announced in CONNACK.
    max_qos: u8,
    retain_available: bool,
    max_packet_size: u32,
    /// Keepalive in effect (the server may replace ours).
    keepalive: u16,
    last_msg_in: Option<Instant>,
    next_msg_out: Option<Instant>,
    ping_sent: Option<Instant>,

    events: Vec<Event>,
    /// A CONNACK accepted a connection since [`Session::take_accepted`] was last called.
    accepted: bool,
    /// Complete packets received so far (on every connection).
    packets_in: u64,
    completions: Vec<Completion>,
    log_enabled: bool,
}

impl Session {
    pub fn new(opts: ClientOptions) -> Self {
        let send_max = opts.send_maximum;
        let receive_max = opts.receive_maximum;
        let keepalive = opts.keepalive;
        Self {
            opts,
            state: State::New,
            has_socket: false,
            connecting: false,
            held_qos0: Vec::new(),
            request_disconnect: false,
            last_mid: 0,
            out: OutBuf::default(),
            outgoing: OutFlow::default(),
            offline_quota: send_max,
            send_max,
            receive_max,
            incoming: HashMap::new(),
            inbuf: Vec::new(),
            max_qos: 2,
            retain_available: true,
            max_packet_size: 0,
            keepalive,
            last_msg_in: None,
            next_msg_out: None,
            ping_sent: None,
            events: Vec::new(),
            accepted: false,
            packets_in: 0,
            completions: Vec::new(),
            log_enabled: false,
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn set_state(&mut self, state: State) {
        self.state = state;
    }

    /// Whether the transport has a socket.
    pub fn has_socket(&self) -> bool {
        self.has_socket
    }

    /// Whether the application asked to disconnect since the last connect call.
    pub fn request_disconnect(&self) -> bool {
        self.request_disconnect
    }

    pub fn protocol(&self) -> ProtocolVersion {
        self.opts.protocol
    }

    /// The keepalive in effect, in seconds.
    pub fn keepalive(&self) -> u16 {
        self.keepalive
    }

    /// Produce log events only when someone listens.
    pub fn set_log_enabled(&mut self, enabled: bool) {
        self.log_enabled = enabled;
    }

    /// Set the outgoing in-flight maximum (0 means 65535).
    pub fn set_send_maximum(&mut self, max: u16) {
        let max = if max == 0 { u16::MAX } else { max };
        self.opts.send_maximum = max;
        self.send_max = max;
        self.offline_quota = max;
    }

    /// Set the incoming in-flight maximum announced in CONNECT (0 means 65535).
    pub fn set_receive_maximum(&mut self, max: u16) {
        let max = if max == 0 { u16::MAX } else { max };
        self.opts.receive_maximum = max;
        self.receive_max = max;
    }

    /// Number of outgoing QoS 1/2 messages not yet completed.
    pub fn outgoing_len(&self) -> usize {
        self.outgoing.len()
    }

    /// Move the collected events into `into`.
    pub fn drain_events(&mut self, into: &mut Vec<Event>) {
        into.append(&mut self.events);
    }

    /// How many complete packets have been received (and handled, successfully or not).
    pub fn packets_in(&self) -> u64 {
        self.packets_in
    }

    /// Whether a CONNACK accepted a connection since the last call (the reconnect back-off
    /// starts over then).
    pub fn take_accepted(&mut self) -> bool {
        std::mem::take(&mut self.accepted)
    }

    /// Whether there are events to collect.
    pub fn has_events(&self) -> bool {
        !self.events.is_empty()
    }

    fn id_for_log(&self) -> &str {
        self.opts.client_id.as_deref().unwrap_or("null")
    }

    fn log(&mut self, level: LogLevel, text: impl FnOnce(&Self) -> String) {
        if self.log_enabled {
            let text = text(self);
            self.events.push(Event::Log { level, text });
        }
    }

    /// Push a log line (used by the layers above for their own messages).
    pub fn log_line(&mut self, level: LogLevel, text: impl FnOnce() -> String) {
        if self.log_enabled {
            self.events.push(Event::Log { level, text: text() });
        }
    }

    /// The next message id: the counter shared by PUBLISH, SUBSCRIBE and UNSUBSCRIBE, skipping
    /// 0 and the ids of outgoing messages not yet complete. `None` when all 65535 are taken.
    fn next_mid(&mut self) -> Option<u16> {
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

    // ---------------------------------------------------------------------------------------
    // Connecting

    /// Prepare a connect call: keepalive, quotas and the disconnect request are reset.
    pub fn prepare_connect(&mut self, keepalive: u16) {
        self.keepalive = keepalive;
        self.opts.keepalive = keepalive;
        self.retain_available = true;
        self.request_disconnect = false;
    }

    /// A (re)connection attempt starts: timers, partial packets and the outgoing store are reset
    /// as libmosquitto does before it opens the socket.
    ///
    /// Outgoing messages that were on the wire are marked for resending after the next
    /// CONNACK (PUBLISH with DUP set, or PUBREL), in their original order, ahead of the
    /// messages that never left; until the attempt succeeds or fails, publishing is accepted as
    /// while connected.
    pub fn reset_for_connect(&mut self, now: Instant) {
        self.has_socket = false;
        self.connecting = true;
        self.held_qos0.clear();
        self.keepalive = self.opts.keepalive;
        self.last_msg_in = Some(now);
        self.next_msg_out = Some(now + Duration::from_secs(u64::from(self.keepalive)));
        self.ping_sent = None;
        self.release_inbuf();
        self.out.clear();
        self.outgoing.connection_lost();
        let kept = u16::try_from(self.outgoing.len()).unwrap_or(u16::MAX);
        self.offline_quota = self.send_max.saturating_sub(kept);
    }

    /// The connection attempt failed before a socket was established.
    pub fn connect_failed(&mut self) {
        self.connect_abandoned();
        self.state = State::ConnectPending;
    }

    /// The connection attempt ended without a socket and without changing the state (it was
    /// cancelled by a disconnect or replaced by another attempt).
    pub fn connect_abandoned(&mut self) {
        self.has_socket = false;
        self.connecting = false;
        self.held_qos0 = Vec::new();
    }

    /// The transport has a socket (connected, or connecting in the background): queue CONNECT,
    /// then what was published at QoS 0 while the connection was being made.
    pub fn connection_started(&mut self, now: Instant) {
        self.has_socket = true;
        self.connecting = false;
        self.state = State::Connected;
        self.last_msg_in = Some(now);
        self.next_msg_out = Some(now + Duration::from_secs(u64::from(self.keepalive)));
        self.send_connect();
        for (mid, packet) in std::mem::take(&mut self.held_qos0) {
            self.out.writer().extend_from_slice(&packet);
            self.out.mark(Completion::Qos0Publish(mid));
        }
        self.send_outgoing();
    }

    /// Forget a partly received packet and give its memory back.
    fn release_inbuf(&mut self) {
        self.inbuf = Vec::new();
    }

    fn send_connect(&mut self) {
        let v5 = self.opts.protocol.is_v5();
        let mut properties = Vec::new();
        if v5 {
            properties = self.opts.connect_properties.clone();
            let supplied = properties.iter().find_map(|p| match (p.id, &p.value) {
                (MQTT_PROP_RECEIVE_MAXIMUM, PropValue::Int16(v)) => Some(*v),
                _ => None,
            });
            match supplied {
                Some(v) => self.receive_max = v,
                None => properties.push(Property {
                    id: MQTT_PROP_RECEIVE_MAXIMUM,
                    value: PropValue::Int16(self.receive_max),
                }),
            }
        }
        let will = self.opts.will.as_ref().map(|w| Will {
            retain: w.retain && self.retain_available,
            properties: if v5 { w.properties.clone() } else { Vec::new() },
            ..w.clone()
        });
        let connect = Connect {
            version: self.opts.protocol,
            clean_start: self.opts.clean_start,
            keepalive: self.keepalive,
            client_id: self.opts.client_id.clone().unwrap_or_default(),
            will,
            username: self.opts.username.clone(),
            password: self.opts.password.clone(),
            properties,
        };
        self.log(LogLevel::Debug, |s| {
            format!("Client {} sending CONNECT", s.id_for_log())
        });
        Packet::Connect(connect).encode(self.opts.protocol, self.out.writer());
    }

    /// A connection attempt that got a socket but failed before MQTT began (its TLS handshake)
    /// is reported as a lost connection, as libmosquitto reports it.
    pub fn report_failed_connection(&mut self, cause: DisconnectCause) {
        self.events.push(Event::Disconnect { cause });
    }

    /// The socket is gone. Reports the disconnect (once per connection) with `cause`, which
    /// becomes a clean disconnect when the application had asked for one.
    pub fn connection_lost(&mut self, cause: DisconnectCause) {
        if !self.has_socket {
            return;
        }
        self.has_socket = false;
        self.release_inbuf();
        self.out.clear();
        self.out.shrink_if_idle();
        let in_flight = u16::try_from(self.outgoing.in_flight()).unwrap_or(u16::MAX);
        self.offline_quota = self.send_max.saturating_sub(in_flight);
        self.outgoing.connection_lost();
        self.ping_sent = None;
        let cause = match cause {
            DisconnectCause::Error(_) if self.state == State::Disconnected => DisconnectCause::Requested,
            other => other,
        };
        self.events.push(Event::Disconnect { cause });
    }

    // ---------------------------------------------------------------------------------------
    // Output

    /// Bytes waiting to be written.
    pub fn pending_output(&self) -> &[u8] {
        self.out.pending()
    }

    /// Whether bytes are waiting to be written.
    pub fn wants_write(&self) -> bool {
        !self.out.is_empty()
    }

    /// `n` bytes of [`Session::pending_output`] were written. Returns true when a DISCONNECT has
    /// now been written completely, so the connection must be closed.
    pub fn wrote(&mut self, n: usize, now: Instant) -> bool {
        let mut done = std::mem::take(&mut self.completions);
        self.out.consume(n, &mut done);
        if self.out.take_wrote_any() {
            self.next_msg_out = Some(now + Duration::from_secs(u64::from(self.keepalive)));
        }
        let mut close = false;
        for completion in done.drain(..) {
            match completion {
                Completion::Qos0Publish(mid) => self.events.push(Event::Publish {
                    mid,
                    reason_code: 0,
                    properties: Vec::new(),
                    v3_callback: true,
                }),
                Completion::Disconnect => close = true,
            }
        }
        self.completions = done;
        close
    }

    // ---------------------------------------------------------------------------------------
    // Input

    /// Feed bytes read from the socket. On `Err` the connection must be closed and
    /// [`Session::connection_lost`] called with the returned cause.
    pub fn handle_bytes(&mut self, data: &[u8], now: Instant) -> Result<(), DisconnectCause> {
        if self.inbuf.is_empty() {
            let used = self.handle_packets(data, now)?;
            if used < data.len() {
                self.inbuf.extend_from_slice(&data[used..]);
                self.note_partial(now);
            }
        } else {
            self.inbuf.extend_from_slice(data);
            let buf = std::mem::take(&mut self.inbuf);
            let result = self.handle_packets(&buf, now);
            match result {
                Ok(used) => {
                    let mut buf = buf;
                    buf.drain(..used);
                    if buf.is_empty() && buf.capacity() > INBUF_KEEP {
                        // The large packet is complete: give its memory back.
                        buf = Vec::new();
                    }
                    self.inbuf = buf;
                    if !self.inbuf.is_empty() {
                        self.note_partial(now);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// A large packet still arriving counts as traffic, so it does not trip the keepalive.
    fn note_partial(&mut self, now: Instant) {
        if self.inbuf.len() >= LARGE_PACKET_PROGRESS {
            self.last_msg_in = Some(now);
        }
    }

    /// Handle every complete packet at the start of `buf`; returns the bytes consumed.
    fn handle_packets(&mut self, buf: &[u8], now: Instant) -> Result<usize, DisconnectCause> {
        let mut pos = 0;
        while pos < buf.len() {
            let rest = &buf[pos..];
            let header = match protocol::parse_fixed_header(rest) {
                Ok(Some(h)) => h,
                Ok(None) => break,
                Err(e) => return Err(self.malformed(e, rest.first().copied().unwrap_or(0))),
            };
            let FixedHeader {
                first_byte,
                remaining_length,
                header_len,
            } = header;
            let Some(end) = header_len.checked_add(remaining_length) else {
                return Err(self.malformed(DecodeError::TooLarge, first_byte));
            };
            if rest.len() < end {
                break;
            }
            let body = &rest[header_len..end];
            pos += end;
            self.packets_in += 1;
            self.last_msg_in = Some(now);
            self.handle_packet(first_byte, body, now)?;
            if !self.has_socket {
                // A packet handler closed the connection (server DISCONNECT).
                break;
            }
        }
        Ok(pos)
    }

    fn malformed(&mut self, e: DecodeError, first_byte: u8) -> DisconnectCause {
        let error = decode_error(e);
        let reason = match e {
            DecodeError::Truncated => "it is shorter than its contents",
            DecodeError::TrailingBytes => "it has unexpected bytes at its end",
            DecodeError::BadVarint => "its length field is invalid",
            DecodeError::TooLarge => "it is too large",
            DecodeError::Utf8 => "a string in it is not valid UTF-8",
            DecodeError::Protocol => "it breaks the MQTT protocol",
            DecodeError::BadProperty => "it has an invalid property",
            DecodeError::UnknownProperty => "it has an unknown property",
            DecodeError::DuplicateProperty => "it repeats a property",
        };
        self.log(LogLevel::Error, |s| {
            format!(
                "Error: Client {} received a malformed {} packet ({}); closing the connection.",
                s.id_for_log(),
                kind::name(first_byte >> 4),
                reason
            )
        });
        DisconnectCause::Error(error)
    }

    fn handle_packet(&mut self, first_byte: u8, body: &[u8], now: Instant) -> Result<(), DisconnectCause> {
        let version = self.opts.protocol;
        let packet = match protocol::decode(first_byte, body, version) {
            Ok(p) => p,
            Err(e) => {
                let packet_type = first_byte >> 4;
                if packet_type == kind::CONNACK && version.is_v5() && body.len() == 2 && body[1] == 1 {
                    // A 3.x server refusing our protocol version with a 3.x CONNACK.
                    self.events.push(Event::Connect {
                        rc: 132,
                        flags: body[0],
                        properties: Vec::new(),
                    });
                    return Err(DisconnectCause::Error(Error::Protocol));
                }
                if matches!(
                    packet_type,
                    0 | kind::CONNECT | kind::SUBSCRIBE | kind::UNSUBSCRIBE
                ) {
                    return Err(self.unrecognised(first_byte));
                }
                return Err(self.malformed(e, first_byte));
            }
        };
        match packet {
            Packet::Connack(c) => self.on_connack(c.session_present, c.reason_code, c.properties, now),
            Packet::Publish(p) => self.on_publish(p),
            Packet::Puback(a) => self.on_puback_pubcomp(a, 1),
            Packet::Pubcomp(a) => self.on_puback_pubcomp(a, 2),
            Packet::Pubrec(a) => self.on_pubrec(a),
            Packet::Pubrel(a) => self.on_pubrel(a),
            Packet::Suback(s) => {
                self.require_active()?;
                self.log(LogLevel::Debug, |s| {
                    format!("Client {} received SUBACK", s.id_for_log())
                });
                if s.reason_codes.is_empty() {
                    return Err(DisconnectCause::Error(Error::Protocol));
                }
                self.events.push(Event::Subscribe {
                    mid: s.mid,
                    granted: s.reason_codes,
                    properties: s.properties,
                });
                Ok(())
            }
            Packet::Unsuback(u) => {
                self.require_active()?;
                self.log(LogLevel::Debug, |s| {
                    format!("Client {} received UNSUBACK", s.id_for_log())
                });
                self.events.push(Event::Unsubscribe {
                    mid: u.mid,
                    properties: u.properties,
                });
                Ok(())
            }
            Packet::Pingresp => {
                self.require_active()?;
                self.log(LogLevel::Debug, |s| {
                    format!("Client {} received PINGRESP", s.id_for_log())
                });
                self.ping_sent = None;
                Ok(())
            }
            Packet::Pingreq => Err(DisconnectCause::Error(Error::Protocol)),
            Packet::Disconnect(d) => {
                if !version.is_v5() {
                    return Err(DisconnectCause::Error(Error::Protocol));
                }
                self.log(LogLevel::Debug, |_| {
                    format!("Received DISCONNECT ({})", d.reason_code)
                });
                self.state = State::Disconnected;
                Err(DisconnectCause::Server(d.reason_code))
            }
            Packet::Auth(_) => {
                self.log(LogLevel::Debug, |s| {
                    format!("Client {} received AUTH", s.id_for_log())
                });
                Ok(())
            }
            Packet::Connect(_) | Packet::Subscribe(_) | Packet::Unsubscribe(_) => {
                Err(self.unrecognised(first_byte))
            }
        }
    }

    fn unrecognised(&mut self, first_byte: u8) -> DisconnectCause {
        self.log(LogLevel::Error, |_| {
            format!("Error: Unrecognised command {}\n", first_byte & 0xF0)
        });
        DisconnectCause::Error(Error::Protocol)
    }

    fn require_active(&self) -> Result<(), DisconnectCause> {
        if self.state == State::Active {
            Ok(())
        } else {
            Err(DisconnectCause::Error(Error::Protocol))
        }
    }

    fn on_connack(
        &mut self,
        session_present: bool,
        rc: u8,
        properties: Vec<Property>,
        now: Instant,
    ) -> Result<(), DisconnectCause> {
        if self.opts.protocol.is_v5() {
            for p in &properties {
                match (p.id, &p.value) {
                    (MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, PropValue::String(id)) => {
                        if self.opts.client_id.as_deref().is_some_and(|old| !old.is_empty()) {
                            return Err(DisconnectCause::Error(Error::Protocol));
                        }
                        self.opts.client_id = Some(id.clone());
                    }
                    (MQTT_PROP_RETAIN_AVAILABLE, PropValue::Byte(v)) => self.retain_available = *v != 0,
                    (MQTT_PROP_MAXIMUM_QOS, PropValue::Byte(v)) => self.max_qos = *v,
                    (MQTT_PROP_RECEIVE_MAXIMUM, PropValue::Int16(v)) => self.send_max = *v,
                    (MQTT_PROP_SERVER_KEEP_ALIVE, PropValue::Int16(v)) => {
                        self.keepalive = *v;
                        self.next_msg_out = Some(now + Duration::from_secs(u64::from(*v)));
                    }
                    (MQTT_PROP_MAXIMUM_PACKET_SIZE, PropValue::Int32(v)) => self.max_packet_size = *v,
                    _ => {}
                }
            }
        }
        self.log(LogLevel::Debug, |s| {
            format!("Client {} received CONNACK ({})", s.id_for_log(), rc)
        });
        self.events.push(Event::Connect {
            rc,
            flags: u8::from(session_present),
            properties,
        });
        match rc {
            0 => {
                if self.state != State::Disconnected {
                    self.state = State::Active;
                }
                self.accepted = true;
                self.send_outgoing();
                Ok(())
            }
            1..=5 => Err(DisconnectCause::Error(Error::ConnRefused)),
            _ => Err(DisconnectCause::Error(Error::Protocol)),
        }
    }

    fn on_publish(&mut self, p: Publish) -> Result<(), DisconnectCause> {
        self.require_active()?;
        if p.topic.is_empty() {
            return Err(DisconnectCause::Error(Error::Protocol));
        }
        self.log(LogLevel::Debug, |s| {
            publish_line(s.id_for_log(), "received", &p.as_publish_ref(), p.mid)
        });
        if p.qos > 0
            && self.opts.protocol.is_v5()
            && !(p.qos == 2 && self.incoming.contains_key(&p.mid))
            && self.incoming.len() >= usize::from(self.receive_max)
        {
            return Err(DisconnectCause::Error(Error::Protocol));
        }
        match p.qos {
            0 => self.events.push(Event::Message { message: p }),
            1 => {
                self.send_ack(kind::PUBACK, p.mid, 0);
                self.events.push(Event::Message { message: p });
            }
            _ => {
                self.send_ack(kind::PUBREC, p.mid, 0);
                self.incoming.insert(p.mid, p);
            }
        }
        Ok(())
    }

    fn check_reason(&self, reason: u8, allowed: &[u8]) -> Result<(), DisconnectCause> {
        if self.opts.protocol.is_v5() && !allowed.contains(&reason) {
            Err(DisconnectCause::Error(Error::Protocol))
        } else {
            Ok(())
        }
    }

    fn on_puback_pubcomp(&mut self, ack: Ack, qos: u8) -> Result<(), DisconnectCause> {
        self.require_active()?;
        if ack.mid == 0 {
            return Err(DisconnectCause::Error(Error::Protocol));
        }
        let name = if qos == 1 { "PUBACK" } else { "PUBCOMP" };
        self.check_reason(
            ack.reason_code,
            if qos == 1 {
                &PUBACK_REASONS
            } else {
                &PUBREL_REASONS
            },
        )?;
        self.log(LogLevel::Debug, |s| {
            format!(
                "Client {} received {} (Mid: {}, RC:{})",
                s.id_for_log(),
                name,
                ack.mid,
                ack.reason_code
            )
        });
        match self.outgoing.complete(ack.mid, qos) {
            AckOutcome::WrongQos => return Err(DisconnectCause::Error(Error::Protocol)),
            AckOutcome::Complete(_) => self.events.push(Event::Publish {
                mid: ack.mid,
                reason_code: ack.reason_code,
                properties: ack.properties,
                v3_callback: true,
            }),
            AckOutcome::Released | AckOutcome::Unknown => {}
        }
        self.send_outgoing();
        Ok(())
    }

    fn on_pubrec(&mut self, ack: Ack) -> Result<(), DisconnectCause> {
        self.require_active()?;
        if ack.mid == 0 {
            return Err(DisconnectCause::Error(Error::Protocol));
        }
        self.check_reason(ack.reason_code, &PUBACK_REASONS)?;
        self.log(LogLevel::Debug, |s| {
            format!("Client {} received PUBREC (Mid: {})", s.id_for_log(), ack.mid)
        });
        let refused = self.opts.protocol.is_v5() && ack.reason_code >= 0x80;
        let outcome = self.outgoing.pubrec(ack.mid, refused);
        if refused {
            if let AckOutcome::Complete(_) = outcome {
                // As libmosquitto does, the PUBREC's properties are not passed on.
                self.events.push(Event::Publish {
                    mid: ack.mid,
                    reason_code: ack.reason_code,
                    properties: Vec::new(),
                    v3_callback: false,
                });
            }
            self.send_outgoing();
            return Ok(());
        }
        match outcome {
            AckOutcome::WrongQos => return Err(DisconnectCause::Error(Error::Protocol)),
            AckOutcome::Released | AckOutcome::Complete(_) => {}
            AckOutcome::Unknown => self.log(LogLevel::Warning, |s| {
                format!(
                    "Warning: Received PUBREC from {} for an unknown packet identifier {}.",
                    s.id_for_log(),
                    ack.mid
                )
            }),
        }
        self.send_ack(kind::PUBREL, ack.mid, 0);
        Ok(())
    }

    fn on_pubrel(&mut self, ack: Ack) -> Result<(), DisconnectCause> {
        self.require_active()?;
        if ack.mid == 0 {
            return Err(DisconnectCause::Error(Error::Protocol));
        }
        self.check_reason(ack.reason_code, &PUBREL_REASONS)?;
        self.log(LogLevel::Debug, |s| {
            format!("Client {} received PUBREL (Mid: {})", s.id_for_log(), ack.mid)
        });
        self.send_ack(kind::PUBCOMP, ack.mid, 0);
        if let Some(message) = self.incoming.remove(&ack.mid) {
            self.events.push(Event::Message { message });
        }
        Ok(())
    }

    /// Queue PUBACK, PUBREC, PUBREL or PUBCOMP.
    fn send_ack(&mut self, packet_type: u8, mid: u16, reason_code: u8) {
        let ack = Ack {
            mid,
            reason_code,
            properties: Vec::new(),
        };
        let packet = match packet_type {
            kind::PUBACK => {
                self.log(LogLevel::Debug, |s| {
                    format!(
                        "Client {} sending PUBACK (m{}, rc{})",
                        s.id_for_log(),
                        mid,
                        reason_code
                    )
                });
                Packet::Puback(ack)
            }
            kind::PUBREC => {
                self.log(LogLevel::Debug, |s| {
                    format!(
                        "Client {} sending PUBREC (m{}, rc{})",
                        s.id_for_log(),
                        mid,
                        reason_code
                    )
                });
                Packet::Pubrec(ack)
            }
            kind::PUBREL => {
                self.log(LogLevel::Debug, |s| {
                    format!("Client {} sending PUBREL (m{})", s.id_for_log(), mid)
                });
                Packet::Pubrel(ack)
            }
            _ => {
                self.log(LogLevel::Debug, |s| {
                    format!("Client {} sending PUBCOMP (m{})", s.id_for_log(), mid)
                });
                Packet::Pubcomp(ack)
            }
        };
        if self.has_socket {
            packet.encode(self.opts.protocol, self.out.writer());
        }
    }

    // ---------------------------------------------------------------------------------------
    // Keepalive

    /// When [`Session::handle_timeout`] next has something to do.
    pub fn next_timeout(&self) -> Option<Instant> {
        if self.keepalive == 0 || !self.has_socket {
            return None;
        }
        let k = Duration::from_secs(u64::from(self.keepalive));
        let a = self.next_msg_out?;
        let b = self.last_msg_in? + k;
        Some(a.min(b))
    }

    /// The keepalive check: send PINGREQ when due, or give up when the server stayed silent.
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), DisconnectCause> {
        let Some(deadline) = self.next_timeout() else {
            return Ok(());
        };
        if now < deadline {
            return Ok(());
        }
        if self.state == State::Active && self.ping_sent.is_none() {
            self.log(LogLevel::Debug, |s| {
                format!("Client {} sending PINGREQ", s.id_for_log())
            });
            Packet::Pingreq.encode(self.opts.protocol, self.out.writer());
            self.ping_sent = Some(now);
            self.last_msg_in = Some(now);
            self.next_msg_out = Some(now + Duration::from_secs(u64::from(self.keepalive)));
            Ok(())
        } else {
            Err(DisconnectCause::Error(Error::Keepalive))
        }
    }

    // ---------------------------------------------------------------------------------------
    // Application requests

    /// Publish a message. Returns the message id (when one was assigned) and the result.
    ///
    /// A QoS 1/2 message is kept until its last acknowledgement, across reconnections. While
    /// a connection attempt is under way the call succeeds as when connected (the message goes
    /// out once the connection is accepted); without a connection or an attempt under way the
    /// message is still kept and sent after the next CONNACK, and the call reports
    /// [`Error::NoConn`] exactly when libmosquitto does: while its send quota is not used up
    /// (see `offline_quota`). A QoS 0 message is sent only on a connection (or right after the
    /// CONNECT of the attempt under way).
    pub fn publish(&mut self, req: PublishRequest<'_>) -> (Option<u16>, Result<(), Error>) {
        match self.check_publish(&req) {
            Ok(retain) => match self.next_mid() {
                Some(mid) => (Some(mid), self.publish_checked(req, retain, mid)),
                None => (None, Err(Error::NoMem)),
            },
            Err(e) => (None, Err(e)),
        }
    }

    /// Validate a publish request; returns the retain flag to use.
    fn check_publish(&self, req: &PublishRequest<'_>) -> Result<bool, Error> {
        let v5 = self.opts.protocol.is_v5();
        if req.qos > 2 {
            return Err(Error::Inval);
        }
        if !v5 && !req.properties.is_empty() {
            return Err(Error::NotSupported);
        }
        if req.qos > self.max_qos {
            return Err(Error::QosNotSupported);
        }
        let retain = req.retain && self.retain_available;
        if !req.properties.is_empty() {
            properties::check_all(CMD_PUBLISH, &req.properties).map_err(property_error)?;
        }
        match req.topic {
            Some(t) if !t.is_empty() => {
                if !utf8::validate(t) {
                    return Err(Error::MalformedUtf8);
                }
                if req.payload.len() > protocol::MAX_REMAINING_LENGTH {
                    return Err(Error::PayloadSize);
                }
                if !topic::is_valid_pub_topic(t) {
                    return Err(Error::Inval);
                }
            }
            _ => {
                let has_alias = req.properties.iter().any(|p| p.id == MQTT_PROP_TOPIC_ALIAS);
                if !(v5 && has_alias) {
                    return Err(Error::Inval);
                }
                if req.payload.len() > protocol::MAX_REMAINING_LENGTH {
                    return Err(Error::PayloadSize);
                }
            }
        }
        let topic = req
            .topic
            .map(|t| std::str::from_utf8(t).unwrap_or_default())
            .unwrap_or_default();
        let len = PublishRef {
            dup: false,
            qos: req.qos,
            retain,
            topic,
            mid: 1,
            payload: req.payload,
            properties: &req.properties,
        }
        .encoded_len(self.opts.protocol);
        if len > protocol::MAX_REMAINING_LENGTH + 5 {
            return Err(Error::PayloadSize);
        }
        if self.max_packet_size > 0 && len > self.max_packet_size as usize {
            return Err(Error::OversizePacket);
        }
        Ok(retain)
    }

    fn publish_checked(&mut self, req: PublishRequest<'_>, retain: bool, mid: u16) -> Result<(), Error> {
        let topic = req
            .topic
            .and_then(|t| std::str::from_utf8(t).ok())
            .unwrap_or_default();
        if req.qos == 0 {
            if !self.has_socket && !self.connecting {
                return Err(Error::NoConn);
            }
            let p = PublishRef {
                dup: false,
                qos: 0,
                retain,
                topic,
                mid: 0,
                payload: req.payload,
                properties: &req.properties,
            };
            self.log_publish(&p, mid);
            if self.has_socket {
                p.encode(self.opts.protocol, self.out.writer());
                self.out.mark(Completion::Qos0Publish(mid));
            } else {
                let mut packet = Vec::new();
                p.encode(self.opts.protocol, &mut packet);
                self.held_qos0.push((mid, packet));
            }
            return Ok(());
        }
        let message = OutMessage {
            topic: topic.to_owned(),
            payload: req.payload.to_vec(),
            retain,
            properties: req.properties,
        };
        let offline = !self.has_socket && !self.connecting;
        // Kept while there is no connection: sent with DUP set after the next CONNACK.
        self.outgoing.push(mid, req.qos, offline, message);
        if offline && self.offline_quota > 0 {
            return Err(Error::NoConn);
        }
        self.send_outgoing();
        Ok(())
    }

    fn log_publish(&mut self, p: &PublishRef<'_>, mid: u16) {
        self.log(LogLevel::Debug, |s| {
            publish_line(s.id_for_log(), "sending", p, mid)
        });
    }

    /// Put outgoing QoS 1/2 packets on the wire while in-flight slots are free, in publish
    /// order: first what an earlier connection left unfinished (once the server has accepted
    /// this one), then new messages.
    fn send_outgoing(&mut self) {
        if !self.has_socket {
            return;
        }
        match self.state {
            State::Active | State::Disconnected => {}
            // Before CONNACK only a first connection sends, and only new messages.
            State::Connected if !self.outgoing.has_resends() => {}
            _ => return,
        }
        let limit = usize::from(self.send_max);
        let version = self.opts.protocol;
        while let Some((entry, transmit)) = self.outgoing.next_transmit(limit) {
            let mid = entry.mid;
            let dup = match transmit {
                Transmit::Pubrel => {
                    self.send_ack(kind::PUBREL, mid, 0);
                    continue;
                }
                Transmit::Publish { dup } => dup,
            };
            let m = &entry.message;
            let p = PublishRef {
                dup,
                qos: entry.qos,
                retain: m.retain,
                topic: &m.topic,
                mid,
                payload: &m.payload,
                properties: &m.properties,
            };
            let len = p.encoded_len(version);
            if self.max_packet_size > 0 && len > self.max_packet_size as usize {
                self.outgoing.remove(mid);
                self.log(LogLevel::Notice, |_| {
                    format!("Dropping too large outgoing PUBLISH ({len} bytes)")
                });
                continue;
            }
            if self.log_enabled {
                let text = publish_line(
                    self.opts.client_id.as_deref().unwrap_or("null"),
                    "sending",
                    &p,
                    mid,
                );
                self.events.push(Event::Log {
                    level: LogLevel::Debug,
                    text,
                });
            }
            p.encode(version, self.out.writer());
        }
    }

    /// The checks libmosquitto makes before it looks at the topic filters of a subscribe call,
    /// in its order: properties with MQTT 3.x, QoS and options, then the connection.
    pub fn check_subscribe(&self, has_properties: bool, qos: u8, options: u8) -> Result<(), Error> {
        if !self.opts.protocol.is_v5() && has_properties {
            return Err(Error::NotSupported);
        }
        if qos > 2 || (options & 0x30) == 0x30 || (options & 0xC0) != 0 {
            return Err(Error::Inval);
        }
        if !self.has_socket {
            return Err(Error::NoConn);
        }
        Ok(())
    }

    /// The checks libmosquitto makes before it looks at the topic filters of an unsubscribe
    /// call: properties with MQTT 3.x, then the connection.
    pub fn check_unsubscribe(&self, has_properties: bool) -> Result<(), Error> {
        if !self.opts.protocol.is_v5() && has_properties {
            return Err(Error::NotSupported);
        }
        if !self.has_socket {
            return Err(Error::NoConn);
        }
        Ok(())
    }

    /// Subscribe to `filters`, each with the same QoS and options byte.
    pub fn subscribe(
        &mut self,
        filters: &[&[u8]],
        qos: u8,
        options: u8,
        props: Vec<Property>,
    ) -> Result<u16, Error> {
        let v5 = self.opts.protocol.is_v5();
        self.check_subscribe(!props.is_empty(), qos, options)?;
        if filters.is_empty() {
            return Err(Error::Inval);
        }
        if !props.is_empty() {
            properties::check_all(CMD_SUBSCRIBE, &props).map_err(property_error)?;
        }
        let filters = validate_filters(filters)?;
        let options = if v5 { options } else { 0 };
        let mut packet = Subscribe {
            mid: 0,
            filters: filters.into_iter().map(|f| (f, qos | options)).collect(),
            properties: props,
        };
        self.check_size(&Packet::Subscribe(packet.clone()))?;
        let mid = self.next_mid().ok_or(Error::NoMem)?;
        packet.mid = mid;
        if self.log_enabled {
            for (f, o) in &packet.filters {
                let text = format!(
                    "Client {} sending SUBSCRIBE (Mid: {}, Topic: {}, QoS: {}, Options: 0x{:02x})",
                    self.id_for_log(),
                    mid,
                    f,
                    o & 0x03,
                    o & 0xFC
                );
                self.events.push(Event::Log {
                    level: LogLevel::Debug,
                    text,
                });
            }
        }
        Packet::Subscribe(packet).encode(self.opts.protocol, self.out.writer());
        Ok(mid)
    }

    /// Unsubscribe from `filters`.
    pub fn unsubscribe(&mut self, filters: &[&[u8]], props: Vec<Property>) -> Result<u16, Error> {
        self.check_unsubscribe(!props.is_empty())?;
        if filters.is_empty() {
            return Err(Error::Inval);
        }
        if !props.is_empty() {
            properties::check_all(CMD_UNSUBSCRIBE, &props).map_err(property_error)?;
        }
        let filters = validate_filters(filters)?;
        let mut packet = Unsubscribe {
            mid: 0,
            filters,
            properties: props,
        };
        self.check_size(&Packet::Unsubscribe(packet.clone()))?;
        let mid = self.next_mid().ok_or(Error::NoMem)?;
        packet.mid = mid;
        if self.log_enabled {
            for f in &packet.filters {
                let text = format!(
                    "Client {} sending UNSUBSCRIBE (Mid: {}, Topic: {})",
                    self.id_for_log(),
                    mid,
                    f
                );
                self.events.push(Event::Log {
                    level: LogLevel::Debug,
                    text,
                });
            }
        }
        Packet::Unsubscribe(packet).encode(self.opts.protocol, self.out.writer());
        Ok(mid)
    }

    fn check_size(&self, packet: &Packet) -> Result<(), Error> {
        if self.max_packet_size == 0 {
            return Ok(());
        }
        let mut buf = Vec::new();
        packet.encode(self.opts.protocol, &mut buf);
        if buf.len() > self.max_packet_size as usize {
            Err(Error::OversizePacket)
        } else {
            Ok(())
        }
    }

    /// Ask to disconnect: marks the session disconnected and, with a connection, queues
    /// DISCONNECT; the connection closes once it has been written.
    pub fn disconnect(&mut self, reason_code: u8, props: Vec<Property>) -> Result<(), Error> {
        if !self.opts.protocol.is_v5() && !props.is_empty() {
            return Err(Error::NotSupported);
        }
        if !props.is_empty() {
            properties::check_all(CMD_DISCONNECT, &props).map_err(property_error)?;
        }
        self.state = State::Disconnected;
        self.request_disconnect = true;
        if !self.has_socket {
            return Err(Error::NoConn);
        }
        self.log(LogLevel::Debug, |s| {
            format!("Client {} sending DISCONNECT", s.id_for_log())
        });
        Packet::Disconnect(Disconnect {
            reason_code,
            properties: props,
        })
        .encode(self.opts.protocol, self.out.writer());
        self.out.mark(Completion::Disconnect);
        Ok(())
    }

    /// Validate will properties for `will_set_v5`.
    pub fn check_will_properties(props: &[Property]) -> Result<(), Error> {
        properties::check_all(CMD_WILL, props).map_err(property_error)
    }
}

/// libmosquitto's log line for a PUBLISH sent or received (`direction`).
fn publish_line(id: &str, direction: &str, p: &PublishRef<'_>, mid: u16) -> String {
    format!(
        "Client {id} {direction} PUBLISH (d{}, q{}, r{}, m{mid}, '{}', ... ({} bytes))",
        u8::from(p.dup),
        p.qos,
        u8::from(p.retain),
        p.topic,
        p.payload.len()
    )
}

fn validate_filters(filters: &[&[u8]]) -> Result<Vec<String>, Error> {
    filters
        .iter()
        .map(|f| {
            if !topic::is_valid_sub_filter(f) {
                return Err(Error::Inval);
            }
            match std::str::from_utf8(f) {
                Ok(s) if utf8::validate(f) => Ok(s.to_owned()),
                _ => Err(Error::MalformedUtf8),
            }
        })
        .collect()
}

/// The error libmosquitto reports for a packet it could not decode.
pub fn decode_error(e: DecodeError) -> Error {
    match e {
        DecodeError::Utf8 => Error::MalformedUtf8,
        DecodeError::Protocol | DecodeError::BadProperty => Error::Protocol,
        DecodeError::DuplicateProperty => Error::DuplicateProperty,
        DecodeError::Truncated
        | DecodeError::TrailingBytes
        | DecodeError::BadVarint
        | DecodeError::TooLarge
        | DecodeError::UnknownProperty => Error::MalformedPacket,
    }
}

/// The error libmosquitto reports for a property list it refuses.
pub fn property_error(e: PropertyError) -> Error {
    match e {
        PropertyError::Duplicate => Error::DuplicateProperty,
        _ => Error::Protocol,
    }
}

#[cfg(test)]
mod tests;
