/*
 * Memory per idle connected client: N clients connect to a broker and stay idle; the
 * process's resident memory is read from /proc/self/status before and after, and the
 * difference divided by N is printed.
 *
 * Two ways of running the clients, as applications do:
 *   one-thread  one application thread runs mosquitto_loop() over every client
 *   loop-start  every client has its own loop thread (mosquitto_loop_start)
 *
 * Usage: idle_memory PORT N one-thread|loop-start
 * Prints: "<KB per client>" (one number, with one decimal).
 * Built once against the reference header and run on each library (LD_LIBRARY_PATH).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if(!f){
		return -1;
	}
	while(fgets(line, sizeof(line), f)){
		if(!strncmp(line, "VmRSS:", 6)){
			kb = atol(line + 6);
			break;
		}
	}
	fclose(f);
	return kb;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int connected;

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	if(rc == 0){
		__atomic_add_fetch(&connected, 1, __ATOMIC_SEQ_CST);
	}
}

int main(int argc, char *argv[])
{
	struct mosquitto **clients;
	int port, n, i, round, threads;
	long before, after;

	if(argc != 4){
		fprintf(stderr, "usage: %s PORT N one-thread|loop-start\n", argv[0]);
		return 2;
	}
	port = atoi(argv[1]);
	n = atoi(argv[2]);
	threads = !strcmp(argv[3], "loop-start");
	mosquitto_lib_init();
	clients = calloc((size_t)n, sizeof(*clients));
	/* Warm up the allocator and the library with one client first. */
	{
		struct mosquitto *warm = mosquitto_new(NULL, true, NULL);
		mosquitto_connect(warm, "127.0.0.1", port, 60);
		mosquitto_loop(warm, 100, 1);
		mosquitto_disconnect(warm);
		mosquitto_destroy(warm);
	}
	pause_ms(200);
	before = rss_kb();
	for(i = 0; i < n; i++){
		clients[i] = mosquitto_new(NULL, true, NULL);
		mosquitto_connect_callback_set(clients[i], on_connect);
		if(mosquitto_connect(clients[i], "127.0.0.1", port, 600) != MOSQ_ERR_SUCCESS){
			fprintf(stderr, "connect %d failed\n", i);
			return 1;
		}
		if(threads){
			mosquitto_loop_start(clients[i]);
		}
	}
	/* Let every CONNACK arrive, then a few idle rounds. */
	for(round = 0; round < 400 && __atomic_load_n(&connected, __ATOMIC_SEQ_CST) < n; round++){
		if(!threads){
			for(i = 0; i < n; i++){
				mosquitto_loop(clients[i], 0, 1);
			}
		}
		pause_ms(10);
	}
	for(round = 0; round < 5; round++){
		if(!threads){
			for(i = 0; i < n; i++){
				mosquitto_loop(clients[i], 0, 1);
			}
		}
		pause_ms(100);
	}
	after = rss_kb();
	if(__atomic_load_n(&connected, __ATOMIC_SEQ_CST) < n){
		fprintf(stderr, "only %d of %d clients connected\n", connected, n);
		return 1;
	}
	printf("%.1f\n", (double)(after - before) / n);
	for(i = 0; i < n; i++){
		mosquitto_disconnect(clients[i]);
		if(threads){
			mosquitto_loop_stop(clients[i], false);
		}
		mosquitto_destroy(clients[i]);
	}
	free(clients);
	mosquitto_lib_cleanup();
	return 0;
}
