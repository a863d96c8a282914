/*
 * mosquitto.h: the C API of libmosquitto, the MQTT client library.
 *
 * Generated from the Rust sources by `make header` (cbindgen). Do not edit.
 */

#ifndef MOSQUITTO_H
#define MOSQUITTO_H

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
 * [`mosquitto_lib_cleanup`]. The first call seeds the C library's `rand()`. Nothing else needs
 * setting up, so other functions also work without this call. Safe to call from any thread.
 *
 * Always returns `MOSQ_ERR_SUCCESS`.
 */
int mosquitto_lib_init(void);

/**
 * Undo one [`mosquitto_lib_init`]. Extra calls (more cleanups than inits) do nothing. Clients
 * that still exist keep working. Safe to call from any thread.
 *
 * Always returns `MOSQ_ERR_SUCCESS`.
 */
int mosquitto_lib_cleanup(void);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
struct mosquitto *mosquitto_new(const char *id, bool clean_session, void *obj);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_destroy(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_reinitialise(struct mosquitto *mosq, const char *id, bool clean_session, void *obj);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_user_data_set(struct mosquitto *mosq, void *obj);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void *mosquitto_userdata(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_will_set(struct mosquitto *mosq,
                       const char *topic,
                       int payloadlen,
                       const void *payload,
                       int qos,
                       bool retain);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_will_set_v5(struct mosquitto *mosq,
                          const char *topic,
                          int payloadlen,
                          const void *payload,
                          int qos,
                          bool retain,
                          mosquitto_property *properties);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_will_clear(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_username_pw_set(struct mosquitto *mosq, const char *username, const char *password);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_connect(struct mosquitto *mosq, const char *host, int port, int keepalive);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_connect_bind(struct mosquitto *mosq,
                           const char *host,
                           int port,
                           int keepalive,
                           const char *bind_address);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_connect_bind_v5(struct mosquitto *mosq,
                              const char *host,
                              int port,
                              int keepalive,
                              const char *bind_address,
                              const mosquitto_property *properties);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_connect_async(struct mosquitto *mosq, const char *host, int port, int keepalive);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
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
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_reconnect(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_reconnect_async(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_disconnect(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_disconnect_v5(struct mosquitto *mosq,
                            int reason_code,
                            const mosquitto_property *properties);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_publish(struct mosquitto *mosq,
                      int *mid,
                      const char *topic,
                      int payloadlen,
                      const void *payload,
                      int qos,
                      bool retain);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
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
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_subscribe(struct mosquitto *mosq, int *mid, const char *sub, int qos);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_subscribe_v5(struct mosquitto *mosq,
                           int *mid,
                           const char *sub,
                           int qos,
                           int options,
                           const mosquitto_property *properties);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_subscribe_multiple(struct mosquitto *mosq,
                                 int *mid,
                                 int sub_count,
                                 char *const *const sub,
                                 int qos,
                                 int options,
                                 const mosquitto_property *properties);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_unsubscribe(struct mosquitto *mosq, int *mid, const char *sub);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_unsubscribe_v5(struct mosquitto *mosq,
                             int *mid,
                             const char *sub,
                             const mosquitto_property *properties);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
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
 * [`mosquitto_message_free_contents`] (or [`mosquitto_message_free`] if `dst` itself is on the
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
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_loop_forever(struct mosquitto *mosq, int timeout, int max_packets);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_loop_start(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_loop_stop(struct mosquitto *mosq, bool force);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_loop(struct mosquitto *mosq, int timeout, int max_packets);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_loop_read(struct mosquitto *mosq, int max_packets);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_loop_write(struct mosquitto *mosq, int max_packets);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_loop_misc(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_socket(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
bool mosquitto_want_write(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_threaded_set(struct mosquitto *mosq, bool threaded);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_opts_set(struct mosquitto *mosq, enum mosq_opt_t option, void *value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_int_option(struct mosquitto *mosq, enum mosq_opt_t option, int value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_string_option(struct mosquitto *mosq, enum mosq_opt_t option, const char *value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_void_option(struct mosquitto *mosq, enum mosq_opt_t option, void *value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_reconnect_delay_set(struct mosquitto *mosq,
                                  unsigned int reconnect_delay,
                                  unsigned int reconnect_delay_max,
                                  bool reconnect_exponential_backoff);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_max_inflight_messages_set(struct mosquitto *mosq, unsigned int max_inflight_messages);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_message_retry_set(struct mosquitto *mosq, unsigned int message_retry);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_tls_set(struct mosquitto *mosq,
                      const char *cafile,
                      const char *capath,
                      const char *certfile,
                      const char *keyfile,
                      int (*pw_callback)(char *buf, int size, int rwflag, void *userdata));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_tls_insecure_set(struct mosquitto *mosq, bool value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_tls_opts_set(struct mosquitto *mosq,
                           int cert_reqs,
                           const char *tls_version,
                           const char *ciphers);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_tls_psk_set(struct mosquitto *mosq,
                          const char *psk,
                          const char *identity,
                          const char *ciphers);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void *mosquitto_ssl_get(struct mosquitto *mosq);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_connect_callback_set(struct mosquitto *mosq, void (*on_connect)(struct mosquitto*,
                                                                               void*,
                                                                               int));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_connect_with_flags_callback_set(struct mosquitto *mosq,
                                               void (*on_connect)(struct mosquitto*, void*, int, int));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_connect_v5_callback_set(struct mosquitto *mosq,
                                       void (*on_connect)(struct mosquitto*,
                                                          void*,
                                                          int,
                                                          int,
                                                          const mosquitto_property *props));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_disconnect_callback_set(struct mosquitto *mosq,
                                       void (*on_disconnect)(struct mosquitto*, void*, int));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_disconnect_v5_callback_set(struct mosquitto *mosq,
                                          void (*on_disconnect)(struct mosquitto*,
                                                                void*,
                                                                int,
                                                                const mosquitto_property *props));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_publish_callback_set(struct mosquitto *mosq, void (*on_publish)(struct mosquitto*,
                                                                               void*,
                                                                               int));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_publish_v5_callback_set(struct mosquitto *mosq,
                                       void (*on_publish)(struct mosquitto*,
                                                          void*,
                                                          int,
                                                          int,
                                                          const mosquitto_property *props));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_message_callback_set(struct mosquitto *mosq,
                                    void (*on_message)(struct mosquitto*,
                                                       void*,
                                                       const struct mosquitto_message*));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_message_v5_callback_set(struct mosquitto *mosq,
                                       void (*on_message)(struct mosquitto*,
                                                          void*,
                                                          const struct mosquitto_message*,
                                                          const mosquitto_property *props));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_subscribe_callback_set(struct mosquitto *mosq,
                                      void (*on_subscribe)(struct mosquitto*,
                                                           void*,
                                                           int,
                                                           int,
                                                           const int*));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_subscribe_v5_callback_set(struct mosquitto *mosq,
                                         void (*on_subscribe)(struct mosquitto*,
                                                              void*,
                                                              int,
                                                              int,
                                                              const int*,
                                                              const mosquitto_property *props));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_unsubscribe_callback_set(struct mosquitto *mosq,
                                        void (*on_unsubscribe)(struct mosquitto*, void*, int));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_unsubscribe_v5_callback_set(struct mosquitto *mosq,
                                           void (*on_unsubscribe)(struct mosquitto*,
                                                                  void*,
                                                                  int,
                                                                  const mosquitto_property *props));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_log_callback_set(struct mosquitto *mosq, void (*on_log)(struct mosquitto*,
                                                                       void*,
                                                                       int,
                                                                       const char*));

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
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
 * [`mosquitto_reason_string`] does. Any other unknown code gives "Unknown error.".
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
 * [`mosquitto_sub_topic_tokens_free`] (or `free()` on each entry and then on the array).
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
 * Free an array made by [`mosquitto_sub_topic_tokenise`]: each of its `count` strings, then
 * the array. `*topics` is set to NULL afterwards, so a second call is refused instead of
 * freeing twice.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (freeing nothing) if `topics` or `*topics`
 * is NULL or `count` is less than 1.
 *
 * # Safety
 * `topics` is NULL or points to NULL or to an array from [`mosquitto_sub_topic_tokenise`] with
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
 * [`mosquitto_topic_matches_sub`] for strings with known lengths.
 *
 * Each string ends at its length or at its first NUL, whichever comes first, so buffers that
 * are not NUL-terminated are safe to pass. (libmosquitto reads both strings up to their NUL
 * whatever the lengths say; for correct lengths the results are the same.)
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) for the same reasons as
 * [`mosquitto_topic_matches_sub`].
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
 * Check that `topic` is usable as the topic of a PUBLISH: no `+` or `#`, at most 65535 bytes.
 * The empty string passes. UTF-8 is not checked here (see [`mosquitto_validate_utf8`]).
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for NULL or a topic breaking those rules.
 *
 * # Safety
 * `topic` is NULL or a NUL-terminated string.
 */
int mosquitto_pub_topic_check(const char *topic);

/**
 * [`mosquitto_pub_topic_check`] for the `topiclen` bytes at `topic`, NUL bytes included.
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
 * checked here (see [`mosquitto_validate_utf8`]).
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for NULL or a filter breaking those rules.
 *
 * # Safety
 * `topic` is NULL or a NUL-terminated string.
 */
int mosquitto_sub_topic_check(const char *topic);

/**
 * [`mosquitto_sub_topic_check`] for the `topiclen` bytes at `topic`, NUL bytes included; the
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
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
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
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
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
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_add_byte(mosquitto_property **proplist, int identifier, uint8_t value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_add_int16(mosquitto_property **proplist, int identifier, uint16_t value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_add_int32(mosquitto_property **proplist, int identifier, uint32_t value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_add_varint(mosquitto_property **proplist, int identifier, uint32_t value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_add_binary(mosquitto_property **proplist,
                                  int identifier,
                                  const void *value,
                                  uint16_t len);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_add_string(mosquitto_property **proplist, int identifier, const char *value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_add_string_pair(mosquitto_property **proplist,
                                       int identifier,
                                       const char *name,
                                       const char *value);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_identifier(const mosquitto_property *property);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
const mosquitto_property *mosquitto_property_next(const mosquitto_property *proplist);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
const mosquitto_property *mosquitto_property_read_byte(const mosquitto_property *proplist,
                                                       int identifier,
                                                       uint8_t *value,
                                                       bool skip_first);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
const mosquitto_property *mosquitto_property_read_int16(const mosquitto_property *proplist,
                                                        int identifier,
                                                        uint16_t *value,
                                                        bool skip_first);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
const mosquitto_property *mosquitto_property_read_int32(const mosquitto_property *proplist,
                                                        int identifier,
                                                        uint32_t *value,
                                                        bool skip_first);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
const mosquitto_property *mosquitto_property_read_varint(const mosquitto_property *proplist,
                                                         int identifier,
                                                         uint32_t *value,
                                                         bool skip_first);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
const mosquitto_property *mosquitto_property_read_binary(const mosquitto_property *proplist,
                                                         int identifier,
                                                         void **value,
                                                         uint16_t *len,
                                                         bool skip_first);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
const mosquitto_property *mosquitto_property_read_string(const mosquitto_property *proplist,
                                                         int identifier,
                                                         char **value,
                                                         bool skip_first);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
const mosquitto_property *mosquitto_property_read_string_pair(const mosquitto_property *proplist,
                                                              int identifier,
                                                              char **name,
                                                              char **value,
                                                              bool skip_first);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
void mosquitto_property_free_all(mosquitto_property **properties);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_copy_all(mosquitto_property **dest, const mosquitto_property *src);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_check_command(int command, int identifier);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_property_check_all(int command, const mosquitto_property *properties);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
const char *mosquitto_property_identifier_to_string(int identifier);

/**
 * Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
 */
int mosquitto_string_to_property_info(const char *propname, int *identifier, int *type_);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* MOSQUITTO_H */
