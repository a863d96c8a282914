//! The C ABI of the functions only `libmosquitto_common.so.1` exports: libmosquitto 2.1's helper
//! library for memory, files, time, base64, random bytes, password hashes, variable byte
//! integers and property list lengths. (The property, topic, UTF-8 and string functions both
//! libraries export are in [`crate::capi`].)
//!
//! The rules of [`crate::capi`] hold here too: every exported function runs its body inside
//! `ffi_boundary!`, so no panic unwinds into C, checks its pointers and answers NULL arguments
//! with `MOSQ_ERR_INVAL` (or NULL, or nothing) where libmosquitto would crash.
//!
//! `include/mosquitto/libmosquitto_common.h` is generated from this module tree by cbindgen
//! (`make header`); the version script `src/capi/libmosquitto_common.map` lists every function,
//! under `MOSQ_2.1`.

#![allow(non_camel_case_types)]

use crate::capi::ffi_boundary;

// The functions appear in the header in the order of these modules.
pub mod memory;

pub mod file;

pub mod time;

pub mod base64;

pub mod random;

pub mod password;

pub mod mqtt;
