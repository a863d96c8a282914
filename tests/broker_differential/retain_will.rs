//! Retained messages (order, QoS, Retain Handling, Retain As Published, deletion, expiry),
//! wills (which endings send them, will delay, takeover) and the `$SYS` topics.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::harness::{Conf, Ctx, Got, WAIT, same, same_except, show};
use crate::packets::{Connect, Props, Publish, V, disconnect, prop, puback, pubrec, subscribe, unsubscribe};

/// Publish retained messages from a v3.1.1 client (QoS 1 and 2 flows completed).
fn retain(ctx: &Ctx<'_>, messages: &[(&str, &[u8], u8)]) {
    let mut p = ctx.client("retainer", Connect::new(V::V311, "retainer").bytes());
    for (i, (topic, payload, qos)) in messages.iter().enumerate() {
        let mid = i as u16 + 1;
        p.send(
            Publish::new(V::V311, topic, payload)
                .qos(*qos, mid)
                .retain()
                .bytes(),
        );
        match qos {
            1 => {
                p.recv();
            }
            2 => {
                p.recv();
                p.send(crate::packets::pubrel(mid));
                p.recv();
            }
            _ => {}
        }
    }
    p.send(disconnect(V::V311, 0, Props::new()));
    p.end();
}

#[test]
fn retained_order_and_qos() {
    same(&Conf::new(), |ctx| {
        retain(
            ctx,
            &[
                ("r", b"root", 2),
                ("r/c", b"c", 0),
                ("r/a/x", b"ax", 1),
                ("r/b", b"b", 2),
                ("r/a", b"a", 1),
                ("other", b"o", 0),
            ],
        );
        for (name, qos) in [("qos0", 0u8), ("qos1", 1), ("qos2", 2)] {
            let mut s = ctx.client(name, Connect::new(V::V311, name).bytes());
            s.send(subscribe(V::V311, 1, &[("r/#", qos)], Props::new()));
            s.recv_n(6);
            s.quiet();
        }
        let mut s = ctx.client("plus", Connect::new(V::V5, "plus").bytes());
        s.send(subscribe(V::V5, 1, &[("+/+", 0), ("+", 0)], Props::new()));
        s.recv_n(5);
        s.quiet();
    });
}

#[test]
fn retained_on_every_subscribe_and_retain_handling() {
    // Since 2.0.13 a shared subscription gets no retained messages.
    let script = |ctx: &mut Ctx<'_>| {
        retain(ctx, &[("rh/t", b"kept", 0)]);
        let mut v3 = ctx.client("v311", Connect::new(V::V311, "rh3").bytes());
        for mid in 1..=2 {
            v3.send(subscribe(V::V311, mid, &[("rh/t", 0)], Props::new()));
            v3.recv_n(2);
        }
        let mut v5 = ctx.client("v5", Connect::new(V::V5, "rh5").bytes());
        for (mid, options) in [(1u16, 0x00u8), (2, 0x00), (3, 0x10), (4, 0x10), (5, 0x20)] {
            v5.send(subscribe(V::V5, mid, &[("rh/t", options)], Props::new()));
            v5.recv();
            v5.quiet();
        }
        v5.send(unsubscribe(V::V5, 6, &["rh/t"]));
        v5.recv();
        v5.send(subscribe(V::V5, 7, &[("rh/t", 0x10)], Props::new()));
        v5.recv_n(2);
        // A shared subscription gets none.
        v5.send(subscribe(V::V5, 8, &[("$share/g/rh/t", 0)], Props::new()));
        v5.recv();
        v5.quiet();
    };
    same_except(
        &Conf::new(),
        script,
        &["v5: 31 0b 00 04 72 68 2f 74 00 6b 65 70 74"],
        &[],
    );
}

#[test]
fn retain_as_published_and_deletion() {
    same(&Conf::new(), |ctx| {
        let mut s = ctx.client("sub", Connect::new(V::V5, "rap").bytes());
        s.send(subscribe(
            V::V5,
            1,
            &[("rap/plain", 0), ("rap/kept", 0x08)],
            Props::new(),
        ));
        s.recv();
        let mut v3 = ctx.client("v311", Connect::new(V::V311, "rap3").bytes());
        v3.send(subscribe(V::V311, 1, &[("rap/#", 0)], Props::new()));
        v3.recv();
        let mut p = ctx.client("pub", Connect::new(V::V5, "rapp").bytes());
        p.send(Publish::new(V::V5, "rap/plain", b"1").retain().bytes());
        s.recv();
        v3.recv();
        p.send(Publish::new(V::V5, "rap/kept", b"2").retain().bytes());
        s.recv();
        v3.recv();
        // An empty retained message deletes, and is delivered live.
        p.send(Publish::new(V::V5, "rap/kept", b"").retain().bytes());
        s.recv();
        v3.recv();
        p.send(Publish::new(V::V5, "rap/nothing", b"").retain().bytes());
        v3.recv();
        let mut late = ctx.client("late", Connect::new(V::V311, "rapl").bytes());
        late.send(subscribe(V::V311, 1, &[("rap/#", 1)], Props::new()));
        late.recv_n(2);
        late.quiet();
    });
}

#[test]
fn retained_expiry() {
    same(&Conf::new(), |ctx| {
        let mut p = ctx.client("pub", Connect::new(V::V5, "rexp").bytes());
        let exp = |s| Props::new().u32(prop::MESSAGE_EXPIRY, s);
        p.send(
            Publish::new(V::V5, "rx/short", b"s")
                .qos(1, 1)
                .retain()
                .props(exp(1))
                .bytes(),
        );
        p.recv();
        p.send(
            Publish::new(V::V5, "rx/long", b"l")
                .qos(1, 2)
                .retain()
                .props(exp(1000))
                .bytes(),
        );
        p.recv();
        ctx.sleep(Duration::from_millis(2200));
        let mut s = ctx.client("sub", Connect::new(V::V5, "rexps").bytes());
        s.send(subscribe(V::V5, 1, &[("rx/#", 1)], Props::new()));
        s.recv();
        match s.read_within(WAIT) {
            Got::Packet(pk) => {
                let text = show(&pk);
                let text = text
                    .replace("02 00 00 03 e5", "02 <expiry>")
                    .replace("02 00 00 03 e6", "02 <expiry>");
                ctx.note(format!("sub: {text}"));
                s.send(puback(crate::harness::publish_mid(&pk)));
            }
            other => ctx.note(format!("sub: {other:?}")),
        }
        s.quiet();
        // To a 3.x subscriber the expiry is not visible, but applies.
        let mut s3 = ctx.client("v311", Connect::new(V::V311, "rexp3").bytes());
        s3.send(subscribe(V::V311, 1, &[("rx/#", 0)], Props::new()));
        s3.recv_n(2);
        s3.quiet();
    });
}

#[test]
fn wills_by_ending() {
    same(&Conf::new(), |ctx| {
        let mut w = ctx.client("watch", Connect::new(V::V5, "watch").bytes());
        w.send(subscribe(V::V5, 1, &[("will/#", 2)], Props::new()));
        w.recv();
        let cases: [(&str, V, Option<u8>); 6] = [
            ("v311 disconnect", V::V311, Some(0)),
            ("v311 drop", V::V311, None),
            ("v5 disconnect 0", V::V5, Some(0)),
            ("v5 disconnect 4", V::V5, Some(4)),
            ("v5 disconnect 0x80", V::V5, Some(0x80)),
            ("v5 drop", V::V5, None),
        ];
        for (i, (name, v, how)) in cases.into_iter().enumerate() {
            let id = format!("willer{i}");
            let c = Connect::new(v, &id).will(&format!("will/{i}"), name.as_bytes(), 1, false);
            let mut c = ctx.client(name, c.bytes());
            match how {
                Some(code) => {
                    c.send(disconnect(v, code, Props::new()));
                    c.end();
                }
                None => c.drop_link(),
            }
            ctx.sleep(Duration::from_millis(200));
            let got = w.drain(Duration::from_millis(300));
            for g in &got {
                ctx.note(format!("watch: {}", show(g)));
                w.send(puback(crate::harness::publish_mid(g)));
            }
        }
        // A protocol error sends the will too.
        let c = Connect::new(V::V5, "willbad").will("will/bad", b"bad", 0, true);
        let mut c = ctx.client("bad", c.bytes());
        c.send(vec![0x00, 0x00]);
        c.end();
        w.recv();
        let mut late = ctx.client("late", Connect::new(V::V311, "willlate").bytes());
        late.send(subscribe(V::V311, 1, &[("will/bad", 0)], Props::new()));
        late.recv_n(2);
        late.drop_link();
        ctx.sleep(Duration::from_millis(100));
        w.drop_link();
        ctx.logs();
    });
}

#[test]
fn will_delay() {
    same(&Conf::new(), |ctx| {
        let mut w = ctx.client("watch", Connect::new(V::V311, "wdwatch").bytes());
        w.send(subscribe(V::V311, 1, &[("wd/#", 0)], Props::new()));
        w.recv();
        let delayed = |id: &str, topic: &str, delay: u32, expiry: u32| {
            Connect::new(V::V5, id)
                .clean(false)
                .expiry(expiry)
                .will(topic, b"late", 0, false)
                .will_props(Props::new().u32(prop::WILL_DELAY, delay))
        };
        // Delay 2 s: not at once, then after about 2-3 s.
        let c = ctx.client("delayed", delayed("wd1", "wd/1", 2, 100).bytes());
        c.drop_link();
        w.quiet_for(Duration::from_millis(1200));
        w.recv();
        // A reconnection within the delay cancels it.
        let c = ctx.client("cancelled", delayed("wd2", "wd/2", 3, 100).bytes());
        c.drop_link();
        ctx.sleep(Duration::from_millis(500));
        let mut again = ctx.client(
            "back",
            Connect::new(V::V5, "wd2").clean(false).expiry(100).bytes(),
        );
        w.quiet_for(Duration::from_millis(4000));
        again.send(disconnect(V::V5, 0, Props::new()));
        again.end();
        // A session expiring before the delay sends the will then.
        let c = ctx.client("expiring", delayed("wd3", "wd/3", 30, 1).bytes());
        c.drop_link();
        w.recv();
        // Delay 0 with a session: at once.
        let c = ctx.client("no delay", delayed("wd4", "wd/4", 0, 100).bytes());
        c.drop_link();
        w.recv();
    });
}

#[test]
fn will_on_takeover() {
    same(&Conf::new(), |ctx| {
        let mut w = ctx.client("watch", Connect::new(V::V311, "towatch").bytes());
        w.send(subscribe(V::V311, 1, &[("to/#", 0)], Props::new()));
        w.recv();
        // The old session ends (the new connection starts clean): its will goes out.
        let _old = ctx.client(
            "old1",
            Connect::new(V::V311, "to1").will("to/1", b"w1", 0, false).bytes(),
        );
        let _new = ctx.client("new1", Connect::new(V::V311, "to1").bytes());
        w.recv();
        // The session continues: no will.
        let _old = ctx.client(
            "old2",
            Connect::new(V::V311, "to2")
                .clean(false)
                .will("to/2", b"w2", 0, false)
                .bytes(),
        );
        let _new = ctx.client("new2", Connect::new(V::V311, "to2").clean(false).bytes());
        w.quiet();
        // v5 with session expiry 0 ends with the takeover.
        let _old = ctx.client(
            "old3",
            Connect::new(V::V5, "to3")
                .clean(false)
                .will("to/3", b"w3", 0, false)
                .bytes(),
        );
        let _new = ctx.client("new3", Connect::new(V::V5, "to3").clean(false).bytes());
        w.recv();
    });
}

#[test]
fn sys_topics() {
    // The names of the $SYS topics a subscriber gets at once (retained) and within the first
    // update (sys_interval 1).
    let conf = Conf::new().global("sys_interval 1");
    let (reference, ours) = crate::harness::both(&conf, |ctx| {
        let mut s = ctx.client("sys", Connect::new(V::V311, "sys").bytes());
        s.send(subscribe(V::V311, 1, &[("$SYS/#", 0)], Props::new()));
        s.recv();
        let mut names = BTreeSet::new();
        for p in s.collect_for(Duration::from_millis(2500)) {
            let len = usize::from(u16::from_be_bytes([p[2], p[3]]));
            if let Some(t) = p.get(4..4 + len) {
                names.insert(String::from_utf8_lossy(t).into_owned());
            }
        }
        for n in names {
            ctx.note(n);
        }
    });
    let r: BTreeSet<&String> = reference.iter().collect();
    let o: BTreeSet<&String> = ours.iter().collect();
    // glibc's heap counters are not published by this broker; everything else is.
    let missing: Vec<&&String> = r.difference(&o).filter(|t| !t.contains("/heap/")).collect();
    let extra: Vec<&&String> = o.difference(&r).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing from ours: {missing:?}\nonly ours: {extra:?}"
    );
}

/// Messages to a QoS 2 subscriber that never completes: PUBREC held back.
#[test]
fn qos2_outgoing_unanswered() {
    same(&Conf::new(), |ctx| {
        let mut s = ctx.client("sub", Connect::new(V::V311, "q2u").bytes());
        s.send(subscribe(V::V311, 1, &[("q2u", 2)], Props::new()));
        s.recv();
        let mut p = ctx.client("pub", Connect::new(V::V311, "q2up").bytes());
        p.send(Publish::new(V::V311, "q2u", b"x").qos(2, 1).bytes());
        p.recv();
        p.send(crate::packets::pubrel(1));
        p.recv();
        s.recv();
        s.send(pubrec(1));
        s.recv();
        s.quiet();
    });
}

#[test]
fn inbound_qos2_beyond_receive_maximum() {
    // Deliberate differences, with max_inflight_messages 2 (our Receive Maximum). A v5 client
    // with more unacknowledged QoS 2 PUBLISHes than that breaks MQTT-3.3.4-9: we answer
    // DISCONNECT 0x93 (Receive Maximum exceeded), mosquitto PUBREC 0x97 and drops the message.
    // A 3.x client has no such limit here: we take the message, mosquitto drops it after a
    // normal PUBREC.
    let conf = Conf::new().global("max_inflight_messages 2");
    let script = |ctx: &mut Ctx<'_>| {
        let mut w = ctx.client("watch", Connect::new(V::V311, "rmwatch").bytes());
        w.send(subscribe(V::V311, 1, &[("rm/#", 0)], Props::new()));
        w.recv();
        for v in [V::V311, V::V5] {
            let mut p = ctx.client(&format!("{v:?}"), Connect::new(v, "rmpub").bytes());
            for mid in 1..=3u16 {
                p.send(Publish::new(v, &format!("rm/{mid}"), b"x").qos(2, mid).bytes());
                p.recv();
            }
            for mid in 1..=3u16 {
                p.send(crate::packets::pubrel(mid));
                p.recv();
            }
            p.end();
            let mut got = w.drain(Duration::from_millis(300));
            got.sort();
            for g in got {
                ctx.note(format!("watch (sorted): {}", show(&g)));
            }
        }
    };
    same_except(
        &conf,
        script,
        &[
            "V5: 50 03 00 03 97",
            "V5: 70 02 00 01",
            "V5: 70 02 00 02",
            "V5: 70 02 00 03",
            "V5: open",
            "watch (sorted): 30 07 00 04 72 6d 2f 31 78",
            "watch (sorted): 30 07 00 04 72 6d 2f 32 78",
        ],
        &[
            "watch (sorted): 30 07 00 04 72 6d 2f 33 78",
            "V5: e0 01 93",
            "V5: closed",
            "V5: closed",
            "V5: closed",
            "V5: closed",
        ],
    );
}
