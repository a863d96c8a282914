//! The tree against the brute-force matcher of the protocol layer, on generated filters and
//! topics.

use super::*;
use crate::protocol::topic::{is_valid_pub_topic, matches_sub};

fn qos(qos: u8) -> SubOptions {
    SubOptions {
        qos,
        ..SubOptions::default()
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const WORDS: [&str; 6] = ["a", "b", "c", "", "$s", "dd"];

/// A topic name of 1 to 4 levels, not empty (the broker refuses to publish to "").
fn random_topic(rng: &mut Rng) -> String {
    loop {
        let levels = 1 + rng.below(4);
        let topic = (0..levels)
            .map(|_| rng.pick(&WORDS))
            .collect::<Vec<_>>()
            .join("/");
        if !topic.is_empty() {
            return topic;
        }
    }
}

/// A filter of 1 to 4 levels, not empty.
fn random_filter(rng: &mut Rng) -> String {
    loop {
        let filter = random_filter_or_empty(rng);
        if !filter.is_empty() {
            return filter;
        }
    }
}

fn random_filter_or_empty(rng: &mut Rng) -> String {
    let levels = 1 + rng.below(4);
    let mut parts: Vec<&str> = Vec::new();
    for i in 0..levels {
        let part = match rng.below(10) {
            0..=2 => "+",
            3 if i + 1 == levels => "#",
            _ => rng.pick(&WORDS),
        };
        parts.push(part);
    }
    parts.join("/")
}

/// The position of a filter's match in tree order: per level literal < `+` < `#` < end.
fn tree_order_key(filter: &str) -> Vec<u8> {
    let mut key: Vec<u8> = filter
        .split('/')
        .map(|level| match level {
            "+" => 1,
            "#" => 2,
            _ => 0,
        })
        .collect();
    if !filter.ends_with('#') {
        key.push(3);
    }
    key
}

#[test]
fn matches_agree_with_the_brute_force_matcher() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut tree: SubscriptionTree<u32> = SubscriptionTree::new();
    // Subscription identifier -> (client, group, filter); 0 unused.
    let mut subs: Vec<Option<(u32, Option<String>, String)>> = vec![None];
    let mut seen = HashSet::new();
    while subs.len() < 3_000 {
        let client = rng.below(200) as u32;
        let filter = random_filter(&mut rng);
        let group = (rng.below(8) == 0).then(|| format!("g{}", rng.below(3)));
        let full = match &group {
            Some(g) => format!("$share/{g}/{filter}"),
            None => filter.clone(),
        };
        if !seen.insert((client, full.clone())) {
            continue;
        }
        let id = subs.len() as u32;
        assert_eq!(
            tree.subscribe(client, &full, qos(rng.below(3) as u8), Some(id)),
            Ok(Subscribed::New)
        );
        subs.push(Some((client, group, filter)));
    }
    let topics: Vec<String> = (0..2_000).map(|_| random_topic(&mut rng)).collect();

    let check = |tree: &mut SubscriptionTree<u32>, subs: &[Option<(u32, Option<String>, String)>]| {
        let mut set = MatchSet::new();
        for topic in &topics {
            assert!(is_valid_pub_topic(topic.as_bytes()));
            let mut normal = Vec::new();
            let mut groups = std::collections::BTreeMap::new();
            for (id, entry) in subs.iter().enumerate() {
                let Some((_, group, filter)) = entry else { continue };
                if matches_sub(filter.as_bytes(), topic.as_bytes()) != Ok(true) {
                    continue;
                }
                match group {
                    None => normal.push(id as u32),
                    Some(g) => *groups.entry((g.clone(), filter.clone())).or_insert(0) += 1,
                }
            }
            let mut got_normal = Vec::new();
            let mut got_groups = std::collections::BTreeMap::new();
            let mut keys = Vec::new();
            tree.for_each_match(topic, |m| {
                let id = m.identifier.unwrap() as usize;
                let (client, group, filter) = subs[id].clone().unwrap();
                assert_eq!(m.client, client);
                assert_eq!(m.shared, group.is_some());
                keys.push(tree_order_key(&filter));
                match group {
                    None => got_normal.push(id as u32),
                    Some(g) => *got_groups.entry((g, filter)).or_insert(0) += 1,
                }
            });
            assert!(keys.windows(2).all(|w| w[0] <= w[1]), "tree order for {topic:?}");
            got_normal.sort_unstable();
            assert_eq!(got_normal, normal, "topic {topic:?}");
            let expected_groups: Vec<_> = groups.keys().cloned().collect();
            assert_eq!(
                got_groups.keys().cloned().collect::<Vec<_>>(),
                expected_groups,
                "{topic:?}"
            );
            assert!(got_groups.values().all(|&n| n == 1));

            // The match set holds the same, grouped.
            tree.collect_matches(topic, None, &mut set);
            let total: usize = set.iter().map(|c| c.matches().len()).sum();
            assert_eq!(total, normal.len() + groups.len());
            assert_eq!(set.subscriptions_matched(), total);
            let mut clients_seen = HashSet::new();
            for c in set.iter() {
                assert!(clients_seen.insert(c.client()));
                assert!(c.matches().iter().all(|m| m.client == c.client()));
                let max = c.matches().iter().map(|m| m.options.qos).max().unwrap();
                assert_eq!(c.combined().options.qos, max);
            }
        }
    };
    check(&mut tree, &subs);

    // Remove a third of the clients and some single subscriptions, then check again.
    for client in (0..200).filter(|c| c % 3 == 0) {
        tree.remove_client(client);
        for entry in subs.iter_mut() {
            if entry.as_ref().is_some_and(|(c, _, _)| *c == client) {
                *entry = None;
            }
        }
    }
    for id in (1..subs.len()).step_by(5) {
        if let Some((client, group, filter)) = subs[id].take() {
            let full = match group {
                Some(g) => format!("$share/{g}/{filter}"),
                None => filter,
            };
            assert!(tree.unsubscribe(client, &full));
            assert!(!tree.unsubscribe(client, &full));
        }
    }
    assert_eq!(tree.count(), subs.iter().flatten().count());
    check(&mut tree, &subs);

    for client in 0..200 {
        tree.remove_client(client);
    }
    assert_eq!(tree.count(), 0);
    assert_eq!(tree.shared_count(), 0);
    assert_eq!(tree.node_count(), 1);
    assert_eq!(tree.clients(), 0);
}
