//! MQTT v5 property lists as C sees them: `mosquitto_property *` is a singly linked list of
//! nodes allocated by this library.

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;
use crate::protocol::Property;

/// One node of a C property list. `mosquitto_property` pointers point to these.
pub(crate) struct PropNode {
    pub(crate) prop: Property,
    pub(crate) next: *mut PropNode,
    /// Built by the `mosquitto_property_add_*` functions (as opposed to a list the library
    /// handed to a callback).
    pub(crate) client_generated: bool,
}

/// Build a C list from `props` (NULL when empty); free it with [`free_list`].
pub(crate) fn to_c_list(props: &[Property], client_generated: bool) -> *mut PropNode {
    let mut head: *mut PropNode = std::ptr::null_mut();
    for prop in props.iter().rev() {
        head = Box::into_raw(Box::new(PropNode {
            prop: prop.clone(),
            next: head,
            client_generated,
        }));
    }
    head
}

/// Free a list built by this library.
///
/// # Safety
/// `head` is NULL or the head of a list whose nodes were all allocated by this library and are
/// not used afterwards.
pub(crate) unsafe fn free_list(mut head: *mut PropNode) {
    while !head.is_null() {
        // SAFETY: every node was created by `Box::into_raw` and is freed once.
        let node = unsafe { Box::from_raw(head) };
        head = node.next;
    }
}

/// Call `f` with a temporary C list equal to `props` (NULL when empty).
pub(crate) fn with_c_list<R>(props: &[Property], f: impl FnOnce(*const mosquitto_property) -> R) -> R {
    let list = to_c_list(props, false);
    let r = f(list.cast_const().cast());
    // SAFETY: `list` was built just above and the callee may not keep it.
    unsafe { free_list(list) };
    r
}

/// Copy a C list into Rust values. As libmosquitto does, a list the application did not build
/// itself (one received in a callback) contributes only its first property.
///
/// # Safety
/// `list` is NULL or a valid list built by this library.
pub(crate) unsafe fn from_c_list(list: *const mosquitto_property) -> Vec<Property> {
    let mut out = Vec::new();
    let mut cur = list.cast::<PropNode>();
    let mut first = true;
    while !cur.is_null() {
        // SAFETY: per the contract, every node of the list is valid.
        let node = unsafe { &*cur };
        out.push(node.prop.clone());
        if first && !node.client_generated {
            break;
        }
        first = false;
        cur = node.next;
    }
    out
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_byte(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u8,
) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_int16(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u16,
) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_int32(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u32,
) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_varint(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u32,
) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_binary(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: *const c_void,
    len: u16,
) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value, len);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_string(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: *const c_char,
) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_string_pair(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    name: *const c_char,
    value: *const c_char,
) -> c_int {
    ffi_boundary! {
        let _ = (proplist, identifier, name, value);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_identifier(property: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        let _ = property;
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_next(
    proplist: *const mosquitto_property,
) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = proplist;
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_byte(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut u8,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_int16(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut u16,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_int32(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut u32,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_varint(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut u32,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_binary(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut *mut c_void,
    len: *mut u16,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, len, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_string(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut *mut c_char,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_string_pair(
    proplist: *const mosquitto_property,
    identifier: c_int,
    name: *mut *mut c_char,
    value: *mut *mut c_char,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        let _ = (proplist, identifier, name, value, skip_first);
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_free_all(properties: *mut *mut mosquitto_property) {
    ffi_boundary! {
        let _ = properties;

    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_copy_all(
    dest: *mut *mut mosquitto_property,
    src: *const mosquitto_property,
) -> c_int {
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
pub unsafe extern "C" fn mosquitto_property_check_all(
    command: c_int,
    properties: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        let _ = (command, properties);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_identifier_to_string(identifier: c_int) -> *const c_char {
    ffi_boundary! {
        let _ = identifier;
        std::ptr::null()
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_string_to_property_info(
    propname: *const c_char,
    identifier: *mut c_int,
    type_: *mut c_int,
) -> c_int {
    ffi_boundary! {
        let _ = (propname, identifier, type_);
        MOSQ_ERR_NOT_SUPPORTED
    }
}
