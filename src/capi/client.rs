//! Creating, resetting and destroying client instances, and their user data.

use std::ffi::{c_char, c_int, c_void};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::error::code;
use super::error::set_errno;
use super::handle::{Shared, shared};
use super::types::*;
use super::util::cstr_bytes;
use crate::client::{ClientOptions, Error};
use crate::protocol::utf8;

/// Check a client id from C and turn it into settings.
///
/// # Safety
/// `id` is NULL or a NUL-terminated string.
unsafe fn options_for(id: *const c_char, clean_session: bool) -> Result<ClientOptions, Error> {
    // SAFETY: forwarded contract.
    let id = match unsafe { cstr_bytes(id) } {
        None if !clean_session => return Err(Error::Inval),
        None => None,
        Some([]) => return Err(Error::Inval),
        Some(bytes) => {
            if !utf8::validate(bytes) {
                return Err(Error::MalformedUtf8);
            }
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
    };
    Ok(ClientOptions::new(id, clean_session))
}

/// Create a new client instance.
///
/// `id` is the client id to connect with. It may be NULL when `clean_session` is true: MQTT
/// 3.1.1 and 5.0 connections then send an empty id and let the server assign one, and MQTT 3.1
/// connections generate a random `mosq-...` id at connect time. With `clean_session` false the
/// server keeps subscriptions and queued messages across connections, which needs an id.
///
/// `obj` is handed to every callback as its user data; when it is NULL, the client pointer itself
/// is passed instead.
///
/// Returns the new client, or NULL with `errno` set to `EINVAL` (NULL id with `clean_session`
/// false, or an empty id) or `ENOMEM`. An id that is not valid MQTT UTF-8 also gives NULL.
/// Release the client with `mosquitto_destroy`. Calling `mosquitto_lib_init` first is
/// recommended but not required.
///
/// # Safety
/// `id` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_new(
    id: *const c_char,
    clean_session: bool,
    obj: *mut c_void,
) -> *mut mosquitto {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let opts = match unsafe { options_for(id, clean_session) } {
            Ok(o) => o,
            Err(Error::Inval) => {
                set_errno(libc::EINVAL);
                return std::ptr::null_mut();
            }
            Err(_) => return std::ptr::null_mut(),
        };
        match Shared::new(opts) {
            Ok(shared) => {
                let ptr = Arc::into_raw(shared);
                // SAFETY: just created from a live Arc.
                let s = unsafe { &*ptr };
                s.userdata.store(if obj.is_null() { s.c_ptr().cast() } else { obj }, Ordering::Release);
                ptr as *mut mosquitto
            }
            Err(Error::Errno(code)) => {
                set_errno(code);
                std::ptr::null_mut()
            }
            Err(_) => {
                set_errno(libc::ENOMEM);
                std::ptr::null_mut()
            }
        }
    }
}

/// Free a client instance and everything it holds.
///
/// A loop thread started with `mosquitto_loop_start` is stopped first. The network connection,
/// if any, is closed without sending DISCONNECT (call `mosquitto_disconnect` first for a clean
/// disconnection; the server publishes the will otherwise). NULL is ignored.
///
/// Calling it from inside one of the client's own callbacks is allowed: the client stops at once
/// and its memory is released when the callback returns.
///
/// # Safety
/// `mosq` is NULL or a client from `mosquitto_new` not yet destroyed; it must not be used after
/// this call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_destroy(mosq: *mut mosquitto) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return;
        };
        s.destroyed.store(true, Ordering::Release);
        s.client.close_now();
        // SAFETY: `mosq` came from `Arc::into_raw` in `mosquitto_new`; this releases the
        // application's reference exactly once.
        drop(unsafe { Arc::from_raw(mosq as *const Shared) });
    }
}

/// Reset a client to the state `mosquitto_new` leaves it in, with a new id, session flag and
/// user data.
///
/// A running loop thread is stopped, the connection is closed without DISCONNECT, and every
/// setting, queued message and callback is forgotten.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client, NULL id with `clean_session`
/// false, or an empty id), `MOSQ_ERR_MALFORMED_UTF8` (invalid id) or `MOSQ_ERR_NOMEM`.
///
/// # Safety
/// `mosq` is NULL or a valid client; `id` is NULL or a NUL-terminated string. Must not be
/// called from the client's own callbacks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_reinitialise(
    mosq: *mut mosquitto,
    id: *const c_char,
    clean_session: bool,
    obj: *mut c_void,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        // SAFETY: forwarded contract.
        let opts = match unsafe { options_for(id, clean_session) } {
            Ok(o) => o,
            Err(e) => return code(&e),
        };
        s.client.reset(opts);
        s.callbacks.clear();
        s.userdata.store(if obj.is_null() { s.c_ptr().cast() } else { obj }, Ordering::Release);
        MOSQ_ERR_SUCCESS
    }
}

/// Replace the user data passed to the callbacks (NULL is allowed here).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_user_data_set(mosq: *mut mosquitto, obj: *mut c_void) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.userdata.store(obj, Ordering::Release);
        }
    }
}

/// The user data passed to the callbacks (NULL for a NULL client).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_userdata(mosq: *mut mosquitto) -> *mut c_void {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { shared(mosq) } {
            Some(s) => s.userdata.load(Ordering::Acquire),
            None => std::ptr::null_mut(),
        }
    }
}
