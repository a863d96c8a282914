//! MQTT packets built byte by byte, as a client sends them, including the broken ones.

/// Property identifiers used by the scripts.
pub mod prop {
    pub const PAYLOAD_FORMAT: u8 = 0x01;
    pub const MESSAGE_EXPIRY: u8 = 0x02;
    pub const CONTENT_TYPE: u8 = 0x03;
    pub const RESPONSE_TOPIC: u8 = 0x08;
    pub const CORRELATION_DATA: u8 = 0x09;
    pub const SUBSCRIPTION_ID: u8 = 0x0B;
    pub const SESSION_EXPIRY: u8 = 0x11;
    pub const AUTH_METHOD: u8 = 0x15;
    pub const WILL_DELAY: u8 = 0x18;
    pub const RECEIVE_MAXIMUM: u8 = 0x21;
    pub const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
    pub const TOPIC_ALIAS: u8 = 0x23;
    pub const USER_PROPERTY: u8 = 0x26;
    pub const MAXIMUM_PACKET_SIZE: u8 = 0x27;
}

/// The protocol a client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V {
    V31,
    V311,
    V5,
}

impl V {
    pub fn is5(self) -> bool {
        self == V::V5
    }
}

/// The remaining-length varint.
pub fn varint(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let mut b = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            b |= 0x80;
        }
        out.push(b);
        if n == 0 {
            break;
        }
    }
}

/// A packet: first byte, remaining length, body.
pub fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    varint(body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

/// A two-byte length and the bytes.
pub fn string(s: impl AsRef<[u8]>, out: &mut Vec<u8>) {
    let s = s.as_ref();
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s);
}

/// A v5 property list (without its length until [`Props::encoded`]).
#[derive(Debug, Clone, Default)]
pub struct Props(Vec<u8>);

impl Props {
    pub fn new() -> Props {
        Props(Vec::new())
    }

    pub fn byte(mut self, id: u8, v: u8) -> Props {
        self.0.extend_from_slice(&[id, v]);
        self
    }

    pub fn u16(mut self, id: u8, v: u16) -> Props {
        self.0.push(id);
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub fn u32(mut self, id: u8, v: u32) -> Props {
        self.0.push(id);
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub fn var(mut self, id: u8, v: usize) -> Props {
        self.0.push(id);
        varint(v, &mut self.0);
        self
    }

    pub fn str(mut self, id: u8, v: impl AsRef<[u8]>) -> Props {
        self.0.push(id);
        string(v, &mut self.0);
        self
    }

    pub fn pair(mut self, id: u8, k: &str, v: &str) -> Props {
        self.0.push(id);
        string(k, &mut self.0);
        string(v, &mut self.0);
        self
    }

    /// Raw bytes, for broken lists.
    pub fn raw(mut self, bytes: &[u8]) -> Props {
        self.0.extend_from_slice(bytes);
        self
    }

    /// The list with its length in front.
    pub fn encoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        varint(self.0.len(), &mut out);
        out.extend_from_slice(&self.0);
        out
    }
}

/// A will in CONNECT.
#[derive(Debug, Clone)]
pub struct Will {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: u8,
    pub retain: bool,
    pub props: Props,
}

/// A CONNECT; fields may be set to values the protocol forbids.
#[derive(Debug, Clone)]
pub struct Connect {
    pub v: V,
    pub name: Vec<u8>,
    pub level: u8,
    pub id: Vec<u8>,
    pub clean: bool,
    pub keepalive: u16,
    pub will: Option<Will>,
    pub username: Option<String>,
    pub password: Option<Vec<u8>>,
    pub props: Props,
    /// Bits or-ed into the flags byte (reserved bit, will QoS 3...).
    pub extra_flags: u8,
    /// The first byte (0x10 unless a test breaks it).
    pub first: u8,
    /// Bytes appended to the body.
    pub surplus: Vec<u8>,
}

impl Connect {
    pub fn new(v: V, id: &str) -> Connect {
        let (name, level): (&[u8], u8) = match v {
            V::V31 => (b"MQIsdp", 3),
            V::V311 => (b"MQTT", 4),
            V::V5 => (b"MQTT", 5),
        };
        Connect {
            v,
            name: name.to_vec(),
            level,
            id: id.as_bytes().to_vec(),
            clean: true,
            keepalive: 60,
            will: None,
            username: None,
            password: None,
            props: Props::new(),
            extra_flags: 0,
            first: 0x10,
            surplus: Vec::new(),
        }
    }

    pub fn clean(mut self, clean: bool) -> Connect {
        self.clean = clean;
        self
    }

    pub fn keepalive(mut self, k: u16) -> Connect {
        self.keepalive = k;
        self
    }

    pub fn props(mut self, p: Props) -> Connect {
        self.props = p;
        self
    }

    /// Session Expiry Interval (v5).
    pub fn expiry(self, secs: u32) -> Connect {
        let p = self.props.clone().u32(prop::SESSION_EXPIRY, secs);
        self.props(p)
    }

    pub fn will(mut self, topic: &str, payload: &[u8], qos: u8, retain: bool) -> Connect {
        self.will = Some(Will {
            topic: topic.to_owned(),
            payload: payload.to_vec(),
            qos,
            retain,
            props: Props::new(),
        });
        self
    }

    pub fn will_props(mut self, p: Props) -> Connect {
        if let Some(w) = self.will.as_mut() {
            w.props = p;
        }
        self
    }

    pub fn user(mut self, u: &str) -> Connect {
        self.username = Some(u.to_owned());
        self
    }

    pub fn password(mut self, p: &[u8]) -> Connect {
        self.password = Some(p.to_vec());
        self
    }

    pub fn protocol(mut self, name: &[u8], level: u8) -> Connect {
        self.name = name.to_vec();
        self.level = level;
        self
    }

    pub fn raw_id(mut self, id: &[u8]) -> Connect {
        self.id = id.to_vec();
        self
    }

    pub fn flags(mut self, bits: u8) -> Connect {
        self.extra_flags |= bits;
        self
    }

    pub fn first(mut self, b: u8) -> Connect {
        self.first = b;
        self
    }

    pub fn surplus(mut self, b: &[u8]) -> Connect {
        self.surplus = b.to_vec();
        self
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut body = Vec::new();
        string(&self.name, &mut body);
        body.push(self.level);
        let mut flags = self.extra_flags;
        if self.clean {
            flags |= 0x02;
        }
        if let Some(w) = &self.will {
            flags |= 0x04 | (w.qos << 3);
            if w.retain {
                flags |= 0x20;
            }
        }
        if self.username.is_some() {
            flags |= 0x80;
        }
        if self.password.is_some() {
            flags |= 0x40;
        }
        body.push(flags);
        body.extend_from_slice(&self.keepalive.to_be_bytes());
        if self.v.is5() {
            body.extend_from_slice(&self.props.encoded());
        }
        string(&self.id, &mut body);
        if let Some(w) = &self.will {
            if self.v.is5() {
                body.extend_from_slice(&w.props.encoded());
            }
            string(&w.topic, &mut body);
            string(&w.payload, &mut body);
        }
        if let Some(u) = &self.username {
            string(u, &mut body);
        }
        if let Some(p) = &self.password {
            string(p, &mut body);
        }
        body.extend_from_slice(&self.surplus);
        packet(self.first, &body)
    }
}

/// A PUBLISH.
#[derive(Debug, Clone)]
pub struct Publish {
    pub v: V,
    pub topic: Vec<u8>,
    pub payload: Vec<u8>,
    pub qos: u8,
    pub mid: u16,
    pub retain: bool,
    pub dup: bool,
    pub props: Props,
}

impl Publish {
    pub fn new(v: V, topic: &str, payload: &[u8]) -> Publish {
        Publish {
            v,
            topic: topic.as_bytes().to_vec(),
            payload: payload.to_vec(),
            qos: 0,
            mid: 0,
            retain: false,
            dup: false,
            props: Props::new(),
        }
    }

    pub fn qos(mut self, qos: u8, mid: u16) -> Publish {
        self.qos = qos;
        self.mid = mid;
        self
    }

    pub fn retain(mut self) -> Publish {
        self.retain = true;
        self
    }

    pub fn dup(mut self) -> Publish {
        self.dup = true;
        self
    }

    pub fn props(mut self, p: Props) -> Publish {
        self.props = p;
        self
    }

    pub fn raw_topic(mut self, t: &[u8]) -> Publish {
        self.topic = t.to_vec();
        self
    }

    pub fn bytes(&self) -> Vec<u8> {
        let first = 0x30 | (u8::from(self.dup) << 3) | (self.qos << 1) | u8::from(self.retain);
        let mut body = Vec::new();
        string(&self.topic, &mut body);
        if self.qos > 0 {
            body.extend_from_slice(&self.mid.to_be_bytes());
        }
        if self.v.is5() {
            body.extend_from_slice(&self.props.encoded());
        }
        body.extend_from_slice(&self.payload);
        packet(first, &body)
    }
}

/// SUBSCRIBE with (filter, options byte) pairs.
pub fn subscribe(v: V, mid: u16, filters: &[(&str, u8)], props: Props) -> Vec<u8> {
    let mut body = mid.to_be_bytes().to_vec();
    if v.is5() {
        body.extend_from_slice(&props.encoded());
    }
    for (f, o) in filters {
        string(f, &mut body);
        body.push(*o);
    }
    packet(0x82, &body)
}

/// UNSUBSCRIBE.
pub fn unsubscribe(v: V, mid: u16, filters: &[&str]) -> Vec<u8> {
    let mut body = mid.to_be_bytes().to_vec();
    if v.is5() {
        body.push(0);
    }
    for f in filters {
        string(f, &mut body);
    }
    packet(0xA2, &body)
}

/// PUBACK, PUBREC, PUBREL or PUBCOMP (first byte given) with a mid and no reason code.
pub fn ack(first: u8, mid: u16) -> Vec<u8> {
    packet(first, &mid.to_be_bytes())
}

pub fn puback(mid: u16) -> Vec<u8> {
    ack(0x40, mid)
}

pub fn pubrec(mid: u16) -> Vec<u8> {
    ack(0x50, mid)
}

pub fn pubrel(mid: u16) -> Vec<u8> {
    ack(0x62, mid)
}

pub fn pubcomp(mid: u16) -> Vec<u8> {
    ack(0x70, mid)
}

pub fn pingreq() -> Vec<u8> {
    vec![0xC0, 0x00]
}

/// DISCONNECT: v3 has no body; v5 a reason code and properties.
pub fn disconnect(v: V, reason: u8, props: Props) -> Vec<u8> {
    if !v.is5() {
        return vec![0xE0, 0x00];
    }
    let mut body = vec![reason];
    body.extend_from_slice(&props.encoded());
    packet(0xE0, &body)
}
