//! Opening the connection: name lookup, optional bind, TCP or Unix-domain connect.

use std::ffi::{CStr, CString};
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::time::Duration;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::Stream;
use crate::error::Error;

/// Where and how to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// Host name or address; with port 0, the path of a Unix-domain socket.
    pub host: String,
    pub port: u16,
    /// Local address to bind to before connecting.
    pub bind_address: Option<String>,
    pub tcp_nodelay: bool,
}

/// How often a blocking connect checks whether it has been asked to give up.
const ABORT_CHECK: Duration = Duration::from_millis(50);

/// Resolve `host` with getaddrinfo (any family, stream sockets), keeping the resolver's order.
/// A failure carries the getaddrinfo error code.
pub(crate) fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, i32> {
    let c_host = CString::new(host).map_err(|_| libc::EAI_NONAME)?;
    // SAFETY: an all-zero addrinfo is a valid "no hints" value; the fields set below are plain
    // integers.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = libc::AF_UNSPEC;
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut list: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: `c_host` is NUL-terminated, `hints` is initialised and `list` receives a list we
    // free below with freeaddrinfo.
    let rc = unsafe { libc::getaddrinfo(c_host.as_ptr(), std::ptr::null(), &hints, &mut list) };
    if rc != 0 {
        return Err(rc);
    }
    let mut out = Vec::new();
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getaddrinfo returned, not yet freed.
        let ai = unsafe { &*cur };
        if !ai.ai_addr.is_null() {
            match ai.ai_family {
                libc::AF_INET => {
                    // SAFETY: for AF_INET, ai_addr points to a sockaddr_in.
                    let sa = unsafe { &*(ai.ai_addr as *const libc::sockaddr_in) };
                    let ip = Ipv4Addr::from(u32::from_be(sa.sin_addr.s_addr));
                    out.push(SocketAddr::V4(SocketAddrV4::new(ip, port)));
                }
                libc::AF_INET6 => {
                    // SAFETY: for AF_INET6, ai_addr points to a sockaddr_in6.
                    let sa = unsafe { &*(ai.ai_addr as *const libc::sockaddr_in6) };
                    let ip = Ipv6Addr::from(sa.sin6_addr.s6_addr);
                    out.push(SocketAddr::V6(SocketAddrV6::new(
                        ip,
                        port,
                        sa.sin6_flowinfo,
                        sa.sin6_scope_id,
                    )));
                }
                _ => {}
            }
        }
        cur = ai.ai_next;
    }
    // SAFETY: `list` came from getaddrinfo and is freed exactly once.
    unsafe { libc::freeaddrinfo(list) };
    out.dedup();
    Ok(out)
}

/// The text of a getaddrinfo error code.
pub(crate) fn gai_error_text(code: i32) -> String {
    // SAFETY: gai_strerror returns a pointer to a static NUL-terminated string.
    let p = unsafe { libc::gai_strerror(code) };
    if p.is_null() {
        return String::from("Unknown error");
    }
    // SAFETY: checked non-NULL above; the string is static.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// Open a connection to `target`.
///
/// Every resolved address is tried in order until one connects. With `blocking`, the call waits
/// for the TCP handshake (checking `abort` regularly, so another thread can cut it short);
/// otherwise it returns as soon as the connect is under way. The returned stream is always
/// non-blocking; the flag tells whether the connect is still in progress.
pub(crate) fn connect(
    target: &Target,
    blocking: bool,
    abort: &dyn Fn() -> bool,
) -> Result<(Stream, bool), Error> {
    if target.port == 0 {
        return connect_unix(&target.host);
    }
    let addrs = resolve(&target.host, target.port).map_err(Error::Eai)?;
    let binds = match &target.bind_address {
        Some(b) => resolve(b, 0).map_err(Error::Eai)?,
        None => Vec::new(),
    };
    let mut last_err = io::Error::from_raw_os_error(libc::ECONNREFUSED);
    for addr in addrs {
        match connect_one(addr, &binds, target.bind_address.is_some(), blocking, abort) {
            Ok((socket, in_progress)) => {
                if target.tcp_nodelay {
                    let _ = socket.set_nodelay(true);
                }
                let std_stream: std::net::TcpStream = socket.into();
                return Ok((
                    Stream::tcp(mio::net::TcpStream::from_std(std_stream)),
                    in_progress,
                ));
            }
            Err(e) => {
                if abort() {
                    return Err(Error::from_io(&e));
                }
                last_err = e;
            }
        }
    }
    Err(match last_err.raw_os_error() {
        Some(code) => Error::Errno(code),
        None => Error::from_io(&last_err),
    })
}

fn connect_one(
    addr: SocketAddr,
    binds: &[SocketAddr],
    must_bind: bool,
    blocking: bool,
    abort: &dyn Fn() -> bool,
) -> io::Result<(Socket, bool)> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if must_bind {
        let bound = binds
            .iter()
            .filter(|b| b.is_ipv4() == addr.is_ipv4())
            .any(|b| socket.bind(&SockAddr::from(*b)).is_ok());
        if !bound {
            return Err(io::Error::from_raw_os_error(libc::EADDRNOTAVAIL));
        }
    }
    socket.set_nonblocking(true)?;
    match socket.connect(&SockAddr::from(addr)) {
        Ok(()) => return Ok((socket, false)),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) || e.kind() == io::ErrorKind::WouldBlock => {}
        Err(e) => return Err(e),
    }
    if !blocking {
        return Ok((socket, true));
    }
    wait_connected(&socket, abort)?;
    Ok((socket, false))
}

/// Wait for a non-blocking connect to finish, giving up when `abort` is set.
fn wait_connected(socket: &Socket, abort: &dyn Fn() -> bool) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    loop {
        if abort() {
            return Err(io::Error::from_raw_os_error(libc::ECANCELED));
        }
        let mut pfd = libc::pollfd {
            fd: socket.as_raw_fd(),
            events: libc::POLLOUT,
            revents: 0,
        };
        // SAFETY: `pfd` is one valid pollfd for the duration of the call.
        let n = unsafe { libc::poll(&mut pfd, 1, ABORT_CHECK.as_millis() as libc::c_int) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            continue;
        }
        if let Some(e) = socket.take_error()? {
            return Err(e);
        }
        return match socket.peer_addr() {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotConnected => {
                Err(io::Error::from_raw_os_error(libc::ECONNREFUSED))
            }
            Err(e) => Err(e),
        };
    }
}

fn connect_unix(path: &str) -> Result<(Stream, bool), Error> {
    match mio::net::UnixStream::connect(path) {
        Ok(s) => Ok((Stream::unix(s), false)),
        Err(e) => Err(match e.raw_os_error() {
            Some(code) => Error::Errno(code),
            None => Error::from_io(&e),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_numeric_addresses_in_order() {
        let v = resolve("127.0.0.1", 1883).unwrap();
        assert_eq!(v, vec!["127.0.0.1:1883".parse().unwrap()]);
        let v = resolve("::1", 8883).unwrap();
        assert_eq!(v, vec!["[::1]:8883".parse().unwrap()]);
    }

    #[test]
    fn lookup_failure_carries_the_resolver_code() {
        let e = resolve("name.that.does.not.exist.invalid", 1883).unwrap_err();
        assert_ne!(e, 0);
        assert!(!gai_error_text(e).is_empty());
    }

    #[test]
    fn refused_connection_is_an_errno_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let target = Target {
            host: "127.0.0.1".into(),
            port,
            bind_address: None,
            tcp_nodelay: false,
        };
        let err = connect(&target, true, &|| false).unwrap_err();
        assert_eq!(err, Error::Errno(libc::ECONNREFUSED));
    }

    #[test]
    fn blocking_connect_succeeds_and_binds() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let target = Target {
            host: "localhost".into(),
            port,
            bind_address: Some("127.0.0.1".into()),
            tcp_nodelay: true,
        };
        let (stream, in_progress) = connect(&target, true, &|| false).unwrap();
        assert!(!in_progress);
        let (_peer, addr) = listener.accept().unwrap();
        assert_eq!(addr.ip(), "127.0.0.1".parse::<std::net::IpAddr>().unwrap());
        drop(stream);
    }
}
