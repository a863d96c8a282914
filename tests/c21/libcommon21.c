/* The functions only libmosquitto_common exports (memory, files, time, base64, random bytes,
 * password hashes, sizes), written against 2.1's API and linked with -lmosquitto_common:
 * every function once, with its error returns for NULL and out-of-range arguments.
 *
 * Arguments: a directory the program may write files into, and a hash of the password
 * "password" made by mosquitto_passwd. First it prints where the dynamic linker found
 * mosquitto_malloc and mosquitto_property_add_int32, for the runner to check. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mosquitto.h>

static int failures = 0;

#define CHECK(cond) do { if(!(cond)){ printf("FAIL line %d: %s\n", __LINE__, #cond); failures++; } } while(0)

static int logged = 0;

static void log_fn(const char *msg)
{
	(void)msg;
	logged++;
}

static int write_lines(FILE *fptr, void *user_data)
{
	const char *text = user_data;
	return fputs(text, fptr) < 0 ? MOSQ_ERR_ERRNO : MOSQ_ERR_SUCCESS;
}

static int write_fails(FILE *fptr, void *user_data)
{
	(void)fptr;
	(void)user_data;
	return MOSQ_ERR_UNKNOWN;
}

static void test_memory(void)
{
	unsigned long before = mosquitto_memory_used();
	char *p = mosquitto_malloc(100);
	CHECK(p != NULL);
	CHECK(mosquitto_memory_used() >= before + 100);
	CHECK(mosquitto_max_memory_used() >= mosquitto_memory_used());
	p = mosquitto_realloc(p, 1000);
	CHECK(p != NULL);
	CHECK(mosquitto_memory_used() >= before + 1000);
	mosquitto_free(p);
	CHECK(mosquitto_memory_used() == before);

	unsigned char *z = mosquitto_calloc(4, 8);
	CHECK(z != NULL);
	int zero = 1;
	for(int i = 0; i < 32; i++){
		if(z[i]) zero = 0;
	}
	CHECK(zero);
	/* Plain free() takes memory from these functions, and the count never goes below zero. */
	free(z);
	CHECK(mosquitto_calloc((size_t)-1, 16) == NULL);

	char *s = mosquitto_strdup("hello");
	CHECK(s && !strcmp(s, "hello"));
	mosquitto_FREE(s);
	CHECK(s == NULL);
	CHECK(mosquitto_strdup(NULL) == NULL);
	s = mosquitto_strndup("hello world", 5);
	CHECK(s && !strcmp(s, "hello"));
	mosquitto_free(s);
	s = mosquitto_strndup("hi", 10);
	CHECK(s && !strcmp(s, "hi"));
	mosquitto_free(s);
	CHECK(mosquitto_strndup(NULL, 3) == NULL);
	mosquitto_free(NULL);
	/* Memory from malloc() is freed by mosquitto_free(). */
	mosquitto_free(malloc(10));

	mosquitto_memory_set_limit(mosquitto_memory_used() + 64);
	CHECK(mosquitto_malloc(4096) == NULL);
	p = mosquitto_malloc(8);
	CHECK(p != NULL);
	CHECK(mosquitto_realloc(p, 8192) == NULL);
	mosquitto_free(p);
	mosquitto_memory_set_limit(0);
	p = mosquitto_malloc(4096);
	CHECK(p != NULL);
	mosquitto_free(p);
}

static void test_files(const char *dir)
{
	char path[1024], other[1100];
	char *buf = NULL;
	size_t len = 99;
	struct stat st;

	snprintf(path, sizeof(path), "%s/data.txt", dir);
	CHECK(mosquitto_write_file(path, true, write_lines, "first line\n  second line  \n", log_fn) == MOSQ_ERR_SUCCESS);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	snprintf(other, sizeof(other), "%s.new", path);
	CHECK(access(other, F_OK) != 0);
	CHECK(mosquitto_write_file(path, false, write_fails, NULL, log_fn) == MOSQ_ERR_ERRNO);
	CHECK(access(other, F_OK) != 0);
	CHECK(mosquitto_write_file(NULL, false, write_lines, "", log_fn) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_write_file(path, false, NULL, NULL, log_fn) == MOSQ_ERR_INVAL);
	snprintf(other, sizeof(other), "%s/missing/x", dir);
	logged = 0;
	CHECK(mosquitto_write_file(other, false, write_lines, "", log_fn) == MOSQ_ERR_INVAL);
	CHECK(logged == 1);

	CHECK(mosquitto_read_file(path, true, &buf, &len) == MOSQ_ERR_SUCCESS);
	CHECK(buf && len == 27 && !strcmp(buf, "first line\n  second line  \n"));
	mosquitto_free(buf);
	CHECK(mosquitto_read_file(other, false, &buf, &len) == MOSQ_ERR_ERRNO && buf == NULL && len == 0);
	CHECK(mosquitto_read_file(path, false, NULL, &len) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_read_file(NULL, false, &buf, &len) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_read_file(dir, false, &buf, NULL) == MOSQ_ERR_ERRNO);

	FILE *f = mosquitto_fopen(path, "r", false);
	CHECK(f != NULL);
	if(f){
		int buflen = 4;
		char *line = malloc((size_t)buflen);
		CHECK(mosquitto_fgets(&line, &buflen, f) == line);
		CHECK(!strcmp(line, "first line\n") && buflen > 4);
		CHECK(mosquitto_fgets(&line, &buflen, f) != NULL);
		char *trimmed = mosquitto_trimblanks(line);
		CHECK(!strcmp(trimmed, "second line"));
		CHECK(mosquitto_fgets(&line, &buflen, f) == NULL);
		CHECK(mosquitto_fgets(NULL, &buflen, f) == NULL);
		CHECK(mosquitto_fgets(&line, NULL, f) == NULL);
		CHECK(mosquitto_fgets(&line, &buflen, NULL) == NULL);
		free(line);
		fclose(f);
	}
	errno = 0;
	CHECK(mosquitto_fopen(dir, "r", false) == NULL);
	CHECK(mosquitto_fopen(NULL, "r", false) == NULL && errno == EINVAL);
	CHECK(mosquitto_fopen(path, NULL, false) == NULL);
	/* A restricted file opened for writing must be new. */
	CHECK(mosquitto_fopen(path, "w", true) == NULL);
	snprintf(other, sizeof(other), "%s/restricted", dir);
	f = mosquitto_fopen(other, "w", true);
	CHECK(f != NULL);
	if(f){
		fclose(f);
		CHECK(stat(other, &st) == 0 && (st.st_mode & 0777) == 0600);
	}

	char blanks[] = " \t value \r\n";
	CHECK(!strcmp(mosquitto_trimblanks(blanks), "value"));
	char empty[] = "";
	CHECK(!strcmp(mosquitto_trimblanks(empty), ""));
	CHECK(mosquitto_trimblanks(NULL) == NULL);
}

static void test_time(void)
{
	time_t s = 0;
	long ns = -1;

	time_t t1 = mosquitto_time();
	mosquitto_time_init();
	time_t t2 = mosquitto_time();
	CHECK(t1 >= 0 && t2 >= 0);
	mosquitto_time_ns(&s, &ns);
	CHECK(s > 1600000000 && ns >= 0 && ns < 1000000000L);
	mosquitto_time_ns(NULL, NULL);
	CHECK(mosquitto_time_cmp(10, 5, 10, 2) == 3);
	CHECK(mosquitto_time_cmp(9, 999, 10, 0) < 0);
	CHECK(mosquitto_time_cmp(10, 0, 10, 0) == 0);
}

static void test_base64(void)
{
	char *text = NULL;
	unsigned char *data = NULL;
	unsigned int len = 99;

	CHECK(mosquitto_base64_encode((const unsigned char *)"hello", 5, &text) == MOSQ_ERR_SUCCESS);
	CHECK(text && !strcmp(text, "aGVsbG8="));
	CHECK(mosquitto_base64_decode(text, &data, &len) == MOSQ_ERR_SUCCESS);
	CHECK(data && len == 5 && !memcmp(data, "hello", 5));
	mosquitto_free(text);
	mosquitto_free(data);
	CHECK(mosquitto_base64_encode((const unsigned char *)"", 0, &text) == MOSQ_ERR_SUCCESS && text && !strcmp(text, ""));
	mosquitto_free(text);
	CHECK(mosquitto_base64_decode("not base64!", &data, &len) == 1 && data == NULL && len == 0);
	CHECK(mosquitto_base64_decode("", &data, &len) == 1);
	CHECK(mosquitto_base64_decode(NULL, &data, &len) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_base64_decode("aGk=", NULL, &len) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_base64_encode(NULL, 3, &text) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_base64_encode((const unsigned char *)"x", 1, NULL) == MOSQ_ERR_INVAL);
}

static void test_random(void)
{
	unsigned char a[32] = {0}, b[32] = {0};
	CHECK(mosquitto_getrandom(a, sizeof(a)) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_getrandom(b, sizeof(b)) == MOSQ_ERR_SUCCESS);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(mosquitto_getrandom(a, 0) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_getrandom(a, -1) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_getrandom(NULL, 4) == MOSQ_ERR_INVAL);
}

static void test_password(void)
{
	struct mosquitto_pw *pw = NULL, *pw2 = NULL;

	CHECK(mosquitto_pw_new(&pw, MOSQ_PW_DEFAULT) == MOSQ_ERR_SUCCESS && pw);
	CHECK(!mosquitto_pw_is_valid(pw));
	CHECK(mosquitto_pw_get_encoded(pw) == NULL);
	CHECK(mosquitto_pw_verify(pw, "secret") == MOSQ_ERR_AUTH);
	/* The iteration count belongs to MOSQ_PW_SHA512_PBKDF2 hashes only. */
	CHECK(mosquitto_pw_set_param(pw, MOSQ_PW_PARAM_ITERATIONS, 10) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_pw_hash_encoded(pw, "secret") == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_is_valid(pw));
	const char *enc = mosquitto_pw_get_encoded(pw);
	CHECK(enc && !strncmp(enc, "$7$1000$", 8));
	CHECK(mosquitto_pw_verify(pw, "secret") == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_verify(pw, "Secret") == MOSQ_ERR_AUTH);
	CHECK(mosquitto_pw_verify(pw, NULL) == MOSQ_ERR_AUTH);
	mosquitto_pw_set_valid(pw, false);
	CHECK(mosquitto_pw_verify(pw, "secret") == MOSQ_ERR_AUTH);
	mosquitto_pw_set_valid(pw, true);

	/* The text form read back into another hash. */
	CHECK(mosquitto_pw_new(&pw2, MOSQ_PW_DEFAULT) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_decode(pw2, enc) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_is_valid(pw2) && !strcmp(mosquitto_pw_get_encoded(pw2), enc));
	CHECK(mosquitto_pw_verify(pw2, "secret") == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_verify(pw2, "wrong") == MOSQ_ERR_AUTH);
	CHECK(mosquitto_pw_set_param(pw2, MOSQ_PW_PARAM_ITERATIONS, 5) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_set_param(pw2, MOSQ_PW_PARAM_ITERATIONS, 0) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_pw_hash_encoded(pw2, "other") == MOSQ_ERR_SUCCESS);
	CHECK(!strncmp(mosquitto_pw_get_encoded(pw2), "$7$5$", 5));
	CHECK(mosquitto_pw_verify(pw2, "other") == MOSQ_ERR_SUCCESS);
	mosquitto_pw_cleanup(pw2);

	/* A salted SHA-512 hash, then texts that are not usable hashes. */
	CHECK(mosquitto_pw_new(&pw2, MOSQ_PW_SHA512) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_hash_encoded(pw2, "pw") == MOSQ_ERR_SUCCESS);
	CHECK(!strncmp(mosquitto_pw_get_encoded(pw2), "$6$", 3));
	CHECK(mosquitto_pw_verify(pw2, "pw") == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_decode(pw2, "no dollar") == MOSQ_ERR_INVAL && !mosquitto_pw_is_valid(pw2));
	CHECK(mosquitto_pw_decode(pw2, "$6$c2FsdA==$aGFzaA==") == MOSQ_ERR_INVAL);
	CHECK(mosquitto_pw_decode(pw2, "$7$0$c2FsdA==$aGFzaA==") == MOSQ_ERR_INVAL);
	CHECK(mosquitto_pw_decode(pw2, "$5$xyz") == MOSQ_ERR_INVAL);
	CHECK(mosquitto_pw_decode(pw2, "$argon2id$v=19$m=47104,t=1,p=1$c2FsdA$aGFzaA") == MOSQ_ERR_NOT_SUPPORTED);
	CHECK(mosquitto_pw_decode(pw2, NULL) == MOSQ_ERR_INVAL);
	mosquitto_pw_cleanup(pw2);

	CHECK(mosquitto_pw_new(&pw2, MOSQ_PW_ARGON2ID) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_hash_encoded(pw2, "x") == MOSQ_ERR_NOT_SUPPORTED);
	mosquitto_pw_cleanup(pw2);

	CHECK(mosquitto_pw_new(NULL, MOSQ_PW_DEFAULT) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_pw_hash_encoded(NULL, "x") == MOSQ_ERR_INVAL);
	CHECK(mosquitto_pw_hash_encoded(pw, NULL) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_pw_verify(NULL, "x") == MOSQ_ERR_AUTH);
	CHECK(mosquitto_pw_decode(NULL, "$6$") == MOSQ_ERR_INVAL);
	CHECK(mosquitto_pw_set_param(NULL, MOSQ_PW_PARAM_ITERATIONS, 1) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_pw_get_encoded(NULL) == NULL);
	CHECK(!mosquitto_pw_is_valid(NULL));
	mosquitto_pw_set_valid(NULL, true);
	mosquitto_pw_cleanup(pw);
	mosquitto_pw_cleanup(NULL);
}

static void test_sizes(void)
{
	mosquitto_property *list = NULL, *one = NULL;

	CHECK(mosquitto_varint_bytes(0) == 1);
	CHECK(mosquitto_varint_bytes(127) == 1);
	CHECK(mosquitto_varint_bytes(128) == 2);
	CHECK(mosquitto_varint_bytes(16383) == 2);
	CHECK(mosquitto_varint_bytes(16384) == 3);
	CHECK(mosquitto_varint_bytes(2097152) == 4);
	CHECK(mosquitto_varint_bytes(268435455) == 4);
	CHECK(mosquitto_varint_bytes(268435456) == 5);

	CHECK(mosquitto_property_get_remaining_length(NULL) == 1);
	CHECK(mosquitto_property_get_length(NULL) == 0);
	CHECK(mosquitto_property_get_length_all(NULL) == 0);
	CHECK(mosquitto_property_add_int32(&list, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 60) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_property_add_string(&list, MQTT_PROP_CONTENT_TYPE, "text") == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_property_get_length(list) == 5);
	CHECK(mosquitto_property_get_length_all(list) == 5 + 7);
	CHECK(mosquitto_property_get_remaining_length(list) == 13);
	mosquitto_property_free_all(&list);

	CHECK(mosquitto_property_add_byte(&one, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1) == MOSQ_ERR_SUCCESS);
	mosquitto_property_free(&one);
	CHECK(one == NULL);
	mosquitto_property_free(&one);
	mosquitto_property_free(NULL);
}

/* Print the file of the shared object that defines the function `fn`. */
static void report(const char *name, void (*fn)(void))
{
	Dl_info info;
	void *addr;

	memcpy(&addr, &fn, sizeof(addr));
	if(dladdr(addr, &info) && info.dli_fname){
		printf("%s from: %s\n", name, info.dli_fname);
	}else{
		printf("%s from: (unknown)\n", name);
	}
}

/* A hash written by mosquitto_passwd, read and checked here. */
static void test_passwd_hash(const char *hash)
{
	struct mosquitto_pw *pw = NULL;

	CHECK(mosquitto_pw_new(&pw, MOSQ_PW_DEFAULT) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_decode(pw, hash) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_verify(pw, "password") == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_pw_verify(pw, "passwort") == MOSQ_ERR_AUTH);
	mosquitto_pw_cleanup(pw);
}

int main(int argc, char *argv[])
{
	void (*fn)(void);

	if(argc != 3){
		fprintf(stderr, "usage: libcommon21 DIRECTORY HASH\n");
		return 2;
	}
	/* libmosquitto itself, linked beside the helper library. */
	CHECK(mosquitto_lib_init() == MOSQ_ERR_SUCCESS);
	fn = (void (*)(void))mosquitto_malloc;
	report("mosquitto_malloc", fn);
	fn = (void (*)(void))mosquitto_property_add_int32;
	report("mosquitto_property_add_int32", fn);
	test_passwd_hash(argv[2]);
	test_memory();
	test_files(argv[1]);
	test_time();
	test_base64();
	test_random();
	test_password();
	test_sizes();
	mosquitto_lib_cleanup();
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
