//! Types, enumerations and constants of `mosquitto.h`, with the exact values and layouts of the
//! upstream header.

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

/// Log level: nothing.
pub const MOSQ_LOG_NONE: c_int = 0;
/// Log level: information.
pub const MOSQ_LOG_INFO: c_int = 1 << 0;
/// Log level: notice.
pub const MOSQ_LOG_NOTICE: c_int = 1 << 1;
/// Log level: warning.
pub const MOSQ_LOG_WARNING: c_int = 1 << 2;
/// Log level: error.
pub const MOSQ_LOG_ERR: c_int = 1 << 3;
/// Log level: debug (one line per packet sent or received).
pub const MOSQ_LOG_DEBUG: c_int = 1 << 4;
/// Log level: subscriptions (broker only).
pub const MOSQ_LOG_SUBSCRIBE: c_int = 1 << 5;
/// Log level: unsubscriptions (broker only).
pub const MOSQ_LOG_UNSUBSCRIBE: c_int = 1 << 6;
/// Log level: websockets (broker only).
pub const MOSQ_LOG_WEBSOCKETS: c_int = 1 << 7;
/// Log level: internal (broker only).
pub const MOSQ_LOG_INTERNAL: c_uint = 0x8000_0000;
/// Every log level.
pub const MOSQ_LOG_ALL: c_uint = 0xFFFF_FFFF;

/// Return codes of the library functions.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mosq_err_t {
    MOSQ_ERR_AUTH_CONTINUE = -4,
    MOSQ_ERR_NO_SUBSCRIBERS = -3,
    MOSQ_ERR_SUB_EXISTS = -2,
    MOSQ_ERR_CONN_PENDING = -1,
    MOSQ_ERR_SUCCESS = 0,
    MOSQ_ERR_NOMEM = 1,
    MOSQ_ERR_PROTOCOL = 2,
    MOSQ_ERR_INVAL = 3,
    MOSQ_ERR_NO_CONN = 4,
    MOSQ_ERR_CONN_REFUSED = 5,
    MOSQ_ERR_NOT_FOUND = 6,
    MOSQ_ERR_CONN_LOST = 7,
    MOSQ_ERR_TLS = 8,
    MOSQ_ERR_PAYLOAD_SIZE = 9,
    MOSQ_ERR_NOT_SUPPORTED = 10,
    MOSQ_ERR_AUTH = 11,
    MOSQ_ERR_ACL_DENIED = 12,
    MOSQ_ERR_UNKNOWN = 13,
    MOSQ_ERR_ERRNO = 14,
    MOSQ_ERR_EAI = 15,
    MOSQ_ERR_PROXY = 16,
    MOSQ_ERR_PLUGIN_DEFER = 17,
    MOSQ_ERR_MALFORMED_UTF8 = 18,
    MOSQ_ERR_KEEPALIVE = 19,
    MOSQ_ERR_LOOKUP = 20,
    MOSQ_ERR_MALFORMED_PACKET = 21,
    MOSQ_ERR_DUPLICATE_PROPERTY = 22,
    MOSQ_ERR_TLS_HANDSHAKE = 23,
    MOSQ_ERR_QOS_NOT_SUPPORTED = 24,
    MOSQ_ERR_OVERSIZE_PACKET = 25,
    MOSQ_ERR_OCSP = 26,
    MOSQ_ERR_TIMEOUT = 27,
    MOSQ_ERR_RETAIN_NOT_SUPPORTED = 28,
    MOSQ_ERR_TOPIC_ALIAS_INVALID = 29,
    MOSQ_ERR_ADMINISTRATIVE_ACTION = 30,
    MOSQ_ERR_ALREADY_EXISTS = 31,
}

/// Options for `mosquitto_int_option`, `mosquitto_string_option` and `mosquitto_void_option`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mosq_opt_t {
    MOSQ_OPT_PROTOCOL_VERSION = 1,
    MOSQ_OPT_SSL_CTX = 2,
    MOSQ_OPT_SSL_CTX_WITH_DEFAULTS = 3,
    MOSQ_OPT_RECEIVE_MAXIMUM = 4,
    MOSQ_OPT_SEND_MAXIMUM = 5,
    MOSQ_OPT_TLS_KEYFORM = 6,
    MOSQ_OPT_TLS_ENGINE = 7,
    MOSQ_OPT_TLS_ENGINE_KPASS_SHA1 = 8,
    MOSQ_OPT_TLS_OCSP_REQUIRED = 9,
    MOSQ_OPT_TLS_ALPN = 10,
    MOSQ_OPT_TCP_NODELAY = 11,
    MOSQ_OPT_BIND_ADDRESS = 12,
    MOSQ_OPT_TLS_USE_OS_CERTS = 13,
}

/// Informational only: the longest client id MQTT 3.1 servers must accept.
pub const MOSQ_MQTT_ID_MAX_LENGTH: c_int = 23;
/// `MOSQ_OPT_PROTOCOL_VERSION` value for MQTT 3.1.
pub const MQTT_PROTOCOL_V31: c_int = 3;
/// `MOSQ_OPT_PROTOCOL_VERSION` value for MQTT 3.1.1 (the default).
pub const MQTT_PROTOCOL_V311: c_int = 4;
/// `MOSQ_OPT_PROTOCOL_VERSION` value for MQTT 5.0.
pub const MQTT_PROTOCOL_V5: c_int = 5;

/// A message as passed to the message callbacks and filled by `mosquitto_subscribe_simple`.
#[repr(C)]
#[derive(Debug)]
pub struct mosquitto_message {
    pub mid: c_int,
    pub topic: *mut c_char,
    pub payload: *mut c_void,
    pub payloadlen: c_int,
    pub qos: c_int,
    pub retain: bool,
}

/// A client instance. Opaque: only ever used through a pointer.
pub struct mosquitto {
    _private: [u8; 0],
}

/// One MQTT v5 property in a list. Opaque: only ever used through a pointer.
pub struct mqtt5__property {
    _private: [u8; 0],
}

/// A list of MQTT v5 properties.
pub type mosquitto_property = mqtt5__property;

/// Will settings for `mosquitto_subscribe_simple` and `mosquitto_subscribe_callback`.
#[repr(C)]
pub struct libmosquitto_will {
    pub topic: *mut c_char,
    pub payload: *mut c_void,
    pub payloadlen: c_int,
    pub qos: c_int,
    pub retain: bool,
}

/// Credentials for `mosquitto_subscribe_simple` and `mosquitto_subscribe_callback`.
#[repr(C)]
pub struct libmosquitto_auth {
    pub username: *mut c_char,
    pub password: *mut c_char,
}

/// TLS settings for `mosquitto_subscribe_simple` and `mosquitto_subscribe_callback`.
#[repr(C)]
pub struct libmosquitto_tls {
    pub cafile: *mut c_char,
    pub capath: *mut c_char,
    pub certfile: *mut c_char,
    pub keyfile: *mut c_char,
    pub ciphers: *mut c_char,
    pub tls_version: *mut c_char,
    pub pw_callback: Option<
        unsafe extern "C" fn(buf: *mut c_char, size: c_int, rwflag: c_int, userdata: *mut c_void) -> c_int,
    >,
    pub cert_reqs: c_int,
}

pub(crate) const MOSQ_ERR_SUCCESS: c_int = mosq_err_t::MOSQ_ERR_SUCCESS as c_int;
pub(crate) const MOSQ_ERR_UNKNOWN: c_int = mosq_err_t::MOSQ_ERR_UNKNOWN as c_int;
pub(crate) const MOSQ_ERR_INVAL: c_int = mosq_err_t::MOSQ_ERR_INVAL as c_int;
pub(crate) const MOSQ_ERR_NOT_SUPPORTED: c_int = mosq_err_t::MOSQ_ERR_NOT_SUPPORTED as c_int;

/// An `enum mosq_opt_t` value as received from C.
///
/// C may pass any integer where the header says `enum mosq_opt_t`, so the functions take this
/// plain integer and convert it with a fallback instead of trusting it to be a valid Rust enum.
/// The generated header shows these parameters as `enum mosq_opt_t`.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct mosq_opt_arg(pub c_int);
