/*
 * The embedded broker's life in one process (run by tests/broker_embed.rs, also under
 * Valgrind):
 *   1. start a broker, serve clients of the library in this thread, stop it (its port then
 *      refuses connections), start it again with the same configuration;
 *   2. a second broker with two listeners running beside the first, each serving clients;
 *   3. a client with its own loop thread connected when its broker stops: the stop closes the
 *      connection, and the client's will goes to a subscriber before that;
 *   4. destroy a running broker (it is stopped first).
 * Prints "ok ..." per step; exit status 0 when every check passed, 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/embedutil.h"
#include "support/testutil.h"

static const char *config =
	"listener 0 127.0.0.1\n"
	"allow_anonymous true\n";

/* Whether something accepts TCP connections on 127.0.0.1:port. */
static int accepting(int port)
{
	struct sockaddr_in addr;
	int fd, rc;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	close(fd);
	return rc == 0;
}

struct watched {
	struct counter connected;
	struct counter disconnected;
	struct counter wills;
};

static void w_on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct watched *w = userdata;

	(void)mosq;
	if(rc == 0){
		counter_add(&w->connected, 1);
	}
}

static void w_on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct watched *w = userdata;

	(void)mosq;
	(void)rc;
	counter_add(&w->disconnected, 1);
}

static void w_on_subscribe(struct mosquitto *mosq, void *userdata, int mid, int count, const int *granted)
{
	struct watched *w = userdata;

	(void)mosq;
	(void)mid;
	(void)count;
	(void)granted;
	counter_add(&w->connected, 1);
}

static void w_on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *msg)
{
	struct watched *w = userdata;

	(void)mosq;
	if(msg->payloadlen == 4 && memcmp(msg->payload, "gone", 4) == 0){
		counter_add(&w->wills, 1);
	}
}

static struct mosquitto *threaded_client(int port, struct watched *w, const char *will_topic)
{
	struct mosquitto *mosq = mosquitto_new(NULL, true, w);

	CHECK(mosq != NULL);
	mosquitto_connect_callback_set(mosq, w_on_connect);
	mosquitto_disconnect_callback_set(mosq, w_on_disconnect);
	mosquitto_subscribe_callback_set(mosq, w_on_subscribe);
	mosquitto_message_callback_set(mosq, w_on_message);
	if(will_topic){
		CHECK(mosquitto_will_set(mosq, will_topic, 4, "gone", 1, false) == MOSQ_ERR_SUCCESS);
	}
	CHECK(mosquitto_connect(mosq, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_loop_start(mosq) == MOSQ_ERR_SUCCESS);
	return mosq;
}

int main(void)
{
	struct mosquitto_embed *first, *second;
	struct broker_log log;
	struct watched watcher, doomed;
	struct mosquitto *wc, *dc;
	int p1, p2, p3, p4;

	start_watchdog(120);
	mosquitto_lib_init();
	broker_log_init(&log);

	/* 1. Start, serve, stop, start again. */
	first = mosquitto_embed_new();
	CHECK(first != NULL);
	mosquitto_embed_log_callback_set(first, on_broker_log, &log);
	CHECK(mosquitto_embed_config_string(first, config) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_embed_port(first, 0) == -MOSQ_ERR_NO_CONN);
	CHECK(mosquitto_embed_start(first) == MOSQ_ERR_SUCCESS);
	CHECK(broker_log_has(&log, "mosquitto version 2.0.20 running"));
	p1 = mosquitto_embed_port(first, 0);
	CHECK(p1 > 0);
	CHECK(round_trip(p1, p1, "embed/first", "one"));
	CHECK(mosquitto_embed_stop(first) == MOSQ_ERR_SUCCESS);
	CHECK(broker_log_has(&log, "mosquitto version 2.0.20 terminating"));
	CHECK(!accepting(p1));
	CHECK(mosquitto_embed_port(first, 0) == -MOSQ_ERR_NO_CONN);
	CHECK(mosquitto_embed_stop(first) == MOSQ_ERR_NO_CONN);
	CHECK(mosquitto_embed_start(first) == MOSQ_ERR_SUCCESS);
	p2 = mosquitto_embed_port(first, 0);
	CHECK(p2 > 0);
	CHECK(round_trip(p2, p2, "embed/again", "two"));
	printf("ok start, stop, start again\n");

	/* 2. A second broker beside it, with two listeners. */
	second = mosquitto_embed_new();
	CHECK(second != NULL);
	mosquitto_embed_log_callback_set(second, on_broker_log, &log);
	CHECK(mosquitto_embed_config_string(second, config) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_embed_config_string(second, config) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_embed_start(second) == MOSQ_ERR_SUCCESS);
	p3 = mosquitto_embed_port(second, 0);
	p4 = mosquitto_embed_port(second, 1);
	CHECK(p3 > 0 && p4 > 0 && p3 != p4 && p3 != p2 && p4 != p2);
	CHECK(mosquitto_embed_port(second, 2) == -MOSQ_ERR_INVAL);
	CHECK(mosquitto_embed_port(second, -1) == -MOSQ_ERR_INVAL);
	CHECK(round_trip(p3, p4, "embed/second", "across listeners"));
	CHECK(round_trip(p2, p2, "embed/first", "still serving"));
	printf("ok two brokers at once\n");

	/* 3. Clients with loop threads while the second broker stops. */
	counter_init(&watcher.connected);
	counter_init(&watcher.disconnected);
	counter_init(&watcher.wills);
	counter_init(&doomed.connected);
	counter_init(&doomed.disconnected);
	counter_init(&doomed.wills);
	wc = threaded_client(p3, &watcher, NULL);
	wait_counter(&watcher.connected, 1, "the watcher's CONNACK");
	CHECK(mosquitto_subscribe(wc, NULL, "embed/will", 1) == MOSQ_ERR_SUCCESS);
	wait_counter(&watcher.connected, 2, "the watcher's SUBACK");
	dc = threaded_client(p4, &doomed, "embed/will");
	wait_counter(&doomed.connected, 1, "the doomed client's CONNACK");
	CHECK(mosquitto_embed_stop(second) == MOSQ_ERR_SUCCESS);
	wait_counter(&watcher.wills, 1, "the will, sent at stop");
	wait_counter(&watcher.disconnected, 1, "the watcher's disconnection");
	wait_counter(&doomed.disconnected, 1, "the doomed client's disconnection");
	CHECK(mosquitto_loop_stop(wc, true) == MOSQ_ERR_SUCCESS);
	CHECK(mosquitto_loop_stop(dc, true) == MOSQ_ERR_SUCCESS);
	mosquitto_destroy(wc);
	mosquitto_destroy(dc);
	printf("ok stop closes connections after sending wills\n");

	/* 4. Destroying a running broker stops it. */
	CHECK(round_trip(p2, p2, "embed/first", "last"));
	mosquitto_embed_destroy(first);
	CHECK(!accepting(p2));
	mosquitto_embed_destroy(second);
	mosquitto_lib_cleanup();
	printf("ok destroy\n");
	return 0;
}
