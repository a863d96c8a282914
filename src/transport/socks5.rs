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
mod tests {
    use super::*;

    fn creds(user: &str, pass: &str) -> Option<(Vec<u8>, Vec<u8>)> {
        Some((user.as_bytes().to_vec(), pass.as_bytes().to_vec()))
    }

    /// A successful reply with an IPv4 bound address.
    const OK_V4: [u8; 10] = [5, 0, 0, 1, 10, 0, 0, 1, 0x1f, 0x90];

    /// Feed `data` in one piece and return the result.
    fn feed(s: &mut Socks5, data: &[u8]) -> Result<Status, Socks5Error> {
        s.handle_input(data)
    }

    // --- check_settings (mosquitto_socks5_set) ---

    #[test]
    fn settings_host_length() {
        assert_eq!(check_settings(&"h".repeat(256), 1080, None, None), Ok(()));
        assert_eq!(
            check_settings(&"h".repeat(257), 1080, None, None),
            Err(Error::Inval)
        );
        assert_eq!(check_settings("", 1080, None, None), Ok(()));
    }

    #[test]
    fn settings_port_range() {
        for port in [0, -1, 65536, i32::MIN, i32::MAX] {
            assert_eq!(
                check_settings("proxy", port, None, None),
                Err(Error::Inval),
                "{port}"
            );
        }
        for port in [1, 1080, 65535] {
            assert_eq!(check_settings("proxy", port, None, None), Ok(()), "{port}");
        }
    }

    #[test]
    fn settings_credential_lengths() {
        let ok = [b'u'; 255];
        let long = [b'u'; 256];
        assert_eq!(check_settings("p", 1, Some(&ok), Some(&ok)), Ok(()));
        assert_eq!(check_settings("p", 1, Some(&long), None), Err(Error::Inval));
        assert_eq!(check_settings("p", 1, Some(&ok), Some(&long)), Err(Error::Inval));
        // Without a username the password is dropped, so it is not checked.
        assert_eq!(check_settings("p", 1, None, Some(&long)), Ok(()));
    }

    // --- greeting ---

    #[test]
    fn greeting_without_auth() {
        let mut s = Socks5::new("broker", 1883, None);
        assert_eq!(s.output(), [0x05, 0x01, 0x00]);
        assert!(s.output().is_empty());
        assert!(!s.is_done());
    }

    #[test]
    fn greeting_with_auth() {
        let mut s = Socks5::new("broker", 1883, creds("u", "p"));
        assert_eq!(s.output(), [0x05, 0x02, 0x00, 0x02]);
        assert!(s.output().is_empty());
    }

    // --- CONNECT requests ---

    fn request_for(host: &str, port: u16) -> Vec<u8> {
        let mut s = Socks5::new(host, port, None);
        s.output();
        assert_eq!(feed(&mut s, &[5, 0]), Ok(Status::NeedMore));
        s.output()
    }

    #[test]
    fn request_ipv4() {
        assert_eq!(
            request_for("192.168.1.20", 1883),
            [5, 1, 0, 1, 192, 168, 1, 20, 0x07, 0x5b]
        );
        assert_eq!(
            request_for("0.0.0.0", 65535),
            [5, 1, 0, 1, 0, 0, 0, 0, 0xff, 0xff]
        );
    }

    #[test]
    fn request_ipv6() {
        let mut want = vec![5, 1, 0, 4];
        want.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]);
        want.extend_from_slice(&[0x22, 0xb3]);
        assert_eq!(request_for("2001:db8::1", 8883), want);

        let mut want = vec![5, 1, 0, 4];
        want.extend_from_slice(&[0; 15]);
        want.extend_from_slice(&[1, 0x07, 0x5b]);
        assert_eq!(request_for("::1", 1883), want);

        let mut want = vec![5, 1, 0, 4];
        want.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
        want.extend_from_slice(&[0x07, 0x5b]);
        assert_eq!(request_for("::ffff:127.0.0.1", 1883), want);
    }

    #[test]
    fn request_domain() {
        let mut want = vec![5, 1, 0, 3, 18];
        want.extend_from_slice(b"test.mosquitto.org");
        want.extend_from_slice(&[0x07, 0x5b]);
        assert_eq!(request_for("test.mosquitto.org", 1883), want);
    }

    #[test]
    fn request_domain_for_non_literals() {
        // Neither an IPv4 nor an IPv6 literal: sent as a name for the proxy to resolve.
        for host in [
            "localhost",
            "1.2.3",
            "01.2.3.4",
            "[::1]",
            "fe80::1%eth0",
            "1.2.3.4 ",
            "",
        ] {
            let req = request_for(host, 1);
            assert_eq!(req[3], ATYP_DOMAIN, "{host:?}");
            assert_eq!(usize::from(req[4]), host.len(), "{host:?}");
            assert_eq!(&req[5..5 + host.len()], host.as_bytes(), "{host:?}");
            assert_eq!(req.len(), 7 + host.len());
        }
    }

    #[test]
    fn request_domain_length_limit() {
        let host = "a".repeat(255);
        assert_eq!(request_for(&host, 1).len(), 7 + 255);

        let host = "a".repeat(256);
        let mut s = Socks5::new(&host, 1, None);
        s.output();
        let err = feed(&mut s, &[5, 0]).unwrap_err();
        assert_eq!(err, Socks5Error::HostTooLong(256));
        assert_eq!(err.to_error(), Error::NoMem);
        assert!(s.output().is_empty());
    }

    // --- username/password ---

    #[test]
    fn userpass_exchange() {
        let mut s = Socks5::new("10.1.2.3", 1883, creds("alice", "s3cret"));
        s.output();
        assert_eq!(feed(&mut s, &[5, 2]), Ok(Status::NeedMore));
        let mut want = vec![1, 5];
        want.extend_from_slice(b"alice");
        want.push(6);
        want.extend_from_slice(b"s3cret");
        assert_eq!(s.output(), want);
        assert!(s.output().is_empty());
        assert_eq!(feed(&mut s, &[1, 0]), Ok(Status::NeedMore));
        assert_eq!(s.output(), [5, 1, 0, 1, 10, 1, 2, 3, 0x07, 0x5b]);
        assert_eq!(feed(&mut s, &OK_V4), Ok(Status::Done));
        assert!(s.is_done());
        assert!(s.take_leftover().is_empty());
    }

    #[test]
    fn userpass_empty_fields() {
        let mut s = Socks5::new("h", 1, creds("", ""));
        s.output();
        feed(&mut s, &[5, 2]).unwrap();
        assert_eq!(s.output(), [1, 0, 0]);
    }

    #[test]
    fn userpass_max_fields() {
        let (user, pass) = (vec![b'u'; 255], vec![b'p'; 255]);
        let mut s = Socks5::new("h", 1, Some((user, pass)));
        s.output();
        feed(&mut s, &[5, 2]).unwrap();
        let out = s.output();
        assert_eq!(out.len(), 3 + 255 + 255);
        assert_eq!((out[1], out[257]), (255, 255));
    }

    #[test]
    fn userpass_too_long() {
        let mut s = Socks5::new("h", 1, Some((vec![b'u'; 256], Vec::new())));
        s.output();
        let err = feed(&mut s, &[5, 2]).unwrap_err();
        assert_eq!(err, Socks5Error::CredentialsTooLong);
        assert_eq!(err.to_error(), Error::Inval);
        assert!(s.output().is_empty());
    }

    #[test]
    fn no_auth_selected_although_credentials_given() {
        let mut s = Socks5::new("h", 1, creds("u", "p"));
        s.output();
        assert_eq!(feed(&mut s, &[5, 0]), Ok(Status::NeedMore));
        assert_eq!(s.output(), [5, 1, 0, 3, 1, b'h', 0, 1]);
    }

    #[test]
    fn userpass_selected_but_not_offered() {
        let mut s = Socks5::new("h", 1, None);
        s.output();
        let err = feed(&mut s, &[5, 2]).unwrap_err();
        assert_eq!(err, Socks5Error::Method(2));
        assert_eq!(err.to_error(), Error::Auth);
    }

    #[test]
    fn userpass_status_codes() {
        for status in 1..=255u8 {
            let mut s = Socks5::new("h", 1, creds("u", "p"));
            s.output();
            feed(&mut s, &[5, 2]).unwrap();
            s.output();
            let err = feed(&mut s, &[1, status]).unwrap_err();
            assert_eq!(err, Socks5Error::AuthFailed(status));
            assert_eq!(err.to_error(), reply_error(status));
            assert!(s.output().is_empty(), "no CONNECT after a failed authentication");
        }
    }

    #[test]
    fn userpass_bad_version() {
        for version in [0u8, 2, 5, 0xff] {
            let mut s = Socks5::new("h", 1, creds("u", "p"));
            s.output();
            feed(&mut s, &[5, 2]).unwrap();
            let err = feed(&mut s, &[version, 0]).unwrap_err();
            assert_eq!(err, Socks5Error::BadAuthVersion(version));
            assert_eq!(err.to_error(), Error::Proxy);
        }
    }

    // --- method selection ---

    #[test]
    fn method_reply_bad_version() {
        for version in [0u8, 4, 6, 0xff] {
            let mut s = Socks5::new("h", 1, None);
            let err = feed(&mut s, &[version, 0]).unwrap_err();
            assert_eq!(err, Socks5Error::BadVersion(version));
            assert_eq!(err.to_error(), Error::Proxy);
        }
    }

    #[test]
    fn method_reply_unusable_methods() {
        for method in (1..=255u8).filter(|&m| m != METHOD_USERPASS) {
            let mut s = Socks5::new("h", 1, creds("u", "p"));
            s.output();
            let err = feed(&mut s, &[5, method]).unwrap_err();
            assert_eq!(err, Socks5Error::Method(method));
            assert_eq!(err.to_error(), Error::Auth);
            assert!(s.output().is_empty());
        }
    }

    // --- CONNECT reply ---

    fn awaiting_reply() -> Socks5 {
        let mut s = Socks5::new("broker", 1883, None);
        s.output();
        feed(&mut s, &[5, 0]).unwrap();
        s.output();
        s
    }

    #[test]
    fn reply_code_mapping() {
        let table = [
            (1, Error::Proxy),
            (2, Error::Auth),
            (3, Error::NoConn),
            (4, Error::NoConn),
            (5, Error::NoConn),
            (6, Error::Proxy),
            (7, Error::Proxy),
            (8, Error::Proxy),
            (9, Error::Inval),
            (0x7f, Error::Inval),
            (0xff, Error::Inval),
        ];
        for (code, want) in table {
            let mut s = awaiting_reply();
            let err = feed(&mut s, &[5, code, 0, 1, 0, 0, 0, 0, 0, 0]).unwrap_err();
            assert_eq!(err, Socks5Error::ConnectFailed(code));
            assert_eq!(err.to_error(), want, "reply {code}");
            assert!(!s.is_done());
        }
        for code in 1..=255u8 {
            let mut s = awaiting_reply();
            let err = feed(&mut s, &[5, code, 0, 1, 0, 0, 0, 0, 0, 0]).unwrap_err();
            assert_eq!(err.to_error(), reply_error(code));
            assert!(!err.to_string().is_empty());
        }
    }

    #[test]
    fn failure_reported_only_after_whole_reply() {
        let mut s = awaiting_reply();
        assert_eq!(feed(&mut s, &[5, 5, 0, 1, 0, 0, 0, 0, 0]), Ok(Status::NeedMore));
        assert_eq!(feed(&mut s, &[0]), Err(Socks5Error::ConnectFailed(5)));
    }

    #[test]
    fn reply_ipv6_bound_address() {
        let mut s = awaiting_reply();
        let mut reply = vec![5, 0, 0, 4];
        reply.extend_from_slice(&[0xfe; 16]);
        reply.extend_from_slice(&[0x12, 0x34]);
        assert_eq!(feed(&mut s, &reply[..21]), Ok(Status::NeedMore));
        assert_eq!(feed(&mut s, &reply[21..]), Ok(Status::Done));
        assert!(s.take_leftover().is_empty());
    }

    #[test]
    fn reply_domain_bound_address() {
        for len in [1u8, 9, 255] {
            let mut s = awaiting_reply();
            let mut reply = vec![5, 0, 0, 3, len];
            reply.extend(std::iter::repeat_n(b'x', usize::from(len)));
            reply.extend_from_slice(&[0x12, 0x34]);
            // The port after the name is part of the reply, not of the next layer.
            assert_eq!(feed(&mut s, &reply[..reply.len() - 1]), Ok(Status::NeedMore));
            assert_eq!(feed(&mut s, &reply[reply.len() - 1..]), Ok(Status::Done));
            assert!(s.take_leftover().is_empty());
        }
    }

    #[test]
    fn reply_empty_domain() {
        let mut s = awaiting_reply();
        let err = feed(&mut s, &[5, 0, 0, 3, 0, 0, 0]).unwrap_err();
        assert_eq!(err, Socks5Error::EmptyDomain);
        assert_eq!(err.to_error(), Error::Protocol);
    }

    #[test]
    fn reply_unknown_address_type() {
        for atyp in [0u8, 2, 5, 0xff] {
            let mut s = awaiting_reply();
            // Judged on the first five bytes, before the version and the reply code.
            let err = feed(&mut s, &[4, 1, 0, atyp, 0]).unwrap_err();
            assert_eq!(err, Socks5Error::BadAddressType(atyp));
            assert_eq!(err.to_error(), Error::Protocol);
        }
    }

    #[test]
    fn reply_bad_version() {
        for version in [0u8, 4, 0xff] {
            let mut s = awaiting_reply();
            let err = feed(&mut s, &[version, 0, 0, 1, 0, 0, 0, 0, 0, 0]).unwrap_err();
            assert_eq!(err, Socks5Error::BadReplyVersion(version));
            assert_eq!(err.to_error(), Error::Proxy);
        }
    }

    #[test]
    fn hostile_domain_length_stays_bounded() {
        let mut s = awaiting_reply();
        assert_eq!(feed(&mut s, &[5, 0, 0, 3, 0xff]), Ok(Status::NeedMore));
        // Flood it: only the 255 + 2 bytes of the reply are taken, the rest is left over.
        let flood = vec![0u8; 100_000];
        assert_eq!(feed(&mut s, &flood), Ok(Status::Done));
        assert!(s.buf.capacity() <= 4096);
        assert_eq!(s.take_leftover().len(), 100_000 - 257);
    }

    // --- leftovers, chunking, errors that stick ---

    #[test]
    fn leftover_bytes_after_reply() {
        let mut s = awaiting_reply();
        let mut data = OK_V4.to_vec();
        data.extend_from_slice(&[0x20, 0x02, 0x00, 0x00]);
        assert_eq!(feed(&mut s, &data), Ok(Status::Done));
        assert_eq!(feed(&mut s, &[0xaa]), Ok(Status::Done));
        assert_eq!(feed(&mut s, &[]), Ok(Status::Done));
        assert_eq!(s.take_leftover(), [0x20, 0x02, 0x00, 0x00, 0xaa]);
        assert!(s.take_leftover().is_empty());
        assert!(s.output().is_empty());
    }

    #[test]
    fn empty_input_waits() {
        let mut s = Socks5::new("h", 1, None);
        assert_eq!(feed(&mut s, &[]), Ok(Status::NeedMore));
        assert_eq!(s.output(), [5, 1, 0]);
        assert_eq!(feed(&mut s, &[]), Ok(Status::NeedMore));
    }

    #[test]
    fn error_sticks() {
        let mut s = Socks5::new("h", 1, None);
        let err = feed(&mut s, &[4, 0]).unwrap_err();
        assert_eq!(feed(&mut s, &[5, 0]), Err(err.clone()));
        assert_eq!(feed(&mut s, &[]), Err(err));
        assert!(!s.is_done());
        assert!(s.take_leftover().is_empty());
    }

    /// The whole conversation of one handshake: what the proxy sends, concatenated, and what the
    /// client must have sent by the end.
    fn script(auth: bool) -> (Socks5, Vec<u8>, Vec<u8>) {
        let s = Socks5::new(
            "mqtt.example",
            1883,
            if auth { creds("user", "pw") } else { None },
        );
        let mut proxy = Vec::new();
        let mut client = Vec::new();
        if auth {
            proxy.extend_from_slice(&[5, 2, 1, 0]);
            client.extend_from_slice(&[5, 2, 0, 2, 1, 4, b'u', b's', b'e', b'r', 2, b'p', b'w']);
        } else {
            proxy.extend_from_slice(&[5, 0]);
            client.extend_from_slice(&[5, 1, 0]);
        }
        client.extend_from_slice(&[5, 1, 0, 3, 12]);
        client.extend_from_slice(b"mqtt.example");
        client.extend_from_slice(&[0x07, 0x5b]);
        proxy.extend_from_slice(&[5, 0, 0, 3, 3, b'a', b'b', b'c', 0x04, 0x38]);
        proxy.extend_from_slice(b"MQ");
        (s, proxy, client)
    }

    #[test]
    fn every_split_point() {
        for auth in [false, true] {
            let (_, proxy, client) = script(auth);
            for a in 0..=proxy.len() {
                for b in a..=proxy.len() {
                    let (mut s, _, _) = script(auth);
                    let mut sent = s.output();
                    for chunk in [&proxy[..a], &proxy[a..b], &proxy[b..]] {
                        s.handle_input(chunk).unwrap();
                        sent.extend(s.output());
                    }
                    assert!(s.is_done(), "auth {auth} split {a}/{b}");
                    assert_eq!(sent, client, "auth {auth} split {a}/{b}");
                    assert_eq!(s.take_leftover(), b"MQ", "auth {auth} split {a}/{b}");
                }
            }
        }
    }

    #[test]
    fn byte_by_byte() {
        for auth in [false, true] {
            let (mut s, proxy, client) = script(auth);
            let mut sent = s.output();
            let reply_end = proxy.len() - 2;
            for (i, byte) in proxy.iter().enumerate() {
                let status = s.handle_input(std::slice::from_ref(byte)).unwrap();
                let want = if i + 1 >= reply_end {
                    Status::Done
                } else {
                    Status::NeedMore
                };
                assert_eq!(status, want, "byte {i}");
                sent.extend(s.output());
            }
            assert_eq!(sent, client);
            assert_eq!(s.take_leftover(), b"MQ");
        }
    }

    #[test]
    fn truncated_input_never_completes() {
        for auth in [false, true] {
            let (_, proxy, _) = script(auth);
            for cut in 0..proxy.len() - 2 {
                let (mut s, _, _) = script(auth);
                s.output();
                assert_eq!(s.handle_input(&proxy[..cut]), Ok(Status::NeedMore), "cut {cut}");
                assert!(!s.is_done());
            }
        }
    }

    #[test]
    fn arbitrary_input_never_panics() {
        // A small deterministic generator; every sequence must end in NeedMore, Done or an error.
        let mut x: u32 = 0x1234_5678;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for _ in 0..20_000 {
            let mut s = Socks5::new("h", 1, if next() % 2 == 0 { creds("u", "p") } else { None });
            let len = (next() % 40) as usize;
            // Bias towards plausible bytes so that deeper states get reached.
            let data: Vec<u8> = (0..len)
                .map(|_| match next() % 4 {
                    0 => 5,
                    1 => 0,
                    2 => (next() % 5) as u8,
                    _ => next() as u8,
                })
                .collect();
            for chunk in data.chunks(1 + (next() % 7) as usize) {
                if s.handle_input(chunk).is_err() {
                    break;
                }
                s.output();
            }
        }
    }

    #[test]
    fn closed_maps_to_proxy() {
        assert_eq!(Socks5Error::Closed.to_error(), Error::Proxy);
        assert!(Socks5Error::Closed.to_string().contains("closed"));
    }

    #[test]
    fn display_texts() {
        assert_eq!(
            Socks5Error::ConnectFailed(5).to_string(),
            "SOCKS5 proxy could not connect: connection refused (reply 5)"
        );
        assert_eq!(
            Socks5Error::Method(0xff).to_string(),
            "SOCKS5 proxy accepts none of the offered authentication methods"
        );
        assert_eq!(
            Socks5Error::Method(1).to_string(),
            "SOCKS5 proxy selected unusable authentication method 0x01"
        );
    }

    // --- end to end over loopback ---

    /// A minimal SOCKS5 proxy for one connection: checks the client's messages byte for byte
    /// and answers as a real proxy would, then sends `after` as if it came from the target.
    #[cfg_attr(miri, ignore)]
    #[test]
    fn loopback_proxy() {
        use std::io::{Read, Write};
        use std::net::{TcpListener, TcpStream};

        for auth in [false, true] {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            let server = std::thread::spawn(move || {
                let (mut c, _) = listener.accept().unwrap();
                let read = |c: &mut TcpStream, n: usize| {
                    let mut b = vec![0; n];
                    c.read_exact(&mut b).unwrap();
                    b
                };
                if auth {
                    assert_eq!(read(&mut c, 4), [5, 2, 0, 2]);
                    c.write_all(&[5, 2]).unwrap();
                    assert_eq!(read(&mut c, 2 + 3 + 1 + 6), b"\x01\x03bob\x06hunter");
                    c.write_all(&[1, 0]).unwrap();
                } else {
                    assert_eq!(read(&mut c, 3), [5, 1, 0]);
                    c.write_all(&[5, 0]).unwrap();
                }
                let mut want = vec![5, 1, 0, 3, 9];
                want.extend_from_slice(b"localhost");
                want.extend_from_slice(&[0x07, 0x5b]);
                assert_eq!(read(&mut c, want.len()), want);
                // The reply and the first bytes from the target in one segment.
                c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0x9c, 0x40, 0x20, 0x02, 0x00, 0x00])
                    .unwrap();
            });

            let mut stream = TcpStream::connect(addr).unwrap();
            let auth_arg = if auth {
                Some((b"bob".to_vec(), b"hunter".to_vec()))
            } else {
                None
            };
            let mut s = Socks5::new("localhost", 1883, auth_arg);
            let mut buf = [0u8; 3];
            loop {
                stream.write_all(&s.output()).unwrap();
                let n = stream.read(&mut buf).unwrap();
                if n == 0 {
                    panic!("{}", Socks5Error::Closed);
                }
                if s.handle_input(&buf[..n]).unwrap() == Status::Done {
                    break;
                }
            }
            server.join().unwrap();
            let mut rest = s.take_leftover();
            stream.read_to_end(&mut rest).unwrap();
            assert_eq!(rest, [0x20, 0x02, 0x00, 0x00]);
        }
    }
}
