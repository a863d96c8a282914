/* MQTT v5 over websockets with libmosquitto 2.1's API: MOSQ_OPT_TRANSPORT, MOSQ_OPT_HTTP_PATH,
 * the pre-connect and unsubscribe2_v5 callbacks, and publish properties built by the helper
 * library (libmosquitto_common.so.1) sent by libmosquitto.so.1.
 * Usage: websockets21 PORT [CAFILE] (with a CA file: websockets over TLS) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

static int pre_connects = 0;
static int unsubscribed = 0;
static int received = 0;
static int failures = 0;

#define CHECK(cond) do { if(!(cond)){ printf("FAIL line %d: %s\n", __LINE__, #cond); failures++; } } while(0)

static void on_pre_connect(struct mosquitto *mosq, void *obj)
{
	(void)mosq;
	(void)obj;
	pre_connects++;
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc, int flags, const mosquitto_property *props)
{
	(void)obj;
	(void)flags;
	(void)props;
	CHECK(rc == 0);
	CHECK(mosquitto_subscribe_v5(mosq, NULL, "ws21/topic", 1, 0, NULL) == MOSQ_ERR_SUCCESS);
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted, const mosquitto_property *props)
{
	mosquitto_property *pub = NULL;
	(void)obj;
	(void)mid;
	(void)props;
	CHECK(count == 1 && granted[0] == 1);
	CHECK(mosquitto_property_add_string_pair(&pub, MQTT_PROP_USER_PROPERTY, "via", "websockets") == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_publish_v5(mosq, NULL, "ws21/topic", 5, "hello", 1, false, pub) == MOSQ_ERR_SUCCESS);
	mosquitto_property_free_all(&pub);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg, const mosquitto_property *props)
{
	const mosquitto_property *p;
	char *topics[] = {"ws21/topic", "ws21/never"};
	(void)obj;
	CHECK(msg->payloadlen == 5 && !memcmp(msg->payload, "hello", 5));
	for(p = props; p; p = mosquitto_property_next(p)){
		if(mosquitto_property_identifier(p) == MQTT_PROP_USER_PROPERTY){
			CHECK(!strcmp(mosquitto_property_string_name(p), "via"));
			CHECK(!strcmp(mosquitto_property_string_value(p), "websockets"));
			received++;
		}
	}
	CHECK(mosquitto_unsubscribe_multiple(mosq, NULL, 2, topics, NULL) == MOSQ_ERR_SUCCESS);
}

static void on_unsubscribe2(struct mosquitto *mosq, void *obj, int mid, int count, const int *codes, const mosquitto_property *props)
{
	(void)obj;
	(void)mid;
	(void)props;
	CHECK(count == 2);
	if(count == 2){
		CHECK(codes[0] == MQTT_RC_SUCCESS);
		CHECK(codes[1] == MQTT_RC_SUCCESS || codes[1] == MQTT_RC_NO_SUBSCRIPTION_EXISTED);
	}
	unsubscribed++;
	mosquitto_disconnect(mosq);
}

int main(int argc, char *argv[])
{
	struct mosquitto *mosq;
	int rc;

	if(argc < 2){
		return 2;
	}
	mosquitto_lib_init();
	mosq = mosquitto_new("ws21-client", true, NULL);
	CHECK(mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_int_option(mosq, MOSQ_OPT_TRANSPORT, 3) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_int_option(mosq, MOSQ_OPT_HTTP_HEADER_SIZE, 99) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_int_option(mosq, MOSQ_OPT_HTTP_HEADER_SIZE, 2048) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_int_option(mosq, MOSQ_OPT_TRANSPORT, MOSQ_T_WEBSOCKETS) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_string_option(mosq, MOSQ_OPT_HTTP_PATH, "/bad path") == MOSQ_ERR_INVAL);
	CHECK(mosquitto_string_option(mosq, MOSQ_OPT_HTTP_PATH, "/mqtt") == MOSQ_ERR_SUCCESS);
	if(argc > 2){
		CHECK(mosquitto_tls_set(mosq, argv[2], NULL, NULL, NULL, NULL) == MOSQ_ERR_SUCCESS);
	}
	mosquitto_pre_connect_callback_set(mosq, on_pre_connect);
	mosquitto_connect_v5_callback_set(mosq, on_connect);
	mosquitto_subscribe_v5_callback_set(mosq, on_subscribe);
	mosquitto_message_v5_callback_set(mosq, on_message);
	mosquitto_unsubscribe2_v5_callback_set(mosq, on_unsubscribe2);
	rc = mosquitto_connect(mosq, "127.0.0.1", atoi(argv[1]), 60);
	CHECK(rc == MOSQ_ERR_SUCCESS);
	if(rc == MOSQ_ERR_SUCCESS){
		rc = mosquitto_loop_forever(mosq, 1000, 1);
		CHECK(rc == MOSQ_ERR_SUCCESS);
	}
	CHECK(pre_connects == 1);
	CHECK(received == 1);
	CHECK(unsubscribed == 1);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
