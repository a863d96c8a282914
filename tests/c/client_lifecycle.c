/* differential broker */
/*
 * The life of a client against a real broker, as applications use the library:
 *   1. new, connect, loop_start, subscribe, publish at QoS 0/1/2, unsubscribe, disconnect,
 *      loop_stop, and what publish does after that;
 *   2. reinitialise, then the same client driven by mosquitto_loop() in this thread;
 *   3. mosquitto_loop_forever() in a thread, ended by mosquitto_disconnect() from main;
 *   4. three clients with their own loop threads, publishing concurrently from other threads;
 *   5. mosquitto_loop_stop(mosq, false) before the disconnect, which a callback sends once the
 *      last message is acknowledged: loop_stop waits for it (mosquitto_pub -l relies on this);
 *   6. lib_cleanup.
 *
 * It prints return codes and what the callbacks saw, in an order that does not depend on
 * timing, so its output is the same on every correct libmosquitto 2.0.
 *
 * Usage: client_lifecycle PORT (a broker on 127.0.0.1 that allows anonymous clients)
 * Exit status: 0 when everything awaited happened; 1 on a timeout.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mosquitto.h>

#include "support/testutil.h"

#define MAX_MSGS 256

struct received {
	char topic[128];
	char payload[64];
	int qos;
	int mid;
	bool retain;
};

struct state {
	struct counter connects;
	struct counter disconnects;
	struct counter subacks;
	struct counter unsubacks;
	struct counter publishes;
	struct counter messages;
	pthread_mutex_t lock;
	int connect_rc;
	int disconnect_rc;
	int suback_mid;
	int granted[4];
	int granted_count;
	int unsuback_mid;
	int published_mids[MAX_MSGS];
	struct received msgs[MAX_MSGS];
};

static char base[96];
static int port;

static void state_init(struct state *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	counter_init(&s->connects);
	counter_init(&s->disconnects);
	counter_init(&s->subacks);
	counter_init(&s->unsubacks);
	counter_init(&s->publishes);
	counter_init(&s->messages);
}

/* Forget everything recorded (no callback may be running). */
static void state_reset(struct state *s)
{
	counter_set(&s->connects, 0);
	counter_set(&s->disconnects, 0);
	counter_set(&s->subacks, 0);
	counter_set(&s->unsubacks, 0);
	counter_set(&s->publishes, 0);
	counter_set(&s->messages, 0);
	pthread_mutex_lock(&s->lock);
	s->connect_rc = s->disconnect_rc = s->suback_mid = s->granted_count = s->unsuback_mid = -1;
	pthread_mutex_unlock(&s->lock);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	struct state *s = obj;

	(void)mosq;
	pthread_mutex_lock(&s->lock);
	s->connect_rc = rc;
	pthread_mutex_unlock(&s->lock);
	counter_add(&s->connects, 1);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	struct state *s = obj;

	(void)mosq;
	pthread_mutex_lock(&s->lock);
	s->disconnect_rc = rc;
	pthread_mutex_unlock(&s->lock);
	counter_add(&s->disconnects, 1);
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	struct state *s = obj;
	int i;

	(void)mosq;
	pthread_mutex_lock(&s->lock);
	s->suback_mid = mid;
	s->granted_count = count;
	for(i = 0; i < count && i < 4; i++){
		s->granted[i] = granted[i];
	}
	pthread_mutex_unlock(&s->lock);
	counter_add(&s->subacks, 1);
}

static void on_unsubscribe(struct mosquitto *mosq, void *obj, int mid)
{
	struct state *s = obj;

	(void)mosq;
	pthread_mutex_lock(&s->lock);
	s->unsuback_mid = mid;
	pthread_mutex_unlock(&s->lock);
	counter_add(&s->unsubacks, 1);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	struct state *s = obj;
	int n;

	(void)mosq;
	pthread_mutex_lock(&s->lock);
	n = counter_get(&s->publishes);
	if(n < MAX_MSGS){
		s->published_mids[n] = mid;
	}
	pthread_mutex_unlock(&s->lock);
	counter_add(&s->publishes, 1);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	struct state *s = obj;
	struct received *r;
	int n;
	size_t len;

	(void)mosq;
	pthread_mutex_lock(&s->lock);
	n = counter_get(&s->messages);
	if(n < MAX_MSGS){
		r = &s->msgs[n];
		snprintf(r->topic, sizeof(r->topic), "%s", msg->topic);
		len = msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0;
		if(len >= sizeof(r->payload)){
			len = sizeof(r->payload) - 1;
		}
		if(len){
			memcpy(r->payload, msg->payload, len);
		}
		r->payload[len] = '\0';
		r->qos = msg->qos;
		r->mid = msg->mid;
		r->retain = msg->retain;
	}
	pthread_mutex_unlock(&s->lock);
	counter_add(&s->messages, 1);
}

static void set_callbacks(struct mosquitto *mosq)
{
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_unsubscribe_callback_set(mosq, on_unsubscribe);
	mosquitto_publish_callback_set(mosq, on_publish);
	mosquitto_message_callback_set(mosq, on_message);
}

/* The topic relative to this run's base topic. */
static const char *rel(const char *topic)
{
	size_t n = strlen(base);

	return strncmp(topic, base, n) == 0 ? topic + n : topic;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Print the received messages sorted by (topic, payload), and forget them. */
static void print_messages(struct state *s, const char *label)
{
	int n = counter_get(&s->messages), i, j;
	struct received tmp;

	pthread_mutex_lock(&s->lock);
	for(i = 1; i < n && i < MAX_MSGS; i++){
		for(j = i; j > 0; j--){
			int c = strcmp(s->msgs[j - 1].topic, s->msgs[j].topic);
			if(c == 0){
				c = strcmp(s->msgs[j - 1].payload, s->msgs[j].payload);
			}
			if(c <= 0){
				break;
			}
			tmp = s->msgs[j - 1];
			s->msgs[j - 1] = s->msgs[j];
			s->msgs[j] = tmp;
		}
	}
	for(i = 0; i < n && i < MAX_MSGS; i++){
		printf("%s: message topic=%s payload=%s qos=%d retain=%d mid=%s\n", label, rel(s->msgs[i].topic),
				s->msgs[i].payload, s->msgs[i].qos, s->msgs[i].retain,
				s->msgs[i].qos == 0 ? (s->msgs[i].mid == 0 ? "0" : "nonzero!") : (s->msgs[i].mid > 0 ? ">0" : "0!"));
	}
	pthread_mutex_unlock(&s->lock);
	counter_set(&s->messages, 0);
}

static void print_published(struct state *s, const char *label)
{
	int n = counter_get(&s->publishes), i;

	pthread_mutex_lock(&s->lock);
	qsort(s->published_mids, (size_t)(n < MAX_MSGS ? n : MAX_MSGS), sizeof(int), cmp_int);
	printf("%s: on_publish mids:", label);
	for(i = 0; i < n && i < MAX_MSGS; i++){
		printf(" %d", s->published_mids[i]);
	}
	printf("\n");
	pthread_mutex_unlock(&s->lock);
	counter_set(&s->publishes, 0);
}

static void part1_threaded(struct mosquitto *mosq, struct state *s)
{
	char topic[160];
	int rc, mid, qos;
	char payload[16];

	printf("1: connect: %d\n", mosquitto_connect(mosq, "127.0.0.1", port, 60));
	printf("1: loop_start: %d\n", mosquitto_loop_start(mosq));
	printf("1: loop_start again: %d\n", mosquitto_loop_start(mosq));
	wait_counter(&s->connects, 1, "on_connect");
	printf("1: on_connect rc=%d\n", s->connect_rc);

	snprintf(topic, sizeof(topic), "%s#", base);
	mid = -1;
	rc = mosquitto_subscribe(mosq, &mid, topic, 2);
	printf("1: subscribe: %d mid=%d\n", rc, mid);
	wait_counter(&s->subacks, 1, "on_subscribe");
	printf("1: on_subscribe mid=%d count=%d granted=%d\n", s->suback_mid, s->granted_count, s->granted[0]);

	for(qos = 0; qos <= 2; qos++){
		snprintf(topic, sizeof(topic), "%sq%d", base, qos);
		snprintf(payload, sizeof(payload), "p%d", qos);
		mid = -1;
		rc = mosquitto_publish(mosq, &mid, topic, (int)strlen(payload), payload, qos, false);
		printf("1: publish qos %d: %d mid=%d\n", qos, rc, mid);
	}
	/* A zero-length payload. */
	snprintf(topic, sizeof(topic), "%sempty", base);
	rc = mosquitto_publish(mosq, &mid, topic, 0, NULL, 1, false);
	printf("1: publish empty: %d mid=%d\n", rc, mid);
	wait_counter(&s->publishes, 4, "on_publish");
	print_published(s, "1");
	wait_counter(&s->messages, 4, "messages");
	print_messages(s, "1");

	snprintf(topic, sizeof(topic), "%s#", base);
	rc = mosquitto_unsubscribe(mosq, &mid, topic);
	printf("1: unsubscribe: %d mid=%d\n", rc, mid);
	wait_counter(&s->unsubacks, 1, "on_unsubscribe");
	printf("1: on_unsubscribe mid=%d\n", s->unsuback_mid);

	printf("1: disconnect: %d\n", mosquitto_disconnect(mosq));
	wait_counter(&s->disconnects, 1, "on_disconnect");
	printf("1: on_disconnect rc=%d\n", s->disconnect_rc);
	printf("1: loop_stop: %d\n", mosquitto_loop_stop(mosq, false));
	printf("1: loop_stop again: %d\n", mosquitto_loop_stop(mosq, false));

	/* No connection any more. */
	mid = -1;
	rc = mosquitto_publish(mosq, &mid, topic + 0, 1, "x", 0, false);
	printf("1: publish '#' after disconnect: %d\n", rc);
	snprintf(topic, sizeof(topic), "%sq0", base);
	rc = mosquitto_publish(mosq, &mid, topic, 1, "x", 0, false);
	printf("1: publish qos 0 after disconnect: %d mid=%d\n", rc, mid);
	rc = mosquitto_subscribe(mosq, &mid, topic, 0);
	printf("1: subscribe after disconnect: %d\n", rc);
	printf("1: disconnect again: %d\n", mosquitto_disconnect(mosq));
	printf("1: loop: %d\n", mosquitto_loop(mosq, 10, 1));
	printf("1: socket: %d\n", mosquitto_socket(mosq));
	printf("1: on_disconnect calls: %d\n", counter_get(&s->disconnects));
}

static void part2_own_loop(struct mosquitto *mosq, struct state *s)
{
	char topic[160];
	int rc, mid, i;

	/* Pump mosquitto_loop() until the counter reaches target. */
#define PUMP(counter, target, what) \
	do{ \
		for(i = 0; i < WAIT_SECONDS * 50 && counter_get(counter) < (target); i++){ \
			mosquitto_loop(mosq, 20, 1); \
		} \
		wait_counter(counter, (target), what); \
	}while(0)

	printf("2: reinitialise: %d\n", mosquitto_reinitialise(mosq, "lifecycle-two", true, s));
	set_callbacks(mosq);
	printf("2: connect: %d\n", mosquitto_connect(mosq, "127.0.0.1", port, 60));
	printf("2: socket valid: %d\n", mosquitto_socket(mosq) >= 0);
	PUMP(&s->connects, 1, "on_connect");
	printf("2: on_connect rc=%d\n", s->connect_rc);
	snprintf(topic, sizeof(topic), "%sown/#", base);
	rc = mosquitto_subscribe(mosq, &mid, topic, 1);
	printf("2: subscribe: %d mid=%d\n", rc, mid);
	PUMP(&s->subacks, 1, "on_subscribe");
	printf("2: on_subscribe mid=%d granted=%d\n", s->suback_mid, s->granted[0]);
	snprintf(topic, sizeof(topic), "%sown/x", base);
	rc = mosquitto_publish(mosq, &mid, topic, 3, "own", 1, false);
	printf("2: publish: %d mid=%d\n", rc, mid);
	PUMP(&s->messages, 1, "message");
	PUMP(&s->publishes, 1, "on_publish");
	print_published(s, "2");
	print_messages(s, "2");
	/* Without a loop thread, disconnect writes DISCONNECT and calls on_disconnect itself. */
	rc = mosquitto_disconnect(mosq);
	printf("2: disconnect: %d, on_disconnect calls when it returned: %d\n", rc, counter_get(&s->disconnects));
	for(i = 0; i < 100 && counter_get(&s->disconnects) < 1; i++){
		rc = mosquitto_loop(mosq, 10, 1);
	}
	printf("2: on_disconnect rc=%d\n", s->disconnect_rc);
	printf("2: loop after disconnect: %d\n", mosquitto_loop(mosq, 10, 1));
#undef PUMP
}

static void *forever_thread(void *arg)
{
	static int rc;

	rc = mosquitto_loop_forever(arg, -1, 1);
	return &rc;
}

static void part3_loop_forever(struct mosquitto *mosq, struct state *s)
{
	pthread_t thread;
	void *result;
	char topic[160];
	int rc, mid;

	printf("3: reinitialise: %d\n", mosquitto_reinitialise(mosq, NULL, true, s));
	set_callbacks(mosq);
	printf("3: connect: %d\n", mosquitto_connect(mosq, "127.0.0.1", port, 60));
	/* The loop runs in a thread of the application's: libmosquitto needs to be told so, or
	 * calls from this thread write to the socket concurrently with the loop. */
	printf("3: threaded_set: %d\n", mosquitto_threaded_set(mosq, true));
	if(pthread_create(&thread, NULL, forever_thread, mosq)){
		printf("3: pthread_create failed\n");
		exit(1);
	}
	wait_counter(&s->connects, 1, "on_connect");
	printf("3: on_connect rc=%d\n", s->connect_rc);
	snprintf(topic, sizeof(topic), "%sforever", base);
	rc = mosquitto_subscribe(mosq, &mid, topic, 2);
	printf("3: subscribe: %d mid=%d\n", rc, mid);
	wait_counter(&s->subacks, 1, "on_subscribe");
	rc = mosquitto_publish(mosq, &mid, topic, 7, "forever", 2, false);
	printf("3: publish: %d mid=%d\n", rc, mid);
	wait_counter(&s->messages, 1, "message");
	wait_counter(&s->publishes, 1, "on_publish");
	print_messages(s, "3");
	printf("3: disconnect: %d\n", mosquitto_disconnect(mosq));
	pthread_join(thread, &result);
	printf("3: loop_forever returned %d\n", *(int *)result);
	printf("3: on_disconnect calls=%d rc=%d\n", counter_get(&s->disconnects), s->disconnect_rc);
}

#define CLIENTS 3
#define EACH 25

struct publisher {
	struct mosquitto *mosq;
	int index;
	int failures;
};

static void *publish_thread(void *arg)
{
	struct publisher *p = arg;
	char topic[160], payload[32];
	int i;

	for(i = 0; i < EACH; i++){
		snprintf(topic, sizeof(topic), "%smulti/%d", base, p->index);
		snprintf(payload, sizeof(payload), "%d-%d", p->index, i);
		if(mosquitto_publish(p->mosq, NULL, topic, (int)strlen(payload), payload, 1 + i % 2, false)){
			p->failures++;
		}
	}
	return NULL;
}

static void part4_many_clients(void)
{
	struct mosquitto *clients[CLIENTS];
	struct state *states;
	struct publisher pubs[CLIENTS];
	pthread_t threads[CLIENTS];
	char topic[160];
	int i, ok = 1, failures = 0;

	states = calloc(CLIENTS, sizeof(*states));
	if(!states){
		exit(1);
	}
	snprintf(topic, sizeof(topic), "%smulti/#", base);
	for(i = 0; i < CLIENTS; i++){
		state_init(&states[i]);
		clients[i] = mosquitto_new(NULL, true, &states[i]);
		set_callbacks(clients[i]);
		ok &= mosquitto_connect(clients[i], "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS;
		ok &= mosquitto_loop_start(clients[i]) == MOSQ_ERR_SUCCESS;
	}
	for(i = 0; i < CLIENTS; i++){
		wait_counter(&states[i].connects, 1, "on_connect");
		ok &= mosquitto_subscribe(clients[i], NULL, topic, 2) == MOSQ_ERR_SUCCESS;
		wait_counter(&states[i].subacks, 1, "on_subscribe");
	}
	printf("4: %d clients connected and subscribed: %d\n", CLIENTS, ok);
	for(i = 0; i < CLIENTS; i++){
		pubs[i].mosq = clients[i];
		pubs[i].index = i;
		pubs[i].failures = 0;
		pthread_create(&threads[i], NULL, publish_thread, &pubs[i]);
	}
	for(i = 0; i < CLIENTS; i++){
		pthread_join(threads[i], NULL);
		failures += pubs[i].failures;
	}
	printf("4: publish failures: %d\n", failures);
	for(i = 0; i < CLIENTS; i++){
		wait_counter(&states[i].publishes, EACH, "on_publish");
		wait_counter(&states[i].messages, CLIENTS * EACH, "messages");
	}
	for(i = 0; i < CLIENTS; i++){
		printf("4: client %d: on_publish=%d messages=%d\n", i, counter_get(&states[i].publishes),
				counter_get(&states[i].messages));
		printf("4: client %d: disconnect: %d\n", i, mosquitto_disconnect(clients[i]));
		wait_counter(&states[i].disconnects, 1, "on_disconnect");
		printf("4: client %d: loop_stop: %d\n", i, mosquitto_loop_stop(clients[i], false));
		mosquitto_destroy(clients[i]);
	}
	free(states);
}

#define STOP_MESSAGES 50

static struct counter stop_published;
static struct counter stop_last_mid;

static void stop_on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	struct state *s = obj;

	counter_add(&stop_published, 1);
	if(mid == counter_get(&stop_last_mid)){
		mosquitto_disconnect(mosq);
	}
	(void)s;
}

static void part5_stop_before_disconnect(void)
{
	struct mosquitto *mosq;
	struct state *s;
	char topic[160], payload[4096];
	int i, mid = 0, rc, failures = 0;

	s = malloc(sizeof(*s));
	if(!s){
		exit(1);
	}
	state_init(s);
	state_reset(s);
	counter_init(&stop_published);
	counter_init(&stop_last_mid);
	counter_set(&stop_last_mid, -1);
	mosq = mosquitto_new(NULL, true, s);
	set_callbacks(mosq);
	mosquitto_publish_callback_set(mosq, stop_on_publish);
	printf("5: connect: %d\n", mosquitto_connect(mosq, "127.0.0.1", port, 60));
	printf("5: loop_start: %d\n", mosquitto_loop_start(mosq));
	wait_counter(&s->connects, 1, "on_connect");
	snprintf(topic, sizeof(topic), "%sstop", base);
	memset(payload, 'x', sizeof(payload));
	for(i = 0; i < STOP_MESSAGES; i++){
		rc = mosquitto_publish(mosq, &mid, topic, (int)sizeof(payload), payload, 1, false);
		failures += rc != MOSQ_ERR_SUCCESS;
	}
	printf("5: publish failures: %d\n", failures);
	counter_set(&stop_last_mid, mid);
	if(counter_get(&stop_published) == STOP_MESSAGES){
		mosquitto_disconnect(mosq);
	}
	/* Returns once the callback's disconnect has ended the loop thread. */
	printf("5: loop_stop: %d\n", mosquitto_loop_stop(mosq, false));
	printf("5: on_publish calls when loop_stop returned: %d\n", counter_get(&stop_published));
	printf("5: on_disconnect calls=%d rc=%d\n", counter_get(&s->disconnects), s->disconnect_rc);
	mosquitto_destroy(mosq);
	free(s);
}

int main(int argc, char *argv[])
{
	struct mosquitto *mosq;
	struct state *s;

	port = port_argument(argc, argv);
	start_watchdog(60);
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(base, sizeof(base), "lifecycle/%ld/", (long)getpid());

	printf("lib_init: %d\n", mosquitto_lib_init());
	s = malloc(sizeof(*s));
	if(!s){
		return 1;
	}
	state_init(s);
	state_reset(s);
	mosq = mosquitto_new("lifecycle-one", true, s);
	printf("new: %s\n", mosq ? "ok" : "NULL");
	if(!mosq){
		return 1;
	}
	printf("userdata is obj: %d\n", mosquitto_userdata(mosq) == s);
	set_callbacks(mosq);
	part1_threaded(mosq, s);

	state_reset(s);
	part2_own_loop(mosq, s);

	state_reset(s);
	part3_loop_forever(mosq, s);

	mosquitto_destroy(mosq);
	free(s);

	part4_many_clients();
	part5_stop_before_disconnect();

	printf("lib_cleanup: %d\n", mosquitto_lib_cleanup());
	return 0;
}
