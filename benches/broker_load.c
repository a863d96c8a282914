/*
 * Broker load generator on the libmosquitto API, the same binary for every broker measured.
 *
 * Usage: broker_load [options]
 *   -h HOST -p PORT      the broker (127.0.0.1)
 *   -q QOS               QoS of the publications and the subscriptions (0)
 *   -P NPUB -S NSUB      publishers and subscribers, each a client with its own network thread (1, 1)
 *   -n COUNT             messages published in all, round-robin over the publishers (100000)
 *   -s SIZE              payload bytes, at least 24 (100)
 *   -w                   publisher i sends to BASE/p<i>, subscribers take BASE/# (default: all
 *                        on BASE/t)
 *   -W WINDOW            most deliveries outstanding (published x NSUB - received) before the
 *                        publishing thread waits for half of them (20000)
 *   -r RATE              publish at RATE messages per second instead of as fast as the window
 *                        allows, and report publish-to-delivery latencies
 *   -b PID               the broker's process: its CPU time from right before the first publish
 *                        to right after the last delivery, and its resident memory at the end
 *   -c CAFILE            TLS, verifying the broker with these CA certificates
 *   -N                   set TCP_NODELAY on the clients' sockets (MOSQ_OPT_TCP_NODELAY)
 *   -L DIR               refuse to run unless the libmosquitto.so.1 mapped into this process
 *                        lies in DIR (the library under test, not another one on the system)
 *
 * Every payload carries a marker, the index of the message and its publish time. Each
 * subscriber keeps a bit per message: a message counts as delivered the first time it
 * arrives intact; duplicates, corrupt payloads and missing messages are counted and reported.
 * Prints one line of key=value pairs; exit status 0 only when every subscriber got every
 * message exactly once, 1 on error, 3 when messages were missing or wrong.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <limits.h>
#include <link.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MARKER 0x6d71626cu /* "mqbl" */
#define HEADER_BYTES 24
#define DEADLINE_S 150.0

struct subscriber {
	struct mosquitto *mosq;
	uint8_t *seen; /* one bit per message index */
	uint64_t *latency_ns; /* in rate mode: one entry per delivery */
	long delivered, duplicates, corrupt, latencies;
};

static int qos, npub, nsub, size, nodelay;
static long count, window;
static char filter[96];
static struct subscriber *subs;
static atomic_long received, acknowledged;
static atomic_int subscribed, connected_pubs;
static atomic_long last_delivery_ns;
/* The publishing thread sleeps until `received` reaches `wake_at` (0: not waiting). */
static atomic_long wake_at;
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double own_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
		+ (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* A process's CPU seconds: the run time of each of its threads (schedstat, in nanoseconds),
 * else utime + stime in clock ticks. */
static double broker_cpu_s(int pid)
{
	char path[96];
	double total = 0;
	int threads = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	if(d){
		struct dirent *e;
		while((e = readdir(d))){
			if(e->d_name[0] == '.'){
				continue;
			}
			char file[400];
			unsigned long long ns;
			snprintf(file, sizeof(file), "%s/%s/schedstat", path, e->d_name);
			FILE *f = fopen(file, "r");
			if(f){
				if(fscanf(f, "%llu", &ns) == 1){
					total += (double)ns / 1e9;
					threads++;
				}
				fclose(f);
			}
		}
		closedir(d);
	}
	if(threads){
		return total;
	}
	char stat[2048];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if(!f){
		return -1;
	}
	size_t got = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[got] = '\0';
	char *p = strrchr(stat, ')');
	unsigned long ut = 0, st = 0;
	/* After the command: state is field 3; utime and stime are fields 14 and 15. */
	if(!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2){
		return -1;
	}
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long status_kb(int pid, const char *key)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if(!f){
		return -1;
	}
	while(fgets(line, sizeof(line), f)){
		if(!strncmp(line, key, strlen(key))){
			kb = atol(line + strlen(key));
		}
	}
	fclose(f);
	return kb;
}

/* The path of the libmosquitto.so.1 the dynamic linker mapped into this process. */
static int find_library(struct dl_phdr_info *info, size_t len, void *out)
{
	(void)len;
	if(info->dlpi_name && strstr(info->dlpi_name, "libmosquitto.so")){
		snprintf(out, PATH_MAX, "%s", info->dlpi_name);
		return 1;
	}
	return 0;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
	struct subscriber *s = obj;
	uint32_t marker, index_hi, index_lo;
	uint64_t sent;
	(void)m;
	if(msg->payloadlen != size){
		s->corrupt++;
		return;
	}
	const uint8_t *p = msg->payload;
	memcpy(&marker, p, 4);
	memcpy(&index_hi, p + 4, 4);
	memcpy(&index_lo, p + 8, 4);
	memcpy(&sent, p + 16, 8);
	long index = (long)(((uint64_t)index_hi << 32) | index_lo);
	if(marker != MARKER || index < 0 || index >= count || p[size - 1] != (uint8_t)(index & 0xff)){
		s->corrupt++;
		return;
	}
	uint8_t bit = (uint8_t)(1u << (index & 7));
	if(s->seen[index >> 3] & bit){
		s->duplicates++;
		return;
	}
	s->seen[index >> 3] |= bit;
	s->delivered++;
	uint64_t t = mono_ns();
	if(s->latency_ns){
		s->latency_ns[s->latencies++] = t - sent;
	}
	atomic_store(&last_delivery_ns, (long)t);
	long r = atomic_fetch_add(&received, 1) + 1;
	long w = atomic_load(&wake_at);
	if(w && r >= w){
		pthread_mutex_lock(&wake_lock);
		pthread_cond_signal(&wake);
		pthread_mutex_unlock(&wake_lock);
	}
}

/* Wait until `target` messages were received or the deadline passed; 0 on timeout. */
static int wait_received(long target, uint64_t deadline)
{
	int ok = 1;
	pthread_mutex_lock(&wake_lock);
	atomic_store(&wake_at, target);
	while(atomic_load(&received) < target){
		if(mono_ns() > deadline){
			ok = 0;
			break;
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 5000000;
		if(until.tv_nsec >= 1000000000){
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&wake, &wake_lock, &until);
	}
	atomic_store(&wake_at, 0);
	pthread_mutex_unlock(&wake_lock);
	return ok;
}

static void on_subscriber_connect(struct mosquitto *m, void *obj, int rc)
{
	(void)obj;
	if(rc == 0){
		mosquitto_subscribe(m, NULL, filter, qos);
	}else{
		fprintf(stderr, "subscriber refused: %d\n", rc);
	}
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int n, const int *granted)
{
	(void)m; (void)obj; (void)mid;
	if(n == 1 && granted[0] == qos){
		atomic_fetch_add(&subscribed, 1);
	}else{
		fprintf(stderr, "subscription granted QoS %d, not %d\n", n > 0 ? granted[0] : -1, qos);
	}
}

static void on_publisher_connect(struct mosquitto *m, void *obj, int rc)
{
	(void)m; (void)obj;
	if(rc == 0){
		atomic_fetch_add(&connected_pubs, 1);
	}else{
		fprintf(stderr, "publisher refused: %d\n", rc);
	}
}

static void on_publish(struct mosquitto *m, void *obj, int mid)
{
	(void)m; (void)obj; (void)mid;
	atomic_fetch_add(&acknowledged, 1);
}

static void pause_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&ts, NULL);
}

static struct mosquitto *client(const char *id, void *obj, const char *cafile)
{
	struct mosquitto *m = mosquitto_new(id, true, obj);
	if(!m){
		return NULL;
	}
	mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	if(nodelay){
		mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
	}
	if(cafile && mosquitto_tls_set(m, cafile, NULL, NULL, NULL, NULL) != MOSQ_ERR_SUCCESS){
		mosquitto_destroy(m);
		return NULL;
	}
	return m;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *host = "127.0.0.1", *cafile = NULL, *libdir = NULL;
	int port = 1883, wildcard = 0, broker_pid = 0, opt, i;
	double rate = 0;
	char base[64], lib[PATH_MAX] = "none";

	qos = 0; npub = 1; nsub = 1; size = 100; count = 100000; window = 20000;
	while((opt = getopt(argc, argv, "h:p:q:P:S:n:s:wW:r:b:c:L:N")) != -1){
		switch(opt){
		case 'h': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'q': qos = atoi(optarg); break;
		case 'P': npub = atoi(optarg); break;
		case 'S': nsub = atoi(optarg); break;
		case 'n': count = atol(optarg); break;
		case 's': size = atoi(optarg); break;
		case 'w': wildcard = 1; break;
		case 'W': window = atol(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'b': broker_pid = atoi(optarg); break;
		case 'c': cafile = optarg; break;
		case 'L': libdir = optarg; break;
		case 'N': nodelay = 1; break;
		default: fprintf(stderr, "see the comment at the top of broker_load.c\n"); return 1;
		}
	}
	if(size < HEADER_BYTES || npub < 1 || nsub < 1 || count < 1 || window < 2 || qos < 0 || qos > 2){
		fprintf(stderr, "bad arguments\n");
		return 1;
	}

	mosquitto_lib_init();
	dl_iterate_phdr(find_library, lib);
	if(libdir){
		char want[PATH_MAX], got[PATH_MAX];
		size_t n;
		if(!realpath(libdir, want) || !realpath(lib, got) || strncmp(want, got, n = strlen(want)) != 0
				|| got[n] != '/'){
			fprintf(stderr, "loaded %s, not the library in %s\n", lib, libdir);
			return 1;
		}
	}

	snprintf(base, sizeof(base), "load/%d", (int)getpid());
	snprintf(filter, sizeof(filter), wildcard ? "%s/#" : "%s/t", base);
	subs = calloc((size_t)nsub, sizeof(*subs));
	struct mosquitto **pubs = calloc((size_t)npub, sizeof(*pubs));
	char (*topics)[96] = calloc((size_t)npub, sizeof(*topics));
	if(!subs || !pubs || !topics){
		return 1;
	}
	for(i = 0; i < nsub; i++){
		char id[64];
		struct subscriber *s = &subs[i];
		s->seen = calloc((size_t)count / 8 + 1, 1);
		if(rate > 0){
			s->latency_ns = calloc((size_t)count, sizeof(uint64_t));
		}
		snprintf(id, sizeof(id), "load-%d-s%d", (int)getpid(), i);
		s->mosq = client(id, s, cafile);
		if(!s->seen || (rate > 0 && !s->latency_ns) || !s->mosq){
			fprintf(stderr, "subscriber setup failed\n");
			return 1;
		}
		mosquitto_connect_callback_set(s->mosq, on_subscriber_connect);
		mosquitto_subscribe_callback_set(s->mosq, on_subscribe);
		mosquitto_message_callback_set(s->mosq, on_message);
		if(mosquitto_connect(s->mosq, host, port, 60) != MOSQ_ERR_SUCCESS
				|| mosquitto_loop_start(s->mosq) != MOSQ_ERR_SUCCESS){
			fprintf(stderr, "subscriber %d could not connect\n", i);
			return 1;
		}
	}
	for(i = 0; i < npub; i++){
		char id[64];
		snprintf(id, sizeof(id), "load-%d-p%d", (int)getpid(), i);
		pubs[i] = client(id, NULL, cafile);
		if(!pubs[i]){
			return 1;
		}
		/* Room for a throughput-minded sender (the library's default is 20). */
		mosquitto_max_inflight_messages_set(pubs[i], 100);
		mosquitto_connect_callback_set(pubs[i], on_publisher_connect);
		mosquitto_publish_callback_set(pubs[i], on_publish);
		if(wildcard){
			snprintf(topics[i], sizeof(topics[i]), "%s/p%d", base, i);
		}else{
			snprintf(topics[i], sizeof(topics[i]), "%s/t", base);
		}
		if(mosquitto_connect(pubs[i], host, port, 60) != MOSQ_ERR_SUCCESS
				|| mosquitto_loop_start(pubs[i]) != MOSQ_ERR_SUCCESS){
			fprintf(stderr, "publisher %d could not connect\n", i);
			return 1;
		}
	}
	uint64_t wait0 = mono_ns();
	while(atomic_load(&subscribed) < nsub || atomic_load(&connected_pubs) < npub){
		if(mono_ns() - wait0 > 30000000000ull){
			fprintf(stderr, "not ready: %d/%d subscribed, %d/%d publishers\n",
					atomic_load(&subscribed), nsub, atomic_load(&connected_pubs), npub);
			return 1;
		}
		pause_us(1000);
	}
	pause_us(200000);

	uint8_t *payload = malloc((size_t)size);
	if(!payload){
		return 1;
	}
	memset(payload, 'x', (size_t)size);
	put_u32(payload, MARKER);

	long expected = count * nsub;
	double cpu0 = broker_pid ? broker_cpu_s(broker_pid) : 0, own0 = own_cpu_s();
	uint64_t t0 = mono_ns(), deadline = t0 + (uint64_t)(DEADLINE_S * 1e9);
	int timed_out = 0;
	for(long n = 0; n < count && !timed_out; n++){
		if(rate > 0){
			uint64_t due = t0 + (uint64_t)((double)n * 1e9 / rate);
			uint64_t t = mono_ns();
			if(due > t){
				pause_us((long)((due - t) / 1000));
			}
		}
		/* Keep at most `window` deliveries outstanding; wait for half of them to arrive. */
		if((n + 1) * nsub - atomic_load(&received) > window){
			if(!wait_received((n + 1) * nsub - window / 2, deadline)){
				timed_out = 1;
			}
		}
		put_u32(payload + 4, (uint32_t)((uint64_t)n >> 32));
		put_u32(payload + 8, (uint32_t)n);
		put_u64(payload + 16, mono_ns());
		payload[size - 1] = (uint8_t)(n & 0xff);
		int rc = mosquitto_publish(pubs[n % npub], NULL, topics[n % npub], size, payload, qos, false);
		if(rc != MOSQ_ERR_SUCCESS){
			fprintf(stderr, "publish: %s\n", mosquitto_strerror(rc));
			return 1;
		}
	}
	wait_received(expected, deadline);
	while(qos > 0 && atomic_load(&acknowledged) < count && mono_ns() < deadline){
		pause_us(1000);
	}
	uint64_t t_end = atomic_load(&received) >= expected ? (uint64_t)atomic_load(&last_delivery_ns) : mono_ns();
	double cpu1 = broker_pid ? broker_cpu_s(broker_pid) : 0, own1 = own_cpu_s();

	/* Let stragglers (duplicates) arrive before the subscribers are looked at. */
	pause_us(100000);
	for(i = 0; i < npub; i++){
		mosquitto_disconnect(pubs[i]);
		mosquitto_loop_stop(pubs[i], false);
	}
	for(i = 0; i < nsub; i++){
		mosquitto_disconnect(subs[i].mosq);
		mosquitto_loop_stop(subs[i].mosq, false);
	}

	long delivered = 0, duplicates = 0, corrupt = 0, nlat = 0;
	for(i = 0; i < nsub; i++){
		delivered += subs[i].delivered;
		duplicates += subs[i].duplicates;
		corrupt += subs[i].corrupt;
		nlat += subs[i].latencies;
	}
	double elapsed = (double)(t_end - t0) / 1e9;
	double per = delivered ? (double)delivered : 1.0;
	printf("qos=%d npub=%d nsub=%d size=%d tls=%d count=%ld expected=%ld delivered=%ld duplicates=%ld corrupt=%ld "
			"msgs_per_s=%.0f broker_cpu_us_per_msg=%.3f gen_cpu_us_per_msg=%.3f broker_rss_kb=%ld broker_hwm_kb=%ld",
			qos, npub, nsub, size, cafile != NULL, count, expected, delivered, duplicates, corrupt,
			(double)delivered / elapsed, broker_pid ? (cpu1 - cpu0) * 1e6 / per : -1.0, (own1 - own0) * 1e6 / per,
			broker_pid ? status_kb(broker_pid, "VmRSS:") : -1, broker_pid ? status_kb(broker_pid, "VmHWM:") : -1);
	if(rate > 0 && nlat > 0){
		uint64_t *all = malloc((size_t)nlat * sizeof(uint64_t));
		long k = 0;
		if(!all){
			return 1;
		}
		for(i = 0; i < nsub; i++){
			memcpy(all + k, subs[i].latency_ns, (size_t)subs[i].latencies * sizeof(uint64_t));
			k += subs[i].latencies;
		}
		qsort(all, (size_t)nlat, sizeof(uint64_t), cmp_u64);
		printf(" rate=%.0f p50_us=%.1f p99_us=%.1f max_us=%.1f", rate, all[nlat / 2] / 1e3,
				all[(long)((double)nlat * 0.99)] / 1e3, all[nlat - 1] / 1e3);
		free(all);
	}
	printf(" lib=%s\n", lib);
	fflush(stdout);

	for(i = 0; i < npub; i++){
		mosquitto_destroy(pubs[i]);
	}
	for(i = 0; i < nsub; i++){
		mosquitto_destroy(subs[i].mosq);
		free(subs[i].seen);
		free(subs[i].latency_ns);
	}
	free(subs);
	free(pubs);
	free(topics);
	free(payload);
	mosquitto_lib_cleanup();
	return (delivered == expected && duplicates == 0 && corrupt == 0) ? 0 : 3;
}
