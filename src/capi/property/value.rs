//! One property on its own (libmosquitto 2.1): `mosquitto_property_type`, the
//! `mosquitto_property_*_value` accessors and `mosquitto_property_remove`.
//!
//! The accessors read the property a pointer points to, whatever its identifier; they are
//! meant for walking a list with `mosquitto_property_next`. Strings and binary values are
//! handed out as pointers into the property (followed by a NUL byte), valid as long as the
//! property is; the caller must not free them.

use super::*;

/// The node behind a property pointer, or `None` for NULL.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library that outlives `'a`.
unsafe fn node<'a>(property: *const mosquitto_property) -> Option<&'a PropNode> {
    // SAFETY: forwarded contract.
    unsafe { property.cast::<PropNode>().as_ref() }
}

/// `bytes` followed by a NUL byte, kept in `cell` for the life of the node.
fn with_nul<'a>(cell: &'a OnceLock<Box<[u8]>>, bytes: &[u8]) -> &'a [u8] {
    cell.get_or_init(|| {
        let mut v = Vec::with_capacity(bytes.len() + 1);
        v.extend_from_slice(bytes);
        v.push(0);
        v.into_boxed_slice()
    })
}

/// A length as the two-byte integer the protocol limits it to (longer values are not made by
/// this library; 0 if one were).
fn length16(len: usize) -> u16 {
    u16::try_from(len).unwrap_or(0)
}

/// The value type of the property `property` points to (`MQTT_PROP_TYPE_BYTE`, ...,
/// `MQTT_PROP_TYPE_STRING_PAIR`), or 0 if it is NULL.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_type(property: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { node(property) } {
            Some(n) => c_int::from(n.prop.value.prop_type().code()),
            None => 0,
        }
    }
}

/// The value of a one-byte property, or 0 if `property` is NULL or of another type.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_byte_value(property: *const mosquitto_property) -> u8 {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { node(property) }.map(|n| &n.prop.value) {
            Some(PropValue::Byte(v)) => *v,
            _ => 0,
        }
    }
}

/// The value of a two-byte integer property, or 0 if `property` is NULL or of another type.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_int16_value(property: *const mosquitto_property) -> u16 {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { node(property) }.map(|n| &n.prop.value) {
            Some(PropValue::Int16(v)) => *v,
            _ => 0,
        }
    }
}

/// The value of a four-byte integer property, or 0 if `property` is NULL or of another type.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_int32_value(property: *const mosquitto_property) -> u32 {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { node(property) }.map(|n| &n.prop.value) {
            Some(PropValue::Int32(v)) => *v,
            _ => 0,
        }
    }
}

/// The value of a variable byte integer property, or 0 if `property` is NULL or of another
/// type.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_varint_value(property: *const mosquitto_property) -> u32 {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { node(property) }.map(|n| &n.prop.value) {
            Some(PropValue::VarInt(v)) => *v,
            _ => 0,
        }
    }
}

/// The bytes of a binary property (`mosquitto_property_binary_value_length` of them, followed
/// by a NUL byte), or NULL if `property` is NULL or of another type. The pointer belongs to
/// the property.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_binary_value(
    property: *const mosquitto_property,
) -> *const c_void {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(n) = (unsafe { node(property) }) else {
            return std::ptr::null();
        };
        match &n.prop.value {
            PropValue::Binary(data) => with_nul(&n.c_value, data).as_ptr().cast(),
            _ => std::ptr::null(),
        }
    }
}

/// The length in bytes of a binary property's value, or 0 if `property` is NULL or of another
/// type.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_binary_value_length(property: *const mosquitto_property) -> u16 {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { node(property) }.map(|n| &n.prop.value) {
            Some(PropValue::Binary(data)) => length16(data.len()),
            _ => 0,
        }
    }
}

/// The value of a string property, or of a string pair (user-property), as a NUL-terminated
/// string; NULL if `property` is NULL or of another type. The pointer belongs to the property.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_string_value(
    property: *const mosquitto_property,
) -> *const c_char {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(n) = (unsafe { node(property) }) else {
            return std::ptr::null();
        };
        match &n.prop.value {
            PropValue::String(text) | PropValue::StringPair(_, text) => {
                with_nul(&n.c_value, text.as_bytes()).as_ptr().cast()
            }
            _ => std::ptr::null(),
        }
    }
}

/// The length in bytes of the value of a string or string pair property, or 0 if `property`
/// is NULL or of another type.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_string_value_length(property: *const mosquitto_property) -> u16 {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { node(property) }.map(|n| &n.prop.value) {
            Some(PropValue::String(text) | PropValue::StringPair(_, text)) => length16(text.len()),
            _ => 0,
        }
    }
}

/// The name of a string pair property (user-property) as a NUL-terminated string, or NULL if
/// `property` is NULL or of another type. The pointer belongs to the property.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_string_name(
    property: *const mosquitto_property,
) -> *const c_char {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(n) = (unsafe { node(property) }) else {
            return std::ptr::null();
        };
        match &n.prop.value {
            PropValue::StringPair(name, _) => with_nul(&n.c_name, name.as_bytes()).as_ptr().cast(),
            _ => std::ptr::null(),
        }
    }
}

/// The length in bytes of the name of a string pair property, or 0 if `property` is NULL or
/// of another type.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_string_name_length(property: *const mosquitto_property) -> u16 {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { node(property) }.map(|n| &n.prop.value) {
            Some(PropValue::StringPair(name, _)) => length16(name.len()),
            _ => 0,
        }
    }
}

/// Take the property `property` out of the list `*proplist` without freeing it: afterwards it
/// is a list of its own (its successor is unlinked) that the caller frees with
/// `mosquitto_property_free_all`. If it was the first property, `*proplist` moves to the next.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` if `proplist` or `property` is NULL, or
/// `MOSQ_ERR_NOT_FOUND` if `property` is not in the list (which is then unchanged).
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list the caller owns, built by this library;
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_remove(
    proplist: *mut *mut mosquitto_property,
    property: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        if proplist.is_null() || property.is_null() {
            return MOSQ_ERR_INVAL;
        }
        let target = property.cast::<PropNode>().cast_mut();
        let mut slot = proplist.cast::<*mut PropNode>();
        // SAFETY: `slot` starts at the caller's list pointer and then moves along the `next`
        // fields of the list's nodes, all valid and owned by the caller (contract); the node
        // found is the caller's too, so its `next` may be written.
        unsafe {
            while !(*slot).is_null() {
                if *slot == target {
                    *slot = (*target).next;
                    (*target).next = std::ptr::null_mut();
                    return MOSQ_ERR_SUCCESS;
                }
                slot = &raw mut (**slot).next;
            }
        }
        mosq_err_t::MOSQ_ERR_NOT_FOUND as c_int
    }
}
