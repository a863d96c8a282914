//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_socks5_set(
    mosq: *mut mosquitto,
    host: *const c_char,
    port: c_int,
    username: *const c_char,
    password: *const c_char,
) -> c_int {
    ffi_boundary! {
        let _ = (mosq, host, port, username, password);
        MOSQ_ERR_NOT_SUPPORTED
    }
}
