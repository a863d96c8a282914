//! The C ABI of `mosquitto.h`.
//!
//! Rules for every exported function here:
//! - it is `#[unsafe(no_mangle)] pub unsafe extern "C"` and its body is wrapped in
//!   [`ffi_boundary!`], so a panic becomes the upstream "unknown error" value instead of unwinding
//!   into C;
//! - pointers are checked before use (`MOSQ_ERR_INVAL` or NULL for NULL), C strings are copied
//!   into owned Rust strings at once, and integers from C are range-checked before they become
//!   Rust values;
//! - no lock is held while user code (a callback) runs.
//!
//! `include/mosquitto.h` is generated from this module tree by cbindgen.

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

pub mod types;

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

pub mod auth;
pub mod callbacks;
pub mod client;
pub mod connect;
pub mod helpers;
pub mod library;
pub mod loop_;
pub mod message;
pub mod options;
pub mod property;
pub mod publish;
pub mod socks;
pub mod strings;
pub mod subscribe;
pub mod tls;
pub mod topic;
pub mod will;
