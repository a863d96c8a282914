"""paho-mqtt clients against an MQTT broker on 127.0.0.1.

Usage: paho_checks.py PORT CHECK...
Runs each named check (see CHECKS) with fresh clients and topics, prints "ok CHECK" or
"FAIL CHECK: why" for each, and exits 1 if any failed. Every wait is bounded (mqtt_peer).
"""

import os
import select
import signal
import subprocess
import sys
import traceback

from mqtt_peer import Peer, check, properties

PORT = 0
RUN = "%d" % os.getpid()
_serial = [0]


def topic(label):
    """A topic no other check or run uses."""
    _serial[0] += 1
    return "paho/%s/%s/%d" % (RUN, label, _serial[0])


def cid(label):
    _serial[0] += 1
    return "paho-%s-%s-%d" % (label, RUN, _serial[0])


def connected(label, version="5", **kw):
    peer = Peer(PORT, cid(label), version=version, **kw)
    peer.connect()
    return peer


def payloads(messages):
    return [m["payload"] for m in messages]


def check_qos():
    """Every QoS both ways, on 3.1.1 and 5; delivery at the lower of published and granted."""
    for version in ("3.1.1", "5"):
        t = topic("qos")
        sub = connected("sub", version)
        low = connected("low", version)
        pub = connected("pub", version)
        check(sub.subscribe(t, 2) == 2, "granted QoS 2")
        check(low.subscribe(t, 1) == 1, "granted QoS 1")
        for qos in (0, 1, 2):
            body = ("%s at QoS %d" % (version, qos)).encode()
            pub.publish(t, body, qos)
            [m] = sub.take()
            check(m["payload"] == body and m["qos"] == qos, "%s: got %r" % (version, m))
            check(not m["retain"], "%s: retain flag on a live message" % version)
            [m] = low.take()
            check(m["payload"] == body and m["qos"] == min(qos, 1), "%s low: got %r" % (version, m))
        for p in (sub, low, pub):
            p.disconnect()


def check_retained():
    """A retained message reaches later subscribers with the retain flag, live copies carry
    none, and an empty retained message clears it."""
    for version in ("3.1.1", "5"):
        base = topic("retained")
        kept = base + "/kept"
        pub = connected("pub", version)
        pub.publish(kept, b"kept", 1, retain=True)
        sub = connected("sub", version)
        sub.subscribe(base + "/#", 2)
        [m] = sub.take()
        check(m["topic"] == kept and m["payload"] == b"kept", "%s: got %r" % (version, m))
        check(m["retain"] and m["qos"] == 1, "%s: retained copy %r" % (version, m))
        pub.publish(kept, b"live", 1, retain=True)
        [m] = sub.take()
        check(m["payload"] == b"live" and not m["retain"], "%s: live copy %r" % (version, m))
        pub.publish(kept, b"", 1, retain=True)
        [m] = sub.take()
        check(m["payload"] == b"" and not m["retain"], "%s: the clearing message %r" % (version, m))
        late = connected("late", version)
        late.subscribe(base + "/#", 2)
        pub.publish(base + "/marker", b"m", 1)
        got = late.take_until(base + "/marker")
        check(payloads(got) == [b"m"], "%s: cleared message still sent: %r" % (version, got))
        for p in (pub, sub, late):
            p.disconnect()


def will_child(version, will_topic):
    """A client with a will that waits to be killed (run as a separate process)."""
    peer = Peer(PORT, cid("doomed"), version=version)
    props = None
    if version == "5":
        props = properties(
            "WILLMESSAGE",
            ContentType="text/plain",
            ResponseTopic="will/reply",
            CorrelationData=b"\x00will",
            PayloadFormatIndicator=1,
            UserProperty=[("who", "doomed"), ("why", "killed")],
        )
    peer.will(will_topic, b"gone", 1, False, props)
    peer.connect()
    print("connected", flush=True)
    signal.pause()


def start_will_child(version, will_topic):
    child = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), str(PORT), "will-child", version, will_topic],
        stdout=subprocess.PIPE,
    )
    ready, _, _ = select.select([child.stdout], [], [], 10)
    line = child.stdout.readline() if ready else b""
    if line.strip() != b"connected":
        child.kill()
        child.wait()
        raise AssertionError("the will client did not connect")
    return child


def check_will():
    """A killed client's will is published (v5 with its properties); a clean disconnect
    sends none."""
    for version in ("3.1.1", "5"):
        t = topic("will")
        watcher = connected("watch", version)
        watcher.subscribe(t, 1)
        child = start_will_child(version, t)
        child.kill()
        child.wait()
        [m] = watcher.take()
        check(m["payload"] == b"gone" and m["qos"] == 1, "%s: will %r" % (version, m))
        if version == "5":
            p = m["properties"]
            check(p.get("ContentType") == "text/plain", "will properties %r" % p)
            check(p.get("ResponseTopic") == "will/reply", "will properties %r" % p)
            check(p.get("CorrelationData") == b"\x00will", "will properties %r" % p)
            check(p.get("PayloadFormatIndicator") == 1, "will properties %r" % p)
            check(p.get("UserProperty") == [("who", "doomed"), ("why", "killed")], "will properties %r" % p)
        polite = Peer(PORT, cid("polite"), version=version).will(t, b"left", 1)
        polite.connect()
        polite.disconnect()
        pub = connected("pub", version)
        pub.publish(t, b"marker", 1)
        got = watcher.take()
        check(payloads(got) == [b"marker"], "%s: will after a clean disconnect: %r" % (version, got))
        watcher.disconnect()
        pub.disconnect()


def check_v5_properties():
    """Payload format, message expiry, content type, response topic, correlation data and
    user properties (repeated names, in order) arrive unchanged at every QoS."""
    t = topic("props")
    sub = connected("sub")
    sub.subscribe(t, 2)
    pub = connected("pub")
    users = [("a", "1"), ("b", "2"), ("a", "3"), ("empty", "")]
    for qos in (0, 1, 2):
        props = properties(
            "PUBLISH",
            PayloadFormatIndicator=1,
            MessageExpiryInterval=3600,
            ContentType="application/json",
            ResponseTopic="reply/" + t,
            CorrelationData=b"\x00\x01corr\xff",
            UserProperty=users,
        )
        pub.publish(t, b'{"qos": %d}' % qos, qos, props=props)
        [m] = sub.take()
        p = m["properties"]
        check(m["qos"] == qos, "QoS %r" % m)
        check(p.get("PayloadFormatIndicator") == 1, "payload format %r" % p)
        expiry = p.get("MessageExpiryInterval")
        check(expiry is not None and 3590 <= expiry <= 3600, "message expiry %r" % p)
        check(p.get("ContentType") == "application/json", "content type %r" % p)
        check(p.get("ResponseTopic") == "reply/" + t, "response topic %r" % p)
        check(p.get("CorrelationData") == b"\x00\x01corr\xff", "correlation data %r" % p)
        check(p.get("UserProperty") == users, "user properties %r" % p)
        check("SubscriptionIdentifier" not in p, "no subscription identifier was asked for: %r" % p)
    # Without properties, none are invented.
    pub.publish(t, b"plain", 1)
    [m] = sub.take()
    check(m["properties"] == {}, "properties of a plain message: %r" % m["properties"])
    sub.disconnect()
    pub.disconnect()


def ids(message):
    return message["properties"].get("SubscriptionIdentifier")


def check_subscription_ids():
    """One copy per matching subscription, each with its identifier; a new SUBSCRIBE of the
    same filter replaces the identifier."""
    base = topic("subid")
    sub = connected("sub")
    sub.subscribe(base + "/#", 1, sub_id=7)
    sub.subscribe(base + "/a", 1, sub_id=9)
    sub.subscribe(base + "/+", 1)
    pub = connected("pub")
    pub.publish(base + "/a", b"a", 1)
    got = sub.take(3)
    seen = sorted(str(ids(m)) for m in got)
    check(seen == sorted(["[7]", "[9]", "None"]), "identifiers %r" % got)
    check(payloads(got) == [b"a"] * 3, "payloads %r" % got)
    pub.publish(base + "/b/c", b"deep", 1)
    [m] = sub.take()
    check(ids(m) == [7], "identifier of the deep message %r" % m)
    sub.subscribe(base + "/#", 1, sub_id=11)
    pub.publish(base + "/b/c", b"deeper", 1)
    [m] = sub.take()
    check(ids(m) == [11] and m["payload"] == b"deeper", "after re-subscribing %r" % m)
    sub.disconnect()
    pub.disconnect()


def check_no_local():
    """No Local keeps a client's own messages from its subscription; other clients' arrive."""
    t = topic("nolocal")
    me = connected("me")
    me.subscribe(t, 1, options={"noLocal": True})
    watcher = connected("watch")
    watcher.subscribe(t, 1)
    me.publish(t, b"own", 1)
    [m] = watcher.take()
    check(m["payload"] == b"own", "the other subscriber %r" % m)
    other = connected("other")
    other.publish(t, b"other", 1)
    got = me.take()
    check(payloads(got) == [b"other"], "No Local delivered %r" % got)
    # Without No Local, a client hears itself.
    t2 = topic("local")
    me.subscribe(t2, 1)
    me.publish(t2, b"echo", 1)
    check(payloads(me.take()) == [b"echo"], "own message without No Local")
    for p in (me, watcher, other):
        p.disconnect()


def check_retain_as_published():
    """Retain As Published keeps the retain flag on live copies; without it the flag is 0."""
    t = topic("rap")
    keep = connected("keep")
    keep.subscribe(t, 1, options={"retainAsPublished": True})
    plain = connected("plain")
    plain.subscribe(t, 1, options={"retainAsPublished": False})
    pub = connected("pub")
    pub.publish(t, b"r", 1, retain=True)
    [k] = keep.take()
    [p] = plain.take()
    check(k["retain"] and k["payload"] == b"r", "Retain As Published %r" % k)
    check(not p["retain"] and p["payload"] == b"r", "without Retain As Published %r" % p)
    pub.publish(t, b"n", 1, retain=False)
    [k] = keep.take()
    check(not k["retain"], "a non-retained message with Retain As Published %r" % k)
    pub.publish(t, b"", 1, retain=True)
    for p in (keep, plain, pub):
        p.disconnect()


def check_retain_handling():
    """Retain Handling 0 sends retained messages on every SUBSCRIBE, 1 only for a new
    subscription, 2 never."""
    base = topic("rh")
    pub = connected("pub")
    pub.publish(base + "/r", b"kept", 1, retain=True)
    marker = base + "/marker"

    def subscribe_and_look(peer, handling):
        peer.subscribe(base + "/#", 1, options={"retainHandling": handling})
        pub.publish(marker, b"m", 1)
        return payloads(peer.take_until(marker))

    always = connected("rh0")
    check(subscribe_and_look(always, 0) == [b"kept", b"m"], "RH 0, first SUBSCRIBE")
    check(subscribe_and_look(always, 0) == [b"kept", b"m"], "RH 0, repeated SUBSCRIBE")
    new_only = connected("rh1")
    check(subscribe_and_look(new_only, 1) == [b"kept", b"m"], "RH 1, new subscription")
    check(subscribe_and_look(new_only, 1) == [b"m"], "RH 1, existing subscription")
    never = connected("rh2")
    check(subscribe_and_look(never, 2) == [b"m"], "RH 2")
    pub.publish(base + "/r", b"", 1, retain=True)
    for p in (pub, always, new_only, never):
        p.disconnect()


def check_shared():
    """$share groups: each message to one member per group, in turn; normal subscriptions
    are separate; no retained messages on a shared subscription."""
    t = topic("shared")
    m1 = connected("m1")
    m2 = connected("m2", "3.1.1")
    check(m1.subscribe("$share/g/" + t, 1) == 1, "m1 SUBACK")
    check(m2.subscribe("$share/g/" + t, 1) == 1, "m2 SUBACK")
    solo = connected("solo")
    solo.subscribe("$share/h/" + t, 1)
    normal = connected("normal")
    normal.subscribe(t, 1)
    pub = connected("pub")
    sent = [b"m%d" % i for i in range(6)]
    for body in sent:
        pub.publish(t, body, 1)
    check(payloads(normal.take(6)) == sent, "the normal subscriber")
    check(payloads(solo.take(6)) == sent, "the only member of group h")
    first, second = m1.take(3), m2.take(3)
    together = sorted(payloads(first) + payloads(second))
    check(together == sent, "group g delivered %r and %r" % (first, second))
    # Strict turns: the members alternate.
    a, b = payloads(first), payloads(second)
    check(a in (sent[0::2], sent[1::2]) and b in (sent[0::2], sent[1::2]), "turns %r / %r" % (a, b))
    # Nothing more arrives at the members: a marker on a topic of their own.
    for member in (m1, m2):
        own = topic("mark")
        member.subscribe(own, 1)
        pub.publish(own, b"end", 1)
        got = member.take_until(own)
        check(payloads(got) == [b"end"], "extra copies %r" % got)
    # Retained messages are not sent for a shared subscription.
    r = topic("shared-retained")
    pub.publish(r, b"kept", 1, retain=True)
    late = connected("late")
    late.subscribe("$share/g/" + r, 1)
    pub.publish(r, b"live", 1)
    got = late.take()
    check(payloads(got) == [b"live"], "shared subscription got %r" % got)
    pub.publish(r, b"", 1, retain=True)
    for p in (m1, m2, solo, normal, pub, late):
        p.disconnect()


def check_v311_session():
    """A 3.1.1 persistent session keeps its subscription and queues QoS 1 and 2 messages
    while the client is away."""
    t = topic("session")
    name = cid("persist")
    first = Peer(PORT, name, version="3.1.1", clean=False)
    first.connect()
    first.subscribe(t, 2)
    first.disconnect()
    pub = connected("pub", "3.1.1")
    for qos in (0, 1, 2):
        pub.publish(t, b"while away %d" % qos, qos)
    again = Peer(PORT, name, version="3.1.1", clean=False)
    check(again.connect(), "session present")
    got = again.take(2)
    check(sorted(payloads(got)) == [b"while away 1", b"while away 2"], "queued %r" % got)
    again.disconnect()
    pub.disconnect()
    # A clean connection ends the session.
    done = Peer(PORT, name, version="3.1.1", clean=True)
    check(not done.connect(), "a clean session is never present")
    done.disconnect()


CHECKS = {
    "qos": check_qos,
    "retained": check_retained,
    "will": check_will,
    "v5-properties": check_v5_properties,
    "subscription-ids": check_subscription_ids,
    "no-local": check_no_local,
    "retain-as-published": check_retain_as_published,
    "retain-handling": check_retain_handling,
    "shared": check_shared,
    "v311-session": check_v311_session,
}


def main(argv):
    global PORT
    PORT = int(argv[1])
    if argv[2] == "will-child":
        will_child(argv[3], argv[4])
        return 0
    failed = 0
    for name in argv[2:]:
        try:
            CHECKS[name]()
            print("ok " + name, flush=True)
        except Exception as e:  # noqa: BLE001 - report every kind of failure
            failed += 1
            print("FAIL %s: %s" % (name, e), flush=True)
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
