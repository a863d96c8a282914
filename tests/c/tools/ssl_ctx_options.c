/*
 * A client that asks for TLS only through libmosquitto's OpenSSL context options, never through
 * mosquitto_tls_set: MOSQ_OPT_SSL_CTX_WITH_DEFAULTS = 1 ("defaults"), or a non-NULL
 * MOSQ_OPT_SSL_CTX ("ctx"; the pointer is a dummy, so run this only on a library that does not
 * use it), or a non-NULL context set and then cleared with NULL ("ctx-cleared").
 *
 * Usage: ssl_ctx_options HOST PORT MODE
 * Prints the option's result, the connect result, then what the loop saw within 2 s:
 *   option R / connect R / connack R (or "no connack") / disconnect R
 * Exit status: 0, or 2 on bad arguments.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

static int connack = -1;

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	connack = rc;
}

static void on_log(struct mosquitto *mosq, void *obj, int level, const char *text)
{
	(void)mosq;
	(void)obj;
	if(level == MOSQ_LOG_ERR){
		printf("log: %s\n", text);
	}
}

int main(int argc, char *argv[])
{
	struct mosquitto *mosq;
	static int dummy_context;
	int rc = 0, i;

	if(argc != 4){
		fprintf(stderr, "usage: %s HOST PORT defaults|ctx|ctx-cleared\n", argv[0]);
		return 2;
	}
	mosquitto_lib_init();
	mosq = mosquitto_new(NULL, true, NULL);
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_log_callback_set(mosq, on_log);
	if(!strcmp(argv[3], "defaults")){
		rc = mosquitto_int_option(mosq, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 1);
	}else{
		rc = mosquitto_void_option(mosq, MOSQ_OPT_SSL_CTX, &dummy_context);
		if(!strcmp(argv[3], "ctx-cleared")){
			rc = mosquitto_void_option(mosq, MOSQ_OPT_SSL_CTX, NULL);
		}
	}
	printf("option %d\n", rc);
	rc = mosquitto_connect(mosq, argv[1], atoi(argv[2]), 60);
	printf("connect %d\n", rc);
	for(i = 0; i < 20 && rc == MOSQ_ERR_SUCCESS && connack < 0; i++){
		rc = mosquitto_loop(mosq, 100, 1);
	}
	if(connack >= 0){
		printf("connack %d\n", connack);
	}else{
		printf("no connack\n");
	}
	printf("disconnect %d\n", mosquitto_disconnect(mosq));
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	return 0;
}
