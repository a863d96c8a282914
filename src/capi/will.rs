//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_will_set(mosq: *mut mosquitto, topic: *const c_char, payloadlen: c_int, payload: *const c_void, qos: c_int, retain: bool) -> c_int {
    ffi_boundary! {
        let _ = (mosq, topic, payloadlen, payload, qos, retain);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_will_set_v5(mosq: *mut mosquitto, topic: *const c_char, payloadlen: c_int, payload: *const c_void, qos: c_int, retain: bool, properties: *mut mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = (mosq, topic, payloadlen, payload, qos, retain, properties);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_will_clear(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        let _ = (mosq);
        MOSQ_ERR_NOT_SUPPORTED
    }
}
