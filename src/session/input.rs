//! What arrives from the server: framing, decoding, and each packet's handling.

use super::*;

impl Session {
    // ---------------------------------------------------------------------------------------
    // Input

    /// Feed bytes read from the socket. On `Err` the connection must be closed and
    /// [`Session::connection_lost`] called with the returned cause.
    pub(crate) fn handle_bytes(&mut self, data: &[u8], now: Instant) -> Result<(), DisconnectCause> {
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
    pub(super) fn note_partial(&mut self, now: Instant) {
        if self.inbuf.len() >= LARGE_PACKET_PROGRESS {
            self.last_msg_in = Some(now);
        }
    }

    /// Handle every complete packet at the start of `buf`; returns the bytes consumed.
    pub(super) fn handle_packets(&mut self, buf: &[u8], now: Instant) -> Result<usize, DisconnectCause> {
        let mut pos = 0;
        while pos < buf.len() {
            let rest = &buf[pos..];
            // No limit of our own: libmosquitto accepts whatever size the server sends.
            let header = match protocol::frame(rest, usize::MAX) {
                Ok(Some(h)) => h,
                Ok(None) => break,
                Err(e) => return Err(self.malformed(e, rest.first().copied().unwrap_or(0))),
            };
            let FixedHeader {
                first_byte,
                header_len,
                ..
            } = header;
            let end = header.packet_len();
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

    pub(super) fn malformed(&mut self, e: DecodeError, first_byte: u8) -> DisconnectCause {
        let error = decode_error(e);
        let reason = match e {
            DecodeError::Truncated => "it is shorter than its contents",
            DecodeError::TrailingBytes => "it has unexpected bytes at its end",
            DecodeError::BadVarint => "its length field is invalid",
            DecodeError::TooLarge { .. } => "it is too large",
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

    pub(super) fn handle_packet(
        &mut self,
        first_byte: u8,
        body: &[u8],
        now: Instant,
    ) -> Result<(), DisconnectCause> {
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
                    reason_codes: u.reason_codes,
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
            Packet::Auth(a) => {
                self.log(LogLevel::Debug, |s| {
                    format!("Client {} received AUTH", s.id_for_log())
                });
                let mut method = None;
                let mut data = None;
                for p in &a.properties {
                    match (p.id, &p.value) {
                        (MQTT_PROP_AUTHENTICATION_METHOD, PropValue::String(m)) if method.is_none() => {
                            method = Some(m.clone());
                        }
                        (MQTT_PROP_AUTHENTICATION_DATA, PropValue::Binary(d)) if data.is_none() => {
                            data = Some(d.clone());
                        }
                        _ => {}
                    }
                }
                self.events.push(Event::ExtAuth {
                    method,
                    data,
                    properties: a.properties,
                });
                Ok(())
            }
            Packet::Connect(_) | Packet::Subscribe(_) | Packet::Unsubscribe(_) => {
                Err(self.unrecognised(first_byte))
            }
        }
    }

    pub(super) fn unrecognised(&mut self, first_byte: u8) -> DisconnectCause {
        self.log(LogLevel::Error, |_| {
            format!("Error: Unrecognised command {}\n", first_byte & 0xF0)
        });
        DisconnectCause::Error(Error::Protocol)
    }

    pub(super) fn require_active(&self) -> Result<(), DisconnectCause> {
        if self.state == State::Active {
            Ok(())
        } else {
            Err(DisconnectCause::Error(Error::Protocol))
        }
    }

    pub(super) fn on_connack(
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

    pub(super) fn on_publish(&mut self, p: Publish) -> Result<(), DisconnectCause> {
        self.require_active()?;
        if p.topic.is_empty() {
            return Err(DisconnectCause::Error(Error::Protocol));
        }
        self.log(LogLevel::Debug, |s| {
            publish_line(s.id_for_log(), "received", &p.as_publish_ref(), p.mid)
        });
        let (known, waiting) = self.flows.as_ref().map_or((false, 0), |f| {
            (f.incoming.contains_key(&p.mid), f.incoming.len())
        });
        if p.qos > 0
            && self.opts.protocol.is_v5()
            && !(p.qos == 2 && known)
            && waiting >= usize::from(self.receive_max)
        {
            return Err(DisconnectCause::Error(Error::Protocol));
        }
        match p.qos {
            0 => self.events.push(Event::Message { message: p }),
            1 => {
                self.send_ack(AckKind::Puback, p.mid, 0);
                self.events.push(Event::Message { message: p });
            }
            _ => {
                self.send_ack(AckKind::Pubrec, p.mid, 0);
                self.flows().incoming.insert(p.mid, p);
            }
        }
        Ok(())
    }

    pub(super) fn check_reason(&self, reason: u8, allowed: &[u8]) -> Result<(), DisconnectCause> {
        if self.opts.protocol.is_v5() && !allowed.contains(&reason) {
            Err(DisconnectCause::Error(Error::Protocol))
        } else {
            Ok(())
        }
    }

    pub(super) fn on_puback_pubcomp(&mut self, ack: Ack, qos: u8) -> Result<(), DisconnectCause> {
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
        match self.flows().outgoing.complete(ack.mid, qos) {
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
        self.release_flows_if_idle();
        Ok(())
    }

    pub(super) fn on_pubrec(&mut self, ack: Ack) -> Result<(), DisconnectCause> {
        self.require_active()?;
        if ack.mid == 0 {
            return Err(DisconnectCause::Error(Error::Protocol));
        }
        self.check_reason(ack.reason_code, &PUBACK_REASONS)?;
        self.log(LogLevel::Debug, |s| {
            format!("Client {} received PUBREC (Mid: {})", s.id_for_log(), ack.mid)
        });
        let refused = self.opts.protocol.is_v5() && ack.reason_code >= 0x80;
        let outcome = self.flows().outgoing.pubrec(ack.mid, refused);
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
            self.release_flows_if_idle();
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
        self.send_ack(AckKind::Pubrel, ack.mid, 0);
        Ok(())
    }

    pub(super) fn on_pubrel(&mut self, ack: Ack) -> Result<(), DisconnectCause> {
        self.require_active()?;
        if ack.mid == 0 {
            return Err(DisconnectCause::Error(Error::Protocol));
        }
        self.check_reason(ack.reason_code, &PUBREL_REASONS)?;
        self.log(LogLevel::Debug, |s| {
            format!("Client {} received PUBREL (Mid: {})", s.id_for_log(), ack.mid)
        });
        self.send_ack(AckKind::Pubcomp, ack.mid, 0);
        if let Some(message) = self.flows.as_mut().and_then(|f| f.incoming.remove(&ack.mid)) {
            self.events.push(Event::Message { message });
        }
        self.release_flows_if_idle();
        Ok(())
    }

    /// Queue PUBACK, PUBREC, PUBREL or PUBCOMP.
    pub(super) fn send_ack(&mut self, kind: AckKind, mid: u16, reason_code: u8) {
        let ack = Ack {
            mid,
            reason_code,
            properties: Vec::new(),
        };
        let packet = match kind {
            AckKind::Puback => {
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
            AckKind::Pubrec => {
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
            AckKind::Pubrel => {
                self.log(LogLevel::Debug, |s| {
                    format!("Client {} sending PUBREL (m{})", s.id_for_log(), mid)
                });
                Packet::Pubrel(ack)
            }
            AckKind::Pubcomp => {
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
}
