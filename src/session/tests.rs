//! The session on its own: bytes in, bytes and events out, on a clock the tests move by hand.

use std::time::{Duration, Instant};

use super::*;
use crate::protocol::{PropValue, Property, ProtocolVersion};

/// The fake clock's starting point.
#[allow(clippy::disallowed_methods)]
fn t0() -> Instant {
    Instant::now()
}

const CONNECT_V311_NULL_ID: [u8; 14] = [
    0x10, 0x0c, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00,
];
const CONNACK_OK: [u8; 4] = [0x20, 0x02, 0x00, 0x00];

struct Harness {
    s: Session,
    now: Instant,
}

impl Harness {
    fn new(protocol: ProtocolVersion) -> Self {
        let mut opts = ClientOptions::new(None, true);
        opts.protocol = protocol;
        let mut s = Session::new(opts);
        s.set_log_enabled(true);
        Self { s, now: t0() }
    }

    /// Start a connection as a connect call does; returns the CONNECT bytes.
    fn connect(&mut self) -> Vec<u8> {
        self.s.prepare_connect(60);
        self.s.reset_for_connect(self.now);
        self.s.connection_started(self.now);
        self.output()
    }

    /// Connect and accept the CONNACK.
    fn active(protocol: ProtocolVersion) -> Self {
        let mut h = Self::new(protocol);
        h.connect();
        let ack: &[u8] = if protocol.is_v5() {
            &[0x20, 0x03, 0x00, 0x00, 0x00]
        } else {
            &CONNACK_OK
        };
        h.feed(ack).expect("CONNACK");
        assert_eq!(h.s.state(), State::Active);
        h.events();
        h
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<(), DisconnectCause> {
        self.s.handle_bytes(bytes, self.now)
    }

    /// Everything queued for the socket, as if written at once.
    fn output(&mut self) -> Vec<u8> {
        let out = self.s.pending_output().to_vec();
        let closed = self.s.wrote(out.len(), self.now);
        assert!(!closed || out.ends_with(&[0xe0, 0x00]) || out.first() == Some(&0xe0));
        out
    }

    /// Events other than log lines.
    fn events(&mut self) -> Vec<Event> {
        let mut all = Vec::new();
        self.s.drain_events(&mut all);
        all.into_iter()
            .filter(|e| !matches!(e, Event::Log { .. }))
            .collect()
    }

    fn logs(&mut self) -> Vec<String> {
        let mut all = Vec::new();
        self.s.drain_events(&mut all);
        all.into_iter()
            .filter_map(|e| match e {
                Event::Log { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    }

    fn publish(&mut self, topic: &str, payload: &[u8], qos: u8) -> (Option<u16>, Result<(), Error>) {
        self.s.publish(PublishRequest {
            topic: Some(topic.as_bytes()),
            payload,
            qos,
            retain: false,
            properties: Vec::new(),
        })
    }

    fn advance(&mut self, secs: u64) {
        self.now += Duration::from_secs(secs);
    }
}

fn publish_event(mid: u16) -> Event {
    Event::Publish {
        mid,
        reason_code: 0,
        properties: Vec::new(),
        v3_callback: true,
    }
}

#[test]
fn connect_bytes_and_connack() {
    let mut h = Harness::new(ProtocolVersion::V311);
    assert_eq!(h.connect(), CONNECT_V311_NULL_ID);
    assert_eq!(h.s.state(), State::ConnackPending);
    h.feed(&[0x20, 0x02, 0x01, 0x00]).unwrap();
    assert_eq!(h.s.state(), State::Active);
    assert_eq!(
        h.events(),
        vec![Event::Connect {
            rc: 0,
            flags: 1,
            properties: Vec::new()
        }]
    );
}

#[test]
fn v5_connect_announces_receive_maximum() {
    let mut h = Harness::new(ProtocolVersion::V5);
    let out = h.connect();
    // Header, "MQTT", level 5, clean start, keepalive 60, properties: receive maximum 20.
    assert_eq!(
        &out[..15],
        &[
            0x10, 0x10, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x3c, 0x03, 0x21, 0x00
        ]
    );
    assert_eq!(out[15], 20);
}

#[test]
fn refused_connack_reports_then_closes() {
    let mut h = Harness::new(ProtocolVersion::V311);
    h.connect();
    assert_eq!(
        h.feed(&[0x20, 0x02, 0x00, 0x05]),
        Err(DisconnectCause::Error(Error::ConnRefused))
    );
    assert_eq!(
        h.events(),
        vec![Event::Connect {
            rc: 5,
            flags: 0,
            properties: Vec::new()
        }]
    );
    h.s.connection_lost(DisconnectCause::Error(Error::ConnRefused));
    assert_eq!(
        h.events(),
        vec![Event::Disconnect {
            cause: DisconnectCause::Error(Error::ConnRefused)
        }]
    );
    // Exactly once per connection.
    h.s.connection_lost(DisconnectCause::Error(Error::ConnLost));
    assert!(h.events().is_empty());
}

#[test]
fn qos0_publish_completes_when_written() {
    let mut h = Harness::active(ProtocolVersion::V311);
    let (mid, r) = h.publish("a/b", b"hi", 0);
    assert_eq!((mid, r), (Some(1), Ok(())));
    let pending = h.s.pending_output().to_vec();
    assert_eq!(pending, [0x30, 0x07, 0x00, 0x03, b'a', b'/', b'b', b'h', b'i']);
    // Nothing until the last byte is out.
    h.s.wrote(5, h.now);
    assert!(h.events().is_empty());
    h.s.wrote(4, h.now);
    assert_eq!(h.events(), vec![publish_event(1)]);
}

#[test]
fn qos1_and_qos2_outgoing_flows() {
    let mut h = Harness::active(ProtocolVersion::V311);
    assert_eq!(h.publish("t", b"x", 1), (Some(1), Ok(())));
    assert_eq!(h.output(), [0x32, 0x06, 0x00, 0x01, b't', 0x00, 0x01, b'x']);
    h.feed(&[0x40, 0x02, 0x00, 0x01]).unwrap();
    assert_eq!(h.events(), vec![publish_event(1)]);

    assert_eq!(h.publish("t", b"y", 2), (Some(2), Ok(())));
    assert_eq!(h.output(), [0x34, 0x06, 0x00, 0x01, b't', 0x00, 0x02, b'y']);
    h.feed(&[0x50, 0x02, 0x00, 0x02]).unwrap();
    assert_eq!(h.output(), [0x62, 0x02, 0x00, 0x02]);
    assert!(h.events().is_empty(), "PUBREC does not complete a QoS 2 message");
    h.feed(&[0x70, 0x02, 0x00, 0x02]).unwrap();
    assert_eq!(h.events(), vec![publish_event(2)]);
    assert_eq!(h.s.outgoing_len(), 0);
}

#[test]
fn in_flight_limit_queues_and_releases_in_order() {
    let mut h = Harness::active(ProtocolVersion::V311);
    h.s.set_send_maximum(2);
    for i in 0..5u8 {
        assert_eq!(h.publish("t", &[i], 1).1, Ok(()));
    }
    let out = h.output();
    assert_eq!(out.len(), 2 * 8, "two PUBLISH packets on the wire");
    assert_eq!(out[5..7], [0x00, 0x01]);
    assert_eq!(out[13..15], [0x00, 0x02]);
    h.feed(&[0x40, 0x02, 0x00, 0x01]).unwrap();
    let out = h.output();
    assert_eq!(out.len(), 8);
    assert_eq!(out[5..7], [0x00, 0x03], "the oldest queued message goes next");
    assert_eq!(h.s.outgoing_len(), 4);
}

#[test]
fn incoming_qos1_acks_before_the_message_event() {
    let mut h = Harness::active(ProtocolVersion::V311);
    h.feed(&[0x32, 0x06, 0x00, 0x01, b't', 0x00, 0x09, b'm']).unwrap();
    assert_eq!(h.output(), [0x40, 0x02, 0x00, 0x09]);
    let events = h.events();
    let [Event::Message { message }] = events.as_slice() else {
        panic!("{events:?}");
    };
    assert_eq!(
        (
            message.mid,
            message.qos,
            message.topic.as_str(),
            &message.payload[..]
        ),
        (9, 1, "t", &b"m"[..])
    );
}

#[test]
fn incoming_qos2_is_delivered_once_on_pubrel() {
    let mut h = Harness::active(ProtocolVersion::V311);
    let publish = [0x34, 0x06, 0x00, 0x01, b't', 0x00, 0x05, b'm'];
    h.feed(&publish).unwrap();
    assert_eq!(h.output(), [0x50, 0x02, 0x00, 0x05]);
    // The server sends it again (DUP): PUBREC again, still no delivery.
    h.feed(&[0x3c, 0x06, 0x00, 0x01, b't', 0x00, 0x05, b'm']).unwrap();
    assert_eq!(h.output(), [0x50, 0x02, 0x00, 0x05]);
    assert!(h.events().is_empty());
    h.feed(&[0x62, 0x02, 0x00, 0x05]).unwrap();
    assert_eq!(h.output(), [0x70, 0x02, 0x00, 0x05]);
    assert_eq!(h.events().len(), 1);
    // A second PUBREL still gets PUBCOMP, but no second delivery.
    h.feed(&[0x62, 0x02, 0x00, 0x05]).unwrap();
    assert_eq!(h.output(), [0x70, 0x02, 0x00, 0x05]);
    assert!(h.events().is_empty());
}

#[test]
fn publish_without_connection_is_kept_and_resent_with_dup() {
    let mut h = Harness::new(ProtocolVersion::V311);
    assert_eq!(h.publish("t", b"x", 1), (Some(1), Err(Error::NoConn)));
    assert_eq!(
        h.publish("t", b"q0", 0),
        (Some(2), Err(Error::NoConn)),
        "QoS 0 uses a mid too"
    );
    assert_eq!(h.connect(), CONNECT_V311_NULL_ID);
    h.feed(&CONNACK_OK).unwrap();
    assert_eq!(h.output(), [0x3a, 0x06, 0x00, 0x01, b't', 0x00, 0x01, b'x']);
}

#[test]
fn qos2_resumes_with_pubrel_after_reconnect() {
    let mut h = Harness::active(ProtocolVersion::V311);
    assert_eq!(h.publish("t", b"x", 2).1, Ok(()));
    h.output();
    h.feed(&[0x50, 0x02, 0x00, 0x01]).unwrap();
    assert_eq!(h.output(), [0x62, 0x02, 0x00, 0x01]);
    h.s.connection_lost(DisconnectCause::Error(Error::ConnLost));
    assert_eq!(
        h.events(),
        vec![Event::Disconnect {
            cause: DisconnectCause::Error(Error::ConnLost)
        }]
    );
    h.advance(1);
    h.s.reset_for_connect(h.now);
    h.s.connection_started(h.now);
    assert_eq!(h.output(), CONNECT_V311_NULL_ID);
    h.feed(&CONNACK_OK).unwrap();
    assert_eq!(
        h.output(),
        [0x62, 0x02, 0x00, 0x01],
        "PUBREL again, not the PUBLISH"
    );
    h.feed(&[0x70, 0x02, 0x00, 0x01]).unwrap();
    assert!(h.events().contains(&publish_event(1)));
}

#[test]
fn keepalive_pings_then_gives_up() {
    let mut h = Harness::active(ProtocolVersion::V311);
    h.advance(59);
    h.s.handle_timeout(h.now).unwrap();
    assert!(h.output().is_empty());
    h.advance(1);
    assert_eq!(h.s.next_timeout(), Some(h.now));
    h.s.handle_timeout(h.now).unwrap();
    assert_eq!(h.output(), [0xc0, 0x00]);
    // PINGRESP clears the ping; silence for another keepalive sends the next one.
    h.feed(&[0xd0, 0x00]).unwrap();
    h.advance(60);
    h.s.handle_timeout(h.now).unwrap();
    assert_eq!(h.output(), [0xc0, 0x00]);
    // No answer within the keepalive: give up.
    h.advance(60);
    assert_eq!(
        h.s.handle_timeout(h.now),
        Err(DisconnectCause::Error(Error::Keepalive))
    );
}

#[test]
fn keepalive_while_waiting_for_connack() {
    let mut h = Harness::new(ProtocolVersion::V311);
    h.connect();
    h.advance(60);
    assert_eq!(
        h.s.handle_timeout(h.now),
        Err(DisconnectCause::Error(Error::Keepalive))
    );
}

#[test]
fn disconnect_closes_once_written_and_maps_errors() {
    let mut h = Harness::active(ProtocolVersion::V311);
    h.s.disconnect(0, Vec::new()).unwrap();
    assert_eq!(h.s.state(), State::Disconnected);
    assert!(h.s.request_disconnect());
    let out = h.s.pending_output().to_vec();
    assert_eq!(out, [0xe0, 0x00]);
    assert!(
        h.s.wrote(2, h.now),
        "the connection closes once DISCONNECT is out"
    );
    // Any error now counts as the requested disconnect.
    h.s.connection_lost(DisconnectCause::Error(Error::ConnLost));
    assert_eq!(
        h.events(),
        vec![Event::Disconnect {
            cause: DisconnectCause::Requested
        }]
    );
    assert_eq!(h.s.disconnect(0, Vec::new()), Err(Error::NoConn));
}

#[test]
fn packets_split_anywhere_and_coalesced() {
    let mut h = Harness::active(ProtocolVersion::V311);
    let stream = [
        0x30, 0x05, 0x00, 0x01, b'a', b'h', b'i', // QoS 0 "hi" on "a"
        0x30, 0x04, 0x00, 0x01, b'b', b'!', // QoS 0 "!" on "b"
        0xd0, 0x00, // PINGRESP
    ];
    for split in 0..stream.len() {
        let mut h2 = Harness::active(ProtocolVersion::V311);
        h2.feed(&stream[..split]).unwrap();
        h2.feed(&stream[split..]).unwrap();
        assert_eq!(h2.events().len(), 2, "split at {split}");
    }
    for b in stream {
        h.feed(&[b]).unwrap();
    }
    assert_eq!(h.events().len(), 2);
}

#[test]
fn malformed_input_is_an_error_with_a_log_line() {
    let mut h = Harness::active(ProtocolVersion::V311);
    assert_eq!(
        h.feed(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]),
        Err(DisconnectCause::Error(Error::MalformedPacket))
    );
    assert!(h.logs().iter().any(|l| l.contains("malformed PUBLISH")));
    let mut h = Harness::active(ProtocolVersion::V311);
    assert_eq!(
        h.feed(&[0x00, 0x00]),
        Err(DisconnectCause::Error(Error::Protocol))
    );
    assert!(h.logs().iter().any(|l| l == "Error: Unrecognised command 0\n"));
    let mut h = Harness::active(ProtocolVersion::V311);
    assert_eq!(
        h.feed(&[0x40, 0x02, 0x00, 0x00]),
        Err(DisconnectCause::Error(Error::Protocol)),
        "mid 0"
    );
    let mut h = Harness::new(ProtocolVersion::V311);
    h.connect();
    assert_eq!(
        h.feed(&[0x30, 0x04, 0x00, 0x01, b'a', b'!']),
        Err(DisconnectCause::Error(Error::Protocol)),
        "PUBLISH before CONNACK"
    );
}

#[test]
fn unknown_acks_are_ignored_but_answered() {
    let mut h = Harness::active(ProtocolVersion::V311);
    h.feed(&[0x40, 0x02, 0x00, 0x33]).unwrap();
    h.feed(&[0x70, 0x02, 0x00, 0x34]).unwrap();
    assert!(h.events().is_empty());
    h.feed(&[0x50, 0x02, 0x00, 0x35]).unwrap();
    assert_eq!(h.output(), [0x62, 0x02, 0x00, 0x35]);
    assert!(
        h.logs()
            .iter()
            .any(|l| l.contains("unknown packet identifier 53"))
    );
}

#[test]
fn message_ids_wrap_past_zero() {
    let mut h = Harness::active(ProtocolVersion::V311);
    h.s.last_mid = u16::MAX - 1;
    assert_eq!(h.publish("t", b"", 0).0, Some(u16::MAX));
    assert_eq!(h.publish("t", b"", 0).0, Some(1));
}

#[test]
fn v5_connack_limits_apply() {
    let mut h = Harness::new(ProtocolVersion::V5);
    h.connect();
    // Receive maximum 1, maximum QoS 1, retain unavailable, maximum packet size 30.
    h.feed(&[
        0x20, 0x0f, 0x00, 0x00, 0x0c, 0x21, 0x00, 0x01, 0x24, 0x01, 0x25, 0x00, 0x27, 0x00, 0x00, 0x00, 0x1e,
    ])
    .unwrap();
    let events = h.events();
    assert!(matches!(&events[0], Event::Connect { rc: 0, properties, .. } if properties.len() == 4));
    assert_eq!(h.publish("t", b"x", 2), (None, Err(Error::QosNotSupported)));
    assert_eq!(h.publish("t", &[0; 40], 1), (None, Err(Error::OversizePacket)));
    assert_eq!(h.publish("t", b"a", 1).1, Ok(()));
    assert_eq!(h.publish("t", b"b", 1).1, Ok(()));
    let out = h.output();
    assert_eq!(out[0], 0x32, "retain dropped, QoS 1");
    assert_eq!(out.len(), 9, "only one message in flight: {out:02x?}");
}

#[test]
fn v5_server_disconnect_carries_its_reason() {
    let mut h = Harness::active(ProtocolVersion::V5);
    assert_eq!(h.feed(&[0xe0, 0x01, 0x8b]), Err(DisconnectCause::Server(0x8b)));
    assert_eq!(h.s.state(), State::Disconnected);
    assert!(h.logs().iter().any(|l| l == "Received DISCONNECT (139)"));
    let mut h = Harness::active(ProtocolVersion::V311);
    assert_eq!(
        h.feed(&[0xe0, 0x00]),
        Err(DisconnectCause::Error(Error::Protocol))
    );
}

#[test]
fn v5_assigned_client_id_is_adopted() {
    let mut h = Harness::new(ProtocolVersion::V5);
    h.connect();
    h.feed(&[0x20, 0x08, 0x00, 0x00, 0x05, 0x12, 0x00, 0x02, b'i', b'd'])
        .unwrap();
    assert_eq!(h.s.opts.client_id.as_deref(), Some("id"));
    assert!(h.logs().iter().any(|l| l == "Client id received CONNACK (0)"));
}

#[test]
fn subscribe_and_unsubscribe_bytes() {
    let mut h = Harness::active(ProtocolVersion::V311);
    assert_eq!(h.s.subscribe(&[b"a/#"], 1, 0x04, Vec::new()), Ok(1));
    assert_eq!(
        h.output(),
        [0x82, 0x08, 0x00, 0x01, 0x00, 0x03, b'a', b'/', b'#', 0x01],
        "options dropped for 3.1.1"
    );
    assert_eq!(h.s.unsubscribe(&[b"a/#"], Vec::new()), Ok(2));
    assert_eq!(h.output(), [0xa2, 0x07, 0x00, 0x02, 0x00, 0x03, b'a', b'/', b'#']);
    assert_eq!(h.s.subscribe(&[b"a/#b"], 0, 0, Vec::new()), Err(Error::Inval));
    assert_eq!(h.s.subscribe(&[b"a"], 3, 0, Vec::new()), Err(Error::Inval));
    let props = vec![Property {
        id: 11,
        value: PropValue::VarInt(5),
    }];
    assert_eq!(h.s.subscribe(&[b"a"], 0, 0, props), Err(Error::NotSupported));
}

#[test]
fn message_ids_skip_those_still_in_flight() {
    let mut h = Harness::active(ProtocolVersion::V311);
    h.s.last_mid = u16::MAX - 1;
    assert_eq!(h.publish("t", b"x", 1).0, Some(u16::MAX));
    assert_eq!(h.publish("t", b"x", 1).0, Some(1));
    h.s.last_mid = u16::MAX - 1;
    // 65535 and 1 wait for PUBACK; QoS 0 and subscriptions share the counter.
    assert_eq!(h.publish("t", b"x", 0).0, Some(2));
    h.output();
    h.feed(&[0x40, 0x02, 0xff, 0xff]).unwrap();
    h.s.last_mid = u16::MAX - 1;
    assert_eq!(
        h.publish("t", b"x", 1).0,
        Some(u16::MAX),
        "free again once acknowledged"
    );
}

#[test]
fn publish_while_a_connection_is_being_made_succeeds_and_waits_for_connack() {
    let mut h = Harness::active(ProtocolVersion::V311);
    assert_eq!(h.publish("t", b"a", 1), (Some(1), Ok(())));
    h.output();
    h.s.connection_lost(DisconnectCause::Error(Error::ConnLost));
    h.events();
    assert_eq!(h.publish("t", b"b", 1), (Some(2), Err(Error::NoConn)));
    h.s.reset_for_connect(h.now);
    assert_eq!(h.publish("t", b"c", 1), (Some(3), Ok(())));
    assert_eq!(h.publish("t", b"d", 0), (Some(4), Ok(())));
    assert!(h.output().is_empty(), "no socket yet");
    h.s.connection_started(h.now);
    assert_eq!(
        h.output(),
        [&CONNECT_V311_NULL_ID[..], &[0x30, 0x04, 0x00, 0x01, b't', b'd']].concat(),
        "CONNECT, then the QoS 0 message; the others wait for CONNACK"
    );
    h.feed(&CONNACK_OK).unwrap();
    assert_eq!(
        h.output(),
        [
            &[0x3a, 0x06, 0x00, 0x01, b't', 0x00, 0x01, b'a'][..],
            &[0x3a, 0x06, 0x00, 0x01, b't', 0x00, 0x02, b'b'],
            &[0x32, 0x06, 0x00, 0x01, b't', 0x00, 0x03, b'c'],
        ]
        .concat()
    );
}

#[test]
fn a_large_packet_gives_its_buffer_back_once_complete() {
    let mut h = Harness::active(ProtocolVersion::V311);
    let mut packet = vec![0x30, 0x83, 0x80, 0x04, 0x00, 0x01, b't'];
    packet.resize(4 + 0x10003, b'p');
    h.feed(&packet[..40_000]).unwrap();
    assert!(h.s.inbuf.capacity() >= 40_000);
    h.feed(&packet[40_000..]).unwrap();
    assert_eq!(h.events().len(), 1);
    assert_eq!(h.s.inbuf.capacity(), 0);
    h.feed(&packet[..40_000]).unwrap();
    h.s.connection_lost(DisconnectCause::Error(Error::ConnLost));
    assert_eq!(
        h.s.inbuf.capacity(),
        0,
        "a partial packet is dropped with its memory"
    );
}
