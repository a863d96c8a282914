//! Random bytes from the operating system.

use std::ffi::{c_int, c_void};

use super::ffi_boundary;
use crate::capi::types::{MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS, MOSQ_ERR_UNKNOWN};

/// Fill the `count` bytes at `bytes` with cryptographically secure random bytes.
///
/// Returns `MOSQ_ERR_SUCCESS` (also for `count` 0), `MOSQ_ERR_UNKNOWN` if the system's
/// generator fails, or `MOSQ_ERR_INVAL` if `count` is negative or `bytes` is NULL while
/// `count` is not 0.
///
/// # Safety
/// `bytes` is NULL or points to at least `count` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_getrandom(bytes: *mut c_void, count: c_int) -> c_int {
    ffi_boundary! {
        let Ok(count) = usize::try_from(count) else {
            return MOSQ_ERR_INVAL;
        };
        if count == 0 {
            return MOSQ_ERR_SUCCESS;
        }
        if bytes.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `count` writable bytes (caller contract).
        let out = unsafe { std::slice::from_raw_parts_mut(bytes.cast::<u8>(), count) };
        if crate::random::fill(out) {
            MOSQ_ERR_SUCCESS
        } else {
            MOSQ_ERR_UNKNOWN
        }
    }
}
