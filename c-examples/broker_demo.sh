#!/usr/bin/env bash
# broker_demo.sh - this project's broker doing what a gateway asks of it: a bridge from an edge
# broker to a central one, and a queued message kept across a restart of the central broker.
#
# Usage: broker_demo.sh MOSQUITTO LIBDIR
#   MOSQUITTO  this project's broker program (build/sbin/mosquitto)
#   LIBDIR     directory holding this project's libmosquitto.so.1: Debian's mosquitto_pub and
#              mosquitto_sub run on it (LD_LIBRARY_PATH), unchanged
#
# Two brokers run on free 127.0.0.1 ports with configuration files written here: "central",
# with persistence, and "edge", which bridges sensors/# out to central. The script shows a
# message crossing the bridge, then a QoS 1 message queued for a persistent session while its
# subscriber is away, central stopped and started again, and the subscriber receiving the
# message after the restart. Exit status 0 only if every step worked; every wait is bounded
# and both brokers are stopped at the end.

set -u

if [ $# -ne 2 ]; then
	echo "Usage: $0 MOSQUITTO LIBDIR" >&2
	exit 2
fi
die() { echo "broker demo: $*" >&2; exit 1; }
MOSQUITTO=$(cd "$(dirname "$1")" 2>/dev/null && pwd -P)/$(basename "$1")
[ -x "$MOSQUITTO" ] || die "no broker program: $1"
LIBDIR=$(cd "$2" 2>/dev/null && pwd -P) || die "no such directory: $2"
[ -e "$LIBDIR/libmosquitto.so.1" ] || die "no libmosquitto.so.1 in $LIBDIR"
for prog in mosquitto_pub mosquitto_sub; do
	command -v $prog >/dev/null || die "$prog not found (package mosquitto-clients)"
done

WORK=$(mktemp -d) || die "cannot make a temporary directory"
PIDS=
cleanup() {
	local pid
	for pid in $PIDS; do kill "$pid" 2>/dev/null; done
	for pid in $PIDS; do wait "$pid" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILED=0
pass() { echo "PASS  $*"; }
fail() { FAILED=1; echo "FAIL  $*"; }

pick_port() {
	local p tries=0
	while [ $tries -lt 100 ]; do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
		tries=$((tries + 1))
	done
	return 1
}
accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start NAME PORT: the broker configured in WORK/NAME.conf, its log in WORK/NAME.log.
start() {
	local i=0
	"$MOSQUITTO" -c "$WORK/$1.conf" >>"$WORK/$1.log" 2>&1 &
	eval "PID_$1=$!"
	PIDS="$PIDS $!"
	while ! accepts "$2"; do
		[ $i -lt 50 ] || die "the $1 broker did not start: $(tail -n 5 "$WORK/$1.log")"
		sleep 0.1
		i=$((i + 1))
	done
}
# stop NAME: SIGTERM, as an init system does, and wait for the process to end.
stop() {
	local pid
	eval "pid=\$PID_$1"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# The clients: Debian's programs on this project's library.
pub() { LD_LIBRARY_PATH=$LIBDIR timeout 10 mosquitto_pub "$@"; }
sub() { LD_LIBRARY_PATH=$LIBDIR timeout 15 mosquitto_sub "$@"; }

CENTRAL=$(pick_port) || die "no free port"
EDGE=$(pick_port) || die "no free port"
mkdir -p "$WORK/store"
# As root the broker would switch to the mosquitto user, which cannot write in WORK.
USER_LINE=
[ "$(id -u)" -ne 0 ] || USER_LINE="user root"
cat >"$WORK/central.conf" <<EOF
listener $CENTRAL 127.0.0.1
allow_anonymous true
persistence true
persistence_location $WORK/store/
log_dest stdout
$USER_LINE
EOF
cat >"$WORK/edge.conf" <<EOF
listener $EDGE 127.0.0.1
allow_anonymous true
log_dest stdout
connection edge-to-central
address 127.0.0.1:$CENTRAL
remote_clientid edge-gateway
topic sensors/# out 1
notifications true
EOF

echo "==== the clients load: $(LD_LIBRARY_PATH=$LIBDIR ldd "$(command -v mosquitto_sub)" | grep -o 'libmosquitto.so.1 => [^ ]*')"
start central "$CENTRAL"
start edge "$EDGE"
echo "==== central broker on port $CENTRAL (persistence in its store directory), edge broker on port $EDGE"

# 1. The bridge: wait until edge reports the bridge up on central, then cross it.
if sub -p "$CENTRAL" -t '$SYS/broker/connection/edge-gateway/state' -C 1 -W 10 \
	| grep -qx 1; then
	pass "the edge broker's bridge is connected (\$SYS/broker/connection/edge-gateway/state = 1 on central)"
else
	fail "the bridge did not come up"
fi
sub -p "$CENTRAL" -t 'sensors/#' -v -q 1 -C 1 -W 10 >"$WORK/bridged.txt" &
SUB=$!
sleep 0.5
pub -p "$EDGE" -t sensors/hall/temperature -m 21.5 -q 1
wait $SUB
if grep -qx 'sensors/hall/temperature 21.5' "$WORK/bridged.txt"; then
	pass "published on edge, received on central across the bridge: $(cat "$WORK/bridged.txt")"
else
	fail "the bridged message did not arrive: $(cat "$WORK/bridged.txt")"
fi

# 2. A queued message kept across a restart.
sub -p "$CENTRAL" -i alarm-panel -c -q 1 -t 'alerts/#' -E
pass "the subscriber alarm-panel made a persistent session on central (QoS 1, alerts/#) and went away"
pub -p "$CENTRAL" -t alerts/door -m open -q 1
pass "published alerts/door = open at QoS 1 while alarm-panel was away: queued for it"
stop central
echo "==== central broker stopped (SIGTERM); its store: $(ls "$WORK/store")"
start central "$CENTRAL"
echo "==== central broker started again on the same store"
sub -p "$CENTRAL" -i alarm-panel -c -q 1 -t 'alerts/#' -v -C 1 -W 10 >"$WORK/queued.txt"
if grep -qx 'alerts/door open' "$WORK/queued.txt"; then
	pass "alarm-panel reconnected after the restart and received the queued message: $(cat "$WORK/queued.txt")"
else
	fail "the queued message did not survive the restart: $(cat "$WORK/queued.txt")"
	tail -n 20 "$WORK/central.log" | sed -e 's/^/      | /'
fi

stop edge
stop central
if [ $FAILED -eq 0 ]; then
	echo "==== broker demo: every step passed"
else
	echo "==== broker demo: some steps failed"
fi
exit $FAILED
