//! The matches of one publish, grouped by client.

use super::{Match, SubOptions};

/// The matching subscriptions of one PUBLISH, grouped by client, filled by
/// [`super::SubscriptionTree::collect_matches`].
///
/// Keep one per worker and reuse it for every publish: filling it clears it but keeps its
/// vectors, so once they have grown to the largest fan-out seen nothing is allocated.
///
/// Clients come in the order of their first match in tree order, and each client's matches
/// in tree order. The broker sends an MQTT v5 client every one of them (each with its
/// Subscription Identifier) and a v3 client a single copy, [`ClientMatches::combined`].
pub struct MatchSet<K> {
    /// The matches in tree order.
    raw: Vec<Match<K>>,
    /// For each of `raw`, the index of its client in `clients`; filled only once a client
    /// has a second match (`regroup`).
    owner: Vec<u32>,
    regroup: bool,
    clients: Vec<Span<K>>,
    /// `raw` regrouped: each client's matches side by side. When every client has one
    /// match, `raw` is already grouped and the two vectors just trade places.
    grouped: Vec<Match<K>>,
    /// Matching subscriptions before No Local was applied.
    pub(super) matched: usize,
}

/// Where one client's matches lie in `grouped`.
#[derive(Debug, Clone, Copy)]
struct Span<K> {
    client: K,
    start: usize,
    len: usize,
    /// Matches placed so far while regrouping.
    placed: usize,
}

/// The matches of one client in a [`MatchSet`].
#[derive(Debug, Clone, Copy)]
pub struct ClientMatches<'a, K> {
    client: K,
    matches: &'a [Match<K>],
}

impl<K: Copy> Default for MatchSet<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Copy> MatchSet<K> {
    /// An empty set.
    pub fn new() -> Self {
        MatchSet {
            raw: Vec::new(),
            owner: Vec::new(),
            regroup: false,
            clients: Vec::new(),
            grouped: Vec::new(),
            matched: 0,
        }
    }

    /// Empty the set, keeping its memory.
    pub fn clear(&mut self) {
        self.raw.clear();
        self.owner.clear();
        self.regroup = false;
        self.clients.clear();
        self.grouped.clear();
        self.matched = 0;
    }

    /// The number of clients that get the message.
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    /// Whether no client gets the message.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    /// The number of subscriptions that matched, counting those No Local then left out and
    /// one per shared group. Zero is when MQTT v5 acknowledges "no matching subscribers".
    pub fn subscriptions_matched(&self) -> usize {
        self.matched
    }

    /// Every match, grouped by client.
    pub fn matches(&self) -> &[Match<K>] {
        &self.grouped
    }

    /// Each client with its matches.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ClientMatches<'_, K>> + '_ {
        self.clients.iter().map(|span| ClientMatches {
            client: span.client,
            matches: self.grouped.get(span.start..span.start + span.len).unwrap_or(&[]),
        })
    }

    /// The capacities of the vectors (to show that refilling does not allocate).
    #[cfg(test)]
    pub(super) fn capacities(&self) -> [usize; 4] {
        [
            self.raw.capacity(),
            self.owner.capacity(),
            self.clients.capacity(),
            self.grouped.capacity(),
        ]
    }

    /// Heap bytes held, estimated from capacities.
    #[cfg(test)]
    pub(super) fn heap_bytes(&self) -> usize {
        (self.raw.capacity() + self.grouped.capacity()) * size_of::<Match<K>>()
            + self.owner.capacity() * 4
            + self.clients.capacity() * size_of::<Span<K>>()
    }

    /// Add the first match of a client in this fill; the client's index.
    pub(super) fn push_new(&mut self, m: Match<K>) -> u32 {
        let index = self.clients.len() as u32;
        if self.regroup {
            self.owner.push(index);
        }
        self.clients.push(Span {
            client: m.client,
            // Right while every client has one match; else `finish` sets it.
            start: self.raw.len(),
            len: 1,
            placed: 0,
        });
        self.raw.push(m);
        index
    }

    /// Add another match of the client at `index`.
    pub(super) fn push_again(&mut self, index: u32, m: Match<K>) {
        let Some(span) = self.clients.get_mut(index as usize) else {
            return;
        };
        span.len += 1;
        if !self.regroup {
            // Until now every match had its own client, the one of the same index.
            self.regroup = true;
            self.owner.extend(0..self.raw.len() as u32);
        }
        self.owner.push(index);
        self.raw.push(m);
    }

    /// Group the matches by client: nothing to do if each client has one match, else a
    /// counting sort, in O(matches).
    pub(super) fn finish(&mut self) {
        if !self.regroup {
            std::mem::swap(&mut self.raw, &mut self.grouped);
            return;
        }
        self.grouped.extend_from_slice(&self.raw);
        let mut start = 0;
        for span in self.clients.iter_mut() {
            span.start = start;
            start += span.len;
        }
        for (&index, &m) in self.owner.iter().zip(self.raw.iter()) {
            let Some(span) = self.clients.get_mut(index as usize) else {
                continue;
            };
            if let Some(place) = self.grouped.get_mut(span.start + span.placed) {
                *place = m;
            }
            span.placed += 1;
        }
    }
}

impl<'a, K: Copy> ClientMatches<'a, K> {
    /// The client.
    pub fn client(&self) -> K {
        self.client
    }

    /// Its matches in tree order, one copy each for an MQTT v5 client. Never empty.
    pub fn matches(&self) -> &'a [Match<K>] {
        self.matches
    }

    /// The single copy for an MQTT v3 client: the first match in tree order, at the highest
    /// QoS of all its matches, with Retain As Published if any match has it, and `shared`
    /// only if every match is a shared one. (Mosquitto uses up a packet identifier for each
    /// copy it suppresses; `matches().len() - 1` is how many those are.)
    pub fn combined(&self) -> Match<K> {
        let mut all = self.matches.iter();
        let mut one = all.next().copied().unwrap_or(Match {
            client: self.client,
            options: SubOptions::default(),
            identifier: None,
            shared: false,
        });
        for m in all {
            one.options.qos = one.options.qos.max(m.options.qos);
            one.options.retain_as_published |= m.options.retain_as_published;
            one.shared &= m.shared;
        }
        one
    }
}
