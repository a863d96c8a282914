/*
 * pub.c - publish MQTT messages from the command line.
 *
 * What it shows:
 *   - configuring a client before connecting: protocol version, credentials,
 *     a will message, keepalive, and a log callback for debugging (-d);
 *   - mosquitto_loop_start(): the library runs the network in its own thread
 *     while the main thread reads the input and publishes;
 *   - waiting until every message has really left the client before
 *     disconnecting.  on_publish fires once per message: for QoS 0 when it has
 *     been written to the socket, for QoS 1 and 2 when the broker has
 *     acknowledged it.
 *
 * The message comes from exactly one of -m, -f, -l, -s or -n; see --help.
 * Exit status: 0 when every message was delivered, 1 on any error.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

enum source { SRC_NONE, SRC_MESSAGE, SRC_FILE, SRC_LINES, SRC_STDIN, SRC_NULL };

struct options {
	const char *host;
	int port;
	const char *topic;
	enum source source;
	const char *text; /* the -m message or the -f file name */
	int qos;
	bool retain;
	const char *id;
	int keepalive;
	const char *username;
	const char *password;
	int protocol;
	bool debug;
	const char *will_topic;
	const char *will_payload;
	int will_qos;
	bool will_retain;
};

/* State shared between the main thread and the library's network thread. */
struct progress {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int connack;  /* -1 until the broker has answered our CONNECT */
	int lost;     /* why the connection closed before that answer, else 0 */
	long pending; /* messages handed to the library and not yet done */
};

static void usage(FILE *out)
{
	fprintf(out,
		"pub: publish one or more MQTT messages to a single topic, then exit.\n"
		"\n"
		"Usage: pub [-h host] [-p port] -t topic {-m message | -f file | -l | -s | -n}\n"
		"           [-q qos] [-r] [-i id] [-k keepalive] [-u username [-P password]]\n"
		"           [-V version] [-d] [--will-topic topic [--will-payload text]\n"
		"           [--will-qos qos] [--will-retain]]\n"
		"\n"
		" -h host       broker host name or address (default localhost)\n"
		" -p port       broker port (default 1883)\n"
		" -t topic      topic to publish to\n"
		" -m message    send this text as the message\n"
		" -f file       send the whole content of a file as one message\n"
		" -l            send one message per line read from standard input\n"
		" -s            send all of standard input as one message\n"
		" -n            send an empty (zero length) message\n"
		" -q qos        quality of service 0, 1 or 2 (default 0)\n"
		" -r            ask the broker to retain the message\n"
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
static bool parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
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

static bool set_source(struct options *o, enum source s)
{
	if (o->source != SRC_NONE) {
		fprintf(stderr, "Error: only one of -m, -f, -l, -s and -n may be given.\n");
		return false;
	}
	o->source = s;
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
		const char *arg;
		bool ok = true;

		/* Options without a value. */
		if (!strcmp(opt, "--help")) {
			usage(stdout);
			return 2;
		} else if (!strcmp(opt, "-l") || !strcmp(opt, "-s") || !strcmp(opt, "-n")) {
			if (!set_source(o, opt[1] == 'l' ? SRC_LINES : opt[1] == 's' ? SRC_STDIN : SRC_NULL)) {
				return 1;
			}
			continue;
		} else if (!strcmp(opt, "-r")) {
			o->retain = true;
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
			o->topic = arg;
		} else if (!strcmp(opt, "-m") || !strcmp(opt, "-f")) {
			if (!set_source(o, opt[1] == 'm' ? SRC_MESSAGE : SRC_FILE)) {
				return 1;
			}
			o->text = arg;
		} else if (!strcmp(opt, "-q")) {
			ok = parse_int(arg, 0, 2, &o->qos);
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

	if (o->topic == NULL) {
		fprintf(stderr, "Error: a topic is required (-t).\n");
		return 1;
	}
	if (o->source == SRC_NONE) {
		fprintf(stderr, "Error: give a message with one of -m, -f, -l, -s or -n.\n");
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

/* Read a whole stream into a malloc'ed buffer; NULL on error. */
static char *read_all(FILE *in, size_t *len)
{
	size_t cap = 4096, n;
	char *buf = malloc(cap);

	*len = 0;
	while (buf != NULL) {
		n = fread(buf + *len, 1, cap - *len, in);
		*len += n;
		if (*len < cap) {
			if (ferror(in)) {
				break;
			}
			return buf;
		}
		if (cap > 268435455) {
			fprintf(stderr, "Error: message too large.\n");
			break;
		}
		cap *= 2;
		{
			char *bigger = realloc(buf, cap);
			if (bigger == NULL) {
				break;
			}
			buf = bigger;
		}
	}
	free(buf);
	return NULL;
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct progress *p = userdata;

	if (rc != 0) {
		/* Refused: stop the loop thread from retrying. */
		mosquitto_disconnect(mosq);
	}
	pthread_mutex_lock(&p->lock);
	p->connack = rc;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

static void on_publish(struct mosquitto *mosq, void *userdata, int mid)
{
	struct progress *p = userdata;

	(void)mosq;
	(void)mid;
	pthread_mutex_lock(&p->lock);
	p->pending--;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

static void on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct progress *p = userdata;
	int connack;

	if (rc == 0) {
		return; /* we asked for it */
	}
	pthread_mutex_lock(&p->lock);
	connack = p->connack;
	if (connack < 0) {
		p->lost = rc; /* never got an answer: give up rather than retry */
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	if (connack < 0) {
		mosquitto_disconnect(mosq);
	} else if (connack == 0) {
		/* The loop thread reconnects; QoS 1/2 messages are sent again. */
		fprintf(stderr, "Connection lost: %s Reconnecting.\n", mosquitto_strerror(rc));
	}
}

static void on_log(struct mosquitto *mosq, void *userdata, int level, const char *line)
{
	(void)mosq;
	(void)userdata;
	(void)level;
	fprintf(stderr, "%s\n", line);
}

/* Hand one message to the library; on_publish will report it done. */
static bool publish(struct mosquitto *mosq, struct progress *p, const struct options *o,
		const void *data, size_t len)
{
	int rc;

	pthread_mutex_lock(&p->lock);
	p->pending++;
	pthread_mutex_unlock(&p->lock);

	rc = mosquitto_publish(mosq, NULL, o->topic, (int)len, data, o->qos, o->retain);
	if (rc == MOSQ_ERR_NO_CONN && o->qos > 0) {
		rc = MOSQ_ERR_SUCCESS; /* kept by the library, sent after reconnecting */
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		pthread_mutex_lock(&p->lock);
		p->pending--;
		pthread_mutex_unlock(&p->lock);
		fprintf(stderr, "Error publishing: %s\n", mosquitto_strerror(rc));
		return false;
	}
	return true;
}

/* Publish the message(s) chosen on the command line. */
static bool publish_all(struct mosquitto *mosq, struct progress *p, const struct options *o,
		const char *content, size_t content_len)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool ok = true;

	switch (o->source) {
	case SRC_MESSAGE:
		return publish(mosq, p, o, o->text, strlen(o->text));
	case SRC_FILE:
	case SRC_STDIN:
		return publish(mosq, p, o, content, content_len);
	case SRC_NULL:
		return publish(mosq, p, o, NULL, 0);
	case SRC_LINES:
		while (ok && (n = getline(&line, &cap, stdin)) != -1) {
			if (n > 0 && line[n - 1] == '\n') {
				n--;
			}
			ok = publish(mosq, p, o, line, (size_t)n);
		}
		free(line);
		return ok;
	case SRC_NONE:
		break;
	}
	return false;
}

static bool configure(struct mosquitto *mosq, const struct options *o)
{
	int rc;

	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_publish_callback_set(mosq, on_publish);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
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
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "Error: %s\n", mosquitto_strerror(rc));
		return false;
	}
	return true;
}

int main(int argc, char *argv[])
{
	struct options o;
	struct progress p;
	struct mosquitto *mosq = NULL;
	char *content = NULL;
	size_t content_len = 0;
	int rc, lost, status = 1;

	rc = parse_args(argc, argv, &o);
	if (rc != 0) {
		return rc == 2 ? 0 : 1;
	}

	/* Read file or stdin content first, so input errors cost no connection. */
	if (o.source == SRC_FILE) {
		FILE *f = fopen(o.text, "rb");
		if (f == NULL) {
			fprintf(stderr, "Error: cannot open '%s': %s\n", o.text, strerror(errno));
			return 1;
		}
		content = read_all(f, &content_len);
		fclose(f);
	} else if (o.source == SRC_STDIN) {
		content = read_all(stdin, &content_len);
	}
	if ((o.source == SRC_FILE || o.source == SRC_STDIN) && content == NULL) {
		fprintf(stderr, "Error: cannot read the message.\n");
		return 1;
	}

	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	p.connack = -1;
	p.lost = 0;
	p.pending = 0;

	mosquitto_lib_init();
	mosq = mosquitto_new(o.id, true, &p);
	if (mosq == NULL) {
		fprintf(stderr, "Error: cannot create a client: %s\n", strerror(errno));
		goto done;
	}
	if (!configure(mosq, &o)) {
		goto done;
	}

	rc = mosquitto_connect(mosq, o.host, o.port, o.keepalive);
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

	/* Wait for the broker's answer to our CONNECT. */
	pthread_mutex_lock(&p.lock);
	while (p.connack < 0 && p.lost == 0) {
		pthread_cond_wait(&p.changed, &p.lock);
	}
	rc = p.connack;
	lost = p.lost;
	pthread_mutex_unlock(&p.lock);

	if (rc < 0) {
		fprintf(stderr, "Error: the connection closed before the broker answered: %s\n",
			mosquitto_strerror(lost));
	} else if (rc != 0) {
		fprintf(stderr, "Connection error: %s\n",
			o.protocol == MQTT_PROTOCOL_V5 ? mosquitto_reason_string(rc)
						       : mosquitto_connack_string(rc));
	} else if (publish_all(mosq, &p, &o, content, content_len)) {
		/* Wait until on_publish has reported every message done. */
		pthread_mutex_lock(&p.lock);
		while (p.pending > 0) {
			pthread_cond_wait(&p.changed, &p.lock);
		}
		pthread_mutex_unlock(&p.lock);
		status = 0;
	}

	if (rc == 0) {
		mosquitto_disconnect(mosq); /* otherwise a callback already did */
	}
	/* Once disconnected, the loop thread ends and loop_stop joins it. */
	mosquitto_loop_stop(mosq, false);

done:
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.lock);
	free(content);
	return status;
}
