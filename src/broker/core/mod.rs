//! The broker's shared tables, without I/O, clocks, threads or `unsafe`.
//!
//! - [`subs`]: the subscription tree ([`subs::SubscriptionTree`]): normal and shared
//!   subscriptions, matching a topic in the order mosquitto walks its tree, and
//!   [`subs::MatchSet`], which turns the matches of one publish into the copies each client
//!   gets without allocating once warmed up.
//! - [`retained`]: the retained-message store ([`retained::RetainedStore`]), delivering to a new
//!   subscription in mosquitto's order.
//!
//! Topics and filters reach these tables from the network. The callers check them first with
//! [`crate::protocol::topic`] (and the broker's own limits), but the tables still never panic,
//! never index out of bounds and never recurse, whatever they are given: deep topics are
//! walked with explicit stacks.

#![forbid(unsafe_code)]

pub mod retained;
pub mod subs;
