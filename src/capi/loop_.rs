//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_forever(mosq: *mut mosquitto, timeout: c_int, max_packets: c_int) -> c_int {
    ffi_boundary! {
        let _ = (mosq, timeout, max_packets);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_start(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        let _ = (mosq);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_stop(mosq: *mut mosquitto, force: bool) -> c_int {
    ffi_boundary! {
        let _ = (mosq, force);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop(mosq: *mut mosquitto, timeout: c_int, max_packets: c_int) -> c_int {
    ffi_boundary! {
        let _ = (mosq, timeout, max_packets);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_read(mosq: *mut mosquitto, max_packets: c_int) -> c_int {
    ffi_boundary! {
        let _ = (mosq, max_packets);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_write(mosq: *mut mosquitto, max_packets: c_int) -> c_int {
    ffi_boundary! {
        let _ = (mosq, max_packets);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_misc(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        let _ = (mosq);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_socket(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        let _ = (mosq);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_want_write(mosq: *mut mosquitto) -> bool {
    ffi_boundary! {
        let _ = (mosq);
        false
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_threaded_set(mosq: *mut mosquitto, threaded: bool) -> c_int {
    ffi_boundary! {
        let _ = (mosq, threaded);
        MOSQ_ERR_NOT_SUPPORTED
    }
}
