/* broker */
/*
 * The library's functions called from inside every callback while other threads publish on
 * the same client.
 *
 * An MQTT v5 client with its own loop thread has every callback set (connect, connect with
 * flags, connect v5, disconnect and disconnect v5, publish and publish v5, message and message
 * v5, subscribe and subscribe v5, unsubscribe and unsubscribe v5, log). Each callback, each time
 * it runs, calls the functions of the API that a program may call on a connected client without
 * ending its connection: options and settings, will and credentials for the next connection,
 * publish, subscribe and unsubscribe in all their forms, the loop's helpers, message copies,
 * every property function, the topic and UTF-8 checks and the string functions, and the
 * creation and destruction of another client. Meanwhile three threads of the program publish at
 * QoS 0, 1 and 2 on the same client. It runs until the subscription has delivered MESSAGES
 * messages.
 *
 * Every callback but on_log must run in the loop thread, as with libmosquitto (a program may
 * call the library under a lock of its own that its callbacks take too). Every function that
 * returns a code must return one of the library's codes (the calls are
 * valid, but some legitimately answer MOSQ_ERR_NO_CONN or MOSQ_ERR_INVAL, for example), the
 * publishing threads must only see MOSQ_ERR_SUCCESS or MOSQ_ERR_NO_CONN, and afterwards the
 * client must still make a round trip and disconnect cleanly.
 *
 * Usage: callbacks_every_api PORT
 * Exit status: 0 when every check passed; 1 otherwise (the failures are printed).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "support/testutil.h"

#define MESSAGES 300
#define LOAD_THREADS 3

static int port;
static char base[96];
static struct counter failures;
static struct counter calls;
static struct counter messages;
static struct counter round_trip;
static struct counter subscribed;
static struct counter unsubscribed;
static struct counter stop_load;
static struct counter load_bad;
static struct counter load_sent;
static struct counter in_callback[16];
static int userdata;
/* The loop thread (known from on_connect on); callbacks other than on_log run there only. */
static pthread_t loop_thread;
static struct counter loop_known;
static struct counter outside_loop;

enum { CB_CONNECT, CB_CONNECT_FLAGS, CB_CONNECT_V5, CB_DISCONNECT, CB_DISCONNECT_V5, CB_PUBLISH,
	CB_PUBLISH_V5, CB_MESSAGE, CB_MESSAGE_V5, CB_SUBSCRIBE, CB_SUBSCRIBE_V5, CB_UNSUBSCRIBE,
	CB_UNSUBSCRIBE_V5, CB_LOG, CB_COUNT };

static const char *cb_names[CB_COUNT] = {"connect", "connect_with_flags", "connect_v5",
	"disconnect", "disconnect_v5", "publish", "publish_v5", "message", "message_v5", "subscribe",
	"subscribe_v5", "unsubscribe", "unsubscribe_v5", "log"};

#define FAIL(...) \
	do{ \
		printf(__VA_ARGS__); \
		printf("\n"); \
		counter_add(&failures, 1); \
	}while(0)

/* A return code the library documents (2.0's MOSQ_ERR_* range). */
static void code(const char *from, const char *what, int rc)
{
	counter_add(&calls, 1);
	if(rc < MOSQ_ERR_AUTH_CONTINUE || rc > MOSQ_ERR_ALREADY_EXISTS){
		FAIL("%s: %s returned %d, not a library code", from, what, rc);
	}
}

#define CALL(expr) code(from, #expr, (expr))

/* Every property function on a list of its own. */
static void properties(const char *from)
{
	mosquitto_property *props = NULL, *copy = NULL;
	const mosquitto_property *p;
	uint8_t byte;
	uint16_t word;
	uint32_t dword;
	void *bin = NULL;
	uint16_t bin_len;
	char *name = NULL, *value = NULL;
	int identifier, type;

	CALL(mosquitto_property_add_byte(&props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1));
	CALL(mosquitto_property_add_int16(&props, MQTT_PROP_TOPIC_ALIAS_MAXIMUM, 10));
	CALL(mosquitto_property_add_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 60));
	CALL(mosquitto_property_add_varint(&props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 7));
	CALL(mosquitto_property_add_binary(&props, MQTT_PROP_CORRELATION_DATA, "corr", 4));
	CALL(mosquitto_property_add_string(&props, MQTT_PROP_CONTENT_TYPE, "text/plain"));
	CALL(mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "k", "v"));
	p = mosquitto_property_read_byte(props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, &byte, false);
	if(!p || byte != 1){
		FAIL("%s: property_read_byte", from);
	}
	p = mosquitto_property_read_int16(props, MQTT_PROP_TOPIC_ALIAS_MAXIMUM, &word, false);
	if(!p || word != 10){
		FAIL("%s: property_read_int16", from);
	}
	p = mosquitto_property_read_int32(props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &dword, false);
	if(!p || dword != 60){
		FAIL("%s: property_read_int32", from);
	}
	p = mosquitto_property_read_varint(props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &dword, false);
	if(!p || dword != 7){
		FAIL("%s: property_read_varint", from);
	}
	p = mosquitto_property_read_binary(props, MQTT_PROP_CORRELATION_DATA, &bin, &bin_len, false);
	if(!p || bin_len != 4 || memcmp(bin, "corr", 4)){
		FAIL("%s: property_read_binary", from);
	}
	free(bin);
	p = mosquitto_property_read_string(props, MQTT_PROP_CONTENT_TYPE, &value, false);
	if(!p || !value || strcmp(value, "text/plain")){
		FAIL("%s: property_read_string", from);
	}
	free(value);
	value = NULL;
	p = mosquitto_property_read_string_pair(props, MQTT_PROP_USER_PROPERTY, &name, &value, false);
	if(!p || !name || !value || strcmp(name, "k") || strcmp(value, "v")){
		FAIL("%s: property_read_string_pair", from);
	}
	free(name);
	free(value);
	for(p = props; p; p = mosquitto_property_next(p)){
		(void)mosquitto_property_identifier(p);
	}
	CALL(mosquitto_property_copy_all(&copy, props));
	CALL(mosquitto_property_check_all(CMD_PUBLISH, props));
	CALL(mosquitto_property_check_command(CMD_PUBLISH, MQTT_PROP_CONTENT_TYPE));
	CALL(mosquitto_string_to_property_info("content-type", &identifier, &type));
	(void)mosquitto_property_identifier_to_string(MQTT_PROP_CONTENT_TYPE);
	mosquitto_property_free_all(&copy);
	mosquitto_property_free_all(&props);
}

/* The functions that need no client. */
static void pure(const char *from)
{
	bool result;
	char **tokens = NULL;
	int count = 0, cmd;

	CALL(mosquitto_topic_matches_sub("a/+/c", "a/b/c", &result));
	CALL(mosquitto_topic_matches_sub2("a/#", 3, "a/b", 3, &result));
	CALL(mosquitto_pub_topic_check("a/b"));
	CALL(mosquitto_pub_topic_check2("a/b", 3));
	CALL(mosquitto_sub_topic_check("a/+"));
	CALL(mosquitto_sub_topic_check2("a/+", 3));
	CALL(mosquitto_validate_utf8("text", 4));
	CALL(mosquitto_sub_topic_tokenise("a/b/c", &tokens, &count));
	CALL(mosquitto_sub_topic_tokens_free(&tokens, count));
	CALL(mosquitto_string_to_command("publish", &cmd));
	(void)mosquitto_strerror(MOSQ_ERR_NO_CONN);
	(void)mosquitto_connack_string(CONNACK_REFUSED_NOT_AUTHORIZED);
	(void)mosquitto_reason_string(MQTT_RC_QUOTA_EXCEEDED);
	(void)mosquitto_lib_version(NULL, NULL, NULL);
}

/* Everything a program may call on its connected client from a callback. The callbacks call it
 * for a part of their calls only, so that the acknowledgements of what it sends bring fewer calls
 * of it than there were: each call subscribes and unsubscribes three times, and the (un)subscribe
 * callbacks call it for one in ten acknowledgements between them. */
static void everything(struct mosquitto *mosq, int cb, const struct mosquitto_message *msg)
{
	const char *from = cb_names[cb];
	char topic[160];
	char *const topics[] = {topic};
	int v5 = MQTT_PROTOCOL_V5, mid = 0;
	mosquitto_property *props = NULL;
	struct mosquitto_message *copy;
	struct mosquitto *other;

	counter_add(&in_callback[cb], 1);
	if(cb != CB_LOG && counter_get(&loop_known) && !pthread_equal(pthread_self(), loop_thread)){
		if(counter_get(&outside_loop) < 5){
			printf("the %s callback ran outside the loop thread\n", cb_names[cb]);
		}
		counter_add(&outside_loop, 1);
	}
	(void)mosquitto_socket(mosq);
	(void)mosquitto_want_write(mosq);
	(void)mosquitto_ssl_get(mosq);
	if(mosquitto_userdata(mosq) != &userdata){
		FAIL("%s: userdata changed", from);
	}
	mosquitto_user_data_set(mosq, &userdata);
	CALL(mosquitto_threaded_set(mosq, true));
	CALL(mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1));
	CALL(mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5));
	CALL(mosquitto_opts_set(mosq, MOSQ_OPT_PROTOCOL_VERSION, &v5));
	CALL(mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, 20));
	CALL(mosquitto_reconnect_delay_set(mosq, 1, 2, false));
	CALL(mosquitto_max_inflight_messages_set(mosq, 20));
	mosquitto_message_retry_set(mosq, 20);
	CALL(mosquitto_will_set(mosq, "will/topic", 4, "will", 1, false));
	CALL(mosquitto_will_set_v5(mosq, "will/topic", 4, "will", 1, false, NULL));
	CALL(mosquitto_will_clear(mosq));
	CALL(mosquitto_username_pw_set(mosq, NULL, NULL));
	CALL(mosquitto_loop_misc(mosq));

	snprintf(topic, sizeof(topic), "%sside/%s", base, from);
	CALL(mosquitto_publish(mosq, &mid, topic, 2, "cb", 0, false));
	CALL(mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "from", from));
	CALL(mosquitto_publish_v5(mosq, &mid, topic, 2, "cb", 1, false, props));
	mosquitto_property_free_all(&props);
	CALL(mosquitto_subscribe(mosq, &mid, topic, 0));
	CALL(mosquitto_unsubscribe(mosq, &mid, topic));
	CALL(mosquitto_subscribe_v5(mosq, &mid, topic, 1, 0, NULL));
	CALL(mosquitto_unsubscribe_v5(mosq, &mid, topic, NULL));
	CALL(mosquitto_subscribe_multiple(mosq, &mid, 1, topics, 0, 0, NULL));
	CALL(mosquitto_unsubscribe_multiple(mosq, &mid, 1, topics, NULL));

	if(msg){
		copy = calloc(1, sizeof(*copy));
		if(copy){
			CALL(mosquitto_message_copy(copy, msg));
			mosquitto_message_free_contents(copy);
			free(copy);
		}
		copy = calloc(1, sizeof(*copy));
		if(copy){
			CALL(mosquitto_message_copy(copy, msg));
			mosquitto_message_free(&copy);
		}
	}
	properties(from);
	pure(from);

	/* Another client, made and destroyed here. */
	other = mosquitto_new(NULL, true, NULL);
	if(!other){
		FAIL("%s: mosquitto_new", from);
	}else{
		CALL(mosquitto_int_option(other, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5));
		CALL(mosquitto_reinitialise(other, NULL, true, NULL));
		mosquitto_destroy(other);
	}
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	char topic[160];

	(void)obj;
	loop_thread = pthread_self();
	counter_set(&loop_known, 1);
	if(rc != 0){
		FAIL("connect: rc %d", rc);
		return;
	}
	snprintf(topic, sizeof(topic), "%sround/#", base);
	if(mosquitto_subscribe(mosq, NULL, topic, 1) != MOSQ_ERR_SUCCESS){
		FAIL("connect: subscribe");
	}
	everything(mosq, CB_CONNECT, NULL);
}

static void on_connect_flags(struct mosquitto *mosq, void *obj, int rc, int flags)
{
	(void)obj;
	(void)rc;
	(void)flags;
	everything(mosq, CB_CONNECT_FLAGS, NULL);
}

static void on_connect_v5(struct mosquitto *mosq, void *obj, int rc, int flags, const mosquitto_property *props)
{
	(void)obj;
	(void)rc;
	(void)flags;
	(void)props;
	everything(mosq, CB_CONNECT_V5, NULL);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)obj;
	(void)rc;
	everything(mosq, CB_DISCONNECT, NULL);
}

static void on_disconnect_v5(struct mosquitto *mosq, void *obj, int rc, const mosquitto_property *props)
{
	(void)obj;
	(void)rc;
	(void)props;
	everything(mosq, CB_DISCONNECT_V5, NULL);
}

/* Publish callbacks come for every message the threads send: only some call everything. */
static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	(void)obj;
	if(mid % 50 == 0){
		everything(mosq, CB_PUBLISH, NULL);
	}
}

static void on_publish_v5(struct mosquitto *mosq, void *obj, int mid, int rc, const mosquitto_property *props)
{
	(void)obj;
	(void)rc;
	(void)props;
	if(mid % 50 == 25){
		everything(mosq, CB_PUBLISH_V5, NULL);
	}
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	(void)obj;
	if(strstr(msg->topic, "/round/")){
		counter_add(&messages, 1);
		if(msg->payloadlen == 4 && !memcmp(msg->payload, "last", 4)){
			counter_add(&round_trip, 1);
		}
		if(counter_get(&messages) % 10 == 0){
			everything(mosq, CB_MESSAGE, msg);
		}
	}
}

static void on_message_v5(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg,
		const mosquitto_property *props)
{
	(void)obj;
	(void)props;
	if(strstr(msg->topic, "/round/") && counter_get(&messages) % 10 == 5){
		everything(mosq, CB_MESSAGE_V5, msg);
	}
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	(void)obj;
	(void)mid;
	(void)count;
	(void)granted;
	counter_add(&subscribed, 1);
	if(counter_get(&subscribed) % 20 == 1){
		everything(mosq, CB_SUBSCRIBE, NULL);
	}
}

static void on_subscribe_v5(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted,
		const mosquitto_property *props)
{
	(void)obj;
	(void)mid;
	(void)count;
	(void)granted;
	(void)props;
	if(counter_get(&subscribed) % 20 == 2){
		everything(mosq, CB_SUBSCRIBE_V5, NULL);
	}
}

static void on_unsubscribe(struct mosquitto *mosq, void *obj, int mid)
{
	(void)obj;
	(void)mid;
	counter_add(&unsubscribed, 1);
	if(counter_get(&unsubscribed) % 20 == 1){
		everything(mosq, CB_UNSUBSCRIBE, NULL);
	}
}

static void on_unsubscribe_v5(struct mosquitto *mosq, void *obj, int mid, const mosquitto_property *props)
{
	(void)obj;
	(void)mid;
	(void)props;
	if(counter_get(&unsubscribed) % 20 == 2){
		everything(mosq, CB_UNSUBSCRIBE_V5, NULL);
	}
}

static struct counter logs;

static void on_log(struct mosquitto *mosq, void *obj, int level, const char *str)
{
	(void)obj;
	(void)level;
	(void)str;
	/* Log lines come from every thread that calls the library; some of them call everything. */
	counter_add(&logs, 1);
	if(counter_get(&logs) % 200 == 0){
		everything(mosq, CB_LOG, NULL);
	}
}

/* One of the threads publishing on the client the whole time. */
static void *load_thread(void *arg)
{
	struct mosquitto *mosq = arg;
	char topic[160], payload[32];
	int i, rc;

	for(i = 0; !counter_get(&stop_load); i++){
		snprintf(topic, sizeof(topic), "%sload/%d", base, i % 7);
		snprintf(payload, sizeof(payload), "%d", i);
		rc = mosquitto_publish(mosq, NULL, topic, (int)strlen(payload), payload, i % 3, false);
		if(rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN){
			FAIL("load: publish returned %d", rc);
			counter_add(&load_bad, 1);
		}
		counter_add(&load_sent, 1);
		sleep_ms(1);
	}
	return NULL;
}

int main(int argc, char *argv[])
{
	struct mosquitto *mosq;
	pthread_t threads[LOAD_THREADS];
	char topic[160], payload[16];
	int i, sent;

	port = port_argument(argc, argv);
	start_watchdog(120);
	setvbuf(stdout, NULL, _IOLBF, 0);
	counter_init(&failures);
	counter_init(&calls);
	counter_init(&messages);
	counter_init(&round_trip);
	counter_init(&subscribed);
	counter_init(&unsubscribed);
	counter_init(&stop_load);
	counter_init(&load_bad);
	counter_init(&load_sent);
	counter_init(&logs);
	counter_init(&loop_known);
	counter_init(&outside_loop);
	for(i = 0; i < CB_COUNT; i++){
		counter_init(&in_callback[i]);
	}
	snprintf(base, sizeof(base), "everyapi/%ld/", (long)getpid());
	mosquitto_lib_init();

	mosq = mosquitto_new(NULL, true, &userdata);
	if(!mosq){
		printf("mosquitto_new failed\n");
		return 1;
	}
	mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_connect_with_flags_callback_set(mosq, on_connect_flags);
	mosquitto_connect_v5_callback_set(mosq, on_connect_v5);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	mosquitto_disconnect_v5_callback_set(mosq, on_disconnect_v5);
	mosquitto_publish_callback_set(mosq, on_publish);
	mosquitto_publish_v5_callback_set(mosq, on_publish_v5);
	mosquitto_message_callback_set(mosq, on_message);
	mosquitto_message_v5_callback_set(mosq, on_message_v5);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_subscribe_v5_callback_set(mosq, on_subscribe_v5);
	mosquitto_unsubscribe_callback_set(mosq, on_unsubscribe);
	mosquitto_unsubscribe_v5_callback_set(mosq, on_unsubscribe_v5);
	mosquitto_log_callback_set(mosq, on_log);
	if(mosquitto_connect(mosq, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS
			|| mosquitto_loop_start(mosq) != MOSQ_ERR_SUCCESS){
		printf("cannot connect or start the loop\n");
		return 1;
	}
	wait_counter(&subscribed, 1, "the first SUBACK");
	for(i = 0; i < LOAD_THREADS; i++){
		pthread_create(&threads[i], NULL, load_thread, mosq);
	}
	/* Messages to the client's own subscription, which call everything as they arrive. */
	for(sent = 0; sent < MESSAGES; sent++){
		snprintf(topic, sizeof(topic), "%sround/%d", base, sent % 5);
		snprintf(payload, sizeof(payload), "%d", sent);
		if(mosquitto_publish(mosq, NULL, topic, (int)strlen(payload), payload, 1, false) != MOSQ_ERR_SUCCESS){
			FAIL("main: publish %d", sent);
		}
		sleep_ms(2);
	}
	/* The load makes them slow under Valgrind: up to a minute. */
	for(i = 0; i < 5 && counter_get(&messages) < MESSAGES; i++){
		sleep_ms(1000 * WAIT_SECONDS / 2);
	}
	wait_counter(&messages, MESSAGES, "the messages to its own subscription");
	counter_set(&stop_load, 1);
	for(i = 0; i < LOAD_THREADS; i++){
		pthread_join(threads[i], NULL);
	}
	/* Still working: one more round trip. */
	snprintf(topic, sizeof(topic), "%sround/last", base);
	if(mosquitto_publish(mosq, NULL, topic, 4, "last", 1, false) != MOSQ_ERR_SUCCESS){
		FAIL("main: the last publish");
	}
	wait_counter(&round_trip, 1, "the last round trip");
	if(mosquitto_disconnect(mosq) != MOSQ_ERR_SUCCESS){
		FAIL("main: disconnect");
	}
	if(mosquitto_loop_stop(mosq, false) != MOSQ_ERR_SUCCESS){
		FAIL("main: loop_stop");
	}
	for(i = 0; i < CB_COUNT; i++){
		printf("%s: %d time(s)\n", cb_names[i], counter_get(&in_callback[i]));
	}
	/* Every kind of callback that a connection and a clean disconnect bring called everything. */
	for(i = 0; i < CB_COUNT; i++){
		if(i != CB_LOG && counter_get(&in_callback[i]) == 0){
			FAIL("the %s callback never called everything", cb_names[i]);
		}
	}
	printf("calls checked: %d; publishes by other threads meanwhile: %d\n", counter_get(&calls),
			counter_get(&load_sent));
	/* As libmosquitto: with mosquitto_loop_start(), only the loop thread runs callbacks (log
	 * lines excepted: they come from the thread whose call wrote them). */
	if(counter_get(&outside_loop)){
		FAIL("%d callbacks ran outside the loop thread", counter_get(&outside_loop));
	}
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	printf("failures: %d\n", counter_get(&failures));
	return counter_get(&failures) ? 1 : 0;
}
