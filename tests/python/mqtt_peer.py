"""A paho-mqtt client driven step by step: every call waits (with a time limit) for the
broker's answer, and received messages queue up for the checks to take.

Used by the scripts in this directory, which tests/broker_paho.rs runs against the project's
broker. Works with the paho-mqtt 1.6 API (Debian's python3-paho-mqtt).
"""

import queue
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

# How long any one wait may take, in seconds.
TIMEOUT = 10

VERSIONS = {"3.1.1": mqtt.MQTTv311, "5": mqtt.MQTTv5}


class CheckFailed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise CheckFailed(what)


def properties(packet, **values):
    """A Properties object for `packet` ("PUBLISH", "CONNECT", "SUBSCRIBE", "WILLMESSAGE")."""
    props = Properties(getattr(PacketTypes, packet))
    for name, value in values.items():
        setattr(props, name, value)
    return props


def props_dict(props):
    """The properties of a received packet as a plain dict (empty when there are none)."""
    if props is None:
        return {}
    found = {}
    for name in props.names:
        attr = name.replace(" ", "")
        if hasattr(props, attr):
            found[attr] = getattr(props, attr)
    return found


class Peer:
    """One client: `Peer(port, "id", version="5")`, then connect(), subscribe(), publish(),
    take() and disconnect()."""

    def __init__(self, port, client_id, version="5", clean=True, username=None, password=None):
        self.port = port
        self.version = version
        self.clean = clean
        self.v5 = version == "5"
        if self.v5:
            self.client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv5)
        else:
            self.client = mqtt.Client(
                client_id=client_id, clean_session=clean, protocol=VERSIONS[version]
            )
        if username is not None:
            self.client.username_pw_set(username, password)
        self.messages = queue.Queue()
        self.lock = threading.Condition()
        self.connack = None
        self.subacks = {}
        self.unsubacks = set()
        self.disconnected = False
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_unsubscribe = self._on_unsubscribe
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect

    # Callbacks (paho's loop thread).

    def _on_connect(self, client, userdata, flags, rc, properties=None):
        with self.lock:
            code = rc.value if hasattr(rc, "value") else rc
            self.connack = (flags["session present"], code, properties)
            self.lock.notify_all()

    def _on_subscribe(self, client, userdata, mid, granted, properties=None):
        with self.lock:
            self.subacks[mid] = [g.value if hasattr(g, "value") else g for g in granted]
            self.lock.notify_all()

    def _on_unsubscribe(self, client, userdata, mid, *rest):
        with self.lock:
            self.unsubacks.add(mid)
            self.lock.notify_all()

    def _on_message(self, client, userdata, msg):
        self.messages.put(
            {
                "topic": msg.topic,
                "payload": msg.payload,
                "qos": msg.qos,
                "retain": bool(msg.retain),
                "properties": props_dict(getattr(msg, "properties", None)),
            }
        )

    def _on_disconnect(self, client, userdata, rc, properties=None):
        with self.lock:
            self.disconnected = True
            self.lock.notify_all()

    def _wait(self, what, ready):
        with self.lock:
            if not self.lock.wait_for(ready, TIMEOUT):
                raise CheckFailed("timed out waiting for " + what)

    # Requests.

    def will(self, topic, payload, qos=0, retain=False, props=None):
        self.client.will_set(topic, payload, qos, retain, properties=props)
        return self

    def connect(self, session_expiry=None, expect_rc=0):
        """Connect; returns the session-present flag."""
        if self.v5:
            props = None
            if session_expiry is not None:
                props = properties("CONNECT", SessionExpiryInterval=session_expiry)
            self.client.connect("127.0.0.1", self.port, 60, clean_start=self.clean, properties=props)
        else:
            self.client.connect("127.0.0.1", self.port, 60)
        self.client.loop_start()
        self._wait("CONNACK", lambda: self.connack is not None)
        present, code, _ = self.connack
        check(code == expect_rc, "CONNACK code %s, expected %s" % (code, expect_rc))
        return bool(present)

    def subscribe(self, topic, qos=0, options=None, sub_id=None):
        """Subscribe and wait for the SUBACK; returns the granted QoS (or reason code)."""
        props = properties("SUBSCRIBE", SubscriptionIdentifier=sub_id) if sub_id else None
        if options is not None:
            options = SubscribeOptions(qos=qos, **options)
            rc, mid = self.client.subscribe(topic, options=options, properties=props)
        elif self.v5:
            rc, mid = self.client.subscribe(topic, qos, properties=props)
        else:
            rc, mid = self.client.subscribe(topic, qos)
        check(rc == mqtt.MQTT_ERR_SUCCESS, "subscribe returned %s" % rc)
        self._wait("SUBACK", lambda: mid in self.subacks)
        return self.subacks[mid][0]

    def unsubscribe(self, topic):
        rc, mid = self.client.unsubscribe(topic)
        check(rc == mqtt.MQTT_ERR_SUCCESS, "unsubscribe returned %s" % rc)
        self._wait("UNSUBACK", lambda: mid in self.unsubacks)

    def publish(self, topic, payload, qos=0, retain=False, props=None):
        """Publish and wait until the message is complete (written for QoS 0)."""
        info = self.client.publish(topic, payload, qos, retain, properties=props)
        check(info.rc == mqtt.MQTT_ERR_SUCCESS, "publish returned %s" % info.rc)
        info.wait_for_publish(TIMEOUT)
        check(info.is_published(), "publish of %r at QoS %d not completed" % (topic, qos))

    def take(self, n=1):
        """The next `n` messages (waits for each)."""
        got = []
        for _ in range(n):
            try:
                got.append(self.messages.get(timeout=TIMEOUT))
            except queue.Empty:
                raise CheckFailed("%d of %d messages arrived: %r" % (len(got), n, got))
        return got

    def take_until(self, topic):
        """Every message up to and including the first one on `topic` (a marker published
        after the messages that must not arrive)."""
        got = []
        while True:
            try:
                m = self.messages.get(timeout=TIMEOUT)
            except queue.Empty:
                raise CheckFailed("no marker on %r; got %r" % (topic, got))
            got.append(m)
            if m["topic"] == topic:
                return got

    def disconnect(self):
        self.client.disconnect()
        self._wait("the disconnection", lambda: self.disconnected)
        self.client.loop_stop()
