//! PUBACK, PUBREC, PUBREL and PUBCOMP (MQTT 5.0 sections 3.4 to 3.7).

use super::packet::Ack;
use super::properties::{decode_properties_for, encode_properties, properties_len};
use super::reader::Reader;
use super::writer::put_u16;
use super::{DecodeError, ProtocolVersion};

impl Ack {
    /// Decode the body of an ack of type `packet_type` (see [`kind`](super::kind)).
    ///
    /// 3.x: exactly the packet identifier. v5 (section 3.4.2.1): remaining length 2 means
    /// reason code 0 and no properties, 3 a reason code without properties, more a reason code
    /// and a property block. A packet identifier of 0 is [`DecodeError::Protocol`].
    pub(crate) fn decode(
        packet_type: u8,
        body: &[u8],
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let mid = r.u16()?;
        if mid == 0 {
            return Err(DecodeError::Protocol);
        }
        let mut ack = Self {
            mid,
            reason_code: 0,
            properties: Vec::new(),
        };
        if version.is_v5() && !r.is_empty() {
            ack.reason_code = r.u8()?;
            if !r.is_empty() {
                ack.properties = decode_properties_for(u32::from(packet_type) << 4, &mut r)?;
            }
        }
        r.expect_end()?;
        Ok(ack)
    }

    /// v5 writes the reason code only when it is not 0 or there are properties, and the
    /// property block only when there are properties.
    fn v5_parts(&self, version: ProtocolVersion) -> (bool, bool) {
        let props = version.is_v5() && !self.properties.is_empty();
        let reason = props || (version.is_v5() && self.reason_code != 0);
        (reason, props)
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        let (reason, props) = self.v5_parts(version);
        2 + usize::from(reason)
            + if props {
                properties_len(&self.properties)
            } else {
                0
            }
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        let (reason, props) = self.v5_parts(version);
        put_u16(out, self.mid);
        if reason {
            out.push(self.reason_code);
        }
        if props {
            encode_properties(&self.properties, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::consts::*;
    use super::super::testutil::{assert_all_truncations_fail, check_round_trip, wire};
    use super::super::{DecodeError, Packet, PropValue, Property, ProtocolVersion::*, decode};
    use super::*;

    fn packets(ack: &Ack) -> [(Packet, u8); 4] {
        [
            (Packet::Puback(ack.clone()), 0x40),
            (Packet::Pubrec(ack.clone()), 0x50),
            (Packet::Pubrel(ack.clone()), 0x62),
            (Packet::Pubcomp(ack.clone()), 0x70),
        ]
    }

    fn reason_string() -> Property {
        Property {
            id: MQTT_PROP_REASON_STRING,
            value: PropValue::String("no".into()),
        }
    }

    #[test]
    fn v3_acks() {
        let ack = Ack {
            mid: 0x1234,
            reason_code: 0,
            properties: vec![],
        };
        for (packet, fb) in packets(&ack) {
            for version in [V31, V311] {
                let b = [fb, 0x02, 0x12, 0x34];
                check_round_trip(&packet, version, &b);
                assert_all_truncations_fail(&b, version);
            }
        }
        // Reason codes and properties do not exist in 3.x.
        let rich = Ack {
            mid: 1,
            reason_code: 0x80,
            properties: vec![reason_string()],
        };
        let mut out = Vec::new();
        Packet::Puback(rich).encode(V311, &mut out);
        assert_eq!(out, [0x40, 0x02, 0x00, 0x01]);
    }

    #[test]
    fn v5_short_and_long_forms() {
        let short = Ack {
            mid: 7,
            reason_code: 0,
            properties: vec![],
        };
        let reason_only = Ack {
            mid: 7,
            reason_code: 0x10,
            properties: vec![],
        };
        let with_props = Ack {
            mid: 7,
            reason_code: 0x80,
            properties: vec![reason_string()],
        };
        let zero_with_props = Ack {
            mid: 7,
            reason_code: 0,
            properties: vec![reason_string()],
        };
        for (i, ack) in [short, reason_only, with_props, zero_with_props]
            .iter()
            .enumerate()
        {
            for (packet, fb) in packets(ack) {
                let b = match i {
                    0 => vec![fb, 0x02, 0x00, 0x07],
                    1 => vec![fb, 0x03, 0x00, 0x07, 0x10],
                    2 => {
                        let mut b = vec![fb, 0x09, 0x00, 0x07, 0x80];
                        b.extend(wire("05 1f 00 02 'no'"));
                        b
                    }
                    _ => {
                        let mut b = vec![fb, 0x09, 0x00, 0x07, 0x00];
                        b.extend(wire("05 1f 00 02 'no'"));
                        b
                    }
                };
                check_round_trip(&packet, V5, &b);
            }
        }
    }

    #[test]
    fn v5_reason_zero_with_empty_property_block() {
        // Long form with nothing in it: decodes, and re-encodes in the short form.
        let r = decode(0x40, &[0x00, 0x05, 0x00, 0x00], V5);
        assert_eq!(
            r,
            Ok(Packet::Puback(Ack {
                mid: 5,
                reason_code: 0,
                properties: vec![]
            }))
        );
    }

    #[test]
    fn errors() {
        for fb in [0x40, 0x50, 0x62, 0x70] {
            for version in [V31, V311, V5] {
                // mid 0.
                assert_eq!(decode(fb, &[0, 0], version), Err(DecodeError::Protocol));
                assert_eq!(decode(fb, &[0], version), Err(DecodeError::Truncated));
                assert_eq!(decode(fb, &[], version), Err(DecodeError::Truncated));
            }
            // 3.x: exactly two bytes.
            for version in [V31, V311] {
                assert_eq!(decode(fb, &[0, 1, 0], version), Err(DecodeError::TrailingBytes));
                assert_eq!(
                    decode(fb, &[0, 1, 0, 0], version),
                    Err(DecodeError::TrailingBytes)
                );
            }
            // v5: property block longer than the packet, trailing bytes after it, a property
            // not allowed in acks, a duplicate reason string.
            assert_eq!(decode(fb, &[0, 1, 0, 5, 0x1f], V5), Err(DecodeError::Truncated));
            assert_eq!(decode(fb, &[0, 1, 0, 0, 0], V5), Err(DecodeError::TrailingBytes));
            assert_eq!(
                decode(fb, &[0, 1, 0, 2, 0x01, 0x01], V5),
                Err(DecodeError::BadProperty)
            );
            assert_eq!(
                decode(fb, &wire("00 01 00 0a 1f 00 02 'no' 1f 00 02 'no'"), V5),
                Err(DecodeError::DuplicateProperty)
            );
        }
    }

    #[test]
    fn fixed_header_flags() {
        let body = [0x00, 0x01];
        for version in [V311, V5] {
            assert_eq!(decode(0x60, &body, version), Err(DecodeError::Protocol));
            assert_eq!(decode(0x6A, &body, version), Err(DecodeError::Protocol));
            for fb in [0x42, 0x41, 0x52, 0x72, 0x78] {
                assert_eq!(decode(fb, &body, version), Err(DecodeError::Protocol), "{fb:#x}");
            }
        }
        // MQTT 3.1 had DUP and QoS bits on every packet; they are not checked.
        for fb in [0x60, 0x6A, 0x42, 0x78] {
            assert!(decode(fb, &body, V31).is_ok(), "{fb:#x}");
        }
    }
}
