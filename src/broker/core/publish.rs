//! Messages in and out: an inbound PUBLISH and its QoS flow, routing to the matching
//! subscriptions, each session's outgoing flow (in-flight limit, queue limits, resending),
//! and wills.

use std::sync::Arc;
use std::time::Instant;

use super::conn::Ending;
use super::input::{Fault, rc};
use super::message::{CopyRef, Delivery, Message};
use super::session::Incoming;
use super::shard::{ConnId, MatchList, Shard, Stats};
use super::subs::SubOptions;
use crate::broker::auth::{Access, Authorizer};
use crate::broker::config::LogTypes;
use crate::protocol::consts::MQTT_PROP_TOPIC_ALIAS;
use crate::protocol::flow::{AckOutcome, Transmit};
use crate::protocol::{Ack, Packet, PropValue, Publish, PublishRef, Will, kind, topic};

/// Most levels a topic may have (2.0.20 counts 200 separators).
pub(super) const MAX_TOPIC_LEVELS: usize = 200;

/// mosquitto's log line for a PUBLISH.
pub(super) fn publish_line(verb: &str, name: &str, p: &PublishRef<'_>, mid: u16) -> String {
    format!(
        "{verb} {name} (d{}, q{}, r{}, m{mid}, '{}', ... ({} bytes))",
        u8::from(p.dup),
        p.qos,
        u8::from(p.retain),
        p.topic,
        p.payload.len()
    )
}

/// Whether a v5 acknowledgement carries a reason code its packet type allows: PUBACK and
/// PUBREC the publish outcomes, PUBREL and PUBCOMP success or "packet identifier not found".
fn allowed_reason(packet_type: u8, code: u8) -> bool {
    match packet_type {
        kind::PUBACK | kind::PUBREC => {
            matches!(code, 0x00 | 0x10 | 0x80 | 0x83 | 0x87 | 0x90 | 0x91 | 0x97 | 0x99)
        }
        _ => matches!(code, 0x00 | 0x92),
    }
}

fn ack(mid: u16, reason_code: u8) -> Ack {
    Ack {
        mid,
        reason_code,
        properties: Vec::new(),
    }
}

impl Shard {
    /// An inbound PUBLISH.
    pub(super) fn on_publish(&mut self, conn: ConnId, p: Publish, now: Instant) -> Result<(), Fault> {
        let Some((slot, client_id)) = self.conn_session(conn) else {
            return Err(Fault::Protocol);
        };
        let c = self
            .conns
            .get(conn)
            .and_then(Option::as_ref)
            .ok_or(Fault::Protocol)?;
        let version = c.version;
        let v5 = version.is_v5();
        let listener_index = c.listener;
        let listener = self
            .settings
            .listeners
            .get(listener_index)
            .cloned()
            .ok_or(Fault::Protocol)?;
        let username = c.username.clone();
        self.counts.publish_received = self.counts.publish_received.wrapping_add(1);
        self.counts.publish_bytes_received = self
            .counts
            .publish_bytes_received
            .wrapping_add(p.payload.len() as u64);

        if p.qos > listener.max_qos {
            self.log(LogTypes::INFORMATION, || {
                format!("Too high QoS in PUBLISH from {client_id}, disconnecting.")
            });
            let ending = Ending::Failed("Requested QoS not supported on server.");
            return Err(if v5 {
                Fault::Reason(rc::QOS_NOT_SUPPORTED, ending)
            } else {
                Fault::Close(ending)
            });
        }
        if p.retain && !self.settings.retain_available {
            let ending = Ending::Failed("Unknown error.");
            return Err(if v5 {
                Fault::Reason(rc::RETAIN_NOT_SUPPORTED, ending)
            } else {
                Fault::Close(ending)
            });
        }
        if p.qos == 0 && p.dup {
            return Err(Fault::Malformed);
        }

        // The topic, through a topic alias.
        let alias = p.properties.iter().find_map(|x| match (x.id, &x.value) {
            (MQTT_PROP_TOPIC_ALIAS, PropValue::Int16(a)) => Some(*a),
            _ => None,
        });
        let mut topic_name: Arc<str> = if p.topic.is_empty() {
            let Some(a) = alias else {
                return Err(Fault::Malformed);
            };
            if a > listener.max_topic_alias {
                return Err(Fault::Reason(
                    rc::TOPIC_ALIAS_INVALID,
                    Ending::Failed("Unknown error."),
                ));
            }
            let known = self
                .conns
                .get(conn)
                .and_then(Option::as_ref)
                .and_then(|c| c.aliases.get(usize::from(a) - 1).cloned().flatten());
            match known {
                Some(t) => t,
                None => return Err(Fault::Protocol),
            }
        } else {
            let t: Arc<str> = Arc::from(p.topic.as_str());
            if let Some(a) = alias {
                if a > listener.max_topic_alias {
                    return Err(Fault::Reason(
                        rc::TOPIC_ALIAS_INVALID,
                        Ending::Failed("Unknown error."),
                    ));
                }
                if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
                    let i = usize::from(a) - 1;
                    if c.aliases.len() <= i {
                        c.aliases.resize(i + 1, None);
                    }
                    c.aliases[i] = Some(t.clone());
                }
            }
            t
        };
        if !topic::is_valid_pub_topic(topic_name.as_bytes())
            || topic_name.bytes().filter(|b| *b == b'/').count() > MAX_TOPIC_LEVELS
        {
            return Err(Fault::Malformed);
        }
        if let Some(mount) = &listener.mount_point {
            topic_name = Arc::from(format!("{mount}{topic_name}"));
        }

        let shown = PublishRef {
            dup: p.dup,
            qos: p.qos,
            retain: p.retain,
            topic: &topic_name,
            mid: p.mid,
            payload: &p.payload,
            properties: &[],
        };
        if self.logs(LogTypes::DEBUG) {
            let line = publish_line("Received PUBLISH from", &client_id, &shown, p.mid);
            self.log(LogTypes::DEBUG, || line);
        }

        // A repeated QoS 2 PUBLISH before its PUBREL: once more PUBREC, a third time on the
        // same connection is an error.
        if p.qos == 2 {
            let repeat = self.session_mut(slot).and_then(|s| {
                s.incoming.get_mut(&p.mid).map(|i| {
                    i.repeats += 1;
                    i.repeats
                })
            });
            if let Some(repeats) = repeat {
                if repeats >= 2 {
                    return Err(Fault::Protocol);
                }
                self.send_pubrec(conn, &client_id, p.mid, 0);
                return Ok(());
            }
        }

        // Refusals that keep the connection: acknowledged (v5 with a reason), not delivered.
        let limit = self.settings.message_size_limit;
        let mut refusal = None;
        if limit > 0 && p.payload.len() > limit as usize {
            if self.logs(LogTypes::DEBUG) {
                let line = publish_line("Dropped too large PUBLISH from", &client_id, &shown, p.mid);
                self.log(LogTypes::DEBUG, || line);
            }
            refusal = Some(rc::PACKET_TOO_LARGE);
        } else if p.qos == 2 && v5 {
            // More unacknowledged QoS 2 messages than the Receive Maximum we announced is a
            // protocol error (MQTT-3.3.4-9); mosquitto answers 0x97 instead and drops the
            // message. A 3.x client has no such limit: its messages are all taken (at most
            // one per packet identifier).
            let waiting = self.session(slot).map_or(0, |s| s.incoming.len());
            let max = self.settings.max_inflight_messages;
            if max > 0 && max < u16::MAX && waiting >= usize::from(max) {
                return Err(Fault::Reason(rc::RECEIVE_MAXIMUM_EXCEEDED, Ending::Protocol));
            }
        }
        if refusal.is_none() {
            let security = self.security.get(listener.security).cloned();
            let decision = security
                .as_ref()
                .map(|s| s.decide(&client_id, username.as_deref(), &topic_name, Access::Write));
            if let Some(d) = decision {
                if let Some(line) = d.log {
                    self.log(LogTypes::NOTICE, || line.text);
                }
                if !d.allowed {
                    if self.logs(LogTypes::DEBUG) {
                        let line = publish_line("Denied PUBLISH from", &client_id, &shown, p.mid);
                        self.log(LogTypes::DEBUG, || line);
                    }
                    refusal = Some(rc::NOT_AUTHORIZED);
                }
            }
        }
        if let Some(reason) = refusal {
            let code = if v5 { reason } else { 0 };
            match p.qos {
                1 => self.send_puback(conn, &client_id, p.mid, code),
                2 => {
                    if !v5 || reason < 0x80 {
                        // Kept so that the PUBREL finds it; nothing is delivered.
                        if let Some(s) = self.session_mut(slot) {
                            s.incoming.insert(
                                p.mid,
                                Incoming {
                                    message: None,
                                    repeats: 0,
                                },
                            );
                        }
                        self.journal_incoming_put(slot, p.mid, None);
                    }
                    self.send_pubrec(conn, &client_id, p.mid, code);
                }
                _ => {}
            }
            return Ok(());
        }

        let mut message = Message::new(topic_name, p.payload, p.qos, p.retain, &p.properties, now);
        let key = self.key_of(slot);
        message.origin = Some(key);
        message.origin_id = Some(client_id.clone());
        message.origin_username = username.clone();
        message.origin_listener = Some(listener_index);
        let message = Arc::new(message);
        let control = message.topic.starts_with("$CONTROL/");
        match p.qos {
            0 => {
                if !control {
                    self.route(&message, now);
                }
            }
            1 => {
                let matched = if control { 1 } else { self.route(&message, now) };
                let code = if v5 && matched == 0 {
                    rc::NO_MATCHING_SUBSCRIBERS
                } else {
                    0
                };
                self.send_puback(conn, &client_id, p.mid, code);
            }
            _ => {
                let kept = (!control).then_some(message);
                self.journal_incoming_put(slot, p.mid, kept.clone());
                if let Some(s) = self.session_mut(slot) {
                    s.incoming.insert(
                        p.mid,
                        Incoming {
                            message: kept,
                            repeats: 0,
                        },
                    );
                }
                self.send_pubrec(conn, &client_id, p.mid, 0);
            }
        }
        Ok(())
    }

    fn send_puback(&mut self, conn: ConnId, name: &str, mid: u16, code: u8) {
        self.log(LogTypes::DEBUG, || {
            format!("Sending PUBACK to {name} (m{mid}, rc{code})")
        });
        self.send(conn, &Packet::Puback(ack(mid, code)));
    }

    fn send_pubrec(&mut self, conn: ConnId, name: &str, mid: u16, code: u8) {
        self.log(LogTypes::DEBUG, || {
            format!("Sending PUBREC to {name} (m{mid}, rc{code})")
        });
        self.send(conn, &Packet::Pubrec(ack(mid, code)));
    }

    /// PUBREL for an inbound QoS 2 message: PUBCOMP, then the message is routed.
    pub(super) fn on_pubrel(&mut self, conn: ConnId, a: Ack, now: Instant) -> Result<(), Fault> {
        let Some((slot, name)) = self.conn_session(conn) else {
            return Err(Fault::Protocol);
        };
        if a.mid == 0 || !allowed_reason(kind::PUBREL, a.reason_code) {
            return Err(Fault::Protocol);
        }
        let mid = a.mid;
        self.log(LogTypes::DEBUG, || {
            format!("Received PUBREL from {name} (Mid: {mid})")
        });
        let incoming = self.session_mut(slot).and_then(|s| s.incoming.remove(&mid));
        if incoming.is_some() {
            self.journal_incoming_remove(slot, mid);
        }
        self.log(LogTypes::DEBUG, || format!("Sending PUBCOMP to {name} (m{mid})"));
        self.send(conn, &Packet::Pubcomp(ack(mid, 0)));
        if let Some(Incoming {
            message: Some(message),
            ..
        }) = incoming
        {
            self.route(&message, now);
        }
        Ok(())
    }

    /// Route a message to every matching subscription (and store it when retained); returns
    /// how many subscriptions matched.
    pub fn route(&mut self, message: &Arc<Message>, now: Instant) -> usize {
        if message.retain {
            let mut retained = self.shared.retained.write();
            let old = if message.payload.is_empty() {
                retained.remove(&message.topic)
            } else {
                Stats::add(&self.shared.retained_bytes, message.payload.len() as u64);
                retained.set(&message.topic, message.clone())
            };
            if let Some(old) = old {
                Stats::sub(&self.shared.retained_bytes, old.payload.len() as u64);
            }
            drop(retained);
            self.journal_retained(message);
        }
        // Subscriptions made on other shards up to now (after the retained store was written,
        // so that a new subscription finds either this message retained or itself matched).
        if self.needs_commands() {
            self.apply_subscription_changes(now);
        }
        let mut set = std::mem::take(&mut self.match_set);
        self.subs
            .collect_matches(&message.topic, message.origin, &mut set);
        let matched = set.subscriptions_matched();
        let journaling = self.journaling();
        let (mut route_id, mut targets) = (0, Vec::new());
        let mut local = std::mem::take(&mut self.local_matches);
        for client in set.iter() {
            let key = client.client();
            let matches = client.matches().iter().map(|m| (m.options, m.identifier));
            if key.shard == self.index {
                // A session of this shard: no allocation, no shared reference taken.
                local.clear();
                local.extend(matches);
                if let Some(slot) = self.live_slot(key) {
                    self.deliver_matches(slot, message, &local, now);
                }
                continue;
            }
            let matches = MatchList::collect(matches);
            let mut route = None;
            if journaling {
                if let Some(name) = self.journal_route_target(key, message, matches.as_slice()) {
                    if route_id == 0 {
                        route_id = self.journal_next_route();
                    }
                    targets.push((name.clone(), matches.as_slice().to_vec()));
                    route = Some((route_id, name));
                }
            }
            self.route_to(key, message, matches, route, now);
        }
        if !targets.is_empty() {
            self.journal_route(route_id, message, targets);
        }
        self.local_matches = local;
        self.match_set = set;
        matched
    }

    /// Copies of `message` for a session of this shard, one per matching subscription (v5) or
    /// one at the highest QoS (3.x); each is checked against the session's read access.
    pub(super) fn deliver_matches(
        &mut self,
        slot: u32,
        message: &Arc<Message>,
        matches: &[(SubOptions, Option<u32>)],
        now: Instant,
    ) {
        if matches.is_empty() {
            return;
        }
        // Read access, decided without taking a reference count on anything.
        let (v5, decision) = {
            let Some(s) = self.session(slot) else {
                return;
            };
            let decision = self
                .settings
                .listeners
                .get(s.listener)
                .and_then(|l| self.security.get(l.security))
                .map(|security| {
                    security.decide(&s.client_id, s.username.as_deref(), &message.topic, Access::Read)
                });
            (s.version.is_v5(), decision)
        };
        if let Some(d) = decision {
            if let Some(line) = d.log {
                self.log(LogTypes::NOTICE, || line.text);
            }
            if !d.allowed {
                return;
            }
        }
        let upgrade = self.settings.upgrade_outgoing_qos;
        let qos_for = |granted: u8| {
            if upgrade {
                granted
            } else {
                granted.min(message.qos)
            }
        };
        if v5 {
            for (options, id) in matches {
                let copy = CopyRef {
                    message,
                    qos: qos_for(options.qos),
                    retain: options.retain_as_published && message.retain,
                    sub_ids: id.as_slice(),
                };
                self.offer(slot, copy, now);
            }
        } else {
            let granted = matches.iter().map(|(o, _)| o.qos).max().unwrap_or(0);
            // Retain As Published here only for a 3.x bridge's subscriptions.
            let keep_retain = matches.iter().any(|(o, _)| o.retain_as_published);
            let copy = CopyRef {
                message,
                qos: qos_for(granted),
                retain: keep_retain && message.retain,
                sub_ids: &[],
            };
            self.offer(slot, copy, now);
        }
    }

    /// Send a copy at once or queue it, within the session's limits.
    pub(super) fn queue_delivery(&mut self, slot: u32, d: Delivery, now: Instant) {
        self.offer(slot, d.as_ref(), now);
    }

    /// [`Shard::queue_delivery`] for a borrowed copy: the message is only shared (its reference
    /// count touched) when the copy has to be kept.
    fn offer(&mut self, slot: u32, d: CopyRef<'_>, now: Instant) {
        let max_queued = self.settings.max_queued_messages as usize;
        let max_bytes = self.settings.max_queued_bytes as usize;
        let queue_qos0 = self.settings.queue_qos0_messages;
        let max_inflight = self.inflight_limit(slot);
        let Some(s) = self.session_mut(slot) else {
            return;
        };
        let online = s.conn.is_some();
        if d.qos == 0 {
            match s.conn {
                Some(conn) => {
                    // A client that does not read gets no more QoS 0 copies than the queue
                    // limits allow waiting for its socket.
                    let (packets, bytes) = self.backlog(conn);
                    if (max_queued > 0 && packets >= max_queued) || (max_bytes > 0 && bytes >= max_bytes) {
                        return self.drop_copy(slot);
                    }
                    self.send_copy(conn, slot, d, 0, false, now);
                }
                None => {
                    if queue_qos0 {
                        if max_queued > 0 && s.qos0_queue.len() + s.outgoing.waiting() >= max_queued {
                            return self.drop_copy(slot);
                        }
                        s.held_bytes += d.size();
                        let size = d.size() as u64;
                        s.qos0_queue.push_back(d.to_owned());
                        self.counts.stored_messages = self.counts.stored_messages.wrapping_add(1);
                        self.counts.stored_bytes = self.counts.stored_bytes.wrapping_add(size);
                    }
                }
            }
            return;
        }
        // An online client may have its in-flight window on top of the queue.
        let room = if online {
            max_queued + max_inflight
        } else {
            max_queued
        };
        let held = if online {
            s.outgoing.len()
        } else {
            s.outgoing.waiting()
        };
        // As mosquitto: one more is taken while the count and the bytes held are below the
        // limits.
        if (max_queued > 0 && held >= room) || (max_bytes > 0 && s.held_bytes >= max_bytes) {
            return self.drop_copy(slot);
        }
        let Some(mid) = s.next_mid() else {
            return self.drop_copy(slot);
        };
        s.held_bytes += d.size();
        let size = d.size() as u64;
        let qos = d.qos;
        let stored = s.stored;
        let owned = d.to_owned();
        if stored {
            self.journal_out_put(slot, mid, &owned);
        }
        let Some(s) = self.session_mut(slot) else {
            return;
        };
        s.outgoing.push(mid, qos, false, owned);
        self.counts.stored_messages = self.counts.stored_messages.wrapping_add(1);
        self.counts.stored_bytes = self.counts.stored_bytes.wrapping_add(size);
        if online {
            self.pump(slot, now);
        }
    }

    /// The outgoing in-flight limit of a session: the client's receive maximum, and ours.
    fn inflight_limit(&self, slot: u32) -> usize {
        let ours = match self.settings.max_inflight_messages {
            0 => usize::from(u16::MAX),
            n => usize::from(n),
        };
        let theirs = self
            .session(slot)
            .map_or(usize::from(u16::MAX), |s| usize::from(s.client_receive_max));
        ours.min(theirs).max(1)
    }

    /// A copy over the session's limits is dropped (logged once per connection).
    fn drop_copy(&mut self, slot: u32) {
        self.counts.publish_dropped = self.counts.publish_dropped.wrapping_add(1);
        let Some(s) = self.session_mut(slot) else {
            return;
        };
        if !s.drop_logged {
            s.drop_logged = true;
            let id = s.client_id.clone();
            self.log(LogTypes::NOTICE, || {
                format!("Outgoing messages are being dropped for client {id}.")
            });
        }
    }

    /// Put queued copies on the wire while the in-flight window has room.
    pub(super) fn pump(&mut self, slot: u32, now: Instant) {
        let limit = self.inflight_limit(slot);
        let Some(conn) = self.session(slot).and_then(|s| s.conn) else {
            return;
        };
        let max_bytes = self.settings.max_inflight_bytes as usize;
        loop {
            let Some(s) = self.session_mut(slot) else {
                return;
            };
            if max_bytes > 0 {
                // `max_inflight_bytes`: nothing more goes out while the payloads in flight
                // reach it (the window is small, so the sum is cheap).
                let in_flight: usize = s
                    .outgoing
                    .iter()
                    .filter(|e| e.state.on_wire())
                    .map(|e| e.message.size())
                    .sum();
                if in_flight >= max_bytes {
                    return;
                }
            }
            let Some((entry, transmit)) = s.outgoing.next_transmit(limit) else {
                return;
            };
            let mid = entry.mid;
            match transmit {
                Transmit::Pubrel => {
                    let name = s.client_id.clone();
                    self.log(LogTypes::DEBUG, || format!("Sending PUBREL to {name} (m{mid})"));
                    self.send(conn, &Packet::Pubrel(ack(mid, 0)));
                }
                Transmit::Publish { dup } => {
                    let d = entry.message.clone();
                    if d.message.expired(now) {
                        self.forget_copy(slot, mid);
                        continue;
                    }
                    if !self.send_copy(conn, slot, d.as_ref(), mid, dup, now) {
                        self.forget_copy(slot, mid);
                    }
                }
            }
        }
    }

    /// A copy leaves the store unsent (too large, expired).
    fn forget_copy(&mut self, slot: u32, mid: u16) {
        if let Some(s) = self.session_mut(slot) {
            if let Some(e) = s.outgoing.remove(mid) {
                s.held_bytes = s.held_bytes.saturating_sub(e.message.size());
                self.journal_out_remove(slot, mid);
                self.counts.stored_messages = self.counts.stored_messages.wrapping_sub(1);
                self.counts.stored_bytes = self.counts.stored_bytes.wrapping_sub(e.message.size() as u64);
            }
        }
    }

    /// Encode one copy onto a connection; false if it is larger than the client accepts.
    fn send_copy(
        &mut self,
        conn: ConnId,
        slot: u32,
        d: CopyRef<'_>,
        mid: u16,
        dup: bool,
        now: Instant,
    ) -> bool {
        let Some(s) = self.session(slot) else {
            return false;
        };
        let max_packet = s.client_max_packet;
        let version = s.version;
        let full: &str = &d.message.topic;
        let strip = self
            .settings
            .listeners
            .get(s.listener)
            .and_then(|l| l.mount_point.as_deref())
            .filter(|m| full.starts_with(m))
            .map_or(0, str::len);
        let topic_out = &full[strip..];
        let properties = if version.is_v5() {
            d.message.outgoing_properties(d.sub_ids, now)
        } else {
            Vec::new()
        };
        let p = d
            .message
            .publish_ref(topic_out, d.qos, d.retain, dup, mid, &properties);
        let len = p.encoded_len(version);
        // The client's Maximum Packet Size counts the whole packet (mosquitto leaves out the
        // first byte, and lets a packet one byte over through); the log line gives the
        // remaining length, as mosquitto's does.
        if max_packet > 0 && len > max_packet as usize {
            let name = self
                .session(slot)
                .map_or_else(String::new, |s| s.client_id.to_string());
            let remaining = (1..=4)
                .map(|n| len.saturating_sub(1 + n))
                .find(|&r| 1 + crate::protocol::writer::varint_len_usize(r) + r == len)
                .unwrap_or(len);
            self.log(LogTypes::NOTICE, || {
                format!("Dropping too large outgoing PUBLISH for {name} ({remaining} bytes)")
            });
            return false;
        }
        if self.logs(LogTypes::DEBUG) {
            let name = self
                .session(slot)
                .map_or_else(String::new, |s| s.client_id.to_string());
            let line = publish_line("Sending PUBLISH to", &name, &p, mid);
            self.log(LogTypes::DEBUG, || line);
        }
        let payload = p.payload.len() as u64;
        if let Some(c) = self.conns.get_mut(conn).and_then(Option::as_mut) {
            if c.closing {
                return true;
            }
            let before = c.out.len();
            p.encode(version, &mut c.out);
            let n = (c.out.len() - before) as u64;
            c.out_packets = c.out_packets.saturating_add(1);
            if !c.marked_writable {
                c.marked_writable = true;
                self.out.writable.push(conn);
            }
            self.counts.messages_sent += 1;
            self.counts.bytes_sent = self.counts.bytes_sent.wrapping_add(n);
            self.counts.publish_sent += 1;
            self.counts.publish_bytes_sent = self.counts.publish_bytes_sent.wrapping_add(payload);
        }
        true
    }

    /// After CONNACK: resend what the last connection left unfinished, then the queue.
    pub(super) fn resume(&mut self, slot: u32, now: Instant) {
        // A QoS 2 PUBLISH still waiting for its PUBREL is repeated once per connection when
        // its PUBREC was lost: the count of repeats starts again with each connection.
        if let Some(s) = self.session_mut(slot) {
            for i in s.incoming.values_mut() {
                i.repeats = 0;
            }
        }
        self.pump(slot, now);
        let Some(conn) = self.session(slot).and_then(|s| s.conn) else {
            return;
        };
        let queued: Vec<Delivery> = self
            .session_mut(slot)
            .map(|s| s.qos0_queue.drain(..).collect())
            .unwrap_or_default();
        for d in queued {
            if let Some(s) = self.session_mut(slot) {
                s.held_bytes = s.held_bytes.saturating_sub(d.size());
            }
            self.counts.stored_messages = self.counts.stored_messages.wrapping_sub(1);
            self.counts.stored_bytes = self.counts.stored_bytes.wrapping_sub(d.size() as u64);
            if !d.message.expired(now) {
                self.send_copy(conn, slot, d.as_ref(), 0, false, now);
            }
        }
    }

    /// PUBACK for an outgoing QoS 1 copy.
    pub(super) fn on_puback(&mut self, conn: ConnId, a: Ack, now: Instant) -> Result<(), Fault> {
        self.complete_outgoing(conn, a, 1, now)
    }

    /// PUBCOMP for an outgoing QoS 2 copy.
    pub(super) fn on_pubcomp(&mut self, conn: ConnId, a: Ack, now: Instant) -> Result<(), Fault> {
        self.complete_outgoing(conn, a, 2, now)
    }

    fn complete_outgoing(&mut self, conn: ConnId, a: Ack, qos: u8, now: Instant) -> Result<(), Fault> {
        let Some((slot, name)) = self.conn_session(conn) else {
            return Err(Fault::Protocol);
        };
        let packet_type = if qos == 1 { kind::PUBACK } else { kind::PUBCOMP };
        if a.mid == 0 || !allowed_reason(packet_type, a.reason_code) {
            return Err(Fault::Protocol);
        }
        let (what, mid, code) = (if qos == 1 { "PUBACK" } else { "PUBCOMP" }, a.mid, a.reason_code);
        self.log(LogTypes::DEBUG, || {
            format!("Received {what} from {name} (Mid: {mid}, RC:{code})")
        });
        let outcome = self.session_mut(slot).map(|s| s.outgoing.complete(mid, qos));
        match outcome {
            Some(AckOutcome::Complete(e)) => {
                let size = e.message.size();
                if let Some(s) = self.session_mut(slot) {
                    s.held_bytes = s.held_bytes.saturating_sub(size);
                }
                self.journal_out_remove(slot, e.mid);
                self.counts.stored_messages = self.counts.stored_messages.wrapping_sub(1);
                self.counts.stored_bytes = self.counts.stored_bytes.wrapping_sub(size as u64);
            }
            Some(AckOutcome::WrongQos) => return Err(Fault::Protocol),
            _ => self.log(LogTypes::WARNING, || {
                format!("Warning: Received {what} from {name} for an unknown packet identifier {mid}.")
            }),
        }
        self.pump(slot, now);
        Ok(())
    }

    /// PUBREC for an outgoing QoS 2 copy: PUBREL (or, with an error code, the end of it).
    pub(super) fn on_pubrec(&mut self, conn: ConnId, a: Ack, now: Instant) -> Result<(), Fault> {
        let Some((slot, name)) = self.conn_session(conn) else {
            return Err(Fault::Protocol);
        };
        if a.mid == 0 || !allowed_reason(kind::PUBREC, a.reason_code) {
            return Err(Fault::Protocol);
        }
        let mid = a.mid;
        self.log(LogTypes::DEBUG, || {
            format!("Received PUBREC from {name} (Mid: {mid})")
        });
        let refused = self.version_of(conn).is_v5() && a.reason_code >= 0x80;
        let outcome = self.session_mut(slot).map(|s| s.outgoing.pubrec(mid, refused));
        match outcome {
            Some(AckOutcome::Complete(e)) => {
                let size = e.message.size();
                if let Some(s) = self.session_mut(slot) {
                    s.held_bytes = s.held_bytes.saturating_sub(size);
                }
                self.journal_out_remove(slot, e.mid);
                self.counts.stored_messages = self.counts.stored_messages.wrapping_sub(1);
                self.counts.stored_bytes = self.counts.stored_bytes.wrapping_sub(size as u64);
                self.pump(slot, now);
                return Ok(());
            }
            Some(AckOutcome::WrongQos) => return Err(Fault::Protocol),
            Some(AckOutcome::Unknown) | None => self.log(LogTypes::WARNING, || {
                format!("Warning: Received PUBREC from {name} for an unknown packet identifier {mid}.")
            }),
            Some(AckOutcome::Released) => self.journal_out_released(slot, mid),
        }
        self.log(LogTypes::DEBUG, || format!("Sending PUBREL to {name} (m{mid})"));
        self.send(conn, &Packet::Pubrel(ack(mid, 0)));
        Ok(())
    }

    /// Publish a session's will, if its client may write to the will's topic.
    pub(super) fn publish_will(&mut self, slot: u32, will: Will, now: Instant) {
        let Some(s) = self.session(slot) else {
            return;
        };
        let security = self
            .settings
            .listeners
            .get(s.listener)
            .and_then(|l| self.security.get(l.security))
            .cloned();
        let mount = self
            .settings
            .listeners
            .get(s.listener)
            .and_then(|l| l.mount_point.clone());
        let topic_name = match mount {
            Some(m) => format!("{m}{}", will.topic),
            None => will.topic.clone(),
        };
        if let Some(security) = security {
            if !security.allowed(&s.client_id, s.username.as_deref(), &topic_name, Access::Write) {
                return;
            }
        }
        let mut message = Message::new(
            Arc::from(topic_name.as_str()),
            will.payload.into(),
            will.qos,
            will.retain && self.settings.retain_available,
            &will.properties,
            now,
        );
        message.origin = Some(self.key_of(slot));
        message.origin_id = Some(s.client_id.clone());
        message.origin_username = s.username.clone();
        message.origin_listener = Some(s.listener);
        let message = Arc::new(message);
        self.route(&message, now);
    }

    /// Drop expired messages from the queues of sessions whose clients are away.
    pub(super) fn expire_queued(&mut self, now: Instant) {
        let mut dropped = 0u64;
        let mut bytes = 0u64;
        let journaling = self.journaling();
        let mut removed = Vec::new();
        for s in self.sessions.iter_mut().flatten() {
            if s.conn.is_some() {
                continue;
            }
            let before = s.held_bytes;
            let stored = (journaling && s.stored).then(|| s.client_id.clone());
            let n = s.outgoing.remove_waiting_if(|e| {
                let gone = e.message.message.expired(now);
                if gone {
                    bytes += e.message.size() as u64;
                    if let Some(id) = &stored {
                        removed.push((id.clone(), e.mid));
                    }
                }
                gone
            });
            s.held_bytes = before.saturating_sub(bytes as usize);
            dropped += n as u64;
            let kept: std::collections::VecDeque<Delivery> = s
                .qos0_queue
                .drain(..)
                .filter(|d| !d.message.expired(now))
                .collect();
            s.qos0_queue = kept;
        }
        if dropped > 0 {
            self.counts.stored_messages = self.counts.stored_messages.wrapping_sub(dropped);
            self.counts.stored_bytes = self.counts.stored_bytes.wrapping_sub(bytes);
        }
        for (client, mid) in removed {
            self.journal_out_remove_id(client, mid);
        }
    }

    /// A connection's session closed by the client with DISCONNECT (publish.rs has the will
    /// handling through `end`).
    pub(super) fn on_disconnect(
        &mut self,
        conn: ConnId,
        d: crate::protocol::Disconnect,
        now: Instant,
    ) -> Result<(), Fault> {
        let name = self.conn_name(conn);
        self.log(LogTypes::DEBUG, || format!("Received DISCONNECT from {name}"));
        if let Some((slot, _)) = self.conn_session(conn) {
            // A v5 DISCONNECT may change the session expiry, but not raise it from 0.
            let new_expiry = d.properties.iter().find_map(|p| match (p.id, &p.value) {
                (crate::protocol::consts::MQTT_PROP_SESSION_EXPIRY_INTERVAL, PropValue::Int32(v)) => Some(*v),
                _ => None,
            });
            if let Some(v) = new_expiry {
                let current = self.session(slot).map_or(0, |s| s.expiry_interval);
                if current == 0 && v != 0 {
                    return Err(Fault::Protocol);
                }
                if let Some(s) = self.session_mut(slot) {
                    s.expiry_interval = v;
                }
            }
        }
        self.end(conn, Ending::Disconnect(d.reason_code), now);
        Ok(())
    }
}
