//! A scripted fake MQTT server and a recording client, for tests that check exact bytes and
//! callback order in situations a real broker cannot be made to produce.
//!
//! The server is a `TcpListener` on 127.0.0.1 in a thread that runs a script: accept, expect an
//! exact packet, send bytes, close, wait. Every wait has a deadline; a mismatch ends the script
//! with an error naming both byte strings in hex. The client is the library itself, driven
//! through its C API from the test thread; its callbacks append to one ordered event list.

#![allow(dead_code)]
// Shared by several test crates, each using part of it.
#![allow(unreachable_pub)]

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, Once};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ::mosquitto::capi::types::{mosq_opt_arg, mosquitto as Mosq, mosquitto_message, mosquitto_property};
use ::mosquitto::capi::{
    auth, callbacks, client, connect, library, loop_, options, property, publish, subscribe, will,
};

/// How long a script waits for any single expected event.
pub const STEP: Duration = Duration::from_secs(5);

pub const MOSQ_ERR_SUCCESS: c_int = 0;
pub const MOSQ_ERR_PROTOCOL: c_int = 2;
pub const MOSQ_ERR_INVAL: c_int = 3;
pub const MOSQ_ERR_NO_CONN: c_int = 4;
pub const MOSQ_ERR_CONN_REFUSED: c_int = 5;
pub const MOSQ_ERR_CONN_LOST: c_int = 7;
pub const MOSQ_ERR_ERRNO: c_int = 14;
pub const MOSQ_ERR_MALFORMED_UTF8: c_int = 18;
pub const MOSQ_ERR_KEEPALIVE: c_int = 19;
pub const MOSQ_ERR_MALFORMED_PACKET: c_int = 21;
pub const MOSQ_ERR_NOT_SUPPORTED: c_int = 10;
pub const MOSQ_ERR_DUPLICATE_PROPERTY: c_int = 22;
pub const MOSQ_ERR_QOS_NOT_SUPPORTED: c_int = 24;
pub const MOSQ_ERR_OVERSIZE_PACKET: c_int = 25;

pub const MOSQ_LOG_WARNING: c_int = 4;
pub const MOSQ_LOG_ERR: c_int = 8;
pub const MOSQ_LOG_DEBUG: c_int = 16;

pub const V31: c_int = 3;
pub const V311: c_int = 4;
pub const V5: c_int = 5;

const OPT_PROTOCOL_VERSION: c_int = 1;
const OPT_RECEIVE_MAXIMUM: c_int = 4;

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

/// A one-shot signal between the server script and the client side.
#[derive(Default)]
pub struct Gate {
    open: Mutex<bool>,
    cv: Condvar,
}

impl Gate {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.cv.notify_all();
    }

    pub fn is_open(&self) -> bool {
        *self.open.lock().unwrap()
    }

    /// Wait up to `timeout` for the gate to open; returns whether it did.
    pub fn wait(&self, timeout: Duration) -> bool {
        let guard = self.open.lock().unwrap();
        let (guard, _) = self.cv.wait_timeout_while(guard, timeout, |open| !*open).unwrap();
        *guard
    }
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
        let deadline = Instant::now() + timeout;
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
                    if Instant::now() >= deadline {
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
            let left = deadline.saturating_duration_since(Instant::now());
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
        let deadline = Instant::now() + timeout;
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
        self.last_send = Some(Instant::now());
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
        let deadline = Instant::now() + timeout;
        let conn = self.conn()?;
        let mut buf = [0u8; 256];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
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

// ---------------------------------------------------------------------------------------------
// The recording client
// ---------------------------------------------------------------------------------------------

/// One callback invocation (or a note the test added).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ev {
    Connect(c_int),
    ConnectFlags(c_int, c_int),
    ConnectV5(c_int, c_int),
    Disconnect(c_int),
    DisconnectV5(c_int),
    Publish(c_int),
    PublishV5(c_int, c_int),
    Message {
        mid: c_int,
        topic: String,
        payload: Vec<u8>,
        qos: c_int,
        retain: bool,
    },
    Subscribe(c_int, Vec<c_int>),
    Unsubscribe(c_int),
    /// Whether the gate was open (or opened in time) when a message callback ran.
    Gate(bool),
    /// An API call made from inside a callback: (rc, mid).
    PublishCall(c_int, c_int),
    Log(c_int, String),
    /// `on_connect_v5(rc, flags, props)`; `None` stands for a NULL property list.
    ConnectV5Props(c_int, c_int, Option<Vec<Prop>>),
    /// `on_disconnect_v5(rc, props)`.
    DisconnectV5Props(c_int, Option<Vec<Prop>>),
    /// `on_publish_v5(mid, reason, props)`.
    PublishV5Props(c_int, c_int, Option<Vec<Prop>>),
    /// `on_message_v5(message, props)`.
    MessageV5 {
        mid: c_int,
        topic: String,
        payload: Vec<u8>,
        qos: c_int,
        retain: bool,
        props: Option<Vec<Prop>>,
    },
    /// `on_subscribe_v5(mid, granted, props)`.
    SubscribeV5(c_int, Vec<c_int>, Option<Vec<Prop>>),
    /// `on_unsubscribe_v5(mid, props)`.
    UnsubscribeV5(c_int, Option<Vec<Prop>>),
    /// A note a test's own callback recorded.
    Note(String),
}

/// A message event, for comparisons.
pub fn msg(mid: c_int, topic: &str, payload: &[u8], qos: c_int, retain: bool) -> Ev {
    Ev::Message {
        mid,
        topic: topic.into(),
        payload: payload.into(),
        qos,
        retain,
    }
}

/// What the callbacks see through the userdata pointer.
#[derive(Default)]
pub struct Recorder {
    events: Mutex<Vec<Ev>>,
    /// Nonzero `mosquitto_loop` return codes, in order.
    loop_rcs: Mutex<Vec<c_int>>,
    /// When set, the message callback waits for this gate (up to 3 s) and records whether it
    /// opened, before recording the message.
    message_gate: Mutex<Option<Arc<Gate>>>,
}

impl Recorder {
    /// Append an event (also for callbacks a test file defines itself).
    pub fn push(&self, ev: Ev) {
        self.events.lock().unwrap().push(ev);
    }
}

/// The recorder behind a callback's userdata, for callbacks a test file defines itself.
///
/// # Safety
/// `ud` is the userdata of a [`Client`] (its `Recorder`), and the client is alive.
pub unsafe fn recorder<'a>(ud: *mut c_void) -> &'a Recorder {
    // SAFETY: forwarded contract.
    unsafe { rec(ud) }
}

/// # Safety
/// `ud` is the `Recorder` pointer given to `mosquitto_new`.
unsafe fn rec<'a>(ud: *mut c_void) -> &'a Recorder {
    // SAFETY: every client of these tests is created with a live `Recorder` as its userdata,
    // which outlives the client (see `Client::drop`).
    unsafe { &*(ud as *const Recorder) }
}

unsafe extern "C" fn on_connect(_: *mut Mosq, ud: *mut c_void, rc: c_int) {
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::Connect(rc));
}

/// Records the connect callback, then publishes "c" on "t" at QoS 1 from inside it.
unsafe extern "C" fn on_connect_then_publish(mosq: *mut Mosq, ud: *mut c_void, rc: c_int) {
    // SAFETY: userdata is our recorder.
    let r = unsafe { rec(ud) };
    r.push(Ev::Connect(rc));
    let mut mid: c_int = -1;
    // SAFETY: the library passes its own valid client; topic and payload are valid.
    let rc = unsafe {
        publish::mosquitto_publish(mosq, &mut mid, c"t".as_ptr(), 1, c"c".as_ptr().cast(), 1, false)
    };
    r.push(Ev::PublishCall(rc, mid));
}

/// Records the publish callback, then disconnects from inside it.
unsafe extern "C" fn on_publish_then_disconnect(mosq: *mut Mosq, ud: *mut c_void, mid: c_int) {
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::Publish(mid));
    // SAFETY: the library passes its own valid client.
    unsafe { connect::mosquitto_disconnect(mosq) };
}

unsafe extern "C" fn on_connect_flags(_: *mut Mosq, ud: *mut c_void, rc: c_int, flags: c_int) {
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::ConnectFlags(rc, flags));
}

unsafe extern "C" fn on_connect_v5(
    _: *mut Mosq,
    ud: *mut c_void,
    rc: c_int,
    flags: c_int,
    _: *const mosquitto_property,
) {
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::ConnectV5(rc, flags));
}

unsafe extern "C" fn on_disconnect(_: *mut Mosq, ud: *mut c_void, rc: c_int) {
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::Disconnect(rc));
}

unsafe extern "C" fn on_disconnect_v5(
    _: *mut Mosq,
    ud: *mut c_void,
    rc: c_int,
    _: *const mosquitto_property,
) {
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::DisconnectV5(rc));
}

unsafe extern "C" fn on_publish(_: *mut Mosq, ud: *mut c_void, mid: c_int) {
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::Publish(mid));
}

unsafe extern "C" fn on_publish_v5(
    _: *mut Mosq,
    ud: *mut c_void,
    mid: c_int,
    reason: c_int,
    _: *const mosquitto_property,
) {
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::PublishV5(mid, reason));
}

unsafe extern "C" fn on_message(_: *mut Mosq, ud: *mut c_void, m: *const mosquitto_message) {
    // SAFETY: userdata is our recorder.
    let r = unsafe { rec(ud) };
    let gate = r.message_gate.lock().unwrap().clone();
    if let Some(gate) = gate {
        r.push(Ev::Gate(gate.wait(Duration::from_secs(3))));
    }
    // SAFETY: the library passes a valid message for the duration of the call.
    let m = unsafe { &*m };
    let topic = if m.topic.is_null() {
        String::from("<NULL>")
    } else {
        // SAFETY: a non-NULL topic is a NUL-terminated string.
        unsafe { CStr::from_ptr(m.topic) }.to_string_lossy().into_owned()
    };
    let payload = if m.payload.is_null() || m.payloadlen <= 0 {
        Vec::new()
    } else {
        // SAFETY: the payload holds `payloadlen` bytes.
        unsafe { std::slice::from_raw_parts(m.payload as *const u8, m.payloadlen as usize) }.to_vec()
    };
    r.push(Ev::Message {
        mid: m.mid,
        topic,
        payload,
        qos: m.qos,
        retain: m.retain,
    });
}

unsafe extern "C" fn on_subscribe(
    _: *mut Mosq,
    ud: *mut c_void,
    mid: c_int,
    count: c_int,
    granted: *const c_int,
) {
    let granted = if granted.is_null() || count <= 0 {
        Vec::new()
    } else {
        // SAFETY: the library passes `count` granted values.
        unsafe { std::slice::from_raw_parts(granted, count as usize) }.to_vec()
    };
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::Subscribe(mid, granted));
}

unsafe extern "C" fn on_unsubscribe(_: *mut Mosq, ud: *mut c_void, mid: c_int) {
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::Unsubscribe(mid));
}

unsafe extern "C" fn on_log(_: *mut Mosq, ud: *mut c_void, level: c_int, text: *const c_char) {
    // SAFETY: the library passes a NUL-terminated string.
    let text = unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned();
    // SAFETY: userdata is our recorder.
    unsafe { rec(ud) }.push(Ev::Log(level, text));
}

fn lib_init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // SAFETY: plain library initialisation.
        unsafe { library::mosquitto_lib_init() };
    });
}

/// A client of the library under test with every callback recording into a [`Recorder`].
pub struct Client {
    pub mosq: *mut Mosq,
    rec: *mut Recorder,
}

// SAFETY: every API function of the library is thread-safe, and the recorder is
// synchronised; tests only move a client to a helper thread as a whole.
unsafe impl Send for Client {}

impl Client {
    /// `mosquitto_new(id, clean, recorder)` with the given protocol version and all recording
    /// callbacks (connect, disconnect, publish, message, subscribe, unsubscribe, log) set.
    pub fn new(id: Option<&str>, clean: bool, protocol: c_int) -> Self {
        lib_init();
        let rec = Box::into_raw(Box::<Recorder>::default());
        let id = id.map(|s| CString::new(s).unwrap());
        let id_ptr = id.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
        // SAFETY: valid (or NULL) id string; the recorder lives until the client is destroyed.
        let mosq = unsafe { client::mosquitto_new(id_ptr, clean, rec.cast()) };
        assert!(!mosq.is_null(), "mosquitto_new failed");
        let c = Self { mosq, rec };
        if protocol != V311 {
            // SAFETY: valid client.
            let rc =
                unsafe { options::mosquitto_int_option(mosq, mosq_opt_arg(OPT_PROTOCOL_VERSION), protocol) };
            assert_eq!(rc, 0, "setting the protocol version");
        }
        // SAFETY: valid client; the callbacks have the signatures the setters expect.
        unsafe {
            callbacks::mosquitto_connect_callback_set(mosq, Some(on_connect));
            callbacks::mosquitto_disconnect_callback_set(mosq, Some(on_disconnect));
            callbacks::mosquitto_publish_callback_set(mosq, Some(on_publish));
            callbacks::mosquitto_message_callback_set(mosq, Some(on_message));
            callbacks::mosquitto_subscribe_callback_set(mosq, Some(on_subscribe));
            callbacks::mosquitto_unsubscribe_callback_set(mosq, Some(on_unsubscribe));
            callbacks::mosquitto_log_callback_set(mosq, Some(on_log));
        }
        c
    }

    /// Also record `on_connect_with_flags`, `on_connect_v5`, `on_disconnect_v5` and
    /// `on_publish_v5`.
    pub fn with_extra_callbacks(self) -> Self {
        // SAFETY: valid client; the callbacks have the signatures the setters expect.
        unsafe {
            callbacks::mosquitto_connect_with_flags_callback_set(self.mosq, Some(on_connect_flags));
            callbacks::mosquitto_connect_v5_callback_set(self.mosq, Some(on_connect_v5));
            callbacks::mosquitto_disconnect_v5_callback_set(self.mosq, Some(on_disconnect_v5));
            callbacks::mosquitto_publish_v5_callback_set(self.mosq, Some(on_publish_v5));
        }
        self
    }

    /// Make the connect callback publish a QoS 1 message (see [`Ev::PublishCall`]).
    pub fn publish_on_connect(self) -> Self {
        // SAFETY: valid client; the callback has the signature the setter expects.
        unsafe { callbacks::mosquitto_connect_callback_set(self.mosq, Some(on_connect_then_publish)) };
        self
    }

    /// Make the publish callback call `mosquitto_disconnect`.
    pub fn disconnect_on_publish(self) -> Self {
        // SAFETY: valid client; the callback has the signature the setter expects.
        unsafe { callbacks::mosquitto_publish_callback_set(self.mosq, Some(on_publish_then_disconnect)) };
        self
    }

    /// A handle another thread can run `mosquitto_loop_forever` with; the client must outlive
    /// that call.
    pub fn shared(&self) -> SharedClient {
        SharedClient(self.mosq)
    }

    fn recorder(&self) -> &Recorder {
        // SAFETY: the recorder is freed only in `drop`, after the client.
        unsafe { &*self.rec }
    }

    /// Make the message callback wait for `gate` and record whether it opened.
    pub fn gate_messages(&self, gate: Arc<Gate>) {
        *self.recorder().message_gate.lock().unwrap() = Some(gate);
    }

    pub fn connect(&self, port: u16, keepalive: c_int) -> c_int {
        // SAFETY: valid client and host string.
        unsafe { connect::mosquitto_connect(self.mosq, c"127.0.0.1".as_ptr(), c_int::from(port), keepalive) }
    }

    pub fn connect_async(&self, port: u16, keepalive: c_int) -> c_int {
        // SAFETY: valid client and host string.
        unsafe {
            connect::mosquitto_connect_async(self.mosq, c"127.0.0.1".as_ptr(), c_int::from(port), keepalive)
        }
    }

    pub fn reconnect(&self) -> c_int {
        // SAFETY: valid client.
        unsafe { connect::mosquitto_reconnect(self.mosq) }
    }

    pub fn disconnect(&self) -> c_int {
        // SAFETY: valid client.
        unsafe { connect::mosquitto_disconnect(self.mosq) }
    }

    pub fn disconnect_v5(&self, reason: c_int) -> c_int {
        // SAFETY: valid client, no properties.
        unsafe { connect::mosquitto_disconnect_v5(self.mosq, reason, std::ptr::null()) }
    }

    /// `mosquitto_publish`; returns (rc, mid).
    pub fn publish(&self, topic: &str, payload: &[u8], qos: c_int, retain: bool) -> (c_int, c_int) {
        let topic = CString::new(topic).unwrap();
        let mut mid: c_int = -1;
        // SAFETY: valid client, topic and payload.
        let rc = unsafe {
            publish::mosquitto_publish(
                self.mosq,
                &mut mid,
                topic.as_ptr(),
                payload.len() as c_int,
                payload.as_ptr().cast(),
                qos,
                retain,
            )
        };
        (rc, mid)
    }

    /// `mosquitto_subscribe_v5` (options are ignored by the library for 3.x); returns (rc, mid).
    pub fn subscribe(&self, topic: &str, qos: c_int, options: c_int) -> (c_int, c_int) {
        let topic = CString::new(topic).unwrap();
        let mut mid: c_int = -1;
        // SAFETY: valid client and topic, no properties.
        let rc = unsafe {
            subscribe::mosquitto_subscribe_v5(
                self.mosq,
                &mut mid,
                topic.as_ptr(),
                qos,
                options,
                std::ptr::null(),
            )
        };
        (rc, mid)
    }

    /// `mosquitto_subscribe_multiple`; returns (rc, mid).
    pub fn subscribe_multiple(&self, topics: &[&str], qos: c_int, options: c_int) -> (c_int, c_int) {
        let owned: Vec<CString> = topics.iter().map(|t| CString::new(*t).unwrap()).collect();
        let ptrs: Vec<*const c_char> = owned.iter().map(|t| t.as_ptr()).collect();
        let mut mid: c_int = -1;
        // SAFETY: valid client; `ptrs` holds `topics.len()` valid strings.
        let rc = unsafe {
            subscribe::mosquitto_subscribe_multiple(
                self.mosq,
                &mut mid,
                ptrs.len() as c_int,
                ptrs.as_ptr(),
                qos,
                options,
                std::ptr::null(),
            )
        };
        (rc, mid)
    }

    /// `mosquitto_unsubscribe`; returns (rc, mid).
    pub fn unsubscribe(&self, topic: &str) -> (c_int, c_int) {
        let topic = CString::new(topic).unwrap();
        let mut mid: c_int = -1;
        // SAFETY: valid client and topic.
        let rc = unsafe { subscribe::mosquitto_unsubscribe(self.mosq, &mut mid, topic.as_ptr()) };
        (rc, mid)
    }

    pub fn will_set(&self, topic: &str, payload: &[u8], qos: c_int, retain: bool) -> c_int {
        let topic = CString::new(topic).unwrap();
        // SAFETY: valid client, topic and payload.
        unsafe {
            will::mosquitto_will_set(
                self.mosq,
                topic.as_ptr(),
                payload.len() as c_int,
                payload.as_ptr().cast(),
                qos,
                retain,
            )
        }
    }

    pub fn username_pw_set(&self, username: Option<&str>, password: Option<&str>) -> c_int {
        let u = username.map(|s| CString::new(s).unwrap());
        let p = password.map(|s| CString::new(s).unwrap());
        // SAFETY: valid client; strings valid or NULL.
        unsafe {
            auth::mosquitto_username_pw_set(
                self.mosq,
                u.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
                p.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            )
        }
    }

    pub fn max_inflight(&self, n: u32) -> c_int {
        // SAFETY: valid client.
        unsafe { options::mosquitto_max_inflight_messages_set(self.mosq, n) }
    }

    pub fn receive_maximum(&self, n: c_int) -> c_int {
        // SAFETY: valid client.
        unsafe { options::mosquitto_int_option(self.mosq, mosq_opt_arg(OPT_RECEIVE_MAXIMUM), n) }
    }

    pub fn reconnect_delay(&self, delay: u32, max: u32) -> c_int {
        // SAFETY: valid client.
        unsafe { options::mosquitto_reconnect_delay_set(self.mosq, delay, max, false) }
    }

    pub fn loop_start(&self) -> c_int {
        // SAFETY: valid client.
        unsafe { loop_::mosquitto_loop_start(self.mosq) }
    }

    pub fn loop_stop(&self, force: bool) -> c_int {
        // SAFETY: valid client.
        unsafe { loop_::mosquitto_loop_stop(self.mosq, force) }
    }

    /// One `mosquitto_loop(timeout_ms, 1)` pass; nonzero results are recorded.
    pub fn loop_once(&self, timeout_ms: c_int) -> c_int {
        // SAFETY: valid client.
        let rc = unsafe { loop_::mosquitto_loop(self.mosq, timeout_ms, 1) };
        if rc != 0 {
            self.recorder().loop_rcs.lock().unwrap().push(rc);
        }
        rc
    }

    /// One `mosquitto_loop_read(mosq, 1)`; nonzero results are recorded.
    pub fn loop_read(&self) -> c_int {
        // SAFETY: valid client.
        let rc = unsafe { loop_::mosquitto_loop_read(self.mosq, 1) };
        if rc != 0 {
            self.recorder().loop_rcs.lock().unwrap().push(rc);
        }
        rc
    }

    /// Drive `mosquitto_loop` until `pred` holds for the events (logs excluded) or `timeout`
    /// passes; returns whether `pred` held. Without a connection the loop returns at once, so
    /// then this sleeps a little between passes.
    pub fn run_until(&self, timeout: Duration, pred: impl Fn(&[Ev]) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if pred(&self.events()) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            let rc = self.loop_once(20);
            if rc == MOSQ_ERR_NO_CONN {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// Drive `mosquitto_loop` for `dur`.
    pub fn run_for(&self, dur: Duration) {
        self.run_until(dur, |_| false);
    }

    /// Wait (without driving the loop: a loop thread does that) until `pred` holds.
    pub fn wait_until(&self, timeout: Duration, pred: impl Fn(&[Ev]) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if pred(&self.events()) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Every event except log lines, in order.
    pub fn events(&self) -> Vec<Ev> {
        self.recorder()
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| !matches!(e, Ev::Log(..)))
            .cloned()
            .collect()
    }

    /// Every event including log lines, in order.
    pub fn all_events(&self) -> Vec<Ev> {
        self.recorder().events.lock().unwrap().clone()
    }

    /// The log lines, in order.
    pub fn logs(&self) -> Vec<(c_int, String)> {
        self.recorder()
            .events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                Ev::Log(l, t) => Some((*l, t.clone())),
                _ => None,
            })
            .collect()
    }

    /// Whether a log line equal to `text` was recorded at `level`.
    pub fn logged(&self, level: c_int, text: &str) -> bool {
        self.logs().iter().any(|(l, t)| *l == level && t == text)
    }

    /// The nonzero `mosquitto_loop` results, in order.
    pub fn loop_rcs(&self) -> Vec<c_int> {
        self.recorder().loop_rcs.lock().unwrap().clone()
    }

    /// The disconnect callback codes, in order.
    pub fn disconnects(&self) -> Vec<c_int> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Ev::Disconnect(rc) => Some(rc),
                _ => None,
            })
            .collect()
    }

    /// A readable dump of every event, for assertion messages.
    pub fn dump(&self) -> String {
        let mut s = String::new();
        for e in self.all_events() {
            s.push_str(&format!("\n    {e:?}"));
        }
        s
    }
}

/// The raw client pointer, to run the blocking loop in another thread while the test thread
/// keeps the [`Client`] (and may call its thread-safe functions, such as disconnect).
pub struct SharedClient(*mut Mosq);

// SAFETY: every API function of the library is thread-safe; the owner keeps the client alive
// until the thread using this has ended.
unsafe impl Send for SharedClient {}

impl SharedClient {
    /// `mosquitto_loop_forever(mosq, timeout_ms, 1)`.
    pub fn loop_forever(&self, timeout_ms: c_int) -> c_int {
        // SAFETY: the client is alive (see the type's contract).
        unsafe { loop_::mosquitto_loop_forever(self.0, timeout_ms, 1) }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // SAFETY: the client was created by `mosquitto_new` and is destroyed once; destroy
        // stops a loop thread, so no callback can run afterwards and the recorder can go.
        unsafe {
            client::mosquitto_destroy(self.mosq);
            drop(Box::from_raw(self.rec));
        }
    }
}

/// Whether `events` contains `ev`.
pub fn has(events: &[Ev], ev: &Ev) -> bool {
    events.contains(ev)
}

/// Whether `events` contains a disconnect callback.
pub fn disconnected(events: &[Ev]) -> bool {
    events.iter().any(|e| matches!(e, Ev::Disconnect(_)))
}

// ---------------------------------------------------------------------------------------------
// MQTT v5 properties
// ---------------------------------------------------------------------------------------------

pub const PROP_PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
pub const PROP_MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
pub const PROP_CONTENT_TYPE: u8 = 0x03;
pub const PROP_RESPONSE_TOPIC: u8 = 0x08;
pub const PROP_CORRELATION_DATA: u8 = 0x09;
pub const PROP_SUBSCRIPTION_IDENTIFIER: u8 = 0x0b;
pub const PROP_SESSION_EXPIRY_INTERVAL: u8 = 0x11;
pub const PROP_ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
pub const PROP_SERVER_KEEP_ALIVE: u8 = 0x13;
pub const PROP_AUTHENTICATION_METHOD: u8 = 0x15;
pub const PROP_AUTHENTICATION_DATA: u8 = 0x16;
pub const PROP_REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
pub const PROP_WILL_DELAY_INTERVAL: u8 = 0x18;
pub const PROP_REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
pub const PROP_RESPONSE_INFORMATION: u8 = 0x1a;
pub const PROP_SERVER_REFERENCE: u8 = 0x1c;
pub const PROP_REASON_STRING: u8 = 0x1f;
pub const PROP_RECEIVE_MAXIMUM: u8 = 0x21;
pub const PROP_TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
pub const PROP_TOPIC_ALIAS: u8 = 0x23;
pub const PROP_MAXIMUM_QOS: u8 = 0x24;
pub const PROP_RETAIN_AVAILABLE: u8 = 0x25;
pub const PROP_USER_PROPERTY: u8 = 0x26;
pub const PROP_MAXIMUM_PACKET_SIZE: u8 = 0x27;
pub const PROP_WILDCARD_SUB_AVAILABLE: u8 = 0x28;
pub const PROP_SUBSCRIPTION_ID_AVAILABLE: u8 = 0x29;
pub const PROP_SHARED_SUB_AVAILABLE: u8 = 0x2a;

/// One property as a callback read it back through `mosquitto_property_read_*`: the identifier
/// and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prop {
    Byte(u8, u8),
    Int16(u8, u16),
    Int32(u8, u32),
    VarInt(u8, u32),
    Binary(u8, Vec<u8>),
    Str(u8, String),
    Pair(u8, String, String),
    /// An identifier this module does not know the type of.
    Unknown(c_int),
}

/// The value type of a property identifier.
#[derive(Clone, Copy)]
enum PropKind {
    Byte,
    Int16,
    Int32,
    VarInt,
    Binary,
    Str,
    Pair,
}

fn prop_kind(id: u8) -> Option<PropKind> {
    Some(match id {
        0x01 | 0x17 | 0x19 | 0x24 | 0x25 | 0x28 | 0x29 | 0x2a => PropKind::Byte,
        0x13 | 0x21 | 0x22 | 0x23 => PropKind::Int16,
        0x02 | 0x11 | 0x18 | 0x27 => PropKind::Int32,
        0x0b => PropKind::VarInt,
        0x09 | 0x16 => PropKind::Binary,
        0x03 | 0x08 | 0x12 | 0x15 | 0x1a | 0x1c | 0x1f => PropKind::Str,
        0x26 => PropKind::Pair,
        _ => return None,
    })
}

/// Take a string the library allocated with the C allocator.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string from `malloc`, not used afterwards.
unsafe fn take_c_string(p: *mut c_char) -> String {
    if p.is_null() {
        return String::from("<NULL>");
    }
    // SAFETY: a NUL-terminated string (contract).
    let s = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    // SAFETY: allocated with the C allocator and handed to the caller.
    unsafe { libc::free(p.cast()) };
    s
}

/// Read one property node with the `mosquitto_property_read_*` function of its type. The search
/// starts at the node itself, so it finds that node.
///
/// # Safety
/// `node` is a node of a live property list.
unsafe fn read_prop(node: *const mosquitto_property) -> Result<Prop, String> {
    // SAFETY: a valid node (contract).
    let id_int = unsafe { property::mosquitto_property_identifier(node) };
    let Ok(id) = u8::try_from(id_int) else {
        return Ok(Prop::Unknown(id_int));
    };
    let Some(kind) = prop_kind(id) else {
        return Ok(Prop::Unknown(id_int));
    };
    let found: *const mosquitto_property;
    // SAFETY: every call below gets the valid `node` and writable locals.
    let prop = unsafe {
        match kind {
            PropKind::Byte => {
                let mut v = 0u8;
                found = property::mosquitto_property_read_byte(node, id_int, &mut v, false);
                Prop::Byte(id, v)
            }
            PropKind::Int16 => {
                let mut v = 0u16;
                found = property::mosquitto_property_read_int16(node, id_int, &mut v, false);
                Prop::Int16(id, v)
            }
            PropKind::Int32 => {
                let mut v = 0u32;
                found = property::mosquitto_property_read_int32(node, id_int, &mut v, false);
                Prop::Int32(id, v)
            }
            PropKind::VarInt => {
                let mut v = 0u32;
                found = property::mosquitto_property_read_varint(node, id_int, &mut v, false);
                Prop::VarInt(id, v)
            }
            PropKind::Binary => {
                let mut v: *mut c_void = std::ptr::null_mut();
                let mut len = 0u16;
                found = property::mosquitto_property_read_binary(node, id_int, &mut v, &mut len, false);
                let data = if v.is_null() {
                    Vec::new()
                } else {
                    let d = std::slice::from_raw_parts(v as *const u8, usize::from(len)).to_vec();
                    libc::free(v);
                    d
                };
                Prop::Binary(id, data)
            }
            PropKind::Str => {
                let mut v: *mut c_char = std::ptr::null_mut();
                found = property::mosquitto_property_read_string(node, id_int, &mut v, false);
                Prop::Str(id, take_c_string(v))
            }
            PropKind::Pair => {
                let mut n: *mut c_char = std::ptr::null_mut();
                let mut v: *mut c_char = std::ptr::null_mut();
                found = property::mosquitto_property_read_string_pair(node, id_int, &mut n, &mut v, false);
                Prop::Pair(id, take_c_string(n), take_c_string(v))
            }
        }
    };
    if found != node {
        return Err(format!(
            "reading property {id:#04x} from its own node returned {found:?}, not the node {node:?}"
        ));
    }
    Ok(prop)
}

/// Walk a property list with `mosquitto_property_next` and read every node back; `None` for a
/// NULL list. A read that does not find its own node panics (the library is then broken).
///
/// # Safety
/// `list` is NULL or a live property list.
pub unsafe fn read_props(list: *const mosquitto_property) -> Option<Vec<Prop>> {
    if list.is_null() {
        return None;
    }
    let mut out = Vec::new();
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: a node of the list (contract).
        match unsafe { read_prop(cur) } {
            Ok(p) => out.push(p),
            Err(e) => panic!("{e}"),
        }
        // SAFETY: a node of the list.
        cur = unsafe { property::mosquitto_property_next(cur) };
        assert!(out.len() < 10_000, "property list does not end");
    }
    Some(out)
}

/// A property list built with the `mosquitto_property_add_*` functions, freed on drop.
pub struct Props(*mut mosquitto_property);

impl Default for Props {
    fn default() -> Self {
        Self::new()
    }
}

impl Props {
    pub fn new() -> Self {
        Self(std::ptr::null_mut())
    }

    fn check(self, rc: c_int, what: &str) -> Self {
        assert_eq!(rc, MOSQ_ERR_SUCCESS, "mosquitto_property_add_{what}");
        self
    }

    pub fn byte(mut self, id: u8, v: u8) -> Self {
        // SAFETY: `self.0` is NULL or a list built by the library.
        let rc = unsafe { property::mosquitto_property_add_byte(&mut self.0, c_int::from(id), v) };
        self.check(rc, "byte")
    }

    pub fn int16(mut self, id: u8, v: u16) -> Self {
        // SAFETY: as above.
        let rc = unsafe { property::mosquitto_property_add_int16(&mut self.0, c_int::from(id), v) };
        self.check(rc, "int16")
    }

    pub fn int32(mut self, id: u8, v: u32) -> Self {
        // SAFETY: as above.
        let rc = unsafe { property::mosquitto_property_add_int32(&mut self.0, c_int::from(id), v) };
        self.check(rc, "int32")
    }

    pub fn varint(mut self, id: u8, v: u32) -> Self {
        // SAFETY: as above.
        let rc = unsafe { property::mosquitto_property_add_varint(&mut self.0, c_int::from(id), v) };
        self.check(rc, "varint")
    }

    pub fn binary(mut self, id: u8, v: &[u8]) -> Self {
        let len = u16::try_from(v.len()).expect("binary property too long");
        // SAFETY: as above; `v` has `len` readable bytes.
        let rc = unsafe {
            property::mosquitto_property_add_binary(&mut self.0, c_int::from(id), v.as_ptr().cast(), len)
        };
        self.check(rc, "binary")
    }

    pub fn string(mut self, id: u8, v: &str) -> Self {
        let v = CString::new(v).unwrap();
        // SAFETY: as above; a NUL-terminated string.
        let rc = unsafe { property::mosquitto_property_add_string(&mut self.0, c_int::from(id), v.as_ptr()) };
        self.check(rc, "string")
    }

    pub fn pair(mut self, id: u8, name: &str, value: &str) -> Self {
        let n = CString::new(name).unwrap();
        let v = CString::new(value).unwrap();
        // SAFETY: as above; NUL-terminated strings.
        let rc = unsafe {
            property::mosquitto_property_add_string_pair(&mut self.0, c_int::from(id), n.as_ptr(), v.as_ptr())
        };
        self.check(rc, "string_pair")
    }

    pub fn user(self, name: &str, value: &str) -> Self {
        self.pair(PROP_USER_PROPERTY, name, value)
    }

    pub fn ptr(&self) -> *const mosquitto_property {
        self.0
    }

    /// Give the list away (to a function that takes ownership of it).
    pub fn into_raw(self) -> *mut mosquitto_property {
        let p = self.0;
        std::mem::forget(self);
        p
    }
}

impl Drop for Props {
    fn drop(&mut self) {
        // SAFETY: NULL or a list built by the library, owned by us.
        unsafe { property::mosquitto_property_free_all(&mut self.0) };
    }
}

/// The `Ev::Message` fields of a message, with the props of an `Ev::MessageV5`.
///
/// # Safety
/// `m` is a valid message and `props` NULL or a live list.
unsafe fn message_v5_event(m: *const mosquitto_message, props: *const mosquitto_property) -> Ev {
    // SAFETY: a valid message for the duration of the call (contract).
    let m = unsafe { &*m };
    let topic = if m.topic.is_null() {
        String::from("<NULL>")
    } else {
        // SAFETY: a non-NULL topic is a NUL-terminated string.
        unsafe { CStr::from_ptr(m.topic) }.to_string_lossy().into_owned()
    };
    let payload = if m.payload.is_null() || m.payloadlen <= 0 {
        Vec::new()
    } else {
        // SAFETY: the payload holds `payloadlen` bytes.
        unsafe { std::slice::from_raw_parts(m.payload as *const u8, m.payloadlen as usize) }.to_vec()
    };
    Ev::MessageV5 {
        mid: m.mid,
        topic,
        payload,
        qos: m.qos,
        retain: m.retain,
        // SAFETY: forwarded contract.
        props: unsafe { read_props(props) },
    }
}

unsafe extern "C" fn on_connect_v5_props(
    _: *mut Mosq,
    ud: *mut c_void,
    rc: c_int,
    flags: c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: userdata is our recorder; the list lives for the call.
    unsafe { rec(ud).push(Ev::ConnectV5Props(rc, flags, read_props(props))) };
}

unsafe extern "C" fn on_disconnect_v5_props(
    _: *mut Mosq,
    ud: *mut c_void,
    rc: c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: userdata is our recorder; the list lives for the call.
    unsafe { rec(ud).push(Ev::DisconnectV5Props(rc, read_props(props))) };
}

unsafe extern "C" fn on_publish_v5_props(
    _: *mut Mosq,
    ud: *mut c_void,
    mid: c_int,
    reason: c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: userdata is our recorder; the list lives for the call.
    unsafe { rec(ud).push(Ev::PublishV5Props(mid, reason, read_props(props))) };
}

unsafe extern "C" fn on_message_v5_props(
    _: *mut Mosq,
    ud: *mut c_void,
    m: *const mosquitto_message,
    props: *const mosquitto_property,
) {
    // SAFETY: userdata is our recorder; message and list live for the call.
    unsafe { rec(ud).push(message_v5_event(m, props)) };
}

unsafe extern "C" fn on_subscribe_v5_props(
    _: *mut Mosq,
    ud: *mut c_void,
    mid: c_int,
    count: c_int,
    granted: *const c_int,
    props: *const mosquitto_property,
) {
    let granted = if granted.is_null() || count <= 0 {
        Vec::new()
    } else {
        // SAFETY: the library passes `count` granted values.
        unsafe { std::slice::from_raw_parts(granted, count as usize) }.to_vec()
    };
    // SAFETY: userdata is our recorder; the list lives for the call.
    unsafe { rec(ud).push(Ev::SubscribeV5(mid, granted, read_props(props))) };
}

unsafe extern "C" fn on_unsubscribe_v5_props(
    _: *mut Mosq,
    ud: *mut c_void,
    mid: c_int,
    props: *const mosquitto_property,
) {
    // SAFETY: userdata is our recorder; the list lives for the call.
    unsafe { rec(ud).push(Ev::UnsubscribeV5(mid, read_props(props))) };
}

impl Client {
    /// Also record every v5 callback with its properties read back ([`Ev::ConnectV5Props`],
    /// [`Ev::DisconnectV5Props`], [`Ev::PublishV5Props`], [`Ev::MessageV5`],
    /// [`Ev::SubscribeV5`], [`Ev::UnsubscribeV5`]).
    pub fn with_v5_callbacks(self) -> Self {
        // SAFETY: valid client; the callbacks have the signatures the setters expect.
        unsafe {
            callbacks::mosquitto_connect_v5_callback_set(self.mosq, Some(on_connect_v5_props));
            callbacks::mosquitto_disconnect_v5_callback_set(self.mosq, Some(on_disconnect_v5_props));
            callbacks::mosquitto_publish_v5_callback_set(self.mosq, Some(on_publish_v5_props));
            callbacks::mosquitto_message_v5_callback_set(self.mosq, Some(on_message_v5_props));
            callbacks::mosquitto_subscribe_v5_callback_set(self.mosq, Some(on_subscribe_v5_props));
            callbacks::mosquitto_unsubscribe_v5_callback_set(self.mosq, Some(on_unsubscribe_v5_props));
        }
        self
    }

    /// `mosquitto_connect_bind_v5(mosq, "127.0.0.1", port, keepalive, NULL, props)`.
    pub fn connect_v5(&self, port: u16, keepalive: c_int, props: *const mosquitto_property) -> c_int {
        // SAFETY: valid client and host string; `props` is NULL or a live list.
        unsafe {
            connect::mosquitto_connect_bind_v5(
                self.mosq,
                c"127.0.0.1".as_ptr(),
                c_int::from(port),
                keepalive,
                std::ptr::null(),
                props,
            )
        }
    }

    /// `mosquitto_publish_v5` (`topic` `None` is NULL); returns (rc, mid), mid -1 when the
    /// library did not write it.
    pub fn publish_v5(
        &self,
        topic: Option<&str>,
        payload: &[u8],
        qos: c_int,
        retain: bool,
        props: *const mosquitto_property,
    ) -> (c_int, c_int) {
        let topic = topic.map(|t| CString::new(t).unwrap());
        let mut mid: c_int = -1;
        // SAFETY: valid client, topic (or NULL), payload and list (or NULL).
        let rc = unsafe {
            publish::mosquitto_publish_v5(
                self.mosq,
                &mut mid,
                topic.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()),
                payload.len() as c_int,
                payload.as_ptr().cast(),
                qos,
                retain,
                props,
            )
        };
        (rc, mid)
    }

    /// `mosquitto_subscribe_multiple` with properties; returns (rc, mid).
    pub fn subscribe_v5(
        &self,
        topics: &[&str],
        qos: c_int,
        options: c_int,
        props: *const mosquitto_property,
    ) -> (c_int, c_int) {
        let owned: Vec<CString> = topics.iter().map(|t| CString::new(*t).unwrap()).collect();
        let ptrs: Vec<*const c_char> = owned.iter().map(|t| t.as_ptr()).collect();
        let mut mid: c_int = -1;
        // SAFETY: valid client; `ptrs` holds `topics.len()` valid strings; list or NULL.
        let rc = unsafe {
            subscribe::mosquitto_subscribe_multiple(
                self.mosq,
                &mut mid,
                ptrs.len() as c_int,
                ptrs.as_ptr(),
                qos,
                options,
                props,
            )
        };
        (rc, mid)
    }

    /// `mosquitto_unsubscribe_multiple` with properties; returns (rc, mid).
    pub fn unsubscribe_v5(&self, topics: &[&str], props: *const mosquitto_property) -> (c_int, c_int) {
        let owned: Vec<CString> = topics.iter().map(|t| CString::new(*t).unwrap()).collect();
        let ptrs: Vec<*const c_char> = owned.iter().map(|t| t.as_ptr()).collect();
        let mut mid: c_int = -1;
        // SAFETY: valid client; `ptrs` holds `topics.len()` valid strings; list or NULL.
        let rc = unsafe {
            subscribe::mosquitto_unsubscribe_multiple(
                self.mosq,
                &mut mid,
                ptrs.len() as c_int,
                ptrs.as_ptr(),
                props,
            )
        };
        (rc, mid)
    }

    /// `mosquitto_disconnect_v5(mosq, reason, props)`.
    pub fn disconnect_v5_with(&self, reason: c_int, props: *const mosquitto_property) -> c_int {
        // SAFETY: valid client; list or NULL.
        unsafe { connect::mosquitto_disconnect_v5(self.mosq, reason, props) }
    }

    /// `mosquitto_will_set_v5`. On success the library owns `props`.
    pub fn will_set_v5(
        &self,
        topic: &str,
        payload: &[u8],
        qos: c_int,
        retain: bool,
        props: *mut mosquitto_property,
    ) -> c_int {
        let topic = CString::new(topic).unwrap();
        // SAFETY: valid client, topic and payload; list or NULL.
        unsafe {
            will::mosquitto_will_set_v5(
                self.mosq,
                topic.as_ptr(),
                payload.len() as c_int,
                payload.as_ptr().cast(),
                qos,
                retain,
                props,
            )
        }
    }
}
