//! A blocking MQTT client on the project's codec, packet by packet, for tests that must control
//! every acknowledgement (when a PUBREC or PUBCOMP is sent, or not).

#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use mosquitto::protocol::consts::{MQTT_PROP_SESSION_EXPIRY_INTERVAL, MQTT_PROP_WILL_DELAY_INTERVAL};
use mosquitto::protocol::{
    Ack, Connack, Connect, Disconnect, Packet, PropValue, Property, ProtocolVersion, Publish, Sender,
    Subscribe, Will, decode_from, frame,
};

/// How a client connects.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) id: String,
    pub(crate) version: ProtocolVersion,
    pub(crate) clean: bool,
    /// v5 Session Expiry Interval.
    pub(crate) expiry: Option<u32>,
    /// Will topic, payload, and v5 Will Delay Interval.
    pub(crate) will: Option<(String, Vec<u8>, Option<u32>)>,
}

impl Options {
    /// MQTT 3.1.1 with a persistent session.
    pub(crate) fn persistent(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            version: ProtocolVersion::V311,
            clean: false,
            expiry: None,
            will: None,
        }
    }

    /// MQTT 3.1.1 with a clean session.
    pub(crate) fn clean(id: &str) -> Self {
        Self {
            clean: true,
            ..Self::persistent(id)
        }
    }

    /// MQTT 5 with a session expiry interval (clean start false).
    pub(crate) fn v5(id: &str, expiry: u32) -> Self {
        Self {
            version: ProtocolVersion::V5,
            expiry: Some(expiry),
            ..Self::persistent(id)
        }
    }
}

/// A connection.
pub(crate) struct Raw {
    stream: TcpStream,
    buf: Vec<u8>,
    version: ProtocolVersion,
}

impl Raw {
    /// Connect and wait for CONNACK.
    pub(crate) fn connect(port: u16, o: &Options, limit: Duration) -> io::Result<(Raw, Connack)> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        let mut raw = Raw {
            stream,
            buf: Vec::new(),
            version: o.version,
        };
        let mut properties = Vec::new();
        if let Some(e) = o.expiry {
            properties.push(Property {
                id: MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                value: PropValue::Int32(e),
            });
        }
        let will = o.will.as_ref().map(|(topic, payload, delay)| Will {
            topic: topic.clone(),
            payload: payload.clone(),
            qos: 1,
            retain: false,
            properties: delay
                .iter()
                .map(|d| Property {
                    id: MQTT_PROP_WILL_DELAY_INTERVAL,
                    value: PropValue::Int32(*d),
                })
                .collect(),
        });
        raw.send(&Packet::Connect(Connect {
            version: o.version,
            clean_start: o.clean,
            keepalive: 60,
            client_id: o.id.clone(),
            will,
            username: None,
            password: None,
            properties,
        }))?;
        match raw.recv(limit)? {
            Some(Packet::Connack(c)) => Ok((raw, c)),
            other => Err(io::Error::other(format!("expected CONNACK, got {other:?}"))),
        }
    }

    pub(crate) fn send(&mut self, p: &Packet) -> io::Result<()> {
        let mut out = Vec::new();
        p.encode(self.version, &mut out);
        self.stream.write_all(&out)
    }

    /// The next packet, `None` if none came within `limit`; an error when the connection ends.
    pub(crate) fn recv(&mut self, limit: Duration) -> io::Result<Option<Packet>> {
        let deadline = crate::common::now() + limit;
        loop {
            if let Some(h) = frame(&self.buf, usize::MAX).map_err(|e| io::Error::other(format!("{e:?}")))? {
                let end = h.packet_len();
                let body = self.buf[h.header_len..end].to_vec();
                self.buf.drain(..end);
                let p = decode_from(Sender::Server, h.first_byte, &body, self.version)
                    .map_err(|e| io::Error::other(format!("{e:?}")))?;
                return Ok(Some(p));
            }
            let left = deadline.saturating_duration_since(crate::common::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.stream
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))?;
            let mut chunk = [0u8; 16 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Subscribe and wait for SUBACK; returns its codes.
    pub(crate) fn subscribe(&mut self, filter: &str, qos: u8, limit: Duration) -> io::Result<Vec<u8>> {
        self.send(&Packet::Subscribe(Subscribe {
            mid: 1,
            filters: vec![(filter.to_owned(), qos)],
            properties: Vec::new(),
        }))?;
        match self.recv(limit)? {
            Some(Packet::Suback(s)) => Ok(s.reason_codes),
            other => Err(io::Error::other(format!("expected SUBACK, got {other:?}"))),
        }
    }

    pub(crate) fn publish(
        &mut self,
        topic: &str,
        payload: &[u8],
        qos: u8,
        mid: u16,
        retain: bool,
        dup: bool,
    ) -> io::Result<()> {
        self.send(&Packet::Publish(Publish {
            dup,
            qos,
            retain,
            topic: topic.to_owned(),
            mid,
            payload: payload.to_vec().into(),
            properties: Vec::new(),
        }))
    }

    /// Publish at QoS 1 or 2 and complete the flow.
    pub(crate) fn publish_acked(
        &mut self,
        topic: &str,
        payload: &[u8],
        qos: u8,
        mid: u16,
        retain: bool,
    ) -> io::Result<()> {
        let limit = Duration::from_secs(10);
        self.publish(topic, payload, qos, mid, retain, false)?;
        match (qos, self.recv(limit)?) {
            (1, Some(Packet::Puback(a))) if a.mid == mid => Ok(()),
            (2, Some(Packet::Pubrec(a))) if a.mid == mid => {
                self.ack(Packet::Pubrel, mid)?;
                match self.recv(limit)? {
                    Some(Packet::Pubcomp(a)) if a.mid == mid => Ok(()),
                    other => Err(io::Error::other(format!("expected PUBCOMP, got {other:?}"))),
                }
            }
            (_, other) => Err(io::Error::other(format!("unexpected {other:?}"))),
        }
    }

    /// Send an acknowledgement (`Packet::Puback`, `Packet::Pubrec`, ...).
    pub(crate) fn ack(&mut self, kind: fn(Ack) -> Packet, mid: u16) -> io::Result<()> {
        self.send(&kind(Ack {
            mid,
            reason_code: 0,
            properties: Vec::new(),
        }))
    }

    /// Receive messages, acknowledging each completely (PUBACK; PUBREC, then PUBCOMP at
    /// PUBREL), until `n` arrived or nothing came for `quiet`. Returns (topic, payload, qos).
    pub(crate) fn receive(&mut self, n: usize, quiet: Duration) -> io::Result<Vec<(String, Vec<u8>, u8)>> {
        let mut got = Vec::new();
        let mut pending = std::collections::HashSet::new();
        while got.len() < n || !pending.is_empty() {
            match self.recv(quiet)? {
                None => break,
                Some(Packet::Publish(p)) => {
                    match p.qos {
                        1 => self.ack(Packet::Puback, p.mid)?,
                        2 => {
                            self.ack(Packet::Pubrec, p.mid)?;
                            if !pending.insert(p.mid) {
                                // A copy sent again before its PUBREL: the same message.
                                continue;
                            }
                        }
                        _ => {}
                    }
                    got.push((p.topic.clone(), p.payload.to_vec(), p.qos));
                }
                Some(Packet::Pubrel(a)) => {
                    pending.remove(&a.mid);
                    self.ack(Packet::Pubcomp, a.mid)?;
                }
                Some(_) => {}
            }
        }
        Ok(got)
    }

    /// DISCONNECT (normal: no will) and close.
    pub(crate) fn disconnect(mut self) {
        let _ = self.send(&Packet::Disconnect(Disconnect::default()));
    }
}
