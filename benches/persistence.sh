#!/bin/bash
# What persistence costs the broker: our `mosquitto` command beside Debian's mosquitto, on the
# same machine in the same run, driven by the same client (benches/throughput.c on the system's
# libmosquitto). The comparison with other brokers is benches/broker.sh (make bench-broker).
#
# Usage: benches/persistence.sh [ROUNDS] [--persistence | --persistent-sessions]
#        (run from the repository root after `make`)
# Prints, per QoS, the median over ROUNDS of end-to-end messages per second (one publisher,
# one subscriber, 100-byte payloads, MQTT 3.1.1) and the broker's CPU time per message, for both
# brokers, and the ratio. Each broker runs with the configuration c-examples/broker.sh gives
# it, logging only what mosquitto logs by default. The client and the broker share the
# machine's cores, so the figures are for this machine only. With --persistence both brokers
# keep a persistence file (ours commits every change before acknowledging it; mosquitto saves
# every autosave_interval, 1800 s by default, so within a run it writes nothing), and the
# clients have persistent sessions (BENCH_PERSISTENT=1). With --persistent-sessions the
# clients have persistent sessions and the brokers no persistence file: the same work without
# the store, to see what the store costs.
# Needs: mosquitto, libmosquitto-dev, gcc.
set -eu
rounds=3 persistence= sessions=
for arg in "$@"; do
	case $arg in
	--persistence) persistence=--persistence sessions=1 ;;
	--persistent-sessions) sessions=1 ;;
	*) rounds=$arg ;;
	esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
ours=$root/build/sbin/mosquitto
work=$(mktemp -d)
mkdir -p "$work/ref" "$work/ours"
cleanup() {
	"$root/c-examples/broker.sh" stop "$work/ref"
	"$root/c-examples/broker.sh" stop "$work/ours"
	rm -rf "$work"
}
trap cleanup EXIT

[ -x "$ours" ] || { echo "build the broker first (make)" >&2; exit 2; }
gcc -O2 -std=c99 -Wall -Wextra -pthread -o "$work/throughput" "$root/benches/throughput.c" -lmosquitto

ref_port=$("$root/c-examples/broker.sh" start "$work/ref" --quiet $persistence)
ours_port=$(MOSQUITTO=$ours "$root/c-examples/broker.sh" start "$work/ours" --quiet $persistence)
ref_port=${ref_port%% *}
ours_port=${ours_port%% *}

# User plus system CPU seconds of a process so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }

echo "broker throughput, one publisher and one subscriber (client: the system's libmosquitto)${sessions:+, persistent sessions}${persistence:+, persistence on}"
printf '%-5s %9s %13s %13s %14s %14s %8s\n' qos count "ours msg/s" "ref msg/s" "ours cpu us/m" "ref cpu us/m" ratio
for spec in "0 200000" "1 100000" "2 50000"; do
	set -- $spec
	qos=$1 count=$2
	for who in ours ref; do : > "$work/$who.rate"; : > "$work/$who.cpu"; done
	for _ in $(seq "$rounds"); do
		for who in ours ref; do
			if [ $who = ours ]; then port=$ours_port; else port=$ref_port; fi
			pid=$(cat "$work/$who/broker.pid")
			before=$(cpu_of "$pid")
			line=$(BENCH_PERSISTENT=$sessions timeout 150 "$work/throughput" 127.0.0.1 "$port" "$qos" "$count" 100 4) ||
				{ echo "$who: qos $qos failed: $line" >&2; exit 1; }
			after=$(cpu_of "$pid")
			field msgs_per_s <<<"$line" >> "$work/$who.rate"
			awk -v a="$before" -v b="$after" -v n="$count" 'BEGIN { printf "%.2f\n", (b - a) * 1e6 / n }' \
				>> "$work/$who.cpu"
		done
	done
	orate=$(median < "$work/ours.rate"); rrate=$(median < "$work/ref.rate")
	ocpu=$(median < "$work/ours.cpu"); rcpu=$(median < "$work/ref.cpu")
	printf '%-5s %9s %13s %13s %14s %14s %7.2fx\n' "$qos" "$count" "$orate" "$rrate" "$ocpu" "$rcpu" \
		"$(awk -v a="$orate" -v b="$rrate" 'BEGIN{print (b>0)?a/b:0}')"
done
