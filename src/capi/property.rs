//! MQTT v5 property lists as C sees them: `mosquitto_property *` is a singly linked list of
//! nodes allocated by this library.
//!
//! The application builds a list with the `mosquitto_property_add_*` functions (each appends
//! one node; a NULL list pointer is an empty list), walks it with `mosquitto_property_next` or
//! the `mosquitto_property_read_*` functions, and releases it with
//! `mosquitto_property_free_all`. Which identifier has which value type, and which identifiers
//! each packet may carry, is decided by [`crate::protocol::properties`]; this module turns C
//! arguments into [`Property`] values and back.
//!
//! Strings and binary values handed out by the read functions are copies allocated with the C
//! allocator (`calloc`), one byte longer than the value and zero-terminated, so the caller
//! releases them with `free()`. Names returned by `mosquitto_property_identifier_to_string` are
//! static.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::sync::OnceLock;

use super::error::const_code;
use super::types::*;
use super::util::{bytes, cstr_bytes, write_out};
use crate::client::Error;
use crate::protocol::properties::{self, PropType, PropertyError};
use crate::protocol::{PropValue, Property, utf8};

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

const MOSQ_ERR_PROTOCOL: c_int = const_code(&Error::Protocol);
const MOSQ_ERR_MALFORMED_UTF8: c_int = const_code(&Error::MalformedUtf8);
const MOSQ_ERR_DUPLICATE_PROPERTY: c_int = const_code(&Error::DuplicateProperty);

/// The largest value a variable byte integer can carry.
const VARINT_MAX: u32 = 268_435_455;

/// The longest string a property can carry: its length goes in two bytes.
const STRING_MAX: usize = 65_535;

/// `identifier` as a property identifier byte, if it names a property whose value has type
/// `ty`. C passes an `int`; values outside 0..=255 name no property and are refused rather
/// than truncated to a byte.
fn identifier_of_type(identifier: c_int, ty: PropType) -> Option<u8> {
    let id = u8::try_from(identifier).ok()?;
    (properties::prop_type(id) == Some(ty)).then_some(id)
}

/// A C string argument as an owned MQTT string. NULL stands for the empty string. A string
/// that breaks MQTT's UTF-8 rules or does not fit a two-byte length is
/// `Err(MOSQ_ERR_MALFORMED_UTF8)`.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
unsafe fn mqtt_string(ptr: *const c_char) -> Result<String, c_int> {
    // SAFETY: forwarded contract.
    let Some(text) = (unsafe { cstr_bytes(ptr) }) else {
        return Ok(String::new());
    };
    if text.len() > STRING_MAX || !utf8::validate(text) {
        return Err(MOSQ_ERR_MALFORMED_UTF8);
    }
    String::from_utf8(text.to_vec()).map_err(|_| MOSQ_ERR_MALFORMED_UTF8)
}

/// Append a new application-built node holding `prop` to the end of `*proplist`.
///
/// # Safety
/// `proplist` is valid for reads and writes and holds NULL or a valid list built by this
/// library.
unsafe fn append(proplist: *mut *mut mosquitto_property, prop: Property) {
    let node = Box::into_raw(Box::new(PropNode {
        prop,
        next: std::ptr::null_mut(),
        client_generated: true,
    }));
    let mut slot = proplist.cast::<*mut PropNode>();
    // SAFETY: `slot` starts at the caller's list pointer and then moves along the `next`
    // fields of the list's nodes, all valid per the contract.
    unsafe {
        while !(*slot).is_null() {
            slot = &raw mut (**slot).next;
        }
        *slot = node;
    }
}

/// The common part of the numeric and binary `mosquitto_property_add_*` functions: argument
/// checks in upstream order (list pointer, then identifier), then the append.
///
/// # Safety
/// `proplist` is NULL or as for [`append`].
unsafe fn add(proplist: *mut *mut mosquitto_property, identifier: c_int, value: PropValue) -> c_int {
    if proplist.is_null() {
        return MOSQ_ERR_INVAL;
    }
    let Some(id) = identifier_of_type(identifier, value.prop_type()) else {
        return MOSQ_ERR_INVAL;
    };
    let Some(prop) = Property::new(id, value) else {
        return MOSQ_ERR_INVAL;
    };
    // SAFETY: not NULL; forwarded contract.
    unsafe { append(proplist, prop) };
    MOSQ_ERR_SUCCESS
}

/// The node a `mosquitto_property_read_*` call lands on: the first node of the list starting
/// at `proplist` whose identifier is `identifier`, or with `skip_first` the second such node.
///
/// # Safety
/// `proplist` is NULL or a valid list built by this library that outlives `'a`.
unsafe fn find<'a>(
    proplist: *const mosquitto_property,
    identifier: c_int,
    skip_first: bool,
) -> Option<&'a PropNode> {
    let mut cur = proplist.cast::<PropNode>();
    let mut skip = skip_first;
    while !cur.is_null() {
        // SAFETY: every node of the list is valid (caller contract).
        let node = unsafe { &*cur };
        if c_int::from(node.prop.id) == identifier {
            if !skip {
                return Some(node);
            }
            skip = false;
        }
        cur = node.next;
    }
    None
}

/// A node as the pointer C receives.
fn as_c(node: &PropNode) -> *const mosquitto_property {
    std::ptr::from_ref(node).cast()
}

/// The numeric `mosquitto_property_read_*` functions: find the node, check its type with
/// `get`, store the value through `out` unless it is NULL. Nothing is written on failure.
///
/// # Safety
/// `proplist` is as for [`find`]; `out` is NULL or valid for a write.
unsafe fn read_number<T>(
    proplist: *const mosquitto_property,
    identifier: c_int,
    out: *mut T,
    skip_first: bool,
    get: fn(&PropValue) -> Option<T>,
) -> *const mosquitto_property {
    // SAFETY: forwarded contract.
    let Some(node) = (unsafe { find(proplist, identifier, skip_first) }) else {
        return std::ptr::null();
    };
    let Some(value) = get(&node.prop.value) else {
        return std::ptr::null();
    };
    // SAFETY: forwarded contract.
    unsafe { write_out(out, value) };
    as_c(node)
}

/// A copy of `data` on the C heap with a zero byte after it, so that `free()` releases it and
/// a string reads as a C string; NULL if memory ran out.
fn c_copy(data: &[u8]) -> *mut c_void {
    // SAFETY: calloc accepts any size; the result is checked before use.
    let copy = unsafe { libc::calloc(1, data.len() + 1) };
    if !copy.is_null() {
        // SAFETY: `copy` has `data.len() + 1` writable bytes and is a fresh allocation, so it
        // does not overlap `data`.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), copy.cast::<u8>(), data.len()) };
    }
    copy
}

/// The return code for a failed list check.
fn property_error(e: PropertyError) -> c_int {
    match e {
        PropertyError::Protocol => MOSQ_ERR_PROTOCOL,
        PropertyError::Duplicate => MOSQ_ERR_DUPLICATE_PROPERTY,
    }
}

/// A command number from C. The commands are all non-negative; a negative value becomes one
/// that matches no command either.
fn command_of(command: c_int) -> u32 {
    u32::try_from(command).unwrap_or(u32::MAX)
}

/// Add a one-byte property (payload-format-indicator, request-problem-information,
/// request-response-information, maximum-qos, retain-available,
/// wildcard-subscription-available, subscription-identifier-available or
/// shared-subscription-available) to the end of `*proplist`. If `*proplist` is NULL a new list
/// is started there. The value is not range-checked here; `mosquitto_property_check_all` and
/// the functions that send properties do that.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is
/// not a one-byte property (the list is then unchanged).
///
/// The list belongs to the caller, who releases it with `mosquitto_property_free_all`.
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_byte(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u8,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::Byte(value)) }
    }
}

/// Add a two-byte integer property (server-keep-alive, receive-maximum, topic-alias-maximum
/// or topic-alias) to the end of `*proplist`, starting a new list if `*proplist` is NULL.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is
/// not a two-byte integer property. The caller owns the list (see
/// `mosquitto_property_free_all`).
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_int16(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u16,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::Int16(value)) }
    }
}

/// Add a four-byte integer property (message-expiry-interval, session-expiry-interval,
/// will-delay-interval or maximum-packet-size) to the end of `*proplist`, starting a new list
/// if `*proplist` is NULL.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is
/// not a four-byte integer property. The caller owns the list (see
/// `mosquitto_property_free_all`).
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_int32(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u32,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::Int32(value)) }
    }
}

/// Add a variable byte integer property (subscription-identifier, the only one) to the end of
/// `*proplist`, starting a new list if `*proplist` is NULL.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL, `identifier` is not
/// a variable byte integer property or `value` is above 268435455, the largest such integer.
/// The caller owns the list (see `mosquitto_property_free_all`).
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_varint(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u32,
) -> c_int {
    ffi_boundary! {
        if value > VARINT_MAX {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::VarInt(value)) }
    }
}

/// Add a binary property (correlation-data or authentication-data) holding a copy of the `len`
/// bytes at `value` to the end of `*proplist`, starting a new list if `*proplist` is NULL.
/// `value` may be NULL when `len` is 0.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL, `identifier` is not
/// a binary property, or `value` is NULL with a non-zero `len`. The caller owns the list (see
/// `mosquitto_property_free_all`) and keeps ownership of `value`.
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions; `value` is NULL
/// or points to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_binary(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: *const c_void,
    len: u16,
) -> c_int {
    ffi_boundary! {
        if value.is_null() && len > 0 {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `value` has `len` readable bytes (caller contract).
        let data = unsafe { bytes(value, usize::from(len)) }.to_vec();
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::Binary(data)) }
    }
}

/// Add a string property (content-type, response-topic, assigned-client-identifier,
/// authentication-method, response-information, server-reference or reason-string) holding a
/// copy of `value` to the end of `*proplist`, starting a new list if `*proplist` is NULL. A
/// NULL `value` adds an empty string.
///
/// Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if `proplist` is NULL; otherwise
/// `MOSQ_ERR_MALFORMED_UTF8` if `value` is not valid MQTT UTF-8 (see `mosquitto_validate_utf8`)
/// or longer than 65535 bytes; otherwise `MOSQ_ERR_INVAL` if `identifier` is not a string
/// property. The caller owns the list (see `mosquitto_property_free_all`) and keeps ownership
/// of `value`.
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions; `value` is NULL
/// or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_string(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: *const c_char,
) -> c_int {
    ffi_boundary! {
        if proplist.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: forwarded contract.
        let value = match unsafe { mqtt_string(value) } {
            Ok(value) => value,
            Err(code) => return code,
        };
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::String(value)) }
    }
}

/// Add a name/value string pair property (user-property, the only one, which unlike the others
/// may appear any number of times in a list) holding copies of `name` and `value` to the end
/// of `*proplist`, starting a new list if `*proplist` is NULL. A NULL `name` or `value` stands
/// for an empty string.
///
/// Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is not a
/// string pair property; otherwise `MOSQ_ERR_MALFORMED_UTF8` if `name` or `value` is not valid
/// MQTT UTF-8 or is longer than 65535 bytes. The caller owns the list (see
/// `mosquitto_property_free_all`) and keeps ownership of `name` and `value`.
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions; `name` and
/// `value` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_string_pair(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    name: *const c_char,
    value: *const c_char,
) -> c_int {
    ffi_boundary! {
        if proplist.is_null() || identifier_of_type(identifier, PropType::StringPair).is_none() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: forwarded contract.
        let name = match unsafe { mqtt_string(name) } {
            Ok(name) => name,
            Err(code) => return code,
        };
        // SAFETY: forwarded contract.
        let value = match unsafe { mqtt_string(value) } {
            Ok(value) => value,
            Err(code) => return code,
        };
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::StringPair(name, value)) }
    }
}

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

/// Free every property of the list `*properties` and set `*properties` to NULL. Does nothing
/// if `properties` is NULL; `*properties` may be NULL (an empty list).
///
/// # Safety
/// `properties` is NULL or points to NULL or to a list built with the
/// `mosquitto_property_add_*` functions or `mosquitto_property_copy_all` that is not used
/// afterwards. Lists the library passes to callbacks belong to the library and must not be
/// freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_free_all(properties: *mut *mut mosquitto_property) {
    ffi_boundary! {
        if properties.is_null() {
            return;
        }
        // SAFETY: readable and writable, holding NULL or a list of ours (caller contract),
        // which is freed once and cleared.
        unsafe {
            free_list((*properties).cast::<PropNode>());
            *properties = std::ptr::null_mut();
        }
    }
}

/// Make a deep copy of the list `src` in `*dest`. Each copied property keeps the origin of the
/// one it copies, so a copy of a list received in a callback is still treated as such when it
/// is passed to a publish or similar function.
///
/// If `src` is NULL there is nothing to copy: the result is `MOSQ_ERR_SUCCESS` and `*dest` is
/// left as it was. Otherwise `*dest` is overwritten without freeing what it held, so it should
/// be NULL or a list the caller still owns elsewhere.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `dest` is NULL (and `src` is not). The
/// copy belongs to the caller, who frees it with `mosquitto_property_free_all`.
///
/// # Safety
/// `dest` is NULL or writable; `src` is NULL or a valid list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_copy_all(
    dest: *mut *mut mosquitto_property,
    src: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        if src.is_null() {
            return MOSQ_ERR_SUCCESS;
        }
        if dest.is_null() {
            return MOSQ_ERR_INVAL;
        }
        let mut nodes = Vec::new();
        let mut cur = src.cast::<PropNode>();
        while !cur.is_null() {
            // SAFETY: every node of the list is valid (caller contract).
            let node = unsafe { &*cur };
            nodes.push((node.prop.clone(), node.client_generated));
            cur = node.next;
        }
        let mut head: *mut PropNode = std::ptr::null_mut();
        for (prop, client_generated) in nodes.into_iter().rev() {
            head = Box::into_raw(Box::new(PropNode { prop, next: head, client_generated }));
        }
        // SAFETY: not NULL; writable (caller contract).
        unsafe { *dest = head.cast() };
        MOSQ_ERR_SUCCESS
    }
}

/// Whether property `identifier` may be sent in a packet of type `command` (`CMD_CONNECT`,
/// `CMD_PUBLISH`, ..., or `CMD_WILL` for the will properties of CONNECT). Commands are whole
/// values, so a first byte with flag bits (such as 0x32) is not a known command; reason-string
/// and user-property are nevertheless accepted for such values, like every command for which
/// they are not forbidden.
///
/// Returns `MOSQ_ERR_SUCCESS` if allowed, or `MOSQ_ERR_PROTOCOL` if not or if `identifier` is
/// not a property identifier.
///
/// # Safety
/// None: any values may be passed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_check_command(command: c_int, identifier: c_int) -> c_int {
    ffi_boundary! {
        let Ok(id) = u8::try_from(identifier) else {
            return MOSQ_ERR_PROTOCOL;
        };
        match properties::check_command(command_of(command), id) {
            Ok(()) => MOSQ_ERR_SUCCESS,
            Err(e) => property_error(e),
        }
    }
}

/// Check a whole property list for use with `command` (as for
/// `mosquitto_property_check_command`), property by property in list order: first the value
/// (every one-byte property must be 0 or 1; receive-maximum, topic-alias and
/// maximum-packet-size must not be 0), then whether the identifier is allowed for `command`,
/// then whether the identifier appears again later in the list (only user-property may). The
/// first problem found decides the result.
///
/// Returns `MOSQ_ERR_SUCCESS` (also for an empty list), `MOSQ_ERR_PROTOCOL` for a value out of
/// range or a property not allowed with `command`, or `MOSQ_ERR_DUPLICATE_PROPERTY`.
///
/// # Safety
/// `properties` is NULL or a valid list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_check_all(
    command: c_int,
    properties: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        let mut props = Vec::new();
        let mut cur = properties.cast::<PropNode>();
        while !cur.is_null() {
            // SAFETY: every node of the list is valid (caller contract).
            let node = unsafe { &*cur };
            props.push(node.prop.clone());
            cur = node.next;
        }
        match properties::check_all(command_of(command), &props) {
            Ok(()) => MOSQ_ERR_SUCCESS,
            Err(e) => property_error(e),
        }
    }
}

/// The property names as static C strings, built once from the protocol table.
fn property_names() -> &'static [(u8, CString)] {
    static NAMES: OnceLock<Vec<(u8, CString)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        properties::PROPERTIES
            .iter()
            .filter_map(|p| Some((p.id, CString::new(p.name).ok()?)))
            .collect()
    })
}

/// The name of property `identifier` as the MQTT v5 specification spells it in lower case with
/// hyphens (e.g. "payload-format-indicator" for `MQTT_PROP_PAYLOAD_FORMAT_INDICATOR`), or NULL
/// if `identifier` is not a property identifier. The string is static: do not free or modify
/// it.
///
/// # Safety
/// None: any value may be passed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_identifier_to_string(identifier: c_int) -> *const c_char {
    ffi_boundary! {
        let Ok(id) = u8::try_from(identifier) else {
            return std::ptr::null();
        };
        property_names()
            .iter()
            .find(|(known, _)| *known == id)
            .map_or(std::ptr::null(), |(_, name)| CStr::as_ptr(name))
    }
}

/// Look up a property by its name (as `mosquitto_property_identifier_to_string` gives it,
/// compared without regard to ASCII case) and store its identifier (`MQTT_PROP_*`) in
/// `*identifier` and its value type (`MQTT_PROP_TYPE_*`) in `*type`.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if any argument is NULL or the name is not a
/// property name; nothing is written then.
///
/// # Safety
/// `propname` is NULL or a NUL-terminated string; `identifier` and `type` are NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_string_to_property_info(
    propname: *const c_char,
    identifier: *mut c_int,
    type_: *mut c_int,
) -> c_int {
    ffi_boundary! {
        if identifier.is_null() || type_.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: forwarded contract.
        let Some(name) = (unsafe { cstr_bytes(propname) }) else {
            return MOSQ_ERR_INVAL;
        };
        let Some((id, ty)) = properties::prop_from_name(name) else {
            return MOSQ_ERR_INVAL;
        };
        // SAFETY: both writable (checked non-NULL; caller contract).
        unsafe {
            *identifier = c_int::from(id);
            *type_ = c_int::from(ty.code());
        }
        MOSQ_ERR_SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use std::ptr::{null, null_mut};

    use super::*;
    use crate::protocol::consts::*;

    const PUBLISH: c_int = CMD_PUBLISH as c_int;

    fn id(p: u8) -> c_int {
        c_int::from(p)
    }

    /// The identifiers of a list, in order.
    fn ids(list: *const mosquitto_property) -> Vec<c_int> {
        let mut out = Vec::new();
        let mut p = list;
        while !p.is_null() {
            // SAFETY: `p` is a node of a list built in the test.
            unsafe {
                out.push(mosquitto_property_identifier(p));
                p = mosquitto_property_next(p);
            }
        }
        out
    }

    /// Take a string the library allocated with calloc, and free it.
    fn take_c_string(p: *mut c_char) -> String {
        assert!(!p.is_null());
        // SAFETY: a NUL-terminated allocation from `c_copy`, freed once here.
        unsafe {
            let s = CStr::from_ptr(p).to_str().unwrap().to_owned();
            libc::free(p.cast());
            s
        }
    }

    fn free(mut list: *mut mosquitto_property) {
        // SAFETY: a list built in the test, not used afterwards.
        unsafe { mosquitto_property_free_all(&raw mut list) };
        assert!(list.is_null());
    }

    #[test]
    fn add_appends_in_order_and_checks_identifier_types() {
        let mut list: *mut mosquitto_property = null_mut();
        let l = &raw mut list;
        // SAFETY: `l` points to a list owned by the test; string arguments are C literals.
        unsafe {
            assert_eq!(
                mosquitto_property_add_string(l, id(MQTT_PROP_CONTENT_TYPE), c"a/b".as_ptr()),
                0
            );
            assert_eq!(
                mosquitto_property_add_byte(l, id(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR), 1),
                0
            );
            assert_eq!(mosquitto_property_add_int16(l, id(MQTT_PROP_TOPIC_ALIAS), 9), 0);
            assert_eq!(
                mosquitto_property_add_int32(l, id(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL), 60),
                0
            );
            assert_eq!(
                mosquitto_property_add_varint(l, id(MQTT_PROP_SUBSCRIPTION_IDENTIFIER), 5),
                0
            );
            assert_eq!(
                mosquitto_property_add_binary(l, id(MQTT_PROP_CORRELATION_DATA), c"xy".as_ptr().cast(), 2),
                0
            );
            assert_eq!(
                mosquitto_property_add_string_pair(
                    l,
                    id(MQTT_PROP_USER_PROPERTY),
                    c"k".as_ptr(),
                    c"v".as_ptr()
                ),
                0
            );
            // Wrong type for the identifier, unknown identifiers, and values that would name a
            // property only if truncated to a byte.
            assert_eq!(
                mosquitto_property_add_byte(l, id(MQTT_PROP_CONTENT_TYPE), 1),
                MOSQ_ERR_INVAL
            );
            assert_eq!(mosquitto_property_add_int16(l, 0, 1), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_property_add_byte(l, 256 + 1, 1), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_property_add_int32(l, -254, 1), MOSQ_ERR_INVAL);
            assert_eq!(
                mosquitto_property_add_string(l, 256 + 3, c"x".as_ptr()),
                MOSQ_ERR_INVAL
            );
            assert_eq!(mosquitto_property_add_byte(null_mut(), 1, 1), MOSQ_ERR_INVAL);
        }
        assert_eq!(ids(list), [3, 1, 35, 2, 11, 9, 38]);
        // Every node was built by the application.
        // SAFETY: `list` is a valid list.
        assert_eq!(unsafe { from_c_list(list) }.len(), 7);
        free(list);
    }

    #[test]
    fn string_and_number_limits() {
        let mut list: *mut mosquitto_property = null_mut();
        let l = &raw mut list;
        let long = CString::new(vec![b'a'; 65_536]).unwrap();
        let longest = CString::new(vec![b'a'; 65_535]).unwrap();
        let sub_id = id(MQTT_PROP_SUBSCRIPTION_IDENTIFIER);
        // SAFETY: `l` points to a list owned by the test; strings are valid C strings.
        unsafe {
            assert_eq!(mosquitto_property_add_varint(l, sub_id, VARINT_MAX), 0);
            assert_eq!(
                mosquitto_property_add_varint(l, sub_id, VARINT_MAX + 1),
                MOSQ_ERR_INVAL
            );
            let ct = id(MQTT_PROP_CONTENT_TYPE);
            assert_eq!(mosquitto_property_add_string(l, ct, longest.as_ptr()), 0);
            assert_eq!(
                mosquitto_property_add_string(l, ct, long.as_ptr()),
                MOSQ_ERR_MALFORMED_UTF8
            );
            assert_eq!(
                mosquitto_property_add_string(l, ct, c"\xff".as_ptr()),
                MOSQ_ERR_MALFORMED_UTF8
            );
            assert_eq!(
                mosquitto_property_add_string(l, ct, c"a\tb".as_ptr()),
                MOSQ_ERR_MALFORMED_UTF8
            );
            // The string is checked before the identifier.
            assert_eq!(
                mosquitto_property_add_string(l, 1, c"\xff".as_ptr()),
                MOSQ_ERR_MALFORMED_UTF8
            );
            let up = id(MQTT_PROP_USER_PROPERTY);
            assert_eq!(
                mosquitto_property_add_string_pair(l, up, c"ok".as_ptr(), c"\xc0\xaf".as_ptr()),
                MOSQ_ERR_MALFORMED_UTF8
            );
            assert_eq!(
                mosquitto_property_add_string_pair(l, up, long.as_ptr(), c"v".as_ptr()),
                MOSQ_ERR_MALFORMED_UTF8
            );
            // For the pair the identifier is checked first.
            assert_eq!(
                mosquitto_property_add_string_pair(l, ct, c"\xff".as_ptr(), null()),
                MOSQ_ERR_INVAL
            );
            assert_eq!(
                mosquitto_property_add_binary(l, id(MQTT_PROP_CORRELATION_DATA), null(), 1),
                MOSQ_ERR_INVAL
            );
        }
        assert_eq!(ids(list), [11, 3]);
        free(list);
    }

    #[test]
    fn read_with_skip_first_visits_every_occurrence() {
        let mut list: *mut mosquitto_property = null_mut();
        let l = &raw mut list;
        let up = id(MQTT_PROP_USER_PROPERTY);
        // SAFETY: `l` points to a list owned by the test; strings are C literals.
        unsafe {
            mosquitto_property_add_string_pair(l, up, c"a".as_ptr(), c"1".as_ptr());
            mosquitto_property_add_string(l, id(MQTT_PROP_CONTENT_TYPE), c"t".as_ptr());
            mosquitto_property_add_string_pair(l, up, c"b".as_ptr(), null());
            mosquitto_property_add_string_pair(l, up, null(), c"3".as_ptr());
        }
        let mut seen = Vec::new();
        let (mut name, mut value) = (null_mut(), null_mut());
        // SAFETY: valid list and writable outputs; the copies are freed by `take_c_string`.
        unsafe {
            let mut p = mosquitto_property_read_string_pair(list, up, &raw mut name, &raw mut value, false);
            while !p.is_null() {
                seen.push((take_c_string(name), take_c_string(value)));
                p = mosquitto_property_read_string_pair(p, up, &raw mut name, &raw mut value, true);
            }
            // The call that found nothing cleared the outputs.
            assert!(name.is_null() && value.is_null());
            // skip_first from the head skips the first match, not the first node.
            let p = mosquitto_property_read_string_pair(list, up, &raw mut name, null_mut(), true);
            assert_eq!(ids(p)[0], up);
            assert_eq!(take_c_string(name), "b");
            // An identifier beyond a byte never matches.
            assert!(
                mosquitto_property_read_string_pair(list, up + 256, null_mut(), null_mut(), false).is_null()
            );
        }
        let expect = [("a", "1"), ("b", ""), ("", "3")].map(|(n, v)| (n.to_owned(), v.to_owned()));
        assert_eq!(seen, expect);
        free(list);
    }

    #[test]
    fn read_wrong_type_or_missing_leaves_outputs_as_upstream_does() {
        let mut list: *mut mosquitto_property = null_mut();
        let ct = id(MQTT_PROP_CONTENT_TYPE);
        // SAFETY: test-owned list; C literal.
        unsafe { mosquitto_property_add_string(&raw mut list, ct, c"text".as_ptr()) };
        let marker: *mut c_char = c"marker".as_ptr().cast_mut();
        let mut byte = 7u8;
        let mut s = marker;
        let mut bin: *mut c_void = marker.cast();
        let mut len = 9u16;
        // SAFETY: valid list and writable outputs; nothing is allocated on these paths.
        unsafe {
            assert!(mosquitto_property_read_byte(list, ct, &raw mut byte, false).is_null());
            assert_eq!(byte, 7);
            assert!(
                mosquitto_property_read_string(list, id(MQTT_PROP_REASON_STRING), &raw mut s, false)
                    .is_null()
            );
            assert_eq!(s, marker);
            assert!(mosquitto_property_read_string(list, ct, &raw mut s, true).is_null());
            assert_eq!(s, marker);
            // Binary: one output without the other is refused before anything is written.
            assert!(mosquitto_property_read_binary(list, ct, &raw mut bin, null_mut(), false).is_null());
            assert_eq!(bin, marker.cast());
            // Otherwise the value is cleared first; the length is left alone.
            assert!(mosquitto_property_read_binary(list, ct, &raw mut bin, &raw mut len, false).is_null());
            assert!(bin.is_null());
            assert_eq!(len, 9);
            assert!(mosquitto_property_read_string(null(), ct, &raw mut s, false).is_null());
            assert!(!mosquitto_property_read_string(list, ct, null_mut(), false).is_null());
            assert!(mosquitto_property_read_int32(null(), 2, null_mut(), false).is_null());
        }
        free(list);
    }

    #[test]
    fn read_binary_copies_are_zero_terminated() {
        let mut list: *mut mosquitto_property = null_mut();
        let cd = id(MQTT_PROP_CORRELATION_DATA);
        // SAFETY: test-owned list; the byte array lives for the call.
        unsafe {
            mosquitto_property_add_binary(&raw mut list, cd, null(), 0);
            mosquitto_property_add_binary(&raw mut list, cd, [1u8, 0, 2].as_ptr().cast(), 3);
        }
        let mut bin = null_mut();
        let mut len = 99u16;
        // SAFETY: valid list, writable outputs; the copies are read within their length + 1
        // and freed once.
        unsafe {
            let p = mosquitto_property_read_binary(list, cd, &raw mut bin, &raw mut len, false);
            assert!(!p.is_null() && !bin.is_null());
            assert_eq!((len, *bin.cast::<u8>()), (0, 0));
            libc::free(bin);
            let p = mosquitto_property_read_binary(p, cd, &raw mut bin, &raw mut len, true);
            assert!(!p.is_null());
            assert_eq!(std::slice::from_raw_parts(bin.cast::<u8>(), 4), [1, 0, 2, 0]);
            assert_eq!(len, 3);
            libc::free(bin);
            assert!(mosquitto_property_read_binary(p, cd, null_mut(), null_mut(), true).is_null());
        }
        free(list);
    }

    #[test]
    fn copy_all_is_deep_and_keeps_the_origin_of_each_node() {
        let props = [
            Property::new(MQTT_PROP_CONTENT_TYPE, PropValue::String("a".into())).unwrap(),
            Property::new(MQTT_PROP_TOPIC_ALIAS, PropValue::Int16(4)).unwrap(),
        ];
        let received = to_c_list(&props, false);
        let mut copy: *mut mosquitto_property = null_mut();
        // SAFETY: valid lists and a writable destination.
        unsafe {
            assert_eq!(mosquitto_property_copy_all(&raw mut copy, received.cast()), 0);
            free_list(received);
            assert_eq!(ids(copy), [3, 35]);
            // Still a received list: only its first property would be sent.
            assert_eq!(from_c_list(copy), props[..1]);
            let before = copy;
            assert_eq!(mosquitto_property_copy_all(&raw mut copy, null()), 0);
            assert_eq!(copy, before);
            assert_eq!(mosquitto_property_copy_all(null_mut(), copy), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_property_copy_all(null_mut(), null()), 0);
            mosquitto_property_free_all(null_mut());
        }
        free(copy);
    }

    #[test]
    fn checks_map_to_upstream_codes() {
        let mut list: *mut mosquitto_property = null_mut();
        let l = &raw mut list;
        // SAFETY: plain integers, and a test-owned list.
        unsafe {
            assert_eq!(
                mosquitto_property_check_command(PUBLISH, id(MQTT_PROP_TOPIC_ALIAS)),
                0
            );
            assert_eq!(
                mosquitto_property_check_command(CMD_CONNECT as c_int, 35),
                MOSQ_ERR_PROTOCOL
            );
            assert_eq!(
                mosquitto_property_check_command(PUBLISH, 256 + 38),
                MOSQ_ERR_PROTOCOL
            );
            assert_eq!(mosquitto_property_check_command(PUBLISH, -1), MOSQ_ERR_PROTOCOL);
            // A command that is none of the known ones still allows reason-string.
            assert_eq!(
                mosquitto_property_check_command(-1, id(MQTT_PROP_REASON_STRING)),
                0
            );
            assert_eq!(mosquitto_property_check_all(PUBLISH, null()), 0);

            mosquitto_property_add_string(l, 3, c"a".as_ptr());
            mosquitto_property_add_string_pair(l, 38, c"k".as_ptr(), c"v".as_ptr());
            mosquitto_property_add_string_pair(l, 38, c"k".as_ptr(), c"v".as_ptr());
            assert_eq!(mosquitto_property_check_all(PUBLISH, list), 0);
            assert_eq!(
                mosquitto_property_check_all(CMD_CONNECT as c_int, list),
                MOSQ_ERR_PROTOCOL
            );
            mosquitto_property_add_string(l, 3, c"b".as_ptr());
            assert_eq!(
                mosquitto_property_check_all(PUBLISH, list),
                MOSQ_ERR_DUPLICATE_PROPERTY
            );
            free(list);

            list = null_mut();
            mosquitto_property_add_byte(&raw mut list, id(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR), 2);
            assert_eq!(mosquitto_property_check_all(PUBLISH, list), MOSQ_ERR_PROTOCOL);
        }
        free(list);
    }

    #[test]
    fn names_round_trip() {
        for ident in -1..=300 {
            // SAFETY: any integer may be passed; the result is NULL or a static C string.
            let name = unsafe { mosquitto_property_identifier_to_string(ident) };
            let expect = u8::try_from(ident).ok().and_then(properties::prop_name);
            if name.is_null() {
                assert_eq!(expect, None, "{ident}");
                continue;
            }
            // SAFETY: a static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(name) };
            assert_eq!(name.to_str().ok(), expect);
            let upper = CString::new(name.to_bytes().to_ascii_uppercase()).unwrap();
            let (mut got_id, mut got_type) = (-1, -1);
            // SAFETY: valid C string and writable outputs.
            let rc = unsafe {
                mosquitto_string_to_property_info(upper.as_ptr(), &raw mut got_id, &raw mut got_type)
            };
            assert_eq!((rc, got_id), (0, ident));
            let ty = properties::prop_type(u8::try_from(ident).unwrap()).unwrap();
            assert_eq!(got_type, c_int::from(ty.code()));
        }
        let mut out = 0;
        // SAFETY: C literals or NULL, and writable outputs or NULL.
        unsafe {
            assert_eq!(
                mosquitto_string_to_property_info(c"user_property".as_ptr(), &raw mut out, &raw mut out),
                MOSQ_ERR_INVAL
            );
            assert_eq!(
                mosquitto_string_to_property_info(null(), &raw mut out, &raw mut out),
                MOSQ_ERR_INVAL
            );
            assert_eq!(
                mosquitto_string_to_property_info(c"user-property".as_ptr(), null_mut(), &raw mut out),
                MOSQ_ERR_INVAL
            );
        }
        assert_eq!(out, 0);
    }

    #[test]
    fn callback_lists_can_be_read() {
        let props = [
            Property::new(
                MQTT_PROP_USER_PROPERTY,
                PropValue::StringPair("k".into(), "v".into()),
            )
            .unwrap(),
            Property::new(
                MQTT_PROP_USER_PROPERTY,
                PropValue::StringPair("k2".into(), "v2".into()),
            )
            .unwrap(),
        ];
        let count = with_c_list(&props, |list| {
            let mut n = 0;
            let mut name = null_mut();
            // SAFETY: `list` is valid for the closure; the copies are freed.
            unsafe {
                let mut p = mosquitto_property_read_string_pair(list, 38, &raw mut name, null_mut(), false);
                while !p.is_null() {
                    take_c_string(name);
                    n += 1;
                    p = mosquitto_property_read_string_pair(p, 38, &raw mut name, null_mut(), true);
                }
            }
            n
        });
        assert_eq!(count, 2);
    }
}
