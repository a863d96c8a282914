/*
 * Differential test of the functions of mosquitto.h that need no client and no network:
 * topic checks, topic matching and tokenising, UTF-8 validation, the string functions,
 * message copying and freeing, and the library version.
 *
 * It prints one line per call. Its standard output must be the same whichever libmosquitto
 * 2.0 it runs against, so it prints nothing that legitimately differs between releases: the
 * version revision, and the texts some 2.0 releases give to MOSQ_ERR_INVAL, MOSQ_ERR_KEEPALIVE,
 * MOSQ_ERR_LOOKUP and to codes of 128 and above. Run it with --release-specific to print those
 * as well. It also stays away from calls whose behaviour is undefined in some implementation
 * (a NULL string where one is required, lengths that disagree with the buffer).
 *
 * Exit status: 0 when every call returned; the verdict is the comparison of the output.
 *
 * Build: cc -std=c99 -Wall -Wextra -Werror -pedantic pure_functions.c -lmosquitto
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

/* Print the bytes of s (length len) between double quotes, escaping anything not printable. */
static void print_bytes(const char *s, size_t len)
{
	size_t i;

	putchar('"');
	for(i = 0; i < len; i++){
		unsigned char c = (unsigned char)s[i];
		if(c == '"' || c == '\\'){
			printf("\\%c", c);
		}else if(c >= 0x20 && c < 0x7f){
			putchar(c);
		}else{
			printf("\\x%02x", c);
		}
	}
	putchar('"');
}

static void print_str(const char *s)
{
	if(s){
		print_bytes(s, strlen(s));
	}else{
		printf("NULL");
	}
}

/* 64-bit FNV-1a, to fold many results into one line. */
static uint64_t fnv(uint64_t hash, unsigned char byte)
{
	return (hash ^ byte) * UINT64_C(1099511628211);
}

#define FNV_START UINT64_C(14695981039346656037)

/* ---------------------------------------------------------------- topic checks */

static void topic_checks(void)
{
	static const char *const topics[] = {
		"", "a", "/", "//", "a/b/c", "$SYS/broker", "a b", "+", "#", "a/+", "a/#", "+/#",
		"a/+/b", "a/#/b", "a+", "+a", "#a", "a#", "++", "##", "a/b+/c", "a/+b", "#/", "#/a",
		"/+", "+/", "/#", "a//+//#", "a\x80", "caf\xc3\xa9",
	};
	size_t i;
	char *big;

	for(i = 0; i < sizeof(topics) / sizeof(topics[0]); i++){
		size_t len = strlen(topics[i]);
		printf("pub_topic_check(");
		print_str(topics[i]);
		printf(") = %d, sub_topic_check = %d, pub_topic_check2 = %d, sub_topic_check2 = %d\n",
				mosquitto_pub_topic_check(topics[i]), mosquitto_sub_topic_check(topics[i]),
				mosquitto_pub_topic_check2(topics[i], len), mosquitto_sub_topic_check2(topics[i], len));
	}
	printf("pub_topic_check(NULL) = %d\n", mosquitto_pub_topic_check(NULL));
	printf("sub_topic_check(NULL) = %d\n", mosquitto_sub_topic_check(NULL));
	printf("pub_topic_check2(NULL, 0) = %d\n", mosquitto_pub_topic_check2(NULL, 0));
	printf("sub_topic_check2(NULL, 0) = %d\n", mosquitto_sub_topic_check2(NULL, 0));

	/* The length given to the *2 variants decides what is looked at, NUL bytes included. */
	printf("pub_topic_check2(\"a+b\", 1) = %d\n", mosquitto_pub_topic_check2("a+b", 1));
	printf("pub_topic_check2(\"a+b\", 2) = %d\n", mosquitto_pub_topic_check2("a+b", 2));
	printf("pub_topic_check2(\"a\\0b\", 3) = %d\n", mosquitto_pub_topic_check2("a\0b", 3));
	printf("pub_topic_check2(\"a\\0+\", 3) = %d\n", mosquitto_pub_topic_check2("a\0+", 3));
	printf("sub_topic_check2(\"a\\0b\", 3) = %d\n", mosquitto_sub_topic_check2("a\0b", 3));
	printf("sub_topic_check2(\"a+\", 1) = %d\n", mosquitto_sub_topic_check2("a+", 1));
	printf("sub_topic_check2(\"+a\", 1) = %d\n", mosquitto_sub_topic_check2("+a", 1));
	printf("sub_topic_check2(\"#/\", 1) = %d\n", mosquitto_sub_topic_check2("#/", 1));
	printf("sub_topic_check2(\"#/\", 2) = %d\n", mosquitto_sub_topic_check2("#/", 2));
	printf("sub_topic_check2(\"a/+\", 2) = %d\n", mosquitto_sub_topic_check2("a/+", 2));

	/* Length limits: 65535 bytes pass, 65536 do not. */
	big = malloc(65537);
	if(!big){
		printf("out of memory\n");
		exit(1);
	}
	memset(big, 'a', 65536);
	big[65536] = '\0';
	printf("pub_topic_check(65536 x 'a') = %d\n", mosquitto_pub_topic_check(big));
	printf("sub_topic_check(65536 x 'a') = %d\n", mosquitto_sub_topic_check(big));
	printf("pub_topic_check2(65536 x 'a', 65536) = %d\n", mosquitto_pub_topic_check2(big, 65536));
	printf("sub_topic_check2(65536 x 'a', 65536) = %d\n", mosquitto_sub_topic_check2(big, 65536));
	printf("pub_topic_check2(65536 x 'a', 65535) = %d\n", mosquitto_pub_topic_check2(big, 65535));
	printf("sub_topic_check2(65536 x 'a', 65535) = %d\n", mosquitto_sub_topic_check2(big, 65535));
	big[65535] = '\0';
	printf("pub_topic_check(65535 x 'a') = %d\n", mosquitto_pub_topic_check(big));
	printf("sub_topic_check(65535 x 'a') = %d\n", mosquitto_sub_topic_check(big));
	big[65534] = '#';
	printf("sub_topic_check(65534 x 'a' + '#') = %d\n", mosquitto_sub_topic_check(big));
	big[65533] = '/';
	printf("sub_topic_check(65533 x 'a' + \"/#\") = %d\n", mosquitto_sub_topic_check(big));
	free(big);
}

/* ---------------------------------------------------------------- topic matching */

static void print_match(const char *sub, const char *topic)
{
	bool result = true;
	bool result2 = true;
	int rc = mosquitto_topic_matches_sub(sub, topic, &result);
	int rc2 = mosquitto_topic_matches_sub2(sub, sub ? strlen(sub) : 0, topic, topic ? strlen(topic) : 0, &result2);

	printf("topic_matches_sub(");
	print_str(sub);
	printf(", ");
	print_str(topic);
	printf(") = %d, %s; sub2 = %d, %s\n", rc, result ? "true" : "false", rc2, result2 ? "true" : "false");
}

/* Every string of up to max_len characters from alphabet, shortest first, each as a C string. */
static char **all_strings(const char *alphabet, int max_len, size_t *count)
{
	size_t n = strlen(alphabet);
	size_t total = 0, level = 1, i, k;
	char **out;
	int len;

	for(len = 0; len <= max_len; len++){
		total += level;
		level *= n;
	}
	out = calloc(total, sizeof(char *));
	if(!out){
		printf("out of memory\n");
		exit(1);
	}
	out[0] = calloc(1, 1);
	if(!out[0]){
		printf("out of memory\n");
		exit(1);
	}
	*count = 1;
	/* Extend each string of the previous length by every character. */
	for(i = 0; *count < total; i++){
		size_t plen = strlen(out[i]);
		for(k = 0; k < n; k++){
			char *s = malloc(plen + 2);
			if(!s){
				printf("out of memory\n");
				exit(1);
			}
			memcpy(s, out[i], plen);
			s[plen] = alphabet[k];
			s[plen + 1] = '\0';
			out[(*count)++] = s;
		}
	}
	return out;
}

static void free_strings(char **strings, size_t count)
{
	size_t i;

	for(i = 0; i < count; i++){
		free(strings[i]);
	}
	free(strings);
}

static void topic_matching(void)
{
	static const char *const subs[] = {
		"#", "+", "/#", "+/#", "foo/#", "foo/+", "foo/+/#", "foo/bar/#", "+/+", "/+", "+/",
		"foo//bar", "foo/+/bar", "$SYS/#", "$SYS/+", "$foo", "$", "a/b/c", "a/b/c/#",
		"#/a", "a/#/b", "+foo", "foo+", "foo#", "a/b#", "a/+b", "#/", "++", "a/++/b", "a/#/",
		"foo/+/#x", "",
	};
	static const char *const topics[] = {
		"foo", "foo/", "foo/bar", "foo/bar/baz", "/foo", "/", "//", "$SYS", "$SYS/x", "$SYS/x/y",
		"a/b/c", "a", "a/b", "foo//bar", "$", "$foo", "bar", "+", "#", "foo/+", "foo/#", "$+",
		"",
	};
	const char *alphabet = "ab/+#$";
	size_t i, j, count;
	char **strings;
	uint64_t hash = FNV_START;
	bool result;

	for(i = 0; i < sizeof(subs) / sizeof(subs[0]); i++){
		for(j = 0; j < sizeof(topics) / sizeof(topics[0]); j++){
			print_match(subs[i], topics[j]);
		}
	}
	print_match(NULL, "a");
	print_match("a", NULL);
	printf("topic_matches_sub(\"a\", \"a\", NULL) = %d\n", mosquitto_topic_matches_sub("a", "a", NULL));
	printf("topic_matches_sub2(\"a\", 1, \"a\", 1, NULL) = %d\n", mosquitto_topic_matches_sub2("a", 1, "a", 1, NULL));

	/* Every filter against every topic of up to four characters of a wildcard-heavy alphabet,
	 * folded into one hash of (return code, result) pairs. */
	strings = all_strings(alphabet, 4, &count);
	for(i = 0; i < count; i++){
		for(j = 0; j < count; j++){
			int rc;
			result = true;
			rc = mosquitto_topic_matches_sub(strings[i], strings[j], &result);
			hash = fnv(hash, (unsigned char)rc);
			hash = fnv(hash, (unsigned char)result);
		}
	}
	printf("topic_matches_sub over all %lu x %lu strings of \"%s\" up to 4 long: hash %016llx\n",
			(unsigned long)count, (unsigned long)count, alphabet, (unsigned long long)hash);

	hash = FNV_START;
	for(i = 0; i < count; i++){
		hash = fnv(hash, (unsigned char)mosquitto_pub_topic_check(strings[i]));
		hash = fnv(hash, (unsigned char)mosquitto_sub_topic_check(strings[i]));
	}
	printf("pub/sub_topic_check over the same strings: hash %016llx\n", (unsigned long long)hash);
	free_strings(strings, count);
}

/* ---------------------------------------------------------------- tokenising */

static void tokenise(const char *topic)
{
	char **tokens = NULL;
	int count = -7;
	int rc, i;

	rc = mosquitto_sub_topic_tokenise(topic, &tokens, &count);
	printf("sub_topic_tokenise(");
	print_str(topic);
	printf(") = %d", rc);
	if(rc == MOSQ_ERR_SUCCESS){
		printf(", count %d:", count);
		for(i = 0; i < count; i++){
			printf(" ");
			print_str(tokens[i]);
		}
		printf("; tokens_free = %d", mosquitto_sub_topic_tokens_free(&tokens, count));
	}else{
		printf(", count %d", count);
	}
	printf("\n");
}

static void tokenising(void)
{
	static const char *const topics[] = {
		"", "a", "/", "//", "a/b", "/a///hierarchy/", "a/", "/a", "+/#", "$SYS/broker/uptime",
		"caf\xc3\xa9/\xff", "a/b/c/d/e/f/g/h/i/j",
	};
	size_t i;
	char **tokens = NULL;
	int count = -7;

	for(i = 0; i < sizeof(topics) / sizeof(topics[0]); i++){
		tokenise(topics[i]);
	}
	tokenise(NULL);
	printf("sub_topic_tokenise(\"a\", NULL, &count) = %d\n", mosquitto_sub_topic_tokenise("a", NULL, &count));
	printf("sub_topic_tokenise(\"a\", &tokens, NULL) = %d\n", mosquitto_sub_topic_tokenise("a", &tokens, NULL));
	printf("count after refused calls = %d\n", count);

	printf("sub_topic_tokens_free(NULL, 1) = %d\n", mosquitto_sub_topic_tokens_free(NULL, 1));
	tokens = NULL;
	printf("sub_topic_tokens_free(&NULL, 1) = %d\n", mosquitto_sub_topic_tokens_free(&tokens, 1));
	if(mosquitto_sub_topic_tokenise("a/b", &tokens, &count) != MOSQ_ERR_SUCCESS){
		printf("tokenise failed\n");
		exit(1);
	}
	printf("sub_topic_tokens_free(&tokens, 0) = %d\n", mosquitto_sub_topic_tokens_free(&tokens, 0));
	printf("sub_topic_tokens_free(&tokens, -1) = %d\n", mosquitto_sub_topic_tokens_free(&tokens, -1));
	printf("sub_topic_tokens_free(&tokens, %d) = %d\n", count, mosquitto_sub_topic_tokens_free(&tokens, count));

	/* The output is ordinary heap memory: free() releases it just as well. */
	if(mosquitto_sub_topic_tokenise("x/y/", &tokens, &count) == MOSQ_ERR_SUCCESS){
		int i2;
		for(i2 = 0; i2 < count; i2++){
			free(tokens[i2]);
		}
		free(tokens);
		printf("sub_topic_tokenise(\"x/y/\") freed with free(): %d entries\n", count);
	}
}

/* ---------------------------------------------------------------- UTF-8 */

static void utf8_case(const char *bytes, int len)
{
	printf("validate_utf8(");
	print_bytes(bytes, (size_t)len);
	printf(", %d) = %d\n", len, mosquitto_validate_utf8(bytes, len));
}

#define UTF8(s) utf8_case((s), (int)(sizeof(s) - 1))

static void utf8(void)
{
	unsigned char buf[8];
	unsigned long v;
	int n;
	uint64_t hash;
	char *big;

	UTF8("");
	UTF8("a");
	UTF8("sensors/kitchen/temperature");
	UTF8("caf\xc3\xa9");
	UTF8("\xe2\x82\xac");
	UTF8("\xf0\x9f\x98\x80");
	UTF8("\xf4\x8f\xbf\xbd");       /* U+10FFFD */
	UTF8("\xef\xbf\xbd");           /* U+FFFD */
	UTF8("\xc2\xa0");               /* U+00A0, first after C1 */
	UTF8("\x7e");
	UTF8("a\0b");
	UTF8("\0");
	UTF8("\x01");
	UTF8("\x09");
	UTF8("\x1f");
	UTF8("\x20");
	UTF8("\x7f");
	UTF8("\xc2\x80");               /* U+0080 */
	UTF8("\xc2\x85");               /* U+0085 */
	UTF8("\xc2\x9f");               /* U+009F */
	UTF8("\xc0\x80");               /* overlong NUL */
	UTF8("\xc0\xaf");               /* overlong '/' */
	UTF8("\xc1\xbf");
	UTF8("\xe0\x80\xaf");
	UTF8("\xe0\x9f\xbf");           /* overlong U+07FF */
	UTF8("\xe0\xa0\x80");           /* U+0800 */
	UTF8("\xf0\x80\x80\xaf");
	UTF8("\xf0\x8f\xbf\xbf");       /* overlong U+FFFF */
	UTF8("\xf0\x90\x80\x80");       /* U+10000 */
	UTF8("\xed\x9f\xbf");           /* U+D7FF */
	UTF8("\xed\xa0\x80");           /* U+D800 */
	UTF8("\xed\xbf\xbf");           /* U+DFFF */
	UTF8("\xee\x80\x80");           /* U+E000 */
	UTF8("\xef\xb7\x8f");           /* U+FDCF */
	UTF8("\xef\xb7\x90");           /* U+FDD0 */
	UTF8("\xef\xb7\xaf");           /* U+FDEF */
	UTF8("\xef\xb7\xb0");           /* U+FDF0 */
	UTF8("\xef\xbf\xbe");           /* U+FFFE */
	UTF8("\xef\xbf\xbf");           /* U+FFFF */
	UTF8("\xf0\x9f\xbf\xbe");       /* U+1FFFE */
	UTF8("\xf0\x9f\xbf\xbf");       /* U+1FFFF */
	UTF8("\xf4\x8f\xbf\xbe");       /* U+10FFFE */
	UTF8("\xf4\x8f\xbf\xbf");       /* U+10FFFF */
	UTF8("\xf4\x90\x80\x80");       /* U+110000 */
	UTF8("\xf5\x80\x80\x80");
	UTF8("\xf8\x88\x80\x80\x80");
	UTF8("\xfc\x84\x80\x80\x80\x80");
	UTF8("\xfe");
	UTF8("\xff");
	UTF8("\x80");
	UTF8("\xbf");
	UTF8("a\x80");
	UTF8("\xc2");                   /* truncated at the end of the string */
	UTF8("\xe2\x82");
	UTF8("\xf0\x9f\x98");
	UTF8("\xc2\x41");               /* bad continuation */
	UTF8("\xe2\x41\x82");
	UTF8("\xe2\x82\x41");
	UTF8("\xf0\x9f\x41\x80");
	UTF8("\xc3\xa9\xc3");
	printf("validate_utf8(NULL, 0) = %d\n", mosquitto_validate_utf8(NULL, 0));
	printf("validate_utf8(\"a\", -1) = %d\n", mosquitto_validate_utf8("a", -1));
	printf("validate_utf8(\"a\", 0) = %d\n", mosquitto_validate_utf8("a", 0));

	big = calloc(65537 + 1, 1);
	if(!big){
		printf("out of memory\n");
		exit(1);
	}
	memset(big, 'a', 65537);
	printf("validate_utf8(65536 x 'a', 65536) = %d\n", mosquitto_validate_utf8(big, 65536));
	printf("validate_utf8(65537 x 'a', 65537) = %d\n", mosquitto_validate_utf8(big, 65537));
	free(big);

	/* Every string of one, two and three bytes, folded into one hash per length. The bytes
	 * after the string are zero, so a sequence cut short is seen as such by every
	 * implementation. */
	for(n = 1; n <= 3; n++){
		unsigned long total = 1UL << (8 * n);
		hash = FNV_START;
		for(v = 0; v < total; v++){
			int k;
			memset(buf, 0, sizeof(buf));
			for(k = 0; k < n; k++){
				buf[k] = (unsigned char)(v >> (8 * (n - 1 - k)));
			}
			hash = fnv(hash, (unsigned char)mosquitto_validate_utf8((const char *)buf, n));
		}
		printf("validate_utf8 over all %lu strings of %d bytes: hash %016llx\n", total, n, (unsigned long long)hash);
	}
	/* Four bytes: every continuation for the lead bytes at the edges of the ranges. */
	{
		static const unsigned char leads[] = {0xed, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8};
		size_t l;
		for(l = 0; l < sizeof(leads); l++){
			hash = FNV_START;
			for(v = 0; v < (1UL << 24); v++){
				memset(buf, 0, sizeof(buf));
				buf[0] = leads[l];
				buf[1] = (unsigned char)(v >> 16);
				buf[2] = (unsigned char)(v >> 8);
				buf[3] = (unsigned char)v;
				hash = fnv(hash, (unsigned char)mosquitto_validate_utf8((const char *)buf, 4));
			}
			printf("validate_utf8 over all 4-byte strings starting 0x%02x: hash %016llx\n", leads[l], (unsigned long long)hash);
		}
	}
}

/* ---------------------------------------------------------------- strings */

static bool release_specific_error(int code)
{
	return code == MOSQ_ERR_INVAL || code == MOSQ_ERR_KEEPALIVE || code == MOSQ_ERR_LOOKUP || code >= 128;
}

static void strings(bool release_specific)
{
	static const char *const commands[] = {
		"connect", "CONNECT", "Connack", "publish", "puback", "pubrec", "pubrel", "pubcomp",
		"subscribe", "suback", "unsubscribe", "unsuback", "pingreq", "pingresp", "disconnect",
		"auth", "AUTH", "will", "WiLL", "", "foo", "connectx", "conn", "connect ", " connect",
	};
	static const int errnos[] = {0, ENOENT, EINVAL, ECONNREFUSED, EAGAIN};
	int code;
	size_t i;

	for(code = -5; code <= 165; code++){
		if(code == MOSQ_ERR_ERRNO || (code > 35 && code < 128)){
			continue;
		}
		if(release_specific_error(code) != release_specific){
			continue;
		}
		printf("strerror(%d) = ", code);
		print_str(mosquitto_strerror(code));
		printf("\n");
	}
	if(release_specific){
		printf("strerror(255) = ");
		print_str(mosquitto_strerror(255));
		printf("\n");
		return;
	}
	printf("strerror(-1000) = ");
	print_str(mosquitto_strerror(-1000));
	printf("\n");
	for(i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++){
		errno = errnos[i];
		printf("strerror(MOSQ_ERR_ERRNO) with errno %d = ", errnos[i]);
		print_str(mosquitto_strerror(MOSQ_ERR_ERRNO));
		printf("\n");
	}

	for(code = -2; code <= 8; code++){
		printf("connack_string(%d) = ", code);
		print_str(mosquitto_connack_string(code));
		printf("\n");
	}
	printf("connack_string(256) = ");
	print_str(mosquitto_connack_string(256));
	printf("\n");

	for(code = -2; code <= 257; code++){
		printf("reason_string(%d) = ", code);
		print_str(mosquitto_reason_string(code));
		printf("\n");
	}

	for(i = 0; i < sizeof(commands) / sizeof(commands[0]); i++){
		int cmd = -7;
		int rc = mosquitto_string_to_command(commands[i], &cmd);
		printf("string_to_command(");
		print_str(commands[i]);
		printf(") = %d, cmd 0x%x\n", rc, (unsigned)cmd);
	}
}

/* ---------------------------------------------------------------- messages */

static void print_message(const char *name, const struct mosquitto_message *m)
{
	printf("%s: mid %d, topic ", name, m->mid);
	print_str(m->topic);
	printf(", payloadlen %d, qos %d, retain %d, payload ", m->payloadlen, m->qos, m->retain);
	if(m->payload){
		/* One byte more than the length: the terminating zero. */
		print_bytes(m->payload, (size_t)m->payloadlen + 1);
	}else{
		printf("NULL");
	}
	printf("\n");
}

static void messages(void)
{
	char payload[] = {'h', 'e', '\0', 'l', 'o'};
	struct mosquitto_message src, dst, *heap;
	unsigned char *big;
	int rc, i;

	memset(&src, 0, sizeof(src));
	src.mid = 42;
	src.topic = "sensors/1";
	src.payload = payload;
	src.payloadlen = (int)sizeof(payload);
	src.qos = 2;
	src.retain = true;

	memset(&dst, 0x55, sizeof(dst));
	rc = mosquitto_message_copy(&dst, &src);
	printf("message_copy = %d, same topic pointer %d, same payload pointer %d\n", rc,
			dst.topic == src.topic, dst.payload == src.payload);
	print_message("copy", &dst);
	mosquitto_message_free_contents(&dst);
	printf("message_free_contents: mid %d, payloadlen %d, qos %d, retain %d kept\n",
			dst.mid, dst.payloadlen, dst.qos, dst.retain);

	/* Empty payload: copied as NULL whatever the source pointer. */
	src.mid = 7;
	src.payloadlen = 0;
	src.qos = 0;
	src.retain = false;
	memset(&dst, 0x55, sizeof(dst));
	rc = mosquitto_message_copy(&dst, &src);
	printf("message_copy (empty payload) = %d\n", rc);
	print_message("copy", &dst);
	mosquitto_message_free_contents(&dst);

	/* A larger binary payload. */
	big = malloc(100000);
	if(!big){
		printf("out of memory\n");
		exit(1);
	}
	for(i = 0; i < 100000; i++){
		big[i] = (unsigned char)(i * 7 + 3);
	}
	src.payload = big;
	src.payloadlen = 100000;
	rc = mosquitto_message_copy(&dst, &src);
	printf("message_copy (100000 bytes) = %d, payloadlen %d, equal %d, terminated %d\n", rc, dst.payloadlen,
			memcmp(dst.payload, big, 100000) == 0, ((unsigned char *)dst.payload)[100000] == 0);
	/* The copy is ordinary heap memory. */
	free(dst.topic);
	free(dst.payload);
	free(big);

	printf("message_copy(NULL, &src) = %d\n", mosquitto_message_copy(NULL, &src));
	printf("message_copy(&dst, NULL) = %d\n", mosquitto_message_copy(&dst, NULL));

	/* A message on the heap, released with message_free. */
	src.payload = payload;
	src.payloadlen = 3;
	heap = malloc(sizeof(*heap));
	if(!heap){
		printf("out of memory\n");
		exit(1);
	}
	rc = mosquitto_message_copy(heap, &src);
	printf("message_copy (heap) = %d\n", rc);
	print_message("heap copy", heap);
	mosquitto_message_free(&heap);
	printf("message_free done\n");

	mosquitto_message_free(NULL);
	heap = NULL;
	mosquitto_message_free(&heap);
	mosquitto_message_free_contents(NULL);
	printf("message_free(NULL), message_free(&NULL), message_free_contents(NULL) done\n");
}

/* ---------------------------------------------------------------- library */

static void library(bool release_specific)
{
	int major = -1, minor = -1, revision = -1;
	int number = mosquitto_lib_version(&major, &minor, &revision);
	int only_minor = -1;

	printf("lib_version: major %d, minor %d, number consistent %d\n", major, minor,
			number == major * 1000000 + minor * 1000 + revision);
	printf("lib_version(NULL, NULL, NULL) = same number %d\n", mosquitto_lib_version(NULL, NULL, NULL) == number);
	mosquitto_lib_version(NULL, &only_minor, NULL);
	printf("lib_version(NULL, &minor, NULL): minor %d\n", only_minor);
	if(release_specific){
		printf("lib_version: revision %d, number %d\n", revision, number);
	}
}

int main(int argc, char *argv[])
{
	bool release_specific = argc > 1 && strcmp(argv[1], "--release-specific") == 0;

	printf("lib_init = %d\n", mosquitto_lib_init());
	printf("lib_init again = %d\n", mosquitto_lib_init());

	if(release_specific){
		strings(true);
		library(true);
	}else{
		topic_checks();
		topic_matching();
		tokenising();
		utf8();
		strings(false);
		messages();
		library(false);
	}

	printf("lib_cleanup = %d\n", mosquitto_lib_cleanup());
	printf("lib_cleanup again = %d\n", mosquitto_lib_cleanup());
	printf("lib_cleanup once more = %d\n", mosquitto_lib_cleanup());
	return 0;
}
