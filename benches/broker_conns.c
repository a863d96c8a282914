/*
 * Many connections to one broker, on the libmosquitto API: worker processes (as many as the file
 * limit requires: a client of this library holds four descriptors), each running its share of
 * the clients from one thread, mosquitto_socket() of every client in one epoll set,
 * mosquitto_loop_read()/mosquitto_loop_write() when a socket is ready. The clients bind to
 * several loopback source addresses (127.S.0.2, 127.S.0.3, ...) so that more connections than one
 * address has ephemeral ports can reach the broker. S changes from run to run: a port bound
 * without a destination must be free on its address, and the connections of the last run
 * still hold theirs (TIME_WAIT) for a minute.
 *
 * Usage: broker_conns -p PORT -n N [-b BROKER_PID] [-a ADDRESSES] [-t SECONDS] [-L DIR]
 *   -n N          connections, made at most 64 at a time per worker (each waits for its CONNACK)
 *   -b PID        the broker: its resident memory, and the kernel's memory (/proc/meminfo Slab
 *                 plus the TCP socket buffers of /proc/net/sockstat), before and after (the
 *                 clients are made first, then measured from, then connected)
 *   -a ADDRESSES  source addresses to spread the connections over (N / 10000 + 1: bind() takes
 *                 its ports from half of the ephemeral range)
 *   -t SECONDS    then every client publishes one 100-byte QoS 0 message a second, for
 *                 SECONDS, to a topic of its own; one more client subscribed to them all counts
 *                 the deliveries; the broker's resident memory is sampled every 5 s
 *   -L DIR        refuse to run unless the libmosquitto.so.1 mapped lies in DIR
 *
 * Prints key=value pairs on one line; exit status 0 when every connection was accepted (and
 * every message published was delivered), else 1 or 3.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <link.h>
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PARALLEL 64
/* Descriptors a client of this library holds (socket, epoll instance and its clone, eventfd). */
#define FDS_PER_CLIENT 4

static long connected, refused, delivered;

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long file_kb(const char *path, const char *key)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen(path, "r");
	if(!f){
		return -1;
	}
	while(fgets(line, sizeof(line), f)){
		if(!strncmp(line, key, strlen(key))){
			kb = atol(line + strlen(key));
			break;
		}
	}
	fclose(f);
	return kb;
}

static long broker_rss_kb(int pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	return file_kb(path, "VmRSS:");
}

/* Kernel memory that grows with sockets: slab objects, plus pages of TCP socket buffers. */
static long kernel_kb(void)
{
	char line[256];
	long pages = 0;
	long slab = file_kb("/proc/meminfo", "Slab:");
	FILE *f = fopen("/proc/net/sockstat", "r");
	if(f){
		while(fgets(line, sizeof(line), f)){
			char *mem = strstr(line, " mem ");
			if(!strncmp(line, "TCP:", 4) && mem){
				pages = atol(mem + 5);
			}
		}
		fclose(f);
	}
	return slab + pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static double process_cpu_s(int pid)
{
	char path[64], stat[2048];
	unsigned long ut = 0, st = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if(!f){
		return -1;
	}
	size_t got = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[got] = '\0';
	char *p = strrchr(stat, ')');
	if(!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2){
		return -1;
	}
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int find_library(struct dl_phdr_info *info, size_t len, void *out)
{
	(void)len;
	if(info->dlpi_name && strstr(info->dlpi_name, "libmosquitto.so")){
		snprintf(out, PATH_MAX, "%s", info->dlpi_name);
		return 1;
	}
	return 0;
}

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
	(void)m; (void)obj;
	if(rc == 0){
		connected++;
	}else{
		refused++;
	}
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
	(void)m; (void)obj;
	if(msg->payloadlen == 100){
		delivered++;
	}
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int n, const int *granted)
{
	(void)m; (void)mid; (void)n; (void)granted;
	*(int *)obj = 1;
}

static int epfd;

/* Serve whatever sockets are ready, waiting at most `ms` milliseconds. */
static void serve(struct mosquitto **clients, int ms)
{
	struct epoll_event ev[256];
	int n = epoll_wait(epfd, ev, 256, ms);
	for(int i = 0; i < n; i++){
		struct mosquitto *m = clients[ev[i].data.u32];
		if(ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)){
			mosquitto_loop_read(m, 1);
		}
		if(mosquitto_want_write(m)){
			mosquitto_loop_write(m, 1);
		}
	}
}

static struct mosquitto *new_client(void)
{
	struct mosquitto *m = mosquitto_new(NULL, true, NULL);
	if(!m){
		fprintf(stderr, "mosquitto_new: %s\n", strerror(errno));
		return NULL;
	}
	mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	mosquitto_connect_callback_set(m, on_connect);
	return m;
}

static int connect_client(struct mosquitto *m, long slot, const char *host, int port, const char *bind)
{
	int rc = mosquitto_connect_bind(m, host, port, 3600, bind);
	if(rc != MOSQ_ERR_SUCCESS){
		fprintf(stderr, "connect from %s: %s\n", bind, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		return -1;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)slot};
	if(epoll_ctl(epfd, EPOLL_CTL_ADD, mosquitto_socket(m), &ev) != 0){
		fprintf(stderr, "epoll_ctl(%d): %s\n", mosquitto_socket(m), strerror(errno));
		return -1;
	}
	if(mosquitto_want_write(m)){
		mosquitto_loop_write(m, 1);
	}
	return 0;
}


/* Messages between the parent and its workers, one byte or one line each. */
static void say(int fd, const char *fmt, long a, long b)
{
	char line[64];
	int len = snprintf(line, sizeof(line), fmt, a, b);
	if(write(fd, line, (size_t)len) != len){
		_exit(1);
	}
}

static int hear(int fd, char *line, size_t size)
{
	size_t at = 0;
	while(at + 1 < size){
		ssize_t got = read(fd, line + at, 1);
		if(got <= 0){
			return -1;
		}
		if(line[at] == '\n'){
			break;
		}
		at++;
	}
	line[at] = '\0';
	return 0;
}

static char command(int fd)
{
	char c;
	return read(fd, &c, 1) == 1 ? c : 'q';
}

/* A worker: make `n` clients (numbered from `first`), connect them when told, publish when told. */
/* The second octet of the source addresses of this run. */
static int source_net;

static void worker(const char *host, int port, long first, long n, int addresses, int seconds, int up, int down)
{
	struct mosquitto **clients = calloc((size_t)n, sizeof(*clients));
	epfd = epoll_create1(0);
	if(!clients || epfd < 0){
		_exit(1);
	}
	for(long i = 0; i < n; i++){
		if(!(clients[i] = new_client())){
			_exit(1);
		}
	}
	say(up, "made %ld %ld\n", n, 0);
	if(command(down) != 'c'){
		_exit(0);
	}
	long made = 0;
	int failed = 0;
	while(connected + refused < n && !failed){
		while(made < n && made - connected - refused < PARALLEL){
			char bind[32];
			snprintf(bind, sizeof(bind), "127.%d.0.%d", source_net, 2 + (int)((first + made) % addresses));
			if(connect_client(clients[made], made, host, port, bind) != 0){
				fprintf(stderr, "connection %ld failed\n", first + made);
				failed = 1;
				break;
			}
			made++;
		}
		long before = connected + refused;
		double since = mono_s();
		while(connected + refused == before && mono_s() - since < 10){
			serve(clients, 100);
		}
		if(connected + refused == before){
			fprintf(stderr, "no CONNACK for 10 s (%ld connected)\n", connected);
			failed = 1;
		}
	}
	say(up, "connected %ld %ld\n", connected, refused);
	/* Serve (nothing should come) until told to publish or to quit. */
	for(;;){
		struct pollfd pfd = {.fd = down, .events = POLLIN};
		serve(clients, 0);
		if(poll(&pfd, 1, 50) > 0){
			break;
		}
	}
	if(command(down) == 'p' && seconds > 0 && connected == n){
		/* Every client publishes once a second, spread evenly over the second: client k of
		 * second s is due at start + s + k / n. */
		unsigned char payload[100];
		char topic[64];
		long published = 0, next = 0, total = n * (long)seconds;
		double start = mono_s();
		memset(payload, 'c', sizeof(payload));
		while(published < total){
			double now = mono_s();
			while(published < total && start + (double)published / (double)n <= now){
				struct mosquitto *m = clients[next];
				snprintf(topic, sizeof(topic), "conns/%d/%ld", (int)getppid(), first + next);
				if(mosquitto_publish(m, NULL, topic, sizeof(payload), payload, 0, false) != MOSQ_ERR_SUCCESS){
					fprintf(stderr, "publish failed\n");
					break;
				}
				if(mosquitto_want_write(m)){
					mosquitto_loop_write(m, 1);
				}
				published++;
				next = (next + 1) % n;
			}
			serve(clients, 1);
		}
		say(up, "published %ld %ld\n", published, 0);
		command(down);
	}
	for(long i = 0; i < n; i++){
		mosquitto_destroy(clients[i]);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *host = "127.0.0.1", *libdir = NULL;
	int port = 1883, pid = 0, addresses = 0, seconds = 0, opt;
	long n = 1000;
	char lib[PATH_MAX] = "none", line[128];

	while((opt = getopt(argc, argv, "p:n:b:a:t:L:")) != -1){
		switch(opt){
		case 'p': port = atoi(optarg); break;
		case 'n': n = atol(optarg); break;
		case 'b': pid = atoi(optarg); break;
		case 'a': addresses = atoi(optarg); break;
		case 't': seconds = atoi(optarg); break;
		case 'L': libdir = optarg; break;
		default: fprintf(stderr, "see the comment at the top of broker_conns.c\n"); return 1;
		}
	}
	if(n < 1){
		return 1;
	}
	if(addresses < 1){
		addresses = (int)(n / 10000) + 1;
	}
	source_net = 1 + (int)(getpid() % 250);
	/* As many files as allowed; as many workers as that needs. */
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	long per_worker = ((long)rl.rlim_cur - 256) / FDS_PER_CLIENT;
	if(per_worker < 1){
		return 1;
	}
	int workers = (int)((n + per_worker - 1) / per_worker);
	mosquitto_lib_init();
	dl_iterate_phdr(find_library, lib);
	if(libdir){
		char want[PATH_MAX], got[PATH_MAX];
		size_t len;
		if(!realpath(libdir, want) || !realpath(lib, got) || strncmp(want, got, len = strlen(want)) != 0
				|| got[len] != '/'){
			fprintf(stderr, "loaded %s, not the library in %s\n", lib, libdir);
			return 1;
		}
	}
	fflush(stdout);

	int *up = calloc((size_t)workers, sizeof(int)), *down = calloc((size_t)workers, sizeof(int));
	pid_t *kids = calloc((size_t)workers, sizeof(pid_t));
	if(!up || !down || !kids){
		return 1;
	}
	for(int w = 0; w < workers; w++){
		int to_parent[2], to_worker[2];
		long first = n * w / workers, share = n * (w + 1) / workers - first;
		if(pipe(to_parent) || pipe(to_worker)){
			return 1;
		}
		kids[w] = fork();
		if(kids[w] == 0){
			close(to_parent[0]);
			close(to_worker[1]);
			worker(host, port, first, share, addresses, seconds, to_parent[1], to_worker[0]);
		}
		close(to_parent[1]);
		close(to_worker[0]);
		up[w] = to_parent[0];
		down[w] = to_worker[1];
	}
	int ok = 1;
	for(int w = 0; w < workers; w++){
		if(hear(up[w], line, sizeof(line)) || strncmp(line, "made", 4)){
			ok = 0;
		}
	}
	sleep(1);
	long rss0 = pid ? broker_rss_kb(pid) : -1, kernel0 = kernel_kb();
	double cpu0 = pid ? process_cpu_s(pid) : 0, t0 = mono_s();
	for(int w = 0; w < workers; w++){
		if(write(down[w], "c", 1) != 1){
			ok = 0;
		}
	}
	long total_connected = 0, total_refused = 0;
	for(int w = 0; w < workers; w++){
		long c = 0, r = 0;
		if(hear(up[w], line, sizeof(line)) || sscanf(line, "connected %ld %ld", &c, &r) != 2){
			ok = 0;
		}
		total_connected += c;
		total_refused += r;
	}
	double t1 = mono_s();
	sleep(2);
	long rss1 = pid ? broker_rss_kb(pid) : -1, kernel1 = kernel_kb();
	double cpu1 = pid ? process_cpu_s(pid) : 0;
	printf("conns=%ld workers=%d files_per_worker=%lu connected=%ld refused=%ld connect_s=%.1f broker_rss_before_kb=%ld "
			"broker_rss_after_kb=%ld broker_kb_per_conn=%.2f broker_cpu_us_per_conn=%.1f kernel_kb_per_conn=%.2f "
			"kernel_kb_per_socket=%.2f",
			n, workers, (unsigned long)rl.rlim_cur, total_connected, total_refused, t1 - t0, rss0, rss1,
			pid ? (double)(rss1 - rss0) / (double)n : -1.0, pid ? (cpu1 - cpu0) * 1e6 / (double)n : -1.0,
			(double)(kernel1 - kernel0) / (double)n, (double)(kernel1 - kernel0) / (double)(2 * n));
	fflush(stdout);
	ok = ok && total_connected == n;

	if(ok && seconds > 0){
		/* One subscriber to everything, here; the workers publish. */
		int subscribed = 0;
		char filter[64];
		struct mosquitto *sub = mosquitto_new(NULL, true, &subscribed);
		epfd = epoll_create1(0);
		snprintf(filter, sizeof(filter), "conns/%d/#", (int)getpid());
		mosquitto_int_option(sub, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
		mosquitto_message_callback_set(sub, on_message);
		mosquitto_subscribe_callback_set(sub, on_subscribe);
		if(mosquitto_connect(sub, host, port, 3600) != MOSQ_ERR_SUCCESS){
			return 1;
		}
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 0};
		epoll_ctl(epfd, EPOLL_CTL_ADD, mosquitto_socket(sub), &ev);
		mosquitto_subscribe(sub, NULL, filter, 0);
		for(double until = mono_s() + 10; !subscribed && mono_s() < until;){
			serve(&sub, 10);
		}
		for(int w = 0; w < workers; w++){
			if(write(down[w], "p", 1) != 1){
				ok = 0;
			}
		}
		long samples[256], nsamples = 0, published = 0;
		int reported = 0;
		double start = mono_s(), next_sample = start + 5;
		while(reported < workers && mono_s() - start < seconds + 60){
			serve(&sub, 5);
			if(mono_s() >= next_sample && nsamples < 256){
				samples[nsamples++] = pid ? broker_rss_kb(pid) : -1;
				next_sample += 5;
			}
			for(int w = 0; w < workers; w++){
				struct pollfd pfd = {.fd = up[w], .events = POLLIN};
				long p = 0;
				if(up[w] >= 0 && poll(&pfd, 1, 0) > 0){
					if(!hear(up[w], line, sizeof(line)) && sscanf(line, "published %ld", &p) == 1){
						published += p;
					}
					reported++;
					close(up[w]);
					up[w] = -1;
				}
			}
		}
		for(double until = mono_s() + 10; delivered < published && mono_s() < until;){
			serve(&sub, 10);
		}
		long rss_end = pid ? broker_rss_kb(pid) : -1;
		/* The first 10 s warm up (buffers, the topic tree); growth is counted after them. */
		long first = nsamples > 1 ? samples[1] : rss_end, peak = rss_end;
		for(long i = 1; i < nsamples; i++){
			if(samples[i] > peak){
				peak = samples[i];
			}
		}
		printf(" publish_s=%d published=%ld delivered=%ld rss_at_10s_kb=%ld rss_end_kb=%ld rss_peak_kb=%ld "
				"rss_growth_kb=%ld rss_samples_kb=",
				seconds, published, delivered, first, rss_end, peak, rss_end - first);
		for(long i = 0; i < nsamples; i++){
			printf("%s%ld", i ? "," : "", samples[i]);
		}
		if(published != n * seconds || delivered != published){
			ok = 0;
		}
		mosquitto_destroy(sub);
	}
	printf(" lib=%s\n", lib);
	fflush(stdout);
	for(int w = 0; w < workers; w++){
		if(write(down[w], "q", 1) != 1){
			/* Gone already. */
		}
		close(down[w]);
	}
	for(int w = 0; w < workers; w++){
		int status;
		waitpid(kids[w], &status, 0);
	}
	mosquitto_lib_cleanup();
	return ok ? 0 : 3;
}
