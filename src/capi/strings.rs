//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_strerror(mosq_errno: c_int) -> *const c_char {
    ffi_boundary! {
        let _ = (mosq_errno);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connack_string(connack_code: c_int) -> *const c_char {
    ffi_boundary! {
        let _ = (connack_code);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_reason_string(reason_code: c_int) -> *const c_char {
    ffi_boundary! {
        let _ = (reason_code);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_string_to_command(str: *const c_char, cmd: *mut c_int) -> c_int {
    ffi_boundary! {
        let _ = (str, cmd);
        MOSQ_ERR_NOT_SUPPORTED
    }
}
