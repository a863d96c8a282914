//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_tls_set(
    mosq: *mut mosquitto,
    cafile: *const c_char,
    capath: *const c_char,
    certfile: *const c_char,
    keyfile: *const c_char,
    pw_callback: Option<
        unsafe extern "C" fn(buf: *mut c_char, size: c_int, rwflag: c_int, userdata: *mut c_void) -> c_int,
    >,
) -> c_int {
    ffi_boundary! {
        let _ = (mosq, cafile, capath, certfile, keyfile, pw_callback);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_tls_insecure_set(mosq: *mut mosquitto, value: bool) -> c_int {
    ffi_boundary! {
        let _ = (mosq, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_tls_opts_set(
    mosq: *mut mosquitto,
    cert_reqs: c_int,
    tls_version: *const c_char,
    ciphers: *const c_char,
) -> c_int {
    ffi_boundary! {
        let _ = (mosq, cert_reqs, tls_version, ciphers);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_tls_psk_set(
    mosq: *mut mosquitto,
    psk: *const c_char,
    identity: *const c_char,
    ciphers: *const c_char,
) -> c_int {
    ffi_boundary! {
        let _ = (mosq, psk, identity, ciphers);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_ssl_get(mosq: *mut mosquitto) -> *mut c_void {
    ffi_boundary! {
        let _ = mosq;
        std::ptr::null_mut()
    }
}
