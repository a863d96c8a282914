//! Bridges of our broker (`connection` sections), against Debian's `mosquitto` as the remote
//! broker and against a second broker of ours: messages both ways with prefixes, QoS 1 and 2
//! without loss while the remote broker restarts, the state notifications, loop prevention
//! with the bridge flag (`try_private`), each protocol version, TLS with a client
//! certificate, several addresses with and without `round_robin`, `start_type once` and
//! `lazy`, a remote that sends garbage, and no thread left after the broker stopped.
//!
//! Every wait is bounded; every broker and client is stopped when its test ends.

mod bridge;
mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use bridge::{LONG, Ours, Peer, bridge, debian, expect_debian_log, settle, thread_names};
use common::certs::CertDir;
use common::{Broker, BrokerConfig, Listener, TIMEOUT, TempDir};
use mosquitto::client::{Property, ProtocolVersion};
use mosquitto::protocol::PropValue;
use mosquitto::protocol::consts::MQTT_PROP_USER_PROPERTY;

/// A remote client id unique to this process.
fn rid(label: &str) -> String {
    format!("{label}-{}", std::process::id())
}

#[test]
fn messages_cross_both_ways_with_the_prefixes_of_each_line() {
    let remote = debian("");
    let id = rid("prefixes");
    let ours = Ours::start(&bridge(
        "prefixes",
        remote.port,
        &format!(
            "remote_clientid {id}\n\
             topic a/# out 1 L/ R/\n\
             topic b/# in 1 L/ R/\n\
             topic c/# both 1 \"\" R/\n\
             topic \"\" both 1 here/x there/y\n\
             topic plain/# both 0"
        ),
    ));
    ours.expect_log(
        &format!("Connecting bridge prefixes (127.0.0.1:{})", remote.port),
        TIMEOUT,
    );
    // The remote broker takes the bridge flag: this is a bridge, not a client.
    expect_debian_log(&remote, "New bridge connected from 127.0.0.1", LONG);
    expect_debian_log(&remote, &format!("as {id} (p2, c0, k60)."), TIMEOUT);
    expect_debian_log(&remote, "\tthere/y (QoS 1)", TIMEOUT);

    let local = Peer::new(ours.port, "local");
    local.subscribe("#", 1);
    let far = Peer::new(remote.port, "far");
    far.subscribe("#", 1);

    local.send("L/a/1", "out", 1, false);
    far.expect_message("R/a/1", "out");
    far.send("R/b/2", "in", 1, false);
    local.expect_message("L/b/2", "in");
    local.send("c/3", "c-out", 1, false);
    far.expect_message("R/c/3", "c-out");
    far.send("R/c/4", "c-in", 1, false);
    local.expect_message("c/4", "c-in");
    local.send("here/x", "single-out", 1, false);
    far.expect_message("there/y", "single-out");
    far.send("there/y", "single-in", 1, false);
    local.expect_message("here/x", "single-in");
    local.send("plain/5", "p-out", 0, false);
    far.expect_message("plain/5", "p-out");
    far.send("plain/6", "p-in", 0, false);
    local.expect_message("plain/6", "p-in");

    // An "out" line brings nothing in, an "in" line sends nothing out, and what crossed does
    // not come back. Messages sent afterwards on the same way show that the others would
    // have arrived by then.
    far.send("R/a/7", "not-in", 1, false);
    local.send("L/b/8", "not-out", 1, false);
    far.send("R/b/9", "sentinel-in", 1, false);
    local.send("L/a/10", "sentinel-out", 1, false);
    local.expect_message("L/b/9", "sentinel-in");
    far.expect_message("R/a/10", "sentinel-out");
    settle();
    assert!(local.messages().iter().all(|m| m.payload != "not-in"));
    assert!(far.messages().iter().all(|m| m.payload != "not-out"));
    assert_eq!(local.count("c/3"), 1, "{:#?}", local.messages());
    assert_eq!(far.count("R/c/4"), 1, "{:#?}", far.messages());
    assert_eq!(far.count("there/y"), 2, "{:#?}", far.messages());
}

#[test]
fn notifications_give_the_state_of_the_bridge_locally_and_remotely() {
    let mut remote = debian("");
    remote.stop();
    let id = rid("notify");
    let state = format!("$SYS/broker/connection/{id}/state");
    let mut ours = Ours::start(&bridge(
        "notify",
        remote.port,
        &format!("remote_clientid {id}\ntopic n/# both 1"),
    ));
    // Before the first connection: "0", retained. (A subscription made while a retained
    // message is being published by a client of another worker can miss it: subscribe once
    // the bridge has certainly published.)
    ours.expect_log(
        &format!("Connecting bridge notify (127.0.0.1:{})", remote.port),
        TIMEOUT,
    );
    settle();
    let local = Peer::new(ours.port, "state-local");
    local.subscribe(&state, 1);
    let early = Peer::new(ours.port, "state-early");
    early.subscribe(&state, 1);
    let first = early.expect(TIMEOUT, "state 0", |m| m.topic == state);
    assert_eq!((first.payload.as_str(), first.retain), ("0", true));

    remote.restart();
    expect_debian_log(&remote, &format!("as {id} (p2"), LONG);
    local.expect_message(&state, "1");
    let far = Peer::new(remote.port, "state-far");
    far.subscribe(&state, 1);
    let m = far.expect(TIMEOUT, "state 1", |m| m.topic == state);
    assert_eq!((m.payload.as_str(), m.retain, m.qos), ("1", true, 1));
    // A new local subscriber gets the retained state too.
    let late = Peer::new(ours.port, "state-late");
    late.subscribe(&state, 1);
    let m = late.expect(TIMEOUT, "retained state", |m| m.topic == state);
    assert_eq!((m.payload.as_str(), m.retain), ("1", true));

    // The connection is lost: "0" locally.
    remote.stop();
    local.expect(LONG, "state 0 after the loss", |m| {
        m.topic == state && m.payload == "0" && !m.retain
    });
    remote.restart();
    local.expect(LONG, "state 1 again", |m| {
        m.topic == state && m.payload == "1" && !m.retain
    });
    // Our broker stops without DISCONNECT: the remote broker publishes the will, "0".
    let far = Peer::new(remote.port, "state-far2");
    far.subscribe(&state, 1);
    far.expect(TIMEOUT, "state 1 retained", |m| {
        m.topic == state && m.payload == "1"
    });
    ours.stop();
    far.expect(LONG, "the will", |m| m.topic == state && m.payload == "0");
}

#[test]
fn notification_topic_and_local_only_notifications() {
    let remote = debian("");
    let (one, two) = (rid("only-local"), rid("silent"));
    let ours = Ours::start(&format!(
        "{}{}",
        bridge(
            "onlylocal",
            remote.port,
            &format!(
                "remote_clientid {one}\nnotification_topic bridges/{one}\nnotifications_local_only true\n\
                 topic x/# out 0"
            ),
        ),
        bridge(
            "silent",
            remote.port,
            &format!(
                "remote_clientid {two}\nnotification_topic bridges/{two}\nnotifications false\ntopic y/# out 0"
            ),
        )
    ));
    let far = Peer::new(remote.port, "notif-far");
    far.subscribe("bridges/#", 1);
    far.subscribe("$SYS/broker/connection/#", 1);
    expect_debian_log(&remote, &format!("as {one} (p2"), LONG);
    expect_debian_log(&remote, &format!("as {two} (p2"), LONG);
    settle();
    let local = Peer::new(ours.port, "notif-local");
    local.subscribe("bridges/#", 1);
    let m = local.expect_message(&format!("bridges/{one}"), "1");
    assert!(m.retain);
    settle();
    assert!(far.messages().is_empty(), "{:#?}", far.messages());
    assert_eq!(local.count(&format!("bridges/{two}")), 0);
}

#[test]
fn qos_1_and_2_messages_survive_a_restart_of_the_remote_broker() {
    const N: usize = 150;
    let store = TempDir::new("bridge-store");
    let mut remote = debian(&format!(
        "persistence true\npersistence_location {}/\n",
        store.path().display()
    ));
    let id = rid("restart");
    let ours = Ours::start(&bridge(
        "restart",
        remote.port,
        &format!("remote_clientid {id}\nkeepalive_interval 5\ntopic out/# out 2\ntopic in/# in 2"),
    ));
    expect_debian_log(&remote, "\tin/# (QoS 2)", LONG);
    let far_sub = Peer::with(remote.port, "restart-far-sub", ProtocolVersion::V311, false);
    far_sub.subscribe("out/#", 2);
    let local_sub = Peer::new(ours.port, "restart-local-sub");
    local_sub.subscribe("in/#", 2);
    let local_pub = Peer::new(ours.port, "restart-local-pub");
    // Persistent, so that the remote broker keeps the QoS 2 state of its messages too.
    let far_pub = Peer::with(remote.port, "restart-far-pub", ProtocolVersion::V311, false);

    let publish = |range: std::ops::Range<usize>| {
        for i in range {
            for qos in [1, 2] {
                local_pub.send(&format!("out/q{qos}"), &i.to_string(), qos, false);
                far_pub.send(&format!("in/q{qos}"), &i.to_string(), qos, false);
            }
        }
    };
    publish(0..N / 2);
    remote.restart();
    publish(N / 2..N);

    let complete = |peer: &Peer, prefix: &str| {
        common::poll_until(Duration::from_secs(60), || {
            let got = peer.messages();
            [1, 2]
                .iter()
                .all(|qos| {
                    let topic = format!("{prefix}/q{qos}");
                    (0..N).all(|i| got.iter().any(|m| m.topic == topic && m.payload == i.to_string()))
                })
                .then_some(())
        })
        .is_some()
    };
    assert!(
        complete(&far_sub, "out"),
        "messages lost on the way out: {} received; log:\n{}",
        far_sub.messages().len(),
        ours.log()
    );
    let missing = |peer: &Peer, prefix: &str| {
        let got = peer.messages();
        let mut out = Vec::new();
        for qos in [1, 2] {
            let topic = format!("{prefix}/q{qos}");
            out.extend(
                (0..N)
                    .filter(|i| !got.iter().any(|m| m.topic == topic && m.payload == i.to_string()))
                    .map(|i| (qos, i)),
            );
        }
        out
    };
    assert!(
        complete(&local_sub, "in"),
        "missing {:?}",
        missing(&local_sub, "in")
    );
    assert!(
        complete(&local_sub, "in"),
        "messages lost on the way in: {} received; log:\n{}",
        local_sub.messages().len(),
        ours.log()
    );
    // The bridge found the remote broker again.
    assert!(ours.count("Connecting bridge restart") >= 2, "{}", ours.log());
}

#[test]
fn the_bridge_flag_prevents_loops_with_topic_hash_both() {
    let remote = debian("");
    let id = rid("loop");
    let ours = Ours::start(&bridge(
        "loop",
        remote.port,
        &format!("remote_clientid {id}\ntopic # both 1"),
    ));
    expect_debian_log(&remote, "New bridge connected from 127.0.0.1", LONG);
    expect_debian_log(&remote, "\t# (QoS 1)", TIMEOUT);
    let local = Peer::new(ours.port, "loop-local");
    local.subscribe("loop/#", 1);
    let far = Peer::new(remote.port, "loop-far");
    far.subscribe("loop/#", 1);
    local.send("loop/a", "from-local", 1, false);
    far.send("loop/b", "from-remote", 1, false);
    far.expect_message("loop/a", "from-local");
    local.expect_message("loop/b", "from-remote");
    settle();
    for (peer, topic) in [
        (&local, "loop/a"),
        (&local, "loop/b"),
        (&far, "loop/a"),
        (&far, "loop/b"),
    ] {
        assert_eq!(peer.count(topic), 1, "{topic}: {:#?}", peer.messages());
    }
}

#[test]
fn each_protocol_version_carries_messages() {
    let remote = debian("");
    let mut conf = String::new();
    let versions = [
        ("mqttv50", "p5", "v5"),
        ("mqttv311", "p2", "v311"),
        ("mqttv31", "p1", "v31"),
    ];
    for (version, _, label) in versions {
        conf.push_str(&bridge(
            label,
            remote.port,
            &format!(
                "remote_clientid {}\nbridge_protocol_version {version}\ntopic {label}/# both 2",
                rid(label)
            ),
        ));
    }
    let ours = Ours::start(&conf);
    for (_, tag, label) in versions {
        expect_debian_log(&remote, &format!("as {} ({tag}, c0, k60)", rid(label)), LONG);
        expect_debian_log(&remote, &format!("\t{label}/# (QoS 2)"), TIMEOUT);
    }
    let local = Peer::with(ours.port, "versions-local", ProtocolVersion::V5, true);
    local.subscribe("#", 2);
    let far = Peer::with(remote.port, "versions-far", ProtocolVersion::V5, true);
    far.subscribe("#", 2);
    let property = || {
        vec![Property {
            id: MQTT_PROP_USER_PROPERTY,
            value: PropValue::StringPair("k".into(), "v".into()),
        }]
    };
    for (_, _, label) in versions {
        local.send_with(&format!("{label}/out"), "out", 2, false, property());
        far.send_with(&format!("{label}/in"), "in", 2, false, property());
        let out = far.expect_message(&format!("{label}/out"), "out");
        let inbound = local.expect_message(&format!("{label}/in"), "in");
        // Properties travel over an MQTT 5 bridge only.
        let expected = if label == "v5" { property() } else { Vec::new() };
        assert_eq!(out.properties, expected, "{label} out");
        assert_eq!(inbound.properties, expected, "{label} in");
    }
    settle();
    for (_, _, label) in versions {
        assert_eq!(
            local.count(&format!("{label}/out")),
            1,
            "{label}: {:#?}",
            local.messages()
        );
        assert_eq!(
            far.count(&format!("{label}/in")),
            1,
            "{label}: {:#?}",
            far.messages()
        );
    }
}

#[test]
fn tls_with_a_client_certificate_to_a_debian_listener() {
    let certs = CertDir::new();
    let remote = Broker::start_with(BrokerConfig {
        listeners: vec![Listener::new(format!(
            "{}require_certificate true\n",
            certs.listener("server.crt")
        ))],
        ..Default::default()
    });
    let port = remote.ports[0];
    let (good, bad) = (rid("tls-good"), rid("tls-bad"));
    let ours = Ours::start(&format!(
        "{}{}",
        bridge(
            "tlsgood",
            port,
            &format!(
                "remote_clientid {good}\nbridge_cafile {}\nbridge_certfile {}\nbridge_keyfile {}\n\
                 bridge_tls_version tlsv1.2\ntopic tls/# both 1",
                certs.file("ca.crt"),
                certs.file("client.crt"),
                certs.file("client.key")
            ),
        ),
        bridge(
            "tlsbad",
            port,
            &format!(
                "remote_clientid {bad}\nbridge_cafile {}\nbridge_certfile {}\nbridge_keyfile {}\n\
                 topic bad/# both 1",
                certs.file("other-ca.crt"),
                certs.file("client.crt"),
                certs.file("client.key")
            ),
        )
    ));
    expect_debian_log(&remote, &format!("as {good} (p2"), LONG);
    expect_debian_log(&remote, "\ttls/# (QoS 1)", TIMEOUT);
    let local = Peer::new(ours.port, "tls-local");
    local.subscribe("tls/#", 1);
    let far = Peer::new(remote.port, "tls-far");
    far.subscribe("tls/#", 1);
    local.send("tls/out", "secret-out", 1, false);
    far.send("tls/in", "secret-in", 1, false);
    far.expect_message("tls/out", "secret-out");
    local.expect_message("tls/in", "secret-in");
    // The bridge that does not trust the server's CA never gets through; it says why.
    ours.expect_log("Connecting bridge tlsbad", TIMEOUT);
    ours.expect_log("certificate", LONG);
    assert!(!remote.log().contains(&format!("as {bad}")), "{}", remote.log());
}

#[test]
fn several_addresses_with_and_without_round_robin() {
    let mut first = debian("");
    let mut second = debian("");
    // Without round_robin, the first address is the main one: the bridge starts on the
    // second while the first is down, and goes back to the first once it is up again.
    first.stop();
    let main = rid("main");
    let rr = rid("rr");
    let ours = Ours::start(&format!(
        "connection main\naddresses 127.0.0.1:{} 127.0.0.1:{}\nrestart_timeout 1\nremote_clientid {main}\n\
         topic main/# both 1\n\
         connection rr\naddresses 127.0.0.1:{} 127.0.0.1:{}\nround_robin true\nrestart_timeout 1\n\
         remote_clientid {rr}\ntopic rr/# both 1\n",
        first.port, second.port, second.port, first.port
    ));
    expect_debian_log(&second, &format!("as {main} (p2"), LONG);
    expect_debian_log(&second, &format!("as {rr} (p2"), LONG);
    ours.expect_log(
        &format!("Connecting bridge main (127.0.0.1:{})", first.port),
        TIMEOUT,
    );
    first.restart();
    expect_debian_log(&first, &format!("as {main} (p2"), LONG);
    expect_debian_log(&first, "\tmain/# (QoS 1)", TIMEOUT);
    let far = Peer::new(first.port, "main-far");
    far.subscribe("main/#", 1);
    let local = Peer::new(ours.port, "main-local");
    local.send("main/x", "via-first", 1, false);
    far.expect_message("main/x", "via-first");

    // With round_robin, the bridge stays where it is while that address works, and moves
    // on to the next when it fails.
    settle();
    assert!(!first.log().contains(&format!("as {rr}")), "{}", first.log());
    second.stop();
    expect_debian_log(&first, &format!("as {rr} (p2"), LONG);
    expect_debian_log(&first, "\trr/# (QoS 1)", TIMEOUT);
    far.subscribe("rr/#", 1);
    local.send("rr/y", "moved", 1, false);
    far.expect_message("rr/y", "moved");
}

#[test]
fn start_type_once_never_reconnects() {
    let mut remote = debian("");
    let id = rid("once");
    let ours = Ours::start(&bridge(
        "once",
        remote.port,
        &format!("remote_clientid {id}\nstart_type once\ntopic once/# out 1"),
    ));
    expect_debian_log(&remote, &format!("as {id} (p2"), LONG);
    remote.restart();
    // A bridge restarting every second would have been back several times by now.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(
        remote.log().matches(&format!("as {id} (p2")).count(),
        1,
        "{}",
        remote.log()
    );
    assert_eq!(ours.count("Connecting bridge once"), 1, "{}", ours.log());
}

#[test]
fn start_type_lazy_connects_at_the_threshold_and_stops_when_idle() {
    let remote = debian("");
    let id = rid("lazy");
    let ours = Ours::start(&bridge(
        "lazy",
        remote.port,
        &format!(
            "remote_clientid {id}\nlocal_clientid local-{id}\nstart_type lazy\nthreshold 3\nidle_timeout 2\ntopic lazy/# out 1"
        ),
    ));
    let far = Peer::new(remote.port, "lazy-far");
    far.subscribe("lazy/#", 1);
    let local = Peer::new(ours.port, "lazy-local");
    local.send("lazy/1", "one", 1, false);
    local.send("lazy/2", "two", 0, false);
    settle();
    assert_eq!(ours.count("Connecting bridge lazy"), 0, "{}", ours.log());
    local.send("lazy/3", "three", 1, false);
    ours.expect_log("Connecting bridge lazy", TIMEOUT);
    for (topic, payload) in [("lazy/1", "one"), ("lazy/2", "two"), ("lazy/3", "three")] {
        far.expect_message(topic, payload);
    }
    ours.expect_log(
        &format!("Bridge connection local-{id} has exceeded idle timeout, disconnecting."),
        LONG,
    );
}

#[test]
fn our_broker_bridged_to_itself() {
    let other = Ours::start("");
    let (v3, v5) = (rid("self311"), rid("self5"));
    let ours = Ours::start(&format!(
        "{}{}",
        bridge(
            "self311",
            other.port,
            &format!("remote_clientid {v3}\ntopic # both 1")
        ),
        bridge(
            "self5",
            other.port,
            &format!(
                "remote_clientid {v5}\nbridge_protocol_version mqttv50\ntopic five/# both 2 here/ there/"
            ),
        )
    ));
    other.expect_log("New bridge connected from 127.0.0.1", LONG);
    other.expect_log(&format!("as {v3} (p2, c0, k60)."), TIMEOUT);
    other.expect_log(&format!("as {v5} (p5, c0, k60)."), TIMEOUT);
    other.expect_log(&format!("{v5} 2 there/five/#"), TIMEOUT);
    other.expect_log(&format!("{v3} 1 #"), TIMEOUT);
    let here = Peer::new(ours.port, "self-here");
    here.subscribe("#", 2);
    let there = Peer::new(other.port, "self-there");
    there.subscribe("#", 2);
    here.send("plain/a", "from-here", 1, false);
    there.send("plain/b", "from-there", 1, false);
    here.send("here/five/c", "five-out", 2, false);
    there.send("there/five/d", "five-in", 2, false);
    there.expect_message("plain/a", "from-here");
    here.expect_message("plain/b", "from-there");
    there.expect_message("there/five/c", "five-out");
    here.expect_message("here/five/d", "five-in");
    settle();
    for (peer, topic) in [
        (&here, "plain/a"),
        (&here, "plain/b"),
        (&there, "plain/a"),
        (&there, "plain/b"),
        (&here, "here/five/d"),
        (&there, "there/five/c"),
    ] {
        assert_eq!(peer.count(topic), 1, "{topic}: {:#?}", peer.messages());
    }
    // The local side of a bridge is not announced in the log.
    assert!(
        !ours.log().contains("New client connected from bridge"),
        "{}",
        ours.log()
    );
}

#[test]
fn a_remote_that_sends_garbage_is_retried_and_the_broker_serves_on() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("address").port();
    let ours = Ours::start(&bridge("garbage", port, "topic g/# both 0"));
    listener.set_nonblocking(false).expect("blocking");
    for _ in 0..2 {
        let (mut s, _) = listener.accept().expect("the bridge connects");
        s.set_read_timeout(Some(TIMEOUT)).expect("timeout");
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).expect("its CONNECT");
        assert!(n > 0 && buf[0] == 0x10, "{:?}", &buf[..n]);
        let _ = s.write_all(&[0x20, 0x02, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    }
    ours.expect_log("Connecting bridge garbage", TIMEOUT);
    let client = Peer::new(ours.port, "garbage-client");
    client.subscribe("g/#", 0);
}

#[test]
fn stopping_the_broker_ends_every_bridge_thread() {
    let unused = common::broker::free_port();
    let mut ours = Ours::start(&bridge("stopcheck", unused, "topic s/# both 0"));
    ours.expect_log("Connecting bridge stopcheck", TIMEOUT);
    assert!(
        thread_names().iter().any(|n| n == "bridge-stopchec"),
        "{:?}",
        thread_names()
    );
    ours.stop();
    assert!(
        !thread_names().iter().any(|n| n == "bridge-stopchec"),
        "{:?}",
        thread_names()
    );
}

/// A connection that says it is a bridge (level 0x84), as Debian's broker and ours treat it:
/// it does not get its own messages back, and live messages keep their retain flag.
#[test]
fn a_client_with_the_bridge_flag_is_treated_as_a_bridge_by_both_brokers() {
    let debian_broker = debian("");
    let ours = Ours::start("");
    for (port, who) in [(debian_broker.port, "debian"), (ours.port, "ours")] {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(TIMEOUT)).expect("timeout");
        let id = format!("flag-{}", std::process::id());
        let mut connect = vec![
            0x10,
            (12 + id.len()) as u8,
            0,
            4,
            b'M',
            b'Q',
            b'T',
            b'T',
            0x84,
            2,
            0,
            60,
            0,
        ];
        connect.push(id.len() as u8);
        connect.extend_from_slice(id.as_bytes());
        s.write_all(&connect).expect("CONNECT");
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).expect("CONNACK");
        assert_eq!(buf, [0x20, 2, 0, 0], "{who}");
        s.write_all(&[0x82, 8, 0, 1, 0, 3, b'f', b'/', b'#', 1])
            .expect("SUBSCRIBE");
        let mut suback = [0u8; 5];
        s.read_exact(&mut suback).expect("SUBACK");
        assert_eq!(suback, [0x90, 3, 0, 1, 1], "{who}");
        // Its own message does not come back; another client's retained one keeps its flag.
        s.write_all(&[0x30, 8, 0, 3, b'f', b'/', b'a', b'o', b'w', b'n'])
            .expect("PUBLISH");
        let other = Peer::new(port, &format!("flag-other-{who}"));
        other.send("f/b", "other", 0, true);
        let mut publish = [0u8; 12];
        s.read_exact(&mut publish).expect("PUBLISH");
        assert_eq!(&publish, b"\x31\x0a\x00\x03f/bother", "{who}");
        // Clear the retained message.
        other.send("f/b", "", 0, true);
    }
}

#[test]
fn retained_messages_cross_retained_unless_bridge_outgoing_retain_is_false() {
    let remote = debian("");
    let (keep, drop) = (rid("keep-retain"), rid("drop-retain"));
    let ours = Ours::start(&format!(
        "{}{}",
        bridge(
            "keep",
            remote.port,
            &format!("remote_clientid {keep}\ntopic r1/# out 1")
        ),
        bridge(
            "drop",
            remote.port,
            &format!("remote_clientid {drop}\nbridge_outgoing_retain false\ntopic r2/# out 1"),
        )
    ));
    expect_debian_log(&remote, &format!("as {keep} (p2"), LONG);
    expect_debian_log(&remote, &format!("as {drop} (p2"), LONG);
    let watch = Peer::new(remote.port, "retain-watch");
    watch.subscribe("r1/#", 1);
    watch.subscribe("r2/#", 1);
    let local = Peer::new(ours.port, "retain-local");
    local.send("r1/x", "kept", 1, true);
    local.send("r2/x", "not-kept", 1, true);
    watch.expect_message("r1/x", "kept");
    watch.expect_message("r2/x", "not-kept");
    // Only the first is retained on the remote broker.
    let late = Peer::new(remote.port, "retain-late");
    late.subscribe("r1/#", 1);
    late.subscribe("r2/#", 1);
    let m = late.expect_message("r1/x", "kept");
    assert!(m.retain);
    settle();
    assert_eq!(late.count("r2/x"), 0, "{:#?}", late.messages());
    local.send("r1/x", "", 1, true);
}
