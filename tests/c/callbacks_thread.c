/* differential broker */
/*
 * Which thread runs the callbacks. With mosquitto_loop_start(), libmosquitto 2.0 runs every
 * callback in its loop thread: a function called from another thread (publish, subscribe,
 * unsubscribe, options) only queues its packet and wakes the loop thread. Programs rely on it:
 * a program that holds its own mutex around mosquitto_publish() and takes the same mutex in
 * on_message() must not find on_message() running inside that mosquitto_publish().
 *
 * The client subscribes to its own topic; an application thread publishes at QoS 0, 1 and 2
 * and subscribes and unsubscribes, each call under the application's mutex, while the
 * messages, acknowledgements and SUBACKs/UNSUBACKs keep coming back. Every callback notes
 * whether it runs in the loop thread and takes the same mutex (with a trylock first, so that a
 * callback inside a call made under the mutex is counted rather than deadlocking).
 *
 * The log callback, unlike the others, runs in the thread whose call wrote the line: the
 * publishing thread sees "sending PUBLISH" lines.
 *
 * Prints the counts that do not depend on timing; the same on every correct libmosquitto 2.0.
 * Usage: callbacks_thread PORT
 * Exit status: 0 when everything awaited happened; 1 on a timeout.
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

#define ROUNDS 5000

static int port;
static char base[96];
static pthread_mutex_t app_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t loop_thread;
static struct counter loop_known;
static struct counter outside_loop;
static struct counter under_app_lock;
static struct counter messages;
static struct counter acks;
static struct counter subacks;
static struct counter unsubacks;
static struct counter logs_in_app;
static pthread_t app_thread;

/* What every callback does: note where it runs, then take the application's mutex. */
static void enter(void)
{
	if(counter_get(&loop_known) && !pthread_equal(pthread_self(), loop_thread)){
		counter_add(&outside_loop, 1);
	}
	if(pthread_mutex_trylock(&app_lock) != 0){
		/* Held: by the application thread (then this waits for it, as a program would), or by
		 * this very thread inside a call it made under the mutex (then waiting would never
		 * end). */
		if(!pthread_equal(pthread_self(), loop_thread)){
			counter_add(&under_app_lock, 1);
			return;
		}
		pthread_mutex_lock(&app_lock);
	}
	pthread_mutex_unlock(&app_lock);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	char topic[160];

	(void)obj;
	(void)rc;
	loop_thread = pthread_self();
	counter_set(&loop_known, 1);
	snprintf(topic, sizeof(topic), "%s#", base);
	mosquitto_subscribe(mosq, NULL, topic, 2);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	(void)mosq;
	(void)obj;
	(void)msg;
	enter();
	counter_add(&messages, 1);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	(void)mosq;
	(void)obj;
	(void)mid;
	enter();
	counter_add(&acks, 1);
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	(void)mosq;
	(void)obj;
	(void)mid;
	(void)count;
	(void)granted;
	enter();
	counter_add(&subacks, 1);
}

static void on_unsubscribe(struct mosquitto *mosq, void *obj, int mid)
{
	(void)mosq;
	(void)obj;
	(void)mid;
	enter();
	counter_add(&unsubacks, 1);
}

/* Log lines, unlike the other callbacks, come from the thread whose call wrote them. */
static void on_log(struct mosquitto *mosq, void *obj, int level, const char *str)
{
	(void)mosq;
	(void)obj;
	(void)level;
	if(pthread_equal(pthread_self(), app_thread) && strstr(str, "sending PUBLISH")){
		counter_add(&logs_in_app, 1);
	}
}

int main(int argc, char *argv[])
{
	struct mosquitto *mosq;
	char topic[160], other[160];
	int i;

	port = port_argument(argc, argv);
	start_watchdog(60);
	setvbuf(stdout, NULL, _IOLBF, 0);
	counter_init(&loop_known);
	counter_init(&outside_loop);
	counter_init(&under_app_lock);
	counter_init(&messages);
	counter_init(&acks);
	counter_init(&subacks);
	counter_init(&unsubacks);
	counter_init(&logs_in_app);
	app_thread = pthread_self();
	snprintf(base, sizeof(base), "cbthread/%ld/", (long)getpid());
	mosquitto_lib_init();
	mosq = mosquitto_new(NULL, true, NULL);
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_message_callback_set(mosq, on_message);
	mosquitto_publish_callback_set(mosq, on_publish);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_unsubscribe_callback_set(mosq, on_unsubscribe);
	mosquitto_log_callback_set(mosq, on_log);
	printf("connect: %d\n", mosquitto_connect(mosq, "127.0.0.1", port, 60));
	printf("loop_start: %d\n", mosquitto_loop_start(mosq));
	wait_counter(&subacks, 1, "the first SUBACK");

	snprintf(topic, sizeof(topic), "%sdata", base);
	snprintf(other, sizeof(other), "%sother/%d", base, 0);
	for(i = 0; i < ROUNDS; i++){
		/* At most 200 messages on their way back: the broker's queue for this client (1000 by
		 * default) must not overflow. */
		while(i - counter_get(&messages) > 200){
			sleep_ms(1);
		}
		pthread_mutex_lock(&app_lock);
		mosquitto_publish(mosq, NULL, topic, 4, "data", i % 3, false);
		if(i % 10 == 0){
			mosquitto_subscribe(mosq, NULL, other, 1);
			mosquitto_unsubscribe(mosq, NULL, other);
		}
		pthread_mutex_unlock(&app_lock);
	}
	wait_counter(&messages, ROUNDS, "every message back");
	wait_counter(&acks, ROUNDS, "every publish callback");
	wait_counter(&subacks, 1 + ROUNDS / 10, "every SUBACK");
	wait_counter(&unsubacks, ROUNDS / 10, "every UNSUBACK");
	printf("disconnect: %d\n", mosquitto_disconnect(mosq));
	printf("loop_stop: %d\n", mosquitto_loop_stop(mosq, false));
	printf("messages %d, publish callbacks %d, subscribe callbacks %d, unsubscribe callbacks %d\n",
			counter_get(&messages), counter_get(&acks), counter_get(&subacks), counter_get(&unsubacks));
	printf("callbacks outside the loop thread: %d\n", counter_get(&outside_loop));
	printf("callbacks inside a call made under the application's mutex: %d\n",
			counter_get(&under_app_lock));
	printf("\"sending PUBLISH\" log lines from the publishing thread: %s\n",
			counter_get(&logs_in_app) ? "yes" : "no");
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	return 0;
}
