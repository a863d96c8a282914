//! The only layer that touches the operating system: name lookup, sockets, readiness polling,
//! and the [`driver::Engine`] that moves bytes between a socket and a [`crate::session::Session`].

pub mod backoff;
pub mod connect;
pub mod driver;
pub mod socks5;
pub mod stream;
pub mod tcp;
pub mod tls;

pub use stream::Stream;
