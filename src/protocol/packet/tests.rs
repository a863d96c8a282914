use super::super::consts::*;
use super::super::testutil::{XorShift, assert_consistent, split, wire};
use super::super::{MAX_REMAINING_LENGTH, PropValue};
use super::*;
use ProtocolVersion::*;

#[test]
fn fixed_header_lengths() {
    let cases: &[(&[u8], usize, usize)] = &[
        (&[0x30, 0x00], 0, 2),
        (&[0x30, 0x7F], 127, 2),
        (&[0x30, 0x80, 0x01], 128, 3),
        (&[0x30, 0xFF, 0x7F], 16_383, 3),
        (&[0x30, 0x80, 0x80, 0x01], 16_384, 4),
        (&[0x30, 0xFF, 0xFF, 0x7F], 2_097_151, 4),
        (&[0x30, 0x80, 0x80, 0x80, 0x01], 2_097_152, 5),
        (&[0x30, 0xFF, 0xFF, 0xFF, 0x7F], MAX_REMAINING_LENGTH, 5),
    ];
    for &(bytes, remaining_length, header_len) in cases {
        let h = parse_fixed_header(bytes).unwrap().unwrap();
        assert_eq!(
            h,
            FixedHeader {
                first_byte: 0x30,
                remaining_length,
                header_len
            }
        );
        assert_eq!(h.packet_len(), header_len + remaining_length);
        assert_eq!(h.packet_type(), kind::PUBLISH);
        for n in 0..bytes.len() {
            assert_eq!(
                parse_fixed_header(&bytes[..n]),
                Ok(None),
                "{bytes:02x?} prefix {n}"
            );
        }
        // Bytes after the header do not matter.
        let mut more = bytes.to_vec();
        more.extend_from_slice(&[0xFF, 0xFF]);
        assert_eq!(parse_fixed_header(&more).unwrap().unwrap().header_len, header_len);
    }
}

#[test]
fn fixed_header_rejects_a_fifth_length_byte() {
    assert_eq!(
        parse_fixed_header(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF]),
        Err(DecodeError::BadVarint)
    );
    assert_eq!(
        parse_fixed_header(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        Err(DecodeError::BadVarint)
    );
    assert_eq!(
        parse_fixed_header(&[0x30, 0x80, 0x80, 0x80, 0x80, 0x00]),
        Err(DecodeError::BadVarint)
    );
    assert_eq!(
        decode_packet(&[0x30, 0x80, 0x80, 0x80, 0x80], V311),
        Err(DecodeError::BadVarint)
    );
    // Non-minimal lengths are accepted.
    assert_eq!(
        parse_fixed_header(&[0xC0, 0x80, 0x00])
            .unwrap()
            .unwrap()
            .remaining_length,
        0
    );
}

#[test]
fn frame_refuses_a_packet_over_the_limit_before_its_body() {
    // A PUBLISH announcing 268435455 bytes: refused on its 5-byte header alone.
    let header = [0x30, 0xFF, 0xFF, 0xFF, 0x7F];
    assert_eq!(
        frame(&header, 1000),
        Err(DecodeError::TooLarge {
            size: 268_435_460,
            limit: 1000
        })
    );
    assert_eq!(frame(&header[..3], 1000), Ok(None), "the length is not known yet");
    // Exactly at the limit: waits for the body, then frames it.
    let packet = [0x30, 0x03, 0x00, 0x01, b't'];
    assert_eq!(frame(&packet[..4], 5), Ok(None));
    assert_eq!(frame(&packet, 5).map(|h| h.map(|h| h.packet_len())), Ok(Some(5)));
    assert!(frame(&packet, 4).is_err());
}

#[test]
fn publish_properties_depend_on_who_sent_them() {
    use crate::protocol::consts::{MQTT_PROP_RESPONSE_TOPIC, MQTT_PROP_SUBSCRIPTION_IDENTIFIER};
    let publish = |props: Vec<Property>| {
        let mut out = Vec::new();
        Packet::Publish(Publish {
            topic: "t".into(),
            properties: props,
            ..Publish::default()
        })
        .encode(V5, &mut out);
        out
    };
    let sid = |v| Property {
        id: MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
        value: PropValue::VarInt(v),
    };
    let two_ids = publish(vec![sid(1), sid(2)]);
    let body = &two_ids[2..];
    assert!(decode_from(Sender::Server, two_ids[0], body, V5).is_ok());
    assert_eq!(
        decode_from(Sender::Client, two_ids[0], body, V5),
        Err(DecodeError::BadProperty),
        "MQTT-3.3.4-6"
    );
    let response = |topic: &str| {
        publish(vec![Property {
            id: MQTT_PROP_RESPONSE_TOPIC,
            value: PropValue::String(topic.into()),
        }])
    };
    let ok = response("reply/here");
    assert!(decode_from(Sender::Client, ok[0], &ok[2..], V5).is_ok());
    let wild = response("reply/#");
    assert_eq!(
        decode_from(Sender::Client, wild[0], &wild[2..], V5),
        Err(DecodeError::BadProperty)
    );
}

#[test]
fn decode_packet_waits_for_the_whole_packet() {
    let bytes = wire("30 07 00 03 'a/b' 'hi' c0 00");
    for n in 0..9 {
        assert_eq!(decode_packet(&bytes[..n], V311), Ok(None));
    }
    let (p, used) = decode_packet(&bytes, V311).unwrap().unwrap();
    assert_eq!(used, 9);
    assert!(matches!(p, Packet::Publish(_)));
    assert_eq!(
        decode_packet(&bytes[used..], V311),
        Ok(Some((Packet::Pingreq, 2)))
    );
    // A huge announced length just waits.
    assert_eq!(
        decode_packet(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00], V311),
        Ok(None)
    );
}

#[test]
fn reserved_packet_type() {
    for version in [V31, V311, V5] {
        assert_eq!(decode(0x00, &[], version), Err(DecodeError::Protocol));
        assert_eq!(decode(0x0F, &[0, 0], version), Err(DecodeError::Protocol));
    }
    assert_eq!(kind::name(0), "UNKNOWN");
}

fn user() -> Property {
    Property {
        id: MQTT_PROP_USER_PROPERTY,
        value: PropValue::StringPair("k".into(), "v".into()),
    }
}

/// One packet of every type, with user properties wherever v5 allows them.
fn every_packet() -> Vec<Packet> {
    let props = vec![user()];
    let ack = Ack {
        mid: 10,
        reason_code: 0x10,
        properties: props.clone(),
    };
    vec![
        Packet::Connect(Connect {
            version: V5,
            clean_start: true,
            keepalive: 10,
            client_id: "c".into(),
            will: Some(Will {
                topic: "w".into(),
                payload: b"bye".to_vec(),
                qos: 1,
                retain: false,
                properties: props.clone(),
            }),
            username: Some("u".into()),
            password: None,
            properties: props.clone(),
        }),
        Packet::Connack(Connack {
            session_present: true,
            reason_code: 0,
            properties: props.clone(),
        }),
        Packet::Publish(Publish {
            dup: true,
            qos: 2,
            retain: true,
            topic: "t/1".into(),
            mid: 65535,
            payload: vec![0, 1, 2].into(),
            properties: props.clone(),
        }),
        Packet::Puback(ack.clone()),
        Packet::Pubrec(ack.clone()),
        Packet::Pubrel(ack.clone()),
        Packet::Pubcomp(ack),
        Packet::Subscribe(Subscribe {
            mid: 2,
            filters: vec![("a/+".into(), 1)],
            properties: props.clone(),
        }),
        Packet::Suback(Suback {
            mid: 2,
            reason_codes: vec![1],
            properties: props.clone(),
        }),
        Packet::Unsubscribe(Unsubscribe {
            mid: 3,
            filters: vec!["a/+".into()],
            properties: props.clone(),
        }),
        Packet::Unsuback(Unsuback {
            mid: 3,
            reason_codes: vec![0],
            properties: props.clone(),
        }),
        Packet::Pingreq,
        Packet::Pingresp,
        Packet::Disconnect(Disconnect {
            reason_code: 0x04,
            properties: props.clone(),
        }),
        Packet::Auth(Auth {
            reason_code: 0x18,
            properties: props,
        }),
    ]
}

/// `packet` as it looks after a trip through `version`: no properties or reason codes in
/// 3.x, and CONNECT in that version.
fn projected(packet: &Packet, version: ProtocolVersion) -> Packet {
    let mut p = packet.clone();
    if version.is_v5() {
        return p;
    }
    match &mut p {
        Packet::Connect(c) => {
            c.version = version;
            c.properties.clear();
            if let Some(w) = &mut c.will {
                w.properties.clear();
            }
        }
        Packet::Connack(c) => c.properties.clear(),
        Packet::Publish(x) => x.properties.clear(),
        Packet::Puback(a) | Packet::Pubrec(a) | Packet::Pubrel(a) | Packet::Pubcomp(a) => {
            a.properties.clear();
            a.reason_code = 0;
        }
        Packet::Subscribe(s) => s.properties.clear(),
        Packet::Suback(s) => s.properties.clear(),
        Packet::Unsubscribe(u) => u.properties.clear(),
        Packet::Unsuback(u) => {
            u.properties.clear();
            u.reason_codes.clear();
        }
        Packet::Disconnect(d) => *d = Disconnect::default(),
        Packet::Pingreq | Packet::Pingresp | Packet::Auth(_) => {}
    }
    p
}

#[test]
fn every_packet_in_every_version() {
    for version in [V31, V311, V5] {
        for packet in every_packet() {
            if matches!(packet, Packet::Auth(_)) && !version.is_v5() {
                continue;
            }
            let packet = projected(&packet, version);
            let mut out = Vec::new();
            packet.encode(version, &mut out);
            assert_eq!(out.len(), packet.encoded_len(version));
            assert_eq!(out[0], packet.first_byte());
            assert_eq!(out[0] >> 4, packet.packet_type());
            let (fb, body) = split(&out);
            assert_eq!(
                decode(fb, body, version).as_ref(),
                Ok(&packet),
                "{version:?} {out:02x?}"
            );
            assert_eq!(
                decode_packet(&out, version),
                Ok(Some((packet.clone(), out.len())))
            );
            for n in 0..body.len() {
                let r = decode(fb, &body[..n], version);
                assert_ne!(
                    r.as_ref(),
                    Ok(&packet),
                    "{version:?} {} prefix {n}",
                    packet.name()
                );
            }
        }
    }
}

#[test]
fn packet_names() {
    let names: Vec<_> = every_packet().iter().map(Packet::name).collect();
    assert_eq!(
        names,
        [
            "CONNECT",
            "CONNACK",
            "PUBLISH",
            "PUBACK",
            "PUBREC",
            "PUBREL",
            "PUBCOMP",
            "SUBSCRIBE",
            "SUBACK",
            "UNSUBSCRIBE",
            "UNSUBACK",
            "PINGREQ",
            "PINGRESP",
            "DISCONNECT",
            "AUTH"
        ]
    );
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = XorShift::new(0x5EED_1234_ABCD_0001);
    for _ in 0..20_000 {
        let len = rng.below(48);
        let body = rng.bytes(len);
        let first_byte = rng.byte();
        for version in [V31, V311, V5] {
            let _ = assert_consistent(first_byte, &body, version);
        }
        let _ = parse_fixed_header(&body);
        let _ = decode_packet(&body, V5);
    }
}

#[test]
fn random_bodies_for_every_type_never_panic() {
    // Random bodies behind a valid first byte of each type reach deeper into the decoders.
    let mut rng = XorShift::new(42);
    let first_bytes = [
        0x10, 0x20, 0x30, 0x32, 0x34, 0x40, 0x50, 0x62, 0x70, 0x82, 0x90, 0xA2, 0xB0, 0xE0, 0xF0,
    ];
    for _ in 0..5_000 {
        for fb in first_bytes {
            let len = rng.below(40);
            let body = rng.bytes(len);
            for version in [V31, V311, V5] {
                let _ = assert_consistent(fb, &body, version);
            }
        }
    }
}

#[test]
fn mutated_packets_never_panic() {
    let mut rng = XorShift::new(7);
    for version in [V31, V311, V5] {
        let corpus: Vec<Vec<u8>> = every_packet()
            .iter()
            .map(|p| {
                let mut out = Vec::new();
                projected(p, version).encode(version, &mut out);
                out
            })
            .collect();
        for _ in 0..3_000 {
            for original in &corpus {
                let mut b = original.clone();
                for _ in 0..1 + rng.below(3) {
                    match rng.below(4) {
                        0 => {
                            let i = rng.below(b.len());
                            b[i] = rng.byte();
                        }
                        1 => {
                            let i = rng.below(b.len());
                            b[i] ^= 1 << rng.below(8);
                        }
                        2 => b.truncate(rng.below(b.len() + 1)),
                        _ => {
                            let i = rng.below(b.len() + 1);
                            b.insert(i, rng.byte());
                        }
                    }
                    if b.is_empty() {
                        break;
                    }
                }
                let _ = decode_packet(&b, version);
                if let Some((&fb, body)) = b.split_first() {
                    let _ = assert_consistent(fb, body.get(1..).unwrap_or_default(), version);
                }
                // The body as the (possibly mutated) header describes it, cut to what exists.
                if let Ok(Some(h)) = parse_fixed_header(&b) {
                    let end = h.packet_len().min(b.len());
                    let _ = assert_consistent(h.first_byte, &b[h.header_len.min(end)..end], version);
                }
            }
        }
    }
}

#[test]
fn large_publish_uses_a_four_byte_length() {
    let payload = vec![0x5A; 2_097_152];
    let p = PublishRef {
        dup: false,
        qos: 0,
        retain: false,
        topic: "t",
        mid: 0,
        payload: &payload,
        properties: &[],
    };
    let mut out = Vec::new();
    p.encode(V311, &mut out);
    assert_eq!(out.len(), p.encoded_len(V311));
    assert_eq!(&out[..5], &[0x30, 0x83, 0x80, 0x80, 0x01]);
    let (p2, used) = decode_packet(&out, V311).unwrap().unwrap();
    assert_eq!(used, out.len());
    let Packet::Publish(p2) = p2 else { panic!() };
    assert_eq!(p2.payload.len(), payload.len());
    assert!(p2.payload.try_into_mut().unwrap().capacity() > payload.len());
}
