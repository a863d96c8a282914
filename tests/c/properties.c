/*
 * Differential test of the MQTT v5 property functions of mosquitto.h: building lists with
 * every add function, walking them, reading every property back (with the skip_first
 * iteration), copying, checking lists against every command, and the name lookups, with
 * their error cases.
 *
 * It prints one line per result. Its standard output must be the same whichever libmosquitto
 * 2.0 it runs against. It therefore leaves out what differs between 2.0 releases or between
 * implementations:
 * - check_all with a payload-format-indicator above 1 (refused by later 2.0 releases only);
 * - add_string and add_string_pair with a string of exactly 65536 bytes (some releases keep it
 *   with its length cut to 16 bits, an empty string; others refuse it);
 * - add_string_pair with a value that is not valid UTF-8 (some releases do not check the value);
 * - copy_all of a list holding an empty string (some releases crash on it);
 * - calls with a NULL pointer where the implementation may dereference it (add_binary with a
 *   NULL value and a length, string_to_property_info with NULL outputs).
 *
 * Exit status: 0 when every call returned; the verdict is the comparison of the output.
 *
 * Build: cc -std=c99 -Wall -Wextra -Werror -pedantic properties.c -lmosquitto
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

/* A pointer value no allocator returns, to see whether a function wrote an output. */
static char sentinel_byte;
#define SENTINEL ((void *)&sentinel_byte)

static void out_of_memory(void)
{
	printf("out of memory\n");
	exit(1);
}

/* Print len bytes between double quotes, escaping anything not printable. */
static void print_bytes(const void *data, size_t len)
{
	const unsigned char *s = data;
	size_t i;

	putchar('"');
	for(i = 0; i < len; i++){
		if(s[i] == '"' || s[i] == '\\'){
			printf("\\%c", s[i]);
		}else if(s[i] >= 0x20 && s[i] < 0x7f){
			putchar(s[i]);
		}else{
			printf("\\x%02x", s[i]);
		}
	}
	putchar('"');
}

/* Describe an output pointer after a call that may have replaced SENTINEL. */
static const char *pointer_state(const void *p)
{
	if(p == SENTINEL){
		return "untouched";
	}
	return p ? "set" : "NULL";
}

static const char *found(const mosquitto_property *p)
{
	return p ? "found" : "NULL";
}

/* Whether a property has a name. */
static const char *named(int identifier)
{
	return mosquitto_property_identifier_to_string(identifier) ? "a name" : "NULL";
}

/* The name of a property, or "?" when there is none. */
static const char *name_of(int identifier)
{
	const char *name = mosquitto_property_identifier_to_string(identifier);
	return name ? name : "?";
}

/* Identifiers to try: every byte value a property could have and the edges of int. */
static const int probe_ids[] = {
	INT_MIN, -1, 0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
	28, 29, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 255, 256, 256 + 1,
	256 + 3, 256 + 38, 512 + 11, INT_MAX,
};
#define PROBE_ID_COUNT (sizeof(probe_ids) / sizeof(probe_ids[0]))

/* ---------------------------------------------------------------- add: identifiers */

static void add_identifiers(void)
{
	size_t i;

	for(i = 0; i < PROBE_ID_COUNT; i++){
		mosquitto_property *list = NULL;
		int id = probe_ids[i];
		int rb = mosquitto_property_add_byte(&list, id, 1);
		int r16 = mosquitto_property_add_int16(&list, id, 1);
		int r32 = mosquitto_property_add_int32(&list, id, 1);
		int rv = mosquitto_property_add_varint(&list, id, 1);
		int rbin = mosquitto_property_add_binary(&list, id, "x", 1);
		int rs = mosquitto_property_add_string(&list, id, "x");
		int rsp = mosquitto_property_add_string_pair(&list, id, "x", "y");
		const mosquitto_property *p;
		int n = 0;

		printf("add identifier %d: byte %d, int16 %d, int32 %d, varint %d, binary %d, string %d, "
				"string_pair %d;", id, rb, r16, r32, rv, rbin, rs, rsp);
		for(p = list; p; p = mosquitto_property_next(p)){
			printf(" [%d]", mosquitto_property_identifier(p));
			n++;
		}
		printf(" %d in list\n", n);
		mosquitto_property_free_all(&list);
		printf("free_all leaves %s\n", list ? "a pointer" : "NULL");
	}

	/* A NULL list pointer is refused, whatever else is wrong. */
	printf("add_byte(NULL) = %d\n", mosquitto_property_add_byte(NULL, MQTT_PROP_MAXIMUM_QOS, 1));
	printf("add_int16(NULL) = %d\n", mosquitto_property_add_int16(NULL, MQTT_PROP_RECEIVE_MAXIMUM, 1));
	printf("add_int32(NULL) = %d\n", mosquitto_property_add_int32(NULL, MQTT_PROP_WILL_DELAY_INTERVAL, 1));
	printf("add_varint(NULL) = %d\n", mosquitto_property_add_varint(NULL, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 1));
	printf("add_varint(NULL, too big) = %d\n",
			mosquitto_property_add_varint(NULL, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 268435456));
	printf("add_binary(NULL) = %d\n", mosquitto_property_add_binary(NULL, MQTT_PROP_CORRELATION_DATA, "a", 1));
	printf("add_string(NULL) = %d\n", mosquitto_property_add_string(NULL, MQTT_PROP_CONTENT_TYPE, "a"));
	printf("add_string(NULL, bad UTF-8) = %d\n",
			mosquitto_property_add_string(NULL, MQTT_PROP_CONTENT_TYPE, "\xff"));
	printf("add_string_pair(NULL) = %d\n",
			mosquitto_property_add_string_pair(NULL, MQTT_PROP_USER_PROPERTY, "a", "b"));
	printf("add_string_pair(NULL, wrong identifier) = %d\n",
			mosquitto_property_add_string_pair(NULL, MQTT_PROP_CONTENT_TYPE, "a", "b"));
}

/* ---------------------------------------------------------------- add: values */

static void add_values(void)
{
	static const struct {
		const char *label;
		const char *text;
	} strings[] = {
		{"plain", "text/plain"},
		{"empty", ""},
		{"two-byte", "caf\xc3\xa9"},
		{"four-byte", "\xf0\x9f\x98\x80"},
		{"U+10FFFD", "\xf4\x8f\xbf\xbd"},
		{"U+FFFD", "\xef\xbf\xbd"},
		{"U+00A0", "\xc2\xa0"},
		{"tab", "a\tb"},
		{"U+007F", "\x7f"},
		{"U+0080", "\xc2\x80"},
		{"U+009F", "\xc2\x9f"},
		{"lone continuation", "\x80"},
		{"0xff", "\xff"},
		{"truncated", "\xc3"},
		{"overlong /", "\xc0\xaf"},
		{"overlong 3-byte", "\xe0\x80\xaf"},
		{"surrogate", "\xed\xa0\x80"},
		{"above U+10FFFF", "\xf4\x90\x80\x80"},
		{"U+FDD0", "\xef\xb7\x90"},
		{"U+FDEF", "\xef\xb7\xaf"},
		{"U+FFFE", "\xef\xbf\xbe"},
		{"U+FFFF", "\xef\xbf\xbf"},
		{"U+1FFFE", "\xf0\x9f\xbf\xbe"},
		{"U+10FFFF", "\xf4\x8f\xbf\xbf"},
	};
	static const size_t lengths[] = {65534, 65535, 65537, 70000};
	mosquitto_property *list = NULL;
	size_t i;
	char *big;

	for(i = 0; i < sizeof(strings) / sizeof(strings[0]); i++){
		printf("add_string(%s) = %d", strings[i].label,
				mosquitto_property_add_string(&list, MQTT_PROP_CONTENT_TYPE, strings[i].text));
		/* The string is checked before the identifier. */
		printf(", with a byte identifier = %d",
				mosquitto_property_add_string(&list, MQTT_PROP_MAXIMUM_QOS, strings[i].text));
		printf(", as a user-property name = %d", mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY,
				strings[i].text, "v"));
		/* For the pair the identifier is checked first. */
		printf(", as a pair with a string identifier = %d\n", mosquitto_property_add_string_pair(&list,
				MQTT_PROP_CONTENT_TYPE, strings[i].text, "v"));
	}
	mosquitto_property_free_all(&list);

	big = malloc(70001);
	if(!big){
		out_of_memory();
	}
	for(i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++){
		const mosquitto_property *p;
		char *copy = SENTINEL;

		memset(big, 'a', lengths[i]);
		big[lengths[i]] = '\0';
		printf("add_string(%lu bytes) = %d", (unsigned long)lengths[i],
				mosquitto_property_add_string(&list, MQTT_PROP_REASON_STRING, big));
		printf(", with a byte identifier = %d", mosquitto_property_add_string(&list, MQTT_PROP_MAXIMUM_QOS, big));
		printf(", as a user-property name = %d", mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY,
				big, "v"));
		p = mosquitto_property_read_string(list, MQTT_PROP_REASON_STRING, &copy, false);
		printf(", read back: %s", found(p));
		if(p){
			printf(" %lu bytes, same: %s", (unsigned long)strlen(copy), strcmp(copy, big) ? "no" : "yes");
			free(copy);
		}
		putchar('\n');
		mosquitto_property_free_all(&list);
	}

	memset(big, 'b', 65535);
	printf("add_binary(65535 bytes) = %d\n",
			mosquitto_property_add_binary(&list, MQTT_PROP_AUTHENTICATION_DATA, big, 65535));
	{
		void *bin = SENTINEL;
		uint16_t len = 1;
		const mosquitto_property *p = mosquitto_property_read_binary(list, MQTT_PROP_AUTHENTICATION_DATA,
				&bin, &len, false);
		printf("read_binary: %s, len %u", found(p), (unsigned)len);
		if(p){
			printf(", same: %s, terminated: %s", memcmp(bin, big, 65535) ? "no" : "yes",
					((char *)bin)[65535] == '\0' ? "yes" : "no");
			free(bin);
		}
		putchar('\n');
	}
	mosquitto_property_free_all(&list);
	free(big);

	/* Variable byte integers stop at 268435455; the other types take any value. */
	printf("add_varint(0) = %d\n", mosquitto_property_add_varint(&list, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 0));
	printf("add_varint(268435455) = %d\n",
			mosquitto_property_add_varint(&list, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 268435455));
	printf("add_varint(268435456) = %d\n",
			mosquitto_property_add_varint(&list, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 268435456));
	printf("add_varint(UINT32_MAX) = %d\n",
			mosquitto_property_add_varint(&list, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, UINT32_MAX));
	printf("add_varint(268435456, wrong identifier) = %d\n",
			mosquitto_property_add_varint(&list, MQTT_PROP_CONTENT_TYPE, 268435456));
	printf("add_byte(255) = %d\n", mosquitto_property_add_byte(&list, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 255));
	printf("add_byte(maximum-qos 7) = %d\n", mosquitto_property_add_byte(&list, MQTT_PROP_MAXIMUM_QOS, 7));
	printf("add_int16(0) = %d\n", mosquitto_property_add_int16(&list, MQTT_PROP_RECEIVE_MAXIMUM, 0));
	printf("add_int16(65535) = %d\n", mosquitto_property_add_int16(&list, MQTT_PROP_TOPIC_ALIAS, 65535));
	printf("add_int32(0) = %d\n", mosquitto_property_add_int32(&list, MQTT_PROP_MAXIMUM_PACKET_SIZE, 0));
	printf("add_int32(UINT32_MAX) = %d\n",
			mosquitto_property_add_int32(&list, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, UINT32_MAX));
	printf("add_binary(NULL, 0) = %d\n",
			mosquitto_property_add_binary(&list, MQTT_PROP_CORRELATION_DATA, NULL, 0));
	printf("add_binary(\"abc\", 0) = %d\n",
			mosquitto_property_add_binary(&list, MQTT_PROP_CORRELATION_DATA, "abc", 0));
	printf("add_string(NULL) = %d\n", mosquitto_property_add_string(&list, MQTT_PROP_CONTENT_TYPE, NULL));
	printf("add_string_pair(NULL, NULL) = %d\n",
			mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY, NULL, NULL));
	printf("add_string_pair(\"n\", NULL) = %d\n",
			mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY, "n", NULL));
	printf("add_string_pair(NULL, \"v\") = %d\n",
			mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY, NULL, "v"));

	/* Read the empty and edge values back. */
	{
		const mosquitto_property *p;
		uint32_t u32 = 1;
		uint16_t u16 = 1;
		uint8_t u8 = 1;
		void *bin = SENTINEL;
		char *s = SENTINEL, *n = SENTINEL;

		for(p = mosquitto_property_read_varint(list, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &u32, false); p;
				p = mosquitto_property_read_varint(p, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &u32, true)){
			printf("subscription-identifier %lu\n", (unsigned long)u32);
		}
		p = mosquitto_property_read_byte(list, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, &u8, false);
		printf("payload-format-indicator: %s %u\n", found(p), (unsigned)u8);
		p = mosquitto_property_read_int16(list, MQTT_PROP_RECEIVE_MAXIMUM, &u16, false);
		printf("receive-maximum: %s %u\n", found(p), (unsigned)u16);
		p = mosquitto_property_read_int32(list, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &u32, false);
		printf("message-expiry-interval: %s %lu\n", found(p), (unsigned long)u32);
		for(p = mosquitto_property_read_binary(list, MQTT_PROP_CORRELATION_DATA, &bin, &u16, false); p;
				p = mosquitto_property_read_binary(p, MQTT_PROP_CORRELATION_DATA, &bin, &u16, true)){
			printf("correlation-data: len %u, %s, first byte %d\n", (unsigned)u16, pointer_state(bin),
					bin ? ((char *)bin)[0] : -1);
			free(bin);
		}
		p = mosquitto_property_read_string(list, MQTT_PROP_CONTENT_TYPE, &s, false);
		printf("content-type: %s ", found(p));
		print_bytes(s, strlen(s));
		putchar('\n');
		free(s);
		for(p = mosquitto_property_read_string_pair(list, MQTT_PROP_USER_PROPERTY, &n, &s, false); p;
				p = mosquitto_property_read_string_pair(p, MQTT_PROP_USER_PROPERTY, &n, &s, true)){
			printf("user-property: ");
			print_bytes(n, strlen(n));
			printf(" = ");
			print_bytes(s, strlen(s));
			putchar('\n');
			free(n);
			free(s);
		}
	}
	mosquitto_property_free_all(&list);
}

/* ---------------------------------------------------------------- a list of everything */

/* Add every property once, in identifier order, with values derived from the identifier,
 * plus two more user properties and subscription identifiers. */
static mosquitto_property *build_full_list(void)
{
	mosquitto_property *list = NULL;
	int id, type, rc;
	char text[64];

	for(id = 0; id < 64; id++){
		const char *name = mosquitto_property_identifier_to_string(id);

		if(!name){
			continue;
		}
		if(mosquitto_string_to_property_info(name, &id, &type) != MOSQ_ERR_SUCCESS){
			printf("no info for %s\n", name);
			continue;
		}
		snprintf(text, sizeof(text), "value of %s", name);
		switch(type){
			case MQTT_PROP_TYPE_BYTE:
				rc = mosquitto_property_add_byte(&list, id, (uint8_t)(id & 1));
				break;
			case MQTT_PROP_TYPE_INT16:
				rc = mosquitto_property_add_int16(&list, id, (uint16_t)(id * 1000 + 1));
				break;
			case MQTT_PROP_TYPE_INT32:
				rc = mosquitto_property_add_int32(&list, id, (uint32_t)id * 100000000u + 7u);
				break;
			case MQTT_PROP_TYPE_VARINT:
				rc = mosquitto_property_add_varint(&list, id, (uint32_t)id * 1000000u);
				break;
			case MQTT_PROP_TYPE_BINARY:
				rc = mosquitto_property_add_binary(&list, id, text, (uint16_t)strlen(text));
				break;
			case MQTT_PROP_TYPE_STRING:
				rc = mosquitto_property_add_string(&list, id, text);
				break;
			case MQTT_PROP_TYPE_STRING_PAIR:
				rc = mosquitto_property_add_string_pair(&list, id, "first", text);
				break;
			default:
				rc = -1;
				break;
		}
		printf("build: %s (%d, type %d) = %d\n", name, id, type, rc);
	}
	printf("build: user-property again = %d\n",
			mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY, "second", "2"));
	printf("build: subscription-identifier again = %d\n",
			mosquitto_property_add_varint(&list, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 268435455));
	printf("build: user-property a third time = %d\n",
			mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY, "third", "\xc3\xa9"));
	return list;
}

static void walk(const char *label, const mosquitto_property *list)
{
	const mosquitto_property *p;
	int i = 0;

	for(p = list; p; p = mosquitto_property_next(p)){
		int id = mosquitto_property_identifier(p);
		printf("%s[%d]: %d %s\n", label, i++, id, name_of(id));
	}
	printf("%s: %d properties\n", label, i);
}

/* Read every occurrence of identifier with every read function, following skip_first. */
static void read_all_ways(const mosquitto_property *list, int id)
{
	const mosquitto_property *p;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	void *bin;
	char *s, *n;

	for(p = mosquitto_property_read_byte(list, id, &u8, false); p;
			p = mosquitto_property_read_byte(p, id, &u8, true)){
		printf("  read_byte(%d): %u\n", id, (unsigned)u8);
	}
	for(p = mosquitto_property_read_int16(list, id, &u16, false); p;
			p = mosquitto_property_read_int16(p, id, &u16, true)){
		printf("  read_int16(%d): %u\n", id, (unsigned)u16);
	}
	for(p = mosquitto_property_read_int32(list, id, &u32, false); p;
			p = mosquitto_property_read_int32(p, id, &u32, true)){
		printf("  read_int32(%d): %lu\n", id, (unsigned long)u32);
	}
	for(p = mosquitto_property_read_varint(list, id, &u32, false); p;
			p = mosquitto_property_read_varint(p, id, &u32, true)){
		printf("  read_varint(%d): %lu\n", id, (unsigned long)u32);
	}
	for(p = mosquitto_property_read_binary(list, id, &bin, &u16, false); p;
			p = mosquitto_property_read_binary(p, id, &bin, &u16, true)){
		printf("  read_binary(%d): ", id);
		print_bytes(bin, u16);
		printf(" terminated: %s\n", ((char *)bin)[u16] == '\0' ? "yes" : "no");
		free(bin);
	}
	for(p = mosquitto_property_read_string(list, id, &s, false); p;
			p = mosquitto_property_read_string(p, id, &s, true)){
		printf("  read_string(%d): ", id);
		print_bytes(s, strlen(s));
		putchar('\n');
		free(s);
	}
	for(p = mosquitto_property_read_string_pair(list, id, &n, &s, false); p;
			p = mosquitto_property_read_string_pair(p, id, &n, &s, true)){
		printf("  read_string_pair(%d): ", id);
		print_bytes(n, strlen(n));
		printf(" = ");
		print_bytes(s, strlen(s));
		putchar('\n');
		free(n);
		free(s);
	}
}

/* Call each read function once and report what it returned and what it wrote. */
static void read_outputs(const char *label, const mosquitto_property *list, int id, bool skip_first)
{
	uint8_t u8 = 99;
	uint16_t u16 = 99, binlen = 99;
	uint32_t u32 = 99, var = 99;
	void *bin = SENTINEL;
	char *s = SENTINEL, *n = SENTINEL, *v = SENTINEL;
	const mosquitto_property *r[7];

	r[0] = mosquitto_property_read_byte(list, id, &u8, skip_first);
	r[1] = mosquitto_property_read_int16(list, id, &u16, skip_first);
	r[2] = mosquitto_property_read_int32(list, id, &u32, skip_first);
	r[3] = mosquitto_property_read_varint(list, id, &var, skip_first);
	r[4] = mosquitto_property_read_binary(list, id, &bin, &binlen, skip_first);
	r[5] = mosquitto_property_read_string(list, id, &s, skip_first);
	r[6] = mosquitto_property_read_string_pair(list, id, &n, &v, skip_first);
	printf("read %s %d%s: byte %s %u, int16 %s %u, int32 %s %lu, varint %s %lu, binary %s %s %u, "
			"string %s %s, pair %s %s %s\n", label, id, skip_first ? " skip_first" : "",
			found(r[0]), (unsigned)u8, found(r[1]), (unsigned)u16, found(r[2]), (unsigned long)u32,
			found(r[3]), (unsigned long)var, found(r[4]), pointer_state(bin), (unsigned)binlen,
			found(r[5]), pointer_state(s), found(r[6]), pointer_state(n), pointer_state(v));
	if(r[4]){
		free(bin);
	}
	if(r[5]){
		free(s);
	}
	if(r[6]){
		free(n);
		free(v);
	}
}

static void full_list(void)
{
	mosquitto_property *list = build_full_list();
	mosquitto_property *copy = NULL;
	mosquitto_property *keep;
	size_t i;
	int id;

	walk("list", list);
	for(id = 0; id < 64; id++){
		if(mosquitto_property_identifier_to_string(id)){
			printf("all reads of %d %s:\n", id, name_of(id));
			read_all_ways(list, id);
		}
	}
	for(i = 0; i < PROBE_ID_COUNT; i++){
		read_outputs("full list", list, probe_ids[i], false);
		read_outputs("full list", list, probe_ids[i], true);
	}
	read_outputs("NULL list", NULL, MQTT_PROP_USER_PROPERTY, false);
	read_outputs("NULL list", NULL, MQTT_PROP_CORRELATION_DATA, false);

	/* Reading from a property in the middle of the list searches from there on. */
	{
		const mosquitto_property *mid = mosquitto_property_read_int32(list, MQTT_PROP_WILL_DELAY_INTERVAL,
				NULL, false);
		read_outputs("from will-delay-interval", mid, MQTT_PROP_CONTENT_TYPE, false);
		read_outputs("from will-delay-interval", mid, MQTT_PROP_USER_PROPERTY, false);
		read_outputs("from will-delay-interval", mid, MQTT_PROP_USER_PROPERTY, true);
		read_outputs("from will-delay-interval", mid, MQTT_PROP_WILL_DELAY_INTERVAL, true);
	}

	/* NULL outputs: the search still runs. */
	{
		uint16_t len = 7;
		void *bin = SENTINEL;
		char *n = SENTINEL, *v = SENTINEL;
		const mosquitto_property *p;

		printf("read_byte(NULL out) = %s\n",
				found(mosquitto_property_read_byte(list, MQTT_PROP_MAXIMUM_QOS, NULL, false)));
		printf("read_int16(NULL out) = %s\n",
				found(mosquitto_property_read_int16(list, MQTT_PROP_TOPIC_ALIAS, NULL, false)));
		printf("read_int32(NULL out) = %s\n",
				found(mosquitto_property_read_int32(list, MQTT_PROP_MAXIMUM_PACKET_SIZE, NULL, false)));
		printf("read_varint(NULL out) = %s\n",
				found(mosquitto_property_read_varint(list, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, NULL, true)));
		printf("read_string(NULL out) = %s\n",
				found(mosquitto_property_read_string(list, MQTT_PROP_RESPONSE_TOPIC, NULL, false)));
		printf("read_binary(NULL, NULL) = %s\n",
				found(mosquitto_property_read_binary(list, MQTT_PROP_CORRELATION_DATA, NULL, NULL, false)));
		p = mosquitto_property_read_binary(list, MQTT_PROP_CORRELATION_DATA, &bin, NULL, false);
		printf("read_binary(value, NULL) = %s, value %s\n", found(p), pointer_state(bin));
		p = mosquitto_property_read_binary(list, MQTT_PROP_CORRELATION_DATA, NULL, &len, false);
		printf("read_binary(NULL, len) = %s, len %u\n", found(p), (unsigned)len);
		printf("read_string_pair(NULL, NULL) = %s\n",
				found(mosquitto_property_read_string_pair(list, MQTT_PROP_USER_PROPERTY, NULL, NULL, true)));
		p = mosquitto_property_read_string_pair(list, MQTT_PROP_USER_PROPERTY, &n, NULL, true);
		printf("read_string_pair(name, NULL) = %s ", found(p));
		print_bytes(n, strlen(n));
		putchar('\n');
		free(n);
		p = mosquitto_property_read_string_pair(list, MQTT_PROP_USER_PROPERTY, NULL, &v, true);
		printf("read_string_pair(NULL, value) = %s ", found(p));
		print_bytes(v, strlen(v));
		putchar('\n');
		free(v);
	}

	/* Deep copy: same properties, same values, independent of the original. */
	printf("copy_all = %d\n", mosquitto_property_copy_all(&copy, list));
	walk("copy", copy);
	for(id = 0; id < 64; id++){
		if(mosquitto_property_identifier_to_string(id)){
			printf("all reads of the copy's %d:\n", id);
			read_all_ways(copy, id);
		}
	}
	printf("copy_all from the copy's third property on = %d\n",
			mosquitto_property_copy_all(&keep, mosquitto_property_next(mosquitto_property_next(copy))));
	walk("partial copy", keep);
	mosquitto_property_free_all(&keep);
	mosquitto_property_free_all(&list);
	walk("copy after freeing the original", copy);
	read_all_ways(copy, MQTT_PROP_USER_PROPERTY);

	/* Argument cases of copy_all. */
	keep = copy;
	printf("copy_all(&dest, NULL) = %d, dest %s\n", mosquitto_property_copy_all(&copy, NULL),
			copy == keep ? "unchanged" : "changed");
	printf("copy_all(NULL, list) = %d\n", mosquitto_property_copy_all(NULL, copy));
	printf("copy_all(NULL, NULL) = %d\n", mosquitto_property_copy_all(NULL, NULL));
	mosquitto_property_free_all(&copy);
	printf("free_all leaves %s\n", copy ? "a pointer" : "NULL");
	mosquitto_property_free_all(&copy);
	mosquitto_property_free_all(NULL);

	printf("identifier(NULL) = %d\n", mosquitto_property_identifier(NULL));
	printf("next(NULL) = %s\n", found(mosquitto_property_next(NULL)));
}

/* ---------------------------------------------------------------- checks */

static const int commands[] = {
	0, CMD_CONNECT, CMD_CONNACK, CMD_PUBLISH, CMD_PUBACK, CMD_PUBREC, CMD_PUBREL, CMD_PUBCOMP,
	CMD_SUBSCRIBE, CMD_SUBACK, CMD_UNSUBSCRIBE, CMD_UNSUBACK, CMD_PINGREQ, CMD_PINGRESP,
	CMD_DISCONNECT, CMD_AUTH, CMD_WILL, 0x32, 0x62, 0x82, 0xA2, 0x101, -1, INT_MIN, INT_MAX,
};
#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void check_command(void)
{
	size_t c;
	int id;

	for(c = 0; c < COMMAND_COUNT; c++){
		for(id = -1; id <= 45; id++){
			printf("check_command(%d, %d) = %d\n", commands[c], id,
					mosquitto_property_check_command(commands[c], id));
		}
		printf("check_command(%d, %d) = %d\n", commands[c], 256 + MQTT_PROP_USER_PROPERTY,
				mosquitto_property_check_command(commands[c], 256 + MQTT_PROP_USER_PROPERTY));
		printf("check_command(%d, %d) = %d\n", commands[c], 256 + MQTT_PROP_REASON_STRING,
				mosquitto_property_check_command(commands[c], 256 + MQTT_PROP_REASON_STRING));
		printf("check_command(%d, INT_MIN) = %d\n", commands[c],
				mosquitto_property_check_command(commands[c], INT_MIN));
	}
}

/* Append one property with an in-range value to *list; false for identifiers that name none. */
static bool add_one(mosquitto_property **list, int id, int value)
{
	int type;
	const char *name = mosquitto_property_identifier_to_string(id);

	if(!name || mosquitto_string_to_property_info(name, &id, &type)){
		return false;
	}
	switch(type){
		case MQTT_PROP_TYPE_BYTE:
			return !mosquitto_property_add_byte(list, id, (uint8_t)value);
		case MQTT_PROP_TYPE_INT16:
			return !mosquitto_property_add_int16(list, id, (uint16_t)value);
		case MQTT_PROP_TYPE_INT32:
			return !mosquitto_property_add_int32(list, id, (uint32_t)value);
		case MQTT_PROP_TYPE_VARINT:
			return !mosquitto_property_add_varint(list, id, (uint32_t)value);
		case MQTT_PROP_TYPE_BINARY:
			return !mosquitto_property_add_binary(list, id, "bin", 3);
		case MQTT_PROP_TYPE_STRING:
			return !mosquitto_property_add_string(list, id, "str");
		case MQTT_PROP_TYPE_STRING_PAIR:
			return !mosquitto_property_add_string_pair(list, id, "k", "v");
		default:
			return false;
	}
}

static void check_all(void)
{
	size_t c;
	int id, value;
	mosquitto_property *list = NULL;

	for(c = 0; c < COMMAND_COUNT; c++){
		printf("check_all(%d, NULL) = %d\n", commands[c], mosquitto_property_check_all(commands[c], NULL));
	}

	/* Each property alone, then twice, with values 0, 1 and (but for the payload format
	 * indicator, where 2.0 releases differ) 2. */
	for(id = 0; id <= 45; id++){
		for(value = 0; value <= 2; value++){
			if(id == MQTT_PROP_PAYLOAD_FORMAT_INDICATOR && value > 1){
				continue;
			}
			if(!add_one(&list, id, value)){
				mosquitto_property_free_all(&list);
				continue;
			}
			for(c = 0; c < COMMAND_COUNT; c++){
				printf("check_all(%d, %s=%d) = %d\n", commands[c], name_of(id), value,
						mosquitto_property_check_all(commands[c], list));
			}
			add_one(&list, id, value);
			for(c = 0; c < COMMAND_COUNT; c++){
				printf("check_all(%d, %s=%d twice) = %d\n", commands[c], name_of(id), value,
						mosquitto_property_check_all(commands[c], list));
			}
			mosquitto_property_free_all(&list);
		}
	}

	/* The first problem in list order decides: duplicate content-type before a bad value. */
	mosquitto_property_add_string(&list, MQTT_PROP_CONTENT_TYPE, "a");
	mosquitto_property_add_byte(&list, MQTT_PROP_MAXIMUM_QOS, 5);
	mosquitto_property_add_string(&list, MQTT_PROP_CONTENT_TYPE, "b");
	for(c = 0; c < COMMAND_COUNT; c++){
		printf("check_all(%d, content-type, maximum-qos=5, content-type) = %d\n", commands[c],
				mosquitto_property_check_all(commands[c], list));
	}
	mosquitto_property_free_all(&list);

	/* A bad value before a duplicate. */
	mosquitto_property_add_int16(&list, MQTT_PROP_RECEIVE_MAXIMUM, 0);
	mosquitto_property_add_int16(&list, MQTT_PROP_RECEIVE_MAXIMUM, 10);
	for(c = 0; c < COMMAND_COUNT; c++){
		printf("check_all(%d, receive-maximum=0, receive-maximum=10) = %d\n", commands[c],
				mosquitto_property_check_all(commands[c], list));
	}
	mosquitto_property_free_all(&list);

	/* A typical PUBLISH list, valid, then with a CONNECT-only property at the end. */
	mosquitto_property_add_byte(&list, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1);
	mosquitto_property_add_int32(&list, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 60);
	mosquitto_property_add_string(&list, MQTT_PROP_CONTENT_TYPE, "text/plain");
	mosquitto_property_add_string(&list, MQTT_PROP_RESPONSE_TOPIC, "reply/here");
	mosquitto_property_add_binary(&list, MQTT_PROP_CORRELATION_DATA, "\x00\x01", 2);
	mosquitto_property_add_int16(&list, MQTT_PROP_TOPIC_ALIAS, 3);
	mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY, "a", "1");
	mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY, "a", "2");
	for(c = 0; c < COMMAND_COUNT; c++){
		printf("check_all(%d, publish list) = %d\n", commands[c], mosquitto_property_check_all(commands[c], list));
	}
	mosquitto_property_add_int16(&list, MQTT_PROP_RECEIVE_MAXIMUM, 3);
	for(c = 0; c < COMMAND_COUNT; c++){
		printf("check_all(%d, publish list + receive-maximum) = %d\n", commands[c],
				mosquitto_property_check_all(commands[c], list));
	}
	mosquitto_property_free_all(&list);

	/* A subscription identifier of 0 is not refused by the list check. */
	mosquitto_property_add_varint(&list, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 0);
	printf("check_all(SUBSCRIBE, subscription-identifier=0) = %d\n",
			mosquitto_property_check_all(CMD_SUBSCRIBE, list));
	mosquitto_property_free_all(&list);

	/* The full list is fine for no command. */
	list = build_full_list();
	for(c = 0; c < COMMAND_COUNT; c++){
		printf("check_all(%d, full list) = %d\n", commands[c], mosquitto_property_check_all(commands[c], list));
	}
	mosquitto_property_free_all(&list);
}

/* ---------------------------------------------------------------- names */

static void names(void)
{
	static const char *const bad[] = {
		"", "nope", "user-property ", " user-property", "user_property", "userproperty",
		"payload-format-indicatorx", "payload-format-indicato", "subscription-identifiers",
		"wildcard-subscription", "\xc3\xa9", "user-property\n",
	};
	size_t i;
	int id, rc;

	for(id = -1; id <= 50; id++){
		const char *name = mosquitto_property_identifier_to_string(id);
		printf("identifier_to_string(%d) = ", id);
		if(name){
			print_bytes(name, strlen(name));
		}else{
			printf("NULL");
		}
		putchar('\n');
	}
	printf("identifier_to_string(257) = %s\n", named(257));
	printf("identifier_to_string(294) = %s\n", named(294));
	printf("identifier_to_string(INT_MIN) = %s\n", named(INT_MIN));
	printf("identifier_to_string(INT_MAX) = %s\n", named(INT_MAX));

	for(id = 0; id <= 50; id++){
		const char *name = mosquitto_property_identifier_to_string(id);
		char upper[64];
		size_t k;
		int got_id = -1, got_type = -1;

		if(!name){
			continue;
		}
		rc = mosquitto_string_to_property_info(name, &got_id, &got_type);
		printf("string_to_property_info(%s) = %d, %d, %d\n", name, rc, got_id, got_type);
		for(k = 0; name[k] && k < sizeof(upper) - 1; k++){
			upper[k] = (char)(k % 2 ? name[k] - ('a' <= name[k] && name[k] <= 'z' ? 32 : 0) : name[k]);
		}
		upper[k] = '\0';
		got_id = got_type = -1;
		rc = mosquitto_string_to_property_info(upper, &got_id, &got_type);
		printf("string_to_property_info(%s) = %d, %d, %d\n", upper, rc, got_id, got_type);
	}
	for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++){
		int got_id = -7, got_type = -7;
		rc = mosquitto_string_to_property_info(bad[i], &got_id, &got_type);
		printf("string_to_property_info(");
		print_bytes(bad[i], strlen(bad[i]));
		printf(") = %d, %d, %d\n", rc, got_id, got_type);
	}
	{
		int got_id = -7, got_type = -7;
		rc = mosquitto_string_to_property_info(NULL, &got_id, &got_type);
		printf("string_to_property_info(NULL) = %d, %d, %d\n", rc, got_id, got_type);
	}
}

int main(void)
{
	add_identifiers();
	add_values();
	full_list();
	check_command();
	check_all();
	names();
	return 0;
}
