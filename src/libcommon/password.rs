//! Password hashes: `struct mosquitto_pw` makes and checks the hashes of mosquitto's password
//! files, `$6$SALT$HASH` (salted SHA-512) and `$7$ITERATIONS$SALT$HASH` (PBKDF2-HMAC-SHA512),
//! with the code the broker uses for its `password_file` ([`crate::pwhash`]).
//!
//! New hashes have a 12-byte salt, which mosquitto 2.0 and 2.1 brokers both read; hashes with
//! the 64-byte salts libmosquitto 2.1 writes are read as well. Argon2id hashes
//! (`$argon2id$…`) are not supported.

use std::ffi::{CString, c_char, c_int};
use std::num::NonZeroU32;

use super::ffi_boundary;
use crate::capi::types::{MOSQ_ERR_INVAL, MOSQ_ERR_NOT_SUPPORTED, MOSQ_ERR_SUCCESS, MOSQ_ERR_UNKNOWN};
use crate::capi::util::cstr_bytes;
use crate::pwhash::{self, Hash, HashKind};

const MOSQ_ERR_NOMEM: c_int = crate::capi::types::mosq_err_t::MOSQ_ERR_NOMEM as c_int;
const MOSQ_ERR_AUTH: c_int = crate::capi::types::mosq_err_t::MOSQ_ERR_AUTH as c_int;

/// The hash types of `mosquitto_pw_new`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mosquitto_pwhash_type {
    /// The library's choice: PBKDF2-HMAC-SHA512 here.
    MOSQ_PW_DEFAULT = 0,
    /// `$6$`: one round of salted SHA-512.
    MOSQ_PW_SHA512 = 6,
    /// `$7$`: PBKDF2-HMAC-SHA512.
    MOSQ_PW_SHA512_PBKDF2 = 7,
    /// Argon2id: not supported by this library.
    MOSQ_PW_ARGON2ID = 8,
}

/// The parameters of `mosquitto_pw_set_param`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mosquitto_pw_params {
    /// The PBKDF2 iteration count (`MOSQ_PW_SHA512_PBKDF2` only).
    MOSQ_PW_PARAM_ITERATIONS = 1,
}

/// An `enum mosquitto_pwhash_type` value as received from C, which may be any integer. The
/// generated header shows it as `enum mosquitto_pwhash_type`.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct mosquitto_pwhash_arg(pub c_int);

const SHA512: c_int = mosquitto_pwhash_type::MOSQ_PW_SHA512 as c_int;
const PBKDF2: c_int = mosquitto_pwhash_type::MOSQ_PW_SHA512_PBKDF2 as c_int;
const ARGON2ID: c_int = mosquitto_pwhash_type::MOSQ_PW_ARGON2ID as c_int;

/// The PBKDF2 iteration count of a new hash unless `MOSQ_PW_PARAM_ITERATIONS` says otherwise
/// (libmosquitto 2.1's default).
const DEFAULT_ITERATIONS: NonZeroU32 = NonZeroU32::new(1000).unwrap();

/// A password hash. Opaque: made by `mosquitto_pw_new`, released by `mosquitto_pw_cleanup`.
pub struct mosquitto_pw {
    /// The hash type asked for, or the type of the hash held.
    kind: c_int,
    /// The PBKDF2 iteration count for new hashes, if set.
    iterations: Option<NonZeroU32>,
    /// The hash held, once made or decoded.
    hash: Option<Hash>,
    /// Its text form, as `mosquitto_pw_get_encoded` hands it out.
    encoded: Option<CString>,
    /// Whether `mosquitto_pw_verify` may accept a password.
    valid: bool,
}

/// The hash behind a pointer from C, if it is not NULL.
///
/// # Safety
/// `pw` is NULL or a live hash from `mosquitto_pw_new`, not used elsewhere during the call.
unsafe fn pw_mut<'a>(pw: *mut mosquitto_pw) -> Option<&'a mut mosquitto_pw> {
    // SAFETY: NULL or live and unshared (caller contract).
    unsafe { pw.as_mut() }
}

/// Mark the hash usable or not: `mosquitto_pw_verify` accepts nothing for a hash marked not
/// valid. NULL is ignored.
///
/// # Safety
/// `pw` is NULL or a live hash from `mosquitto_pw_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pw_set_valid(pw: *mut mosquitto_pw, valid: bool) {
    ffi_boundary! {
        // SAFETY: NULL or live (caller contract).
        if let Some(pw) = unsafe { pw_mut(pw) } {
            pw.valid = valid;
        }
    }
}

/// Whether the hash is usable: made by `mosquitto_pw_hash_encoded`, read by
/// `mosquitto_pw_decode`, or marked so by `mosquitto_pw_set_valid`. False for NULL.
///
/// # Safety
/// `pw` is NULL or a live hash from `mosquitto_pw_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pw_is_valid(pw: *mut mosquitto_pw) -> bool {
    ffi_boundary! {
        // SAFETY: NULL or live (caller contract).
        unsafe { pw_mut(pw) }.is_some_and(|pw| pw.valid)
    }
}

/// Make an empty hash of type `hashtype` in `*pw`, to fill with `mosquitto_pw_hash_encoded`
/// or `mosquitto_pw_decode` and release with `mosquitto_pw_cleanup`.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` if `pw` is NULL, or `MOSQ_ERR_NOT_SUPPORTED` in a
/// build without TLS and without the broker (no SHA-512 then).
///
/// # Safety
/// `pw` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pw_new(
    pw: *mut *mut mosquitto_pw,
    hashtype: mosquitto_pwhash_arg,
) -> c_int {
    ffi_boundary! {
        if pw.is_null() {
            return MOSQ_ERR_INVAL;
        }
        if !pwhash::AVAILABLE {
            return MOSQ_ERR_NOT_SUPPORTED;
        }
        let new = Box::new(mosquitto_pw {
            kind: hashtype.0,
            iterations: None,
            hash: None,
            encoded: None,
            valid: false,
        });
        // SAFETY: writable (caller contract).
        unsafe { *pw = Box::into_raw(new) };
        MOSQ_ERR_SUCCESS
    }
}

/// Release a hash from `mosquitto_pw_new`; NULL is allowed.
///
/// # Safety
/// `pw` is NULL or a live hash from `mosquitto_pw_new`, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pw_cleanup(pw: *mut mosquitto_pw) {
    ffi_boundary! {
        if !pw.is_null() {
            // SAFETY: made by `Box::into_raw` in `mosquitto_pw_new`, released once.
            drop(unsafe { Box::from_raw(pw) });
        }
    }
}

/// Hash `password` with a new random salt: `$6$` for `MOSQ_PW_SHA512`, otherwise `$7$`
/// (PBKDF2-HMAC-SHA512, 1000 iterations unless `MOSQ_PW_PARAM_ITERATIONS` set another
/// count). The hash becomes valid and its text is what `mosquitto_pw_get_encoded` returns.
///
/// Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if an argument is NULL;
/// `MOSQ_ERR_NOT_SUPPORTED` for `MOSQ_PW_ARGON2ID`; `MOSQ_ERR_UNKNOWN` if no random salt can
/// be had.
///
/// # Safety
/// `pw` is NULL or a live hash from `mosquitto_pw_new`; `password` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pw_hash_encoded(pw: *mut mosquitto_pw, password: *const c_char) -> c_int {
    ffi_boundary! {
        // SAFETY: NULL or live; NULL or a NUL-terminated string (caller contract).
        let (Some(pw), Some(password)) = (unsafe { pw_mut(pw) }, unsafe { cstr_bytes(password) }) else {
            return MOSQ_ERR_INVAL;
        };
        let (kind, kind_code) = match pw.kind {
            SHA512 => (HashKind::Sha512, SHA512),
            ARGON2ID => return MOSQ_ERR_NOT_SUPPORTED,
            _ => (
                HashKind::Sha512Pbkdf2 {
                    iterations: pw.iterations.unwrap_or(DEFAULT_ITERATIONS),
                },
                PBKDF2,
            ),
        };
        let Ok(text) = pwhash::hash_password(password, kind) else {
            return MOSQ_ERR_UNKNOWN;
        };
        let Ok(hash) = pwhash::parse_hash(text.as_bytes()) else {
            return MOSQ_ERR_UNKNOWN;
        };
        let Ok(encoded) = CString::new(text) else {
            return MOSQ_ERR_UNKNOWN;
        };
        pw.kind = kind_code;
        pw.hash = Some(hash);
        pw.encoded = Some(encoded);
        pw.valid = true;
        MOSQ_ERR_SUCCESS
    }
}

/// The text of the hash (`$6$…` or `$7$…`), as a password file holds it after `user:`; NULL
/// if there is none yet or `pw` is NULL. The string belongs to the hash and lasts until it
/// changes or is released.
///
/// # Safety
/// `pw` is NULL or a live hash from `mosquitto_pw_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pw_get_encoded(pw: *mut mosquitto_pw) -> *const c_char {
    ffi_boundary! {
        // SAFETY: NULL or live (caller contract).
        unsafe { pw_mut(pw) }
            .and_then(|pw| pw.encoded.as_ref())
            .map_or(std::ptr::null(), |e| e.as_ptr())
    }
}

/// Check `password` against a valid hash, in constant time.
///
/// Returns `MOSQ_ERR_SUCCESS` if it matches, else `MOSQ_ERR_AUTH` (also for a NULL argument
/// or a hash not valid).
///
/// # Safety
/// `pw` is NULL or a live hash from `mosquitto_pw_new`; `password` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pw_verify(pw: *mut mosquitto_pw, password: *const c_char) -> c_int {
    ffi_boundary! {
        // SAFETY: NULL or live; NULL or a NUL-terminated string (caller contract).
        let (Some(pw), Some(password)) = (unsafe { pw_mut(pw) }, unsafe { cstr_bytes(password) }) else {
            return MOSQ_ERR_AUTH;
        };
        match &pw.hash {
            Some(hash) if pw.valid && hash.matches(password) => MOSQ_ERR_SUCCESS,
            _ => MOSQ_ERR_AUTH,
        }
    }
}

/// Set a parameter for the hashes `mosquitto_pw_hash_encoded` makes. The one parameter,
/// `MOSQ_PW_PARAM_ITERATIONS`, is the PBKDF2 iteration count of a `MOSQ_PW_SHA512_PBKDF2`
/// hash. Other parameters are ignored.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `pw` is NULL, the hash is of another
/// type, or `value` is below 1.
///
/// # Safety
/// `pw` is NULL or a live hash from `mosquitto_pw_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pw_set_param(pw: *mut mosquitto_pw, param: c_int, value: c_int) -> c_int {
    ffi_boundary! {
        // SAFETY: NULL or live (caller contract).
        let Some(pw) = (unsafe { pw_mut(pw) }) else {
            return MOSQ_ERR_INVAL;
        };
        if param != mosquitto_pw_params::MOSQ_PW_PARAM_ITERATIONS as c_int {
            return MOSQ_ERR_SUCCESS;
        }
        if pw.kind != PBKDF2 {
            return MOSQ_ERR_INVAL;
        }
        let Some(iterations) = u32::try_from(value).ok().and_then(NonZeroU32::new) else {
            return MOSQ_ERR_INVAL;
        };
        pw.iterations = Some(iterations);
        MOSQ_ERR_SUCCESS
    }
}

/// Read a hash in text form (`$6$SALT$HASH` or `$7$ITERATIONS$SALT$HASH`, salts of 12 or 64
/// bytes): on success the hash is valid, takes the type read, and
/// `mosquitto_pw_get_encoded` returns a copy of `encoded_password`. On failure it is not
/// valid.
///
/// Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if an argument is NULL or the text is not
/// such a hash; `MOSQ_ERR_NOT_SUPPORTED` for an Argon2id hash; `MOSQ_ERR_NOMEM`.
///
/// # Safety
/// `pw` is NULL or a live hash from `mosquitto_pw_new`; `encoded_password` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pw_decode(
    pw: *mut mosquitto_pw,
    encoded_password: *const c_char,
) -> c_int {
    ffi_boundary! {
        // SAFETY: NULL or live (caller contract).
        let Some(pw) = (unsafe { pw_mut(pw) }) else {
            return MOSQ_ERR_INVAL;
        };
        pw.valid = false;
        // SAFETY: NULL or a NUL-terminated string (caller contract).
        let Some(text) = (unsafe { cstr_bytes(encoded_password) }) else {
            return MOSQ_ERR_INVAL;
        };
        let kind = if text.starts_with(b"$6$") {
            SHA512
        } else if text.starts_with(b"$7$") {
            PBKDF2
        } else if text.starts_with(b"$argon2id$") {
            pw.kind = ARGON2ID;
            return MOSQ_ERR_NOT_SUPPORTED;
        } else {
            return MOSQ_ERR_INVAL;
        };
        pw.kind = kind;
        let Ok(hash) = pwhash::parse_hash_any_salt(text) else {
            pw.hash = None;
            pw.encoded = None;
            return MOSQ_ERR_INVAL;
        };
        let Ok(encoded) = CString::new(text) else {
            return MOSQ_ERR_NOMEM;
        };
        pw.hash = Some(hash);
        pw.encoded = Some(encoded);
        pw.valid = true;
        MOSQ_ERR_SUCCESS
    }
}
