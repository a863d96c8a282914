/* The functions libmosquitto 2.1 added that need no broker, written against 2.1's API (only
 * <mosquitto.h>, which brings the protocol constants), and a property list passed between
 * libmosquitto_common.so.1 and libmosquitto.so.1 in both directions. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

static int failures = 0;

#define CHECK(cond) do { if(!(cond)){ printf("FAIL line %d: %s\n", __LINE__, #cond); failures++; } } while(0)

static bool match_pattern(const char *sub, const char *topic, const char *id, const char *user)
{
	bool r = true;
	CHECK(mosquitto_topic_matches_sub_with_pattern(sub, topic, id, user, &r) == MOSQ_ERR_SUCCESS);
	return r;
}

static bool acl(const char *a, const char *s)
{
	bool r = true;
	CHECK(mosquitto_sub_matches_acl(a, s, &r) == MOSQ_ERR_SUCCESS);
	return r;
}

typedef int (*add_string_pair_fn)(mosquitto_property **, int, const char *, const char *);
typedef int (*add_int32_fn)(mosquitto_property **, int, uint32_t);
typedef const char *(*string_value_fn)(const mosquitto_property *);
typedef void (*free_all_fn)(mosquitto_property **);

int main(void)
{
	bool r;
	mosquitto_property *list = NULL, *p;

	CHECK(match_pattern("sensors/%c/temperature", "sensors/kitchen/temperature", "kitchen", NULL));
	CHECK(!match_pattern("sensors/%c/temperature", "sensors/bathroom/temperature", "kitchen", NULL));
	CHECK(!match_pattern("sensors/%count/temperature", "sensors/kitchen/temperature", "kitchen", NULL));
	CHECK(match_pattern("%c/%c/%u/%u", "kitchen/kitchen/bathroom/bathroom", "kitchen", "bathroom"));
	CHECK(mosquitto_topic_matches_sub_with_pattern(NULL, "a", NULL, NULL, &r) == MOSQ_ERR_INVAL && !r);
	CHECK(mosquitto_topic_matches_sub_with_pattern("a", "a", NULL, NULL, NULL) == MOSQ_ERR_INVAL);
	CHECK(acl("$SYS/#", "$SYS/broker/#"));
	CHECK(!acl("$SYS/broker/uptime", "$SYS/broker/#"));
	CHECK(!acl("a/+", "a/#"));
	CHECK(mosquitto_sub_matches_acl("a", NULL, &r) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_sub_matches_acl_with_pattern("sensors/%c/+", "sensors/kitchen/t", "kitchen", NULL, &r) == MOSQ_ERR_SUCCESS && r);
	CHECK(mosquitto_sub_matches_acl_with_pattern("sensors/%c/+", "sensors/bath/t", "kitchen", NULL, &r) == MOSQ_ERR_SUCCESS && !r);

	CHECK(mosquitto_property_add_int16(&list, MQTT_PROP_TOPIC_ALIAS, 3) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY, "name", "value") == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_property_type(list) == MQTT_PROP_TYPE_INT16);
	CHECK(mosquitto_property_int16_value(list) == 3);
	p = (mosquitto_property *)mosquitto_property_next(list);
	CHECK(mosquitto_property_type(p) == MQTT_PROP_TYPE_STRING_PAIR);
	CHECK(!strcmp(mosquitto_property_string_name(p), "name") && mosquitto_property_string_name_length(p) == 4);
	CHECK(!strcmp(mosquitto_property_string_value(p), "value") && mosquitto_property_string_value_length(p) == 5);
	CHECK(mosquitto_property_byte_value(p) == 0 && mosquitto_property_binary_value(p) == NULL);
	CHECK(mosquitto_property_remove(&list, p) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_property_remove(&list, p) == MOSQ_ERR_NOT_FOUND);
	CHECK(mosquitto_property_remove(NULL, p) == MOSQ_ERR_INVAL);
	mosquitto_property_free_all(&p);
	mosquitto_property_free_all(&list);
	CHECK(mosquitto_property_type(NULL) == 0 && mosquitto_property_string_value(NULL) == NULL);

	/* The helper library's own copy of the functions, as a program linked against it calls them. */
	void *common = dlopen("libmosquitto_common.so.1", RTLD_NOW | RTLD_LOCAL);
	CHECK(common != NULL);
	if(common){
		add_string_pair_fn c_add_pair = (add_string_pair_fn)(uintptr_t)dlsym(common, "mosquitto_property_add_string_pair");
		add_int32_fn c_add_int32 = (add_int32_fn)(uintptr_t)dlsym(common, "mosquitto_property_add_int32");
		string_value_fn c_string_value = (string_value_fn)(uintptr_t)dlsym(common, "mosquitto_property_string_value");
		free_all_fn c_free_all = (free_all_fn)(uintptr_t)dlsym(common, "mosquitto_property_free_all");
		CHECK(c_add_pair && c_add_int32 && c_string_value && c_free_all);
		CHECK(c_add_pair != mosquitto_property_add_string_pair);
		if(c_add_pair && c_add_int32 && c_string_value && c_free_all){
			char *name = NULL, *value = NULL;
			uint32_t expiry = 0;
			/* Made by the helper library, read and freed by libmosquitto. */
			CHECK(c_add_int32(&list, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 60) == MOSQ_ERR_SUCCESS);
			CHECK(c_add_pair(&list, MQTT_PROP_USER_PROPERTY, "from", "common") == MOSQ_ERR_SUCCESS);
			CHECK(mosquitto_property_check_all(CMD_PUBLISH, list) == MOSQ_ERR_SUCCESS);
			CHECK(mosquitto_property_read_int32(list, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &expiry, false) && expiry == 60);
			CHECK(mosquitto_property_read_string_pair(list, MQTT_PROP_USER_PROPERTY, &name, &value, false));
			CHECK(name && value && !strcmp(name, "from") && !strcmp(value, "common"));
			free(name);
			free(value);
			mosquitto_property_free_all(&list);
			/* Made by libmosquitto, read and freed by the helper library. */
			CHECK(mosquitto_property_add_string(&list, MQTT_PROP_CONTENT_TYPE, "text/plain") == MOSQ_ERR_SUCCESS);
			CHECK(!strcmp(c_string_value(list), "text/plain"));
			c_free_all(&list);
			CHECK(list == NULL);
		}
		dlclose(common);
	}
	/* 2.1's subscription-option macros and protocol constants. */
	{
		uint8_t opt = 0;
		MQTT_SUB_OPT_SET_QOS(opt, 2);
		MQTT_SUB_OPT_SET_NO_LOCAL(opt, 1);
		MQTT_SUB_OPT_SET_RETAIN_HANDLING(opt, MQTT_SUB_OPT_SEND_RETAIN_NEVER);
		MQTT_SUB_OPT_SET(opt, MQTT_SUB_OPT_RETAIN_AS_PUBLISHED);
		CHECK(opt == 0x2E);
		CHECK(MQTT_SUB_OPT_GET_QOS(opt) == 2);
		CHECK(MQTT_SUB_OPT_GET_NO_LOCAL(opt));
		CHECK(MQTT_SUB_OPT_GET_RETAIN_AS_PUBLISHED(opt));
		CHECK(MQTT_SUB_OPT_GET_RETAIN_HANDLING(opt) == MQTT_SUB_OPT_SEND_RETAIN_NEVER);
		CHECK(MQTT_SUB_OPT_GET_SEND_RETAIN(opt) == MQTT_SUB_OPT_SEND_RETAIN_NEVER);
		MQTT_SUB_OPT_CLEAR(opt, MQTT_SUB_OPT_RETAIN_AS_PUBLISHED);
		MQTT_SUB_OPT_SET_NO_LOCAL(opt, 0);
		CHECK(opt == 0x22);
		CHECK(CMD_RESERVED == 0);
		CHECK(MQTT_SESSION_EXPIRY_IMMEDIATE == 0);
		CHECK(MQTT_SESSION_EXPIRY_NEVER == 0xFFFFFFFFu);
	}
	/* 2.1's callback typedefs are the types the callback-setting functions take. */
	{
		LIBMOSQ_CB_connect on_connect = NULL;
		LIBMOSQ_CB_message_v5 on_message = NULL;
		LIBMOSQ_CB_unsubscribe2_v5 on_unsubscribe = NULL;
		LIBMOSQ_CB_ext_auth on_auth = NULL;
		LIBMOSQ_CB_log on_log = NULL;
		mosquitto_connect_callback_set(NULL, on_connect);
		mosquitto_message_v5_callback_set(NULL, on_message);
		mosquitto_unsubscribe2_v5_callback_set(NULL, on_unsubscribe);
		mosquitto_ext_auth_callback_set(NULL, on_auth);
		mosquitto_log_callback_set(NULL, on_log);
	}
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
