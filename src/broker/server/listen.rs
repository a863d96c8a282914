//! Listening sockets, as mosquitto opens them: every address the listener's bind address
//! names (IPv4 then IPv6; both wildcard addresses without one), or a Unix socket; `listener 0`
//! takes a free port.

use std::net::{SocketAddr, ToSocketAddrs};
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;

use socket2::{Domain, Protocol, Socket, Type};

use crate::broker::config::{Listener, Protocol as ListenerProtocol, SocketDomain};

/// One listening socket of a listener.
#[derive(Debug)]
pub(super) enum Listening {
    Tcp(std::net::TcpListener),
    Unix(std::os::unix::net::UnixListener, PathBuf),
}

impl Listening {
    pub(super) fn raw_fd(&self) -> RawFd {
        match self {
            Self::Tcp(l) => l.as_raw_fd(),
            Self::Unix(l, _) => l.as_raw_fd(),
        }
    }

    /// A second handle on the same socket (one per worker).
    pub(super) fn try_clone(&self) -> std::io::Result<Self> {
        Ok(match self {
            Self::Tcp(l) => Self::Tcp(l.try_clone()?),
            Self::Unix(l, p) => Self::Unix(l.try_clone()?, p.clone()),
        })
    }

    /// The local port (0 for a Unix socket).
    pub(super) fn port(&self) -> u16 {
        match self {
            Self::Tcp(l) => l.local_addr().map_or(0, |a| a.port()),
            Self::Unix(..) => 0,
        }
    }
}

/// Why a listener could not be opened: mosquitto's error line, and the system's error number,
/// with the lines mosquitto logs before it (the `Opening ...` lines).
#[derive(Debug)]
pub(super) struct BindError {
    pub(super) line: String,
    pub(super) errno: Option<i32>,
    pub(super) logged: Vec<String>,
}

impl BindError {
    fn io(e: &std::io::Error) -> Self {
        Self {
            line: describe(e),
            errno: e.raw_os_error(),
            logged: Vec::new(),
        }
    }

    fn text(line: String) -> Self {
        Self {
            line,
            errno: None,
            logged: Vec::new(),
        }
    }
}

/// Open the sockets of `listener`; returns them with the log lines mosquitto writes.
pub(super) fn open(listener: &Listener, backlog: i32) -> Result<(Vec<Listening>, Vec<String>), BindError> {
    let mut log = Vec::new();
    match open_logged(listener, backlog, &mut log) {
        Ok(sockets) => Ok((sockets, log)),
        Err(mut e) => {
            e.logged = log;
            Err(e)
        }
    }
}

fn open_logged(
    listener: &Listener,
    backlog: i32,
    log: &mut Vec<String>,
) -> Result<Vec<Listening>, BindError> {
    if let Some(path) = &listener.unix_socket_path {
        log.push(format!("Opening unix listen socket on path {path}."));
        let _ = std::fs::remove_file(path);
        let l = std::os::unix::net::UnixListener::bind(path).map_err(|e| BindError::io(&e))?;
        l.set_nonblocking(true).map_err(|e| BindError::io(&e))?;
        return Ok(vec![Listening::Unix(l, PathBuf::from(path))]);
    }
    let addrs: Vec<SocketAddr> = match &listener.bind_address {
        Some(host) => {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            (host, listener.port)
                .to_socket_addrs()
                .map_err(|_| BindError::text(format!("Error: Unable to resolve {host}.")))?
                .collect()
        }
        None => vec![
            SocketAddr::from(([0, 0, 0, 0], listener.port)),
            SocketAddr::from(([0u16; 8], listener.port)),
        ],
    };
    let mut addrs: Vec<SocketAddr> = addrs
        .into_iter()
        .filter(|a| match listener.socket_domain {
            Some(SocketDomain::Ipv4) => a.is_ipv4(),
            Some(SocketDomain::Ipv6) => a.is_ipv6(),
            None => true,
        })
        .collect();
    // IPv4 first, as getaddrinfo orders them for mosquitto's log lines.
    addrs.sort_by_key(|a| a.is_ipv6());
    addrs.dedup();
    let mut out = Vec::new();
    let mut port = listener.port;
    for mut addr in addrs {
        if port != 0 {
            addr.set_port(port);
        }
        if listener.protocol == ListenerProtocol::Websockets {
            if out.is_empty() {
                log.push(format!(
                    "Opening websockets listen socket on port {}.",
                    listener.port
                ));
            }
        } else {
            let family = if addr.is_ipv4() { "ipv4" } else { "ipv6" };
            log.push(format!(
                "Opening {family} listen socket on port {}.",
                listener.port
            ));
        }
        let socket = match bind_one(addr, listener, backlog) {
            Ok(s) => s,
            // Without a bind address, a machine without IPv6 still serves IPv4.
            Err(_) if listener.bind_address.is_none() && addr.is_ipv6() && !out.is_empty() => continue,
            Err(e) => return Err(BindError::io(&e)),
        };
        if port == 0 {
            port = socket.local_addr().map_or(0, |a| a.port());
        }
        out.push(Listening::Tcp(socket));
    }
    if out.is_empty() {
        return Err(BindError::text(
            "Error: Unable to start any listening sockets, exiting.".into(),
        ));
    }
    Ok(out)
}

fn bind_one(addr: SocketAddr, listener: &Listener, backlog: i32) -> std::io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    if let Some(dev) = &listener.bind_interface {
        socket.bind_device(Some(dev.as_bytes()))?;
    }
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// mosquitto's words for a bind error.
fn describe(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::EADDRINUSE) => "Error: Address already in use".into(),
        Some(libc::EACCES) => "Error: Permission denied".into(),
        Some(libc::EADDRNOTAVAIL) => "Error: Cannot assign requested address".into(),
        _ => format!("Error: {e}"),
    }
}
