/*
 * embedded_broker.c - an MQTT broker inside the program, and a client of it.
 *
 * mosquitto_embed_new() makes a broker handle; mosquitto_embed_config_string()
 * (or _config_file()) gives it mosquitto.conf lines; mosquitto_embed_start()
 * opens its listeners and returns once it serves clients on threads of its
 * own.  "listener 0" takes a free port, which mosquitto_embed_port() tells.
 *
 * The program then connects a client of the same library to its own broker,
 * subscribes, publishes one message at each QoS, waits until all three came
 * back, and stops the broker (mosquitto_embed_stop() publishes wills and
 * closes every connection, as SIGTERM does for mosquitto).
 *
 * Usage: embedded_broker [-v]
 *   -v  print the broker's log lines (through mosquitto_embed_log_callback_set)
 * Prints "received TOPIC PAYLOAD" for each message and exits 0 when all three
 * arrived within 10 seconds.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>
#include <mosquitto_embed.h>

static int received;

static void on_broker_log(void *userdata, int level, const char *line)
{
	(void)userdata;
	fprintf(stderr, "broker [%d]: %s\n", level, line);
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	(void)userdata;
	if (rc == 0) {
		mosquitto_subscribe(mosq, NULL, "embedded/#", 2);
	}
}

static void on_subscribe(struct mosquitto *mosq, void *userdata, int mid,
		int qos_count, const int *granted_qos)
{
	char topic[32];
	int qos;

	(void)userdata;
	(void)mid;
	(void)qos_count;
	(void)granted_qos;
	for (qos = 0; qos <= 2; qos++) {
		snprintf(topic, sizeof(topic), "embedded/qos%d", qos);
		mosquitto_publish(mosq, NULL, topic, 5, "hello", qos, false);
	}
}

static void on_message(struct mosquitto *mosq, void *userdata,
		const struct mosquitto_message *msg)
{
	(void)mosq;
	(void)userdata;
	printf("received %s %.*s\n", msg->topic, msg->payloadlen, (const char *)msg->payload);
	received++;
}

int main(int argc, char *argv[])
{
	struct mosquitto_embed *broker;
	struct mosquitto *client;
	time_t deadline;
	int port, rc;

	mosquitto_lib_init();
	broker = mosquitto_embed_new();
	if (broker == NULL) {
		fprintf(stderr, "embedded_broker: out of memory\n");
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		mosquitto_embed_log_callback_set(broker, on_broker_log, NULL);
	}
	rc = mosquitto_embed_config_string(broker,
			"listener 0 127.0.0.1\n"
			"allow_anonymous true\n");
	if (rc == MOSQ_ERR_SUCCESS) {
		rc = mosquitto_embed_start(broker);
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "embedded_broker: cannot start the broker: %s\n", mosquitto_strerror(rc));
		mosquitto_embed_destroy(broker);
		return 1;
	}
	port = mosquitto_embed_port(broker, 0);
	printf("broker listening on 127.0.0.1:%d\n", port);

	client = mosquitto_new("embedded-client", true, NULL);
	if (client == NULL) {
		mosquitto_embed_destroy(broker);
		return 1;
	}
	mosquitto_connect_callback_set(client, on_connect);
	mosquitto_subscribe_callback_set(client, on_subscribe);
	mosquitto_message_callback_set(client, on_message);
	rc = mosquitto_connect(client, "127.0.0.1", port, 60);
	deadline = time(NULL) + 10;
	while (rc == MOSQ_ERR_SUCCESS && received < 3 && time(NULL) < deadline) {
		rc = mosquitto_loop(client, 100, 1);
	}
	mosquitto_disconnect(client);
	mosquitto_destroy(client);

	mosquitto_embed_stop(broker);
	mosquitto_embed_destroy(broker);
	mosquitto_lib_cleanup();
	printf("%d of 3 messages received\n", received);
	return received == 3 ? 0 : 1;
}
