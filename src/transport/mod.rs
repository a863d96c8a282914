//! The only layer that touches the operating system: name lookup, sockets, readiness polling,
//! and the [`driver::Engine`] that moves bytes between a socket and a [`crate::session::Session`].

pub mod backoff;
pub mod driver;
pub mod socks5;
pub mod tcp;
pub mod tls;

use std::io::{self, Read};
use std::os::fd::{AsRawFd, RawFd};

use mio::event::Source;
use mio::{Interest, Registry, Token};

/// A connected (or connecting) byte stream to the server.
#[derive(Debug)]
pub enum Stream {
    Tcp(mio::net::TcpStream),
    Unix(mio::net::UnixStream),
}

impl Stream {
    pub fn raw_fd(&self) -> RawFd {
        match self {
            Self::Tcp(s) => s.as_raw_fd(),
            Self::Unix(s) => s.as_raw_fd(),
        }
    }

    /// Read into `buf`; `Ok(0)` is end of stream.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => s.read(buf),
            Self::Unix(s) => s.read(buf),
        }
    }

    /// Write from `buf` without raising SIGPIPE in the host program when the peer is gone.
    pub fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let fd = self.raw_fd();
        loop {
            // SAFETY: `buf` is a valid readable slice for `buf.len()` bytes and `fd` is an open
            // socket owned by `self` for the duration of the call.
            let n = unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL) };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }

    /// For a non-blocking connect in progress: `Ok(true)` once connected, `Ok(false)` while still
    /// connecting, `Err` if it failed.
    pub fn finish_connect(&mut self) -> io::Result<bool> {
        let (err, peer) = match self {
            Self::Tcp(s) => (s.take_error()?, s.peer_addr().map(|_| ())),
            Self::Unix(s) => (s.take_error()?, s.peer_addr().map(|_| ())),
        };
        if let Some(e) = err {
            return Err(e);
        }
        match peer {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        let interest = Interest::READABLE | Interest::WRITABLE;
        match self {
            Self::Tcp(s) => s.register(registry, token, interest),
            Self::Unix(s) => s.register(registry, token, interest),
        }
    }

    pub fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        match self {
            Self::Tcp(s) => s.deregister(registry),
            Self::Unix(s) => s.deregister(registry),
        }
    }
}
