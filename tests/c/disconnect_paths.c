/* differential */
/*
 * How each way a connection can end is reported: the callbacks in order, what the loop call
 * that reports it returns, and what the next one returns. A scripted server in a thread of this
 * program answers CONNECT with given bytes and then either closes the connection or waits for
 * the client to close it.
 *
 * Exit status: 0; 1 on a timeout.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mosquitto.h>

#include "support/testutil.h"

struct script {
	const char *name;
	int protocol;
	const unsigned char *reply;
	size_t reply_len;
	bool close_after;
};

static int listener = -1;
static const struct script *current;

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	printf("  on_connect %d\n", rc);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	printf("  on_disconnect %d\n", rc);
}

static void *server(void *arg)
{
	unsigned char buf[512];
	int conn;

	(void)arg;
	conn = accept(listener, NULL, NULL);
	if(conn < 0){
		return NULL;
	}
	if(read(conn, buf, sizeof(buf)) > 0 && current->reply_len){
		if(write(conn, current->reply, current->reply_len) != (ssize_t)current->reply_len){
			printf("server: short write\n");
		}
	}
	if(!current->close_after){
		/* Wait for the client to close. */
		while(read(conn, buf, sizeof(buf)) > 0){
		}
	}
	close(conn);
	return NULL;
}

static int listen_loopback(bool do_listen)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);

	listener = socket(AF_INET, SOCK_STREAM, 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if(listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0
			|| (do_listen && listen(listener, 1) != 0)
			|| getsockname(listener, (struct sockaddr *)&addr, &len) != 0){
		return -1;
	}
	return ntohs(addr.sin_port);
}

static struct mosquitto *client(int protocol)
{
	struct mosquitto *mosq = mosquitto_new("paths", true, NULL);

	mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, protocol);
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	return mosq;
}

/* Loop until a call returns non-zero (at most 5 s); print it and the next call's result. */
static void loop_to_end(struct mosquitto *mosq)
{
	int rc = 0, i;

	for(i = 0; i < 50 && rc == MOSQ_ERR_SUCCESS; i++){
		rc = mosquitto_loop(mosq, 100, 1);
	}
	printf("  loop -> %d\n", rc);
	printf("  next loop -> %d\n", mosquitto_loop(mosq, 100, 1));
}

static void run(const struct script *s)
{
	struct mosquitto *mosq;
	pthread_t thread;
	int port;

	printf("%s\n", s->name);
	current = s;
	port = listen_loopback(true);
	pthread_create(&thread, NULL, server, NULL);
	mosq = client(s->protocol);
	printf("  connect -> %d\n", mosquitto_connect(mosq, "127.0.0.1", port, 60));
	loop_to_end(mosq);
	mosquitto_destroy(mosq);
	pthread_join(thread, NULL);
	close(listener);
}

int main(void)
{
	static const unsigned char connack_ok[] = {0x20, 0x02, 0x00, 0x00};
	static const unsigned char connack_5[] = {0x20, 0x02, 0x00, 0x05};
	static const unsigned char connack_v5_87[] = {0x20, 0x03, 0x00, 0x87, 0x00};
	static const unsigned char takeover_v5[] = {0x20, 0x03, 0x00, 0x00, 0x00, 0xe0, 0x01, 0x8e};
	static const unsigned char disconnect_v3[] = {0x20, 0x02, 0x00, 0x00, 0xe0, 0x00};
	static const unsigned char unknown_type[] = {0x20, 0x02, 0x00, 0x00, 0x00, 0x00};
	const struct script scripts[] = {
		{"closed before CONNACK", MQTT_PROTOCOL_V311, NULL, 0, true},
		{"closed after CONNACK", MQTT_PROTOCOL_V311, connack_ok, sizeof(connack_ok), true},
		{"refused: not authorised (3.1.1)", MQTT_PROTOCOL_V311, connack_5, sizeof(connack_5), false},
		{"refused: not authorised (5)", MQTT_PROTOCOL_V5, connack_v5_87, sizeof(connack_v5_87), false},
		{"taken over (5)", MQTT_PROTOCOL_V5, takeover_v5, sizeof(takeover_v5), false},
		{"DISCONNECT to a 3.1.1 client", MQTT_PROTOCOL_V311, disconnect_v3, sizeof(disconnect_v3), false},
		{"unknown packet type", MQTT_PROTOCOL_V311, unknown_type, sizeof(unknown_type), false},
	};
	struct mosquitto *mosq;
	size_t i;
	int port, rc;

	start_watchdog(60);
	mosquitto_lib_init();
	for(i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++){
		run(&scripts[i]);
	}

	printf("nobody listening\n");
	port = listen_loopback(false);
	mosq = client(MQTT_PROTOCOL_V311);
	errno = 0;
	rc = mosquitto_connect(mosq, "127.0.0.1", port, 60);
	printf("  connect -> %d (%s)\n", rc, errno == ECONNREFUSED ? "ECONNREFUSED" : "other errno");
	printf("  loop -> %d\n", mosquitto_loop(mosq, 100, 1));
	/* mosquitto_loop_read and mosquitto_loop_write without a connection are left out:
	 * libmosquitto also calls on_disconnect(MOSQ_ERR_NO_CONN) then, for a connection that does
	 * not exist; this library does not (see README, Differences). */
	printf("  loop_misc -> %d\n", mosquitto_loop_misc(mosq));
	printf("  disconnect -> %d\n", mosquitto_disconnect(mosq));
	printf("  loop_forever after disconnect -> %d\n", mosquitto_loop_forever(mosq, 100, 1));
	mosquitto_destroy(mosq);
	close(listener);

	mosquitto_lib_cleanup();
	return 0;
}
