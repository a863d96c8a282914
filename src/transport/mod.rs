//! The only layer that touches the operating system: name lookup, sockets, readiness polling,
//! and the [`driver::Engine`] that moves bytes between a socket and a [`crate::session::Session`].

pub(crate) mod backoff;
pub(crate) mod connect;
pub(crate) mod driver;
pub(crate) mod socks5;
pub(crate) mod stream;
pub(crate) mod tcp;
pub(crate) mod tls;
pub(crate) mod websocket;

pub(crate) use stream::Stream;
