/*
 * mosquitto/mqtt_protocol.h: values defined by the MQTT 3.1, 3.1.1 and 5.0 specifications.
 *
 * Generated from the Rust sources by `make header` (cbindgen). Do not edit.
 */

#ifndef MOSQUITTO_MQTT_PROTOCOL_H
#define MOSQUITTO_MQTT_PROTOCOL_H

/** Protocol name of MQTT 3.1. */
#define PROTOCOL_NAME_v31 "MQIsdp"
/** Protocol name of MQTT 3.1.1 and 5.0. */
#define PROTOCOL_NAME "MQTT"

/* The subscription-option helpers of libmosquitto 2.1 (function-like macros over an option
 * byte, which cbindgen cannot express). */
/** The QoS bits of a subscription option byte. */
#define MQTT_SUB_OPT_GET_QOS(opt) ((opt) & 0x03)
/** The No Local bit of a subscription option byte. */
#define MQTT_SUB_OPT_GET_NO_LOCAL(opt) ((opt) & MQTT_SUB_OPT_NO_LOCAL)
/** The Retain As Published bit of a subscription option byte. */
#define MQTT_SUB_OPT_GET_RETAIN_AS_PUBLISHED(opt) ((opt) & MQTT_SUB_OPT_RETAIN_AS_PUBLISHED)
/** The Retain Handling bits of a subscription option byte (MQTT_SUB_OPT_SEND_RETAIN_*). */
#define MQTT_SUB_OPT_GET_SEND_RETAIN(opt) ((opt) & 0x30)
/** The Retain Handling bits of a subscription option byte (MQTT_SUB_OPT_SEND_RETAIN_*). */
#define MQTT_SUB_OPT_GET_RETAIN_HANDLING(opt) ((opt) & 0x30)
/** Sets the QoS bits of the option byte `opt` to `qos`. */
#define MQTT_SUB_OPT_SET_QOS(opt, qos) ((opt) = (((opt) & 0xFC) | ((qos) & 0x03)))
/** Sets (non-zero `nl`) or clears the No Local bit of the option byte `opt`. */
#define MQTT_SUB_OPT_SET_NO_LOCAL(opt, nl) ((opt) = (((opt) & 0xFB) | ((nl) ? MQTT_SUB_OPT_NO_LOCAL : 0)))
/** Sets the Retain Handling bits of the option byte `opt` to `rh` (MQTT_SUB_OPT_SEND_RETAIN_*). */
#define MQTT_SUB_OPT_SET_RETAIN_HANDLING(opt, rh) ((opt) = (((opt) & 0xCF) | ((rh) & 0x30)))
/** Sets the bits `val` in the option byte `opt`. */
#define MQTT_SUB_OPT_SET(opt, val) ((opt) |= (val))
/** Clears the bits `val` in the option byte `opt`. */
#define MQTT_SUB_OPT_CLEAR(opt, val) ((opt) &= ~(val))

/**
 * Protocol level of MQTT 3.1.
 */
#define PROTOCOL_VERSION_v31 3

/**
 * Protocol level of MQTT 3.1.1.
 */
#define PROTOCOL_VERSION_v311 4

/**
 * Protocol level of MQTT 5.0.
 */
#define PROTOCOL_VERSION_v5 5

/**
 * Not a packet type: the reserved value 0 of the packet type field (MQTT 5.0 §2.1.2).
 */
#define CMD_RESERVED 0u

/**
 * Packet type CONNECT: the first byte of its fixed header, flags cleared.
 */
#define CMD_CONNECT 16u

/**
 * Packet type CONNACK.
 */
#define CMD_CONNACK 32u

/**
 * Packet type PUBLISH.
 */
#define CMD_PUBLISH 48u

/**
 * Packet type PUBACK.
 */
#define CMD_PUBACK 64u

/**
 * Packet type PUBREC.
 */
#define CMD_PUBREC 80u

/**
 * Packet type PUBREL.
 */
#define CMD_PUBREL 96u

/**
 * Packet type PUBCOMP.
 */
#define CMD_PUBCOMP 112u

/**
 * Packet type SUBSCRIBE.
 */
#define CMD_SUBSCRIBE 128u

/**
 * Packet type SUBACK.
 */
#define CMD_SUBACK 144u

/**
 * Packet type UNSUBSCRIBE.
 */
#define CMD_UNSUBSCRIBE 160u

/**
 * Packet type UNSUBACK.
 */
#define CMD_UNSUBACK 176u

/**
 * Packet type PINGREQ.
 */
#define CMD_PINGREQ 192u

/**
 * Packet type PINGRESP.
 */
#define CMD_PINGRESP 208u

/**
 * Packet type DISCONNECT.
 */
#define CMD_DISCONNECT 224u

/**
 * Packet type AUTH (MQTT 5.0 only).
 */
#define CMD_AUTH 240u

/**
 * Not a packet type: the "command" of will properties, so that property checks can tell them
 * apart from CONNECT properties.
 */
#define CMD_WILL 256

/**
 * Reason code 0 in DISCONNECT: normal disconnection (same value as `MQTT_RC_SUCCESS`).
 */
#define MQTT_RC_NORMAL_DISCONNECTION MQTT_RC_SUCCESS

/**
 * Reason code 0 in SUBACK: granted QoS 0 (same value as `MQTT_RC_SUCCESS`).
 */
#define MQTT_RC_GRANTED_QOS0 MQTT_RC_SUCCESS

/**
 * The largest payload an MQTT packet can carry.
 */
#define MQTT_MAX_PAYLOAD 268435455u

/**
 * Session Expiry Interval: the session ends with the network connection.
 */
#define MQTT_SESSION_EXPIRY_IMMEDIATE 0

/**
 * Session Expiry Interval: the session never expires.
 */
#define MQTT_SESSION_EXPIRY_NEVER UINT32_MAX

/**
 * CONNACK return codes of MQTT 3.1 and 3.1.1.
 */
enum mqtt311_connack_codes {
  CONNACK_ACCEPTED = 0,
  CONNACK_REFUSED_PROTOCOL_VERSION = 1,
  CONNACK_REFUSED_IDENTIFIER_REJECTED = 2,
  CONNACK_REFUSED_SERVER_UNAVAILABLE = 3,
  CONNACK_REFUSED_BAD_USERNAME_PASSWORD = 4,
  CONNACK_REFUSED_NOT_AUTHORIZED = 5,
};

/**
 * MQTT 5.0 reason codes, as carried by CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK,
 * UNSUBACK, DISCONNECT and AUTH.
 *
 * Value 0 has three names. The enum carries `MQTT_RC_SUCCESS`; the other two,
 * `MQTT_RC_NORMAL_DISCONNECTION` (DISCONNECT) and `MQTT_RC_GRANTED_QOS0` (SUBACK), are
 * constants that stand for it, because the enum is generated from a Rust enum, which cannot
 * repeat a value.
 */
enum mqtt5_return_codes {
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
};

/**
 * MQTT 5.0 property identifiers. The comment on each gives its value type and the packets
 * that may carry it.
 */
enum mqtt5_property {
  /**
   * Byte: PUBLISH, will.
   */
  MQTT_PROP_PAYLOAD_FORMAT_INDICATOR = 1,
  /**
   * Four byte integer: PUBLISH, will.
   */
  MQTT_PROP_MESSAGE_EXPIRY_INTERVAL = 2,
  /**
   * UTF-8 string: PUBLISH, will.
   */
  MQTT_PROP_CONTENT_TYPE = 3,
  /**
   * UTF-8 string: PUBLISH, will.
   */
  MQTT_PROP_RESPONSE_TOPIC = 8,
  /**
   * Binary data: PUBLISH, will.
   */
  MQTT_PROP_CORRELATION_DATA = 9,
  /**
   * Variable byte integer: PUBLISH, SUBSCRIBE.
   */
  MQTT_PROP_SUBSCRIPTION_IDENTIFIER = 11,
  /**
   * Four byte integer: CONNECT, CONNACK, DISCONNECT.
   */
  MQTT_PROP_SESSION_EXPIRY_INTERVAL = 17,
  /**
   * UTF-8 string: CONNACK.
   */
  MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER = 18,
  /**
   * Two byte integer: CONNACK.
   */
  MQTT_PROP_SERVER_KEEP_ALIVE = 19,
  /**
   * UTF-8 string: CONNECT, CONNACK, AUTH.
   */
  MQTT_PROP_AUTHENTICATION_METHOD = 21,
  /**
   * Binary data: CONNECT, CONNACK, AUTH.
   */
  MQTT_PROP_AUTHENTICATION_DATA = 22,
  /**
   * Byte: CONNECT.
   */
  MQTT_PROP_REQUEST_PROBLEM_INFORMATION = 23,
  /**
   * Four byte integer: will.
   */
  MQTT_PROP_WILL_DELAY_INTERVAL = 24,
  /**
   * Byte: CONNECT.
   */
  MQTT_PROP_REQUEST_RESPONSE_INFORMATION = 25,
  /**
   * UTF-8 string: CONNACK.
   */
  MQTT_PROP_RESPONSE_INFORMATION = 26,
  /**
   * UTF-8 string: CONNACK, DISCONNECT.
   */
  MQTT_PROP_SERVER_REFERENCE = 28,
  /**
   * UTF-8 string: CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH.
   */
  MQTT_PROP_REASON_STRING = 31,
  /**
   * Two byte integer: CONNECT, CONNACK.
   */
  MQTT_PROP_RECEIVE_MAXIMUM = 33,
  /**
   * Two byte integer: CONNECT, CONNACK.
   */
  MQTT_PROP_TOPIC_ALIAS_MAXIMUM = 34,
  /**
   * Two byte integer: PUBLISH.
   */
  MQTT_PROP_TOPIC_ALIAS = 35,
  /**
   * Byte: CONNACK.
   */
  MQTT_PROP_MAXIMUM_QOS = 36,
  /**
   * Byte: CONNACK.
   */
  MQTT_PROP_RETAIN_AVAILABLE = 37,
  /**
   * UTF-8 string pair: every packet with properties, and will.
   */
  MQTT_PROP_USER_PROPERTY = 38,
  /**
   * Four byte integer: CONNECT, CONNACK.
   */
  MQTT_PROP_MAXIMUM_PACKET_SIZE = 39,
  /**
   * Byte: CONNACK.
   */
  MQTT_PROP_WILDCARD_SUB_AVAILABLE = 40,
  /**
   * Byte: CONNACK.
   */
  MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE = 41,
  /**
   * Byte: CONNACK.
   */
  MQTT_PROP_SHARED_SUB_AVAILABLE = 42,
};

/**
 * The value types of MQTT 5.0 properties.
 */
enum mqtt5_property_type {
  MQTT_PROP_TYPE_BYTE = 1,
  MQTT_PROP_TYPE_INT16 = 2,
  MQTT_PROP_TYPE_INT32 = 3,
  MQTT_PROP_TYPE_VARINT = 4,
  MQTT_PROP_TYPE_BINARY = 5,
  MQTT_PROP_TYPE_STRING = 6,
  MQTT_PROP_TYPE_STRING_PAIR = 7,
};

/**
 * MQTT 5.0 subscription options, to be OR-ed into the `options` of `mosquitto_subscribe_v5`
 * and `mosquitto_subscribe_multiple`. The three retain-handling values are alternatives.
 */
enum mqtt5_sub_options {
  /**
   * The server does not send this client the messages it publishes itself.
   */
  MQTT_SUB_OPT_NO_LOCAL = 4,
  /**
   * Forwarded messages keep the retain flag they were published with.
   */
  MQTT_SUB_OPT_RETAIN_AS_PUBLISHED = 8,
  /**
   * Retained messages are sent on every subscribe (the default).
   */
  MQTT_SUB_OPT_SEND_RETAIN_ALWAYS = 0,
  /**
   * Retained messages are sent only if the subscription did not exist before.
   */
  MQTT_SUB_OPT_SEND_RETAIN_NEW = 16,
  /**
   * Retained messages are never sent for this subscription.
   */
  MQTT_SUB_OPT_SEND_RETAIN_NEVER = 32,
};

#endif  /* MOSQUITTO_MQTT_PROTOCOL_H */
