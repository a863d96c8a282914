//! CONNECT: the checks mosquitto 2.0.20 makes, in its order, the CONNACK it sends, session
//! takeover and resumption.

use std::sync::Arc;
use std::time::Instant;

use super::conn::Ending;
use super::connect_read::{Refusal, V3_BAD_PROTOCOL, V3_ID_REJECTED, V3_NOT_AUTHORISED};
use super::input::rc;
use super::session::{NEVER, Session};
use super::shard::{ConnId, Handoff, Shard, home_shard};
use crate::broker::auth::{AuthOutcome, Authenticator};
use crate::broker::config::LogTypes;
use crate::protocol::consts::{
    MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, MQTT_PROP_AUTHENTICATION_METHOD, MQTT_PROP_MAXIMUM_PACKET_SIZE,
    MQTT_PROP_MAXIMUM_QOS, MQTT_PROP_RECEIVE_MAXIMUM, MQTT_PROP_RETAIN_AVAILABLE,
    MQTT_PROP_SERVER_KEEP_ALIVE, MQTT_PROP_SESSION_EXPIRY_INTERVAL, MQTT_PROP_TOPIC_ALIAS_MAXIMUM,
    MQTT_PROP_WILL_DELAY_INTERVAL,
};
use crate::protocol::reader::Reader;
use crate::protocol::{Connack, Connect, Disconnect, Packet, PropValue, Property, ProtocolVersion, topic};

/// Where a CONNECT comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arrival {
    /// Read on this shard.
    Direct,
    /// Read and checked by another shard, which handed the connection over; `assigned`: the
    /// client sent an empty id.
    HandedOver { assigned: bool },
}

/// CONNACK return code of MQTT 3.x for a refused certificate identity.
const V3_BAD_USERNAME_OR_PASSWORD: u8 = 4;

impl Shard {
    /// The first packet of a connection: check the protocol name and level first (an unknown
    /// level gets a 3.x CONNACK 1), then read the rest in mosquitto's order.
    pub(super) fn connect_packet(&mut self, conn: ConnId, first_byte: u8, body: &[u8], now: Instant) {
        let (ip, port, _) = self.peer_parts(conn);
        let peer = if port == 0 {
            ip.clone()
        } else {
            format!("{ip}:{port}")
        };
        let listener = self
            .conns
            .get(conn)
            .and_then(Option::as_ref)
            .map_or(0, |c| c.listener);
        let mut r = Reader::new(body);
        let (Ok(name), Ok(level)) = (r.binary(), r.u8()) else {
            self.end(conn, Ending::Protocol, now);
            return;
        };
        // A bridge says so with the top bit of a 3.x level (mosquitto's `try_private`).
        let bridge = matches!((name, level), (b"MQIsdp", 0x83) | (b"MQTT", 0x84));
        let level = if bridge { level & 0x7F } else { level };
        let version = match (name, level) {
            (b"MQIsdp", 3) => ProtocolVersion::V31,
            (b"MQTT", 4) => ProtocolVersion::V311,
            (b"MQTT", 5) => ProtocolVersion::V5,
            (b"MQIsdp" | b"MQTT", _) => {
                if self.settings.connection_messages {
                    self.log(LogTypes::INFORMATION, || {
                        format!("Invalid protocol version {level} in CONNECT from {peer}.")
                    });
                }
                self.log(LogTypes::DEBUG, || {
                    format!("Sending CONNACK to {ip} (0, {V3_BAD_PROTOCOL})")
                });
                self.send_raw(conn, &[0x20, 0x02, 0x00, V3_BAD_PROTOCOL]);
                self.end(conn, Ending::Protocol, now);
                return;
            }
            _ => {
                if self.settings.connection_messages && !name.is_empty() {
                    let shown = String::from_utf8_lossy(name).into_owned();
                    self.log(LogTypes::INFORMATION, || {
                        format!("Invalid protocol \"{shown}\" in CONNECT from {peer}.")
                    });
                }
                self.end(conn, Ending::Protocol, now);
                return;
            }
        };
        if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
            c.bridge = bridge;
        }
        match self.read_connect(first_byte, version, &mut r, listener) {
            Ok(connect) => self.on_connect(conn, connect, Arrival::Direct, now),
            Err(Refusal::Close(ending)) => self.end(conn, ending, now),
            Err(Refusal::Connack { v3, v5, ending }) => {
                if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
                    c.version = version;
                }
                self.refuse(conn, &ip, v3, v5, ending, now);
            }
        }
    }

    /// Write bytes as they are (a CONNACK before the version is known).
    fn send_raw(&mut self, conn: ConnId, bytes: &[u8]) {
        if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
            c.out.extend_from_slice(bytes);
            if !c.marked_writable {
                c.marked_writable = true;
                self.out.writable.push(conn);
            }
        }
    }

    /// Refuse a CONNECT with a CONNACK (`v3` code for 3.x, `v5` reason code for 5) and close.
    fn refuse(&mut self, conn: ConnId, name: &str, v3: u8, v5: u8, ending: Ending, now: Instant) {
        let version = self.version_of(conn);
        let listener = self
            .conns
            .get(conn)
            .and_then(Option::as_ref)
            .map_or(0, |c| c.listener);
        let max_qos = self.settings.listeners.get(listener).map_or(2, |l| l.max_qos);
        let code = if version.is_v5() { v5 } else { v3 };
        let mut properties = Vec::new();
        if version.is_v5() && max_qos < 2 {
            properties.push(Property {
                id: MQTT_PROP_MAXIMUM_QOS,
                value: PropValue::Byte(max_qos),
            });
        }
        self.log(LogTypes::DEBUG, || {
            format!("Sending CONNACK to {name} (0, {code})")
        });
        self.send(
            conn,
            &Packet::Connack(Connack {
                session_present: false,
                reason_code: code,
                properties,
            }),
        );
        self.end(conn, ending, now);
    }

    /// A generated client id: the listener's prefix and a random UUID in upper-case hex, one
    /// that belongs to this shard (so the connection stays here).
    fn generate_id(&self, prefix: &str) -> String {
        loop {
            let mut b = [0u8; 16];
            if !crate::random::fill(&mut b) {
                // No random source: the clock and the slot count are unique enough here.
                let seed = self.conns.len() as u64 ^ (self.by_id.len() as u64) << 32;
                b[..8].copy_from_slice(&seed.to_be_bytes());
            }
            let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
            let id = format!(
                "{prefix}{}-{}-{}-{}-{}",
                &hex[0..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..32]
            );
            if home_shard(&id, self.settings.shards) == self.index {
                return id;
            }
        }
    }

    /// A decoded CONNECT, read here or handed over by the shard that read it.
    pub(super) fn on_connect(&mut self, conn: ConnId, mut connect: Connect, arrival: Arrival, now: Instant) {
        let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) else {
            return;
        };
        c.version = connect.version;
        let listener_index = c.listener;
        let peer_name = c.peer_text.clone();
        let identity = c.identity.clone();
        let Some(listener) = self.settings.listeners.get(listener_index).cloned() else {
            self.end(conn, Ending::Refused, now);
            return;
        };
        if listener.identity_as_username {
            // The certificate names the client; what CONNECT says does not count.
            connect.username = identity.as_deref().map(str::to_owned);
            connect.password = None;
        }
        let version = connect.version;
        let v5 = version.is_v5();
        // The name used in log lines until the id is settled: the address.
        let (ip, _, _) = self.peer_parts(conn);

        // Will retain and QoS against what the listener allows.
        if let Some(will) = &connect.will {
            if will.retain && !self.settings.retain_available {
                if v5 {
                    return self.refuse(conn, &ip, 0, rc::RETAIN_NOT_SUPPORTED, Ending::NotAllowed, now);
                }
                return self.end(conn, Ending::NotAllowed, now);
            }
            if will.qos > listener.max_qos {
                if v5 {
                    return self.refuse(conn, &ip, 0, rc::QOS_NOT_SUPPORTED, Ending::NotAllowed, now);
                }
                return self.end(conn, Ending::NotAllowed, now);
            }
        }

        // The client id.
        let mut client_id = connect.client_id.clone();
        let mut assigned = matches!(arrival, Arrival::HandedOver { assigned: true });
        if client_id.is_empty() {
            let refused = version == ProtocolVersion::V31
                || (version == ProtocolVersion::V311 && !connect.clean_start)
                || !listener.allow_zero_length_clientid;
            if refused {
                return self.refuse(conn, &ip, V3_ID_REJECTED, rc::UNSPECIFIED, Ending::Protocol, now);
            }
            client_id = self.generate_id(&listener.auto_id_prefix);
            assigned = true;
        }
        if let (Some(prefixes), Arrival::Direct) = (&self.settings.clientid_prefixes, arrival) {
            if !client_id.starts_with(prefixes.as_str()) {
                return self.refuse(
                    conn,
                    &ip,
                    V3_NOT_AUTHORISED,
                    rc::NOT_AUTHORIZED,
                    Ending::NotAuthorised,
                    now,
                );
            }
        }
        if listener.use_username_as_clientid {
            match &connect.username {
                // A client that sent no id is told the one it got, its user name.
                Some(u) => client_id = u.clone(),
                None => {
                    // Named by the id it sent (or got) in the log lines.
                    if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
                        c.client_id = Some(Arc::from(client_id.as_str()));
                    }
                    return self.refuse(
                        conn,
                        &client_id,
                        V3_NOT_AUTHORISED,
                        rc::NOT_AUTHORIZED,
                        Ending::NotAuthorised,
                        now,
                    );
                }
            }
        }

        // The will's topic and size.
        if let Some(will) = &connect.will {
            let t = will.topic.as_bytes();
            if t.is_empty() || !topic::is_valid_pub_topic(t) || will.topic.starts_with("$CONTROL/") {
                return self.end(conn, Ending::Protocol, now);
            }
            let limit = self.settings.message_size_limit;
            if limit > 0 && will.payload.len() > limit as usize {
                return self.refuse(
                    conn,
                    &ip,
                    V3_NOT_AUTHORISED,
                    rc::PACKET_TOO_LARGE,
                    Ending::Refused,
                    now,
                );
            }
        }

        // Extended authentication is not offered.
        if v5
            && connect
                .properties
                .iter()
                .any(|p| p.id == MQTT_PROP_AUTHENTICATION_METHOD)
        {
            return self.refuse(
                conn,
                &client_id,
                0,
                rc::BAD_AUTHENTICATION_METHOD,
                Ending::NotAllowed,
                now,
            );
        }

        // The session belongs to the shard of its client id.
        let home = home_shard(&client_id, self.settings.shards);
        if home != self.index {
            let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) else {
                return;
            };
            // Nothing more is read here: the bytes after the CONNECT go with it.
            c.closing = true;
            c.handed_off = true;
            let peer = c.peer;
            let peer_text = c.peer_text.clone();
            let identity = c.identity.clone();
            let bridge = c.bridge;
            let rest = std::mem::take(&mut c.inbuf);
            let mut connect = connect;
            connect.client_id = client_id;
            self.out.handoffs.push(Handoff {
                assigned,
                conn,
                to: home,
                connect: Box::new(connect),
                rest,
                peer,
                peer_text,
                listener: listener_index,
                identity,
                bridge,
            });
            return;
        }

        // Credentials: the certificate's identity, or the password file.
        if listener.identity_as_username && connect.username.is_none() {
            return self.refuse(
                conn,
                &ip,
                V3_BAD_USERNAME_OR_PASSWORD,
                rc::BAD_USERNAME_OR_PASSWORD,
                Ending::NotAuthorised,
                now,
            );
        }
        let security = self
            .security
            .get(listener.security)
            .cloned()
            .filter(|_| !listener.identity_as_username);
        let outcome = security.as_ref().map_or(AuthOutcome::Accepted, |s| {
            s.authenticate(
                &client_id,
                connect.username.as_deref(),
                connect.password.as_deref(),
            )
        });
        if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
            c.client_id = Some(Arc::from(client_id.as_str()));
        }
        if outcome == AuthOutcome::NotAuthorized {
            return self.refuse(
                conn,
                &client_id,
                V3_NOT_AUTHORISED,
                rc::NOT_AUTHORIZED,
                Ending::NotAuthorised,
                now,
            );
        }

        // Accepted: the connection line, then the will.
        let (ip, port, _) = self.peer_parts(conn);
        let p = match version {
            ProtocolVersion::V31 => 1,
            ProtocolVersion::V311 => 2,
            ProtocolVersion::V5 => 5,
        };
        let c_flag = u8::from(connect.clean_start);
        let k = connect.keepalive;
        let from = if port == 0 {
            ip.clone()
        } else {
            format!("{ip}:{port}")
        };
        let user = connect
            .username
            .as_ref()
            .map(|u| format!(", u'{u}'"))
            .unwrap_or_default();
        let (bridge, internal) = self
            .conns
            .get(conn)
            .and_then(Option::as_ref)
            .map_or((false, false), |c| (c.bridge, listener.internal));
        if self.settings.connection_messages && !internal {
            let what = if bridge { "bridge" } else { "client" };
            self.log(LogTypes::NOTICE, || {
                format!("New {what} connected from {from} as {client_id} (p{p}, c{c_flag}, k{k}{user}).")
            });
        }
        let _ = peer_name;
        match &connect.will {
            Some(w) => {
                let (len, r, q, t) = (w.payload.len(), u8::from(w.retain), w.qos, w.topic.clone());
                self.log(LogTypes::DEBUG, || {
                    format!("Will message specified ({len} bytes) (r{r}, q{q}).")
                });
                self.log(LogTypes::DEBUG, || format!("\t{t}"));
            }
            None => self.log(LogTypes::DEBUG, || "No will message specified.".to_owned()),
        }

        // Takeover of a session with the same id.
        let id: Arc<str> = Arc::from(client_id.as_str());
        let mut session_present = false;
        if let Some(&slot) = self.by_id.get(&id) {
            let old_conn = self.session(slot).and_then(|s| s.conn);
            if let Some(old) = old_conn {
                let old_v5 = self.version_of(old).is_v5();
                self.log(LogTypes::ERROR, || {
                    format!("Client {id} already connected, closing old connection.")
                });
                // The old session ends here unless the new connection continues it (clean=0)
                // and it outlives its connections (expiry > 0); only then is its will kept.
                let old_ends =
                    connect.clean_start || self.session(slot).is_some_and(|s| s.expiry_interval == 0);
                let delay_zero = self
                    .session(slot)
                    .and_then(|s| s.will.as_ref())
                    .is_some_and(|(_, delay)| *delay == 0);
                if let Some(c) = self.conns.get_mut(old).and_then(Option::as_mut) {
                    c.will_on_close = false;
                }
                // As mosquitto: a clean start drops the old subscriptions first; then the will
                // (which the old connection gets too while it is still subscribed); then
                // DISCONNECT 0x8E to a v5 client, and the end of the old connection.
                if connect.clean_start {
                    self.clear_subscriptions(slot);
                }
                if old_ends && delay_zero {
                    let will = self.session_mut(slot).and_then(|s| s.will.take());
                    if let Some((will, _)) = will {
                        self.publish_will(slot, will, now);
                    }
                }
                if old_v5 {
                    self.send(
                        old,
                        &Packet::Disconnect(Disconnect {
                            reason_code: rc::SESSION_TAKEN_OVER,
                            properties: Vec::new(),
                        }),
                    );
                }
                if let Some(s) = self.session_mut(slot) {
                    s.conn = None;
                    s.will = None;
                    s.will_at = None;
                    s.outgoing.connection_lost();
                }
                self.end(old, Ending::TakenOver, now);
                if old_ends {
                    self.remove_session(slot);
                }
            } else if let Some(s) = self.session_mut(slot) {
                // A delayed will of the old connection is cancelled by the reconnection.
                s.will_at = None;
                s.will = None;
            }
            let still_there = self.session(slot).is_some();
            if still_there {
                if connect.clean_start {
                    self.remove_session(slot);
                } else {
                    session_present = version != ProtocolVersion::V31
                        && self.session(slot).is_some_and(|s| s.expiry_interval > 0);
                }
            }
        }

        // MQTT 3.x keepalive against max_keepalive: refused after the takeover.
        let max_keepalive = self.settings.max_keepalive;
        if !v5 && max_keepalive > 0 && (k > max_keepalive || k == 0) {
            return self.refuse(conn, &client_id, V3_ID_REJECTED, 0, Ending::Refused, now);
        }

        // The session: resumed or new.
        let slot = match self.by_id.get(&id).copied() {
            Some(slot) if self.session(slot).is_some() => slot,
            _ => self.insert_session(Session::new(id.clone(), version, listener_index)),
        };
        let mut session_expiry = 0u32;
        let mut receive_max = u16::MAX;
        let mut max_packet = 0u32;
        if v5 {
            for p in &connect.properties {
                match (p.id, &p.value) {
                    (MQTT_PROP_SESSION_EXPIRY_INTERVAL, PropValue::Int32(v)) => session_expiry = *v,
                    (MQTT_PROP_RECEIVE_MAXIMUM, PropValue::Int16(v)) => receive_max = *v,
                    (MQTT_PROP_MAXIMUM_PACKET_SIZE, PropValue::Int32(v)) => max_packet = *v,
                    _ => {}
                }
            }
        } else if !connect.clean_start {
            session_expiry = NEVER;
        }
        if let Some(limit) = self.settings.persistent_client_expiration {
            if session_expiry != 0 {
                session_expiry = session_expiry.min(u32::try_from(limit).unwrap_or(u32::MAX - 1));
            }
        }
        let will = connect.will.clone().map(|w| {
            let delay = w
                .properties
                .iter()
                .find_map(|p| match (p.id, &p.value) {
                    (MQTT_PROP_WILL_DELAY_INTERVAL, PropValue::Int32(v)) => Some(*v),
                    _ => None,
                })
                .unwrap_or(0);
            (w, delay)
        });
        let username = connect.username.as_deref().map(Arc::from);
        if let Some(s) = self.session_mut(slot) {
            s.conn = Some(conn);
            s.version = version;
            s.username = username.clone();
            s.listener = listener_index;
            s.expiry_interval = session_expiry;
            s.expires_at = None;
            s.will = will;
            s.will_at = None;
            s.client_receive_max = receive_max;
            s.client_max_packet = max_packet;
            s.drop_logged = false;
        }
        self.journal_session(slot);
        let keepalive_override = v5 && max_keepalive > 0 && (k == 0 || k > max_keepalive);
        let effective_keepalive = if keepalive_override { max_keepalive } else { k };
        if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
            c.session = Some(slot);
            c.username = username;
            // Kept to check the client again when the password file is reloaded.
            c.password = connect.password.clone().map(Vec::into_boxed_slice);
            c.keepalive = effective_keepalive;
            c.last_in = now;
            c.connected = true;
            c.will_on_close = true;
            c.aliases = Vec::new();
        }
        self.counts.clients_connected = self.counts.clients_connected.wrapping_add(1);
        self.counts.connects = self.counts.connects.wrapping_add(1);

        // CONNACK, with mosquitto's v5 properties in its order.
        let mut properties = Vec::new();
        if v5 {
            if keepalive_override {
                properties.push(Property {
                    id: MQTT_PROP_SERVER_KEEP_ALIVE,
                    value: PropValue::Int16(max_keepalive),
                });
            }
            if listener.max_topic_alias > 0 {
                properties.push(Property {
                    id: MQTT_PROP_TOPIC_ALIAS_MAXIMUM,
                    value: PropValue::Int16(listener.max_topic_alias),
                });
            }
            if assigned {
                properties.push(Property {
                    id: MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER,
                    value: PropValue::String(client_id.clone()),
                });
            }
            if !self.settings.retain_available {
                properties.push(Property {
                    id: MQTT_PROP_RETAIN_AVAILABLE,
                    value: PropValue::Byte(0),
                });
            }
            if self.settings.max_packet_size > 0 {
                properties.push(Property {
                    id: MQTT_PROP_MAXIMUM_PACKET_SIZE,
                    value: PropValue::Int32(self.settings.max_packet_size),
                });
            }
            if self.settings.max_inflight_messages > 0 && self.settings.max_inflight_messages < u16::MAX {
                properties.push(Property {
                    id: MQTT_PROP_RECEIVE_MAXIMUM,
                    value: PropValue::Int16(self.settings.max_inflight_messages),
                });
            }
            if listener.max_qos < 2 {
                properties.push(Property {
                    id: MQTT_PROP_MAXIMUM_QOS,
                    value: PropValue::Byte(listener.max_qos),
                });
            }
        }
        let sp = u8::from(session_present);
        self.log(LogTypes::DEBUG, || {
            format!("Sending CONNACK to {client_id} ({sp}, 0)")
        });
        self.send(
            conn,
            &Packet::Connack(Connack {
                session_present,
                reason_code: 0,
                properties,
            }),
        );
        // Resume: what the last connection left unfinished, then what was queued.
        self.resume(slot, now);
    }
}
