//! Client options.

use std::ffi::{c_char, c_int, c_uint, c_void};

use super::error::code;
use super::handle::{Shared, shared};
use super::types::*;
use super::util::cstr_bytes;
use crate::client::Error;
use crate::protocol::ProtocolVersion;

/// The options that only mean something with TLS.
const TLS_OPTIONS: [mosq_opt_t; 8] = [
    mosq_opt_t::MOSQ_OPT_SSL_CTX,
    mosq_opt_t::MOSQ_OPT_SSL_CTX_WITH_DEFAULTS,
    mosq_opt_t::MOSQ_OPT_TLS_USE_OS_CERTS,
    mosq_opt_t::MOSQ_OPT_TLS_OCSP_REQUIRED,
    mosq_opt_t::MOSQ_OPT_TLS_ALPN,
    mosq_opt_t::MOSQ_OPT_TLS_KEYFORM,
    mosq_opt_t::MOSQ_OPT_TLS_ENGINE,
    mosq_opt_t::MOSQ_OPT_TLS_ENGINE_KPASS_SHA1,
];

/// Whether `option` is a TLS option and this build has no TLS: libmosquitto built without TLS
/// answers those with `MOSQ_ERR_NOT_SUPPORTED`, whatever the value.
fn tls_missing(option: c_int) -> bool {
    !cfg!(feature = "tls") && TLS_OPTIONS.iter().any(|&o| o as c_int == option)
}

/// Apply an integer option.
fn set_int(s: &Shared, option: c_int, value: c_int) -> c_int {
    if tls_missing(option) {
        return code(&Error::NotSupported);
    }
    let mut e = s.client.settings();
    match option {
        o if o == mosq_opt_t::MOSQ_OPT_PROTOCOL_VERSION as c_int => {
            let Some(v) = u8::try_from(value).ok().and_then(ProtocolVersion::from_level) else {
                return code(&Error::Inval);
            };
            e.set_protocol(v);
        }
        o if o == mosq_opt_t::MOSQ_OPT_RECEIVE_MAXIMUM as c_int => {
            let Ok(v) = u16::try_from(value) else {
                return code(&Error::Inval);
            };
            e.set_receive_maximum(v);
        }
        o if o == mosq_opt_t::MOSQ_OPT_SEND_MAXIMUM as c_int => {
            let Ok(v) = u16::try_from(value) else {
                return code(&Error::Inval);
            };
            e.set_send_maximum(v);
        }
        o if o == mosq_opt_t::MOSQ_OPT_TCP_NODELAY as c_int => e.set_tcp_nodelay(value != 0),
        o if o == mosq_opt_t::MOSQ_OPT_TLS_USE_OS_CERTS as c_int => e.tls().use_os_certs = value != 0,
        // rustls cannot check a stapled OCSP response, so requiring one is refused rather than
        // silently ignored.
        o if o == mosq_opt_t::MOSQ_OPT_TLS_OCSP_REQUIRED as c_int => {
            if value != 0 {
                return code(&Error::NotSupported);
            }
        }
        o if o == mosq_opt_t::MOSQ_OPT_SSL_CTX_WITH_DEFAULTS as c_int => e.tls().with_defaults = value != 0,
        o if o == mosq_opt_t::MOSQ_OPT_DISABLE_SOCKETPAIR as c_int => {}
        o if o == mosq_opt_t::MOSQ_OPT_TRANSPORT as c_int => match value {
            v if v == mosq_transport_t::MOSQ_T_TCP as c_int => e.set_websockets(false),
            v if v == mosq_transport_t::MOSQ_T_WEBSOCKETS as c_int => e.set_websockets(true),
            _ => return code(&Error::Inval),
        },
        o if o == mosq_opt_t::MOSQ_OPT_HTTP_HEADER_SIZE as c_int => match usize::try_from(value) {
            Ok(size) if size >= 100 => e.set_http_header_size(size),
            _ => return code(&Error::Inval),
        },
        _ => return code(&Error::Inval),
    }
    MOSQ_ERR_SUCCESS
}

/// Set an option through a pointer (the older interface): `MOSQ_OPT_PROTOCOL_VERSION` takes a
/// pointer to an `int` holding `MQTT_PROTOCOL_V31`, `MQTT_PROTOCOL_V311` or `MQTT_PROTOCOL_V5`.
/// `MOSQ_OPT_SSL_CTX` (an OpenSSL context) cannot be used by this library: a non-NULL one gives
/// `MOSQ_ERR_NOT_SUPPORTED` and makes every later connect fail with `MOSQ_ERR_TLS`.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client or value, unknown option or value)
/// or `MOSQ_ERR_NOT_SUPPORTED`.
///
/// # Safety
/// `mosq` is NULL or a valid client; `value` is NULL or points to what the option expects.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_opts_set(
    mosq: *mut mosquitto,
    option: mosq_opt_arg,
    value: *mut c_void,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        match option.0 {
            o if o == mosq_opt_t::MOSQ_OPT_PROTOCOL_VERSION as c_int => {
                if value.is_null() {
                    return code(&Error::Inval);
                }
                // SAFETY: for this option the caller passes a pointer to an int.
                let v = unsafe { *value.cast::<c_int>() };
                set_int(&s, o, v)
            }
            o if o == mosq_opt_t::MOSQ_OPT_SSL_CTX as c_int => set_ssl_ctx(&s, value),
            _ => code(&Error::Inval),
        }
    }
}

/// `MOSQ_OPT_SSL_CTX`: an OpenSSL context cannot be used here. A non-NULL one is refused with
/// `MOSQ_ERR_NOT_SUPPORTED` and remembered, so that every later connection attempt fails with
/// `MOSQ_ERR_TLS` (and an error log line) instead of going out without the TLS the application
/// asked for; NULL forgets it.
fn set_ssl_ctx(s: &Shared, value: *mut c_void) -> c_int {
    if tls_missing(mosq_opt_t::MOSQ_OPT_SSL_CTX as c_int) {
        return code(&Error::NotSupported);
    }
    s.client.settings().tls().foreign_context = !value.is_null();
    if value.is_null() {
        MOSQ_ERR_SUCCESS
    } else {
        code(&Error::NotSupported)
    }
}

/// Set an integer option:
/// - `MOSQ_OPT_PROTOCOL_VERSION`: `MQTT_PROTOCOL_V31`, `MQTT_PROTOCOL_V311` (default) or
///   `MQTT_PROTOCOL_V5`, used by the next connect;
/// - `MOSQ_OPT_RECEIVE_MAXIMUM`: how many QoS 1/2 messages the server may have in flight
///   towards us (MQTT v5; 0 to 65535, 0 meaning 65535; default 20);
/// - `MOSQ_OPT_SEND_MAXIMUM`: how many QoS 1/2 messages we keep in flight (0 to 65535, 0
///   meaning 65535; default 20; a v5 server's receive maximum replaces it);
/// - `MOSQ_OPT_TCP_NODELAY`: non-zero disables Nagle's algorithm on the next connection.
///
/// - `MOSQ_OPT_TLS_USE_OS_CERTS`: non-zero also trusts the operating system's CA certificates
///   (and turns TLS on, like `mosquitto_tls_set`).
///
/// - `MOSQ_OPT_SSL_CTX_WITH_DEFAULTS`: non-zero turns TLS on with the library's defaults: the
///   CA file or directory of `mosquitto_tls_set` if given, else the operating system's CA
///   certificates.
///
/// - `MOSQ_OPT_TRANSPORT` (libmosquitto 2.1): `MOSQ_T_TCP` (default) or `MOSQ_T_WEBSOCKETS`,
///   MQTT in WebSocket frames (over TLS too), for the next connections;
/// - `MOSQ_OPT_HTTP_HEADER_SIZE` (libmosquitto 2.1): the most bytes of HTTP headers accepted
///   in the websocket upgrade response, at least 100 (default 4096);
/// - `MOSQ_OPT_DISABLE_SOCKETPAIR` (libmosquitto 2.1): accepted and ignored (this library
///   has no socket pair to disable).
///
/// `MOSQ_OPT_TLS_OCSP_REQUIRED` can only be 0 here: OCSP stapling cannot be checked
/// (`MOSQ_ERR_NOT_SUPPORTED` for non-zero). In a build without TLS every TLS option gives
/// `MOSQ_ERR_NOT_SUPPORTED`, as in libmosquitto built without TLS.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client, unknown option or value out of
/// range) or `MOSQ_ERR_NOT_SUPPORTED`.
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_int_option(
    mosq: *mut mosquitto,
    option: mosq_opt_arg,
    value: c_int,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { shared(mosq) } {
            Some(s) => set_int(&s, option.0, value),
            None => code(&Error::Inval),
        }
    }
}

/// Set a string option:
/// - `MOSQ_OPT_BIND_ADDRESS`: the local address to bind to on the next connection (NULL clears
///   it);
/// - `MOSQ_OPT_TLS_ALPN`: the application protocol offered in the TLS handshake (NULL clears it);
/// - `MOSQ_OPT_TLS_KEYFORM`: `"pem"` (case-insensitive); `"engine"` is not supported;
/// - `MOSQ_OPT_HTTP_PATH` (libmosquitto 2.1): the path of the websocket upgrade request
///   (NULL: `"/mqtt"`; one with spaces or control characters is `MOSQ_ERR_INVAL`).
///
/// OpenSSL engines (`MOSQ_OPT_TLS_ENGINE`, `MOSQ_OPT_TLS_ENGINE_KPASS_SHA1`) are not supported.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client or unknown option) or
/// `MOSQ_ERR_NOT_SUPPORTED`.
///
/// # Safety
/// `mosq` is NULL or a valid client; `value` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_string_option(
    mosq: *mut mosquitto,
    option: mosq_opt_arg,
    value: *const c_char,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        match option.0 {
            o if tls_missing(o) => code(&Error::NotSupported),
            o if o == mosq_opt_t::MOSQ_OPT_BIND_ADDRESS as c_int => {
                // SAFETY: forwarded contract.
                let value = unsafe { cstr_bytes(value) }.map(|b| String::from_utf8_lossy(b).into_owned());
                s.client.settings().set_bind_address(value);
                MOSQ_ERR_SUCCESS
            }
            o if o == mosq_opt_t::MOSQ_OPT_TLS_ALPN as c_int => {
                // SAFETY: forwarded contract.
                let value = unsafe { cstr_bytes(value) }.map(<[u8]>::to_vec);
                s.client.settings().tls().alpn = value;
                MOSQ_ERR_SUCCESS
            }
            o if o == mosq_opt_t::MOSQ_OPT_TLS_KEYFORM as c_int => {
                // SAFETY: forwarded contract.
                match unsafe { cstr_bytes(value) }.map(<[u8]>::to_ascii_lowercase).as_deref() {
                    Some(b"pem") => MOSQ_ERR_SUCCESS,
                    Some(b"engine") => code(&Error::NotSupported),
                    _ => code(&Error::Inval),
                }
            }
            o if o == mosq_opt_t::MOSQ_OPT_HTTP_PATH as c_int => {
                // SAFETY: forwarded contract.
                let value = unsafe { cstr_bytes(value) };
                // The path goes into the request line: no spaces or control characters.
                if value.is_some_and(|v| v.iter().any(|&b| b <= b' ' || b == 0x7F)) {
                    return code(&Error::Inval);
                }
                let value = value.map(|b| String::from_utf8_lossy(b).into_owned());
                s.client.settings().set_http_path(value);
                MOSQ_ERR_SUCCESS
            }
            o if o == mosq_opt_t::MOSQ_OPT_TLS_ENGINE as c_int
                || o == mosq_opt_t::MOSQ_OPT_TLS_ENGINE_KPASS_SHA1 as c_int =>
            {
                code(&Error::NotSupported)
            }
            _ => code(&Error::Inval),
        }
    }
}

/// Set a pointer option. The only one, `MOSQ_OPT_SSL_CTX` (an OpenSSL context), cannot be used
/// by this library: a non-NULL context gives `MOSQ_ERR_NOT_SUPPORTED`, and every later connect
/// then fails with `MOSQ_ERR_TLS` rather than connect without TLS; NULL clears it. Other
/// options give `MOSQ_ERR_INVAL`.
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_void_option(
    mosq: *mut mosquitto,
    option: mosq_opt_arg,
    value: *mut c_void,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        if option.0 == mosq_opt_t::MOSQ_OPT_SSL_CTX as c_int { set_ssl_ctx(&s, value) } else { code(&Error::Inval) }
    }
}

/// Set the delay between reconnection attempts of `mosquitto_loop_forever` and the loop
/// thread: `reconnect_delay` seconds (0 counts as 1), growing after each failed attempt up to
/// `reconnect_delay_max` when that is larger: linearly (delay × attempts), or with
/// `reconnect_exponential_backoff` quadratically (delay × attempts²). A successful connection
/// resets it. The default is 1 second, without growth.
///
/// Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_reconnect_delay_set(
    mosq: *mut mosquitto,
    reconnect_delay: c_uint,
    reconnect_delay_max: c_uint,
    reconnect_exponential_backoff: bool,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        let mut settings = s.client.settings();
        let b = settings.backoff();
        b.delay = reconnect_delay.max(1);
        b.delay_max = reconnect_delay_max;
        b.exponential = reconnect_exponential_backoff;
        MOSQ_ERR_SUCCESS
    }
}

/// Set how many QoS 1/2 messages may be in flight at once (0 means 65535, the default is 20);
/// further messages are queued and sent as acknowledgements arrive. Same as
/// `mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, max_inflight_messages)`.
///
/// Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client, or more than 65535).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_max_inflight_messages_set(
    mosq: *mut mosquitto,
    max_inflight_messages: c_uint,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { shared(mosq) } {
            Some(s) => match c_int::try_from(max_inflight_messages) {
                Ok(v) => set_int(&s, mosq_opt_t::MOSQ_OPT_SEND_MAXIMUM as c_int, v),
                Err(_) => code(&Error::Inval),
            },
            None => code(&Error::Inval),
        }
    }
}

/// Kept for compatibility and ignored: messages are retried only when reconnecting, as in
/// libmosquitto 2.0.
///
/// # Safety
/// Any pointer is accepted; it is not used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_retry_set(mosq: *mut mosquitto, message_retry: c_uint) {
    ffi_boundary! {
        let _ = (mosq, message_retry);
    }
}
