//! The subscription tree: which clients get a copy of a PUBLISH.
//!
//! [`SubscriptionTree`] holds every client's subscriptions, normal (`a/+/c`) and shared
//! (`$share/GROUP/a/+/c`), keyed by a client key `K` that the broker chooses (a small session
//! number). It answers "who matches this topic?" by walking the tree along the topic's levels,
//! and keeps for each client the list of its filters so that a disconnecting client is removed
//! in time proportional to its own subscriptions.
//!
//! # Matching rules
//!
//! - `+` matches exactly one level (an empty one too); `#` matches the rest of the topic,
//!   including the parent level (`a/#` matches `a`).
//! - A topic starting with `$` is never matched by a filter whose first level is `+` or `#`.
//! - Matches are visited in mosquitto's tree order: depth first, and at each level the literal
//!   child, then `+`, then `#`, where a node's own subscriptions come after those below it.
//!   For `a/b` that is `a/b/#`, `a/b`, `a/+/#`, `a/+`, `a/#`, `+/b/#`, `+/b`, `+/+/#`, `+/+`,
//!   `+/#`, `#`. Within one filter, the normal subscriptions come first (in no particular
//!   client order), then the shared groups.
//! - A shared group (`$share/G/F`) is a set of subscriptions to `F` of which exactly one gets
//!   each matching message, in strict round robin: the group serves its members in the order
//!   they joined, a new member after everyone already there; leaving keeps the others' turns.
//!   The same group name on two filters makes two groups. A client's normal subscriptions are
//!   separate from its shared ones and match on their own.
//! - Matching advances the round robin of every group it delivers from, which is why it takes
//!   `&mut self`. The tree does not know who is online: an offline member keeps its turn.
//!
//! # Re-subscribing
//!
//! Subscribing again to the same filter (the same group, for shared ones) updates only the QoS
//! and the subscription identifier; No Local, Retain As Published and Retain Handling keep the
//! values of the first subscription, as mosquitto does. [`Subscribed`] tells the caller which
//! case it was (Retain Handling 1 sends retained messages only for a new subscription).
//!
//! # One publish
//!
//! [`SubscriptionTree::for_each_match`] visits every matching subscription, and
//! [`SubscriptionTree::collect_matches`] gathers them per client into a reusable [`MatchSet`],
//! applying No Local. From there the broker sends an MQTT v5 client one copy per matching
//! subscription ([`ClientMatches::matches`]), and a v3 client a single copy at the highest
//! QoS of its matches ([`ClientMatches::combined`]; mosquitto uses the first match in tree
//! order instead, which is `matches()[0]`).
//!
//! Neither allocates per call once its buffers have grown: the walk uses a stack kept in the
//! tree, and the match set keeps its vectors between publishes.
//!
//! # What the caller checks
//!
//! Filters are expected to have passed [`crate::protocol::topic::is_valid_sub_filter`] and the
//! broker's rules (Subscription Identifier not 0, No Local not on a shared subscription).
//! The tree refuses, without panicking, what it cannot store: an empty or malformed filter,
//! `$share/G` or `$share/G/` with no filter, and a group name that holds a wildcard (an empty
//! group name is taken, as mosquitto takes it).
//! Retained messages are not delivered to shared subscriptions: that is the caller's rule.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::num::NonZeroU32;

use crate::protocol::topic::is_valid_sub_filter;

mod children;
mod match_set;
mod walk;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod model_tests;
#[cfg(test)]
mod tests;

use children::Children;
pub use match_set::{ClientMatches, MatchSet};
use walk::{Frame, walk};

/// The options of one subscription, as SUBSCRIBE carries them (MQTT 3 has only the QoS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SubOptions {
    /// The granted QoS, 0 to 2.
    pub qos: u8,
    /// Do not send the client its own messages (normal subscriptions only).
    pub no_local: bool,
    /// Keep the retain flag of live messages.
    pub retain_as_published: bool,
    /// 0: send retained messages, 1: only for a new subscription, 2: never.
    pub retain_handling: u8,
}

/// What [`SubscriptionTree::subscribe`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subscribed {
    /// The client had no subscription to this filter.
    New,
    /// The client was already subscribed: only its QoS and identifier were updated.
    Existing,
}

/// Why [`SubscriptionTree::subscribe`] stored nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscribeError {
    /// Empty or malformed filter, or a `$share/` filter without a group name or a filter.
    InvalidFilter,
    /// The tree has no room for another node or client (billions of them).
    Full,
}

/// One subscription that matches a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<K> {
    /// Whose subscription it is.
    pub client: K,
    /// Its options.
    pub options: SubOptions,
    /// Its Subscription Identifier, if it has one.
    pub identifier: Option<u32>,
    /// Whether it is the member of a shared group chosen for this message.
    pub shared: bool,
}

/// A missing node or client; also the largest index is one less.
const NONE: u32 = u32::MAX;
/// The root node, which stands for no level and holds no subscriptions.
const ROOT: u32 = 0;
/// A subscription as stored: the client's slot instead of its key.
#[derive(Debug, Clone, Copy)]
struct Sub {
    slot: u32,
    options: SubOptions,
    identifier: Option<NonZeroU32>,
}

/// A shared group: its members in a ring, `next` being the one served next. In serving order
/// the members are `members[next..]` then `members[..next]`.
struct Group {
    name: Box<str>,
    members: Vec<Sub>,
    next: u32,
}

/// One level of the tree.
struct Node {
    /// `NONE` for the root and for free nodes.
    parent: u32,
    /// The `+` child.
    plus: u32,
    /// The `#` child, which only holds subscriptions.
    hash: u32,
    /// The literal children.
    children: Children,
    /// The normal subscriptions to the filter that ends here, sorted by client slot.
    subs: Vec<Sub>,
    /// The shared groups of the filter that ends here (rarely any, hence no spare capacity).
    shared: Box<[Group]>,
}

impl Node {
    fn new(parent: u32) -> Self {
        Node {
            parent,
            plus: NONE,
            hash: NONE,
            children: Children::default(),
            subs: Vec::new(),
            shared: Box::default(),
        }
    }

    fn is_empty(&self) -> bool {
        self.plus == NONE
            && self.hash == NONE
            && self.subs.is_empty()
            && self.shared.is_empty()
            && self.children.is_empty()
    }
}

/// A client's filters, as given (`$share/…` included): a list while it holds few, a set from
/// [`Filters::MANY`] on, so that removing one stays cheap however many a client holds.
enum Filters {
    List(Vec<Box<str>>),
    Set(HashSet<Box<str>>),
}

impl Filters {
    /// The length at which a list becomes a set.
    const MANY: usize = 32;

    fn new() -> Filters {
        Filters::List(Vec::new())
    }

    fn push(&mut self, filter: &str) {
        match self {
            Filters::List(list) if list.len() + 1 >= Self::MANY => {
                let mut set: HashSet<Box<str>> = std::mem::take(list).into_iter().collect();
                set.insert(filter.into());
                *self = Filters::Set(set);
            }
            Filters::List(list) => {
                if list.capacity() == 0 {
                    // Many clients hold a single subscription.
                    list.reserve_exact(1);
                }
                list.push(filter.into());
            }
            Filters::Set(set) => {
                set.insert(filter.into());
            }
        }
    }

    fn remove(&mut self, filter: &str) {
        match self {
            Filters::List(list) => {
                if let Some(at) = list.iter().position(|f| &**f == filter) {
                    list.swap_remove(at);
                }
            }
            Filters::Set(set) => {
                set.remove(filter);
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Filters::List(list) => list.len(),
            Filters::Set(set) => set.len(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn iter(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Filters::List(list) => Box::new(list.iter().map(|f| &**f)),
            Filters::Set(set) => Box::new(set.iter().map(|f| &**f)),
        }
    }

    /// Slots and heap blocks held (for the memory figures of the benchmark).
    #[cfg(test)]
    fn capacity(&self) -> usize {
        match self {
            Filters::List(list) => list.capacity(),
            Filters::Set(set) => set.capacity(),
        }
    }
}

/// A client with at least one subscription.
struct Client<K> {
    key: K,
    /// Every filter it is subscribed to.
    filters: Filters,
    /// The [`MatchSet`] fill that last saw this client, and its index there.
    mark: u32,
    group: u32,
}

/// A subscription filter taken apart: the group name of a shared one, and the filter proper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parsed<'a> {
    group: Option<&'a str>,
    filter: &'a str,
}

/// Split `filter` into its group and filter, or `None` if the tree cannot store it.
fn parse(filter: &str) -> Option<Parsed<'_>> {
    let valid = |f: &str| !f.is_empty() && is_valid_sub_filter(f.as_bytes());
    if filter == "$share" || filter.starts_with("$share/") {
        let (group, rest) = filter.get("$share/".len()..)?.split_once('/')?;
        // An empty group name is a group like any other, as in mosquitto.
        if group.contains(['+', '#']) || !valid(rest) {
            return None;
        }
        return Some(Parsed {
            group: Some(group),
            filter: rest,
        });
    }
    valid(filter).then_some(Parsed { group: None, filter })
}

/// The subscriptions of every client; see the [module documentation](self).
pub struct SubscriptionTree<K> {
    /// Index 0 is the root. Free nodes are reset and listed in `free_nodes`.
    nodes: Vec<Node>,
    free_nodes: Vec<u32>,
    /// Clients by slot; free slots (no filters) are listed in `free_clients`.
    clients: Vec<Client<K>>,
    free_clients: Vec<u32>,
    slots: HashMap<K, u32>,
    count: usize,
    shared_count: usize,
    /// Bumped by each [`SubscriptionTree::collect_matches`].
    generation: u32,
    /// The walk's stack, kept between calls.
    stack: Vec<Frame>,
}

impl<K: Copy + Eq + Hash> Default for SubscriptionTree<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Copy + Eq + Hash> SubscriptionTree<K> {
    /// An empty tree.
    pub fn new() -> Self {
        SubscriptionTree {
            nodes: vec![Node::new(NONE)],
            free_nodes: Vec::new(),
            clients: Vec::new(),
            free_clients: Vec::new(),
            slots: HashMap::new(),
            count: 0,
            shared_count: 0,
            generation: 0,
            stack: Vec::new(),
        }
    }

    /// Subscribe `client` to `filter` (`$share/GROUP/FILTER` for a shared subscription).
    ///
    /// A new subscription takes all of `options` and `identifier`; an existing one takes only
    /// the QoS and the identifier (absent now means absent from now on). An identifier of 0,
    /// which MQTT forbids, counts as none.
    pub fn subscribe(
        &mut self,
        client: K,
        filter: &str,
        options: SubOptions,
        identifier: Option<u32>,
    ) -> Result<Subscribed, SubscribeError> {
        let parsed = parse(filter).ok_or(SubscribeError::InvalidFilter)?;
        let node = self.make_path(parsed.filter).ok_or(SubscribeError::Full)?;
        let Some(slot) = self.slot_for(client) else {
            self.prune(node, parsed.filter);
            return Err(SubscribeError::Full);
        };
        let identifier = identifier.and_then(NonZeroU32::new);
        let sub = Sub {
            slot,
            options,
            identifier,
        };
        let Some(target) = self.nodes.get_mut(node as usize) else {
            return Err(SubscribeError::Full);
        };
        let existing = match parsed.group {
            None => match target.subs.binary_search_by_key(&slot, |s| s.slot) {
                Ok(at) => target.subs.get_mut(at),
                Err(at) => {
                    if target.subs.capacity() == 0 {
                        target.subs.reserve_exact(1);
                    }
                    target.subs.insert(at, sub);
                    None
                }
            },
            Some(name) => {
                if !target.shared.iter().any(|g| &*g.name == name) {
                    let mut groups = std::mem::take(&mut target.shared).into_vec();
                    groups.push(Group {
                        name: name.into(),
                        members: Vec::new(),
                        next: 0,
                    });
                    target.shared = groups.into_boxed_slice();
                }
                match target.shared.iter_mut().find(|g| &*g.name == name) {
                    Some(group) => group.join(sub),
                    None => return Err(SubscribeError::Full),
                }
            }
        };
        if let Some(old) = existing {
            old.options.qos = options.qos;
            old.identifier = identifier;
            return Ok(Subscribed::Existing);
        }
        if let Some(entry) = self.clients.get_mut(slot as usize) {
            entry.filters.push(filter);
        }
        self.count += 1;
        if parsed.group.is_some() {
            self.shared_count += 1;
        }
        Ok(Subscribed::New)
    }

    /// Remove `client`'s subscription to `filter`; whether it had one.
    pub fn unsubscribe(&mut self, client: K, filter: &str) -> bool {
        let Some(parsed) = parse(filter) else {
            return false;
        };
        let Some(&slot) = self.slots.get(&client) else {
            return false;
        };
        if !self.remove_sub(slot, parsed) {
            return false;
        }
        let Some(entry) = self.clients.get_mut(slot as usize) else {
            return true;
        };
        entry.filters.remove(filter);
        if entry.filters.is_empty() {
            self.release_slot(client, slot);
        }
        true
    }

    /// Remove every subscription of `client`; how many there were.
    pub fn remove_client(&mut self, client: K) -> usize {
        let Some(&slot) = self.slots.get(&client) else {
            return 0;
        };
        let filters = match self.clients.get_mut(slot as usize) {
            Some(entry) => std::mem::replace(&mut entry.filters, Filters::new()),
            None => Filters::new(),
        };
        let mut removed = 0;
        for filter in filters.iter() {
            if let Some(parsed) = parse(filter)
                && self.remove_sub(slot, parsed)
            {
                removed += 1;
            }
        }
        self.release_slot(client, slot);
        removed
    }

    /// The number of subscriptions, normal and shared.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The number of shared subscriptions (group memberships).
    pub fn shared_count(&self) -> usize {
        self.shared_count
    }

    /// Whether there are no subscriptions.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The number of subscriptions `client` holds, for the per-client limit.
    pub fn client_count(&self, client: K) -> usize {
        self.client_entry(client).map_or(0, |entry| entry.filters.len())
    }

    /// The number of clients holding at least one subscription.
    pub fn clients(&self) -> usize {
        self.slots.len()
    }

    /// The filters `client` is subscribed to, as subscribed, in no particular order.
    pub fn filters_of(&self, client: K) -> impl Iterator<Item = &str> + '_ {
        self.client_entry(client)
            .into_iter()
            .flat_map(|entry| entry.filters.iter())
    }

    /// The options and identifier of `client`'s subscription to `filter`, if it has one.
    pub fn get(&self, client: K, filter: &str) -> Option<(SubOptions, Option<u32>)> {
        let parsed = parse(filter)?;
        let &slot = self.slots.get(&client)?;
        let node = self.nodes.get(self.find_path(parsed.filter)? as usize)?;
        let sub = match parsed.group {
            None => {
                let at = node.subs.binary_search_by_key(&slot, |s| s.slot).ok()?;
                node.subs.get(at)?
            }
            Some(name) => node
                .shared
                .iter()
                .find(|g| &*g.name == name)?
                .members
                .iter()
                .find(|s| s.slot == slot)?,
        };
        Some((sub.options, sub.identifier.map(NonZeroU32::get)))
    }

    /// The number of tree nodes, the root included (1 when empty).
    pub fn node_count(&self) -> usize {
        self.nodes.len() - self.free_nodes.len()
    }

    /// Visit every subscription matching the topic name `topic`, in tree order (see the
    /// [module documentation](self)); one member per matching shared group, whose round robin
    /// moves on. No Local is not applied here.
    pub fn for_each_match(&mut self, topic: &str, mut visit: impl FnMut(Match<K>)) {
        let SubscriptionTree {
            nodes,
            stack,
            clients,
            ..
        } = self;
        walk(nodes, stack, topic, |sub, shared| {
            if let Some(entry) = clients.get(sub.slot as usize) {
                visit(sub.to_match(entry.key, shared));
            }
        });
    }

    /// Gather the matches for a PUBLISH to `topic` by `publisher` into `out` (cleared first),
    /// grouped by client, leaving out the publisher's own No Local subscriptions. Costs
    /// O(matched nodes + matches) and allocates nothing once `out` and the tree have grown.
    pub fn collect_matches(&mut self, topic: &str, publisher: Option<K>, out: &mut MatchSet<K>) {
        out.clear();
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // Once every 2^32 publishes: forget the old marks so none can look current.
            for entry in self.clients.iter_mut() {
                entry.mark = 0;
            }
            self.generation = 1;
        }
        let generation = self.generation;
        let SubscriptionTree {
            nodes,
            stack,
            clients,
            ..
        } = self;
        walk(nodes, stack, topic, |sub, shared| {
            out.matched += 1;
            let Some(entry) = clients.get_mut(sub.slot as usize) else {
                return;
            };
            if !shared && sub.options.no_local && publisher == Some(entry.key) {
                return;
            }
            let m = sub.to_match(entry.key, shared);
            if entry.mark != generation {
                entry.mark = generation;
                entry.group = out.push_new(m);
            } else {
                out.push_again(entry.group, m);
            }
        });
        out.finish();
    }

    fn client_entry(&self, client: K) -> Option<&Client<K>> {
        let &slot = self.slots.get(&client)?;
        self.clients.get(slot as usize)
    }

    /// The slot of `client`, given one if it has none.
    fn slot_for(&mut self, client: K) -> Option<u32> {
        if let Some(&slot) = self.slots.get(&client) {
            return Some(slot);
        }
        let entry = Client {
            key: client,
            filters: Filters::new(),
            mark: 0,
            group: 0,
        };
        let slot = match self.free_clients.pop() {
            Some(slot) => {
                *self.clients.get_mut(slot as usize)? = entry;
                slot
            }
            None => {
                let slot = u32::try_from(self.clients.len()).ok().filter(|&s| s < NONE)?;
                self.clients.push(entry);
                slot
            }
        };
        self.slots.insert(client, slot);
        Some(slot)
    }

    /// Forget `client`, whose last subscription has gone.
    fn release_slot(&mut self, client: K, slot: u32) {
        self.slots.remove(&client);
        if let Some(entry) = self.clients.get_mut(slot as usize) {
            entry.filters = Filters::new();
            self.free_clients.push(slot);
        }
    }

    /// Remove the subscription of `slot` to `parsed`, updating the counts and removing nodes
    /// left empty; whether there was one. The client's filter list is the caller's.
    fn remove_sub(&mut self, slot: u32, parsed: Parsed<'_>) -> bool {
        let Some(node) = self.find_path(parsed.filter) else {
            return false;
        };
        let Some(target) = self.nodes.get_mut(node as usize) else {
            return false;
        };
        let removed = match parsed.group {
            None => match target.subs.binary_search_by_key(&slot, |s| s.slot) {
                Ok(at) => {
                    target.subs.remove(at);
                    shrink(&mut target.subs);
                    true
                }
                Err(_) => false,
            },
            Some(name) => {
                let Some(at) = target.shared.iter().position(|g| &*g.name == name) else {
                    return false;
                };
                let (left, now_empty) = match target.shared.get_mut(at) {
                    Some(group) => (group.leave(slot), group.members.is_empty()),
                    None => (false, false),
                };
                if now_empty {
                    let mut groups = std::mem::take(&mut target.shared).into_vec();
                    groups.remove(at);
                    target.shared = groups.into_boxed_slice();
                }
                left
            }
        };
        if removed {
            self.count -= 1;
            if parsed.group.is_some() {
                self.shared_count -= 1;
            }
            self.prune(node, parsed.filter);
        }
        removed
    }

    /// The node of `filter` (no `$share/` prefix), if it exists.
    fn find_path(&self, filter: &str) -> Option<u32> {
        let mut at = ROOT;
        for level in filter.split('/') {
            let node = self.nodes.get(at as usize)?;
            at = match level {
                "+" => node.plus,
                "#" => node.hash,
                _ => node.children.get(level)?,
            };
            if at == NONE {
                return None;
            }
        }
        Some(at)
    }

    /// The node of `filter` (no `$share/` prefix), made if needed.
    fn make_path(&mut self, filter: &str) -> Option<u32> {
        let mut at = ROOT;
        let mut done: usize = 0; // bytes of `filter` whose nodes exist
        for level in filter.split('/') {
            let existing = {
                let node = self.nodes.get(at as usize)?;
                match level {
                    "+" => node.plus,
                    "#" => node.hash,
                    _ => node.children.get(level).unwrap_or(NONE),
                }
            };
            let next = if existing != NONE {
                existing
            } else {
                let Some(new) = self.alloc_node(at) else {
                    self.prune(at, filter.get(..done.saturating_sub(1)).unwrap_or(""));
                    return None;
                };
                let node = self.nodes.get_mut(at as usize)?;
                match level {
                    "+" => node.plus = new,
                    "#" => node.hash = new,
                    _ => node.children.insert(level, new),
                }
                new
            };
            at = next;
            done += level.len() + 1;
        }
        Some(at)
    }

    fn alloc_node(&mut self, parent: u32) -> Option<u32> {
        if let Some(ix) = self.free_nodes.pop() {
            if let Some(node) = self.nodes.get_mut(ix as usize) {
                *node = Node::new(parent);
                return Some(ix);
            }
            return None;
        }
        let ix = u32::try_from(self.nodes.len()).ok().filter(|&ix| ix < NONE)?;
        self.nodes.push(Node::new(parent));
        Some(ix)
    }

    /// Remove `node` and its ancestors while they are empty. `path` is the filter that leads
    /// to `node` from the root (its levels name the links to undo); the empty path stands for
    /// the root itself.
    fn prune(&mut self, mut node: u32, path: &str) {
        if node == ROOT {
            return;
        }
        for level in path.rsplit('/') {
            if node == ROOT {
                return;
            }
            let parent = match self.nodes.get(node as usize) {
                Some(n) if n.is_empty() => n.parent,
                _ => return,
            };
            let Some(up) = self.nodes.get_mut(parent as usize) else {
                return;
            };
            let unlinked = match level {
                "+" if up.plus == node => {
                    up.plus = NONE;
                    true
                }
                "#" if up.hash == node => {
                    up.hash = NONE;
                    true
                }
                "+" | "#" => false,
                _ => up.children.remove(level, node),
            };
            if !unlinked {
                return;
            }
            if let Some(gone) = self.nodes.get_mut(node as usize) {
                *gone = Node::new(NONE);
                self.free_nodes.push(node);
            }
            node = parent;
        }
    }
}

impl Sub {
    fn to_match<K>(self, client: K, shared: bool) -> Match<K> {
        Match {
            client,
            options: self.options,
            identifier: self.identifier.map(NonZeroU32::get),
            shared,
        }
    }
}

impl Group {
    /// Add `sub` as the member served last; `None`, or the member if it was already there.
    fn join(&mut self, sub: Sub) -> Option<&mut Sub> {
        if let Some(at) = self.members.iter().position(|m| m.slot == sub.slot) {
            return self.members.get_mut(at);
        }
        let next = self.next as usize;
        if next == 0 || next > self.members.len() {
            self.members.push(sub);
            self.next = 0;
        } else {
            // The ring's last place is just before `next`.
            self.members.insert(next, sub);
            self.next += 1;
        }
        None
    }

    /// Remove the member of `slot`; whether it was there. The others keep their order.
    fn leave(&mut self, slot: u32) -> bool {
        let Some(at) = self.members.iter().position(|m| m.slot == slot) else {
            return false;
        };
        self.members.remove(at);
        if at < self.next as usize {
            self.next -= 1;
        }
        if self.next as usize >= self.members.len() {
            self.next = 0;
        }
        shrink(&mut self.members);
        true
    }

    /// The member serving this message; the round robin moves on.
    fn serve(&mut self) -> Option<Sub> {
        let len = self.members.len();
        let at = if (self.next as usize) < len {
            self.next as usize
        } else {
            0
        };
        let member = self.members.get(at).copied();
        self.next = if at + 1 < len { (at + 1) as u32 } else { 0 };
        member
    }
}

/// Give back most of a vector's spare room once it is mostly unused.
fn shrink<T>(list: &mut Vec<T>) {
    if list.is_empty() {
        *list = Vec::new();
    } else if list.len() * 4 <= list.capacity() {
        list.shrink_to(list.len() * 2);
    }
}
