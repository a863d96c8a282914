/* broker */
/*
 * Callbacks that call the library on their own client: publish, subscribe, unsubscribe,
 * replace or clear callbacks (also the one running), set options, disconnect, stop the loop
 * thread and destroy the client. The original library deadlocks or crashes on several of
 * these; this one allows every call from every callback.
 *
 *   A: loop_start; a chain of calls from on_connect, on_subscribe, on_message,
 *      on_unsubscribe, on_log, on_disconnect.
 *   B: loop_start; mosquitto_destroy from inside on_message.
 *   C: mosquitto_loop in this thread; publish and disconnect from callbacks.
 *   D: mosquitto_loop_forever in this thread; disconnect from on_message ends it.
 *   E: mosquitto_loop in this thread; mosquitto_destroy from inside on_message.
 *
 * Then all of it again under load: while A runs, three more threads of the program publish at
 * QoS 0, 1 and 2 on A's own client the whole time; while B to E run, they publish on another
 * client of the program. Every one of those publishes must return MOSQ_ERR_SUCCESS (or
 * MOSQ_ERR_NO_CONN once A has disconnected).
 *
 * Usage: callbacks_api PORT (a broker on 127.0.0.1 that allows anonymous clients)
 * Exit status: 0 when every check passed; 1 otherwise (the failures are printed).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mosquitto.h>

#include "support/testutil.h"

static int port;
static char base[96];
static struct counter failures;

#define CHECK(cond) \
	do{ \
		if(!(cond)){ \
			printf("FAIL line %d: %s\n", __LINE__, #cond); \
			counter_add(&failures, 1); \
		} \
	}while(0)

static void topic_of(char *buf, size_t len, const char *client, const char *leaf)
{
	snprintf(buf, len, "%s%s/%s", base, client, leaf);
}

/* ---- load: threads publishing on one client ---- */

#define LOAD_THREADS 3

struct load {
	struct mosquitto *mosq;
	pthread_t threads[LOAD_THREADS];
	struct counter stop;
	struct counter sent;
	struct counter bad;
	int running;
};

static struct load load;

static void *load_thread(void *arg)
{
	long n = (long)arg;
	char topic[160], payload[32];
	int i, rc;

	snprintf(topic, sizeof(topic), "%sload/%ld", base, n);
	for(i = 0; !counter_get(&load.stop); i++){
		snprintf(payload, sizeof(payload), "%ld-%d", n, i);
		rc = mosquitto_publish(load.mosq, NULL, topic, (int)strlen(payload), payload, i % 3, false);
		if(rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN){
			printf("load: publish returned %d\n", rc);
			counter_add(&load.bad, 1);
		}
		counter_add(&load.sent, 1);
		if(i % 8 == 7){
			sleep_ms(1);
		}
	}
	return NULL;
}

/* Start the threads publishing on mosq (NULL: no load). */
static void load_start(struct mosquitto *mosq)
{
	long i;

	if(!mosq){
		return;
	}
	load.mosq = mosq;
	counter_set(&load.stop, 0);
	counter_set(&load.sent, 0);
	for(i = 0; i < LOAD_THREADS; i++){
		CHECK(pthread_create(&load.threads[i], NULL, load_thread, (void *)i) == 0);
	}
	load.running = 1;
}

/* Stop them (if running) and check what they saw. */
static void load_stop(const char *label)
{
	int i;

	if(!load.running){
		return;
	}
	counter_set(&load.stop, 1);
	for(i = 0; i < LOAD_THREADS; i++){
		pthread_join(load.threads[i], NULL);
	}
	load.running = 0;
	CHECK(counter_get(&load.sent) > 0);
	CHECK(counter_get(&load.bad) == 0);
	printf("%s: %d publishes by other threads meanwhile\n", label, counter_get(&load.sent));
}

/* ---- A ---- */

struct a_state {
	struct counter connected;
	struct counter messages;
	struct counter unsubscribed;
	struct counter disconnected;
	struct counter logs;
	int disconnect_rc;
};

static void a_on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg);

static void a_on_connect_again(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	(void)rc;
	printf("A: the replaced connect callback ran\n");
	counter_add(&failures, 1);
}

static void a_on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	struct a_state *s = obj;
	char topic[160];

	CHECK(rc == 0);
	CHECK(mosquitto_userdata(mosq) == obj);
	mosquitto_user_data_set(mosq, obj);
	CHECK(mosquitto_socket(mosq) >= 0);
	(void)mosquitto_want_write(mosq);
	CHECK(mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_reconnect_delay_set(mosq, 1, 2, false) == MOSQ_ERR_SUCCESS);
	topic_of(topic, sizeof(topic), "a", "#");
	CHECK(mosquitto_subscribe(mosq, NULL, topic, 2) == MOSQ_ERR_SUCCESS);
	topic_of(topic, sizeof(topic), "a", "1");
	CHECK(mosquitto_publish(mosq, NULL, topic, 9, "from conn", 1, false) == MOSQ_ERR_SUCCESS);
	/* Replace the running callback. */
	mosquitto_connect_callback_set(mosq, a_on_connect_again);
	counter_add(&s->connected, 1);
}

static void a_on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	char topic[160];

	(void)obj;
	(void)mid;
	CHECK(count == 1 && granted[0] == 2);
	topic_of(topic, sizeof(topic), "a", "2");
	CHECK(mosquitto_publish(mosq, NULL, topic, 8, "from sub", 2, false) == MOSQ_ERR_SUCCESS);
	mosquitto_subscribe_callback_set(mosq, NULL);
}

static void a_on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	struct a_state *s = obj;
	char topic[160];

	topic_of(topic, sizeof(topic), "a", "1");
	if(!strcmp(msg->topic, topic)){
		topic_of(topic, sizeof(topic), "a", "3");
		CHECK(mosquitto_publish(mosq, NULL, topic, 8, "from msg", 0, false) == MOSQ_ERR_SUCCESS);
	}
	counter_add(&s->messages, 1);
	if(counter_get(&s->messages) == 3){
		topic_of(topic, sizeof(topic), "a", "#");
		CHECK(mosquitto_unsubscribe(mosq, NULL, topic) == MOSQ_ERR_SUCCESS);
		topic_of(topic, sizeof(topic), "a", "4");
		CHECK(mosquitto_publish(mosq, NULL, topic, 6, "unseen", 1, false) == MOSQ_ERR_SUCCESS);
	}
}

static void a_on_unsubscribe(struct mosquitto *mosq, void *obj, int mid)
{
	struct a_state *s = obj;

	(void)mid;
	mosquitto_message_callback_set(mosq, NULL);
	counter_add(&s->unsubscribed, 1);
}

static void a_on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	struct a_state *s = obj;

	(void)mid;
	/* The publish to a/4 after the unsubscribe is acknowledged last. */
	if(counter_get(&s->unsubscribed) == 1 && counter_get(&s->messages) == 3){
		mosquitto_publish_callback_set(mosq, NULL);
		CHECK(mosquitto_disconnect(mosq) == MOSQ_ERR_SUCCESS);
	}
}

static void a_on_log(struct mosquitto *mosq, void *obj, int level, const char *str)
{
	struct a_state *s = obj;

	(void)level;
	(void)str;
	counter_add(&s->logs, 1);
	if(counter_get(&s->logs) == 3){
		mosquitto_log_callback_set(mosq, NULL);
	}
}

static void a_on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	struct a_state *s = obj;

	s->disconnect_rc = rc;
	/* From the loop thread this only asks the thread to finish; it must not wait for itself. */
	mosquitto_loop_stop(mosq, false);
	counter_add(&s->disconnected, 1);
}

static void run_a(int loaded)
{
	struct a_state s;
	struct mosquitto *mosq;

	memset(&s, 0, sizeof(s));
	counter_init(&s.connected);
	counter_init(&s.messages);
	counter_init(&s.unsubscribed);
	counter_init(&s.disconnected);
	counter_init(&s.logs);
	mosq = mosquitto_new(NULL, true, &s);
	CHECK(mosq != NULL);
	if(!mosq){
		return;
	}
	mosquitto_connect_callback_set(mosq, a_on_connect);
	mosquitto_subscribe_callback_set(mosq, a_on_subscribe);
	mosquitto_message_callback_set(mosq, a_on_message);
	mosquitto_unsubscribe_callback_set(mosq, a_on_unsubscribe);
	mosquitto_publish_callback_set(mosq, a_on_publish);
	mosquitto_disconnect_callback_set(mosq, a_on_disconnect);
	mosquitto_log_callback_set(mosq, a_on_log);
	CHECK(mosquitto_connect(mosq, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_loop_start(mosq) == MOSQ_ERR_SUCCESS);
	load_start(loaded ? mosq : NULL);
	wait_counter(&s.connected, 1, "A: on_connect");
	wait_counter(&s.messages, 3, "A: three messages");
	wait_counter(&s.unsubscribed, 1, "A: on_unsubscribe");
	wait_counter(&s.disconnected, 1, "A: on_disconnect");
	CHECK(s.disconnect_rc == 0);
	mosquitto_loop_stop(mosq, false);
	load_stop("A");
	sleep_ms(100);
	CHECK(counter_get(&s.messages) == 3);
	CHECK(counter_get(&s.logs) == 3);
	mosquitto_destroy(mosq);
	printf("A: done\n");
}

/* ---- B and E: destroy from inside a callback ---- */

struct destroy_state {
	struct counter connected;
	struct counter subscribed;
	struct counter destroyed;
};

static void d_on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	struct destroy_state *s = obj;
	char topic[160];

	CHECK(rc == 0);
	topic_of(topic, sizeof(topic), "destroy", "x");
	CHECK(mosquitto_subscribe(mosq, NULL, topic, 1) == MOSQ_ERR_SUCCESS);
	counter_add(&s->connected, 1);
}

static void d_on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	struct destroy_state *s = obj;
	char topic[160];

	(void)mid;
	(void)count;
	(void)granted;
	topic_of(topic, sizeof(topic), "destroy", "x");
	CHECK(mosquitto_publish(mosq, NULL, topic, 7, "destroy", 1, false) == MOSQ_ERR_SUCCESS);
	counter_add(&s->subscribed, 1);
}

static void d_on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	struct destroy_state *s = obj;

	(void)msg;
	if(counter_get(&s->destroyed) == 0){
		counter_add(&s->destroyed, 1);
		mosquitto_destroy(mosq);
	}
}

static struct mosquitto *new_destroy_client(struct destroy_state *s)
{
	struct mosquitto *mosq;

	memset(s, 0, sizeof(*s));
	counter_init(&s->connected);
	counter_init(&s->subscribed);
	counter_init(&s->destroyed);
	mosq = mosquitto_new(NULL, true, s);
	if(mosq){
		mosquitto_connect_callback_set(mosq, d_on_connect);
		mosquitto_subscribe_callback_set(mosq, d_on_subscribe);
		mosquitto_message_callback_set(mosq, d_on_message);
	}
	return mosq;
}

static void run_b(void)
{
	struct destroy_state s;
	struct mosquitto *mosq = new_destroy_client(&s);

	CHECK(mosq != NULL);
	if(!mosq){
		return;
	}
	CHECK(mosquitto_connect(mosq, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_loop_start(mosq) == MOSQ_ERR_SUCCESS);
	wait_counter(&s.destroyed, 1, "B: destroy in on_message");
	/* The loop thread finishes on its own; nothing may touch the client any more. */
	sleep_ms(300);
	printf("B: done\n");
}

static void run_e(void)
{
	struct destroy_state s;
	struct mosquitto *mosq = new_destroy_client(&s);
	int i;

	CHECK(mosq != NULL);
	if(!mosq){
		return;
	}
	CHECK(mosquitto_connect(mosq, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS);
	for(i = 0; i < WAIT_SECONDS * 50 && counter_get(&s.destroyed) == 0; i++){
		mosquitto_loop(mosq, 20, 1);
	}
	wait_counter(&s.destroyed, 1, "E: destroy in on_message");
	sleep_ms(100);
	printf("E: done\n");
}

/* ---- C: mosquitto_loop in this thread ---- */

struct c_state {
	struct counter connected;
	struct counter messages;
	struct counter disconnected;
	int disconnect_rc;
};

static void c_on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	struct c_state *s = obj;
	char topic[160];

	CHECK(rc == 0);
	topic_of(topic, sizeof(topic), "c", "x");
	CHECK(mosquitto_subscribe(mosq, NULL, topic, 0) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_publish(mosq, NULL, topic, 1, "1", 0, false) == MOSQ_ERR_SUCCESS);
	counter_add(&s->connected, 1);
}

static void c_on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	struct c_state *s = obj;
	char payload[2];

	counter_add(&s->messages, 1);
	if(counter_get(&s->messages) < 5){
		payload[0] = (char)('0' + counter_get(&s->messages) + 1);
		payload[1] = '\0';
		CHECK(mosquitto_publish(mosq, NULL, msg->topic, 1, payload, 0, false) == MOSQ_ERR_SUCCESS);
	}else{
		CHECK(mosquitto_disconnect(mosq) == MOSQ_ERR_SUCCESS);
	}
}

static void c_on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	struct c_state *s = obj;

	(void)mosq;
	s->disconnect_rc = rc;
	counter_add(&s->disconnected, 1);
}

static struct mosquitto *new_c_client(struct c_state *s)
{
	struct mosquitto *mosq;

	memset(s, 0, sizeof(*s));
	counter_init(&s->connected);
	counter_init(&s->messages);
	counter_init(&s->disconnected);
	mosq = mosquitto_new(NULL, true, s);
	if(mosq){
		mosquitto_connect_callback_set(mosq, c_on_connect);
		mosquitto_message_callback_set(mosq, c_on_message);
		mosquitto_disconnect_callback_set(mosq, c_on_disconnect);
	}
	return mosq;
}

static void run_c(void)
{
	struct c_state s;
	struct mosquitto *mosq = new_c_client(&s);
	int i;

	CHECK(mosq != NULL);
	if(!mosq){
		return;
	}
	CHECK(mosquitto_connect(mosq, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS);
	for(i = 0; i < WAIT_SECONDS * 50 && counter_get(&s.disconnected) == 0; i++){
		mosquitto_loop(mosq, 20, 1);
	}
	wait_counter(&s.disconnected, 1, "C: on_disconnect");
	CHECK(counter_get(&s.messages) == 5);
	CHECK(s.disconnect_rc == 0);
	CHECK(mosquitto_loop(mosq, 10, 1) == MOSQ_ERR_NO_CONN);
	mosquitto_destroy(mosq);
	printf("C: done\n");
}

static void run_d(void)
{
	struct c_state s;
	struct mosquitto *mosq = new_c_client(&s);

	CHECK(mosq != NULL);
	if(!mosq){
		return;
	}
	CHECK(mosquitto_connect(mosq, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_loop_forever(mosq, -1, 1) == MOSQ_ERR_SUCCESS);
	CHECK(counter_get(&s.messages) == 5);
	CHECK(counter_get(&s.disconnected) == 1 && s.disconnect_rc == 0);
	mosquitto_destroy(mosq);
	printf("D: done\n");
}

/* B to E while other threads publish on another client of this program. */
static void run_b_to_e_loaded(void)
{
	struct mosquitto *other = mosquitto_new(NULL, true, NULL);

	CHECK(other != NULL);
	if(!other){
		return;
	}
	CHECK(mosquitto_connect(other, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_loop_start(other) == MOSQ_ERR_SUCCESS);
	load_start(other);
	run_b();
	run_c();
	run_d();
	run_e();
	load_stop("B to E");
	CHECK(mosquitto_disconnect(other) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_loop_stop(other, false) == MOSQ_ERR_SUCCESS);
	mosquitto_destroy(other);
}

int main(int argc, char *argv[])
{
	port = port_argument(argc, argv);
	start_watchdog(120);
	setvbuf(stdout, NULL, _IOLBF, 0);
	counter_init(&failures);
	snprintf(base, sizeof(base), "callbacks/%ld/", (long)getpid());
	counter_init(&load.stop);
	counter_init(&load.sent);
	counter_init(&load.bad);
	mosquitto_lib_init();
	run_a(0);
	run_b();
	run_c();
	run_d();
	run_e();
	printf("under load:\n");
	run_a(1);
	run_b_to_e_loaded();
	mosquitto_lib_cleanup();
	printf("failures: %d\n", counter_get(&failures));
	return counter_get(&failures) ? 1 : 0;
}
