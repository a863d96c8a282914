//! PINGREQ, PINGRESP, DISCONNECT and AUTH (MQTT 5.0 sections 3.12 to 3.15).

use super::consts::{CMD_AUTH, CMD_DISCONNECT};
use super::packet::{Auth, Disconnect};
use super::properties::{Property, decode_properties_for, encode_properties, properties_len};
use super::reader::Reader;
use super::{DecodeError, ProtocolVersion};

/// PINGREQ and PINGRESP have no body.
pub(crate) fn expect_empty(body: &[u8]) -> Result<(), DecodeError> {
    Reader::new(body).expect_end()
}

/// The v5 "reason code, then properties" body shared by DISCONNECT and AUTH: empty means
/// reason 0 and no properties, one byte a reason code alone (sections 3.14.2.1, 3.15.2.1).
fn decode_reason_and_props(command: u32, body: &[u8]) -> Result<(u8, Vec<Property>), DecodeError> {
    let mut r = Reader::new(body);
    if r.is_empty() {
        return Ok((0, Vec::new()));
    }
    let reason_code = r.u8()?;
    let properties = if r.is_empty() {
        Vec::new()
    } else {
        decode_properties_for(command, &mut r)?
    };
    r.expect_end()?;
    Ok((reason_code, properties))
}

impl Disconnect {
    /// Decode a DISCONNECT body: empty for 3.x, reason code and properties (both optional) for
    /// v5.
    pub(crate) fn decode(body: &[u8], version: ProtocolVersion) -> Result<Self, DecodeError> {
        if !version.is_v5() {
            expect_empty(body)?;
            return Ok(Self::default());
        }
        let (reason_code, properties) = decode_reason_and_props(CMD_DISCONNECT, body)?;
        Ok(Self {
            reason_code,
            properties,
        })
    }

    /// v5: nothing when the reason code is 0 and there are no properties (`E0 00`), the reason
    /// code alone when there are no properties, otherwise both. 3.x: nothing.
    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        if !version.is_v5() {
            0
        } else if !self.properties.is_empty() {
            1 + properties_len(&self.properties)
        } else {
            usize::from(self.reason_code != 0)
        }
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        if !version.is_v5() {
            return;
        }
        if !self.properties.is_empty() {
            out.push(self.reason_code);
            encode_properties(&self.properties, out);
        } else if self.reason_code != 0 {
            out.push(self.reason_code);
        }
    }
}

impl Auth {
    /// Decode an AUTH body (v5 only; 3.x has no AUTH: [`DecodeError::Protocol`]).
    pub(crate) fn decode(body: &[u8], version: ProtocolVersion) -> Result<Self, DecodeError> {
        if !version.is_v5() {
            return Err(DecodeError::Protocol);
        }
        let (reason_code, properties) = decode_reason_and_props(CMD_AUTH, body)?;
        Ok(Self {
            reason_code,
            properties,
        })
    }

    /// Always the reason code and a property block, as libmosquitto writes AUTH.
    pub(crate) fn body_len(&self) -> usize {
        1 + properties_len(&self.properties)
    }

    pub(crate) fn encode_body(&self, out: &mut Vec<u8>) {
        out.push(self.reason_code);
        encode_properties(&self.properties, out);
    }
}

#[cfg(test)]
mod tests {
    use super::super::consts::*;
    use super::super::testutil::{check_round_trip, wire};
    use super::super::{DecodeError, Packet, PropValue, Property, ProtocolVersion::*, decode};
    use super::*;

    #[test]
    fn ping() {
        for version in [V31, V311, V5] {
            check_round_trip(&Packet::Pingreq, version, &[0xC0, 0x00]);
            check_round_trip(&Packet::Pingresp, version, &[0xD0, 0x00]);
            assert_eq!(decode(0xC0, &[0], version), Err(DecodeError::TrailingBytes));
            assert_eq!(decode(0xD0, &[0, 0], version), Err(DecodeError::TrailingBytes));
        }
        for version in [V311, V5] {
            assert_eq!(decode(0xC1, &[], version), Err(DecodeError::Protocol));
            assert_eq!(decode(0xD8, &[], version), Err(DecodeError::Protocol));
        }
        assert_eq!(decode(0xD8, &[], V31), Ok(Packet::Pingresp));
    }

    #[test]
    fn disconnect_v3() {
        for version in [V31, V311] {
            check_round_trip(&Packet::Disconnect(Disconnect::default()), version, &[0xE0, 0x00]);
            assert_eq!(decode(0xE0, &[0], version), Err(DecodeError::TrailingBytes));
            // Reason codes and properties are v5 only.
            let d = Disconnect {
                reason_code: 4,
                properties: vec![Property {
                    id: MQTT_PROP_REASON_STRING,
                    value: PropValue::String("x".into()),
                }],
            };
            let mut out = Vec::new();
            Packet::Disconnect(d).encode(version, &mut out);
            assert_eq!(out, [0xE0, 0x00]);
        }
        assert_eq!(decode(0xE2, &[], V311), Err(DecodeError::Protocol));
    }

    #[test]
    fn disconnect_v5_forms() {
        check_round_trip(&Packet::Disconnect(Disconnect::default()), V5, &[0xE0, 0x00]);
        let d = Disconnect {
            reason_code: 0x04,
            properties: vec![],
        };
        check_round_trip(&Packet::Disconnect(d), V5, &[0xE0, 0x01, 0x04]);
        let d = Disconnect {
            reason_code: 0x8E,
            properties: vec![
                Property {
                    id: MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                    value: PropValue::Int32(0),
                },
                Property {
                    id: MQTT_PROP_SERVER_REFERENCE,
                    value: PropValue::String("s".into()),
                },
            ],
        };
        let b = wire("e0 0b 8e 09 11 00 00 00 00 1c 00 01 's'");
        check_round_trip(&Packet::Disconnect(d), V5, &b);
        // Bodies of 0 and 1 bytes are the short forms; every other prefix fails.
        for n in 2..b.len() - 2 {
            assert!(decode(0xE0, &b[2..2 + n], V5).is_err(), "{n}");
        }
        // Reason 0 with properties keeps the reason code.
        let d = Disconnect {
            reason_code: 0,
            properties: vec![Property {
                id: MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                value: PropValue::Int32(5),
            }],
        };
        check_round_trip(&Packet::Disconnect(d), V5, &wire("e0 07 00 05 11 00 00 00 05"));
        // An empty property block is accepted.
        assert_eq!(
            decode(0xE0, &[0x00, 0x00], V5),
            Ok(Packet::Disconnect(Disconnect::default()))
        );
    }

    #[test]
    fn disconnect_v5_errors() {
        assert_eq!(decode(0xE0, &[0x00, 0x02, 0x11], V5), Err(DecodeError::Truncated));
        assert_eq!(
            decode(0xE0, &[0x00, 0x00, 0x00], V5),
            Err(DecodeError::TrailingBytes)
        );
        // Topic alias is a PUBLISH property.
        assert_eq!(
            decode(0xE0, &[0x00, 0x03, 0x23, 0x00, 0x01], V5),
            Err(DecodeError::BadProperty)
        );
        assert_eq!(
            decode(0xE0, &wire("00 0a 11 00 00 00 01 11 00 00 00 02"), V5),
            Err(DecodeError::DuplicateProperty)
        );
        assert_eq!(decode(0xE1, &[], V5), Err(DecodeError::Protocol));
    }

    #[test]
    fn auth() {
        let a = Auth {
            reason_code: 0x18,
            properties: vec![
                Property {
                    id: MQTT_PROP_AUTHENTICATION_METHOD,
                    value: PropValue::String("m".into()),
                },
                Property {
                    id: MQTT_PROP_AUTHENTICATION_DATA,
                    value: PropValue::Binary(vec![1, 2]),
                },
            ],
        };
        let b = wire("f0 0b 18 09 15 00 01 'm' 16 00 02 01 02");
        check_round_trip(&Packet::Auth(a), V5, &b);
        for n in 2..b.len() - 2 {
            assert!(decode(0xF0, &b[2..2 + n], V5).is_err(), "{n}");
        }
        let mut out = Vec::new();
        Packet::Auth(Auth::default()).encode(V5, &mut out);
        assert_eq!(out, [0xF0, 0x02, 0x00, 0x00]);
        assert_eq!(decode(0xF0, &out[2..], V5), Ok(Packet::Auth(Auth::default())));
        // The short forms decode.
        assert_eq!(decode(0xF0, &[], V5), Ok(Packet::Auth(Auth::default())));
        assert_eq!(
            decode(0xF0, &[0x19], V5),
            Ok(Packet::Auth(Auth {
                reason_code: 0x19,
                properties: vec![]
            }))
        );
        // Errors: 3.x, flags, a property AUTH may not carry.
        assert_eq!(decode(0xF0, &[], V311), Err(DecodeError::Protocol));
        assert_eq!(decode(0xF0, &[], V31), Err(DecodeError::Protocol));
        assert_eq!(decode(0xF1, &[], V5), Err(DecodeError::Protocol));
        assert_eq!(
            decode(0xF0, &[0x18, 0x02, 0x24, 0x01], V5),
            Err(DecodeError::BadProperty)
        );
    }
}
