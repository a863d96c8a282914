//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_callback_set(mosq: *mut mosquitto, on_connect: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>) {
    ffi_boundary! {
        let _ = (mosq, on_connect);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_with_flags_callback_set(mosq: *mut mosquitto, on_connect: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int)>) {
    ffi_boundary! {
        let _ = (mosq, on_connect);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_v5_callback_set(mosq: *mut mosquitto, on_connect: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, props: *const mosquitto_property)>) {
    ffi_boundary! {
        let _ = (mosq, on_connect);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_disconnect_callback_set(mosq: *mut mosquitto, on_disconnect: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>) {
    ffi_boundary! {
        let _ = (mosq, on_disconnect);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_disconnect_v5_callback_set(mosq: *mut mosquitto, on_disconnect: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, props: *const mosquitto_property)>) {
    ffi_boundary! {
        let _ = (mosq, on_disconnect);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_publish_callback_set(mosq: *mut mosquitto, on_publish: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>) {
    ffi_boundary! {
        let _ = (mosq, on_publish);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_publish_v5_callback_set(mosq: *mut mosquitto, on_publish: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, props: *const mosquitto_property)>) {
    ffi_boundary! {
        let _ = (mosq, on_publish);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_callback_set(mosq: *mut mosquitto, on_message: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, *const mosquitto_message)>) {
    ffi_boundary! {
        let _ = (mosq, on_message);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_v5_callback_set(mosq: *mut mosquitto, on_message: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, *const mosquitto_message, props: *const mosquitto_property)>) {
    ffi_boundary! {
        let _ = (mosq, on_message);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_callback_set(mosq: *mut mosquitto, on_subscribe: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const c_int)>) {
    ffi_boundary! {
        let _ = (mosq, on_subscribe);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_v5_callback_set(mosq: *mut mosquitto, on_subscribe: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const c_int, props: *const mosquitto_property)>) {
    ffi_boundary! {
        let _ = (mosq, on_subscribe);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe_callback_set(mosq: *mut mosquitto, on_unsubscribe: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>) {
    ffi_boundary! {
        let _ = (mosq, on_unsubscribe);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe_v5_callback_set(mosq: *mut mosquitto, on_unsubscribe: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, props: *const mosquitto_property)>) {
    ffi_boundary! {
        let _ = (mosq, on_unsubscribe);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_log_callback_set(mosq: *mut mosquitto, on_log: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, *const c_char)>) {
    ffi_boundary! {
        let _ = (mosq, on_log);
        
    }
}
