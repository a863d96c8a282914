//! This project's client runtime (`mosquitto::client`) against its broker started in the same
//! process with `BrokerBuilder`: publish and subscribe at every QoS on every protocol version,
//! messages queued for a persistent session while its client is away, wills (on a lost
//! connection, not after DISCONNECT, and when the broker stops), and subscriptions that take
//! effect for every other client as soon as their SUBACK has been sent.
//!
//! Every client runs its own loop thread; every wait is bounded; the broker is stopped and
//! every client's thread ended when a test ends, also when it fails.

mod common;

use std::sync::{Arc, Condvar, Mutex};

use common::inprocess::Ours as Server;
use common::{TIMEOUT, now, unique_topic};
use mosquitto::client::{
    Client, ClientOptions, DisconnectCause, Event, Handler, Owner, Property, ProtocolVersion, PublishRequest,
    Target,
};
use mosquitto::protocol::PropValue;

const PROTOCOLS: [ProtocolVersion; 3] = [ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5];

/// Something to do in the loop thread when an event arrives.
type EventHook = Box<dyn Fn(&Event) + Send>;

/// The events of one client, for the test to wait for.
#[derive(Default)]
struct App {
    client: Option<Client>,
    list: Mutex<Vec<Event>>,
    changed: Condvar,
    /// Called for every event from the loop thread (before it is recorded).
    on_event: Mutex<Option<EventHook>>,
}

impl Handler for App {
    fn deliver(&self, event: Event) {
        if let Some(f) = self.on_event.lock().unwrap().as_ref() {
            f(&event);
        }
        self.list.lock().unwrap().push(event);
        self.changed.notify_all();
    }
}

impl Owner for App {
    fn client(&self) -> &Client {
        self.client.as_ref().expect("a client")
    }
}

/// A received message: topic, QoS, payload.
type Received = (String, u8, Vec<u8>);

/// A client with its loop thread, stopped on drop.
struct Peer {
    app: Arc<App>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.app.client().close_now();
    }
}

impl Peer {
    /// A client of `port` that is connected (CONNACK 0) when this returns. `will` is
    /// (topic, payload, qos).
    fn connect(
        port: u16,
        id: &str,
        protocol: ProtocolVersion,
        clean: bool,
        will: Option<(&str, &[u8], u8)>,
        properties: Vec<Property>,
    ) -> Peer {
        let mut opts = ClientOptions::new(Some(id.to_owned()), clean);
        opts.protocol = protocol;
        let app = Arc::new(App {
            client: Some(Client::new(opts).expect("a client")),
            ..Default::default()
        });
        if let Some((topic, payload, qos)) = will {
            app.client()
                .settings()
                .set_will(topic.as_bytes(), payload, qos, false, None)
                .expect("set the will");
        }
        Client::start_loop(&app).expect("start the loop thread");
        let target = Target {
            host: "127.0.0.1".into(),
            port,
            keepalive: 60,
            bind_address: None,
        };
        let props = (!properties.is_empty()).then_some(properties);
        app.client()
            .connect(&*app, target, props, false)
            .expect("connect");
        let peer = Peer { app };
        let rc = peer.wait_for("CONNACK", |ev| {
            ev.iter().find_map(|e| match e {
                Event::Connect { rc, .. } => Some(*rc),
                _ => None,
            })
        });
        assert_eq!(rc, 0, "{id}: CONNACK");
        peer
    }

    fn simple(port: u16, id: &str, protocol: ProtocolVersion) -> Peer {
        Peer::connect(port, id, protocol, true, None, Vec::new())
    }

    /// The session-present flag of the CONNACK.
    fn session_present(&self) -> bool {
        self.wait_for("CONNACK", |ev| {
            ev.iter().find_map(|e| match e {
                Event::Connect { flags, .. } => Some(flags & 1 == 1),
                _ => None,
            })
        })
    }

    /// What `f` finds in the events within [`TIMEOUT`], if anything.
    fn try_wait_for<T>(&self, mut f: impl FnMut(&[Event]) -> Option<T>) -> Option<T> {
        let deadline = now() + TIMEOUT;
        let mut list = self.app.list.lock().unwrap();
        loop {
            if let Some(v) = f(&list) {
                return Some(v);
            }
            let left = deadline.saturating_duration_since(now());
            if left.is_zero() {
                return None;
            }
            list = self.app.changed.wait_timeout(list, left).unwrap().0;
        }
    }

    #[track_caller]
    fn wait_for<T>(&self, what: &str, f: impl FnMut(&[Event]) -> Option<T>) -> T {
        match self.try_wait_for(f) {
            Some(v) => v,
            None => panic!(
                "timed out waiting for {what}; events: {:#?}",
                self.app.list.lock().unwrap()
            ),
        }
    }

    /// Subscribe and wait for the SUBACK; returns the granted QoS.
    fn subscribe(&self, filter: &str, qos: u8) -> u8 {
        let mid = self
            .app
            .client()
            .subscribe(&*self.app, &[filter.as_bytes()], qos, 0, Vec::new())
            .expect("subscribe");
        let granted = self.wait_for("SUBACK", |ev| {
            ev.iter().find_map(|e| match e {
                Event::Subscribe { mid: m, granted, .. } if *m == mid => Some(granted.clone()),
                _ => None,
            })
        });
        granted[0]
    }

    /// Publish and wait until the message is complete.
    fn publish(&self, topic: &str, payload: &[u8], qos: u8) {
        let mid = publish(self.app.client(), &*self.app, topic, payload, qos);
        self.wait_for("the publish event", |ev| {
            ev.iter()
                .any(|e| matches!(e, Event::Publish { mid: m, .. } if *m == mid))
                .then_some(())
        });
    }

    /// The (topic, qos, payload) of the messages received so far, once there are `n`.
    #[track_caller]
    fn messages(&self, n: usize) -> Vec<Received> {
        match self.try_messages(n) {
            Some(got) => got,
            None => panic!(
                "timed out waiting for {n} messages; events: {:#?}",
                self.app.list.lock().unwrap()
            ),
        }
    }

    fn try_messages(&self, n: usize) -> Option<Vec<Received>> {
        self.try_wait_for(|ev| {
            let got: Vec<_> = ev
                .iter()
                .filter_map(|e| match e {
                    Event::Message { message } => {
                        Some((message.topic.clone(), message.qos, message.payload.to_vec()))
                    }
                    _ => None,
                })
                .collect();
            (got.len() >= n).then_some(got)
        })
    }

    /// Disconnect cleanly and wait until the connection is closed.
    fn disconnect(&self) {
        self.app
            .client()
            .disconnect(&*self.app, 0, Vec::new())
            .expect("disconnect");
        self.wait_for("the disconnection", |ev| {
            ev.iter()
                .any(|e| {
                    matches!(
                        e,
                        Event::Disconnect {
                            cause: DisconnectCause::Requested
                        }
                    )
                })
                .then_some(())
        });
    }
}

fn publish(client: &Client, h: &dyn Handler, topic: &str, payload: &[u8], qos: u8) -> u16 {
    let (mid, result) = client.publish(
        h,
        PublishRequest {
            topic: Some(topic.as_bytes()),
            payload,
            qos,
            retain: false,
            properties: Vec::new(),
        },
    );
    result.unwrap_or_else(|e| panic!("publish at QoS {qos}: {e:?}"));
    mid.unwrap_or(0)
}

fn id(label: &str) -> String {
    format!("{label}-{}", std::process::id())
}

#[test]
fn publish_and_subscribe_at_every_qos_on_every_protocol() {
    let server = Server::start("");
    for protocol in PROTOCOLS {
        let topic = unique_topic("qos");
        let sub = Peer::simple(server.port, &id(&format!("sub{protocol:?}")), protocol);
        let publisher = Peer::simple(server.port, &id(&format!("pub{protocol:?}")), protocol);
        assert_eq!(sub.subscribe(&topic, 2), 2);
        for qos in 0..=2u8 {
            publisher.publish(&topic, format!("q{qos}").as_bytes(), qos);
        }
        let mut got = sub.messages(3);
        got.sort();
        let want: Vec<_> = (0..=2u8)
            .map(|q| (topic.clone(), q, format!("q{q}").into_bytes()))
            .collect();
        assert_eq!(got, want, "{protocol:?}");
        sub.disconnect();
        publisher.disconnect();
    }
}

#[test]
fn persistent_session_gets_what_was_queued_while_away() {
    let server = Server::start("");
    let publisher = Peer::simple(server.port, &id("queue-pub"), ProtocolVersion::V311);
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let topic = unique_topic("queued");
        let name = id(&format!("keep{protocol:?}"));
        // v5 keeps the session only with a session expiry interval.
        let expiry = || match protocol {
            ProtocolVersion::V5 => vec![Property::new(17, PropValue::Int32(300)).expect("session expiry")],
            _ => Vec::new(),
        };
        let first = Peer::connect(server.port, &name, protocol, false, None, expiry());
        assert!(!first.session_present(), "{protocol:?}: a new session");
        assert_eq!(first.subscribe(&topic, 2), 2);
        first.disconnect();
        drop(first);
        for qos in 0..=2u8 {
            publisher.publish(&topic, format!("away q{qos}").as_bytes(), qos);
        }
        let again = Peer::connect(server.port, &name, protocol, false, None, expiry());
        assert!(again.session_present(), "{protocol:?}: session present");
        let mut got = again.messages(2);
        got.sort();
        assert_eq!(
            got,
            [
                (topic.clone(), 1, b"away q1".to_vec()),
                (topic.clone(), 2, b"away q2".to_vec())
            ],
            "{protocol:?}: QoS 1 and 2 are queued, QoS 0 is not"
        );
        // Still subscribed: a live message arrives too.
        publisher.publish(&topic, b"live", 1);
        assert_eq!(again.messages(3)[2], (topic.clone(), 1, b"live".to_vec()));
        again.disconnect();
        // A clean start ends the session.
        let clean = Peer::connect(server.port, &name, protocol, true, None, Vec::new());
        assert!(!clean.session_present(), "{protocol:?}: after a clean start");
        clean.disconnect();
    }
}

#[test]
fn will_on_lost_connection_not_after_disconnect() {
    let server = Server::start("");
    for protocol in PROTOCOLS {
        let topic = unique_topic("will");
        let watcher = Peer::simple(server.port, &id(&format!("watch{protocol:?}")), protocol);
        watcher.subscribe(&topic, 1);
        let doomed_id = id(&format!("doomed{protocol:?}"));
        let doomed = Peer::connect(
            server.port,
            &doomed_id,
            protocol,
            true,
            Some((&topic, b"lost", 1)),
            Vec::new(),
        );
        // Gone without DISCONNECT.
        drop(doomed);
        assert_eq!(
            watcher.messages(1),
            [(topic.clone(), 1, b"lost".to_vec())],
            "{protocol:?}"
        );
        assert!(server.wait_for_log(&format!("Client {doomed_id} closed its connection.")));

        let polite = Peer::connect(
            server.port,
            &id(&format!("polite{protocol:?}")),
            protocol,
            true,
            Some((&topic, b"left", 1)),
            Vec::new(),
        );
        polite.disconnect();
        let publisher = Peer::simple(server.port, &id(&format!("mark{protocol:?}")), protocol);
        publisher.publish(&topic, b"marker", 1);
        let got = watcher.messages(2);
        assert_eq!(
            got[1],
            (topic.clone(), 1, b"marker".to_vec()),
            "{protocol:?}: no will after DISCONNECT"
        );
        watcher.disconnect();
        publisher.disconnect();
    }
}

#[test]
fn wills_are_published_when_the_broker_stops() {
    let mut server = Server::start("");
    let topic = unique_topic("stop-will");
    let watcher = Peer::simple(server.port, &id("stop-watch"), ProtocolVersion::V311);
    watcher.subscribe(&topic, 1);
    let _with_will = Peer::connect(
        server.port,
        &id("stop-doomed"),
        ProtocolVersion::V5,
        true,
        Some((&topic, b"broker stopped", 1)),
        Vec::new(),
    );
    server.stop();
    assert!(server.log().contains("mosquitto version 2.0.20 terminating"));
    // Wills go out before the sockets close.
    assert_eq!(
        watcher.messages(1),
        [(topic.clone(), 1, b"broker stopped".to_vec())],
        "{}",
        server.log()
    );
}

/// A message published by one client right after another client's SUBACK reaches that
/// subscriber, whichever worker threads the two connections are on.
#[test]
fn a_subscription_applies_to_publishers_on_every_worker_once_acknowledged() {
    let server = Server::start("");
    // Publishers with ids spread over the workers.
    let publishers: Vec<Peer> = (0..4)
        .map(|i| Peer::simple(server.port, &id(&format!("race-pub{i}")), ProtocolVersion::V311))
        .collect();
    for round in 0..50 {
        let topic = unique_topic("race");
        let sub = Peer::simple(
            server.port,
            &id(&format!("race-sub{round}")),
            ProtocolVersion::V311,
        );
        let publisher = publishers[round % publishers.len()].app.clone();
        let t = topic.clone();
        // Publish from the subscriber's loop thread the moment its SUBACK arrives.
        *sub.app.on_event.lock().unwrap() = Some(Box::new(move |e: &Event| {
            if matches!(e, Event::Subscribe { .. }) {
                publish(publisher.client(), &*publisher, &t, b"right after", 1);
            }
        }));
        sub.subscribe(&topic, 1);
        let got = sub.try_messages(1);
        assert_eq!(
            got,
            Some(vec![(topic.clone(), 1, b"right after".to_vec())]),
            "round {round}; the broker's log ends with:\n{}",
            server.log().lines().rev().take(30).collect::<Vec<_>>().join("\n")
        );
        sub.disconnect();
    }
    drop(publishers);
}
