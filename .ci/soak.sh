#!/bin/bash
# The long versions of the hardening tests (minutes; the link cuts need root), then what they
# counted:
#   - link cuts: LINK_CUTS_CUTS cuts per QoS level (default 110) while LINK_CUTS_MESSAGES
#     messages (20,000) go at LINK_CUTS_RATE per second (80, so that the cuts fit in the publishing time), for Debian's broker, ours, and a
#     bridge of ours to ours and to Debian's (tests/link_cuts.rs);
#   - hostile clients against our broker, HOSTILE_SCALE (4) times the loops of make check
#     (tests/broker_hostile.rs);
#   - the thread stress program (tests/c/threads_publish_reconnect.c) with THREAD_MESSAGES
#     (2000) messages per thread against our broker;
#   - ThreadSanitizer over every C test program and the in-process broker tests (.ci/tsan.sh).
# Logs go to build/soak/; the summary is printed at the end.
set -uo pipefail
cd "$(dirname "$0")/.."

out=build/soak
mkdir -p "$out"
status=0
cargo=${CARGO:-cargo}

echo "== link cuts"
LINK_CUTS_MESSAGES=${LINK_CUTS_MESSAGES:-20000} LINK_CUTS_RATE=${LINK_CUTS_RATE:-80} \
	LINK_CUTS_CUTS=${LINK_CUTS_CUTS:-110} \
	"$cargo" test --test link_cuts -- --nocapture --test-threads 2 2>&1 | tee "$out/link_cuts.log" || status=1

echo "== hostile clients"
HOSTILE_SCALE=${HOSTILE_SCALE:-4} "$cargo" test --test broker_hostile -- --nocapture --test-threads 1 \
	2>&1 | tee "$out/hostile.log" || status=1

echo "== threads publishing while the loop reconnects"
cc -std=c99 -Wall -Wextra -Werror -pedantic -pthread -g -O1 -Iinclude \
	-o "$out/threads_publish_reconnect" tests/c/threads_publish_reconnect.c \
	tests/c/support/loadcheck.c -Lbuild/lib -lmosquitto || status=1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' "$port" > "$out/threads.conf"
build/sbin/mosquitto -c "$out/threads.conf" > "$out/threads-broker.log" 2>&1 &
broker=$!
sleep 1
LD_LIBRARY_PATH=build/lib timeout 600 "$out/threads_publish_reconnect" "$port" "${THREAD_MESSAGES:-2000}" \
	> "$out/threads.log" 2>&1 || status=1
kill "$broker" 2>/dev/null
wait "$broker" 2>/dev/null
cat "$out/threads.log"
grep -q "libmosquitto loaded from: $(readlink -f build/lib/libmosquitto.so.1)" "$out/threads.log" \
	|| { echo "the thread stress program did not run on build/lib/libmosquitto.so.1"; status=1; }

echo "== ThreadSanitizer"
CARGO="$cargo" .ci/tsan.sh 2>&1 | tee "$out/tsan.log" || status=1

echo
echo "==== soak summary"
grep -ah '^counted:' "$out/link_cuts.log" || echo "link cuts: nothing counted (skipped?)"
grep -aoE '(test result|[0-9]+ (idle|connections|subscriptions)|trickled for).*' "$out/hostile.log"
grep -ah '^threads ' "$out/threads.log"
grep -ah '^tsan: [0-9]* C programs\|^tsan: skipped' "$out/tsan.log"
if [ "$status" -eq 0 ]; then echo "soak: passed"; else echo "soak: FAILED (logs in $out/)"; fi
exit "$status"
