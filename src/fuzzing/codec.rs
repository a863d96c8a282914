//! The codec targets: packet decoding and encoding, property lists, topic matching.

use crate::protocol::consts::{CMD_PUBLISH, CMD_SUBSCRIBE, MQTT_PROP_SUBSCRIPTION_IDENTIFIER};
use crate::protocol::properties::{self, COMMANDS, PropertyError};
use crate::protocol::reader::Reader;
use crate::protocol::{self, DecodeError, Packet, PropValue, Property, ProtocolVersion, topic, utf8};

use super::VERSIONS;

// -------------------------------------------------------------------------------------------
// decode_packet

/// Arbitrary bytes through the packet decoder, for every protocol version. Whatever decodes must
/// encode to bytes that decode to the same value.
pub fn decode_packet(data: &[u8]) {
    for version in VERSIONS {
        if let Ok(Some(header)) = protocol::parse_fixed_header(data) {
            assert!((2..=5).contains(&header.header_len), "{header:?}");
            assert!(
                header.remaining_length <= protocol::MAX_REMAINING_LENGTH,
                "{header:?}"
            );
            assert_eq!(header.first_byte, data[0]);
        }

        // The whole input as a stream of packets.
        let mut pos = 0;
        while pos < data.len() {
            match protocol::decode_packet(&data[pos..], version) {
                Ok(Some((packet, used))) => {
                    let header = protocol::parse_fixed_header(&data[pos..]).unwrap().unwrap();
                    assert_eq!(used, header.packet_len());
                    assert!(used >= 2 && pos + used <= data.len());
                    let direct =
                        protocol::decode(data[pos], &data[pos + header.header_len..pos + used], version);
                    assert_eq!(direct.as_ref(), Ok(&packet), "decode and decode_packet disagree");
                    let canonical = check_round_trip(&packet, version);
                    // AUTH is always written with its reason code and property block.
                    if !matches!(packet, Packet::Auth(_)) {
                        assert!(canonical <= used, "the canonical form is longer than the input");
                    }
                    pos += used;
                }
                Ok(None) | Err(_) => break,
            }
        }

        // The input as a first byte and a body, without a fixed header.
        if let Some((&first, body)) = data.split_first() {
            if let Ok(packet) = protocol::decode(first, body, version) {
                assert_eq!(packet.packet_type(), first >> 4);
                let _ = check_round_trip(&packet, version);
            }
        }
    }
}

/// Encode `packet`, decode it again and compare. Returns the size of the encoding.
fn check_round_trip(packet: &Packet, version: ProtocolVersion) -> usize {
    let mut wire = Vec::new();
    packet.encode(version, &mut wire);
    assert_eq!(
        wire.len(),
        packet.encoded_len(version),
        "encoded_len of {packet:?}"
    );
    let header = protocol::parse_fixed_header(&wire)
        .expect("header of an encoded packet")
        .expect("complete header");
    assert_eq!(header.packet_len(), wire.len(), "remaining length of {packet:?}");
    match protocol::decode_packet(&wire, version) {
        Ok(Some((again, used))) => {
            assert_eq!(used, wire.len());
            assert_eq!(&again, packet, "round trip changed the packet; wire {wire:02x?}");
        }
        other => panic!("{packet:?} encoded as {wire:02x?} does not decode: {other:?}"),
    }
    if let Packet::Publish(p) = packet {
        let mut by_ref = Vec::new();
        p.as_publish_ref().encode(version, &mut by_ref);
        assert_eq!(by_ref, wire);
    }
    wire.len()
}

// -------------------------------------------------------------------------------------------
// properties

/// A property block (the first byte picks the command) through the property decoder and the
/// rule checks. A block that decodes must encode to a block that decodes to the same list.
pub fn properties(data: &[u8]) {
    let Some((&selector, block)) = data.split_first() else {
        return;
    };
    let command = match COMMANDS.get(usize::from(selector & 0x1F)) {
        Some(&c) => c,
        // Any other value, flags included: the checks compare whole command values.
        None => u32::from(selector) | (u32::from(selector & 0x20) << 3),
    };

    let mut r = Reader::new(block);
    let decoded = properties::decode_properties(&mut r);
    let consumed = r.position();
    let mut r_for = Reader::new(block);
    let decoded_for = properties::decode_properties_for(command, &mut r_for);
    match &decoded {
        Ok(props) => {
            let received = properties::check_received(command, props);
            assert_eq!(
                decoded_for,
                received.map(|()| props.clone()).map_err(DecodeError::from)
            );
            if decoded_for.is_ok() {
                assert_eq!(r_for.position(), consumed);
            }
        }
        Err(e) => assert_eq!(decoded_for.as_ref(), Err(e)),
    }
    let Ok(props) = decoded else {
        return;
    };
    assert!(consumed <= block.len());

    // Encode, decode again.
    let mut wire = Vec::new();
    properties::encode_properties(&props, &mut wire);
    assert_eq!(wire.len(), properties::properties_len(&props));
    assert!(
        wire.len() <= consumed,
        "the canonical form is never longer than the input"
    );
    let mut r = Reader::new(&wire);
    let again = properties::decode_properties(&mut r).expect("an encoded property block decodes");
    assert!(r.is_empty());
    assert_eq!(again, props);

    for p in &props {
        let rebuilt = Property::new(p.id, p.value.clone()).expect("a decoded property has its own type");
        assert_eq!(&rebuilt, p);
        let name = p.name().expect("a decoded property has a name");
        assert_eq!(
            properties::prop_from_name(name),
            Some((p.id, p.value.prop_type()))
        );
        let mut one = Vec::new();
        p.encode(&mut one);
        assert_eq!(one.len(), p.encoded_len());
        assert_eq!(
            properties::find(&props, p.id).map(PropValue::prop_type),
            Some(p.value.prop_type())
        );
        let _ = (
            properties::find_byte(&props, p.id),
            properties::find_int16(&props, p.id),
            properties::find_int32(&props, p.id),
            properties::find_varint(&props, p.id),
            properties::find_string(&props, p.id),
            properties::find_binary(&props, p.id),
        );
    }

    // The send-side and receive-side rules.
    let all = properties::check_all(command, &props);
    let received = properties::check_received(command, &props);
    if all.is_ok() {
        for p in &props {
            assert_eq!(properties::check_command(command, p.id), Ok(()));
        }
        let zero_subscription_id = command == CMD_SUBSCRIBE
            && props
                .iter()
                .any(|p| p.id == MQTT_PROP_SUBSCRIPTION_IDENTIFIER && p.value == PropValue::VarInt(0));
        if !zero_subscription_id {
            assert_eq!(received, Ok(()), "check_all accepts what check_received refuses");
        }
    }
    if received.is_ok() && command != CMD_PUBLISH {
        assert_eq!(all, Ok(()), "check_received accepts what check_all refuses");
    }
    if let Err(e) = all {
        assert!(matches!(e, PropertyError::Protocol | PropertyError::Duplicate));
    }
    for &c in &COMMANDS {
        let _ = properties::check_all(c, &props);
    }
}

// -------------------------------------------------------------------------------------------
// topic_match

/// Topic names and filters: the input is a filter and a topic separated by the first 0xFF byte
/// (a byte UTF-8 never holds), or one string used as both.
pub fn topic_match(data: &[u8]) {
    let (filter, topic_name) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    for s in [filter, topic_name] {
        check_tokenise(s);
        let _ = utf8::validate(s);
        if topic::is_valid_pub_topic(s) {
            assert!(
                topic::is_valid_sub_filter(s),
                "a valid topic name is a valid filter"
            );
        }
    }

    let result = topic::matches_sub(filter, topic_name);
    let (f, t) = (until_nul(filter), until_nul(topic_name));
    assert_eq!(topic::matches_sub(f, t), result, "a NUL ends either string");

    if !t.is_empty() && topic::is_valid_pub_topic(t) {
        assert_eq!(topic::matches_sub(t, t), Ok(true), "a topic matches itself");
        assert_eq!(topic::matches_sub(b"#", t), Ok(t[0] != b'$'), "# against {t:?}");
        let one_level = !t.contains(&b'/');
        assert_eq!(
            topic::matches_sub(b"+", t),
            Ok(t[0] != b'$' && one_level),
            "+ against {t:?}"
        );
    }
    if !f.is_empty() && !t.is_empty() && topic::is_valid_sub_filter(f) && topic::is_valid_pub_topic(t) {
        assert_eq!(result, Ok(reference_match(f, t)), "filter {f:?} topic {t:?}");
    }
    if !f.is_empty() && topic::is_valid_sub_filter(f) {
        // A topic built to match the filter, with levels taken from the other string.
        let built = topic_for_filter(f, t);
        if !built.is_empty() && topic::is_valid_pub_topic(&built) && !built.contains(&0) {
            let expected = reference_match(f, &built);
            assert!(
                expected || (built[0] == b'$' && matches!(f[0], b'+' | b'#')),
                "{f:?} {built:?}"
            );
            assert_eq!(
                topic::matches_sub(f, &built),
                Ok(expected),
                "filter {f:?} topic {built:?}"
            );
        }
    }
}

fn until_nul(s: &[u8]) -> &[u8] {
    s.iter().position(|&b| b == 0).map_or(s, |i| &s[..i])
}

fn check_tokenise(s: &[u8]) {
    let levels = topic::tokenise_bytes(s);
    assert_eq!(levels.len(), s.iter().filter(|&&b| b == b'/').count() + 1);
    let joined: Vec<u8> = levels
        .iter()
        .map(|l| l.unwrap_or_default())
        .collect::<Vec<_>>()
        .join(&b'/');
    assert_eq!(joined, s);
    assert!(levels.iter().all(|l| l.is_none_or(|l| !l.is_empty())));
    if let Ok(text) = std::str::from_utf8(s) {
        let as_str: Vec<Option<&[u8]>> = topic::tokenise(text)
            .into_iter()
            .map(|l| l.map(str::as_bytes))
            .collect();
        assert_eq!(as_str, levels);
    }
}

/// Topic matching as MQTT 5.0 section 4.7 states it, level by level.
fn reference_match(filter: &[u8], topic_name: &[u8]) -> bool {
    if topic_name[0] == b'$' && matches!(filter[0], b'+' | b'#') {
        return false;
    }
    let f: Vec<&[u8]> = filter.split(|&b| b == b'/').collect();
    let t: Vec<&[u8]> = topic_name.split(|&b| b == b'/').collect();
    for (i, level) in f.iter().enumerate() {
        match *level {
            // The parent level and any number of levels below it.
            b"#" => return t.len() >= i,
            b"+" => {
                if i >= t.len() {
                    return false;
                }
            }
            literal => {
                if t.get(i) != Some(&literal) {
                    return false;
                }
            }
        }
    }
    f.len() == t.len()
}

/// A topic that `filter` matches: `+` becomes a level of `source` (or `x`), `#` the rest of
/// `source`'s levels (possibly none). Empty when the only such topic would be empty.
fn topic_for_filter(filter: &[u8], source: &[u8]) -> Vec<u8> {
    let mut spare = source
        .split(|&b| b == b'/')
        .filter(|l| !l.iter().any(|&b| b == b'+' || b == b'#' || b == 0));
    let mut levels: Vec<Vec<u8>> = Vec::new();
    for level in filter.split(|&b| b == b'/') {
        match level {
            b"+" => levels.push(spare.next().unwrap_or(b"x").to_vec()),
            b"#" => levels.extend(spare.by_ref().map(<[u8]>::to_vec)),
            literal => levels.push(literal.to_vec()),
        }
    }
    levels.join(&b'/')
}
