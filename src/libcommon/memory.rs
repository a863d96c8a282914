//! Memory: `mosquitto_malloc` and its relatives, with the accounting libmosquitto 2.1 keeps.
//!
//! Every allocation is an ordinary C library allocation (`malloc`, `calloc`, `realloc`), so
//! memory from these functions may be released with `free()` and memory from `malloc()` with
//! `mosquitto_free`. The functions count the usable size of what they hand out and take back
//! (`mosquitto_memory_used`, `mosquitto_max_memory_used`); memory released by the other
//! family only makes the count smaller, never below zero. With a limit set
//! (`mosquitto_memory_set_limit`), an allocation that would take the count over it fails.

use std::ffi::{c_char, c_ulong, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::ffi_boundary;

/// The usable size of the memory counted as in use.
static USED: AtomicUsize = AtomicUsize::new(0);
/// The highest value `USED` has had.
static MAX_USED: AtomicUsize = AtomicUsize::new(0);
/// The limit on `USED`; 0 for none.
static LIMIT: AtomicUsize = AtomicUsize::new(0);

/// The usable size of a block from the C allocator (0 for NULL).
///
/// # Safety
/// `ptr` is NULL or a live block from the C allocator.
unsafe fn usable_size(ptr: *mut c_void) -> usize {
    if ptr.is_null() {
        return 0;
    }
    // SAFETY: a live block of the C allocator (caller contract).
    unsafe { libc::malloc_usable_size(ptr) }
}

/// Whether taking `released` off the count and adding `wanted` stays within the limit.
fn within_limit(released: usize, wanted: usize) -> bool {
    let limit = LIMIT.load(Ordering::Relaxed);
    limit == 0
        || USED
            .load(Ordering::Relaxed)
            .saturating_sub(released)
            .saturating_add(wanted)
            <= limit
}

fn count_in(size: usize) {
    let now = USED.fetch_add(size, Ordering::Relaxed).saturating_add(size);
    MAX_USED.fetch_max(now, Ordering::Relaxed);
}

fn count_out(size: usize) {
    // Never below zero: the block may have come from plain malloc().
    let _ = USED.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
        Some(used.saturating_sub(size))
    });
}

/// Allocate `size` bytes with the C allocator, counted; NULL on failure or over the limit.
pub(crate) fn alloc(size: usize) -> *mut c_void {
    if !within_limit(0, size) {
        return std::ptr::null_mut();
    }
    // SAFETY: plain C allocation.
    let mem = unsafe { libc::malloc(size) };
    // SAFETY: NULL or the block just allocated.
    count_in(unsafe { usable_size(mem) });
    mem
}

/// Allocate `len + 1` bytes holding `data` and a terminating NUL; NULL on failure.
pub(crate) fn alloc_copy(data: &[u8]) -> *mut c_char {
    let Some(size) = data.len().checked_add(1) else {
        return std::ptr::null_mut();
    };
    let mem = alloc(size).cast::<u8>();
    if !mem.is_null() {
        // SAFETY: `mem` has room for `size` bytes; the regions do not overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(data.as_ptr(), mem, data.len());
            mem.add(data.len()).write(0);
        }
    }
    mem.cast()
}

/// Set the most memory, in bytes, the allocation functions of this library may have handed
/// out at once; 0 (the initial value) means no limit. An allocation that would go over it
/// fails (returns NULL).
#[unsafe(no_mangle)]
pub extern "C" fn mosquitto_memory_set_limit(lim: usize) {
    ffi_boundary! {
        LIMIT.store(lim, Ordering::Relaxed);
    }
}

/// The memory, in bytes, the allocation functions of this library have handed out and not yet
/// taken back (the usable size of each block).
#[unsafe(no_mangle)]
pub extern "C" fn mosquitto_memory_used() -> c_ulong {
    ffi_boundary! {
        USED.load(Ordering::Relaxed) as c_ulong
    }
}

/// The highest value `mosquitto_memory_used` has had.
#[unsafe(no_mangle)]
pub extern "C" fn mosquitto_max_memory_used() -> c_ulong {
    ffi_boundary! {
        MAX_USED.load(Ordering::Relaxed) as c_ulong
    }
}

/// `calloc(nmemb, size)`, counted: zeroed memory for `nmemb` elements of `size` bytes, or NULL
/// (no memory, over the limit, or a size that overflows). Release it with `mosquitto_free` or
/// `free`.
#[unsafe(no_mangle)]
pub extern "C" fn mosquitto_calloc(nmemb: usize, size: usize) -> *mut c_void {
    ffi_boundary! {
        let Some(total) = nmemb.checked_mul(size) else {
            return std::ptr::null_mut();
        };
        let mem = alloc(total);
        if !mem.is_null() {
            // SAFETY: `mem` has room for `total` bytes.
            unsafe { std::ptr::write_bytes(mem.cast::<u8>(), 0, total) };
        }
        mem
    }
}

/// `free(mem)`, counted. NULL is allowed and does nothing.
///
/// # Safety
/// `mem` is NULL or a live block from the C allocator (from any of these functions, or from
/// `malloc` and its relatives), not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_free(mem: *mut c_void) {
    ffi_boundary! {
        if mem.is_null() {
            return;
        }
        // SAFETY: a live block of the C allocator (caller contract), released once.
        unsafe {
            count_out(usable_size(mem));
            libc::free(mem);
        }
    }
}

/// `malloc(size)`, counted: NULL on failure or over the limit. Release it with
/// `mosquitto_free` or `free`.
#[unsafe(no_mangle)]
pub extern "C" fn mosquitto_malloc(size: usize) -> *mut c_void {
    ffi_boundary! {
        alloc(size)
    }
}

/// `realloc(ptr, size)`, counted. On failure (or over the limit) NULL is returned and `ptr`
/// is left as it was.
///
/// # Safety
/// `ptr` is NULL or a live block from the C allocator; after success it is not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
    ffi_boundary! {
        // SAFETY: NULL or a live block (caller contract).
        let old = unsafe { usable_size(ptr) };
        if !within_limit(old, size) {
            return std::ptr::null_mut();
        }
        // SAFETY: NULL or a live block of the C allocator (caller contract).
        let mem = unsafe { libc::realloc(ptr, size) };
        if !mem.is_null() {
            count_out(old);
            // SAFETY: the block just returned.
            count_in(unsafe { usable_size(mem) });
        } else if size == 0 {
            count_out(old);
        }
        mem
    }
}

/// A counted copy of the string `s`, or NULL (no memory, over the limit, or `s` NULL).
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_strdup(s: *const c_char) -> *mut c_char {
    ffi_boundary! {
        // SAFETY: NULL or a NUL-terminated string (caller contract).
        match unsafe { crate::capi::util::cstr_bytes(s) } {
            Some(bytes) => alloc_copy(bytes),
            None => std::ptr::null_mut(),
        }
    }
}

/// A counted copy of at most the first `n` bytes of the string `s`, always NUL-terminated, or
/// NULL (no memory, over the limit, or `s` NULL).
///
/// # Safety
/// `s` is NULL or points to a NUL-terminated string or to at least `n` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_strndup(s: *const c_char, n: usize) -> *mut c_char {
    ffi_boundary! {
        if s.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: not NULL; `strnlen` reads no further than `n` bytes or the terminator.
        let len = unsafe { libc::strnlen(s, n) };
        // SAFETY: `len` bytes were just found readable.
        let bytes = unsafe { std::slice::from_raw_parts(s.cast::<u8>(), len) };
        alloc_copy(bytes)
    }
}
