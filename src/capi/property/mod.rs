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
    /// The string (or binary) value followed by a NUL byte, made when C first asks for it
    /// (`mosquitto_property_string_value`, `mosquitto_property_binary_value`).
    pub(crate) c_value: OnceLock<Box<[u8]>>,
    /// The name of a string pair followed by a NUL byte (`mosquitto_property_string_name`).
    pub(crate) c_name: OnceLock<Box<[u8]>>,
}

impl PropNode {
    /// A node holding `prop`, not yet linked to a list.
    pub(crate) fn new(prop: Property, next: *mut PropNode, client_generated: bool) -> Self {
        Self {
            prop,
            next,
            client_generated,
            c_value: OnceLock::new(),
            c_name: OnceLock::new(),
        }
    }
}

/// Build a C list from `props` (NULL when empty); free it with [`free_list`].
pub(crate) fn to_c_list(props: &[Property], client_generated: bool) -> *mut PropNode {
    let mut head: *mut PropNode = std::ptr::null_mut();
    for prop in props.iter().rev() {
        head = Box::into_raw(Box::new(PropNode::new(prop.clone(), head, client_generated)));
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

/// Copy every property of a C list into Rust values, whoever built the list.
///
/// # Safety
/// `list` is NULL or a valid list built by this library.
pub(crate) unsafe fn all_of_c_list(list: *const mosquitto_property) -> Vec<Property> {
    let mut out = Vec::new();
    let mut cur = list.cast::<PropNode>();
    while !cur.is_null() {
        // SAFETY: per the contract, every node of the list is valid.
        let node = unsafe { &*cur };
        out.push(node.prop.clone());
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
    let node = Box::into_raw(Box::new(PropNode::new(prop, std::ptr::null_mut(), true)));
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

// The C functions, in the order the header lists them (cbindgen follows these declarations,
// so they are kept apart from each other for rustfmt not to sort them).
// Building lists.
mod add;

// Walking and reading lists.
mod read;

// Freeing and copying whole lists.
mod lists;

// Checking lists; names of properties.
mod check;

// Single properties: their type and value, and taking one out of a list (libmosquitto 2.1).
mod value;

pub use add::*;
pub use check::*;
pub use lists::*;
pub use read::*;
pub use value::*;

#[cfg(test)]
mod tests;
