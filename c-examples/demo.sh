#!/usr/bin/env bash
# demo.sh - run the C examples against a private Mosquitto broker.
#
# Usage: demo.sh LIBDIR BINDIR
#   LIBDIR  directory holding the libmosquitto.so.1 the examples should load
#           (they run with LD_LIBRARY_PATH=LIBDIR); "" means the system's.
#   BINDIR  directory holding the built examples: pub, sub, threaded,
#           loop_external and subscribe_simple.
#   MOSQUITTO (environment, optional): the broker program to start
#           (default: mosquitto from PATH, else /usr/sbin/mosquitto).
#
# It starts the broker on free 127.0.0.1 ports with c-examples/broker.sh
# (one listener open to anonymous clients, one that refuses them), shows
# which libmosquitto.so.1 the examples load, lets them exchange messages,
# checks what arrived and prints a summary.  Exit status 0 only if every check
# passed.  Every wait has a time limit, and the broker, the example processes
# and the temporary files are always cleaned up.

set -u

if [ $# -ne 2 ]; then
	echo "Usage: $0 LIBDIR BINDIR   (LIBDIR may be \"\" for the system library)" >&2
	exit 2
fi
LIBDIR=$1
BINDIR=$2

die() { echo "demo: $*" >&2; exit 1; }

# Absolute paths, so that the checks below can compare them.
if [ -n "$LIBDIR" ]; then
	LIBDIR=$(cd "$LIBDIR" 2>/dev/null && pwd -P) || die "no such directory: $1"
	[ -e "$LIBDIR/libmosquitto.so.1" ] || die "no libmosquitto.so.1 in $LIBDIR"
fi
BINDIR=$(cd "$BINDIR" 2>/dev/null && pwd -P) || die "no such directory: $2"
for prog in pub sub threaded loop_external subscribe_simple; do
	[ -x "$BINDIR/$prog" ] || die "missing example program: $BINDIR/$prog"
done
MOSQUITTO=${MOSQUITTO:-$(command -v mosquitto || echo /usr/sbin/mosquitto)}
[ -x "$MOSQUITTO" ] || die "no mosquitto broker found (set MOSQUITTO=...)"

HERE=$(cd "$(dirname "$0")" && pwd -P)
WORK=$(mktemp -d) || die "cannot make a temporary directory"
BG_PIDS=

cleanup() {
	local pid
	for pid in $BG_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $BG_PIDS; do
		wait "$pid" 2>/dev/null
	done
	"$HERE/broker.sh" stop "$WORK"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS  $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL  $*"; }

# Show the end of a file when a check failed.
show() { [ -s "$1" ] && sed -e 's/^/      | /' "$1" | tail -n 15; return 0; }

# wait_for_text FILE TEXT SECONDS [PID]: until FILE contains TEXT (or PID is gone).
wait_for_text() {
	local i=0
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		[ $i -lt $(($3 * 10)) ] || return 1
		if [ $# -ge 4 ] && ! kill -0 "$4" 2>/dev/null; then
			grep -qF -- "$2" "$1" 2>/dev/null
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
}

# finish PID SECONDS: wait for a background example; its exit status goes to
# STATUS (137 if it had to be killed because it overran).
finish() {
	local i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1" 2>/dev/null # overran its time
	fi
	wait "$1" 2>/dev/null
	STATUS=$?
	BG_PIDS=$(echo " $BG_PIDS " | sed "s/ $1 / /")
}

# start_sub NAME ARGS...: run the sub example in the background with -d, its
# output in $WORK/NAME.out and NAME.err, and wait until it has subscribed
# (a failed check if it has not within 10 seconds).
start_sub() {
	local name=$1
	shift
	"$BINDIR/sub" -d "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	SUB_PID=$!
	BG_PIDS="$BG_PIDS $SUB_PID"
	if ! wait_for_text "$WORK/$name.err" "received SUBACK" 10 "$SUB_PID"; then
		finish "$SUB_PID" 0 2>/dev/null
		fail "sub $* did not subscribe (exit $STATUS)"
		show "$WORK/$name.err"
		return 1
	fi
}

# run PROG ARGS...: run an example in the foreground, at most 20 seconds.
run() {
	local prog=$1
	shift
	timeout -k 5 20 "$BINDIR/$prog" "$@"
}

# The libmosquitto a process has mapped, read from /proc/PID/maps.
mapped_lib() {
	awk '$6 ~ /libmosquitto\.so/ { print $6; exit }' "/proc/$1/maps" 2>/dev/null
}

# ---------------------------------------------------------------- broker

# The broker as c-examples/broker.sh starts it: anonymous clients on PORT, none on CLOSED_PORT.
PORTS=$(MOSQUITTO=$MOSQUITTO "$HERE/broker.sh" start "$WORK" --closed) || die "the broker did not start"
read -r PORT CLOSED_PORT <<<"$PORTS"
echo "== broker: mosquitto $("$MOSQUITTO" -h 2>/dev/null | awk 'NR == 1 { print $3 }')" \
	"on 127.0.0.1:$PORT (anonymous) and 127.0.0.1:$CLOSED_PORT (login required)"

# Only the examples, not the broker, see LIBDIR.
if [ -n "$LIBDIR" ]; then
	export LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

# ---------------------------------------------------------------- library

echo "== libmosquitto.so.1 the examples load (LD_LIBRARY_PATH=${LIBDIR:-<unset>})"
for prog in pub sub threaded loop_external subscribe_simple; do
	lib=$(ldd "$BINDIR/$prog" | awk '$1 ~ /^libmosquitto\.so/ { print $3 }')
	printf '      %-17s %s\n' "$prog" "${lib:-not found}"
	case "$lib" in
	/*) ;;
	*) die "$prog cannot find libmosquitto.so.1" ;;
	esac
	if [ -n "$LIBDIR" ] && [ "$(readlink -f "$lib")" != "$(readlink -f "$LIBDIR/libmosquitto.so.1")" ]; then
		die "$prog would load $lib, not the library in $LIBDIR"
	fi
done

# ---------------------------------------------------------------- checks

echo "== checks"

# 1. One message at each QoS from pub to sub (which subscribes at QoS 2).
if start_sub qos -p "$PORT" -t 'demo/qos/#' -q 2 -v -C 3 -W 15; then
	lib=$(mapped_lib "$SUB_PID")
	if [ -n "$lib" ] && { [ -z "$LIBDIR" ] ||
		[ "$(readlink -f "$lib")" = "$(readlink -f "$LIBDIR/libmosquitto.so.1")" ]; }; then
		pass "running sub (pid $SUB_PID) has $lib mapped"
	else
		fail "running sub (pid $SUB_PID) has ${lib:-no libmosquitto} mapped"
	fi
	ok=true
	for q in 0 1 2; do
		run pub -p "$PORT" -t "demo/qos/$q" -q "$q" -m "hello at QoS $q" 2>>"$WORK/pub.err" || ok=false
	done
	finish "$SUB_PID" 15
	printf 'demo/qos/%s hello at QoS %s\n' 0 0 1 1 2 2 >"$WORK/qos.expected"
	for q in 0 1 2; do
		grep -q "received PUBLISH (d0, q$q, r0, m[0-9]*, 'demo/qos/$q'" "$WORK/qos.err" || ok=false
	done
	if $ok && [ "$STATUS" = 0 ] && sort "$WORK/qos.out" | cmp -s - "$WORK/qos.expected"; then
		pass "QoS 0, 1 and 2: pub -> sub, each delivered at its own QoS"
	else
		fail "QoS 0, 1 and 2: pub -> sub (sub exit $STATUS)"
		show "$WORK/qos.out"; show "$WORK/pub.err"
	fi
fi

# 2. One message per input line (-l).
if start_sub lines -p "$PORT" -t demo/lines -q 1 -C 3 -W 15; then
	printf 'first line\nsecond line\nthird line\n' >"$WORK/lines.expected"
	run pub -p "$PORT" -t demo/lines -q 1 -l <"$WORK/lines.expected"
	finish "$SUB_PID" 15
	if [ "$STATUS" = 0 ] && cmp -s "$WORK/lines.out" "$WORK/lines.expected"; then
		pass "pub -l: one message per line"
	else
		fail "pub -l (sub exit $STATUS)"; show "$WORK/lines.out"
	fi
fi

# 3. Binary payload, from a file (-f) and from stdin (-s), printed raw (-N).
head -c 65536 /dev/urandom >"$WORK/blob"
printf '\0\r\n\0' >>"$WORK/blob"
if start_sub blob -p "$PORT" -t demo/blob -q 2 -N -C 2 -W 15; then
	run pub -p "$PORT" -t demo/blob -q 2 -f "$WORK/blob"
	run pub -p "$PORT" -t demo/blob -q 2 -s <"$WORK/blob"
	finish "$SUB_PID" 15
	cat "$WORK/blob" "$WORK/blob" >"$WORK/blob.expected"
	if [ "$STATUS" = 0 ] && cmp -s "$WORK/blob.out" "$WORK/blob.expected"; then
		pass "pub -f and -s, sub -N: 64 KiB binary payload arrives byte for byte"
	else
		fail "binary payload (sub exit $STATUS)"; show "$WORK/blob.err"
	fi
fi

# 4. Protocol versions: a v5 subscriber gets messages from v5 and v3.1 publishers.
if start_sub proto -p "$PORT" -t demo/proto -V mqttv5 -q 1 -C 2 -W 15; then
	run pub -p "$PORT" -t demo/proto -V 5 -q 1 -m "from v5"
	run pub -p "$PORT" -t demo/proto -V 31 -q 1 -m "from v3.1"
	finish "$SUB_PID" 15
	printf 'from v5\nfrom v3.1\n' >"$WORK/proto.expected"
	if [ "$STATUS" = 0 ] && cmp -s "$WORK/proto.out" "$WORK/proto.expected"; then
		pass "-V 5 and -V 31"
	else
		fail "-V 5 and -V 31 (sub exit $STATUS)"; show "$WORK/proto.out"; show "$WORK/proto.err"
	fi
fi

# 5. Refused connections report the broker's reason and exit non-zero.
run pub -p "$CLOSED_PORT" -t demo/refused -m x 2>"$WORK/refused.err"
st=$?
if [ $st -ne 0 ] && grep -qxF "Connection error: Connection Refused: not authorised." "$WORK/refused.err"; then
	pass "pub refused: \"$(cat "$WORK/refused.err")\" (exit $st)"
else
	fail "pub refused (exit $st)"; show "$WORK/refused.err"
fi
run sub -p "$CLOSED_PORT" -t demo/refused -V 5 -W 10 2>"$WORK/refused5.err"
st=$?
if [ $st -eq 1 ] && [ "$(cat "$WORK/refused5.err")" = "Connection error: Not authorized" ]; then
	pass "sub -V 5 refused: \"$(cat "$WORK/refused5.err")\" (exit $st)"
else
	fail "sub -V 5 refused (exit $st)"; show "$WORK/refused5.err"
fi

# 6. Will: a client that vanishes without DISCONNECT has its will published.
if start_sub will -p "$PORT" -t demo/will -v -q 1 -C 1 -W 15; then
	WATCHER=$SUB_PID
	if start_sub victim -p "$PORT" -t demo/nothing -k 5 \
		--will-topic demo/will --will-payload "victim vanished" --will-qos 1; then
		kill -KILL "$SUB_PID"
		finish "$SUB_PID" 1 2>/dev/null # quiet: bash would report "Killed"
	fi
	finish "$WATCHER" 15
	if [ "$STATUS" = 0 ] && [ "$(cat "$WORK/will.out")" = "demo/will victim vanished" ]; then
		pass "--will-*: the broker published the will of a killed client"
	else
		fail "--will-* (watcher exit $STATUS)"; show "$WORK/will.out"; show "$WORK/victim.err"
	fi
fi

# 7. Persistent session (-c): a QoS 1 message sent while away arrives later.
if start_sub away1 -p "$PORT" -t demo/away -c -i demo-persistent -q 1 -C 1 -W 15; then
	run pub -p "$PORT" -t demo/away -q 1 -m "while connected"
	finish "$SUB_PID" 15
	run pub -p "$PORT" -t demo/away -q 1 -m "while away"
	run sub -p "$PORT" -t demo/away -c -i demo-persistent -q 1 -C 1 -W 10 >"$WORK/away2.out"
	st=$?
	if [ $st -eq 0 ] && [ "$(cat "$WORK/away1.out")" = "while connected" ] &&
		[ "$(cat "$WORK/away2.out")" = "while away" ]; then
		pass "sub -c: message queued by the broker while the client was away"
	else
		fail "sub -c (exit $st)"; show "$WORK/away1.out"; show "$WORK/away2.out"
	fi
fi

# 8. Retained messages with subscribe_simple (array and callback forms),
#    then cleared with empty retained messages (-r -n).
for i in 1 2 3; do
	run pub -p "$PORT" -t "demo/simple/$i" -q 1 -r -m "retained $i"
done
printf 'demo/simple/%s retained %s\n' 1 1 2 2 3 3 >"$WORK/simple.expected"
for form in "" --callback; do
	run subscribe_simple ${form:+"$form"} 127.0.0.1 "$PORT" 'demo/simple/#' 3 >"$WORK/simple.out" 2>&1
	st=$?
	if [ $st -eq 0 ] && sort "$WORK/simple.out" | cmp -s - "$WORK/simple.expected"; then
		pass "subscribe_simple ${form:-(array)}: 3 retained messages"
	else
		fail "subscribe_simple ${form:-(array)} (exit $st)"; show "$WORK/simple.out"
	fi
done
for i in 1 2 3; do
	run pub -p "$PORT" -t "demo/simple/$i" -q 1 -r -n
done
run sub -p "$PORT" -t 'demo/simple/#' -W 1 >"$WORK/cleared.out" 2>&1
st=$?
if [ $st -eq 2 ] && [ "$(cat "$WORK/cleared.out")" = "Timed out after 1 seconds." ]; then
	pass "pub -r -n cleared them; sub -W 1 then timed out with exit 2"
else
	fail "clearing retained messages / sub -W (exit $st)"; show "$WORK/cleared.out"
fi

# 9. The library's own thread: mosquitto_loop_start/loop_stop.
run threaded 127.0.0.1 "$PORT" >"$WORK/threaded.out" 2>&1
st=$?
n=$(grep -c "^received on examples/threaded at QoS [012]: hello at QoS [012]$" "$WORK/threaded.out")
if [ $st -eq 0 ] && [ "$n" = 3 ]; then
	pass "threaded: 3 messages back at QoS 0, 1 and 2, clean stop"
else
	fail "threaded (exit $st)"; show "$WORK/threaded.out"
fi

# 10. An external poll() loop.
run loop_external 127.0.0.1 "$PORT" 9 >"$WORK/external.out" 2>&1
st=$?
n=$(grep -c "^received at QoS [012]: message [0-9]*$" "$WORK/external.out")
if [ $st -eq 0 ] && [ "$n" = 9 ]; then
	pass "loop_external: 9 messages back through poll() + loop_read/write/misc"
else
	fail "loop_external (exit $st)"; show "$WORK/external.out"
fi

echo "== summary: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
