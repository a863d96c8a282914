/*
 * loop_external.c - driving the client from your own poll() loop.
 *
 * Instead of mosquitto_loop_forever() or mosquitto_loop_start(), the program
 * waits on the client's socket (mosquitto_socket()) itself and calls
 *   mosquitto_loop_read()  when the socket is readable,
 *   mosquitto_loop_write() when it is writable - poll() is only asked about
 *                          writability while mosquitto_want_write() says
 *                          there is something to send,
 *   mosquitto_loop_misc()  on every turn, for keepalive handling.
 * This is how a client fits into an application that already has an event
 * loop of its own.  Packets queued from inside callbacks are not written at
 * once: they wait for the next loop_write().
 *
 * The program subscribes to a topic, publishes COUNT messages to it (at QoS
 * 0, 1 and 2 in turn), prints them as they come back, then disconnects.
 *
 * Usage: loop_external HOST PORT [COUNT]     (COUNT defaults to 6)
 * Exit status 0 when all messages came back within 10 seconds.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>

#define TOPIC "examples/loop_external"
#define WAIT_SECONDS 10

struct state {
	int wanted;   /* how many messages to send and receive */
	int received;
	bool done;    /* set by on_disconnect */
};

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	(void)userdata;
	if (rc != 0) {
		fprintf(stderr, "Connection error: %s\n", mosquitto_connack_string(rc));
		mosquitto_disconnect(mosq);
		return;
	}
	mosquitto_subscribe(mosq, NULL, TOPIC, 2);
}

/* Subscribed: now every message we publish will come back to us. */
static void on_subscribe(struct mosquitto *mosq, void *userdata, int mid, int count,
		const int *granted)
{
	struct state *s = userdata;
	int i;

	(void)mid;
	(void)count;
	(void)granted;
	for (i = 0; i < s->wanted; i++) {
		char text[32];

		snprintf(text, sizeof(text), "message %d", i + 1);
		mosquitto_publish(mosq, NULL, TOPIC, (int)strlen(text), text, i % 3, false);
	}
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *msg)
{
	struct state *s = userdata;

	printf("received at QoS %d: %.*s\n", msg->qos, msg->payloadlen, (const char *)msg->payload);
	if (++s->received == s->wanted) {
		mosquitto_disconnect(mosq);
	}
}

static void on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct state *s = userdata;

	(void)mosq;
	if (rc != 0) {
		fprintf(stderr, "Disconnected: %s\n", mosquitto_strerror(rc));
	}
	s->done = true;
}

/* One turn of the event loop: wait for the socket, then let the library work. */
static int run_once(struct mosquitto *mosq)
{
	struct pollfd pfd;
	int rc = MOSQ_ERR_SUCCESS;

	pfd.fd = mosquitto_socket(mosq);
	if (pfd.fd < 0) {
		return MOSQ_ERR_NO_CONN;
	}
	pfd.events = POLLIN;
	if (mosquitto_want_write(mosq)) {
		pfd.events |= POLLOUT;
	}
	/* Wake at least once a second so loop_misc can handle keepalive. */
	if (poll(&pfd, 1, 1000) < 0) {
		return errno == EINTR ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ERRNO;
	}
	if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
		rc = mosquitto_loop_read(mosq, 1);
	}
	if (rc == MOSQ_ERR_SUCCESS && (pfd.revents & POLLOUT)) {
		rc = mosquitto_loop_write(mosq, 1);
	}
	if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket(mosq) >= 0) {
		rc = mosquitto_loop_misc(mosq);
	}
	return rc;
}

int main(int argc, char *argv[])
{
	struct state s = { 6, 0, false };
	struct mosquitto *mosq;
	time_t deadline;
	int rc;

	if (argc < 3 || argc > 4 || (argc == 4 && (s.wanted = atoi(argv[3])) < 1)) {
		fprintf(stderr, "Usage: %s HOST PORT [COUNT]\n", argv[0]);
		return 1;
	}

	mosquitto_lib_init();
	mosq = mosquitto_new(NULL, true, &s);
	if (mosq == NULL) {
		fprintf(stderr, "Error: cannot create a client.\n");
		mosquitto_lib_cleanup();
		return 1;
	}
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_message_callback_set(mosq, on_message);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);

	rc = mosquitto_connect(mosq, argv[1], atoi(argv[2]), 60);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "Error: cannot connect: %s\n",
			rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
	}

	deadline = time(NULL) + WAIT_SECONDS;
	while (rc == MOSQ_ERR_SUCCESS && !s.done && time(NULL) < deadline) {
		rc = run_once(mosq);
	}
	if (!s.done && rc == MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "Error: timed out after %d seconds.\n", WAIT_SECONDS);
	}

	if (!s.done) {
		mosquitto_disconnect(mosq); /* outside callbacks this is sent at once */
	}
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	printf("received %d of %d messages\n", s.received, s.wanted);
	return s.received == s.wanted ? 0 : 1;
}
