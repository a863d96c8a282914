//! MQTT v5 properties for the tests: the identifiers, a property list read back through the
//! `mosquitto_property_read_*` functions ([`read_props`]), and a list built with the
//! `mosquitto_property_add_*` functions ([`Props`]).

use std::ffi::{CStr, CString, c_char, c_int, c_void};

use ::mosquitto::capi::property;
use ::mosquitto::capi::types::mosquitto_property;

use super::consts::MOSQ_ERR_SUCCESS;

pub const PROP_PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
pub const PROP_MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
pub const PROP_CONTENT_TYPE: u8 = 0x03;
pub const PROP_RESPONSE_TOPIC: u8 = 0x08;
pub const PROP_CORRELATION_DATA: u8 = 0x09;
pub const PROP_SUBSCRIPTION_IDENTIFIER: u8 = 0x0b;
pub const PROP_SESSION_EXPIRY_INTERVAL: u8 = 0x11;
pub const PROP_ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
pub const PROP_SERVER_KEEP_ALIVE: u8 = 0x13;
pub const PROP_AUTHENTICATION_METHOD: u8 = 0x15;
pub const PROP_AUTHENTICATION_DATA: u8 = 0x16;
pub const PROP_REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
pub const PROP_WILL_DELAY_INTERVAL: u8 = 0x18;
pub const PROP_REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
pub const PROP_RESPONSE_INFORMATION: u8 = 0x1a;
pub const PROP_SERVER_REFERENCE: u8 = 0x1c;
pub const PROP_REASON_STRING: u8 = 0x1f;
pub const PROP_RECEIVE_MAXIMUM: u8 = 0x21;
pub const PROP_TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
pub const PROP_TOPIC_ALIAS: u8 = 0x23;
pub const PROP_MAXIMUM_QOS: u8 = 0x24;
pub const PROP_RETAIN_AVAILABLE: u8 = 0x25;
pub const PROP_USER_PROPERTY: u8 = 0x26;
pub const PROP_MAXIMUM_PACKET_SIZE: u8 = 0x27;
pub const PROP_WILDCARD_SUB_AVAILABLE: u8 = 0x28;
pub const PROP_SUBSCRIPTION_ID_AVAILABLE: u8 = 0x29;
pub const PROP_SHARED_SUB_AVAILABLE: u8 = 0x2a;

/// One property as a callback read it back through `mosquitto_property_read_*`: the identifier
/// and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prop {
    Byte(u8, u8),
    Int16(u8, u16),
    Int32(u8, u32),
    VarInt(u8, u32),
    Binary(u8, Vec<u8>),
    Str(u8, String),
    Pair(u8, String, String),
    /// An identifier this module does not know the type of.
    Unknown(c_int),
}

/// The value type of a property identifier.
#[derive(Clone, Copy)]
enum PropKind {
    Byte,
    Int16,
    Int32,
    VarInt,
    Binary,
    Str,
    Pair,
}

fn prop_kind(id: u8) -> Option<PropKind> {
    Some(match id {
        0x01 | 0x17 | 0x19 | 0x24 | 0x25 | 0x28 | 0x29 | 0x2a => PropKind::Byte,
        0x13 | 0x21 | 0x22 | 0x23 => PropKind::Int16,
        0x02 | 0x11 | 0x18 | 0x27 => PropKind::Int32,
        0x0b => PropKind::VarInt,
        0x09 | 0x16 => PropKind::Binary,
        0x03 | 0x08 | 0x12 | 0x15 | 0x1a | 0x1c | 0x1f => PropKind::Str,
        0x26 => PropKind::Pair,
        _ => return None,
    })
}

/// Take a string the library allocated with the C allocator.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string from `malloc`, not used afterwards.
unsafe fn take_c_string(p: *mut c_char) -> String {
    if p.is_null() {
        return String::from("<NULL>");
    }
    // SAFETY: a NUL-terminated string (contract).
    let s = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    // SAFETY: allocated with the C allocator and handed to the caller.
    unsafe { libc::free(p.cast()) };
    s
}

/// Read one property node with the `mosquitto_property_read_*` function of its type. The search
/// starts at the node itself, so it finds that node.
///
/// # Safety
/// `node` is a node of a live property list.
unsafe fn read_prop(node: *const mosquitto_property) -> Result<Prop, String> {
    // SAFETY: a valid node (contract).
    let id_int = unsafe { property::mosquitto_property_identifier(node) };
    let Ok(id) = u8::try_from(id_int) else {
        return Ok(Prop::Unknown(id_int));
    };
    let Some(kind) = prop_kind(id) else {
        return Ok(Prop::Unknown(id_int));
    };
    let found: *const mosquitto_property;
    // SAFETY: every call below gets the valid `node` and writable locals.
    let prop = unsafe {
        match kind {
            PropKind::Byte => {
                let mut v = 0u8;
                found = property::mosquitto_property_read_byte(node, id_int, &mut v, false);
                Prop::Byte(id, v)
            }
            PropKind::Int16 => {
                let mut v = 0u16;
                found = property::mosquitto_property_read_int16(node, id_int, &mut v, false);
                Prop::Int16(id, v)
            }
            PropKind::Int32 => {
                let mut v = 0u32;
                found = property::mosquitto_property_read_int32(node, id_int, &mut v, false);
                Prop::Int32(id, v)
            }
            PropKind::VarInt => {
                let mut v = 0u32;
                found = property::mosquitto_property_read_varint(node, id_int, &mut v, false);
                Prop::VarInt(id, v)
            }
            PropKind::Binary => {
                let mut v: *mut c_void = std::ptr::null_mut();
                let mut len = 0u16;
                found = property::mosquitto_property_read_binary(node, id_int, &mut v, &mut len, false);
                let data = if v.is_null() {
                    Vec::new()
                } else {
                    let d = std::slice::from_raw_parts(v as *const u8, usize::from(len)).to_vec();
                    libc::free(v);
                    d
                };
                Prop::Binary(id, data)
            }
            PropKind::Str => {
                let mut v: *mut c_char = std::ptr::null_mut();
                found = property::mosquitto_property_read_string(node, id_int, &mut v, false);
                Prop::Str(id, take_c_string(v))
            }
            PropKind::Pair => {
                let mut n: *mut c_char = std::ptr::null_mut();
                let mut v: *mut c_char = std::ptr::null_mut();
                found = property::mosquitto_property_read_string_pair(node, id_int, &mut n, &mut v, false);
                Prop::Pair(id, take_c_string(n), take_c_string(v))
            }
        }
    };
    if found != node {
        return Err(format!(
            "reading property {id:#04x} from its own node returned {found:?}, not the node {node:?}"
        ));
    }
    Ok(prop)
}

/// Walk a property list with `mosquitto_property_next` and read every node back; `None` for a
/// NULL list. A read that does not find its own node panics (the library is then broken).
///
/// # Safety
/// `list` is NULL or a live property list.
pub unsafe fn read_props(list: *const mosquitto_property) -> Option<Vec<Prop>> {
    if list.is_null() {
        return None;
    }
    let mut out = Vec::new();
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: a node of the list (contract).
        match unsafe { read_prop(cur) } {
            Ok(p) => out.push(p),
            Err(e) => panic!("{e}"),
        }
        // SAFETY: a node of the list.
        cur = unsafe { property::mosquitto_property_next(cur) };
        assert!(out.len() < 10_000, "property list does not end");
    }
    Some(out)
}

/// A property list built with the `mosquitto_property_add_*` functions, freed on drop.
pub struct Props(*mut mosquitto_property);

impl Default for Props {
    fn default() -> Self {
        Self::new()
    }
}

impl Props {
    pub fn new() -> Self {
        Self(std::ptr::null_mut())
    }

    fn check(self, rc: c_int, what: &str) -> Self {
        assert_eq!(rc, MOSQ_ERR_SUCCESS, "mosquitto_property_add_{what}");
        self
    }

    pub fn byte(mut self, id: u8, v: u8) -> Self {
        // SAFETY: `self.0` is NULL or a list built by the library.
        let rc = unsafe { property::mosquitto_property_add_byte(&mut self.0, c_int::from(id), v) };
        self.check(rc, "byte")
    }

    pub fn int16(mut self, id: u8, v: u16) -> Self {
        // SAFETY: as above.
        let rc = unsafe { property::mosquitto_property_add_int16(&mut self.0, c_int::from(id), v) };
        self.check(rc, "int16")
    }

    pub fn int32(mut self, id: u8, v: u32) -> Self {
        // SAFETY: as above.
        let rc = unsafe { property::mosquitto_property_add_int32(&mut self.0, c_int::from(id), v) };
        self.check(rc, "int32")
    }

    pub fn varint(mut self, id: u8, v: u32) -> Self {
        // SAFETY: as above.
        let rc = unsafe { property::mosquitto_property_add_varint(&mut self.0, c_int::from(id), v) };
        self.check(rc, "varint")
    }

    pub fn binary(mut self, id: u8, v: &[u8]) -> Self {
        let len = u16::try_from(v.len()).expect("binary property too long");
        // SAFETY: as above; `v` has `len` readable bytes.
        let rc = unsafe {
            property::mosquitto_property_add_binary(&mut self.0, c_int::from(id), v.as_ptr().cast(), len)
        };
        self.check(rc, "binary")
    }

    pub fn string(mut self, id: u8, v: &str) -> Self {
        let v = CString::new(v).unwrap();
        // SAFETY: as above; a NUL-terminated string.
        let rc = unsafe { property::mosquitto_property_add_string(&mut self.0, c_int::from(id), v.as_ptr()) };
        self.check(rc, "string")
    }

    pub fn pair(mut self, id: u8, name: &str, value: &str) -> Self {
        let n = CString::new(name).unwrap();
        let v = CString::new(value).unwrap();
        // SAFETY: as above; NUL-terminated strings.
        let rc = unsafe {
            property::mosquitto_property_add_string_pair(&mut self.0, c_int::from(id), n.as_ptr(), v.as_ptr())
        };
        self.check(rc, "string_pair")
    }

    pub fn user(self, name: &str, value: &str) -> Self {
        self.pair(PROP_USER_PROPERTY, name, value)
    }

    pub fn ptr(&self) -> *const mosquitto_property {
        self.0
    }

    /// Give the list away (to a function that takes ownership of it).
    pub fn into_raw(self) -> *mut mosquitto_property {
        let p = self.0;
        std::mem::forget(self);
        p
    }
}

impl Drop for Props {
    fn drop(&mut self) {
        // SAFETY: NULL or a list built by the library, owned by us.
        unsafe { property::mosquitto_property_free_all(&mut self.0) };
    }
}
