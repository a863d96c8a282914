//! Time: a clock in seconds for intervals (`mosquitto_time`) and the wall clock with
//! nanoseconds (`mosquitto_time_ns`).

use std::ffi::c_long;
use std::sync::atomic::{AtomicI32, Ordering};

use super::ffi_boundary;

/// The clock `mosquitto_time` reads: monotonic, or the boot-time clock (which also counts
/// time suspended) once `mosquitto_time_init` has found it.
static CLOCK: AtomicI32 = AtomicI32::new(libc::CLOCK_MONOTONIC);

/// Choose the clock `mosquitto_time` reads: the boot-time clock where the system has one,
/// else the monotonic clock. Optional; may be called again.
#[unsafe(no_mangle)]
pub extern "C" fn mosquitto_time_init() {
    ffi_boundary! {
        // SAFETY: an all-zero timespec is a valid value to be overwritten.
        let mut tp: libc::timespec = unsafe { std::mem::zeroed() };
        // SAFETY: a writable timespec.
        let clock = if unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut tp) } == 0 {
            libc::CLOCK_BOOTTIME
        } else {
            libc::CLOCK_MONOTONIC
        };
        CLOCK.store(clock, Ordering::Relaxed);
    }
}

/// The time in seconds on a clock that never goes back (unrelated to the date), for
/// measuring intervals; -1 if the clock cannot be read.
#[unsafe(no_mangle)]
pub extern "C" fn mosquitto_time() -> libc::time_t {
    ffi_boundary! {
        // SAFETY: an all-zero timespec is a valid value to be overwritten.
        let mut tp: libc::timespec = unsafe { std::mem::zeroed() };
        // SAFETY: a writable timespec.
        if unsafe { libc::clock_gettime(CLOCK.load(Ordering::Relaxed), &mut tp) } == 0 {
            tp.tv_sec
        } else {
            -1
        }
    }
}

/// Store the wall-clock time (which may jump when the system clock is set) as seconds since
/// the epoch in `*s` and nanoseconds in `*ns`. A NULL pointer is skipped.
///
/// # Safety
/// `s` and `ns` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_time_ns(s: *mut libc::time_t, ns: *mut c_long) {
    ffi_boundary! {
        // SAFETY: an all-zero timespec is a valid value to be overwritten.
        let mut tp: libc::timespec = unsafe { std::mem::zeroed() };
        // SAFETY: a writable timespec.
        unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut tp) };
        // SAFETY: NULL or writable (caller contract).
        unsafe {
            crate::capi::util::write_out(s, tp.tv_sec);
            crate::capi::util::write_out(ns, tp.tv_nsec);
        }
    }
}

/// Compare two times given as seconds and nanoseconds: negative if the first is earlier,
/// 0 if they are equal, positive if it is later. The value is the difference in seconds when
/// the seconds differ, else in nanoseconds.
#[unsafe(no_mangle)]
pub extern "C" fn mosquitto_time_cmp(
    t1_s: libc::time_t,
    t1_ns: c_long,
    t2_s: libc::time_t,
    t2_ns: c_long,
) -> c_long {
    ffi_boundary! {
        if t1_s == t2_s {
            t1_ns.wrapping_sub(t2_ns)
        } else {
            t1_s.wrapping_sub(t2_s)
        }
    }
}
