//! A client's byte stream: plain TCP, a Unix socket, TLS over TCP (rustls), or MQTT over
//! WebSockets (tungstenite) on either of the first three, behind one non-blocking read/write
//! interface for the worker.

use std::io::{self, Read, Write};
#[cfg(feature = "tls")]
use std::sync::Arc;

use bytes::Bytes;
use mio::net::{TcpStream, UnixStream};
#[cfg(feature = "tls")]
use rustls::{ServerConfig, ServerConnection};
use tungstenite::error::ProtocolError;
use tungstenite::handshake::server::{Callback, ErrorResponse, Request, Response, ServerHandshake};
use tungstenite::handshake::{HandshakeError, MidHandshake};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

/// A listener's TLS configuration.
#[cfg(feature = "tls")]
pub(super) type TlsConfig = Arc<ServerConfig>;

/// Without the `tls` feature no listener has a TLS configuration.
#[cfg(not(feature = "tls"))]
#[derive(Debug, Clone)]
pub(super) enum TlsConfig {}

/// Plaintext handed to rustls per write call, so that encrypted records never pile up far
/// beyond what the socket takes.
#[cfg(feature = "tls")]
const TLS_WRITE_CHUNK: usize = 64 * 1024;
/// The most bytes sent in one WebSocket frame. tungstenite keeps a frame the socket did not take
/// whole in a buffer that it shifts forward after every partial write, so a large frame would be
/// moved once per write call: output is handed over in frames of this size, the next one once
/// the last has gone.
const WS_WRITE_CHUNK: usize = 64 * 1024;

/// A TLS connection on a TCP socket.
#[cfg(feature = "tls")]
pub(super) struct TlsStream {
    sock: TcpStream,
    tls: ServerConnection,
}

/// A client stream.
pub(super) enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    #[cfg(feature = "tls")]
    Tls(Box<TlsStream>),
    Ws(Box<WsStream>),
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Tcp(_) => "Stream::Tcp",
            Self::Unix(_) => "Stream::Unix",
            #[cfg(feature = "tls")]
            Self::Tls(_) => "Stream::Tls",
            Self::Ws(_) => "Stream::Ws",
        })
    }
}

/// A TLS failure, for the worker's log line.
#[cfg(feature = "tls")]
#[derive(Debug)]
pub(super) struct TlsFailure(pub(super) rustls::Error);

/// Without the `tls` feature there is no TLS failure.
#[cfg(not(feature = "tls"))]
#[derive(Debug)]
pub(super) struct TlsFailure(std::convert::Infallible);

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for TlsFailure {}

impl Stream {
    /// A TLS server connection on an accepted socket.
    #[cfg(feature = "tls")]
    pub(super) fn tls(sock: TcpStream, config: TlsConfig) -> io::Result<Self> {
        let tls = ServerConnection::new(config).map_err(|e| io::Error::other(TlsFailure(e)))?;
        Ok(Self::Tls(Box::new(TlsStream { sock, tls })))
    }

    #[cfg(not(feature = "tls"))]
    pub(super) fn tls(_: TcpStream, config: TlsConfig) -> io::Result<Self> {
        match config {}
    }

    /// MQTT over WebSockets on `inner`, starting with the HTTP upgrade.
    pub(super) fn websocket(inner: Stream, max_message: Option<usize>) -> Self {
        let mid = ServerHandshake::start(inner, Subprotocol, Some(websocket_config(max_message)));
        Self::Ws(Box::new(WsStream {
            state: WsState::Handshaking(mid),
            unread: Bytes::new(),
            blocked: false,
            pending: Bytes::new(),
        }))
    }

    /// The socket to register with the poller (`None` once a failed WebSocket upgrade dropped
    /// it).
    pub(super) fn source(&mut self) -> Option<&mut dyn mio::event::Source> {
        match self {
            Self::Tcp(s) => Some(s),
            Self::Unix(s) => Some(s),
            #[cfg(feature = "tls")]
            Self::Tls(t) => Some(&mut t.sock),
            Self::Ws(w) => w.inner_mut()?.source(),
        }
    }

    /// Read plaintext: `Ok(0)` when the peer has closed, `WouldBlock` when nothing is there.
    pub(super) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => s.read(buf),
            Self::Unix(s) => s.read(buf),
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.read(buf),
            Self::Ws(w) => w.read(buf),
        }
    }

    /// Read what arrived: into `buf`, or for a WebSocket a whole frame's payload without
    /// copying it.
    pub(super) fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<Chunk> {
        match self {
            Self::Ws(w) => w.read_frame().map(|f| f.map_or(Chunk::Closed, Chunk::Frame)),
            _ => self
                .read(buf)
                .map(|n| if n == 0 { Chunk::Closed } else { Chunk::Read(n) }),
        }
    }

    /// Write plaintext: how much was taken (`WouldBlock` when nothing can be taken now).
    pub(super) fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => s.write(buf),
            Self::Unix(s) => s.write(buf),
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.write(buf),
            Self::Ws(w) => w.write(buf),
        }
    }

    /// Whether this is a WebSocket stream (written with [`Stream::send_frame`]).
    pub(super) fn is_websocket(&self) -> bool {
        matches!(self, Self::Ws(_))
    }

    /// Send `data` as one WebSocket frame, without copying it; `Ok(Some(data))` gives it back
    /// when earlier frames still wait for the socket.
    pub(super) fn send_frame(&mut self, data: Vec<u8>) -> io::Result<Option<Vec<u8>>> {
        match self {
            Self::Ws(w) => w.send_frame(data),
            _ => Ok(Some(data)),
        }
    }

    /// Send what waits for the socket (TLS records, WebSocket frames, the upgrade's reply).
    pub(super) fn flush_records(&mut self) -> io::Result<()> {
        match self {
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.flush_records(),
            Self::Ws(w) => w.flush(),
            _ => Ok(()),
        }
    }

    /// Whether bytes wait for the socket.
    pub(super) fn wants_write(&self) -> bool {
        match self {
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.tls.wants_write(),
            Self::Ws(w) => w.wants_write(),
            _ => false,
        }
    }

    /// Whether a TLS handshake or WebSocket upgrade has not finished yet.
    pub(super) fn handshaking(&self) -> bool {
        match self {
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.tls.is_handshaking(),
            Self::Ws(w) => !matches!(w.state, WsState::Open(_)),
            _ => false,
        }
    }

    /// Let WebSocket frames be as large as `limit` (once the client is connected).
    pub(super) fn raise_frame_limit(&mut self, limit: usize) {
        if let Self::Ws(w) = self {
            if let WsState::Open(ws) = &mut w.state {
                ws.set_config(|c| {
                    c.max_message_size = Some(limit);
                    c.max_frame_size = Some(limit);
                });
            }
        }
    }

    /// The client's certificate (DER), once the handshake is done.
    pub(super) fn peer_certificate(&self) -> Option<&[u8]> {
        match self {
            #[cfg(feature = "tls")]
            Self::Tls(t) => t.tls.peer_certificates()?.first().map(|c| c.as_ref()),
            Self::Ws(w) => w.inner()?.peer_certificate(),
            _ => None,
        }
    }
}

/// How the listeners' WebSocket connections are configured: frames and messages at most
/// `max_message` bytes (no limit: `None`).
pub(crate) fn websocket_config(max_message: Option<usize>) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(64 * 1024)
        .write_buffer_size(0)
        .max_message_size(max_message)
        .max_frame_size(max_message)
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
        self.flush_records()
    }
}

/// What one read produced.
#[derive(Debug)]
pub(super) enum Chunk {
    /// This many bytes in the caller's buffer.
    Read(usize),
    /// A WebSocket frame's payload.
    Frame(Bytes),
    /// The peer closed the stream.
    Closed,
}

/// Accepts the upgrade with the MQTT subprotocol the client asks for (`mqtt`, or `mqttv3.1`
/// of older clients); a client that names none is accepted too.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subprotocol;

impl Callback for Subprotocol {
    fn on_request(self, request: &Request, mut response: Response) -> Result<Response, ErrorResponse> {
        let offered = request
            .headers()
            .get_all("Sec-WebSocket-Protocol")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .find(|p| p.eq_ignore_ascii_case("mqtt") || p.eq_ignore_ascii_case("mqttv3.1"))
            .map(str::to_owned);
        if let Some(p) = offered.and_then(|p| p.parse().ok()) {
            response.headers_mut().insert("Sec-WebSocket-Protocol", p);
        }
        Ok(response)
    }
}

enum WsState {
    Handshaking(MidHandshake<ServerHandshake<Stream, Subprotocol>>),
    Open(WebSocket<Stream>),
    /// The upgrade failed; the socket is gone.
    Failed,
}

/// MQTT over WebSockets: binary frames carry the byte stream.
pub(super) struct WsStream {
    state: WsState,
    /// The rest of a frame that did not fit the caller's buffer.
    unread: Bytes,
    /// Frames wait in tungstenite's buffer for the socket.
    blocked: bool,
    /// Output taken from the worker and not yet given to tungstenite: it goes out frame by frame
    /// as the socket takes the previous one.
    pending: Bytes,
}

/// A WebSocket failure, for the worker's log line.
#[derive(Debug)]
pub(super) struct WsFailure(pub(super) String);

impl std::fmt::Display for WsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WsFailure {}

/// A tungstenite error as an I/O error (`WouldBlock` stays `WouldBlock`).
fn ws_error(e: tungstenite::Error) -> io::Error {
    match e {
        tungstenite::Error::Io(e) => e,
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            io::ErrorKind::ConnectionAborted.into()
        }
        other => io::Error::new(io::ErrorKind::InvalidData, WsFailure(other.to_string())),
    }
}

impl WsStream {
    fn inner(&self) -> Option<&Stream> {
        match &self.state {
            WsState::Handshaking(mid) => Some(mid.get_ref().get_ref()),
            WsState::Open(ws) => Some(ws.get_ref()),
            WsState::Failed => None,
        }
    }

    fn inner_mut(&mut self) -> Option<&mut Stream> {
        match &mut self.state {
            WsState::Handshaking(mid) => Some(mid.get_mut().get_mut()),
            WsState::Open(ws) => Some(ws.get_mut()),
            WsState::Failed => None,
        }
    }

    fn wants_write(&self) -> bool {
        self.blocked || !self.pending.is_empty() || self.inner().is_some_and(Stream::wants_write)
    }

    /// Take the upgrade one step further; `WouldBlock` until it is done.
    fn handshake(&mut self) -> io::Result<()> {
        let state = std::mem::replace(&mut self.state, WsState::Failed);
        match state {
            WsState::Handshaking(mid) => match mid.handshake() {
                Ok(ws) => {
                    self.state = WsState::Open(ws);
                    Ok(())
                }
                Err(HandshakeError::Interrupted(mid)) => {
                    self.state = WsState::Handshaking(mid);
                    Err(io::ErrorKind::WouldBlock.into())
                }
                Err(HandshakeError::Failure(e)) => Err(ws_error(e)),
            },
            other => {
                self.state = other;
                Ok(())
            }
        }
    }

    fn open(&mut self) -> io::Result<&mut WebSocket<Stream>> {
        self.handshake()?;
        match &mut self.state {
            WsState::Open(ws) => Ok(ws),
            _ => Err(io::ErrorKind::NotConnected.into()),
        }
    }

    /// The next non-empty frame's payload (`None`: closed).
    fn read_frame(&mut self) -> io::Result<Option<Bytes>> {
        if !self.unread.is_empty() {
            return Ok(Some(std::mem::take(&mut self.unread)));
        }
        loop {
            match self.next_message()? {
                None => return Ok(None),
                Some(data) if data.is_empty() => {}
                Some(data) => return Ok(Some(data)),
            }
        }
    }

    /// The next binary payload (possibly empty), `None` when the peer closed.
    fn next_message(&mut self) -> io::Result<Option<Bytes>> {
        let ws = self.open()?;
        match ws.read() {
            Ok(Message::Binary(data)) => Ok(Some(data)),
            // MQTT travels in binary frames only.
            Ok(Message::Text(_)) => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                WsFailure("text frame received".into()),
            )),
            Ok(Message::Close(_)) => {
                let _ = self.flush();
                Ok(None)
            }
            // Pings are answered by tungstenite; the answer goes out with the next flush.
            Ok(_) => {
                self.blocked = true;
                Ok(Some(Bytes::new()))
            }
            Err(
                tungstenite::Error::ConnectionClosed
                | tungstenite::Error::AlreadyClosed
                | tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake),
            ) => Ok(None),
            Err(e) => Err(ws_error(e)),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if !self.unread.is_empty() {
                let n = self.unread.len().min(buf.len());
                buf[..n].copy_from_slice(&self.unread[..n]);
                self.unread = self.unread.slice(n..);
                return Ok(n);
            }
            match self.next_message()? {
                Some(data) => self.unread = data,
                None => return Ok(0),
            }
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.blocked || !self.pending.is_empty() {
            self.flush()?;
            if self.blocked || !self.pending.is_empty() {
                return Err(io::ErrorKind::WouldBlock.into());
            }
        }
        self.open()?;
        // One frame's worth, sent as the pending output is (see `flush`).
        let n = buf.len().min(WS_WRITE_CHUNK);
        self.pending = Bytes::copy_from_slice(&buf[..n]);
        self.flush()?;
        Ok(n)
    }

    fn send_frame(&mut self, data: Vec<u8>) -> io::Result<Option<Vec<u8>>> {
        if self.blocked || !self.pending.is_empty() {
            self.flush()?;
            if self.blocked || !self.pending.is_empty() {
                return Ok(Some(data));
            }
        }
        match self.open() {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Some(data)),
            Err(e) => return Err(e),
        }
        // Sent in frames of at most WS_WRITE_CHUNK bytes, slices of the one buffer.
        self.pending = Bytes::from(data);
        self.flush()?;
        Ok(None)
    }

    /// Push buffered frames (and the upgrade) to the socket, then the pending output frame by
    /// frame; `Ok` also when the socket is full (then [`WsStream::wants_write`] stays true).
    fn flush(&mut self) -> io::Result<()> {
        match self.handshake() {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) => return Err(e),
        }
        let WsState::Open(ws) = &mut self.state else {
            return Ok(());
        };
        loop {
            match ws.flush() {
                Ok(()) => self.blocked = false,
                Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.blocked = true;
                    return Ok(());
                }
                Err(e) => return Err(ws_error(e)),
            }
            if self.pending.is_empty() {
                return Ok(());
            }
            let n = self.pending.len().min(WS_WRITE_CHUNK);
            let frame = self.pending.split_to(n);
            // A frame given to tungstenite is taken even when the socket is full: it then waits
            // in tungstenite's buffer, and the next one waits here until it has gone.
            match ws.write(Message::Binary(frame)) {
                Ok(()) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(ws_error(e)),
            }
            self.blocked = true;
        }
    }
}

#[cfg(feature = "tls")]
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
