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

/// Set the function called just before each connection attempt, the first and every
/// reconnection, before the socket is opened: `(mosq, userdata)`. It may change the username,
/// password or TLS settings the attempt uses. NULL removes it.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pre_connect_callback_set(
    mosq: *mut mosquitto,
    on_pre_connect: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void)>,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.pre_connect.set(on_pre_connect);
        }
    }
}

/// Set the function called when UNSUBACK arrives, with its reason codes: `(mosq, userdata,
/// mid, reason_code_count, reason_codes, props)`, one reason code per filter of the request
/// for MQTT v5 (0 and NULL for MQTT 3.x, whose UNSUBACK has none), and the UNSUBACK
/// properties (NULL for MQTT 3.x). The array and the properties are valid only during the
/// call. Called after the other unsubscribe callbacks. NULL removes it.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_unsubscribe2_v5_callback_set(
    mosq: *mut mosquitto,
    on_unsubscribe: Option<
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
            s.callbacks.unsubscribe2_v5.set(on_unsubscribe);
        }
    }
}

/// Set the function that takes part in MQTT v5 enhanced authentication: called when the
/// server sends AUTH, as `(mosq, userdata, auth_method, auth_data_len, auth_data, props)`
/// with the server's authentication method (or NULL), its authentication data (or NULL and
/// 0) and the whole property list of the AUTH (which includes both). It answers with
/// `mosquitto_ext_auth_continue` and returns `MOSQ_ERR_SUCCESS`; any other return value ends
/// the connection with that error, and so does an AUTH arriving while no such function is set
/// (`MOSQ_ERR_AUTH`). Enhanced authentication starts with the authentication method (and
/// data) among the CONNECT properties (`mosquitto_connect_bind_v5`). NULL removes it.
///
/// # Safety
/// `mosq` is NULL (ignored) or a valid client; the function must have this signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_ext_auth_callback_set(
    mosq: *mut mosquitto,
    on_ext_auth: Option<
        unsafe extern "C" fn(
            *mut mosquitto,
            *mut c_void,
            *const c_char,
            u16,
            *const c_void,
            props: *const mosquitto_property,
        ) -> c_int,
    >,
) {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        if let Some(s) = unsafe { shared(mosq) } {
            s.callbacks.ext_auth.set(on_ext_auth);
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
