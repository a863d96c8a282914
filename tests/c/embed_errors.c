/*
 * The embedded broker's error paths (run by tests/broker_embed.rs, also under Valgrind):
 *   1. NULL arguments to every function;
 *   2. configuration errors: MOSQ_ERR_INVAL, the error lines delivered to the log function,
 *      and the handle keeps the configuration it had;
 *   3. mosquitto_embed_port before start, for listeners that do not exist;
 *   4. calls that do not fit the state: start twice, configure while running, stop twice;
 *   5. an option this broker does not implement: MOSQ_ERR_NOT_SUPPORTED at start;
 *   6. a port in use: MOSQ_ERR_ERRNO with errno EADDRINUSE; a missing password file:
 *      MOSQ_ERR_ERRNO; after each the handle starts once the cause is gone;
 *   7. mosquitto_embed_main with -h and with an unknown option: 3.
 * Prints "ok ..." per step; exit status 0 when every check passed, 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/embedutil.h"
#include "support/testutil.h"

static const char *config =
	"listener 0 127.0.0.1\n"
	"allow_anonymous true\n";

/* A listening socket on 127.0.0.1 with a free port; returns its descriptor, the port in *port. */
static int occupy_port(int *port)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	CHECK(listen(fd, 1) == 0);
	CHECK(getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
	*port = ntohs(addr.sin_port);
	return fd;
}

int main(void)
{
	struct mosquitto_embed *e;
	struct broker_log log;
	char text[256];
	char *help_argv[] = {"mosquitto", "-h", NULL};
	char *bad_argv[] = {"mosquitto", "-x", NULL};
	int fd, port;

	start_watchdog(120);
	mosquitto_lib_init();
	broker_log_init(&log);

	/* 1. NULL arguments. */
	mosquitto_embed_destroy(NULL);
	mosquitto_embed_log_callback_set(NULL, on_broker_log, &log);
	CHECK(mosquitto_embed_config_file(NULL, "x.conf") == MOSQ_ERR_INVAL);
	CHECK(mosquitto_embed_config_string(NULL, config) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_embed_start(NULL) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_embed_stop(NULL) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_embed_port(NULL, 0) == -MOSQ_ERR_INVAL);
	CHECK(mosquitto_embed_main(1, NULL) == MOSQ_ERR_INVAL);
	e = mosquitto_embed_new();
	CHECK(e != NULL);
	CHECK(mosquitto_embed_config_file(e, NULL) == MOSQ_ERR_INVAL);
	CHECK(mosquitto_embed_config_string(e, NULL) == MOSQ_ERR_INVAL);
	mosquitto_embed_log_callback_set(e, NULL, NULL);
	mosquitto_embed_log_callback_set(e, on_broker_log, &log);
	printf("ok NULL arguments\n");

	/* 2. Configuration errors. */
	CHECK(mosquitto_embed_config_string(e, config) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_embed_config_string(e, "max_inflight_messages 5\nbogus_option 1\n") == MOSQ_ERR_INVAL);
	CHECK(broker_log_has(&log, "Error: Unknown configuration variable \"bogus_option\"."));
	CHECK(broker_log_has(&log, "Error found at <string>:2."));
	CHECK(mosquitto_embed_config_string(e, "allow_anonymous maybe\n") == MOSQ_ERR_INVAL);
	CHECK(broker_log_has(&log, "Error: Invalid allow_anonymous value (maybe)."));
	CHECK(mosquitto_embed_config_string(e, "listener 70000\n") == MOSQ_ERR_INVAL);
	CHECK(broker_log_has(&log, "Error: Invalid port value (70000)."));
	CHECK(mosquitto_embed_config_file(e, "/nonexistent/broker.conf") == MOSQ_ERR_INVAL);
	CHECK(broker_log_has(&log, "Error: Unable to open config file /nonexistent/broker.conf."));
	printf("ok configuration errors\n");

	/* 3. Ports before start. */
	CHECK(mosquitto_embed_port(e, 0) == -MOSQ_ERR_NO_CONN);

	/* The earlier good configuration is intact: the broker starts with one listener. */
	CHECK(mosquitto_embed_start(e) == MOSQ_ERR_SUCCESS);
	port = mosquitto_embed_port(e, 0);
	CHECK(port > 0);
	CHECK(mosquitto_embed_port(e, 1) == -MOSQ_ERR_INVAL);
	CHECK(round_trip(port, port, "errors/t", "after the errors"));
	printf("ok ports\n");

	/* 4. Calls that do not fit the state. */
	CHECK(mosquitto_embed_start(e) == MOSQ_ERR_ALREADY_EXISTS);
	CHECK(mosquitto_embed_config_string(e, config) == MOSQ_ERR_ALREADY_EXISTS);
	CHECK(mosquitto_embed_config_file(e, "/nonexistent/broker.conf") == MOSQ_ERR_ALREADY_EXISTS);
	CHECK(mosquitto_embed_stop(e) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_embed_stop(e) == MOSQ_ERR_NO_CONN);
	mosquitto_embed_destroy(e);
	printf("ok state\n");

	/* 5. An option this broker does not implement. */
	broker_log_clear(&log);
	e = mosquitto_embed_new();
	CHECK(e != NULL);
	mosquitto_embed_log_callback_set(e, on_broker_log, &log);
	CHECK(mosquitto_embed_config_string(e, "listener 0 127.0.0.1\npsk_hint hint\n") == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_embed_start(e) == MOSQ_ERR_NOT_SUPPORTED);
	CHECK(broker_log_has(&log, "Error: Option 'psk_hint' is not supported by this broker (<string>:2)."));
	CHECK(mosquitto_embed_port(e, 0) == -MOSQ_ERR_NO_CONN);
	mosquitto_embed_destroy(e);
	printf("ok unsupported option\n");

	/* 6. A port in use, then a missing password file. */
	broker_log_clear(&log);
	fd = occupy_port(&port);
	e = mosquitto_embed_new();
	CHECK(e != NULL);
	mosquitto_embed_log_callback_set(e, on_broker_log, &log);
	snprintf(text, sizeof(text), "listener %d 127.0.0.1\nallow_anonymous true\n", port);
	CHECK(mosquitto_embed_config_string(e, text) == MOSQ_ERR_SUCCESS);
	errno = 0;
	CHECK(mosquitto_embed_start(e) == MOSQ_ERR_ERRNO);
	CHECK(errno == EADDRINUSE);
	CHECK(broker_log_has(&log, "Error: Address already in use"));
	close(fd);
	CHECK(mosquitto_embed_start(e) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_embed_port(e, 0) == port);
	mosquitto_embed_destroy(e);

	e = mosquitto_embed_new();
	CHECK(e != NULL);
	mosquitto_embed_log_callback_set(e, on_broker_log, &log);
	CHECK(mosquitto_embed_config_string(e, "listener 0 127.0.0.1\npassword_file /nonexistent/pw\n") == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_embed_start(e) == MOSQ_ERR_ERRNO);
	CHECK(broker_log_has(&log, "Error: Unable to open pwfile \"/nonexistent/pw\"."));
	CHECK(broker_log_has(&log, "Error opening password file \"/nonexistent/pw\"."));
	mosquitto_embed_destroy(e);
	printf("ok system errors\n");

	/* 7. The command's entry point, for what returns at once. */
	CHECK(mosquitto_embed_main(2, help_argv) == 3);
	CHECK(mosquitto_embed_main(2, bad_argv) == 3);
	printf("ok main\n");

	mosquitto_lib_cleanup();
	return 0;
}
