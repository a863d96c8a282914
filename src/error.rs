//! The error type shared by the session and transport layers.
//!
//! Each variant corresponds to one `MOSQ_ERR_*` code of `mosquitto.h`; the C layer is the only
//! place that turns them into numbers.

use std::fmt;

/// An error from the client engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Out of memory.
    NoMem,
    /// The peer broke the MQTT protocol.
    Protocol,
    /// An argument is invalid.
    Inval,
    /// There is no connection.
    NoConn,
    /// The server refused the connection (CONNACK return code 1..5).
    ConnRefused,
    /// The connection was lost.
    ConnLost,
    /// A TLS error.
    Tls,
    /// A payload is too large.
    PayloadSize,
    /// The feature is not supported.
    NotSupported,
    /// Authentication failed.
    Auth,
    /// An unknown error.
    Unknown,
    /// An operating-system error, with its errno value.
    Errno(i32),
    /// A name lookup failed, with the getaddrinfo code.
    Eai(i32),
    /// A proxy error.
    Proxy,
    /// A string is not valid MQTT UTF-8.
    MalformedUtf8,
    /// The keepalive time passed without an answer from the server.
    Keepalive,
    /// A packet could not be decoded.
    MalformedPacket,
    /// A property appears more than once where that is not allowed.
    DuplicateProperty,
    /// The server does not support the requested QoS.
    QosNotSupported,
    /// The packet would exceed the server's maximum packet size.
    OversizePacket,
}

impl Error {
    /// Map an I/O error to the code libmosquitto would report for it.
    pub fn from_io(e: &std::io::Error) -> Self {
        use std::io::ErrorKind;
        match e.kind() {
            ErrorKind::ConnectionReset | ErrorKind::UnexpectedEof => Self::ConnLost,
            ErrorKind::OutOfMemory => Self::NoMem,
            _ => match e.raw_os_error() {
                Some(code) => Self::Errno(code),
                None => Self::Unknown,
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Errno(code) => write!(f, "{}", std::io::Error::from_raw_os_error(*code)),
            Self::Eai(code) => write!(f, "lookup error {code}"),
            other => write!(f, "{other:?}"),
        }
    }
}

impl std::error::Error for Error {}
