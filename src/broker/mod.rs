//! The embedded MQTT broker: a mosquitto-compatible server on the same codec as the client.
//!
//! - [`config`]: the `mosquitto.conf` reader.
//! - [`auth`]: password files, ACL files and the `mosquitto_passwd` tool.

pub mod auth;
pub mod config;
pub mod core;
