//! A memory-safe, ABI-compatible implementation of libmosquitto, the MQTT client library.
//!
//! Layers, from the bottom up (each may only use the ones below it):
//! - [`protocol`]: the MQTT 3.1 / 3.1.1 / 5.0 codec, topic and UTF-8 rules. Bytes only.
//! - [`session`]: the client state machine. No I/O, no clock, no threads: time is passed in.
//! - [`transport`]: sockets, the poll loop and the glue between them and the session.
//! - `capi`: the C ABI of `mosquitto.h`, the only place with C types and callbacks.

pub mod base64;
#[cfg(feature = "broker")]
pub mod broker;
pub mod error;
pub mod protocol;
pub mod session;
pub mod transport;

#[doc(hidden)]
pub mod capi;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use error::Error;
