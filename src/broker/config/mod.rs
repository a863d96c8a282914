//! The `mosquitto.conf` reader.
//!
//! [`ConfigReader`] reads mosquitto 2.0 configuration files into a typed [`Config`], with
//! mosquitto's syntax, defaults, scoping and error messages (each error carries the file and
//! line, and [`ConfigError::lines`] gives what mosquitto prints). Every option of mosquitto 2.0
//! is recognised; [`Config::unsupported`] lists those this broker does not implement yet.
//!
//! ```
//! use mosquitto::broker::config::ConfigReader;
//!
//! let mut reader = ConfigReader::new();
//! reader.parse_str("listener 1883\nallow_anonymous true\n", "example.conf").unwrap();
//! let config = reader.finish().unwrap();
//! assert!(!config.local_only());
//! assert!(config.security.allow_anonymous());
//! assert_eq!(config.effective_listeners()[0].port, 1883);
//! ```
//!
//! The files:
//! - `lexer`: lines, tokens, `atoi`.
//! - `reader`: [`ConfigReader`], `include_dir`, general, logging and security options.
//! - `listener`: listener options; `bridge`: bridge options.
//! - `model`: the typed configuration and its defaults.
//! - `unsupported`: the table of options the broker does not implement yet.

#![forbid(unsafe_code)]

mod bridge;
mod error;
mod lexer;
mod listener;
mod model;
mod reader;
mod unsupported;

#[cfg(test)]
mod tests;

pub use error::{ConfigError, ConfigMessage, MessageLevel, Unsupported};
pub use model::{
    Bridge, BridgeAddress, BridgeDirection, BridgeProtocol, BridgeTls, BridgeTopic, Config, DEFAULT_PORT,
    Directive, KeyForm, Listener, ListenerTls, LogDest, LogTypes, MAX_COMMAND_LINE_PORTS, PluginConfig,
    Protocol, RestartTimeout, Security, SocketDomain, StartType,
};
pub use reader::{ConfigReader, parse_duration};
