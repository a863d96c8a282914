//! The client runtime from Rust, without any C: `mosquitto::client::Client` against a real broker
//! (Debian's `mosquitto`, started by the common harness). One client subscribes, publishes at
//! QoS 0, 1 and 2, receives its own messages as events and disconnects, first with the loop
//! driven by the test ([`Client::run_once`]), then in the client's own loop thread
//! ([`Client::start_loop`] with an [`Owner`]). A demonstration that the runtime works on its
//! own, not a copy of the C API tests. Every wait is bounded.

mod common;

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use common::{Broker, TIMEOUT, now, unique_topic};
use mosquitto::client::{
    Client, ClientOptions, DisconnectCause, Event, Handler, Owner, PublishRequest, Target,
};

/// A handler that keeps every event, for the test to wait for.
#[derive(Default)]
struct Events {
    list: Mutex<Vec<Event>>,
    changed: Condvar,
}

impl Handler for Events {
    fn deliver(&self, event: Event) {
        self.list.lock().unwrap().push(event);
        self.changed.notify_all();
    }
}

impl Events {
    /// What `f` finds in the events so far, if anything.
    fn find<T>(&self, f: &mut impl FnMut(&[Event]) -> Option<T>) -> Option<T> {
        f(&self.list.lock().unwrap())
    }

    /// Wait (another thread delivers the events) until `f` finds something, at most
    /// [`TIMEOUT`].
    #[track_caller]
    fn wait_for<T>(&self, what: &str, mut f: impl FnMut(&[Event]) -> Option<T>) -> T {
        let deadline = now() + TIMEOUT;
        let mut list = self.list.lock().unwrap();
        loop {
            if let Some(v) = f(&list) {
                return v;
            }
            let left = deadline.saturating_duration_since(now());
            assert!(!left.is_zero(), "timed out waiting for {what}; events: {list:#?}");
            list = self.changed.wait_timeout(list, left).unwrap().0;
        }
    }
}

/// Run the network loop in this thread until `f` finds something in the events, at most
/// [`TIMEOUT`].
#[track_caller]
fn pump<T>(client: &Client, events: &Events, what: &str, mut f: impl FnMut(&[Event]) -> Option<T>) -> T {
    let deadline = now() + TIMEOUT;
    loop {
        if let Some(v) = events.find(&mut f) {
            return v;
        }
        assert!(
            now() < deadline,
            "timed out waiting for {what}; events: {:#?}",
            events.list.lock().unwrap()
        );
        if client.run_once(events, Some(Duration::from_millis(20))).is_err() {
            // Not connected (yet): do not spin.
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn target(port: u16) -> Target {
    Target {
        host: "127.0.0.1".into(),
        port,
        keepalive: 60,
        bind_address: None,
    }
}

fn connack(ev: &[Event]) -> Option<u8> {
    ev.iter().find_map(|e| match e {
        Event::Connect { rc, .. } => Some(*rc),
        _ => None,
    })
}

fn suback(mid: u16) -> impl FnMut(&[Event]) -> Option<Vec<u8>> {
    move |ev| {
        ev.iter().find_map(|e| match e {
            Event::Subscribe { mid: m, granted, .. } if *m == mid => Some(granted.clone()),
            _ => None,
        })
    }
}

/// A received message: its QoS and payload.
type Received = (u8, Vec<u8>);

/// The messages on `topic`, once there are `n`.
fn messages(topic: &str, n: usize) -> impl FnMut(&[Event]) -> Option<Vec<Received>> {
    move |ev| {
        let got: Vec<Received> = ev
            .iter()
            .filter_map(|e| match e {
                Event::Message { message } if message.topic == topic => {
                    Some((message.qos, message.payload.to_vec()))
                }
                _ => None,
            })
            .collect();
        (got.len() >= n).then_some(got)
    }
}

fn published(mid: u16) -> impl FnMut(&[Event]) -> Option<()> {
    move |ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Publish { mid: m, .. } if *m == mid))
            .then_some(())
    }
}

fn requested_disconnect(ev: &[Event]) -> Option<()> {
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
    mid.expect("a message id")
}

#[test]
fn subscribe_publish_at_every_qos_and_disconnect_with_run_once() {
    let broker = Broker::start();
    let topic = unique_topic("runtime");
    let events = Events::default();
    let client = Client::new(ClientOptions::new(Some("runtime-once".into()), true)).expect("a client");
    client
        .connect(&events, target(broker.port), None, true)
        .expect("connect");
    assert_eq!(pump(&client, &events, "CONNACK", connack), 0);

    let mid = client
        .subscribe(&events, &[topic.as_bytes()], 2, 0, Vec::new())
        .expect("subscribe");
    assert_eq!(pump(&client, &events, "SUBACK", suback(mid)), [2]);

    let mids: Vec<u16> = (0..=2u8)
        .map(|qos| publish(&client, &events, &topic, format!("at QoS {qos}").as_bytes(), qos))
        .collect();
    let mut got = pump(&client, &events, "three messages", messages(&topic, 3));
    got.sort();
    let want: Vec<Received> = (0..=2u8)
        .map(|qos| (qos, format!("at QoS {qos}").into_bytes()))
        .collect();
    assert_eq!(got, want);
    for mid in mids {
        pump(&client, &events, "the publish event", published(mid));
    }

    client.disconnect(&events, 0, Vec::new()).expect("disconnect");
    pump(&client, &events, "the disconnect event", requested_disconnect);
}

/// The application side of a client whose loop runs in its own thread.
struct App {
    client: Client,
    events: Events,
}

impl Handler for App {
    fn deliver(&self, event: Event) {
        self.events.deliver(event);
    }
}

impl Owner for App {
    fn client(&self) -> &Client {
        &self.client
    }
}

#[test]
fn loop_thread_delivers_the_events() {
    let broker = Broker::start();
    let topic = unique_topic("runtime-thread");
    let app = Arc::new(App {
        client: Client::new(ClientOptions::new(Some("runtime-thread".into()), true)).expect("a client"),
        events: Events::default(),
    });
    Client::start_loop(&app).expect("start the loop thread");
    let h: &dyn Handler = &*app;
    app.client
        .connect(h, target(broker.port), None, false)
        .expect("connect");
    assert_eq!(app.events.wait_for("CONNACK", connack), 0);

    let mid = app
        .client
        .subscribe(h, &[topic.as_bytes()], 1, 0, Vec::new())
        .expect("subscribe");
    assert_eq!(app.events.wait_for("SUBACK", suback(mid)), [1]);
    let mid = publish(&app.client, h, &topic, b"from the loop thread", 1);
    assert_eq!(
        app.events.wait_for("the message", messages(&topic, 1)),
        [(1, b"from the loop thread".to_vec())]
    );
    app.events.wait_for("the publish event", published(mid));

    app.client.disconnect(h, 0, Vec::new()).expect("disconnect");
    app.events.wait_for("the disconnect event", requested_disconnect);
    assert!(app.client.stop_loop(false), "there was a loop thread");
}
