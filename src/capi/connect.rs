//! Connecting, reconnecting and disconnecting.

use std::ffi::{c_char, c_int};
use std::sync::atomic::Ordering;

use super::error::{code, result_code};
use super::handle::{Shared, now, shared};
use super::loop_::reconnect;
use super::property::from_c_list;
use super::types::*;
use super::util::{cstr_bytes, rc};
use crate::error::Error;
use crate::protocol::ProtocolVersion;
use crate::protocol::consts::CMD_CONNECT;
use crate::protocol::properties;
use crate::session::{State, property_error};

/// Characters of generated MQTT 3.1 client ids.
const ID_CHARS: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A random `mosq-` + 18 characters client id, for MQTT 3.1 clients created without one.
fn random_client_id() -> String {
    let mut bytes = [0u8; 18];
    // SAFETY: `bytes` is valid for writes of its length.
    let n = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), 0) };
    if n != bytes.len() as isize {
        // Fall back on the clock and address-space layout; ids need only be unlikely to clash.
        let seed = crate::transport::driver::now().elapsed().as_nanos() as u64 ^ (&bytes as *const _ as u64);
        let mut x = seed | 1;
        for b in &mut bytes {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
    }
    let mut id = String::from("mosq-");
    id.extend(
        bytes
            .iter()
            .map(|b| ID_CHARS[usize::from(b & 0x7F) % ID_CHARS.len()] as char),
    );
    id
}

/// Validate connect arguments and record them (libmosquitto's connect initialisation).
///
/// # Safety
/// `host` and `bind_address` are NULL or NUL-terminated strings.
unsafe fn connect_init(
    s: &Shared,
    host: *const c_char,
    port: c_int,
    keepalive: c_int,
    bind_address: *const c_char,
) -> Result<(), Error> {
    // SAFETY: forwarded contract.
    let host = unsafe { cstr_bytes(host) }.ok_or(Error::Inval)?;
    if !(0..=65535).contains(&port) {
        return Err(Error::Inval);
    }
    if keepalive != 0 && !(5..=65535).contains(&keepalive) {
        return Err(Error::Inval);
    }
    // SAFETY: forwarded contract.
    let bind = unsafe { cstr_bytes(bind_address) }.map(|b| String::from_utf8_lossy(b).into_owned());
    let host = String::from_utf8_lossy(host).into_owned();
    s.abort_connect.store(false, Ordering::Release);
    let mut g = s.inner.lock();
    let e = &mut g.engine;
    if bind.is_some() {
        e.bind_address = bind;
    }
    if e.session.opts.client_id.is_none() && e.session.protocol() == ProtocolVersion::V31 {
        e.session.opts.client_id = Some(random_client_id());
    }
    e.host = Some((host, port as u16));
    e.session.prepare_connect(keepalive as u16);
    Ok(())
}

/// Connect: the shared body of the blocking connect functions.
///
/// # Safety
/// Pointers are NULL or valid (strings NUL-terminated, `properties` a library-built list).
unsafe fn connect_blocking(
    mosq: *mut mosquitto,
    host: *const c_char,
    port: c_int,
    keepalive: c_int,
    bind_address: *const c_char,
    properties: *const mosquitto_property,
) -> c_int {
    // SAFETY: forwarded contract.
    let Some(s) = (unsafe { shared(mosq) }) else {
        return rc(mosq_err_t::MOSQ_ERR_INVAL);
    };
    // SAFETY: forwarded contract.
    let props = unsafe { from_c_list(properties) };
    if !props.is_empty() {
        if let Err(e) = properties::check_all(CMD_CONNECT, &props) {
            return code(&property_error(e));
        }
    }
    s.inner.lock().engine.session.opts.connect_properties = props;
    // SAFETY: forwarded contract.
    if let Err(e) = unsafe { connect_init(s, host, port, keepalive, bind_address) } {
        return code(&e);
    }
    s.inner.lock().engine.session.set_state(State::New);
    result_code(reconnect(s, true, None))
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
        unsafe { connect_blocking(mosq, host, port, keepalive, std::ptr::null(), std::ptr::null()) }
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
        unsafe { connect_blocking(mosq, host, port, keepalive, bind_address, std::ptr::null()) }
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
        unsafe { connect_blocking(mosq, host, port, keepalive, bind_address, properties) }
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
        let Some(s) = (unsafe { shared(mosq) }) else {
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        // SAFETY: forwarded contract.
        if let Err(e) = unsafe { connect_init(s, host, port, keepalive, bind_address) } {
            return code(&e);
        }
        let r = reconnect(s, false, None);
        s.wake();
        result_code(r)
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        result_code(reconnect(s, true, None))
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        let r = reconnect(s, false, None);
        s.wake();
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        // SAFETY: forwarded contract.
        let props = unsafe { from_c_list(properties) };
        let r = s.locked(|g| {
            if !props.is_empty() && !g.engine.session.protocol().is_v5() {
                return Err(Error::NotSupported);
            }
            let reason = u8::try_from(reason_code).map_err(|_| Error::Inval)?;
            g.engine.session.disconnect(reason, props)?;
            g.output_ready(now())
        });
        match &r {
            Err(Error::NoConn) => {
                s.abort_connect.store(true, Ordering::Release);
                s.inner.lock().engine.invalidate_pending_connect();
                s.wake();
            }
            Ok(()) => s.wake(),
            Err(_) => {}
        }
        result_code(r)
    }
}
