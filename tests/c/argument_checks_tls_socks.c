/* differential */
/*
 * Argument checks of the TLS, SOCKS5 and helper functions (companion of argument_checks.c).
 * One line per call: the call and what it returned. Nothing here needs a network.
 *
 * Left out because this library deliberately differs (see the behaviour contract): TLS-PSK,
 * OpenSSL engines and user SSL_CTX objects (MOSQ_OPT_SSL_CTX_WITH_DEFAULTS included), which are
 * not supported here, and MOSQ_OPT_TLS_OCSP_REQUIRED set to 1, which rustls cannot honour.
 *
 * The TLS setters only check that files can be opened, so the program's own executable
 * (argv[0]) serves as a readable file.
 *
 * Exit status: 0 when every call returned.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

#define SHOW(call) printf("%s: %d\n", #call, (call))

static char text[300];

static const char *repeat(char c, size_t n)
{
	memset(text, c, n);
	text[n] = '\0';
	return text;
}

static int on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	(void)mosq;
	(void)obj;
	(void)msg;
	return 0;
}

static void check_tls(struct mosquitto *m, const char *file)
{
	SHOW(mosquitto_tls_set(NULL, file, NULL, NULL, NULL, NULL));
	SHOW(mosquitto_tls_set(m, NULL, NULL, NULL, NULL, NULL));
	SHOW(mosquitto_tls_set(m, "/nonexistent/ca.pem", NULL, NULL, NULL, NULL));
	SHOW(mosquitto_tls_set(m, file, NULL, file, NULL, NULL));
	SHOW(mosquitto_tls_set(m, file, NULL, NULL, file, NULL));
	SHOW(mosquitto_tls_set(m, file, NULL, "/nonexistent/cert.pem", file, NULL));
	SHOW(mosquitto_tls_set(m, file, NULL, NULL, NULL, NULL));
	SHOW(mosquitto_tls_set(m, NULL, "/nonexistent-dir", NULL, NULL, NULL));
	SHOW(mosquitto_tls_insecure_set(NULL, true));
	SHOW(mosquitto_tls_insecure_set(m, true));
	SHOW(mosquitto_tls_insecure_set(m, false));
	SHOW(mosquitto_tls_opts_set(NULL, 1, NULL, NULL));
	SHOW(mosquitto_tls_opts_set(m, 1, NULL, NULL));
	SHOW(mosquitto_tls_opts_set(m, 0, NULL, NULL));
	SHOW(mosquitto_tls_opts_set(m, 1, "tlsv1.3", NULL));
	SHOW(mosquitto_tls_opts_set(m, 1, "TLSv1.2", NULL));
	SHOW(mosquitto_tls_opts_set(m, 1, "tlsv1.1", NULL));
	SHOW(mosquitto_tls_opts_set(m, 1, "tlsv1.0", NULL));
	SHOW(mosquitto_tls_opts_set(m, 1, "sslv3", NULL));
	SHOW(mosquitto_tls_opts_set(m, 1, "", NULL));
	printf("ssl_get before connect: %s\n", mosquitto_ssl_get(m) ? "set" : "NULL");
	SHOW(mosquitto_string_option(m, MOSQ_OPT_TLS_KEYFORM, "pem"));
	SHOW(mosquitto_string_option(m, MOSQ_OPT_TLS_KEYFORM, "PEM"));
	SHOW(mosquitto_string_option(m, MOSQ_OPT_TLS_KEYFORM, "der"));
	SHOW(mosquitto_string_option(m, MOSQ_OPT_TLS_ALPN, "mqtt"));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_TLS_OCSP_REQUIRED, 0));
	SHOW(mosquitto_int_option(m, MOSQ_OPT_TLS_USE_OS_CERTS, 1));
}

static void check_socks(struct mosquitto *m)
{
	SHOW(mosquitto_socks5_set(NULL, "localhost", 1080, NULL, NULL));
	SHOW(mosquitto_socks5_set(m, NULL, 1080, NULL, NULL));
	SHOW(mosquitto_socks5_set(m, "localhost", 0, NULL, NULL));
	SHOW(mosquitto_socks5_set(m, "localhost", -1, NULL, NULL));
	SHOW(mosquitto_socks5_set(m, "localhost", 65536, NULL, NULL));
	SHOW(mosquitto_socks5_set(m, "localhost", 65535, NULL, NULL));
	SHOW(mosquitto_socks5_set(m, repeat('h', 256), 1080, NULL, NULL));
	SHOW(mosquitto_socks5_set(m, repeat('h', 257), 1080, NULL, NULL));
	SHOW(mosquitto_socks5_set(m, "localhost", 1080, repeat('u', 255), "pw"));
	SHOW(mosquitto_socks5_set(m, "localhost", 1080, repeat('u', 256), "pw"));
	SHOW(mosquitto_socks5_set(m, "localhost", 1080, "user", repeat('p', 255)));
	SHOW(mosquitto_socks5_set(m, "localhost", 1080, "user", repeat('p', 256)));
	SHOW(mosquitto_socks5_set(m, "localhost", 1080, "user", NULL));
	SHOW(mosquitto_socks5_set(m, "localhost", 1080, NULL, "pw"));
}

static void check_helpers(void)
{
	struct mosquitto_message *msgs = NULL;

	SHOW(mosquitto_subscribe_simple(NULL, 1, true, "t", 0, "127.0.0.1", 1, NULL, 60, true, NULL, NULL, NULL, NULL));
	SHOW(mosquitto_subscribe_simple(&msgs, 0, true, "t", 0, "127.0.0.1", 1, NULL, 60, true, NULL, NULL, NULL, NULL));
	SHOW(mosquitto_subscribe_simple(&msgs, -1, true, "t", 0, "127.0.0.1", 1, NULL, 60, true, NULL, NULL, NULL, NULL));
	SHOW(mosquitto_subscribe_simple(&msgs, 1, true, NULL, 0, "127.0.0.1", 1, NULL, 60, true, NULL, NULL, NULL, NULL));
	printf("messages untouched: %s\n", msgs ? "no" : "yes");
	SHOW(mosquitto_subscribe_callback(NULL, NULL, "t", 0, "127.0.0.1", 1, NULL, 60, true, NULL, NULL, NULL, NULL));
	SHOW(mosquitto_subscribe_callback(on_message, NULL, NULL, 0, "127.0.0.1", 1, NULL, 60, true, NULL, NULL, NULL, NULL));
}

int main(int argc, char *argv[])
{
	struct mosquitto *m;

	(void)argc;
	setvbuf(stdout, NULL, _IOLBF, 0);
	mosquitto_lib_init();
	m = mosquitto_new("argcheck-tls", true, NULL);
	if(!m){
		printf("mosquitto_new failed\n");
		return 1;
	}
	check_tls(m, argv[0]);
	mosquitto_destroy(m);
	m = mosquitto_new("argcheck-socks", true, NULL);
	if(!m){
		return 1;
	}
	check_socks(m);
	mosquitto_destroy(m);
	check_helpers();
	mosquitto_lib_cleanup();
	return 0;
}
