"""paho-mqtt clients over WebSockets (and plain TCP beside them) against the project's broker.

Usage: ws_checks.py WS_PORT TCP_PORT [CAFILE]
With CAFILE, WS_PORT is a WebSockets listener over TLS whose certificate CAFILE verifies.
Prints "ok NAME" for each check that passed; exits non-zero at the first failure.
"""

import sys
import threading
import time

import paho.mqtt.client as mqtt

TIMEOUT = 10


class Client:
    """A connected paho client whose received messages queue up."""

    def __init__(self, name, port, transport, version=mqtt.MQTTv311, cafile=None):
        self.messages = []
        self.lock = threading.Condition()
        self.subscribed = threading.Event()
        self.connected = threading.Event()
        self.c = mqtt.Client(client_id=name, transport=transport, protocol=version)
        if cafile:
            self.c.tls_set(ca_certs=cafile)
        self.c.on_message = self.on_message
        self.c.on_subscribe = lambda *a: self.subscribed.set()
        self.c.on_connect = lambda *a: self.connected.set()
        self.c.connect("localhost" if cafile else "127.0.0.1", port, keepalive=30)
        self.c.loop_start()
        if not self.connected.wait(TIMEOUT):
            raise SystemExit(f"{name}: no CONNACK")

    def on_message(self, client, userdata, msg):
        with self.lock:
            self.messages.append((msg.topic, bytes(msg.payload), msg.qos))
            self.lock.notify_all()

    def subscribe(self, topic, qos):
        self.subscribed.clear()
        self.c.subscribe(topic, qos)
        if not self.subscribed.wait(TIMEOUT):
            raise SystemExit("no SUBACK")

    def publish(self, topic, payload, qos):
        info = self.c.publish(topic, payload, qos)
        info.wait_for_publish(TIMEOUT)

    def take(self, n):
        deadline = time.monotonic() + TIMEOUT
        with self.lock:
            while len(self.messages) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit(f"got {len(self.messages)} of {n} messages")
                self.lock.wait(left)
            taken, self.messages = self.messages[:n], self.messages[n:]
            return taken

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


def main():
    ws_port, tcp_port = int(sys.argv[1]), int(sys.argv[2])
    cafile = sys.argv[3] if len(sys.argv) > 3 else None
    tag = "tls" if cafile else "plain"

    # Every QoS between WebSockets and TCP clients, both ways, on 3.1.1 and 5.
    for version, vname in ((mqtt.MQTTv311, "3.1.1"), (mqtt.MQTTv5, "5")):
        ws = Client(f"ws-{tag}-{vname}", ws_port, "websockets", version, cafile)
        tcp = Client(f"tcp-{tag}-{vname}", tcp_port, "tcp", version)
        ws.subscribe(f"ws/{tag}/{vname}/to-ws", 2)
        tcp.subscribe(f"ws/{tag}/{vname}/to-tcp", 2)
        for qos in (0, 1, 2):
            tcp.publish(f"ws/{tag}/{vname}/to-ws", f"tcp->ws q{qos}".encode(), qos)
            ws.publish(f"ws/{tag}/{vname}/to-tcp", f"ws->tcp q{qos}".encode(), qos)
        got_ws = sorted(p for _, p, _ in ws.take(3))
        got_tcp = sorted(p for _, p, _ in tcp.take(3))
        if got_ws != [b"tcp->ws q0", b"tcp->ws q1", b"tcp->ws q2"]:
            raise SystemExit(f"websocket subscriber got {got_ws}")
        if got_tcp != [b"ws->tcp q0", b"ws->tcp q1", b"ws->tcp q2"]:
            raise SystemExit(f"tcp subscriber got {got_tcp}")
        ws.close()
        tcp.close()
        print(f"ok every-qos-{vname}", flush=True)

    # One megabyte, published over WebSockets, to a WebSockets and a TCP subscriber.
    big = bytes(range(256)) * 4096
    ws_sub = Client(f"ws-big-sub-{tag}", ws_port, "websockets", cafile=cafile)
    tcp_sub = Client(f"tcp-big-sub-{tag}", tcp_port, "tcp")
    ws_pub = Client(f"ws-big-pub-{tag}", ws_port, "websockets", cafile=cafile)
    ws_sub.subscribe(f"ws/{tag}/big", 1)
    tcp_sub.subscribe(f"ws/{tag}/big", 1)
    ws_pub.publish(f"ws/{tag}/big", big, 1)
    for who, sub in (("websockets", ws_sub), ("tcp", tcp_sub)):
        [(_, payload, _)] = sub.take(1)
        if payload != big:
            raise SystemExit(f"{who} subscriber got {len(payload)} bytes, not the megabyte sent")
    for c in (ws_sub, tcp_sub, ws_pub):
        c.close()
    print("ok one-megabyte", flush=True)


if __name__ == "__main__":
    main()
