//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect(mosq: *mut mosquitto, host: *const c_char, port: c_int, keepalive: c_int) -> c_int {
    ffi_boundary! {
        let _ = (mosq, host, port, keepalive);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_bind(mosq: *mut mosquitto, host: *const c_char, port: c_int, keepalive: c_int, bind_address: *const c_char) -> c_int {
    ffi_boundary! {
        let _ = (mosq, host, port, keepalive, bind_address);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_bind_v5(mosq: *mut mosquitto, host: *const c_char, port: c_int, keepalive: c_int, bind_address: *const c_char, properties: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = (mosq, host, port, keepalive, bind_address, properties);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_async(mosq: *mut mosquitto, host: *const c_char, port: c_int, keepalive: c_int) -> c_int {
    ffi_boundary! {
        let _ = (mosq, host, port, keepalive);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_bind_async(mosq: *mut mosquitto, host: *const c_char, port: c_int, keepalive: c_int, bind_address: *const c_char) -> c_int {
    ffi_boundary! {
        let _ = (mosq, host, port, keepalive, bind_address);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_srv(mosq: *mut mosquitto, host: *const c_char, keepalive: c_int, bind_address: *const c_char) -> c_int {
    ffi_boundary! {
        let _ = (mosq, host, keepalive, bind_address);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_reconnect(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        let _ = (mosq);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_reconnect_async(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        let _ = (mosq);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_disconnect(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        let _ = (mosq);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_disconnect_v5(mosq: *mut mosquitto, reason_code: c_int, properties: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = (mosq, reason_code, properties);
        MOSQ_ERR_NOT_SUPPORTED
    }
}
