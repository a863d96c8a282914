//! Publishing messages.

use std::ffi::{c_char, c_int, c_void};

use super::error::code;
use super::handle::shared;
use super::property::from_c_list;
use super::types::*;
use super::util::{bytes, cstr_bytes, write_out};
use crate::client::Error;
use crate::client::PublishRequest;

/// Publish a message on `topic`.
///
/// `payload` points to `payloadlen` bytes (0 to 268435455; NULL is allowed when the length is
/// 0), which are copied. `qos` is 0, 1 or 2. With `retain`, the server keeps the message as the
/// topic's last known good value. When `mid` is not NULL it receives the message id, which the
/// publish callback reports once the message has been written (QoS 0), acknowledged (QoS 1) or
/// completed (QoS 2).
///
/// A QoS 1 or 2 message is stored until it completes: sent at once when the in-flight limit
/// allows, otherwise queued, and sent again after a reconnection. Without a connection it is
/// kept for the next one and `MOSQ_ERR_NO_CONN` is returned; a QoS 0 message is dropped then.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client, bad QoS, empty topic or one with
/// wildcards), `MOSQ_ERR_NO_CONN`, `MOSQ_ERR_PAYLOAD_SIZE`, `MOSQ_ERR_MALFORMED_UTF8` (topic not
/// valid UTF-8), `MOSQ_ERR_QOS_NOT_SUPPORTED` (above the server's maximum QoS) or
/// `MOSQ_ERR_OVERSIZE_PACKET` (above the server's maximum packet size).
///
/// # Safety
/// `mosq` is NULL or a valid client; `mid` is NULL or writable; `topic` is NULL or a
/// NUL-terminated string; `payload` is NULL or points to `payloadlen` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_publish(
    mosq: *mut mosquitto,
    mid: *mut c_int,
    topic: *const c_char,
    payloadlen: c_int,
    payload: *const c_void,
    qos: c_int,
    retain: bool,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { mosquitto_publish_v5(mosq, mid, topic, payloadlen, payload, qos, retain, std::ptr::null()) }
    }
}

/// Like `mosquitto_publish`, with MQTT v5 PUBLISH properties (checked and copied; the caller
/// keeps ownership). With a topic alias property, `topic` may be NULL or empty. Properties with
/// an MQTT 3.x protocol give `MOSQ_ERR_NOT_SUPPORTED`; a property not allowed in PUBLISH gives
/// `MOSQ_ERR_PROTOCOL` (or `MOSQ_ERR_DUPLICATE_PROPERTY`).
///
/// # Safety
/// As for `mosquitto_publish`; `properties` is NULL or a property list.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn mosquitto_publish_v5(
    mosq: *mut mosquitto,
    mid: *mut c_int,
    topic: *const c_char,
    payloadlen: c_int,
    payload: *const c_void,
    qos: c_int,
    retain: bool,
    properties: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        let Ok(qos) = u8::try_from(qos) else {
            return code(&Error::Inval);
        };
        if qos > 2 {
            return code(&Error::Inval);
        }
        let Ok(len) = usize::try_from(payloadlen) else {
            return code(&Error::PayloadSize);
        };
        if len > 0 && payload.is_null() {
            return code(&Error::Inval);
        }
        // SAFETY: forwarded contract.
        let (topic, payload, props) = unsafe { (cstr_bytes(topic), bytes(payload, len), from_c_list(properties)) };
        let (m, r) =
            s.client.publish(&*s, PublishRequest { topic, payload, qos, retain, properties: props });
        if let Some(m) = m {
            // SAFETY: forwarded contract.
            unsafe { write_out(mid, c_int::from(m)) };
        }
        match r {
            Ok(()) => MOSQ_ERR_SUCCESS,
            Err(e) => code(&e),
        }
    }
}
