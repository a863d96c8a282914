//! The only layer that touches the operating system: name lookup, sockets, readiness polling,
//! and the [`driver::Engine`] that moves bytes between a socket and a [`crate::session::Session`].

pub(crate) mod backoff;
pub(crate) mod connect;
pub(crate) mod driver;
#[cfg(feature = "socks")]
pub(crate) mod socks5;
pub(crate) mod stream;
pub(crate) mod tcp;
#[cfg(feature = "tls")]
pub(crate) mod tls;
mod tls_settings;

/// Without the `tls` feature: the settings alone, which nothing turns on.
#[cfg(not(feature = "tls"))]
pub(crate) mod tls {
    pub use super::tls_settings::*;
}
pub(crate) mod websocket;

pub(crate) use stream::Stream;
