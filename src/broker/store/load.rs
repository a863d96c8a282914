//! Reading a store at start: the sessions, retained messages and routes it holds.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::codec::{self, Clock};
use super::{Op, Store, StoreError, Table};
use crate::broker::core::journal::{Matches, RestoredSession};
use crate::broker::core::message::{Delivery, Message};

/// A message that was on its way to sessions of other shards: route id, message, and each
/// session's client id and matches.
pub type Route = (u64, Arc<Message>, Vec<(String, Matches)>);

/// What a store held.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Sessions, in client id order.
    pub sessions: Vec<RestoredSession>,
    pub retained: Vec<Arc<Message>>,
    pub routes: Vec<Route>,
    /// Above the order number of every outgoing copy.
    pub next_order: u64,
    /// Entries that could not be decoded (they are deleted).
    pub unreadable: usize,
    /// Deletions of unreadable entries, expired messages and entries without their session.
    pub cleanup: Vec<Op>,
}

/// A session being gathered.
struct Gathered {
    session: RestoredSession,
    /// (order, packet id, copy).
    outgoing: Vec<(u64, u16, Delivery)>,
}

/// Read everything. A session's listener index beyond the `listeners` configured now becomes
/// the first listener's.
pub fn load(store: &dyn Store, clock: Clock, listeners: usize) -> Result<Loaded, StoreError> {
    let mut out = Loaded::default();
    let mut sessions: BTreeMap<String, Gathered> = BTreeMap::new();
    let bad = |out: &mut Loaded, t: Table, k: &[u8]| {
        out.unreadable += 1;
        out.cleanup.push(Op::Delete(t, k.to_vec()));
    };
    for (k, v) in store.read_all(Table::Sessions)? {
        let decoded = codec::split_client_key(&k)
            .ok()
            .filter(|(_, rest)| rest.is_empty())
            .and_then(|(id, _)| codec::decode_session(id, &v, clock).ok());
        match decoded {
            Some(mut meta) => {
                if meta.listener >= listeners {
                    meta.listener = 0;
                }
                sessions.insert(
                    meta.client_id.to_string(),
                    Gathered {
                        session: RestoredSession {
                            meta,
                            subscriptions: Vec::new(),
                            outgoing: Vec::new(),
                            incoming: Vec::new(),
                        },
                        outgoing: Vec::new(),
                    },
                );
            }
            None => bad(&mut out, Table::Sessions, &k),
        }
    }
    // Entries of a client whose session is not there are left-overs: deleted.
    let orphan = |out: &mut Loaded, t: Table, k: &[u8]| out.cleanup.push(Op::Delete(t, k.to_vec()));

    for (k, v) in store.read_all(Table::Subscriptions)? {
        let Ok((id, filter)) = codec::split_client_key(&k) else {
            bad(&mut out, Table::Subscriptions, &k);
            continue;
        };
        let (Ok(filter), Ok((options, identifier))) =
            (std::str::from_utf8(filter), codec::decode_subscription(&v))
        else {
            bad(&mut out, Table::Subscriptions, &k);
            continue;
        };
        match sessions.get_mut(id) {
            Some(g) => g
                .session
                .subscriptions
                .push((Arc::from(filter), options, identifier)),
            None => orphan(&mut out, Table::Subscriptions, &k),
        }
    }

    let mut released: HashSet<(String, u16)> = HashSet::new();
    for (k, _) in store.read_all(Table::Released)? {
        match codec::split_client_key(&k) {
            Ok((id, rest)) if rest.len() == 2 && sessions.contains_key(id) => {
                released.insert((id.to_owned(), u16::from_be_bytes([rest[0], rest[1]])));
            }
            Ok(_) => orphan(&mut out, Table::Released, &k),
            Err(_) => bad(&mut out, Table::Released, &k),
        }
    }

    for (k, v) in store.read_all(Table::Outgoing)? {
        let parsed = codec::split_client_key(&k)
            .ok()
            .filter(|(_, rest)| rest.len() == 2);
        let Some((id, rest)) = parsed else {
            bad(&mut out, Table::Outgoing, &k);
            continue;
        };
        let mid = u16::from_be_bytes([rest[0], rest[1]]);
        let Some(g) = sessions.get_mut(id) else {
            orphan(&mut out, Table::Outgoing, &k);
            continue;
        };
        match codec::decode_delivery(&v, clock) {
            Ok((order, Some(d))) => {
                out.next_order = out.next_order.max(order + 1);
                g.outgoing.push((order, mid, d));
            }
            Ok((_, None)) => {
                // Expired while the broker was down.
                out.cleanup.push(Op::Delete(Table::Outgoing, k.clone()));
                out.cleanup.push(Op::Delete(Table::Released, k));
            }
            Err(_) => bad(&mut out, Table::Outgoing, &k),
        }
    }

    for (k, v) in store.read_all(Table::Incoming)? {
        let parsed = codec::split_client_key(&k)
            .ok()
            .filter(|(_, rest)| rest.len() == 2);
        let Some((id, rest)) = parsed else {
            bad(&mut out, Table::Incoming, &k);
            continue;
        };
        let mid = u16::from_be_bytes([rest[0], rest[1]]);
        let Some(g) = sessions.get_mut(id) else {
            orphan(&mut out, Table::Incoming, &k);
            continue;
        };
        match codec::decode_incoming(&v, clock) {
            // An expired message is still acknowledged at PUBREL, and not delivered.
            Ok(m) => g.session.incoming.push((mid, m.map(Arc::new))),
            Err(_) => bad(&mut out, Table::Incoming, &k),
        }
    }

    for (k, v) in store.read_all(Table::Retained)? {
        match codec::decode_message(&v, clock) {
            Ok(Some(m)) if m.topic.as_bytes() == k.as_slice() && !m.payload.is_empty() => {
                out.retained.push(Arc::new(m));
            }
            Ok(None) => out.cleanup.push(Op::Delete(Table::Retained, k)),
            _ => bad(&mut out, Table::Retained, &k),
        }
    }

    let mut route_messages: HashMap<u64, (Vec<u8>, Option<Arc<Message>>)> = HashMap::new();
    for (k, v) in store.read_all(Table::RouteMessages)? {
        let id = match <[u8; 8]>::try_from(k.as_slice()) {
            Ok(b) => u64::from_be_bytes(b),
            Err(_) => {
                bad(&mut out, Table::RouteMessages, &k);
                continue;
            }
        };
        match codec::decode_message(&v, clock) {
            Ok(m) => {
                route_messages.insert(id, (k, m.map(Arc::new)));
            }
            Err(_) => bad(&mut out, Table::RouteMessages, &k),
        }
    }
    let mut routes: BTreeMap<u64, Vec<(String, Matches)>> = BTreeMap::new();
    for (k, v) in store.read_all(Table::Routes)? {
        let (Ok((id, client)), Ok(matches)) = (codec::split_route_key(&k), codec::decode_matches(&v)) else {
            bad(&mut out, Table::Routes, &k);
            continue;
        };
        match route_messages.get(&id) {
            Some((_, Some(_))) => routes.entry(id).or_default().push((client.to_owned(), matches)),
            // The message expired or is missing: nothing to deliver.
            _ => out.cleanup.push(Op::Delete(Table::Routes, k)),
        }
    }
    for (id, (k, message)) in route_messages {
        match (message, routes.remove(&id)) {
            (Some(m), Some(targets)) => out.routes.push((id, m, targets)),
            _ => out.cleanup.push(Op::Delete(Table::RouteMessages, k)),
        }
    }
    out.routes.sort_by_key(|(id, ..)| *id);

    for (_, mut g) in sessions {
        g.outgoing.sort_by_key(|(order, ..)| *order);
        let id = g.session.meta.client_id.to_string();
        g.session.outgoing = g
            .outgoing
            .into_iter()
            .map(|(_, mid, d)| (mid, released.contains(&(id.clone(), mid)), d))
            .collect();
        out.sessions.push(g.session);
    }
    Ok(out)
}
