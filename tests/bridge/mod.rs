//! Shared by `broker_bridge.rs`: our broker started in this process with a log kept in
//! memory, Debian's broker as the remote end, and clients of this project's runtime that
//! record what they receive.

#![allow(dead_code)]

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::common::{self, Broker, BrokerConfig, TIMEOUT, now};
use mosquitto::client::{
    Client, ClientOptions, Error, Event, Handler, Owner, Property, ProtocolVersion, PublishRequest, Target,
};

/// Generous limit for what crosses a bridge that has to (re)connect first.
pub(crate) const LONG: Duration = Duration::from_secs(30);

pub(crate) use crate::common::inprocess::Ours;

/// Debian's broker with `extra` global lines.
pub(crate) fn debian(extra: &str) -> Broker {
    Broker::start_with(BrokerConfig {
        extra_global: extra.to_owned(),
        ..Default::default()
    })
}

#[track_caller]
pub(crate) fn expect_debian_log(broker: &Broker, needle: &str, limit: Duration) {
    assert!(
        broker.wait_for_log(needle, limit),
        "no line with {needle:?} in the remote broker's log:\n{}",
        broker.log()
    );
}

/// The configuration of one bridge to `127.0.0.1:port` named `name`, reconnecting after one
/// second, with `lines` (topics and options).
pub(crate) fn bridge(name: &str, port: u16, lines: &str) -> String {
    format!("connection {name}\naddress 127.0.0.1:{port}\nrestart_timeout 1\n{lines}\n")
}

/// A received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Msg {
    pub(crate) topic: String,
    pub(crate) payload: String,
    pub(crate) qos: u8,
    pub(crate) retain: bool,
    pub(crate) properties: Vec<Property>,
}

#[derive(Default)]
struct App {
    client: Option<Client>,
    events: Mutex<Vec<Event>>,
    changed: Condvar,
}

impl Handler for App {
    fn deliver(&self, event: Event) {
        self.events.lock().unwrap().push(event);
        self.changed.notify_all();
    }
}

impl Owner for App {
    fn client(&self) -> &Client {
        self.client.as_ref().expect("a client")
    }
}

/// A client of this project's runtime with its loop thread (which reconnects after a loss),
/// closed on drop.
pub(crate) struct Peer {
    app: Arc<App>,
    name: String,
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.app.client().close_now();
    }
}

impl Peer {
    /// A clean 3.1.1 client, connected when this returns.
    pub(crate) fn new(port: u16, id: &str) -> Peer {
        Peer::with(port, id, ProtocolVersion::V311, true)
    }

    pub(crate) fn with(port: u16, id: &str, protocol: ProtocolVersion, clean: bool) -> Peer {
        let mut opts = ClientOptions::new(Some(format!("{id}-{}", std::process::id())), clean);
        opts.protocol = protocol;
        let app = Arc::new(App {
            client: Some(Client::new(opts).expect("a client")),
            ..Default::default()
        });
        Client::start_loop(&app).expect("start the loop thread");
        let target = Target {
            host: "127.0.0.1".into(),
            port,
            keepalive: 60,
            bind_address: None,
        };
        app.client().connect(&*app, target, None, false).expect("connect");
        let peer = Peer {
            app,
            name: id.to_owned(),
        };
        let rc = peer.wait_for("CONNACK", |ev| {
            ev.iter().find_map(|e| match e {
                Event::Connect { rc, .. } => Some(*rc),
                _ => None,
            })
        });
        assert_eq!(rc, 0, "{id}: CONNACK");
        peer
    }

    fn try_wait_for<T>(&self, limit: Duration, mut f: impl FnMut(&[Event]) -> Option<T>) -> Option<T> {
        let deadline = now() + limit;
        let mut list = self.app.events.lock().unwrap();
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
        match self.try_wait_for(TIMEOUT, f) {
            Some(v) => v,
            None => panic!("{}: timed out waiting for {what}", self.name),
        }
    }

    /// Subscribe and wait for the SUBACK.
    pub(crate) fn subscribe(&self, filter: &str, qos: u8) {
        self.subscribe_with(filter, qos, 0);
    }

    pub(crate) fn subscribe_with(&self, filter: &str, qos: u8, options: u8) {
        let mid = self
            .app
            .client()
            .subscribe(&*self.app, &[filter.as_bytes()], qos, options, Vec::new())
            .expect("subscribe");
        self.wait_for("SUBACK", |ev| {
            ev.iter()
                .any(|e| matches!(e, Event::Subscribe { mid: m, .. } if *m == mid))
                .then_some(())
        });
    }

    /// Publish without waiting for the acknowledgements.
    pub(crate) fn send(&self, topic: &str, payload: &str, qos: u8, retain: bool) {
        self.send_with(topic, payload, qos, retain, Vec::new());
    }

    pub(crate) fn send_with(
        &self,
        topic: &str,
        payload: &str,
        qos: u8,
        retain: bool,
        properties: Vec<Property>,
    ) {
        let (_, r) = self.app.client().publish(
            &*self.app,
            PublishRequest {
                topic: Some(topic.as_bytes()),
                payload: payload.as_bytes(),
                qos,
                retain,
                properties,
            },
        );
        match r {
            // Kept and sent once the connection is back.
            Err(Error::NoConn) if qos > 0 => {}
            r => r.expect("publish"),
        }
    }

    /// Every message received so far.
    pub(crate) fn messages(&self) -> Vec<Msg> {
        self.app
            .events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                Event::Message { message } => Some(Msg {
                    topic: message.topic.clone(),
                    payload: String::from_utf8_lossy(&message.payload).into_owned(),
                    qos: message.qos,
                    retain: message.retain,
                    properties: message.properties.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// Wait (at most `limit`) until a message satisfies `f`; returns it.
    #[track_caller]
    pub(crate) fn expect(&self, limit: Duration, what: &str, f: impl Fn(&Msg) -> bool) -> Msg {
        match common::poll_until(limit, || self.messages().into_iter().find(|m| f(m))) {
            Some(m) => m,
            None => panic!("{}: no message {what}; got {:#?}", self.name, self.messages()),
        }
    }

    /// Wait until a message on `topic` with `payload` arrived; returns it.
    #[track_caller]
    pub(crate) fn expect_message(&self, topic: &str, payload: &str) -> Msg {
        self.expect(LONG, &format!("{topic} {payload}"), |m| {
            m.topic == topic && m.payload == payload
        })
    }

    /// How many messages on `topic` arrived.
    pub(crate) fn count(&self, topic: &str) -> usize {
        self.messages().iter().filter(|m| m.topic == topic).count()
    }
}

/// Wait a moment for anything still under way (before checking that nothing more arrived).
pub(crate) fn settle() {
    std::thread::sleep(Duration::from_millis(1500));
}

/// The names of this process's threads.
pub(crate) fn thread_names() -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path().join("comm")).ok())
        .map(|s| s.trim().to_owned())
        .collect()
}
