/*
 * subscribe_simple.c - the one-call subscribe helpers.
 *
 * mosquitto_subscribe_simple() connects, subscribes, collects COUNT messages
 * into an array, disconnects and returns: no callbacks, no loop.  The array
 * and each message's topic and payload belong to the caller afterwards.
 *
 * mosquitto_subscribe_callback() (with --callback) does the same set-up but
 * hands every message to a function of ours as it arrives; the function
 * returns non-zero to say "enough", and the helper then disconnects and
 * returns.
 *
 * Both helpers wait as long as it takes: there is no time limit.  Retained
 * messages count like any other message here.
 *
 * Usage: subscribe_simple [--callback] HOST PORT TOPIC COUNT
 * Prints "topic payload" for each message received.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

static void print_message(const struct mosquitto_message *msg)
{
	printf("%s ", msg->topic);
	if (msg->payloadlen > 0) { /* an empty payload may be NULL */
		fwrite(msg->payload, 1, (size_t)msg->payloadlen, stdout);
	}
	putchar('\n');
	fflush(stdout);
}

struct counter {
	int seen;
	int wanted;
};

/* Called by mosquitto_subscribe_callback() for every message. */
static int on_each_message(struct mosquitto *mosq, void *userdata,
		const struct mosquitto_message *msg)
{
	struct counter *c = userdata;

	(void)mosq;
	print_message(msg);
	c->seen++;
	return c->seen >= c->wanted; /* 1 = stop now */
}

static int with_array(const char *host, int port, const char *topic, int count)
{
	struct mosquitto_message *msgs = NULL;
	int i, rc;

	rc = mosquitto_subscribe_simple(&msgs, count, true, topic, 1, host, port,
			NULL, 60, true, NULL, NULL, NULL, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		return rc;
	}
	for (i = 0; i < count; i++) {
		print_message(&msgs[i]);
		mosquitto_message_free_contents(&msgs[i]);
	}
	free(msgs);
	return MOSQ_ERR_SUCCESS;
}

static int with_callback(const char *host, int port, const char *topic, int count)
{
	struct counter c = { 0, count };

	return mosquitto_subscribe_callback(on_each_message, &c, topic, 1, host, port,
			NULL, 60, true, NULL, NULL, NULL, NULL);
}

int main(int argc, char *argv[])
{
	bool callback = argc > 1 && !strcmp(argv[1], "--callback");
	char **args = argv + (callback ? 2 : 1);
	int count, rc, saved_errno;

	if (argc - (callback ? 2 : 1) != 4 || (count = atoi(args[3])) < 1) {
		fprintf(stderr, "Usage: %s [--callback] HOST PORT TOPIC COUNT\n", argv[0]);
		return 1;
	}

	mosquitto_lib_init();
	if (callback) {
		rc = with_callback(args[0], atoi(args[1]), args[2], count);
	} else {
		rc = with_array(args[0], atoi(args[1]), args[2], count);
	}
	saved_errno = errno;
	mosquitto_lib_cleanup();

	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "Error: %s\n",
			rc == MOSQ_ERR_ERRNO ? strerror(saved_errno) : mosquitto_strerror(rc));
		return 1;
	}
	return 0;
}
