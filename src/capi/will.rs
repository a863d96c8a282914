//! The will message.

use std::ffi::{c_char, c_int, c_void};

use super::error::code;
use super::handle::shared;
use super::property::{PropNode, free_list, from_c_list};
use super::types::*;
use super::util::{bytes, cstr_bytes};
use crate::error::Error;

/// Set the will: a message the server publishes for this client if the connection ends without
/// DISCONNECT. Must be set before connecting; it applies to later connections.
///
/// `topic` may not contain wildcards; `payload` points to `payloadlen` bytes (0 to 268435455),
/// copied. `qos` and `retain` apply to the will message.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client or topic, wildcards, NULL payload
/// with a length), `MOSQ_ERR_PAYLOAD_SIZE` or `MOSQ_ERR_MALFORMED_UTF8`.
///
/// # Safety
/// `mosq` is NULL or a valid client; `topic` is NULL or a NUL-terminated string; `payload` is
/// NULL or points to `payloadlen` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_will_set(
    mosq: *mut mosquitto,
    topic: *const c_char,
    payloadlen: c_int,
    payload: *const c_void,
    qos: c_int,
    retain: bool,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { mosquitto_will_set_v5(mosq, topic, payloadlen, payload, qos, retain, std::ptr::null_mut()) }
    }
}

/// Like `mosquitto_will_set`, with MQTT v5 will properties. The protocol must already be set to
/// v5 (`MOSQ_ERR_NOT_SUPPORTED` otherwise) and each property must be allowed in a will
/// (`MOSQ_ERR_PROTOCOL`). On success the library takes ownership of `properties`: do not free
/// them. On failure they remain the caller's.
///
/// # Safety
/// As for `mosquitto_will_set`; `properties` is NULL or a property list built with the
/// `mosquitto_property_add_*` functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_will_set_v5(
    mosq: *mut mosquitto,
    topic: *const c_char,
    payloadlen: c_int,
    payload: *const c_void,
    qos: c_int,
    retain: bool,
    properties: *mut mosquitto_property,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let (Some(s), Some(topic)) = (unsafe { shared(mosq) }, unsafe { cstr_bytes(topic) }) else {
            return code(&Error::Inval);
        };
        let len = match usize::try_from(payloadlen) {
            Ok(n) if n <= crate::protocol::MAX_REMAINING_LENGTH => n,
            _ => return code(&Error::PayloadSize),
        };
        if len > 0 && payload.is_null() {
            return code(&Error::Inval);
        }
        // SAFETY: forwarded contract.
        let props = (!properties.is_null()).then(|| unsafe { from_c_list(properties) });
        // SAFETY: forwarded contract.
        let payload = unsafe { bytes(payload, len) };
        // The will QoS is not range-checked (as in libmosquitto); only its two bits are kept.
        if let Err(e) = s.client.settings().set_will(topic, payload, (qos & 0x03) as u8, retain, props) {
            return code(&e);
        }
        // SAFETY: the list is now ours (documented ownership transfer) and was copied above.
        unsafe { free_list(properties.cast::<PropNode>()) };
        MOSQ_ERR_SUCCESS
    }
}

/// Remove the will; later connections are made without one.
///
/// Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_will_clear(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { shared(mosq) } {
            Some(s) => {
                s.client.settings().clear_will();
                MOSQ_ERR_SUCCESS
            }
            None => code(&Error::Inval),
        }
    }
}
