//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_copy(dst: *mut mosquitto_message, src: *const mosquitto_message) -> c_int {
    ffi_boundary! {
        let _ = (dst, src);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_free(message: *mut *mut mosquitto_message) {
    ffi_boundary! {
        let _ = (message);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_free_contents(message: *mut mosquitto_message) {
    ffi_boundary! {
        let _ = (message);
        
    }
}
