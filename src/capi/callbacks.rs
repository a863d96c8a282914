//! Setting the callbacks. Callbacks may be set, replaced or removed at any time, from any
//! thread, including from inside a callback. They run with no lock held, one at a time per
//! client, so they may call any function on their own client.

use std::ffi::{c_char, c_int, c_void};

use super::handle::shared;
use super::types::*;

/// Set the function called when the server answers CONNECT: `(mosq, userdata, rc)`, where `rc` is the CONNACK return code (0 = accepted, 1..5 = refused; MQTT v5 reason codes for v5). NULL removes it.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_callback_set(
    mosq: *mut mosquitto,
    on_connect: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.connect.set(on_connect);
        }
    }
}

/// Like `mosquitto_connect_callback_set`, with a fourth argument: the CONNACK flags (bit 0: the server still holds a session for this client).
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_with_flags_callback_set(
    mosq: *mut mosquitto,
    on_connect: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int)>,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.connect_with_flags.set(on_connect);
        }
    }
}

/// Like `mosquitto_connect_with_flags_callback_set`, with the CONNACK properties as a fifth argument (NULL for MQTT 3.x; valid only during the call).
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connect_v5_callback_set(
    mosq: *mut mosquitto,
    on_connect: Option<
        unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, props: *const mosquitto_property),
    >,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.connect_v5.set(on_connect);
        }
    }
}

/// Set the function called once each time a connection ends: `(mosq, userdata, rc)`, where `rc` is 0 when the application asked for it, an MQTT v5 reason code when the server sent DISCONNECT, or the `MOSQ_ERR_*` code of the error that ended it.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_disconnect_callback_set(
    mosq: *mut mosquitto,
    on_disconnect: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.disconnect.set(on_disconnect);
        }
    }
}

/// Like `mosquitto_disconnect_callback_set`, with a properties argument (always NULL, as in libmosquitto).
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_disconnect_v5_callback_set(
    mosq: *mut mosquitto,
    on_disconnect: Option<
        unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, props: *const mosquitto_property),
    >,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.disconnect_v5.set(on_disconnect);
        }
    }
}

/// Set the function called when a published message is done: `(mosq, userdata, mid)`. For QoS 0 that is when it has been written to the socket, for QoS 1 when PUBACK arrived, for QoS 2 when PUBCOMP arrived.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_publish_callback_set(
    mosq: *mut mosquitto,
    on_publish: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.publish.set(on_publish);
        }
    }
}

/// Like `mosquitto_publish_callback_set`, with the MQTT v5 reason code and properties of the acknowledgement (0 and NULL for QoS 0 and MQTT 3.x). Also called, alone, when a v5 server refuses a QoS 2 message with a PUBREC reason code of 0x80 or more.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_publish_v5_callback_set(
    mosq: *mut mosquitto,
    on_publish: Option<
        unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, props: *const mosquitto_property),
    >,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.publish_v5.set(on_publish);
        }
    }
}

/// Set the function called for each message received: `(mosq, userdata, message)`. The message and its contents belong to the library and are freed when the callback returns; copy what you keep (`mosquitto_message_copy`). The payload is followed by a NUL byte not counted in `payloadlen`.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_callback_set(
    mosq: *mut mosquitto,
    on_message: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, *const mosquitto_message)>,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.message.set(on_message);
        }
    }
}

/// Like `mosquitto_message_callback_set`, with the PUBLISH properties (NULL for MQTT 3.x; valid only during the call).
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_v5_callback_set(
    mosq: *mut mosquitto,
    on_message: Option<
        unsafe extern "C" fn(
            *mut mosquitto,
            *mut c_void,
            *const mosquitto_message,
            props: *const mosquitto_property,
        ),
    >,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.message_v5.set(on_message);
        }
    }
}

/// Set the function called when SUBACK arrives: `(mosq, userdata, mid, qos_count, granted_qos)`, with one granted QoS (or, for v5, reason code) per filter of the request.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_callback_set(
    mosq: *mut mosquitto,
    on_subscribe: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const c_int)>,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.subscribe.set(on_subscribe);
        }
    }
}

/// Like `mosquitto_subscribe_callback_set`, with the SUBACK properties (NULL for MQTT 3.x).
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_v5_callback_set(
    mosq: *mut mosquitto,
    on_subscribe: Option<
        unsafe extern "C" fn(
            *mut mosquitto,
            *mut c_void,
            c_int,
            c_int,
            *const c_int,
            props: *const mosquitto_property,
        ),
    >,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.subscribe_v5.set(on_subscribe);
        }
    }
}

/// Set the function called when UNSUBACK arrives: `(mosq, userdata, mid)`.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe_callback_set(
    mosq: *mut mosquitto,
    on_unsubscribe: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.unsubscribe.set(on_unsubscribe);
        }
    }
}

/// Like `mosquitto_unsubscribe_callback_set`, with the UNSUBACK properties (NULL for MQTT 3.x).
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe_v5_callback_set(
    mosq: *mut mosquitto,
    on_unsubscribe: Option<
        unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, props: *const mosquitto_property),
    >,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.unsubscribe_v5.set(on_unsubscribe);
        }
    }
}

/// Set the function that receives the library's log lines: `(mosq, userdata, level, text)` with a `MOSQ_LOG_*` level; `text` is valid only during the call. Lines are produced only while a log callback is set.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_log_callback_set(
    mosq: *mut mosquitto,
    on_log: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, *const c_char)>,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.log.set(on_log);
            s.client.settings().set_log_enabled(on_log.is_some());
        }
    }
}
