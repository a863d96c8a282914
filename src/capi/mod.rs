//! The C ABI of `mosquitto.h`.
//!
//! Rules for every exported function here:
//! - it is `#[unsafe(no_mangle)] pub unsafe extern "C"` and its body is wrapped in
//!   `ffi_boundary!`, so a panic becomes the upstream "unknown error" value instead of unwinding
//!   into C;
//! - pointers are checked before use (`MOSQ_ERR_INVAL` or NULL for NULL), C strings are copied
//!   into owned Rust strings at once, and integers from C are range-checked before they become
//!   Rust values;
//! - no lock is held while user code (a callback) runs.
//!
//! `include/mosquitto.h` is generated from this module tree by cbindgen (`make header`): the
//! public constants, `#[repr(C)]` types and exported functions, with their doc comments.

#![allow(non_camel_case_types)]

/// Run an exported function's body, turning a panic into the return type's default error value.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(value) => value,
            Err(_) => $crate::capi::PanicDefault::panic_default(),
        }
    };
}
pub(crate) use ffi_boundary;

pub mod types;

pub(crate) mod error;
pub(crate) mod handle;
pub(crate) mod util;

/// The value an exported function returns when its body panicked.
pub(crate) trait PanicDefault {
    fn panic_default() -> Self;
}

impl PanicDefault for std::ffi::c_int {
    fn panic_default() -> Self {
        types::MOSQ_ERR_UNKNOWN
    }
}

impl PanicDefault for () {
    fn panic_default() -> Self {}
}

/// Other integers (the 2.1 property value accessors, sizes and times of the helper library)
/// default to 0.
macro_rules! zero_default {
    ($($t:ty),*) => {
        $(impl PanicDefault for $t {
            fn panic_default() -> Self {
                0
            }
        })*
    };
}
zero_default!(u8, u16, u32, i64, u64);

impl PanicDefault for bool {
    fn panic_default() -> Self {
        false
    }
}

impl<T> PanicDefault for *mut T {
    fn panic_default() -> Self {
        std::ptr::null_mut()
    }
}

impl<T> PanicDefault for *const T {
    fn panic_default() -> Self {
        std::ptr::null()
    }
}

// The functions appear in include/mosquitto.h in the order of these modules (the blank lines
// keep rustfmt from sorting them).
pub mod library;

pub mod client;

pub mod will;

pub mod auth;

pub mod connect;

pub mod publish;

pub mod subscribe;

pub mod message;

pub mod loop_;

pub mod options;

pub mod tls;

pub mod callbacks;

pub mod socks;

pub mod strings;

pub mod topic;

pub mod helpers;

pub mod property;
