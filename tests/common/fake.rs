//! A scripted fake MQTT server, for tests that check exact bytes and callback order in
//! situations a real broker cannot be made to produce.
//!
//! The server is a `TcpListener` on 127.0.0.1 in a thread that runs a script: accept, expect an
//! exact packet, send bytes, close, wait. Every wait has a deadline; a mismatch ends the script
//! with an error naming both byte strings in hex. The client is the library itself, driven
//! through its C API from the test thread ([`super::client::Client`]).

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Gate, now};

/// How long a script waits for any single expected event.
pub const STEP: Duration = Duration::from_secs(5);

/// Bytes as `10 0c 00 04 ...`.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The fake server
// ---------------------------------------------------------------------------------------------

pub type ScriptResult = Result<(), String>;

/// The server side of a script: one listener, the current connection.
pub struct Peer {
    listener: TcpListener,
    conn: Option<TcpStream>,
    /// A connection of our own that fills the listener's queue (see
    /// [`FakeServer::start_blockable`]).
    blocker: Option<TcpStream>,
    /// When the last packet was sent (for timing checks).
    pub last_send: Option<Instant>,
}

impl Peer {
    /// Accept the next connection (within [`STEP`]).
    pub fn accept(&mut self) -> ScriptResult {
        self.accept_within(STEP)
    }

    /// Accept the next connection within `timeout`.
    pub fn accept_within(&mut self, timeout: Duration) -> ScriptResult {
        let deadline = now() + timeout;
        self.listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).map_err(|e| e.to_string())?;
                    stream.set_nodelay(true).map_err(|e| e.to_string())?;
                    self.conn = Some(stream);
                    return Ok(());
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if now() >= deadline {
                        return Err("no connection accepted within the time limit".into());
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(format!("accept failed: {e}")),
            }
        }
    }

    /// Make new connections hang in `connect()`: fill the listener's one-place queue with a
    /// connection of our own, so the kernel drops the client's SYNs until
    /// [`Peer::unblock_connections`] (the client's TCP then retries after 1, 3, 7... s).
    /// Needs a server started with [`FakeServer::start_blockable`].
    pub fn block_connections(&mut self) -> ScriptResult {
        let addr = self.listener.local_addr().map_err(|e| e.to_string())?;
        let blocker = TcpStream::connect(addr).map_err(|e| format!("blocking connection: {e}"))?;
        self.blocker = Some(blocker);
        Ok(())
    }

    /// Let connections through again: take our own connection off the queue.
    pub fn unblock_connections(&mut self) -> ScriptResult {
        if self.blocker.take().is_some() {
            self.listener.set_nonblocking(false).map_err(|e| e.to_string())?;
            let (blocked, _) = self.listener.accept().map_err(|e| e.to_string())?;
            drop(blocked);
        }
        Ok(())
    }

    /// Check that no client connects for `dur`.
    pub fn expect_no_connection(&mut self, dur: Duration) -> ScriptResult {
        match self.accept_within(dur) {
            Ok(()) => {
                let mut buf = [0u8; 256];
                let conn = self.conn()?;
                conn.set_read_timeout(Some(Duration::from_millis(100)))
                    .map_err(|e| e.to_string())?;
                let n = conn.read(&mut buf).unwrap_or(0);
                Err(format!(
                    "a connection was made where none was expected (it sent {})",
                    hex(&buf[..n])
                ))
            }
            Err(_) => Ok(()),
        }
    }

    fn conn(&mut self) -> Result<&mut TcpStream, String> {
        self.conn.as_mut().ok_or_else(|| "no connection".to_string())
    }

    /// Read exactly `buf.len()` bytes before `deadline`.
    fn read_exact_by(&mut self, buf: &mut [u8], deadline: Instant, what: &str) -> ScriptResult {
        let conn = self.conn()?;
        let mut got = 0;
        while got < buf.len() {
            let left = deadline.saturating_duration_since(now());
            if left.is_zero() {
                return Err(format!("timed out reading {what} (got {})", hex(&buf[..got])));
            }
            conn.set_read_timeout(Some(left)).map_err(|e| e.to_string())?;
            match conn.read(&mut buf[got..]) {
                Ok(0) => {
                    return Err(format!(
                        "connection closed while reading {what} (got {})",
                        hex(&buf[..got])
                    ));
                }
                Ok(n) => got += n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(format!("timed out reading {what} (got {})", hex(&buf[..got])));
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("read error while reading {what}: {e}")),
            }
        }
        Ok(())
    }

    /// Read one complete MQTT packet (fixed header included) within `timeout`.
    pub fn read_packet_within(&mut self, timeout: Duration) -> Result<Vec<u8>, String> {
        let deadline = now() + timeout;
        let mut packet = vec![0u8];
        self.read_exact_by(&mut packet[..1], deadline, "a packet")?;
        let mut remaining: usize = 0;
        let mut mult = 1usize;
        for i in 0..4 {
            let mut b = [0u8];
            self.read_exact_by(&mut b, deadline, "a remaining length")?;
            packet.push(b[0]);
            remaining += usize::from(b[0] & 0x7f) * mult;
            mult *= 128;
            if b[0] & 0x80 == 0 {
                break;
            }
            if i == 3 {
                return Err(format!(
                    "client sent a malformed remaining length: {}",
                    hex(&packet)
                ));
            }
        }
        let start = packet.len();
        packet.resize(start + remaining, 0);
        self.read_exact_by(&mut packet[start..], deadline, "a packet body")?;
        Ok(packet)
    }

    /// Read one complete packet within [`STEP`].
    pub fn read_packet(&mut self) -> Result<Vec<u8>, String> {
        self.read_packet_within(STEP)
    }

    /// Read one packet and compare it with `want`.
    pub fn expect(&mut self, want: &[u8]) -> ScriptResult {
        let got = self
            .read_packet()
            .map_err(|e| format!("expected {}: {e}", hex(want)))?;
        if got != want {
            return Err(format!(
                "packet mismatch\n  expected: {}\n  received: {}",
                hex(want),
                hex(&got)
            ));
        }
        Ok(())
    }

    /// Read one packet and check it is a CONNECT; returns it.
    pub fn expect_connect(&mut self) -> Result<Vec<u8>, String> {
        let got = self.read_packet().map_err(|e| format!("expected CONNECT: {e}"))?;
        if got[0] != 0x10 {
            return Err(format!("expected CONNECT, received {}", hex(&got)));
        }
        Ok(got)
    }

    /// Accept a connection, read its CONNECT and answer with `connack`.
    pub fn handshake_with(&mut self, connack: &[u8]) -> Result<Vec<u8>, String> {
        self.accept()?;
        let connect = self.expect_connect()?;
        self.send(connack)?;
        Ok(connect)
    }

    /// Accept a connection, read its CONNECT and accept it (`20 02 00 00`).
    pub fn handshake(&mut self) -> Result<Vec<u8>, String> {
        self.handshake_with(&[0x20, 0x02, 0x00, 0x00])
    }

    /// Send bytes as they are.
    pub fn send(&mut self, bytes: &[u8]) -> ScriptResult {
        let conn = self.conn()?;
        conn.write_all(bytes)
            .map_err(|e| format!("send {} failed: {e}", hex(bytes)))?;
        conn.flush().map_err(|e| e.to_string())?;
        self.last_send = Some(now());
        Ok(())
    }

    /// Check that nothing arrives for `dur` (and the connection stays open).
    pub fn expect_silence(&mut self, dur: Duration) -> ScriptResult {
        let conn = self.conn()?;
        conn.set_read_timeout(Some(dur)).map_err(|e| e.to_string())?;
        let mut buf = [0u8; 256];
        match conn.read(&mut buf) {
            Ok(0) => Err("connection closed where silence was expected".into()),
            Ok(n) => Err(format!(
                "unexpected bytes where silence was expected: {}",
                hex(&buf[..n])
            )),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(()),
            Err(e) => Err(format!("read error where silence was expected: {e}")),
        }
    }

    /// Check that the client closes the connection within `timeout`, sending nothing more.
    pub fn expect_eof_within(&mut self, timeout: Duration) -> ScriptResult {
        let deadline = now() + timeout;
        let conn = self.conn()?;
        let mut buf = [0u8; 256];
        loop {
            let left = deadline.saturating_duration_since(now());
            if left.is_zero() {
                return Err("the client did not close the connection in time".into());
            }
            conn.set_read_timeout(Some(left)).map_err(|e| e.to_string())?;
            match conn.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => return Err(format!("unexpected bytes instead of a close: {}", hex(&buf[..n]))),
                Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err("the client did not close the connection in time".into());
                }
                Err(e) => return Err(format!("read error while waiting for a close: {e}")),
            }
        }
        self.conn = None;
        Ok(())
    }

    /// Check that the client closes the connection within [`STEP`].
    pub fn expect_eof(&mut self) -> ScriptResult {
        self.expect_eof_within(STEP)
    }

    /// Close the connection from the server side.
    pub fn close(&mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = conn.shutdown(Shutdown::Both);
        }
    }
}

/// A fake server running a script in its own thread.
///
/// When the script ends, an open connection stays open until the test collects the result
/// ([`FakeServer::finish`]), so the client never sees a close the script did not ask for.
pub struct FakeServer {
    port: u16,
    handle: Option<JoinHandle<ScriptResult>>,
    release: Arc<Gate>,
}

/// How long a finished script keeps its connection open waiting for the test.
const HOLD: Duration = Duration::from_secs(20);

impl FakeServer {
    /// Bind 127.0.0.1:0 and run `script` in a thread.
    pub fn start(script: impl FnOnce(&mut Peer) -> ScriptResult + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        Self::run(listener, script)
    }

    /// Like [`FakeServer::start`], with a listener whose queue holds one connection, so that
    /// the script can make connection attempts hang ([`Peer::block_connections`]).
    pub fn start_blockable(script: impl FnOnce(&mut Peer) -> ScriptResult + Send + 'static) -> Self {
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
        let addr: std::net::SocketAddr = "127.0.0.1:0".parse().expect("address");
        socket.bind(&addr.into()).expect("bind 127.0.0.1:0");
        // Backlog 0: Linux queues one connection and drops further SYNs.
        socket.listen(0).expect("listen");
        Self::run(socket.into(), script)
    }

    fn run(listener: TcpListener, script: impl FnOnce(&mut Peer) -> ScriptResult + Send + 'static) -> Self {
        let port = listener.local_addr().expect("local address").port();
        let release = Gate::new();
        let hold = release.clone();
        let handle = std::thread::spawn(move || {
            let mut peer = Peer {
                listener,
                conn: None,
                blocker: None,
                last_send: None,
            };
            let r = script(&mut peer);
            if peer.conn.is_some() {
                hold.wait(HOLD);
            }
            peer.close();
            r
        });
        Self {
            port,
            handle: Some(handle),
            release,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Wait for the script to end (it is bounded by its own timeouts) and return its result.
    pub fn finish(mut self) -> ScriptResult {
        let handle = self.handle.take().expect("script handle");
        self.release.open();
        match handle.join() {
            Ok(r) => r,
            Err(_) => Err("the server script panicked".into()),
        }
    }

    /// Wait for the script and panic with its error, if any.
    pub fn check(self) {
        if let Err(e) = self.finish() {
            panic!("fake server: {e}");
        }
    }
}

impl Drop for FakeServer {
    /// When a test fails before checking the script, show what the server saw: that is often
    /// the reason. The script ends by itself within its timeouts.
    fn drop(&mut self) {
        self.release.open();
        if let Some(handle) = self.handle.take() {
            if std::thread::panicking() {
                match handle.join() {
                    Ok(Ok(())) => eprintln!("fake server: script completed"),
                    Ok(Err(e)) => eprintln!("fake server: {e}"),
                    Err(_) => eprintln!("fake server: the script panicked"),
                }
            }
        }
    }
}
