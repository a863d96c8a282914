"""Who receives what under an ACL: run against two brokers with the same password and ACL
files, the outputs must be identical.

Usage: acl_matrix.py PORT CLIENT...
Each CLIENT is ID or ID:USER:PASSWORD (no user: anonymous). Every client connects (MQTT
3.1.1), subscribes to "#" and "$acl/#" (subscriptions are never refused by an ACL file; reading
is checked at delivery), then publishes at QoS 1, with its id as the payload, to every topic
of TOPICS, in which "{id}" and "{user}" stand for the id and user of every client in turn.
Finally each client publishes to "done/ID" (the ACL must let it read and write there) and takes
everything that arrived before that marker.

Prints one sorted line "RECEIVER <- SENDER TOPIC" per delivery, and exits 0.
"""

import sys

from mqtt_peer import Peer

TOPICS = [
    "public/news",
    "anon/x",
    "a/x",
    "a/private",
    "shared/t",
    "sp ace",
    "$acl/x",
    "status/{id}",
    "devices/{user}/out",
    "users/{user}/data",
    "users/{user}/secret",
]


def parse(spec):
    parts = spec.split(":", 2)
    if len(parts) == 1:
        return parts[0], None, None
    return parts[0], parts[1], parts[2]


def main(argv):
    port = int(argv[1])
    clients = [parse(a) for a in argv[2:]]
    topics = []
    for template in TOPICS:
        for cid, user, _ in clients:
            t = template.format(id=cid, user=user or "anonymous")
            # A user name with "+" makes topics no one can publish to.
            if t not in topics and "+" not in t:
                topics.append(t)
    peers = {}
    for cid, user, password in clients:
        peer = Peer(port, cid, version="3.1.1", username=user, password=password)
        peer.connect()
        peer.subscribe("#", 1)
        peer.subscribe("$acl/#", 1)
        peers[cid] = peer
    for cid, peer in peers.items():
        for t in topics:
            peer.publish(t, cid.encode(), 1)
    lines = []
    for cid, peer in peers.items():
        marker = "done/" + cid
        peer.publish(marker, b"end", 1)
        for m in peer.take_until(marker):
            if m["topic"].startswith("done/"):
                continue
            lines.append("%s <- %s %s" % (cid, m["payload"].decode(), m["topic"]))
    for peer in peers.values():
        peer.disconnect()
    for line in sorted(lines):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
