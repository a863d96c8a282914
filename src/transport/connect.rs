//! Opening a connection in stages: TCP (or a Unix-domain socket), then optionally a SOCKS5
//! proxy handshake, then optionally TLS.

use std::io;
use std::sync::Arc;
#[cfg(any(feature = "tls", feature = "socks"))]
use std::time::Duration;

#[cfg(feature = "tls")]
use rustls::pki_types::ServerName;

#[cfg(feature = "socks")]
use super::socks5::{Socks5, Socks5Error, Status};
use super::stream::Stream;
#[cfg(feature = "tls")]
use super::stream::TlsFailure;
use super::tcp::{self, Target};
#[cfg(feature = "tls")]
use super::tls::{self, ErrorClass};
use super::websocket::WsPlan;
use crate::error::Error;

/// How long a proxy handshake, or a TLS handshake in a blocking connect, may take.
#[cfg(any(feature = "tls", feature = "socks"))]
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often waits check whether they should give up.
#[cfg(feature = "socks")]
const SLICE: Duration = Duration::from_millis(50);

/// A SOCKS5 proxy to connect through (`mosquitto_socks5_set`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub host: String,
    pub port: u16,
    pub username: Option<Vec<u8>>,
    pub password: Option<Vec<u8>>,
}

/// TLS to layer over the connection.
#[cfg(feature = "tls")]
#[derive(Clone)]
pub(crate) struct TlsPlan {
    pub config: Arc<rustls::ClientConfig>,
    pub server_name: ServerName<'static>,
}

/// Without the `tls` feature there is never TLS to layer over a connection.
#[cfg(not(feature = "tls"))]
#[derive(Debug, Clone)]
pub(crate) enum TlsPlan {}

#[cfg(feature = "tls")]
impl std::fmt::Debug for TlsPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsPlan")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

/// Makes the stream of a connection instead of connecting to the target: a Unix-domain
/// socket whose other end the maker serves (the local side of the broker's bridges).
#[derive(Clone)]
pub struct Connector(pub Arc<dyn Fn() -> io::Result<std::os::unix::net::UnixStream> + Send + Sync>);

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connector")
    }
}

/// Everything needed to open one connection.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub target: Target,
    pub proxy: Option<Proxy>,
    pub tls: Option<TlsPlan>,
    /// Replaces the connect to `target` (proxy, TLS and websockets are not used then).
    pub connector: Option<Connector>,
    /// Carry MQTT in WebSocket frames.
    pub websocket: Option<WsPlan>,
}

/// Why a connection could not be opened, with the log lines that say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub error: Error,
    pub log: Vec<String>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let log = match &error {
            Error::Eai(code) => vec![format!("Error: {}", tcp::gai_error_text(*code))],
            _ => Vec::new(),
        };
        Self { error, log }
    }
}

/// The failure for an I/O error during a handshake: TLS errors get their own description.
pub(crate) fn io_failure(e: &io::Error) -> Failure {
    #[cfg(feature = "tls")]
    if let Some(tls_error) = TlsFailure::of(e) {
        let (text, class) = tls::describe_error(tls_error);
        let error = match class {
            ErrorClass::Tls | ErrorClass::Handshake => Error::Tls,
        };
        return Failure {
            error,
            log: vec![text],
        };
    }
    match e.raw_os_error() {
        Some(libc::ETIMEDOUT) => Failure {
            error: Error::Tls,
            log: vec!["Error: TLS handshake timed out.".to_owned()],
        },
        Some(code) => Error::Errno(code).into(),
        None => Error::from_io(e).into(),
    }
}

/// The failure for an I/O error while the TLS handshake is going on: the server closing or
/// resetting the connection at that point is a handshake failure too (a plain MQTT port, say).
pub(crate) fn handshake_failure(e: &io::Error) -> Failure {
    #[cfg(feature = "tls")]
    let tls_failure = TlsFailure::of(e).is_some();
    #[cfg(not(feature = "tls"))]
    let tls_failure = false;
    if !tls_failure
        && matches!(
            e.kind(),
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
        )
    {
        return Failure {
            error: Error::Tls,
            log: vec![format!(
                "Error: TLS handshake failed: the server closed the connection ({e}); is this a TLS port?"
            )],
        };
    }
    io_failure(e)
}

/// Open the connection `plan` describes. With `blocking`, the TCP connection and the TLS
/// handshake are complete when this returns; otherwise the TCP connection may still be in
/// progress (the flag says so) and the TLS handshake happens as the stream is used. A proxy
/// handshake is always completed here. `abort` is checked regularly during every wait.
pub(crate) fn open(plan: &Plan, blocking: bool, abort: &dyn Fn() -> bool) -> Result<(Stream, bool), Failure> {
    if let Some(connector) = &plan.connector {
        let made = (connector.0)().and_then(|s| {
            s.set_nonblocking(true)?;
            Ok(s)
        });
        return match made {
            Ok(s) => Ok((Stream::unix(mio::net::UnixStream::from_std(s)), false)),
            Err(e) => Err(io_failure(&e)),
        };
    }
    let (stream, in_progress) = match &plan.proxy {
        #[cfg(not(feature = "socks"))]
        Some(_) => return Err(Error::NotSupported.into()),
        #[cfg(feature = "socks")]
        Some(proxy) => {
            let to_proxy = Target {
                host: proxy.host.clone(),
                port: proxy.port,
                bind_address: plan.target.bind_address.clone(),
                tcp_nodelay: plan.target.tcp_nodelay,
            };
            let (mut stream, _) = tcp::connect(&to_proxy, true, abort)?;
            socks_handshake(&mut stream, plan, proxy, abort)?;
            (stream, false)
        }
        None => tcp::connect(&plan.target, blocking, abort)?,
    };
    let with_ws = |stream: Stream| match &plan.websocket {
        Some(ws) => stream.start_websocket(ws),
        None => stream,
    };
    let Some(tls) = &plan.tls else {
        return Ok((with_ws(stream), in_progress));
    };
    let stream = start_tls(stream, tls, blocking && !in_progress, abort)?;
    Ok((with_ws(stream), in_progress))
}

/// Layer TLS over `stream`; with `complete`, finish the handshake now.
#[cfg(feature = "tls")]
fn start_tls(
    stream: Stream,
    tls: &TlsPlan,
    complete: bool,
    abort: &dyn Fn() -> bool,
) -> Result<Stream, Failure> {
    let mut stream = stream
        .start_tls(tls.config.clone(), tls.server_name.clone())
        .map_err(|e| {
            let (text, _) = tls::describe_error(&e);
            Failure {
                error: Error::Tls,
                log: vec![text],
            }
        })?;
    if complete {
        stream
            .complete_handshake(HANDSHAKE_TIMEOUT, abort)
            .map_err(|e| handshake_failure(&e))?;
    }
    Ok(stream)
}

#[cfg(not(feature = "tls"))]
fn start_tls(_: Stream, tls: &TlsPlan, _: bool, _: &dyn Fn() -> bool) -> Result<Stream, Failure> {
    match *tls {}
}

/// Wait until `fd` is ready for `events` (POLLIN/POLLOUT) or a slice of time has passed.
#[cfg(feature = "socks")]
fn wait_fd(fd: i32, events: libc::c_short) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: `pfd` is one valid pollfd for the duration of the call.
    let n = unsafe { libc::poll(&mut pfd, 1, SLICE.as_millis() as libc::c_int) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted {
            Ok(false)
        } else {
            Err(e)
        };
    }
    Ok(n > 0)
}

#[cfg(feature = "socks")]
fn proxy_failure(e: &Socks5Error) -> Failure {
    Failure {
        error: e.to_error(),
        log: vec![format!("Error: {e}.")],
    }
}

/// Run the SOCKS5 handshake on a connected stream to the proxy.
#[cfg(feature = "socks")]
fn socks_handshake(
    stream: &mut Stream,
    plan: &Plan,
    proxy: &Proxy,
    abort: &dyn Fn() -> bool,
) -> Result<(), Failure> {
    let auth = proxy
        .username
        .clone()
        .map(|u| (u, proxy.password.clone().unwrap_or_default()));
    let mut socks = Socks5::new(&plan.target.host, plan.target.port, auth);
    let fd = stream.raw_fd();
    let mut waited = Duration::ZERO;
    let mut out: Vec<u8> = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        out.extend(socks.output());
        while !out.is_empty() {
            match stream.write(&out) {
                Ok(n) => {
                    out.drain(..n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(io_failure(&e)),
            }
        }
        if socks.is_done() && out.is_empty() {
            return Ok(());
        }
        if abort() {
            return Err(Error::Errno(libc::ECANCELED).into());
        }
        if waited >= HANDSHAKE_TIMEOUT {
            return Err(Failure {
                error: Error::Proxy,
                log: vec!["Error: SOCKS5 proxy did not answer.".into()],
            });
        }
        let events = if out.is_empty() {
            libc::POLLIN
        } else {
            libc::POLLIN | libc::POLLOUT
        };
        let ready = wait_fd(fd, events).map_err(|e| io_failure(&e))?;
        waited += SLICE;
        if !ready {
            continue;
        }
        match stream.read(&mut buf) {
            Ok(0) => return Err(proxy_failure(&Socks5Error::Closed)),
            Ok(n) => match socks.handle_input(&buf[..n]) {
                Ok(Status::NeedMore) => {}
                Ok(Status::Done) => {
                    if !socks.take_leftover().is_empty() {
                        // The server spoke before we did: nothing valid can follow.
                        return Err(Failure {
                            error: Error::Protocol,
                            log: vec!["Error: unexpected data from the SOCKS5 proxy.".into()],
                        });
                    }
                }
                Err(e) => return Err(proxy_failure(&e)),
            },
            Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_failure(&e)),
        }
    }
}
