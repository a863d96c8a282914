//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe(mosq: *mut mosquitto, mid: *mut c_int, sub: *const c_char, qos: c_int) -> c_int {
    ffi_boundary! {
        let _ = (mosq, mid, sub, qos);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_v5(mosq: *mut mosquitto, mid: *mut c_int, sub: *const c_char, qos: c_int, options: c_int, properties: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = (mosq, mid, sub, qos, options, properties);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_multiple(mosq: *mut mosquitto, mid: *mut c_int, sub_count: c_int, sub: mosq_topic_array, qos: c_int, options: c_int, properties: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = (mosq, mid, sub_count, sub, qos, options, properties);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe(mosq: *mut mosquitto, mid: *mut c_int, sub: *const c_char) -> c_int {
    ffi_boundary! {
        let _ = (mosq, mid, sub);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe_v5(mosq: *mut mosquitto, mid: *mut c_int, sub: *const c_char, properties: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = (mosq, mid, sub, properties);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe_multiple(mosq: *mut mosquitto, mid: *mut c_int, sub_count: c_int, sub: mosq_topic_array, properties: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = (mosq, mid, sub_count, sub, properties);
        MOSQ_ERR_NOT_SUPPORTED
    }
}
