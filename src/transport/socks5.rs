//! The client side of a SOCKS5 handshake ([RFC 1928], with the username/password method of
//! [RFC 1929]) as a sans-IO state machine, behaving on the wire as libmosquitto's SOCKS5 client.
//!
//! This module does no I/O and reads no clock: the connection code writes [`Socks5::output`] to the
//! proxy, feeds whatever it reads to [`Socks5::handle_input`] and goes on to the next layer (TLS or
//! MQTT) once the handshake is [`Status::Done`].
//!
//! The exchange:
//! 1. Greeting `05 01 00` (no authentication only) or, with a username, `05 02 00 02` (no
//!    authentication or username/password).
//! 2. The proxy picks a method: `05 00` or `05 02`. For `02` the client sends
//!    `01 ULEN USER PLEN PASS` and expects `01 00`.
//! 3. CONNECT request `05 01 00 ATYP ADDR PORT`: ATYP 1 with four bytes for an IPv4 literal, ATYP 4
//!    with sixteen bytes for an IPv6 literal, otherwise ATYP 3 with a length byte and the host name,
//!    which the proxy resolves. The port is big-endian.
//! 4. The reply `05 REP 00 ATYP BND.ADDR BND.PORT`; REP 0 is success.
//!
//! Failures map to `MOSQ_ERR_*` codes as libmosquitto maps them (see [`Socks5Error::to_error`]).
//!
//! [RFC 1928]: https://www.rfc-editor.org/rfc/rfc1928
//! [RFC 1929]: https://www.rfc-editor.org/rfc/rfc1929

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::Error;

/// Protocol version byte of SOCKS5 messages.
const VERSION: u8 = 0x05;
/// Version byte of the username/password sub-negotiation (RFC 1929).
const AUTH_VERSION: u8 = 0x01;

/// Authentication method: none.
const METHOD_NONE: u8 = 0x00;
/// Authentication method: username/password.
const METHOD_USERPASS: u8 = 0x02;

/// The CONNECT command.
const CMD_CONNECT: u8 = 0x01;

/// Address types.
const ATYP_IPV4: u8 = 0x01;
const ATYP_DOMAIN: u8 = 0x03;
const ATYP_IPV6: u8 = 0x04;

/// Longest username, password or host name a length byte can describe.
const MAX_FIELD: usize = u8::MAX as usize;

/// Bytes of a reply read before its full length is known: VER REP RSV ATYP and the first
/// address byte (which is the length byte for a domain name).
const REPLY_HEAD: usize = 5;

/// Validation of `mosquitto_socks5_set`: the proxy host is at most 256 bytes, the port in
/// 1..=65535, and the username and password at most 255 bytes each. The password only matters
/// (and is only checked) when a username is given, since it is dropped otherwise.
pub(crate) fn check_settings(
    host: &str,
    port: i32,
    username: Option<&[u8]>,
    password: Option<&[u8]>,
) -> Result<(), Error> {
    if host.len() > 256 {
        return Err(Error::Inval);
    }
    if !(1..=65535).contains(&port) {
        return Err(Error::Inval);
    }
    if let Some(username) = username {
        if username.len() > MAX_FIELD {
            return Err(Error::Inval);
        }
        if password.is_some_and(|p| p.len() > MAX_FIELD) {
            return Err(Error::Inval);
        }
    }
    Ok(())
}

/// Progress of [`Socks5::handle_input`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// The handshake goes on: send [`Socks5::output`] and feed more input.
    NeedMore,
    /// The proxy is connected to the target; the stream now belongs to the next layer.
    Done,
}

/// Why a SOCKS5 handshake failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Socks5Error {
    /// The method selection reply carried this version instead of 5.
    BadVersion(u8),
    /// The proxy selected this authentication method, which the client cannot use (0xFF: none of
    /// the offered methods is acceptable).
    Method(u8),
    /// The username/password status reply carried this version instead of 1.
    BadAuthVersion(u8),
    /// The proxy rejected the username/password with this status.
    AuthFailed(u8),
    /// The reply to CONNECT has this unknown address type.
    BadAddressType(u8),
    /// The reply to CONNECT has a domain name of length zero.
    EmptyDomain,
    /// The reply to CONNECT carried this version instead of 5.
    BadReplyVersion(u8),
    /// The proxy could not connect to the target; the reply code.
    ConnectFailed(u8),
    /// The target host name has this many bytes, more than a SOCKS5 request can hold (255).
    HostTooLong(usize),
    /// The username or the password is longer than 255 bytes.
    CredentialsTooLong,
    /// The proxy closed the connection before the handshake finished (for the connection code to
    /// report when it reads end of stream).
    Closed,
}

impl Socks5Error {
    /// The `MOSQ_ERR_*` code libmosquitto returns for this failure.
    pub(crate) fn to_error(&self) -> Error {
        match self {
            Self::BadVersion(_) | Self::BadAuthVersion(_) | Self::BadReplyVersion(_) | Self::Closed => {
                Error::Proxy
            }
            Self::Method(_) => Error::Auth,
            Self::AuthFailed(code) | Self::ConnectFailed(code) => reply_error(*code),
            Self::BadAddressType(_) | Self::EmptyDomain => Error::Protocol,
            Self::HostTooLong(_) => Error::NoMem,
            Self::CredentialsTooLong => Error::Inval,
        }
    }
}

/// libmosquitto's mapping of a non-zero reply code (used for both the CONNECT reply and the
/// username/password status).
fn reply_error(code: u8) -> Error {
    match code {
        2 => Error::Auth,
        3..=5 => Error::NoConn,
        1 | 6..=8 => Error::Proxy,
        _ => Error::Inval,
    }
}

/// The RFC 1928 meaning of a reply code.
fn reply_text(code: u8) -> &'static str {
    match code {
        0 => "succeeded",
        1 => "general SOCKS server failure",
        2 => "connection not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => "unassigned reply code",
    }
}

impl fmt::Display for Socks5Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadVersion(v) => write!(f, "SOCKS5 proxy answered the greeting with version {v}"),
            Self::Method(0xFF) => write!(
                f,
                "SOCKS5 proxy accepts none of the offered authentication methods"
            ),
            Self::Method(m) => write!(f, "SOCKS5 proxy selected unusable authentication method {m:#04x}"),
            Self::BadAuthVersion(v) => {
                write!(f, "SOCKS5 proxy answered the username/password with version {v}")
            }
            Self::AuthFailed(s) => write!(f, "SOCKS5 proxy rejected the username/password (status {s})"),
            Self::BadAddressType(t) => write!(f, "SOCKS5 proxy reply has unknown address type {t}"),
            Self::EmptyDomain => write!(f, "SOCKS5 proxy reply has an empty domain name"),
            Self::BadReplyVersion(v) => write!(f, "SOCKS5 proxy reply has version {v}"),
            Self::ConnectFailed(c) => {
                write!(
                    f,
                    "SOCKS5 proxy could not connect: {} (reply {c})",
                    reply_text(*c)
                )
            }
            Self::HostTooLong(n) => {
                write!(f, "host name of {n} bytes is too long for SOCKS5 (at most 255)")
            }
            Self::CredentialsTooLong => {
                write!(f, "SOCKS5 username or password is too long (at most 255 bytes)")
            }
            Self::Closed => write!(f, "SOCKS5 proxy closed the connection during the handshake"),
        }
    }
}

impl std::error::Error for Socks5Error {}

/// What the state machine waits for.
#[derive(Debug)]
enum State {
    /// The method selection reply: VER METHOD.
    Method,
    /// The username/password status: VER STATUS.
    AuthStatus,
    /// The first [`REPLY_HEAD`] bytes of the CONNECT reply.
    ReplyHead,
    /// The rest of the CONNECT reply, up to `need` bytes in all.
    ReplyBody,
    Done,
    Failed(Socks5Error),
}

/// A SOCKS5 client handshake towards one target host and port.
#[derive(Debug)]
pub(crate) struct Socks5 {
    host: String,
    port: u16,
    auth: Option<(Vec<u8>, Vec<u8>)>,
    state: State,
    /// The message being received; never longer than `need` (at most 4 + 1 + 255 + 2 bytes).
    buf: Vec<u8>,
    /// Length of the message being received.
    need: usize,
    out: Vec<u8>,
    leftover: Vec<u8>,
}

impl Socks5 {
    /// A handshake asking the proxy to connect to `host` (an IP literal or a name the proxy
    /// resolves) on `port`, offering username/password authentication when `auth` is given.
    /// The greeting is ready in [`output`](Self::output) at once.
    pub(crate) fn new(host: &str, port: u16, auth: Option<(Vec<u8>, Vec<u8>)>) -> Self {
        let out = if auth.is_some() {
            vec![VERSION, 2, METHOD_NONE, METHOD_USERPASS]
        } else {
            vec![VERSION, 1, METHOD_NONE]
        };
        Self {
            host: host.to_owned(),
            port,
            auth,
            state: State::Method,
            buf: Vec::with_capacity(REPLY_HEAD),
            need: 2,
            out,
            leftover: Vec::new(),
        }
    }

    /// The bytes to send to the proxy now; empty while waiting for its answer.
    pub(crate) fn output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Feed bytes read from the proxy, in any chunking. Once the handshake is done, further bytes
    /// are kept for [`take_leftover`](Self::take_leftover). After an error every call returns the
    /// same error.
    pub(crate) fn handle_input(&mut self, mut data: &[u8]) -> Result<Status, Socks5Error> {
        loop {
            match &self.state {
                State::Failed(e) => return Err(e.clone()),
                State::Done => {
                    self.leftover.extend_from_slice(data);
                    return Ok(Status::Done);
                }
                _ => {}
            }
            let take = (self.need - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.buf.len() < self.need {
                return Ok(Status::NeedMore);
            }
            if let Err(e) = self.step() {
                self.buf.clear();
                self.out.clear();
                self.state = State::Failed(e.clone());
                return Err(e);
            }
        }
    }

    /// Whether the proxy has connected to the target.
    pub(crate) fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Bytes received after the final reply (they belong to the next protocol layer); normally
    /// empty.
    pub(crate) fn take_leftover(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.leftover)
    }

    /// Act on the complete message in `buf`.
    fn step(&mut self) -> Result<(), Socks5Error> {
        match self.state {
            State::Method => {
                let (version, method) = (self.buf[0], self.buf[1]);
                if version != VERSION {
                    return Err(Socks5Error::BadVersion(version));
                }
                match method {
                    METHOD_NONE => self.send_connect(),
                    METHOD_USERPASS if self.auth.is_some() => self.send_userpass(),
                    other => Err(Socks5Error::Method(other)),
                }
            }
            State::AuthStatus => {
                let (version, status) = (self.buf[0], self.buf[1]);
                if version != AUTH_VERSION {
                    return Err(Socks5Error::BadAuthVersion(version));
                }
                if status != 0 {
                    return Err(Socks5Error::AuthFailed(status));
                }
                self.send_connect()
            }
            State::ReplyHead => {
                // The address type is judged before the version and the reply code.
                self.need = match self.buf[3] {
                    ATYP_IPV4 => 4 + 4 + 2,
                    ATYP_IPV6 => 4 + 16 + 2,
                    ATYP_DOMAIN => match self.buf[4] {
                        0 => return Err(Socks5Error::EmptyDomain),
                        len => 4 + 1 + usize::from(len) + 2,
                    },
                    other => return Err(Socks5Error::BadAddressType(other)),
                };
                self.state = State::ReplyBody;
                Ok(())
            }
            State::ReplyBody => {
                let (version, reply) = (self.buf[0], self.buf[1]);
                if version != VERSION {
                    return Err(Socks5Error::BadReplyVersion(version));
                }
                if reply != 0 {
                    return Err(Socks5Error::ConnectFailed(reply));
                }
                self.buf = Vec::new();
                self.need = 0;
                self.state = State::Done;
                Ok(())
            }
            State::Done | State::Failed(_) => Ok(()),
        }
    }

    /// Queue the username/password request and wait for its status.
    fn send_userpass(&mut self) -> Result<(), Socks5Error> {
        let Some((user, pass)) = &self.auth else {
            return Err(Socks5Error::Method(METHOD_USERPASS));
        };
        let (Ok(ulen), Ok(plen)) = (u8::try_from(user.len()), u8::try_from(pass.len())) else {
            return Err(Socks5Error::CredentialsTooLong);
        };
        self.out.reserve(3 + user.len() + pass.len());
        self.out.push(AUTH_VERSION);
        self.out.push(ulen);
        self.out.extend_from_slice(user);
        self.out.push(plen);
        self.out.extend_from_slice(pass);
        self.expect(State::AuthStatus, 2);
        Ok(())
    }

    /// Queue the CONNECT request and wait for the head of its reply.
    fn send_connect(&mut self) -> Result<(), Socks5Error> {
        let mut req = vec![VERSION, CMD_CONNECT, 0x00];
        if let Ok(v4) = self.host.parse::<Ipv4Addr>() {
            req.push(ATYP_IPV4);
            req.extend_from_slice(&v4.octets());
        } else if let Ok(v6) = self.host.parse::<Ipv6Addr>() {
            req.push(ATYP_IPV6);
            req.extend_from_slice(&v6.octets());
        } else {
            let name = self.host.as_bytes();
            let Ok(len) = u8::try_from(name.len()) else {
                return Err(Socks5Error::HostTooLong(name.len()));
            };
            req.push(ATYP_DOMAIN);
            req.push(len);
            req.extend_from_slice(name);
        }
        req.extend_from_slice(&self.port.to_be_bytes());
        self.out.extend_from_slice(&req);
        self.expect(State::ReplyHead, REPLY_HEAD);
        Ok(())
    }

    fn expect(&mut self, state: State, need: usize) {
        self.buf.clear();
        self.need = need;
        self.state = state;
    }
}

#[cfg(test)]
mod tests;
