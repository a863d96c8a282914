//! SUBSCRIBE and UNSUBSCRIBE: SUBACK and UNSUBACK codes, bad filters and options, shared
//! subscriptions, No Local, subscription identifiers, `$` topics.

use std::time::Duration;

use crate::harness::{Conf, Ctx, known_difference, same, same_except, show};
use crate::packets::{Connect, Props, Publish, V, disconnect, prop, puback, subscribe, unsubscribe};

/// Each SUBSCRIBE on a fresh connection: its answer and whether the connection survives.
fn each_subscribe(ctx: &Ctx<'_>, v: V, cases: &[(&str, Vec<u8>)]) {
    for (name, bytes) in cases {
        let mut c = ctx.client(&format!("{v:?} {name}"), Connect::new(v, "subber").bytes());
        c.send(bytes);
        c.recv();
        c.quiet();
        c.send(crate::packets::pingreq());
        c.recv();
    }
}

fn bad_filters(v: V) -> Vec<(&'static str, Vec<u8>)> {
    let p = Props::new;
    vec![
        ("hash in middle", subscribe(v, 1, &[("a/#/b", 0)], p())),
        ("plus in level", subscribe(v, 1, &[("a+/b", 0)], p())),
        ("hash in level", subscribe(v, 1, &[("a/b#", 0)], p())),
        ("empty filter", subscribe(v, 1, &[("", 0)], p())),
        ("qos 3", subscribe(v, 1, &[("a", 3)], p())),
        ("good then bad", subscribe(v, 1, &[("a", 1), ("a/#/c", 1)], p())),
        ("no filters", subscribe(v, 1, &[], p())),
        ("mid 0", subscribe(v, 0, &[("a", 0)], p())),
        ("flags 0x80", {
            let mut b = subscribe(v, 1, &[("a", 0)], p());
            b[0] = 0x80;
            b
        }),
        ("nul", subscribe(v, 1, &[("a\0b", 0)], p())),
        ("bad utf8", {
            let mut b = subscribe(v, 1, &[("ab", 0)], p());
            let n = b.len();
            b[n - 2] = 0xff;
            b
        }),
        ("options reserved bits", subscribe(v, 1, &[("a", 0xc0)], p())),
        ("retain handling 3", subscribe(v, 1, &[("a", 0x30)], p())),
        (
            "good",
            subscribe(
                v,
                1,
                &[("a/+/c", 2), ("#", 1), ("+", 0), ("/", 0), ("a//b", 1)],
                p(),
            ),
        ),
    ]
}

#[test]
fn suback_codes_v311() {
    same(&Conf::new(), |ctx| {
        each_subscribe(ctx, V::V311, &bad_filters(V::V311))
    });
}

#[test]
fn suback_codes_v31() {
    same(&Conf::new(), |ctx| {
        each_subscribe(ctx, V::V31, &bad_filters(V::V31))
    });
}

#[test]
fn suback_codes_v5() {
    same(&Conf::new(), |ctx| {
        let mut cases = bad_filters(V::V5);
        let p = Props::new;
        cases.extend([
            (
                "sub id 0",
                subscribe(V::V5, 1, &[("a", 0)], p().var(prop::SUBSCRIPTION_ID, 0)),
            ),
            (
                "sub id max",
                subscribe(V::V5, 1, &[("a", 0)], p().var(prop::SUBSCRIPTION_ID, 268_435_455)),
            ),
            (
                "user property",
                subscribe(V::V5, 1, &[("a", 0)], p().pair(prop::USER_PROPERTY, "k", "v")),
            ),
            (
                "bad property",
                subscribe(V::V5, 1, &[("a", 0)], p().byte(prop::PAYLOAD_FORMAT, 1)),
            ),
            (
                "options",
                subscribe(V::V5, 1, &[("a", 0x04 | 0x08 | 0x20 | 2)], p()),
            ),
        ]);
        each_subscribe(ctx, V::V5, &cases);
    });
}

#[test]
fn duplicate_subscription_identifier() {
    // 2.0.20 answers a duplicate property with DISCONNECT 0x82; 2.0.11 closed silently.
    let script = |ctx: &mut Ctx<'_>| {
        let mut c = ctx.client("c", Connect::new(V::V5, "dupid").bytes());
        let p = Props::new()
            .var(prop::SUBSCRIPTION_ID, 1)
            .var(prop::SUBSCRIPTION_ID, 2);
        c.send(subscribe(V::V5, 1, &[("a", 0)], p));
        c.end();
    };
    let connack = "c: 20 09 00 00 06 22 00 0a 21 00 14";
    known_difference(
        &Conf::new(),
        script,
        &[connack, "c: closed"],
        &[connack, "c: e0 01 82", "c: closed"],
    );
}

#[test]
fn shared_subscription_forms() {
    same(&Conf::new(), |ctx| {
        for v in [V::V311, V::V5] {
            let p = Props::new;
            let cases = vec![
                ("ok", subscribe(v, 1, &[("$share/g/t", 1)], p())),
                ("ok wildcard", subscribe(v, 1, &[("$share/g/#", 2)], p())),
                ("empty group", subscribe(v, 1, &[("$share//t", 1)], p())),
                ("wildcard group", subscribe(v, 1, &[("$share/g+/t", 1)], p())),
                ("hash group", subscribe(v, 1, &[("$share/#/t", 1)], p())),
                ("bare", subscribe(v, 1, &[("$share", 1)], p())),
                ("not share", subscribe(v, 1, &[("$sharex/g/t", 1)], p())),
            ];
            each_subscribe(ctx, v, &cases);
        }
    });
}

#[test]
fn shared_subscription_forms_refused_since_2_0_20() {
    // `$share/G`, `$share/G/` and `$share/`, and No Local on a shared subscription: a
    // protocol error in 2.0.20, a normal subscription in 2.0.11.
    let cases = [
        ("no filter", "$share/g", 1u8),
        ("empty filter", "$share/g/", 1),
        ("bare slash", "$share/", 1),
        ("no local", "$share/g/t", 0x04 | 1),
    ];
    let script = |ctx: &mut Ctx<'_>| {
        for v in [V::V311, V::V5] {
            for (name, filter, options) in cases {
                let mut c = ctx.client(&format!("{v:?} {name}"), Connect::new(v, "shf").bytes());
                c.send(subscribe(v, 1, &[(filter, options)], Props::new()));
                c.recv();
                c.end();
            }
        }
    };
    let mut reference = Vec::new();
    let mut ours = Vec::new();
    for v in [V::V311, V::V5] {
        let (connack, suback) = if v.is5() {
            ("20 09 00 00 06 22 00 0a 21 00 14", "90 04 00 01 00 01")
        } else {
            ("20 02 00 00", "90 03 00 01 01")
        };
        for (name, _, _) in cases {
            let tag = format!("{v:?} {name}");
            reference.push(format!("{tag}: {connack}"));
            if name == "no local" && !v.is5() {
                // (A 3.1.1 options byte above 2 is malformed in both.)
                reference.extend([format!("{tag}: closed"), format!("{tag}: closed")]);
            } else {
                reference.extend([format!("{tag}: {suback}"), format!("{tag}: open")]);
            }
            ours.push(format!("{tag}: {connack}"));
            if v.is5() {
                ours.push(format!("{tag}: e0 01 82"));
            } else {
                ours.push(format!("{tag}: closed"));
            }
            ours.push(format!("{tag}: closed"));
        }
    }
    let reference: Vec<&str> = reference.iter().map(String::as_str).collect();
    let ours: Vec<&str> = ours.iter().map(String::as_str).collect();
    known_difference(&Conf::new(), script, &reference, &ours);
}

#[test]
fn shared_round_robin() {
    // Since 2.0.13 a shared subscription gets no retained messages.
    let script = |ctx: &mut Ctx<'_>| {
        let mut members = Vec::new();
        for i in 0..3 {
            let mut m = ctx.client(&format!("m{i}"), Connect::new(V::V5, &format!("rr{i}")).bytes());
            m.send(subscribe(V::V5, 1, &[("$share/grp/rr/#", 0)], Props::new()));
            m.recv();
            members.push(m);
        }
        // A member's normal subscription is separate from its shared one.
        members[0].send(subscribe(V::V5, 2, &[("rr/#", 0)], Props::new()));
        members[0].recv();
        let mut p = ctx.client("pub", Connect::new(V::V311, "rrp").bytes());
        for i in 0..6 {
            p.send(Publish::new(V::V311, &format!("rr/{i}"), b"m").bytes());
        }
        for (i, m) in members.iter_mut().enumerate() {
            let mut got: Vec<String> = m
                .drain(Duration::from_millis(500))
                .iter()
                .map(|p| show(p))
                .collect();
            got.sort();
            ctx.note(format!("m{i} (sorted): {got:?}"));
        }
        // Retained messages are not sent to shared subscriptions.
        p.send(Publish::new(V::V311, "rr/kept", b"r").retain().bytes());
        let mut late = ctx.client("late", Connect::new(V::V5, "rrlate").bytes());
        late.send(subscribe(V::V5, 1, &[("$share/other/rr/#", 0)], Props::new()));
        late.recv();
        late.quiet();
    };
    same_except(
        &Conf::new(),
        script,
        &["late: 31 0b 00 07 72 72 2f 6b 65 70 74 00 72"],
        &[],
    );
}

#[test]
fn no_local_and_retain_as_published() {
    same(&Conf::new(), |ctx| {
        let mut c = ctx.client("c", Connect::new(V::V5, "nl").bytes());
        c.send(subscribe(
            V::V5,
            1,
            &[("nl/a", 0x04 | 1), ("nl/b", 0x08 | 1)],
            Props::new(),
        ));
        c.recv();
        c.send(Publish::new(V::V5, "nl/a", b"mine").qos(1, 1).bytes());
        c.recv();
        c.quiet();
        c.send(Publish::new(V::V5, "nl/b", b"rap").qos(1, 2).retain().bytes());
        c.recv();
        c.recv();
        c.send(puback(1));
        // A re-subscribe keeps the first No Local.
        c.send(subscribe(V::V5, 3, &[("nl/a", 1)], Props::new()));
        c.recv();
        c.send(Publish::new(V::V5, "nl/a", b"mine again").qos(1, 4).bytes());
        c.recv();
        c.quiet();
    });
}

#[test]
fn subscription_identifiers() {
    same(&Conf::new(), |ctx| {
        let mut c = ctx.client("c", Connect::new(V::V5, "sid").bytes());
        c.send(subscribe(
            V::V5,
            1,
            &[("sid/+", 1)],
            Props::new().var(prop::SUBSCRIPTION_ID, 128),
        ));
        c.recv();
        let mut p = ctx.client("pub", Connect::new(V::V311, "sidp").bytes());
        p.send(Publish::new(V::V311, "sid/x", b"1").bytes());
        c.recv();
        // Re-subscribing replaces the identifier; without one, there is none.
        c.send(subscribe(
            V::V5,
            2,
            &[("sid/+", 1)],
            Props::new().var(prop::SUBSCRIPTION_ID, 2_000_000),
        ));
        c.recv();
        p.send(Publish::new(V::V311, "sid/x", b"2").bytes());
        c.recv();
        c.send(subscribe(V::V5, 3, &[("sid/+", 1)], Props::new()));
        c.recv();
        p.send(Publish::new(V::V311, "sid/x", b"3").bytes());
        c.recv();
    });
}

#[test]
fn unsuback_codes() {
    same(&Conf::new(), |ctx| {
        for v in [V::V31, V::V311, V::V5] {
            let mut c = ctx.client(&format!("{v:?}"), Connect::new(v, "unsub").bytes());
            c.send(subscribe(
                v,
                1,
                &[("u/a", 0), ("u/+", 1), ("$share/g/u/s", 1)],
                Props::new(),
            ));
            c.recv();
            c.send(unsubscribe(
                v,
                2,
                &["u/a", "u/none", "u/+", "u/a", "$share/g/u/s", "$share/h/u/s"],
            ));
            c.recv();
            c.send(unsubscribe(v, 3, &["u/#/x"]));
            c.end();
            let mut c = ctx.client(&format!("{v:?} 2"), Connect::new(v, "unsub").bytes());
            c.send(unsubscribe(v, 0, &["u/a"]));
            c.end();
            let mut c = ctx.client(&format!("{v:?} 3"), Connect::new(v, "unsub").bytes());
            c.send(unsubscribe(v, 4, &[]));
            c.end();
            let mut c = ctx.client(&format!("{v:?} 4"), Connect::new(v, "unsub").bytes());
            let mut b = unsubscribe(v, 5, &["u/a"]);
            b[0] = 0xA0;
            c.send(b);
            c.end();
        }
    });
}

#[test]
fn dollar_topics() {
    same(&Conf::new(), |ctx| {
        let mut all = ctx.client("all", Connect::new(V::V5, "dollar").bytes());
        all.send(subscribe(
            V::V5,
            1,
            &[("#", 0), ("+/x", 0), ("$foo/#", 0), ("+/+/x", 0)],
            Props::new(),
        ));
        all.recv();
        let mut p = ctx.client("pub", Connect::new(V::V5, "dollarp").bytes());
        p.send(Publish::new(V::V5, "$foo/x", b"1").qos(1, 1).bytes());
        p.recv();
        all.recv();
        all.quiet();
        p.send(Publish::new(V::V5, "$SYS/x", b"2").qos(1, 2).bytes());
        p.recv();
        p.send(
            Publish::new(V::V5, "$SYS/broker/connection/x/state", b"3")
                .qos(1, 3)
                .bytes(),
        );
        p.recv();
        p.send(Publish::new(V::V5, "$CONTROL/x", b"4").qos(1, 4).bytes());
        p.recv();
        p.send(Publish::new(V::V5, "$share/g/x", b"5").qos(1, 5).bytes());
        p.recv();
        p.send(Publish::new(V::V5, "a/x", b"6").qos(1, 6).bytes());
        p.recv();
        let mut got = all.drain(Duration::from_millis(400));
        got.sort();
        for g in got {
            ctx.note(format!("all (sorted): {}", show(&g)));
        }
        let mut p3 = ctx.client("pub v311", Connect::new(V::V311, "dollarp3").bytes());
        p3.send(Publish::new(V::V311, "$SYS/y", b"7").qos(1, 7).bytes());
        p3.recv();
        p3.send(disconnect(V::V311, 0, Props::new()));
        p3.end();
    });
}

#[test]
fn subscribe_qos_above_max_qos() {
    let conf = Conf::new().listener("max_qos 1");
    same(&conf, |ctx| {
        for v in [V::V311, V::V5] {
            let mut c = ctx.client(&format!("{v:?}"), Connect::new(v, "mq").bytes());
            c.send(subscribe(
                v,
                1,
                &[("mq/2", 2), ("mq/1", 1), ("mq/0", 0)],
                Props::new(),
            ));
            c.recv();
            c.send(Publish::new(v, "mq/2", b"two").qos(2, 1).bytes());
            c.end();
        }
    });
}

#[test]
fn many_levels() {
    // At most 200 separators in a topic or filter.
    same(&Conf::new(), |ctx| {
        let deep200 = vec!["a"; 201].join("/");
        let deep201 = vec!["a"; 202].join("/");
        let mut c = ctx.client("sub 200", Connect::new(V::V5, "deep").bytes());
        c.send(subscribe(V::V5, 1, &[(&deep200, 0), ("a/#", 0)], Props::new()));
        c.recv();
        c.send(Publish::new(V::V5, &deep200, b"200").bytes());
        c.recv_n(2);
        let mut c = ctx.client("sub 201", Connect::new(V::V5, "deep").bytes());
        c.send(subscribe(V::V5, 1, &[(&deep201, 0)], Props::new()));
        c.end();
        let mut c = ctx.client("unsub 201", Connect::new(V::V311, "deep").bytes());
        c.send(unsubscribe(V::V311, 1, &[&deep201]));
        c.end();
    });
}
