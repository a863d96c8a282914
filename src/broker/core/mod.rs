//! The broker's shared tables, without I/O, clocks, threads or `unsafe`.
//!
//! - [`subs`]: the subscription tree ([`subs::SubscriptionTree`]): normal and shared
//!   subscriptions, matching a topic in the order mosquitto walks its tree, and
//!   [`subs::MatchSet`], which turns the matches of one publish into the copies each client
//!   gets without allocating once warmed up.
//! - [`retained`]: the retained-message store ([`retained::RetainedStore`]), delivering to a new
//!   subscription in mosquitto's order.
//! - [`shard`]: the protocol engine of one worker ([`shard::Shard`]): its connections and the
//!   sessions of its client ids, CONNECT and the rest of the protocol as mosquitto 2.0.20 does
//!   it (`connect.rs`, `publish.rs`, `subscribe.rs`, `input.rs`), and the commands it exchanges
//!   with the other shards.
//! - [`message`], [`session`], [`conn`], [`settings`]: the values it works on.
//!
//! Topics and filters reach these tables from the network. The callers check them first with
//! [`crate::protocol::topic`] (and the broker's own limits), but the tables still never panic,
//! never index out of bounds and never recurse, whatever they are given: deep topics are
//! walked with explicit stacks.

#![forbid(unsafe_code)]

pub mod conn;
mod connect;
mod connect_read;
mod input;
pub mod journal;
pub mod message;
mod publish;
pub mod retained;
pub mod session;
pub mod settings;
pub mod shard;
pub mod subs;
mod subscribe;
