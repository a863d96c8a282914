//! PUBLISH (MQTT 5.0 section 3.3, MQTT 3.1.1 section 3.3).

use super::consts::CMD_PUBLISH;
use super::packet::{Publish, PublishRef};
use bytes::BytesMut;

use super::properties::{decode_properties_from, encode_properties, properties_len};
use super::reader::Reader;
use super::writer::{binary_len, put_str, put_u16};
use super::{DecodeError, ProtocolVersion, Sender};

const FLAG_RETAIN: u8 = 0x01;
const FLAG_DUP: u8 = 0x08;

impl Publish {
    /// Decode a PUBLISH whose fixed header had `flags` in its low nibble.
    ///
    /// QoS 3 and a packet identifier of 0 with QoS 1 or 2 are [`DecodeError::Protocol`]. An empty
    /// topic is accepted here (v5 topic aliases); the receiver decides whether it is allowed.
    /// From a client, a subscription identifier or a Response Topic with wildcards is a
    /// [`DecodeError::BadProperty`]. The payload is everything after the variable header,
    /// copied once into a buffer with one byte of spare capacity (see [`Publish::payload`]).
    pub(crate) fn decode(
        flags: u8,
        body: &[u8],
        version: ProtocolVersion,
        sender: Sender,
    ) -> Result<Self, DecodeError> {
        let qos = (flags >> 1) & 0x03;
        if qos == 3 {
            return Err(DecodeError::Protocol);
        }
        let mut r = Reader::new(body);
        let topic = r.utf8_string()?.to_owned();
        let mid = if qos > 0 {
            match r.u16()? {
                0 => return Err(DecodeError::Protocol),
                mid => mid,
            }
        } else {
            0
        };
        let properties = if version.is_v5() {
            decode_properties_from(sender, CMD_PUBLISH, &mut r)?
        } else {
            Vec::new()
        };
        let rest = r.rest();
        let mut payload = BytesMut::with_capacity(rest.len() + 1);
        payload.extend_from_slice(rest);
        let payload = payload.freeze();
        Ok(Self {
            dup: flags & FLAG_DUP != 0,
            qos,
            retain: flags & FLAG_RETAIN != 0,
            topic,
            mid,
            payload,
            properties,
        })
    }
}

impl PublishRef<'_> {
    /// The first byte: type 3, DUP, QoS and RETAIN.
    pub fn first_byte(&self) -> u8 {
        let mut b = 0x30 | ((self.qos & 0x03) << 1);
        if self.dup {
            b |= FLAG_DUP;
        }
        if self.retain {
            b |= FLAG_RETAIN;
        }
        b
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        let mut len = binary_len(self.topic.as_bytes()) + self.payload.len();
        if self.qos > 0 {
            len += 2;
        }
        if version.is_v5() {
            len += properties_len(self.properties);
        }
        len
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_str(out, self.topic);
        if self.qos > 0 {
            put_u16(out, self.mid);
        }
        if version.is_v5() {
            encode_properties(self.properties, out);
        }
        out.extend_from_slice(self.payload);
    }
}

#[cfg(test)]
mod tests {
    use super::super::consts::*;
    use super::super::testutil::{assert_all_truncations_fail, check_round_trip, wire};
    use super::super::{DecodeError, Packet, PropValue, Property, ProtocolVersion::*, decode};
    use super::*;

    fn publish(qos: u8, mid: u16, payload: &[u8]) -> Publish {
        Publish {
            dup: false,
            qos,
            retain: false,
            topic: "a/b".into(),
            mid,
            payload: bytes::Bytes::copy_from_slice(payload),
            properties: Vec::new(),
        }
    }

    #[test]
    fn qos0_every_version() {
        for version in [V31, V311] {
            check_round_trip(
                &Packet::Publish(publish(0, 0, b"hi")),
                version,
                &wire("30 07 00 03 'a/b' 'hi'"),
            );
            check_round_trip(
                &Packet::Publish(publish(0, 0, b"")),
                version,
                &wire("30 05 00 03 'a/b'"),
            );
        }
        check_round_trip(
            &Packet::Publish(publish(0, 0, b"hi")),
            V5,
            &wire("30 08 00 03 'a/b' 00 'hi'"),
        );
    }

    #[test]
    fn qos1_and_2_with_flags() {
        let mut p = publish(1, 0x0102, b"x");
        p.retain = true;
        for version in [V31, V311] {
            check_round_trip(
                &Packet::Publish(p.clone()),
                version,
                &wire("33 08 00 03 'a/b' 01 02 'x'"),
            );
        }
        check_round_trip(
            &Packet::Publish(p.clone()),
            V5,
            &wire("33 09 00 03 'a/b' 01 02 00 'x'"),
        );
        // The QoS 1 message resent with DUP after a reconnect.
        p.dup = true;
        p.retain = false;
        check_round_trip(
            &Packet::Publish(p.clone()),
            V311,
            &wire("3a 08 00 03 'a/b' 01 02 'x'"),
        );
        p.qos = 2;
        check_round_trip(&Packet::Publish(p), V311, &wire("3c 08 00 03 'a/b' 01 02 'x'"));
    }

    #[test]
    fn v5_properties() {
        let mut p = publish(2, 7, b"{}");
        p.properties = vec![
            Property {
                id: MQTT_PROP_PAYLOAD_FORMAT_INDICATOR,
                value: PropValue::Byte(1),
            },
            Property {
                id: MQTT_PROP_TOPIC_ALIAS,
                value: PropValue::Int16(3),
            },
            Property {
                id: MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
                value: PropValue::VarInt(1),
            },
            Property {
                id: MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
                value: PropValue::VarInt(300),
            },
            Property {
                id: MQTT_PROP_USER_PROPERTY,
                value: PropValue::StringPair("k".into(), "v".into()),
            },
        ];
        let b = wire("34 1b 00 03 'a/b' 00 07 11 01 01 23 00 03 0b 01 0b ac 02 26 00 01 'k' 00 01 'v' '{}'");
        check_round_trip(&Packet::Publish(p.clone()), V5, &b);
        // Properties are not written for 3.x.
        check_round_trip(
            &Packet::Publish(Publish {
                properties: vec![],
                ..p.clone()
            }),
            V311,
            &wire("34 09 00 03 'a/b' 00 07 '{}'"),
        );
        let mut out = Vec::new();
        Packet::Publish(p).encode(V311, &mut out);
        assert_eq!(out, wire("34 09 00 03 'a/b' 00 07 '{}'"));
    }

    #[test]
    fn publish_ref_matches_publish() {
        let mut p = publish(1, 9, &[0u8; 300]);
        p.properties = vec![Property {
            id: MQTT_PROP_CONTENT_TYPE,
            value: PropValue::String("t".into()),
        }];
        for version in [V31, V311, V5] {
            let r = p.as_publish_ref();
            let mut a = Vec::new();
            r.encode(version, &mut a);
            assert_eq!(a.len(), r.encoded_len(version));
            let mut b = Vec::new();
            Packet::Publish(p.clone()).encode(version, &mut b);
            assert_eq!(a, b);
            // 300-byte payload: two-byte remaining length.
            assert_eq!(a[0], 0x32);
            assert!(a[1] & 0x80 != 0);
        }
    }

    #[test]
    fn payload_has_room_for_a_nul() {
        for payload in [&b""[..], b"x", &[7u8; 1000]] {
            let mut out = Vec::new();
            Packet::Publish(publish(0, 0, payload)).encode(V311, &mut out);
            let (fb, body) = super::super::testutil::split(&out);
            let Ok(Packet::Publish(p)) = decode(fb, body, V311) else {
                panic!()
            };
            assert_eq!(p.payload, payload);
            if !payload.is_empty() {
                // Not shared yet: the buffer is ours, with room for one more byte.
                let len = p.payload.len();
                assert!(p.payload.try_into_mut().unwrap().capacity() > len);
            }
        }
    }

    #[test]
    fn empty_topic_is_left_to_the_session() {
        let r = decode(0x30, &wire("00 00 00 'x'"), V5);
        let Ok(Packet::Publish(p)) = r else {
            panic!("{r:?}")
        };
        assert_eq!((p.topic.as_str(), &p.payload[..]), ("", &b"x"[..]));
    }

    #[test]
    fn errors() {
        // QoS 3.
        for version in [V31, V311, V5] {
            assert_eq!(
                decode(0x36, &wire("00 01 't' 00 01 00"), version),
                Err(DecodeError::Protocol)
            );
            assert_eq!(
                decode(0x37, &wire("00 01 't' 00 01 00"), version),
                Err(DecodeError::Protocol)
            );
        }
        // mid 0 with QoS 1 and 2; fine with QoS 0 (it is payload then).
        for fb in [0x32, 0x34] {
            assert_eq!(
                decode(fb, &wire("00 01 't' 00 00 00"), V5),
                Err(DecodeError::Protocol)
            );
            assert_eq!(
                decode(fb, &wire("00 01 't' 00 00"), V311),
                Err(DecodeError::Protocol)
            );
        }
        assert!(decode(0x30, &wire("00 01 't' 00 00"), V311).is_ok());
        // Topic: bad UTF-8, NUL, longer than the packet.
        assert_eq!(decode(0x30, &wire("00 01 ff"), V311), Err(DecodeError::Utf8));
        assert_eq!(decode(0x30, &wire("00 01 00"), V311), Err(DecodeError::Utf8));
        assert_eq!(
            decode(0x30, &wire("00 05 'ab'"), V311),
            Err(DecodeError::Truncated)
        );
        // v5: missing property length, a CONNACK property, a duplicate, topic alias 0.
        assert_eq!(decode(0x30, &wire("00 01 't'"), V5), Err(DecodeError::Truncated));
        assert_eq!(
            decode(0x30, &wire("00 01 't' 02 24 01"), V5),
            Err(DecodeError::BadProperty)
        );
        assert_eq!(
            decode(0x30, &wire("00 01 't' 04 01 00 01 01"), V5),
            Err(DecodeError::DuplicateProperty)
        );
        assert_eq!(
            decode(0x30, &wire("00 01 't' 03 23 00 00"), V5),
            Err(DecodeError::BadProperty)
        );
        assert_eq!(
            decode(0x30, &wire("00 01 't' 02 01 02"), V5),
            Err(DecodeError::BadProperty)
        );
        // A property block running into the payload is fine as long as it parses: the block
        // length decides where the payload starts.
        let r = decode(0x30, &wire("00 01 't' 02 01 01 01 01"), V5);
        let Ok(Packet::Publish(p)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(p.payload[..], [1, 1]);
    }

    #[test]
    fn truncations() {
        // With QoS > 0 every prefix up to the end of the properties fails; the payload may be
        // any length, so only prefixes that cut the header are checked.
        let b = wire("32 09 00 03 'a/b' 01 02 00 'x'");
        let (fb, body) = super::super::testutil::split(&b);
        for n in 0..body.len() - 1 {
            assert!(decode(fb, &body[..n], V5).is_err(), "{n}");
        }
        assert_all_truncations_fail(&wire("32 07 00 03 'a/b' 01 02"), V311);
    }
}
