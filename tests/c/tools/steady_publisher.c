/*
 * A publisher with a persistent session, as gateways run one on a flaky link: a fixed client id,
 * clean session off, the loop thread reconnecting with mosquitto_reconnect_delay_set(1, 2), and
 * a numbered sequence of messages published at a steady rate from the main thread whatever
 * mosquitto_publish returns. Built against either library by tests/link_cuts.rs.
 *
 * Usage: steady_publisher HOST PORT QOS COUNT RATE CLIENT_ID TOPIC
 * Payloads are the decimal numbers 0 .. COUNT-1. Once every message has been published it waits
 * (at most 60 s) for the publish callback of each, then disconnects, and prints one line:
 *   published COUNT nonzero NONZERO completed COMPLETED repeated REPEATED codes CODES
 * where CODES lists the nonzero return codes seen (code:count,...).
 * Exit status: 0, or 2 on bad arguments or a failed first connection.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>

#include "../support/testutil.h"

#define MAX_MID 65536

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *completions;
static int completed, repeated;

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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[])
{
	struct mosquitto *mosq;
	int port, qos, count, rate, i, rc, nonzero = 0;
	int codes[64] = {0};
	double start;
	char payload[16];

	if(argc != 8){
		fprintf(stderr, "usage: %s HOST PORT QOS COUNT RATE CLIENT_ID TOPIC\n", argv[0]);
		return 2;
	}
	port = atoi(argv[2]);
	qos = atoi(argv[3]);
	count = atoi(argv[4]);
	rate = atoi(argv[5]);
	if(count < 1 || count >= MAX_MID || rate < 1 || qos < 1 || qos > 2){
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	completions = calloc(MAX_MID, 1);
	mosquitto_lib_init();
	mosq = mosquitto_new(argv[6], false, NULL);
	mosquitto_publish_callback_set(mosq, on_publish);
	mosquitto_reconnect_delay_set(mosq, 1, 2, false);
	for(i = 0; i < 20; i++){
		rc = mosquitto_connect(mosq, argv[1], port, 10);
		if(rc == MOSQ_ERR_SUCCESS){
			break;
		}
		sleep_ms(250);
	}
	if(rc != MOSQ_ERR_SUCCESS){
		fprintf(stderr, "connect failed: %s\n", mosquitto_strerror(rc));
		return 2;
	}
	mosquitto_loop_start(mosq);
	start = now_s();
	for(i = 0; i < count; i++){
		double due = start + (double)i / rate;
		double wait = due - now_s();
		if(wait > 0){
			sleep_ms((long)(wait * 1000));
		}
		snprintf(payload, sizeof(payload), "%d", i);
		rc = mosquitto_publish(mosq, NULL, argv[7], (int)strlen(payload), payload, qos, false);
		if(rc != MOSQ_ERR_SUCCESS){
			nonzero++;
			codes[rc >= 0 && rc < 64 ? rc : 63]++;
		}
	}
	for(i = 0; i < 600; i++){
		int done;
		pthread_mutex_lock(&lock);
		done = completed;
		pthread_mutex_unlock(&lock);
		if(done >= count){
			break;
		}
		sleep_ms(100);
	}
	mosquitto_disconnect(mosq);
	mosquitto_loop_stop(mosq, false);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	printf("published %d nonzero %d completed %d repeated %d codes ", count, nonzero, completed, repeated);
	for(i = 0; i < 64; i++){
		if(codes[i]){
			printf("%d:%d,", i, codes[i]);
		}
	}
	printf("\n");
	free(completions);
	return 0;
}
