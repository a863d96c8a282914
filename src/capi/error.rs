//! The one place where engine errors become `MOSQ_ERR_*` codes.

use std::ffi::c_int;

use super::types::mosq_err_t;
use crate::error::Error;

/// The `MOSQ_ERR_*` code for `e`. For [`Error::Errno`] and [`Error::Eai`] this also sets
/// `errno`, as libmosquitto does, so that `mosquitto_strerror(MOSQ_ERR_ERRNO)` and the
/// application's own `strerror(errno)` describe the failure.
pub(crate) fn code(e: &Error) -> c_int {
    if let Error::Errno(n) | Error::Eai(n) = e {
        set_errno(*n);
    }
    const_code(e)
}

/// The `MOSQ_ERR_*` code for `e`, without setting `errno` (usable in constants).
pub(crate) const fn const_code(e: &Error) -> c_int {
    use mosq_err_t::*;
    let c = match e {
        Error::NoMem => MOSQ_ERR_NOMEM,
        Error::Protocol => MOSQ_ERR_PROTOCOL,
        Error::Inval => MOSQ_ERR_INVAL,
        Error::NoConn => MOSQ_ERR_NO_CONN,
        Error::ConnRefused => MOSQ_ERR_CONN_REFUSED,
        Error::ConnLost => MOSQ_ERR_CONN_LOST,
        Error::Tls => MOSQ_ERR_TLS,
        Error::PayloadSize => MOSQ_ERR_PAYLOAD_SIZE,
        Error::NotSupported => MOSQ_ERR_NOT_SUPPORTED,
        Error::Auth => MOSQ_ERR_AUTH,
        Error::Unknown => MOSQ_ERR_UNKNOWN,
        Error::Errno(_) => MOSQ_ERR_ERRNO,
        Error::Eai(_) => MOSQ_ERR_EAI,
        Error::Proxy => MOSQ_ERR_PROXY,
        Error::MalformedUtf8 => MOSQ_ERR_MALFORMED_UTF8,
        Error::Keepalive => MOSQ_ERR_KEEPALIVE,
        Error::MalformedPacket => MOSQ_ERR_MALFORMED_PACKET,
        Error::DuplicateProperty => MOSQ_ERR_DUPLICATE_PROPERTY,
        Error::QosNotSupported => MOSQ_ERR_QOS_NOT_SUPPORTED,
        Error::OversizePacket => MOSQ_ERR_OVERSIZE_PACKET,
    };
    c as c_int
}

/// `MOSQ_ERR_SUCCESS` or the code of the error.
pub(crate) fn result_code(r: Result<(), Error>) -> c_int {
    match r {
        Ok(()) => mosq_err_t::MOSQ_ERR_SUCCESS as c_int,
        Err(e) => code(&e),
    }
}

/// Set the calling thread's `errno`.
pub(crate) fn set_errno(value: c_int) {
    // SAFETY: __errno_location returns the address of the calling thread's errno, valid for
    // the thread's lifetime.
    unsafe { *libc::__errno_location() = value };
}

/// The engine error for a `MOSQ_ERR_*` code an application returned (from its enhanced
/// authentication callback). Codes without an engine error of their own become
/// [`Error::Auth`].
pub(crate) fn from_code(rc: c_int) -> Error {
    use mosq_err_t::*;
    const fn c(e: mosq_err_t) -> c_int {
        e as c_int
    }
    match rc {
        x if x == c(MOSQ_ERR_NOMEM) => Error::NoMem,
        x if x == c(MOSQ_ERR_PROTOCOL) => Error::Protocol,
        x if x == c(MOSQ_ERR_INVAL) => Error::Inval,
        x if x == c(MOSQ_ERR_NO_CONN) => Error::NoConn,
        x if x == c(MOSQ_ERR_CONN_REFUSED) => Error::ConnRefused,
        x if x == c(MOSQ_ERR_CONN_LOST) => Error::ConnLost,
        x if x == c(MOSQ_ERR_TLS) => Error::Tls,
        x if x == c(MOSQ_ERR_PAYLOAD_SIZE) => Error::PayloadSize,
        x if x == c(MOSQ_ERR_NOT_SUPPORTED) => Error::NotSupported,
        x if x == c(MOSQ_ERR_UNKNOWN) => Error::Unknown,
        x if x == c(MOSQ_ERR_PROXY) => Error::Proxy,
        x if x == c(MOSQ_ERR_MALFORMED_UTF8) => Error::MalformedUtf8,
        x if x == c(MOSQ_ERR_KEEPALIVE) => Error::Keepalive,
        x if x == c(MOSQ_ERR_MALFORMED_PACKET) => Error::MalformedPacket,
        x if x == c(MOSQ_ERR_DUPLICATE_PROPERTY) => Error::DuplicateProperty,
        x if x == c(MOSQ_ERR_QOS_NOT_SUPPORTED) => Error::QosNotSupported,
        x if x == c(MOSQ_ERR_OVERSIZE_PACKET) => Error::OversizePacket,
        _ => Error::Auth,
    }
}
