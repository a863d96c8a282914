//! Types, enumerations and constants of `mosquitto.h`, with the exact values and layouts of the
//! upstream header.

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

/// Major version of the libmosquitto API this library implements.
pub const LIBMOSQUITTO_MAJOR: c_int = 2;
/// Minor version of the libmosquitto API this library implements.
pub const LIBMOSQUITTO_MINOR: c_int = 0;
/// Revision of the libmosquitto API this library implements.
pub const LIBMOSQUITTO_REVISION: c_int = 20;
/// The version as one number, `MAJOR * 1000000 + MINOR * 1000 + REVISION` (2000020 for 2.0.20).
pub const LIBMOSQUITTO_VERSION_NUMBER: c_int =
    LIBMOSQUITTO_MAJOR * 1000000 + LIBMOSQUITTO_MINOR * 1000 + LIBMOSQUITTO_REVISION;

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
pub const MOSQ_LOG_INTERNAL: c_uint = 0x8000_0000u32;
/// Every log level.
pub const MOSQ_LOG_ALL: c_uint = 0xFFFF_FFFFu32;

/// Return codes of the library functions.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mosq_err_t {
    /// Broker plugins only (libmosquitto 2.1): a quota is exceeded.
    MOSQ_ERR_QUOTA_EXCEEDED = -6,
    /// Broker plugins only (libmosquitto 2.1): authentication is delayed.
    MOSQ_ERR_AUTH_DELAYED = -5,
    /// Broker only: authentication continues.
    MOSQ_ERR_AUTH_CONTINUE = -4,
    /// The message reached no subscriber.
    MOSQ_ERR_NO_SUBSCRIBERS = -3,
    /// Broker only: the subscription already existed.
    MOSQ_ERR_SUB_EXISTS = -2,
    /// The connection is not complete yet.
    MOSQ_ERR_CONN_PENDING = -1,
    /// Success.
    MOSQ_ERR_SUCCESS = 0,
    /// Out of memory.
    MOSQ_ERR_NOMEM = 1,
    /// The peer broke the MQTT protocol.
    MOSQ_ERR_PROTOCOL = 2,
    /// An argument is invalid (NULL, out of range, or not allowed in this state).
    MOSQ_ERR_INVAL = 3,
    /// The client is not connected.
    MOSQ_ERR_NO_CONN = 4,
    /// The server refused the connection.
    MOSQ_ERR_CONN_REFUSED = 5,
    /// Not found.
    MOSQ_ERR_NOT_FOUND = 6,
    /// The connection was lost.
    MOSQ_ERR_CONN_LOST = 7,
    /// A TLS error.
    MOSQ_ERR_TLS = 8,
    /// The payload is too large.
    MOSQ_ERR_PAYLOAD_SIZE = 9,
    /// Not supported, by this library or by the server.
    MOSQ_ERR_NOT_SUPPORTED = 10,
    /// Authentication failed.
    MOSQ_ERR_AUTH = 11,
    /// Access denied.
    MOSQ_ERR_ACL_DENIED = 12,
    /// An unexpected internal error.
    MOSQ_ERR_UNKNOWN = 13,
    /// A system call failed: `errno` tells why.
    MOSQ_ERR_ERRNO = 14,
    /// Name resolution failed.
    MOSQ_ERR_EAI = 15,
    /// The SOCKS5 proxy failed.
    MOSQ_ERR_PROXY = 16,
    /// Broker plugins only.
    MOSQ_ERR_PLUGIN_DEFER = 17,
    /// A string is not valid MQTT UTF-8.
    MOSQ_ERR_MALFORMED_UTF8 = 18,
    /// The server did not answer within the keepalive time.
    MOSQ_ERR_KEEPALIVE = 19,
    /// A DNS lookup failed.
    MOSQ_ERR_LOOKUP = 20,
    /// A received packet is malformed.
    MOSQ_ERR_MALFORMED_PACKET = 21,
    /// A property that may appear only once appears twice.
    MOSQ_ERR_DUPLICATE_PROPERTY = 22,
    /// The TLS handshake failed.
    MOSQ_ERR_TLS_HANDSHAKE = 23,
    /// The QoS is above the maximum the server supports.
    MOSQ_ERR_QOS_NOT_SUPPORTED = 24,
    /// The packet is larger than the server accepts.
    MOSQ_ERR_OVERSIZE_PACKET = 25,
    /// The OCSP check failed.
    MOSQ_ERR_OCSP = 26,
    /// Timed out.
    MOSQ_ERR_TIMEOUT = 27,
    /// The server does not support retained messages.
    MOSQ_ERR_RETAIN_NOT_SUPPORTED = 28,
    /// A topic alias is invalid.
    MOSQ_ERR_TOPIC_ALIAS_INVALID = 29,
    /// The server disconnected the client by administrative action.
    MOSQ_ERR_ADMINISTRATIVE_ACTION = 30,
    /// Already exists.
    MOSQ_ERR_ALREADY_EXISTS = 31,
    /// Broker plugins only (libmosquitto 2.1): the plugin has no opinion.
    MOSQ_ERR_PLUGIN_IGNORE = 32,
    /// Broker only (libmosquitto 2.1): a websocket request came from a refused origin.
    MOSQ_ERR_HTTP_BAD_ORIGIN = 33,
    /// libmosquitto 2.1's name for MQTT 5 reason code 128 (Unspecified error); never returned by this library.
    MOSQ_ERR_UNSPECIFIED = 128,
    /// libmosquitto 2.1's name for MQTT 5 reason code 131 (Implementation specific error); never returned by this library.
    MOSQ_ERR_IMPLEMENTATION_SPECIFIC = 131,
    /// libmosquitto 2.1's name for MQTT 5 reason code 132 (Unsupported protocol version); never returned by this library.
    MOSQ_ERR_UNSUPPORTED_PROTOCOL_VERSION = 132,
    /// libmosquitto 2.1's name for MQTT 5 reason code 133 (Client identifier not valid); never returned by this library.
    MOSQ_ERR_CLIENT_IDENTIFIER_NOT_VALID = 133,
    /// libmosquitto 2.1's name for MQTT 5 reason code 134 (Bad user name or password); never returned by this library.
    MOSQ_ERR_BAD_USERNAME_OR_PASSWORD = 134,
    /// libmosquitto 2.1's name for MQTT 5 reason code 136 (Server unavailable); never returned by this library.
    MOSQ_ERR_SERVER_UNAVAILABLE = 136,
    /// libmosquitto 2.1's name for MQTT 5 reason code 137 (Server busy); never returned by this library.
    MOSQ_ERR_SERVER_BUSY = 137,
    /// libmosquitto 2.1's name for MQTT 5 reason code 138 (Banned); never returned by this library.
    MOSQ_ERR_BANNED = 138,
    /// libmosquitto 2.1's name for MQTT 5 reason code 139 (Server shutting down); never returned by this library.
    MOSQ_ERR_SERVER_SHUTTING_DOWN = 139,
    /// libmosquitto 2.1's name for MQTT 5 reason code 140 (Bad authentication method); never returned by this library.
    MOSQ_ERR_BAD_AUTHENTICATION_METHOD = 140,
    /// libmosquitto 2.1's name for MQTT 5 reason code 142 (Session taken over); never returned by this library.
    MOSQ_ERR_SESSION_TAKEN_OVER = 142,
    /// libmosquitto 2.1's name for MQTT 5 reason code 143 (Topic filter invalid); never returned by this library.
    MOSQ_ERR_TOPIC_FILTER_INVALID = 143,
    /// libmosquitto 2.1's name for MQTT 5 reason code 144 (Topic name invalid); never returned by this library.
    MOSQ_ERR_TOPIC_NAME_INVALID = 144,
    /// libmosquitto 2.1's name for MQTT 5 reason code 145 (Packet identifier in use); never returned by this library.
    MOSQ_ERR_PACKET_ID_IN_USE = 145,
    /// libmosquitto 2.1's name for MQTT 5 reason code 146 (Packet identifier not found); never returned by this library.
    MOSQ_ERR_PACKET_ID_NOT_FOUND = 146,
    /// libmosquitto 2.1's name for MQTT 5 reason code 147 (Receive Maximum exceeded); never returned by this library.
    MOSQ_ERR_RECEIVE_MAXIMUM_EXCEEDED = 147,
    /// libmosquitto 2.1's name for MQTT 5 reason code 150 (Message rate too high); never returned by this library.
    MOSQ_ERR_MESSAGE_RATE_TOO_HIGH = 150,
    /// libmosquitto 2.1's name for MQTT 5 reason code 153 (Payload format invalid); never returned by this library.
    MOSQ_ERR_PAYLOAD_FORMAT_INVALID = 153,
    /// libmosquitto 2.1's name for MQTT 5 reason code 156 (Use another server); never returned by this library.
    MOSQ_ERR_USE_ANOTHER_SERVER = 156,
    /// libmosquitto 2.1's name for MQTT 5 reason code 157 (Server moved); never returned by this library.
    MOSQ_ERR_SERVER_MOVED = 157,
    /// libmosquitto 2.1's name for MQTT 5 reason code 158 (Shared subscriptions not supported); never returned by this library.
    MOSQ_ERR_SHARED_SUBS_NOT_SUPPORTED = 158,
    /// libmosquitto 2.1's name for MQTT 5 reason code 159 (Connection rate exceeded); never returned by this library.
    MOSQ_ERR_CONNECTION_RATE_EXCEEDED = 159,
    /// libmosquitto 2.1's name for MQTT 5 reason code 160 (Maximum connect time); never returned by this library.
    MOSQ_ERR_MAXIMUM_CONNECT_TIME = 160,
    /// libmosquitto 2.1's name for MQTT 5 reason code 161 (Subscription identifiers not supported); never returned by this library.
    MOSQ_ERR_SUBSCRIPTION_IDS_NOT_SUPPORTED = 161,
    /// libmosquitto 2.1's name for MQTT 5 reason code 162 (Wildcard subscriptions not supported); never returned by this library.
    MOSQ_ERR_WILDCARD_SUBS_NOT_SUPPORTED = 162,
}

/// Options for `mosquitto_int_option`, `mosquitto_string_option` and `mosquitto_void_option`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mosq_opt_t {
    /// `int`: the MQTT version, `MQTT_PROTOCOL_V31`, `MQTT_PROTOCOL_V311` (default) or `MQTT_PROTOCOL_V5`.
    MOSQ_OPT_PROTOCOL_VERSION = 1,
    /// `void *`: a ready TLS context (an OpenSSL `SSL_CTX *` in the original library).
    MOSQ_OPT_SSL_CTX = 2,
    /// `int`: whether to apply the library defaults to a context set with `MOSQ_OPT_SSL_CTX`.
    MOSQ_OPT_SSL_CTX_WITH_DEFAULTS = 3,
    /// `int`: how many QoS 1 and 2 messages the server may have in flight to this client (MQTT 5).
    MOSQ_OPT_RECEIVE_MAXIMUM = 4,
    /// `int`: how many QoS 1 and 2 messages this client may have in flight to the server.
    MOSQ_OPT_SEND_MAXIMUM = 5,
    /// `char *`: the form of the private key, `"pem"` or `"engine"`.
    MOSQ_OPT_TLS_KEYFORM = 6,
    /// `char *`: the id of the TLS engine to use.
    MOSQ_OPT_TLS_ENGINE = 7,
    /// `char *`: the hex SHA-1 of the private key password, for the TLS engine.
    MOSQ_OPT_TLS_ENGINE_KPASS_SHA1 = 8,
    /// `int`: whether the server must staple a valid OCSP response.
    MOSQ_OPT_TLS_OCSP_REQUIRED = 9,
    /// `char *`: the ALPN protocol to offer in the TLS handshake.
    MOSQ_OPT_TLS_ALPN = 10,
    /// `int`: whether to disable Nagle's algorithm on the socket.
    MOSQ_OPT_TCP_NODELAY = 11,
    /// `char *`: the local address to bind the socket to.
    MOSQ_OPT_BIND_ADDRESS = 12,
    /// `int`: whether to trust the certificate authorities of the operating system.
    MOSQ_OPT_TLS_USE_OS_CERTS = 13,
    /// `int` (libmosquitto 2.1): whether to do without the internal socket pair that wakes the
    /// network loop (accepted and ignored: this library wakes its loop otherwise).
    MOSQ_OPT_DISABLE_SOCKETPAIR = 14,
    /// `int` (libmosquitto 2.1): the transport of the next connections, `MOSQ_T_TCP` (default)
    /// or `MOSQ_T_WEBSOCKETS`.
    MOSQ_OPT_TRANSPORT = 15,
    /// `char *` (libmosquitto 2.1): the path of the websocket upgrade request (default
    /// `"/mqtt"`).
    MOSQ_OPT_HTTP_PATH = 16,
    /// `int` (libmosquitto 2.1): the most bytes of HTTP headers accepted in the websocket
    /// upgrade response (at least 100; default 4096).
    MOSQ_OPT_HTTP_HEADER_SIZE = 17,
}

/// Transports for `MOSQ_OPT_TRANSPORT` (libmosquitto 2.1).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mosq_transport_t {
    /// MQTT directly over TCP (or TLS), the default.
    MOSQ_T_TCP = 1,
    /// MQTT in WebSocket frames, over TCP or TLS.
    MOSQ_T_WEBSOCKETS = 2,
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
    /// The message id (0 for QoS 0).
    pub mid: c_int,
    /// The topic, a NUL-terminated string.
    pub topic: *mut c_char,
    /// The payload bytes (not NUL-terminated), or NULL if empty.
    pub payload: *mut c_void,
    /// The payload length in bytes.
    pub payloadlen: c_int,
    /// The QoS (0, 1 or 2).
    pub qos: c_int,
    /// Whether the message is retained.
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
    /// The will topic.
    pub topic: *mut c_char,
    /// The will payload, or NULL.
    pub payload: *mut c_void,
    /// The will payload length in bytes.
    pub payloadlen: c_int,
    /// The will QoS.
    pub qos: c_int,
    /// Whether the will is retained.
    pub retain: bool,
}

/// Credentials for `mosquitto_subscribe_simple` and `mosquitto_subscribe_callback`.
#[repr(C)]
pub struct libmosquitto_auth {
    /// The user name, or NULL.
    pub username: *mut c_char,
    /// The password, or NULL.
    pub password: *mut c_char,
}

/// TLS settings for `mosquitto_subscribe_simple` and `mosquitto_subscribe_callback`.
#[repr(C)]
pub struct libmosquitto_tls {
    /// A file of PEM certificate authorities, or NULL.
    pub cafile: *mut c_char,
    /// A directory of PEM certificate authorities, or NULL.
    pub capath: *mut c_char,
    /// The client certificate (PEM), or NULL.
    pub certfile: *mut c_char,
    /// The client private key (PEM), or NULL.
    pub keyfile: *mut c_char,
    /// The allowed ciphers, or NULL for the default.
    pub ciphers: *mut c_char,
    /// The TLS version, or NULL for the default.
    pub tls_version: *mut c_char,
    /// Called to get the password of an encrypted key file, or NULL.
    pub pw_callback: Option<
        unsafe extern "C" fn(buf: *mut c_char, size: c_int, rwflag: c_int, userdata: *mut c_void) -> c_int,
    >,
    /// Whether to verify the server certificate (0: no, 1: yes).
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

/// An array of topic strings, as `mosquitto_subscribe_multiple` and
/// `mosquitto_unsubscribe_multiple` take it.
///
/// The generated header spells this type as upstream does, `char *const *const`, which has no
/// Rust equivalent (the outer `const` qualifies the parameter itself); the ABI is the same.
pub type mosq_topic_array = *const *const c_char;

// The callback types libmosquitto 2.1 names (`mosquitto/libmosquitto_callbacks.h`); the
// callback-setting functions keep 2.0's spelled-out parameter types, which are the same types.

/// `on_connect(mosq, obj, rc)`.
pub type LIBMOSQ_CB_connect = Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>;
/// `on_connect(mosq, obj, rc, flags)`.
pub type LIBMOSQ_CB_connect_with_flags =
    Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int)>;
/// `on_connect(mosq, obj, rc, flags, props)`.
pub type LIBMOSQ_CB_connect_v5 =
    Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const mosquitto_property)>;
/// `on_pre_connect(mosq, obj)`.
pub type LIBMOSQ_CB_pre_connect = Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void)>;
/// `on_disconnect(mosq, obj, rc)`.
pub type LIBMOSQ_CB_disconnect = Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>;
/// `on_disconnect(mosq, obj, rc, props)`.
pub type LIBMOSQ_CB_disconnect_v5 =
    Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, *const mosquitto_property)>;
/// `on_publish(mosq, obj, mid)`.
pub type LIBMOSQ_CB_publish = Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>;
/// `on_publish(mosq, obj, mid, reason_code, props)`.
pub type LIBMOSQ_CB_publish_v5 =
    Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const mosquitto_property)>;
/// `on_message(mosq, obj, message)`.
pub type LIBMOSQ_CB_message =
    Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, *const mosquitto_message)>;
/// `on_message(mosq, obj, message, props)`.
pub type LIBMOSQ_CB_message_v5 = Option<
    unsafe extern "C" fn(*mut mosquitto, *mut c_void, *const mosquitto_message, *const mosquitto_property),
>;
/// `on_subscribe(mosq, obj, mid, qos_count, granted_qos)`.
pub type LIBMOSQ_CB_subscribe =
    Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const c_int)>;
/// `on_subscribe(mosq, obj, mid, qos_count, granted_qos, props)`.
pub type LIBMOSQ_CB_subscribe_v5 = Option<
    unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const c_int, *const mosquitto_property),
>;
/// `on_unsubscribe(mosq, obj, mid)`.
pub type LIBMOSQ_CB_unsubscribe = Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int)>;
/// `on_unsubscribe(mosq, obj, mid, props)`.
pub type LIBMOSQ_CB_unsubscribe_v5 =
    Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, *const mosquitto_property)>;
/// `on_unsubscribe(mosq, obj, mid, reason_code_count, reason_codes, props)`.
pub type LIBMOSQ_CB_unsubscribe2_v5 = Option<
    unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const c_int, *const mosquitto_property),
>;
/// `on_ext_auth(mosq, obj, auth_method, auth_data_len, auth_data, props)`.
pub type LIBMOSQ_CB_ext_auth = Option<
    unsafe extern "C" fn(
        *mut mosquitto,
        *mut c_void,
        *const c_char,
        u16,
        *const c_void,
        *const mosquitto_property,
    ) -> c_int,
>;
/// `on_log(mosq, obj, level, str)`.
pub type LIBMOSQ_CB_log = Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, *const c_char)>;
