//! Connecting through a SOCKS5 proxy.

use std::ffi::{c_char, c_int};

#[cfg(feature = "socks")]
use super::error::code;
#[cfg(feature = "socks")]
use super::handle::shared;
use super::types::*;
#[cfg(feature = "socks")]
use super::util::cstr_bytes;
#[cfg(feature = "socks")]
use crate::client::Error;
#[cfg(feature = "socks")]
use crate::transport::connect::Proxy;
#[cfg(feature = "socks")]
use crate::transport::socks5;

/// Connect through the SOCKS5 proxy at `host`:`port` from the next connection on. The proxy
/// resolves the broker's host name itself unless it is an IP address. With `username`, the
/// proxy's username/password authentication is offered too (`password` may then be NULL, for an
/// empty one). TLS, when configured, runs through the proxy to the broker.
///
/// Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client or host, host longer than 256
/// bytes, port outside 1..65535, username or password longer than 255 bytes);
/// `MOSQ_ERR_NOT_SUPPORTED` from a build without SOCKS5 support.
///
/// # Safety
/// `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_socks5_set(
    mosq: *mut mosquitto,
    host: *const c_char,
    port: c_int,
    username: *const c_char,
    password: *const c_char,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { set_proxy(mosq, host, port, username, password) }
    }
}

/// The work of [`mosquitto_socks5_set`].
///
/// # Safety
/// As for [`mosquitto_socks5_set`].
#[cfg(feature = "socks")]
unsafe fn set_proxy(
    mosq: *mut mosquitto,
    host: *const c_char,
    port: c_int,
    username: *const c_char,
    password: *const c_char,
) -> c_int {
    // SAFETY: forwarded contract.
    let (Some(s), Some(host)) = (unsafe { shared(mosq) }, unsafe { cstr_bytes(host) }) else {
        return code(&Error::Inval);
    };
    // SAFETY: forwarded contract.
    let (username, password) = unsafe { (cstr_bytes(username), cstr_bytes(password)) };
    let host = String::from_utf8_lossy(host).into_owned();
    if let Err(e) = socks5::check_settings(&host, port, username, password) {
        return code(&e);
    }
    let username = username.map(<[u8]>::to_vec);
    let password = if username.is_some() {
        password.map(<[u8]>::to_vec)
    } else {
        None
    };
    s.client.settings().set_proxy(Some(Proxy {
        host,
        port: port as u16,
        username,
        password,
    }));
    MOSQ_ERR_SUCCESS
}

/// Without SOCKS support: libmosquitto built without it returns `MOSQ_ERR_NOT_SUPPORTED`.
///
/// # Safety
/// Any pointers; they are not used.
#[cfg(not(feature = "socks"))]
unsafe fn set_proxy(
    _: *mut mosquitto,
    _: *const c_char,
    _: c_int,
    _: *const c_char,
    _: *const c_char,
) -> c_int {
    MOSQ_ERR_NOT_SUPPORTED
}
