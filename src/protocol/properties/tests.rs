use super::*;
use crate::protocol::consts::*;

fn prop(id: u8, value: PropValue) -> Property {
    Property { id, value }
}

fn user(k: &str, v: &str) -> Property {
    prop(MQTT_PROP_USER_PROPERTY, PropValue::StringPair(k.into(), v.into()))
}

#[test]
fn names_and_types_match_libmosquitto() {
    let expected: [(u8, &str, u8); 27] = [
        (1, "payload-format-indicator", 1),
        (2, "message-expiry-interval", 3),
        (3, "content-type", 6),
        (8, "response-topic", 6),
        (9, "correlation-data", 5),
        (11, "subscription-identifier", 4),
        (17, "session-expiry-interval", 3),
        (18, "assigned-client-identifier", 6),
        (19, "server-keep-alive", 2),
        (21, "authentication-method", 6),
        (22, "authentication-data", 5),
        (23, "request-problem-information", 1),
        (24, "will-delay-interval", 3),
        (25, "request-response-information", 1),
        (26, "response-information", 6),
        (28, "server-reference", 6),
        (31, "reason-string", 6),
        (33, "receive-maximum", 2),
        (34, "topic-alias-maximum", 2),
        (35, "topic-alias", 2),
        (36, "maximum-qos", 1),
        (37, "retain-available", 1),
        (38, "user-property", 7),
        (39, "maximum-packet-size", 3),
        (40, "wildcard-subscription-available", 1),
        (41, "subscription-identifier-available", 1),
        (42, "shared-subscription-available", 1),
    ];
    for (id, name, ty) in expected {
        assert_eq!(prop_name(id), Some(name));
        assert_eq!(prop_type(id).map(PropType::code), Some(ty));
        assert_eq!(prop_from_name(name), Some((id, PropType::from_code(ty).unwrap())));
    }
    for id in 0..=255u8 {
        if !expected.iter().any(|e| e.0 == id) {
            assert_eq!(prop_name(id), None, "{id}");
            assert_eq!(prop_type(id), None, "{id}");
        }
    }
}

#[test]
fn name_lookup_ignores_ascii_case_only() {
    assert_eq!(
        prop_from_name("Payload-Format-Indicator"),
        Some((MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, PropType::Byte))
    );
    assert_eq!(
        prop_from_name(b"USER-PROPERTY".as_slice()),
        Some((MQTT_PROP_USER_PROPERTY, PropType::StringPair))
    );
    assert_eq!(prop_from_name("payload-format-indicator "), None);
    assert_eq!(prop_from_name(""), None);
    assert_eq!(prop_from_name("bogus"), None);
    assert_eq!(prop_from_name("payload_format_indicator"), None);
}

#[test]
fn prop_type_codes() {
    for code in 1..=7 {
        assert_eq!(PropType::from_code(code).map(PropType::code), Some(code));
    }
    assert_eq!(PropType::from_code(0), None);
    assert_eq!(PropType::from_code(8), None);
}

/// The commands each identifier is allowed with, as probed from libmosquitto.
fn allowed_commands(id: u8) -> Vec<u32> {
    match id {
        1 | 2 | 3 | 8 | 9 => vec![CMD_PUBLISH, CMD_WILL],
        11 => vec![CMD_PUBLISH, CMD_SUBSCRIBE],
        17 => vec![CMD_CONNECT, CMD_CONNACK, CMD_DISCONNECT],
        21 | 22 => vec![CMD_CONNECT, CMD_CONNACK, CMD_AUTH],
        18 | 19 | 26 | 36 | 37 | 40 | 41 | 42 => vec![CMD_CONNACK],
        24 => vec![CMD_WILL],
        23 | 25 => vec![CMD_CONNECT],
        28 => vec![CMD_CONNACK, CMD_DISCONNECT],
        31 => COMMANDS
            .iter()
            .copied()
            .filter(|c| ![CMD_CONNECT, CMD_PUBLISH, CMD_SUBSCRIBE, CMD_UNSUBSCRIBE].contains(c))
            .collect(),
        33 | 34 | 39 => vec![CMD_CONNECT, CMD_CONNACK],
        35 => vec![CMD_PUBLISH],
        38 => COMMANDS.to_vec(),
        _ => vec![],
    }
}

#[test]
fn check_command_matrix() {
    for id in 0..=255u8 {
        let allowed = allowed_commands(id);
        for cmd in COMMANDS {
            let expected = if allowed.contains(&cmd) {
                Ok(())
            } else {
                Err(PropertyError::Protocol)
            };
            assert_eq!(check_command(cmd, id), expected, "id {id} cmd {cmd:#x}");
        }
    }
}

#[test]
fn check_command_compares_whole_command_values() {
    // A first byte with flags is not the command; only the reason string and the user
    // property (allowed "everywhere but") pass.
    for cmd in [0u32, 0x32, 0x62, 0x82, 0xA2, 0x1, 0x3, 0x110, 0x200, u32::MAX] {
        for id in 0..=255u8 {
            let expected = if id == MQTT_PROP_REASON_STRING || id == MQTT_PROP_USER_PROPERTY {
                Ok(())
            } else {
                Err(PropertyError::Protocol)
            };
            assert_eq!(check_command(cmd, id), expected, "id {id} cmd {cmd:#x}");
        }
    }
}

#[test]
fn check_all_values() {
    let proto = Err(PropertyError::Protocol);
    for id in [1u8, 23, 25, 36, 37, 40, 41, 42] {
        let cmd = allowed_commands(id)[0];
        assert_eq!(check_all(cmd, &[prop(id, PropValue::Byte(0))]), Ok(()), "{id}");
        assert_eq!(check_all(cmd, &[prop(id, PropValue::Byte(1))]), Ok(()), "{id}");
        assert_eq!(check_all(cmd, &[prop(id, PropValue::Byte(2))]), proto, "{id}");
        assert_eq!(check_all(cmd, &[prop(id, PropValue::Byte(255))]), proto, "{id}");
    }
    for id in [MQTT_PROP_RECEIVE_MAXIMUM, MQTT_PROP_TOPIC_ALIAS] {
        let cmd = allowed_commands(id)[0];
        assert_eq!(check_all(cmd, &[prop(id, PropValue::Int16(0))]), proto);
        assert_eq!(check_all(cmd, &[prop(id, PropValue::Int16(1))]), Ok(()));
        assert_eq!(check_all(cmd, &[prop(id, PropValue::Int16(65535))]), Ok(()));
    }
    let mps = MQTT_PROP_MAXIMUM_PACKET_SIZE;
    assert_eq!(check_all(CMD_CONNACK, &[prop(mps, PropValue::Int32(0))]), proto);
    assert_eq!(check_all(CMD_CONNACK, &[prop(mps, PropValue::Int32(1))]), Ok(()));
    // Zero is fine where the spec gives it a meaning.
    let tam = prop(MQTT_PROP_TOPIC_ALIAS_MAXIMUM, PropValue::Int16(0));
    assert_eq!(check_all(CMD_CONNECT, &[tam]), Ok(()));
    let sid = prop(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, PropValue::VarInt(0));
    assert_eq!(check_all(CMD_SUBSCRIBE, std::slice::from_ref(&sid)), Ok(()));
    assert_eq!(check_all(CMD_PUBLISH, &[sid]), Ok(()));
    let sei = prop(MQTT_PROP_SESSION_EXPIRY_INTERVAL, PropValue::Int32(0));
    assert_eq!(check_all(CMD_CONNECT, &[sei]), Ok(()));
    // Wildcards in a response topic are not checked here.
    let rt = prop(MQTT_PROP_RESPONSE_TOPIC, PropValue::String("a/+/#".into()));
    assert_eq!(check_all(CMD_PUBLISH, &[rt]), Ok(()));
    // A value of the wrong type for its identifier.
    let bad = prop(MQTT_PROP_MAXIMUM_QOS, PropValue::Int32(1));
    assert_eq!(check_all(CMD_CONNACK, &[bad]), proto);
    assert_eq!(check_all(CMD_PUBLISH, &[]), Ok(()));
    assert_eq!(check_all(0, &[]), Ok(()));
}

#[test]
fn check_all_duplicates() {
    let dup = Err(PropertyError::Duplicate);
    for info in PROPERTIES {
        let value = match info.ty {
            PropType::Byte => PropValue::Byte(1),
            PropType::Int16 => PropValue::Int16(1),
            PropType::Int32 => PropValue::Int32(1),
            PropType::VarInt => PropValue::VarInt(1),
            PropType::Binary => PropValue::Binary(vec![b'x']),
            PropType::String => PropValue::String("x".into()),
            PropType::StringPair => PropValue::StringPair("x".into(), "y".into()),
        };
        let list = [prop(info.id, value.clone()), prop(info.id, value)];
        for cmd in COMMANDS {
            let expected = if check_command(cmd, info.id).is_err() {
                Err(PropertyError::Protocol)
            } else if info.id == MQTT_PROP_USER_PROPERTY {
                Ok(())
            } else {
                dup
            };
            assert_eq!(check_all(cmd, &list), expected, "{} {cmd:#x}", info.name);
        }
    }
    // Several subscription identifiers are a duplicate for check_all, even on PUBLISH.
    let sid = |v| prop(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, PropValue::VarInt(v));
    assert_eq!(check_all(CMD_PUBLISH, &[sid(1), sid(2)]), dup);
    assert_eq!(check_received(CMD_PUBLISH, &[sid(1), sid(2)]), Ok(()));
    assert_eq!(check_received(CMD_SUBSCRIBE, &[sid(1), sid(2)]), dup);
    assert_eq!(
        check_received(CMD_SUBSCRIBE, &[sid(0)]),
        Err(PropertyError::Protocol)
    );
    assert_eq!(check_received(CMD_PUBLISH, &[sid(0)]), Ok(()));
}

#[test]
fn check_all_reports_the_first_problem_in_list_order() {
    let pfi = |v| prop(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, PropValue::Byte(v));
    let mq = |v| prop(MQTT_PROP_MAXIMUM_QOS, PropValue::Byte(v));
    let rm0 = prop(MQTT_PROP_RECEIVE_MAXIMUM, PropValue::Int16(0));
    let dup = Err(PropertyError::Duplicate);
    let proto = Err(PropertyError::Protocol);
    assert_eq!(check_all(CMD_PUBLISH, &[mq(1), mq(1)]), proto);
    assert_eq!(check_all(CMD_PUBLISH, &[pfi(1), pfi(1), mq(1)]), dup);
    assert_eq!(check_all(CMD_PUBLISH, &[pfi(1), mq(1), pfi(1)]), dup);
    assert_eq!(check_all(CMD_CONNACK, &[mq(2), mq(1)]), proto);
    assert_eq!(check_all(CMD_CONNACK, &[mq(1), mq(2)]), dup);
    assert_eq!(check_all(CMD_CONNACK, &[mq(1), mq(1), rm0]), dup);
    assert_eq!(
        check_all(CMD_CONNACK, &[user("a", "b"), mq(1), user("a", "b")]),
        Ok(())
    );
}

#[test]
fn property_constructor_checks_type() {
    assert!(Property::new(MQTT_PROP_MAXIMUM_QOS, PropValue::Byte(1)).is_some());
    assert!(Property::new(MQTT_PROP_MAXIMUM_QOS, PropValue::Int16(1)).is_none());
    assert!(Property::new(0, PropValue::Byte(1)).is_none());
    assert_eq!(user("k", "v").name(), Some("user-property"));
}

/// One property of every type, with its wire form.
fn sample() -> (Vec<Property>, Vec<u8>) {
    let props = vec![
        prop(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, PropValue::Byte(1)),
        prop(MQTT_PROP_TOPIC_ALIAS, PropValue::Int16(0x0102)),
        prop(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, PropValue::Int32(0x0A0B_0C0D)),
        prop(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, PropValue::VarInt(200)),
        prop(MQTT_PROP_CORRELATION_DATA, PropValue::Binary(vec![0, 0xFF])),
        prop(MQTT_PROP_CONTENT_TYPE, PropValue::String("t".into())),
        user("k", "vv"),
    ];
    let bytes = vec![
        30, // property length
        0x01, 0x01, //
        0x23, 0x01, 0x02, //
        0x02, 0x0A, 0x0B, 0x0C, 0x0D, //
        0x0B, 0xC8, 0x01, //
        0x09, 0x00, 0x02, 0x00, 0xFF, //
        0x03, 0x00, 0x01, b't', //
        0x26, 0x00, 0x01, b'k', 0x00, 0x02, b'v', b'v',
    ];
    (props, bytes)
}

#[test]
fn encode_and_decode_every_type() {
    let (props, bytes) = sample();
    assert_eq!(bytes.len(), 31);
    let mut out = Vec::new();
    encode_properties(&props, &mut out);
    assert_eq!(out, bytes);
    assert_eq!(properties_len(&props), bytes.len());
    assert_eq!(properties_body_len(&props), bytes.len() - 1);
    let mut r = Reader::new(&bytes);
    assert_eq!(decode_properties(&mut r), Ok(props.clone()));
    assert!(r.is_empty());
    let mut r = Reader::new(&bytes);
    assert_eq!(decode_properties_for(CMD_PUBLISH, &mut r), Ok(props));
}

#[test]
fn empty_block() {
    let mut out = Vec::new();
    encode_properties(&[], &mut out);
    assert_eq!(out, [0]);
    assert_eq!(properties_len(&[]), 1);
    assert_eq!(decode_properties(&mut Reader::new(&[0])), Ok(vec![]));
}

#[test]
fn long_block_uses_a_multi_byte_length() {
    let props = vec![prop(MQTT_PROP_CORRELATION_DATA, PropValue::Binary(vec![7; 200]))];
    let mut out = Vec::new();
    encode_properties(&props, &mut out);
    assert_eq!(&out[..2], &[0xCB, 0x01]); // 203 = 1 + 2 + 200
    assert_eq!(out.len(), properties_len(&props));
    assert_eq!(decode_properties(&mut Reader::new(&out)), Ok(props));
}

#[test]
fn truncated_blocks_fail() {
    let (_, bytes) = sample();
    for n in 0..bytes.len() {
        let r = decode_properties(&mut Reader::new(&bytes[..n]));
        assert_eq!(r, Err(DecodeError::Truncated), "prefix {n}");
    }
}

#[test]
fn property_running_past_its_block_fails() {
    // Block length 2 announces less than the 5 bytes of message-expiry-interval, although
    // the packet has the bytes.
    let bytes = [0x02, 0x02, 0x00, 0x00, 0x00, 0x01];
    assert_eq!(
        decode_properties(&mut Reader::new(&bytes)),
        Err(DecodeError::Truncated)
    );
    // Block length larger than the packet.
    let bytes = [0x05, 0x01, 0x01];
    assert_eq!(
        decode_properties(&mut Reader::new(&bytes)),
        Err(DecodeError::Truncated)
    );
}

#[test]
fn bad_identifiers_and_varints() {
    for id in [0u8, 4, 10, 12, 20, 27, 30, 32, 43, 0x7F, 0x80, 0xFF] {
        let bytes = [0x02, id, 0x00];
        assert_eq!(
            decode_properties(&mut Reader::new(&bytes)),
            Err(DecodeError::UnknownProperty),
            "{id}"
        );
    }
    // The block length is a varint too.
    let bytes = [0x80, 0x80, 0x80, 0x80, 0x01];
    assert_eq!(
        decode_properties(&mut Reader::new(&bytes)),
        Err(DecodeError::BadVarint)
    );
    // A subscription identifier of five bytes.
    let bytes = [0x06, 0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
    assert_eq!(
        decode_properties(&mut Reader::new(&bytes)),
        Err(DecodeError::BadVarint)
    );
}

#[test]
fn bad_utf8_in_strings() {
    let bytes = [0x04, 0x03, 0x00, 0x01, 0xC0];
    assert_eq!(
        decode_properties(&mut Reader::new(&bytes)),
        Err(DecodeError::Utf8)
    );
    let bytes = [0x07, 0x26, 0x00, 0x01, b'k', 0x00, 0x01, 0x00];
    assert_eq!(
        decode_properties(&mut Reader::new(&bytes)),
        Err(DecodeError::Utf8)
    );
    // Binary data is not checked.
    let bytes = [0x04, 0x09, 0x00, 0x01, 0xC0];
    assert!(decode_properties(&mut Reader::new(&bytes)).is_ok());
}

#[test]
fn decoding_for_a_command_checks_the_rules() {
    let decode = |cmd, bytes: &[u8]| decode_properties_for(cmd, &mut Reader::new(bytes));
    // maximum-qos is a CONNACK property.
    assert_eq!(decode(CMD_CONNACK, &[0x02, 0x24, 0x01]).map(|p| p.len()), Ok(1));
    assert_eq!(
        decode(CMD_PUBLISH, &[0x02, 0x24, 0x01]),
        Err(DecodeError::BadProperty)
    );
    assert_eq!(
        decode(CMD_CONNACK, &[0x02, 0x24, 0x02]),
        Err(DecodeError::BadProperty)
    );
    assert_eq!(
        decode(CMD_CONNACK, &[0x04, 0x24, 0x01, 0x24, 0x00]),
        Err(DecodeError::DuplicateProperty)
    );
    // User properties repeat freely.
    let two_users = [0x0E, 0x26, 0, 1, b'a', 0, 1, b'b', 0x26, 0, 1, b'a', 0, 1, b'b'];
    assert_eq!(decode(CMD_PUBACK, &two_users).map(|p| p.len()), Ok(2));
    // Topic alias 0, receive maximum 0, maximum packet size 0.
    assert_eq!(
        decode(CMD_PUBLISH, &[0x03, 0x23, 0, 0]),
        Err(DecodeError::BadProperty)
    );
    assert_eq!(
        decode(CMD_CONNACK, &[0x03, 0x21, 0, 0]),
        Err(DecodeError::BadProperty)
    );
    assert_eq!(
        decode(CMD_CONNACK, &[0x05, 0x27, 0, 0, 0, 0]),
        Err(DecodeError::BadProperty)
    );
    // Several subscription identifiers in a PUBLISH from the server.
    let sids = [0x04, 0x0B, 0x01, 0x0B, 0x02];
    assert_eq!(decode(CMD_PUBLISH, &sids).map(|p| p.len()), Ok(2));
    assert_eq!(decode(CMD_SUBSCRIBE, &sids), Err(DecodeError::DuplicateProperty));
    assert_eq!(
        decode(CMD_SUBSCRIBE, &[0x02, 0x0B, 0x00]),
        Err(DecodeError::BadProperty)
    );
    // Will properties.
    assert_eq!(
        decode(CMD_WILL, &[0x05, 0x18, 0, 0, 0, 5]).map(|p| p.len()),
        Ok(1)
    );
    assert_eq!(
        decode(CMD_CONNECT, &[0x05, 0x18, 0, 0, 0, 5]),
        Err(DecodeError::BadProperty)
    );
}

#[test]
fn finders() {
    let (props, _) = sample();
    assert_eq!(find_byte(&props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR), Some(1));
    assert_eq!(find_int16(&props, MQTT_PROP_TOPIC_ALIAS), Some(0x0102));
    assert_eq!(
        find_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL),
        Some(0x0A0B_0C0D)
    );
    assert_eq!(find_varint(&props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER), Some(200));
    assert_eq!(
        find_binary(&props, MQTT_PROP_CORRELATION_DATA),
        Some(&[0, 0xFF][..])
    );
    assert_eq!(find_string(&props, MQTT_PROP_CONTENT_TYPE), Some("t"));
    assert_eq!(find_string(&props, MQTT_PROP_RESPONSE_TOPIC), None);
    assert_eq!(find_int16(&props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR), None);
}

#[test]
fn error_mapping() {
    assert_eq!(
        DecodeError::from(PropertyError::Protocol),
        DecodeError::BadProperty
    );
    assert_eq!(
        DecodeError::from(PropertyError::Duplicate),
        DecodeError::DuplicateProperty
    );
}
