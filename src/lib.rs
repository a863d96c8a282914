//! A memory-safe, ABI-compatible implementation of libmosquitto, the MQTT client library, with
//! an embedded mosquitto-compatible broker.
//!
//! Layers, from the bottom up (each may only use the ones below it):
//! - [`protocol`]: the MQTT 3.1 / 3.1.1 / 5.0 codec, topic and UTF-8 rules, and the QoS flow
//!   store every sender uses. Bytes only.
//! - `session`: the client state machine. No I/O, no clock, no threads: time is passed in.
//! - `transport`: sockets, TLS, proxies, and the engine that moves bytes between a socket and
//!   a session.
//! - [`client`]: the client runtime: connection, poller, reconnection, loop thread, events.
//!   Usable from Rust without C.
//! - `capi`: the C ABI of `mosquitto.h`, the only place with C types and callbacks.
//! - `libcommon`: the C ABI of the functions only `libmosquitto_common.so.1` exports.
//! - [`broker`]: the embedded broker on the same codec.

pub(crate) mod base64;
#[cfg(feature = "broker")]
pub mod broker;
pub mod client;
pub(crate) mod error;
pub mod protocol;
pub(crate) mod pwhash;
pub(crate) mod random;
pub(crate) mod session;
pub(crate) mod transport;

#[doc(hidden)]
pub mod capi;

#[doc(hidden)]
pub mod libcommon;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use error::Error;
