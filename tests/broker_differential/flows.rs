//! More message flows: refused PUBRECs, acknowledgements of the wrong kind, will properties,
//! large payloads, unsubscribing, Receive Maximum across a reconnection.

use std::time::Duration;

use crate::harness::{Conf, Got, WAIT, publish_mid, same};
use crate::packets::{
    Connect, Props, Publish, V, disconnect, packet, prop, puback, pubcomp, pubrec, pubrel, subscribe,
    unsubscribe,
};

#[test]
fn pubrec_with_error_code_ends_the_flow() {
    same(&Conf::new(), |ctx| {
        let mut s = ctx.client("sub", Connect::new(V::V5, "prc").bytes());
        s.send(subscribe(V::V5, 1, &[("prc", 2)], Props::new()));
        s.recv();
        let mut p = ctx.client("pub", Connect::new(V::V311, "prcp").bytes());
        for i in 1..=2u16 {
            p.send(Publish::new(V::V311, "prc", b"x").qos(2, i).bytes());
            p.recv();
            p.send(pubrel(i));
            p.recv();
        }
        if let Got::Packet(pk) = s.recv() {
            // PUBREC 0x80: the message is done, no PUBREL.
            s.send(packet(0x50, &[0x00, publish_mid(&pk) as u8, 0x80]));
        }
        if let Got::Packet(pk) = s.recv() {
            s.send(pubrec(publish_mid(&pk)));
            s.recv();
            s.send(pubcomp(publish_mid(&pk)));
        }
        s.quiet();
        s.send(disconnect(V::V5, 0, Props::new()));
        s.end();
        ctx.logs();
    });
}

#[test]
fn acknowledgement_of_the_wrong_kind() {
    same(&Conf::new(), |ctx| {
        for (name, v, ack) in [
            ("puback for qos 2", V::V311, 0x40u8),
            ("pubcomp for qos 1", V::V311, 0x70),
            ("pubrec for qos 1", V::V311, 0x50),
        ] {
            let id = format!("wk{}", ack >> 4);
            let mut s = ctx.client(name, Connect::new(v, &id).bytes());
            s.send(subscribe(v, 1, &[("wk/#", 2)], Props::new()));
            s.recv();
            let mut p = ctx.client("pub", Connect::new(V::V311, "wkp").bytes());
            let qos = if ack == 0x40 { 2 } else { 1 };
            p.send(Publish::new(V::V311, "wk/t", b"x").qos(qos, 1).bytes());
            p.recv();
            if qos == 2 {
                p.send(pubrel(1));
                p.recv();
            }
            if let Got::Packet(pk) = s.recv() {
                s.send(crate::packets::ack(ack, publish_mid(&pk)));
            }
            s.quiet();
            s.drop_link();
            p.drop_link();
            ctx.sleep(Duration::from_millis(100));
        }
        ctx.logs();
    });
}

#[test]
fn will_properties_are_forwarded() {
    same(&Conf::new(), |ctx| {
        let mut w = ctx.client("watch", Connect::new(V::V5, "wpw").bytes());
        w.send(subscribe(
            V::V5,
            1,
            &[("wp/#", 0)],
            Props::new().var(prop::SUBSCRIPTION_ID, 9),
        ));
        w.recv();
        let props = Props::new()
            .str(prop::CONTENT_TYPE, "text/plain")
            .pair(prop::USER_PROPERTY, "k", "v")
            .u32(prop::MESSAGE_EXPIRY, 500)
            .byte(prop::PAYLOAD_FORMAT, 1)
            .str(prop::RESPONSE_TOPIC, "wp/reply")
            .str(prop::CORRELATION_DATA, "c");
        let c = Connect::new(V::V5, "wp")
            .will("wp/will", b"bye", 0, false)
            .will_props(props);
        let c = ctx.client("willer", c.bytes());
        c.drop_link();
        w.recv();
    });
}

#[test]
fn large_payloads() {
    same(&Conf::new(), |ctx| {
        let mut s = ctx.client("sub", Connect::new(V::V311, "big").bytes());
        s.send(subscribe(V::V311, 1, &[("big", 1)], Props::new()));
        s.recv();
        let mut p = ctx.client("pub", Connect::new(V::V5, "bigp").bytes());
        for (i, size) in [127usize, 128, 16_383, 16_384, 2_097_151, 2_097_152]
            .into_iter()
            .enumerate()
        {
            let payload: Vec<u8> = (0..size).map(|n| (n % 251) as u8).collect();
            p.send(Publish::new(V::V5, "big", &payload).qos(1, i as u16 + 1).bytes());
            p.recv();
            match s.read_within(WAIT) {
                Got::Packet(pk) => {
                    let same_payload = pk.ends_with(&payload);
                    ctx.note(format!("sub: {} bytes, payload intact: {same_payload}", pk.len()));
                    s.send(puback(publish_mid(&pk)));
                }
                other => ctx.note(format!("sub: {other:?}")),
            }
        }
    });
}

#[test]
fn unsubscribe_stops_delivery() {
    same(&Conf::new(), |ctx| {
        let mut s = ctx.client("sub", Connect::new(V::V5, "uns").bytes());
        s.send(subscribe(
            V::V5,
            1,
            &[("un/a", 1), ("$share/g/un/b", 1)],
            Props::new(),
        ));
        s.recv();
        let mut p = ctx.client("pub", Connect::new(V::V311, "unsp").bytes());
        p.send(Publish::new(V::V311, "un/a", b"1").bytes());
        p.send(Publish::new(V::V311, "un/b", b"2").bytes());
        s.recv_n(2);
        s.send(unsubscribe(V::V5, 2, &["un/a", "$share/g/un/b"]));
        s.recv();
        p.send(Publish::new(V::V311, "un/a", b"3").bytes());
        p.send(Publish::new(V::V311, "un/b", b"4").bytes());
        s.quiet();
    });
}

#[test]
fn receive_maximum_after_reconnection() {
    same(&Conf::new(), |ctx| {
        let c = Connect::new(V::V5, "rmr").clean(false).expiry(60).props(
            Props::new()
                .u32(prop::SESSION_EXPIRY, 60)
                .u16(prop::RECEIVE_MAXIMUM, 1),
        );
        let mut s = ctx.client("first", c.bytes());
        s.send(subscribe(V::V5, 1, &[("rmr", 1)], Props::new()));
        s.recv();
        let mut p = ctx.client("pub", Connect::new(V::V311, "rmrp").bytes());
        for i in 1..=3u16 {
            p.send(
                Publish::new(V::V311, "rmr", format!("{i}").as_bytes())
                    .qos(1, i)
                    .bytes(),
            );
            p.recv();
        }
        s.recv();
        s.quiet();
        s.drop_link();
        ctx.sleep(Duration::from_millis(200));
        let mut s = ctx.client("second", c.bytes());
        for _ in 0..3 {
            if let Got::Packet(pk) = s.recv() {
                s.quiet();
                s.send(puback(publish_mid(&pk)));
            }
        }
        s.quiet();
    });
}
