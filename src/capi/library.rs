//! Library version, initialisation and cleanup.
//!
//! `mosquitto_lib_init` and `mosquitto_lib_cleanup` are reference-counted. The library needs
//! no global set-up to work (clients created without `mosquitto_lib_init` behave the same), so
//! initialising only seeds the C library's `rand()` on the first call, as libmosquitto does,
//! for applications that rely on that.

use std::ffi::c_int;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::types::*;

/// How many `mosquitto_lib_init` calls are not yet matched by `mosquitto_lib_cleanup`.
static INIT_COUNT: AtomicUsize = AtomicUsize::new(0);

/// Whether the application has called `mosquitto_lib_init` more often than
/// `mosquitto_lib_cleanup`.
#[allow(dead_code)]
pub(crate) fn is_initialised() -> bool {
    INIT_COUNT.load(Ordering::Acquire) > 0
}

/// Seed the C library's random number generator from the wall clock and the process id.
fn seed_c_rand() {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec to write to; on failure it stays zero, which is fine.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) };
    // SAFETY: getpid has no preconditions.
    let pid = unsafe { libc::getpid() };
    // Truncations are intended: any mix of the bits makes a seed.
    let seed = (now.tv_sec as u32) ^ ((now.tv_nsec as u32) << 2) ^ (pid as u32).rotate_left(20);
    // SAFETY: srand has no preconditions.
    unsafe { libc::srand(seed) };
}

/// Report the version of this library: `*major`, `*minor` and `*revision` receive its parts
/// (2, 0, 20) where the pointers are not NULL.
///
/// Returns the version as one number, `major * 1000000 + minor * 1000 + revision`
/// (`LIBMOSQUITTO_VERSION_NUMBER`, 2000020).
///
/// # Safety
/// Each pointer is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_lib_version(
    major: *mut c_int,
    minor: *mut c_int,
    revision: *mut c_int,
) -> c_int {
    ffi_boundary! {
        for (out, value) in [(major, LIBMOSQUITTO_MAJOR), (minor, LIBMOSQUITTO_MINOR), (revision, LIBMOSQUITTO_REVISION)] {
            if !out.is_null() {
                // SAFETY: not NULL, and writable (caller contract).
                unsafe { *out = value };
            }
        }
        LIBMOSQUITTO_VERSION_NUMBER
    }
}

/// Initialise the library. Calls are counted, and each should be matched by one
/// `mosquitto_lib_cleanup`. The first call seeds the C library's `rand()`. Nothing else needs
/// setting up, so other functions also work without this call. Safe to call from any thread.
///
/// Always returns `MOSQ_ERR_SUCCESS`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_lib_init() -> c_int {
    ffi_boundary! {
        if INIT_COUNT.fetch_add(1, Ordering::AcqRel) == 0 {
            seed_c_rand();
        }
        MOSQ_ERR_SUCCESS
    }
}

/// Undo one `mosquitto_lib_init`. Extra calls (more cleanups than inits) do nothing. Clients
/// that still exist keep working. Safe to call from any thread.
///
/// Always returns `MOSQ_ERR_SUCCESS`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_lib_cleanup() -> c_int {
    ffi_boundary! {
        // An Err only means the count was already zero, which is fine.
        let _ = INIT_COUNT.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        MOSQ_ERR_SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr::null_mut;

    #[test]
    fn version() {
        let (mut major, mut minor, mut revision) = (-1, -1, -1);
        // SAFETY: valid out pointers.
        let number = unsafe { mosquitto_lib_version(&mut major, &mut minor, &mut revision) };
        assert_eq!((number, major, minor, revision), (2_000_020, 2, 0, 20));
        // SAFETY: NULL pointers are skipped.
        let rc = unsafe { mosquitto_lib_version(null_mut(), null_mut(), null_mut()) };
        assert_eq!(rc, 2_000_020);
        let mut only_minor = -1;
        // SAFETY: as above.
        unsafe { mosquitto_lib_version(null_mut(), &mut only_minor, null_mut()) };
        assert_eq!(only_minor, 0);
    }

    #[test]
    fn init_is_counted() {
        // This is the only test touching the count, so the sequence is deterministic.
        // SAFETY: no preconditions.
        unsafe {
            assert_eq!(mosquitto_lib_cleanup(), MOSQ_ERR_SUCCESS);
            assert!(!is_initialised());
            assert_eq!(mosquitto_lib_init(), MOSQ_ERR_SUCCESS);
            assert_eq!(mosquitto_lib_init(), MOSQ_ERR_SUCCESS);
            assert!(is_initialised());
            assert_eq!(mosquitto_lib_cleanup(), MOSQ_ERR_SUCCESS);
            assert!(is_initialised());
            assert_eq!(mosquitto_lib_cleanup(), MOSQ_ERR_SUCCESS);
            assert!(!is_initialised());
            assert_eq!(mosquitto_lib_cleanup(), MOSQ_ERR_SUCCESS);
            assert!(!is_initialised());
        }
    }
}
