//! Timings and memory of the subscription tree, run on demand:
//! `cargo test --release --lib broker::core -- --ignored --nocapture`.

use super::*;
use std::hint::black_box;
use std::time::{Duration, Instant};

impl<K: Copy + Eq + Hash> SubscriptionTree<K> {
    /// Heap bytes and heap blocks held, estimated from `size_of` and capacities, except that
    /// the node and client arenas count their length: the spare capacity of those big vectors
    /// (up to as much again, from doubling) is address space that is never written. The
    /// allocator's own overhead, some 8 to 16 bytes a block, is not in the bytes.
    pub(super) fn heap_estimate(&self) -> (usize, usize) {
        let mut bytes = self.nodes.len() * size_of::<Node>()
            + self.free_nodes.capacity() * 4
            + self.clients.len() * size_of::<Client<K>>()
            + self.free_clients.capacity() * 4
            + (self.slots.capacity() * 8 / 7 + 1) * (size_of::<(K, u32)>() + 1)
            + self.stack.capacity() * size_of::<Frame>();
        let mut blocks = 6;
        for node in self.nodes.iter() {
            let children = node.children.heap_bytes();
            bytes += children;
            blocks += match &node.children {
                Children::Small(list) => usize::from(list.capacity() > 0) + list.len(),
                Children::Large(map) => 2 + map.len(),
            };
            bytes += node.subs.capacity() * size_of::<Sub>();
            blocks += usize::from(node.subs.capacity() > 0);
            bytes += node.shared.len() * size_of::<Group>();
            blocks += usize::from(!node.shared.is_empty());
            for group in node.shared.iter() {
                bytes += group.name.len() + group.members.capacity() * size_of::<Sub>();
                blocks += 2;
            }
        }
        for client in self.clients.iter() {
            bytes += client.filters.capacity() * size_of::<Box<str>>();
            blocks += usize::from(client.filters.capacity() > 0);
            for filter in client.filters.iter() {
                bytes += filter.len();
                blocks += 1;
            }
        }
        (bytes, blocks)
    }
}

/// Run `publish` until about 0.3 s have passed; nanoseconds per call.
#[allow(clippy::disallowed_methods)] // a benchmark reads the clock
fn time(mut publish: impl FnMut()) -> f64 {
    for _ in 0..1_000 {
        publish();
    }
    let mut calls = 0u64;
    let start = Instant::now();
    let mut batch = 1_000u64;
    loop {
        for _ in 0..batch {
            publish();
        }
        calls += batch;
        let spent = start.elapsed();
        if spent > Duration::from_millis(300) {
            return spent.as_nanos() as f64 / calls as f64;
        }
        batch *= 2;
    }
}

/// Time both ways of matching `topic`, expecting `matches` matches; print a line.
fn report(name: &str, tree: &mut SubscriptionTree<u32>, topic: &str, matches: usize) {
    let mut set = MatchSet::new();
    tree.collect_matches(topic, None, &mut set);
    assert_eq!(set.matches().len(), matches, "{name}");
    let visit = time(|| {
        let mut n = 0usize;
        tree.for_each_match(black_box(topic), |m| n += black_box(m.client) as usize & 1);
        black_box(n);
    });
    let collect = time(|| {
        tree.collect_matches(black_box(topic), Some(u32::MAX), &mut set);
        black_box(set.len());
    });
    println!(
        "{name:<46} {matches:>4} match(es): for_each_match {visit:>8.1} ns ({:>6.1} ns/match), \
         collect_matches {collect:>8.1} ns ({:>6.1} ns/match)",
        visit / matches as f64,
        collect / matches as f64,
    );
}

fn memory(name: &str, tree: &SubscriptionTree<u32>) {
    let (bytes, blocks) = tree.heap_estimate();
    let count = tree.count().max(1) as f64;
    println!(
        "{name:<46} {:>7} subscriptions, {:>7} nodes: {:>6.1} bytes/subscription + {:.1} heap blocks \
         (≈ {:.0} bytes with 16 bytes of allocator overhead each)",
        tree.count(),
        tree.node_count(),
        bytes as f64 / count,
        blocks as f64 / count,
        (bytes + 16 * blocks) as f64 / count,
    );
}

#[test]
#[ignore = "benchmark: cargo test --release --lib broker::core -- --ignored --nocapture"]
fn bench_subscription_tree() {
    let any = SubOptions {
        qos: 1,
        ..SubOptions::default()
    };
    println!(
        "size_of: Node {} B, Sub {} B, Group {} B, Client<u32> {} B, Match<u32> {} B, Frame {} B",
        size_of::<Node>(),
        size_of::<Sub>(),
        size_of::<Group>(),
        size_of::<Client<u32>>(),
        size_of::<Match<u32>>(),
        size_of::<Frame>(),
    );

    let mut one = SubscriptionTree::new();
    one.subscribe(0, "sensors/room1/temperature", any, None).unwrap();
    report("1 exact subscriber", &mut one, "sensors/room1/temperature", 1);
    memory("1 exact subscriber", &one);

    let mut fifty = SubscriptionTree::new();
    for c in 0..50 {
        fifty.subscribe(c, "news/all", any, Some(c + 1)).unwrap();
    }
    report("50 subscribers on one topic", &mut fifty, "news/all", 50);
    memory("50 subscribers on one topic", &fifty);

    let mut distinct = SubscriptionTree::new();
    for c in 0..10_000 {
        distinct
            .subscribe(c, &format!("devices/{c}/command"), any, None)
            .unwrap();
    }
    report(
        "10,000 distinct filters, one match",
        &mut distinct,
        "devices/4242/command",
        1,
    );
    report(
        "10,000 distinct filters, no match",
        &mut distinct,
        "devices/x/command",
        0,
    );
    memory("10,000 distinct filters", &distinct);

    let mut big = SubscriptionTree::new();
    for c in 0..100_000 {
        big.subscribe(c, &format!("devices/{c}/command"), any, None)
            .unwrap();
    }
    big.subscribe(100_000, "#", any, None).unwrap();
    report(
        "`#` among 100,000 filters, only `#` matches",
        &mut big,
        "other/topic",
        1,
    );
    report(
        "`#` among 100,000 filters, 2 matches",
        &mut big,
        "devices/77777/command",
        2,
    );
    memory("100,000 distinct filters + `#`", &big);

    let mut wild = SubscriptionTree::new();
    for c in 0..10_000 {
        wild.subscribe(c, &format!("site/{}/+/temp", c % 100), any, None)
            .unwrap();
        wild.subscribe(c, &format!("site/{}/#", c % 100), any, None)
            .unwrap();
        wild.subscribe(c, "$share/workers/site/+/+/temp", any, None)
            .unwrap();
    }
    report(
        "10,000 clients, 100 per site, + # and shared",
        &mut wild,
        "site/42/room/temp",
        201,
    );
    memory("10,000 clients × 3 filters, wildcards", &wild);

    for siblings in [children::SMALL_MAX, children::SMALL_MAX + 1] {
        let mut fan = SubscriptionTree::new();
        for c in 0..siblings {
            fan.subscribe(c as u32, &format!("fan/child{c:02}"), any, None)
                .unwrap();
        }
        let kind = if siblings > children::SMALL_MAX {
            "hash map"
        } else {
            "list"
        };
        let last = format!("fan/child{:02}", siblings - 1);
        report(
            &format!("{siblings} siblings ({kind}), last one"),
            &mut fan,
            &last,
            1,
        );
        let middle = format!("fan/child{:02}", siblings / 2);
        report(
            &format!("{siblings} siblings ({kind}), middle one"),
            &mut fan,
            &middle,
            1,
        );
    }
}

#[test]
#[ignore = "benchmark: cargo test --release --lib broker::core -- --ignored --nocapture"]
fn bench_subscription_changes() {
    let any = SubOptions::default();
    let filters: Vec<String> = (0..100_000).map(|c| format!("devices/{c}/command")).collect();
    let mut tree = SubscriptionTree::new();
    #[allow(clippy::disallowed_methods)] // a benchmark reads the clock
    let start = Instant::now();
    for (c, filter) in filters.iter().enumerate() {
        tree.subscribe(c as u32, filter, any, None).unwrap();
    }
    let subscribe = start.elapsed();
    for c in 0..100_000u32 {
        tree.remove_client(c);
    }
    let remove = start.elapsed() - subscribe;
    assert_eq!(tree.node_count(), 1);
    println!(
        "100,000 subscribe calls: {:.0} ns each; 100,000 remove_client calls: {:.0} ns each",
        subscribe.as_nanos() as f64 / 1e5,
        remove.as_nanos() as f64 / 1e5,
    );

    // Many subscribers on one filter, removed in an order unlike their slots.
    let mut tree = SubscriptionTree::new();
    #[allow(clippy::disallowed_methods)] // a benchmark reads the clock
    let start = Instant::now();
    for c in 0..100_000u32 {
        tree.subscribe(c, "broadcast", any, None).unwrap();
    }
    let subscribe = start.elapsed();
    for c in 0..100_000u32 {
        tree.remove_client(c.wrapping_mul(7919) % 100_000);
    }
    let remove = start.elapsed() - subscribe;
    assert!(tree.is_empty());
    println!(
        "100,000 clients on one filter: subscribe {:.0} ns each, remove_client (scattered) {:.0} ns each",
        subscribe.as_nanos() as f64 / 1e5,
        remove.as_nanos() as f64 / 1e5,
    );
    let mut set = MatchSet::<u32>::new();
    tree.collect_matches("broadcast", None, &mut set);
    black_box(set.heap_bytes());
}
