//! The MQTT client state machine.
//!
//! A [`Session`] holds everything libmosquitto keeps about one client connection except the
//! socket: protocol state, message ids, the outgoing QoS 1/2 store with its in-flight quota,
//! incoming QoS 2 messages awaiting PUBREL, keepalive timers, and the encoded bytes waiting to be
//! written. It performs no I/O, reads no clock (the current time is passed in) and spawns nothing;
//! the transport layer feeds it bytes and writes out what it produces, and the C layer turns its
//! [`Event`]s into callbacks.

#![forbid(unsafe_code)]

pub(crate) mod config;
mod connection;
pub(crate) mod event;
pub(crate) mod inflight;
mod input;
mod keepalive;
pub(crate) mod outbuf;
mod output;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::protocol::consts::{
    CMD_DISCONNECT, CMD_PUBLISH, CMD_SUBSCRIBE, CMD_UNSUBSCRIBE, CMD_WILL,
    MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, MQTT_PROP_AUTHENTICATION_DATA, MQTT_PROP_AUTHENTICATION_METHOD,
    MQTT_PROP_MAXIMUM_PACKET_SIZE, MQTT_PROP_MAXIMUM_QOS, MQTT_PROP_RECEIVE_MAXIMUM,
    MQTT_PROP_RETAIN_AVAILABLE, MQTT_PROP_SERVER_KEEP_ALIVE, MQTT_PROP_TOPIC_ALIAS,
    MQTT_RC_CONTINUE_AUTHENTICATION,
};
use crate::protocol::flow::{AckOutcome, OutFlow, Transmit};
use crate::protocol::properties::{self, PropertyError};
use crate::protocol::{
    self, Ack, Auth, Connect, DecodeError, Disconnect, FixedHeader, Packet, PropValue, Property,
    ProtocolVersion, Publish, PublishRef, Subscribe, Unsubscribe, Will, kind, topic, utf8,
};

pub use config::ClientOptions;
pub use event::{DisconnectCause, Event, LogLevel};
use inflight::OutMessage;
use outbuf::{Completion, OutBuf};

/// Connection state, as libmosquitto tracks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Never connected, or a blocking connect is being set up.
    New,
    /// The last connection attempt failed; the loop will retry.
    ConnectPending,
    /// CONNECT has been queued; waiting for CONNACK (libmosquitto calls this "connected").
    ConnackPending,
    /// CONNACK accepted the connection.
    Active,
    /// The application asked to disconnect (or the server disconnected us).
    Disconnected,
}

/// What a session keeps of messages in transit; see [`Session::flows`].
#[derive(Debug, Default)]
struct Flows {
    /// Outgoing QoS 1/2 messages, from the publish call to their last acknowledgement.
    outgoing: OutFlow<OutMessage>,
    /// Incoming QoS 2 messages waiting for PUBREL.
    incoming: HashMap<u16, Publish>,
    /// QoS 0 messages published while a connection attempt was under way, encoded, with
    /// their message ids; sent right after CONNECT.
    held_qos0: Vec<(u16, Vec<u8>)>,
}

impl Flows {
    fn is_empty(&self) -> bool {
        self.outgoing.is_empty() && self.incoming.is_empty() && self.held_qos0.is_empty()
    }
}

/// The acknowledgements of the QoS 1 and 2 flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AckKind {
    Puback,
    Pubrec,
    Pubrel,
    Pubcomp,
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
pub(crate) struct Session {
    /// Settings used by the next CONNECT.
    opts: ClientOptions,
    state: State,
    /// Whether the transport has a socket (connected or connecting).
    has_socket: bool,
    /// A connection attempt is under way in the transport (between
    /// [`Session::reset_for_connect`] and [`Session::connection_started`] or
    /// [`Session::connect_failed`]).
    connecting: bool,
    request_disconnect: bool,
    last_mid: u16,

    out: OutBuf,
    /// The message flows; allocated while any is under way, so an idle session keeps none.
    flows: Option<Box<Flows>>,
    /// Outgoing in-flight maximum (ours, or the server's receive maximum).
    send_max: u16,
    /// libmosquitto's send quota while there is no connection: a QoS 1/2 publish then reports
    /// `MOSQ_ERR_NO_CONN` while this is above 0 (the message would have been sent), and
    /// success once it is 0 (the message would have been queued anyway). It is what the last
    /// connection left free, or after a connection attempt the maximum less the messages kept.
    offline_quota: u16,
    /// Incoming in-flight maximum we announce (v5 receive maximum).
    receive_max: u16,
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
    pub(crate) fn new(opts: ClientOptions) -> Self {
        let send_max = opts.send_maximum;
        let receive_max = opts.receive_maximum;
        let keepalive = opts.keepalive;
        Self {
            opts,
            state: State::New,
            has_socket: false,
            connecting: false,
            request_disconnect: false,
            last_mid: 0,
            out: OutBuf::default(),
            flows: None,
            offline_quota: send_max,
            send_max,
            receive_max,
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

    pub(crate) fn state(&self) -> State {
        self.state
    }

    /// The settings the next CONNECT is made with.
    pub(crate) fn options(&self) -> &ClientOptions {
        &self.opts
    }

    /// A blocking connect call starts: the state goes back to "new", as libmosquitto's does.
    pub(crate) fn start_over(&mut self) {
        self.state = State::New;
    }

    /// Whether a connect call has been made (the state is no longer "new").
    pub(crate) fn connect_called(&self) -> bool {
        self.state != State::New
    }

    /// Use MQTT version `protocol` from the next connection on.
    pub(crate) fn set_protocol(&mut self, protocol: ProtocolVersion) {
        self.opts.protocol = protocol;
    }

    /// Whether the next CONNECTs announce a bridge (3.x only).
    pub(crate) fn set_bridge(&mut self, bridge: bool) {
        self.opts.bridge = bridge;
    }

    /// The CONNECT properties of the next connections (v5).
    pub(crate) fn set_connect_properties(&mut self, properties: Vec<Property>) {
        self.opts.connect_properties = properties;
    }

    /// Give an MQTT 3.1 client without an id the one `generate` makes (3.1 servers require an
    /// id; later versions send an empty one).
    pub(crate) fn ensure_client_id(&mut self, generate: impl FnOnce() -> String) {
        if self.opts.client_id.is_none() && self.opts.protocol == ProtocolVersion::V31 {
            self.opts.client_id = Some(generate());
        }
    }

    /// Set (or, with no username, clear) the credentials of the next connections. MQTT 3.x
    /// needs a username with a password; the username must be valid MQTT UTF-8 of at most
    /// 65535 bytes. The password is sent as given.
    pub(crate) fn set_credentials(
        &mut self,
        username: Option<&[u8]>,
        password: Option<&[u8]>,
    ) -> Result<(), Error> {
        if !self.opts.protocol.is_v5() && password.is_some() && username.is_none() {
            return Err(Error::Inval);
        }
        self.opts.username = None;
        self.opts.password = None;
        if let Some(u) = username {
            if u.len() > 65535 {
                return Err(Error::Inval);
            }
            if !utf8::validate(u) {
                return Err(Error::MalformedUtf8);
            }
            self.opts.username = Some(String::from_utf8_lossy(u).into_owned());
        }
        self.opts.password = password.map(<[u8]>::to_vec);
        Ok(())
    }

    /// Set the will of the next connections: `topic` must be a valid publish topic in MQTT
    /// UTF-8; `properties` (v5 only) must be allowed in a will.
    pub(crate) fn set_will(
        &mut self,
        topic: &[u8],
        payload: &[u8],
        qos: u8,
        retain: bool,
        properties: Option<Vec<Property>>,
    ) -> Result<(), Error> {
        if !topic::is_valid_pub_topic(topic) {
            return Err(Error::Inval);
        }
        if !utf8::validate(topic) {
            return Err(Error::MalformedUtf8);
        }
        if properties.is_some() && !self.opts.protocol.is_v5() {
            return Err(Error::NotSupported);
        }
        let properties = properties.unwrap_or_default();
        Self::check_will_properties(&properties)?;
        self.opts.will = Some(Box::new(Will {
            topic: String::from_utf8_lossy(topic).into_owned(),
            payload: payload.to_vec(),
            qos,
            retain,
            properties,
        }));
        Ok(())
    }

    /// Connect without a will from now on.
    pub(crate) fn clear_will(&mut self) {
        self.opts.will = None;
    }

    /// Whether the transport has a socket.
    #[cfg(feature = "fuzzing")]
    pub(crate) fn has_socket(&self) -> bool {
        self.has_socket
    }

    /// Whether the application asked to disconnect since the last connect call.
    pub(crate) fn request_disconnect(&self) -> bool {
        self.request_disconnect
    }

    pub(crate) fn protocol(&self) -> ProtocolVersion {
        self.opts.protocol
    }

    /// The keepalive in effect, in seconds.
    pub(crate) fn keepalive(&self) -> u16 {
        self.keepalive
    }

    /// Produce log events only when someone listens.
    pub(crate) fn set_log_enabled(&mut self, enabled: bool) {
        self.log_enabled = enabled;
    }

    /// Set the outgoing in-flight maximum (0 means 65535).
    pub(crate) fn set_send_maximum(&mut self, max: u16) {
        let max = if max == 0 { u16::MAX } else { max };
        self.opts.send_maximum = max;
        self.send_max = max;
        self.offline_quota = max;
    }

    /// Set the incoming in-flight maximum announced in CONNECT (0 means 65535).
    pub(crate) fn set_receive_maximum(&mut self, max: u16) {
        let max = if max == 0 { u16::MAX } else { max };
        self.opts.receive_maximum = max;
        self.receive_max = max;
    }

    /// Number of outgoing QoS 1/2 messages not yet completed.
    #[cfg(test)]
    pub(crate) fn outgoing_len(&self) -> usize {
        self.flows.as_ref().map_or(0, |f| f.outgoing.len())
    }

    /// The message flows, allocated on first use.
    fn flows(&mut self) -> &mut Flows {
        self.flows.get_or_insert_default()
    }

    /// Give the flows' memory back when nothing is in transit.
    fn release_flows_if_idle(&mut self) {
        if self.flows.as_ref().is_some_and(|f| f.is_empty()) {
            self.flows = None;
        }
    }

    /// Move the collected events into `into`.
    pub(crate) fn drain_events(&mut self, into: &mut Vec<Event>) {
        if into.is_empty() {
            // Hand the allocation over: an idle session keeps no event buffer.
            std::mem::swap(into, &mut self.events);
        } else {
            into.append(&mut self.events);
        }
    }

    /// How many complete packets have been received (and handled, successfully or not).
    pub(crate) fn packets_in(&self) -> u64 {
        self.packets_in
    }

    /// Whether a CONNACK accepted a connection since the last call (the reconnect back-off
    /// starts over then).
    pub(crate) fn take_accepted(&mut self) -> bool {
        std::mem::take(&mut self.accepted)
    }

    /// Whether there are events to collect.
    /// Queue an event made outside the session (the runtime's [`Event::PreConnect`]).
    pub(crate) fn push_event(&mut self, event: Event) {
        self.events.push(event);
    }

    /// How many events are pending.
    pub(crate) fn event_count(&self) -> usize {
        self.events.len()
    }

    /// Move the log lines among the events pending from position `from` on into `into`,
    /// keeping the other events in order (only the few events of one call lie there).
    pub(crate) fn drain_log_events_from(&mut self, from: usize, into: &mut Vec<Event>) {
        let mut i = from;
        while i < self.events.len() {
            if matches!(self.events[i], Event::Log { .. }) {
                into.push(self.events.remove(i));
            } else {
                i += 1;
            }
        }
    }

    pub(crate) fn has_events(&self) -> bool {
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
    pub(crate) fn log_line(&mut self, level: LogLevel, text: impl FnOnce() -> String) {
        if self.log_enabled {
            self.events.push(Event::Log { level, text: text() });
        }
    }

    /// The next message id: the counter shared by PUBLISH, SUBSCRIBE and UNSUBSCRIBE, skipping
    /// 0 and the ids of outgoing messages not yet complete. When all 65535 are in use, the next
    /// one is used again, as libmosquitto does (acknowledgements then apply oldest first).
    fn next_mid(&mut self) -> u16 {
        for _ in 0..u16::MAX {
            self.advance_mid();
            if !self
                .flows
                .as_ref()
                .is_some_and(|f| f.outgoing.contains(self.last_mid))
            {
                return self.last_mid;
            }
        }
        self.advance_mid();
        self.last_mid
    }

    fn advance_mid(&mut self) {
        self.last_mid = self.last_mid.wrapping_add(1);
        if self.last_mid == 0 {
            self.last_mid = 1;
        }
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
pub(crate) fn decode_error(e: DecodeError) -> Error {
    match e {
        DecodeError::Utf8 => Error::MalformedUtf8,
        DecodeError::Protocol | DecodeError::BadProperty => Error::Protocol,
        DecodeError::DuplicateProperty => Error::DuplicateProperty,
        DecodeError::Truncated
        | DecodeError::TrailingBytes
        | DecodeError::BadVarint
        | DecodeError::TooLarge { .. }
        | DecodeError::UnknownProperty => Error::MalformedPacket,
    }
}

/// The error libmosquitto reports for a property list it refuses.
pub(crate) fn property_error(e: PropertyError) -> Error {
    match e {
        PropertyError::Duplicate => Error::DuplicateProperty,
        _ => Error::Protocol,
    }
}

#[cfg(test)]
mod tests;
