/*
 * Throughput benchmark for any libmosquitto-compatible library.
 *
 * Usage: throughput HOST PORT QOS COUNT [PAYLOAD_BYTES] [PROTOCOL] [CAFILE]
 *
 * One process, two clients, each with its own network thread (mosquitto_loop_start): a
 * receiver subscribed to a private topic, and a sender that publishes COUNT messages of
 * PAYLOAD_BYTES (default 100) at QOS as fast as mosquitto_publish accepts them. The
 * measurement runs from the first publish until the receiver has seen every message and the
 * sender has seen every publish callback. With CAFILE, both clients use TLS
 * (mosquitto_tls_set) and verify the server with the CA certificates in that file. It prints
 * one line of key=value pairs:
 *
 *   msgs_per_s      end-to-end message rate
 *   cpu_us_per_msg  user+system CPU time of the whole process per message
 *   publish_s       time spent in the publish calls
 *   lib             the libmosquitto.so.1 the process mapped (from /proc/self/maps)
 *
 * Built against the mosquitto.h of either library; the library it runs on is chosen with
 * LD_LIBRARY_PATH. With BENCH_PERSISTENT=1 in the environment both clients have persistent
 * sessions (clean session false). Exit status: 0 when every message arrived, 1 on error, 3 on timeout.
 */
#define _POSIX_C_SOURCE 200809L

#include <mosquitto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct counters {
	pthread_mutex_t lock;
	long received;
	long completed;
	int subscribed;
	int sender_ready;
	double last_receipt;
};

static struct counters counters = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0, 0.0};
static int bench_qos;
static long wanted;
static char topic[64];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
		+ (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void receiver_connected(struct mosquitto *m, void *ud, int rc)
{
	(void)ud;
	if(rc == 0){
		mosquitto_subscribe(m, NULL, topic, bench_qos);
	}
}

static void receiver_subscribed(struct mosquitto *m, void *ud, int mid, int n, const int *granted)
{
	(void)m; (void)ud; (void)mid; (void)n; (void)granted;
	pthread_mutex_lock(&counters.lock);
	counters.subscribed = 1;
	pthread_mutex_unlock(&counters.lock);
}

static void receiver_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg)
{
	(void)m; (void)ud; (void)msg;
	pthread_mutex_lock(&counters.lock);
	if(++counters.received == wanted){
		counters.last_receipt = now_s();
	}
	pthread_mutex_unlock(&counters.lock);
}

static void sender_connected(struct mosquitto *m, void *ud, int rc)
{
	(void)m; (void)ud;
	if(rc == 0){
		pthread_mutex_lock(&counters.lock);
		counters.sender_ready = 1;
		pthread_mutex_unlock(&counters.lock);
	}
}

static void sender_published(struct mosquitto *m, void *ud, int mid)
{
	(void)m; (void)ud; (void)mid;
	pthread_mutex_lock(&counters.lock);
	counters.completed++;
	pthread_mutex_unlock(&counters.lock);
}

/* Wait until pred() holds or `limit` seconds pass; returns whether it held. */
static int wait_for(int (*pred)(void), double limit)
{
	double start = now_s();
	while(!pred()){
		if(now_s() - start > limit){
			return 0;
		}
		struct timespec pause = {0, 200000};
		nanosleep(&pause, NULL);
	}
	return 1;
}

static int both_ready(void)
{
	int r;
	pthread_mutex_lock(&counters.lock);
	r = counters.subscribed && counters.sender_ready;
	pthread_mutex_unlock(&counters.lock);
	return r;
}

static int all_done(void)
{
	int r;
	pthread_mutex_lock(&counters.lock);
	r = counters.received >= wanted && counters.completed >= wanted;
	pthread_mutex_unlock(&counters.lock);
	return r;
}

static void mapped_library(char *out, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	snprintf(out, len, "unknown");
	if(!f){
		return;
	}
	while(fgets(line, sizeof(line), f)){
		char *p = strstr(line, "libmosquitto.so");
		if(p){
			char *path = strchr(line, '/');
			if(path){
				path[strcspn(path, "\n")] = '\0';
				snprintf(out, len, "%s", path);
			}
			break;
		}
	}
	fclose(f);
}

static struct mosquitto *make_client(const char *id, int protocol, const char *cafile)
{
	/* BENCH_PERSISTENT=1: persistent sessions (what a broker's persistence keeps). */
	const char *persistent = getenv("BENCH_PERSISTENT");
	bool clean = !(persistent && persistent[0] == '1');
	struct mosquitto *m = mosquitto_new(id, clean, NULL);
	if(m){
		mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, protocol);
		if(cafile){
			int rc = mosquitto_tls_set(m, cafile, NULL, NULL, NULL, NULL);
			if(rc != MOSQ_ERR_SUCCESS){
				fprintf(stderr, "mosquitto_tls_set: %s\n", mosquitto_strerror(rc));
				mosquitto_destroy(m);
				return NULL;
			}
		}
	}
	return m;
}

int main(int argc, char **argv)
{
	const char *host, *cafile;
	int port, size, protocol;
	struct mosquitto *rx, *tx;
	char *payload;
	double t0, t_pub, t_end, c0, c1;
	char lib[400];
	long i;
	int rc;

	if(argc < 5){
		fprintf(stderr, "usage: %s HOST PORT QOS COUNT [PAYLOAD_BYTES] [PROTOCOL] [CAFILE]\n", argv[0]);
		return 1;
	}
	host = argv[1];
	port = atoi(argv[2]);
	bench_qos = atoi(argv[3]);
	wanted = atol(argv[4]);
	size = argc > 5 ? atoi(argv[5]) : 100;
	protocol = argc > 6 ? atoi(argv[6]) : MQTT_PROTOCOL_V311;
	cafile = argc > 7 && argv[7][0] ? argv[7] : NULL;
	snprintf(topic, sizeof(topic), "bench/%ld/q%d", (long)getpid(), bench_qos);

	mosquitto_lib_init();
	rx = make_client("bench-rx", protocol, cafile);
	tx = make_client("bench-tx", protocol, cafile);
	if(!rx || !tx){
		fprintf(stderr, "mosquitto_new failed\n");
		return 1;
	}
	/* Let the sender keep plenty of messages in flight, as a throughput-minded client would. */
	mosquitto_max_inflight_messages_set(tx, 100);
	mosquitto_connect_callback_set(rx, receiver_connected);
	mosquitto_subscribe_callback_set(rx, receiver_subscribed);
	mosquitto_message_callback_set(rx, receiver_message);
	mosquitto_connect_callback_set(tx, sender_connected);
	mosquitto_publish_callback_set(tx, sender_published);

	if((rc = mosquitto_connect(rx, host, port, 60)) != MOSQ_ERR_SUCCESS
			|| (rc = mosquitto_connect(tx, host, port, 60)) != MOSQ_ERR_SUCCESS){
		fprintf(stderr, "connect failed: %s\n", mosquitto_strerror(rc));
		return 1;
	}
	mosquitto_loop_start(rx);
	mosquitto_loop_start(tx);
	if(!wait_for(both_ready, 10.0)){
		fprintf(stderr, "clients not ready\n");
		return 1;
	}

	payload = malloc(size > 0 ? (size_t)size : 1);
	if(!payload){
		return 1;
	}
	memset(payload, 'p', size > 0 ? (size_t)size : 1);

	c0 = cpu_s();
	t0 = now_s();
	for(i = 0; i < wanted; i++){
		rc = mosquitto_publish(tx, NULL, topic, size, payload, bench_qos, false);
		if(rc != MOSQ_ERR_SUCCESS){
			fprintf(stderr, "publish failed: %s\n", mosquitto_strerror(rc));
			return 1;
		}
	}
	t_pub = now_s();
	rc = wait_for(all_done, 120.0);
	t_end = counters.last_receipt > t0 ? counters.last_receipt : now_s();
	c1 = cpu_s();

	mapped_library(lib, sizeof(lib));
	printf("qos=%d size=%d tls=%d count=%ld received=%ld msgs_per_s=%.0f cpu_us_per_msg=%.3f publish_s=%.3f lib=%s\n",
			bench_qos, size, cafile != NULL, wanted, counters.received,
			(double)counters.received / (t_end - t0), (c1 - c0) * 1e6 / (double)wanted,
			t_pub - t0, lib);

	mosquitto_disconnect(tx);
	mosquitto_disconnect(rx);
	mosquitto_loop_stop(tx, false);
	mosquitto_loop_stop(rx, false);
	mosquitto_destroy(tx);
	mosquitto_destroy(rx);
	mosquitto_lib_cleanup();
	free(payload);
	return rc ? 0 : 3;
}
