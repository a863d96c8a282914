/*
 * Small helpers shared by the C test programs in tests/c: a mutex-protected counter that
 * callbacks bump and the main thread waits on (with a time limit), and a watchdog.
 *
 * The including program defines _POSIX_C_SOURCE (200809L) before any system header.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* How long any single wait may take. */
#define WAIT_SECONDS 10

struct counter {
	pthread_mutex_t lock;
	int value;
};

static inline void counter_init(struct counter *c)
{
	pthread_mutex_init(&c->lock, NULL);
	c->value = 0;
}

static inline void counter_add(struct counter *c, int n)
{
	pthread_mutex_lock(&c->lock);
	c->value += n;
	pthread_mutex_unlock(&c->lock);
}

static inline void counter_set(struct counter *c, int value)
{
	pthread_mutex_lock(&c->lock);
	c->value = value;
	pthread_mutex_unlock(&c->lock);
}

static inline int counter_get(struct counter *c)
{
	int v;

	pthread_mutex_lock(&c->lock);
	v = c->value;
	pthread_mutex_unlock(&c->lock);
	return v;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while(nanosleep(&ts, &ts) == -1){
	}
}

/* Wait until the counter reaches target (at most WAIT_SECONDS). On timeout print what was
 * awaited to stdout and exit with status 1. */
static inline void wait_counter(struct counter *c, int target, const char *what)
{
	int i;

	for(i = 0; i < WAIT_SECONDS * 200; i++){
		if(counter_get(c) >= target){
			return;
		}
		sleep_ms(5);
	}
	printf("TIMEOUT waiting for %s (%d of %d)\n", what, counter_get(c), target);
	fflush(stdout);
	exit(1);
}

/* Kill the program (SIGALRM) if it runs longer than the given number of seconds. */
static inline void start_watchdog(unsigned seconds)
{
	alarm(seconds);
}

/* The broker port from argv[1], or exit with a usage message. */
static inline int port_argument(int argc, char *argv[])
{
	int port;

	if(argc < 2 || (port = atoi(argv[1])) <= 0 || port > 65535){
		fprintf(stderr, "usage: %s PORT (an MQTT broker on 127.0.0.1)\n", argc > 0 ? argv[0] : "test");
		exit(2);
	}
	return port;
}

#endif
