//! Configuration options seen from a client: session expiry, client id rules, mount points,
//! password and ACL files, connection and queue limits, keepalive limits.

use std::cell::Cell;
use std::time::Duration;

use crate::harness::{Conf, Ctx, known_difference, same, same_except};
use crate::packets::{Connect, Props, Publish, V, disconnect, subscribe};

const PASSWORDS: &str = "alice:$7$101$6duW8e8jczOLAx2F$7V5lUNnjXLOVFUnkuuaYtuAXJNLxbyxQJ9JLmJ+d7vQblGLFI7q77AyCcmGc3thDSj8f0tvLeE7cweXdXjyXNQ==\n";

#[test]
fn session_expiry() {
    same(&Conf::new(), |ctx| {
        let c = Connect::new(V::V5, "exp2").clean(false).expiry(2);
        let mut s = ctx.client("first", c.bytes());
        s.send(subscribe(V::V5, 1, &[("se/t", 1)], Props::new()));
        s.recv();
        s.drop_link();
        ctx.sleep(Duration::from_millis(500));
        // Within the interval the session is there.
        let mut s = ctx.client("back soon", c.bytes());
        s.send(disconnect(V::V5, 0, Props::new()));
        s.end();
        // After it (checked about once a second), it is gone.
        ctx.sleep(Duration::from_millis(4500));
        let mut s = ctx.client("back late", c.bytes());
        s.send(disconnect(V::V5, 0, Props::new()));
        s.end();
        ctx.logs();
    });
}

#[test]
fn persistent_client_expiration() {
    let conf = Conf::new().global("persistent_client_expiration 1h");
    same(&conf, |ctx| {
        let c = Connect::new(V::V311, "pce").clean(false);
        let mut s = ctx.client("first", c.bytes());
        s.send(disconnect(V::V311, 0, Props::new()));
        s.end();
        let mut s = ctx.client("again", c.bytes());
        s.send(disconnect(V::V311, 0, Props::new()));
        s.end();
        let c5 = Connect::new(V::V5, "pce5").clean(false).expiry(u32::MAX);
        let mut s = ctx.client("v5", c5.bytes());
        s.send(disconnect(V::V5, 0, Props::new()));
        s.end();
        let mut s = ctx.client("v5 again", c5.bytes());
        s.send(disconnect(V::V5, 0, Props::new()));
        s.end();
        ctx.logs();
    });
}

#[test]
fn clientid_prefixes() {
    let conf = Conf::new().global("clientid_prefixes ok-");
    same(&conf, |ctx| {
        for (name, c) in [
            ("v311 ok", Connect::new(V::V311, "ok-1")),
            ("v311 refused", Connect::new(V::V311, "no-1")),
            ("v5 refused", Connect::new(V::V5, "no-2")),
            ("v5 generated id", Connect::new(V::V5, "")),
        ] {
            let mut conn = ctx.client(name, c.bytes());
            conn.end();
            conn.drop_link();
            ctx.sleep(Duration::from_millis(100));
        }
        ctx.logs();
    });
}

#[test]
fn use_username_as_clientid() {
    let conf = Conf::new().listener("use_username_as_clientid true");
    same(&conf, |ctx| {
        for (name, c) in [
            ("v311 user", Connect::new(V::V311, "given").user("bob")),
            ("v311 no user", Connect::new(V::V311, "given")),
            ("v5 user", Connect::new(V::V5, "").user("carol")),
            ("v5 no user", Connect::new(V::V5, "")),
        ] {
            let mut conn = ctx.client(name, c.bytes());
            conn.end();
            conn.drop_link();
            ctx.sleep(Duration::from_millis(100));
        }
        ctx.logs();
    });
}

#[test]
fn mount_point() {
    // Since 2.0.20 the mount point is taken off the topics sent to the listener's clients. A
    // shared subscription made there is shared among the mount point's topics here; mosquitto
    // puts the mount point before `$share/...`, which then matches nothing.
    let conf = Conf::new().listener("mount_point mnt/");
    let script = |ctx: &mut Ctx<'_>| {
        let mut s = ctx.client("sub", Connect::new(V::V5, "mp-sub").bytes());
        s.send(subscribe(
            V::V5,
            1,
            &[("t/#", 1), ("$share/g/u", 0)],
            Props::new(),
        ));
        s.recv();
        let mut p = ctx.client("pub", Connect::new(V::V311, "mp-pub").bytes());
        p.send(Publish::new(V::V311, "t/1", b"one").qos(1, 1).bytes());
        p.recv();
        s.recv();
        p.send(Publish::new(V::V311, "u", b"shared").bytes());
        s.quiet();
        p.send(Publish::new(V::V311, "t/r", b"kept").retain().bytes());
        s.recv();
        let mut late = ctx.client("late", Connect::new(V::V311, "mp-late").bytes());
        late.send(subscribe(V::V311, 1, &[("#", 0)], Props::new()));
        late.recv_n(2);
        late.quiet();
    };
    same_except(
        &conf,
        script,
        &[
            "sub: 32 0f 00 07 6d 6e 74 2f 74 2f 31 00 01 00 6f 6e 65",
            "sub: 30 0e 00 07 6d 6e 74 2f 74 2f 72 00 6b 65 70 74",
            "late: 31 0d 00 07 6d 6e 74 2f 74 2f 72 6b 65 70 74",
        ],
        &[
            "sub: 32 0b 00 03 74 2f 31 00 01 00 6f 6e 65",
            "sub: 30 0a 00 01 75 00 73 68 61 72 65 64",
            "sub: 30 0a 00 03 74 2f 72 00 6b 65 70 74",
            "late: 31 09 00 03 74 2f 72 6b 65 70 74",
        ],
    );
}

#[test]
fn password_file() {
    let conf = Conf::new()
        .file("passwd", PASSWORDS)
        .listener("allow_anonymous false")
        .listener("password_file {dir}/passwd");
    let script = |ctx: &mut Ctx<'_>| {
        for (name, c) in [
            (
                "right",
                Connect::new(V::V311, "pw1").user("alice").password(b"s3cret"),
            ),
            (
                "wrong",
                Connect::new(V::V311, "pw2").user("alice").password(b"nope"),
            ),
            ("no password", Connect::new(V::V311, "pw3").user("alice")),
            (
                "unknown user",
                Connect::new(V::V311, "pw4").user("bob").password(b"s3cret"),
            ),
            ("anonymous", Connect::new(V::V311, "pw5")),
            (
                "v5 right",
                Connect::new(V::V5, "pw6").user("alice").password(b"s3cret"),
            ),
            (
                "v5 wrong",
                Connect::new(V::V5, "pw7").user("alice").password(b"x"),
            ),
        ] {
            let mut conn = ctx.client(name, c.bytes());
            conn.end();
            conn.drop_link();
            ctx.sleep(Duration::from_millis(100));
        }
        ctx.logs();
    };
    // 2.0.20 names the client in the lines of an authentication failure (2.0.11: the address
    // and `<unknown>`).
    let refused = ["pw2", "pw3", "pw4", "pw5", "pw7"];
    let (connacks, ends) = (Cell::new(0), Cell::new(0));
    crate::harness::same_rewritten(&conf, script, |l| {
        if l.contains("Sending CONNACK to 127.0.0.1") {
            connacks.set(connacks.get() + 1);
            return l.replace("127.0.0.1", refused[connacks.get() - 1]);
        }
        if l.contains("<unknown> disconnected, not authorised") {
            ends.set(ends.get() + 1);
            return l.replace("<unknown>", refused[ends.get() - 1]);
        }
        l.to_owned()
    });
}

#[test]
fn acl_file() {
    let acl =
        "topic read r/#\ntopic write w/#\ntopic readwrite rw/#\ntopic deny rw/no\npattern readwrite c/%c/#\n";
    let conf = Conf::new().file("acl", acl).listener("acl_file {dir}/acl");
    same(&conf, |ctx| {
        for v in [V::V311, V::V5] {
            let id = format!("acl{v:?}");
            let mut c = ctx.client(&format!("{v:?}"), Connect::new(v, &id).bytes());
            // Subscriptions are never refused by the ACL file.
            c.send(subscribe(
                v,
                1,
                &[("r/#", 1), ("w/#", 1), ("rw/#", 1), (&format!("c/{id}/#"), 1)],
                Props::new(),
            ));
            c.recv();
            for (i, topic) in ["r/1", "w/1", "rw/1", "rw/no", &format!("c/{id}/x"), "other"]
                .into_iter()
                .enumerate()
            {
                c.send(Publish::new(v, topic, b"x").qos(1, i as u16 + 1).bytes());
                let mut got = c.drain(Duration::from_millis(300));
                got.sort();
                for g in got {
                    ctx.note(format!("{v:?} after {topic}: {}", crate::harness::show(&g)));
                    if g[0] & 0xf0 == 0x30 {
                        c.send(crate::packets::puback(crate::harness::publish_mid(&g)));
                    }
                }
            }
            c.send(disconnect(v, 0, Props::new()));
            c.end();
        }
    });
}

#[test]
fn max_connections() {
    let conf = Conf::new().listener("max_connections 2");
    // 2.0.11 did not enforce max_connections; 2.0.20 refuses the socket at once.
    let script = |ctx: &mut Ctx<'_>| {
        let _a = ctx.client("a", Connect::new(V::V311, "mc1").bytes());
        let _b = ctx.client("b", Connect::new(V::V311, "mc2").bytes());
        let mut c = ctx.client("c", Connect::new(V::V311, "mc3").bytes());
        c.end();
    };
    same_except(
        &conf,
        script,
        &["c: 20 02 00 00", "c: open"],
        &["c: closed", "c: closed"],
    );
}

#[test]
fn max_queued_bytes() {
    let conf = Conf::new().global("max_queued_bytes 10");
    same(&conf, |ctx| {
        let c = Connect::new(V::V311, "mqb").clean(false);
        let mut s = ctx.client("sub", c.bytes());
        s.send(subscribe(V::V311, 1, &[("mqb", 1)], Props::new()));
        s.recv();
        s.send(disconnect(V::V311, 0, Props::new()));
        s.end();
        let mut p = ctx.client("pub", Connect::new(V::V311, "mqbp").bytes());
        for i in 1..=4u16 {
            p.send(Publish::new(V::V311, "mqb", b"4444").qos(1, i).bytes());
            p.recv();
        }
        let mut s = ctx.client("back", c.bytes());
        s.recv_n(2);
        s.quiet();
    });
}

#[test]
fn max_keepalive() {
    // 2.0.12+ refuses a 3.x keepalive above max_keepalive (or 0) with CONNACK 2; v5 gets Server
    // Keep Alive (2.0.11 too).
    let conf = Conf::new().global("max_keepalive 30");
    let script = |ctx: &mut Ctx<'_>| {
        for (name, c) in [
            ("v311 k60", Connect::new(V::V311, "mk1").keepalive(60)),
            ("v311 k0", Connect::new(V::V311, "mk2").keepalive(0)),
            ("v311 k30", Connect::new(V::V311, "mk3").keepalive(30)),
        ] {
            let mut conn = ctx.client(name, c.bytes());
            conn.end();
            conn.drop_link();
        }
    };
    known_difference(
        &conf,
        script,
        &[
            "v311 k60: 20 02 00 00",
            "v311 k60: open",
            "v311 k0: 20 02 00 00",
            "v311 k0: open",
            "v311 k30: 20 02 00 00",
            "v311 k30: open",
        ],
        &[
            "v311 k60: 20 02 00 02",
            "v311 k60: closed",
            "v311 k0: 20 02 00 02",
            "v311 k0: closed",
            "v311 k30: 20 02 00 00",
            "v311 k30: open",
        ],
    );
}

#[test]
fn server_keepalive_is_enforced() {
    // A v5 client told Server Keep Alive 10 is dropped after 15 s without a packet (2.0.11
    // takes no max_keepalive below 10).
    let conf = Conf::new().global("max_keepalive 10");
    let script = |ctx: &mut Ctx<'_>| {
        let mut c = ctx.client("v5", Connect::new(V::V5, "ska").keepalive(0).bytes());
        let mut c2 = ctx.client("v5 k100", Connect::new(V::V5, "ska2").keepalive(100).bytes());
        ctx.sleep(Duration::from_secs(22));
        c.end();
        c2.end();
        ctx.logs();
    };
    // 2.0.20 puts Server Keep Alive before Topic Alias Maximum.
    crate::harness::same_rewritten(&conf, script, |l| {
        l.replace("22 00 0a 13 00 0a", "13 00 0a 22 00 0a")
    });
}
