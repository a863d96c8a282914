//! Connecting: the reset before each attempt, CONNECT, the end of a connection.

use super::*;

impl Session {
    // ---------------------------------------------------------------------------------------
    // Connecting

    /// Prepare a connect call: keepalive, quotas and the disconnect request are reset.
    pub(crate) fn prepare_connect(&mut self, keepalive: u16) {
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
    pub(crate) fn reset_for_connect(&mut self, now: Instant) {
        self.has_socket = false;
        self.connecting = true;
        self.keepalive = self.opts.keepalive;
        self.last_msg_in = Some(now);
        self.next_msg_out = Some(now + Duration::from_secs(u64::from(self.keepalive)));
        self.ping_sent = None;
        self.release_inbuf();
        self.out.clear();
        let mut kept = 0;
        if let Some(flows) = self.flows.as_mut() {
            flows.held_qos0.clear();
            flows.outgoing.connection_lost();
            kept = u16::try_from(flows.outgoing.len()).unwrap_or(u16::MAX);
        }
        self.release_flows_if_idle();
        self.offline_quota = self.send_max.saturating_sub(kept);
    }

    /// The connection attempt failed before a socket was established.
    pub(crate) fn connect_failed(&mut self) {
        self.connect_abandoned();
        self.state = State::ConnectPending;
    }

    /// The connection attempt ended without a socket and without changing the state (it was
    /// cancelled by a disconnect or replaced by another attempt).
    pub(crate) fn connect_abandoned(&mut self) {
        self.has_socket = false;
        self.connecting = false;
        if let Some(flows) = self.flows.as_mut() {
            flows.held_qos0 = Vec::new();
        }
        self.release_flows_if_idle();
    }

    /// The transport has a socket (connected, or connecting in the background): queue CONNECT,
    /// then what was published at QoS 0 while the connection was being made.
    pub(crate) fn connection_started(&mut self, now: Instant) {
        self.has_socket = true;
        self.connecting = false;
        self.state = State::ConnackPending;
        self.last_msg_in = Some(now);
        self.next_msg_out = Some(now + Duration::from_secs(u64::from(self.keepalive)));
        self.send_connect();
        let held = self
            .flows
            .as_mut()
            .map(|f| std::mem::take(&mut f.held_qos0))
            .unwrap_or_default();
        for (mid, packet) in held {
            self.out.writer().extend_from_slice(&packet);
            self.out.mark(Completion::Qos0Publish(mid));
        }
        self.send_outgoing();
    }

    /// Forget a partly received packet and give its memory back.
    pub(super) fn release_inbuf(&mut self) {
        self.inbuf = Vec::new();
    }

    pub(super) fn send_connect(&mut self) {
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
        let will = self.opts.will.as_deref().map(|w| Will {
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
        let out = self.out.writer();
        let start = out.len();
        Packet::Connect(connect).encode(self.opts.protocol, out);
        if self.opts.bridge && !v5 {
            mark_bridge(&mut out[start..]);
        }
    }

    /// A connection attempt that got a socket but failed before MQTT began (its TLS handshake)
    /// is reported as a lost connection, as libmosquitto reports it.
    pub(crate) fn report_failed_connection(&mut self, cause: DisconnectCause) {
        self.events.push(Event::Disconnect { cause });
    }

    /// The socket is gone. Reports the disconnect (once per connection) with `cause`, which
    /// becomes a clean disconnect when the application had asked for one.
    pub(crate) fn connection_lost(&mut self, cause: DisconnectCause) {
        if !self.has_socket {
            return;
        }
        self.has_socket = false;
        self.release_inbuf();
        self.out.clear();
        self.out.shrink_if_idle();
        let mut in_flight = 0;
        if let Some(flows) = self.flows.as_mut() {
            in_flight = u16::try_from(flows.outgoing.in_flight()).unwrap_or(u16::MAX);
            flows.outgoing.connection_lost();
        }
        self.offline_quota = self.send_max.saturating_sub(in_flight);
        self.ping_sent = None;
        let cause = match cause {
            DisconnectCause::Error(_) if self.state == State::Disconnected => DisconnectCause::Requested,
            other => other,
        };
        self.events.push(Event::Disconnect { cause });
    }
}

/// Set the top bit of the protocol level in an encoded CONNECT (fixed header, remaining
/// length, protocol name, level).
fn mark_bridge(packet: &mut [u8]) {
    let Some(length_bytes) = packet.iter().skip(1).take(4).position(|b| b & 0x80 == 0) else {
        return;
    };
    let name_at = 2 + length_bytes;
    let Some(&[hi, lo]) = packet.get(name_at..name_at + 2) else {
        return;
    };
    let level_at = name_at + 2 + usize::from(u16::from_be_bytes([hi, lo]));
    if let Some(level) = packet.get_mut(level_at) {
        *level |= 0x80;
    }
}

#[cfg(test)]
mod bridge_flag_tests {
    use super::mark_bridge;

    #[test]
    fn the_bridge_flag_is_the_top_bit_of_the_protocol_level() {
        // CONNECT 3.1.1, remaining length 12: "MQTT", level 4, flags, keepalive, empty id.
        let mut p = vec![0x10, 12, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 0];
        mark_bridge(&mut p);
        assert_eq!(p[8], 0x84);
        // 3.1: "MQIsdp", level 3.
        let mut p = vec![
            0x10, 14, 0, 6, b'M', b'Q', b'I', b's', b'd', b'p', 3, 2, 0, 60, 0, 0,
        ];
        mark_bridge(&mut p);
        assert_eq!(p[10], 0x83);
        // A two-byte remaining length.
        let mut p = vec![0x10, 0x80, 0x01, 0, 4, b'M', b'Q', b'T', b'T', 4];
        mark_bridge(&mut p);
        assert_eq!(p[9], 0x84);
        // Truncated input is left alone.
        let mut p = vec![0x10, 0x80];
        mark_bridge(&mut p);
        assert_eq!(p, vec![0x10, 0x80]);
    }
}
