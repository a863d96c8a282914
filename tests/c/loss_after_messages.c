/* differential */
/*
 * A server that sends CONNACK and two messages and closes the connection at once. A program
 * that stops its loop on the first non-zero return and then checks what on_message saw must
 * get its messages first: the mosquitto_loop call that runs on_message returns success; the
 * lost connection (on_disconnect, MOSQ_ERR_CONN_LOST) is reported by a later call. The same
 * with mosquitto_loop_read.
 *
 * The server runs in a thread of this program. Exit status: 0; 1 on a timeout.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mosquitto.h>

#include "support/testutil.h"

static int listener = -1;
static char delivered[8][64];
static int delivered_count;

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	(void)mosq;
	(void)obj;
	if(delivered_count < 8){
		snprintf(delivered[delivered_count++], sizeof(delivered[0]), "message on %s, qos %d",
				msg->topic, msg->qos);
	}
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	printf("on_disconnect %d\n", rc);
}

static void *server(void *arg)
{
	unsigned char buf[256];
	static const unsigned char burst[] = {
		0x20, 0x02, 0x00, 0x00,                              /* CONNACK */
		0x30, 0x05, 0x00, 0x01, 'a', 'h', 'i',               /* PUBLISH a, QoS 0 */
		0x32, 0x07, 0x00, 0x01, 'b', 0x00, 0x07, 'h', 'o',   /* PUBLISH b, QoS 1, mid 7 */
	};
	int conn;

	(void)arg;
	conn = accept(listener, NULL, NULL);
	if(conn < 0){
		return NULL;
	}
	if(read(conn, buf, sizeof(buf)) > 0){
		if(write(conn, burst, sizeof(burst)) != (ssize_t)sizeof(burst)){
			printf("server: short write\n");
		}
	}
	close(conn);
	return NULL;
}

static int start_server(pthread_t *thread)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);

	listener = socket(AF_INET, SOCK_STREAM, 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if(listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0
			|| listen(listener, 1) != 0
			|| getsockname(listener, (struct sockaddr *)&addr, &len) != 0){
		return -1;
	}
	pthread_create(thread, NULL, server, NULL);
	return ntohs(addr.sin_port);
}

/* Run one loop style until it returns non-zero, printing what each call delivered. */
static void run(const char *style)
{
	struct mosquitto *mosq;
	pthread_t thread;
	int port = start_server(&thread);
	int rc = 0, calls, i;

	printf("%s\n", style);
	delivered_count = 0;
	mosq = mosquitto_new(NULL, true, NULL);
	mosquitto_message_callback_set(mosq, on_message);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	printf("connect %d\n", mosquitto_connect(mosq, "127.0.0.1", port, 60));
	/* Let the whole burst and the close arrive before the first read. */
	sleep_ms(200);
	for(calls = 0; calls < 100 && rc == MOSQ_ERR_SUCCESS; calls++){
		int before = delivered_count;
		if(!strcmp(style, "mosquitto_loop")){
			rc = mosquitto_loop(mosq, 100, 1);
		}else{
			rc = mosquitto_loop_read(mosq, 1);
			if(rc == MOSQ_ERR_SUCCESS){
				mosquitto_loop_write(mosq, 1);
			}
		}
		for(i = before; i < delivered_count; i++){
			printf("%s; that call returned %d\n", delivered[i], rc);
		}
	}
	printf("the loop stopped on %d\n", rc);
	printf("messages before that: %d\n", delivered_count);
	mosquitto_destroy(mosq);
	pthread_join(thread, NULL);
	close(listener);
}

int main(void)
{
	start_watchdog(30);
	mosquitto_lib_init();
	run("mosquitto_loop");
	run("mosquitto_loop_read");
	mosquitto_lib_cleanup();
	return 0;
}
