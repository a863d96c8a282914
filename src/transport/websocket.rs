//! MQTT over WebSockets (libmosquitto 2.1's `MOSQ_T_WEBSOCKETS` transport): the HTTP upgrade
//! as a small sans-IO state machine ([`Upgrade`]: request bytes out, response bytes in), and
//! the stream that carries the MQTT byte stream in binary frames ([`WsStream`], framing by
//! tungstenite) over a plain or TLS stream.
//!
//! The upgrade happens as the stream is used, like the TLS handshake: MQTT bytes written
//! before it has completed wait in the stream and leave in one frame once the server has
//! accepted the upgrade.

use std::io;

use bytes::Bytes;
use tungstenite::protocol::{Role, WebSocketConfig};
use tungstenite::{Message, WebSocket};

use super::Stream;

/// The most MQTT bytes sent in one WebSocket frame.
const WS_FRAME_MAX: usize = 64 * 1024;

/// The request path when none is set (`MOSQ_OPT_HTTP_PATH`).
pub(crate) const DEFAULT_PATH: &str = "/mqtt";
/// The most bytes of HTTP response headers accepted by default (`MOSQ_OPT_HTTP_HEADER_SIZE`).
pub(crate) const DEFAULT_HEADER_LIMIT: usize = 4096;
/// The largest frame or message accepted: an MQTT packet of the largest size the protocol
/// allows, with its fixed header.
const MAX_MESSAGE: usize = 268_435_455 + 5;
/// The most header lines parsed in the upgrade response.
const MAX_HEADERS: usize = 64;

/// What the upgrade of one connection needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WsPlan {
    /// The host name sent in the `Host` header (the host of the connect call).
    pub host: String,
    /// The request path.
    pub path: String,
    /// The most bytes the response headers may take.
    pub header_limit: usize,
}

/// Why the server did not accept the upgrade, carried inside an [`io::Error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WsFailure(pub String);

impl std::fmt::Display for WsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WsFailure {}

impl WsFailure {
    /// The websocket failure inside `e`, if it is one.
    pub(crate) fn of(e: &io::Error) -> Option<&WsFailure> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<Self>())
    }

    fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }
}

/// The client side of the HTTP upgrade (RFC 6455 section 4.1), without I/O.
#[derive(Debug)]
pub(crate) struct Upgrade {
    /// The `Sec-WebSocket-Accept` value the server must answer with.
    accept: String,
    /// Response bytes received so far.
    response: Vec<u8>,
    limit: usize,
}

impl Upgrade {
    /// Start an upgrade with a fresh key; returns it and the request to send.
    pub(crate) fn start(plan: &WsPlan) -> (Self, Vec<u8>) {
        Self::with_key(plan, &tungstenite::handshake::client::generate_key())
    }

    /// [`Upgrade::start`] with a given key.
    pub(crate) fn with_key(plan: &WsPlan, key: &str) -> (Self, Vec<u8>) {
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: {}\r\nSec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Version: 13\r\n\r\n",
            plan.path, plan.host, key
        );
        let upgrade = Self {
            accept: tungstenite::handshake::derive_accept_key(key.as_bytes()),
            response: Vec::new(),
            limit: plan.header_limit,
        };
        (upgrade, request.into_bytes())
    }

    /// Take response bytes. `Ok(Some(rest))` once the server accepted the upgrade, with the
    /// bytes that followed the response (the first frames); `Ok(None)` while the response is
    /// incomplete.
    pub(crate) fn handle_input(&mut self, data: &[u8]) -> Result<Option<Vec<u8>>, WsFailure> {
        self.response.extend_from_slice(data);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut headers);
        let parsed = response
            .parse(&self.response)
            .map_err(|e| WsFailure(format!("invalid HTTP response to the websocket upgrade ({e})")))?;
        let httparse::Status::Complete(end) = parsed else {
            if self.response.len() > self.limit {
                return Err(self.too_large());
            }
            return Ok(None);
        };
        if end > self.limit {
            return Err(self.too_large());
        }
        let code = response.code.unwrap_or(0);
        if code != 101 {
            let reason = response.reason.unwrap_or("");
            return Err(WsFailure(format!(
                "the server refused the websocket upgrade: HTTP {code} {reason}"
            )));
        }
        let header = |name: &str| {
            response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| String::from_utf8_lossy(h.value).trim().to_owned())
        };
        let has_token = |name: &str, token: &str| {
            response
                .headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case(name))
                .flat_map(|h| h.value.split(|&b| b == b','))
                .any(|v| String::from_utf8_lossy(v).trim().eq_ignore_ascii_case(token))
        };
        if !has_token("Upgrade", "websocket") || !has_token("Connection", "upgrade") {
            return Err(WsFailure(
                "the server's upgrade response lacks Upgrade: websocket or Connection: upgrade".into(),
            ));
        }
        if header("Sec-WebSocket-Accept").as_deref() != Some(self.accept.as_str()) {
            return Err(WsFailure(
                "the server's upgrade response has a wrong Sec-WebSocket-Accept".into(),
            ));
        }
        if !has_token("Sec-WebSocket-Protocol", "mqtt") {
            return Err(WsFailure(
                "the server did not accept the mqtt websocket subprotocol".into(),
            ));
        }
        Ok(Some(self.response[end..].to_vec()))
    }

    fn too_large(&self) -> WsFailure {
        WsFailure(format!(
            "the server's upgrade response headers exceed {} bytes",
            self.limit
        ))
    }
}

enum State {
    /// The upgrade request (what of it is not sent yet) and the response so far.
    Upgrading {
        inner: Stream,
        upgrade: Upgrade,
        request: Vec<u8>,
    },
    Open(WebSocket<Stream>),
    /// Only while moving from one state to the other.
    Moving,
}

/// MQTT over a WebSocket: binary frames carry the byte stream in both directions.
pub(crate) struct WsStream {
    state: State,
    /// MQTT bytes written before the upgrade completed.
    pending: Vec<u8>,
    /// The rest of a frame that did not fit the caller's buffer.
    unread: Bytes,
    /// Frames (or a pong) wait in tungstenite's buffer for the socket.
    blocked: bool,
}

impl std::fmt::Debug for WsStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsStream").finish_non_exhaustive()
    }
}

/// A tungstenite error as an I/O error (`WouldBlock` stays `WouldBlock`).
fn ws_error(e: tungstenite::Error) -> io::Error {
    match e {
        tungstenite::Error::Io(e) => e,
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            io::ErrorKind::ConnectionAborted.into()
        }
        other => WsFailure(format!("websocket error: {other}")).into_io(),
    }
}

impl WsStream {
    /// Layer a WebSocket over `inner` (plain or TLS); the upgrade starts with the first read
    /// or write.
    pub(crate) fn new(inner: Stream, plan: &WsPlan) -> Self {
        let (upgrade, request) = Upgrade::start(plan);
        Self {
            state: State::Upgrading {
                inner,
                upgrade,
                request,
            },
            pending: Vec::new(),
            unread: Bytes::new(),
            blocked: false,
        }
    }

    pub(crate) fn inner(&self) -> &Stream {
        match &self.state {
            State::Upgrading { inner, .. } => inner,
            State::Open(ws) => ws.get_ref(),
            State::Moving => unreachable!("websocket stream observed while changing state"),
        }
    }

    pub(crate) fn inner_mut(&mut self) -> &mut Stream {
        match &mut self.state {
            State::Upgrading { inner, .. } => inner,
            State::Open(ws) => ws.get_mut(),
            State::Moving => unreachable!("websocket stream observed while changing state"),
        }
    }

    /// Send what is left of the upgrade request, as far as the stream takes it.
    fn push_request(&mut self) -> io::Result<()> {
        if let State::Upgrading { inner, request, .. } = &mut self.state {
            while !request.is_empty() {
                match inner.write(request) {
                    Ok(0) => return Ok(()),
                    Ok(n) => {
                        request.drain(..n);
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                    Err(e) => return Err(e),
                }
            }
            inner.flush_pending()?;
        }
        Ok(())
    }

    /// The server accepted the upgrade: frames from now on, starting with `rest`; the MQTT
    /// bytes written meanwhile leave in one frame.
    fn open(&mut self, rest: Vec<u8>) -> io::Result<()> {
        let State::Upgrading { inner, .. } = std::mem::replace(&mut self.state, State::Moving) else {
            return Ok(());
        };
        let config = WebSocketConfig::default()
            .write_buffer_size(0)
            .max_message_size(Some(MAX_MESSAGE))
            .max_frame_size(Some(MAX_MESSAGE));
        self.state = State::Open(WebSocket::from_partially_read(
            inner,
            rest,
            Role::Client,
            Some(config),
        ));
        if !self.pending.is_empty() {
            let data = std::mem::take(&mut self.pending);
            self.send_frame(&data)?;
        }
        Ok(())
    }

    /// Hand one binary frame to tungstenite and push it out as far as the socket takes it.
    fn send_frame(&mut self, data: &[u8]) -> io::Result<()> {
        let State::Open(ws) = &mut self.state else {
            return Ok(());
        };
        match ws.write(Message::Binary(Bytes::copy_from_slice(data))) {
            Ok(()) => {}
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(ws_error(e)),
        }
        self.blocked = true;
        self.flush_frames()
    }

    /// Push frames tungstenite holds to the stream; `Ok` also when the socket is full.
    fn flush_frames(&mut self) -> io::Result<()> {
        let State::Open(ws) = &mut self.state else {
            return Ok(());
        };
        match ws.flush() {
            Ok(()) => {
                self.blocked = false;
                Ok(())
            }
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                self.blocked = true;
                Ok(())
            }
            Err(e) => Err(ws_error(e)),
        }
    }

    /// Read MQTT bytes; `Ok(0)` when the server closed the connection (or the WebSocket).
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if !self.unread.is_empty() {
                let n = self.unread.len().min(buf.len());
                buf[..n].copy_from_slice(&self.unread[..n]);
                self.unread = self.unread.slice(n..);
                return Ok(n);
            }
            match &mut self.state {
                State::Upgrading { .. } => {
                    self.push_request()?;
                    let State::Upgrading { inner, upgrade, .. } = &mut self.state else {
                        continue;
                    };
                    let mut chunk = [0u8; 1024];
                    let n = inner.read(&mut chunk)?;
                    if n == 0 {
                        return Ok(0);
                    }
                    if let Some(rest) = upgrade.handle_input(&chunk[..n]).map_err(WsFailure::into_io)? {
                        self.open(rest)?;
                    }
                }
                State::Open(ws) => match ws.read() {
                    Ok(Message::Binary(data)) => self.unread = data,
                    Ok(Message::Text(_)) => {
                        return Err(WsFailure("the server sent a text frame".into()).into_io());
                    }
                    Ok(Message::Close(_)) => {
                        let _ = self.flush_frames();
                        return Ok(0);
                    }
                    // A ping: tungstenite queued the pong, which goes out with the next flush.
                    Ok(_) => {
                        self.blocked = true;
                        self.flush_frames()?;
                    }
                    Err(
                        tungstenite::Error::ConnectionClosed
                        | tungstenite::Error::AlreadyClosed
                        | tungstenite::Error::Protocol(
                            tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
                        ),
                    ) => return Ok(0),
                    Err(e) => return Err(ws_error(e)),
                },
                State::Moving => return Err(io::ErrorKind::NotConnected.into()),
            }
        }
    }

    /// Write MQTT bytes: one binary frame once the upgrade is done, kept until then.
    pub(crate) fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &self.state {
            State::Upgrading { .. } => {
                self.pending.extend_from_slice(buf);
                self.push_request()?;
                Ok(buf.len())
            }
            State::Open(_) => {
                if self.blocked {
                    self.flush_frames()?;
                    if self.blocked {
                        return Err(io::ErrorKind::WouldBlock.into());
                    }
                }
                // tungstenite shifts a frame the socket did not take whole forward after every
                // partial write: large output goes in frames of bounded size, one at a time.
                let n = buf.len().min(WS_FRAME_MAX);
                self.send_frame(&buf[..n])?;
                Ok(n)
            }
            State::Moving => Err(io::ErrorKind::NotConnected.into()),
        }
    }

    /// Whether output waits for the socket: the rest of the upgrade request, frames, or TLS
    /// records.
    pub(crate) fn wants_write(&self) -> bool {
        match &self.state {
            State::Upgrading { inner, request, .. } => !request.is_empty() || inner.wants_write(),
            State::Open(ws) => self.blocked || ws.get_ref().wants_write(),
            State::Moving => false,
        }
    }

    /// Send what waits, as far as the socket takes it.
    pub(crate) fn flush_pending(&mut self) -> io::Result<()> {
        match &mut self.state {
            State::Upgrading { .. } => self.push_request(),
            State::Open(ws) => {
                ws.get_mut().flush_pending()?;
                self.flush_frames()
            }
            State::Moving => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> WsPlan {
        WsPlan {
            host: "example.org".into(),
            path: "/mqtt".into(),
            header_limit: DEFAULT_HEADER_LIMIT,
        }
    }

    /// The example key of RFC 6455 section 1.3 and its answer.
    const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
    const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    fn response(extra: &str) -> String {
        format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {ACCEPT}\r\nSec-WebSocket-Protocol: mqtt\r\n{extra}\r\n"
        )
    }

    #[test]
    fn request_names_path_host_key_and_subprotocol() {
        let (_, request) = Upgrade::with_key(&plan(), KEY);
        let text = String::from_utf8(request).unwrap();
        assert!(
            text.starts_with("GET /mqtt HTTP/1.1\r\nHost: example.org\r\n"),
            "{text}"
        );
        assert!(text.contains(&format!("Sec-WebSocket-Key: {KEY}\r\n")));
        assert!(text.contains("Sec-WebSocket-Protocol: mqtt\r\n"));
        assert!(text.contains("Sec-WebSocket-Version: 13\r\n"));
        assert!(text.ends_with("\r\n\r\n"));
    }

    #[test]
    fn accepted_in_pieces_with_frames_after_it() {
        let (mut up, _) = Upgrade::with_key(&plan(), KEY);
        let mut bytes = response("").into_bytes();
        bytes.extend_from_slice(&[0x82, 0x02, 0x20, 0x02]);
        let (a, b) = bytes.split_at(20);
        assert_eq!(up.handle_input(a), Ok(None));
        assert_eq!(up.handle_input(b), Ok(Some(vec![0x82, 0x02, 0x20, 0x02])));
    }

    #[test]
    fn refusals() {
        let refuse = |text: &str| {
            let (mut up, _) = Upgrade::with_key(&plan(), KEY);
            up.handle_input(text.as_bytes()).unwrap_err().0
        };
        assert!(refuse("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n").contains("HTTP 404 Not Found"));
        let wrong_key = response("").replace(ACCEPT, "AAAA");
        assert!(refuse(&wrong_key).contains("Sec-WebSocket-Accept"));
        let no_protocol = response("").replace("Sec-WebSocket-Protocol: mqtt\r\n", "");
        assert!(refuse(&no_protocol).contains("subprotocol"));
        assert!(refuse("garbage\r\n\r\n").contains("invalid HTTP response"));
    }

    #[test]
    fn header_limit() {
        let mut small = plan();
        small.header_limit = 100;
        let (mut up, _) = Upgrade::with_key(&small, KEY);
        let long = response(&format!("X-Filler: {}\r\n", "x".repeat(200)));
        assert!(
            up.handle_input(long.as_bytes())
                .unwrap_err()
                .0
                .contains("exceed 100 bytes")
        );
        let (mut up, _) = Upgrade::with_key(&small, KEY);
        assert!(up.handle_input(&[b'H'; 150]).is_err());
    }
}
