//! CONNECT checks and CONNACK: protocol names and levels, flags, client ids, credentials, the
//! v5 CONNACK properties under various options, session present, takeover.

use crate::harness::{Conf, Ctx, known_difference, same, same_except, same_rewritten};
use crate::packets::{Connect, Props, Publish, V, disconnect, packet, pingreq, prop, subscribe};

/// Send a CONNECT on a new connection, record everything until the broker closes it (or
/// nothing more comes), then close it; the log lines are compared too.
fn connect_and_end(ctx: &mut Ctx<'_>, name: &str, c: &Connect) {
    let mut conn = ctx.tcp(name);
    conn.send(c.bytes());
    conn.end();
    conn.drop_link();
    // One connection at a time, so that the log lines come in a fixed order.
    ctx.sleep(std::time::Duration::from_millis(100));
    ctx.logs();
}

#[test]
fn protocol_name_and_level() {
    same(&Conf::new(), |ctx| {
        let cases = [
            ("mqtt3", Connect::new(V::V311, "a").protocol(b"MQTT", 3)),
            ("mqtt6", Connect::new(V::V311, "a").protocol(b"MQTT", 6)),
            ("mqtt0", Connect::new(V::V311, "a").protocol(b"MQTT", 0)),
            ("isdp4", Connect::new(V::V31, "a").protocol(b"MQIsdp", 4)),
            ("isdp5", Connect::new(V::V31, "a").protocol(b"MQIsdp", 5)),
            ("mqtx", Connect::new(V::V311, "a").protocol(b"MQTX", 4)),
            ("empty-name", Connect::new(V::V311, "a").protocol(b"", 4)),
            ("lower", Connect::new(V::V311, "a").protocol(b"mqtt", 4)),
        ];
        for (name, c) in cases {
            connect_and_end(ctx, name, &c);
        }
        for (name, v) in [("v31", V::V31), ("v311", V::V311), ("v5", V::V5)] {
            let mut c = ctx.client(name, Connect::new(v, name).bytes());
            c.send(disconnect(v, 0, Props::new()));
            c.end();
        }
    });
}

#[test]
fn connect_flags() {
    same(&Conf::new(), |ctx| {
        for v in [V::V31, V::V311, V::V5] {
            let cases = [
                ("header-flags", Connect::new(v, "a1").first(0x11)),
                ("reserved", Connect::new(v, "a2").flags(0x01)),
                ("will-qos3", Connect::new(v, "a3").will("w", b"x", 3, false)),
                ("will-qos-no-will", Connect::new(v, "a4").flags(0x08)),
                ("will-retain-no-will", Connect::new(v, "a5").flags(0x20)),
                ("will-empty-topic", Connect::new(v, "a6").will("", b"x", 0, false)),
                ("will-wildcard", Connect::new(v, "a7").will("a/#", b"x", 0, false)),
                ("will-plus", Connect::new(v, "a8").will("a/+/b", b"x", 1, false)),
                ("surplus", Connect::new(v, "a9").surplus(b"\x00")),
                ("truncated", Connect::new(v, "a10").first(0x10)),
            ];
            for (name, mut c) in cases {
                if name == "truncated" {
                    // The remaining length says one byte less than the body: the id is cut.
                    let mut b = c.bytes();
                    b[1] -= 1;
                    b.pop();
                    let mut conn = ctx.tcp(&format!("{v:?} {name}"));
                    conn.send(b);
                    conn.end();
                    conn.drop_link();
                    ctx.sleep(std::time::Duration::from_millis(100));
                    continue;
                }
                c.keepalive = 30;
                connect_and_end(ctx, &format!("{v:?} {name}"), &c);
            }
        }
    });
}

#[test]
fn client_ids() {
    same(&Conf::new(), |ctx| {
        let cases = [
            ("v31 empty", Connect::new(V::V31, "")),
            ("v31 empty clean0", Connect::new(V::V31, "").clean(false)),
            ("v311 empty clean0", Connect::new(V::V311, "").clean(false)),
            ("v311 empty clean1", Connect::new(V::V311, "")),
            ("v5 empty clean0", Connect::new(V::V5, "").clean(false)),
            ("v5 empty clean1", Connect::new(V::V5, "")),
            (
                "v31 long id",
                Connect::new(V::V31, "a-client-id-of-thirty-chars-xx"),
            ),
            ("v311 bad utf8", Connect::new(V::V311, "").raw_id(b"a\xff")),
            ("v5 bad utf8", Connect::new(V::V5, "").raw_id(b"\xc0\x80")),
            ("v311 nul", Connect::new(V::V311, "").raw_id(b"a\0b")),
            ("v5 surrogate", Connect::new(V::V5, "").raw_id(b"\xed\xa0\x80")),
        ];
        for (name, c) in cases {
            connect_and_end(ctx, name, &c);
        }
    });
}

#[test]
fn zero_length_ids_refused() {
    let conf = Conf::new().listener("allow_zero_length_clientid false");
    same(&conf, |ctx| {
        for v in [V::V31, V::V311, V::V5] {
            connect_and_end(ctx, &format!("{v:?}"), &Connect::new(v, ""));
        }
        connect_and_end(ctx, "named", &Connect::new(V::V5, "named"));
    });
}

#[test]
fn auto_id_prefix() {
    let conf = Conf::new().listener("auto_id_prefix pre-");
    same(&conf, |ctx| {
        let mut c = ctx.tcp("v5");
        c.send(Connect::new(V::V5, "").bytes());
        let got = c.read_within(crate::harness::WAIT);
        let crate::harness::Got::Packet(p) = got else {
            ctx.note(format!("no CONNACK: {got:?}"));
            return;
        };
        // 20 len 00 00 props-len ... 12 00 28 "pre-" + 36 characters
        let text = String::from_utf8_lossy(&p);
        let id = text.find("pre-").map(|i| &text[i..]);
        ctx.note(format!("assigned id length {:?}", id.map(str::len)));
        ctx.note(format!(
            "upper-case hex {:?}",
            id.map(|s| s[4..]
                .chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase()))
        ));
    });
}

#[test]
fn credentials() {
    same(&Conf::new(), |ctx| {
        let cases = [
            ("v31 password only", Connect::new(V::V31, "p").password(b"pw")),
            ("v311 password only", Connect::new(V::V311, "p").password(b"pw")),
            ("v5 password only", Connect::new(V::V5, "p").password(b"pw")),
            ("v311 user", Connect::new(V::V311, "p").user("u")),
            (
                "v311 user and password",
                Connect::new(V::V311, "p").user("u").password(b"pw"),
            ),
            ("v5 bad utf8 user", Connect::new(V::V5, "p").user("u\u{0}")),
        ];
        for (name, c) in cases {
            let mut conn = ctx.client(name, c.bytes());
            conn.send(disconnect(c.v, 0, Props::new()));
            conn.end();
        }
    });
}

#[test]
fn anonymous_refused() {
    // 2.0.20 names the client in the lines of an authentication failure (2.0.11: the address
    // and `<unknown>`).
    let conf = Conf::new().listener("allow_anonymous false");
    let script = |ctx: &mut Ctx<'_>| {
        for v in [V::V31, V::V311, V::V5] {
            connect_and_end(ctx, &format!("{v:?}"), &Connect::new(v, "anon"));
            connect_and_end(ctx, &format!("{v:?} user"), &Connect::new(v, "anon").user("u"));
        }
    };
    same_rewritten(&conf, script, |l| {
        l.replace("Sending CONNACK to 127.0.0.1", "Sending CONNACK to anon")
            .replace(
                "Client <unknown> disconnected, not authorised.",
                "Client anon disconnected, not authorised.",
            )
    });
}

#[test]
fn v5_connect_properties() {
    same(&Conf::new(), |ctx| {
        let cases = [
            (
                "payload format in connect",
                Props::new().byte(prop::PAYLOAD_FORMAT, 1),
            ),
            (
                "session expiry twice",
                Props::new()
                    .u32(prop::SESSION_EXPIRY, 1)
                    .u32(prop::SESSION_EXPIRY, 2),
            ),
            ("receive maximum 0", Props::new().u16(prop::RECEIVE_MAXIMUM, 0)),
            (
                "max packet size 0",
                Props::new().u32(prop::MAXIMUM_PACKET_SIZE, 0),
            ),
            ("unknown property", Props::new().byte(0x7f, 1)),
            ("cut property", Props::new().raw(&[prop::SESSION_EXPIRY, 0])),
            ("user property", Props::new().pair(prop::USER_PROPERTY, "k", "v")),
            ("auth method", Props::new().str(prop::AUTH_METHOD, "SCRAM")),
        ];
        for (name, p) in cases {
            connect_and_end(ctx, name, &Connect::new(V::V5, "props").props(p));
        }
        let will_props = [
            ("will delay", Props::new().u32(prop::WILL_DELAY, 5)),
            ("will topic alias", Props::new().u16(prop::TOPIC_ALIAS, 1)),
            ("will session expiry", Props::new().u32(prop::SESSION_EXPIRY, 1)),
        ];
        for (name, p) in will_props {
            let c = Connect::new(V::V5, "will")
                .will("w/t", b"x", 0, false)
                .will_props(p);
            let mut conn = ctx.tcp(name);
            conn.send(c.bytes());
            conn.recv();
            conn.send(disconnect(V::V5, 0, Props::new()));
            conn.end();
        }
    });
}

/// The CONNACK of a v5 client, and of a v3 one, under each option.
fn connack_under(conf: Conf) {
    same(&conf, |ctx| {
        for (name, c) in [
            ("v5", Connect::new(V::V5, "opt")),
            ("v5 assigned", Connect::new(V::V5, "")),
            ("v5 keepalive 100", Connect::new(V::V5, "k").keepalive(100)),
            ("v311", Connect::new(V::V311, "opt")),
        ] {
            let mut conn = ctx.client(name, c.bytes());
            conn.send(disconnect(c.v, 0, Props::new()));
            conn.end();
        }
    });
}

#[test]
fn connack_default() {
    connack_under(Conf::new());
}

#[test]
fn connack_max_packet_size() {
    connack_under(Conf::new().global("max_packet_size 1000"));
}

#[test]
fn connack_max_qos() {
    connack_under(Conf::new().listener("max_qos 1"));
    connack_under(Conf::new().listener("max_qos 0"));
}

#[test]
fn connack_retain_unavailable() {
    connack_under(Conf::new().global("retain_available false"));
}

#[test]
fn connack_topic_alias() {
    connack_under(Conf::new().listener("max_topic_alias 0"));
    connack_under(Conf::new().listener("max_topic_alias 65535"));
}

#[test]
fn connack_inflight() {
    connack_under(Conf::new().global("max_inflight_messages 5"));
    connack_under(Conf::new().global("max_inflight_messages 0"));
    connack_under(Conf::new().global("max_inflight_messages 1"));
}

#[test]
fn connack_all_options() {
    // Server Keep Alive went before Topic Alias Maximum in 2.0.20; v3 clients above
    // max_keepalive are refused since 2.0.12.
    let conf = Conf::new()
        .global("max_keepalive 50")
        .global("max_packet_size 300")
        .global("retain_available false")
        .global("max_inflight_messages 7")
        .listener("max_qos 1")
        .listener("max_topic_alias 3");
    let script = |ctx: &mut Ctx<'_>| {
        for (name, c) in [
            ("v5", Connect::new(V::V5, "").keepalive(60)),
            ("v5 under", Connect::new(V::V5, "u").keepalive(20)),
            ("v311", Connect::new(V::V311, "v").keepalive(60)),
        ] {
            let mut conn = ctx.client(name, c.bytes());
            conn.end();
        }
    };
    known_difference(
        &conf,
        script,
        &[
            "v5: 20 41 00 00 3e 22 00 03 13 00 32 12 00 29 <auto-id> 25 00 27 00 00 01 2c 21 00 07 24 01",
            "v5: open",
            "v5 under: 20 12 00 00 0f 22 00 03 25 00 27 00 00 01 2c 21 00 07 24 01",
            "v5 under: open",
            "v311: 20 02 00 00",
            "v311: open",
        ],
        &[
            "v5: 20 41 00 00 3e 13 00 32 22 00 03 12 00 29 <auto-id> 25 00 27 00 00 01 2c 21 00 07 24 01",
            "v5: open",
            "v5 under: 20 12 00 00 0f 22 00 03 25 00 27 00 00 01 2c 21 00 07 24 01",
            "v5 under: open",
            "v311: 20 02 00 02",
            "v311: closed",
        ],
    );
}

#[test]
fn session_present() {
    same(&Conf::new(), |ctx| {
        let cases: [(&str, Vec<Connect>); 7] = [
            (
                "v311 persistent",
                vec![
                    Connect::new(V::V311, "sp1").clean(false),
                    Connect::new(V::V311, "sp1").clean(false),
                    Connect::new(V::V311, "sp1"),
                    Connect::new(V::V311, "sp1").clean(false),
                ],
            ),
            (
                "v31 persistent",
                vec![
                    Connect::new(V::V31, "sp2").clean(false),
                    Connect::new(V::V31, "sp2").clean(false),
                ],
            ),
            (
                "v5 expiry 0",
                vec![
                    Connect::new(V::V5, "sp3").clean(false),
                    Connect::new(V::V5, "sp3").clean(false),
                ],
            ),
            (
                "v5 expiry 60",
                vec![
                    Connect::new(V::V5, "sp4").clean(false).expiry(60),
                    Connect::new(V::V5, "sp4").clean(false).expiry(60),
                    Connect::new(V::V5, "sp4").expiry(60),
                    Connect::new(V::V5, "sp4").clean(false),
                ],
            ),
            (
                "v5 then v311",
                vec![
                    Connect::new(V::V5, "sp5").clean(false).expiry(60),
                    Connect::new(V::V311, "sp5").clean(false),
                    Connect::new(V::V5, "sp5").clean(false),
                ],
            ),
            (
                "v311 then v5",
                vec![
                    Connect::new(V::V311, "sp6").clean(false),
                    Connect::new(V::V5, "sp6").clean(false).expiry(10),
                ],
            ),
            (
                "v5 expiry max",
                vec![
                    Connect::new(V::V5, "sp7").clean(false).expiry(u32::MAX),
                    Connect::new(V::V5, "sp7").clean(false).expiry(u32::MAX),
                ],
            ),
        ];
        for (name, connects) in cases {
            for (i, c) in connects.iter().enumerate() {
                let mut conn = ctx.client(&format!("{name} #{i}"), c.bytes());
                conn.send(disconnect(c.v, 0, Props::new()));
                conn.end();
            }
        }
    });
}

#[test]
fn disconnect_raises_session_expiry() {
    same(&Conf::new(), |ctx| {
        let mut c = ctx.client("from0", Connect::new(V::V5, "se0").bytes());
        c.send(disconnect(V::V5, 0, Props::new().u32(prop::SESSION_EXPIRY, 30)));
        c.end();
        let mut c = ctx.client("from10", Connect::new(V::V5, "se1").expiry(10).bytes());
        c.send(disconnect(V::V5, 0, Props::new().u32(prop::SESSION_EXPIRY, 0)));
        c.end();
        let mut c = ctx.client("again", Connect::new(V::V5, "se1").clean(false).bytes());
        c.send(disconnect(V::V5, 0, Props::new()));
        c.end();
    });
}

#[test]
fn takeover() {
    let script = |ctx: &mut Ctx<'_>| {
        let mut old5 = ctx.client(
            "old v5",
            Connect::new(V::V5, "dup5").clean(false).expiry(60).bytes(),
        );
        let mut new5 = ctx.client("new v5", Connect::new(V::V5, "dup5").clean(false).bytes());
        old5.end();
        new5.send(pingreq());
        new5.recv();
        let mut old3 = ctx.client("old v311", Connect::new(V::V311, "dup3").bytes());
        let mut new3 = ctx.client("new v311", Connect::new(V::V311, "dup3").bytes());
        old3.end();
        new3.send(pingreq());
        new3.recv();
    };
    known_difference(
        &Conf::new(),
        script,
        &[
            "old v5: 20 09 00 00 06 22 00 0a 21 00 14",
            "new v5: 20 09 01 00 06 22 00 0a 21 00 14",
            "old v5: closed",
            "new v5: d0 00",
            "old v311: 20 02 00 00",
            "new v311: 20 02 00 00",
            "old v311: closed",
            "new v311: d0 00",
        ],
        &[
            "old v5: 20 09 00 00 06 22 00 0a 21 00 14",
            "new v5: 20 09 01 00 06 22 00 0a 21 00 14",
            "old v5: e0 01 8e",
            "old v5: closed",
            "new v5: d0 00",
            "old v311: 20 02 00 00",
            "new v311: 20 02 00 00",
            "old v311: closed",
            "new v311: d0 00",
        ],
    );
}

#[test]
fn takeover_keeps_subscriptions() {
    same(&Conf::new(), |ctx| {
        let mut a = ctx.client("a", Connect::new(V::V311, "keep").clean(false).bytes());
        a.send(subscribe(V::V311, 1, &[("keep/t", 1)], Props::new()));
        a.recv();
        let mut b = ctx.client("b", Connect::new(V::V311, "keep").clean(false).bytes());
        a.end();
        let mut p = ctx.client("pub", Connect::new(V::V311, "kpub").bytes());
        p.send(Publish::new(V::V311, "keep/t", b"hello").qos(1, 9).bytes());
        p.recv();
        b.recv();
    });
}

#[test]
fn first_packet_not_connect() {
    // 2.0.20 closes at once; 2.0.11 did too for these.
    same(&Conf::new(), |ctx| {
        for (name, bytes) in [
            ("pingreq", pingreq()),
            ("publish", Publish::new(V::V311, "t", b"x").bytes()),
            ("subscribe", subscribe(V::V311, 1, &[("t", 0)], Props::new())),
            ("connack", vec![0x20, 0x02, 0x00, 0x00]),
            ("type 0", vec![0x00, 0x00]),
            ("type 15", packet(0xF0, &[0x00])),
        ] {
            let mut c = ctx.tcp(name);
            c.send(bytes);
            c.end();
        }
    });
}

#[test]
fn connect_check_order() {
    // When a CONNECT breaks several rules, the first check in mosquitto's order decides.
    same(&Conf::new(), |ctx| {
        let cases = [
            ("v31 empty id, surplus", Connect::new(V::V31, "").surplus(b"\x00")),
            (
                "v31 empty id, password only",
                Connect::new(V::V31, "").password(b"pw"),
            ),
            (
                "v311 empty id clean0, password only",
                Connect::new(V::V311, "").clean(false).password(b"pw"),
            ),
            (
                "v311 empty id clean0, wildcard will",
                Connect::new(V::V311, "").clean(false).will("a/#", b"", 0, false),
            ),
            (
                "v311 empty id clean0, will qos 3",
                Connect::new(V::V311, "").clean(false).will("w", b"", 3, false),
            ),
            (
                "v311 empty id clean0, surplus",
                Connect::new(V::V311, "").clean(false).surplus(b"\x00"),
            ),
            (
                "v311 empty id clean0, bad user",
                Connect::new(V::V311, "").clean(false).user("\u{0}"),
            ),
            (
                "v5 bad id, bad will",
                Connect::new(V::V5, "").raw_id(b"\xff").will("#", b"", 0, false),
            ),
            (
                "v311 wildcard will, password only",
                Connect::new(V::V311, "c").will("#", b"", 0, false).password(b"p"),
            ),
        ];
        for (name, c) in cases {
            connect_and_end(ctx, name, &c);
        }
        // 3.1 ignores a user name or password flag without the field.
        for (name, cut) in [
            ("v31 user flag, no user", 2usize),
            ("v31 password flag, no password", 4),
        ] {
            let c = Connect::new(V::V31, "u31").user("u").password(b"p");
            let mut b = c.bytes();
            b.truncate(b.len() - if cut == 2 { 6 } else { 3 });
            b[1] -= if cut == 2 { 6 } else { 3 };
            connect_and_end(ctx, name, &Connect::new(V::V31, "x"));
            let mut conn = ctx.tcp(&format!("{name} (raw)"));
            conn.send(b);
            conn.end();
            conn.drop_link();
            ctx.sleep(std::time::Duration::from_millis(100));
        }
        let c = Connect::new(V::V311, "u311").user("u");
        let mut b = c.bytes();
        b.truncate(b.len() - 3);
        b[1] -= 3;
        let mut conn = ctx.tcp("v311 user flag, no user");
        conn.send(b);
        conn.end();
    });
}

#[test]
fn connect_check_order_with_limits() {
    let conf = Conf::new().global("retain_available false").listener("max_qos 1");
    same(&conf, |ctx| {
        let cases = [
            (
                "v5 will retain, bad user",
                Connect::new(V::V5, "r").will("w", b"", 0, true).user("\u{0}"),
            ),
            (
                "v5 will qos 2, empty id refused",
                Connect::new(V::V5, "").will("w", b"", 2, false),
            ),
            (
                "v311 will retain, empty id clean0",
                Connect::new(V::V311, "").clean(false).will("w", b"", 0, true),
            ),
            (
                "v5 will qos 2, surplus",
                Connect::new(V::V5, "q").will("w", b"", 2, false).surplus(b"\x00"),
            ),
            ("v5 will qos 1", Connect::new(V::V5, "q").will("w", b"", 1, false)),
        ];
        for (name, c) in cases {
            connect_and_end(ctx, name, &c);
        }
    });
}

#[test]
fn takeover_of_a_session_that_ends() {
    // The old connection's session ends with it (v5 expiry 0, or 3.x clean): the new
    // connection, even with clean=0, starts a fresh session, and the old will goes out.
    let script = |ctx: &mut Ctx<'_>| {
        let mut watch = ctx.client("watch", Connect::new(V::V311, "tw").bytes());
        watch.send(subscribe(V::V311, 1, &[("tk/#", 1)], Props::new()));
        watch.recv();
        for (i, old) in [
            Connect::new(V::V5, "tk5").will("tk/w5", b"will", 1, false),
            Connect::new(V::V311, "tk3").will("tk/w3", b"will", 1, false),
        ]
        .into_iter()
        .enumerate()
        {
            let v = old.v;
            let topic = if i == 0 { "tk/5" } else { "tk/3" };
            let mut a = ctx.client(&format!("old {v:?}"), old.bytes());
            a.send(subscribe(v, 1, &[("tk/#", 1)], Props::new()));
            a.recv();
            let id = if i == 0 { "tk5" } else { "tk3" };
            let mut b = ctx.client(
                &format!("new {v:?}"),
                Connect::new(V::V311, id).clean(false).bytes(),
            );
            a.end();
            watch.recv();
            let mut p = ctx.client("pub", Connect::new(V::V311, "tkp").bytes());
            p.send(Publish::new(V::V311, topic, b"after").qos(1, 1).bytes());
            p.recv();
            watch.recv();
            b.quiet();
        }
    };
    // 2.0.20 sends DISCONNECT 0x8E after the will (which the old connection gets too).
    same_except(&Conf::new(), script, &[], &["old V5: e0 01 8e"]);
}
