//! Base64 (standard alphabet, padded, no line breaks).

use std::ffi::{c_char, c_int, c_uchar, c_uint};

use super::ffi_boundary;
use super::memory;
use crate::capi::types::{MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS};
use crate::capi::util::{bytes, cstr_bytes};

/// What libmosquitto 2.1 returns for any failure of these two functions (the value of
/// `MOSQ_ERR_NOMEM`).
const FAILED: c_int = 1;

/// Encode the `in_len` bytes at `in` as base64 into `*encoded`, a new NUL-terminated string
/// (empty for no input) to release with `mosquitto_free` or `free`.
///
/// Returns 0 (`MOSQ_ERR_SUCCESS`), 1 if memory runs out, or `MOSQ_ERR_INVAL` if `encoded` is
/// NULL, or `in` is NULL while `in_len` is not 0.
///
/// # Safety
/// `in` is NULL or points to `in_len` readable bytes; `encoded` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_base64_encode(
    r#in: *const c_uchar,
    in_len: usize,
    encoded: *mut *mut c_char,
) -> c_int {
    ffi_boundary! {
        if encoded.is_null() || (r#in.is_null() && in_len != 0) || isize::try_from(in_len).is_err() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `in_len` readable bytes (caller contract).
        let data = unsafe { bytes(r#in, in_len) };
        let text = crate::base64::encode(data);
        let out = memory::alloc_copy(text.as_bytes());
        // SAFETY: writable (caller contract).
        unsafe { *encoded = out };
        if out.is_null() { FAILED } else { MOSQ_ERR_SUCCESS }
    }
}

/// Decode the base64 string `in` into `*decoded`, a new buffer of `*decoded_len` bytes to
/// release with `mosquitto_free` or `free`.
///
/// Returns 0 (`MOSQ_ERR_SUCCESS`); 1 (libmosquitto's value for any failure) if `in` is not
/// valid base64, decodes to nothing, or memory runs out, with `*decoded` NULL and
/// `*decoded_len` 0; or `MOSQ_ERR_INVAL` if an argument is NULL.
///
/// # Safety
/// `in` is NULL or a NUL-terminated string; `decoded` and `decoded_len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_base64_decode(
    r#in: *const c_char,
    decoded: *mut *mut c_uchar,
    decoded_len: *mut c_uint,
) -> c_int {
    ffi_boundary! {
        if decoded.is_null() || decoded_len.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: writable (caller contract).
        unsafe {
            *decoded = std::ptr::null_mut();
            *decoded_len = 0;
        }
        // SAFETY: NULL or a NUL-terminated string (caller contract).
        let Some(text) = (unsafe { cstr_bytes(r#in) }) else {
            return MOSQ_ERR_INVAL;
        };
        let Some(data) = crate::base64::decode(text).filter(|d| !d.is_empty()) else {
            return FAILED;
        };
        let Ok(len) = c_uint::try_from(data.len()) else {
            return FAILED;
        };
        let out = memory::alloc_copy(&data);
        if out.is_null() {
            return FAILED;
        }
        // SAFETY: writable (caller contract).
        unsafe {
            *decoded = out.cast();
            *decoded_len = len;
        }
        MOSQ_ERR_SUCCESS
    }
}
