//! Messages: QoS 0, 1 and 2 in both directions, acknowledgements, resending on reconnection,
//! offline queues and their limits, in-flight windows, overlapping subscriptions, forwarded
//! properties and message expiry.

use std::time::Duration;

use crate::harness::{Conf, Conn, Ctx, Got, WAIT, known_difference, publish_mid, same, same_except};
use crate::packets::{
    Connect, Props, Publish, V, disconnect, prop, puback, pubcomp, pubrec, pubrel, subscribe,
};

/// A connected client that subscribed to `filters` (SUBACK recorded).
fn subscriber(ctx: &Ctx<'_>, name: &str, c: Connect, filters: &[(&str, u8)], props: Props) -> Conn {
    let v = c.v;
    let mut s = ctx.client(name, c.bytes());
    s.send(subscribe(v, 1, filters, props));
    s.recv();
    s
}

#[test]
fn qos_both_directions() {
    same(&Conf::new(), |ctx| {
        for sv in [V::V311, V::V5] {
            for pv in [V::V31, V::V311, V::V5] {
                let tag = format!("{sv:?}<-{pv:?}");
                let mut s = subscriber(
                    ctx,
                    &format!("sub {tag}"),
                    Connect::new(sv, "s"),
                    &[("q/0", 0), ("q/1", 1), ("q/2", 2)],
                    Props::new(),
                );
                let mut p = ctx.client(&format!("pub {tag}"), Connect::new(pv, "p").bytes());
                for (sub_qos, topic) in [(0u8, "q/0"), (1, "q/1"), (2, "q/2")] {
                    for qos in 0..=2u8 {
                        let mid = u16::from(sub_qos * 3 + qos + 1);
                        p.send(Publish::new(pv, topic, &[b'0' + qos]).qos(qos, mid).bytes());
                        match qos {
                            1 => {
                                p.recv();
                            }
                            2 => {
                                p.recv();
                                p.send(pubrel(mid));
                                p.recv();
                            }
                            _ => {}
                        }
                        match s.recv() {
                            Got::Packet(pk) if pk[0] & 0x06 == 0x02 => {
                                s.send(puback(publish_mid(&pk)));
                            }
                            Got::Packet(pk) if pk[0] & 0x06 == 0x04 => {
                                let mid = publish_mid(&pk);
                                s.send(pubrec(mid));
                                s.recv();
                                s.send(pubcomp(mid));
                            }
                            _ => {}
                        }
                    }
                }
                p.send(disconnect(pv, 0, Props::new()));
                p.end();
                s.quiet();
                s.send(disconnect(sv, 0, Props::new()));
                s.end();
            }
        }
        ctx.logs();
    });
}

#[test]
fn puback_without_subscribers() {
    same(&Conf::new(), |ctx| {
        let mut p = ctx.client("v5", Connect::new(V::V5, "nosub").bytes());
        p.send(Publish::new(V::V5, "nobody/here", b"x").qos(1, 1).bytes());
        p.recv();
        p.send(Publish::new(V::V5, "nobody/here", b"x").qos(2, 2).bytes());
        p.recv();
        p.send(pubrel(2));
        p.recv();
        let mut s = subscriber(
            ctx,
            "shared",
            Connect::new(V::V5, "sh"),
            &[("$share/g/some/t", 1)],
            Props::new(),
        );
        p.send(Publish::new(V::V5, "some/t", b"x").qos(1, 3).bytes());
        s.recv();
        p.recv();
        let mut p3 = ctx.client("v311", Connect::new(V::V311, "nosub3").bytes());
        p3.send(Publish::new(V::V311, "nobody/here", b"x").qos(1, 1).bytes());
        p3.recv();
        // The retained message is kept although nobody subscribes.
        p.send(
            Publish::new(V::V5, "nobody/kept", b"r")
                .qos(1, 4)
                .retain()
                .bytes(),
        );
        p.recv();
    });
}

#[test]
fn own_message_before_puback() {
    same(&Conf::new(), |ctx| {
        for v in [V::V311, V::V5] {
            let mut c = subscriber(
                ctx,
                &format!("{v:?}"),
                Connect::new(v, "self"),
                &[("me", 1)],
                Props::new(),
            );
            c.send(Publish::new(v, "me", b"hi").qos(1, 7).bytes());
            c.recv();
            c.recv();
            c.send(disconnect(v, 0, Props::new()));
            c.end();
        }
        ctx.logs();
    });
}

#[test]
fn qos2_inbound_repeats_and_unknown_pubrel() {
    // An unknown PUBREL gets PUBCOMP; the same QoS 2 PUBLISH again before PUBREL gets PUBREC
    // once more, a third copy is a protocol error.
    same(&Conf::new(), |ctx| {
        let mut s = subscriber(
            ctx,
            "sub",
            Connect::new(V::V311, "s2"),
            &[("r/#", 2)],
            Props::new(),
        );
        let mut p = ctx.client("pub", Connect::new(V::V5, "p2").bytes());
        p.send(pubrel(99));
        p.recv();
        let msg = Publish::new(V::V5, "r/1", b"once").qos(2, 5);
        p.send(msg.bytes());
        p.recv();
        p.send(msg.clone().dup().bytes());
        p.recv();
        s.quiet();
        p.send(msg.dup().bytes());
        p.end();
        s.quiet();
        let mut p = ctx.client("pub v311", Connect::new(V::V311, "p3").bytes());
        let msg = Publish::new(V::V311, "r/2", b"once").qos(2, 6);
        p.send(msg.bytes());
        p.recv();
        p.send(msg.clone().dup().bytes());
        p.recv();
        p.send(msg.dup().bytes());
        p.end();
    });
}

#[test]
fn outgoing_acks_and_unknown_ids() {
    same(&Conf::new(), |ctx| {
        for v in [V::V311, V::V5] {
            let mut s = subscriber(
                ctx,
                &format!("{v:?} sub"),
                Connect::new(v, "oa"),
                &[("oa/#", 2)],
                Props::new(),
            );
            let mut p = ctx.client("pub", Connect::new(V::V311, "oap").bytes());
            // PUBACK and PUBCOMP for ids never used: a warning, no disconnect.
            s.send(puback(4000));
            s.send(pubcomp(4001));
            s.send(pubrec(4002));
            s.recv();
            p.send(Publish::new(V::V311, "oa/2", b"two").qos(2, 1).bytes());
            p.recv();
            p.send(pubrel(1));
            p.recv();
            s.recv();
            s.send(pubrec(1));
            s.recv();
            s.send(pubcomp(1));
            p.send(Publish::new(V::V311, "oa/1", b"one").qos(1, 2).bytes());
            p.recv();
            s.recv();
            s.send(puback(2));
            s.send(disconnect(v, 0, Props::new()));
            s.end();
        }
    });
}

#[test]
fn resend_on_reconnect() {
    same(&Conf::new(), |ctx| {
        for v in [V::V311, V::V5] {
            let id = format!("dupper{v:?}");
            let c = if v.is5() {
                Connect::new(v, &id).clean(false).expiry(300)
            } else {
                Connect::new(v, &id).clean(false)
            };
            let s = subscriber(
                ctx,
                &format!("{v:?} first"),
                c.clone(),
                &[("d/#", 2)],
                Props::new(),
            );
            let mut p = ctx.client("pub", Connect::new(V::V311, "dp").bytes());
            p.send(Publish::new(V::V311, "d/1", b"qos1").qos(1, 1).bytes());
            p.recv();
            p.send(Publish::new(V::V311, "d/2", b"qos2").qos(2, 2).bytes());
            p.recv();
            p.send(pubrel(2));
            p.recv();
            p.send(Publish::new(V::V311, "d/3", b"qos2 again").qos(2, 3).bytes());
            p.recv();
            p.send(pubrel(3));
            p.recv();
            let mut s = s;
            let mut mids = Vec::new();
            for _ in 0..3 {
                if let Got::Packet(pk) = s.recv() {
                    mids.push(publish_mid(&pk));
                }
            }
            // The second QoS 2 message gets its PUBREC: PUBREL follows, and again after the
            // reconnection.
            if let [m1, m2, m3] = mids[..] {
                s.send(pubrec(m3));
                s.recv();
                s.drop_link();
                ctx.sleep(Duration::from_millis(200));
                let mut s = ctx.client(&format!("{v:?} second"), c.bytes());
                s.recv_n(3);
                s.send(puback(m1));
                s.send(pubrec(m2));
                s.recv();
                s.send(pubcomp(m2));
                s.send(pubcomp(m3));
                s.quiet();
                s.send(disconnect(v, 0, Props::new()));
                s.end();
            }
            p.send(disconnect(V::V311, 0, Props::new()));
            p.end();
        }
        ctx.logs();
    });
}

#[test]
fn offline_queue_order_and_qos0() {
    same(&Conf::new(), |ctx| {
        let c = Connect::new(V::V311, "offline").clean(false);
        let mut s = subscriber(ctx, "sub", c.clone(), &[("o/#", 2)], Props::new());
        s.send(disconnect(V::V311, 0, Props::new()));
        s.end();
        let mut p = ctx.client("pub", Connect::new(V::V311, "op").bytes());
        for i in 0..9u16 {
            let qos = (i % 3) as u8;
            p.send(
                Publish::new(V::V311, &format!("o/{i}"), format!("m{i}").as_bytes())
                    .qos(qos, i + 1)
                    .bytes(),
            );
            if qos == 1 {
                p.recv();
            } else if qos == 2 {
                p.recv();
                p.send(pubrel(i + 1));
                p.recv();
            }
        }
        let mut s = ctx.client("back", c.bytes());
        for _ in 0..6 {
            if let Got::Packet(pk) = s.recv() {
                let mid = publish_mid(&pk);
                if pk[0] & 0x06 == 0x02 {
                    s.send(puback(mid));
                } else {
                    s.send(pubrec(mid));
                    s.recv();
                    s.send(pubcomp(mid));
                }
            }
        }
        s.quiet();
    });
}

#[test]
fn queue_limits() {
    let conf = Conf::new().global("max_queued_messages 2");
    same(&conf, |ctx| {
        let c = Connect::new(V::V5, "ql").clean(false).expiry(100);
        let mut s = subscriber(ctx, "sub", c.clone(), &[("ql", 1)], Props::new());
        s.send(disconnect(V::V5, 0, Props::new()));
        s.end();
        let mut p = ctx.client("pub", Connect::new(V::V311, "qlp").bytes());
        for i in 1..=5u16 {
            p.send(
                Publish::new(V::V311, "ql", format!("{i}").as_bytes())
                    .qos(1, i)
                    .bytes(),
            );
            p.recv();
        }
        let mut s = ctx.client("back", c.bytes());
        s.recv_n(2);
        s.quiet();
        ctx.close_all_and_log(vec![p, s]);
    });
}

#[test]
fn queue_qos0_messages() {
    let conf = Conf::new().global("queue_qos0_messages true");
    same(&conf, |ctx| {
        let c = Connect::new(V::V311, "q0").clean(false);
        let mut s = subscriber(ctx, "sub", c.clone(), &[("q0", 0)], Props::new());
        s.send(disconnect(V::V311, 0, Props::new()));
        s.end();
        let mut p = ctx.client("pub", Connect::new(V::V311, "q0p").bytes());
        for i in 1..=3u16 {
            p.send(Publish::new(V::V311, "q0", format!("{i}").as_bytes()).bytes());
        }
        p.send(Publish::new(V::V311, "q0", b"4").qos(1, 4).bytes());
        p.recv();
        let mut s = ctx.client("back", c.bytes());
        s.recv_n(4);
        s.quiet();
    });
}

#[test]
fn inflight_window_v3() {
    let conf = Conf::new().global("max_inflight_messages 1");
    same(&conf, |ctx| {
        let mut s = subscriber(
            ctx,
            "sub",
            Connect::new(V::V311, "win"),
            &[("w", 1)],
            Props::new(),
        );
        let mut p = ctx.client("pub", Connect::new(V::V311, "winp").bytes());
        for i in 1..=3u16 {
            p.send(
                Publish::new(V::V311, "w", format!("{i}").as_bytes())
                    .qos(1, i)
                    .bytes(),
            );
            p.recv();
        }
        s.recv();
        s.quiet();
        s.send(puback(1));
        s.recv();
        s.quiet();
        s.send(puback(2));
        s.recv();
        s.send(puback(3));
        s.quiet();
        ctx.close_all_and_log(vec![p, s]);
    });
}

#[test]
fn receive_maximum_of_client() {
    same(&Conf::new(), |ctx| {
        let c = Connect::new(V::V5, "rmax").props(Props::new().u16(prop::RECEIVE_MAXIMUM, 2));
        let mut s = subscriber(ctx, "sub", c, &[("rm", 2)], Props::new());
        let mut p = ctx.client("pub", Connect::new(V::V311, "rmp").bytes());
        for i in 1..=4u16 {
            p.send(
                Publish::new(V::V311, "rm", format!("{i}").as_bytes())
                    .qos(1, i)
                    .bytes(),
            );
            p.recv();
        }
        s.recv_n(2);
        s.quiet();
        s.send(puback(1));
        s.recv();
        s.send(puback(2));
        s.recv();
        s.quiet();
    });
}

#[test]
fn overlapping_subscriptions() {
    // v5: one copy per subscription, each with its identifier. 3.x: one copy; mosquitto
    // sends it at the QoS of the first matching subscription in its tree, we at the highest
    // (MQTT-3.3.5-1).
    let script = |ctx: &mut Ctx<'_>| {
        let mut s3 = subscriber(
            ctx,
            "v311",
            Connect::new(V::V311, "ov3"),
            &[("a/b", 0), ("a/#", 2)],
            Props::new(),
        );
        let mut s5 = ctx.client("v5", Connect::new(V::V5, "ov5").bytes());
        s5.send(subscribe(
            V::V5,
            1,
            &[("a/b", 0)],
            Props::new().var(prop::SUBSCRIPTION_ID, 1),
        ));
        s5.recv();
        s5.send(subscribe(
            V::V5,
            2,
            &[("a/#", 2)],
            Props::new().var(prop::SUBSCRIPTION_ID, 2),
        ));
        s5.recv();
        s5.send(subscribe(V::V5, 3, &[("+/b", 1)], Props::new()));
        s5.recv();
        let mut p = ctx.client("pub", Connect::new(V::V311, "ovp").bytes());
        p.send(Publish::new(V::V311, "a/b", b"x").qos(1, 1).bytes());
        p.recv();
        s3.recv();
        s3.quiet();
        let mut got = s5.drain(Duration::from_millis(500));
        got.sort();
        for g in got {
            ctx.note(format!("v5 (sorted): {}", crate::harness::show(&g)));
        }
    };
    known_difference(
        &Conf::new(),
        script,
        &[
            "v311: 20 02 00 00",
            "v311: 90 04 00 01 00 02",
            "v5: 20 09 00 00 06 22 00 0a 21 00 14",
            "v5: 90 04 00 01 00 00",
            "v5: 90 04 00 02 00 02",
            "v5: 90 04 00 03 00 01",
            "pub: 20 02 00 00",
            "pub: 40 02 00 01",
            "v311: 30 06 00 03 61 2f 62 78",
            "v5 (sorted): 30 09 00 03 61 2f 62 02 0b 01 78",
            "v5 (sorted): 32 09 00 03 61 2f 62 00 02 00 78",
            "v5 (sorted): 32 0b 00 03 61 2f 62 00 01 02 0b 02 78",
        ],
        &[
            "v311: 20 02 00 00",
            "v311: 90 04 00 01 00 02",
            "v5: 20 09 00 00 06 22 00 0a 21 00 14",
            "v5: 90 04 00 01 00 00",
            "v5: 90 04 00 02 00 02",
            "v5: 90 04 00 03 00 01",
            "pub: 20 02 00 00",
            "pub: 40 02 00 01",
            "v311: 32 08 00 03 61 2f 62 00 01 78",
            "v5 (sorted): 30 09 00 03 61 2f 62 02 0b 01 78",
            "v5 (sorted): 32 09 00 03 61 2f 62 00 02 00 78",
            "v5 (sorted): 32 0b 00 03 61 2f 62 00 01 02 0b 02 78",
        ],
    );
}

#[test]
fn forwarded_property_order() {
    same(&Conf::new(), |ctx| {
        let mut s = ctx.client("sub", Connect::new(V::V5, "po").bytes());
        s.send(subscribe(
            V::V5,
            1,
            &[("po/t", 1)],
            Props::new().var(prop::SUBSCRIPTION_ID, 300),
        ));
        s.recv();
        let mut s3 = subscriber(
            ctx,
            "v311",
            Connect::new(V::V311, "po3"),
            &[("po/t", 1)],
            Props::new(),
        );
        let mut p = ctx.client("pub", Connect::new(V::V5, "pop").bytes());
        let props = Props::new()
            .pair(prop::USER_PROPERTY, "k1", "v1")
            .str(prop::CONTENT_TYPE, "text/plain")
            .u32(prop::MESSAGE_EXPIRY, 1000)
            .str(prop::RESPONSE_TOPIC, "reply/here")
            .pair(prop::USER_PROPERTY, "k2", "v2")
            .byte(prop::PAYLOAD_FORMAT, 1)
            .str(prop::CORRELATION_DATA, "corr")
            .u16(prop::TOPIC_ALIAS, 1);
        p.send(
            Publish::new(V::V5, "po/t", b"payload")
                .qos(1, 1)
                .props(props)
                .bytes(),
        );
        p.recv();
        s.recv();
        s3.recv();
        // The alias is the publisher's: a later publish by alias reaches the same topic.
        p.send(
            Publish::new(V::V5, "", b"by alias")
                .props(Props::new().u16(prop::TOPIC_ALIAS, 1))
                .bytes(),
        );
        s.recv();
        s3.recv();
    });
}

#[test]
fn message_expiry_in_queue() {
    same(&Conf::new(), |ctx| {
        let c = Connect::new(V::V5, "exp").clean(false).expiry(100);
        let mut s = subscriber(ctx, "sub", c.clone(), &[("e/#", 1)], Props::new());
        s.send(disconnect(V::V5, 0, Props::new()));
        s.end();
        let mut p = ctx.client("pub", Connect::new(V::V5, "expp").bytes());
        p.send(
            Publish::new(V::V5, "e/short", b"gone")
                .qos(1, 1)
                .props(Props::new().u32(prop::MESSAGE_EXPIRY, 1))
                .bytes(),
        );
        p.recv();
        p.send(
            Publish::new(V::V5, "e/long", b"kept")
                .qos(1, 2)
                .props(Props::new().u32(prop::MESSAGE_EXPIRY, 1000))
                .bytes(),
        );
        p.recv();
        p.send(Publish::new(V::V5, "e/none", b"kept too").qos(1, 3).bytes());
        p.recv();
        ctx.sleep(Duration::from_millis(2500));
        let mut s = ctx.client("back", c.bytes());
        for _ in 0..2 {
            match s.read_within(WAIT) {
                Got::Packet(pk) => {
                    // Remaining seconds: 1000 less the time spent in the queue.
                    let text = crate::harness::show(&pk);
                    let text = text
                        .replace("02 00 00 03 e5", "02 <expiry>")
                        .replace("02 00 00 03 e6", "02 <expiry>");
                    ctx.note(format!("back: {text}"));
                }
                other => ctx.note(format!("back: {other:?}")),
            }
        }
        s.quiet();
    });
}

#[test]
fn outgoing_maximum_packet_size() {
    same(&Conf::new(), |ctx| {
        let c = Connect::new(V::V5, "small").props(Props::new().u32(prop::MAXIMUM_PACKET_SIZE, 30));
        let mut s = subscriber(ctx, "sub", c, &[("mp/#", 1)], Props::new());
        let mut p = ctx.client("pub", Connect::new(V::V311, "mpp").bytes());
        p.send(Publish::new(V::V311, "mp/big", &[b'x'; 40]).qos(1, 1).bytes());
        p.recv();
        p.send(Publish::new(V::V311, "mp/small", b"ok").qos(1, 2).bytes());
        p.recv();
        s.recv();
        s.quiet();
        p.drop_link();
        ctx.sleep(Duration::from_millis(100));
        s.drop_link();
        ctx.logs();
    });
}

#[test]
fn outgoing_maximum_packet_size_boundary() {
    // A client's Maximum Packet Size counts the whole packet. mosquitto leaves the first byte
    // out and sends a PUBLISH one byte over the limit; we drop it (MQTT-3.1.2-25).
    let script = |ctx: &mut Ctx<'_>| {
        let c = Connect::new(V::V5, "edge").props(Props::new().u32(prop::MAXIMUM_PACKET_SIZE, 30));
        let mut s = subscriber(ctx, "sub", c, &[("mp", 0)], Props::new());
        let mut p = ctx.client("pub", Connect::new(V::V311, "edgep").bytes());
        // To the subscriber: 1 + 1 + (2 + 2 + 1 + payload) bytes.
        for n in [23usize, 24, 25] {
            p.send(Publish::new(V::V311, "mp", &vec![b'x'; n]).bytes());
            s.quiet();
        }
        p.drop_link();
        ctx.sleep(Duration::from_millis(100));
        s.drop_link();
        ctx.logs();
    };
    same_except(
        &Conf::new(),
        script,
        &[
            "sub: 30 1d 00 02 6d 70 00 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78",
        ],
        &["log: Dropping too large outgoing PUBLISH for edge (29 bytes)"],
    );
}

#[test]
fn message_size_limit() {
    let conf = Conf::new().global("message_size_limit 10");
    same(&conf, |ctx| {
        let mut s = subscriber(
            ctx,
            "sub",
            Connect::new(V::V311, "msl"),
            &[("msl/#", 2)],
            Props::new(),
        );
        for v in [V::V311, V::V5] {
            let mut p = ctx.client(&format!("{v:?}"), Connect::new(v, "mslp").bytes());
            p.send(Publish::new(v, "msl/0", &[b'x'; 11]).bytes());
            p.send(Publish::new(v, "msl/1", &[b'x'; 11]).qos(1, 1).bytes());
            p.recv();
            p.send(Publish::new(v, "msl/2", &[b'x'; 11]).qos(2, 2).bytes());
            p.recv();
            p.send(pubrel(2));
            p.recv();
            p.send(Publish::new(v, "msl/ok", &[b'x'; 10]).qos(1, 3).bytes());
            p.recv();
            if let Got::Packet(pk) = s.recv() {
                s.send(puback(publish_mid(&pk)));
            }
            s.quiet();
            p.drop_link();
            ctx.sleep(Duration::from_millis(100));
        }
        ctx.close_all_and_log(vec![s]);
    });
}

#[test]
fn upgrade_outgoing_qos() {
    let conf = Conf::new().global("upgrade_outgoing_qos true");
    same(&conf, |ctx| {
        let mut s = subscriber(
            ctx,
            "sub",
            Connect::new(V::V311, "up"),
            &[("up", 2)],
            Props::new(),
        );
        let mut p = ctx.client("pub", Connect::new(V::V311, "upp").bytes());
        p.send(Publish::new(V::V311, "up", b"zero").bytes());
        s.recv();
    });
}

#[test]
fn publish_right_after_suback() {
    // A message published as soon as the subscriber has its SUBACK reaches it, whichever
    // worker thread serves the publisher.
    same(&Conf::new(), |ctx| {
        let mut p = ctx.client("pub", Connect::new(V::V311, "race-pub").bytes());
        let mut missed = 0;
        for i in 0..60 {
            let mut s = ctx.tcp("sub");
            s.send(Connect::new(V::V311, &format!("race-{i}")).bytes());
            s.send(subscribe(V::V311, 1, &[(&format!("race/{i}"), 0)], Props::new()));
            let _ = s.read_within(WAIT);
            let _ = s.read_within(WAIT);
            p.send(Publish::new(V::V311, &format!("race/{i}"), b"now").bytes());
            if !matches!(s.read_within(WAIT), Got::Packet(pk) if pk[0] == 0x30) {
                missed += 1;
            }
        }
        ctx.note(format!("missed: {missed}"));
        p.quiet();
    });
}
