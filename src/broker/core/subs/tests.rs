use super::*;

fn qos(qos: u8) -> SubOptions {
    SubOptions {
        qos,
        ..SubOptions::default()
    }
}

fn sub(tree: &mut SubscriptionTree<u32>, client: u32, filter: &str, q: u8, id: Option<u32>) -> Subscribed {
    tree.subscribe(client, filter, qos(q), id).expect(filter)
}

/// Every match of `topic` as (client, identifier, shared).
fn all(tree: &mut SubscriptionTree<u32>, topic: &str) -> Vec<(u32, Option<u32>, bool)> {
    let mut out = Vec::new();
    tree.for_each_match(topic, |m| out.push((m.client, m.identifier, m.shared)));
    out
}

/// The clients matching `topic`, sorted.
fn clients(tree: &mut SubscriptionTree<u32>, topic: &str) -> Vec<u32> {
    let mut out: Vec<u32> = all(tree, topic).into_iter().map(|(c, _, _)| c).collect();
    out.sort_unstable();
    out
}

#[test]
fn literal_plus_and_hash() {
    let mut tree = SubscriptionTree::new();
    sub(&mut tree, 1, "a/b/c", 0, None);
    sub(&mut tree, 2, "a/+/c", 0, None);
    sub(&mut tree, 3, "a/#", 0, None);
    sub(&mut tree, 4, "#", 0, None);
    sub(&mut tree, 5, "+", 0, None);
    sub(&mut tree, 6, "a/+", 0, None);
    sub(&mut tree, 7, "/+", 0, None);
    assert_eq!(clients(&mut tree, "a/b/c"), [1, 2, 3, 4]);
    assert_eq!(clients(&mut tree, "a/x/c"), [2, 3, 4]);
    assert_eq!(clients(&mut tree, "a/b/c/d"), [3, 4]);
    // `#` matches its parent level; `+` matches one level, an empty one too.
    assert_eq!(clients(&mut tree, "a"), [3, 4, 5]);
    assert_eq!(clients(&mut tree, "a/"), [3, 4, 6]);
    assert_eq!(clients(&mut tree, "a//c"), [2, 3, 4]);
    assert_eq!(clients(&mut tree, "/"), [4, 7]);
    assert_eq!(clients(&mut tree, "/x"), [4, 7]);
    assert_eq!(clients(&mut tree, "b"), [4, 5]);
    assert_eq!(clients(&mut tree, "b/c"), [4]);
    // `+` at the end does not reach two levels, a literal level needs the whole name.
    assert_eq!(clients(&mut tree, "a/b/x"), [3, 4]);
    assert_eq!(clients(&mut tree, "a/bb/c"), [2, 3, 4]);
    assert_eq!(clients(&mut tree, "ab/c"), [4]);
}

#[test]
fn dollar_topics_need_a_literal_first_level() {
    let mut tree = SubscriptionTree::new();
    sub(&mut tree, 1, "#", 0, None);
    sub(&mut tree, 2, "+/#", 0, None);
    sub(&mut tree, 3, "+/broker/uptime", 0, None);
    sub(&mut tree, 4, "$SYS/#", 0, None);
    sub(&mut tree, 5, "$SYS/+/uptime", 0, None);
    sub(&mut tree, 6, "$SYS/broker/uptime", 0, None);
    sub(&mut tree, 7, "+", 0, None);
    sub(&mut tree, 8, "$share/g/#", 0, None);
    sub(&mut tree, 9, "a/#", 0, None);
    assert_eq!(clients(&mut tree, "$SYS/broker/uptime"), [4, 5, 6]);
    assert_eq!(clients(&mut tree, "$SYS"), [4]);
    assert_eq!(clients(&mut tree, "$other"), Vec::<u32>::new());
    assert_eq!(clients(&mut tree, "x/broker/uptime"), [1, 2, 3, 8]);
    // Only the first level counts.
    assert_eq!(clients(&mut tree, "a/$x"), [1, 2, 8, 9]);
    // A `$` inside the first level is an ordinary character.
    assert_eq!(clients(&mut tree, "a$"), [1, 2, 7, 8]);
}

#[test]
fn visits_in_mosquitto_tree_order() {
    let filters = [
        "a/b/#", "a/b", "a/+/#", "a/+", "a/#", "+/b/#", "+/b", "+/+/#", "+/+", "+/#", "#",
    ];
    // Subscribe in a scrambled order; the visits follow the tree, not the subscriptions.
    let mut tree = SubscriptionTree::new();
    for (i, filter) in filters.iter().enumerate().rev() {
        let client = (i as u32 * 7) % 11;
        sub(&mut tree, client, filter, 0, Some(i as u32 + 1));
    }
    let ids: Vec<u32> = all(&mut tree, "a/b")
        .into_iter()
        .filter_map(|(_, id, _)| id)
        .collect();
    assert_eq!(ids, (1..=filters.len() as u32).collect::<Vec<_>>());

    // Deeper: the literal path first, each node after what lies below it.
    let mut tree = SubscriptionTree::new();
    let filters = ["x/y/z", "x/y/#", "x/+/z", "x/#", "x/y/+", "+/y/z", "#"];
    for (i, filter) in filters.iter().enumerate() {
        sub(&mut tree, 1, filter, 0, Some(i as u32 + 1));
    }
    let ids: Vec<u32> = all(&mut tree, "x/y/z")
        .into_iter()
        .filter_map(|(_, id, _)| id)
        .collect();
    // x/y/z/# (none), x/y/z, x/y/+, x/y/#, x/+/z, x/#, +/y/z, #
    assert_eq!(ids, [1, 5, 2, 3, 4, 6, 7]);
}

#[test]
fn normal_subscriptions_come_before_shared_groups_of_a_filter() {
    let mut tree = SubscriptionTree::new();
    sub(&mut tree, 1, "$share/g/t", 0, Some(1));
    sub(&mut tree, 2, "t", 0, Some(2));
    sub(&mut tree, 3, "$share/h/t", 0, Some(3));
    assert_eq!(
        all(&mut tree, "t"),
        [(2, Some(2), false), (1, Some(1), true), (3, Some(3), true)]
    );
}

#[test]
fn overlapping_subscriptions_of_one_client() {
    let mut tree = SubscriptionTree::new();
    sub(&mut tree, 1, "a/b", 0, Some(10));
    sub(&mut tree, 1, "a/#", 2, Some(20));
    sub(&mut tree, 2, "a/+", 1, None);
    let mut set = MatchSet::new();
    tree.collect_matches("a/b", None, &mut set);
    assert_eq!(set.len(), 2);
    assert_eq!(set.subscriptions_matched(), 3);
    let per_client: Vec<ClientMatches<'_, u32>> = set.iter().collect();
    // Client 1 first (its first match, a/b, comes first in tree order).
    assert_eq!(per_client[0].client(), 1);
    // v5: one copy per subscription, each with its identifier, in tree order.
    let v5: Vec<(u8, Option<u32>)> = per_client[0]
        .matches()
        .iter()
        .map(|m| (m.options.qos, m.identifier))
        .collect();
    assert_eq!(v5, [(0, Some(10)), (2, Some(20))]);
    // v3: one copy at the highest QoS.
    let v3 = per_client[0].combined();
    assert_eq!((v3.client, v3.options.qos, v3.shared), (1, 2, false));
    // Mosquitto's choice, the first match in tree order, is still at hand.
    assert_eq!(per_client[0].matches()[0].options.qos, 0);
    assert_eq!(per_client[1].client(), 2);
    assert_eq!(per_client[1].matches().len(), 1);
    assert_eq!(per_client[1].combined().options.qos, 1);
    assert_eq!(set.matches().len(), 3);
}

#[test]
fn match_set_groups_interleaved_clients() {
    let mut tree = SubscriptionTree::new();
    // Tree order for a/b: a/b/#, a/b, a/+, a/#, +/b, #.
    sub(&mut tree, 7, "a/b/#", 0, Some(1));
    sub(&mut tree, 8, "a/b", 0, Some(2));
    sub(&mut tree, 7, "a/+", 1, Some(3));
    sub(&mut tree, 9, "a/#", 0, Some(4));
    sub(&mut tree, 8, "+/b", 2, Some(5));
    sub(&mut tree, 7, "#", 0, Some(6));
    let mut set = MatchSet::new();
    tree.collect_matches("a/b", None, &mut set);
    let grouped: Vec<(u32, Vec<u32>)> = set
        .iter()
        .map(|c| {
            (
                c.client(),
                c.matches().iter().filter_map(|m| m.identifier).collect(),
            )
        })
        .collect();
    assert_eq!(grouped, [(7, vec![1, 3, 6]), (8, vec![2, 5]), (9, vec![4])]);
    let v3: Vec<u8> = set.iter().map(|c| c.combined().options.qos).collect();
    assert_eq!(v3, [1, 2, 0]);
    assert_eq!(set.matches().len(), 6);
    assert!(set.matches().iter().all(|m| !m.shared));

    // Refilling clears what was there.
    tree.collect_matches("$nothing/here", None, &mut set);
    assert!(set.is_empty());
    assert_eq!(set.len(), 0);
    assert_eq!(set.subscriptions_matched(), 0);
    assert!(set.matches().is_empty());
}

#[test]
fn combined_copy_of_shared_and_rap_matches() {
    let mut tree = SubscriptionTree::new();
    let rap = SubOptions {
        qos: 0,
        retain_as_published: true,
        ..SubOptions::default()
    };
    tree.subscribe(1, "$share/g/t/#", qos(1), None).unwrap();
    tree.subscribe(1, "t/+", rap, None).unwrap();
    let mut set = MatchSet::new();
    tree.collect_matches("t/x", None, &mut set);
    let one = set.iter().next().unwrap().combined();
    assert_eq!(one.options.qos, 1);
    assert!(one.options.retain_as_published);
    assert!(!one.shared);
    tree.unsubscribe(1, "t/+");
    tree.collect_matches("t/x", None, &mut set);
    let one = set.iter().next().unwrap().combined();
    assert!(one.shared);
    assert!(!one.options.retain_as_published);
}

#[test]
fn resubscribe_updates_only_qos_and_identifier() {
    let mut tree = SubscriptionTree::new();
    let first = SubOptions {
        qos: 1,
        no_local: true,
        retain_as_published: true,
        retain_handling: 2,
    };
    let again = SubOptions {
        qos: 2,
        no_local: false,
        retain_as_published: false,
        retain_handling: 0,
    };
    for filter in ["a/b", "$share/g/a/b"] {
        assert_eq!(tree.subscribe(1, filter, first, Some(5)), Ok(Subscribed::New));
        assert_eq!(tree.get(1, filter), Some((first, Some(5))));
        assert_eq!(tree.subscribe(1, filter, again, None), Ok(Subscribed::Existing));
        let expected = SubOptions { qos: 2, ..first };
        assert_eq!(tree.get(1, filter), Some((expected, None)));
        assert_eq!(
            tree.subscribe(1, filter, qos(0), Some(9)),
            Ok(Subscribed::Existing)
        );
        assert_eq!(
            tree.get(1, filter),
            Some((SubOptions { qos: 0, ..first }, Some(9)))
        );
    }
    assert_eq!(tree.count(), 2);
    assert_eq!(tree.shared_count(), 1);
    assert_eq!(tree.client_count(1), 2);
    // Another client's subscription to the same filter is its own.
    assert_eq!(tree.subscribe(2, "a/b", again, Some(3)), Ok(Subscribed::New));
    assert_eq!(tree.get(2, "a/b"), Some((again, Some(3))));
    assert!(tree.get(1, "a/b").unwrap().0.no_local);
    assert_eq!(tree.count(), 3);
}

#[test]
fn identifier_zero_counts_as_none() {
    let mut tree = SubscriptionTree::new();
    sub(&mut tree, 1, "a", 0, Some(0));
    assert_eq!(all(&mut tree, "a"), [(1, None, false)]);
    sub(&mut tree, 1, "a", 0, Some(268_435_455));
    assert_eq!(all(&mut tree, "a"), [(1, Some(268_435_455), false)]);
}

#[test]
fn empty_group_name_is_a_group() {
    let mut tree = SubscriptionTree::new();
    assert_eq!(sub(&mut tree, 1, "$share//a", 1, None), Subscribed::New);
    assert_eq!(sub(&mut tree, 2, "$share//a", 1, None), Subscribed::New);
    assert_eq!(all(&mut tree, "a"), [(1, None, true)]);
    assert_eq!(all(&mut tree, "a"), [(2, None, true)]);
    assert!(tree.unsubscribe(1, "$share//a"));
    assert_eq!(all(&mut tree, "a"), [(2, None, true)]);
}

#[test]
fn refuses_what_it_cannot_store() {
    let mut tree = SubscriptionTree::new();
    for bad in [
        "",
        "a/#/b",
        "a+",
        "#a",
        "a/b#",
        "$share",
        "$share/",
        "$share/g",
        "$share/g/",
        "$share/g+/a",
        "$share/#/a",
        "$share/+/a",
        "$share/g/a/#/b",
    ] {
        assert_eq!(
            tree.subscribe(1, bad, qos(0), None),
            Err(SubscribeError::InvalidFilter),
            "{bad:?}"
        );
        assert!(!tree.unsubscribe(1, bad), "{bad:?}");
        assert_eq!(tree.get(1, bad), None);
    }
    let too_long = "a".repeat(65_536);
    assert_eq!(
        tree.subscribe(1, &too_long, qos(0), None),
        Err(SubscribeError::InvalidFilter)
    );
    assert_eq!(tree.count(), 0);
    assert_eq!(tree.clients(), 0);
    assert_eq!(tree.node_count(), 1);

    // Not shared: `$sharefoo` is an ordinary `$` filter, `a/$share/g/x` an ordinary filter.
    for fine in [
        "$sharefoo/x",
        "a/$share/g/x",
        "$share/g/$share/h/x",
        "$share/g/+",
        "$share/a b/#",
    ] {
        assert_eq!(
            tree.subscribe(1, fine, qos(0), None),
            Ok(Subscribed::New),
            "{fine:?}"
        );
    }
    assert_eq!(tree.shared_count(), 3);
    assert_eq!(clients(&mut tree, "$sharefoo/x"), [1]);
    // `$share/g/$share/h/x` is group g on the filter `$share/h/x`.
    assert_eq!(all(&mut tree, "$share/h/x"), [(1, None, true)]);
}

#[test]
fn shared_groups_round_robin() {
    let mut tree = SubscriptionTree::new();
    for member in [10, 11, 12] {
        sub(&mut tree, member, "$share/g/t", 1, None);
    }
    let served: Vec<u32> = (0..6).flat_map(|_| clients(&mut tree, "t")).collect();
    // m0 m3 to the first member, m1 m4 to the second, m2 m5 to the third.
    assert_eq!(served, [10, 11, 12, 10, 11, 12]);
    assert_eq!(tree.count(), 3);
    assert_eq!(tree.shared_count(), 3);

    // One copy per group; two groups, and the same name on another filter, are separate.
    sub(&mut tree, 20, "$share/h/t", 0, None);
    sub(&mut tree, 21, "$share/h/t", 0, None);
    sub(&mut tree, 30, "$share/g/+", 0, None);
    sub(&mut tree, 31, "$share/g/+", 0, None);
    let mut rounds = Vec::new();
    for _ in 0..4 {
        rounds.push(all(&mut tree, "t"));
    }
    assert_eq!(
        rounds,
        [
            vec![(10, None, true), (20, None, true), (30, None, true)],
            vec![(11, None, true), (21, None, true), (31, None, true)],
            vec![(12, None, true), (20, None, true), (30, None, true)],
            vec![(10, None, true), (21, None, true), (31, None, true)],
        ]
    );
    // Messages the group does not match leave its turn alone.
    assert_eq!(clients(&mut tree, "t/x"), Vec::<u32>::new());
    assert_eq!(clients(&mut tree, "u"), [30]);
    assert_eq!(clients(&mut tree, "t"), [11, 20, 31]);
}

#[test]
fn new_member_is_served_after_everyone_there() {
    let mut tree = SubscriptionTree::new();
    for member in [1, 2, 3] {
        sub(&mut tree, member, "$share/g/t", 0, None);
    }
    assert_eq!(clients(&mut tree, "t"), [1]);
    // Ring: 2 3 1; the newcomer goes last.
    sub(&mut tree, 4, "$share/g/t", 0, None);
    let served: Vec<u32> = (0..8).flat_map(|_| clients(&mut tree, "t")).collect();
    assert_eq!(served, [2, 3, 1, 4, 2, 3, 1, 4]);

    // Re-subscribing keeps the member's place.
    sub(&mut tree, 3, "$share/g/t", 2, None);
    assert_eq!(clients(&mut tree, "t"), [2]);
    // Ring: 3 1 4 2. The member next in turn leaving hands the turn to the one after it.
    assert!(tree.unsubscribe(3, "$share/g/t"));
    let served: Vec<u32> = (0..3).flat_map(|_| clients(&mut tree, "t")).collect();
    assert_eq!(served, [1, 4, 2]);
    // Ring: 1 4 2. The member last in turn leaving changes nothing for the others.
    assert!(tree.unsubscribe(2, "$share/g/t"));
    let served: Vec<u32> = (0..4).flat_map(|_| clients(&mut tree, "t")).collect();
    assert_eq!(served, [1, 4, 1, 4]);
    // Ring 4 1, where 1 is stored before the turn: its leaving keeps the turn with 4.
    clients(&mut tree, "t"); // serves 1
    assert_eq!(tree.remove_client(1), 1);
    assert_eq!(clients(&mut tree, "t"), [4]);
    assert_eq!(clients(&mut tree, "t"), [4]);
    assert!(tree.unsubscribe(4, "$share/g/t"));
    assert_eq!(clients(&mut tree, "t"), Vec::<u32>::new());
    assert_eq!(tree.node_count(), 1);
    assert_eq!(tree.count(), 0);
    assert_eq!(tree.shared_count(), 0);
}

#[test]
fn a_members_normal_subscription_is_separate() {
    let mut tree = SubscriptionTree::new();
    sub(&mut tree, 1, "$share/g/t", 1, Some(1));
    sub(&mut tree, 2, "$share/g/t", 1, Some(2));
    sub(&mut tree, 1, "t", 0, Some(3));
    assert_eq!(all(&mut tree, "t"), [(1, Some(3), false), (1, Some(1), true)]);
    assert_eq!(all(&mut tree, "t"), [(1, Some(3), false), (2, Some(2), true)]);
    assert_eq!(tree.client_count(1), 2);
    // Unsubscribing one leaves the other.
    assert!(tree.unsubscribe(1, "t"));
    assert_eq!(all(&mut tree, "t"), [(1, Some(1), true)]);
    assert!(tree.unsubscribe(1, "$share/g/t"));
    assert!(!tree.unsubscribe(1, "$share/g/t"));
    assert_eq!(all(&mut tree, "t"), [(2, Some(2), true)]);
    assert_eq!(tree.shared_count(), 1);
    // The v5 copies of a member with both kinds of subscription.
    sub(&mut tree, 2, "t", 0, Some(4));
    let mut set = MatchSet::new();
    tree.collect_matches("t", None, &mut set);
    assert_eq!(set.len(), 1);
    let ids: Vec<(Option<u32>, bool)> = set
        .iter()
        .next()
        .unwrap()
        .matches()
        .iter()
        .map(|m| (m.identifier, m.shared))
        .collect();
    assert_eq!(ids, [(Some(4), false), (Some(2), true)]);
}

#[test]
fn no_local_applies_to_normal_subscriptions_only() {
    let mut tree = SubscriptionTree::new();
    let no_local = SubOptions {
        qos: 1,
        no_local: true,
        ..SubOptions::default()
    };
    tree.subscribe(1, "t", no_local, Some(1)).unwrap();
    tree.subscribe(1, "#", qos(0), Some(2)).unwrap();
    tree.subscribe(2, "t", no_local, Some(3)).unwrap();
    tree.subscribe(1, "$share/g/t", no_local, Some(4)).unwrap();
    let mut set = MatchSet::new();
    tree.collect_matches("t", Some(1), &mut set);
    let got: Vec<(u32, Option<u32>)> = set.matches().iter().map(|m| (m.client, m.identifier)).collect();
    // Tree order: t (client 1 left out, client 2), group g (client 1), then # (client 1).
    assert_eq!(got, [(2, Some(3)), (1, Some(4)), (1, Some(2))]);
    assert_eq!(set.subscriptions_matched(), 4);
    // A client whose every match is No Local gets nothing, yet the subscriptions matched.
    let mut tree = SubscriptionTree::new();
    tree.subscribe(5, "t", no_local, None).unwrap();
    tree.collect_matches("t", Some(5), &mut set);
    assert!(set.is_empty());
    assert_eq!(set.subscriptions_matched(), 1);
    tree.collect_matches("t", Some(6), &mut set);
    assert_eq!(set.len(), 1);
    tree.collect_matches("t", None, &mut set);
    assert_eq!(set.len(), 1);
    // for_each_match reports everything; No Local is the caller's there.
    assert_eq!(all(&mut tree, "t"), [(5, None, false)]);
}

#[test]
fn unsubscribe_reports_whether_there_was_one() {
    let mut tree = SubscriptionTree::new();
    sub(&mut tree, 1, "a/b", 0, None);
    sub(&mut tree, 2, "a/b", 0, None);
    assert!(!tree.unsubscribe(3, "a/b"));
    assert!(!tree.unsubscribe(1, "a/c"));
    assert!(!tree.unsubscribe(1, "a/+"));
    assert!(!tree.unsubscribe(1, "$share/g/a/b"));
    assert!(tree.unsubscribe(1, "a/b"));
    assert!(!tree.unsubscribe(1, "a/b"));
    assert_eq!(clients(&mut tree, "a/b"), [2]);
    assert_eq!(tree.count(), 1);
    assert_eq!(tree.clients(), 1);
    assert_eq!(tree.client_count(1), 0);
    assert_eq!(tree.filters_of(1).count(), 0);
}

#[test]
fn a_client_with_many_filters_subscribes_and_unsubscribes_them_all() {
    // Past a few dozen filters a client's list becomes a set: unsubscribing from 100,000
    // took a minute when each removal searched the list.
    let mut tree = SubscriptionTree::new();
    let filters: Vec<String> = (0..5000).map(|i| format!("many/{i}/+")).collect();
    for (i, filter) in filters.iter().enumerate() {
        assert_eq!(sub(&mut tree, 1, filter, 1, None), Subscribed::New);
        assert_eq!(tree.client_count(1), i + 1);
    }
    assert_eq!(sub(&mut tree, 1, &filters[7], 2, None), Subscribed::Existing);
    sub(&mut tree, 2, &filters[7], 0, None);
    assert_eq!(clients(&mut tree, "many/7/x"), [1, 2]);
    for filter in filters.iter().step_by(2) {
        assert!(tree.unsubscribe(1, filter));
        assert!(!tree.unsubscribe(1, filter));
    }
    assert_eq!(tree.client_count(1), 2500);
    let mut mine: Vec<&str> = tree.filters_of(1).collect();
    mine.sort_unstable();
    let mut expected: Vec<&str> = filters.iter().skip(1).step_by(2).map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(mine, expected);
    assert_eq!(clients(&mut tree, "many/7/x"), [1, 2]);
    assert_eq!(clients(&mut tree, "many/8/x"), Vec::<u32>::new());
    for filter in filters.iter().skip(1).step_by(2) {
        assert!(tree.unsubscribe(1, filter));
    }
    assert_eq!(tree.client_count(1), 0);
    assert_eq!(tree.clients(), 1);
    assert_eq!(tree.count(), 1);
    // The slot is free again: a new subscription starts a short list.
    sub(&mut tree, 1, "again", 0, None);
    assert_eq!(tree.filters_of(1).collect::<Vec<_>>(), ["again"]);
    assert_eq!(tree.remove_client(1), 1);
}

#[test]
fn remove_client_takes_all_of_its_subscriptions() {
    let mut tree = SubscriptionTree::new();
    let filters = [
        "a/b",
        "a/#",
        "+/b",
        "$share/g/a/b",
        "$share/h/#",
        "$SYS/#",
        "x/y/z",
    ];
    for filter in filters {
        sub(&mut tree, 1, filter, 1, None);
    }
    sub(&mut tree, 2, "a/b", 0, None);
    sub(&mut tree, 2, "$share/g/a/b", 0, None);
    assert_eq!(tree.client_count(1), filters.len());
    let mut mine: Vec<&str> = tree.filters_of(1).collect();
    mine.sort_unstable();
    let mut expected = filters.to_vec();
    expected.sort_unstable();
    assert_eq!(mine, expected);
    assert_eq!(tree.count(), 9);
    assert_eq!(tree.shared_count(), 3);
    assert_eq!(tree.clients(), 2);

    assert_eq!(tree.remove_client(1), filters.len());
    assert_eq!(tree.remove_client(1), 0);
    assert_eq!(tree.client_count(1), 0);
    assert_eq!(tree.count(), 2);
    assert_eq!(tree.shared_count(), 1);
    assert_eq!(tree.clients(), 1);
    assert_eq!(all(&mut tree, "a/b"), [(2, None, false), (2, None, true)]);
    assert_eq!(all(&mut tree, "$SYS/x"), []);
    // Only the nodes for a/b remain.
    assert_eq!(tree.node_count(), 3);
    tree.remove_client(2);
    assert_eq!(tree.node_count(), 1);
    assert!(tree.is_empty());
    assert_eq!(tree.clients(), 0);

    // The freed client slot is used again, without confusion.
    sub(&mut tree, 3, "a", 2, None);
    sub(&mut tree, 4, "a", 1, None);
    assert_eq!(clients(&mut tree, "a"), [3, 4]);
    assert_eq!(tree.get(3, "a").unwrap().0.qos, 2);
    assert_eq!(tree.get(1, "a"), None);
}

#[test]
fn empty_nodes_are_removed() {
    let mut tree = SubscriptionTree::new();
    sub(&mut tree, 1, "a/b/c/d", 0, None);
    assert_eq!(tree.node_count(), 5);
    sub(&mut tree, 1, "a/b", 0, None);
    sub(&mut tree, 1, "a/+/#", 0, None);
    assert_eq!(tree.node_count(), 7);
    assert!(tree.unsubscribe(1, "a/b/c/d"));
    // a, b remain for a/b; +, # for a/+/#.
    assert_eq!(tree.node_count(), 5);
    assert!(tree.unsubscribe(1, "a/+/#"));
    assert_eq!(tree.node_count(), 3);
    // A node that still has children stays when its own subscription goes.
    sub(&mut tree, 2, "a/b/c", 0, None);
    assert!(tree.unsubscribe(1, "a/b"));
    assert_eq!(tree.node_count(), 4);
    assert_eq!(clients(&mut tree, "a/b/c"), [2]);
    assert!(tree.unsubscribe(2, "a/b/c"));
    assert_eq!(tree.node_count(), 1);
    // Freed nodes are reused.
    let capacity = tree.nodes.len();
    sub(&mut tree, 3, "x/y/z", 0, None);
    assert_eq!(tree.nodes.len(), capacity);
    assert_eq!(clients(&mut tree, "x/y/z"), [3]);
}

#[test]
fn many_children_switch_to_a_map_and_back() {
    let mut tree = SubscriptionTree::new();
    let n = 5 * children::SMALL_MAX as u32;
    for i in 0..n {
        sub(&mut tree, i, &format!("dev/{i}/cmd"), 0, None);
    }
    let dev = tree.find_path("dev").unwrap();
    assert!(matches!(tree.nodes[dev as usize].children, Children::Large(_)));
    for i in 0..n {
        assert_eq!(clients(&mut tree, &format!("dev/{i}/cmd")), [i]);
    }
    assert_eq!(clients(&mut tree, &format!("dev/{n}/cmd")), Vec::<u32>::new());
    for i in 0..n - 2 {
        assert!(tree.unsubscribe(i, &format!("dev/{i}/cmd")));
    }
    assert!(matches!(tree.nodes[dev as usize].children, Children::Small(_)));
    assert_eq!(clients(&mut tree, &format!("dev/{}/cmd", n - 1)), [n - 1]);
    assert_eq!(tree.node_count(), 1 + 1 + 2 * 2);
    tree.remove_client(n - 1);
    tree.remove_client(n - 2);
    assert_eq!(tree.node_count(), 1);
}

#[test]
fn deep_filters_and_topics_use_no_recursion() {
    let mut tree = SubscriptionTree::new();
    let levels = 30_000;
    let deep = vec!["a"; levels].join("/");
    let plus = vec!["+"; levels - 1].join("/") + "/#";
    sub(&mut tree, 1, &deep, 0, None);
    sub(&mut tree, 2, &plus, 0, None);
    sub(&mut tree, 3, "a/#", 0, None);
    assert_eq!(clients(&mut tree, &deep), [1, 2, 3]);
    let deeper = format!("{deep}/b/c");
    assert_eq!(clients(&mut tree, &deeper), [2, 3]);
    assert!(tree.stack.capacity() <= walk::STACK_KEEP);
    let mut set = MatchSet::new();
    tree.collect_matches(&deep, None, &mut set);
    assert_eq!(set.len(), 3);
    assert!(tree.unsubscribe(1, &deep));
    assert_eq!(tree.remove_client(2), 1);
    assert_eq!(tree.node_count(), 3);
    // Dropping a deep tree is flat too.
    sub(&mut tree, 1, &deep, 0, None);
    drop(tree);
}

#[test]
fn odd_topics_do_not_panic() {
    let mut tree = SubscriptionTree::new();
    for filter in ["#", "+", "+/+", "/#", "$share/g/#", "é/+/ü", "a//b"] {
        sub(&mut tree, 1, filter, 0, None);
    }
    for topic in [
        "", "/", "//", "é", "é/x/ü", "a//b", "a/+", "#", "\0", "$", "$/", "/$",
    ] {
        tree.for_each_match(topic, |_| {});
    }
    assert_eq!(clients(&mut tree, "é/x/ü"), [1, 1, 1]);
    let mut set = MatchSet::new();
    tree.collect_matches("", Some(1), &mut set);
}

#[test]
fn matching_allocates_nothing_once_warm() {
    let mut tree = SubscriptionTree::new();
    for c in 0..50 {
        sub(&mut tree, c, "t/x", 1, Some(c + 1));
        sub(&mut tree, c, "t/#", 0, None);
        sub(&mut tree, c, "$share/g/t/+", 0, None);
    }
    let mut set = MatchSet::new();
    tree.collect_matches("t/x", None, &mut set);
    let before = (set.capacities(), tree.stack.capacity());
    for _ in 0..100 {
        tree.collect_matches("t/x", Some(3), &mut set);
        assert_eq!(set.len(), 50);
        assert_eq!(set.matches().len(), 101);
    }
    let after = (set.capacities(), tree.stack.capacity());
    assert_eq!(before, after);

    // One match per client: the set's two match vectors trade places each time, and stop
    // growing once both have been used.
    tree.collect_matches("t/y/z", None, &mut set);
    tree.collect_matches("t/y/z", None, &mut set);
    let mut caps: Vec<usize> = set.capacities().to_vec();
    caps.sort_unstable();
    for _ in 0..100 {
        tree.collect_matches("t/y/z", None, &mut set);
        assert_eq!(set.len(), 50);
        assert_eq!(set.matches().len(), 50);
        let mut now: Vec<usize> = set.capacities().to_vec();
        now.sort_unstable();
        assert_eq!(now, caps);
        for (c, m) in set.iter().zip(0..) {
            assert_eq!(c.client(), m);
            assert_eq!(c.matches().len(), 1);
        }
    }
    tree.collect_matches("t/x", None, &mut set);
    assert_eq!(set.matches().len(), 101);
}

#[test]
fn generation_wrap_forgets_old_marks() {
    let mut tree = SubscriptionTree::new();
    sub(&mut tree, 1, "a", 0, None);
    sub(&mut tree, 2, "a", 0, None);
    let mut set = MatchSet::new();
    tree.generation = u32::MAX - 2;
    for _ in 0..5 {
        tree.collect_matches("a", None, &mut set);
        assert_eq!(set.len(), 2);
        assert_eq!(set.matches().len(), 2);
    }
    assert!(tree.generation < 5);
}
