//! Subscribing and unsubscribing.

use std::ffi::{c_char, c_int};

use super::error::code;
use super::handle::shared;
use super::property::from_c_list;
use super::types::*;
use super::util::{cstr_bytes, write_out};
use crate::error::Error;

/// Collect `count` topic strings from a C array.
///
/// # Safety
/// `sub` is NULL or points to `count` pointers, each NULL or a NUL-terminated string.
unsafe fn topics<'a>(sub: *const *const c_char, count: c_int) -> Result<Vec<&'a [u8]>, Error> {
    if sub.is_null() || count < 1 {
        return Err(Error::Inval);
    }
    (0..count as usize)
        .map(|i| {
            // SAFETY: the caller promises `count` readable entries.
            let p = unsafe { *sub.add(i) };
            // SAFETY: each entry is NULL or a NUL-terminated string.
            unsafe { cstr_bytes(p) }.ok_or(Error::Inval)
        })
        .collect()
}

/// Subscribe (the shared body).
///
/// # Safety
/// As for the exported functions.
unsafe fn subscribe(
    mosq: *mut mosquitto,
    mid: *mut c_int,
    count: c_int,
    sub: *const *const c_char,
    qos: c_int,
    options: c_int,
    properties: *const mosquitto_property,
) -> c_int {
    // SAFETY: forwarded contract.
    let Some(s) = (unsafe { shared(mosq) }) else {
        return code(&Error::Inval);
    };
    if count == 0 || sub.is_null() {
        return code(&Error::Inval);
    }
    // SAFETY: forwarded contract.
    let props = unsafe { from_c_list(properties) };
    let r = (|| {
        let (Ok(qos), Ok(options)) = (u8::try_from(qos), u8::try_from(options)) else {
            return Err(Error::Inval);
        };
        s.client.check_subscribe(!props.is_empty(), qos, options)?;
        // SAFETY: forwarded contract.
        let filters = unsafe { topics(sub, count) }?;
        let m = s.client.subscribe(&*s, &filters, qos, options, props)?;
        // SAFETY: forwarded contract.
        unsafe { write_out(mid, c_int::from(m)) };
        Ok(())
    })();
    match r {
        Ok(()) => MOSQ_ERR_SUCCESS,
        Err(e) => code(&e),
    }
}

/// Unsubscribe (the shared body).
///
/// # Safety
/// As for the exported functions.
unsafe fn unsubscribe(
    mosq: *mut mosquitto,
    mid: *mut c_int,
    count: c_int,
    sub: *const *const c_char,
    properties: *const mosquitto_property,
) -> c_int {
    // SAFETY: forwarded contract.
    let Some(s) = (unsafe { shared(mosq) }) else {
        return code(&Error::Inval);
    };
    // SAFETY: forwarded contract.
    let props = unsafe { from_c_list(properties) };
    let r = (|| {
        s.client.check_unsubscribe(!props.is_empty())?;
        // SAFETY: forwarded contract.
        let filters = unsafe { topics(sub, count) }?;
        let m = s.client.unsubscribe(&*s, &filters, props)?;
        // SAFETY: forwarded contract.
        unsafe { write_out(mid, c_int::from(m)) };
        Ok(())
    })();
    match r {
        Ok(()) => MOSQ_ERR_SUCCESS,
        Err(e) => code(&e),
    }
}

/// Subscribe to a topic filter (`+` and `#` wildcards allowed) with a maximum QoS of 0, 1 or 2.
/// When `mid` is not NULL it receives the message id the subscribe callback will report.
/// Needs a connection (or one being established).
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL argument, bad QoS or filter),
/// `MOSQ_ERR_NO_CONN`, `MOSQ_ERR_MALFORMED_UTF8` or `MOSQ_ERR_OVERSIZE_PACKET`.
///
/// # Safety
/// `mosq` is NULL or a valid client; `mid` is NULL or writable; `sub` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe(
    mosq: *mut mosquitto,
    mid: *mut c_int,
    sub: *const c_char,
    qos: c_int,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract; `&sub` is one readable entry.
        unsafe { subscribe(mosq, mid, 1, &sub, qos, 0, std::ptr::null()) }
    }
}

/// Like `mosquitto_subscribe`, with MQTT v5 subscription options (OR-ed into the QoS byte:
/// `MQTT_SUB_OPT_NO_LOCAL`, `MQTT_SUB_OPT_RETAIN_AS_PUBLISHED` and one of the
/// `MQTT_SUB_OPT_SEND_RETAIN_*` values; ignored for MQTT 3.x) and SUBSCRIBE properties
/// (copied; the caller keeps ownership).
///
/// # Safety
/// As for `mosquitto_subscribe`; `properties` is NULL or a property list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_v5(
    mosq: *mut mosquitto,
    mid: *mut c_int,
    sub: *const c_char,
    qos: c_int,
    options: c_int,
    properties: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract; `&sub` is one readable entry.
        unsafe { subscribe(mosq, mid, 1, &sub, qos, options, properties) }
    }
}

/// Subscribe to `sub_count` filters in one SUBSCRIBE packet, all with the same QoS and options.
///
/// # Safety
/// As for `mosquitto_subscribe_v5`; `sub` is NULL or points to `sub_count` strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_multiple(
    mosq: *mut mosquitto,
    mid: *mut c_int,
    sub_count: c_int,
    sub: mosq_topic_array,
    qos: c_int,
    options: c_int,
    properties: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { subscribe(mosq, mid, sub_count, sub, qos, options, properties) }
    }
}

/// Unsubscribe from a topic filter. When `mid` is not NULL it receives the message id the
/// unsubscribe callback will report.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL`, `MOSQ_ERR_NO_CONN`, `MOSQ_ERR_MALFORMED_UTF8`
/// or `MOSQ_ERR_OVERSIZE_PACKET`.
///
/// # Safety
/// `mosq` is NULL or a valid client; `mid` is NULL or writable; `sub` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe(
    mosq: *mut mosquitto,
    mid: *mut c_int,
    sub: *const c_char,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract; `&sub` is one readable entry.
        unsafe { unsubscribe(mosq, mid, 1, &sub, std::ptr::null()) }
    }
}

/// Like `mosquitto_unsubscribe`, with MQTT v5 UNSUBSCRIBE properties (copied).
///
/// # Safety
/// As for `mosquitto_unsubscribe`; `properties` is NULL or a property list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe_v5(
    mosq: *mut mosquitto,
    mid: *mut c_int,
    sub: *const c_char,
    properties: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract; `&sub` is one readable entry.
        unsafe { unsubscribe(mosq, mid, 1, &sub, properties) }
    }
}

/// Unsubscribe from `sub_count` filters in one UNSUBSCRIBE packet.
///
/// # Safety
/// As for `mosquitto_unsubscribe_v5`; `sub` is NULL or points to `sub_count` strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe_multiple(
    mosq: *mut mosquitto,
    mid: *mut c_int,
    sub_count: c_int,
    sub: mosq_topic_array,
    properties: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { unsubscribe(mosq, mid, sub_count, sub, properties) }
    }
}
