//! Protocol errors after CONNECT: what each bad packet gets (a v5 DISCONNECT with which reason
//! code, or a silent close), framing errors, topic aliases, size limits, keepalive.

use std::time::Duration;

use crate::harness::{Conf, Ctx, same, same_except, same_rewritten};
use crate::packets::{Connect, Props, Publish, V, disconnect, packet, prop, puback, subscribe};

/// Builds a packet for a protocol version.
type Make<'a> = &'a (dyn Fn(V) -> Vec<u8> + Sync);

/// Each bad packet on a fresh connection of each version: what comes back, and the log.
fn each_packet(ctx: &Ctx<'_>, versions: &[V], cases: &[(&str, Make<'_>)]) {
    for &v in versions {
        for (i, (name, make)) in cases.iter().enumerate() {
            let id = format!("e{i}{v:?}");
            let mut c = ctx.client(&format!("{v:?} {name}"), Connect::new(v, &id).bytes());
            c.send(make(v));
            c.end();
            c.drop_link();
            ctx.sleep(Duration::from_millis(100));
        }
    }
    ctx.logs();
}

/// Run `cases` on both brokers (with [`each_packet`]); ours must give `reason` (a v5
/// DISCONNECT, or `None` for a silent close) and log `why` for each, whatever the reference
/// does (2.0.11, where it differs from 2.0.20).
fn ours_as_2020(conf: &Conf, versions: &[V], cases: &[(&str, Make<'_>, Option<&str>, &str)]) {
    let plain: Vec<(&str, Make<'_>)> = cases.iter().map(|(n, f, _, _)| (*n, *f)).collect();
    let (reference, ours) = crate::harness::both(conf, |ctx| each_packet(ctx, versions, &plain));
    let mut want = Vec::new();
    let mut logs = Vec::new();
    for &v in versions {
        let connack = if v.is5() {
            "20 09 00 00 06 22 00 0a 21 00 14"
        } else {
            "20 02 00 00"
        };
        for (i, (name, _, reason, why)) in cases.iter().enumerate() {
            want.push(format!("{v:?} {name}: {connack}"));
            if let (true, Some(reason)) = (v.is5(), reason) {
                want.push(format!("{v:?} {name}: {reason}"));
            }
            want.push(format!("{v:?} {name}: closed"));
            let id = format!("e{i}{v:?}");
            logs.push(format!(
                "log: New client connected from 127.0.0.1 as {id} (p{}, c1, k60).",
                match v {
                    V::V31 => 1,
                    V::V311 => 2,
                    V::V5 => 5,
                }
            ));
            logs.push(format!("log: Sending CONNACK to {id} (0, 0)"));
            logs.push(why.replace("{id}", &id));
        }
    }
    want.extend(logs);
    assert!(
        ours == want,
        "ours (- expected, + seen):\n{}\nreference:\n{}",
        crate::harness::side_by_side(&want, &ours),
        reference.join("\n")
    );
}

#[test]
fn framing_errors() {
    // A remaining length of five bytes and a 3.x DISCONNECT with a body: closed silently
    // (2.0.20 logs a malformed packet, 2.0.11 a protocol error).
    let script = |ctx: &mut Ctx<'_>| {
        each_packet(
            ctx,
            &[V::V31, V::V311, V::V5],
            &[
                ("remaining length of 5 bytes", &|_| {
                    vec![0x30, 0xff, 0xff, 0xff, 0xff, 0x01]
                }),
                ("second connect", &|v| Connect::new(v, "again").bytes()),
                ("disconnect with a body (3.x)", &|_| vec![0xe0, 0x01, 0x00]),
            ],
        );
    };
    same_rewritten(&Conf::new(), script, |l| {
        if l.contains("e1") {
            l.to_owned()
        } else {
            l.replace("protocol error", "malformed packet")
        }
    });
}

#[test]
fn fixed_sizes_changed_in_2_0_12() {
    // Since 2.0.12 a PINGREQ with a body, and a 3.x acknowledgement of another length than 2,
    // close the connection silently (2.0.11 answered them).
    let malformed = "log: Client {id} disconnected due to malformed packet.";
    ours_as_2020(
        &Conf::new(),
        &[V::V311, V::V5],
        &[(
            "pingreq with a body",
            &|_| vec![0xc0, 0x01, 0x00],
            None,
            malformed,
        )],
    );
    ours_as_2020(
        &Conf::new(),
        &[V::V31, V::V311],
        &[
            (
                "puback of 3 bytes",
                &|_| vec![0x40, 0x03, 0x00, 0x01, 0x00],
                None,
                malformed,
            ),
            ("puback of 1 byte", &|_| vec![0x40, 0x01, 0x00], None, malformed),
            (
                "pubrel of 3 bytes",
                &|_| vec![0x62, 0x03, 0x00, 0x01, 0x00],
                None,
                malformed,
            ),
            ("pubrec of 0 bytes", &|_| vec![0x50, 0x00], None, malformed),
        ],
    );
}

#[test]
fn packet_type_errors() {
    same(&Conf::new(), |ctx| {
        each_packet(
            ctx,
            &[V::V311, V::V5],
            &[
                ("type 0", &|_| vec![0x00, 0x00]),
                ("connack", &|_| vec![0x20, 0x02, 0x00, 0x00]),
            ],
        );
    });
}

#[test]
fn server_packets_from_a_client() {
    // SUBACK, UNSUBACK and PINGRESP from a client that is not a bridge: a protocol error in
    // 2.0.20 (2.0.11 ignored them from 3.x clients and PINGRESP from any).
    let protocol = "log: Client {id} disconnected due to protocol error.";
    ours_as_2020(
        &Conf::new(),
        &[V::V311, V::V5],
        &[
            (
                "suback",
                &|_| vec![0x90, 0x03, 0x00, 0x01, 0x00],
                Some("e0 01 82"),
                protocol,
            ),
            (
                "unsuback",
                &|_| vec![0xb0, 0x02, 0x00, 0x01],
                Some("e0 01 82"),
                protocol,
            ),
            ("pingresp", &|_| vec![0xd0, 0x00], Some("e0 01 82"), protocol),
        ],
    );
}

#[test]
fn publish_errors() {
    same(&Conf::new(), |ctx| {
        each_packet(
            ctx,
            &[V::V311, V::V5],
            &[
                ("qos 3", &|v| Publish::new(v, "t", b"x").qos(3, 1).bytes()),
                ("qos 1 mid 0", &|v| Publish::new(v, "t", b"x").qos(1, 0).bytes()),
                ("qos 2 mid 0", &|v| Publish::new(v, "t", b"x").qos(2, 0).bytes()),
                ("bad utf8 topic", &|v| {
                    Publish::new(v, "t", b"x").raw_topic(b"a\xffb").bytes()
                }),
                ("nul in topic", &|v| {
                    Publish::new(v, "t", b"x").raw_topic(b"a\0b").bytes()
                }),
                ("truncated topic", &|_| packet(0x30, &[0x00, 0x05, b'a'])),
                ("truncated mid", &|_| packet(0x32, &[0x00, 0x01, b'a', 0x00])),
            ],
        );
    });
}

#[test]
fn publish_errors_changed_in_2_0_20() {
    // 2.0.20: a wildcard or empty topic (no alias) is malformed (2.0.11: protocol error); QoS 0
    // with DUP is malformed (2.0.11 took it).
    let script = |ctx: &mut Ctx<'_>| {
        each_packet(
            ctx,
            &[V::V5],
            &[
                ("wildcard topic", &|v| Publish::new(v, "a/#", b"x").bytes()),
                ("plus topic", &|v| Publish::new(v, "+", b"x").qos(1, 1).bytes()),
                ("empty topic", &|v| Publish::new(v, "", b"x").bytes()),
                ("qos 0 dup", &|v| Publish::new(v, "t", b"x").dup().bytes()),
            ],
        );
    };
    same_except(
        &Conf::new(),
        script,
        &[
            "V5 wildcard topic: e0 01 82",
            "V5 plus topic: e0 01 82",
            "V5 empty topic: e0 01 82",
            "V5 qos 0 dup: open",
            "log: Client e3V5 closed its connection.",
            "log: Client e0V5 disconnected due to protocol error.",
            "log: Client e1V5 disconnected due to protocol error.",
            "log: Client e2V5 disconnected due to protocol error.",
        ],
        &[
            "V5 wildcard topic: e0 01 81",
            "V5 plus topic: e0 01 81",
            "V5 empty topic: e0 01 81",
            "V5 qos 0 dup: e0 01 81",
            "V5 qos 0 dup: closed",
            "log: Client e0V5 disconnected due to malformed packet.",
            "log: Client e1V5 disconnected due to malformed packet.",
            "log: Client e2V5 disconnected due to malformed packet.",
            "log: Client e3V5 disconnected due to malformed packet.",
        ],
    );
}

#[test]
fn publish_errors_v3_topics() {
    // Closed in both; 2.0.20 logs a malformed packet (2.0.11 a protocol error).
    let script = |ctx: &mut Ctx<'_>| {
        each_packet(
            ctx,
            &[V::V31, V::V311],
            &[
                ("wildcard topic", &|v| Publish::new(v, "a/#", b"x").bytes()),
                ("empty topic", &|v| Publish::new(v, "", b"x").qos(1, 1).bytes()),
            ],
        );
    };
    same_rewritten(&Conf::new(), script, |l| {
        l.replace("protocol error", "malformed packet")
    });
}

#[test]
fn publish_property_errors() {
    same(&Conf::new(), |ctx| {
        let p = |props: Props| move |v| Publish::new(v, "t", b"x").qos(1, 1).props(props.clone()).bytes();
        let unknown = p(Props::new().byte(0x7f, 1));
        let cut = p(Props::new().raw(&[prop::MESSAGE_EXPIRY, 0, 0]));
        let alias_too_big = p(Props::new().u16(prop::TOPIC_ALIAS, 11));
        let unknown_alias = |v| {
            Publish::new(v, "", b"x")
                .props(Props::new().u16(prop::TOPIC_ALIAS, 3))
                .bytes()
        };
        each_packet(
            ctx,
            &[V::V5],
            &[
                ("unknown property", &unknown),
                ("cut property", &cut),
                ("alias above maximum", &alias_too_big),
                ("unknown alias", &unknown_alias),
            ],
        );
    });
}

#[test]
fn publish_property_errors_changed_in_2_0_20() {
    // 2.0.20 answers property errors in PUBLISH with 0x82 (2.0.11: 0x81, or a silent close for
    // a duplicate) and refuses a wildcard Response Topic; a Subscription Identifier from a
    // client is refused too (MQTT-3.3.4-6; 2.0.11 took it).
    let p = |props: Props| move |v| Publish::new(v, "t", b"x").qos(1, 1).props(props.clone()).bytes();
    let format2 = p(Props::new().byte(prop::PAYLOAD_FORMAT, 2));
    let alias0 = p(Props::new().u16(prop::TOPIC_ALIAS, 0));
    let duplicate = p(Props::new()
        .u32(prop::MESSAGE_EXPIRY, 1)
        .u32(prop::MESSAGE_EXPIRY, 2));
    let disallowed = p(Props::new().u32(prop::SESSION_EXPIRY, 1));
    let response_wildcard = p(Props::new().str(prop::RESPONSE_TOPIC, "a/#"));
    let sub_id = p(Props::new().var(prop::SUBSCRIPTION_ID, 1));
    let protocol = "log: Client {id} disconnected due to protocol error.";
    let e = Some("e0 01 82");
    ours_as_2020(
        &Conf::new(),
        &[V::V5],
        &[
            ("payload format 2", &format2, e, protocol),
            ("alias 0", &alias0, e, protocol),
            (
                "duplicate expiry",
                &duplicate,
                e,
                "log: Bad socket read/write on client {id}: Duplicate property in property list",
            ),
            ("session expiry", &disallowed, e, protocol),
            ("wildcard response topic", &response_wildcard, e, protocol),
            ("subscription identifier", &sub_id, e, protocol),
        ],
    );
}

#[test]
fn topic_aliases() {
    same(&Conf::new(), |ctx| {
        let mut s = ctx.client("sub", Connect::new(V::V5, "alias-sub").bytes());
        s.send(subscribe(V::V5, 1, &[("al/#", 0)], Props::new()));
        s.recv();
        let mut p = ctx.client("pub", Connect::new(V::V5, "alias-pub").bytes());
        let alias = |n| Props::new().u16(prop::TOPIC_ALIAS, n);
        p.send(Publish::new(V::V5, "al/one", b"1").props(alias(1)).bytes());
        s.recv();
        p.send(Publish::new(V::V5, "", b"2").props(alias(1)).bytes());
        s.recv();
        // Re-pointed.
        p.send(Publish::new(V::V5, "al/two", b"3").props(alias(1)).bytes());
        s.recv();
        p.send(Publish::new(V::V5, "", b"4").props(alias(1)).bytes());
        s.recv();
        p.send(Publish::new(V::V5, "al/ten", b"5").props(alias(10)).bytes());
        s.recv();
        p.send(Publish::new(V::V5, "", b"6").qos(1, 1).props(alias(10)).bytes());
        s.recv();
        p.recv();
        // Aliases belong to the connection: a new one knows none.
        p.send(disconnect(V::V5, 0, Props::new()));
        p.end();
        let mut p = ctx.client("pub again", Connect::new(V::V5, "alias-pub").bytes());
        p.send(Publish::new(V::V5, "", b"7").props(alias(1)).bytes());
        p.end();
        s.quiet();
        ctx.logs();
    });
}

#[test]
fn topic_alias_maximum_zero() {
    let conf = Conf::new().listener("max_topic_alias 0");
    same(&conf, |ctx| {
        let mut p = ctx.client("pub", Connect::new(V::V5, "noalias").bytes());
        p.send(
            Publish::new(V::V5, "t", b"x")
                .props(Props::new().u16(prop::TOPIC_ALIAS, 1))
                .bytes(),
        );
        p.end();
        ctx.logs();
    });
}

#[test]
fn limits_on_publish() {
    let conf = Conf::new().global("retain_available false").listener("max_qos 1");
    same(&conf, |ctx| {
        each_packet(
            ctx,
            &[V::V311, V::V5],
            &[
                ("qos 2", &|v| Publish::new(v, "t", b"x").qos(2, 1).bytes()),
                ("retain", &|v| Publish::new(v, "t", b"x").retain().bytes()),
                ("qos 1", &|v| Publish::new(v, "t", b"x").qos(1, 1).bytes()),
            ],
        );
    });
}

#[test]
fn maximum_packet_size_inbound() {
    let conf = Conf::new().global("max_packet_size 100");
    same(&conf, |ctx| {
        each_packet(
            ctx,
            &[V::V311, V::V5],
            &[
                ("publish of 101 bytes", &|v| {
                    let mut b = Publish::new(v, "t", &[]).bytes();
                    let pad = 101 - b.len();
                    b = Publish::new(v, "t", &vec![b'x'; pad]).bytes();
                    b
                }),
                ("publish of 100 bytes", &|v| {
                    let b = Publish::new(v, "t", &[]).bytes();
                    Publish::new(v, "t", &vec![b'x'; 100 - b.len()]).bytes()
                }),
                // Refused from the fixed header, before the body arrives.
                ("header announcing 1000 bytes", &|_| vec![0x30, 0xe8, 0x07]),
            ],
        );
    });
}

#[test]
fn ack_errors_changed_in_2_0_20() {
    // 2.0.12-2.0.20 check acknowledgement flags, mid 0, reason codes and PINGREQ flags, and
    // send a v5 DISCONNECT for them; 2.0.11 did not.
    let malformed = "log: Client {id} disconnected due to malformed packet.";
    let protocol = "log: Client {id} disconnected due to protocol error.";
    ours_as_2020(
        &Conf::new(),
        &[V::V5],
        &[
            ("puback mid 0", &|_| puback(0), Some("e0 01 82"), protocol),
            (
                "puback flags",
                &|_| vec![0x41, 0x02, 0x00, 0x01],
                Some("e0 01 81"),
                malformed,
            ),
            (
                "pubrel flags 0",
                &|_| vec![0x60, 0x02, 0x00, 0x01],
                Some("e0 01 81"),
                malformed,
            ),
            (
                "puback reason 0x05",
                &|_| vec![0x40, 0x03, 0x00, 0x01, 0x05],
                Some("e0 01 82"),
                protocol,
            ),
            (
                "pingreq flags",
                &|_| vec![0xc1, 0x00],
                Some("e0 01 81"),
                malformed,
            ),
            (
                "disconnect flags",
                &|_| vec![0xe1, 0x00],
                Some("e0 01 81"),
                malformed,
            ),
            (
                "auth without method",
                &|_| vec![0xf0, 0x00],
                Some("e0 01 82"),
                protocol,
            ),
        ],
    );
}

#[test]
fn keepalive_timeout() {
    // Keepalive 1: closed after 1.5 s without a packet, checked every few seconds; no
    // DISCONNECT for v5.
    same(&Conf::new(), |ctx| {
        let mut v5 = ctx.client("v5", Connect::new(V::V5, "ka5").keepalive(1).bytes());
        let mut v3 = ctx.client("v311", Connect::new(V::V311, "ka3").keepalive(1).bytes());
        let mut alive = ctx.client("alive", Connect::new(V::V311, "ka-alive").keepalive(2).bytes());
        for _ in 0..8 {
            alive.send(crate::packets::pingreq());
            alive.recv();
            ctx.sleep(Duration::from_millis(1000));
        }
        v5.end();
        v3.end();
        alive.send(crate::packets::pingreq());
        alive.recv();
        ctx.logs();
    });
}

#[test]
fn connection_reset() {
    // A reset is the client closing its connection.
    same(&Conf::new(), |ctx| {
        let c = ctx.client(
            "v311",
            Connect::new(V::V311, "reset3")
                .will("rst/3", b"w", 0, false)
                .bytes(),
        );
        c.reset();
        ctx.sleep(Duration::from_millis(200));
        let c = ctx.client("v5", Connect::new(V::V5, "reset5").bytes());
        c.reset();
        ctx.sleep(Duration::from_millis(200));
        ctx.logs();
    });
}
