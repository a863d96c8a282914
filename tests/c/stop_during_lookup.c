/*
 * mosquitto_loop_stop(mosq, true) and mosquitto_destroy return promptly even while the loop
 * thread is stuck in a host name lookup, which cannot be interrupted.
 *
 * The program provides its own getaddrinfo (the dynamic linker prefers it to the C library's):
 * for the name "slow.lookup.test", the first call fails at once and later calls take 4 s before
 * failing. mosquitto_connect_async therefore fails quickly, and the loop thread's reconnect
 * attempt (after the 1 s reconnect delay) sits in the slow lookup when the program stops it.
 *
 * Exit status: 0 when both calls returned within 3 s; 1 otherwise.
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>

#define SLOW_NAME "slow.lookup.test"

static int slow_calls;

typedef int (*getaddrinfo_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
	if(node && !strcmp(node, SLOW_NAME)){
		if(__atomic_fetch_add(&slow_calls, 1, __ATOMIC_SEQ_CST) > 0){
			sleep(4);
		}
		return EAI_NONAME;
	}
	getaddrinfo_fn real;
	void *sym = dlsym(RTLD_NEXT, "getaddrinfo");
	/* The POSIX way to turn dlsym's object pointer into a function pointer. */
	memcpy(&real, &sym, sizeof(real));
	return real ? real(node, service, hints, res) : EAI_FAIL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start a client whose loop thread will be inside the slow lookup 1.5 s from now. */
static struct mosquitto *stuck_client(void)
{
	struct mosquitto *m = mosquitto_new(NULL, true, NULL);
	int rc;

	if(!m){
		return NULL;
	}
	__atomic_store_n(&slow_calls, 0, __ATOMIC_SEQ_CST);
	mosquitto_loop_start(m);
	rc = mosquitto_connect_async(m, SLOW_NAME, 1883, 60);
	printf("connect_async: %d\n", rc);
	sleep(1);
	usleep(500000);
	return m;
}

int main(void)
{
	struct mosquitto *m;
	double t0, took;
	int failures = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mosquitto_lib_init();

	m = stuck_client();
	if(!m){
		return 1;
	}
	t0 = now_s();
	printf("loop_stop(force): %d\n", mosquitto_loop_stop(m, true));
	took = now_s() - t0;
	printf("loop_stop returned within 3 s: %s\n", took < 3.0 ? "yes" : "no");
	failures += took >= 3.0;
	mosquitto_destroy(m);

	m = stuck_client();
	if(!m){
		return 1;
	}
	t0 = now_s();
	mosquitto_destroy(m);
	took = now_s() - t0;
	printf("destroy returned within 3 s: %s\n", took < 3.0 ? "yes" : "no");
	failures += took >= 3.0;

	mosquitto_lib_cleanup();
	return failures ? 1 : 0;
}
