//! MQTT sizes: variable byte integers and the encoded length of property lists, and freeing a
//! single property.

use std::ffi::c_uint;

use super::ffi_boundary;
use crate::capi::property::PropNode;
use crate::capi::types::mosquitto_property;
use crate::protocol::properties;
use crate::protocol::writer::varint_len;

/// The number of bytes MQTT's variable byte integer encoding takes for `word`: 1 to 4, or 5
/// for values above 268,435,455, which MQTT cannot carry.
#[unsafe(no_mangle)]
pub extern "C" fn mosquitto_varint_bytes(word: u32) -> c_uint {
    ffi_boundary! {
        varint_len(word) as c_uint
    }
}

/// Free the one property `*property` (not the rest of a list it heads) and set `*property` to
/// NULL. NULL, or a pointer to NULL, does nothing.
///
/// # Safety
/// `property` is NULL or points to NULL or to a property made by this library and owned by
/// the caller, which no list still links to and which is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_free(property: *mut *mut mosquitto_property) {
    ffi_boundary! {
        if property.is_null() {
            return;
        }
        // SAFETY: readable and writable (caller contract).
        let node = unsafe { *property }.cast::<PropNode>();
        if !node.is_null() {
            // SAFETY: a node made by `Box::into_raw`, released once; its `next` is not
            // followed.
            drop(unsafe { Box::from_raw(node) });
        }
        // SAFETY: writable (caller contract).
        unsafe { *property = std::ptr::null_mut() };
    }
}

/// The property behind a pointer from C.
///
/// # Safety
/// `property` is NULL or a valid property of a list made by this library.
unsafe fn node<'a>(property: *const mosquitto_property) -> Option<&'a PropNode> {
    // SAFETY: NULL or valid (caller contract).
    unsafe { property.cast::<PropNode>().as_ref() }
}

/// The size in bytes of the one property `property` as it is sent (identifier and value); 0
/// for NULL.
///
/// # Safety
/// `property` is NULL or a valid property of a list made by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_get_length(property: *const mosquitto_property) -> c_uint {
    ffi_boundary! {
        // SAFETY: NULL or valid (caller contract).
        unsafe { node(property) }.map_or(0, |n| saturating_uint(n.prop.encoded_len()))
    }
}

/// The size in bytes of every property of the list `property` as they are sent, without the
/// length that precedes them in a packet; 0 for NULL.
///
/// # Safety
/// `property` is NULL or a valid list made by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_get_length_all(property: *const mosquitto_property) -> c_uint {
    ffi_boundary! {
        // SAFETY: NULL or a valid list (caller contract).
        let all = unsafe { crate::capi::property::all_of_c_list(property) };
        saturating_uint(properties::properties_body_len(&all))
    }
}

/// The size in bytes of the list `props` in a packet: its properties and the variable byte
/// integer giving their length (1 for an empty list or NULL).
///
/// # Safety
/// `props` is NULL or a valid list made by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_get_remaining_length(props: *const mosquitto_property) -> c_uint {
    ffi_boundary! {
        // SAFETY: NULL or a valid list (caller contract).
        let all = unsafe { crate::capi::property::all_of_c_list(props) };
        saturating_uint(properties::properties_len(&all))
    }
}

fn saturating_uint(n: usize) -> c_uint {
    c_uint::try_from(n).unwrap_or(c_uint::MAX)
}
