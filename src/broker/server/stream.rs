//! A client's byte stream: plain TCP, a Unix socket, or TLS over TCP (rustls), behind one
//! non-blocking read/write interface for the worker.

use std::io::{self, Read, Write};
use std::sync::Arc;

use mio::net::{TcpStream, UnixStream};
use rustls::{ServerConfig, ServerConnection};

/// Plaintext handed to rustls per write call, so that encrypted records never pile up far
/// beyond what the socket takes.
const TLS_WRITE_CHUNK: usize = 64 * 1024;

/// A TLS connection on a TCP socket.
pub(super) struct TlsStream {
    sock: TcpStream,
    tls: ServerConnection,
}

/// A client stream.
pub(super) enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    Tls(Box<TlsStream>),
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Tcp(_) => "Stream::Tcp",
            Self::Unix(_) => "Stream::Unix",
            Self::Tls(_) => "Stream::Tls",
        })
    }
}

/// A TLS failure, for the worker's log line.
#[derive(Debug)]
pub(super) struct TlsFailure(pub(super) rustls::Error);

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for TlsFailure {}

impl Stream {
    /// A TLS server connection on an accepted socket.
    pub(super) fn tls(sock: TcpStream, config: Arc<ServerConfig>) -> io::Result<Self> {
        let tls = ServerConnection::new(config).map_err(|e| io::Error::other(TlsFailure(e)))?;
        Ok(Self::Tls(Box::new(TlsStream { sock, tls })))
    }

    pub(super) fn source(&mut self) -> &mut dyn mio::event::Source {
        match self {
            Self::Tcp(s) => s,
            Self::Unix(s) => s,
            Self::Tls(t) => &mut t.sock,
        }
    }

    /// Read plaintext: `Ok(0)` when the peer has closed, `WouldBlock` when nothing is there.
    pub(super) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => s.read(buf),
            Self::Unix(s) => s.read(buf),
            Self::Tls(t) => t.read(buf),
        }
    }

    /// Write plaintext: how much was taken (`WouldBlock` when nothing can be taken now).
    pub(super) fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => s.write(buf),
            Self::Unix(s) => s.write(buf),
            Self::Tls(t) => t.write(buf),
        }
    }

    /// Send what TLS has waiting for the socket (handshake messages, records, alerts).
    pub(super) fn flush_records(&mut self) -> io::Result<()> {
        match self {
            Self::Tls(t) => t.flush_records(),
            _ => Ok(()),
        }
    }

    /// Whether TLS records wait for the socket.
    pub(super) fn wants_write(&self) -> bool {
        matches!(self, Self::Tls(t) if t.tls.wants_write())
    }

    /// Whether the TLS handshake has not finished yet (never for plain streams).
    pub(super) fn handshaking(&self) -> bool {
        matches!(self, Self::Tls(t) if t.tls.is_handshaking())
    }

    /// The client's certificate (DER), once the handshake is done.
    pub(super) fn peer_certificate(&self) -> Option<&[u8]> {
        match self {
            Self::Tls(t) => t.tls.peer_certificates()?.first().map(|c| c.as_ref()),
            _ => None,
        }
    }
}

impl TlsStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.tls.reader().read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                // The peer closed without close_notify: a close all the same.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
                Err(e) => return Err(e),
            }
            match self.tls.read_tls(&mut self.sock) {
                Ok(0) => return Ok(0),
                Ok(_) => {}
                Err(e) => return Err(e),
            }
            if let Err(e) = self.tls.process_new_packets() {
                // Tell the peer why (the alert), as far as the socket takes it.
                let _ = self.flush_records();
                return Err(io::Error::new(io::ErrorKind::InvalidData, TlsFailure(e)));
            }
            // Handshake messages go out at once; a full socket is retried on writable.
            match self.flush_records() {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.flush_records()?;
        if self.tls.wants_write() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = self.tls.writer().write(&buf[..buf.len().min(TLS_WRITE_CHUNK)])?;
        if n == 0 && !buf.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        match self.flush_records() {
            Ok(()) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(n),
            Err(e) => Err(e),
        }
    }

    /// Write pending records until the socket would block (`Ok` when all were written or the
    /// socket is full).
    fn flush_records(&mut self) -> io::Result<()> {
        while self.tls.wants_write() {
            match self.tls.write_tls(&mut self.sock) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
