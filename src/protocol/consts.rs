//! MQTT constants from the specifications: packet types, reason codes, property identifiers,
//! property types and subscription options.
//!
//! `include/mqtt_protocol.h` is generated from this file by cbindgen (`make header`), so every
//! public item here is part of that C header: the `#[repr(C)]` enums become C enums with the same
//! tag and member names, and the plain constants become `#define`s.
//!
//! Rust code uses the integer constants (`consts::MQTT_PROP_USER_PROPERTY` is a `u8`,
//! `consts::CMD_PUBLISH` a `u32`). Those that name an enum member are derived from the enum by
//! `int_consts!`; cbindgen does not expand macros, so they do not appear twice in the header.

#![allow(non_camel_case_types)]

/// Declares `pub const NAME: $ty = $enum::NAME as $ty;` for each listed enum member.
macro_rules! int_consts {
    ($ty:ty, $enum:ident: $($name:ident),+ $(,)?) => {
        $(
            #[doc = concat!("[`", stringify!($enum), "::", stringify!($name), "`] as an integer.")]
            pub const $name: $ty = $enum::$name as $ty;
        )+
    };
}

/// Protocol name of MQTT 3.1.
#[allow(non_upper_case_globals)]
pub const PROTOCOL_NAME_v31: &str = "MQIsdp";
/// Protocol level of MQTT 3.1.
#[allow(non_upper_case_globals)]
pub const PROTOCOL_VERSION_v31: u8 = 3;
/// Protocol name of MQTT 3.1.1 and 5.0.
pub const PROTOCOL_NAME: &str = "MQTT";
/// Protocol level of MQTT 3.1.1.
#[allow(non_upper_case_globals)]
pub const PROTOCOL_VERSION_v311: u8 = 4;
/// Protocol level of MQTT 5.0.
#[allow(non_upper_case_globals)]
pub const PROTOCOL_VERSION_v5: u8 = 5;

/// Packet type CONNECT: the first byte of its fixed header, flags cleared.
pub const CMD_CONNECT: u32 = 0x10u32;
/// Packet type CONNACK.
pub const CMD_CONNACK: u32 = 0x20u32;
/// Packet type PUBLISH.
pub const CMD_PUBLISH: u32 = 0x30u32;
/// Packet type PUBACK.
pub const CMD_PUBACK: u32 = 0x40u32;
/// Packet type PUBREC.
pub const CMD_PUBREC: u32 = 0x50u32;
/// Packet type PUBREL.
pub const CMD_PUBREL: u32 = 0x60u32;
/// Packet type PUBCOMP.
pub const CMD_PUBCOMP: u32 = 0x70u32;
/// Packet type SUBSCRIBE.
pub const CMD_SUBSCRIBE: u32 = 0x80u32;
/// Packet type SUBACK.
pub const CMD_SUBACK: u32 = 0x90u32;
/// Packet type UNSUBSCRIBE.
pub const CMD_UNSUBSCRIBE: u32 = 0xA0u32;
/// Packet type UNSUBACK.
pub const CMD_UNSUBACK: u32 = 0xB0u32;
/// Packet type PINGREQ.
pub const CMD_PINGREQ: u32 = 0xC0u32;
/// Packet type PINGRESP.
pub const CMD_PINGRESP: u32 = 0xD0u32;
/// Packet type DISCONNECT.
pub const CMD_DISCONNECT: u32 = 0xE0u32;
/// Packet type AUTH (MQTT 5.0 only).
pub const CMD_AUTH: u32 = 0xF0u32;
/// Not a packet type: the "command" of will properties, so that property checks can tell them
/// apart from CONNECT properties.
pub const CMD_WILL: u32 = 0x100;

/// CONNACK return codes of MQTT 3.1 and 3.1.1.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mqtt311_connack_codes {
    CONNACK_ACCEPTED = 0,
    CONNACK_REFUSED_PROTOCOL_VERSION = 1,
    CONNACK_REFUSED_IDENTIFIER_REJECTED = 2,
    CONNACK_REFUSED_SERVER_UNAVAILABLE = 3,
    CONNACK_REFUSED_BAD_USERNAME_PASSWORD = 4,
    CONNACK_REFUSED_NOT_AUTHORIZED = 5,
}

int_consts!(u8, mqtt311_connack_codes:
    CONNACK_ACCEPTED,
    CONNACK_REFUSED_PROTOCOL_VERSION,
    CONNACK_REFUSED_IDENTIFIER_REJECTED,
    CONNACK_REFUSED_SERVER_UNAVAILABLE,
    CONNACK_REFUSED_BAD_USERNAME_PASSWORD,
    CONNACK_REFUSED_NOT_AUTHORIZED,
);

/// MQTT 5.0 reason codes, as carried by CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK,
/// UNSUBACK, DISCONNECT and AUTH.
///
/// Value 0 has three names. The enum carries `MQTT_RC_SUCCESS`; the other two,
/// `MQTT_RC_NORMAL_DISCONNECTION` (DISCONNECT) and `MQTT_RC_GRANTED_QOS0` (SUBACK), are
/// constants that stand for it, because the enum is generated from a Rust enum, which cannot
/// repeat a value.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mqtt5_return_codes {
    MQTT_RC_SUCCESS = 0,
    MQTT_RC_GRANTED_QOS1 = 1,
    MQTT_RC_GRANTED_QOS2 = 2,
    MQTT_RC_DISCONNECT_WITH_WILL_MSG = 4,
    MQTT_RC_NO_MATCHING_SUBSCRIBERS = 16,
    MQTT_RC_NO_SUBSCRIPTION_EXISTED = 17,
    MQTT_RC_CONTINUE_AUTHENTICATION = 24,
    MQTT_RC_REAUTHENTICATE = 25,
    MQTT_RC_UNSPECIFIED = 128,
    MQTT_RC_MALFORMED_PACKET = 129,
    MQTT_RC_PROTOCOL_ERROR = 130,
    MQTT_RC_IMPLEMENTATION_SPECIFIC = 131,
    MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION = 132,
    MQTT_RC_CLIENTID_NOT_VALID = 133,
    MQTT_RC_BAD_USERNAME_OR_PASSWORD = 134,
    MQTT_RC_NOT_AUTHORIZED = 135,
    MQTT_RC_SERVER_UNAVAILABLE = 136,
    MQTT_RC_SERVER_BUSY = 137,
    MQTT_RC_BANNED = 138,
    MQTT_RC_SERVER_SHUTTING_DOWN = 139,
    MQTT_RC_BAD_AUTHENTICATION_METHOD = 140,
    MQTT_RC_KEEP_ALIVE_TIMEOUT = 141,
    MQTT_RC_SESSION_TAKEN_OVER = 142,
    MQTT_RC_TOPIC_FILTER_INVALID = 143,
    MQTT_RC_TOPIC_NAME_INVALID = 144,
    MQTT_RC_PACKET_ID_IN_USE = 145,
    MQTT_RC_PACKET_ID_NOT_FOUND = 146,
    MQTT_RC_RECEIVE_MAXIMUM_EXCEEDED = 147,
    MQTT_RC_TOPIC_ALIAS_INVALID = 148,
    MQTT_RC_PACKET_TOO_LARGE = 149,
    MQTT_RC_MESSAGE_RATE_TOO_HIGH = 150,
    MQTT_RC_QUOTA_EXCEEDED = 151,
    MQTT_RC_ADMINISTRATIVE_ACTION = 152,
    MQTT_RC_PAYLOAD_FORMAT_INVALID = 153,
    MQTT_RC_RETAIN_NOT_SUPPORTED = 154,
    MQTT_RC_QOS_NOT_SUPPORTED = 155,
    MQTT_RC_USE_ANOTHER_SERVER = 156,
    MQTT_RC_SERVER_MOVED = 157,
    MQTT_RC_SHARED_SUBS_NOT_SUPPORTED = 158,
    MQTT_RC_CONNECTION_RATE_EXCEEDED = 159,
    MQTT_RC_MAXIMUM_CONNECT_TIME = 160,
    MQTT_RC_SUBSCRIPTION_IDS_NOT_SUPPORTED = 161,
    MQTT_RC_WILDCARD_SUBS_NOT_SUPPORTED = 162,
}

/// Reason code 0 in DISCONNECT: normal disconnection (same value as `MQTT_RC_SUCCESS`).
pub const MQTT_RC_NORMAL_DISCONNECTION: u8 = MQTT_RC_SUCCESS;
/// Reason code 0 in SUBACK: granted QoS 0 (same value as `MQTT_RC_SUCCESS`).
pub const MQTT_RC_GRANTED_QOS0: u8 = MQTT_RC_SUCCESS;

int_consts!(u8, mqtt5_return_codes:
    MQTT_RC_SUCCESS,
    MQTT_RC_GRANTED_QOS1,
    MQTT_RC_GRANTED_QOS2,
    MQTT_RC_DISCONNECT_WITH_WILL_MSG,
    MQTT_RC_NO_MATCHING_SUBSCRIBERS,
    MQTT_RC_NO_SUBSCRIPTION_EXISTED,
    MQTT_RC_CONTINUE_AUTHENTICATION,
    MQTT_RC_REAUTHENTICATE,
    MQTT_RC_UNSPECIFIED,
    MQTT_RC_MALFORMED_PACKET,
    MQTT_RC_PROTOCOL_ERROR,
    MQTT_RC_IMPLEMENTATION_SPECIFIC,
    MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION,
    MQTT_RC_CLIENTID_NOT_VALID,
    MQTT_RC_BAD_USERNAME_OR_PASSWORD,
    MQTT_RC_NOT_AUTHORIZED,
    MQTT_RC_SERVER_UNAVAILABLE,
    MQTT_RC_SERVER_BUSY,
    MQTT_RC_BANNED,
    MQTT_RC_SERVER_SHUTTING_DOWN,
    MQTT_RC_BAD_AUTHENTICATION_METHOD,
    MQTT_RC_KEEP_ALIVE_TIMEOUT,
    MQTT_RC_SESSION_TAKEN_OVER,
    MQTT_RC_TOPIC_FILTER_INVALID,
    MQTT_RC_TOPIC_NAME_INVALID,
    MQTT_RC_PACKET_ID_IN_USE,
    MQTT_RC_PACKET_ID_NOT_FOUND,
    MQTT_RC_RECEIVE_MAXIMUM_EXCEEDED,
    MQTT_RC_TOPIC_ALIAS_INVALID,
    MQTT_RC_PACKET_TOO_LARGE,
    MQTT_RC_MESSAGE_RATE_TOO_HIGH,
    MQTT_RC_QUOTA_EXCEEDED,
    MQTT_RC_ADMINISTRATIVE_ACTION,
    MQTT_RC_PAYLOAD_FORMAT_INVALID,
    MQTT_RC_RETAIN_NOT_SUPPORTED,
    MQTT_RC_QOS_NOT_SUPPORTED,
    MQTT_RC_USE_ANOTHER_SERVER,
    MQTT_RC_SERVER_MOVED,
    MQTT_RC_SHARED_SUBS_NOT_SUPPORTED,
    MQTT_RC_CONNECTION_RATE_EXCEEDED,
    MQTT_RC_MAXIMUM_CONNECT_TIME,
    MQTT_RC_SUBSCRIPTION_IDS_NOT_SUPPORTED,
    MQTT_RC_WILDCARD_SUBS_NOT_SUPPORTED,
);

/// MQTT 5.0 property identifiers. The comment on each gives its value type and the packets
/// that may carry it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mqtt5_property {
    /// Byte: PUBLISH, will.
    MQTT_PROP_PAYLOAD_FORMAT_INDICATOR = 1,
    /// Four byte integer: PUBLISH, will.
    MQTT_PROP_MESSAGE_EXPIRY_INTERVAL = 2,
    /// UTF-8 string: PUBLISH, will.
    MQTT_PROP_CONTENT_TYPE = 3,
    /// UTF-8 string: PUBLISH, will.
    MQTT_PROP_RESPONSE_TOPIC = 8,
    /// Binary data: PUBLISH, will.
    MQTT_PROP_CORRELATION_DATA = 9,
    /// Variable byte integer: PUBLISH, SUBSCRIBE.
    MQTT_PROP_SUBSCRIPTION_IDENTIFIER = 11,
    /// Four byte integer: CONNECT, CONNACK, DISCONNECT.
    MQTT_PROP_SESSION_EXPIRY_INTERVAL = 17,
    /// UTF-8 string: CONNACK.
    MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER = 18,
    /// Two byte integer: CONNACK.
    MQTT_PROP_SERVER_KEEP_ALIVE = 19,
    /// UTF-8 string: CONNECT, CONNACK, AUTH.
    MQTT_PROP_AUTHENTICATION_METHOD = 21,
    /// Binary data: CONNECT, CONNACK, AUTH.
    MQTT_PROP_AUTHENTICATION_DATA = 22,
    /// Byte: CONNECT.
    MQTT_PROP_REQUEST_PROBLEM_INFORMATION = 23,
    /// Four byte integer: will.
    MQTT_PROP_WILL_DELAY_INTERVAL = 24,
    /// Byte: CONNECT.
    MQTT_PROP_REQUEST_RESPONSE_INFORMATION = 25,
    /// UTF-8 string: CONNACK.
    MQTT_PROP_RESPONSE_INFORMATION = 26,
    /// UTF-8 string: CONNACK, DISCONNECT.
    MQTT_PROP_SERVER_REFERENCE = 28,
    /// UTF-8 string: CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH.
    MQTT_PROP_REASON_STRING = 31,
    /// Two byte integer: CONNECT, CONNACK.
    MQTT_PROP_RECEIVE_MAXIMUM = 33,
    /// Two byte integer: CONNECT, CONNACK.
    MQTT_PROP_TOPIC_ALIAS_MAXIMUM = 34,
    /// Two byte integer: PUBLISH.
    MQTT_PROP_TOPIC_ALIAS = 35,
    /// Byte: CONNACK.
    MQTT_PROP_MAXIMUM_QOS = 36,
    /// Byte: CONNACK.
    MQTT_PROP_RETAIN_AVAILABLE = 37,
    /// UTF-8 string pair: every packet with properties, and will.
    MQTT_PROP_USER_PROPERTY = 38,
    /// Four byte integer: CONNECT, CONNACK.
    MQTT_PROP_MAXIMUM_PACKET_SIZE = 39,
    /// Byte: CONNACK.
    MQTT_PROP_WILDCARD_SUB_AVAILABLE = 40,
    /// Byte: CONNACK.
    MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE = 41,
    /// Byte: CONNACK.
    MQTT_PROP_SHARED_SUB_AVAILABLE = 42,
}

int_consts!(u8, mqtt5_property:
    MQTT_PROP_PAYLOAD_FORMAT_INDICATOR,
    MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
    MQTT_PROP_CONTENT_TYPE,
    MQTT_PROP_RESPONSE_TOPIC,
    MQTT_PROP_CORRELATION_DATA,
    MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
    MQTT_PROP_SESSION_EXPIRY_INTERVAL,
    MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER,
    MQTT_PROP_SERVER_KEEP_ALIVE,
    MQTT_PROP_AUTHENTICATION_METHOD,
    MQTT_PROP_AUTHENTICATION_DATA,
    MQTT_PROP_REQUEST_PROBLEM_INFORMATION,
    MQTT_PROP_WILL_DELAY_INTERVAL,
    MQTT_PROP_REQUEST_RESPONSE_INFORMATION,
    MQTT_PROP_RESPONSE_INFORMATION,
    MQTT_PROP_SERVER_REFERENCE,
    MQTT_PROP_REASON_STRING,
    MQTT_PROP_RECEIVE_MAXIMUM,
    MQTT_PROP_TOPIC_ALIAS_MAXIMUM,
    MQTT_PROP_TOPIC_ALIAS,
    MQTT_PROP_MAXIMUM_QOS,
    MQTT_PROP_RETAIN_AVAILABLE,
    MQTT_PROP_USER_PROPERTY,
    MQTT_PROP_MAXIMUM_PACKET_SIZE,
    MQTT_PROP_WILDCARD_SUB_AVAILABLE,
    MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE,
    MQTT_PROP_SHARED_SUB_AVAILABLE,
);

/// The value types of MQTT 5.0 properties.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mqtt5_property_type {
    MQTT_PROP_TYPE_BYTE = 1,
    MQTT_PROP_TYPE_INT16 = 2,
    MQTT_PROP_TYPE_INT32 = 3,
    MQTT_PROP_TYPE_VARINT = 4,
    MQTT_PROP_TYPE_BINARY = 5,
    MQTT_PROP_TYPE_STRING = 6,
    MQTT_PROP_TYPE_STRING_PAIR = 7,
}

int_consts!(u8, mqtt5_property_type:
    MQTT_PROP_TYPE_BYTE,
    MQTT_PROP_TYPE_INT16,
    MQTT_PROP_TYPE_INT32,
    MQTT_PROP_TYPE_VARINT,
    MQTT_PROP_TYPE_BINARY,
    MQTT_PROP_TYPE_STRING,
    MQTT_PROP_TYPE_STRING_PAIR,
);

/// MQTT 5.0 subscription options, to be OR-ed into the `options` of `mosquitto_subscribe_v5`
/// and `mosquitto_subscribe_multiple`. The three retain-handling values are alternatives.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mqtt5_sub_options {
    /// The server does not send this client the messages it publishes itself.
    MQTT_SUB_OPT_NO_LOCAL = 0x04,
    /// Forwarded messages keep the retain flag they were published with.
    MQTT_SUB_OPT_RETAIN_AS_PUBLISHED = 0x08,
    /// Retained messages are sent on every subscribe (the default).
    MQTT_SUB_OPT_SEND_RETAIN_ALWAYS = 0x00,
    /// Retained messages are sent only if the subscription did not exist before.
    MQTT_SUB_OPT_SEND_RETAIN_NEW = 0x10,
    /// Retained messages are never sent for this subscription.
    MQTT_SUB_OPT_SEND_RETAIN_NEVER = 0x20,
}

int_consts!(u8, mqtt5_sub_options:
    MQTT_SUB_OPT_NO_LOCAL,
    MQTT_SUB_OPT_RETAIN_AS_PUBLISHED,
    MQTT_SUB_OPT_SEND_RETAIN_ALWAYS,
    MQTT_SUB_OPT_SEND_RETAIN_NEW,
    MQTT_SUB_OPT_SEND_RETAIN_NEVER,
);

/// The largest payload an MQTT packet can carry.
pub const MQTT_MAX_PAYLOAD: u32 = 268435455u32;

#[cfg(test)]
mod tests {
    use super::*;

    /// cbindgen cannot write string constants, so cbindgen-mqtt_protocol.toml spells the
    /// protocol names out; they must stay equal to the Rust ones.
    #[test]
    fn header_protocol_names_match() {
        let header = include_str!("../../include/mosquitto/mqtt_protocol.h");
        for (name, value) in [
            ("PROTOCOL_NAME_v31", PROTOCOL_NAME_v31),
            ("PROTOCOL_NAME", PROTOCOL_NAME),
        ] {
            let line = format!("#define {name} \"{value}\"");
            assert!(
                header.lines().any(|l| l == line),
                "include/mosquitto/mqtt_protocol.h lacks `{line}`"
            );
        }
    }
}
