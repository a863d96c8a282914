//! SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK (MQTT 5.0 sections 3.8 to 3.11).

use super::consts::{CMD_SUBACK, CMD_SUBSCRIBE, CMD_UNSUBACK, CMD_UNSUBSCRIBE};
use super::packet::{Suback, Subscribe, Unsuback, Unsubscribe};
use super::properties::{Property, decode_properties_for, encode_properties, properties_len};
use super::reader::Reader;
use super::writer::{binary_len, put_str, put_u16};
use super::{DecodeError, ProtocolVersion};

/// Read a non-zero packet identifier.
fn read_mid(r: &mut Reader<'_>) -> Result<u16, DecodeError> {
    match r.u16()? {
        0 => Err(DecodeError::Protocol),
        mid => Ok(mid),
    }
}

fn read_props(
    command: u32,
    r: &mut Reader<'_>,
    version: ProtocolVersion,
) -> Result<Vec<Property>, DecodeError> {
    if version.is_v5() {
        decode_properties_for(command, r)
    } else {
        Ok(Vec::new())
    }
}

fn props_len(props: &[Property], version: ProtocolVersion) -> usize {
    if version.is_v5() { properties_len(props) } else { 0 }
}

fn write_props(props: &[Property], version: ProtocolVersion, out: &mut Vec<u8>) {
    if version.is_v5() {
        encode_properties(props, out);
    }
}

/// Check a subscription options byte. 3.x (MQTT-3.8.3-4): QoS 0..2, other bits 0. v5 (section
/// 3.8.3.1): QoS 0..2, retain handling 0..2, bits 6 and 7 0.
fn check_options(options: u8, version: ProtocolVersion) -> Result<(), DecodeError> {
    let bad = if version.is_v5() {
        options & 0xC0 != 0 || (options >> 4) & 0x03 == 3
    } else {
        options & 0xFC != 0
    };
    if bad || options & 0x03 == 3 {
        Err(DecodeError::Protocol)
    } else {
        Ok(())
    }
}

impl Subscribe {
    /// Decode a SUBSCRIBE body: packet identifier, v5 properties, then one or more topic filters
    /// each with an options byte. No filter at all is [`DecodeError::Protocol`]; filter syntax is
    /// left to the caller.
    pub(crate) fn decode(body: &[u8], version: ProtocolVersion) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let mid = read_mid(&mut r)?;
        let properties = read_props(CMD_SUBSCRIBE, &mut r, version)?;
        let mut filters = Vec::new();
        while !r.is_empty() {
            let filter = r.utf8_string()?.to_owned();
            let options = r.u8()?;
            check_options(options, version)?;
            filters.push((filter, options));
        }
        if filters.is_empty() {
            return Err(DecodeError::Protocol);
        }
        Ok(Self {
            mid,
            filters,
            properties,
        })
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        2 + props_len(&self.properties, version)
            + self
                .filters
                .iter()
                .map(|(f, _)| binary_len(f.as_bytes()) + 1)
                .sum::<usize>()
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.mid);
        write_props(&self.properties, version, out);
        for (filter, options) in &self.filters {
            put_str(out, filter);
            out.push(*options);
        }
    }
}

impl Suback {
    /// Decode a SUBACK body: packet identifier, v5 properties, one or more return / reason
    /// codes (any values; an empty list is [`DecodeError::Protocol`]).
    pub(crate) fn decode(body: &[u8], version: ProtocolVersion) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let mid = read_mid(&mut r)?;
        let properties = read_props(CMD_SUBACK, &mut r, version)?;
        let reason_codes = r.rest().to_vec();
        if reason_codes.is_empty() {
            return Err(DecodeError::Protocol);
        }
        Ok(Self {
            mid,
            reason_codes,
            properties,
        })
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        2 + props_len(&self.properties, version) + self.reason_codes.len()
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.mid);
        write_props(&self.properties, version, out);
        out.extend_from_slice(&self.reason_codes);
    }
}

impl Unsubscribe {
    /// Decode an UNSUBSCRIBE body: packet identifier, v5 properties, one or more topic filters
    /// (none is [`DecodeError::Protocol`]).
    pub(crate) fn decode(body: &[u8], version: ProtocolVersion) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let mid = read_mid(&mut r)?;
        let properties = read_props(CMD_UNSUBSCRIBE, &mut r, version)?;
        let mut filters = Vec::new();
        while !r.is_empty() {
            filters.push(r.utf8_string()?.to_owned());
        }
        if filters.is_empty() {
            return Err(DecodeError::Protocol);
        }
        Ok(Self {
            mid,
            filters,
            properties,
        })
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        2 + props_len(&self.properties, version)
            + self
                .filters
                .iter()
                .map(|f| binary_len(f.as_bytes()))
                .sum::<usize>()
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.mid);
        write_props(&self.properties, version, out);
        for filter in &self.filters {
            put_str(out, filter);
        }
    }
}

impl Unsuback {
    /// Decode an UNSUBACK body. 3.x: exactly the packet identifier. v5: packet identifier,
    /// properties, then the reason codes (any values, possibly none: libmosquitto ignores them).
    pub(crate) fn decode(body: &[u8], version: ProtocolVersion) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let mid = read_mid(&mut r)?;
        let properties = read_props(CMD_UNSUBACK, &mut r, version)?;
        let reason_codes = if version.is_v5() {
            r.rest().to_vec()
        } else {
            Vec::new()
        };
        r.expect_end()?;
        Ok(Self {
            mid,
            reason_codes,
            properties,
        })
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        2 + if version.is_v5() {
            properties_len(&self.properties) + self.reason_codes.len()
        } else {
            0
        }
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        put_u16(out, self.mid);
        if version.is_v5() {
            encode_properties(&self.properties, out);
            out.extend_from_slice(&self.reason_codes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::consts::*;
    use super::super::testutil::{assert_all_truncations_fail, check_round_trip, wire};
    use super::super::{DecodeError, Packet, PropValue, Property, ProtocolVersion::*, decode};
    use super::*;

    fn sub_id(v: u32) -> Property {
        Property {
            id: MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
            value: PropValue::VarInt(v),
        }
    }

    #[test]
    fn subscribe_every_version() {
        let s = Subscribe {
            mid: 1,
            filters: vec![("a/#".into(), 1), ("+/b".into(), 2)],
            properties: vec![],
        };
        for version in [V31, V311] {
            let b = wire("82 0e 00 01 00 03 'a/#' 01 00 03 '+/b' 02");
            check_round_trip(&Packet::Subscribe(s.clone()), version, &b);
            assert_all_truncations_fail(&wire("82 08 00 01 00 03 'a/#' 01"), version);
        }
        let v5 = Subscribe {
            mid: 0xFFFF,
            filters: vec![("a".into(), 0x2E), ("b".into(), 0x14)],
            properties: vec![sub_id(5)],
        };
        let b = wire("82 0d ff ff 02 0b 05 00 01 'a' 2e 00 01 'b' 14");
        check_round_trip(&Packet::Subscribe(v5), V5, &b);
        assert_all_truncations_fail(&wire("82 09 ff ff 02 0b 05 00 01 'a' 2e"), V5);
    }

    #[test]
    fn subscribe_errors() {
        for version in [V311, V5] {
            let p = if version.is_v5() { "00" } else { "" };
            let d = |rest: &str| decode(0x82, &wire(&format!("00 01 {p} {rest}")), version);
            assert_eq!(d(""), Err(DecodeError::Protocol));
            assert_eq!(d("00 01 'a' 03"), Err(DecodeError::Protocol));
            assert_eq!(d("00 01 'a' c0"), Err(DecodeError::Protocol));
            assert_eq!(d("00 01 'a'"), Err(DecodeError::Truncated));
            assert_eq!(d("00 01 ff 00"), Err(DecodeError::Utf8));
            // Options bits 2-5 exist only in v5; retain handling 3 is invalid.
            assert_eq!(d("00 01 'a' 04").is_ok(), version.is_v5());
            assert_eq!(d("00 01 'a' 20").is_ok(), version.is_v5());
            assert_eq!(d("00 01 'a' 30"), Err(DecodeError::Protocol));
            assert_eq!(
                decode(0x82, &wire(&format!("00 00 {p} 00 01 'a' 00")), version),
                Err(DecodeError::Protocol)
            );
            // Fixed-header flags.
            assert_eq!(
                decode(0x80, &wire(&format!("00 01 {p} 00 01 'a' 00")), version),
                Err(DecodeError::Protocol)
            );
        }
        assert!(decode(0x80, &wire("00 01 00 01 'a' 00"), V31).is_ok());
        // Subscription identifier 0, and twice.
        assert_eq!(
            decode(0x82, &wire("00 01 02 0b 00 00 01 'a' 00"), V5),
            Err(DecodeError::BadProperty)
        );
        assert_eq!(
            decode(0x82, &wire("00 01 04 0b 01 0b 02 00 01 'a' 00"), V5),
            Err(DecodeError::DuplicateProperty)
        );
        // A reason string is not allowed in SUBSCRIBE.
        assert_eq!(
            decode(0x82, &wire("00 01 04 1f 00 01 'r' 00 01 'a' 00"), V5),
            Err(DecodeError::BadProperty)
        );
    }

    #[test]
    fn suback_every_version() {
        let s = Suback {
            mid: 3,
            reason_codes: vec![0, 1, 2, 0x80],
            properties: vec![],
        };
        for version in [V31, V311] {
            let b = wire("90 06 00 03 00 01 02 80");
            check_round_trip(&Packet::Suback(s.clone()), version, &b);
            assert_all_truncations_fail(&wire("90 03 00 03 01"), version);
        }
        check_round_trip(&Packet::Suback(s), V5, &wire("90 07 00 03 00 00 01 02 80"));
        let s = Suback {
            mid: 3,
            reason_codes: vec![0x87],
            properties: vec![Property {
                id: MQTT_PROP_REASON_STRING,
                value: PropValue::String("x".into()),
            }],
        };
        let b = wire("90 08 00 03 04 1f 00 01 'x' 87");
        check_round_trip(&Packet::Suback(s), V5, &b);
        assert_all_truncations_fail(&b, V5);
    }

    #[test]
    fn suback_errors() {
        assert_eq!(decode(0x90, &[0, 3], V311), Err(DecodeError::Protocol));
        assert_eq!(decode(0x90, &[0, 3, 0], V5), Err(DecodeError::Protocol));
        assert_eq!(decode(0x90, &[0, 0, 0], V311), Err(DecodeError::Protocol));
        assert_eq!(decode(0x92, &[0, 3, 0], V311), Err(DecodeError::Protocol));
        assert_eq!(
            decode(0x90, &[0, 3, 2, 0x0b, 1, 0], V5),
            Err(DecodeError::BadProperty)
        );
    }

    #[test]
    fn unsubscribe_every_version() {
        let u = Unsubscribe {
            mid: 9,
            filters: vec!["a/b".into(), "#".into()],
            properties: vec![],
        };
        for version in [V31, V311] {
            let b = wire("a2 0a 00 09 00 03 'a/b' 00 01 '#'");
            check_round_trip(&Packet::Unsubscribe(u.clone()), version, &b);
            assert_all_truncations_fail(&wire("a2 07 00 09 00 03 'a/b'"), version);
        }
        let u = Unsubscribe {
            mid: 9,
            filters: vec!["a/b".into()],
            properties: vec![Property {
                id: MQTT_PROP_USER_PROPERTY,
                value: PropValue::StringPair("k".into(), "".into()),
            }],
        };
        let b = wire("a2 0e 00 09 06 26 00 01 'k' 00 00 00 03 'a/b'");
        check_round_trip(&Packet::Unsubscribe(u), V5, &b);
        assert_all_truncations_fail(&b, V5);
    }

    #[test]
    fn unsubscribe_errors() {
        assert_eq!(decode(0xA2, &[0, 1], V311), Err(DecodeError::Protocol));
        assert_eq!(decode(0xA2, &[0, 1, 0], V5), Err(DecodeError::Protocol));
        assert_eq!(
            decode(0xA2, &wire("00 00 00 01 'a'"), V311),
            Err(DecodeError::Protocol)
        );
        assert_eq!(
            decode(0xA0, &wire("00 01 00 01 'a'"), V311),
            Err(DecodeError::Protocol)
        );
        assert_eq!(
            decode(0xA2, &wire("00 01 00 02 'a'"), V311),
            Err(DecodeError::Truncated)
        );
        assert_eq!(
            decode(0xA2, &wire("00 01 00 01 ff"), V311),
            Err(DecodeError::Utf8)
        );
        assert_eq!(
            decode(0xA2, &wire("00 01 02 0b 01 00 01 'a'"), V5),
            Err(DecodeError::BadProperty)
        );
    }

    #[test]
    fn unsuback_every_version() {
        let u = Unsuback {
            mid: 4,
            reason_codes: vec![],
            properties: vec![],
        };
        for version in [V31, V311] {
            check_round_trip(&Packet::Unsuback(u.clone()), version, &wire("b0 02 00 04"));
            assert_eq!(decode(0xB0, &[0, 4, 0], version), Err(DecodeError::TrailingBytes));
        }
        check_round_trip(&Packet::Unsuback(u), V5, &wire("b0 03 00 04 00"));
        let u = Unsuback {
            mid: 4,
            reason_codes: vec![0x00, 0x11],
            properties: vec![],
        };
        check_round_trip(&Packet::Unsuback(u.clone()), V5, &wire("b0 05 00 04 00 00 11"));
        // Reason codes are v5 only.
        let mut out = Vec::new();
        Packet::Unsuback(u).encode(V311, &mut out);
        assert_eq!(out, wire("b0 02 00 04"));
        assert_eq!(decode(0xB0, &[0, 4], V5), Err(DecodeError::Truncated));
        assert_eq!(decode(0xB0, &[0, 0], V311), Err(DecodeError::Protocol));
        assert_eq!(decode(0xB1, &[0, 4], V311), Err(DecodeError::Protocol));
    }
}
