/* differential */
/*
 * Every function of mosquitto.h, assigned to a pointer of exactly the type the reference header
 * declares. Compiled with -Werror, any difference in a prototype is a type error, so building
 * this program against our header is the check; running it prints one line per function.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mosquitto.h>

int main(void)
{
	{
		int (*volatile p)(int *major, int *minor, int *revision) = mosquitto_lib_version;
		printf("%s %s\n", "mosquitto_lib_version", p ? "present" : "missing");
	}
	{
		int (*volatile p)(void) = mosquitto_lib_init;
		printf("%s %s\n", "mosquitto_lib_init", p ? "present" : "missing");
	}
	{
		int (*volatile p)(void) = mosquitto_lib_cleanup;
		printf("%s %s\n", "mosquitto_lib_cleanup", p ? "present" : "missing");
	}
	{
		struct mosquitto *(*volatile p)(const char *id, bool clean_session, void *obj) = mosquitto_new;
		printf("%s %s\n", "mosquitto_new", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq) = mosquitto_destroy;
		printf("%s %s\n", "mosquitto_destroy", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *id, bool clean_session, void *obj) = mosquitto_reinitialise;
		printf("%s %s\n", "mosquitto_reinitialise", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *topic, int payloadlen, const void *payload, int qos, bool retain) = mosquitto_will_set;
		printf("%s %s\n", "mosquitto_will_set", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *topic, int payloadlen, const void *payload, int qos, bool retain, mosquitto_property *properties) = mosquitto_will_set_v5;
		printf("%s %s\n", "mosquitto_will_set_v5", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq) = mosquitto_will_clear;
		printf("%s %s\n", "mosquitto_will_clear", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *username, const char *password) = mosquitto_username_pw_set;
		printf("%s %s\n", "mosquitto_username_pw_set", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *host, int port, int keepalive) = mosquitto_connect;
		printf("%s %s\n", "mosquitto_connect", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *host, int port, int keepalive, const char *bind_address) = mosquitto_connect_bind;
		printf("%s %s\n", "mosquitto_connect_bind", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *host, int port, int keepalive, const char *bind_address, const mosquitto_property *properties) = mosquitto_connect_bind_v5;
		printf("%s %s\n", "mosquitto_connect_bind_v5", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *host, int port, int keepalive) = mosquitto_connect_async;
		printf("%s %s\n", "mosquitto_connect_async", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *host, int port, int keepalive, const char *bind_address) = mosquitto_connect_bind_async;
		printf("%s %s\n", "mosquitto_connect_bind_async", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *host, int keepalive, const char *bind_address) = mosquitto_connect_srv;
		printf("%s %s\n", "mosquitto_connect_srv", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq) = mosquitto_reconnect;
		printf("%s %s\n", "mosquitto_reconnect", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq) = mosquitto_reconnect_async;
		printf("%s %s\n", "mosquitto_reconnect_async", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq) = mosquitto_disconnect;
		printf("%s %s\n", "mosquitto_disconnect", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int reason_code, const mosquitto_property *properties) = mosquitto_disconnect_v5;
		printf("%s %s\n", "mosquitto_disconnect_v5", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int *mid, const char *topic, int payloadlen, const void *payload, int qos, bool retain) = mosquitto_publish;
		printf("%s %s\n", "mosquitto_publish", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int *mid, const char *topic, int payloadlen, const void *payload, int qos, bool retain, const mosquitto_property *properties) = mosquitto_publish_v5;
		printf("%s %s\n", "mosquitto_publish_v5", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int *mid, const char *sub, int qos) = mosquitto_subscribe;
		printf("%s %s\n", "mosquitto_subscribe", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int *mid, const char *sub, int qos, int options, const mosquitto_property *properties) = mosquitto_subscribe_v5;
		printf("%s %s\n", "mosquitto_subscribe_v5", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int *mid, int sub_count, char *const *const sub, int qos, int options, const mosquitto_property *properties) = mosquitto_subscribe_multiple;
		printf("%s %s\n", "mosquitto_subscribe_multiple", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int *mid, const char *sub) = mosquitto_unsubscribe;
		printf("%s %s\n", "mosquitto_unsubscribe", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int *mid, const char *sub, const mosquitto_property *properties) = mosquitto_unsubscribe_v5;
		printf("%s %s\n", "mosquitto_unsubscribe_v5", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int *mid, int sub_count, char *const *const sub, const mosquitto_property *properties) = mosquitto_unsubscribe_multiple;
		printf("%s %s\n", "mosquitto_unsubscribe_multiple", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto_message *dst, const struct mosquitto_message *src) = mosquitto_message_copy;
		printf("%s %s\n", "mosquitto_message_copy", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto_message **message) = mosquitto_message_free;
		printf("%s %s\n", "mosquitto_message_free", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto_message *message) = mosquitto_message_free_contents;
		printf("%s %s\n", "mosquitto_message_free_contents", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int timeout, int max_packets) = mosquitto_loop_forever;
		printf("%s %s\n", "mosquitto_loop_forever", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq) = mosquitto_loop_start;
		printf("%s %s\n", "mosquitto_loop_start", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, bool force) = mosquitto_loop_stop;
		printf("%s %s\n", "mosquitto_loop_stop", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int timeout, int max_packets) = mosquitto_loop;
		printf("%s %s\n", "mosquitto_loop", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int max_packets) = mosquitto_loop_read;
		printf("%s %s\n", "mosquitto_loop_read", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int max_packets) = mosquitto_loop_write;
		printf("%s %s\n", "mosquitto_loop_write", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq) = mosquitto_loop_misc;
		printf("%s %s\n", "mosquitto_loop_misc", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq) = mosquitto_socket;
		printf("%s %s\n", "mosquitto_socket", p ? "present" : "missing");
	}
	{
		bool (*volatile p)(struct mosquitto *mosq) = mosquitto_want_write;
		printf("%s %s\n", "mosquitto_want_write", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, bool threaded) = mosquitto_threaded_set;
		printf("%s %s\n", "mosquitto_threaded_set", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, enum mosq_opt_t option, void *value) = mosquitto_opts_set;
		printf("%s %s\n", "mosquitto_opts_set", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, enum mosq_opt_t option, int value) = mosquitto_int_option;
		printf("%s %s\n", "mosquitto_int_option", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, enum mosq_opt_t option, const char *value) = mosquitto_string_option;
		printf("%s %s\n", "mosquitto_string_option", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, enum mosq_opt_t option, void *value) = mosquitto_void_option;
		printf("%s %s\n", "mosquitto_void_option", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, unsigned int reconnect_delay, unsigned int reconnect_delay_max, bool reconnect_exponential_backoff) = mosquitto_reconnect_delay_set;
		printf("%s %s\n", "mosquitto_reconnect_delay_set", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, unsigned int max_inflight_messages) = mosquitto_max_inflight_messages_set;
		printf("%s %s\n", "mosquitto_max_inflight_messages_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, unsigned int message_retry) = mosquitto_message_retry_set;
		printf("%s %s\n", "mosquitto_message_retry_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void *obj) = mosquitto_user_data_set;
		printf("%s %s\n", "mosquitto_user_data_set", p ? "present" : "missing");
	}
	{
		void *(*volatile p)(struct mosquitto *mosq) = mosquitto_userdata;
		printf("%s %s\n", "mosquitto_userdata", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *cafile, const char *capath, const char *certfile, const char *keyfile, int (*pw_callback)(char *buf, int size, int rwflag, void *userdata)) = mosquitto_tls_set;
		printf("%s %s\n", "mosquitto_tls_set", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, bool value) = mosquitto_tls_insecure_set;
		printf("%s %s\n", "mosquitto_tls_insecure_set", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, int cert_reqs, const char *tls_version, const char *ciphers) = mosquitto_tls_opts_set;
		printf("%s %s\n", "mosquitto_tls_opts_set", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *psk, const char *identity, const char *ciphers) = mosquitto_tls_psk_set;
		printf("%s %s\n", "mosquitto_tls_psk_set", p ? "present" : "missing");
	}
	{
		void *(*volatile p)(struct mosquitto *mosq) = mosquitto_ssl_get;
		printf("%s %s\n", "mosquitto_ssl_get", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_connect)(struct mosquitto *, void *, int)) = mosquitto_connect_callback_set;
		printf("%s %s\n", "mosquitto_connect_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_connect)(struct mosquitto *, void *, int, int)) = mosquitto_connect_with_flags_callback_set;
		printf("%s %s\n", "mosquitto_connect_with_flags_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_connect)(struct mosquitto *, void *, int, int, const mosquitto_property *props)) = mosquitto_connect_v5_callback_set;
		printf("%s %s\n", "mosquitto_connect_v5_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_disconnect)(struct mosquitto *, void *, int)) = mosquitto_disconnect_callback_set;
		printf("%s %s\n", "mosquitto_disconnect_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_disconnect)(struct mosquitto *, void *, int, const mosquitto_property *props)) = mosquitto_disconnect_v5_callback_set;
		printf("%s %s\n", "mosquitto_disconnect_v5_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_publish)(struct mosquitto *, void *, int)) = mosquitto_publish_callback_set;
		printf("%s %s\n", "mosquitto_publish_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_publish)(struct mosquitto *, void *, int, int, const mosquitto_property *props)) = mosquitto_publish_v5_callback_set;
		printf("%s %s\n", "mosquitto_publish_v5_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_message)(struct mosquitto *, void *, const struct mosquitto_message *)) = mosquitto_message_callback_set;
		printf("%s %s\n", "mosquitto_message_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_message)(struct mosquitto *, void *, const struct mosquitto_message *, const mosquitto_property *props)) = mosquitto_message_v5_callback_set;
		printf("%s %s\n", "mosquitto_message_v5_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_subscribe)(struct mosquitto *, void *, int, int, const int *)) = mosquitto_subscribe_callback_set;
		printf("%s %s\n", "mosquitto_subscribe_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_subscribe)(struct mosquitto *, void *, int, int, const int *, const mosquitto_property *props)) = mosquitto_subscribe_v5_callback_set;
		printf("%s %s\n", "mosquitto_subscribe_v5_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_unsubscribe)(struct mosquitto *, void *, int)) = mosquitto_unsubscribe_callback_set;
		printf("%s %s\n", "mosquitto_unsubscribe_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_unsubscribe)(struct mosquitto *, void *, int, const mosquitto_property *props)) = mosquitto_unsubscribe_v5_callback_set;
		printf("%s %s\n", "mosquitto_unsubscribe_v5_callback_set", p ? "present" : "missing");
	}
	{
		void (*volatile p)(struct mosquitto *mosq, void (*on_log)(struct mosquitto *, void *, int, const char *)) = mosquitto_log_callback_set;
		printf("%s %s\n", "mosquitto_log_callback_set", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto *mosq, const char *host, int port, const char *username, const char *password) = mosquitto_socks5_set;
		printf("%s %s\n", "mosquitto_socks5_set", p ? "present" : "missing");
	}
	{
		const char *(*volatile p)(int mosq_errno) = mosquitto_strerror;
		printf("%s %s\n", "mosquitto_strerror", p ? "present" : "missing");
	}
	{
		const char *(*volatile p)(int connack_code) = mosquitto_connack_string;
		printf("%s %s\n", "mosquitto_connack_string", p ? "present" : "missing");
	}
	{
		const char *(*volatile p)(int reason_code) = mosquitto_reason_string;
		printf("%s %s\n", "mosquitto_reason_string", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const char *str, int *cmd) = mosquitto_string_to_command;
		printf("%s %s\n", "mosquitto_string_to_command", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const char *subtopic, char ***topics, int *count) = mosquitto_sub_topic_tokenise;
		printf("%s %s\n", "mosquitto_sub_topic_tokenise", p ? "present" : "missing");
	}
	{
		int (*volatile p)(char ***topics, int count) = mosquitto_sub_topic_tokens_free;
		printf("%s %s\n", "mosquitto_sub_topic_tokens_free", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const char *sub, const char *topic, bool *result) = mosquitto_topic_matches_sub;
		printf("%s %s\n", "mosquitto_topic_matches_sub", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const char *sub, size_t sublen, const char *topic, size_t topiclen, bool *result) = mosquitto_topic_matches_sub2;
		printf("%s %s\n", "mosquitto_topic_matches_sub2", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const char *topic) = mosquitto_pub_topic_check;
		printf("%s %s\n", "mosquitto_pub_topic_check", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const char *topic, size_t topiclen) = mosquitto_pub_topic_check2;
		printf("%s %s\n", "mosquitto_pub_topic_check2", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const char *topic) = mosquitto_sub_topic_check;
		printf("%s %s\n", "mosquitto_sub_topic_check", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const char *topic, size_t topiclen) = mosquitto_sub_topic_check2;
		printf("%s %s\n", "mosquitto_sub_topic_check2", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const char *str, int len) = mosquitto_validate_utf8;
		printf("%s %s\n", "mosquitto_validate_utf8", p ? "present" : "missing");
	}
	{
		int (*volatile p)(struct mosquitto_message **messages, int msg_count, bool want_retained, const char *topic, int qos, const char *host, int port, const char *client_id, int keepalive, bool clean_session, const char *username, const char *password, const struct libmosquitto_will *will, const struct libmosquitto_tls *tls) = mosquitto_subscribe_simple;
		printf("%s %s\n", "mosquitto_subscribe_simple", p ? "present" : "missing");
	}
	{
		int (*volatile p)(int (*callback)(struct mosquitto *, void *, const struct mosquitto_message *), void *userdata, const char *topic, int qos, const char *host, int port, const char *client_id, int keepalive, bool clean_session, const char *username, const char *password, const struct libmosquitto_will *will, const struct libmosquitto_tls *tls) = mosquitto_subscribe_callback;
		printf("%s %s\n", "mosquitto_subscribe_callback", p ? "present" : "missing");
	}
	{
		int (*volatile p)(mosquitto_property **proplist, int identifier, uint8_t value) = mosquitto_property_add_byte;
		printf("%s %s\n", "mosquitto_property_add_byte", p ? "present" : "missing");
	}
	{
		int (*volatile p)(mosquitto_property **proplist, int identifier, uint16_t value) = mosquitto_property_add_int16;
		printf("%s %s\n", "mosquitto_property_add_int16", p ? "present" : "missing");
	}
	{
		int (*volatile p)(mosquitto_property **proplist, int identifier, uint32_t value) = mosquitto_property_add_int32;
		printf("%s %s\n", "mosquitto_property_add_int32", p ? "present" : "missing");
	}
	{
		int (*volatile p)(mosquitto_property **proplist, int identifier, uint32_t value) = mosquitto_property_add_varint;
		printf("%s %s\n", "mosquitto_property_add_varint", p ? "present" : "missing");
	}
	{
		int (*volatile p)(mosquitto_property **proplist, int identifier, const void *value, uint16_t len) = mosquitto_property_add_binary;
		printf("%s %s\n", "mosquitto_property_add_binary", p ? "present" : "missing");
	}
	{
		int (*volatile p)(mosquitto_property **proplist, int identifier, const char *value) = mosquitto_property_add_string;
		printf("%s %s\n", "mosquitto_property_add_string", p ? "present" : "missing");
	}
	{
		int (*volatile p)(mosquitto_property **proplist, int identifier, const char *name, const char *value) = mosquitto_property_add_string_pair;
		printf("%s %s\n", "mosquitto_property_add_string_pair", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const mosquitto_property *property) = mosquitto_property_identifier;
		printf("%s %s\n", "mosquitto_property_identifier", p ? "present" : "missing");
	}
	{
		const mosquitto_property *(*volatile p)(const mosquitto_property *proplist) = mosquitto_property_next;
		printf("%s %s\n", "mosquitto_property_next", p ? "present" : "missing");
	}
	{
		const mosquitto_property *(*volatile p)(const mosquitto_property *proplist, int identifier, uint8_t *value, bool skip_first) = mosquitto_property_read_byte;
		printf("%s %s\n", "mosquitto_property_read_byte", p ? "present" : "missing");
	}
	{
		const mosquitto_property *(*volatile p)(const mosquitto_property *proplist, int identifier, uint16_t *value, bool skip_first) = mosquitto_property_read_int16;
		printf("%s %s\n", "mosquitto_property_read_int16", p ? "present" : "missing");
	}
	{
		const mosquitto_property *(*volatile p)(const mosquitto_property *proplist, int identifier, uint32_t *value, bool skip_first) = mosquitto_property_read_int32;
		printf("%s %s\n", "mosquitto_property_read_int32", p ? "present" : "missing");
	}
	{
		const mosquitto_property *(*volatile p)(const mosquitto_property *proplist, int identifier, uint32_t *value, bool skip_first) = mosquitto_property_read_varint;
		printf("%s %s\n", "mosquitto_property_read_varint", p ? "present" : "missing");
	}
	{
		const mosquitto_property *(*volatile p)(const mosquitto_property *proplist, int identifier, void **value, uint16_t *len, bool skip_first) = mosquitto_property_read_binary;
		printf("%s %s\n", "mosquitto_property_read_binary", p ? "present" : "missing");
	}
	{
		const mosquitto_property *(*volatile p)(const mosquitto_property *proplist, int identifier, char **value, bool skip_first) = mosquitto_property_read_string;
		printf("%s %s\n", "mosquitto_property_read_string", p ? "present" : "missing");
	}
	{
		const mosquitto_property *(*volatile p)(const mosquitto_property *proplist, int identifier, char **name, char **value, bool skip_first) = mosquitto_property_read_string_pair;
		printf("%s %s\n", "mosquitto_property_read_string_pair", p ? "present" : "missing");
	}
	{
		void (*volatile p)(mosquitto_property **properties) = mosquitto_property_free_all;
		printf("%s %s\n", "mosquitto_property_free_all", p ? "present" : "missing");
	}
	{
		int (*volatile p)(mosquitto_property **dest, const mosquitto_property *src) = mosquitto_property_copy_all;
		printf("%s %s\n", "mosquitto_property_copy_all", p ? "present" : "missing");
	}
	{
		int (*volatile p)(int command, int identifier) = mosquitto_property_check_command;
		printf("%s %s\n", "mosquitto_property_check_command", p ? "present" : "missing");
	}
	{
		int (*volatile p)(int command, const mosquitto_property *properties) = mosquitto_property_check_all;
		printf("%s %s\n", "mosquitto_property_check_all", p ? "present" : "missing");
	}
	{
		const char *(*volatile p)(int identifier) = mosquitto_property_identifier_to_string;
		printf("%s %s\n", "mosquitto_property_identifier_to_string", p ? "present" : "missing");
	}
	{
		int (*volatile p)(const char *propname, int *identifier, int *type) = mosquitto_string_to_property_info;
		printf("%s %s\n", "mosquitto_string_to_property_info", p ? "present" : "missing");
	}
	return 0;
}
