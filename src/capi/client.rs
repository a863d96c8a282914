//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_new(id: *const c_char, clean_session: bool, obj: *mut c_void) -> *mut mosquitto {
    ffi_boundary! {
        let _ = (id, clean_session, obj);
        std::ptr::null_mut()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_destroy(mosq: *mut mosquitto) {
    ffi_boundary! {
        let _ = (mosq);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_reinitialise(mosq: *mut mosquitto, id: *const c_char, clean_session: bool, obj: *mut c_void) -> c_int {
    ffi_boundary! {
        let _ = (mosq, id, clean_session, obj);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_user_data_set(mosq: *mut mosquitto, obj: *mut c_void) {
    ffi_boundary! {
        let _ = (mosq, obj);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_userdata(mosq: *mut mosquitto) -> *mut c_void {
    ffi_boundary! {
        let _ = (mosq);
        std::ptr::null_mut()
    }
}
