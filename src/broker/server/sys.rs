//! The `$SYS/broker/...` tree: values published at start and then every `sys_interval + 1`
//! seconds (as mosquitto's "more than the interval since the last update" rule works out),
//! each one only when it changed, uptime always. Every value is retained and QoS 2; the load
//! figures are per-minute rates smoothed over 1, 5 and 15 minutes.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use crate::broker::core::message::Message;
use crate::broker::core::shard::{Counts, Shard};

/// The smoothing windows of the load figures, in seconds.
const WINDOWS: [f64; 3] = [60.0, 300.0, 900.0];

/// A counter behind a load topic.
#[derive(Debug, Clone, Copy)]
enum Source {
    MessagesReceived,
    MessagesSent,
    PublishDropped,
    PublishReceived,
    PublishSent,
    BytesReceived,
    BytesSent,
    Sockets,
    Connections,
}

/// The load topics (1, 5 and 15 minutes), in the order they are published.
const LOADS: [([&str; 3], Source); 9] = [
    (
        [
            "$SYS/broker/load/messages/received/1min",
            "$SYS/broker/load/messages/received/5min",
            "$SYS/broker/load/messages/received/15min",
        ],
        Source::MessagesReceived,
    ),
    (
        [
            "$SYS/broker/load/messages/sent/1min",
            "$SYS/broker/load/messages/sent/5min",
            "$SYS/broker/load/messages/sent/15min",
        ],
        Source::MessagesSent,
    ),
    (
        [
            "$SYS/broker/load/publish/dropped/1min",
            "$SYS/broker/load/publish/dropped/5min",
            "$SYS/broker/load/publish/dropped/15min",
        ],
        Source::PublishDropped,
    ),
    (
        [
            "$SYS/broker/load/publish/received/1min",
            "$SYS/broker/load/publish/received/5min",
            "$SYS/broker/load/publish/received/15min",
        ],
        Source::PublishReceived,
    ),
    (
        [
            "$SYS/broker/load/publish/sent/1min",
            "$SYS/broker/load/publish/sent/5min",
            "$SYS/broker/load/publish/sent/15min",
        ],
        Source::PublishSent,
    ),
    (
        [
            "$SYS/broker/load/bytes/received/1min",
            "$SYS/broker/load/bytes/received/5min",
            "$SYS/broker/load/bytes/received/15min",
        ],
        Source::BytesReceived,
    ),
    (
        [
            "$SYS/broker/load/bytes/sent/1min",
            "$SYS/broker/load/bytes/sent/5min",
            "$SYS/broker/load/bytes/sent/15min",
        ],
        Source::BytesSent,
    ),
    (
        [
            "$SYS/broker/load/sockets/1min",
            "$SYS/broker/load/sockets/5min",
            "$SYS/broker/load/sockets/15min",
        ],
        Source::Sockets,
    ),
    (
        [
            "$SYS/broker/load/connections/1min",
            "$SYS/broker/load/connections/5min",
            "$SYS/broker/load/connections/15min",
        ],
        Source::Connections,
    ),
];

fn read(s: &Counts, source: Source) -> u64 {
    match source {
        Source::MessagesReceived => s.messages_received,
        Source::MessagesSent => s.messages_sent,
        Source::PublishDropped => s.publish_dropped,
        Source::PublishReceived => s.publish_received,
        Source::PublishSent => s.publish_sent,
        Source::BytesReceived => s.bytes_received,
        Source::BytesSent => s.bytes_sent,
        Source::Sockets => s.connections,
        Source::Connections => s.connects,
    }
}

/// One smoothed load figure.
#[derive(Debug, Clone, Copy, Default)]
struct Load {
    value: f64,
    /// The value last published.
    shown: f64,
}

/// Publishes the `$SYS` tree from worker 0.
#[derive(Debug)]
pub(super) struct SysPublisher {
    interval: u64,
    started: Instant,
    /// Uptime in seconds at the last update (`None` before the first).
    last: Option<u64>,
    /// The payload last published on each topic.
    shown: HashMap<&'static str, String>,
    /// Counter values at the last update, per load source.
    counters: [u64; 9],
    loads: [[Load; 3]; 9],
    clients_maximum: u64,
    heap_maximum: usize,
    version: String,
    retain: bool,
}

impl SysPublisher {
    /// `None` when `sys_interval` is 0 (no `$SYS` tree at all).
    pub(super) fn new(interval: u16, version: String, retain: bool, started: Instant) -> Option<Self> {
        (interval > 0).then(|| Self {
            interval: u64::from(interval),
            started,
            last: None,
            shown: HashMap::new(),
            counters: [0; 9],
            loads: [[Load::default(); 3]; 9],
            clients_maximum: 0,
            heap_maximum: 0,
            version,
            retain,
        })
    }

    /// The first publication (version and every value).
    pub(super) fn publish(&mut self, shard: &mut Shard, now: Instant) {
        let version = self.version.clone();
        self.send(shard, "$SYS/broker/version", version, now);
        self.update(shard, now);
    }

    /// Publish what is due.
    pub(super) fn tick(&mut self, shard: &mut Shard, now: Instant) {
        let uptime = now.saturating_duration_since(self.started).as_secs();
        match self.last {
            Some(last) if uptime.saturating_sub(self.interval) <= last => {}
            _ => self.update(shard, now),
        }
    }

    fn send(&mut self, shard: &mut Shard, topic: &'static str, payload: String, now: Instant) {
        let message = Message::new(
            Arc::from(topic),
            payload.into_bytes().into(),
            2,
            self.retain,
            &[],
            now,
        );
        shard.route(&Arc::new(message), now);
    }

    /// Publish `payload` on `topic` if it differs from what was published there last.
    fn changed(&mut self, shard: &mut Shard, topic: &'static str, payload: String, now: Instant) {
        if self.shown.get(topic) == Some(&payload) {
            return;
        }
        self.shown.insert(topic, payload.clone());
        self.send(shard, topic, payload, now);
    }

    fn update(&mut self, shard: &mut Shard, now: Instant) {
        let uptime = now.saturating_duration_since(self.started).as_secs();
        let elapsed = self.last.map(|last| uptime.saturating_sub(last));
        self.last = Some(uptime);
        let shared = shard.shared().clone();
        let stats = shared.counts();
        let get = |c: &u64| *c;

        self.send(shard, "$SYS/broker/uptime", format!("{uptime} seconds"), now);

        let total = get(&stats.clients_total);
        let sockets = get(&stats.sockets);
        let disconnected = total.saturating_sub(sockets);
        self.changed(shard, "$SYS/broker/clients/total", total.to_string(), now);
        self.changed(
            shard,
            "$SYS/broker/clients/inactive",
            disconnected.to_string(),
            now,
        );
        self.changed(
            shard,
            "$SYS/broker/clients/disconnected",
            disconnected.to_string(),
            now,
        );
        self.changed(shard, "$SYS/broker/clients/active", sockets.to_string(), now);
        self.changed(shard, "$SYS/broker/clients/connected", sockets.to_string(), now);
        self.changed(
            shard,
            "$SYS/broker/clients/expired",
            get(&stats.clients_expired).to_string(),
            now,
        );
        if total > self.clients_maximum {
            self.clients_maximum = total;
            self.changed(shard, "$SYS/broker/clients/maximum", total.to_string(), now);
        }

        if let Some(heap) = heap_in_use() {
            self.heap_maximum = self.heap_maximum.max(heap);
            self.changed(shard, "$SYS/broker/heap/current", heap.to_string(), now);
            let max = self.heap_maximum;
            self.changed(shard, "$SYS/broker/heap/maximum", max.to_string(), now);
        }

        self.update_loads(shard, &stats, elapsed, now);

        let retained = shared.retained.read().count() as u64;
        let stored = get(&stats.stored_messages) + retained;
        let stored_bytes = get(&stats.stored_bytes) + shared.retained_bytes.load(Ordering::Relaxed);
        self.changed(shard, "$SYS/broker/messages/stored", stored.to_string(), now);
        self.changed(shard, "$SYS/broker/store/messages/count", stored.to_string(), now);
        self.changed(
            shard,
            "$SYS/broker/store/messages/bytes",
            stored_bytes.to_string(),
            now,
        );
        self.changed(
            shard,
            "$SYS/broker/subscriptions/count",
            get(&stats.subscriptions).to_string(),
            now,
        );
        let shared_subs = get(&stats.shared_subscriptions).to_string();
        self.changed(shard, "$SYS/broker/shared_subscriptions/count", shared_subs, now);
        // Counted after the values above were stored, so it includes the `$SYS` topics.
        let retained = shared.retained.read().count();
        self.changed(
            shard,
            "$SYS/broker/retained messages/count",
            retained.to_string(),
            now,
        );

        let counters: [(&'static str, &u64); 9] = [
            ("$SYS/broker/messages/received", &stats.messages_received),
            ("$SYS/broker/messages/sent", &stats.messages_sent),
            ("$SYS/broker/publish/messages/dropped", &stats.publish_dropped),
            ("$SYS/broker/publish/messages/received", &stats.publish_received),
            ("$SYS/broker/publish/messages/sent", &stats.publish_sent),
            (
                "$SYS/broker/publish/bytes/received",
                &stats.publish_bytes_received,
            ),
            ("$SYS/broker/publish/bytes/sent", &stats.publish_bytes_sent),
            ("$SYS/broker/bytes/received", &stats.bytes_received),
            ("$SYS/broker/bytes/sent", &stats.bytes_sent),
        ];
        for (topic, counter) in counters {
            self.changed(shard, topic, get(counter).to_string(), now);
        }
    }

    /// Smooth each load figure with the counts since the last update; publish those that moved
    /// by at least 0.01 (all of them, as `0.00`, the first time).
    fn update_loads(&mut self, shard: &mut Shard, counts: &Counts, elapsed: Option<u64>, now: Instant) {
        for (i, (topics, source)) in LOADS.iter().enumerate() {
            let count = read(counts, *source);
            let previous = std::mem::replace(&mut self.counters[i], count);
            for (w, window) in WINDOWS.iter().enumerate() {
                let load = &mut self.loads[i][w];
                let publish = match elapsed {
                    None => true,
                    Some(0) => false,
                    Some(dt) => {
                        let dt = dt as f64;
                        let rate = count.saturating_sub(previous) as f64 * 60.0 / dt;
                        let decay = (-dt / window).exp();
                        load.value = rate + decay * (load.value - rate);
                        (load.value - load.shown).abs() >= 0.01
                    }
                };
                if publish {
                    load.shown = load.value;
                    let topic = topics[w];
                    let payload = format!("{:.2}", load.value);
                    self.send(shard, topic, payload, now);
                }
            }
        }
    }
}

/// Bytes of heap in use, from the C library's allocator.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_in_use() -> Option<usize> {
    // SAFETY: mallinfo2 has no preconditions and returns a plain struct.
    let info = unsafe { libc::mallinfo2() };
    Some(info.uordblks)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn heap_in_use() -> Option<usize> {
    None
}
