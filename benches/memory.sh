#!/bin/bash
# Memory per idle connected client, on our library and on the system's libmosquitto side by side
# (benches/idle_memory.c, one binary built against the reference header): N clients connect to a
# private Debian mosquitto broker on a free loopback port and stay idle, either all run by one
# application thread with mosquitto_loop() or each with its own loop thread.
#
# Usage: benches/memory.sh [N]       (run from the repository root after `make`; N defaults to 300)
# Needs: mosquitto, libmosquitto-dev, gcc.
set -eu
n=${1:-300}
root=$(cd "$(dirname "$0")/.." && pwd)
ours=$root/build/lib
work=$(mktemp -d)
broker_pid=
cleanup() { [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

[ -e "$ours/libmosquitto.so.1" ] || { echo "build the library first (make)" >&2; exit 2; }
gcc -O2 -std=c99 -Wall -Wextra -pthread -o "$work/idle_memory" "$root/benches/idle_memory.c" -lmosquitto
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" > "$work/broker.conf"
mosquitto -c "$work/broker.conf" 2> "$work/broker.log" &
broker_pid=$!
for _ in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
	sleep 0.1
done

echo "Resident memory per idle connected client, $n clients (KB):"
echo
echo "| loop | this library | libmosquitto (system) |"
echo "| --- | --- | --- |"
for mode in one-thread loop-start; do
	theirs=$("$work/idle_memory" "$port" "$n" "$mode")
	mine=$(LD_LIBRARY_PATH=$ours "$work/idle_memory" "$port" "$n" "$mode")
	label=$([ "$mode" = one-thread ] && echo "one thread runs mosquitto_loop over all" || echo "mosquitto_loop_start per client")
	echo "| $label | $mine | $theirs |"
done
