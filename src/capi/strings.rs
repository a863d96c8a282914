//! Human-readable strings for error codes, CONNACK codes and MQTT 5 reason codes, and the
//! parsing of packet-type names, as `mosquitto.h` declares them.
//!
//! Every string returned here is a static NUL-terminated literal (or, for `MOSQ_ERR_ERRNO`,
//! what the C library's `strerror` returns); the caller must not free or modify it. The texts
//! are the ones libmosquitto 2.0 prints, word for word, since programs show them to users.

use std::ffi::{CStr, c_char, c_int};

use super::types::*;
use crate::protocol::consts;

/// The texts of the libmosquitto error codes (`enum mosq_err_t`) that have one of their own.
const ERROR_TEXTS: [(mosq_err_t, &CStr); 27] = {
    use mosq_err_t::*;
    [
        (MOSQ_ERR_AUTH_CONTINUE, c"Continue with authentication."),
        (MOSQ_ERR_NO_SUBSCRIBERS, c"No subscribers."),
        (MOSQ_ERR_SUB_EXISTS, c"Subscription already exists."),
        (MOSQ_ERR_CONN_PENDING, c"Connection pending."),
        (MOSQ_ERR_SUCCESS, c"No error."),
        (MOSQ_ERR_NOMEM, c"Out of memory."),
        (
            MOSQ_ERR_PROTOCOL,
            c"A network protocol error occurred when communicating with the broker.",
        ),
        (MOSQ_ERR_INVAL, c"Invalid arguments provided."),
        (MOSQ_ERR_NO_CONN, c"The client is not currently connected."),
        (MOSQ_ERR_CONN_REFUSED, c"The connection was refused."),
        (MOSQ_ERR_NOT_FOUND, c"Message not found (internal error)."),
        (MOSQ_ERR_CONN_LOST, c"The connection was lost."),
        (MOSQ_ERR_TLS, c"A TLS error occurred."),
        (MOSQ_ERR_PAYLOAD_SIZE, c"Payload too large."),
        (MOSQ_ERR_NOT_SUPPORTED, c"This feature is not supported."),
        (MOSQ_ERR_AUTH, c"Authorisation failed."),
        (MOSQ_ERR_ACL_DENIED, c"Access denied by ACL."),
        (MOSQ_ERR_EAI, c"Lookup error."),
        (MOSQ_ERR_PROXY, c"Proxy error."),
        (MOSQ_ERR_MALFORMED_UTF8, c"Malformed UTF-8"),
        (MOSQ_ERR_KEEPALIVE, c"Keepalive exceeded"),
        (MOSQ_ERR_LOOKUP, c"DNS Lookup failed"),
        (
            MOSQ_ERR_DUPLICATE_PROPERTY,
            c"Duplicate property in property list",
        ),
        (MOSQ_ERR_TLS_HANDSHAKE, c"TLS handshake failed."),
        (
            MOSQ_ERR_QOS_NOT_SUPPORTED,
            c"Requested QoS not supported on server.",
        ),
        (
            MOSQ_ERR_OVERSIZE_PACKET,
            c"Packet larger than supported by the server.",
        ),
        (MOSQ_ERR_OCSP, c"OCSP error."),
    ]
};

/// The description of a libmosquitto error code. `MOSQ_ERR_UNKNOWN`, the codes without a text
/// of their own (PLUGIN_DEFER, MALFORMED_PACKET, TIMEOUT, ...) and unknown values all give
/// "Unknown error.".
fn error_text(code: c_int) -> &'static CStr {
    ERROR_TEXTS
        .iter()
        .find(|&&(err, _)| err as c_int == code)
        .map_or(c"Unknown error.", |&(_, text)| text)
}

/// The name of an MQTT 5 reason code.
fn reason_text(code: c_int) -> &'static CStr {
    let Ok(code) = u8::try_from(code) else {
        return c"Unknown reason";
    };
    match code {
        consts::MQTT_RC_SUCCESS => c"Success",
        consts::MQTT_RC_GRANTED_QOS1 => c"Granted QoS 1",
        consts::MQTT_RC_GRANTED_QOS2 => c"Granted QoS 2",
        consts::MQTT_RC_DISCONNECT_WITH_WILL_MSG => c"Disconnect with Will Message",
        consts::MQTT_RC_NO_MATCHING_SUBSCRIBERS => c"No matching subscribers",
        consts::MQTT_RC_NO_SUBSCRIPTION_EXISTED => c"No subscription existed",
        consts::MQTT_RC_CONTINUE_AUTHENTICATION => c"Continue authentication",
        consts::MQTT_RC_REAUTHENTICATE => c"Re-authenticate",
        consts::MQTT_RC_UNSPECIFIED => c"Unspecified error",
        consts::MQTT_RC_MALFORMED_PACKET => c"Malformed Packet",
        consts::MQTT_RC_PROTOCOL_ERROR => c"Protocol Error",
        consts::MQTT_RC_IMPLEMENTATION_SPECIFIC => c"Implementation specific error",
        consts::MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION => c"Unsupported Protocol Version",
        consts::MQTT_RC_CLIENTID_NOT_VALID => c"Client Identifier not valid",
        consts::MQTT_RC_BAD_USERNAME_OR_PASSWORD => c"Bad User Name or Password",
        consts::MQTT_RC_NOT_AUTHORIZED => c"Not authorized",
        consts::MQTT_RC_SERVER_UNAVAILABLE => c"Server unavailable",
        consts::MQTT_RC_SERVER_BUSY => c"Server busy",
        consts::MQTT_RC_BANNED => c"Banned",
        consts::MQTT_RC_SERVER_SHUTTING_DOWN => c"Server shutting down",
        consts::MQTT_RC_BAD_AUTHENTICATION_METHOD => c"Bad authentication method",
        consts::MQTT_RC_KEEP_ALIVE_TIMEOUT => c"Keep Alive timeout",
        consts::MQTT_RC_SESSION_TAKEN_OVER => c"Session taken over",
        consts::MQTT_RC_TOPIC_FILTER_INVALID => c"Topic Filter invalid",
        consts::MQTT_RC_TOPIC_NAME_INVALID => c"Topic Name invalid",
        consts::MQTT_RC_PACKET_ID_IN_USE => c"Packet Identifier in use",
        consts::MQTT_RC_PACKET_ID_NOT_FOUND => c"Packet Identifier not found",
        consts::MQTT_RC_RECEIVE_MAXIMUM_EXCEEDED => c"Receive Maximum exceeded",
        consts::MQTT_RC_TOPIC_ALIAS_INVALID => c"Topic Alias invalid",
        consts::MQTT_RC_PACKET_TOO_LARGE => c"Packet too large",
        consts::MQTT_RC_MESSAGE_RATE_TOO_HIGH => c"Message rate too high",
        consts::MQTT_RC_QUOTA_EXCEEDED => c"Quota exceeded",
        consts::MQTT_RC_ADMINISTRATIVE_ACTION => c"Administrative action",
        consts::MQTT_RC_PAYLOAD_FORMAT_INVALID => c"Payload format invalid",
        consts::MQTT_RC_RETAIN_NOT_SUPPORTED => c"Retain not supported",
        consts::MQTT_RC_QOS_NOT_SUPPORTED => c"QoS not supported",
        consts::MQTT_RC_USE_ANOTHER_SERVER => c"Use another server",
        consts::MQTT_RC_SERVER_MOVED => c"Server moved",
        consts::MQTT_RC_SHARED_SUBS_NOT_SUPPORTED => c"Shared Subscriptions not supported",
        consts::MQTT_RC_CONNECTION_RATE_EXCEEDED => c"Connection rate exceeded",
        consts::MQTT_RC_MAXIMUM_CONNECT_TIME => c"Maximum connect time",
        consts::MQTT_RC_SUBSCRIPTION_IDS_NOT_SUPPORTED => c"Subscription identifiers not supported",
        consts::MQTT_RC_WILDCARD_SUBS_NOT_SUPPORTED => c"Wildcard Subscriptions not supported",
        _ => c"Unknown reason",
    }
}

/// The MQTT 3.1/3.1.1 description of a CONNACK return code.
fn connack_text(code: c_int) -> &'static CStr {
    match code {
        0 => c"Connection Accepted.",
        1 => c"Connection Refused: unacceptable protocol version.",
        2 => c"Connection Refused: identifier rejected.",
        3 => c"Connection Refused: broker unavailable.",
        4 => c"Connection Refused: bad user name or password.",
        5 => c"Connection Refused: not authorised.",
        _ => c"Connection Refused: unknown reason.",
    }
}

/// The packet type (`CMD_*` of `mqtt_protocol.h`) named by `name`, compared without regard to
/// ASCII case. Only the packets an application may refer to are known (no SUBACK, UNSUBACK,
/// PINGREQ or PINGRESP), plus `will` for the will message.
fn command_from_name(name: &[u8]) -> Option<u32> {
    const NAMES: [(&[u8], u32); 12] = [
        (b"connect", consts::CMD_CONNECT),
        (b"connack", consts::CMD_CONNACK),
        (b"publish", consts::CMD_PUBLISH),
        (b"puback", consts::CMD_PUBACK),
        (b"pubrec", consts::CMD_PUBREC),
        (b"pubrel", consts::CMD_PUBREL),
        (b"pubcomp", consts::CMD_PUBCOMP),
        (b"subscribe", consts::CMD_SUBSCRIBE),
        (b"unsubscribe", consts::CMD_UNSUBSCRIBE),
        (b"disconnect", consts::CMD_DISCONNECT),
        (b"auth", consts::CMD_AUTH),
        (b"will", consts::CMD_WILL),
    ];
    NAMES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|&(_, cmd)| cmd)
}

/// Describe a libmosquitto return code in English, e.g. "Invalid arguments provided." for
/// `MOSQ_ERR_INVAL`.
///
/// For `MOSQ_ERR_ERRNO` the text is the C library's `strerror(errno)` for the calling thread's
/// current `errno`. Codes of 128 and above are taken as MQTT 5 reason codes and described as
/// `mosquitto_reason_string` does. Any other unknown code gives "Unknown error.".
///
/// The returned string is static (never NULL) and must not be freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_strerror(mosq_errno: c_int) -> *const c_char {
    ffi_boundary! {
        if mosq_errno == mosq_err_t::MOSQ_ERR_ERRNO as c_int {
            // SAFETY: strerror accepts any value and returns a string that stays valid at least
            // until the next strerror call on this thread, as the C function would.
            return unsafe { libc::strerror(std::io::Error::last_os_error().raw_os_error().unwrap_or(0)) }
                .cast_const();
        }
        if mosq_errno >= 128 {
            return reason_text(mosq_errno).as_ptr();
        }
        error_text(mosq_errno).as_ptr()
    }
}

/// Describe an MQTT 3.1/3.1.1 CONNACK return code (0 to 5), e.g. "Connection Refused: not
/// authorised." for 5; any other value gives "Connection Refused: unknown reason.".
///
/// The returned string is static (never NULL) and must not be freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_connack_string(connack_code: c_int) -> *const c_char {
    ffi_boundary! {
        connack_text(connack_code).as_ptr()
    }
}

/// Name an MQTT 5 reason code as the specification does, e.g. "Not authorized" for 135 or
/// "Granted QoS 1" for 1; a value that is not a reason code gives "Unknown reason".
///
/// Several reason codes share a value (0 is Success, Normal disconnection and Granted QoS 0);
/// such a value is named by its first meaning.
///
/// The returned string is static (never NULL) and must not be freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_reason_string(reason_code: c_int) -> *const c_char {
    ffi_boundary! {
        reason_text(reason_code).as_ptr()
    }
}

/// Parse a packet-type name ("connect", "publish", "subscribe", ..., or "will"; any ASCII case)
/// into its `CMD_*` value from `mqtt_protocol.h`, stored in `*cmd`.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for an unknown name or a NULL argument, in
/// which case `*cmd` is left unchanged.
///
/// # Safety
/// `str` is NULL or a NUL-terminated string; `cmd` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_string_to_command(str: *const c_char, cmd: *mut c_int) -> c_int {
    ffi_boundary! {
        if str.is_null() || cmd.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `str` is not NULL and NUL-terminated (caller contract).
        let name = unsafe { CStr::from_ptr(str) }.to_bytes();
        match command_from_name(name) {
            Some(value) => {
                // SAFETY: `cmd` is not NULL and writable (caller contract). Every CMD_* value
                // fits in a c_int.
                unsafe { *cmd = value as c_int };
                MOSQ_ERR_SUCCESS
            }
            None => MOSQ_ERR_INVAL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(ptr: *const c_char) -> String {
        assert!(!ptr.is_null());
        // SAFETY: the functions return static C strings.
        unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned()
    }

    fn strerror(code: c_int) -> String {
        // SAFETY: any code is accepted.
        text(unsafe { mosquitto_strerror(code) })
    }

    #[test]
    fn error_strings() {
        assert_eq!(strerror(0), "No error.");
        assert_eq!(strerror(-4), "Continue with authentication.");
        assert_eq!(strerror(-1), "Connection pending.");
        assert_eq!(strerror(3), "Invalid arguments provided.");
        assert_eq!(strerror(13), "Unknown error.");
        assert_eq!(strerror(18), "Malformed UTF-8");
        assert_eq!(strerror(19), "Keepalive exceeded");
        assert_eq!(strerror(20), "DNS Lookup failed");
        assert_eq!(strerror(26), "OCSP error.");
        for unknown in [-5, 17, 21, 27, 28, 29, 30, 31, 32, 127, -1000, c_int::MIN] {
            assert_eq!(strerror(unknown), "Unknown error.", "{unknown}");
        }
        // Reason codes.
        assert_eq!(strerror(128), "Unspecified error");
        assert_eq!(strerror(135), "Not authorized");
        assert_eq!(strerror(200), "Unknown reason");
        assert_eq!(strerror(c_int::MAX), "Unknown reason");
    }

    #[test]
    fn errno_string() {
        // SAFETY: errno is thread-local and writable.
        unsafe { *libc::__errno_location() = libc::ENOENT };
        assert_eq!(
            strerror(mosq_err_t::MOSQ_ERR_ERRNO as c_int),
            "No such file or directory"
        );
    }

    #[test]
    fn connack_strings() {
        // SAFETY: any code is accepted.
        let s = |code| text(unsafe { mosquitto_connack_string(code) });
        assert_eq!(s(0), "Connection Accepted.");
        assert_eq!(s(5), "Connection Refused: not authorised.");
        assert_eq!(s(6), "Connection Refused: unknown reason.");
        assert_eq!(s(-1), "Connection Refused: unknown reason.");
    }

    #[test]
    fn reason_strings() {
        // SAFETY: any code is accepted.
        let s = |code| text(unsafe { mosquitto_reason_string(code) });
        assert_eq!(s(0), "Success");
        assert_eq!(s(4), "Disconnect with Will Message");
        assert_eq!(s(25), "Re-authenticate");
        assert_eq!(s(162), "Wildcard Subscriptions not supported");
        let named = (0..=255).filter(|&c| s(c) != "Unknown reason").count();
        assert_eq!(named, 43);
        assert_eq!(s(3), "Unknown reason");
        assert_eq!(s(163), "Unknown reason");
        assert_eq!(s(256), "Unknown reason");
        assert_eq!(s(-128), "Unknown reason");
    }

    #[test]
    fn commands() {
        let parse = |name: &CStr| {
            let mut cmd = -7;
            // SAFETY: valid string and out pointer.
            let rc = unsafe { mosquitto_string_to_command(name.as_ptr(), &mut cmd) };
            (rc, cmd)
        };
        assert_eq!(parse(c"connect"), (MOSQ_ERR_SUCCESS, 0x10));
        assert_eq!(parse(c"CONNACK"), (MOSQ_ERR_SUCCESS, 0x20));
        assert_eq!(parse(c"UnSubscribe"), (MOSQ_ERR_SUCCESS, 0xA0));
        assert_eq!(parse(c"auth"), (MOSQ_ERR_SUCCESS, 0xF0));
        assert_eq!(parse(c"will"), (MOSQ_ERR_SUCCESS, 0x100));
        for unknown in [c"suback", c"pingreq", c"", c"connectx", c"conn"] {
            assert_eq!(parse(unknown), (MOSQ_ERR_INVAL, -7));
        }
        let mut cmd = 0;
        // SAFETY: NULL arguments are refused.
        unsafe {
            assert_eq!(
                mosquitto_string_to_command(std::ptr::null(), &mut cmd),
                MOSQ_ERR_INVAL
            );
            assert_eq!(
                mosquitto_string_to_command(c"connect".as_ptr(), std::ptr::null_mut()),
                MOSQ_ERR_INVAL
            );
        }
    }
}
