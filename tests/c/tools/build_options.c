/*
 * build_options.c - what the functions of a build option return when the library was built
 * without it, and with it (`make check-options`, .ci/check_build_options.sh).
 *
 * Usage: build_options TLS SOCKS      each "yes" or "no": how the library was built
 *
 * Without TLS, libmosquitto returns MOSQ_ERR_NOT_SUPPORTED from the TLS functions and TLS
 * options and NULL from mosquitto_ssl_get; without SOCKS, mosquitto_socks5_set returns
 * MOSQ_ERR_NOT_SUPPORTED. Prints one line per check; exit status 0 only if all passed.
 */
#include <stdio.h>
#include <string.h>
#include <mosquitto.h>

static int failed;

static void check(const char *what, int got, int want)
{
	printf("%s %s: %d (want %d)\n", got == want ? "PASS" : "FAIL", what, got, want);
	if(got != want) failed = 1;
}

int main(int argc, char *argv[])
{
	if(argc != 3){
		fprintf(stderr, "Usage: %s TLS SOCKS   (yes or no)\n", argv[0]);
		return 2;
	}
	int tls = !strcmp(argv[1], "yes");
	int socks = !strcmp(argv[2], "yes");
	/* Any readable file will do as a CA file: it is only read when connecting. */
	const char *cafile = argv[0];
	int ok = MOSQ_ERR_SUCCESS, no = MOSQ_ERR_NOT_SUPPORTED;
	int major, minor, revision;

	mosquitto_lib_init();
	struct mosquitto *m = mosquitto_new("build-options", true, NULL);
	if(!m){
		printf("FAIL mosquitto_new\n");
		return 1;
	}
	check("mosquitto_tls_set", mosquitto_tls_set(m, cafile, NULL, NULL, NULL, NULL), tls ? ok : no);
	check("mosquitto_tls_set(NULL client)", mosquitto_tls_set(NULL, cafile, NULL, NULL, NULL, NULL),
			tls ? MOSQ_ERR_INVAL : no);
	check("mosquitto_tls_insecure_set", mosquitto_tls_insecure_set(m, true), tls ? ok : no);
	check("mosquitto_tls_opts_set", mosquitto_tls_opts_set(m, 1, "tlsv1.2", NULL), tls ? ok : no);
	check("mosquitto_tls_psk_set", mosquitto_tls_psk_set(m, "00ff", "id", NULL), no);
	check("MOSQ_OPT_TLS_USE_OS_CERTS", mosquitto_int_option(m, MOSQ_OPT_TLS_USE_OS_CERTS, 1), tls ? ok : no);
	check("MOSQ_OPT_TLS_OCSP_REQUIRED", mosquitto_int_option(m, MOSQ_OPT_TLS_OCSP_REQUIRED, 0), tls ? ok : no);
	check("MOSQ_OPT_SSL_CTX_WITH_DEFAULTS", mosquitto_int_option(m, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0),
			tls ? ok : no);
	check("MOSQ_OPT_TLS_ALPN", mosquitto_string_option(m, MOSQ_OPT_TLS_ALPN, "mqtt"), tls ? ok : no);
	check("MOSQ_OPT_TLS_KEYFORM", mosquitto_string_option(m, MOSQ_OPT_TLS_KEYFORM, "pem"), tls ? ok : no);
	check("MOSQ_OPT_TLS_ENGINE", mosquitto_string_option(m, MOSQ_OPT_TLS_ENGINE, "x"), no);
	check("MOSQ_OPT_SSL_CTX", mosquitto_void_option(m, MOSQ_OPT_SSL_CTX, NULL), tls ? ok : no);
	check("mosquitto_ssl_get is NULL", mosquitto_ssl_get(m) == NULL, 1);
	check("mosquitto_socks5_set", mosquitto_socks5_set(m, "127.0.0.1", 1080, NULL, NULL), socks ? ok : no);
	/* Options that do not depend on the build. */
	check("MOSQ_OPT_PROTOCOL_VERSION", mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5), ok);
	check("mosquitto_lib_version", mosquitto_lib_version(&major, &minor, &revision) == LIBMOSQUITTO_VERSION_NUMBER, 1);
	mosquitto_destroy(m);
	mosquitto_lib_cleanup();
	return failed;
}
