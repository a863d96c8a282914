/* differential */
/*
 * NULL and out-of-range arguments for the functions that take a client, and the checks they
 * make before touching the network. One line per call: the call and what it returned.
 *
 * Its standard output must be the same on every libmosquitto 2.0, so it leaves out calls that
 * crash the original library (a NULL client where it does not check, such as
 * mosquitto_userdata, mosquitto_want_write and the callback setters), calls that need a
 * network, and the TLS, SOCKS and helper functions (see argument_checks_tls_socks.c).
 *
 * Exit status: 0 when every call returned.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#define SHOW(call) printf("%s: %d\n", #call, (call))

static const char bad_utf8[] = "a\xff" "b";
static char long_topic[65540];

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	(void)rc;
}

static void check_new(void)
{
	struct mosquitto *m;

	errno = 0;
	m = mosquitto_new(NULL, false, NULL);
	printf("new(NULL, false): %s errno=%s\n", m ? "client" : "NULL", errno == EINVAL ? "EINVAL" : "other");
	mosquitto_destroy(m);
	errno = 0;
	m = mosquitto_new("", true, NULL);
	printf("new(\"\", true): %s errno=%s\n", m ? "client" : "NULL", errno == EINVAL ? "EINVAL" : "other");
	mosquitto_destroy(m);
	m = mosquitto_new(bad_utf8, true, NULL);
	printf("new(bad UTF-8): %s\n", m ? "client" : "NULL");
	mosquitto_destroy(m);
	m = mosquitto_new(NULL, true, NULL);
	printf("new(NULL, true): %s\n", m ? "client" : "NULL");
	if(m){
		printf("userdata is the client: %d\n", mosquitto_userdata(m) == (void *)m);
		mosquitto_user_data_set(m, NULL);
		printf("userdata after user_data_set(NULL): %s\n", mosquitto_userdata(m) ? "set" : "NULL");
	}
	mosquitto_destroy(m);
	/* A long id is allowed. */
	memset(long_topic, 'i', 100);
	long_topic[100] = '\0';
	m = mosquitto_new(long_topic, false, NULL);
	printf("new(100-char id, false): %s\n", m ? "client" : "NULL");
	mosquitto_destroy(m);
	mosquitto_destroy(NULL);
	printf("destroy(NULL): returned\n");
	mosquitto_user_data_set(NULL, NULL);
	printf("user_data_set(NULL): returned\n");
}

static void check_reinitialise(struct mosquitto *m)
{
	SHOW(mosquitto_reinitialise(NULL, "id", true, NULL));
	SHOW(mosquitto_reinitialise(m, NULL, false, NULL));
	SHOW(mosquitto_reinitialise(m, "", true, NULL));
	SHOW(mosquitto_reinitialise(m, bad_utf8, true, NULL) != 0);
	SHOW(mosquitto_reinitialise(m, "argcheck", true, NULL));
	printf("userdata after reinitialise(obj NULL) is the client: %d\n", mosquitto_userdata(m) == (void *)m);
}

static void check_will(struct mosquitto *m)
{
	SHOW(mosquitto_will_set(NULL, "t", 1, "x", 0, false));
	SHOW(mosquitto_will_set(m, NULL, 1, "x", 0, false));
	SHOW(mosquitto_will_set(m, "", 1, "x", 0, false));
	SHOW(mosquitto_will_set(m, "a/+", 1, "x", 0, false));
	SHOW(mosquitto_will_set(m, "a/#", 1, "x", 0, false));
	SHOW(mosquitto_will_set(m, bad_utf8, 1, "x", 0, false));
	SHOW(mosquitto_will_set(m, "t", -1, "x", 0, false));
	SHOW(mosquitto_will_set(m, "t", 268435456, "x", 0, false));
	SHOW(mosquitto_will_set(m, "t", 1, NULL, 0, false));
	SHOW(mosquitto_will_set(m, "t", 0, NULL, 0, false));
	SHOW(mosquitto_will_set(m, "t", 1, "x", 1, true));
	SHOW(mosquitto_will_set(m, "t", 1, "x", 2, false));
	SHOW(mosquitto_will_clear(NULL));
	SHOW(mosquitto_will_clear(m));
	SHOW(mosquitto_will_clear(m));
	SHOW(mosquitto_will_set_v5(NULL, "t", 1, "x", 0, false, NULL));
	SHOW(mosquitto_will_set_v5(m, NULL, 1, "x", 0, false, NULL));
	SHOW(mosquitto_will_set_v5(m, "t", 1, "x", 0, false, NULL));
	SHOW(mosquitto_will_clear(m));
}

static void check_credentials(struct mosquitto *m)
{
	SHOW(mosquitto_username_pw_set(NULL, "u", "p"));
	SHOW(mosquitto_username_pw_set(m, "u", "p"));
	SHOW(mosquitto_username_pw_set(m, "u", NULL));
	SHOW(mosquitto_username_pw_set(m, NULL, NULL));
	SHOW(mosquitto_username_pw_set(m, NULL, "p"));
	SHOW(mosquitto_username_pw_set(m, bad_utf8, "p"));
	SHOW(mosquitto_username_pw_set(m, "", ""));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5));
	SHOW(mosquitto_username_pw_set(m, NULL, "p"));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311));
	SHOW(mosquitto_username_pw_set(m, NULL, NULL));
}

static void check_connect(struct mosquitto *m)
{
	SHOW(mosquitto_connect(m, NULL, 1883, 60));
	SHOW(mosquitto_connect(m, "127.0.0.1", -1, 60));
	SHOW(mosquitto_connect(m, "127.0.0.1", 65536, 60));
	SHOW(mosquitto_connect(m, "127.0.0.1", 1, -1));
	SHOW(mosquitto_connect(m, "127.0.0.1", 1, 1));
	SHOW(mosquitto_connect(m, "127.0.0.1", 1, 4));
	SHOW(mosquitto_connect(m, "127.0.0.1", 1, 65536));
	SHOW(mosquitto_connect_bind(m, NULL, 1883, 60, NULL));
	SHOW(mosquitto_connect_bind(m, "127.0.0.1", -5, 60, NULL));
	SHOW(mosquitto_connect_bind(m, "127.0.0.1", 1, 2, "127.0.0.1"));
	SHOW(mosquitto_connect_bind_v5(m, NULL, 1883, 60, NULL, NULL));
	SHOW(mosquitto_connect_bind_v5(m, "127.0.0.1", 70000, 60, NULL, NULL));
	SHOW(mosquitto_connect_bind_v5(m, "127.0.0.1", 1, 3, NULL, NULL));
	SHOW(mosquitto_connect_async(NULL, "127.0.0.1", 1, 60));
	SHOW(mosquitto_connect_async(m, NULL, 1883, 60));
	SHOW(mosquitto_connect_async(m, "127.0.0.1", 65536, 60));
	SHOW(mosquitto_connect_async(m, "127.0.0.1", 1, 4));
	SHOW(mosquitto_connect_bind_async(NULL, "127.0.0.1", 1, 60, NULL));
	SHOW(mosquitto_connect_bind_async(m, NULL, 1883, 60, NULL));
	SHOW(mosquitto_connect_bind_async(m, "127.0.0.1", -1, 60, NULL));
	SHOW(mosquitto_connect_bind_async(m, "127.0.0.1", 1, 65536, NULL));
	SHOW(mosquitto_reconnect(NULL));
	SHOW(mosquitto_reconnect_async(NULL));
	SHOW(mosquitto_disconnect(NULL));
	SHOW(mosquitto_disconnect(m));
	SHOW(mosquitto_disconnect_v5(NULL, 0, NULL));
	SHOW(mosquitto_disconnect_v5(m, -1, NULL));
	SHOW(mosquitto_disconnect_v5(m, 256, NULL));
	SHOW(mosquitto_disconnect_v5(m, 0, NULL));
	SHOW(mosquitto_disconnect_v5(m, 0x8E, NULL));
}

static void check_publish(struct mosquitto *m)
{
	int mid = -1;

	SHOW(mosquitto_publish(NULL, NULL, "t", 1, "x", 0, false));
	SHOW(mosquitto_publish(m, NULL, "t", 1, "x", -1, false));
	SHOW(mosquitto_publish(m, NULL, "t", 1, "x", 3, false));
	SHOW(mosquitto_publish(m, NULL, NULL, 1, "x", 0, false));
	SHOW(mosquitto_publish(m, NULL, "", 1, "x", 0, false));
	SHOW(mosquitto_publish(m, NULL, "a/+/b", 1, "x", 0, false));
	SHOW(mosquitto_publish(m, NULL, "a/#", 1, "x", 0, false));
	SHOW(mosquitto_publish(m, NULL, "+", 1, "x", 0, false));
	SHOW(mosquitto_publish(m, NULL, bad_utf8, 1, "x", 0, false));
	SHOW(mosquitto_publish(m, NULL, "t", -1, "x", 0, false));
	SHOW(mosquitto_publish(m, NULL, "t", 268435456, "x", 0, false));
	SHOW(mosquitto_publish(m, NULL, long_topic, 1, "x", 0, false));
	/* Valid, but there is no connection; a mid is taken all the same. */
	printf("publish qos 0 offline: %d", mosquitto_publish(m, &mid, "t", 1, "x", 0, false));
	printf(" mid=%d\n", mid);
	printf("publish qos 1 offline: %d", mosquitto_publish(m, &mid, "t", 1, "x", 1, false));
	printf(" mid=%d\n", mid);
	printf("publish qos 2 offline: %d", mosquitto_publish(m, &mid, "t", 0, NULL, 2, true));
	printf(" mid=%d\n", mid);
	SHOW(mosquitto_publish_v5(NULL, NULL, "t", 1, "x", 0, false, NULL));
	SHOW(mosquitto_publish_v5(m, NULL, "t", 1, "x", 5, false, NULL));
	SHOW(mosquitto_publish_v5(m, NULL, NULL, 1, "x", 0, false, NULL));
}

static void check_subscribe(struct mosquitto *m)
{
	char *subs[2] = {"a/b", "c/#"};
	char *bad_subs[2] = {"a/b", "c#"};
	int mid = -1;

	SHOW(mosquitto_subscribe(NULL, NULL, "t", 0));
	SHOW(mosquitto_subscribe(m, NULL, NULL, 0));
	SHOW(mosquitto_subscribe(m, NULL, "t", -1));
	SHOW(mosquitto_subscribe(m, NULL, "t", 3));
	SHOW(mosquitto_subscribe(m, NULL, "t", 0));
	SHOW(mosquitto_subscribe(m, &mid, "a/#/b", 0));
	SHOW(mosquitto_subscribe_v5(NULL, NULL, "t", 0, 0, NULL));
	SHOW(mosquitto_subscribe_v5(m, NULL, NULL, 0, 0, NULL));
	SHOW(mosquitto_subscribe_v5(m, NULL, "t", 3, 0, NULL));
	SHOW(mosquitto_subscribe_v5(m, NULL, "t", 0, 0x30, NULL));
	SHOW(mosquitto_subscribe_v5(m, NULL, "t", 0, 0xC0, NULL));
	SHOW(mosquitto_subscribe_v5(m, NULL, "t", 0, 0, NULL));
	SHOW(mosquitto_subscribe_multiple(NULL, NULL, 2, subs, 0, 0, NULL));
	SHOW(mosquitto_subscribe_multiple(m, NULL, 0, subs, 0, 0, NULL));
	SHOW(mosquitto_subscribe_multiple(m, NULL, -1, subs, 0, 0, NULL));
	SHOW(mosquitto_subscribe_multiple(m, NULL, 2, NULL, 0, 0, NULL));
	SHOW(mosquitto_subscribe_multiple(m, NULL, 2, subs, 3, 0, NULL));
	SHOW(mosquitto_subscribe_multiple(m, NULL, 2, subs, 0, 0x30, NULL));
	SHOW(mosquitto_subscribe_multiple(m, NULL, 2, subs, 0, 0, NULL));
	SHOW(mosquitto_subscribe_multiple(m, NULL, 2, bad_subs, 0, 0, NULL));
	SHOW(mosquitto_unsubscribe(NULL, NULL, "t"));
	SHOW(mosquitto_unsubscribe(m, NULL, NULL));
	SHOW(mosquitto_unsubscribe(m, NULL, "t"));
	SHOW(mosquitto_unsubscribe_v5(NULL, NULL, "t", NULL));
	SHOW(mosquitto_unsubscribe_v5(m, NULL, NULL, NULL));
	SHOW(mosquitto_unsubscribe_v5(m, NULL, "t", NULL));
	SHOW(mosquitto_unsubscribe_multiple(NULL, NULL, 2, subs, NULL));
	SHOW(mosquitto_unsubscribe_multiple(m, NULL, 0, subs, NULL));
	SHOW(mosquitto_unsubscribe_multiple(m, NULL, 2, NULL, NULL));
	SHOW(mosquitto_unsubscribe_multiple(m, NULL, 2, subs, NULL));
	printf("mid untouched by failed subscribe: %d\n", mid);
}

static void check_loop(struct mosquitto *m)
{
	SHOW(mosquitto_loop(NULL, 10, 1));
	SHOW(mosquitto_loop(m, 10, 0));
	SHOW(mosquitto_loop(m, 10, -1));
	SHOW(mosquitto_loop(m, 10, 1));
	SHOW(mosquitto_loop(m, -1, 1));
	SHOW(mosquitto_loop_forever(NULL, 10, 1));
	SHOW(mosquitto_loop_forever(m, 10, 0));
	SHOW(mosquitto_loop_start(NULL));
	SHOW(mosquitto_loop_stop(NULL, false));
	SHOW(mosquitto_loop_stop(m, false));
	SHOW(mosquitto_loop_stop(m, true));
	SHOW(mosquitto_loop_read(m, 0));
	SHOW(mosquitto_loop_read(m, 1));
	SHOW(mosquitto_loop_write(m, 0));
	SHOW(mosquitto_loop_misc(NULL));
	SHOW(mosquitto_loop_misc(m));
	SHOW(mosquitto_socket(NULL));
	SHOW(mosquitto_socket(m));
	SHOW(mosquitto_threaded_set(NULL, true));
	SHOW(mosquitto_threaded_set(m, true));
	SHOW(mosquitto_loop_start(m));
	SHOW(mosquitto_threaded_set(m, false));
	/* A loop thread that never saw a connect call; force stops it at once. */
	SHOW(mosquitto_loop_start(m));
	SHOW(mosquitto_loop_start(m));
	SHOW(mosquitto_loop_stop(m, true));
	SHOW(mosquitto_loop_stop(m, true));
}

static void check_options(struct mosquitto *m)
{
	int value;

	SHOW(mosquitto_opts_set(NULL, MOSQ_OPT_PROTOCOL_VERSION, &value));
	value = MQTT_PROTOCOL_V31;
	SHOW(mosquitto_opts_set(m, MOSQ_OPT_PROTOCOL_VERSION, &value));
	value = 6;
	SHOW(mosquitto_opts_set(m, MOSQ_OPT_PROTOCOL_VERSION, &value));
	SHOW(mosquitto_opts_set(m, MOSQ_OPT_PROTOCOL_VERSION, NULL));
	SHOW(mosquitto_opts_set(m, MOSQ_OPT_RECEIVE_MAXIMUM, &value));
	SHOW(mosquitto_opts_set(m, (enum mosq_opt_t)999, &value));
	SHOW(mosquitto_int_option(NULL, MOSQ_OPT_PROTOCOL_VERSION, 4));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, 2));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, 6));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, 3));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, 5));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, 4));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_RECEIVE_MAXIMUM, -1));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_RECEIVE_MAXIMUM, 0));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_RECEIVE_MAXIMUM, 65535));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_RECEIVE_MAXIMUM, 65536));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, -1));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, 0));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, 65536));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, 20));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 0));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_BIND_ADDRESS, 1));
	SHOW(mosquitto_int_option(m, (enum mosq_opt_t)999, 1));
	SHOW(mosquitto_string_option(NULL, MOSQ_OPT_BIND_ADDRESS, "127.0.0.1"));
	SHOW(mosquitto_string_option(m, MOSQ_OPT_BIND_ADDRESS, "127.0.0.1"));
	SHOW(mosquitto_string_option(m, MOSQ_OPT_PROTOCOL_VERSION, "4"));
	SHOW(mosquitto_string_option(m, (enum mosq_opt_t)999, "x"));
	SHOW(mosquitto_void_option(NULL, MOSQ_OPT_PROTOCOL_VERSION, NULL));
	SHOW(mosquitto_void_option(m, MOSQ_OPT_PROTOCOL_VERSION, NULL));
	SHOW(mosquitto_void_option(m, (enum mosq_opt_t)999, NULL));
	SHOW(mosquitto_reconnect_delay_set(NULL, 1, 1, false));
	SHOW(mosquitto_reconnect_delay_set(m, 0, 0, false));
	SHOW(mosquitto_reconnect_delay_set(m, 10, 1, true));
	SHOW(mosquitto_reconnect_delay_set(m, 1, 30, true));
	SHOW(mosquitto_max_inflight_messages_set(NULL, 1));
	SHOW(mosquitto_max_inflight_messages_set(m, 0));
	SHOW(mosquitto_max_inflight_messages_set(m, 65535));
	SHOW(mosquitto_max_inflight_messages_set(m, 65536));
	SHOW(mosquitto_max_inflight_messages_set(m, UINT_MAX));
	SHOW(mosquitto_max_inflight_messages_set(m, 20));
	mosquitto_message_retry_set(NULL, 1);
	mosquitto_message_retry_set(m, 1);
	printf("message_retry_set: returned\n");
}

static void check_callbacks(struct mosquitto *m)
{
	/* Setting and clearing callbacks on a valid client. */
	mosquitto_connect_callback_set(m, on_connect);
	mosquitto_connect_callback_set(m, NULL);
	mosquitto_disconnect_callback_set(m, NULL);
	mosquitto_publish_callback_set(m, NULL);
	mosquitto_message_callback_set(m, NULL);
	mosquitto_subscribe_callback_set(m, NULL);
	mosquitto_unsubscribe_callback_set(m, NULL);
	mosquitto_log_callback_set(m, NULL);
	mosquitto_connect_with_flags_callback_set(m, NULL);
	mosquitto_connect_v5_callback_set(m, NULL);
	mosquitto_disconnect_v5_callback_set(m, NULL);
	mosquitto_publish_v5_callback_set(m, NULL);
	mosquitto_message_v5_callback_set(m, NULL);
	mosquitto_subscribe_v5_callback_set(m, NULL);
	mosquitto_unsubscribe_v5_callback_set(m, NULL);
	printf("callback setters: returned\n");
}

static void check_message_functions(void)
{
	struct mosquitto_message src, dst, *heap;

	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	src.topic = "a/b";
	src.payload = "xyz";
	src.payloadlen = 3;
	src.qos = 1;
	src.mid = 7;
	SHOW(mosquitto_message_copy(NULL, &src));
	SHOW(mosquitto_message_copy(&dst, NULL));
	SHOW(mosquitto_message_copy(&dst, &src));
	printf("copy: topic=%s payload=%s len=%d qos=%d mid=%d\n", dst.topic, (char *)dst.payload,
			dst.payloadlen, dst.qos, dst.mid);
	mosquitto_message_free_contents(&dst);
	mosquitto_message_free_contents(NULL);
	heap = calloc(1, sizeof(*heap));
	if(heap && mosquitto_message_copy(heap, &src) == 0){
		mosquitto_message_free(&heap);
	}
	mosquitto_message_free(NULL);
	heap = NULL;
	mosquitto_message_free(&heap);
	printf("message free: returned\n");
}

int main(void)
{
	struct mosquitto *m;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(long_topic, 'a', 65536);
	long_topic[65536] = '\0';
	SHOW(mosquitto_lib_init());
	check_new();
	m = mosquitto_new("argcheck", true, NULL);
	if(!m){
		printf("mosquitto_new failed\n");
		return 1;
	}
	check_reinitialise(m);
	check_will(m);
	check_credentials(m);
	check_connect(m);
	check_publish(m);
	check_subscribe(m);
	check_loop(m);
	check_options(m);
	check_callbacks(m);
	mosquitto_destroy(m);
	check_message_functions();
	SHOW(mosquitto_lib_cleanup());
	return 0;
}
