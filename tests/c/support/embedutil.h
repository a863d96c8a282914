/*
 * Shared by the embedded-broker programs (tests/c/embed_*.c): checks that stop the program
 * with a message, a log function that keeps the broker's lines, and a publish/subscribe round
 * trip through a broker with clients of the library in this thread.
 *
 * The including program defines _POSIX_C_SOURCE (200809L) before any system header.
 */
#ifndef EMBEDUTIL_H
#define EMBEDUTIL_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>
#include <mosquitto_embed.h>

#define CHECK(cond) do{ \
		if(!(cond)){ \
			printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			fflush(stdout); \
			exit(1); \
		} \
	}while(0)

/* The broker's log lines, kept for the checks (the log function runs on the broker's threads). */
struct broker_log {
	pthread_mutex_t lock;
	char text[16384];
	size_t len;
};

static inline void broker_log_init(struct broker_log *log)
{
	pthread_mutex_init(&log->lock, NULL);
	log->text[0] = '\0';
	log->len = 0;
}

static inline void broker_log_clear(struct broker_log *log)
{
	pthread_mutex_lock(&log->lock);
	log->text[0] = '\0';
	log->len = 0;
	pthread_mutex_unlock(&log->lock);
}

static inline void on_broker_log(void *userdata, int level, const char *line)
{
	struct broker_log *log = userdata;
	size_t n = strlen(line);

	(void)level;
	pthread_mutex_lock(&log->lock);
	if(log->len + n + 2 < sizeof(log->text)){
		memcpy(log->text + log->len, line, n);
		log->len += n;
		log->text[log->len++] = '\n';
		log->text[log->len] = '\0';
	}
	pthread_mutex_unlock(&log->lock);
}

/* Whether the log holds this whole line. */
static inline int broker_log_has(struct broker_log *log, const char *line)
{
	char want[1024];
	int found;

	snprintf(want, sizeof(want), "%s\n", line);
	pthread_mutex_lock(&log->lock);
	found = strstr(log->text, want) != NULL;
	if(!found){
		printf("not in the broker's log: %s\n--- log ---\n%s-----------\n", line, log->text);
	}
	pthread_mutex_unlock(&log->lock);
	return found;
}

struct round_trip {
	const char *payload;
	int subscribed;
	int received;
};

static inline void rt_on_subscribe(struct mosquitto *mosq, void *userdata, int mid, int count,
		const int *granted)
{
	struct round_trip *rt = userdata;

	(void)mosq;
	(void)mid;
	(void)count;
	(void)granted;
	rt->subscribed = 1;
}

static inline void rt_on_message(struct mosquitto *mosq, void *userdata,
		const struct mosquitto_message *msg)
{
	struct round_trip *rt = userdata;

	(void)mosq;
	if(msg->payloadlen == (int)strlen(rt->payload)
			&& memcmp(msg->payload, rt->payload, (size_t)msg->payloadlen) == 0){
		rt->received++;
	}
}

/* Subscribe through the broker on sub_port, publish at QoS 1 through pub_port, and return
 * whether the message arrived (within 10 seconds). Both clients run in this thread. */
static inline int round_trip(int sub_port, int pub_port, const char *topic, const char *payload)
{
	struct round_trip rt = {payload, 0, 0};
	struct mosquitto *sub, *pub;
	time_t deadline = time(NULL) + 10;
	int ok;

	sub = mosquitto_new(NULL, true, &rt);
	pub = mosquitto_new(NULL, true, NULL);
	CHECK(sub != NULL && pub != NULL);
	mosquitto_subscribe_callback_set(sub, rt_on_subscribe);
	mosquitto_message_callback_set(sub, rt_on_message);
	CHECK(mosquitto_connect(sub, "127.0.0.1", sub_port, 60) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_subscribe(sub, NULL, topic, 1) == MOSQ_ERR_SUCCESS);
	while(!rt.subscribed && time(NULL) < deadline){
		CHECK(mosquitto_loop(sub, 50, 1) == MOSQ_ERR_SUCCESS);
	}
	CHECK(mosquitto_connect(pub, "127.0.0.1", pub_port, 60) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_publish(pub, NULL, topic, (int)strlen(payload), payload, 1, false) == MOSQ_ERR_SUCCESS);
	while(rt.received == 0 && time(NULL) < deadline){
		CHECK(mosquitto_loop(pub, 10, 1) == MOSQ_ERR_SUCCESS);
		CHECK(mosquitto_loop(sub, 40, 1) == MOSQ_ERR_SUCCESS);
	}
	ok = rt.received == 1;
	mosquitto_disconnect(pub);
	mosquitto_disconnect(sub);
	mosquitto_destroy(pub);
	mosquitto_destroy(sub);
	return ok;
}

#endif
