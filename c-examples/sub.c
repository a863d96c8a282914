/*
 * sub.c - subscribe to MQTT topics and print the messages that arrive.
 *
 * What it shows:
 *   - subscribing from on_connect, so the subscriptions are made again
 *     whenever the library reconnects after a lost connection;
 *   - printing payloads with fwrite(), so binary payloads survive (-N);
 *   - a persistent session (-c): clean session off, and for MQTT v5 a
 *     session expiry interval given as a CONNECT property;
 *   - stopping after a number of messages (-C) or after a time limit (-W):
 *     the network runs in the library's thread (mosquitto_loop_start) while
 *     the main thread waits on a condition variable with a deadline.
 *
 * Without -C or -W it runs until it is killed.
 * Exit status: 0 after -C messages, 1 on errors, 2 when the -W time limit
 * ran out.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#define MAX_TOPICS 64

struct options {
	const char *host;
	int port;
	char *topics[MAX_TOPICS];
	int topic_count;
	int qos;
	const char *id;
	int keepalive;
	const char *username;
	const char *password;
	int protocol;
	long count;   /* -C: stop after this many messages, 0 = never */
	int timeout;  /* -W: give up after this many seconds, 0 = never */
	bool verbose; /* -v: print the topic before the payload */
	bool no_eol;  /* -N: no newline after the payload */
	bool debug;
	bool persistent;
	const char *will_topic;
	const char *will_payload;
	int will_qos;
	bool will_retain;
};

/* Shared between the main thread and the library's network thread. */
struct state {
	const struct options *o;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	long received;
	bool finished; /* enough messages, or an error: we are disconnecting */
	int status;    /* exit status once finished */
	int refused;   /* CONNACK code when the broker said no, else 0 */
	bool answered; /* the broker has accepted a connection at least once */
};

static void usage(FILE *out)
{
	fprintf(out,
		"sub: subscribe to MQTT topics and print the messages received.\n"
		"\n"
		"Usage: sub [-h host] [-p port] -t topic [-t topic ...] [-q qos] [-c]\n"
		"           [-C count] [-W seconds] [-v] [-N] [-i id] [-k keepalive]\n"
		"           [-u username [-P password]] [-V version] [-d]\n"
		"           [--will-topic topic [--will-payload text] [--will-qos qos]\n"
		"           [--will-retain]]\n"
		"\n"
		" -h host       broker host name or address (default localhost)\n"
		" -p port       broker port (default 1883)\n"
		" -t topic      topic filter to subscribe to; may be repeated\n"
		" -q qos        maximum quality of service wanted, 0, 1 or 2 (default 0)\n"
		" -c            persistent session: clean session off (needs -i)\n"
		" -C count      exit after receiving this many messages\n"
		" -W seconds    exit with status 2 if still running after this long\n"
		" -v            print the topic, a space, then the payload\n"
		" -N            do not print a newline after each payload\n"
		" -i id         client id (default: left to the library/broker)\n"
		" -k keepalive  keepalive interval in seconds (default 60)\n"
		" -u username   user name to log in with\n"
		" -P password   password to log in with\n"
		" -V version    protocol: mqttv31|31, mqttv311|311 (default), mqttv5|5\n"
		" -d            print the library's log lines on standard error\n"
		" --will-topic, --will-payload, --will-qos, --will-retain\n"
		"               message the broker publishes if we vanish without\n"
		"               disconnecting\n"
		" --help        show this text\n");
}

/* Parse a whole decimal number in [min, max]; false if it is not one. */
static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		return false;
	}
	*out = v;
	return true;
}

static bool parse_int(const char *s, int min, int max, int *out)
{
	long v;

	if (!parse_long(s, min, max, &v)) {
		return false;
	}
	*out = (int)v;
	return true;
}

static bool parse_protocol(const char *s, int *out)
{
	if (!strcmp(s, "mqttv31") || !strcmp(s, "31")) {
		*out = MQTT_PROTOCOL_V31;
	} else if (!strcmp(s, "mqttv311") || !strcmp(s, "311")) {
		*out = MQTT_PROTOCOL_V311;
	} else if (!strcmp(s, "mqttv5") || !strcmp(s, "5")) {
		*out = MQTT_PROTOCOL_V5;
	} else {
		return false;
	}
	return true;
}

/* Returns 0 to go on, 1 on a usage error, 2 after --help. */
static int parse_args(int argc, char *argv[], struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->host = "localhost";
	o->port = 1883;
	o->keepalive = 60;
	o->protocol = MQTT_PROTOCOL_V311;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];
		char *arg;
		bool ok = true;

		/* Options without a value. */
		if (!strcmp(opt, "--help")) {
			usage(stdout);
			return 2;
		} else if (!strcmp(opt, "-c")) {
			o->persistent = true;
			continue;
		} else if (!strcmp(opt, "-v")) {
			o->verbose = true;
			continue;
		} else if (!strcmp(opt, "-N")) {
			o->no_eol = true;
			continue;
		} else if (!strcmp(opt, "-d")) {
			o->debug = true;
			continue;
		} else if (!strcmp(opt, "--will-retain")) {
			o->will_retain = true;
			continue;
		}

		/* Options with a value. */
		if (i + 1 >= argc) {
			fprintf(stderr, "Error: %s needs a value (see --help).\n", opt);
			return 1;
		}
		arg = argv[++i];
		if (!strcmp(opt, "-h")) {
			o->host = arg;
		} else if (!strcmp(opt, "-p")) {
			ok = parse_int(arg, 1, 65535, &o->port);
		} else if (!strcmp(opt, "-t")) {
			if (o->topic_count == MAX_TOPICS) {
				fprintf(stderr, "Error: at most %d topics.\n", MAX_TOPICS);
				return 1;
			}
			o->topics[o->topic_count++] = arg;
		} else if (!strcmp(opt, "-q")) {
			ok = parse_int(arg, 0, 2, &o->qos);
		} else if (!strcmp(opt, "-C")) {
			ok = parse_long(arg, 1, 1000000000L, &o->count);
		} else if (!strcmp(opt, "-W")) {
			ok = parse_int(arg, 1, 86400 * 365, &o->timeout);
		} else if (!strcmp(opt, "-i")) {
			o->id = arg;
		} else if (!strcmp(opt, "-k")) {
			/* 0 turns keepalive off; otherwise the library wants 5 or more. */
			ok = parse_int(arg, 0, 65535, &o->keepalive) &&
			     (o->keepalive == 0 || o->keepalive >= 5);
		} else if (!strcmp(opt, "-u")) {
			o->username = arg;
		} else if (!strcmp(opt, "-P")) {
			o->password = arg;
		} else if (!strcmp(opt, "-V")) {
			ok = parse_protocol(arg, &o->protocol);
		} else if (!strcmp(opt, "--will-topic")) {
			o->will_topic = arg;
		} else if (!strcmp(opt, "--will-payload")) {
			o->will_payload = arg;
		} else if (!strcmp(opt, "--will-qos")) {
			ok = parse_int(arg, 0, 2, &o->will_qos);
		} else {
			fprintf(stderr, "Error: unknown option '%s' (see --help).\n", opt);
			return 1;
		}
		if (!ok) {
			fprintf(stderr, "Error: invalid value '%s' for %s.\n", arg, opt);
			return 1;
		}
	}

	if (o->topic_count == 0) {
		fprintf(stderr, "Error: at least one topic is required (-t).\n");
		return 1;
	}
	if (o->persistent && o->id == NULL) {
		fprintf(stderr, "Error: a persistent session (-c) needs a client id (-i).\n");
		return 1;
	}
	if (o->password && !o->username && o->protocol != MQTT_PROTOCOL_V5) {
		fprintf(stderr, "Error: -P needs -u (a password alone is only allowed in MQTT v5).\n");
		return 1;
	}
	if (o->will_topic == NULL && (o->will_payload || o->will_qos || o->will_retain)) {
		fprintf(stderr, "Error: the --will-* options need --will-topic.\n");
		return 1;
	}
	return 0;
}

/* Called from callbacks: disconnect, and tell the main thread we are done. */
static void finish(struct mosquitto *mosq, struct state *s, int status)
{
	mosquitto_disconnect(mosq);
	pthread_mutex_lock(&s->lock);
	s->finished = true;
	s->status = status;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct state *s = userdata;
	const struct options *o = s->o;

	if (rc != 0) {
		s->refused = rc;
		finish(mosq, s, 1); /* no point in retrying */
		return;
	}
	s->answered = true;
	/* Subscribing here means subscribing again after every reconnect. */
	rc = mosquitto_subscribe_multiple(mosq, NULL, o->topic_count, o->topics, o->qos, 0, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "Error subscribing: %s\n", mosquitto_strerror(rc));
		finish(mosq, s, 1);
	}
}

static void on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct state *s = userdata;
	bool finished;

	pthread_mutex_lock(&s->lock);
	finished = s->finished;
	pthread_mutex_unlock(&s->lock);
	if (rc == 0 || finished) {
		return; /* we asked for it, or are leaving anyway */
	}
	if (!s->answered) {
		fprintf(stderr, "Error: the connection closed before the broker answered: %s\n",
			mosquitto_strerror(rc));
		finish(mosq, s, 1);
	} else {
		/* The loop thread reconnects, and on_connect subscribes again. */
		fprintf(stderr, "Connection lost: %s Reconnecting.\n", mosquitto_strerror(rc));
	}
}

static void on_subscribe(struct mosquitto *mosq, void *userdata, int mid, int count,
		const int *granted)
{
	struct state *s = userdata;
	int i;

	(void)mosq;
	(void)mid;
	for (i = 0; i < count && i < s->o->topic_count; i++) {
		if (granted[i] >= 0x80) {
			fprintf(stderr, "Warning: the broker refused the subscription to '%s'.\n",
				s->o->topics[i]);
		}
	}
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *msg)
{
	struct state *s = userdata;
	const struct options *o = s->o;
	bool enough;

	pthread_mutex_lock(&s->lock);
	enough = s->finished;
	if (!enough) {
		s->received++;
	}
	pthread_mutex_unlock(&s->lock);
	if (enough) {
		return; /* -C reached: ignore stragglers that arrive before we leave */
	}

	if (o->verbose) {
		fputs(msg->topic, stdout);
		fputc(' ', stdout);
	}
	if (msg->payloadlen > 0) { /* an empty payload may be NULL */
		fwrite(msg->payload, 1, (size_t)msg->payloadlen, stdout);
	}
	if (!o->no_eol) {
		fputc('\n', stdout);
	}
	fflush(stdout);

	if (o->count > 0 && s->received >= o->count) {
		finish(mosq, s, 0);
	}
}

static void on_log(struct mosquitto *mosq, void *userdata, int level, const char *line)
{
	(void)mosq;
	(void)userdata;
	(void)level;
	fprintf(stderr, "%s\n", line);
}

static int configure(struct mosquitto *mosq, const struct options *o)
{
	int rc;

	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_message_callback_set(mosq, on_message);
	if (o->debug) {
		mosquitto_log_callback_set(mosq, on_log);
	}
	rc = mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, o->protocol);
	if (rc == MOSQ_ERR_SUCCESS && (o->username || o->password)) {
		rc = mosquitto_username_pw_set(mosq, o->username, o->password);
	}
	if (rc == MOSQ_ERR_SUCCESS && o->will_topic) {
		const char *wp = o->will_payload ? o->will_payload : "";
		rc = mosquitto_will_set(mosq, o->will_topic, (int)strlen(wp), wp,
				o->will_qos, o->will_retain);
	}
	return rc;
}

static int connect_to_broker(struct mosquitto *mosq, const struct options *o)
{
	mosquitto_property *props = NULL;
	int rc;

	if (!(o->persistent && o->protocol == MQTT_PROTOCOL_V5)) {
		return mosquitto_connect(mosq, o->host, o->port, o->keepalive);
	}
	/* In MQTT v5 a session ends with the connection unless an expiry
	 * interval says otherwise; 0xFFFFFFFF means "never expires". */
	rc = mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL, UINT32_MAX);
	if (rc == MOSQ_ERR_SUCCESS) {
		rc = mosquitto_connect_bind_v5(mosq, o->host, o->port, o->keepalive, NULL, props);
	}
	mosquitto_property_free_all(&props); /* the library kept its own copy */
	return rc;
}

/* Wait until finish() was called or the -W deadline passed. */
static bool wait_until_finished(struct state *s, int timeout)
{
	struct timespec deadline;
	bool finished;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout;

	pthread_mutex_lock(&s->lock);
	while (!s->finished && rc != ETIMEDOUT) {
		if (timeout > 0) {
			rc = pthread_cond_timedwait(&s->changed, &s->lock, &deadline);
		} else {
			pthread_cond_wait(&s->changed, &s->lock);
		}
	}
	finished = s->finished;
	pthread_mutex_unlock(&s->lock);
	return finished;
}

int main(int argc, char *argv[])
{
	struct options o;
	struct state s;
	struct mosquitto *mosq = NULL;
	int rc, status = 1;

	rc = parse_args(argc, argv, &o);
	if (rc != 0) {
		return rc == 2 ? 0 : 1;
	}

	memset(&s, 0, sizeof(s));
	s.o = &o;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.changed, NULL);

	mosquitto_lib_init();
	mosq = mosquitto_new(o.id, !o.persistent, &s);
	if (mosq == NULL) {
		fprintf(stderr, "Error: cannot create a client: %s\n", strerror(errno));
		goto done;
	}
	rc = configure(mosq, &o);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "Error: %s\n", mosquitto_strerror(rc));
		goto done;
	}

	rc = connect_to_broker(mosq, &o);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "Error: cannot connect to %s port %d: %s\n", o.host, o.port,
			rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		goto done;
	}
	rc = mosquitto_loop_start(mosq);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "Error: cannot start the network thread: %s\n", mosquitto_strerror(rc));
		goto done;
	}

	if (wait_until_finished(&s, o.timeout)) {
		status = s.status; /* a callback has already disconnected */
	} else {
		fprintf(stderr, "Timed out after %d seconds.\n", o.timeout);
		status = 2;
		mosquitto_disconnect(mosq);
	}
	if (s.refused) {
		fprintf(stderr, "Connection error: %s\n",
			o.protocol == MQTT_PROTOCOL_V5 ? mosquitto_reason_string(s.refused)
						       : mosquitto_connack_string(s.refused));
	}
	/* Once disconnected, the loop thread ends and loop_stop joins it. */
	mosquitto_loop_stop(mosq, false);

done:
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	pthread_cond_destroy(&s.changed);
	pthread_mutex_destroy(&s.lock);
	return status;
}
