use super::*;
use crate::protocol::topic::{is_valid_sub_filter, matches_sub};

/// The topics `filter` delivers, in order.
fn order(store: &RetainedStore<u32>, filter: &str) -> Vec<String> {
    let mut out = Vec::new();
    store.for_each_match(filter, |topic, _| out.push(topic.to_owned()));
    out
}

fn store_of(topics: &[&str]) -> RetainedStore<u32> {
    let mut store = RetainedStore::new();
    for (i, topic) in topics.iter().enumerate() {
        assert_eq!(store.set(topic, i as u32), None);
    }
    store
}

#[test]
fn set_get_replace_remove() {
    let mut store = RetainedStore::new();
    assert!(store.is_empty());
    assert_eq!(store.set("a/b", 1), None);
    assert_eq!(store.set("a/b", 2), Some(1));
    assert_eq!(store.set("$SYS/broker/uptime", 3), None);
    assert_eq!(store.set("a", 4), None);
    assert_eq!(store.count(), 3);
    assert_eq!(store.get("a/b"), Some(&2));
    assert_eq!(store.get("a"), Some(&4));
    assert_eq!(store.get("a/b/c"), None);
    assert_eq!(store.get("$SYS/broker"), None);
    assert_eq!(store.get("$SYS/broker/uptime"), Some(&3));
    assert_eq!(store.remove("a/b/c"), None);
    assert_eq!(store.remove("$SYS/broker"), None);
    assert_eq!(store.remove("a/b"), Some(2));
    assert_eq!(store.remove("a/b"), None);
    assert_eq!(store.get("a/b"), None);
    assert_eq!(store.count(), 2);
    assert_eq!(store.remove("$SYS/broker/uptime"), Some(3));
    assert_eq!(store.remove("a"), Some(4));
    assert!(store.is_empty());
    assert_eq!(store.node_count(), 1);
}

#[test]
fn empty_levels_are_levels() {
    let store = store_of(&["/", "a//b", "/a", "a/"]);
    assert_eq!(store.get("/"), Some(&0));
    assert_eq!(store.get(""), None);
    assert_eq!(order(&store, "+/+"), ["/", "/a", "a/"]);
    assert_eq!(order(&store, "a/+/b"), ["a//b"]);
    assert_eq!(order(&store, "+"), Vec::<String>::new());
    assert_eq!(order(&store, "/#"), ["/", "/a"]);
}

#[test]
fn hash_visits_descendants_first_and_the_parent_last() {
    let store = store_of(&["r", "r/a", "r/a/x", "r/b", "r/c"]);
    assert_eq!(order(&store, "r/#"), ["r/a", "r/a/x", "r/b", "r/c", "r"]);
    assert_eq!(order(&store, "#"), ["r", "r/a", "r/a/x", "r/b", "r/c"]);
    assert_eq!(order(&store, "r/+/#"), ["r/a/x", "r/a", "r/b", "r/c"]);
    assert_eq!(order(&store, "+/#"), ["r/a", "r/a/x", "r/b", "r/c", "r"]);
    assert_eq!(order(&store, "r/+"), ["r/a", "r/b", "r/c"]);
    assert_eq!(order(&store, "+/+/x"), ["r/a/x"]);
    assert_eq!(order(&store, "r/a/#"), ["r/a/x", "r/a"]);
    assert_eq!(order(&store, "r/a/x/#"), ["r/a/x"]);
    assert_eq!(order(&store, "r"), ["r"]);
    assert_eq!(order(&store, "r/a/x"), ["r/a/x"]);
    assert_eq!(order(&store, "r/d/#"), Vec::<String>::new());
    assert_eq!(order(&store, "+"), ["r"]);
}

#[test]
fn children_come_in_creation_order() {
    // Created c, a, b; the message on r comes after its children were made.
    let mut store = store_of(&["r/c/1", "r/a", "r/b", "r"]);
    assert_eq!(order(&store, "r/#"), ["r/c/1", "r/a", "r/b", "r"]);
    // Replacing a message keeps the place; a level that disappeared and came back is new.
    store.set("r/c/1", 9);
    assert_eq!(order(&store, "r/+"), ["r/a", "r/b"]);
    store.remove("r/c/1");
    store.set("r/c", 5);
    assert_eq!(order(&store, "r/+"), ["r/a", "r/b", "r/c"]);
    // Removing the message of a node with children keeps the node and its place.
    store.set("r/a/z", 6);
    store.remove("r/a");
    store.set("r/a", 7);
    assert_eq!(order(&store, "r/#"), ["r/a", "r/a/z", "r/b", "r/c", "r"]);
}

#[test]
fn wildcards_skip_dollar_topics_at_the_first_level() {
    let store = store_of(&["$SYS/broker/uptime", "a/b", "$SYS", "a/$x", "$other/x", "b"]);
    assert_eq!(order(&store, "#"), ["a/b", "a/$x", "b"]);
    assert_eq!(order(&store, "+"), ["b"]);
    assert_eq!(order(&store, "+/#"), ["a/b", "a/$x", "b"]);
    assert_eq!(order(&store, "+/broker/+"), Vec::<String>::new());
    assert_eq!(order(&store, "$SYS/#"), ["$SYS/broker/uptime", "$SYS"]);
    assert_eq!(order(&store, "$SYS/+/uptime"), ["$SYS/broker/uptime"]);
    assert_eq!(order(&store, "$SYS"), ["$SYS"]);
    assert_eq!(order(&store, "$other/+"), ["$other/x"]);
    assert_eq!(order(&store, "a/+"), ["a/b", "a/$x"]);
    assert_eq!(store.count(), 6);
}

#[test]
fn for_each_gives_everything_with_its_topic() {
    let topics = ["$SYS/x", "a/b/c", "a", "b/", "$SYS/x/y", "a/b"];
    let store = store_of(&topics);
    let mut all = Vec::new();
    store.for_each(|topic, &m| all.push((topic.to_owned(), m)));
    // Depth first, children in creation order.
    assert_eq!(
        all,
        [
            ("$SYS/x".to_owned(), 0),
            ("$SYS/x/y".to_owned(), 4),
            ("a".to_owned(), 2),
            ("a/b".to_owned(), 5),
            ("a/b/c".to_owned(), 1),
            ("b/".to_owned(), 3),
        ]
    );
    for (topic, m) in &all {
        assert_eq!(store.get(topic), Some(m));
    }
}

#[test]
fn remove_if_drops_what_the_predicate_picks_and_frees_nodes() {
    let mut store = store_of(&["a/b/c", "a/b", "a/x", "$SYS/t", "z", "a/b/d/e"]);
    assert_eq!(store.node_count(), 10);
    let mut seen = Vec::new();
    // Drop the even messages: a/b/c, a/x, z.
    let removed = store.remove_if(|topic, &m| {
        seen.push(topic.to_owned());
        m % 2 == 0
    });
    assert_eq!(removed, 3);
    seen.sort();
    assert_eq!(seen, ["$SYS/t", "a/b", "a/b/c", "a/b/d/e", "a/x", "z"]);
    assert_eq!(store.count(), 3);
    let mut left = Vec::new();
    store.for_each(|topic, _| left.push(topic.to_owned()));
    assert_eq!(left, ["a/b", "a/b/d/e", "$SYS/t"]);
    // Nodes: root, a, b, d, e, $SYS, t.
    assert_eq!(store.node_count(), 7);
    assert_eq!(store.remove_if(|_, _| false), 0);
    assert_eq!(store.remove_if(|_, _| true), 3);
    assert!(store.is_empty());
    assert_eq!(store.node_count(), 1);
    assert_eq!(store.remove_if(|_, _| true), 0);
    // The store works as before afterwards.
    store.set("q/r", 1);
    assert_eq!(order(&store, "#"), ["q/r"]);
}

#[test]
fn empty_nodes_are_freed_and_reused() {
    let mut store = store_of(&["a/b/c/d"]);
    assert_eq!(store.node_count(), 5);
    store.set("a/b", 1);
    store.remove("a/b/c/d");
    assert_eq!(store.node_count(), 3);
    store.remove("a/b");
    assert_eq!(store.node_count(), 1);
    let arena = store.nodes.len();
    store.set("x/y/z/w", 2);
    assert_eq!(store.nodes.len(), arena);
    assert_eq!(order(&store, "#"), ["x/y/z/w"]);
}

#[test]
fn many_children_keep_their_order_with_an_index() {
    let mut store = RetainedStore::new();
    let n = 10 * INDEX_AT;
    // Created in a scrambled order.
    let ids: Vec<u32> = (0..n).map(|i| (i * 37) % n).collect();
    for &i in &ids {
        store.set(&format!("dev/{i}/state"), i);
    }
    let dev = store.find("dev").unwrap();
    assert!(store.nodes[dev as usize].index.is_some());
    let expected: Vec<String> = ids.iter().map(|i| format!("dev/{i}/state")).collect();
    assert_eq!(order(&store, "dev/+/state"), expected);
    assert_eq!(order(&store, "+/+/+"), expected);
    for &i in &ids {
        assert_eq!(store.get(&format!("dev/{i}/state")), Some(&i));
    }
    // Remove most, from the middle out; order and lookups stay right, the index goes.
    let (keep, gone): (Vec<u32>, Vec<u32>) = ids.iter().partition(|&&i| i % 40 == 0);
    for &i in &gone {
        assert_eq!(store.remove(&format!("dev/{i}/state")), Some(i));
    }
    assert!(store.nodes[dev as usize].index.is_none());
    let expected: Vec<String> = keep.iter().map(|i| format!("dev/{i}/state")).collect();
    assert_eq!(order(&store, "dev/#"), expected);
    for &i in &keep {
        assert_eq!(store.get(&format!("dev/{i}/state")), Some(&i));
    }
    assert_eq!(store.node_count(), 2 + 2 * keep.len());
    assert_eq!(store.remove_if(|_, _| true), keep.len());
    assert_eq!(store.node_count(), 1);
}

#[test]
fn deep_topics_use_no_recursion() {
    let mut store = RetainedStore::new();
    let deep = vec!["a"; 30_000].join("/");
    store.set(&deep, 1);
    store.set("a", 2);
    let plus = vec!["+"; 29_999].join("/") + "/#";
    assert_eq!(order(&store, &plus).len(), 1);
    assert_eq!(order(&store, "#").len(), 2);
    assert_eq!(order(&store, "a/#"), [deep.clone(), "a".to_owned()]);
    assert_eq!(order(&store, &deep), [deep.as_str()]);
    let mut count = 0;
    store.for_each(|_, _| count += 1);
    assert_eq!(count, 2);
    assert_eq!(store.remove(&deep), Some(1));
    assert_eq!(store.node_count(), 2);
    store.set(&deep, 3);
    assert_eq!(store.remove_if(|_, &m| m == 3), 1);
    assert_eq!(store.node_count(), 2);
    store.set(&deep, 4);
    drop(store);
}

#[test]
fn odd_filters_do_not_panic() {
    let store = store_of(&["a/b", "é/ü", "a/#/b", "$share/g/a"]);
    for filter in ["", "a/#/b", "#/a", "a/b#", "é/+", "+/", "/", "$share/g/#", "\0"] {
        store.for_each_match(filter, |_, _| {});
    }
    assert_eq!(order(&store, "é/+"), ["é/ü"]);
    // Shared filters are the caller's to refuse; here they are ordinary filters.
    assert_eq!(order(&store, "$share/g/#"), ["$share/g/a"]);
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
}

const WORDS: [&str; 6] = ["a", "b", "c", "", "$s", "dd"];

fn random_levels(rng: &mut Rng, wildcards: bool) -> String {
    loop {
        let levels = 1 + rng.below(4);
        let parts: Vec<&str> = (0..levels)
            .map(|i| match rng.below(10) {
                0..=2 if wildcards => "+",
                3 if wildcards && i + 1 == levels => "#",
                _ => WORDS[rng.below(WORDS.len())],
            })
            .collect();
        let text = parts.join("/");
        if !text.is_empty() {
            return text;
        }
    }
}

#[test]
fn matches_agree_with_the_brute_force_matcher() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut store = RetainedStore::new();
    let mut model = std::collections::BTreeMap::new();
    for round in 0..3 {
        for n in 0..1_500u32 {
            let topic = random_levels(&mut rng, false);
            if rng.below(4) == 0 {
                assert_eq!(store.remove(&topic), model.remove(&topic));
            } else {
                assert_eq!(store.set(&topic, n), model.insert(topic, n));
            }
        }
        if round == 1 {
            assert_eq!(
                store.remove_if(|_, &m| m % 3 == 0),
                model.values().filter(|&&m| m % 3 == 0).count()
            );
            model.retain(|_, m| *m % 3 != 0);
        }
        assert_eq!(store.count(), model.len());
        for _ in 0..1_000 {
            let filter = random_levels(&mut rng, true);
            assert!(is_valid_sub_filter(filter.as_bytes()));
            let mut expected: Vec<(String, u32)> = model
                .iter()
                .filter(|(topic, _)| matches_sub(filter.as_bytes(), topic.as_bytes()) == Ok(true))
                .map(|(t, &m)| (t.clone(), m))
                .collect();
            let mut got = Vec::new();
            store.for_each_match(&filter, |topic, &m| got.push((topic.to_owned(), m)));
            got.sort();
            expected.sort();
            assert_eq!(got, expected, "filter {filter:?}");
        }
        let mut all = Vec::new();
        store.for_each(|topic, &m| all.push((topic.to_owned(), m)));
        all.sort();
        assert_eq!(
            all,
            model.iter().map(|(t, &m)| (t.clone(), m)).collect::<Vec<_>>()
        );
    }
    // Without the `$` topics, `#` is the whole store in depth-first order.
    let mut hash = Vec::new();
    store.for_each_match("#", |topic, _| hash.push(topic.to_owned()));
    let mut every = Vec::new();
    store.for_each(|topic, _| every.push(topic.to_owned()));
    every.retain(|t| !t.starts_with('$'));
    assert_eq!(hash, every);

    for topic in model.keys() {
        store.remove(topic);
    }
    assert!(store.is_empty());
    assert_eq!(store.node_count(), 1);
}

/// Heap bytes held (arena by length, other vectors and maps by capacity, names by length),
/// allocator overhead not counted; and heap blocks.
fn heap_estimate<M>(store: &RetainedStore<M>) -> (usize, usize) {
    let mut bytes = store.nodes.len() * size_of::<Node<M>>() + store.free.capacity() * 4;
    let mut blocks = 2;
    for node in store.nodes.iter() {
        bytes += node.name.len();
        blocks += usize::from(!node.name.is_empty());
        if let Some(index) = &node.index {
            let slots = index.capacity() * 8 / 7 + 1;
            bytes += size_of::<HashMap<Box<str>, u32>>()
                + slots * (size_of::<(Box<str>, u32)>() + 1)
                + index.keys().map(|k| k.len()).sum::<usize>();
            blocks += 2 + index.len();
        }
    }
    (bytes, blocks)
}

#[test]
#[ignore = "benchmark: cargo test --release --lib broker::core -- --ignored --nocapture"]
#[allow(clippy::disallowed_methods)] // a benchmark reads the clock
fn bench_retained_store() {
    use std::hint::black_box;
    use std::time::Instant;
    type Message = std::sync::Arc<[u8]>;
    let message: Message = std::sync::Arc::from(&b"payload"[..]);
    let mut store: RetainedStore<Message> = RetainedStore::new();
    let topics: Vec<String> = (0..100_000).map(|i| format!("devices/{i}/state")).collect();
    let start = Instant::now();
    for topic in &topics {
        store.set(topic, message.clone());
    }
    let set = start.elapsed().as_nanos() as f64 / 1e5;
    let start = Instant::now();
    for topic in &topics {
        black_box(store.get(black_box(topic)));
    }
    let get = start.elapsed().as_nanos() as f64 / 1e5;
    let start = Instant::now();
    let mut n = 0;
    store.for_each_match("devices/+/state", |t, _| n += t.len() & 1);
    let plus = start.elapsed().as_nanos() as f64 / 1e5;
    let start = Instant::now();
    store.for_each_match("#", |t, _| n += t.len() & 1);
    let hash = start.elapsed().as_nanos() as f64 / 1e5;
    black_box(n);
    let (bytes, blocks) = heap_estimate(&store);
    println!(
        "retained, 100,000 topics devices/N/state: set {set:.0} ns, get {get:.0} ns, \
         `devices/+/state` {plus:.1} ns/message, `#` {hash:.1} ns/message; node {} B, \
         {:.1} bytes/message + {:.1} heap blocks (≈ {:.0} with 16 bytes overhead each), messages not counted",
        size_of::<Node<Message>>(),
        bytes as f64 / 1e5,
        blocks as f64 / 1e5,
        (bytes + 16 * blocks) as f64 / 1e5,
    );
    let start = Instant::now();
    for topic in &topics {
        store.remove(topic);
    }
    println!(
        "retained remove: {:.0} ns",
        start.elapsed().as_nanos() as f64 / 1e5
    );
    assert_eq!(store.node_count(), 1);
}
