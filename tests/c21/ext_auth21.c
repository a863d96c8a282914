/* MQTT v5 enhanced authentication with libmosquitto 2.1's API: the authentication method in
 * CONNECT, the server's AUTH reaching the ext_auth callback, mosquitto_ext_auth_continue.
 * Usage: ext_auth21 PORT (a server that challenges with method "demo" and data "challenge" and
 * accepts the answer "response"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

static int challenges = 0;
static int connected = 0;
static int failures = 0;

#define CHECK(cond) do { if(!(cond)){ printf("FAIL line %d: %s\n", __LINE__, #cond); failures++; } } while(0)

static int on_ext_auth(struct mosquitto *mosq, void *obj, const char *method, uint16_t len, const void *data, const mosquitto_property *props)
{
	(void)obj;
	challenges++;
	CHECK(method && !strcmp(method, "demo"));
	CHECK(len == 9 && data && !memcmp(data, "challenge", 9));
	CHECK(mosquitto_property_read_string(props, MQTT_PROP_AUTHENTICATION_METHOD, NULL, false) != NULL);
	CHECK(mosquitto_ext_auth_continue(NULL, "demo", 0, NULL, NULL) == MOSQ_ERR_PROTOCOL);
	CHECK(mosquitto_ext_auth_continue(mosq, NULL, 0, NULL, NULL) == MOSQ_ERR_PROTOCOL);
	CHECK(mosquitto_ext_auth_continue(mosq, "demo", 8, "response", NULL) == MOSQ_ERR_SUCCESS);
	return MOSQ_ERR_SUCCESS;
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)obj;
	CHECK(rc == 0);
	connected++;
	mosquitto_disconnect(mosq);
}

int main(int argc, char *argv[])
{
	struct mosquitto *mosq;
	mosquitto_property *props = NULL;
	int rc;

	if(argc < 2){
		return 2;
	}
	mosquitto_lib_init();
	mosq = mosquitto_new("auth21", true, NULL);
	CHECK(mosquitto_ext_auth_continue(mosq, "demo", 0, NULL, NULL) == MOSQ_ERR_PROTOCOL);
	mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_ext_auth_callback_set(mosq, on_ext_auth);
	mosquitto_connect_callback_set(mosq, on_connect);
	CHECK(mosquitto_property_add_string(&props, MQTT_PROP_AUTHENTICATION_METHOD, "demo") == MOSQ_ERR_SUCCESS);
	rc = mosquitto_connect_bind_v5(mosq, "127.0.0.1", atoi(argv[1]), 60, NULL, props);
	mosquitto_property_free_all(&props);
	CHECK(rc == MOSQ_ERR_SUCCESS);
	if(rc == MOSQ_ERR_SUCCESS){
		rc = mosquitto_loop_forever(mosq, 1000, 1);
		CHECK(rc == MOSQ_ERR_SUCCESS);
	}
	CHECK(challenges == 1);
	CHECK(connected == 1);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
