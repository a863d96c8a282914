//! SUBSCRIBE and UNSUBSCRIBE: the subscription tree of every shard, SUBACK and UNSUBACK,
//! and the retained messages a new subscription receives.

use std::sync::Arc;
use std::time::Instant;

use super::input::{Fault, rc};
use super::message::{Delivery, Message};
use super::publish::MAX_TOPIC_LEVELS;
use super::shard::{Command, ConnId, Shard, Stats};
use super::subs::{SubOptions, Subscribed};
use crate::broker::auth::{Access, Authorizer};
use crate::broker::config::LogTypes;
use crate::protocol::consts::MQTT_PROP_SUBSCRIPTION_IDENTIFIER;
use crate::protocol::{Packet, PropValue, Suback, Subscribe, Unsuback, Unsubscribe, topic};

/// A filter split into its shared-subscription group (if any) and the topic filter.
fn split_shared(filter: &str) -> Result<(Option<&str>, &str), Fault> {
    let Some(rest) = filter.strip_prefix("$share/") else {
        if filter == "$share" {
            return Err(Fault::Protocol);
        }
        return Ok((None, filter));
    };
    // `$share/G/F` with F not empty; mosquitto takes an empty group name (`$share//F`) too.
    match rest.split_once('/') {
        Some((group, f)) if !f.is_empty() && !group.contains(['+', '#']) => Ok((Some(group), f)),
        _ => Err(Fault::Protocol),
    }
}

/// A filter mosquitto refuses as malformed: empty, misplaced wildcards, or more than 200 levels.
fn bad_filter(filter: &str) -> bool {
    filter.is_empty()
        || !topic::is_valid_sub_filter(filter.as_bytes())
        || filter.bytes().filter(|b| *b == b'/').count() > MAX_TOPIC_LEVELS
}

impl Shard {
    /// SUBSCRIBE.
    pub(super) fn on_subscribe(&mut self, conn: ConnId, s: Subscribe, now: Instant) -> Result<(), Fault> {
        let Some((slot, name)) = self.conn_session(conn) else {
            return Err(Fault::Protocol);
        };
        let version = self.version_of(conn);
        let v5 = version.is_v5();
        let (listener_index, bridge) = self
            .conns
            .get(conn)
            .and_then(Option::as_ref)
            .map_or((0, false), |c| (c.listener, c.bridge));
        let listener = self
            .settings
            .listeners
            .get(listener_index)
            .cloned()
            .ok_or(Fault::Protocol)?;
        self.log(LogTypes::DEBUG, || format!("Received SUBSCRIBE from {name}"));
        let identifier = s.properties.iter().find_map(|p| match (p.id, &p.value) {
            (MQTT_PROP_SUBSCRIPTION_IDENTIFIER, PropValue::VarInt(v)) => Some(*v),
            _ => None,
        });
        if identifier == Some(0) {
            return Err(Fault::Malformed);
        }
        // Check every filter before changing anything.
        let mut planned = Vec::with_capacity(s.filters.len());
        for (filter, byte) in &s.filters {
            if bad_filter(filter) {
                return Err(Fault::Malformed);
            }
            if byte & 0x03 == 3 || (v5 && (byte & 0xC0 != 0 || (byte >> 4) & 0x03 == 3)) {
                return Err(Fault::Malformed);
            }
            let (group, inner) = split_shared(filter)?;
            let options = SubOptions {
                qos: (byte & 0x03).min(listener.max_qos),
                // A 3.x bridge neither gets its own messages back nor loses retain flags.
                no_local: (v5 && byte & 0x04 != 0) || bridge,
                retain_as_published: (v5 && byte & 0x08 != 0) || bridge,
                retain_handling: if v5 { (byte >> 4) & 0x03 } else { 0 },
            };
            if group.is_some() && options.no_local {
                return Err(Fault::Protocol);
            }
            let full = match (&listener.mount_point, group) {
                (Some(m), Some(g)) => format!("$share/{g}/{m}{inner}"),
                (Some(m), None) => format!("{m}{inner}"),
                (None, _) => filter.clone(),
            };
            let requested = byte & 0x03;
            let shown = filter.clone();
            self.log(LogTypes::DEBUG, || format!("\t{shown} (QoS {requested})"));
            planned.push((full, options, group.is_some(), inner.to_owned()));
        }
        let key = self.key_of(slot);
        let mut codes = Vec::with_capacity(planned.len());
        let mut retained_for = Vec::new();
        for (full, options, shared, inner) in planned {
            let result = self.subs.subscribe(key, &full, options, identifier);
            let code = match result {
                Ok(done) => {
                    self.journal_subscribe(slot, &full, options, identifier);
                    if done == Subscribed::New {
                        self.counts.subscriptions = self.counts.subscriptions.wrapping_add(1);
                        if shared {
                            self.counts.shared_subscriptions =
                                self.counts.shared_subscriptions.wrapping_add(1);
                        }
                    }
                    let filter: Arc<str> = Arc::from(full.as_str());
                    self.broadcast(|_| Command::Subscribe {
                        session: key,
                        filter: filter.clone(),
                        options,
                        identifier,
                    });
                    let qos = options.qos;
                    let shown = full.clone();
                    self.log(LogTypes::SUBSCRIBE, || format!("{name} {qos} {shown}"));
                    let wanted = !v5
                        || options.retain_handling == 0
                        || (options.retain_handling == 1 && done == Subscribed::New);
                    if !shared && wanted {
                        let mounted = match &listener.mount_point {
                            Some(m) => format!("{m}{inner}"),
                            None => inner,
                        };
                        retained_for.push((mounted, options));
                    }
                    options.qos
                }
                Err(_) => 0x80,
            };
            codes.push(code);
        }
        self.log(LogTypes::DEBUG, || format!("Sending SUBACK to {name}"));
        self.send(
            conn,
            &Packet::Suback(Suback {
                mid: s.mid,
                reason_codes: codes,
                properties: Vec::new(),
            }),
        );
        for (filter, options) in retained_for {
            self.send_retained(slot, &filter, options, identifier, now);
        }
        Ok(())
    }

    /// The retained messages matching a new subscription, as copies with the retain flag.
    fn send_retained(
        &mut self,
        slot: u32,
        filter: &str,
        options: SubOptions,
        identifier: Option<u32>,
        now: Instant,
    ) {
        let mut found: Vec<Arc<Message>> = Vec::new();
        self.shared
            .retained
            .read()
            .for_each_match(filter, |_, m| found.push(m.clone()));
        if found.is_empty() {
            return;
        }
        let Some(s) = self.session(slot) else {
            return;
        };
        let security = self
            .settings
            .listeners
            .get(s.listener)
            .and_then(|l| self.security.get(l.security))
            .cloned();
        let (client_id, username) = (s.client_id.clone(), s.username.clone());
        let mut expired = Vec::new();
        for message in found {
            if message.expired(now) || !self.retain_source_may_write(&message) {
                expired.push(message);
                continue;
            }
            if let Some(security) = &security {
                if !security.allowed(&client_id, username.as_deref(), &message.topic, Access::Read) {
                    continue;
                }
            }
            let d = Delivery {
                qos: message.qos.min(options.qos),
                retain: true,
                sub_ids: identifier.into_iter().collect(),
                message,
            };
            self.queue_delivery(slot, d, now);
        }
        if !expired.is_empty() {
            // An expired retained message (or one its publisher may no longer write) is
            // forgotten when it is found.
            let mut retained = self.shared.retained.write();
            for message in expired {
                if retained
                    .get(&message.topic)
                    .is_some_and(|m| Arc::ptr_eq(m, &message))
                {
                    retained.remove(&message.topic);
                    Stats::sub(&self.shared.retained_bytes, message.payload.len() as u64);
                }
            }
        }
    }

    /// With `check_retain_source`: whether the client that published a retained message may
    /// still publish to its topic (otherwise the message is forgotten when it is found).
    fn retain_source_may_write(&self, message: &Message) -> bool {
        if !self.settings.check_retain_source {
            return true;
        }
        let (Some(id), Some(listener)) = (&message.origin_id, message.origin_listener) else {
            return true;
        };
        let security = self
            .settings
            .listeners
            .get(listener)
            .and_then(|l| self.security.get(l.security));
        security.is_none_or(|s| {
            s.allowed(
                id,
                message.origin_username.as_deref(),
                &message.topic,
                Access::Write,
            )
        })
    }

    /// UNSUBSCRIBE.
    pub(super) fn on_unsubscribe(
        &mut self,
        conn: ConnId,
        u: Unsubscribe,
        _now: Instant,
    ) -> Result<(), Fault> {
        let Some((slot, name)) = self.conn_session(conn) else {
            return Err(Fault::Protocol);
        };
        let v5 = self.version_of(conn).is_v5();
        let listener_index = self
            .conns
            .get(conn)
            .and_then(Option::as_ref)
            .map_or(0, |c| c.listener);
        let mount = self
            .settings
            .listeners
            .get(listener_index)
            .and_then(|l| l.mount_point.clone());
        self.log(LogTypes::DEBUG, || format!("Received UNSUBSCRIBE from {name}"));
        for filter in &u.filters {
            if bad_filter(filter) {
                return Err(Fault::Malformed);
            }
        }
        let key = self.key_of(slot);
        let mut codes = Vec::with_capacity(u.filters.len());
        for filter in &u.filters {
            let shown = filter.clone();
            self.log(LogTypes::DEBUG, || format!("\t{shown}"));
            let full = match (&mount, split_shared(filter)) {
                (Some(m), Ok((Some(g), inner))) => format!("$share/{g}/{m}{inner}"),
                (Some(m), _) => format!("{m}{filter}"),
                (None, _) => filter.clone(),
            };
            let existed = self.subs.unsubscribe(key, &full);
            if existed {
                self.journal_unsubscribe(slot, &full);
                self.counts.subscriptions = self.counts.subscriptions.wrapping_sub(1);
                if full.starts_with("$share/") {
                    self.counts.shared_subscriptions = self.counts.shared_subscriptions.wrapping_sub(1);
                }
                let f: Arc<str> = Arc::from(full.as_str());
                self.broadcast(|_| Command::Unsubscribe {
                    session: key,
                    filter: f.clone(),
                });
            }
            self.log(LogTypes::UNSUBSCRIBE, || format!("{name} {full}"));
            codes.push(if existed { 0 } else { rc::NO_SUBSCRIPTION_EXISTED });
        }
        self.log(LogTypes::DEBUG, || format!("Sending UNSUBACK to {name}"));
        self.send(
            conn,
            &Packet::Unsuback(Unsuback {
                mid: u.mid,
                reason_codes: if v5 { codes } else { Vec::new() },
                properties: Vec::new(),
            }),
        );
        Ok(())
    }
}
