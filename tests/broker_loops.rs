//! The client library against a real broker (Debian's `mosquitto`), driven through the exported
//! C functions: the loop thread, the blocking and the external loop, reconnection, keepalive,
//! callbacks that call the API, stopping and destroying. Each test starts its own broker on free
//! loopback ports and is bounded in time.

mod broker;
mod common;

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use common::client::{Client, Event, connects, disconnects, messages_on, publish_raw, subscribe_raw};
use common::consts::*;
use common::{Broker, TIMEOUT, unique_topic};
use mosquitto::capi::{callbacks, client as capi_client, connect, loop_, subscribe};

use broker::*;

#[test]
fn loop_start_with_publishes_from_other_threads() {
    let broker = Broker::start();
    let topic = unique_topic("threads");
    let sub = started(&broker, None, V311);
    sub.subscribe_and_wait(&format!("{topic}/#"), 2);
    let publ_id = client_id("threads-pub");
    let publ = Arc::new(started(&broker, Some(&publ_id), V311));
    const THREADS: usize = 4;
    const EACH: usize = 100;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let publ = publ.clone();
            let topic = format!("{topic}/{t}");
            thread::spawn(move || {
                let mut mids = Vec::new();
                // One QoS per thread: QoS 0 messages overtake QoS 1 and 2 ones waiting for an
                // in-flight slot, so order is only kept within one QoS.
                let qos = (t % 3) as i32;
                for i in 0..EACH {
                    let (rc, mid) = publ.publish(&topic, format!("{t}:{i}").as_bytes(), qos, false);
                    assert_eq!(rc, MOSQ_ERR_SUCCESS, "publish from thread {t}");
                    mids.push(mid);
                }
                mids
            })
        })
        .collect();
    let per_thread: Vec<Vec<i32>> = handles
        .into_iter()
        .map(|h| h.join().expect("publisher thread"))
        .collect();
    let mut all_mids: Vec<i32> = per_thread.iter().flatten().copied().collect();
    all_mids.sort_unstable();
    let n = all_mids.len();
    all_mids.dedup();
    assert_eq!(all_mids.len(), n, "mids must be unique");
    // Every publish is acknowledged by on_publish.
    publ.rec
        .wait_for("on_publish for every message", Duration::from_secs(20), |ev| {
            let published: Vec<i32> = ev
                .iter()
                .filter_map(|e| match e {
                    Event::Publish(m) => Some(*m),
                    _ => None,
                })
                .collect();
            all_mids.iter().all(|m| published.contains(m)).then_some(())
        });
    // The broker received each thread's QoS 1 and 2 messages in the order they were published.
    let received = mids_received_by_broker(&broker, &publ_id);
    for (t, mids) in per_thread.iter().enumerate().filter(|(t, _)| t % 3 != 0) {
        let order: Vec<i32> = received.iter().copied().filter(|m| mids.contains(m)).collect();
        if &order != mids {
            let first = order.iter().zip(mids).position(|(a, b)| a != b).unwrap_or(0);
            let from = first.saturating_sub(2);
            panic!(
                "thread {t} (QoS {}): the broker received message #{first} out of order: mids {:?}, published {:?}",
                t % 3,
                &order[from..(first + 5).min(order.len())],
                &mids[from..(first + 5).min(mids.len())]
            );
        }
    }
    // Every message arrives. (Not necessarily in order: when its in-flight window to a
    // subscriber is full, this broker may send a newly arrived message before queued ones.)
    for t in 0..THREADS {
        let t_topic = format!("{topic}/{t}");
        let got = sub.wait_messages(&t_topic, EACH, Duration::from_secs(20));
        let mut have: Vec<String> = got
            .iter()
            .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
            .collect();
        have.sort();
        let mut want: Vec<String> = (0..EACH).map(|i| format!("{t}:{i}")).collect();
        want.sort();
        assert_eq!(have, want, "messages of thread {t}");
    }
    let publ = Arc::try_unwrap(publ).ok().expect("publisher still shared");
    finish(publ);
    finish(sub);
}

#[test]
fn loop_forever_ends_on_disconnect_from_another_thread() {
    let broker = Broker::start();
    let topic = unique_topic("forever");
    let c = Arc::new(Client::new(None, true));
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    let (tx, rx) = mpsc::channel();
    let mosq = c.mosq();
    thread::spawn(move || {
        let mosq = mosq;
        // SAFETY: the client outlives this thread's use of it (the test waits for the result).
        let rc = unsafe { loop_::mosquitto_loop_forever(mosq.0, -1, 1) };
        let _ = tx.send(rc);
    });
    assert_eq!(c.wait_connect(), 0);
    c.subscribe_and_wait(&topic, 1);
    let (rc, mid) = c.publish(&topic, b"to myself", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert_eq!(c.wait_messages(&topic, 1, TIMEOUT)[0].payload, b"to myself");
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    let rc = rx
        .recv_timeout(TIMEOUT)
        .expect("mosquitto_loop_forever did not return after mosquitto_disconnect");
    assert_eq!(rc, MOSQ_ERR_SUCCESS, "mosquitto_loop_forever return code");
    assert_eq!(disconnects(&c.rec.events()), vec![0]);
}

#[test]
fn external_loop_with_socket_and_poll() {
    let broker = Broker::start();
    let topic = unique_topic("external");
    let c = Client::new(None, true);
    assert_eq!(c.socket(), -1, "no socket before connect");
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);

    // The application's own event loop: poll the socket, then read, write and run the misc step.
    let drive = |what: &str, done: &dyn Fn(&[Event]) -> bool| {
        let deadline = common::now() + TIMEOUT;
        while !done(&c.rec.events()) {
            assert!(
                common::now() < deadline,
                "timed out waiting for {what}; events:\n{}",
                c.rec.dump()
            );
            let fd = c.socket();
            assert!(fd >= 0, "socket closed while waiting for {what}");
            let events = libc::POLLIN | if c.want_write() { libc::POLLOUT } else { 0 };
            let mut pfd = libc::pollfd {
                fd,
                events,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let n = unsafe { libc::poll(&mut pfd, 1, 50) };
            assert!(n >= 0, "poll failed");
            if pfd.revents & libc::POLLIN != 0 {
                assert_eq!(c.loop_read(), MOSQ_ERR_SUCCESS, "loop_read");
            }
            if pfd.revents & libc::POLLOUT != 0 {
                assert_eq!(c.loop_write(), MOSQ_ERR_SUCCESS, "loop_write");
            }
            assert_eq!(c.loop_misc(), MOSQ_ERR_SUCCESS, "loop_misc");
        }
    };
    drive("CONNACK", &|ev| !connects(ev).is_empty());
    assert_eq!(connects(&c.rec.events()), vec![0]);
    let (rc, mid) = c.subscribe(&topic, 2);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    drive("SUBACK", &|ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Subscribe(m, _) if *m == mid))
    });
    for qos in 0..=2 {
        let (rc, _) = c.publish(&topic, format!("external q{qos}").as_bytes(), qos, false);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
    }
    drive("three messages", &|ev| messages_on(ev, &topic).len() >= 3);
    let got = messages_on(&c.rec.events(), &topic);
    assert_eq!(got.iter().map(|m| m.qos).collect::<Vec<_>>(), vec![0, 1, 2]);
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    // The DISCONNECT may still need writing.
    let deadline = common::now() + TIMEOUT;
    while c.want_write() {
        assert!(common::now() < deadline, "DISCONNECT never written");
        let rc = c.loop_write();
        assert!(
            rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_NO_CONN,
            "loop_write rc {rc}"
        );
    }
    c.rec.wait_for("on_disconnect", TIMEOUT, |ev| {
        (!disconnects(ev).is_empty()).then_some(())
    });
    assert_eq!(disconnects(&c.rec.events()), vec![0]);
    assert_eq!(c.socket(), -1, "socket after disconnect");
    assert_eq!(c.loop_misc(), MOSQ_ERR_NO_CONN);
}

#[test]
fn reconnects_after_broker_restart() {
    let mut broker = Broker::start();
    let topic = unique_topic("restart");
    let c = Client::new(Some(&client_id("restart")), true);
    assert_eq!(c.reconnect_delay_set(1, 1, false), MOSQ_ERR_SUCCESS);
    let resubscribe = topic.clone();
    c.set_hook(move |mosq, e| {
        if let Event::Connect(0) = e {
            // Renew the subscription on every connection, as applications do.
            let (rc, _) = subscribe_raw(mosq, &resubscribe, 1);
            assert_eq!(rc, MOSQ_ERR_SUCCESS, "subscribe in on_connect");
        }
    });
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    c.rec.wait_for("first SUBACK", TIMEOUT, |ev| {
        ev.iter().any(|e| matches!(e, Event::Subscribe(..))).then_some(())
    });

    broker.stop();
    let rc = c.wait_disconnect_n(1);
    assert_ne!(rc, 0, "a lost connection is reported with an error code");
    broker.restart();
    let rc = c.rec.wait_for("reconnection", Duration::from_secs(20), |ev| {
        connects(ev).get(1).copied()
    });
    assert_eq!(rc, 0);
    // One on_disconnect for the one lost connection, however many reconnection attempts failed.
    assert_eq!(
        disconnects(&c.rec.events()).len(),
        1,
        "on_disconnect calls:\n{}",
        c.rec.dump()
    );
    c.rec.wait_for("second SUBACK", TIMEOUT, |ev| {
        (ev.iter().filter(|e| matches!(e, Event::Subscribe(..))).count() >= 2).then_some(())
    });
    let (rc, mid) = c.publish(&topic, b"after restart", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert_eq!(c.wait_messages(&topic, 1, TIMEOUT)[0].payload, b"after restart");
    finish(c);
}

#[test]
fn keepalive_sends_pingreq() {
    let broker = Broker::start();
    let id = client_id("ping");
    let c = Client::new(Some(&id), true);
    c.enable_log();
    assert_eq!(c.connect("127.0.0.1", broker.port, 5), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    let ping = format!("Client {id} sending PINGREQ");
    let pong = format!("Client {id} received PINGRESP");
    c.rec
        .wait_for("PINGREQ and PINGRESP", Duration::from_secs(10), |ev| {
            let logs: Vec<&str> = ev
                .iter()
                .filter_map(|e| match e {
                    Event::Log(_, t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            let i = logs.iter().position(|l| *l == ping)?;
            logs[i..].contains(&pong.as_str()).then_some(())
        });
    assert!(
        disconnects(&c.rec.events()).is_empty(),
        "the connection must stay up:\n{}",
        c.rec.dump()
    );
    assert!(
        broker.wait_for_log(&format!("Received PINGREQ from {id}"), TIMEOUT),
        "{}",
        broker.log()
    );
    finish(c);
}

#[test]
fn keepalive_exceeded_when_the_broker_stops_answering() {
    let broker = Broker::start();
    let c = Client::new(None, true);
    assert_eq!(c.connect("127.0.0.1", broker.port, 5), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied()),
        0
    );
    broker.signal(libc::SIGSTOP);
    // PINGREQ after 5 s, no PINGRESP within the next 5 s: MOSQ_ERR_KEEPALIVE.
    let rc = c.pump_for("keepalive expiry", Duration::from_secs(15), |ev| {
        disconnects(ev).first().copied()
    });
    broker.signal(libc::SIGCONT);
    assert_eq!(rc, MOSQ_ERR_KEEPALIVE, "on_disconnect rc");
    assert_eq!(c.loop_once(10), MOSQ_ERR_NO_CONN);
}

#[test]
fn callbacks_call_the_api_on_their_own_handle() {
    let broker = Broker::start();
    let base = unique_topic("reentrant");
    let (ta, tb, tc, td) = (
        format!("{base}/a"),
        format!("{base}/b"),
        format!("{base}/c"),
        format!("{base}/d"),
    );
    let c = Client::new(None, true);
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let check = {
        let errors = errors.clone();
        move |what: &str, rc: i32| {
            if rc != MOSQ_ERR_SUCCESS {
                errors.lock().unwrap().push(format!("{what} returned {rc}"));
            }
        }
    };
    let received = Arc::new(AtomicI32::new(0));
    {
        let (base, ta, tb, tc, td) = (base.clone(), ta.clone(), tb.clone(), tc.clone(), td.clone());
        let received = received.clone();
        c.set_hook(move |mosq, e| match e {
            Event::Connect(0) => {
                check(
                    "subscribe in on_connect",
                    subscribe_raw(mosq, &format!("{base}/#"), 2).0,
                );
                check(
                    "publish in on_connect",
                    publish_raw(mosq, &ta, b"from on_connect", 1, false).0,
                );
            }
            Event::Subscribe(..) => {
                check(
                    "publish in on_subscribe",
                    publish_raw(mosq, &tb, b"from on_subscribe", 2, false).0,
                );
            }
            Event::Message(m) => {
                if m.topic == ta {
                    check(
                        "publish in on_message",
                        publish_raw(mosq, &tc, b"from on_message", 0, false).0,
                    );
                }
                if received.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
                    // All three arrived: unsubscribe, then publish something nobody will get.
                    let sub = std::ffi::CString::new(format!("{base}/#")).unwrap();
                    let mut mid = 0;
                    // SAFETY: a valid handle and topic.
                    let rc = unsafe { subscribe::mosquitto_unsubscribe(mosq.0, &mut mid, sub.as_ptr()) };
                    check("unsubscribe in on_message", rc);
                    check(
                        "publish after unsubscribe",
                        publish_raw(mosq, &td, b"unseen", 1, false).0,
                    );
                }
            }
            Event::Unsubscribe(_) => {
                // Replacing callbacks from inside a callback (upstream deadlocks here).
                // SAFETY: a valid handle.
                unsafe {
                    callbacks::mosquitto_message_callback_set(mosq.0, None);
                    callbacks::mosquitto_subscribe_callback_set(mosq.0, None);
                }
            }
            Event::Publish(_) => {}
            _ => {}
        });
    }
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    c.rec.wait_for("on_unsubscribe", TIMEOUT, |ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Unsubscribe(_)))
            .then_some(())
    });
    // The publish to `d` after the unsubscribe is acknowledged but never delivered.
    c.rec.wait_for("five on_publish", TIMEOUT, |ev| {
        (ev.iter().filter(|e| matches!(e, Event::Publish(_))).count() >= 4).then_some(())
    });
    // A disconnect from inside a callback ends the connection cleanly.
    c.set_hook(|mosq, e| {
        if let Event::Publish(_) = e {
            // SAFETY: a valid handle.
            let rc = unsafe { connect::mosquitto_disconnect(mosq.0) };
            assert_eq!(rc, MOSQ_ERR_SUCCESS, "disconnect in on_publish");
        }
    });
    let (rc, _) = c.publish(&base, b"last", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.rec
        .wait_for("on_disconnect", TIMEOUT, |ev| disconnects(ev).first().copied());
    assert_eq!(stop_within(&c, false, TIMEOUT), Some(MOSQ_ERR_SUCCESS));
    assert!(errors.lock().unwrap().is_empty(), "{:?}", errors.lock().unwrap());
    let ev = c.rec.events();
    let mut topics: Vec<String> = ev
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(m.topic.clone()),
            _ => None,
        })
        .collect();
    topics.sort();
    assert_eq!(topics, vec![ta, tb, tc], "messages received:\n{}", c.rec.dump());
    assert_eq!(disconnects(&ev), vec![0]);
}

#[test]
fn destroy_from_inside_a_callback_in_the_loop_thread() {
    let broker = Broker::start();
    let topic = unique_topic("destroy-cb");
    let id = client_id("destroy-cb");
    let c = started(&broker, Some(&id), V311);
    c.subscribe_and_wait(&topic, 0);
    let destroyed = Arc::new(AtomicBool::new(false));
    {
        let destroyed = destroyed.clone();
        c.set_hook(move |mosq, e| {
            if let Event::Message(_) = e {
                if !destroyed.swap(true, Ordering::SeqCst) {
                    // SAFETY: the application's handle, destroyed exactly once.
                    unsafe { capi_client::mosquitto_destroy(mosq.0) };
                }
            }
        });
    }
    let (rc, _) = c.publish(&topic, b"destroy me", 0, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    // The handle now belongs to the callback that destroys it.
    let rec = c.forget();
    assert!(
        common::poll_until(TIMEOUT, || destroyed.load(Ordering::SeqCst).then_some(())).is_some(),
        "no message; events:\n{}",
        rec.dump()
    );
    // The client closed its connection without DISCONNECT.
    assert!(
        broker.wait_for_log(&format!("Client {id} closed its connection."), TIMEOUT),
        "broker log:\n{}",
        broker.log()
    );
    // Give a wrong implementation time to touch freed memory before the recorder goes away.
    thread::sleep(Duration::from_millis(200));
    drop(rec);
}

#[test]
fn destroy_from_inside_a_callback_of_mosquitto_loop() {
    let broker = Broker::start();
    let topic = unique_topic("destroy-loop");
    let c = Client::new(None, true);
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(
        c.pump_for("CONNACK", TIMEOUT, |ev| connects(ev).first().copied()),
        0
    );
    let (rc, mid) = c.subscribe(&topic, 0);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.pump_for("SUBACK", TIMEOUT, |ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Subscribe(m, _) if *m == mid))
            .then_some(())
    });
    let destroyed = Arc::new(AtomicBool::new(false));
    {
        let destroyed = destroyed.clone();
        c.set_hook(move |mosq, e| {
            if let Event::Message(_) = e {
                if !destroyed.swap(true, Ordering::SeqCst) {
                    // SAFETY: the application's handle, destroyed exactly once.
                    unsafe { capi_client::mosquitto_destroy(mosq.0) };
                }
            }
        });
    }
    let (rc, _) = c.publish(&topic, b"destroy me", 0, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    let raw = c.raw();
    let rec = c.forget();
    let deadline = common::now() + TIMEOUT;
    while !destroyed.load(Ordering::SeqCst) {
        assert!(common::now() < deadline, "no message; events:\n{}", rec.dump());
        // SAFETY: not destroyed yet (the flag is set inside the call that destroys it).
        unsafe { loop_::mosquitto_loop(raw, 20, 1) };
    }
    drop(rec);
}

/// Start `mosquitto_loop_stop(force)` in a helper thread; its result arrives on the channel.
fn stop_in_background(c: &Client, force: bool) -> mpsc::Receiver<i32> {
    let mosq = c.mosq();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mosq = mosq;
        // SAFETY: the test keeps the client alive until this call has returned (or leaks it).
        let rc = unsafe { loop_::mosquitto_loop_stop(mosq.0, force) };
        let _ = tx.send(rc);
    });
    rx
}

#[test]
fn loop_stop_without_force_waits_for_disconnect() {
    // Programs call mosquitto_loop_stop(mosq, false) and then expect the loop thread to keep
    // running until a disconnect (from a callback or another thread) ends it; Debian's
    // mosquitto_pub -l does exactly this: loop_stop first, disconnect from on_publish of the
    // last message.
    let broker = Broker::start();
    let topic = unique_topic("stop-waits");
    let watcher = started(&broker, None, V311);
    watcher.subscribe_and_wait(&topic, 1);
    let c = started(&broker, None, V311);
    const N: usize = 200;
    let last_mid = Arc::new(AtomicI32::new(-1));
    {
        let last_mid = last_mid.clone();
        c.set_hook(move |mosq, e| {
            if let Event::Publish(mid) = e {
                if *mid == last_mid.load(Ordering::SeqCst) {
                    // SAFETY: a valid handle.
                    let rc = unsafe { connect::mosquitto_disconnect(mosq.0) };
                    assert_eq!(rc, MOSQ_ERR_SUCCESS, "disconnect in on_publish");
                }
            }
        });
    }
    let mut mid = 0;
    for i in 0..N {
        let (rc, m) = c.publish(&topic, format!("{i}:{}", "x".repeat(5000)).as_bytes(), 1, false);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        mid = m;
    }
    last_mid.store(mid, Ordering::SeqCst);
    let stopped = stop_in_background(&c, false);
    match stopped.recv_timeout(Duration::from_secs(15)) {
        Ok(rc) => assert_eq!(rc, MOSQ_ERR_SUCCESS),
        Err(_) => {
            std::mem::forget(c);
            panic!("mosquitto_loop_stop(false) did not return after the disconnect");
        }
    }
    let got = watcher.wait_messages(&topic, N, TIMEOUT);
    assert_eq!(
        got.len(),
        N,
        "every message was sent before the loop thread ended"
    );
    assert_eq!(disconnects(&c.rec.events()), vec![0], "{}", c.rec.dump());

    // Without a disconnect it keeps waiting; a disconnect from another thread releases it.
    let c = started(&broker, None, V311);
    let stopped = stop_in_background(&c, false);
    thread::sleep(Duration::from_millis(1500));
    assert!(
        stopped.try_recv().is_err(),
        "mosquitto_loop_stop(false) returned while the client was still connected"
    );
    // The loop thread is still serving the connection.
    let (rc, mid) = c.publish(&topic, b"still running", 1, false);
    assert_eq!(rc, MOSQ_ERR_SUCCESS);
    c.wait_published(mid);
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    match stopped.recv_timeout(TIMEOUT) {
        Ok(rc) => assert_eq!(rc, MOSQ_ERR_SUCCESS),
        Err(_) => {
            std::mem::forget(c);
            panic!("mosquitto_loop_stop(false) did not return after mosquitto_disconnect");
        }
    }
    finish(watcher);
}

#[test]
fn loop_stop_with_force_returns_at_once() {
    let broker = Broker::start();
    let c = started(&broker, None, V311);
    assert_eq!(
        stop_within(&c, true, Duration::from_secs(5)),
        Some(MOSQ_ERR_SUCCESS)
    );
    // A second stop: no loop thread any more.
    assert_eq!(
        stop_within(&c, true, Duration::from_secs(5)),
        Some(MOSQ_ERR_INVAL)
    );
    c.destroy();
    // A loop thread that never saw a connect call.
    let c = Client::new(None, true);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_INVAL, "a second loop_start");
    assert_eq!(
        stop_within(&c, true, Duration::from_secs(5)),
        Some(MOSQ_ERR_SUCCESS)
    );
    // destroy with a running loop thread stops it.
    let c = started(&broker, None, V311);
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        c.destroy();
        let _ = tx.send(());
    });
    rx.recv_timeout(Duration::from_secs(5))
        .expect("mosquitto_destroy with a running loop thread hung");
}
