//! The store layer: value encodings, change coalescing, the redb engine, loading, and a shard's
//! journal written, loaded and restored into new shards.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::codec::{self, Clock};
use super::*;
use crate::broker::core::journal::SessionMeta;
use crate::broker::core::message::{Delivery, Message};
use crate::broker::core::settings::Settings;
use crate::broker::core::shard::{Shard, Shared, home_shard};
use crate::broker::core::subs::SubOptions;
use crate::protocol::consts::{MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, MQTT_PROP_USER_PROPERTY};
use crate::protocol::{PropValue, Property, ProtocolVersion, Will};

/// A directory of its own, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "mosq-store-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }

    fn file(&self) -> PathBuf {
        self.0.join("store.db")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[allow(clippy::disallowed_methods)]
fn clock() -> Clock {
    Clock {
        now: Instant::now(),
        wall_ms: 1_800_000_000_000,
    }
}

fn message(topic: &str, payload: &[u8], qos: u8, now: Instant) -> Message {
    let props = [
        Property {
            id: MQTT_PROP_USER_PROPERTY,
            value: PropValue::StringPair("k".into(), "v".into()),
        },
        Property {
            id: MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
            value: PropValue::Int32(100),
        },
    ];
    let mut m = Message::new(Arc::from(topic), payload.to_vec().into(), qos, true, &props, now);
    m.origin_id = Some(Arc::from("publisher"));
    m
}

#[test]
fn messages_keep_their_fields_and_the_time_left_of_their_expiry() {
    let c = clock();
    let m = message("a/b", b"payload", 2, c.now);
    let bytes = codec::encode_message(&m, c);
    // Read back 30 s later on the wall clock.
    let later = Clock {
        now: c.now,
        wall_ms: c.wall_ms + 30_000,
    };
    let back = codec::decode_message(&bytes, later).unwrap().unwrap();
    assert_eq!(&*back.topic, "a/b");
    assert_eq!(&back.payload[..], b"payload");
    assert_eq!((back.qos, back.retain), (2, true));
    assert_eq!(back.properties, m.properties);
    assert_eq!(back.expiry.map(|(_, s)| s), Some(70));
    assert_eq!(back.origin_id.as_deref(), Some("publisher"));
    // Past its expiry it is gone.
    let much_later = Clock {
        now: c.now,
        wall_ms: c.wall_ms + 100_000,
    };
    assert_eq!(
        codec::decode_message(&bytes, much_later).unwrap().map(|m| m.qos),
        None
    );
    // Damaged values are refused, never a panic.
    for n in 0..bytes.len() {
        let _ = codec::decode_message(&bytes[..n], c);
    }
    assert!(codec::decode_message(&bytes[..bytes.len() - 1], c).is_err());
    let mut other = bytes.clone();
    other[0] = 99;
    assert!(codec::decode_message(&other, c).is_err());
}

#[test]
fn deliveries_sessions_subscriptions_and_matches_round_trip() {
    let c = clock();
    let d = Delivery {
        message: Arc::new(message("t", b"x", 1, c.now)),
        qos: 1,
        retain: false,
        sub_ids: vec![3, 7],
    };
    let (order, back) = codec::decode_delivery(&codec::encode_delivery(42, &d, c), c).unwrap();
    let back = back.unwrap();
    assert_eq!(
        (order, back.qos, back.retain, back.sub_ids),
        (42, 1, false, vec![3, 7])
    );

    let meta = SessionMeta {
        client_id: Arc::from("client"),
        version: ProtocolVersion::V5,
        username: Some(Arc::from("user")),
        listener: 1,
        expiry_interval: 600,
        expires_at: Some(c.now + Duration::from_secs(500)),
        will: Some((
            Will {
                topic: "will/t".into(),
                payload: b"gone".to_vec(),
                qos: 1,
                retain: true,
                properties: Vec::new(),
            },
            30,
        )),
        will_at: Some(c.now + Duration::from_secs(30)),
        connected: false,
        last_mid: 9,
    };
    let back = codec::decode_session("client", &codec::encode_session(&meta, c), c).unwrap();
    assert_eq!(back.version, ProtocolVersion::V5);
    assert_eq!(back.username.as_deref(), Some("user"));
    assert_eq!((back.listener, back.expiry_interval, back.last_mid), (1, 600, 9));
    assert_eq!(back.will, meta.will);
    let left = back.expires_at.unwrap().saturating_duration_since(c.now);
    assert!(left > Duration::from_secs(499) && left <= Duration::from_secs(500));
    assert!(!back.connected);

    let o = SubOptions {
        qos: 2,
        no_local: true,
        retain_as_published: true,
        retain_handling: 2,
    };
    assert_eq!(
        codec::decode_subscription(&codec::encode_subscription(o, Some(5))).unwrap(),
        (o, Some(5))
    );
    let m = vec![(o, None), (SubOptions::default(), Some(1))];
    assert_eq!(codec::decode_matches(&codec::encode_matches(&m)).unwrap(), m);

    let k = codec::client_mid_key("id", 258);
    assert_eq!(codec::split_client_key(&k).unwrap(), ("id", &[1u8, 2][..]));
    assert_eq!(
        codec::split_route_key(&codec::route_target_key(7, "c")).unwrap(),
        (7, "c")
    );
}

#[test]
fn a_value_written_and_deleted_in_one_commit_is_not_written() {
    let c = clock();
    let d = Delivery {
        message: Arc::new(message("t", b"x", 1, c.now)),
        qos: 1,
        retain: false,
        sub_ids: Vec::new(),
    };
    let client: Arc<str> = Arc::from("c");
    let ops = ops_for(
        &[
            Change::OutPut {
                client: client.clone(),
                mid: 1,
                order: 0,
                delivery: d.clone(),
            },
            Change::OutPut {
                client: client.clone(),
                mid: 2,
                order: 1,
                delivery: d,
            },
            Change::OutRemove {
                client: client.clone(),
                mid: 1,
            },
        ],
        c,
    );
    let puts: Vec<&Op> = ops.iter().filter(|o| matches!(o, Op::Put(..))).collect();
    assert_eq!(puts.len(), 1);
    assert!(matches!(puts[0], Op::Put(Table::Outgoing, k, _) if *k == codec::client_mid_key("c", 2)));
}

#[test]
fn redb_commits_deletes_prefixes_and_retires_routes() {
    let dir = Dir::new();
    let (store, opened) = RedbStore::open(&dir.file()).unwrap();
    assert_eq!(opened, Opened::default());
    let a = codec::client_key("a");
    let ab = codec::client_key("ab");
    let put = |t, k: &[u8]| Op::Put(t, k.to_vec(), b"v".to_vec());
    store
        .commit(
            &[
                put(Table::Outgoing, &[a.clone(), vec![0, 1]].concat()),
                put(Table::Outgoing, &[a.clone(), vec![0, 2]].concat()),
                put(Table::Outgoing, &[ab.clone(), vec![0, 1]].concat()),
                put(Table::RouteMessages, &codec::route_key(5)),
                put(Table::Routes, &codec::route_target_key(5, "a")),
                put(Table::Routes, &codec::route_target_key(5, "b")),
            ],
            true,
        )
        .unwrap();
    let retire = |client: &str| {
        vec![
            Op::Delete(Table::Routes, codec::route_target_key(5, client)),
            Op::DeleteIfNoPrefix {
                probe: Table::Routes,
                prefix: codec::route_key(5),
                table: Table::RouteMessages,
                key: codec::route_key(5),
            },
        ]
    };
    store
        .commit(
            &[vec![Op::DeletePrefix(Table::Outgoing, a)], retire("a")].concat(),
            true,
        )
        .unwrap();
    let left = store.read_all(Table::Outgoing).unwrap();
    assert_eq!(left.len(), 1);
    assert!(left[0].0.starts_with(&ab));
    assert_eq!(store.read_all(Table::RouteMessages).unwrap().len(), 1);
    // Not durable: still seen by later reads.
    store.commit(&retire("b"), false).unwrap();
    assert!(store.read_all(Table::RouteMessages).unwrap().is_empty());
    drop(store);
    // Reopened: the same contents.
    let (store, _) = RedbStore::open(&dir.file()).unwrap();
    assert_eq!(store.read_all(Table::Outgoing).unwrap().len(), 1);
}

#[test]
fn files_that_are_not_stores_are_refused() {
    let dir = Dir::new();
    std::fs::write(
        dir.file(),
        b"\x00\xB5\x00mosquitto db\x00\x00\x00\x00\x00\x00\x00\x06rest",
    )
    .unwrap();
    assert!(matches!(
        RedbStore::open(&dir.file()),
        Err(OpenError::Unusable(_))
    ));
    std::fs::write(dir.file(), vec![0x55; 10_000]).unwrap();
    assert!(matches!(
        RedbStore::open(&dir.file()),
        Err(OpenError::Unusable(_))
    ));
    // A store cut short.
    let good = dir.0.join("good.db");
    let (store, _) = RedbStore::open(&good).unwrap();
    store
        .commit(&[Op::Put(Table::Retained, b"t".to_vec(), vec![1; 5000])], true)
        .unwrap();
    drop(store);
    let bytes = std::fs::read(&good).unwrap();
    for cut in [100, 600, 4096, bytes.len() / 2] {
        std::fs::write(dir.file(), &bytes[..cut]).unwrap();
        let r = std::panic::catch_unwind(|| RedbStore::open(&dir.file()).map(|_| ()));
        assert!(!matches!(r, Ok(Ok(()))) || cut >= 4096, "cut at {cut}");
    }
    // Held by another opener.
    let (_held, _) = RedbStore::open(&good).unwrap();
    assert!(matches!(RedbStore::open(&good), Err(OpenError::InUse)));
}

fn settings(shards: u16) -> Arc<Settings> {
    Arc::new(Settings {
        shards,
        ..Settings::default()
    })
}

fn shard(index: u16, shards: u16, shared: &Arc<Shared>) -> Shard {
    Shard::new(index, settings(shards), Arc::new(Vec::new()), shared.clone())
}

/// MQTT 3.1.1 CONNECT without clean session.
fn connect(id: &str) -> Vec<u8> {
    let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', 4, 0, 0, 60, 0, id.len() as u8];
    body.extend_from_slice(id.as_bytes());
    [vec![0x10, body.len() as u8], body].concat()
}

fn subscribe(filter: &str, qos: u8) -> Vec<u8> {
    let mut body = vec![0, 1, 0, filter.len() as u8];
    body.extend_from_slice(filter.as_bytes());
    body.push(qos);
    [vec![0x82, body.len() as u8], body].concat()
}

fn publish(topic: &str, qos: u8, mid: u16, payload: &[u8]) -> Vec<u8> {
    let mut body = vec![0, topic.len() as u8];
    body.extend_from_slice(topic.as_bytes());
    if qos > 0 {
        body.extend_from_slice(&mid.to_be_bytes());
    }
    body.extend_from_slice(payload);
    [vec![0x30 | qos << 1, body.len() as u8], body].concat()
}

/// Commit a shard's changes, and what it sent to other shards applied there and committed.
fn commit_all(store: &RedbStore, shards: &mut [Shard], c: Clock) {
    for i in 0..shards.len() {
        let changes = shards[i].take_changes();
        store.commit(&ops_for(&changes, c), true).unwrap();
        let out = shards[i].take_output();
        for (to, batch) in out.commands {
            for cmd in batch {
                shards[usize::from(to)].command(cmd, c.now);
            }
        }
    }
    for s in shards.iter_mut() {
        let changes = s.take_changes();
        store.commit(&ops_for(&changes, c), true).unwrap();
        let _ = s.take_output();
    }
}

#[test]
fn a_shards_journal_is_loaded_into_the_home_shard_of_each_session() {
    let dir = Dir::new();
    let c = clock();
    let (store, _) = RedbStore::open(&dir.file()).unwrap();
    let shared = Arc::new(Shared::default());
    let mut shards = vec![shard(0, 2, &shared), shard(1, 2, &shared)];
    for s in &mut shards {
        s.enable_journal(0);
    }
    // Two subscribers with persistent sessions, one per shard, and a publisher.
    let ids: Vec<String> = (0..40).map(|i| format!("sub{i}")).collect();
    let sub0 = ids.iter().find(|i| home_shard(i, 2) == 0).unwrap().clone();
    let sub1 = ids.iter().find(|i| home_shard(i, 2) == 1).unwrap().clone();
    for id in [&sub0, &sub1] {
        let s = &mut shards[usize::from(home_shard(id, 2))];
        let conn = s.open(None, "test".into(), 0, c.now);
        s.input(conn, &[connect(id), subscribe("a/#", 2)].concat(), c.now);
        s.closed(conn, None, c.now);
        s.forget(conn);
    }
    commit_all(&store, &mut shards, c);
    // The publisher is on shard 0; QoS 1 and 2 messages and a retained one.
    let publisher = ids.iter().rev().find(|i| home_shard(i, 2) == 0).unwrap().clone();
    let s = &mut shards[0];
    let conn = s.open(None, "test".into(), 0, c.now);
    s.input(
        conn,
        &[
            connect(&publisher),
            publish("a/1", 1, 1, b"one"),
            publish("a/2", 2, 2, b"two"),
        ]
        .concat(),
        c.now,
    );
    let mut retained = publish("r/x", 1, 3, b"kept");
    retained[0] |= 1;
    s.input(conn, &retained, c.now);
    // Before the commit, the copy for the other shard travels under a route.
    let changes = shards[0].take_changes();
    assert!(
        changes
            .iter()
            .any(|ch| matches!(ch, Change::Route { targets, .. } if targets.len() == 1))
    );
    store.commit(&ops_for(&changes, c), true).unwrap();
    assert_eq!(store.read_all(Table::RouteMessages).unwrap().len(), 1);
    // A crash now: the route is delivered at load. (The commands are dropped.)
    let _ = shards[0].take_output();
    drop(shards);

    // Loaded into 3 shards.
    let loaded = load(&store, c, 1).unwrap();
    assert_eq!(loaded.sessions.len(), 3);
    assert_eq!(loaded.retained.len(), 1);
    assert_eq!(loaded.routes.len(), 1);
    let local = loaded
        .sessions
        .iter()
        .find(|s| *s.meta.client_id == *sub0)
        .unwrap();
    assert_eq!(
        local.outgoing.len(),
        1,
        "the QoS 1 copy; the QoS 2 one waits for PUBREL"
    );
    let incoming = loaded
        .sessions
        .iter()
        .find(|s| *s.meta.client_id == *publisher)
        .unwrap();
    assert_eq!(incoming.incoming.len(), 1);

    let shared = Arc::new(Shared::default());
    let mut shards: Vec<Shard> = (0..3).map(|i| shard(i, 3, &shared)).collect();
    for s in &mut shards {
        s.enable_journal(loaded.next_order);
    }
    for s in loaded.sessions {
        let home = usize::from(home_shard(&s.meta.client_id, 3));
        let subs = s.subscriptions.clone();
        let key = shards[home].restore_session(s, c.now);
        for (i, sh) in shards.iter_mut().enumerate() {
            if i != home {
                for (f, o, id) in &subs {
                    sh.restore_subscription(key, f, *o, *id);
                }
            }
        }
    }
    for (id, m, targets) in loaded.routes {
        for (client, matches) in targets {
            shards[usize::from(home_shard(&client, 3))].restore_route(id, &client, &m, &matches, c.now);
        }
    }
    commit_all(&store, &mut shards, c);
    assert!(store.read_all(Table::Routes).unwrap().is_empty());
    assert!(store.read_all(Table::RouteMessages).unwrap().is_empty());
    for (i, s) in shards.iter().enumerate() {
        assert_eq!(s.subscription_count(), 2, "shard {i}");
    }
    // Both subscribers now hold the QoS 1 copy, stored.
    let loaded = load(&store, c, 1).unwrap();
    for id in [&sub0, &sub1] {
        let s = loaded
            .sessions
            .iter()
            .find(|s| *s.meta.client_id == **id)
            .unwrap();
        assert_eq!(s.outgoing.len(), 1, "{id}");
        assert_eq!(&*s.outgoing[0].2.message.topic, "a/1");
    }
    // The publisher's PUBREL, once it reconnects, delivers the QoS 2 message exactly once.
    let home = usize::from(home_shard(&publisher, 3));
    let s = &mut shards[home];
    let conn = s.open(None, "test".into(), 0, c.now);
    s.input(conn, &[connect(&publisher), vec![0x62, 2, 0, 2]].concat(), c.now);
    commit_all(&store, &mut shards, c);
    let loaded = load(&store, c, 1).unwrap();
    for id in [&sub0, &sub1] {
        let s = loaded
            .sessions
            .iter()
            .find(|s| *s.meta.client_id == **id)
            .unwrap();
        let topics: Vec<&str> = s.outgoing.iter().map(|(_, _, d)| &*d.message.topic).collect();
        assert_eq!(topics, ["a/1", "a/2"], "{id}");
    }
    assert!(loaded.sessions.iter().all(|s| s.incoming.is_empty()));
}
