//! Persistence: the broker's durable state in an embedded, crash-safe database.
//!
//! - [`Store`]: what the broker needs of a storage engine: named tables of byte keys and
//!   values, read whole at start, changed by atomic and durable commits. [`RedbStore`] is the
//!   engine used (redb: pure Rust, ACID, copy-on-write with checksums); another engine only has
//!   to provide the same trait.
//! - [`codec`]: the keys and values of the tables.
//! - [`ops_for`]: a shard's journal of changes (`crate::broker::core::journal`) as table
//!   operations; [`load`]: a store's contents as the sessions, retained messages and routes to
//!   restore.
//!
//! The tables, all keyed by bytes:
//!
//! | table | key | value |
//! | --- | --- | --- |
//! | `sessions` | client | session state, will, deadlines |
//! | `subscriptions` | client, filter | options, identifier |
//! | `outgoing` | client, packet id | order, QoS, retain, subscription ids, message |
//! | `released` | client, packet id | (empty: the PUBREC of that copy arrived) |
//! | `incoming` | client, packet id | the inbound QoS 2 message waiting for PUBREL |
//! | `retained` | topic | message |
//! | `routes` | route id, client | matches |
//! | `route_messages` | route id | message |
//! | `meta` | `format` | [`FORMAT`] |
//!
//! "client" is the client id preceded by its length ([`codec::client_key`]).

pub mod codec;
mod load;
mod redb_store;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use self::codec::Clock;
pub use self::load::{Loaded, Route, load};
pub use self::redb_store::{OpenError, Opened, RedbStore};
use crate::broker::core::journal::Change;

/// The `format` entry of the `meta` table: what wrote the file, and the layout version.
pub const FORMAT: &[u8] = b"mosquitto-rs broker store 1";

/// The entries of a table: (key, value) in key order.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// A table of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Sessions,
    Subscriptions,
    Outgoing,
    Released,
    Incoming,
    Retained,
    Routes,
    RouteMessages,
    Meta,
}

impl Table {
    pub const ALL: [Table; 9] = [
        Table::Sessions,
        Table::Subscriptions,
        Table::Outgoing,
        Table::Released,
        Table::Incoming,
        Table::Retained,
        Table::Routes,
        Table::RouteMessages,
        Table::Meta,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Sessions => "sessions",
            Table::Subscriptions => "subscriptions",
            Table::Outgoing => "outgoing",
            Table::Released => "released",
            Table::Incoming => "incoming",
            Table::Retained => "retained",
            Table::Routes => "routes",
            Table::RouteMessages => "route_messages",
            Table::Meta => "meta",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One change to the tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Put(Table, Vec<u8>, Vec<u8>),
    Delete(Table, Vec<u8>),
    /// Delete every key that starts with these bytes.
    DeletePrefix(Table, Vec<u8>),
    /// Delete `key` of `table` if no key of `probe` starts with `prefix`.
    DeleteIfNoPrefix {
        probe: Table,
        prefix: Vec<u8>,
        table: Table,
        key: Vec<u8>,
    },
}

/// Why the store failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// A storage engine; see the module documentation.
pub trait Store: Send + Sync {
    /// Apply `ops` in order, atomically: after a crash at any moment, either all of them or
    /// none are found. With `durable`, they (and every commit before) are on stable storage
    /// when it returns `Ok`; without, a crash may lose them until the next durable commit.
    fn commit(&self, ops: &[Op], durable: bool) -> Result<(), StoreError>;

    /// Every entry of a table, in key order.
    fn read_all(&self, table: Table) -> Result<Entries, StoreError>;

    /// Recover from a failed commit, if the engine needs to (the next commits are the failed
    /// changes again, and the ones made since).
    fn reopen(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// The end of the key range of a prefix (`None`: no end).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// Whether changes must be on stable storage before the output they belong to is written:
/// all but the removal of acknowledged copies. Losing such a removal in a crash sends the
/// copy again: a QoS 1 duplicate, which QoS 1 allows, or the PUBREL of a QoS 2 copy whose
/// PUBREC had arrived, which delivers nothing twice.
pub fn needs_durability(changes: &[Change]) -> bool {
    changes.iter().any(|c| !matches!(c, Change::OutRemove { .. }))
}

/// Operations being gathered; a put followed by a delete of the same key is dropped.
#[derive(Default)]
struct Batch {
    ops: Vec<Option<Op>>,
    puts: HashMap<(Table, Vec<u8>), usize>,
}

impl Batch {
    fn put(&mut self, t: Table, k: Vec<u8>, v: Vec<u8>) {
        self.puts.insert((t, k.clone()), self.ops.len());
        self.ops.push(Some(Op::Put(t, k, v)));
    }

    fn delete(&mut self, t: Table, k: Vec<u8>) {
        if let Some(i) = self.puts.remove(&(t, k.clone())) {
            self.ops[i] = None;
        }
        self.ops.push(Some(Op::Delete(t, k)));
    }

    fn push(&mut self, op: Op) {
        self.ops.push(Some(op));
    }
}

/// A shard's changes as table operations, in order. A value written and deleted again within
/// the same changes is not written at all.
pub fn ops_for(changes: &[Change], clock: Clock) -> Vec<Op> {
    let mut b = Batch::default();
    for change in changes {
        match change {
            Change::Session(meta) => {
                let k = codec::client_key(&meta.client_id);
                b.put(Table::Sessions, k, codec::encode_session(meta, clock));
            }
            Change::DeleteSession(client) => {
                let k = codec::client_key(client);
                b.delete(Table::Sessions, k.clone());
                for t in [
                    Table::Subscriptions,
                    Table::Outgoing,
                    Table::Released,
                    Table::Incoming,
                ] {
                    b.push(Op::DeletePrefix(t, k.clone()));
                }
            }
            Change::Subscribe {
                client,
                filter,
                options,
                identifier,
            } => b.put(
                Table::Subscriptions,
                codec::client_filter_key(client, filter),
                codec::encode_subscription(*options, *identifier),
            ),
            Change::Unsubscribe { client, filter } => {
                b.delete(Table::Subscriptions, codec::client_filter_key(client, filter));
            }
            Change::OutPut {
                client,
                mid,
                order,
                delivery,
            } => b.put(
                Table::Outgoing,
                codec::client_mid_key(client, *mid),
                codec::encode_delivery(*order, delivery, clock),
            ),
            Change::OutReleased { client, mid } => {
                b.put(Table::Released, codec::client_mid_key(client, *mid), Vec::new());
            }
            Change::OutRemove { client, mid } => {
                let k = codec::client_mid_key(client, *mid);
                b.delete(Table::Outgoing, k.clone());
                b.delete(Table::Released, k);
            }
            Change::IncomingPut { client, mid, message } => b.put(
                Table::Incoming,
                codec::client_mid_key(client, *mid),
                codec::encode_incoming(message.as_deref(), clock),
            ),
            Change::IncomingRemove { client, mid } => {
                b.delete(Table::Incoming, codec::client_mid_key(client, *mid));
            }
            Change::RetainSet(message) => b.put(
                Table::Retained,
                message.topic.as_bytes().to_vec(),
                codec::encode_message(message, clock),
            ),
            Change::RetainRemove(topic) => b.delete(Table::Retained, topic.as_bytes().to_vec()),
            Change::Route { id, message, targets } => {
                b.put(
                    Table::RouteMessages,
                    codec::route_key(*id),
                    codec::encode_message(message, clock),
                );
                for (client, matches) in targets {
                    b.put(
                        Table::Routes,
                        codec::route_target_key(*id, client),
                        codec::encode_matches(matches),
                    );
                }
            }
            Change::RouteDone { id, client } => {
                b.delete(Table::Routes, codec::route_target_key(*id, client));
                b.push(Op::DeleteIfNoPrefix {
                    probe: Table::Routes,
                    prefix: codec::route_key(*id),
                    table: Table::RouteMessages,
                    key: codec::route_key(*id),
                });
            }
        }
    }
    b.ops.into_iter().flatten().collect()
}
