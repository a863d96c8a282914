//! The retained-message store: the last retained PUBLISH of each topic.
//!
//! [`RetainedStore`] is a tree with one node per topic level, generic over the message type
//! (the broker stores a shared pointer to its message, so that delivering never copies a
//! payload). Nodes are freed as soon as they hold neither a message nor a child.
//!
//! # Delivery order
//!
//! [`RetainedStore::for_each_match`] visits the messages a new subscription receives in
//! mosquitto's order:
//!
//! - The children of a node come in the order they were created (a level that disappeared
//!   and came back counts as new).
//! - `#` visits a node's descendants depth first, each node before its children. The parent
//!   level that `#` also matches comes **after** its descendants: for `r/#` the order is
//!   `r/a r/a/x r/b r/c r`, and for `r/+/#` it is `r/a/x r/a r/b r/c`.
//! - `+` and `#` as the first level of the filter skip topics starting with `$`, which only a
//!   filter spelling out their first level (`$SYS/#`) reaches.
//!
//! # What the caller does
//!
//! - Topics are expected to be valid topic names (no wildcards; the broker's length and level
//!   limits). An empty retained PUBLISH deletes: the caller calls [`RetainedStore::remove`].
//! - Shared subscriptions (`$share/…`) receive no retained messages: the caller does not call
//!   [`RetainedStore::for_each_match`] for them (given one, this store would read it as an
//!   ordinary filter).
//! - Message expiry: [`RetainedStore::remove_if`] drops what a predicate picks.
//!
//! Every walk is iterative, so a topic with thousands of levels costs memory, not stack.

use std::collections::HashMap;

/// A missing node; also one more than the largest index.
const NONE: u32 = u32::MAX;
/// The root node, which stands for no level and holds no message.
const ROOT: u32 = 0;
/// A filter position meaning "no level left".
const END: usize = usize::MAX;
/// A node with more children than this also indexes them by name.
const INDEX_AT: u32 = 8;
/// An index is dropped once the children are down to this many.
const UNINDEX_AT: u32 = INDEX_AT / 4;

/// One topic level.
struct Node<M> {
    name: Box<str>,
    message: Option<M>,
    /// `NONE` for the root and free nodes.
    parent: u32,
    /// The children, in creation order: a doubly linked list through `prev` and `next`.
    first: u32,
    last: u32,
    prev: u32,
    next: u32,
    children: u32,
    /// The children by name, for nodes with many.
    #[allow(clippy::box_collection, reason = "8 bytes in every node instead of 48")]
    index: Option<Box<HashMap<Box<str>, u32>>>,
}

impl<M> Node<M> {
    fn new(name: &str, parent: u32) -> Self {
        Node {
            name: name.into(),
            message: None,
            parent,
            first: NONE,
            last: NONE,
            prev: NONE,
            next: NONE,
            children: 0,
            index: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.message.is_none() && self.children == 0
    }
}

/// One level of a [`RetainedStore::for_each_match`] walk: the children of `node` matched
/// against one filter level.
#[derive(Debug, Clone, Copy)]
struct Frame {
    node: u32,
    /// The filter position for the children's own children (`END`: the level was the last).
    next: usize,
    /// The level is `+`: every child (else the one literal child).
    plus: bool,
    /// The level after is a final `#`, which also matches the child itself, after its
    /// descendants.
    hash_after: bool,
    /// The child being matched, `NONE` when done.
    cur: u32,
    /// Whether `cur`'s descendants have been walked.
    descended: bool,
    /// The length of `node`'s topic in the walk's topic buffer.
    base: usize,
}

/// Retained messages by topic; see the [module documentation](self).
pub struct RetainedStore<M> {
    /// Index 0 is the root. Free nodes are reset and listed in `free`.
    nodes: Vec<Node<M>>,
    free: Vec<u32>,
    count: usize,
}

impl<M> Default for RetainedStore<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M> RetainedStore<M> {
    /// An empty store.
    pub fn new() -> Self {
        RetainedStore {
            nodes: vec![Node::new("", NONE)],
            free: Vec::new(),
            count: 0,
        }
    }

    /// Retain `message` for `topic`; the message it replaces, if any.
    ///
    /// Should the store hold `u32::MAX - 1` nodes already (hundreds of gigabytes), a topic
    /// needing new ones is not stored and `message` is dropped.
    pub fn set(&mut self, topic: &str, message: M) -> Option<M> {
        let mut at = ROOT;
        for level in topic.split('/') {
            at = match self.child(at, level) {
                Some(child) => child,
                None => match self.add_child(at, level) {
                    Some(child) => child,
                    None => {
                        self.prune(at);
                        return None;
                    }
                },
            };
        }
        let node = self.nodes.get_mut(at as usize)?;
        let old = node.message.replace(message);
        if old.is_none() {
            self.count += 1;
        }
        old
    }

    /// Delete the message retained for `topic`, returning it.
    pub fn remove(&mut self, topic: &str) -> Option<M> {
        let at = self.find(topic)?;
        let old = self.nodes.get_mut(at as usize)?.message.take()?;
        self.count -= 1;
        self.prune(at);
        Some(old)
    }

    /// The message retained for `topic`.
    pub fn get(&self, topic: &str) -> Option<&M> {
        self.nodes.get(self.find(topic)? as usize)?.message.as_ref()
    }

    /// The number of retained messages, `$SYS/…` and other `$` topics included.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Whether no message is retained.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The number of tree nodes, the root included (1 when empty).
    pub fn node_count(&self) -> usize {
        self.nodes.len() - self.free.len()
    }

    /// Visit every message whose topic matches the subscription `filter`, in mosquitto's
    /// delivery order (see the [module documentation](self)), with its topic. Builds the
    /// topics in one buffer, allocated per call.
    pub fn for_each_match(&self, filter: &str, mut visit: impl FnMut(&str, &M)) {
        let mut topic = String::new();
        let mut stack = Vec::new();
        if let Some(frame) = self.start(ROOT, filter, 0, &mut topic, &mut visit) {
            stack.push(frame);
        }
        while let Some(frame) = stack.last_mut() {
            let Some(child) = self.nodes.get(frame.cur as usize) else {
                stack.pop();
                continue;
            };
            let under_root = frame.node == ROOT;
            if frame.descended {
                // Back from the child's descendants.
                if frame.hash_after {
                    set_path(&mut topic, frame.base, under_root, &child.name);
                    if let Some(message) = &child.message {
                        visit(&topic, message);
                    }
                }
                frame.descended = false;
                frame.cur = if frame.plus {
                    self.next_sibling(frame.cur, under_root)
                } else {
                    NONE
                };
                continue;
            }
            set_path(&mut topic, frame.base, under_root, &child.name);
            if frame.next == END {
                if let Some(message) = &child.message {
                    visit(&topic, message);
                }
                frame.cur = if frame.plus {
                    self.next_sibling(frame.cur, under_root)
                } else {
                    NONE
                };
                continue;
            }
            frame.descended = true;
            let (cur, next) = (frame.cur, frame.next);
            if let Some(deeper) = self.start(cur, filter, next, &mut topic, &mut visit) {
                stack.push(deeper);
            }
        }
    }

    /// Visit every retained message with its topic (depth first, children in creation
    /// order, `$` topics included), for saving the store.
    pub fn for_each(&self, mut visit: impl FnMut(&str, &M)) {
        let mut topic = String::new();
        self.descendants(ROOT, false, &mut topic, &mut visit);
    }

    /// Delete every message for which `expired` returns true (given its topic); how many.
    /// Nodes left empty are freed.
    pub fn remove_if(&mut self, mut expired: impl FnMut(&str, &M) -> bool) -> usize {
        let mut topic = String::new();
        let mut removed = 0;
        let mut cur = self.nodes.first().map_or(NONE, |root| root.first);
        // Depth first; each node is judged after its children, so that it can be freed then.
        'enter: while let Some(node) = self.nodes.get(cur as usize) {
            push_level(&mut topic, node.parent == ROOT, &node.name);
            if node.first != NONE {
                cur = node.first;
                continue;
            }
            loop {
                let Some(node) = self.nodes.get_mut(cur as usize) else {
                    break 'enter;
                };
                let (next, parent) = (node.next, node.parent);
                if node.message.as_ref().is_some_and(|m| expired(&topic, m)) {
                    node.message = None;
                    self.count -= 1;
                    removed += 1;
                }
                pop_level(&mut topic, parent == ROOT, node.name.len());
                if node.is_empty() {
                    self.unlink(cur);
                    self.release(cur);
                }
                if next != NONE {
                    cur = next;
                    continue 'enter;
                }
                if parent == ROOT || parent == NONE {
                    break 'enter;
                }
                cur = parent;
            }
        }
        removed
    }

    /// Begin matching the children of `node` against the filter level at `pos`. A final `#`
    /// is handled at once (no frame); so is a level with no candidate child.
    fn start(
        &self,
        node: u32,
        filter: &str,
        pos: usize,
        topic: &mut String,
        visit: &mut impl FnMut(&str, &M),
    ) -> Option<Frame> {
        let under_root = node == ROOT;
        let (level, next) = level_at(filter, pos);
        if level == "#" {
            if next == END {
                self.descendants(node, under_root, topic, visit);
            }
            return None;
        }
        let plus = level == "+";
        let cur = if plus {
            let first = self.nodes.get(node as usize)?.first;
            self.skip_dollar(first, under_root)
        } else {
            self.child(node, level)?
        };
        let hash_after = next != END && level_at(filter, next) == ("#", END);
        (cur != NONE).then_some(Frame {
            node,
            next,
            plus,
            hash_after,
            cur,
            descended: false,
            base: topic.len(),
        })
    }

    /// Visit the messages below `top` (not its own), each node before its children, children
    /// in creation order; with `skip_dollar`, `top`'s children named `$…` are left out.
    /// `topic` holds `top`'s topic and is given back as it was.
    fn descendants(&self, top: u32, skip_dollar: bool, topic: &mut String, visit: &mut impl FnMut(&str, &M)) {
        let base = topic.len();
        let first = self.nodes.get(top as usize).map_or(NONE, |n| n.first);
        let mut cur = self.skip_dollar(first, skip_dollar);
        'enter: while let Some(node) = self.nodes.get(cur as usize) {
            push_level(topic, node.parent == ROOT, &node.name);
            if let Some(message) = &node.message {
                visit(topic, message);
            }
            if node.first != NONE {
                cur = node.first;
                continue;
            }
            // Leave nodes until one has a next sibling.
            loop {
                let Some(node) = self.nodes.get(cur as usize) else {
                    break 'enter;
                };
                pop_level(topic, node.parent == ROOT, node.name.len());
                if node.parent == top {
                    cur = self.skip_dollar(node.next, skip_dollar);
                    continue 'enter;
                }
                if node.next != NONE {
                    cur = node.next;
                    continue 'enter;
                }
                cur = node.parent;
            }
        }
        truncate(topic, base);
    }

    /// `from` or the first sibling after it whose name does not start with `$` (with
    /// `skip`), or `from` itself (without).
    fn skip_dollar(&self, mut from: u32, skip: bool) -> u32 {
        while skip && let Some(node) = self.nodes.get(from as usize) {
            if !node.name.starts_with('$') {
                break;
            }
            from = node.next;
        }
        from
    }

    fn next_sibling(&self, node: u32, skip_dollar: bool) -> u32 {
        let next = self.nodes.get(node as usize).map_or(NONE, |n| n.next);
        self.skip_dollar(next, skip_dollar)
    }

    /// The node of `topic`, if it exists.
    fn find(&self, topic: &str) -> Option<u32> {
        topic.split('/').try_fold(ROOT, |at, level| self.child(at, level))
    }

    /// The child of `node` named `name`.
    fn child(&self, node: u32, name: &str) -> Option<u32> {
        let parent = self.nodes.get(node as usize)?;
        if let Some(index) = &parent.index {
            return index.get(name).copied();
        }
        let mut cur = parent.first;
        while let Some(child) = self.nodes.get(cur as usize) {
            if &*child.name == name {
                return Some(cur);
            }
            cur = child.next;
        }
        None
    }

    /// Make a child of `parent` named `name`, last in its list.
    fn add_child(&mut self, parent: u32, name: &str) -> Option<u32> {
        let last = self.nodes.get(parent as usize)?.last;
        let ix = match self.free.pop() {
            Some(ix) => {
                *self.nodes.get_mut(ix as usize)? = Node::new(name, parent);
                ix
            }
            None => {
                let ix = u32::try_from(self.nodes.len()).ok().filter(|&ix| ix < NONE)?;
                self.nodes.push(Node::new(name, parent));
                ix
            }
        };
        if let Some(new) = self.nodes.get_mut(ix as usize) {
            new.prev = last;
        }
        if let Some(before) = self.nodes.get_mut(last as usize) {
            before.next = ix;
        }
        let needs_index = {
            let up = self.nodes.get_mut(parent as usize)?;
            if up.first == NONE {
                up.first = ix;
            }
            up.last = ix;
            up.children += 1;
            if let Some(index) = &mut up.index {
                index.insert(name.into(), ix);
            }
            up.index.is_none() && up.children > INDEX_AT
        };
        if needs_index {
            let mut index = HashMap::with_capacity(2 * INDEX_AT as usize);
            let mut cur = self.nodes.get(parent as usize).map_or(NONE, |n| n.first);
            while let Some(child) = self.nodes.get(cur as usize) {
                index.insert(child.name.clone(), cur);
                cur = child.next;
            }
            if let Some(up) = self.nodes.get_mut(parent as usize) {
                up.index = Some(Box::new(index));
            }
        }
        Some(ix)
    }

    /// Take `node` out of its parent's list of children.
    fn unlink(&mut self, node: u32) {
        let Some(n) = self.nodes.get(node as usize) else {
            return;
        };
        let (parent, prev, next) = (n.parent, n.prev, n.next);
        let name = n.name.clone();
        if let Some(before) = self.nodes.get_mut(prev as usize) {
            before.next = next;
        }
        if let Some(after) = self.nodes.get_mut(next as usize) {
            after.prev = prev;
        }
        let Some(up) = self.nodes.get_mut(parent as usize) else {
            return;
        };
        if up.first == node {
            up.first = next;
        }
        if up.last == node {
            up.last = prev;
        }
        up.children = up.children.saturating_sub(1);
        if let Some(index) = &mut up.index {
            index.remove(&*name);
            if up.children <= UNINDEX_AT {
                up.index = None;
            } else if index.len() * 4 < index.capacity() {
                index.shrink_to(index.len() * 2);
            }
        }
    }

    /// Reset a node already unlinked and put it on the free list.
    fn release(&mut self, node: u32) {
        if let Some(n) = self.nodes.get_mut(node as usize) {
            *n = Node::new("", NONE);
            self.free.push(node);
        }
    }

    /// Free `node` and its ancestors while they hold no message and no child.
    fn prune(&mut self, mut node: u32) {
        while node != ROOT {
            let parent = match self.nodes.get(node as usize) {
                Some(n) if n.is_empty() && n.parent != NONE => n.parent,
                _ => return,
            };
            self.unlink(node);
            self.release(node);
            node = parent;
        }
    }
}

/// The filter level starting at `pos` and where the next one starts (`END` if none).
fn level_at(filter: &str, pos: usize) -> (&str, usize) {
    let rest = filter.get(pos..).unwrap_or("");
    match rest.bytes().position(|b| b == b'/') {
        Some(i) => (rest.get(..i).unwrap_or(""), pos + i + 1),
        None => (rest, END),
    }
}

/// Append a level to a topic being built (no `/` before a first level).
fn push_level(topic: &mut String, first: bool, name: &str) {
    if !first {
        topic.push('/');
    }
    topic.push_str(name);
}

/// Undo [`push_level`].
fn pop_level(topic: &mut String, first: bool, name_len: usize) {
    let len = topic.len().saturating_sub(name_len + usize::from(!first));
    truncate(topic, len);
}

/// Make `topic` the topic of the node at `base` followed by `name`.
fn set_path(topic: &mut String, base: usize, first: bool, name: &str) {
    truncate(topic, base);
    push_level(topic, first, name);
}

/// `String::truncate` that cannot panic.
fn truncate(topic: &mut String, len: usize) {
    if topic.is_char_boundary(len) {
        topic.truncate(len);
    } else {
        topic.clear();
    }
}

#[cfg(test)]
mod tests;
