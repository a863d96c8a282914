//! CONNECT and CONNACK (MQTT 5.0 sections 3.1 and 3.2, MQTT 3.1.1 sections 3.1 and 3.2).

use super::consts::{CMD_CONNACK, CMD_CONNECT, CMD_WILL, PROTOCOL_NAME, PROTOCOL_NAME_v31};
use super::packet::{Connack, Connect, Will};
use super::properties::{decode_properties_for, encode_properties, properties_len};
use super::reader::Reader;
use super::writer::{binary_len, put_binary, put_str, put_u16};
use super::{DecodeError, ProtocolVersion};

const FLAG_RESERVED: u8 = 0x01;
const FLAG_CLEAN: u8 = 0x02;
const FLAG_WILL: u8 = 0x04;
const FLAG_WILL_RETAIN: u8 = 0x20;
const FLAG_PASSWORD: u8 = 0x40;
const FLAG_USERNAME: u8 = 0x80;

fn protocol_name(version: ProtocolVersion) -> &'static str {
    match version {
        ProtocolVersion::V31 => PROTOCOL_NAME_v31,
        ProtocolVersion::V311 | ProtocolVersion::V5 => PROTOCOL_NAME,
    }
}

impl Connect {
    /// Decode a CONNECT body. The protocol name and level select the version: "MQIsdp" with
    /// level 3, "MQTT" with level 4 or 5; anything else is [`DecodeError::Protocol`].
    ///
    /// Protocol errors: the reserved flag bit, will QoS 3, will QoS or retain without the will
    /// flag (MQTT-3.1.2-11, -13), and for 3.x a password without a username (MQTT-3.1.2-22).
    pub(crate) fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let name = r.binary()?;
        let level = r.u8()?;
        let version = match ProtocolVersion::from_level(level) {
            Some(v) if name == protocol_name(v).as_bytes() => v,
            _ => return Err(DecodeError::Protocol),
        };
        let flags = r.u8()?;
        let will_flag = flags & FLAG_WILL != 0;
        let will_qos = (flags >> 3) & 0x03;
        let will_retain = flags & FLAG_WILL_RETAIN != 0;
        let username_flag = flags & FLAG_USERNAME != 0;
        let password_flag = flags & FLAG_PASSWORD != 0;
        if flags & FLAG_RESERVED != 0
            || will_qos == 3
            || (!will_flag && (will_qos != 0 || will_retain))
            || (!version.is_v5() && password_flag && !username_flag)
        {
            return Err(DecodeError::Protocol);
        }
        let keepalive = r.u16()?;
        let properties = if version.is_v5() {
            decode_properties_for(CMD_CONNECT, &mut r)?
        } else {
            Vec::new()
        };
        let client_id = r.utf8_string()?.to_owned();
        let will = if will_flag {
            let properties = if version.is_v5() {
                decode_properties_for(CMD_WILL, &mut r)?
            } else {
                Vec::new()
            };
            let topic = r.utf8_string()?.to_owned();
            let payload = r.binary()?.to_vec();
            Some(Will {
                topic,
                payload,
                qos: will_qos,
                retain: will_retain,
                properties,
            })
        } else {
            None
        };
        let username = if username_flag {
            Some(r.utf8_string()?.to_owned())
        } else {
            None
        };
        let password = if password_flag {
            Some(r.binary()?.to_vec())
        } else {
            None
        };
        r.expect_end()?;
        Ok(Self {
            version,
            clean_start: flags & FLAG_CLEAN != 0,
            keepalive,
            client_id,
            will,
            username,
            password,
            properties,
        })
    }

    fn flags(&self) -> u8 {
        let mut flags = 0;
        if self.clean_start {
            flags |= FLAG_CLEAN;
        }
        if let Some(will) = &self.will {
            flags |= FLAG_WILL | ((will.qos & 0x03) << 3);
            if will.retain {
                flags |= FLAG_WILL_RETAIN;
            }
        }
        if self.password.is_some() {
            flags |= FLAG_PASSWORD;
        }
        if self.username.is_some() {
            flags |= FLAG_USERNAME;
        }
        flags
    }

    pub(crate) fn body_len(&self) -> usize {
        let v5 = self.version.is_v5();
        let mut len = binary_len(protocol_name(self.version).as_bytes()) + 1 + 1 + 2;
        if v5 {
            len += properties_len(&self.properties);
        }
        len += binary_len(self.client_id.as_bytes());
        if let Some(will) = &self.will {
            if v5 {
                len += properties_len(&will.properties);
            }
            len += binary_len(will.topic.as_bytes()) + binary_len(&will.payload);
        }
        if let Some(username) = &self.username {
            len += binary_len(username.as_bytes());
        }
        if let Some(password) = &self.password {
            len += binary_len(password);
        }
        len
    }

    /// Write the body: protocol name and level, flags, keepalive, [v5 properties], client id,
    /// [v5 will properties, will topic, will payload], [username], [password].
    pub(crate) fn encode_body(&self, out: &mut Vec<u8>) {
        let v5 = self.version.is_v5();
        put_str(out, protocol_name(self.version));
        out.push(self.version.level());
        out.push(self.flags());
        put_u16(out, self.keepalive);
        if v5 {
            encode_properties(&self.properties, out);
        }
        put_str(out, &self.client_id);
        if let Some(will) = &self.will {
            if v5 {
                encode_properties(&will.properties, out);
            }
            put_str(out, &will.topic);
            put_binary(out, &will.payload);
        }
        if let Some(username) = &self.username {
            put_str(out, username);
        }
        if let Some(password) = &self.password {
            put_binary(out, password);
        }
    }
}

impl Connack {
    /// Decode a CONNACK body: acknowledge flags, return/reason code, v5 properties.
    ///
    /// Only bit 0 of the flags (session present) is kept; the reserved bits are not checked,
    /// as libmosquitto does not check them. A v5 CONNACK without a property length (what a
    /// 3.x server sends) is [`DecodeError::Truncated`].
    pub(crate) fn decode(body: &[u8], version: ProtocolVersion) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let flags = r.u8()?;
        let reason_code = r.u8()?;
        let properties = if version.is_v5() {
            decode_properties_for(CMD_CONNACK, &mut r)?
        } else {
            Vec::new()
        };
        r.expect_end()?;
        Ok(Self {
            session_present: flags & 0x01 != 0,
            reason_code,
            properties,
        })
    }

    pub(crate) fn body_len(&self, version: ProtocolVersion) -> usize {
        2 + if version.is_v5() {
            properties_len(&self.properties)
        } else {
            0
        }
    }

    pub(crate) fn encode_body(&self, version: ProtocolVersion, out: &mut Vec<u8>) {
        out.push(u8::from(self.session_present));
        out.push(self.reason_code);
        if version.is_v5() {
            encode_properties(&self.properties, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::consts::*;
    use super::super::testutil::{assert_all_truncations_fail, check_round_trip, wire};
    use super::super::{DecodeError, Packet, PropValue, Property, ProtocolVersion::*};
    use super::*;

    fn connect(version: ProtocolVersion) -> Connect {
        Connect {
            version,
            clean_start: true,
            keepalive: 60,
            client_id: String::new(),
            will: None,
            username: None,
            password: None,
            properties: Vec::new(),
        }
    }

    fn full(version: ProtocolVersion) -> Connect {
        let v5 = version.is_v5();
        Connect {
            version,
            clean_start: false,
            keepalive: 0x1234,
            client_id: "id".into(),
            will: Some(Will {
                topic: "w/t".into(),
                payload: vec![0x00, 0xFF],
                qos: 2,
                retain: true,
                properties: if v5 {
                    vec![Property {
                        id: MQTT_PROP_WILL_DELAY_INTERVAL,
                        value: PropValue::Int32(9),
                    }]
                } else {
                    Vec::new()
                },
            }),
            username: Some("u".into()),
            password: Some(vec![b'p', 0]),
            properties: if v5 {
                vec![Property {
                    id: MQTT_PROP_RECEIVE_MAXIMUM,
                    value: PropValue::Int16(20),
                }]
            } else {
                Vec::new()
            },
        }
    }

    #[test]
    fn v311_connect_with_empty_client_id() {
        let bytes = wire("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00");
        check_round_trip(&Packet::Connect(connect(V311)), V311, &bytes);
        // The caller's version does not matter for CONNECT.
        check_round_trip(&Packet::Connect(connect(V311)), V5, &bytes);
        assert_all_truncations_fail(&bytes, V311);
    }

    #[test]
    fn v31_connect() {
        let mut c = connect(V31);
        c.client_id = "abc".into();
        let bytes = wire("10 11 00 06 'MQIsdp' 03 02 00 3c 00 03 'abc'");
        check_round_trip(&Packet::Connect(c), V31, &bytes);
        assert_all_truncations_fail(&bytes, V31);
    }

    #[test]
    fn v5_connect_minimal() {
        let bytes = wire("10 0d 00 04 'MQTT' 05 02 00 3c 00 00 00");
        check_round_trip(&Packet::Connect(connect(V5)), V5, &bytes);
        assert_all_truncations_fail(&bytes, V5);
    }

    #[test]
    fn full_connect_every_version() {
        let v3_tail = "12 34 00 02 'id' 00 03 'w/t' 00 02 00 ff 00 01 'u' 00 02 'p' 00";
        let cases = [
            (V31, format!("10 20 00 06 'MQIsdp' 03 f4 {v3_tail}")),
            (V311, format!("10 1e 00 04 'MQTT' 04 f4 {v3_tail}")),
            (
                V5,
                "10 28 00 04 'MQTT' 05 f4 12 34 03 21 00 14 00 02 'id' \
                 05 18 00 00 00 09 00 03 'w/t' 00 02 00 ff 00 01 'u' 00 02 'p' 00"
                    .to_string(),
            ),
        ];
        for (version, hex) in cases {
            let bytes = wire(&hex);
            check_round_trip(&Packet::Connect(full(version)), version, &bytes);
            assert_all_truncations_fail(&bytes, version);
        }
    }

    #[test]
    fn flag_combinations() {
        // Each: flags byte, then what follows the keepalive in 3.1.1.
        let decode_flags = |version: ProtocolVersion, flags: u8, tail: &str| {
            let (name, level) = match version {
                V31 => ("'MQIsdp'", 3),
                V311 => ("'MQTT'", 4),
                V5 => ("'MQTT'", 5),
            };
            let name_len = if version == V31 { 6 } else { 4 };
            let props = if version.is_v5() { "00" } else { "" };
            let body = wire(&format!(
                "00 {name_len:02x} {name} {level:02x} {flags:02x} 00 3c {props} 00 01 'c' {tail}"
            ));
            Connect::decode(&body)
        };
        for version in [V31, V311, V5] {
            let will_props = if version.is_v5() { "00" } else { "" };
            let will = format!("{will_props} 00 01 't' 00 00");
            // Plain, and the reserved bit.
            assert!(decode_flags(version, 0x02, "").is_ok());
            assert_eq!(decode_flags(version, 0x03, ""), Err(DecodeError::Protocol));
            // Will QoS / retain without the will flag.
            assert_eq!(decode_flags(version, 0x08, ""), Err(DecodeError::Protocol));
            assert_eq!(decode_flags(version, 0x10, ""), Err(DecodeError::Protocol));
            assert_eq!(decode_flags(version, 0x20, ""), Err(DecodeError::Protocol));
            // Will with QoS 0..2, with retain; QoS 3.
            for (flags, qos, retain) in [(0x04, 0, false), (0x0C, 1, false), (0x34, 2, true)] {
                let c = decode_flags(version, flags, &will).unwrap();
                let w = c.will.unwrap();
                assert_eq!((w.qos, w.retain, w.topic.as_str()), (qos, retain, "t"));
            }
            assert_eq!(decode_flags(version, 0x1C, &will), Err(DecodeError::Protocol));
            // Username, username + password.
            let c = decode_flags(version, 0x80, "00 01 'u'").unwrap();
            assert_eq!((c.username.as_deref(), c.password), (Some("u"), None));
            let c = decode_flags(version, 0xC0, "00 01 'u' 00 01 'p'").unwrap();
            assert_eq!(c.password.as_deref(), Some(&b"p"[..]));
            // Password without username: only v5 allows it.
            let r = decode_flags(version, 0x40, "00 01 'p'");
            if version.is_v5() {
                assert_eq!(r.unwrap().password.as_deref(), Some(&b"p"[..]));
            } else {
                assert_eq!(r, Err(DecodeError::Protocol));
            }
            // Flags announcing fields that are missing.
            assert_eq!(decode_flags(version, 0x80, ""), Err(DecodeError::Truncated));
            assert_eq!(decode_flags(version, 0x04, ""), Err(DecodeError::Truncated));
            // Fields nobody announced.
            assert_eq!(
                decode_flags(version, 0x02, "00 01 'u'"),
                Err(DecodeError::TrailingBytes)
            );
        }
    }

    #[test]
    fn protocol_names_and_levels() {
        let body = |name: &str, level: u8| {
            let mut b = Vec::new();
            put_str(&mut b, name);
            b.extend_from_slice(&[level, 0x02, 0x00, 0x3c, 0x00, 0x00]);
            if level == 5 {
                b.insert(b.len() - 2, 0x00);
            }
            Connect::decode(&b)
        };
        assert_eq!(body("MQTT", 4).map(|c| c.version), Ok(V311));
        assert_eq!(body("MQTT", 5).map(|c| c.version), Ok(V5));
        assert_eq!(body("MQIsdp", 3).map(|c| c.version), Ok(V31));
        for (name, level) in [
            ("MQTT", 3),
            ("MQTT", 6),
            ("MQTT", 0x84),
            ("MQIsdp", 4),
            ("mqtt", 4),
            ("MQTX", 4),
            ("", 4),
        ] {
            assert_eq!(body(name, level), Err(DecodeError::Protocol), "{name} {level}");
        }
    }

    #[test]
    fn connect_errors() {
        let d = |hex: &str| super::super::decode(0x10, &wire(hex), V311);
        // Fixed-header flags must be 0 whatever the caller's version.
        let body = wire("00 04 'MQTT' 04 02 00 3c 00 00");
        for version in [V31, V311, V5] {
            assert_eq!(
                super::super::decode(0x11, &body, version),
                Err(DecodeError::Protocol)
            );
        }
        // Bad UTF-8 in the client id, the will topic, the username.
        assert_eq!(d("00 04 'MQTT' 04 02 00 3c 00 01 ff"), Err(DecodeError::Utf8));
        assert_eq!(
            d("00 04 'MQTT' 04 06 00 3c 00 00 00 01 00 00 00"),
            Err(DecodeError::Utf8)
        );
        assert_eq!(
            d("00 04 'MQTT' 04 82 00 3c 00 00 00 02 c3 28"),
            Err(DecodeError::Utf8)
        );
        // The password and the will payload are binary.
        assert!(d("00 04 'MQTT' 04 c2 00 3c 00 00 00 01 'u' 00 01 ff").is_ok());
        // v5: a will property among the CONNECT properties, a CONNECT property among the will
        // properties, a duplicate.
        let d5 = |hex: &str| super::super::decode(0x10, &wire(hex), V5);
        assert_eq!(
            d5("00 04 'MQTT' 05 02 00 3c 05 18 00 00 00 01 00 00"),
            Err(DecodeError::BadProperty)
        );
        assert_eq!(
            d5("00 04 'MQTT' 05 06 00 3c 00 00 00 03 21 00 01 00 01 't' 00 00"),
            Err(DecodeError::BadProperty)
        );
        assert_eq!(
            d5("00 04 'MQTT' 05 02 00 3c 06 21 00 01 21 00 02 00 00"),
            Err(DecodeError::DuplicateProperty)
        );
        assert_eq!(
            d5("00 04 'MQTT' 05 02 00 3c 03 21 00 00 00 00"),
            Err(DecodeError::BadProperty)
        );
        assert!(d5("00 04 'MQTT' 05 02 00 3c 03 21 00 01 00 00").is_ok());
    }

    #[test]
    fn connack_every_version() {
        for version in [V31, V311] {
            let p = Packet::Connack(Connack {
                session_present: false,
                reason_code: 0,
                properties: vec![],
            });
            check_round_trip(&p, version, &wire("20 02 00 00"));
            let p = Packet::Connack(Connack {
                session_present: true,
                reason_code: 5,
                properties: vec![],
            });
            check_round_trip(&p, version, &wire("20 02 01 05"));
            assert_all_truncations_fail(&wire("20 02 01 05"), version);
            assert_eq!(
                super::super::decode(0x20, &[0, 0, 0], version),
                Err(DecodeError::TrailingBytes)
            );
        }
        let p = Packet::Connack(Connack::default());
        check_round_trip(&p, V5, &wire("20 03 00 00 00"));
        let p = Packet::Connack(Connack {
            session_present: true,
            reason_code: 0x87,
            properties: vec![
                Property {
                    id: MQTT_PROP_RECEIVE_MAXIMUM,
                    value: PropValue::Int16(10),
                },
                Property {
                    id: MQTT_PROP_MAXIMUM_QOS,
                    value: PropValue::Byte(1),
                },
                Property {
                    id: MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER,
                    value: PropValue::String("x".into()),
                },
            ],
        });
        let b = wire("20 0c 01 87 09 21 00 0a 24 01 12 00 01 'x'");
        check_round_trip(&p, V5, &b);
        assert_all_truncations_fail(&b, V5);
    }

    #[test]
    fn connack_errors() {
        // A 3.x CONNACK read as v5 lacks the property length.
        assert_eq!(
            super::super::decode(0x20, &[0x00, 0x01], V5),
            Err(DecodeError::Truncated)
        );
        // Reserved acknowledge flags are not checked.
        assert_eq!(
            super::super::decode(0x20, &[0xFE, 0x00], V311),
            Ok(Packet::Connack(Connack {
                session_present: false,
                reason_code: 0,
                properties: vec![]
            }))
        );
        // Fixed-header flags.
        assert_eq!(
            super::super::decode(0x21, &[0, 0], V311),
            Err(DecodeError::Protocol)
        );
        assert_eq!(
            super::super::decode(0x28, &[0, 0, 0], V5),
            Err(DecodeError::Protocol)
        );
        assert!(super::super::decode(0x21, &[0, 0], V31).is_ok());
        // A PUBLISH property in a CONNACK.
        assert_eq!(
            super::super::decode(0x20, &[0, 0, 2, 1, 1], V5),
            Err(DecodeError::BadProperty)
        );
    }
}
