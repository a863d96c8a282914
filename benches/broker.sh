#!/bin/bash
# Broker benchmark: this project's broker beside Debian's mosquitto and rumqttd 0.20, in one run
# on one machine, all driven by the same load generator (benches/broker_load.c and
# benches/broker_conns.c, built on this project's libmosquitto, build/lib; each refuses to run on
# another library).
#
# Usage: benches/broker.sh [ROUNDS]        (run from the repository root after `make`)
#
# Every measurement starts its broker afresh, with limits lifted so that nothing is dropped: no
# limit on queued or in-flight messages or on connections (rumqttd: its in-flight count,
# payload size, connection count and connection delay raised), no persistence, no logging.
# Scenarios (100-byte payloads unless said, MQTT 3.1.1, loopback):
#   p2p_q0 p2p_q1 p2p_q2   one publisher, one subscriber, QoS 0/1/2
#   fanin_q0 fanin_q1      8 publishers on topics of their own, one subscriber to BASE/#
#   fanout_q0              one publisher, 50 subscribers (deliveries counted)
#   large_q0               one publisher, one subscriber, 16 KB payloads
#   tls_p2p_q0             p2p_q0 over TLS (a CA and a server certificate made for the run)
# The publishing thread keeps at most WINDOW deliveries outstanding (20000; 50000 for fanout,
# 2000 for 16 KB), so the rate measured is one the broker sustains. Every message is numbered and
# counted at each subscriber: a run where one went missing, came twice or came corrupt is reported
# as failed and not counted. Reported per scenario and broker: the median over ROUNDS of the
# delivered messages per second, of the broker's CPU time per delivered message (its threads'
# run time from /proc/PID/task/*/schedstat, from right before the first publish to right after
# the last delivery), and of its resident memory at the end; and the ratios of ours to the others
# (of the medians; for CPU, lower is better).
# Then:
#   latency   p50/p99 publish-to-delivery latency at LATENCY_RATE (10000) msg/s, QoS 0, p2p; the
#             clients set TCP_NODELAY (with Nagle's algorithm on the publisher's socket, 1% of
#             the messages wait for a delayed acknowledgement, tens of milliseconds whatever the
#             broker); the brokers keep their defaults
#   conn      CONNS (5000) idle connections: broker memory per connection, for each broker
#   scale     SCALE_CONNS (100000, or what the file limit allows) idle connections to SCALE_BROKERS ("ours mosquitto"): broker
#             memory per connection beside the kernel's memory per socket (/proc/meminfo Slab
#             plus TCP buffers; a loopback connection is two sockets), from several loopback
#             source addresses
#   steady    PUBLISHERS (10000) connections each publishing once a second for PUBLISH_SECONDS
#             (60) to STEADY_BROKERS ("ours"), one subscriber taking all: the broker's memory
#             after 10 s and at the end
# Environment: SCENARIOS (all of the above), and the variables named.
# Needs: mosquitto, gcc, openssl, cargo (installs rumqttd into .cache/rumqttd when missing).
# Root raises the file limits the connection runs need.
set -u
rounds=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
lib=$root/build/lib
ours=$root/build/sbin/mosquitto
debian=$(command -v mosquitto || echo /usr/sbin/mosquitto)
rumqttd=$root/.cache/rumqttd/bin/rumqttd
SCENARIOS=${SCENARIOS:-"p2p_q0 p2p_q1 p2p_q2 fanin_q0 fanin_q1 fanout_q0 large_q0 tls_p2p_q0 latency conn scale steady"}
CONNS=${CONNS:-5000}
SCALE_CONNS=${SCALE_CONNS:-100000}
SCALE_BROKERS=${SCALE_BROKERS:-"ours mosquitto"}
PUBLISHERS=${PUBLISHERS:-10000}
PUBLISH_SECONDS=${PUBLISH_SECONDS:-60}
STEADY_BROKERS=${STEADY_BROKERS:-ours}
LATENCY_RATE=${LATENCY_RATE:-10000}
BROKERS="ours mosquitto rumqttd"

[ -x "$ours" ] && [ -e "$lib/libmosquitto.so.1" ] || { echo "build first (make)" >&2; exit 2; }
[ -x "$debian" ] || { echo "needs Debian's mosquitto" >&2; exit 2; }
if [ ! -x "$rumqttd" ]; then
	echo "installing rumqttd 0.20.0 into $root/.cache/rumqttd" >&2
	cargo install rumqttd --version 0.20.0 --root "$root/.cache/rumqttd" >&2 ||
		{ echo "could not install rumqttd" >&2; exit 2; }
fi

work=$(mktemp -d)
bpid=
cleanup() {
	if [ -n "$bpid" ]; then kill "$bpid" 2>/dev/null; wait "$bpid" 2>/dev/null; fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The connection runs need many files, in the broker and in the generator (which spreads its
# clients over processes as the limit requires). Raising the hard limit needs CAP_SYS_RESOURCE;
# without it, the scale run is cut to what the broker may open.
ulimit -n $((SCALE_CONNS + 1000)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
scale_note=
if [ $((SCALE_CONNS + 500)) -gt "$(ulimit -n)" ]; then
	scale_note=" (the file limit here, $(ulimit -n) and not raisable, caps the $SCALE_CONNS asked for)"
	SCALE_CONNS=$(($(ulimit -n) - 500))
fi

# Built against the system's header (libmosquitto 2.0's API), run on ours: the runpath names
# build/lib and -L makes each program check what it mapped.
for prog in broker_load broker_conns; do
	gcc -O2 -std=gnu11 -Wall -Wextra -pthread -o "$work/$prog" "$root/benches/$prog.c" \
		-L"$lib" -Wl,-rpath,"$lib" -lmosquitto || exit 2
done
export LD_LIBRARY_PATH=$lib

# TLS: a CA, and a server certificate from it for 127.0.0.1, valid for a day.
make_certs() {
	cat > "$work/ext.cnf" <<-EOF
	[req]
	distinguished_name = dn
	[dn]
	[ca]
	basicConstraints = critical, CA:TRUE
	keyUsage = critical, keyCertSign
	[server]
	basicConstraints = critical, CA:FALSE
	keyUsage = critical, digitalSignature, keyEncipherment
	extendedKeyUsage = serverAuth
	subjectAltName = DNS:localhost, IP:127.0.0.1
	EOF
	{
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/ca.key" &&
		openssl req -new -x509 -config "$work/ext.cnf" -extensions ca -key "$work/ca.key" \
			-subj /CN=bench-ca -days 1 -out "$work/ca.crt" &&
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/server.key" &&
		openssl req -new -config "$work/ext.cnf" -key "$work/server.key" -subj /CN=localhost \
			-out "$work/server.csr" &&
		openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
			-CAcreateserial -days 1 -extfile "$work/ext.cnf" -extensions server -out "$work/server.crt"
	} > "$work/openssl.log" 2>&1 || { cat "$work/openssl.log" >&2; exit 2; }
	# rumqttd reads a PKCS#8 key.
	openssl pkcs8 -topk8 -nocrypt -in "$work/server.key" -out "$work/server.pk8" 2>> "$work/openssl.log"
}
make_certs

# A port nothing listens on now, outside the ephemeral range.
pick_port() {
	local p
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 12000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

# start_broker WHO [tls] -> bpid, bport
start_broker() {
	local who=$1 tls=${2:-} conf bin i
	for _ in 1 2 3 4 5; do
		bport=$(pick_port) || return 1
		case $who in
		rumqttd)
			bin=$rumqttd conf=$work/rumqttd.toml
			{
				printf 'id = 0\n[router]\nid = 0\nmax_connections = %d\n' $((SCALE_CONNS + 1000))
				printf 'max_outgoing_packet_count = 200\nmax_segment_size = 104857600\nmax_segment_count = 10\n'
				printf '[v4.1]\nname = "v4-1"\nlisten = "127.0.0.1:%s"\nnext_connection_delay_ms = 0\n' "$bport"
				if [ -n "$tls" ]; then
					printf '[v4.1.tls]\ncertpath = "%s"\nkeypath = "%s"\n' "$work/server.crt" "$work/server.pk8"
				fi
				printf '[v4.1.connections]\nconnection_timeout_ms = 60000\nmax_payload_size = 1048576\n'
				printf 'max_inflight_count = 65535\ndynamic_filters = true\n'
			} > "$conf"
			;;
		*)
			bin=$ours conf=$work/mosquitto.conf
			[ "$who" = mosquitto ] && bin=$debian
			{
				[ "$(id -u)" = 0 ] && echo "user root"
				printf 'persistence false\nlog_dest none\n'
				printf 'max_queued_messages 0\nmax_queued_bytes 0\nmax_inflight_messages 0\n'
				printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_connections -1\n' "$bport"
				if [ -n "$tls" ]; then
					printf 'certfile %s\nkeyfile %s\n' "$work/server.crt" "$work/server.key"
				fi
			} > "$conf"
			;;
		esac
		"$bin" -c "$conf" > "$work/$who.log" 2>&1 < /dev/null &
		bpid=$!
		for i in $(seq 100); do
			kill -0 "$bpid" 2>/dev/null || break
			if (exec 3<>"/dev/tcp/127.0.0.1/$bport") 2>/dev/null; then
				sleep 0.2
				return 0
			fi
			sleep 0.05
		done
		kill "$bpid" 2>/dev/null; wait "$bpid" 2>/dev/null; bpid=
	done
	echo "$who did not start:" >&2; tail -5 "$work/$who.log" >&2
	return 1
}
stop_broker() {
	[ -n "$bpid" ] || return 0
	kill "$bpid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$bpid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$bpid" 2>/dev/null; wait "$bpid" 2>/dev/null; bpid=
}

# The load generator's arguments for a scenario.
load_args() {
	case $1 in
	p2p_q0) echo "-q 0 -n 200000" ;;
	p2p_q1) echo "-q 1 -n 100000" ;;
	p2p_q2) echo "-q 2 -n 50000" ;;
	fanin_q0) echo "-q 0 -P 8 -w -n 200000" ;;
	fanin_q1) echo "-q 1 -P 8 -w -n 100000" ;;
	fanout_q0) echo "-q 0 -S 50 -n 20000 -W 50000" ;;
	large_q0) echo "-q 0 -s 16384 -n 20000 -W 2000" ;;
	tls_p2p_q0) echo "-q 0 -n 100000 -c $work/ca.crt" ;;
	latency) echo "-q 0 -n $((LATENCY_RATE * 5)) -r $LATENCY_RATE -N" ;;
	esac
}

field() { tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
median() { sort -g | awk '{v[NR]=$1} END {if(NR) print v[int((NR+1)/2)]; else print "-"}'; }
raw=$work/raw
: > "$raw"
# record SCENARIO WHO LINE
record() { echo "scenario=$1 broker=$2 $3" >> "$raw"; }
# values SCENARIO WHO KEY: that key of every successful run
values() {
	awk -v s="$1" -v b="$2" -v k="$3" '{ ok=0; v=""; sc=""; br=""
		for(i=1;i<=NF;i++){ n=index($i,"="); key=substr($i,1,n-1); val=substr($i,n+1)
			if(key=="scenario")sc=val; if(key=="broker")br=val; if(key=="ok")ok=val; if(key==k)v=val }
		if(sc==s && br==b && ok==1 && v!="") print v }' "$raw"
}
fails() { grep -c "^scenario=$1 broker=$2 .*ok=0" "$raw"; }

echo "brokers: ours ($ours), mosquitto ($("$debian" -h 2>&1 | sed -n 's/^mosquitto version \([^ ]*\).*/\1/p;q')), rumqttd ($("$rumqttd" -V 2>&1))"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p;' /proc/cpuinfo | head -n 1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load generator: $lib/libmosquitto.so.1; rounds: $rounds"

throughput=() other=()
for sc in $SCENARIOS; do
	case $sc in
	conn | scale | steady) other+=("$sc") ;;
	*) throughput+=("$sc") ;;
	esac
done

for r in $(seq "$rounds"); do
	# Alternate the order of the brokers between rounds.
	order=$BROKERS
	[ $((r % 2)) = 0 ] && order=$(tr ' ' '\n' <<<"$BROKERS" | tac | tr '\n' ' ')
	for sc in "${throughput[@]}"; do
		for who in $order; do
			tls=
			[ "$sc" = tls_p2p_q0 ] && tls=1
			start_broker "$who" $tls || { record "$sc" "$who" "ok=0 error=start"; continue; }
			line=$(timeout 200 "$work/broker_load" -p "$bport" -b "$bpid" -L "$lib" $(load_args "$sc") 2> "$work/err")
			status=$?
			ok=1
			[ $status = 0 ] || ok=0
			[ $ok = 1 ] || echo "round $r: $sc on $who failed (status $status): $line $(head -c 300 "$work/err")" >&2
			record "$sc" "$who" "ok=$ok $line"
			stop_broker
		done
	done
	echo "round $r of $rounds done ($(date +%T), load average $(cut -d' ' -f1 /proc/loadavg))" >&2
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2f", a / b; else printf "-" }'; }
# value SCENARIO WHO KEY: the median, or "fail" when no run succeeded
value() {
	local v
	v=$(values "$1" "$2" "$3" | median)
	if [ "$v" = - ] && [ "$(fails "$1" "$2")" -gt 0 ]; then echo fail; else echo "$v"; fi
}
rate_fmt() { awk -v v="$1" 'BEGIN { if (v ~ /^[0-9.]+$/) { if (v >= 1e6) printf "%.2fM", v/1e6; else printf "%.0fk", v/1e3 } else printf "%s", v }'; }
mb() { awk -v v="$1" 'BEGIN { if (v ~ /^[0-9.]+$/) printf "%.0f", v/1024; else printf "%s", v }'; }

if [ ${#throughput[@]} -gt 0 ]; then
	echo
	echo "| scenario | ours msg/s | mosquitto msg/s | rumqttd msg/s | ours / mosquitto | ours / rumqttd | broker CPU µs/msg: ours | mosquitto | rumqttd | CPU ours / rumqttd | broker RSS MB: ours | mosquitto | rumqttd |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	for sc in "${throughput[@]}"; do
		[ "$sc" = latency ] && continue
		declare -A rate cpu rss
		for who in $BROKERS; do
			rate[$who]=$(value "$sc" "$who" msgs_per_s)
			cpu[$who]=$(value "$sc" "$who" broker_cpu_us_per_msg)
			rss[$who]=$(value "$sc" "$who" broker_rss_kb)
		done
		printf '| %s | %s | %s | %s | %sx | %sx | %s | %s | %s | %s | %s | %s | %s |\n' "$sc" \
			"$(rate_fmt "${rate[ours]}")" "$(rate_fmt "${rate[mosquitto]}")" "$(rate_fmt "${rate[rumqttd]}")" \
			"$(ratio "${rate[ours]}" "${rate[mosquitto]}")" "$(ratio "${rate[ours]}" "${rate[rumqttd]}")" \
			"${cpu[ours]}" "${cpu[mosquitto]}" "${cpu[rumqttd]}" "$(ratio "${cpu[ours]}" "${cpu[rumqttd]}")" \
			"$(mb "${rss[ours]}")" "$(mb "${rss[mosquitto]}")" "$(mb "${rss[rumqttd]}")"
	done
fi
case " ${throughput[*]} " in *" latency "*)
	echo
	echo "Latency, publish to delivery, QoS 0, one publisher and one subscriber at $LATENCY_RATE msg/s, clients with TCP_NODELAY (median of rounds):"
	echo
	echo "| broker | p50 µs | p99 µs |"
	echo "| --- | --- | --- |"
	for who in $BROKERS; do
		echo "| $who | $(value latency "$who" p50_us) | $(value latency "$who" p99_us) |"
	done ;;
esac

# The connection runs, once each.
conn_run() { # SCENARIO WHO N [SECONDS]
	local sc=$1 who=$2 n=$3 secs=${4:-0} line status
	start_broker "$who" || { record "$sc" "$who" "ok=0 error=start"; return; }
	line=$(timeout $((secs + 600)) "$work/broker_conns" -p "$bport" -n "$n" -b "$bpid" -L "$lib" -t "$secs" 2> "$work/err")
	status=$?
	[ $status = 0 ] || echo "$sc on $who failed (status $status): $line $(head -c 300 "$work/err")" >&2
	# Partial results are shown too (the status says whether all went well).
	record "$sc" "$who" "ok=$([ -n "$line" ] && echo 1 || echo 0) status=$status $line"
	stop_broker
	# Let the kernel finish closing the sockets before the next run counts its memory.
	sleep 3
}
for sc in "${other[@]}"; do
	case $sc in
	conn)
		for who in $BROKERS; do conn_run conn "$who" "$CONNS"; done
		echo
		echo "$CONNS idle connections:"
		echo
		echo "| broker | connected | seconds to connect | broker KB per connection | broker CPU µs per connection |"
		echo "| --- | --- | --- | --- | --- |"
		for who in $BROKERS; do
			echo "| $who | $(value conn "$who" connected) | $(value conn "$who" connect_s) | $(value conn "$who" broker_kb_per_conn) | $(value conn "$who" broker_cpu_us_per_conn) |"
		done ;;
	scale)
		for who in $SCALE_BROKERS; do conn_run scale "$who" "$SCALE_CONNS"; done
		echo
		echo "$SCALE_CONNS idle connections$scale_note (the kernel's memory counts both ends of each loopback connection, so per socket is half of it; it includes the load generator's side):"
		echo
		echo "| broker | connected | seconds to connect | broker RSS MB | broker KB per connection | kernel KB per socket |"
		echo "| --- | --- | --- | --- | --- | --- |"
		for who in $SCALE_BROKERS; do
			echo "| $who | $(value scale "$who" connected) | $(value scale "$who" connect_s) | $(mb "$(value scale "$who" broker_rss_after_kb)") | $(value scale "$who" broker_kb_per_conn) | $(value scale "$who" kernel_kb_per_socket) |"
		done ;;
	steady)
		for who in $STEADY_BROKERS; do conn_run steady "$who" "$PUBLISHERS" "$PUBLISH_SECONDS"; done
		echo
		echo "$PUBLISHERS connections each publishing once a second for $PUBLISH_SECONDS s (QoS 0, one subscriber to all):"
		echo
		echo "| broker | published | delivered | broker RSS MB after 10 s | at the end | growth KB | samples every 5 s (MB) |"
		echo "| --- | --- | --- | --- | --- | --- | --- |"
		for who in $STEADY_BROKERS; do
			samples=$(values steady "$who" rss_samples_kb | head -n 1 | tr ',' '\n' | awk '{printf "%s%.1f", (NR > 1 ? " " : ""), $1 / 1024}')
			echo "| $who | $(value steady "$who" published) | $(value steady "$who" delivered) | $(mb "$(value steady "$who" rss_at_10s_kb)") | $(mb "$(value steady "$who" rss_end_kb)") | $(value steady "$who" rss_growth_kb) | $samples |"
		done ;;
	esac
done
if [ -n "${KEEP_RAW:-}" ]; then cp "$raw" "$KEEP_RAW"; fi
