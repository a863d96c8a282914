/*
 * mosquitto/libmosquitto.h: the C API of libmosquitto, the MQTT client library (what
 * <mosquitto.h> declares besides the protocol constants of <mosquitto/mqtt_protocol.h>).
 *
 * Generated from the Rust sources by `make header` (cbindgen). Do not edit.
 */

#ifndef MOSQUITTO_LIBMOSQUITTO_H
#define MOSQUITTO_LIBMOSQUITTO_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/**
 * Major version of the libmosquitto API this library implements.
 */
#define LIBMOSQUITTO_MAJOR 2

/**
 * Minor version of the libmosquitto API this library implements.
 */
#define LIBMOSQUITTO_MINOR 0

/**
 * Revision of the libmosquitto API this library implements.
 */
#define LIBMOSQUITTO_REVISION 20

/**
 * The version as one number, `MAJOR * 1000000 + MINOR * 1000 + REVISION` (2000020 for 2.0.20).
 */
#define LIBMOSQUITTO_VERSION_NUMBER (((LIBMOSQUITTO_MAJOR * 1000000) + (LIBMOSQUITTO_MINOR * 1000)) + LIBMOSQUITTO_REVISION)

/**
 * Log level: nothing.
 */
#define MOSQ_LOG_NONE 0

/**
 * Log level: information.
 */
#define MOSQ_LOG_INFO (1 << 0)

/**
 * Log level: notice.
 */
#define MOSQ_LOG_NOTICE (1 << 1)

/**
 * Log level: warning.
 */
#define MOSQ_LOG_WARNING (1 << 2)

/**
 * Log level: error.
 */
#define MOSQ_LOG_ERR (1 << 3)

/**
 * Log level: debug (one line per packet sent or received).
 */
#define MOSQ_LOG_DEBUG (1 << 4)

/**
 * Log level: subscriptions (broker only).
 */
#define MOSQ_LOG_SUBSCRIBE (1 << 5)

/**
 * Log level: unsubscriptions (broker only).
 */
#define MOSQ_LOG_UNSUBSCRIBE (1 << 6)

/**
 * Log level: websockets (broker only).
 */
#define MOSQ_LOG_WEBSOCKETS (1 << 7)

/**
 * Log level: internal (broker only).
 */
#define MOSQ_LOG_INTERNAL 2147483648u

/**
 * Every log level.
 */
#define MOSQ_LOG_ALL 4294967295u

/**
 * Informational only: the longest client id MQTT 3.1 servers must accept.
 */
#define MOSQ_MQTT_ID_MAX_LENGTH 23

/**
 * `MOSQ_OPT_PROTOCOL_VERSION` value for MQTT 3.1.
 */
#define MQTT_PROTOCOL_V31 3

/**
 * `MOSQ_OPT_PROTOCOL_VERSION` value for MQTT 3.1.1 (the default).
 */
#define MQTT_PROTOCOL_V311 4

/**
 * `MOSQ_OPT_PROTOCOL_VERSION` value for MQTT 5.0.
 */
#define MQTT_PROTOCOL_V5 5

/**
 * Return codes of the library functions.
 */
enum mosq_err_t {
  /**
   * Broker plugins only (libmosquitto 2.1): a quota is exceeded.
   */
  MOSQ_ERR_QUOTA_EXCEEDED = -6,
  /**
   * Broker plugins only (libmosquitto 2.1): authentication is delayed.
   */
  MOSQ_ERR_AUTH_DELAYED = -5,
  /**
   * Broker only: authentication continues.
   */
  MOSQ_ERR_AUTH_CONTINUE = -4,
  /**
   * The message reached no subscriber.
   */
  MOSQ_ERR_NO_SUBSCRIBERS = -3,
  /**
   * Broker only: the subscription already existed.
   */
  MOSQ_ERR_SUB_EXISTS = -2,
  /**
   * The connection is not complete yet.
   */
  MOSQ_ERR_CONN_PENDING = -1,
  /**
   * Success.
   */
  MOSQ_ERR_SUCCESS = 0,
  /**
   * Out of memory.
   */
  MOSQ_ERR_NOMEM = 1,
  /**
   * The peer broke the MQTT protocol.
   */
  MOSQ_ERR_PROTOCOL = 2,
  /**
   * An argument is invalid (NULL, out of range, or not allowed in this state).
   */
  MOSQ_ERR_INVAL = 3,
  /**
   * The client is not connected.
   */
  MOSQ_ERR_NO_CONN = 4,
  /**
   * The server refused the connection.
   */
  MOSQ_ERR_CONN_REFUSED = 5,
  /**
   * Not found.
   */
  MOSQ_ERR_NOT_FOUND = 6,
  /**
   * The connection was lost.
   */
  MOSQ_ERR_CONN_LOST = 7,
  /**
   * A TLS error.
   */
  MOSQ_ERR_TLS = 8,
  /**
   * The payload is too large.
   */
  MOSQ_ERR_PAYLOAD_SIZE = 9,
  /**
   * Not supported, by this library or by the server.
   */
  MOSQ_ERR_NOT_SUPPORTED = 10,
  /**
   * Authentication failed.
   */
  MOSQ_ERR_AUTH = 11,
  /**
   * Access denied.
   */
  MOSQ_ERR_ACL_DENIED = 12,
  /**
   * An unexpected internal error.
   */
  MOSQ_ERR_UNKNOWN = 13,
  /**
   * A system call failed: `errno` tells why.
   */
  MOSQ_ERR_ERRNO = 14,
  /**
   * Name resolution failed.
   */
  MOSQ_ERR_EAI = 15,
  /**
   * The SOCKS5 proxy failed.
   */
  MOSQ_ERR_PROXY = 16,
  /**
   * Broker plugins only.
   */
  MOSQ_ERR_PLUGIN_DEFER = 17,
  /**
   * A string is not valid MQTT UTF-8.
   */
  MOSQ_ERR_MALFORMED_UTF8 = 18,
  /**
   * The server did not answer within the keepalive time.
   */
  MOSQ_ERR_KEEPALIVE = 19,
  /**
   * A DNS lookup failed.
   */
  MOSQ_ERR_LOOKUP = 20,
  /**
   * A received packet is malformed.
   */
  MOSQ_ERR_MALFORMED_PACKET = 21,
  /**
   * A property that may appear only once appears twice.
   */
  MOSQ_ERR_DUPLICATE_PROPERTY = 22,
  /**
   * The TLS handshake failed.
   */
  MOSQ_ERR_TLS_HANDSHAKE = 23,
  /**
   * The QoS is above the maximum the server supports.
   */
  MOSQ_ERR_QOS_NOT_SUPPORTED = 24,
  /**
   * The packet is larger than the server accepts.
   */
  MOSQ_ERR_OVERSIZE_PACKET = 25,
  /**
   * The OCSP check failed.
   */
  MOSQ_ERR_OCSP = 26,
  /**
   * Timed out.
   */
  MOSQ_ERR_TIMEOUT = 27,
  /**
   * The server does not support retained messages.
   */
  MOSQ_ERR_RETAIN_NOT_SUPPORTED = 28,
  /**
   * A topic alias is invalid.
   */
  MOSQ_ERR_TOPIC_ALIAS_INVALID = 29,
  /**
   * The server disconnected the client by administrative action.
   */
  MOSQ_ERR_ADMINISTRATIVE_ACTION = 30,
  /**
   * Already exists.
   */
  MOSQ_ERR_ALREADY_EXISTS = 31,
  /**
   * Broker plugins only (libmosquitto 2.1): the plugin has no opinion.
   */
  MOSQ_ERR_PLUGIN_IGNORE = 32,
  /**
   * Broker only (libmosquitto 2.1): a websocket request came from a refused origin.
   */
  MOSQ_ERR_HTTP_BAD_ORIGIN = 33,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 128 (Unspecified error); never returned by this library.
   */
  MOSQ_ERR_UNSPECIFIED = 128,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 131 (Implementation specific error); never returned by this library.
   */
  MOSQ_ERR_IMPLEMENTATION_SPECIFIC = 131,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 132 (Unsupported protocol version); never returned by this library.
   */
  MOSQ_ERR_UNSUPPORTED_PROTOCOL_VERSION = 132,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 133 (Client identifier not valid); never returned by this library.
   */
  MOSQ_ERR_CLIENT_IDENTIFIER_NOT_VALID = 133,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 134 (Bad user name or password); never returned by this library.
   */
  MOSQ_ERR_BAD_USERNAME_OR_PASSWORD = 134,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 136 (Server unavailable); never returned by this library.
   */
  MOSQ_ERR_SERVER_UNAVAILABLE = 136,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 137 (Server busy); never returned by this library.
   */
  MOSQ_ERR_SERVER_BUSY = 137,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 138 (Banned); never returned by this library.
   */
  MOSQ_ERR_BANNED = 138,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 139 (Server shutting down); never returned by this library.
   */
  MOSQ_ERR_SERVER_SHUTTING_DOWN = 139,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 140 (Bad authentication method); never returned by this library.
   */
  MOSQ_ERR_BAD_AUTHENTICATION_METHOD = 140,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 142 (Session taken over); never returned by this library.
   */
  MOSQ_ERR_SESSION_TAKEN_OVER = 142,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 143 (Topic filter invalid); never returned by this library.
   */
  MOSQ_ERR_TOPIC_FILTER_INVALID = 143,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 144 (Topic name invalid); never returned by this library.
   */
  MOSQ_ERR_TOPIC_NAME_INVALID = 144,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 145 (Packet identifier in use); never returned by this library.
   */
  MOSQ_ERR_PACKET_ID_IN_USE = 145,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 146 (Packet identifier not found); never returned by this library.
   */
  MOSQ_ERR_PACKET_ID_NOT_FOUND = 146,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 147 (Receive Maximum exceeded); never returned by this library.
   */
  MOSQ_ERR_RECEIVE_MAXIMUM_EXCEEDED = 147,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 150 (Message rate too high); never returned by this library.
   */
  MOSQ_ERR_MESSAGE_RATE_TOO_HIGH = 150,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 153 (Payload format invalid); never returned by this library.
   */
  MOSQ_ERR_PAYLOAD_FORMAT_INVALID = 153,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 156 (Use another server); never returned by this library.
   */
  MOSQ_ERR_USE_ANOTHER_SERVER = 156,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 157 (Server moved); never returned by this library.
   */
  MOSQ_ERR_SERVER_MOVED = 157,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 158 (Shared subscriptions not supported); never returned by this library.
   */
  MOSQ_ERR_SHARED_SUBS_NOT_SUPPORTED = 158,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 159 (Connection rate exceeded); never returned by this library.
   */
  MOSQ_ERR_CONNECTION_RATE_EXCEEDED = 159,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 160 (Maximum connect time); never returned by this library.
   */
  MOSQ_ERR_MAXIMUM_CONNECT_TIME = 160,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 161 (Subscription identifiers not supported); never returned by this library.
   */
  MOSQ_ERR_SUBSCRIPTION_IDS_NOT_SUPPORTED = 161,
  /**
   * libmosquitto 2.1's name for MQTT 5 reason code 162 (Wildcard subscriptions not supported); never returned by this library.
   */
  MOSQ_ERR_WILDCARD_SUBS_NOT_SUPPORTED = 162,
};

/**
 * Options for `mosquitto_int_option`, `mosquitto_string_option` and `mosquitto_void_option`.
 */
enum mosq_opt_t {
  /**
   * `int`: the MQTT version, `MQTT_PROTOCOL_V31`, `MQTT_PROTOCOL_V311` (default) or `MQTT_PROTOCOL_V5`.
   */
  MOSQ_OPT_PROTOCOL_VERSION = 1,
  /**
   * `void *`: a ready TLS context (an OpenSSL `SSL_CTX *` in the original library).
   */
  MOSQ_OPT_SSL_CTX = 2,
  /**
   * `int`: whether to apply the library defaults to a context set with `MOSQ_OPT_SSL_CTX`.
   */
  MOSQ_OPT_SSL_CTX_WITH_DEFAULTS = 3,
  /**
   * `int`: how many QoS 1 and 2 messages the server may have in flight to this client (MQTT 5).
   */
  MOSQ_OPT_RECEIVE_MAXIMUM = 4,
  /**
   * `int`: how many QoS 1 and 2 messages this client may have in flight to the server.
   */
  MOSQ_OPT_SEND_MAXIMUM = 5,
  /**
   * `char *`: the form of the private key, `"pem"` or `"engine"`.
   */
  MOSQ_OPT_TLS_KEYFORM = 6,
  /**
   * `char *`: the id of the TLS engine to use.
   */
  MOSQ_OPT_TLS_ENGINE = 7,
  /**
   * `char *`: the hex SHA-1 of the private key password, for the TLS engine.
   */
  MOSQ_OPT_TLS_ENGINE_KPASS_SHA1 = 8,
  /**
   * `int`: whether the server must staple a valid OCSP response.
   */
  MOSQ_OPT_TLS_OCSP_REQUIRED = 9,
  /**
   * `char *`: the ALPN protocol to offer in the TLS handshake.
   */
  MOSQ_OPT_TLS_ALPN = 10,
  /**
   * `int`: whether to disable Nagle's algorithm on the socket.
   */
  MOSQ_OPT_TCP_NODELAY = 11,
  /**
   * `char *`: the local address to bind the socket to.
   */
  MOSQ_OPT_BIND_ADDRESS = 12,
  /**
   * `int`: whether to trust the certificate authorities of the operating system.
   */
  MOSQ_OPT_TLS_USE_OS_CERTS = 13,
  /**
   * `int` (libmosquitto 2.1): whether to do without the internal socket pair that wakes the
   * network loop (accepted and ignored: this library wakes its loop otherwise).
   */
  MOSQ_OPT_DISABLE_SOCKETPAIR = 14,
  /**
   * `int` (libmosquitto 2.1): the transport of the next connections, `MOSQ_T_TCP` (default)
   * or `MOSQ_T_WEBSOCKETS`.
   */
  MOSQ_OPT_TRANSPORT = 15,
  /**
   * `char *` (libmosquitto 2.1): the path of the websocket upgrade request (default
   * `"/mqtt"`).
   */
  MOSQ_OPT_HTTP_PATH = 16,
  /**
   * `int` (libmosquitto 2.1): the most bytes of HTTP headers accepted in the websocket
   * upgrade response (at least 100; default 4096).
   */
  MOSQ_OPT_HTTP_HEADER_SIZE = 17,
};

/**
 * Transports for `MOSQ_OPT_TRANSPORT` (libmosquitto 2.1).
 */
enum mosq_transport_t {
  /**
   * MQTT directly over TCP (or TLS), the default.
   */
  MOSQ_T_TCP = 1,
  /**
   * MQTT in WebSocket frames, over TCP or TLS.
   */
  MOSQ_T_WEBSOCKETS = 2,
};

/**
 * A client instance. Opaque: only ever used through a pointer.
 */
struct mosquitto;

/**
 * One MQTT v5 property in a list. Opaque: only ever used through a pointer.
 */
struct mqtt5__property;

/**
 * A list of MQTT v5 properties.
 */
typedef struct mqtt5__property mosquitto_property;

/**
 * A message as passed to the message callbacks and filled by `mosquitto_subscribe_simple`.
 */
struct mosquitto_message {
  /**
   * The message id (0 for QoS 0).
   */
  int mid;
  /**
   * The topic, a NUL-terminated string.
   */
  char *topic;
  /**
   * The payload bytes (not NUL-terminated), or NULL if empty.
   */
  void *payload;
  /**
   * The payload length in bytes.
   */
  int payloadlen;
  /**
   * The QoS (0, 1 or 2).
   */
  int qos;
  /**
   * Whether the message is retained.
   */
  bool retain;
};

/**
 * Will settings for `mosquitto_subscribe_simple` and `mosquitto_subscribe_callback`.
 */
struct libmosquitto_will {
  /**
   * The will topic.
   */
  char *topic;
  /**
   * The will payload, or NULL.
   */
  void *payload;
  /**
   * The will payload length in bytes.
   */
  int payloadlen;
  /**
   * The will QoS.
   */
  int qos;
  /**
   * Whether the will is retained.
   */
  bool retain;
};

/**
 * TLS settings for `mosquitto_subscribe_simple` and `mosquitto_subscribe_callback`.
 */
struct libmosquitto_tls {
  /**
   * A file of PEM certificate authorities, or NULL.
   */
  char *cafile;
  /**
   * A directory of PEM certificate authorities, or NULL.
   */
  char *capath;
  /**
   * The client certificate (PEM), or NULL.
   */
  char *certfile;
  /**
   * The client private key (PEM), or NULL.
   */
  char *keyfile;
  /**
   * The allowed ciphers, or NULL for the default.
   */
  char *ciphers;
  /**
   * The TLS version, or NULL for the default.
   */
  char *tls_version;
  /**
   * Called to get the password of an encrypted key file, or NULL.
   */
  int (*pw_callback)(char *buf, int size, int rwflag, void *userdata);
  /**
   * Whether to verify the server certificate (0: no, 1: yes).
   */
  int cert_reqs;
};

/**
 * Credentials for `mosquitto_subscribe_simple` and `mosquitto_subscribe_callback`.
 */
struct libmosquitto_auth {
  /**
   * The user name, or NULL.
   */
  char *username;
  /**
   * The password, or NULL.
   */
  char *password;
};

/**
 * `on_connect(mosq, obj, rc)`.
 */
typedef void (*LIBMOSQ_CB_connect)(struct mosquitto*, void*, int);

/**
 * `on_connect(mosq, obj, rc, flags)`.
 */
typedef void (*LIBMOSQ_CB_connect_with_flags)(struct mosquitto*, void*, int, int);

/**
 * `on_connect(mosq, obj, rc, flags, props)`.
 */
typedef void (*LIBMOSQ_CB_connect_v5)(struct mosquitto*, void*, int, int, const mosquitto_property*);

/**
 * `on_pre_connect(mosq, obj)`.
 */
typedef void (*LIBMOSQ_CB_pre_connect)(struct mosquitto*, void*);

/**
 * `on_disconnect(mosq, obj, rc)`.
 */
typedef void (*LIBMOSQ_CB_disconnect)(struct mosquitto*, void*, int);

/**
 * `on_disconnect(mosq, obj, rc, props)`.
 */
typedef void (*LIBMOSQ_CB_disconnect_v5)(struct mosquitto*, void*, int, const mosquitto_property*);

/**
 * `on_publish(mosq, obj, mid)`.
 */
typedef void (*LIBMOSQ_CB_publish)(struct mosquitto*, void*, int);

/**
 * `on_publish(mosq, obj, mid, reason_code, props)`.
 */
typedef void (*LIBMOSQ_CB_publish_v5)(struct mosquitto*, void*, int, int, const mosquitto_property*);

/**
 * `on_message(mosq, obj, message)`.
 */
typedef void (*LIBMOSQ_CB_message)(struct mosquitto*, void*, const struct mosquitto_message*);

/**
 * `on_message(mosq, obj, message, props)`.
 */
typedef void (*LIBMOSQ_CB_message_v5)(struct mosquitto*,
                                      void*,
                                      const struct mosquitto_message*,
                                      const mosquitto_property*);

/**
 * `on_subscribe(mosq, obj, mid, qos_count, granted_qos)`.
 */
typedef void (*LIBMOSQ_CB_subscribe)(struct mosquitto*, void*, int, int, const int*);

/**
 * `on_subscribe(mosq, obj, mid, qos_count, granted_qos, props)`.
 */
typedef void (*LIBMOSQ_CB_subscribe_v5)(struct mosquitto*,
                                        void*,
                                        int,
                                        int,
                                        const int*,
                                        const mosquitto_property*);

/**
 * `on_unsubscribe(mosq, obj, mid)`.
 */
typedef void (*LIBMOSQ_CB_unsubscribe)(struct mosquitto*, void*, int);

/**
 * `on_unsubscribe(mosq, obj, mid, props)`.
 */
typedef void (*LIBMOSQ_CB_unsubscribe_v5)(struct mosquitto*, void*, int, const mosquitto_property*);

/**
 * `on_unsubscribe(mosq, obj, mid, reason_code_count, reason_codes, props)`.
 */
typedef void (*LIBMOSQ_CB_unsubscribe2_v5)(struct mosquitto*,
                                           void*,
                                           int,
                                           int,
                                           const int*,
                                           const mosquitto_property*);

/**
 * `on_ext_auth(mosq, obj, auth_method, auth_data_len, auth_data, props)`.
 */
typedef int (*LIBMOSQ_CB_ext_auth)(struct mosquitto*,
                                   void*,
                                   const char*,
                                   uint16_t,
                                   const void*,
                                   const mosquitto_property*);

/**
 * `on_log(mosq, obj, level, str)`.
 */
typedef void (*LIBMOSQ_CB_log)(struct mosquitto*, void*, int, const char*);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Report the version of this library: `*major`, `*minor` and `*revision` receive its parts
 * (2, 0, 20) where the pointers are not NULL.
 *
 * Returns the version as one number, `major * 1000000 + minor * 1000 + revision`
 * (`LIBMOSQUITTO_VERSION_NUMBER`, 2000020).
 *
 * # Safety
 * Each pointer is NULL or valid for a write.
 */
int mosquitto_lib_version(int *major, int *minor, int *revision);

/**
 * Initialise the library. Calls are counted, and each should be matched by one
 * `mosquitto_lib_cleanup`. The first call seeds the C library's `rand()`. Nothing else needs
 * setting up, so other functions also work without this call. Safe to call from any thread.
 *
 * Always returns `MOSQ_ERR_SUCCESS`.
 */
int mosquitto_lib_init(void);

/**
 * Undo one `mosquitto_lib_init`. Extra calls (more cleanups than inits) do nothing. Clients
 * that still exist keep working. Safe to call from any thread.
 *
 * Always returns `MOSQ_ERR_SUCCESS`.
 */
int mosquitto_lib_cleanup(void);

/**
 * Create a new client instance.
 *
 * `id` is the client id to connect with. It may be NULL when `clean_session` is true: MQTT
 * 3.1.1 and 5.0 connections then send an empty id and let the server assign one, and MQTT 3.1
 * connections generate a random `mosq-...` id at connect time. With `clean_session` false the
 * server keeps subscriptions and queued messages across connections, which needs an id.
 *
 * `obj` is handed to every callback as its user data; when it is NULL, the client pointer itself
 * is passed instead.
 *
 * Returns the new client, or NULL with `errno` set to `EINVAL` (NULL id with `clean_session`
 * false, or an empty id) or `ENOMEM`. An id that is not valid MQTT UTF-8 also gives NULL.
 * Release the client with `mosquitto_destroy`. Calling `mosquitto_lib_init` first is
 * recommended but not required.
 *
 * # Safety
 * `id` is NULL or a NUL-terminated string.
 */
struct mosquitto *mosquitto_new(const char *id, bool clean_session, void *obj);

/**
 * Free a client instance and everything it holds.
 *
 * A loop thread started with `mosquitto_loop_start` is stopped first. The network connection,
 * if any, is closed without sending DISCONNECT (call `mosquitto_disconnect` first for a clean
 * disconnection; the server publishes the will otherwise). NULL is ignored.
 *
 * Calling it from inside one of the client's own callbacks is allowed: the client stops at once
 * and its memory is released when the callback returns.
 *
 * # Safety
 * `mosq` is NULL or a client from `mosquitto_new` not yet destroyed; it must not be used after
 * this call.
 */
void mosquitto_destroy(struct mosquitto *mosq);

/**
 * Reset a client to the state `mosquitto_new` leaves it in, with a new id, session flag and
 * user data.
 *
 * A running loop thread is stopped, the connection is closed without DISCONNECT, and every
 * setting, queued message and callback is forgotten.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client, NULL id with `clean_session`
 * false, or an empty id), `MOSQ_ERR_MALFORMED_UTF8` (invalid id) or `MOSQ_ERR_NOMEM`.
 *
 * # Safety
 * `mosq` is NULL or a valid client; `id` is NULL or a NUL-terminated string. Must not be
 * called from the client's own callbacks.
 */
int mosquitto_reinitialise(struct mosquitto *mosq, const char *id, bool clean_session, void *obj);

/**
 * Replace the user data passed to the callbacks (NULL is allowed here).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
void mosquitto_user_data_set(struct mosquitto *mosq, void *obj);

/**
 * The user data passed to the callbacks (NULL for a NULL client).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
void *mosquitto_userdata(struct mosquitto *mosq);

/**
 * Set the will: a message the server publishes for this client if the connection ends without
 * DISCONNECT. Must be set before connecting; it applies to later connections.
 *
 * `topic` may not contain wildcards; `payload` points to `payloadlen` bytes (0 to 268435455),
 * copied. `qos` and `retain` apply to the will message.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client or topic, wildcards, NULL payload
 * with a length), `MOSQ_ERR_PAYLOAD_SIZE` or `MOSQ_ERR_MALFORMED_UTF8`.
 *
 * # Safety
 * `mosq` is NULL or a valid client; `topic` is NULL or a NUL-terminated string; `payload` is
 * NULL or points to `payloadlen` readable bytes.
 */
int mosquitto_will_set(struct mosquitto *mosq,
                       const char *topic,
                       int payloadlen,
                       const void *payload,
                       int qos,
                       bool retain);

/**
 * Like `mosquitto_will_set`, with MQTT v5 will properties. The protocol must already be set to
 * v5 (`MOSQ_ERR_NOT_SUPPORTED` otherwise) and each property must be allowed in a will
 * (`MOSQ_ERR_PROTOCOL`). On success the library takes ownership of `properties`: do not free
 * them. On failure they remain the caller's.
 *
 * # Safety
 * As for `mosquitto_will_set`; `properties` is NULL or a property list built with the
 * `mosquitto_property_add_*` functions.
 */
int mosquitto_will_set_v5(struct mosquitto *mosq,
                          const char *topic,
                          int payloadlen,
                          const void *payload,
                          int qos,
                          bool retain,
                          mosquitto_property *properties);

/**
 * Remove the will; later connections are made without one.
 *
 * Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_will_clear(struct mosquitto *mosq);

/**
 * Set the username and password sent in CONNECT by later connections. NULL `username` clears
 * both. MQTT 3.x cannot send a password without a username (`MOSQ_ERR_INVAL`); MQTT v5 can.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client, password without username for
 * 3.x, username longer than 65535 bytes) or `MOSQ_ERR_MALFORMED_UTF8` (username not valid
 * UTF-8).
 *
 * # Safety
 * `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
 */
int mosquitto_username_pw_set(struct mosquitto *mosq, const char *username, const char *password);

/**
 * Continue MQTT v5 enhanced authentication, from inside the callback set with
 * `mosquitto_ext_auth_callback_set`: send the server AUTH with reason code 0x18 (continue
 * authentication), carrying a copy of `props` (may be NULL), the authentication method
 * `auth_method` and, when `auth_data_len` is not 0, the `auth_data_len` bytes at
 * `auth_data`. The caller keeps ownership of `props`.
 *
 * Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_PROTOCOL` if `mosq` or `auth_method` is NULL or the
 * client does not use MQTT v5 (as libmosquitto 2.1 answers these cases); `MOSQ_ERR_INVAL` if
 * `auth_data` is NULL with a non-zero length; `MOSQ_ERR_MALFORMED_UTF8` if `auth_method` is
 * not valid UTF-8; `MOSQ_ERR_OVERSIZE_PACKET` if the packet exceeds the server's maximum
 * packet size; `MOSQ_ERR_NO_CONN` without a connection.
 *
 * # Safety
 * `mosq` is NULL or a valid client; `auth_method` is NULL or NUL-terminated; `auth_data` is
 * NULL or points to `auth_data_len` readable bytes; `props` is NULL or a property list built
 * by this library.
 */
int mosquitto_ext_auth_continue(struct mosquitto *mosq,
                                const char *auth_method,
                                uint16_t auth_data_len,
                                const void *auth_data,
                                const mosquitto_property *props);

/**
 * Connect to a server and wait until the TCP connection is established, then queue CONNECT
 * (sent before this returns unless a loop thread is running). The CONNACK arrives later,
 * through the loop functions, and is reported by the connect callback.
 *
 * `host` is a host name or address (with `port` 0, the path of a Unix-domain socket); every
 * address the name resolves to is tried in turn. `keepalive` is the number of seconds after
 * which the client pings the server when nothing else was sent: 0 (off) or 5 to 65535.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (bad argument), `MOSQ_ERR_EAI` (name lookup
 * failed; `errno` holds the getaddrinfo code), `MOSQ_ERR_ERRNO` (connection failed; `errno`
 * tells why) or `MOSQ_ERR_NOT_SUPPORTED` (v5 connect properties with an older protocol).
 * After a failure, `mosquitto_loop_forever` and the loop thread keep retrying.
 *
 * # Safety
 * `mosq` is NULL or a valid client; `host` is NULL or a NUL-terminated string.
 */
int mosquitto_connect(struct mosquitto *mosq, const char *host, int port, int keepalive);

/**
 * Like `mosquitto_connect`, binding the local end of the connection to `bind_address` (a
 * local address or host name; NULL for any).
 *
 * # Safety
 * `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
 */
int mosquitto_connect_bind(struct mosquitto *mosq,
                           const char *host,
                           int port,
                           int keepalive,
                           const char *bind_address);

/**
 * Like `mosquitto_connect_bind`, with MQTT v5 CONNECT properties (checked, then copied: the
 * caller keeps ownership of `properties`). They are sent on this and every later reconnection;
 * properties with an MQTT 3.x protocol make the connection fail with `MOSQ_ERR_NOT_SUPPORTED`.
 *
 * # Safety
 * `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated; `properties` is
 * NULL or a property list.
 */
int mosquitto_connect_bind_v5(struct mosquitto *mosq,
                              const char *host,
                              int port,
                              int keepalive,
                              const char *bind_address,
                              const mosquitto_property *properties);

/**
 * Like `mosquitto_connect`, without waiting: the TCP connection completes in the background
 * and CONNECT is sent when it does. Use with `mosquitto_loop_start` (which may come first) or
 * the loop functions. Name lookup still happens during the call.
 *
 * # Safety
 * `mosq` is NULL or a valid client; `host` is NULL or a NUL-terminated string.
 */
int mosquitto_connect_async(struct mosquitto *mosq, const char *host, int port, int keepalive);

/**
 * Like `mosquitto_connect_async`, binding the local end to `bind_address`.
 *
 * # Safety
 * `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
 */
int mosquitto_connect_bind_async(struct mosquitto *mosq,
                                 const char *host,
                                 int port,
                                 int keepalive,
                                 const char *bind_address);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_connect_srv(struct mosquitto *mosq,
                          const char *host,
                          int keepalive,
                          const char *bind_address);

/**
 * Connect again to the host of the last connect call, waiting for the TCP connection. Messages
 * still in flight are resent once the server accepts the new connection.
 *
 * Returns the codes of `mosquitto_connect`; `MOSQ_ERR_INVAL` if there was no connect call.
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_reconnect(struct mosquitto *mosq);

/**
 * Like `mosquitto_reconnect`, without waiting for the TCP connection.
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_reconnect_async(struct mosquitto *mosq);

/**
 * Disconnect from the server: sends DISCONNECT, and the connection closes once it has been
 * written (then the disconnect callback gets 0). `mosquitto_loop_forever` returns and the loop
 * thread ends after that; neither reconnects.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` or `MOSQ_ERR_NO_CONN` (not connected; the
 * request still stops the reconnect loop).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_disconnect(struct mosquitto *mosq);

/**
 * Like `mosquitto_disconnect`, with an MQTT v5 reason code (0 to 255) and properties (copied;
 * the caller keeps ownership). Properties with an MQTT 3.x protocol give
 * `MOSQ_ERR_NOT_SUPPORTED`.
 *
 * # Safety
 * `mosq` is NULL or a valid client; `properties` is NULL or a property list.
 */
int mosquitto_disconnect_v5(struct mosquitto *mosq,
                            int reason_code,
                            const mosquitto_property *properties);

/**
 * Publish a message on `topic`.
 *
 * `payload` points to `payloadlen` bytes (0 to 268435455; NULL is allowed when the length is
 * 0), which are copied. `qos` is 0, 1 or 2. With `retain`, the server keeps the message as the
 * topic's last known good value. When `mid` is not NULL it receives the message id, which the
 * publish callback reports once the message has been written (QoS 0), acknowledged (QoS 1) or
 * completed (QoS 2).
 *
 * A QoS 1 or 2 message is stored until it completes: sent at once when the in-flight limit
 * allows, otherwise queued, and sent again after a reconnection. Without a connection it is
 * kept for the next one and `MOSQ_ERR_NO_CONN` is returned; a QoS 0 message is dropped then.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client, bad QoS, empty topic or one with
 * wildcards), `MOSQ_ERR_NO_CONN`, `MOSQ_ERR_PAYLOAD_SIZE`, `MOSQ_ERR_MALFORMED_UTF8` (topic not
 * valid UTF-8), `MOSQ_ERR_QOS_NOT_SUPPORTED` (above the server's maximum QoS) or
 * `MOSQ_ERR_OVERSIZE_PACKET` (above the server's maximum packet size).
 *
 * # Safety
 * `mosq` is NULL or a valid client; `mid` is NULL or writable; `topic` is NULL or a
 * NUL-terminated string; `payload` is NULL or points to `payloadlen` readable bytes.
 */
int mosquitto_publish(struct mosquitto *mosq,
                      int *mid,
                      const char *topic,
                      int payloadlen,
                      const void *payload,
                      int qos,
                      bool retain);

/**
 * Like `mosquitto_publish`, with MQTT v5 PUBLISH properties (checked and copied; the caller
 * keeps ownership). With a topic alias property, `topic` may be NULL or empty. Properties with
 * an MQTT 3.x protocol give `MOSQ_ERR_NOT_SUPPORTED`; a property not allowed in PUBLISH gives
 * `MOSQ_ERR_PROTOCOL` (or `MOSQ_ERR_DUPLICATE_PROPERTY`).
 *
 * # Safety
 * As for `mosquitto_publish`; `properties` is NULL or a property list.
 */
int mosquitto_publish_v5(struct mosquitto *mosq,
                         int *mid,
                         const char *topic,
                         int payloadlen,
                         const void *payload,
                         int qos,
                         bool retain,
                         const mosquitto_property *properties);

/**
 * Subscribe to a topic filter (`+` and `#` wildcards allowed) with a maximum QoS of 0, 1 or 2.
 * When `mid` is not NULL it receives the message id the subscribe callback will report.
 * Needs a connection (or one being established).
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL argument, bad QoS or filter),
 * `MOSQ_ERR_NO_CONN`, `MOSQ_ERR_MALFORMED_UTF8` or `MOSQ_ERR_OVERSIZE_PACKET`.
 *
 * # Safety
 * `mosq` is NULL or a valid client; `mid` is NULL or writable; `sub` is NULL or a
 * NUL-terminated string.
 */
int mosquitto_subscribe(struct mosquitto *mosq, int *mid, const char *sub, int qos);

/**
 * Like `mosquitto_subscribe`, with MQTT v5 subscription options (OR-ed into the QoS byte:
 * `MQTT_SUB_OPT_NO_LOCAL`, `MQTT_SUB_OPT_RETAIN_AS_PUBLISHED` and one of the
 * `MQTT_SUB_OPT_SEND_RETAIN_*` values; ignored for MQTT 3.x) and SUBSCRIBE properties
 * (copied; the caller keeps ownership).
 *
 * # Safety
 * As for `mosquitto_subscribe`; `properties` is NULL or a property list.
 */
int mosquitto_subscribe_v5(struct mosquitto *mosq,
                           int *mid,
                           const char *sub,
                           int qos,
                           int options,
                           const mosquitto_property *properties);

/**
 * Subscribe to `sub_count` filters in one SUBSCRIBE packet, all with the same QoS and options.
 *
 * # Safety
 * As for `mosquitto_subscribe_v5`; `sub` is NULL or points to `sub_count` strings.
 */
int mosquitto_subscribe_multiple(struct mosquitto *mosq,
                                 int *mid,
                                 int sub_count,
                                 char *const *const sub,
                                 int qos,
                                 int options,
                                 const mosquitto_property *properties);

/**
 * Unsubscribe from a topic filter. When `mid` is not NULL it receives the message id the
 * unsubscribe callback will report.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL`, `MOSQ_ERR_NO_CONN`, `MOSQ_ERR_MALFORMED_UTF8`
 * or `MOSQ_ERR_OVERSIZE_PACKET`.
 *
 * # Safety
 * `mosq` is NULL or a valid client; `mid` is NULL or writable; `sub` is NULL or a
 * NUL-terminated string.
 */
int mosquitto_unsubscribe(struct mosquitto *mosq, int *mid, const char *sub);

/**
 * Like `mosquitto_unsubscribe`, with MQTT v5 UNSUBSCRIBE properties (copied).
 *
 * # Safety
 * As for `mosquitto_unsubscribe`; `properties` is NULL or a property list.
 */
int mosquitto_unsubscribe_v5(struct mosquitto *mosq,
                             int *mid,
                             const char *sub,
                             const mosquitto_property *properties);

/**
 * Unsubscribe from `sub_count` filters in one UNSUBSCRIBE packet.
 *
 * # Safety
 * As for `mosquitto_unsubscribe_v5`; `sub` is NULL or points to `sub_count` strings.
 */
int mosquitto_unsubscribe_multiple(struct mosquitto *mosq,
                                   int *mid,
                                   int sub_count,
                                   char *const *const sub,
                                   const mosquitto_property *properties);

/**
 * Make `dst` a deep copy of `src`: same mid, QoS and retain flag, and new C heap copies of
 * the topic and the payload. The payload copy is `payloadlen + 1` bytes with a final zero
 * byte; an empty payload (`payloadlen` 0) becomes a NULL payload.
 *
 * `dst`'s previous topic and payload are not freed. Release the copy with
 * `mosquitto_message_free_contents` (or `mosquitto_message_free` if `dst` itself is on the
 * C heap).
 *
 * Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if `dst` or `src` is NULL, if `src` has no topic,
 * a negative `payloadlen`, or a NULL payload with a positive length (`dst` is then untouched);
 * `MOSQ_ERR_NOMEM` if memory ran out (`dst` is then untouched and nothing is leaked).
 *
 * # Safety
 * `dst` is NULL or valid for a write; `src` is NULL or a valid message whose topic is NULL or
 * a C string and whose payload has `payloadlen` readable bytes.
 */
int mosquitto_message_copy(struct mosquitto_message *dst, const struct mosquitto_message *src);

/**
 * Free a message that lives on the C heap: its topic, its payload, and the struct itself.
 * Does nothing if `message` or `*message` is NULL.
 *
 * Like libmosquitto, this does not set `*message` to NULL; do not use the pointer afterwards.
 *
 * # Safety
 * `message` is NULL or points to NULL or to a message allocated with the C allocator whose
 * topic and payload are each NULL or from the C allocator, none of them used afterwards.
 */
void mosquitto_message_free(struct mosquitto_message **message);

/**
 * Free the topic and payload of a message without freeing the struct (for a message on the
 * stack or in an array), and set both pointers to NULL, so that calling this twice is
 * harmless. The other fields are left as they are. Does nothing if `message` is NULL.
 *
 * # Safety
 * `message` is NULL or points to a message whose topic and payload are each NULL or from the C
 * allocator and not used afterwards through other pointers.
 */
void mosquitto_message_free_contents(struct mosquitto_message *message);

/**
 * Run the network loop once: wait up to `timeout` milliseconds (1000 if negative) for network
 * activity or for a call from another thread, then read what arrived, write what is queued and
 * send a PINGREQ when the keepalive is due.
 *
 * Returns `MOSQ_ERR_SUCCESS` (also when the connection was closed on purpose during this call),
 * `MOSQ_ERR_INVAL` (NULL client or `max_packets` < 1), `MOSQ_ERR_NO_CONN` (no connection: returns at
 * once, without waiting), or the error that closed the connection (`MOSQ_ERR_CONN_LOST`,
 * `MOSQ_ERR_PROTOCOL`, `MOSQ_ERR_KEEPALIVE`, `MOSQ_ERR_ERRNO` with `errno` set, ...; the
 * disconnect callback has been called). `max_packets` is not used beyond that check.
 *
 * Unlike libmosquitto this waits with poll(2), so any file descriptor number works.
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_loop(struct mosquitto *mosq,
                   int timeout,
                   int max_packets);

/**
 * Run the network loop until `mosquitto_disconnect` is called, reconnecting after connection
 * losses with the delays of `mosquitto_reconnect_delay_set`.
 *
 * `timeout` and `max_packets` are passed to each `mosquitto_loop` pass. Returns
 * `MOSQ_ERR_SUCCESS` after a disconnect the application asked for, or the first error that
 * reconnecting cannot cure: `MOSQ_ERR_NOMEM`, `MOSQ_ERR_PROTOCOL`, `MOSQ_ERR_INVAL`,
 * `MOSQ_ERR_TLS`, `MOSQ_ERR_PAYLOAD_SIZE`, `MOSQ_ERR_NOT_SUPPORTED`, `MOSQ_ERR_AUTH`,
 * `MOSQ_ERR_UNKNOWN`, `MOSQ_ERR_EAI`, `MOSQ_ERR_PROXY`, or a TLS failure (`MOSQ_ERR_TLS`, or
 * `MOSQ_ERR_ERRNO` with `errno` `EPROTO` when it happens in the loop); TLS and SOCKS5 proxy
 * failures end it also when they happen while reconnecting, and a TLS failure of the connect
 * call before it ends it at once. A refused connection, a lost connection and a keepalive
 * timeout are retried.
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_loop_forever(struct mosquitto *mosq, int timeout, int max_packets);

/**
 * Start a thread (named "mosquitto loop") that runs the network loop until
 * `mosquitto_loop_stop`. It may be called before `mosquitto_connect_async`: the thread waits
 * for the first connect call. Other threads may then call any function at any time; output
 * they queue is written by the loop thread, which callbacks run in.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client, a loop thread already running, or
 * `mosquitto_threaded_set(mosq, true)` in effect) or `MOSQ_ERR_ERRNO` if the thread cannot be
 * created.
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_loop_start(struct mosquitto *mosq);

/**
 * Stop the thread started by `mosquitto_loop_start` and wait for it to end.
 *
 * Without `force`, the thread keeps serving the connection until `mosquitto_disconnect` (from
 * any thread or callback, before or after this call) has been carried out: it writes what is
 * queued, waits for acknowledgements, sends DISCONNECT and then exits. With `force`, the
 * thread is woken and exits at once (it is never cancelled), dropping the connection; a
 * connect in progress is abandoned. Called from a callback running in the loop thread, it does
 * not wait for the thread, which ends as described once the callback returns.
 *
 * Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client, or no loop thread).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_loop_stop(struct mosquitto *mosq, bool force);

/**
 * Read what the network has for the client: for applications running their own event loop,
 * when `mosquitto_socket` is readable. `max_packets` must be at least 1 and is otherwise
 * unused: everything available is read.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL`, `MOSQ_ERR_NO_CONN`, or the error that closed
 * the connection (the disconnect callback has been called).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_loop_read(struct mosquitto *mosq, int max_packets);

/**
 * Write queued output: for applications running their own event loop, when
 * `mosquitto_want_write` is true and `mosquitto_socket` is writable.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL`, `MOSQ_ERR_NO_CONN`, or the error that closed
 * the connection (the disconnect callback has been called).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_loop_write(struct mosquitto *mosq, int max_packets);

/**
 * Keepalive housekeeping for applications running their own event loop: call it about once a
 * second. Sends PINGREQ when due, and closes the connection with `MOSQ_ERR_KEEPALIVE` when the
 * server did not answer in time.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL`, `MOSQ_ERR_NO_CONN` or `MOSQ_ERR_KEEPALIVE`.
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_loop_misc(struct mosquitto *mosq);

/**
 * The client's socket, for applications that wait for network events themselves, or -1 when
 * there is no connection (or for a NULL client).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_socket(struct mosquitto *mosq);

/**
 * Whether the client has output waiting for the socket to become writable (then call
 * `mosquitto_loop_write`). False for a NULL client.
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
bool mosquitto_want_write(struct mosquitto *mosq);

/**
 * Tell the library that the application runs the network loop in a thread of its own (true)
 * or not (false). With true, API calls from other threads never write to the socket
 * themselves: they queue their output and wake the thread waiting in `mosquitto_loop`.
 * Every function is thread-safe either way.
 *
 * Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_threaded_set(struct mosquitto *mosq, bool threaded);

/**
 * Set an option through a pointer (the older interface): `MOSQ_OPT_PROTOCOL_VERSION` takes a
 * pointer to an `int` holding `MQTT_PROTOCOL_V31`, `MQTT_PROTOCOL_V311` or `MQTT_PROTOCOL_V5`.
 * `MOSQ_OPT_SSL_CTX` (an OpenSSL context) cannot be used by this library: a non-NULL one gives
 * `MOSQ_ERR_NOT_SUPPORTED` and makes every later connect fail with `MOSQ_ERR_TLS`.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client or value, unknown option or value)
 * or `MOSQ_ERR_NOT_SUPPORTED`.
 *
 * # Safety
 * `mosq` is NULL or a valid client; `value` is NULL or points to what the option expects.
 */
int mosquitto_opts_set(struct mosquitto *mosq, enum mosq_opt_t option, void *value);

/**
 * Set an integer option:
 * - `MOSQ_OPT_PROTOCOL_VERSION`: `MQTT_PROTOCOL_V31`, `MQTT_PROTOCOL_V311` (default) or
 *   `MQTT_PROTOCOL_V5`, used by the next connect;
 * - `MOSQ_OPT_RECEIVE_MAXIMUM`: how many QoS 1/2 messages the server may have in flight
 *   towards us (MQTT v5; 0 to 65535, 0 meaning 65535; default 20);
 * - `MOSQ_OPT_SEND_MAXIMUM`: how many QoS 1/2 messages we keep in flight (0 to 65535, 0
 *   meaning 65535; default 20; a v5 server's receive maximum replaces it);
 * - `MOSQ_OPT_TCP_NODELAY`: non-zero disables Nagle's algorithm on the next connection.
 *
 * - `MOSQ_OPT_TLS_USE_OS_CERTS`: non-zero also trusts the operating system's CA certificates
 *   (and turns TLS on, like `mosquitto_tls_set`).
 *
 * - `MOSQ_OPT_SSL_CTX_WITH_DEFAULTS`: non-zero turns TLS on with the library's defaults: the
 *   CA file or directory of `mosquitto_tls_set` if given, else the operating system's CA
 *   certificates.
 *
 * - `MOSQ_OPT_TRANSPORT` (libmosquitto 2.1): `MOSQ_T_TCP` (default) or `MOSQ_T_WEBSOCKETS`,
 *   MQTT in WebSocket frames (over TLS too), for the next connections;
 * - `MOSQ_OPT_HTTP_HEADER_SIZE` (libmosquitto 2.1): the most bytes of HTTP headers accepted
 *   in the websocket upgrade response, at least 100 (default 4096);
 * - `MOSQ_OPT_DISABLE_SOCKETPAIR` (libmosquitto 2.1): accepted and ignored (this library
 *   has no socket pair to disable).
 *
 * `MOSQ_OPT_TLS_OCSP_REQUIRED` can only be 0 here: OCSP stapling cannot be checked
 * (`MOSQ_ERR_NOT_SUPPORTED` for non-zero). In a build without TLS every TLS option gives
 * `MOSQ_ERR_NOT_SUPPORTED`, as in libmosquitto built without TLS.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client, unknown option or value out of
 * range) or `MOSQ_ERR_NOT_SUPPORTED`.
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_int_option(struct mosquitto *mosq, enum mosq_opt_t option, int value);

/**
 * Set a string option:
 * - `MOSQ_OPT_BIND_ADDRESS`: the local address to bind to on the next connection (NULL clears
 *   it);
 * - `MOSQ_OPT_TLS_ALPN`: the application protocol offered in the TLS handshake (NULL clears it);
 * - `MOSQ_OPT_TLS_KEYFORM`: `"pem"` (case-insensitive); `"engine"` is not supported;
 * - `MOSQ_OPT_HTTP_PATH` (libmosquitto 2.1): the path of the websocket upgrade request
 *   (NULL: `"/mqtt"`; one with spaces or control characters is `MOSQ_ERR_INVAL`).
 *
 * OpenSSL engines (`MOSQ_OPT_TLS_ENGINE`, `MOSQ_OPT_TLS_ENGINE_KPASS_SHA1`) are not supported.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client or unknown option) or
 * `MOSQ_ERR_NOT_SUPPORTED`.
 *
 * # Safety
 * `mosq` is NULL or a valid client; `value` is NULL or a NUL-terminated string.
 */
int mosquitto_string_option(struct mosquitto *mosq, enum mosq_opt_t option, const char *value);

/**
 * Set a pointer option. The only one, `MOSQ_OPT_SSL_CTX` (an OpenSSL context), cannot be used
 * by this library: a non-NULL context gives `MOSQ_ERR_NOT_SUPPORTED`, and every later connect
 * then fails with `MOSQ_ERR_TLS` rather than connect without TLS; NULL clears it. Other
 * options give `MOSQ_ERR_INVAL`.
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_void_option(struct mosquitto *mosq, enum mosq_opt_t option, void *value);

/**
 * Set the delay between reconnection attempts of `mosquitto_loop_forever` and the loop
 * thread: `reconnect_delay` seconds (0 counts as 1), growing after each failed attempt up to
 * `reconnect_delay_max` when that is larger: linearly (delay × attempts), or with
 * `reconnect_exponential_backoff` quadratically (delay × attempts²). A successful connection
 * resets it. The default is 1 second, without growth.
 *
 * Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_reconnect_delay_set(struct mosquitto *mosq,
                                  unsigned int reconnect_delay,
                                  unsigned int reconnect_delay_max,
                                  bool reconnect_exponential_backoff);

/**
 * Set how many QoS 1/2 messages may be in flight at once (0 means 65535, the default is 20);
 * further messages are queued and sent as acknowledgements arrive. Same as
 * `mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, max_inflight_messages)`.
 *
 * Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client, or more than 65535).
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_max_inflight_messages_set(struct mosquitto *mosq, unsigned int max_inflight_messages);

/**
 * Kept for compatibility and ignored: messages are retried only when reconnecting, as in
 * libmosquitto 2.0.
 *
 * # Safety
 * Any pointer is accepted; it is not used.
 */
void mosquitto_message_retry_set(struct mosquitto *mosq, unsigned int message_retry);

/**
 * Use TLS for the next connections, trusting the CA certificates in `cafile` (PEM) and/or the
 * directory `capath`, and optionally presenting the client certificate `certfile` with its
 * private key `keyfile` (both PEM). An encrypted key is decrypted with the password
 * `pw_callback` writes into its buffer (returning the length); its last argument is the client.
 *
 * The files are read when connecting; failures then make the connection fail with
 * `MOSQ_ERR_TLS` and an error log line that names the file and the problem.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (NULL client, neither `cafile` nor `capath`,
 * only one of `certfile` and `keyfile`, or a file that cannot be opened);
 * `MOSQ_ERR_NOT_SUPPORTED` from a build without TLS.
 *
 * # Safety
 * `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
 */
int mosquitto_tls_set(struct mosquitto *mosq,
                      const char *cafile,
                      const char *capath,
                      const char *certfile,
                      const char *keyfile,
                      int (*pw_callback)(char *buf, int size, int rwflag, void *userdata));

/**
 * With `value` true, do not check that the server's certificate names the host connected to
 * (the certificate chain is still verified). For testing only: it allows a man in the middle.
 *
 * Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client); `MOSQ_ERR_NOT_SUPPORTED` from a
 * build without TLS.
 *
 * # Safety
 * `mosq` is NULL or a valid client.
 */
int mosquitto_tls_insecure_set(struct mosquitto *mosq, bool value);

/**
 * Advanced TLS options. `cert_reqs` 0 turns verification of the server's certificate off
 * entirely (anything else: verify it, the default). `tls_version` is the lowest TLS version
 * allowed: `"tlsv1.2"` (the default, for NULL) allows TLS 1.2 and 1.3, `"tlsv1.3"` only 1.3;
 * `"tlsv1.1"` is accepted and treated as `"tlsv1.2"`, since TLS 1.1 is not available. `ciphers`
 * is an OpenSSL-style list of cipher suite names (NULL for the defaults).
 *
 * Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client, unknown version, or a cipher list
 * that names no supported suite); `MOSQ_ERR_NOT_SUPPORTED` from a build without TLS.
 *
 * # Safety
 * `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
 */
int mosquitto_tls_opts_set(struct mosquitto *mosq,
                           int cert_reqs,
                           const char *tls_version,
                           const char *ciphers);

/**
 * Not supported: TLS with a pre-shared key is not available with rustls. Returns
 * `MOSQ_ERR_NOT_SUPPORTED`, as a libmosquitto built without PSK support does.
 *
 * # Safety
 * Any pointers; they are not used.
 */
int mosquitto_tls_psk_set(struct mosquitto *mosq,
                          const char *psk,
                          const char *identity,
                          const char *ciphers);

/**
 * Not supported: this library does not use OpenSSL, so there is no `SSL *` to hand out; always
 * NULL, as from a libmosquitto built without TLS.
 *
 * # Safety
 * Any pointer; it is not used.
 */
void *mosquitto_ssl_get(struct mosquitto *mosq);

/**
 * Set the function called when the server answers CONNECT: `(mosq, userdata, rc)`, where `rc` is the CONNACK return code (0 = accepted, 1..5 = refused; MQTT v5 reason codes for v5). NULL removes it.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_connect_callback_set(struct mosquitto *mosq,
                                    void (*on_connect)(struct mosquitto*, void*, int));

/**
 * Like `mosquitto_connect_callback_set`, with a fourth argument: the CONNACK flags (bit 0: the server still holds a session for this client).
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_connect_with_flags_callback_set(struct mosquitto *mosq,
                                               void (*on_connect)(struct mosquitto*, void*, int, int));

/**
 * Like `mosquitto_connect_with_flags_callback_set`, with the CONNACK properties as a fifth argument (NULL for MQTT 3.x; valid only during the call).
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_connect_v5_callback_set(struct mosquitto *mosq,
                                       void (*on_connect)(struct mosquitto*,
                                                          void*,
                                                          int,
                                                          int,
                                                          const mosquitto_property *props));

/**
 * Set the function called once each time a connection ends: `(mosq, userdata, rc)`, where `rc` is 0 when the application asked for it, an MQTT v5 reason code when the server sent DISCONNECT, or the `MOSQ_ERR_*` code of the error that ended it.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_disconnect_callback_set(struct mosquitto *mosq,
                                       void (*on_disconnect)(struct mosquitto*, void*, int));

/**
 * Like `mosquitto_disconnect_callback_set`, with a properties argument (always NULL, as in libmosquitto).
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_disconnect_v5_callback_set(struct mosquitto *mosq,
                                          void (*on_disconnect)(struct mosquitto*,
                                                                void*,
                                                                int,
                                                                const mosquitto_property *props));

/**
 * Set the function called when a published message is done: `(mosq, userdata, mid)`. For QoS 0 that is when it has been written to the socket, for QoS 1 when PUBACK arrived, for QoS 2 when PUBCOMP arrived.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_publish_callback_set(struct mosquitto *mosq,
                                    void (*on_publish)(struct mosquitto*, void*, int));

/**
 * Like `mosquitto_publish_callback_set`, with the MQTT v5 reason code and properties of the acknowledgement (0 and NULL for QoS 0 and MQTT 3.x). Also called, alone, when a v5 server refuses a QoS 2 message with a PUBREC reason code of 0x80 or more.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_publish_v5_callback_set(struct mosquitto *mosq,
                                       void (*on_publish)(struct mosquitto*,
                                                          void*,
                                                          int,
                                                          int,
                                                          const mosquitto_property *props));

/**
 * Set the function called for each message received: `(mosq, userdata, message)`. The message and its contents belong to the library and are freed when the callback returns; copy what you keep (`mosquitto_message_copy`). The payload is followed by a NUL byte not counted in `payloadlen`.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_message_callback_set(struct mosquitto *mosq,
                                    void (*on_message)(struct mosquitto*,
                                                       void*,
                                                       const struct mosquitto_message*));

/**
 * Like `mosquitto_message_callback_set`, with the PUBLISH properties (NULL for MQTT 3.x; valid only during the call).
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_message_v5_callback_set(struct mosquitto *mosq,
                                       void (*on_message)(struct mosquitto*,
                                                          void*,
                                                          const struct mosquitto_message*,
                                                          const mosquitto_property *props));

/**
 * Set the function called when SUBACK arrives: `(mosq, userdata, mid, qos_count, granted_qos)`, with one granted QoS (or, for v5, reason code) per filter of the request.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_subscribe_callback_set(struct mosquitto *mosq,
                                      void (*on_subscribe)(struct mosquitto*,
                                                           void*,
                                                           int,
                                                           int,
                                                           const int*));

/**
 * Like `mosquitto_subscribe_callback_set`, with the SUBACK properties (NULL for MQTT 3.x).
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_subscribe_v5_callback_set(struct mosquitto *mosq,
                                         void (*on_subscribe)(struct mosquitto*,
                                                              void*,
                                                              int,
                                                              int,
                                                              const int*,
                                                              const mosquitto_property *props));

/**
 * Set the function called when UNSUBACK arrives: `(mosq, userdata, mid)`.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_unsubscribe_callback_set(struct mosquitto *mosq,
                                        void (*on_unsubscribe)(struct mosquitto*, void*, int));

/**
 * Like `mosquitto_unsubscribe_callback_set`, with the UNSUBACK properties (NULL for MQTT 3.x).
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_unsubscribe_v5_callback_set(struct mosquitto *mosq,
                                           void (*on_unsubscribe)(struct mosquitto*,
                                                                  void*,
                                                                  int,
                                                                  const mosquitto_property *props));

/**
 * Set the function called just before each connection attempt, the first and every
 * reconnection, before the socket is opened: `(mosq, userdata)`. It may change the username,
 * password or TLS settings the attempt uses. NULL removes it.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_pre_connect_callback_set(struct mosquitto *mosq,
                                        void (*on_pre_connect)(struct mosquitto*, void*));

/**
 * Set the function called when UNSUBACK arrives, with its reason codes: `(mosq, userdata,
 * mid, reason_code_count, reason_codes, props)`, one reason code per filter of the request
 * for MQTT v5 (0 and NULL for MQTT 3.x, whose UNSUBACK has none), and the UNSUBACK
 * properties (NULL for MQTT 3.x). The array and the properties are valid only during the
 * call. Called after the other unsubscribe callbacks. NULL removes it.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_unsubscribe2_v5_callback_set(struct mosquitto *mosq,
                                            void (*on_unsubscribe)(struct mosquitto*,
                                                                   void*,
                                                                   int,
                                                                   int,
                                                                   const int*,
                                                                   const mosquitto_property *props));

/**
 * Set the function that takes part in MQTT v5 enhanced authentication: called when the
 * server sends AUTH, as `(mosq, userdata, auth_method, auth_data_len, auth_data, props)`
 * with the server's authentication method (or NULL), its authentication data (or NULL and
 * 0) and the whole property list of the AUTH (which includes both). It answers with
 * `mosquitto_ext_auth_continue` and returns `MOSQ_ERR_SUCCESS`; any other return value ends
 * the connection with that error, and so does an AUTH arriving while no such function is set
 * (`MOSQ_ERR_AUTH`). Enhanced authentication starts with the authentication method (and
 * data) among the CONNECT properties (`mosquitto_connect_bind_v5`). NULL removes it.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_ext_auth_callback_set(struct mosquitto *mosq,
                                     int (*on_ext_auth)(struct mosquitto*,
                                                        void*,
                                                        const char*,
                                                        uint16_t,
                                                        const void*,
                                                        const mosquitto_property *props));

/**
 * Set the function that receives the library's log lines: `(mosq, userdata, level, text)` with a `MOSQ_LOG_*` level; `text` is valid only during the call. Lines are produced only while a log callback is set.
 *
 * # Safety
 * `mosq` is NULL (ignored) or a valid client; the function must have this signature.
 */
void mosquitto_log_callback_set(struct mosquitto *mosq,
                                void (*on_log)(struct mosquitto*, void*, int, const char*));

/**
 * Connect through the SOCKS5 proxy at `host`:`port` from the next connection on. The proxy
 * resolves the broker's host name itself unless it is an IP address. With `username`, the
 * proxy's username/password authentication is offered too (`password` may then be NULL, for an
 * empty one). TLS, when configured, runs through the proxy to the broker.
 *
 * Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client or host, host longer than 256
 * bytes, port outside 1..65535, username or password longer than 255 bytes);
 * `MOSQ_ERR_NOT_SUPPORTED` from a build without SOCKS5 support.
 *
 * # Safety
 * `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
 */
int mosquitto_socks5_set(struct mosquitto *mosq,
                         const char *host,
                         int port,
                         const char *username,
                         const char *password);

/**
 * Describe a libmosquitto return code in English, e.g. "Invalid arguments provided." for
 * `MOSQ_ERR_INVAL`.
 *
 * For `MOSQ_ERR_ERRNO` the text is the C library's `strerror(errno)` for the calling thread's
 * current `errno`. Codes of 128 and above are taken as MQTT 5 reason codes and described as
 * `mosquitto_reason_string` does. Any other unknown code gives "Unknown error.".
 *
 * The returned string is static (never NULL) and must not be freed.
 */
const char *mosquitto_strerror(int mosq_errno);

/**
 * Describe an MQTT 3.1/3.1.1 CONNACK return code (0 to 5), e.g. "Connection Refused: not
 * authorised." for 5; any other value gives "Connection Refused: unknown reason.".
 *
 * The returned string is static (never NULL) and must not be freed.
 */
const char *mosquitto_connack_string(int connack_code);

/**
 * Name an MQTT 5 reason code as the specification does, e.g. "Not authorized" for 135 or
 * "Granted QoS 1" for 1; a value that is not a reason code gives "Unknown reason".
 *
 * Several reason codes share a value (0 is Success, Normal disconnection and Granted QoS 0);
 * such a value is named by its first meaning.
 *
 * The returned string is static (never NULL) and must not be freed.
 */
const char *mosquitto_reason_string(int reason_code);

/**
 * Parse a packet-type name ("connect", "publish", "subscribe", ..., or "will"; any ASCII case)
 * into its `CMD_*` value from `mqtt_protocol.h`, stored in `*cmd`.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for an unknown name or a NULL argument, in
 * which case `*cmd` is left unchanged.
 *
 * # Safety
 * `str` is NULL or a NUL-terminated string; `cmd` is NULL or valid for a write.
 */
int mosquitto_string_to_command(const char *str, int *cmd);

/**
 * Split a topic name or filter into its levels.
 *
 * On success `*topics` receives an array of `*count` string pointers, one per level (there is
 * always one more level than there are `/` in `subtopic`). An empty level is a NULL entry:
 * `"/a//b"` gives `NULL, "a", NULL, "b"`, and `""` gives one NULL entry. The strings and the
 * array are allocated with the C allocator; release them with
 * `mosquitto_sub_topic_tokens_free` (or `free()` on each entry and then on the array).
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` if any argument is NULL (nothing is written),
 * or `MOSQ_ERR_NOMEM` if memory ran out (nothing is handed out).
 *
 * # Safety
 * `subtopic` is NULL or a NUL-terminated string; `topics` and `count` are NULL or valid for a
 * write.
 */
int mosquitto_sub_topic_tokenise(const char *subtopic, char ***topics, int *count);

/**
 * Free an array made by `mosquitto_sub_topic_tokenise`: each of its `count` strings, then
 * the array. `*topics` is set to NULL afterwards, so a second call is refused instead of
 * freeing twice.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (freeing nothing) if `topics` or `*topics`
 * is NULL or `count` is less than 1.
 *
 * # Safety
 * `topics` is NULL or points to NULL or to an array from `mosquitto_sub_topic_tokenise` with
 * at least `count` entries.
 */
int mosquitto_sub_topic_tokens_free(char ***topics, int count);

/**
 * Does the topic name `topic` match the subscription filter `sub`?
 *
 * `*result` is set to true for a match and false otherwise. `+` matches exactly one level,
 * `#` the parent level and everything below it (`a/#` matches `a`), and topics starting with
 * `$` only match filters starting with `$`.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) if an argument is
 * NULL or empty, if `topic` contains `+` or `#`, or if `sub` is a malformed filter. As in
 * libmosquitto, a malformed part of the filter is only reported if matching reaches it.
 *
 * # Safety
 * `sub` and `topic` are NULL or NUL-terminated strings; `result` is NULL or valid for a write.
 */
int mosquitto_topic_matches_sub(const char *sub, const char *topic, bool *result);

/**
 * `mosquitto_topic_matches_sub` for strings with known lengths.
 *
 * Each string ends at its length or at its first NUL, whichever comes first, so buffers that
 * are not NUL-terminated are safe to pass. (libmosquitto reads both strings up to their NUL
 * whatever the lengths say; for correct lengths the results are the same.)
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) for the same reasons as
 * `mosquitto_topic_matches_sub`.
 *
 * # Safety
 * `sub` and `topic` are NULL or point to at least `sublen` and `topiclen` readable bytes (or to
 * a NUL before that); `result` is NULL or valid for a write.
 */
int mosquitto_topic_matches_sub2(const char *sub,
                                 size_t sublen,
                                 const char *topic,
                                 size_t topiclen,
                                 bool *result);

/**
 * Like `mosquitto_topic_matches_sub`, where a level of `sub` that is exactly `%c` stands for
 * `clientid` and one that is exactly `%u` for `username` (`"sensors/%c/temperature"` matches
 * `"sensors/kitchen/temperature"` for the client id `"kitchen"`; `"%count"` is an ordinary
 * level). A pattern whose value is NULL, empty or holds `+` or `#` matches nothing.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) for the reasons of
 * `mosquitto_topic_matches_sub`.
 *
 * # Safety
 * `sub`, `topic`, `clientid` and `username` are NULL or NUL-terminated strings; `result` is
 * NULL or valid for a write.
 */
int mosquitto_topic_matches_sub_with_pattern(const char *sub,
                                             const char *topic,
                                             const char *clientid,
                                             const char *username,
                                             bool *result);

/**
 * Whether the subscription `sub` (a topic filter, wildcards allowed) lies within the ACL
 * topic filter `acl`: every topic `sub` can match is matched by `acl`. `"$SYS/broker/#"` lies
 * within `"$SYS/#"` but not within `"$SYS/broker/uptime"`; a `+` of the ACL does not cover a
 * `#` of the subscription.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) if an argument is
 * NULL or empty, or `acl` has a misplaced wildcard that the comparison reaches.
 *
 * # Safety
 * `acl` and `sub` are NULL or NUL-terminated strings; `result` is NULL or valid for a write.
 */
int mosquitto_sub_matches_acl(const char *acl, const char *sub, bool *result);

/**
 * Like `mosquitto_sub_matches_acl`, where a level of `acl` that is exactly `%c` stands for
 * `clientid` and one that is exactly `%u` for `username`; a pattern whose value is NULL, empty
 * or holds `+` or `#` matches nothing.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) as
 * `mosquitto_sub_matches_acl` does.
 *
 * # Safety
 * `acl`, `sub`, `clientid` and `username` are NULL or NUL-terminated strings; `result` is
 * NULL or valid for a write.
 */
int mosquitto_sub_matches_acl_with_pattern(const char *acl,
                                           const char *sub,
                                           const char *clientid,
                                           const char *username,
                                           bool *result);

/**
 * Check that `topic` is usable as the topic of a PUBLISH: no `+` or `#`, at most 65535 bytes.
 * The empty string passes. UTF-8 is not checked here (see `mosquitto_validate_utf8`).
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for NULL or a topic breaking those rules.
 *
 * # Safety
 * `topic` is NULL or a NUL-terminated string.
 */
int mosquitto_pub_topic_check(const char *topic);

/**
 * `mosquitto_pub_topic_check` for the `topiclen` bytes at `topic`, NUL bytes included.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for NULL, a length over 65535, or a `+` or
 * `#` in the topic.
 *
 * # Safety
 * `topic` is NULL or points to at least `topiclen` readable bytes (when `topiclen` is at most
 * 65535; longer topics are refused without being read).
 */
int mosquitto_pub_topic_check2(const char *topic, size_t topiclen);

/**
 * Check that `topic` is usable as a subscription filter: `+` and `#` each take a whole level,
 * `#` only as the last level, at most 65535 bytes. The empty string passes. UTF-8 is not
 * checked here (see `mosquitto_validate_utf8`).
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for NULL or a filter breaking those rules.
 *
 * # Safety
 * `topic` is NULL or a NUL-terminated string.
 */
int mosquitto_sub_topic_check(const char *topic);

/**
 * `mosquitto_sub_topic_check` for the `topiclen` bytes at `topic`, NUL bytes included; the
 * end of the buffer ends the last level.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for NULL, a length over 65535, or a misplaced
 * wildcard.
 *
 * # Safety
 * `topic` is NULL or points to at least `topiclen` readable bytes (when `topiclen` is at most
 * 65535; longer filters are refused without being read).
 */
int mosquitto_sub_topic_check2(const char *topic, size_t topiclen);

/**
 * Check that the `len` bytes at `str` are a valid MQTT string: well-formed UTF-8 (no overlong
 * forms, surrogates or code points above U+10FFFF) without U+0000, without the control
 * characters U+0001..U+001F and U+007F..U+009F, and without non-characters (U+FDD0..U+FDEF and
 * any code point ending in FFFE or FFFF).
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` if `str` is NULL or `len` is negative or above
 * 65536, or `MOSQ_ERR_MALFORMED_UTF8`. Only the `len` bytes are read: a sequence cut short by
 * the end of the buffer is malformed.
 *
 * # Safety
 * `str` is NULL or points to at least `len` readable bytes.
 */
int mosquitto_validate_utf8(const char *str, int len);

/**
 * Connect to `host`:`port`, subscribe to `topic` with `qos` (again after every reconnection),
 * and call `callback(mosq, userdata, message)` for each message until it returns non-zero;
 * then disconnect and return.
 *
 * `client_id` may be NULL (with `clean_session` true); `keepalive`, `username`/`password`,
 * `will` and `tls` (each may be NULL) configure the connection as the functions of the same
 * names do. The message passed to `callback` is valid only during the call.
 *
 * Returns `MOSQ_ERR_SUCCESS` once `callback` asked to stop, `MOSQ_ERR_INVAL` (NULL callback or
 * topic), `MOSQ_ERR_NOMEM`, or the error of the connect or loop call that failed.
 *
 * # Safety
 * Strings are NULL or NUL-terminated; `will` and `tls` are NULL or valid structures; `callback`
 * has the declared signature.
 */
int mosquitto_subscribe_callback(int (*callback)(struct mosquitto*,
                                                 void*,
                                                 const struct mosquitto_message*),
                                 void *userdata,
                                 const char *topic,
                                 int qos,
                                 const char *host,
                                 int port,
                                 const char *client_id,
                                 int keepalive,
                                 bool clean_session,
                                 const char *username,
                                 const char *password,
                                 const struct libmosquitto_will *will,
                                 const struct libmosquitto_tls *tls);

/**
 * Connect, subscribe to `topic` and wait for `msg_count` messages, returned as an array in
 * `*messages` (allocated with `calloc`; free each entry with `mosquitto_message_free_contents`
 * and the array with `free`). Retained messages are skipped unless `want_retained` is true.
 * The connection arguments are as for `mosquitto_subscribe_callback`.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL topic or messages, `msg_count` < 1),
 * `MOSQ_ERR_NOMEM`, or the error that ended the connection early (then `*messages` is NULL).
 *
 * # Safety
 * `messages` is NULL or writable; the other arguments are as for
 * `mosquitto_subscribe_callback`.
 */
int mosquitto_subscribe_simple(struct mosquitto_message **messages,
                               int msg_count,
                               bool want_retained,
                               const char *topic,
                               int qos,
                               const char *host,
                               int port,
                               const char *client_id,
                               int keepalive,
                               bool clean_session,
                               const char *username,
                               const char *password,
                               const struct libmosquitto_will *will,
                               const struct libmosquitto_tls *tls);

/**
 * Add a one-byte property (payload-format-indicator, request-problem-information,
 * request-response-information, maximum-qos, retain-available,
 * wildcard-subscription-available, subscription-identifier-available or
 * shared-subscription-available) to the end of `*proplist`. If `*proplist` is NULL a new list
 * is started there. The value is not range-checked here; `mosquitto_property_check_all` and
 * the functions that send properties do that.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is
 * not a one-byte property (the list is then unchanged).
 *
 * The list belongs to the caller, who releases it with `mosquitto_property_free_all`.
 *
 * # Safety
 * `proplist` is NULL or points to NULL or to a list built by these functions.
 */
int mosquitto_property_add_byte(mosquitto_property **proplist, int identifier, uint8_t value);

/**
 * Add a two-byte integer property (server-keep-alive, receive-maximum, topic-alias-maximum
 * or topic-alias) to the end of `*proplist`, starting a new list if `*proplist` is NULL.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is
 * not a two-byte integer property. The caller owns the list (see
 * `mosquitto_property_free_all`).
 *
 * # Safety
 * `proplist` is NULL or points to NULL or to a list built by these functions.
 */
int mosquitto_property_add_int16(mosquitto_property **proplist, int identifier, uint16_t value);

/**
 * Add a four-byte integer property (message-expiry-interval, session-expiry-interval,
 * will-delay-interval or maximum-packet-size) to the end of `*proplist`, starting a new list
 * if `*proplist` is NULL.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is
 * not a four-byte integer property. The caller owns the list (see
 * `mosquitto_property_free_all`).
 *
 * # Safety
 * `proplist` is NULL or points to NULL or to a list built by these functions.
 */
int mosquitto_property_add_int32(mosquitto_property **proplist, int identifier, uint32_t value);

/**
 * Add a variable byte integer property (subscription-identifier, the only one) to the end of
 * `*proplist`, starting a new list if `*proplist` is NULL.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL, `identifier` is not
 * a variable byte integer property or `value` is above 268435455, the largest such integer.
 * The caller owns the list (see `mosquitto_property_free_all`).
 *
 * # Safety
 * `proplist` is NULL or points to NULL or to a list built by these functions.
 */
int mosquitto_property_add_varint(mosquitto_property **proplist, int identifier, uint32_t value);

/**
 * Add a binary property (correlation-data or authentication-data) holding a copy of the `len`
 * bytes at `value` to the end of `*proplist`, starting a new list if `*proplist` is NULL.
 * `value` may be NULL when `len` is 0.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL, `identifier` is not
 * a binary property, or `value` is NULL with a non-zero `len`. The caller owns the list (see
 * `mosquitto_property_free_all`) and keeps ownership of `value`.
 *
 * # Safety
 * `proplist` is NULL or points to NULL or to a list built by these functions; `value` is NULL
 * or points to `len` readable bytes.
 */
int mosquitto_property_add_binary(mosquitto_property **proplist,
                                  int identifier,
                                  const void *value,
                                  uint16_t len);

/**
 * Add a string property (content-type, response-topic, assigned-client-identifier,
 * authentication-method, response-information, server-reference or reason-string) holding a
 * copy of `value` to the end of `*proplist`, starting a new list if `*proplist` is NULL. A
 * NULL `value` adds an empty string.
 *
 * Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if `proplist` is NULL; otherwise
 * `MOSQ_ERR_MALFORMED_UTF8` if `value` is not valid MQTT UTF-8 (see `mosquitto_validate_utf8`)
 * or longer than 65535 bytes; otherwise `MOSQ_ERR_INVAL` if `identifier` is not a string
 * property. The caller owns the list (see `mosquitto_property_free_all`) and keeps ownership
 * of `value`.
 *
 * # Safety
 * `proplist` is NULL or points to NULL or to a list built by these functions; `value` is NULL
 * or a NUL-terminated string.
 */
int mosquitto_property_add_string(mosquitto_property **proplist, int identifier, const char *value);

/**
 * Add a name/value string pair property (user-property, the only one, which unlike the others
 * may appear any number of times in a list) holding copies of `name` and `value` to the end
 * of `*proplist`, starting a new list if `*proplist` is NULL. A NULL `name` or `value` stands
 * for an empty string.
 *
 * Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is not a
 * string pair property; otherwise `MOSQ_ERR_MALFORMED_UTF8` if `name` or `value` is not valid
 * MQTT UTF-8 or is longer than 65535 bytes. The caller owns the list (see
 * `mosquitto_property_free_all`) and keeps ownership of `name` and `value`.
 *
 * # Safety
 * `proplist` is NULL or points to NULL or to a list built by these functions; `name` and
 * `value` are NULL or NUL-terminated strings.
 */
int mosquitto_property_add_string_pair(mosquitto_property **proplist,
                                       int identifier,
                                       const char *name,
                                       const char *value);

/**
 * The identifier (`MQTT_PROP_*`) of the property `property` points to, or 0 if it is NULL.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
int mosquitto_property_identifier(const mosquitto_property *property);

/**
 * The property after `proplist` in its list, or NULL at the end of the list or if
 * `proplist` is NULL. Together with `mosquitto_property_identifier` this walks a list:
 * `for(p = list; p; p = mosquitto_property_next(p))`.
 *
 * # Safety
 * `proplist` is NULL or a node of a list built by this library.
 */
const mosquitto_property *mosquitto_property_next(const mosquitto_property *proplist);

/**
 * Find the property `identifier` in the list starting at `proplist` and read its one-byte
 * value into `*value` (unless `value` is NULL).
 *
 * The search returns the first property with that identifier; with `skip_first` true it
 * passes over the first one and returns the second. To visit every occurrence, call it once
 * with `skip_first` false on the list, then repeatedly with `skip_first` true on the property
 * the previous call returned, until NULL comes back. The same holds for every
 * `mosquitto_property_read_*` function.
 *
 * Returns the property found, or NULL if `proplist` is NULL, no such property is found, or the
 * one found is not a one-byte property; `*value` is then left unchanged. The returned pointer
 * belongs to the list.
 *
 * # Safety
 * `proplist` is NULL or a node of a list built by this library; `value` is NULL or writable.
 */
const mosquitto_property *mosquitto_property_read_byte(const mosquitto_property *proplist,
                                                       int identifier,
                                                       uint8_t *value,
                                                       bool skip_first);

/**
 * Find the property `identifier` in the list starting at `proplist` (the second occurrence
 * with `skip_first`, as for `mosquitto_property_read_byte`) and read its two-byte integer
 * value into `*value` (unless `value` is NULL).
 *
 * Returns the property found, or NULL if `proplist` is NULL, no such property is found, or the
 * one found is not a two-byte integer property; `*value` is then left unchanged.
 *
 * # Safety
 * `proplist` is NULL or a node of a list built by this library; `value` is NULL or writable.
 */
const mosquitto_property *mosquitto_property_read_int16(const mosquitto_property *proplist,
                                                        int identifier,
                                                        uint16_t *value,
                                                        bool skip_first);

/**
 * Find the property `identifier` in the list starting at `proplist` (the second occurrence
 * with `skip_first`, as for `mosquitto_property_read_byte`) and read its four-byte integer
 * value into `*value` (unless `value` is NULL).
 *
 * Returns the property found, or NULL if `proplist` is NULL, no such property is found, or the
 * one found is not a four-byte integer property; `*value` is then left unchanged.
 *
 * # Safety
 * `proplist` is NULL or a node of a list built by this library; `value` is NULL or writable.
 */
const mosquitto_property *mosquitto_property_read_int32(const mosquitto_property *proplist,
                                                        int identifier,
                                                        uint32_t *value,
                                                        bool skip_first);

/**
 * Find the property `identifier` in the list starting at `proplist` (the second occurrence
 * with `skip_first`, as for `mosquitto_property_read_byte`) and read its variable byte integer
 * value into `*value` (unless `value` is NULL).
 *
 * Returns the property found, or NULL if `proplist` is NULL, no such property is found, or the
 * one found is not a variable byte integer property; `*value` is then left unchanged.
 *
 * # Safety
 * `proplist` is NULL or a node of a list built by this library; `value` is NULL or writable.
 */
const mosquitto_property *mosquitto_property_read_varint(const mosquitto_property *proplist,
                                                         int identifier,
                                                         uint32_t *value,
                                                         bool skip_first);

/**
 * Find the property `identifier` in the list starting at `proplist` (the second occurrence
 * with `skip_first`, as for `mosquitto_property_read_byte`) and copy its binary value out.
 *
 * `value` and `len` are both NULL (only find the property) or both non-NULL. Unless they are
 * NULL or `proplist` is NULL, `*value` is first set to NULL; when a binary property is found,
 * `*value` receives a copy of its bytes, allocated with `calloc` and followed by one zero
 * byte (so an empty value is still a valid allocation), and `*len` its length. The caller
 * releases the copy with `free()`.
 *
 * Returns the property found, or NULL if `proplist` is NULL, exactly one of `value` and `len`
 * is NULL (nothing is written then), no such property is found, the one found is not a
 * binary property, or memory ran out.
 *
 * # Safety
 * `proplist` is NULL or a node of a list built by this library; `value` and `len` are NULL or
 * writable.
 */
const mosquitto_property *mosquitto_property_read_binary(const mosquitto_property *proplist,
                                                         int identifier,
                                                         void **value,
                                                         uint16_t *len,
                                                         bool skip_first);

/**
 * Find the property `identifier` in the list starting at `proplist` (the second occurrence
 * with `skip_first`, as for `mosquitto_property_read_byte`) and copy its string value out.
 *
 * When a string property is found and `value` is not NULL, `*value` receives a
 * NUL-terminated copy of the string allocated with `calloc`, which the caller releases with
 * `free()`. On failure `*value` is left unchanged.
 *
 * Returns the property found, or NULL if `proplist` is NULL, no such property is found, the
 * one found is not a string property, or memory ran out.
 *
 * # Safety
 * `proplist` is NULL or a node of a list built by this library; `value` is NULL or writable.
 */
const mosquitto_property *mosquitto_property_read_string(const mosquitto_property *proplist,
                                                         int identifier,
                                                         char **value,
                                                         bool skip_first);

/**
 * Find the property `identifier` in the list starting at `proplist` (the second occurrence
 * with `skip_first`, as for `mosquitto_property_read_byte`) and copy its name and value out.
 *
 * Unless `proplist` is NULL, `*name` and `*value` (those that are not NULL) are first set to
 * NULL; when a string pair property is found they receive NUL-terminated copies allocated
 * with `calloc`, which the caller releases with `free()`.
 *
 * Returns the property found, or NULL if `proplist` is NULL, no such property is found, the
 * one found is not a string pair property, or memory ran out (then neither copy is handed
 * out).
 *
 * # Safety
 * `proplist` is NULL or a node of a list built by this library; `name` and `value` are NULL
 * or writable.
 */
const mosquitto_property *mosquitto_property_read_string_pair(const mosquitto_property *proplist,
                                                              int identifier,
                                                              char **name,
                                                              char **value,
                                                              bool skip_first);

/**
 * Free every property of the list `*properties` and set `*properties` to NULL. Does nothing
 * if `properties` is NULL; `*properties` may be NULL (an empty list).
 *
 * # Safety
 * `properties` is NULL or points to NULL or to a list built with the
 * `mosquitto_property_add_*` functions or `mosquitto_property_copy_all` that is not used
 * afterwards. Lists the library passes to callbacks belong to the library and must not be
 * freed.
 */
void mosquitto_property_free_all(mosquitto_property **properties);

/**
 * Make a deep copy of the list `src` in `*dest`. Each copied property keeps the origin of the
 * one it copies, so a copy of a list received in a callback is still treated as such when it
 * is passed to a publish or similar function.
 *
 * If `src` is NULL there is nothing to copy: the result is `MOSQ_ERR_SUCCESS` and `*dest` is
 * left as it was. Otherwise `*dest` is overwritten without freeing what it held, so it should
 * be NULL or a list the caller still owns elsewhere.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `dest` is NULL (and `src` is not). The
 * copy belongs to the caller, who frees it with `mosquitto_property_free_all`.
 *
 * # Safety
 * `dest` is NULL or writable; `src` is NULL or a valid list built by this library.
 */
int mosquitto_property_copy_all(mosquitto_property **dest, const mosquitto_property *src);

/**
 * Whether property `identifier` may be sent in a packet of type `command` (`CMD_CONNECT`,
 * `CMD_PUBLISH`, ..., or `CMD_WILL` for the will properties of CONNECT). Commands are whole
 * values, so a first byte with flag bits (such as 0x32) is not a known command; reason-string
 * and user-property are nevertheless accepted for such values, like every command for which
 * they are not forbidden.
 *
 * Returns `MOSQ_ERR_SUCCESS` if allowed, or `MOSQ_ERR_PROTOCOL` if not or if `identifier` is
 * not a property identifier.
 *
 * # Safety
 * None: any values may be passed.
 */
int mosquitto_property_check_command(int command, int identifier);

/**
 * Check a whole property list for use with `command` (as for
 * `mosquitto_property_check_command`), property by property in list order: first the value
 * (every one-byte property must be 0 or 1; receive-maximum, topic-alias and
 * maximum-packet-size must not be 0), then whether the identifier is allowed for `command`,
 * then whether the identifier appears again later in the list (only user-property may). The
 * first problem found decides the result.
 *
 * Returns `MOSQ_ERR_SUCCESS` (also for an empty list), `MOSQ_ERR_PROTOCOL` for a value out of
 * range or a property not allowed with `command`, or `MOSQ_ERR_DUPLICATE_PROPERTY`.
 *
 * # Safety
 * `properties` is NULL or a valid list built by this library.
 */
int mosquitto_property_check_all(int command, const mosquitto_property *properties);

/**
 * The name of property `identifier` as the MQTT v5 specification spells it in lower case with
 * hyphens (e.g. "payload-format-indicator" for `MQTT_PROP_PAYLOAD_FORMAT_INDICATOR`), or NULL
 * if `identifier` is not a property identifier. The string is static: do not free or modify
 * it.
 *
 * # Safety
 * None: any value may be passed.
 */
const char *mosquitto_property_identifier_to_string(int identifier);

/**
 * Look up a property by its name (as `mosquitto_property_identifier_to_string` gives it,
 * compared without regard to ASCII case) and store its identifier (`MQTT_PROP_*`) in
 * `*identifier` and its value type (`MQTT_PROP_TYPE_*`) in `*type`.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if any argument is NULL or the name is not a
 * property name; nothing is written then.
 *
 * # Safety
 * `propname` is NULL or a NUL-terminated string; `identifier` and `type` are NULL or
 * writable.
 */
int mosquitto_string_to_property_info(const char *propname, int *identifier, int *type_);

/**
 * The value type of the property `property` points to (`MQTT_PROP_TYPE_BYTE`, ...,
 * `MQTT_PROP_TYPE_STRING_PAIR`), or 0 if it is NULL.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
int mosquitto_property_type(const mosquitto_property *property);

/**
 * The value of a one-byte property, or 0 if `property` is NULL or of another type.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
uint8_t mosquitto_property_byte_value(const mosquitto_property *property);

/**
 * The value of a two-byte integer property, or 0 if `property` is NULL or of another type.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
uint16_t mosquitto_property_int16_value(const mosquitto_property *property);

/**
 * The value of a four-byte integer property, or 0 if `property` is NULL or of another type.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
uint32_t mosquitto_property_int32_value(const mosquitto_property *property);

/**
 * The value of a variable byte integer property, or 0 if `property` is NULL or of another
 * type.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
uint32_t mosquitto_property_varint_value(const mosquitto_property *property);

/**
 * The bytes of a binary property (`mosquitto_property_binary_value_length` of them, followed
 * by a NUL byte), or NULL if `property` is NULL or of another type. The pointer belongs to
 * the property.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
const void *mosquitto_property_binary_value(const mosquitto_property *property);

/**
 * The length in bytes of a binary property's value, or 0 if `property` is NULL or of another
 * type.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
uint16_t mosquitto_property_binary_value_length(const mosquitto_property *property);

/**
 * The value of a string property, or of a string pair (user-property), as a NUL-terminated
 * string; NULL if `property` is NULL or of another type. The pointer belongs to the property.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
const char *mosquitto_property_string_value(const mosquitto_property *property);

/**
 * The length in bytes of the value of a string or string pair property, or 0 if `property`
 * is NULL or of another type.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
uint16_t mosquitto_property_string_value_length(const mosquitto_property *property);

/**
 * The name of a string pair property (user-property) as a NUL-terminated string, or NULL if
 * `property` is NULL or of another type. The pointer belongs to the property.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
const char *mosquitto_property_string_name(const mosquitto_property *property);

/**
 * The length in bytes of the name of a string pair property, or 0 if `property` is NULL or
 * of another type.
 *
 * # Safety
 * `property` is NULL or a node of a list built by this library.
 */
uint16_t mosquitto_property_string_name_length(const mosquitto_property *property);

/**
 * Take the property `property` out of the list `*proplist` without freeing it: afterwards it
 * is a list of its own (its successor is unlinked) that the caller frees with
 * `mosquitto_property_free_all`. If it was the first property, `*proplist` moves to the next.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` if `proplist` or `property` is NULL, or
 * `MOSQ_ERR_NOT_FOUND` if `property` is not in the list (which is then unchanged).
 *
 * # Safety
 * `proplist` is NULL or points to NULL or to a list the caller owns, built by this library;
 * `property` is NULL or a node of a list built by this library.
 */
int mosquitto_property_remove(mosquitto_property **proplist, const mosquitto_property *property);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* MOSQUITTO_LIBMOSQUITTO_H */
