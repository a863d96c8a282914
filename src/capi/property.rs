//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_byte(proplist: *mut *mut mosquitto_property, identifier: c_int, value: u8) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_int16(proplist: *mut *mut mosquitto_property, identifier: c_int, value: u16) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_int32(proplist: *mut *mut mosquitto_property, identifier: c_int, value: u32) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_varint(proplist: *mut *mut mosquitto_property, identifier: c_int, value: u32) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_binary(proplist: *mut *mut mosquitto_property, identifier: c_int, value: *const c_void, len: u16) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value, len);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_string(proplist: *mut *mut mosquitto_property, identifier: c_int, value: *const c_char) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_string_pair(proplist: *mut *mut mosquitto_property, identifier: c_int, name: *const c_char, value: *const c_char) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, name, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_identifier(property: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = (property);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_next(proplist: *const mosquitto_property) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_byte(proplist: *const mosquitto_property, identifier: c_int, value: *mut u8, skip_first: bool) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_int16(proplist: *const mosquitto_property, identifier: c_int, value: *mut u16, skip_first: bool) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_int32(proplist: *const mosquitto_property, identifier: c_int, value: *mut u32, skip_first: bool) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_varint(proplist: *const mosquitto_property, identifier: c_int, value: *mut u32, skip_first: bool) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_binary(proplist: *const mosquitto_property, identifier: c_int, value: *mut *mut c_void, len: *mut u16, skip_first: bool) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, len, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_string(proplist: *const mosquitto_property, identifier: c_int, value: *mut *mut c_char, skip_first: bool) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_string_pair(proplist: *const mosquitto_property, identifier: c_int, name: *mut *mut c_char, value: *mut *mut c_char, skip_first: bool) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, name, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_free_all(properties: *mut *mut mosquitto_property) {
    ffi_boundary! {
        let _ = (properties);
        
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_copy_all(dest: *mut *mut mosquitto_property, src: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = (dest, src);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_check_command(command: c_int, identifier: c_int) -> c_int {
    ffi_boundary! {
        let _ = (command, identifier);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_check_all(command: c_int, properties: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = (command, properties);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_identifier_to_string(identifier: c_int) -> *const c_char {
    ffi_boundary! {
        let _ = (identifier);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_string_to_property_info(propname: *const c_char, identifier: *mut c_int, type_: *mut c_int) -> c_int {
    ffi_boundary! {
        let _ = (propname, identifier, type_);
        MOSQ_ERR_NOT_SUPPORTED
    }
}
