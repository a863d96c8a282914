//! Walking a list: `mosquitto_property_identifier`, `mosquitto_property_next` and the
//! `mosquitto_property_read_*` functions.

use super::*;

/// The identifier (`MQTT_PROP_*`) of the property `property` points to, or 0 if it is NULL.
///
/// # Safety
/// `property` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_identifier(property: *const mosquitto_property) -> c_int {
    ffi_boundary! {
        if property.is_null() {
            return 0;
        }
        // SAFETY: not NULL; a valid node (caller contract).
        let node = unsafe { &*property.cast::<PropNode>() };
        c_int::from(node.prop.id)
    }
}

/// The property after `proplist` in its list, or NULL at the end of the list or if
/// `proplist` is NULL. Together with `mosquitto_property_identifier` this walks a list:
/// `for(p = list; p; p = mosquitto_property_next(p))`.
///
/// # Safety
/// `proplist` is NULL or a node of a list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_next(
    proplist: *const mosquitto_property,
) -> *const mosquitto_property {
    ffi_boundary! {
        if proplist.is_null() {
            return std::ptr::null();
        }
        // SAFETY: not NULL; a valid node (caller contract).
        let node = unsafe { &*proplist.cast::<PropNode>() };
        node.next.cast_const().cast()
    }
}

/// Find the property `identifier` in the list starting at `proplist` and read its one-byte
/// value into `*value` (unless `value` is NULL).
///
/// The search returns the first property with that identifier; with `skip_first` true it
/// passes over the first one and returns the second. To visit every occurrence, call it once
/// with `skip_first` false on the list, then repeatedly with `skip_first` true on the property
/// the previous call returned, until NULL comes back. The same holds for every
/// `mosquitto_property_read_*` function.
///
/// Returns the property found, or NULL if `proplist` is NULL, no such property is found, or the
/// one found is not a one-byte property; `*value` is then left unchanged. The returned pointer
/// belongs to the list.
///
/// # Safety
/// `proplist` is NULL or a node of a list built by this library; `value` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_byte(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut u8,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe {
            read_number(proplist, identifier, value, skip_first, |v| match v {
                PropValue::Byte(b) => Some(*b),
                _ => None,
            })
        }
    }
}

/// Find the property `identifier` in the list starting at `proplist` (the second occurrence
/// with `skip_first`, as for `mosquitto_property_read_byte`) and read its two-byte integer
/// value into `*value` (unless `value` is NULL).
///
/// Returns the property found, or NULL if `proplist` is NULL, no such property is found, or the
/// one found is not a two-byte integer property; `*value` is then left unchanged.
///
/// # Safety
/// `proplist` is NULL or a node of a list built by this library; `value` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_int16(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut u16,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe {
            read_number(proplist, identifier, value, skip_first, |v| match v {
                PropValue::Int16(n) => Some(*n),
                _ => None,
            })
        }
    }
}

/// Find the property `identifier` in the list starting at `proplist` (the second occurrence
/// with `skip_first`, as for `mosquitto_property_read_byte`) and read its four-byte integer
/// value into `*value` (unless `value` is NULL).
///
/// Returns the property found, or NULL if `proplist` is NULL, no such property is found, or the
/// one found is not a four-byte integer property; `*value` is then left unchanged.
///
/// # Safety
/// `proplist` is NULL or a node of a list built by this library; `value` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_int32(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut u32,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe {
            read_number(proplist, identifier, value, skip_first, |v| match v {
                PropValue::Int32(n) => Some(*n),
                _ => None,
            })
        }
    }
}

/// Find the property `identifier` in the list starting at `proplist` (the second occurrence
/// with `skip_first`, as for `mosquitto_property_read_byte`) and read its variable byte integer
/// value into `*value` (unless `value` is NULL).
///
/// Returns the property found, or NULL if `proplist` is NULL, no such property is found, or the
/// one found is not a variable byte integer property; `*value` is then left unchanged.
///
/// # Safety
/// `proplist` is NULL or a node of a list built by this library; `value` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_varint(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut u32,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe {
            read_number(proplist, identifier, value, skip_first, |v| match v {
                PropValue::VarInt(n) => Some(*n),
                _ => None,
            })
        }
    }
}

/// Find the property `identifier` in the list starting at `proplist` (the second occurrence
/// with `skip_first`, as for `mosquitto_property_read_byte`) and copy its binary value out.
///
/// `value` and `len` are both NULL (only find the property) or both non-NULL. Unless they are
/// NULL or `proplist` is NULL, `*value` is first set to NULL; when a binary property is found,
/// `*value` receives a copy of its bytes, allocated with `calloc` and followed by one zero
/// byte (so an empty value is still a valid allocation), and `*len` its length. The caller
/// releases the copy with `free()`.
///
/// Returns the property found, or NULL if `proplist` is NULL, exactly one of `value` and `len`
/// is NULL (nothing is written then), no such property is found, the one found is not a
/// binary property, or memory ran out.
///
/// # Safety
/// `proplist` is NULL or a node of a list built by this library; `value` and `len` are NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_binary(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut *mut c_void,
    len: *mut u16,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        if proplist.is_null() || value.is_null() != len.is_null() {
            return std::ptr::null();
        }
        // SAFETY: `value` is NULL or writable (caller contract).
        unsafe { write_out(value, std::ptr::null_mut()) };
        // SAFETY: forwarded contract.
        let Some(node) = (unsafe { find(proplist, identifier, skip_first) }) else {
            return std::ptr::null();
        };
        let PropValue::Binary(data) = &node.prop.value else {
            return std::ptr::null();
        };
        if !value.is_null() {
            // A binary value never exceeds the two-byte length it is sent with.
            let Ok(n) = u16::try_from(data.len()) else {
                return std::ptr::null();
            };
            let copy = c_copy(data);
            if copy.is_null() {
                return std::ptr::null();
            }
            // SAFETY: both are writable (caller contract; checked non-NULL together).
            unsafe {
                *len = n;
                *value = copy;
            }
        }
        as_c(node)
    }
}

/// Find the property `identifier` in the list starting at `proplist` (the second occurrence
/// with `skip_first`, as for `mosquitto_property_read_byte`) and copy its string value out.
///
/// When a string property is found and `value` is not NULL, `*value` receives a
/// NUL-terminated copy of the string allocated with `calloc`, which the caller releases with
/// `free()`. On failure `*value` is left unchanged.
///
/// Returns the property found, or NULL if `proplist` is NULL, no such property is found, the
/// one found is not a string property, or memory ran out.
///
/// # Safety
/// `proplist` is NULL or a node of a list built by this library; `value` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_string(
    proplist: *const mosquitto_property,
    identifier: c_int,
    value: *mut *mut c_char,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(node) = (unsafe { find(proplist, identifier, skip_first) }) else {
            return std::ptr::null();
        };
        let PropValue::String(text) = &node.prop.value else {
            return std::ptr::null();
        };
        if !value.is_null() {
            let copy = c_copy(text.as_bytes());
            if copy.is_null() {
                return std::ptr::null();
            }
            // SAFETY: not NULL; writable (caller contract).
            unsafe { *value = copy.cast() };
        }
        as_c(node)
    }
}

/// Find the property `identifier` in the list starting at `proplist` (the second occurrence
/// with `skip_first`, as for `mosquitto_property_read_byte`) and copy its name and value out.
///
/// Unless `proplist` is NULL, `*name` and `*value` (those that are not NULL) are first set to
/// NULL; when a string pair property is found they receive NUL-terminated copies allocated
/// with `calloc`, which the caller releases with `free()`.
///
/// Returns the property found, or NULL if `proplist` is NULL, no such property is found, the
/// one found is not a string pair property, or memory ran out (then neither copy is handed
/// out).
///
/// # Safety
/// `proplist` is NULL or a node of a list built by this library; `name` and `value` are NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_read_string_pair(
    proplist: *const mosquitto_property,
    identifier: c_int,
    name: *mut *mut c_char,
    value: *mut *mut c_char,
    skip_first: bool,
) -> *const mosquitto_property {
    ffi_boundary! {
        if proplist.is_null() {
            return std::ptr::null();
        }
        // SAFETY: each is NULL or writable (caller contract).
        unsafe {
            write_out(name, std::ptr::null_mut());
            write_out(value, std::ptr::null_mut());
        }
        // SAFETY: forwarded contract.
        let Some(node) = (unsafe { find(proplist, identifier, skip_first) }) else {
            return std::ptr::null();
        };
        let PropValue::StringPair(key, text) = &node.prop.value else {
            return std::ptr::null();
        };
        let mut name_copy = std::ptr::null_mut();
        if !name.is_null() {
            name_copy = c_copy(key.as_bytes());
            if name_copy.is_null() {
                return std::ptr::null();
            }
        }
        if !value.is_null() {
            let value_copy = c_copy(text.as_bytes());
            if value_copy.is_null() {
                // SAFETY: NULL or the allocation made just above, not handed out.
                unsafe { libc::free(name_copy) };
                return std::ptr::null();
            }
            // SAFETY: not NULL; writable (caller contract).
            unsafe { *value = value_copy.cast() };
        }
        // SAFETY: NULL or writable (caller contract).
        unsafe { write_out(name, name_copy.cast()) };
        as_c(node)
    }
}
