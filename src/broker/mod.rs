//! The embedded MQTT broker: a mosquitto-compatible server on the same codec as the client.
//!
//! - [`config`]: the `mosquitto.conf` reader.
//! - [`auth`]: password files, ACL files and the `mosquitto_passwd` tool.
//! - [`core`]: the protocol engine, without I/O: sessions, subscriptions, retained messages.
//! - [`server`]: listening sockets, worker threads, logging and `$SYS`: a running broker.
//! - `bridge`: the `connection` sections, links to other brokers on the client runtime.
//! - [`store`]: persistence: sessions and retained messages in a crash-safe database.
//! - [`command`]: the `mosquitto` command.
//! - [`embed`]: the C entry points (`mosquitto_embed.h`).

pub mod auth;
pub(crate) mod bridge;
pub mod command;
pub mod config;
pub mod core;
pub mod embed;
pub mod server;
pub mod store;
