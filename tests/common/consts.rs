//! The library's constants as the tests compare them with return codes: the `MOSQ_ERR_*` values
//! of `mosq_err_t` as `c_int`, the log levels and the protocol versions.

use std::ffi::c_int;

use ::mosquitto::capi::types::mosq_err_t;
#[allow(unused_imports)]
pub use ::mosquitto::capi::types::{
    MOSQ_LOG_DEBUG, MOSQ_LOG_ERR, MOSQ_LOG_INFO, MOSQ_LOG_NOTICE, MOSQ_LOG_WARNING,
};

/// `pub const MOSQ_ERR_X: c_int = mosq_err_t::MOSQ_ERR_X as c_int;` for each name.
macro_rules! error_codes {
    ($($name:ident),* $(,)?) => {
        $(pub const $name: c_int = mosq_err_t::$name as c_int;)*
    };
}

error_codes!(
    MOSQ_ERR_AUTH_CONTINUE,
    MOSQ_ERR_NO_SUBSCRIBERS,
    MOSQ_ERR_SUB_EXISTS,
    MOSQ_ERR_CONN_PENDING,
    MOSQ_ERR_SUCCESS,
    MOSQ_ERR_NOMEM,
    MOSQ_ERR_PROTOCOL,
    MOSQ_ERR_INVAL,
    MOSQ_ERR_NO_CONN,
    MOSQ_ERR_CONN_REFUSED,
    MOSQ_ERR_NOT_FOUND,
    MOSQ_ERR_CONN_LOST,
    MOSQ_ERR_TLS,
    MOSQ_ERR_PAYLOAD_SIZE,
    MOSQ_ERR_NOT_SUPPORTED,
    MOSQ_ERR_AUTH,
    MOSQ_ERR_ACL_DENIED,
    MOSQ_ERR_UNKNOWN,
    MOSQ_ERR_ERRNO,
    MOSQ_ERR_EAI,
    MOSQ_ERR_PROXY,
    MOSQ_ERR_PLUGIN_DEFER,
    MOSQ_ERR_MALFORMED_UTF8,
    MOSQ_ERR_KEEPALIVE,
    MOSQ_ERR_LOOKUP,
    MOSQ_ERR_MALFORMED_PACKET,
    MOSQ_ERR_DUPLICATE_PROPERTY,
    MOSQ_ERR_TLS_HANDSHAKE,
    MOSQ_ERR_QOS_NOT_SUPPORTED,
    MOSQ_ERR_OVERSIZE_PACKET,
    MOSQ_ERR_OCSP,
    MOSQ_ERR_TIMEOUT,
    MOSQ_ERR_RETAIN_NOT_SUPPORTED,
    MOSQ_ERR_TOPIC_ALIAS_INVALID,
    MOSQ_ERR_ADMINISTRATIVE_ACTION,
    MOSQ_ERR_ALREADY_EXISTS,
);

/// MQTT 3.1.
pub const V31: c_int = ::mosquitto::capi::types::MQTT_PROTOCOL_V31;
/// MQTT 3.1.1.
pub const V311: c_int = ::mosquitto::capi::types::MQTT_PROTOCOL_V311;
/// MQTT 5.
pub const V5: c_int = ::mosquitto::capi::types::MQTT_PROTOCOL_V5;
