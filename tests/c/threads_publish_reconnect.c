/* broker */
/*
 * Many application threads publish on one client while its loop thread keeps reconnecting.
 *
 * The publisher has a persistent session and a fixed client id; another client of this
 * program takes that id over every 700 ms, so the broker drops the publisher, whose loop
 * thread reconnects (and takes the id back). Meanwhile THREADS threads publish MESSAGES
 * messages each at QoS 1 on the same handle, and a third thread calls the other functions
 * a program calls from the side (options, mosquitto_want_write, mosquitto_socket, the
 * reconnect delay). A subscriber in this program counts every message.
 *
 * Every publish must return MOSQ_ERR_SUCCESS or MOSQ_ERR_NO_CONN (the message is kept and
 * sent once connected), every message must arrive at least once, and the publish callback
 * must fire exactly once per message.
 *
 * Usage: threads_publish_reconnect PORT [MESSAGES]
 * Exit status: 0 when all of that held, 1 otherwise (with a line saying what).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

#include "support/testutil.h"

#define THREADS 8
#define MAX_MESSAGES 2000
#define MAX_MID 65536

static int port;
static int messages = 150;
static char topic[64];
static char pub_id[64];

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *completions;
static int completed, repeated;
static int received_once[THREADS][MAX_MESSAGES];
static int received_total;
static int bad_returns;
static struct counter stopping;
static struct counter connects;
static struct counter sub_ready;

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	(void)mosq;
	(void)obj;
	pthread_mutex_lock(&lock);
	if(mid > 0 && mid < MAX_MID){
		if(completions[mid]){
			repeated++;
		}else{
			completions[mid] = 1;
			completed++;
		}
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

static void on_sub_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)obj;
	if(rc == 0){
		mosquitto_subscribe(mosq, NULL, topic, 1);
	}
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	(void)mosq;
	(void)obj;
	(void)mid;
	(void)count;
	(void)granted;
	counter_set(&sub_ready, 1);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	int t, i;
	char text[32];

	(void)mosq;
	(void)obj;
	if(msg->payloadlen <= 0 || msg->payloadlen >= (int)sizeof(text)){
		return;
	}
	memcpy(text, msg->payload, (size_t)msg->payloadlen);
	text[msg->payloadlen] = '\0';
	if(sscanf(text, "%d:%d", &t, &i) == 2 && t >= 0 && t < THREADS && i >= 0 && i < messages){
		pthread_mutex_lock(&lock);
		received_once[t][i]++;
		received_total++;
		pthread_mutex_unlock(&lock);
	}
}

static void *publisher(void *arg)
{
	struct mosquitto *mosq = arg;
	static int thread_ids;
	int t, i, rc;
	char payload[32];

	pthread_mutex_lock(&lock);
	t = thread_ids++;
	pthread_mutex_unlock(&lock);
	for(i = 0; i < messages; i++){
		snprintf(payload, sizeof(payload), "%d:%d", t, i);
		rc = mosquitto_publish(mosq, NULL, topic, (int)strlen(payload), payload, 1, false);
		if(rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN){
			pthread_mutex_lock(&lock);
			bad_returns++;
			pthread_mutex_unlock(&lock);
			fprintf(stderr, "thread %d message %d: %s\n", t, i, mosquitto_strerror(rc));
		}
		/* About 40 messages a second per thread, so that the takeovers happen meanwhile. */
		sleep_ms(25);
	}
	return NULL;
}

/* The other functions a program calls on the handle while it is in use. */
static void *bystander(void *arg)
{
	struct mosquitto *mosq = arg;
	int n = 0;

	while(!counter_get(&stopping)){
		(void)mosquitto_want_write(mosq);
		(void)mosquitto_socket(mosq);
		(void)mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, n % 2);
		(void)mosquitto_reconnect_delay_set(mosq, 1, 1 + n % 2, false);
		(void)mosquitto_max_inflight_messages_set(mosq, 20 + (unsigned)(n % 3));
		n++;
		sleep_ms(3);
	}
	return NULL;
}

/* Takes the publisher's client id over again and again. */
static void *usurper(void *arg)
{
	struct mosquitto *other;
	(void)arg;

	while(!counter_get(&stopping)){
		sleep_ms(700);
		if(counter_get(&stopping)){
			break;
		}
		other = mosquitto_new(pub_id, false, NULL);
		if(other && mosquitto_connect(other, "127.0.0.1", port, 10) == MOSQ_ERR_SUCCESS){
			/* Read the CONNACK, then leave without DISCONNECT. */
			mosquitto_loop(other, 200, 1);
		}
		mosquitto_destroy(other);
	}
	return NULL;
}

int main(int argc, char *argv[])
{
	struct mosquitto *pub, *sub;
	pthread_t threads[THREADS], side, thief;
	int i, t, lost = 0, doubled = 0, total;

	port = port_argument(argc, argv);
	start_watchdog(170);
	if(argc > 2){
		messages = atoi(argv[2]);
	}
	if(messages < 1 || messages > MAX_MESSAGES){
		fprintf(stderr, "bad message count\n");
		return 1;
	}
	total = THREADS * messages;
	completions = calloc(MAX_MID, 1);
	counter_init(&stopping);
	counter_init(&connects);
	counter_init(&sub_ready);
	snprintf(topic, sizeof(topic), "threads/%ld", (long)getpid());
	snprintf(pub_id, sizeof(pub_id), "threads-pub-%ld", (long)getpid());

	mosquitto_lib_init();
	sub = mosquitto_new(NULL, true, NULL);
	mosquitto_connect_callback_set(sub, on_sub_connect);
	mosquitto_subscribe_callback_set(sub, on_subscribe);
	mosquitto_message_callback_set(sub, on_message);
	if(mosquitto_connect(sub, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS || mosquitto_loop_start(sub) != MOSQ_ERR_SUCCESS){
		fprintf(stderr, "the subscriber cannot connect\n");
		return 1;
	}
	wait_counter(&sub_ready, 1, "the subscriber's SUBACK");

	pub = mosquitto_new(pub_id, false, NULL);
	mosquitto_publish_callback_set(pub, on_publish);
	mosquitto_connect_callback_set(pub, on_connect);
	mosquitto_reconnect_delay_set(pub, 1, 1, false);
	mosquitto_max_inflight_messages_set(pub, 20);
	if(mosquitto_connect(pub, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS || mosquitto_loop_start(pub) != MOSQ_ERR_SUCCESS){
		fprintf(stderr, "the publisher cannot connect\n");
		return 1;
	}
	wait_counter(&connects, 1, "the publisher's CONNACK");

	pthread_create(&side, NULL, bystander, pub);
	pthread_create(&thief, NULL, usurper, NULL);
	for(t = 0; t < THREADS; t++){
		pthread_create(&threads[t], NULL, publisher, pub);
	}
	for(t = 0; t < THREADS; t++){
		pthread_join(threads[t], NULL);
	}
	counter_set(&stopping, 1);
	pthread_join(thief, NULL);
	pthread_join(side, NULL);

	/* Every message completed and received (at most 60 s: reconnections take a second each). */
	for(i = 0; i < 600; i++){
		int done, got = 0;
		pthread_mutex_lock(&lock);
		done = completed;
		for(t = 0; t < THREADS; t++){
			int j;
			for(j = 0; j < messages; j++){
				got += received_once[t][j] > 0;
			}
		}
		pthread_mutex_unlock(&lock);
		if(done >= total && got >= total){
			break;
		}
		sleep_ms(100);
	}
	sleep_ms(300);
	mosquitto_disconnect(pub);
	mosquitto_loop_stop(pub, false);
	mosquitto_disconnect(sub);
	mosquitto_loop_stop(sub, false);

	pthread_mutex_lock(&lock);
	for(t = 0; t < THREADS; t++){
		for(i = 0; i < messages; i++){
			if(received_once[t][i] == 0){
				lost++;
			}else if(received_once[t][i] > 1){
				doubled += received_once[t][i] - 1;
			}
		}
	}
	printf("threads %d messages %d connects %d completed %d repeated %d received %d lost %d doubled %d bad returns %d\n",
			THREADS, total, counter_get(&connects), completed, repeated, received_total, lost, doubled, bad_returns);
	pthread_mutex_unlock(&lock);

	mosquitto_destroy(pub);
	mosquitto_destroy(sub);
	mosquitto_lib_cleanup();
	free(completions);
	if(lost || completed != total || repeated || bad_returns){
		fprintf(stderr, "FAILED: lost %d, completed %d of %d, repeated %d, bad returns %d\n",
				lost, completed, total, repeated, bad_returns);
		return 1;
	}
	if(counter_get(&connects) < 2){
		fprintf(stderr, "FAILED: the publisher never reconnected\n");
		return 1;
	}
	return 0;
}
