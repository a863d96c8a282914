//! Connecting, reconnecting and disconnecting.

use std::ffi::{c_char, c_int};

use super::error::{code, result_code};
use super::handle::shared;
use super::property::from_c_list;
use super::types::*;
use super::util::cstr_bytes;
use crate::client::{Error, Target, check_connect_properties};

/// The connect arguments as the runtime takes them, checked as libmosquitto checks them
/// (`MOSQ_ERR_INVAL` for a NULL host, a port outside 0-65535 or a keepalive outside 0 and
/// 5-65535).
///
/// # Safety
/// `host` and `bind_address` are NULL or NUL-terminated strings.
unsafe fn target(
    host: *const c_char,
    port: c_int,
    keepalive: c_int,
    bind_address: *const c_char,
) -> Result<Target, Error> {
    // SAFETY: forwarded contract.
    let host = unsafe { cstr_bytes(host) }.ok_or(Error::Inval)?;
    let port = u16::try_from(port).map_err(|_| Error::Inval)?;
    let keepalive = u16::try_from(keepalive).map_err(|_| Error::Inval)?;
    // SAFETY: forwarded contract.
    let bind = unsafe { cstr_bytes(bind_address) }.map(|b| String::from_utf8_lossy(b).into_owned());
    Ok(Target {
        host: String::from_utf8_lossy(host).into_owned(),
        port,
        keepalive,
        bind_address: bind,
    })
}

/// Connect: the shared body of the connect functions (`properties` only for the blocking ones,
/// which replace the CONNECT properties; the others keep them).
///
/// # Safety
/// Pointers are NULL or valid (strings NUL-terminated, `properties` a library-built list).
unsafe fn connect(
    mosq: *mut mosquitto,
    host: *const c_char,
    port: c_int,
    keepalive: c_int,
    bind_address: *const c_char,
    properties: Option<*const mosquitto_property>,
) -> c_int {
    // SAFETY: forwarded contract.
    let Some(s) = (unsafe { shared(mosq) }) else {
        return code(&Error::Inval);
    };
    // SAFETY: forwarded contract.
    let props = properties.map(|p| unsafe { from_c_list(p) });
    if let Some(props) = &props {
        if let Err(e) = check_connect_properties(props) {
            return code(&e);
        }
    }
    // SAFETY: forwarded contract.
    let target = match unsafe { target(host, port, keepalive, bind_address) } {
        Ok(t) => t,
        Err(e) => return code(&e),
    };
    let blocking = properties.is_some();
    result_code(s.client.connect(&*s, target, props, blocking))
}

/// Connect to a server and wait until the TCP connection is established, then queue CONNECT
/// (sent before this returns unless a loop thread is running). The CONNACK arrives later,
/// through the loop functions, and is reported by the connect callback.
///
/// `host` is a host name or address (with `port` 0, the path of a Unix-domain socket); every
/// address the name resolves to is tried in turn. `keepalive` is the number of seconds after
/// which the client pings the server when nothing else was sent: 0 (off) or 5 to 65535.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (bad argument), `MOSQ_ERR_EAI` (name lookup
/// failed; `errno` holds the getaddrinfo code), `MOSQ_ERR_ERRNO` (connection failed; `errno`
/// tells why) or `MOSQ_ERR_NOT_SUPPORTED` (v5 connect properties with an older protocol).
/// After a failure, `mosquitto_loop_forever` and the loop thread keep retrying.
///
/// # Safety
/// `mosq` is NULL or a valid client; `host` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect(
    mosq: *mut mosquitto,
    host: *const c_char,
    port: c_int,
    keepalive: c_int,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { connect(mosq, host, port, keepalive, std::ptr::null(), Some(std::ptr::null())) }
    }
}

/// Like `mosquitto_connect`, binding the local end of the connection to `bind_address` (a
/// local address or host name; NULL for any).
///
/// # Safety
/// `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_bind(
    mosq: *mut mosquitto,
    host: *const c_char,
    port: c_int,
    keepalive: c_int,
    bind_address: *const c_char,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { connect(mosq, host, port, keepalive, bind_address, Some(std::ptr::null())) }
    }
}

/// Like `mosquitto_connect_bind`, with MQTT v5 CONNECT properties (checked, then copied: the
/// caller keeps ownership of `properties`). They are sent on this and every later reconnection;
/// properties with an MQTT 3.x protocol make the connection fail with `MOSQ_ERR_NOT_SUPPORTED`.
///
/// # Safety
/// `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated; `properties` is
/// NULL or a property list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_bind_v5(
    mosq: *mut mosquitto,
    host: *const c_char,
    port: c_int,
    keepalive: c_int,
    bind_address: *const c_char,
    properties: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { connect(mosq, host, port, keepalive, bind_address, Some(properties)) }
    }
}

/// Like `mosquitto_connect`, without waiting: the TCP connection completes in the background
/// and CONNECT is sent when it does. Use with `mosquitto_loop_start` (which may come first) or
/// the loop functions. Name lookup still happens during the call.
///
/// # Safety
/// `mosq` is NULL or a valid client; `host` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_async(
    mosq: *mut mosquitto,
    host: *const c_char,
    port: c_int,
    keepalive: c_int,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { mosquitto_connect_bind_async(mosq, host, port, keepalive, std::ptr::null()) }
    }
}

/// Like `mosquitto_connect_async`, binding the local end to `bind_address`.
///
/// # Safety
/// `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_bind_async(
    mosq: *mut mosquitto,
    host: *const c_char,
    port: c_int,
    keepalive: c_int,
    bind_address: *const c_char,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { connect(mosq, host, port, keepalive, bind_address, None) }
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_srv(
    mosq: *mut mosquitto,
    host: *const c_char,
    keepalive: c_int,
    bind_address: *const c_char,
) -> c_int {
    ffi_boundary! {
        let _ = (mosq, host, keepalive, bind_address);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Connect again to the host of the last connect call, waiting for the TCP connection. Messages
/// still in flight are resent once the server accepts the new connection.
///
/// Returns the codes of `mosquitto_connect`; `MOSQ_ERR_INVAL` if there was no connect call.
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_reconnect(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        result_code(s.client.reconnect(&*s, true, None))
    }
}

/// Like `mosquitto_reconnect`, without waiting for the TCP connection.
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_reconnect_async(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        let r = s.client.reconnect(&*s, false, None);
        s.client.wake();
        result_code(r)
    }
}

/// Disconnect from the server: sends DISCONNECT, and the connection closes once it has been
/// written (then the disconnect callback gets 0). `mosquitto_loop_forever` returns and the loop
/// thread ends after that; neither reconnects.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` or `MOSQ_ERR_NO_CONN` (not connected; the
/// request still stops the reconnect loop).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_disconnect(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { mosquitto_disconnect_v5(mosq, 0, std::ptr::null()) }
    }
}

/// Like `mosquitto_disconnect`, with an MQTT v5 reason code (0 to 255) and properties (copied;
/// the caller keeps ownership). Properties with an MQTT 3.x protocol give
/// `MOSQ_ERR_NOT_SUPPORTED`.
///
/// # Safety
/// `mosq` is NULL or a valid client; `properties` is NULL or a property list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_disconnect_v5(
    mosq: *mut mosquitto,
    reason_code: c_int,
    properties: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        // SAFETY: forwarded contract.
        let props = unsafe { from_c_list(properties) };
        if let Err(e) = s.client.check_disconnect(!props.is_empty()) {
            return code(&e);
        }
        let Ok(reason) = u8::try_from(reason_code) else {
            return code(&Error::Inval);
        };
        result_code(s.client.disconnect(&*s, reason, props))
    }
}
