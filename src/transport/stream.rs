//! The byte stream to the server: plain TCP, a Unix-domain socket, or TLS (rustls) over either,
//! optionally with MQTT carried in WebSocket frames over any of these.
//!
//! All streams are non-blocking. For TLS, `read` and `write` move plaintext in and out of the
//! rustls connection and drive the handshake as records arrive; encrypted records that the
//! socket could not take yet stay in rustls until [`Stream::flush_pending`] (the owner asks
//! [`Stream::wants_write`] to know when to wait for writability).

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
#[cfg(feature = "tls")]
use std::sync::Arc;
#[cfg(feature = "tls")]
use std::time::Duration;

use mio::event::Source;
use mio::{Interest, Registry, Token};
#[cfg(feature = "tls")]
use rustls::pki_types::ServerName;

use super::websocket::{WsPlan, WsStream};

/// A plain socket.
#[derive(Debug)]
pub(crate) enum Socket {
    Tcp(mio::net::TcpStream),
    Unix(mio::net::UnixStream),
}

impl Socket {
    fn raw_fd(&self) -> RawFd {
        match self {
            Self::Tcp(s) => s.as_raw_fd(),
            Self::Unix(s) => s.as_raw_fd(),
        }
    }
}

impl Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => s.read(buf),
            Self::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Socket {
    /// Writes several buffers with one system call (rustls hands over a whole flight of
    /// records this way), without raising SIGPIPE.
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let fd = self.raw_fd();
        // SAFETY: an all-zero msghdr is valid; the fields set below point to `bufs`, which
        // outlives the call. IoSlice is ABI-compatible with iovec on Unix.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
        msg.msg_iovlen = bufs.len().min(1024) as _;
        loop {
            // SAFETY: `msg` describes readable buffers; `fd` is an open socket owned by `self`.
            let n = unsafe { libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL) };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }

    /// Writes without raising SIGPIPE in the host program when the peer is gone.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
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

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Without the `tls` feature no I/O error is a TLS failure.
#[cfg(not(feature = "tls"))]
pub(crate) struct TlsFailure;

#[cfg(not(feature = "tls"))]
impl TlsFailure {
    pub(crate) fn of(_: &io::Error) -> Option<std::convert::Infallible> {
        None
    }
}

/// A TLS failure carried inside an [`io::Error`], so the owner can tell it from socket errors.
#[cfg(feature = "tls")]
#[derive(Debug)]
pub(crate) struct TlsFailure(pub rustls::Error);

#[cfg(feature = "tls")]
impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(feature = "tls")]
impl std::error::Error for TlsFailure {}

#[cfg(feature = "tls")]
impl TlsFailure {
    /// The TLS failure inside `e`, if it is one.
    pub(crate) fn of(e: &io::Error) -> Option<&rustls::Error> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<Self>())
            .map(|f| &f.0)
    }
}

#[cfg(feature = "tls")]
fn tls_error(e: rustls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, TlsFailure(e))
}

#[cfg(feature = "tls")]
/// TLS over a socket.
pub(crate) struct TlsStream {
    sock: Socket,
    conn: rustls::ClientConnection,
}

#[cfg(feature = "tls")]
impl std::fmt::Debug for TlsStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsStream")
            .field("sock", &self.sock)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "tls")]
impl TlsStream {
    /// Send encrypted records rustls has ready, until the socket would block.
    fn flush_records(&mut self) -> io::Result<()> {
        while self.conn.wants_write() {
            match self.conn.write_tls(&mut self.sock) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(self.explain_write_error(e)),
            }
        }
        Ok(())
    }

    /// A write failed (typically the server closed the connection): if the server said why
    /// first, with a TLS alert still waiting to be read, that is the better error.
    fn explain_write_error(&mut self, write_error: io::Error) -> io::Error {
        loop {
            match self.conn.read_tls(&mut self.sock) {
                Ok(0) | Err(_) => return write_error,
                Ok(_) => {
                    if let Err(e) = self.conn.process_new_packets() {
                        return tls_error(e);
                    }
                }
            }
        }
    }

    /// Read records from the socket and process them. `Ok(false)` at end of stream.
    fn read_records(&mut self) -> io::Result<bool> {
        match self.conn.read_tls(&mut self.sock) {
            Ok(0) => Ok(false),
            Ok(_) => {
                if let Err(e) = self.conn.process_new_packets() {
                    // Let the alert rustls queued reach the server if it can.
                    let _ = self.flush_records();
                    return Err(tls_error(e));
                }
                self.flush_records()?;
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.conn.reader().read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                // The server closed the connection without close_notify.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
                Err(e) => return Err(e),
            }
            if !self.read_records()? {
                return Ok(0);
            }
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.conn.writer().write(buf)?;
        self.flush_records()?;
        if n == 0 && !buf.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(n)
    }
}

#[cfg(feature = "tls")]
impl TlsStream {
    /// Drive the handshake to its end, waiting for the socket (up to `timeout`, checking
    /// `abort` regularly).
    fn complete_handshake(&mut self, timeout: Duration, abort: &dyn Fn() -> bool) -> io::Result<()> {
        let slice = Duration::from_millis(50);
        let mut waited = Duration::ZERO;
        while self.conn.is_handshaking() {
            self.flush_records()?;
            if abort() {
                return Err(io::Error::from_raw_os_error(libc::ECANCELED));
            }
            if waited >= timeout {
                return Err(io::Error::from_raw_os_error(libc::ETIMEDOUT));
            }
            let mut events = libc::POLLIN;
            if self.conn.wants_write() {
                events |= libc::POLLOUT;
            }
            let mut pfd = libc::pollfd {
                fd: self.sock.raw_fd(),
                events,
                revents: 0,
            };
            // SAFETY: `pfd` is one valid pollfd for the duration of the call.
            let n = unsafe { libc::poll(&mut pfd, 1, slice.as_millis() as libc::c_int) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            waited += slice;
            if pfd.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
                match self.read_records() {
                    Ok(true) => {}
                    Ok(false) => return Err(io::ErrorKind::UnexpectedEof.into()),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => return Err(e),
                }
            }
        }
        self.flush_records()
    }
}

/// A connected (or connecting) byte stream to the server.
#[derive(Debug)]
pub(crate) enum Stream {
    Plain(Socket),
    #[cfg(feature = "tls")]
    Tls(Box<TlsStream>),
    /// WebSockets over a plain or TLS stream.
    Ws(Box<WsStream>),
}

/// The stream under a WebSocket, as tungstenite reads and writes it.
impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Stream::read(self, buf)
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Stream::write(self, buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_pending()
    }
}

impl Stream {
    pub(crate) fn tcp(s: mio::net::TcpStream) -> Self {
        Self::Plain(Socket::Tcp(s))
    }

    pub(crate) fn unix(s: mio::net::UnixStream) -> Self {
        Self::Plain(Socket::Unix(s))
    }

    /// Layer TLS over a plain stream; the handshake starts with the first read or write.
    #[cfg(feature = "tls")]
    pub(crate) fn start_tls(
        self,
        config: Arc<rustls::ClientConfig>,
        name: ServerName<'static>,
    ) -> Result<Self, rustls::Error> {
        match self {
            Self::Plain(sock) => {
                let conn = rustls::ClientConnection::new(config, name)?;
                Ok(Self::Tls(Box::new(TlsStream { sock, conn })))
            }
            other => Ok(other),
        }
    }

    /// Carry MQTT in WebSocket frames over this stream; the upgrade starts with the first read
    /// or write.
    pub(crate) fn start_websocket(self, plan: &WsPlan) -> Self {
        match self {
            ws @ Self::Ws(_) => ws,
            other => Self::Ws(Box::new(WsStream::new(other, plan))),
        }
    }

    fn socket(&self) -> &Socket {
        match self {
            Self::Plain(s) => s,
            #[cfg(feature = "tls")]
            Self::Tls(t) => &t.sock,
            Self::Ws(w) => w.inner().socket(),
        }
    }

    fn socket_mut(&mut self) -> &mut Socket {
        match self {
            Self::Plain(s) => s,
            #[cfg(feature = "tls")]
            Self::Tls(t) => &mut t.sock,
            Self::Ws(w) => w.inner_mut().socket_mut(),
        }
    }

    pub(crate) fn raw_fd(&self) -> RawFd {
        self.socket().raw_fd()
    }

    /// Whether TLS is in use.
    pub(crate) fn is_tls(&self) -> bool {
        match self {
            Self::Plain(_) => false,
            #[cfg(feature = "tls")]
            Self::Tls(_) => true,
            Self::Ws(w) => w.inner().is_tls(),
        }
    }

    /// Whether MQTT travels in WebSocket frames.
    pub(crate) fn is_websocket(&self) -> bool {
        matches!(self, Self::Ws(_))
    }

    /// Read plaintext into `buf`; `Ok(0)` is end of stream.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Plain(s) => s.read(buf),
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.read(buf),
            Self::Ws(w) => w.read(buf),
        }
    }

    /// Write plaintext from `buf`.
    pub(crate) fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Plain(s) => s.write(buf),
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.write(buf),
            Self::Ws(w) => w.write(buf),
        }
    }

    /// Whether encrypted records are waiting for the socket (or the handshake needs to send).
    pub(crate) fn wants_write(&self) -> bool {
        match self {
            Self::Plain(_) => false,
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.conn.wants_write(),
            Self::Ws(w) => w.wants_write(),
        }
    }

    /// Send what TLS has waiting, as far as the socket takes it.
    pub(crate) fn flush_pending(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(_) => Ok(()),
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.flush_records(),
            Self::Ws(w) => w.flush_pending(),
        }
    }

    /// Whether the TLS handshake is still going on.
    pub(crate) fn is_handshaking(&self) -> bool {
        match self {
            Self::Plain(_) => false,
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.conn.is_handshaking(),
            Self::Ws(w) => w.inner().is_handshaking(),
        }
    }

    /// Drive the TLS handshake to its end, waiting for the socket (up to `timeout`, checking
    /// `abort` regularly). Does nothing for a plain stream.
    #[cfg(feature = "tls")]
    pub(crate) fn complete_handshake(
        &mut self,
        timeout: Duration,
        abort: &dyn Fn() -> bool,
    ) -> io::Result<()> {
        match self {
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.complete_handshake(timeout, abort),
            Self::Ws(w) => w.inner_mut().complete_handshake(timeout, abort),
            Self::Plain(_) => Ok(()),
        }
    }

    /// For a non-blocking connect in progress: `Ok(true)` once connected, `Ok(false)` while still
    /// connecting, `Err` if it failed.
    pub(crate) fn finish_connect(&mut self) -> io::Result<bool> {
        let (err, peer) = match self.socket() {
            Socket::Tcp(s) => (s.take_error()?, s.peer_addr().map(|_| ())),
            Socket::Unix(s) => (s.take_error()?, s.peer_addr().map(|_| ())),
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

    pub(crate) fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        let interest = Interest::READABLE | Interest::WRITABLE;
        match self.socket_mut() {
            Socket::Tcp(s) => s.register(registry, token, interest),
            Socket::Unix(s) => s.register(registry, token, interest),
        }
    }

    pub(crate) fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        match self.socket_mut() {
            Socket::Tcp(s) => s.deregister(registry),
            Socket::Unix(s) => s.deregister(registry),
        }
    }
}
