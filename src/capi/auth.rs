//! Username and password.

use std::ffi::{c_char, c_int};

use super::handle::shared;
use super::types::*;
use super::util::{cstr_bytes, rc};
use crate::protocol::utf8;

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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        // SAFETY: forwarded contract.
        let (username, password) = unsafe { (cstr_bytes(username), cstr_bytes(password)) };
        let mut g = s.inner.lock();
        let opts = &mut g.engine.session.opts;
        if !opts.protocol.is_v5() && password.is_some() && username.is_none() {
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        }
        opts.username = None;
        opts.password = None;
        if let Some(u) = username {
            if u.len() > 65535 {
                return rc(mosq_err_t::MOSQ_ERR_INVAL);
            }
            if !utf8::validate(u) {
                return rc(mosq_err_t::MOSQ_ERR_MALFORMED_UTF8);
            }
            opts.username = Some(String::from_utf8_lossy(u).into_owned());
        }
        opts.password = password.map(<[u8]>::to_vec);
        MOSQ_ERR_SUCCESS
    }
}
