/*
 * threaded.c - running the network in the library's own thread.
 *
 * mosquitto_loop_start() starts a thread that reads and writes the socket,
 * answers keepalives, reconnects when needed and calls our callbacks.  The
 * main thread is then free to call the API (here: publish) whenever it likes;
 * it waits for the callbacks' results on a condition variable.
 * At the end, mosquitto_disconnect() makes the loop thread finish and
 * mosquitto_loop_stop(mosq, false) waits for it.
 *
 * The program subscribes to a topic, publishes one message at each QoS
 * (0, 1 and 2) to that same topic and prints the messages that come back.
 *
 * Usage: threaded HOST PORT
 * Exit status 0 when all three messages came back within 10 seconds.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>

#define TOPIC "examples/threaded"
#define WAIT_SECONDS 10

/* Written by callbacks (loop thread), read by the main thread. */
struct state {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int subscribed; /* 1 once the SUBACK arrived */
	int received;   /* messages received so far */
};

static void bump(struct state *s, int *counter)
{
	pthread_mutex_lock(&s->lock);
	(*counter)++;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
}

/* Wait (at most WAIT_SECONDS) until *counter reaches target; returns it. */
static int wait_for(struct state *s, const int *counter, int target)
{
	struct timespec deadline;
	int rc = 0, value;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += WAIT_SECONDS;
	pthread_mutex_lock(&s->lock);
	while (*counter < target && rc != ETIMEDOUT) {
		rc = pthread_cond_timedwait(&s->changed, &s->lock, &deadline);
	}
	value = *counter;
	pthread_mutex_unlock(&s->lock);
	return value;
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	(void)userdata;
	if (rc != 0) {
		fprintf(stderr, "Connection error: %s\n", mosquitto_connack_string(rc));
		return;
	}
	/* Runs again after any reconnect, so the subscription is renewed. */
	mosquitto_subscribe(mosq, NULL, TOPIC, 2);
}

static void on_subscribe(struct mosquitto *mosq, void *userdata, int mid, int count,
		const int *granted)
{
	struct state *s = userdata;

	(void)mosq;
	(void)mid;
	(void)count;
	(void)granted;
	bump(s, &s->subscribed);
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *msg)
{
	struct state *s = userdata;

	(void)mosq;
	printf("received on %s at QoS %d: %.*s\n", msg->topic, msg->qos,
		msg->payloadlen, (const char *)msg->payload);
	fflush(stdout);
	bump(s, &s->received);
}

int main(int argc, char *argv[])
{
	struct state s = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	struct mosquitto *mosq;
	int qos, rc, status = 1;

	if (argc != 3) {
		fprintf(stderr, "Usage: %s HOST PORT\n", argv[0]);
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

	rc = mosquitto_connect(mosq, argv[1], atoi(argv[2]), 60);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "Error: cannot connect: %s\n",
			rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		goto out;
	}
	rc = mosquitto_loop_start(mosq);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "Error: loop_start: %s\n", mosquitto_strerror(rc));
		goto out;
	}

	if (wait_for(&s, &s.subscribed, 1) < 1) {
		fprintf(stderr, "Error: no SUBACK within %d seconds.\n", WAIT_SECONDS);
	} else {
		/* Publishing from the main thread while the loop thread runs. */
		for (qos = 0; qos <= 2; qos++) {
			char text[32];
			int mid;

			snprintf(text, sizeof(text), "hello at QoS %d", qos);
			rc = mosquitto_publish(mosq, &mid, TOPIC, (int)strlen(text), text, qos, false);
			printf("published message %d at QoS %d: %s\n", mid, qos,
				rc == MOSQ_ERR_SUCCESS ? "ok" : mosquitto_strerror(rc));
		}
		fflush(stdout);
		rc = wait_for(&s, &s.received, 3);
		if (rc < 3) {
			fprintf(stderr, "Error: only %d of 3 messages came back.\n", rc);
		} else {
			status = 0;
		}
	}

	mosquitto_disconnect(mosq);       /* lets the loop thread finish ... */
	mosquitto_loop_stop(mosq, false); /* ... and waits for it */
out:
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	printf("%s\n", status == 0 ? "done" : "failed");
	return status;
}
