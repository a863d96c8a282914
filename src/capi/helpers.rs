//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_simple(
    messages: *mut *mut mosquitto_message,
    msg_count: c_int,
    want_retained: bool,
    topic: *const c_char,
    qos: c_int,
    host: *const c_char,
    port: c_int,
    client_id: *const c_char,
    keepalive: c_int,
    clean_session: bool,
    username: *const c_char,
    password: *const c_char,
    will: *const libmosquitto_will,
    tls: *const libmosquitto_tls,
) -> c_int {
    ffi_boundary! {
        let _ = (messages, msg_count, want_retained, topic, qos, host, port, client_id, keepalive, clean_session, username, password, will, tls);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_callback(
    callback: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, *const mosquitto_message) -> c_int>,
    userdata: *mut c_void,
    topic: *const c_char,
    qos: c_int,
    host: *const c_char,
    port: c_int,
    client_id: *const c_char,
    keepalive: c_int,
    clean_session: bool,
    username: *const c_char,
    password: *const c_char,
    will: *const libmosquitto_will,
    tls: *const libmosquitto_tls,
) -> c_int {
    ffi_boundary! {
        let _ = (callback, userdata, topic, qos, host, port, client_id, keepalive, clean_session, username, password, will, tls);
        MOSQ_ERR_NOT_SUPPORTED
    }
}
