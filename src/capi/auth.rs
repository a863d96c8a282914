//! Username and password.

use std::ffi::{c_char, c_int};

use super::error::code;
use super::handle::shared;
use super::types::*;
use super::util::cstr_bytes;
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
