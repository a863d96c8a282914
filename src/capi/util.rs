//! Small helpers for reading C arguments and writing C results.

use std::ffi::{CStr, c_char};

/// The bytes of a NUL-terminated C string, without the terminator; `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays unchanged for `'a`.
pub(crate) unsafe fn cstr_bytes<'a>(ptr: *const c_char) -> Option<&'a [u8]> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: not NULL, and the caller promises a NUL-terminated string.
    Some(unsafe { CStr::from_ptr(ptr) }.to_bytes())
}

/// `len` bytes from `ptr`; an empty slice for a NULL pointer or zero length.
///
/// # Safety
/// `ptr` is NULL or points to at least `len` readable bytes that stay unchanged for `'a`.
pub(crate) unsafe fn bytes<'a, T>(ptr: *const T, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: not NULL; the caller promises `len` readable bytes.
    unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }
}

/// `len` bytes from `ptr`; `None` for a NULL pointer.
///
/// # Safety
/// `ptr` is NULL or points to at least `len` readable bytes that stay unchanged for `'a`, and
/// `len` is at most `isize::MAX`.
pub(crate) unsafe fn opt_bytes<'a>(ptr: *const c_char, len: usize) -> Option<&'a [u8]> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: not NULL; the caller promises `len` readable bytes.
    Some(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Store `value` through `out` unless it is NULL.
///
/// # Safety
/// `out` is NULL or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: not NULL; the caller promises it is writable.
        unsafe { out.write(value) };
    }
}
