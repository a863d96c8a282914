/* differential */
/*
 * What mosquitto_publish returns for QoS 1 and 2 while there is no connection. The message is
 * always kept (and sent after the next accepted connection); the call reports
 * MOSQ_ERR_NO_CONN while the in-flight quota is not used up, and success once it is: every
 * connection attempt hands the quota out to the messages kept so far, oldest first.
 *
 * The server address is a port nobody listens on, so every connection attempt is refused.
 * Exit status: 0.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mosquitto.h>

/* A loopback port with no listener (bound, so nobody else takes it meanwhile). */
static int closed_port(int *fd)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);

	*fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if(*fd < 0 || bind(*fd, (struct sockaddr *)&addr, sizeof(addr)) != 0
			|| getsockname(*fd, (struct sockaddr *)&addr, &len) != 0){
		return -1;
	}
	return ntohs(addr.sin_port);
}

static void publish_some(struct mosquitto *mosq, int count, int qos)
{
	int i, mid, rc;

	printf("qos %d:", qos);
	for(i = 0; i < count; i++){
		rc = mosquitto_publish(mosq, &mid, "t", 1, "x", qos, false);
		printf(" %d/%d", rc, mid);
	}
	printf("\n");
}

static void run(int port, int max_inflight)
{
	struct mosquitto *mosq = mosquitto_new("kept", false, NULL);
	int attempt;

	printf("max_inflight %d\n", max_inflight);
	if(max_inflight){
		mosquitto_max_inflight_messages_set(mosq, (unsigned)max_inflight);
	}
	publish_some(mosq, 12, 1);
	for(attempt = 1; attempt <= 3; attempt++){
		printf("connect: %d\n", mosquitto_connect(mosq, "127.0.0.1", port, 60));
		publish_some(mosq, 10, attempt == 2 ? 2 : 1);
	}
	printf("reconnect: %d\n", mosquitto_reconnect(mosq));
	publish_some(mosq, 3, 1);
	mosquitto_destroy(mosq);
}

int main(void)
{
	int fd;
	int port = closed_port(&fd);

	if(port < 0){
		printf("no port\n");
		return 1;
	}
	mosquitto_lib_init();
	run(port, 0);
	run(port, 5);
	run(port, 40);
	mosquitto_lib_cleanup();
	close(fd);
	return 0;
}
