//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_lib_version(major: *mut c_int, minor: *mut c_int, revision: *mut c_int) -> c_int {
    ffi_boundary! {
        let _ = (major, minor, revision);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_lib_init() -> c_int {
    ffi_boundary! {
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_lib_cleanup() -> c_int {
    ffi_boundary! {
        MOSQ_ERR_NOT_SUPPORTED
    }
}
