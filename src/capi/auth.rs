//! Username and password, and MQTT v5 enhanced authentication.

use std::ffi::{c_char, c_int, c_void};

use super::error::code;
use super::handle::shared;
use super::property::all_of_c_list;
use super::types::*;
use super::util::{bytes, cstr_bytes};
use crate::client::Error;

/// Set the username and password sent in CONNECT by later connections. NULL `username` clears
/// both. MQTT 3.x cannot send a password without a username (`MOSQ_ERR_INVAL`); MQTT v5 can.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client, password without username for
/// 3.x, username longer than 65535 bytes) or `MOSQ_ERR_MALFORMED_UTF8` (username not valid
/// UTF-8).
///
/// # Safety
/// `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_username_pw_set(
    mosq: *mut mosquitto,
    username: *const c_char,
    password: *const c_char,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        // SAFETY: forwarded contract.
        let (username, password) = unsafe { (cstr_bytes(username), cstr_bytes(password)) };
        match s.client.settings().set_credentials(username, password) {
            Ok(()) => MOSQ_ERR_SUCCESS,
            Err(e) => code(&e),
        }
    }
}

/// Continue MQTT v5 enhanced authentication, from inside the callback set with
/// `mosquitto_ext_auth_callback_set`: send the server AUTH with reason code 0x18 (continue
/// authentication), carrying a copy of `props` (may be NULL), the authentication method
/// `auth_method` and, when `auth_data_len` is not 0, the `auth_data_len` bytes at
/// `auth_data`. The caller keeps ownership of `props`.
///
/// Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_PROTOCOL` if `mosq` or `auth_method` is NULL or the
/// client does not use MQTT v5 (as libmosquitto 2.1 answers these cases); `MOSQ_ERR_INVAL` if
/// `auth_data` is NULL with a non-zero length; `MOSQ_ERR_MALFORMED_UTF8` if `auth_method` is
/// not valid UTF-8; `MOSQ_ERR_OVERSIZE_PACKET` if the packet exceeds the server's maximum
/// packet size; `MOSQ_ERR_NO_CONN` without a connection.
///
/// # Safety
/// `mosq` is NULL or a valid client; `auth_method` is NULL or NUL-terminated; `auth_data` is
/// NULL or points to `auth_data_len` readable bytes; `props` is NULL or a property list built
/// by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_ext_auth_continue(
    mosq: *mut mosquitto,
    auth_method: *const c_char,
    auth_data_len: u16,
    auth_data: *const c_void,
    props: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let (Some(s), Some(method)) = (unsafe { shared(mosq) }, unsafe { cstr_bytes(auth_method) }) else {
            return code(&Error::Protocol);
        };
        if auth_data.is_null() && auth_data_len > 0 {
            return code(&Error::Inval);
        }
        let Ok(method) = std::str::from_utf8(method) else {
            return code(&Error::MalformedUtf8);
        };
        if !crate::protocol::utf8::validate(method.as_bytes()) {
            return code(&Error::MalformedUtf8);
        }
        // SAFETY: forwarded contract.
        let data = unsafe { bytes(auth_data, usize::from(auth_data_len)) };
        // SAFETY: forwarded contract; the list is copied.
        let props = unsafe { all_of_c_list(props) };
        match s.client.auth_continue(&*s, method, data, props) {
            Ok(()) => MOSQ_ERR_SUCCESS,
            Err(e) => code(&e),
        }
    }
}
