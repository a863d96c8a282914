//! What goes to the server: the output queue, publishing and the QoS 1/2 flows, subscribing,
//! disconnecting.

use super::*;

impl Session {
    // ---------------------------------------------------------------------------------------
    // Output

    /// Bytes waiting to be written.
    pub(crate) fn pending_output(&self) -> &[u8] {
        self.out.pending()
    }

    /// Whether bytes are waiting to be written.
    pub(crate) fn wants_write(&self) -> bool {
        !self.out.is_empty()
    }

    /// `n` bytes of [`Session::pending_output`] were written. Returns true when a DISCONNECT has
    /// now been written completely, so the connection must be closed.
    pub(crate) fn wrote(&mut self, n: usize, now: Instant) -> bool {
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
    pub(crate) fn publish(&mut self, req: PublishRequest<'_>) -> (Option<u16>, Result<(), Error>) {
        match self.check_publish(&req) {
            Ok(retain) => {
                let mid = self.next_mid();
                (Some(mid), self.publish_checked(req, retain, mid))
            }
            Err(e) => (None, Err(e)),
        }
    }

    /// Validate a publish request; returns the retain flag to use.
    pub(super) fn check_publish(&self, req: &PublishRequest<'_>) -> Result<bool, Error> {
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

    pub(super) fn publish_checked(
        &mut self,
        req: PublishRequest<'_>,
        retain: bool,
        mid: u16,
    ) -> Result<(), Error> {
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
                self.flows().held_qos0.push((mid, packet));
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
        self.flows().outgoing.push(mid, req.qos, offline, message);
        if offline && self.offline_quota > 0 {
            return Err(Error::NoConn);
        }
        self.send_outgoing();
        Ok(())
    }

    pub(super) fn log_publish(&mut self, p: &PublishRef<'_>, mid: u16) {
        self.log(LogLevel::Debug, |s| {
            publish_line(s.id_for_log(), "sending", p, mid)
        });
    }

    /// Put outgoing QoS 1/2 packets on the wire while in-flight slots are free, in publish
    /// order: first what an earlier connection left unfinished (once the server has accepted
    /// this one), then new messages.
    pub(super) fn send_outgoing(&mut self) {
        let Some(flows) = self.flows.as_ref() else {
            return;
        };
        if !self.has_socket {
            return;
        }
        match self.state {
            State::Active | State::Disconnected => {}
            // Before CONNACK only a first connection sends, and only new messages.
            State::ConnackPending if !flows.outgoing.has_resends() => {}
            _ => return,
        }
        let limit = usize::from(self.send_max);
        let version = self.opts.protocol;
        while let Some((entry, transmit)) = self.flows.as_mut().and_then(|f| f.outgoing.next_transmit(limit))
        {
            let mid = entry.mid;
            let dup = match transmit {
                Transmit::Pubrel => {
                    self.send_ack(AckKind::Pubrel, mid, 0);
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
                self.flows().outgoing.remove(mid);
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
    pub(crate) fn check_subscribe(&self, has_properties: bool, qos: u8, options: u8) -> Result<(), Error> {
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
    pub(crate) fn check_unsubscribe(&self, has_properties: bool) -> Result<(), Error> {
        if !self.opts.protocol.is_v5() && has_properties {
            return Err(Error::NotSupported);
        }
        if !self.has_socket {
            return Err(Error::NoConn);
        }
        Ok(())
    }

    /// Subscribe to `filters`, each with the same QoS and options byte.
    pub(crate) fn subscribe(
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
        let mid = self.next_mid();
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
    pub(crate) fn unsubscribe(&mut self, filters: &[&[u8]], props: Vec<Property>) -> Result<u16, Error> {
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
        let mid = self.next_mid();
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

    pub(super) fn check_size(&self, packet: &Packet) -> Result<(), Error> {
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
    pub(crate) fn disconnect(&mut self, reason_code: u8, props: Vec<Property>) -> Result<(), Error> {
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

    /// Continue MQTT v5 enhanced authentication: queue AUTH with reason code 0x18 (continue
    /// authentication) carrying `props` followed by the authentication method and, when
    /// given, data. Needs MQTT v5 ([`Error::Protocol`] otherwise) and a connection.
    pub(crate) fn auth_continue(
        &mut self,
        method: &str,
        data: &[u8],
        mut props: Vec<Property>,
    ) -> Result<(), Error> {
        if !self.opts.protocol.is_v5() {
            return Err(Error::Protocol);
        }
        props.push(Property {
            id: MQTT_PROP_AUTHENTICATION_METHOD,
            value: PropValue::String(method.to_owned()),
        });
        if !data.is_empty() {
            props.push(Property {
                id: MQTT_PROP_AUTHENTICATION_DATA,
                value: PropValue::Binary(data.to_vec()),
            });
        }
        let packet = Packet::Auth(Auth {
            reason_code: MQTT_RC_CONTINUE_AUTHENTICATION,
            properties: props,
        });
        self.check_size(&packet)?;
        if !self.has_socket {
            return Err(Error::NoConn);
        }
        self.log(LogLevel::Debug, |s| {
            format!("Client {} sending AUTH", s.id_for_log())
        });
        packet.encode(self.opts.protocol, self.out.writer());
        Ok(())
    }

    /// Validate will properties for `will_set_v5`.
    pub(crate) fn check_will_properties(props: &[Property]) -> Result<(), Error> {
        properties::check_all(CMD_WILL, props).map_err(property_error)
    }
}
