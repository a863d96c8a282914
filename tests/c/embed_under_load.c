/*
 * The embedded broker stopped and started again while clients of this process keep publishing
 * to it (run by tests/broker_embed.rs, also under Valgrind and with the sanitizers).
 *
 * The broker has persistence in a directory of its own. A subscriber with a persistent session
 * and PUBLISHERS publishers (each with its own loop thread and one more thread of this program
 * publishing on it) run against it; the broker is stopped and started RESTARTS times while
 * they publish MESSAGES QoS 1 messages each. Every publish must return MOSQ_ERR_SUCCESS or
 * MOSQ_ERR_NO_CONN (the message is kept and sent once connected again), every publish callback
 * must fire exactly once, and every message must reach the subscriber: a message is durable
 * before the broker acknowledges it, and what the broker had not acknowledged is sent again.
 * Prints "ok ..." per step; exit status 0 when every check passed, 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/embedutil.h"
#include "support/testutil.h"

#define PUBLISHERS 3
#define MESSAGES 500
#define RESTARTS 3

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* completed[p][mid]: publish callbacks per message id; seen[p][i]: arrivals of message i. */
static int completed[PUBLISHERS][MESSAGES + 1];
static int seen[PUBLISHERS][MESSAGES];
static struct counter subscribed;
static struct counter bad_returns;
static struct counter disconnects;
static struct counter connects;

struct publisher {
	int n;
	struct mosquitto *mosq;
	pthread_t thread;
};

/* A port nothing listens on now. */
static int free_port(void)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	CHECK(fd >= 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	CHECK(getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
	port = ntohs(addr.sin_port);
	close(fd);
	return port;
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	struct publisher *p = obj;

	(void)mosq;
	pthread_mutex_lock(&lock);
	if(mid >= 1 && mid <= MESSAGES){
		completed[p->n][mid]++;
	}
	pthread_mutex_unlock(&lock);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	if(rc == 0){
		counter_add(&connects, 1);
	}
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	if(rc != 0){
		counter_add(&disconnects, 1);
	}
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	(void)mosq;
	(void)obj;
	(void)mid;
	CHECK(count == 1 && granted[0] == 1);
	counter_add(&subscribed, 1);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	char text[32];
	int p, i;

	(void)mosq;
	(void)obj;
	if(msg->payloadlen <= 0 || msg->payloadlen >= (int)sizeof(text)){
		return;
	}
	memcpy(text, msg->payload, (size_t)msg->payloadlen);
	text[msg->payloadlen] = '\0';
	if(sscanf(text, "%d:%d", &p, &i) == 2 && p >= 0 && p < PUBLISHERS && i >= 0 && i < MESSAGES){
		pthread_mutex_lock(&lock);
		seen[p][i]++;
		pthread_mutex_unlock(&lock);
	}
}

static void *publish_thread(void *arg)
{
	struct publisher *p = arg;
	char topic[64], payload[32];
	int i, rc;

	snprintf(topic, sizeof(topic), "embedload/%d", p->n);
	for(i = 0; i < MESSAGES; i++){
		snprintf(payload, sizeof(payload), "%d:%d", p->n, i);
		rc = mosquitto_publish(p->mosq, NULL, topic, (int)strlen(payload), payload, 1, false);
		if(rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN){
			printf("publisher %d: publish returned %d\n", p->n, rc);
			counter_add(&bad_returns, 1);
		}
		sleep_ms(10);
	}
	return NULL;
}

static struct mosquitto *client(const char *id, void *obj, int port)
{
	struct mosquitto *mosq = mosquitto_new(id, false, obj);

	CHECK(mosq != NULL);
	CHECK(mosquitto_reconnect_delay_set(mosq, 1, 1, false) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_connect(mosq, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS);
	return mosq;
}

/* Whether every message has completed once and arrived at least once. */
static int all_done(int report)
{
	int p, i, done = 1;

	pthread_mutex_lock(&lock);
	for(p = 0; p < PUBLISHERS; p++){
		for(i = 0; i < MESSAGES; i++){
			if(completed[p][i + 1] != 1 || seen[p][i] == 0){
				if(report && (completed[p][i + 1] > 1 || done)){
					printf("publisher %d message %d: completed %d time(s), arrived %d time(s)\n",
							p, i, completed[p][i + 1], seen[p][i]);
				}
				done = 0;
			}
		}
	}
	pthread_mutex_unlock(&lock);
	return done;
}

int main(void)
{
	struct broker_log log;
	struct mosquitto_embed *broker;
	struct publisher pubs[PUBLISHERS];
	struct mosquitto *sub;
	char dir[] = "/tmp/embed-load-XXXXXX", config[512], id[32], path[600];
	int port, i, r, duplicates = 0;

	start_watchdog(200);
	setvbuf(stdout, NULL, _IOLBF, 0);
	counter_init(&subscribed);
	counter_init(&bad_returns);
	counter_init(&disconnects);
	counter_init(&connects);
	mosquitto_lib_init();
	CHECK(mkdtemp(dir) != NULL);
	port = free_port();
	snprintf(config, sizeof(config),
			"listener %d 127.0.0.1\nallow_anonymous true\npersistence true\n"
			"persistence_location %s/\nmax_queued_messages 0\n", port, dir);
	broker_log_init(&log);
	broker = mosquitto_embed_new();
	CHECK(broker != NULL);
	mosquitto_embed_log_callback_set(broker, on_broker_log, &log);
	CHECK(mosquitto_embed_config_string(broker, config) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_embed_start(broker) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_embed_port(broker, 0) == port);

	sub = client("embed-load-sub", NULL, port);
	mosquitto_subscribe_callback_set(sub, on_subscribe);
	mosquitto_message_callback_set(sub, on_message);
	CHECK(mosquitto_subscribe(sub, NULL, "embedload/#", 1) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_loop_start(sub) == MOSQ_ERR_SUCCESS);
	wait_counter(&subscribed, 1, "the subscription");
	printf("ok subscribed\n");

	for(i = 0; i < PUBLISHERS; i++){
		pubs[i].n = i;
		snprintf(id, sizeof(id), "embed-load-pub%d", i);
		pubs[i].mosq = client(id, &pubs[i], port);
		mosquitto_publish_callback_set(pubs[i].mosq, on_publish);
		mosquitto_disconnect_callback_set(pubs[i].mosq, on_disconnect);
		mosquitto_connect_callback_set(pubs[i].mosq, on_connect);
		CHECK(mosquitto_loop_start(pubs[i].mosq) == MOSQ_ERR_SUCCESS);
		CHECK(pthread_create(&pubs[i].thread, NULL, publish_thread, &pubs[i]) == 0);
	}
	for(r = 0; r < RESTARTS; r++){
		/* Every publisher connected (again) and publishing, then the stop. */
		wait_counter(&connects, (r + 1) * PUBLISHERS, "the publishers' connections");
		sleep_ms(150);
		CHECK(mosquitto_embed_stop(broker) == MOSQ_ERR_SUCCESS);
		sleep_ms(100);
		CHECK(mosquitto_embed_start(broker) == MOSQ_ERR_SUCCESS);
	}
	for(i = 0; i < PUBLISHERS; i++){
		pthread_join(pubs[i].thread, NULL);
	}
	/* Each stop closed every publisher's connection while it was publishing. */
	CHECK(counter_get(&disconnects) >= RESTARTS * PUBLISHERS);
	printf("ok stopped and started %d times under load (%d lost connections)\n", RESTARTS,
			counter_get(&disconnects));
	for(i = 0; i < 1200 && !all_done(0); i++){
		sleep_ms(50);
	}
	CHECK(all_done(1));
	CHECK(counter_get(&bad_returns) == 0);
	pthread_mutex_lock(&lock);
	for(i = 0; i < PUBLISHERS; i++){
		for(r = 0; r < MESSAGES; r++){
			duplicates += seen[i][r] - 1;
		}
	}
	pthread_mutex_unlock(&lock);
	printf("ok %d messages completed once each and arrived (%d arrived twice)\n",
			PUBLISHERS * MESSAGES, duplicates);

	for(i = 0; i < PUBLISHERS; i++){
		CHECK(mosquitto_disconnect(pubs[i].mosq) == MOSQ_ERR_SUCCESS);
		CHECK(mosquitto_loop_stop(pubs[i].mosq, false) == MOSQ_ERR_SUCCESS);
		mosquitto_destroy(pubs[i].mosq);
	}
	CHECK(mosquitto_disconnect(sub) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_loop_stop(sub, false) == MOSQ_ERR_SUCCESS);
	mosquitto_destroy(sub);
	/* Destroy stops it first. */
	mosquitto_embed_destroy(broker);
	mosquitto_lib_cleanup();
	snprintf(path, sizeof(path), "%s/mosquitto.db", dir);
	unlink(path);
	if(rmdir(dir) != 0){
		printf("note: %s was left behind (not empty)\n", dir);
	}
	printf("ok done\n");
	return 0;
}
