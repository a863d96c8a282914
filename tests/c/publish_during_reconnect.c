/* differential */
/*
 * What mosquitto_publish returns while the loop thread reconnects, and that every QoS 1
 * message is completed once whatever it returned. A server in a thread of this program:
 *   1. accepts the client, acknowledges the first of its two messages and closes the
 *      connection, after filling its listen queue so that the client's next connect() hangs;
 *   2. 3.5 s later lets connections through again, and acknowledges everything.
 * The program publishes once while the loop thread waits to reconnect (no connection: the
 * message is kept, the call says MOSQ_ERR_NO_CONN) and twice while its connect() hangs (a
 * connection is being made: MOSQ_ERR_SUCCESS), then waits for every publish callback.
 *
 * The order of the packets on the second connection differs between libraries: libmosquitto
 * 2.0 sends the messages published during the connect first, even before CONNECT (the server
 * here acknowledges those once it has answered CONNECT); this library sends CONNECT, then the
 * unacknowledged messages, then the new ones, which this project's fake-server tests check.
 *
 * Exit status: 0 when everything awaited happened; 1 on a timeout or a server failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mosquitto.h>

#include "support/testutil.h"

#define MESSAGES 5

static int listener = -1;
static int port;
static struct counter disconnects;
/* The reason codes of the first two disconnects, printed by the main thread once it has seen
 * each one, so that the output's order does not depend on which thread prints first. */
static struct counter disconnect_rc[2];
static struct counter completions[MESSAGES + 1];
static struct counter server_failed;

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	int seen = counter_get(&disconnects);

	if(seen < 2){
		counter_set(&disconnect_rc[seen], rc);
	}
	counter_add(&disconnects, 1);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	(void)mosq;
	(void)obj;
	if(mid >= 1 && mid <= MESSAGES){
		counter_add(&completions[mid], 1);
	}
}

/* Read exactly len bytes; false on end of stream or error. */
static bool read_all(int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;

	while(got < len){
		ssize_t n = read(fd, buf + got, len - got);
		if(n <= 0){
			return false;
		}
		got += (size_t)n;
	}
	return true;
}

/* Read one packet into buf (at most size bytes); returns its first byte, or -1. The packet's
 * body (after the fixed header) is stored from buf[0]; *len gets its length. */
static int read_packet(int fd, unsigned char *buf, size_t size, size_t *len)
{
	unsigned char b;
	size_t remaining = 0, mult = 1;
	int first, i;

	if(!read_all(fd, &b, 1)){
		return -1;
	}
	first = b;
	for(i = 0; i < 4; i++){
		if(!read_all(fd, &b, 1)){
			return -1;
		}
		remaining += (size_t)(b & 0x7f) * mult;
		mult *= 128;
		if(!(b & 0x80)){
			break;
		}
	}
	if(remaining > size || !read_all(fd, buf, remaining)){
		return -1;
	}
	*len = remaining;
	return first;
}

static bool send_bytes(int fd, const unsigned char *bytes, size_t len)
{
	return write(fd, bytes, len) == (ssize_t)len;
}

/* Answer CONNECT with CONNACK and every QoS 1 PUBLISH with PUBACK (those that came before
 * CONNECT once CONNACK has gone), except that on the first connection only `ack_limit` messages
 * are acknowledged and the connection ends after `publish_limit` of them (0: no limit). */
static bool serve(int fd, int publish_limit, int ack_limit)
{
	unsigned char buf[256];
	static const unsigned char connack[] = {0x20, 0x02, 0x00, 0x00};
	unsigned char early[16][4];
	int publishes = 0, acked = 0, early_count = 0, i;
	bool connected = false;
	size_t len;

	for(;;){
		int first = read_packet(fd, buf, sizeof(buf), &len);
		if(first < 0){
			return publish_limit == 0;
		}
		if((first & 0xf0) == 0x10){
			if(!send_bytes(fd, connack, sizeof(connack))){
				return false;
			}
			connected = true;
			for(i = 0; i < early_count; i++){
				if(!send_bytes(fd, early[i], 4)){
					return false;
				}
			}
		}else if((first & 0xf0) == 0x30 && (first & 0x06) == 0x02 && len >= 5){
			/* Topic length, topic, then the message id. */
			size_t at = 2 + ((size_t)buf[0] << 8 | buf[1]);
			unsigned char puback[] = {0x40, 0x02, buf[at], buf[at + 1]};
			publishes++;
			if(!connected){
				if(early_count == 16){
					return false;
				}
				memcpy(early[early_count++], puback, 4);
			}else if(ack_limit == 0 || acked < ack_limit){
				acked++;
				if(!send_bytes(fd, puback, sizeof(puback))){
					return false;
				}
			}
			if(publish_limit && publishes == publish_limit){
				return true;
			}
		}else if((first & 0xf0) == 0xe0){
			return true;
		}
	}
}

static void *server(void *arg)
{
	int conn, blocker, blocked;
	struct sockaddr_in addr;
	bool ok;

	(void)arg;
	conn = accept(listener, NULL, NULL);
	ok = conn >= 0 && serve(conn, 2, 1);
	/* Fill the one-place listen queue: the kernel drops the client's SYNs from now on. */
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons((uint16_t)port);
	blocker = socket(AF_INET, SOCK_STREAM, 0);
	ok = ok && blocker >= 0 && connect(blocker, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	if(conn >= 0){
		close(conn);
	}
	sleep_ms(3500);
	blocked = accept(listener, NULL, NULL);
	if(blocked >= 0){
		close(blocked);
	}
	if(blocker >= 0){
		close(blocker);
	}
	conn = accept(listener, NULL, NULL);
	ok = ok && conn >= 0 && serve(conn, 0, 0);
	if(conn >= 0){
		close(conn);
	}
	if(!ok){
		counter_set(&server_failed, 1);
	}
	return NULL;
}

static void start_server(pthread_t *thread)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);

	listener = socket(AF_INET, SOCK_STREAM, 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if(listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0
			|| listen(listener, 0) != 0
			|| getsockname(listener, (struct sockaddr *)&addr, &len) != 0){
		printf("cannot listen\n");
		exit(1);
	}
	port = ntohs(addr.sin_port);
	pthread_create(thread, NULL, server, NULL);
}

static void publish(struct mosquitto *mosq, int n, const char *when)
{
	int mid = 0;
	char payload[8];
	int rc;

	snprintf(payload, sizeof(payload), "%d", n);
	rc = mosquitto_publish(mosq, &mid, "t", (int)strlen(payload), payload, 1, false);
	printf("publish %d %s: rc %d, mid %d\n", n, when, rc, mid);
	fflush(stdout);
}

int main(void)
{
	struct mosquitto *mosq;
	pthread_t thread;
	int i;

	start_watchdog(60);
	counter_init(&disconnects);
	counter_init(&server_failed);
	counter_init(&disconnect_rc[0]);
	counter_init(&disconnect_rc[1]);
	for(i = 0; i <= MESSAGES; i++){
		counter_init(&completions[i]);
	}
	mosquitto_lib_init();
	start_server(&thread);

	mosq = mosquitto_new("reconnecting", false, NULL);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	mosquitto_publish_callback_set(mosq, on_publish);
	mosquitto_reconnect_delay_set(mosq, 1, 1, false);
	printf("connect: %d\n", mosquitto_connect(mosq, "127.0.0.1", port, 60));
	printf("loop_start: %d\n", mosquitto_loop_start(mosq));
	publish(mosq, 1, "while connected");
	publish(mosq, 2, "while connected");
	wait_counter(&disconnects, 1, "the server closing the connection");
	printf("on_disconnect: %d\n", counter_get(&disconnect_rc[0]));
	publish(mosq, 3, "while waiting to reconnect");
	/* The loop thread starts its connect() one second after the loss; the connect hangs until
	 * the server lets it through 3.5 s after the loss (the client's TCP retries 4 s after). */
	sleep_ms(2000);
	publish(mosq, 4, "while the connect hangs");
	publish(mosq, 5, "while the connect hangs");
	for(i = 1; i <= MESSAGES; i++){
		wait_counter(&completions[i], 1, "a publish callback");
	}
	sleep_ms(300);
	for(i = 1; i <= MESSAGES; i++){
		printf("message %d completed %d time(s)\n", i, counter_get(&completions[i]));
	}
	printf("disconnect: %d\n", mosquitto_disconnect(mosq));
	wait_counter(&disconnects, 2, "the disconnect callback");
	printf("on_disconnect: %d\n", counter_get(&disconnect_rc[1]));
	printf("loop_stop: %d\n", mosquitto_loop_stop(mosq, false));
	mosquitto_destroy(mosq);
	pthread_join(thread, NULL);
	close(listener);
	mosquitto_lib_cleanup();
	if(counter_get(&server_failed)){
		printf("the server saw something unexpected\n");
		return 1;
	}
	return 0;
}
