//! The transports' handshakes and framing: the client's SOCKS5 handshake, the client's side of
//! the WebSocket upgrade, and the broker's side of it with the frames that follow, configured
//! as the broker's listeners configure them.
//!
//! Checks: nothing panics; the outcome does not depend on how the peer's bytes are split
//! into reads; what is handed on after a handshake is exactly what followed it; no frame or
//! message beyond the configured limit is delivered.

use std::io::{self, Read, Write};

use tungstenite::Message;
use tungstenite::handshake::HandshakeError;
use tungstenite::handshake::server::ServerHandshake;

use crate::broker::server::{Subprotocol, websocket_config};
use crate::transport::socks5::Socks5;
use crate::transport::websocket::{Upgrade, WsPlan};

use super::Script;

/// `data` cut into pieces whose sizes the script's bytes give (1 to 64 bytes).
fn pieces<'a>(s: &mut Script<'_>, data: &'a [u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let n = usize::from(s.byte() % 64 + 1).min(rest.len());
        let (piece, tail) = rest.split_at(n);
        out.push(piece);
        rest = tail;
    }
    out
}

// -------------------------------------------------------------------------------------------
// socks5

const HOSTS: [&str; 5] = ["10.1.2.3", "::1", "broker.example", "", "x"];

/// A SOCKS5 handshake against arbitrary proxy replies: the first bytes choose the target and
/// the credentials, the next the sizes of the reads, the rest is what the proxy sends.
pub fn socks5(data: &[u8]) {
    let mut s = Script { data };
    let choice = s.byte();
    let split = s.bytes(8);
    let reply = s.data;
    let long_host = "h".repeat(255);
    let host = match usize::from(choice) % (HOSTS.len() + 1) {
        i if i < HOSTS.len() => HOSTS[i],
        _ => long_host.as_str(),
    };
    let auth = (choice & 0x80 != 0).then(|| (b"user".to_vec(), vec![b'p'; usize::from(choice & 0x3f)]));
    let start = || Socks5::new(host, 1883, auth.clone());

    // All at once.
    let mut whole = start();
    let greeting = whole.output();
    assert_eq!(greeting.first(), Some(&5));
    let all = whole.handle_input(reply);
    let whole_leftover = whole.take_leftover();
    if whole.is_done() {
        assert!(all.is_ok());
        assert!(whole_leftover.len() < reply.len(), "a reply was consumed");
        assert!(reply.ends_with(&whole_leftover));
    } else {
        assert!(whole_leftover.is_empty());
    }

    // In pieces: the same outcome, the same bytes left over.
    let mut parts = start();
    let _ = parts.output();
    let mut script = Script { data: split };
    let mut last = None;
    let mut leftover = Vec::new();
    for piece in pieces(&mut script, reply) {
        let r = parts.handle_input(piece);
        leftover.extend(parts.take_leftover());
        let _ = parts.output();
        let failed = r.is_err();
        last = Some(r);
        if failed {
            break;
        }
    }
    assert_eq!(parts.is_done(), whole.is_done());
    if let Some(r) = last {
        assert_eq!(r.is_err(), all.is_err(), "{r:?} in pieces, {all:?} at once");
    }
    assert_eq!(leftover, whole_leftover);
}

// -------------------------------------------------------------------------------------------
// websocket

/// The sample key of RFC 6455 (its accept value is `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`).
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

/// The first byte chooses the side: even, the client reading the server's upgrade response
/// (and the frames after it); odd, the broker reading a client's upgrade request and frames.
pub fn websocket(data: &[u8]) {
    let mut s = Script { data };
    let choice = s.byte();
    let split = s.bytes(8);
    if choice.is_multiple_of(2) {
        client_upgrade(choice, split, s.data);
    } else {
        broker_side(choice, split, s.data);
    }
}

fn client_upgrade(choice: u8, split: &[u8], response: &[u8]) {
    let plan = WsPlan {
        host: "broker.example".into(),
        path: "/mqtt".into(),
        header_limit: if choice & 2 == 0 { 4096 } else { 200 },
    };
    let (mut whole, request) = Upgrade::with_key(&plan, KEY);
    assert!(request.starts_with(b"GET /mqtt HTTP/1.1\r\n"));
    let all = whole.handle_input(response);
    if let Ok(Some(rest)) = &all {
        assert!(response.ends_with(rest));
        assert!(response.len() - rest.len() <= plan.header_limit);
    }
    let (mut parts, _) = Upgrade::with_key(&plan, KEY);
    let mut script = Script { data: split };
    let mut outcome = Ok(None);
    for piece in pieces(&mut script, response) {
        outcome = parts.handle_input(piece);
        if !matches!(outcome, Ok(None)) {
            break;
        }
    }
    match (&all, &outcome) {
        (Ok(None), Ok(None)) | (Err(_), Err(_)) => {}
        (Ok(Some(a)), Ok(Some(b))) => {
            // In pieces, the frames after the response may not all have arrived yet.
            assert!(a.starts_with(b), "{a:?} at once, {b:?} in pieces");
        }
        _ => panic!("{all:?} at once, {outcome:?} in pieces"),
    }
}

/// A peer's bytes in pieces: each read returns at most what is left of the current piece,
/// then `WouldBlock` once before the next piece, as a non-blocking socket does; the end of
/// the input is the end of the stream. What is written is kept.
struct Peer<'a> {
    pieces: std::vec::IntoIter<&'a [u8]>,
    current: &'a [u8],
    written: Vec<u8>,
}

impl Read for Peer<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.current.is_empty() {
            return match self.pieces.next() {
                Some(next) => {
                    self.current = next;
                    Err(io::ErrorKind::WouldBlock.into())
                }
                None => Ok(0),
            };
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = &self.current[n..];
        Ok(n)
    }
}

impl Write for Peer<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn broker_side(choice: u8, split: &[u8], input: &[u8]) {
    let limit = if choice & 2 == 0 {
        None
    } else {
        Some(usize::from(choice) * 8)
    };
    let mut script = Script { data: split };
    let peer = Peer {
        pieces: pieces(&mut script, input).into_iter(),
        current: &[],
        written: Vec::new(),
    };
    let mut mid = ServerHandshake::start(peer, Subprotocol, Some(websocket_config(limit)));
    let mut ws = loop {
        match mid.handshake() {
            Ok(ws) => break ws,
            Err(HandshakeError::Interrupted(next)) => mid = next,
            Err(HandshakeError::Failure(_)) => return,
        }
    };
    assert!(ws.get_ref().written.starts_with(b"HTTP/1.1 101"));
    // Bounded: every successful read takes input.
    for _ in 0..=input.len() {
        match ws.read() {
            Ok(Message::Binary(payload)) => {
                if let Some(limit) = limit {
                    assert!(
                        payload.len() <= limit,
                        "{} bytes beyond the limit {limit}",
                        payload.len()
                    );
                }
            }
            Ok(Message::Text(text)) => {
                if let Some(limit) = limit {
                    assert!(text.len() <= limit);
                }
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return,
        }
    }
}
