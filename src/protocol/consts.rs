//! MQTT constants from the specifications: packet types, reason codes, property identifiers,
//! property types and subscription options. `include/mqtt_protocol.h` is generated from this file.

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

pub const CMD_CONNECT: u32 = 0x10;
pub const CMD_CONNACK: u32 = 0x20;
pub const CMD_PUBLISH: u32 = 0x30;
pub const CMD_PUBACK: u32 = 0x40;
pub const CMD_PUBREC: u32 = 0x50;
pub const CMD_PUBREL: u32 = 0x60;
pub const CMD_PUBCOMP: u32 = 0x70;
pub const CMD_SUBSCRIBE: u32 = 0x80;
pub const CMD_SUBACK: u32 = 0x90;
pub const CMD_UNSUBSCRIBE: u32 = 0xA0;
pub const CMD_UNSUBACK: u32 = 0xB0;
pub const CMD_PINGREQ: u32 = 0xC0;
pub const CMD_PINGRESP: u32 = 0xD0;
pub const CMD_DISCONNECT: u32 = 0xE0;
pub const CMD_AUTH: u32 = 0xF0;
pub const CMD_WILL: u32 = 0x100;

pub const CONNACK_ACCEPTED: u8 = 0;
pub const CONNACK_REFUSED_PROTOCOL_VERSION: u8 = 1;
pub const CONNACK_REFUSED_IDENTIFIER_REJECTED: u8 = 2;
pub const CONNACK_REFUSED_SERVER_UNAVAILABLE: u8 = 3;
pub const CONNACK_REFUSED_BAD_USERNAME_PASSWORD: u8 = 4;
pub const CONNACK_REFUSED_NOT_AUTHORIZED: u8 = 5;

pub const MQTT_RC_SUCCESS: u8 = 0;
pub const MQTT_RC_NORMAL_DISCONNECTION: u8 = 0;
pub const MQTT_RC_GRANTED_QOS0: u8 = 0;
pub const MQTT_RC_GRANTED_QOS1: u8 = 1;
pub const MQTT_RC_GRANTED_QOS2: u8 = 2;
pub const MQTT_RC_DISCONNECT_WITH_WILL_MSG: u8 = 4;
pub const MQTT_RC_NO_MATCHING_SUBSCRIBERS: u8 = 16;
pub const MQTT_RC_NO_SUBSCRIPTION_EXISTED: u8 = 17;
pub const MQTT_RC_CONTINUE_AUTHENTICATION: u8 = 24;
pub const MQTT_RC_REAUTHENTICATE: u8 = 25;
pub const MQTT_RC_UNSPECIFIED: u8 = 128;
pub const MQTT_RC_MALFORMED_PACKET: u8 = 129;
pub const MQTT_RC_PROTOCOL_ERROR: u8 = 130;
pub const MQTT_RC_IMPLEMENTATION_SPECIFIC: u8 = 131;
pub const MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION: u8 = 132;
pub const MQTT_RC_CLIENTID_NOT_VALID: u8 = 133;
pub const MQTT_RC_BAD_USERNAME_OR_PASSWORD: u8 = 134;
pub const MQTT_RC_NOT_AUTHORIZED: u8 = 135;
pub const MQTT_RC_SERVER_UNAVAILABLE: u8 = 136;
pub const MQTT_RC_SERVER_BUSY: u8 = 137;
pub const MQTT_RC_BANNED: u8 = 138;
pub const MQTT_RC_SERVER_SHUTTING_DOWN: u8 = 139;
pub const MQTT_RC_BAD_AUTHENTICATION_METHOD: u8 = 140;
pub const MQTT_RC_KEEP_ALIVE_TIMEOUT: u8 = 141;
pub const MQTT_RC_SESSION_TAKEN_OVER: u8 = 142;
pub const MQTT_RC_TOPIC_FILTER_INVALID: u8 = 143;
pub const MQTT_RC_TOPIC_NAME_INVALID: u8 = 144;
pub const MQTT_RC_PACKET_ID_IN_USE: u8 = 145;
pub const MQTT_RC_PACKET_ID_NOT_FOUND: u8 = 146;
pub const MQTT_RC_RECEIVE_MAXIMUM_EXCEEDED: u8 = 147;
pub const MQTT_RC_TOPIC_ALIAS_INVALID: u8 = 148;
pub const MQTT_RC_PACKET_TOO_LARGE: u8 = 149;
pub const MQTT_RC_MESSAGE_RATE_TOO_HIGH: u8 = 150;
pub const MQTT_RC_QUOTA_EXCEEDED: u8 = 151;
pub const MQTT_RC_ADMINISTRATIVE_ACTION: u8 = 152;
pub const MQTT_RC_PAYLOAD_FORMAT_INVALID: u8 = 153;
pub const MQTT_RC_RETAIN_NOT_SUPPORTED: u8 = 154;
pub const MQTT_RC_QOS_NOT_SUPPORTED: u8 = 155;
pub const MQTT_RC_USE_ANOTHER_SERVER: u8 = 156;
pub const MQTT_RC_SERVER_MOVED: u8 = 157;
pub const MQTT_RC_SHARED_SUBS_NOT_SUPPORTED: u8 = 158;
pub const MQTT_RC_CONNECTION_RATE_EXCEEDED: u8 = 159;
pub const MQTT_RC_MAXIMUM_CONNECT_TIME: u8 = 160;
pub const MQTT_RC_SUBSCRIPTION_IDS_NOT_SUPPORTED: u8 = 161;
pub const MQTT_RC_WILDCARD_SUBS_NOT_SUPPORTED: u8 = 162;

pub const MQTT_PROP_PAYLOAD_FORMAT_INDICATOR: u8 = 1;
pub const MQTT_PROP_MESSAGE_EXPIRY_INTERVAL: u8 = 2;
pub const MQTT_PROP_CONTENT_TYPE: u8 = 3;
pub const MQTT_PROP_RESPONSE_TOPIC: u8 = 8;
pub const MQTT_PROP_CORRELATION_DATA: u8 = 9;
pub const MQTT_PROP_SUBSCRIPTION_IDENTIFIER: u8 = 11;
pub const MQTT_PROP_SESSION_EXPIRY_INTERVAL: u8 = 17;
pub const MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER: u8 = 18;
pub const MQTT_PROP_SERVER_KEEP_ALIVE: u8 = 19;
pub const MQTT_PROP_AUTHENTICATION_METHOD: u8 = 21;
pub const MQTT_PROP_AUTHENTICATION_DATA: u8 = 22;
pub const MQTT_PROP_REQUEST_PROBLEM_INFORMATION: u8 = 23;
pub const MQTT_PROP_WILL_DELAY_INTERVAL: u8 = 24;
pub const MQTT_PROP_REQUEST_RESPONSE_INFORMATION: u8 = 25;
pub const MQTT_PROP_RESPONSE_INFORMATION: u8 = 26;
pub const MQTT_PROP_SERVER_REFERENCE: u8 = 28;
pub const MQTT_PROP_REASON_STRING: u8 = 31;
pub const MQTT_PROP_RECEIVE_MAXIMUM: u8 = 33;
pub const MQTT_PROP_TOPIC_ALIAS_MAXIMUM: u8 = 34;
pub const MQTT_PROP_TOPIC_ALIAS: u8 = 35;
pub const MQTT_PROP_MAXIMUM_QOS: u8 = 36;
pub const MQTT_PROP_RETAIN_AVAILABLE: u8 = 37;
pub const MQTT_PROP_USER_PROPERTY: u8 = 38;
pub const MQTT_PROP_MAXIMUM_PACKET_SIZE: u8 = 39;
pub const MQTT_PROP_WILDCARD_SUB_AVAILABLE: u8 = 40;
pub const MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE: u8 = 41;
pub const MQTT_PROP_SHARED_SUB_AVAILABLE: u8 = 42;

pub const MQTT_PROP_TYPE_BYTE: u8 = 1;
pub const MQTT_PROP_TYPE_INT16: u8 = 2;
pub const MQTT_PROP_TYPE_INT32: u8 = 3;
pub const MQTT_PROP_TYPE_VARINT: u8 = 4;
pub const MQTT_PROP_TYPE_BINARY: u8 = 5;
pub const MQTT_PROP_TYPE_STRING: u8 = 6;
pub const MQTT_PROP_TYPE_STRING_PAIR: u8 = 7;

pub const MQTT_SUB_OPT_NO_LOCAL: u8 = 0x04;
pub const MQTT_SUB_OPT_RETAIN_AS_PUBLISHED: u8 = 0x08;
pub const MQTT_SUB_OPT_SEND_RETAIN_ALWAYS: u8 = 0x00;
pub const MQTT_SUB_OPT_SEND_RETAIN_NEW: u8 = 0x10;
pub const MQTT_SUB_OPT_SEND_RETAIN_NEVER: u8 = 0x20;

/// The largest payload an MQTT packet can carry.
pub const MQTT_MAX_PAYLOAD: u32 = 268435455;
