//! Connections coming and going, bytes coming in, and the periodic checks: framing, the
//! dispatch of each packet, the ends of connections (log line, will, session expiry),
//! keepalive, delayed wills and session expiry.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::conn::{Conn, Ending};
use super::session::NEVER;
use super::shard::{ConnId, Handoff, Shard};
use crate::broker::config::LogTypes;
use crate::protocol::{self, DecodeError, Disconnect, FixedHeader, Packet, ProtocolVersion, Sender, kind};

/// The largest CONNECT accepted before a client is known (2.0.20).
const CONNECT_LIMIT: usize = 100_000;
/// Keepalive assumed for a connection that has not sent CONNECT yet.
const PRE_CONNECT_KEEPALIVE: u16 = 60;

/// MQTT 5 reason codes the broker sends in DISCONNECT.
pub(super) mod rc {
    pub(crate) const UNSPECIFIED: u8 = 0x80;
    pub(crate) const MALFORMED: u8 = 0x81;
    pub(crate) const PROTOCOL: u8 = 0x82;
    pub(crate) const BAD_USERNAME_OR_PASSWORD: u8 = 0x86;
    pub(crate) const NOT_AUTHORIZED: u8 = 0x87;
    pub(crate) const SESSION_TAKEN_OVER: u8 = 0x8E;
    pub(crate) const TOPIC_ALIAS_INVALID: u8 = 0x94;
    pub(crate) const PACKET_TOO_LARGE: u8 = 0x95;
    pub(crate) const RECEIVE_MAXIMUM_EXCEEDED: u8 = 0x93;
    pub(crate) const RETAIN_NOT_SUPPORTED: u8 = 0x9A;
    pub(crate) const QOS_NOT_SUPPORTED: u8 = 0x9B;
    pub(crate) const NO_MATCHING_SUBSCRIBERS: u8 = 0x10;
    pub(crate) const NO_SUBSCRIPTION_EXISTED: u8 = 0x11;
    pub(crate) const BAD_AUTHENTICATION_METHOD: u8 = 0x8C;
}

/// Why a packet ends the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    /// Malformed: v5 DISCONNECT 0x81.
    Malformed,
    /// Protocol error: v5 DISCONNECT 0x82.
    Protocol,
    /// Another reason code (v5), and the ending for the log line.
    Reason(u8, Ending),
    /// Close without any packet.
    Close(Ending),
}

impl Shard {
    /// A connection was accepted on `listener`.
    pub fn open(
        &mut self,
        peer: Option<SocketAddr>,
        peer_text: String,
        listener: usize,
        now: Instant,
    ) -> ConnId {
        let conn = Conn::new(peer, peer_text, listener, now);
        let id = match self.free_conns.pop() {
            Some(id) => {
                self.conns[id] = Some(conn);
                id
            }
            None => {
                self.conns.push(Some(conn));
                self.conns.len() - 1
            }
        };
        self.counts.sockets = self.counts.sockets.wrapping_add(1);
        self.counts.connections = self.counts.connections.wrapping_add(1);
        let (ip, port, listen_port) = self.peer_parts(id);
        if !self.is_internal(listener) {
            self.log(LogTypes::NOTICE, || {
                format!("New connection from {ip}:{port} on port {listen_port}.")
            });
        }
        id
    }

    /// Whether a listener is the broker's own, for its bridges (no connection log lines).
    fn is_internal(&self, listener: usize) -> bool {
        self.settings.listeners.get(listener).is_some_and(|l| l.internal)
    }

    /// The peer's address and port for log lines, and the listener's port.
    pub fn peer_parts(&self, conn: ConnId) -> (String, u16, u16) {
        let Some(c) = self.conns.get(conn).and_then(Option::as_ref) else {
            return (String::new(), 0, 0);
        };
        let listen_port = self.settings.listeners.get(c.listener).map_or(0, |l| l.port);
        match c.peer {
            Some(addr) => (addr.ip().to_string(), addr.port(), listen_port),
            None => (c.peer_text.clone(), 0, listen_port),
        }
    }

    /// The identity a TLS listener took from the client's certificate (`None`: no usable
    /// certificate), for `use_identity_as_username` and `use_subject_as_username`.
    pub fn set_identity(&mut self, conn: ConnId, identity: Option<String>) {
        if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
            c.identity = identity.map(Arc::from);
        }
    }

    /// End a connection without a log line of its own (the worker logged why).
    pub fn abort(&mut self, conn: ConnId, now: Instant) {
        self.end(conn, Ending::Refused, now);
    }

    /// A connection handed over by another shard, with its CONNECT and the bytes after it.
    pub fn adopt(&mut self, handoff: Handoff, now: Instant) -> ConnId {
        let Handoff {
            connect,
            rest,
            peer,
            peer_text,
            listener,
            identity,
            bridge,
            assigned,
            ..
        } = handoff;
        let mut conn = Conn::new(peer, peer_text, listener, now);
        conn.identity = identity;
        conn.bridge = bridge;
        let id = match self.free_conns.pop() {
            Some(id) => {
                self.conns[id] = Some(conn);
                id
            }
            None => {
                self.conns.push(Some(conn));
                self.conns.len() - 1
            }
        };
        self.counts.sockets = self.counts.sockets.wrapping_add(1);
        self.on_connect(
            id,
            *connect,
            super::connect::Arrival::HandedOver { assigned },
            now,
        );
        if !rest.is_empty() {
            self.input(id, &rest, now);
        }
        id
    }

    /// Bytes arrived on a connection.
    pub fn input(&mut self, conn: ConnId, data: &[u8], now: Instant) {
        self.counts.bytes_received = self.counts.bytes_received.wrapping_add(data.len() as u64);
        let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) else {
            return;
        };
        if c.closing {
            return;
        }
        let mut buf = std::mem::take(&mut c.inbuf);
        let used = if buf.is_empty() {
            let used = self.packets(conn, data, now);
            if used < data.len() {
                buf.extend_from_slice(&data[used..]);
            }
            buf.len()
        } else {
            buf.extend_from_slice(data);
            let used = self.packets(conn, &buf, now);
            buf.drain(..used);
            buf.len()
        };
        if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
            if !c.closing && used > 0 {
                // A large packet still arriving counts as traffic for the keepalive: as in
                // mosquitto while more than 1000 bytes of it are to come, and once 1000 of it
                // have come.
                let to_come = match protocol::parse_fixed_header(&buf) {
                    Ok(Some(h)) => h.packet_len().saturating_sub(buf.len()),
                    _ => 0,
                };
                if buf.len() >= 1000 || to_come > 1000 {
                    c.last_in = now;
                }
                if buf.capacity() > 64 * 1024 && buf.len() < 1024 {
                    buf.shrink_to_fit();
                }
                c.inbuf = buf;
            }
        }
    }

    /// Handle the complete packets at the start of `buf`; returns the bytes used.
    ///
    /// The fixed header is checked as soon as it is there, before the body is waited for (and
    /// nothing is reserved for the body): the first packet must be CONNECT, the remaining
    /// length has at most four bytes, packets of fixed size must have it, and the packet must
    /// not exceed `max_packet_size` (counted as mosquitto counts it: remaining length + 1).
    fn packets(&mut self, conn: ConnId, buf: &[u8], now: Instant) -> usize {
        let mut pos = 0;
        while pos < buf.len() {
            let Some(c) = self.conns.get(conn).and_then(Option::as_ref) else {
                return buf.len();
            };
            if c.closing {
                return buf.len();
            }
            let connected = c.session.is_some();
            let version = c.version;
            let rest = &buf[pos..];
            if !connected && rest[0] >> 4 != kind::CONNECT {
                // The first packet must be CONNECT (2.0.20): close at its first byte.
                self.fault(conn, Fault::Close(Ending::Protocol), now);
                return buf.len();
            }
            let header = match protocol::parse_fixed_header(rest) {
                Ok(Some(h)) => h,
                Ok(None) => break,
                Err(_) => {
                    // More than four bytes of remaining length: closed without a DISCONNECT.
                    self.fault(conn, Fault::Close(Ending::Malformed), now);
                    return buf.len();
                }
            };
            if let Some(fault) = self.header_fault(&header, connected, version) {
                self.fault(conn, fault, now);
                return buf.len();
            }
            let end = header.packet_len();
            if rest.len() < end {
                break;
            }
            let FixedHeader {
                first_byte,
                header_len,
                ..
            } = header;
            pos += end;
            if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
                c.last_in = now;
            }
            self.counts.messages_received = self.counts.messages_received.wrapping_add(1);
            self.packet(conn, first_byte, &rest[header_len..end], now);
            if self.handed_off(conn) {
                // The bytes after the CONNECT follow the connection to its shard.
                if let Some(h) = self.out.handoffs.iter_mut().rev().find(|h| h.conn == conn) {
                    h.rest.extend_from_slice(&buf[pos..]);
                }
                return buf.len();
            }
        }
        pos
    }

    /// Whether a connection's CONNECT was accepted.
    pub fn is_connected(&self, conn: ConnId) -> bool {
        self.conns
            .get(conn)
            .and_then(Option::as_ref)
            .is_some_and(|c| c.session.is_some())
    }

    /// What is wrong with a fixed header, seen before its body (mosquitto's checks when it
    /// reads the remaining length): each closes the connection without a DISCONNECT, but a
    /// packet over `max_packet_size` gets 0x95 from a v5 client.
    fn header_fault(&self, header: &FixedHeader, connected: bool, version: ProtocolVersion) -> Option<Fault> {
        let len = header.remaining_length;
        let v5 = connected && version.is_v5();
        let malformed = match header.first_byte >> 4 {
            kind::CONNECT => len > CONNECT_LIMIT,
            kind::PUBACK | kind::PUBREC | kind::PUBREL | kind::PUBCOMP | kind::UNSUBACK => !v5 && len != 2,
            kind::PINGREQ | kind::PINGRESP => len != 0,
            kind::DISCONNECT => !v5 && len != 0,
            _ => false,
        };
        if malformed {
            return Some(Fault::Close(Ending::Malformed));
        }
        let max = self.settings.max_packet_size as usize;
        if max > 0 && len + 1 > max {
            return Some(if v5 {
                Fault::Reason(rc::PACKET_TOO_LARGE, Ending::Oversize)
            } else {
                Fault::Close(Ending::Oversize)
            });
        }
        None
    }

    /// Whether a connection is being moved to another shard (the worker stops reading it).
    pub fn handed_off(&self, conn: ConnId) -> bool {
        self.conns
            .get(conn)
            .and_then(Option::as_ref)
            .is_some_and(|c| c.handed_off)
    }

    /// Whether a connection is closing or moving: the worker reads no more from it.
    pub fn done_reading(&self, conn: ConnId) -> bool {
        self.conns
            .get(conn)
            .and_then(Option::as_ref)
            .is_none_or(|c| c.closing)
    }

    /// One packet.
    fn packet(&mut self, conn: ConnId, first_byte: u8, body: &[u8], now: Instant) {
        let Some(c) = self.conns.get(conn).and_then(Option::as_ref) else {
            return;
        };
        let packet_type = first_byte >> 4;
        if c.session.is_none() {
            if packet_type != kind::CONNECT {
                // The first packet must be CONNECT (2.0.20): close, say nothing.
                self.fault(conn, Fault::Close(Ending::Protocol), now);
                return;
            }
            self.connect_packet(conn, first_byte, body, now);
            return;
        }
        let version = c.version;
        if version == ProtocolVersion::V31
            && matches!(packet_type, kind::SUBSCRIBE | kind::UNSUBSCRIBE)
            && body.len() == 2
            && body != [0, 0]
        {
            // A 3.1 SUBSCRIBE or UNSUBSCRIBE without any filter gets an empty SUBACK or an
            // UNSUBACK (mosquitto checks this for 3.1.1 and 5 only).
            self.empty_v31_request(conn, packet_type, u16::from_be_bytes([body[0], body[1]]));
            return;
        }
        match packet_type {
            // Packets only a server (or a bridge's peer) sends.
            kind::CONNACK => {
                self.fault(
                    conn,
                    Fault::Close(Ending::Failed("Invalid arguments provided.")),
                    now,
                );
                return;
            }
            kind::SUBACK | kind::UNSUBACK | kind::PINGRESP => {
                self.fault(conn, Fault::Protocol, now);
                return;
            }
            _ => {}
        }
        let packet = match protocol::decode_from(Sender::Client, first_byte, body, version) {
            Ok(p) => p,
            Err(e) => {
                let fault = decode_fault(packet_type, first_byte, e);
                self.fault(conn, fault, now);
                return;
            }
        };
        let result = match packet {
            Packet::Publish(p) => self.on_publish(conn, p, now),
            Packet::Puback(a) => self.on_puback(conn, a, now),
            Packet::Pubrec(a) => self.on_pubrec(conn, a, now),
            Packet::Pubrel(a) => self.on_pubrel(conn, a, now),
            Packet::Pubcomp(a) => self.on_pubcomp(conn, a, now),
            Packet::Subscribe(s) => self.on_subscribe(conn, s, now),
            Packet::Unsubscribe(u) => self.on_unsubscribe(conn, u, now),
            Packet::Pingreq => {
                let name = self.conn_name(conn);
                self.log(LogTypes::DEBUG, || format!("Received PINGREQ from {name}"));
                self.log(LogTypes::DEBUG, || format!("Sending PINGRESP to {name}"));
                self.send(conn, &Packet::Pingresp);
                Ok(())
            }
            Packet::Disconnect(d) => self.on_disconnect(conn, d, now),
            Packet::Connect(_) => {
                let name = self.conn_name(conn);
                self.log(LogTypes::NOTICE, || {
                    format!("Bad client {name} sending multiple CONNECT messages.")
                });
                Err(Fault::Close(Ending::Protocol))
            }
            // AUTH without an authentication method in CONNECT, and packets only a server
            // sends.
            Packet::Auth(_)
            | Packet::Connack(_)
            | Packet::Suback(_)
            | Packet::Unsuback(_)
            | Packet::Pingresp => Err(Fault::Protocol),
        };
        if let Err(fault) = result {
            self.fault(conn, fault, now);
        }
    }

    /// A 3.1 SUBSCRIBE or UNSUBSCRIBE without filters.
    fn empty_v31_request(&mut self, conn: ConnId, packet_type: u8, mid: u16) {
        let name = self.conn_name(conn);
        let (what, answer) = if packet_type == kind::SUBSCRIBE {
            let suback = protocol::Suback {
                mid,
                reason_codes: Vec::new(),
                properties: Vec::new(),
            };
            (("SUBSCRIBE", "SUBACK"), Packet::Suback(suback))
        } else {
            let unsuback = protocol::Unsuback {
                mid,
                reason_codes: Vec::new(),
                properties: Vec::new(),
            };
            (("UNSUBSCRIBE", "UNSUBACK"), Packet::Unsuback(unsuback))
        };
        self.log(LogTypes::DEBUG, || format!("Received {} from {name}", what.0));
        self.log(LogTypes::DEBUG, || format!("Sending {} to {name}", what.1));
        self.send(conn, &answer);
    }

    /// The name of a connection's client for log lines.
    pub(super) fn conn_name(&self, conn: ConnId) -> String {
        self.conns
            .get(conn)
            .and_then(Option::as_ref)
            .map_or_else(|| "<unknown>".to_owned(), |c| c.name().to_owned())
    }

    /// A packet broke the rules: tell a v5 client why (when that applies), then close.
    pub(super) fn fault(&mut self, conn: ConnId, fault: Fault, now: Instant) {
        let (reason, ending) = match fault {
            Fault::Malformed => (Some(rc::MALFORMED), Ending::Malformed),
            Fault::Protocol => (Some(rc::PROTOCOL), Ending::Protocol),
            Fault::Reason(code, ending) => (Some(code), ending),
            Fault::Close(ending) => (None, ending),
        };
        let connected = self
            .conns
            .get(conn)
            .and_then(Option::as_ref)
            .is_some_and(|c| c.session.is_some());
        if let Some(reason) = reason {
            if connected && self.version_of(conn).is_v5() {
                self.send(
                    conn,
                    &Packet::Disconnect(Disconnect {
                        reason_code: reason,
                        properties: Vec::new(),
                    }),
                );
            }
        }
        self.end(conn, ending, now);
    }

    /// The worker saw the connection end (end of stream or a socket error).
    pub fn closed(&mut self, conn: ConnId, error: Option<&str>, now: Instant) {
        let Some(c) = self.conns.get(conn).and_then(Option::as_ref) else {
            return;
        };
        if c.closing {
            return;
        }
        match error {
            None => self.end(conn, Ending::Closed, now),
            Some(text) => {
                let name = c.name().to_owned();
                let text = text.to_owned();
                self.log(LogTypes::NOTICE, || {
                    format!("Bad socket read/write on client {name}: {text}")
                });
                self.end(conn, Ending::Socket, now);
            }
        }
    }

    /// The connection ends: log it, detach the session (will, expiry) and ask the worker to
    /// close the socket once its output is written.
    pub(super) fn end(&mut self, conn: ConnId, ending: Ending, now: Instant) {
        let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) else {
            return;
        };
        if c.closing {
            return;
        }
        c.closing = true;
        c.inbuf = Vec::new();
        let name = c.name().to_owned();
        let session = c.session;
        let listener = c.listener;
        let will = c.will_on_close;
        if c.connected {
            c.connected = false;
            self.counts.clients_connected = self.counts.clients_connected.wrapping_sub(1);
            if let Some(n) = self.listener_clients.get_mut(listener) {
                *n = n.saturating_sub(1);
            }
        }
        self.out.close.push(conn);
        let line = match ending {
            Ending::Disconnect(_) => Some(format!("Client {name} disconnected.")),
            Ending::Closed => Some(format!("Client {name} closed its connection.")),
            Ending::Timeout => Some(format!("Client {name} has exceeded timeout, disconnecting.")),
            Ending::Malformed => Some(format!("Client {name} disconnected due to malformed packet.")),
            Ending::Protocol => Some(format!("Client {name} disconnected due to protocol error.")),
            Ending::NotAuthorised => Some(format!("Client {name} disconnected, not authorised.")),
            Ending::Oversize => Some(format!("Client {name} disconnected due to oversize packet.")),
            Ending::NotAllowed => Some(format!(
                "Client {name} disconnected due to using not allowed feature (QoS too high, retain not \
                 supported, or bad AUTH method)."
            )),
            Ending::Reauthentication => Some(format!("Client {name} disconnected.")),
            Ending::Failed(text) => Some(format!("Bad socket read/write on client {name}: {text}")),
            Ending::TakenOver | Ending::Socket | Ending::Shutdown | Ending::Refused => None,
        };
        if let Some(line) = line {
            if (self.settings.connection_messages
                || !matches!(ending, Ending::Disconnect(_) | Ending::Closed))
                && !self.is_internal(listener)
            {
                self.log(LogTypes::NOTICE, || line);
            }
        }
        let Some(slot) = session else {
            return;
        };
        if let Some(s) = self.session_mut(slot) {
            if s.conn == Some(conn) {
                s.conn = None;
            } else {
                // The session has moved to another connection meanwhile.
                return;
            }
        }
        // A DISCONNECT keeps the will only with reason 0x04 (Disconnect with Will Message).
        let send_will = will && !matches!(ending, Ending::Disconnect(code) if code != 0x04);
        self.detach(slot, send_will, now);
    }

    /// A session lost its connection: send or schedule its will, and expire the session now
    /// or later.
    pub(super) fn detach(&mut self, slot: u32, send_will: bool, now: Instant) {
        let Some(s) = self.session_mut(slot) else {
            return;
        };
        s.outgoing.connection_lost();
        s.drop_logged = false;
        let expiry = s.expiry_interval;
        let will = if send_will { s.will.take() } else { None };
        if !send_will {
            s.will = None;
        }
        let mut publish_now = None;
        if let Some((will, delay)) = will {
            // With persistence a delayed will outlives a shutdown, with its session.
            if delay == 0 || expiry == 0 || (self.stopping && !self.journaling()) {
                publish_now = Some(will);
            } else {
                let s = self.session_mut(slot).expect("session");
                s.will = Some((will, delay));
                // Delays are checked on one-second ticks, as mosquitto does.
                s.will_at = Some(now + Duration::from_secs(u64::from(delay)));
                self.timed_sessions.push(slot);
            }
        }
        if let Some(will) = publish_now {
            self.publish_will(slot, will, now);
        }
        if expiry == 0 {
            self.remove_session(slot);
        } else {
            if expiry != NEVER {
                if let Some(s) = self.session_mut(slot) {
                    s.expires_at = Some(now + Duration::from_secs(u64::from(expiry)));
                }
                if !self.timed_sessions.contains(&slot) {
                    self.timed_sessions.push(slot);
                }
            }
            self.journal_session(slot);
        }
    }

    /// The worker closed the socket: forget the connection.
    pub fn forget(&mut self, conn: ConnId) {
        if let Some(entry) = self.conns.get_mut(conn) {
            if entry.take().is_some() {
                self.counts.sockets = self.counts.sockets.wrapping_sub(1);
                self.free_conns.push(conn);
            }
        }
    }

    /// Periodic work (call about once a second): keepalive, delayed wills, session expiry.
    pub fn tick(&mut self, now: Instant) {
        if let Some(last) = self.last_tick {
            if now.saturating_duration_since(last) < Duration::from_millis(900) {
                return;
            }
        }
        self.last_tick = Some(now);
        let mut timed_out = Vec::new();
        for (id, c) in self.conns.iter_mut().enumerate() {
            let Some(c) = c else { continue };
            // Output buffers kept from busy moments shrink back once nothing waits in them.
            if c.out.is_empty() && c.out.capacity() > super::shard::OUT_IDLE {
                c.out = Vec::new();
            }
            if c.closing {
                continue;
            }
            let keepalive = if c.session.is_none() {
                PRE_CONNECT_KEEPALIVE
            } else {
                c.keepalive
            };
            if keepalive == 0 {
                continue;
            }
            let limit = Duration::from_secs(u64::from(keepalive) * 3 / 2);
            if now.saturating_duration_since(c.last_in) > limit {
                timed_out.push(id);
            }
        }
        for id in timed_out {
            self.end(id, Ending::Timeout, now);
        }
        let timed = std::mem::take(&mut self.timed_sessions);
        let mut keep = Vec::new();
        for slot in timed {
            let Some(s) = self.session(slot) else { continue };
            if s.conn.is_some() {
                continue;
            }
            let will_due = s.will_at.is_some_and(|at| now >= at);
            let expired = s.expires_at.is_some_and(|at| now >= at);
            if will_due || expired {
                let s = self.session_mut(slot).expect("session");
                s.will_at = None;
                if let Some((will, _)) = s.will.take() {
                    self.publish_will(slot, will, now);
                }
                if !expired {
                    self.journal_session(slot);
                }
            }
            if expired {
                let id = self.session(slot).map(|s| s.client_id.clone());
                if let Some(id) = id {
                    self.log(LogTypes::NOTICE, || {
                        format!("Expiring client {id} due to timeout.")
                    });
                }
                self.counts.clients_expired = self.counts.clients_expired.wrapping_add(1);
                self.remove_session(slot);
                continue;
            }
            let s = self.session(slot).expect("session");
            if s.will_at.is_some() || s.expires_at.is_some() {
                keep.push(slot);
            }
        }
        self.timed_sessions.extend(keep);
        self.expire_queued(now);
    }

    /// Shut down: every connection ends (wills of all sessions are published, delayed ones
    /// too), no DISCONNECT is sent.
    pub fn shutdown(&mut self, now: Instant) {
        self.stopping = true;
        // Every will first, delayed ones too, while every client is still connected (mosquitto
        // sends them all before it closes any socket); then `close_all`.
        // With persistence, a delayed will of a session that persists is kept with it.
        let journaling = self.journaling();
        let pending: Vec<u32> = self
            .sessions
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.as_ref().is_some_and(|s| {
                    s.will
                        .as_ref()
                        .is_some_and(|(_, delay)| !(journaling && *delay > 0 && s.expiry_interval != 0))
                })
            })
            .map(|(i, _)| i as u32)
            .collect();
        for slot in pending {
            let will = self.session_mut(slot).and_then(|s| s.will.take());
            if let Some((will, _)) = will {
                self.publish_will(slot, will, now);
            }
        }
    }

    /// The end of a shutdown, after every shard has published its wills: every connection
    /// ends (the worker closes the sockets once their output is written).
    pub fn close_all(&mut self, now: Instant) {
        let conns: Vec<ConnId> = (0..self.conns.len())
            .filter(|&id| self.conns[id].is_some())
            .collect();
        for id in conns {
            self.end(id, Ending::Shutdown, now);
        }
    }

    /// The connections of this shard and whether each is closing (for the worker's checks).
    pub fn connection_count(&self) -> usize {
        self.conns.iter().filter(|c| c.is_some()).count()
    }

    /// Convenience for handlers: the session slot and client id behind a connection.
    pub(super) fn conn_session(&self, conn: ConnId) -> Option<(u32, Arc<str>)> {
        let c = self.conns.get(conn)?.as_ref()?;
        Some((c.session?, c.client_id.clone()?))
    }
}

/// The fault for a packet that could not be decoded (2.0.20's choices).
fn decode_fault(packet_type: u8, first_byte: u8, e: DecodeError) -> Fault {
    let expected_flags = match packet_type {
        kind::PUBREL | kind::SUBSCRIBE | kind::UNSUBSCRIBE => 0b0010,
        _ => 0,
    };
    if packet_type != kind::PUBLISH && first_byte & 0x0F != expected_flags {
        // Reserved fixed-header flags.
        return Fault::Malformed;
    }
    match e {
        DecodeError::TooLarge { .. } => Fault::Reason(rc::PACKET_TOO_LARGE, Ending::Oversize),
        // SUBSCRIBE and UNSUBSCRIBE turn a property that does not belong there into a malformed
        // packet; an identifier no version defines is malformed everywhere.
        DecodeError::BadProperty if matches!(packet_type, kind::SUBSCRIBE | kind::UNSUBSCRIBE) => {
            Fault::Malformed
        }
        DecodeError::UnknownProperty => Fault::Malformed,
        DecodeError::DuplicateProperty => Fault::Reason(
            rc::PROTOCOL,
            Ending::Failed("Duplicate property in property list"),
        ),
        DecodeError::BadProperty => Fault::Protocol,
        // Packet identifier 0 in a PUBLISH or an acknowledgement is a protocol error; QoS 3 is
        // malformed, so are a SUBSCRIBE or UNSUBSCRIBE with identifier 0 or no filter.
        DecodeError::Protocol => match packet_type {
            kind::PUBLISH if (first_byte >> 1) & 3 == 3 => Fault::Malformed,
            kind::PUBLISH | kind::PUBACK | kind::PUBREC | kind::PUBREL | kind::PUBCOMP | 0 => Fault::Protocol,
            _ => Fault::Malformed,
        },
        _ => Fault::Malformed,
    }
}
