#!/usr/bin/env bash
# broker.sh - a private Mosquitto broker on free 127.0.0.1 ports, for the demonstration
# (c-examples/demo.sh) and the benchmark (benches/run.sh).
#
# Usage: broker.sh start DIR [--closed] [--tls CERTFILE KEYFILE] [--quiet] [--persistence]
#        broker.sh stop DIR
#
#   start  writes DIR/mosquitto.conf, starts the broker in the background (its log in
#          DIR/broker.log, its pid in DIR/broker.pid), waits until it accepts connections and
#          prints its ports on one line: the listener open to anonymous clients, then the one
#          that refuses them (--closed), then the TLS listener presenting CERTFILE and KEYFILE
#          (--tls), in that order.  Exit status 1 if it did not start within 5 seconds
#          (5 attempts on other ports).  With --quiet the broker logs only what it logs by
#          default (errors, warnings, notices, information), not every packet: for the
#          benchmark, which logging would slow down.  With --persistence the broker keeps
#          its persistence file in DIR (the benchmark's cost of persistence).
#   stop   stops the broker started in DIR (SIGTERM, SIGKILL after 5 seconds).
#
#   MOSQUITTO (environment, optional): the broker program (default: mosquitto from PATH,
#   else /usr/sbin/mosquitto).
#
# The configuration is the one the Rust tests give their broker (tests/common/broker.rs):
# settings per listener, no persistence, no limit on queued or in-flight messages (a slow
# subscriber must not lose messages), everything logged to the file, and as root no switch to
# the mosquitto user (which could not read the files made here).

set -u

die() { echo "broker.sh: $*" >&2; exit 1; }

# A port nothing answers on now.
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

start() {
	local dir=$1 closed=false cert= key= log_type=all persistence=false attempt i ports port p
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--closed) closed=true; shift ;;
		--quiet) log_type="error warning notice information"; shift ;;
		--persistence) persistence=true; shift ;;
		--tls) [ $# -ge 3 ] || die "--tls needs CERTFILE and KEYFILE"; cert=$2 key=$3; shift 3 ;;
		*) die "unknown option: $1" ;;
		esac
	done
	[ -d "$dir" ] || die "no such directory: $dir"
	local mosquitto=${MOSQUITTO:-$(command -v mosquitto || echo /usr/sbin/mosquitto)}
	[ -x "$mosquitto" ] || die "no mosquitto broker found (set MOSQUITTO=...)"
	for attempt in 1 2 3 4 5; do
		port=$(pick_port) || die "no free port"
		ports=$port
		{
			if [ "$(id -u)" = 0 ]; then echo "user root"; fi
			echo "per_listener_settings true"
			if $persistence; then
				echo "persistence true"
				echo "persistence_location $dir/"
			else
				echo "persistence false"
			fi
			echo "max_queued_messages 0"
			echo "max_inflight_messages 0"
			echo "log_dest file $dir/broker.log"
			for t in $log_type; do echo "log_type $t"; done
			echo "log_timestamp true"
			echo "listener $port 127.0.0.1"
			echo "allow_anonymous true"
			if $closed; then
				p=$(pick_port) || die "no free port"
				ports="$ports $p"
				echo "listener $p 127.0.0.1"
				echo "allow_anonymous false"
			fi
			if [ -n "$cert" ]; then
				p=$(pick_port) || die "no free port"
				ports="$ports $p"
				echo "listener $p 127.0.0.1"
				echo "allow_anonymous true"
				echo "certfile $cert"
				echo "keyfile $key"
			fi
		} >"$dir/mosquitto.conf"
		# Two listeners on one port: pick again.
		[ "$(tr ' ' '\n' <<<"$ports" | sort -u | wc -l)" = "$(wc -w <<<"$ports")" ] || continue
		"$mosquitto" -c "$dir/mosquitto.conf" </dev/null >>"$dir/broker.log" 2>&1 &
		echo $! >"$dir/broker.pid"
		for i in $(seq 50); do
			local ready=true
			for p in $ports; do accepts "$p" || ready=false; done
			if $ready; then
				echo "$ports"
				return 0
			fi
			kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null || break
			sleep 0.1
		done
		# A port taken meanwhile, or a slow start: try again elsewhere.
		stop "$dir"
	done
	echo "broker.sh: the broker did not start; its log:" >&2
	tail -n 15 "$dir/broker.log" >&2
	return 1
}

stop() {
	local dir=$1 pid i
	[ -s "$dir/broker.pid" ] || return 0
	pid=$(cat "$dir/broker.pid")
	kill "$pid" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	rm -f "$dir/broker.pid"
	return 0
}

case ${1:-} in
start) [ $# -ge 2 ] || die "usage: broker.sh start DIR [--closed] [--tls CERTFILE KEYFILE] [--quiet] [--persistence]"; shift; start "$@" ;;
stop) [ $# -eq 2 ] || die "usage: broker.sh stop DIR"; stop "$2" ;;
*) die "usage: broker.sh start DIR [--closed] [--tls CERTFILE KEYFILE] [--quiet] [--persistence] | broker.sh stop DIR" ;;
esac
