//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_opts_set(mosq: *mut mosquitto, option: mosq_opt_arg, value: *mut c_void) -> c_int {
    ffi_boundary! {
        let _ = (mosq, option, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_int_option(mosq: *mut mosquitto, option: mosq_opt_arg, value: c_int) -> c_int {
    ffi_boundary! {
        let _ = (mosq, option, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_string_option(mosq: *mut mosquitto, option: mosq_opt_arg, value: *const c_char) -> c_int {
    ffi_boundary! {
        let _ = (mosq, option, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_void_option(mosq: *mut mosquitto, option: mosq_opt_arg, value: *mut c_void) -> c_int {
    ffi_boundary! {
        let _ = (mosq, option, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_reconnect_delay_set(mosq: *mut mosquitto, reconnect_delay: c_uint, reconnect_delay_max: c_uint, reconnect_exponential_backoff: bool) -> c_int {
    ffi_boundary! {
        let _ = (mosq, reconnect_delay, reconnect_delay_max, reconnect_exponential_backoff);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_max_inflight_messages_set(mosq: *mut mosquitto, max_inflight_messages: c_uint) -> c_int {
    ffi_boundary! {
        let _ = (mosq, max_inflight_messages);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_retry_set(mosq: *mut mosquitto, message_retry: c_uint) {
    ffi_boundary! {
        let _ = (mosq, message_retry);
        
    }
}
