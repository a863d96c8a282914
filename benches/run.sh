#!/bin/bash
# Run benches/throughput.c on our library and on the system's libmosquitto, side by side, against
# one private Debian mosquitto broker on a free loopback port.
#
# Usage: benches/run.sh [--tls] [ROUNDS]       (run from the repository root after `make`)
# Prints, per QoS, the median over ROUNDS of end-to-end messages per second and client CPU time
# per message for both libraries, and the ratios. With --tls, the clients connect over TLS to a
# TLS listener of the broker, with a CA and server certificate made for the run (openssl tool).
# The broker is started by c-examples/broker.sh.
# Needs: mosquitto, libmosquitto-dev, gcc (and openssl for --tls).
set -eu
tls=
if [ "${1:-}" = --tls ]; then tls=1; shift; fi
rounds=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
ours=$root/build/lib
work=$(mktemp -d)
cleanup() { "$root/c-examples/broker.sh" stop "$work"; rm -rf "$work"; }
trap cleanup EXIT

[ -e "$ours/libmosquitto.so.1" ] || { echo "build the library first (make)" >&2; exit 2; }
# One binary, compiled against the reference header, so that only the loaded library differs.
gcc -O2 -std=c99 -Wall -Wextra -pthread -o "$work/throughput" "$root/benches/throughput.c" -lmosquitto

cafile=
tls_files=()
if [ -n "$tls" ]; then
	# A CA, and a server certificate from it for 127.0.0.1, valid for a day.
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
	ssl() { openssl "$@" 2>> "$work/openssl.log" || { cat "$work/openssl.log" >&2; exit 1; }; }
	ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/ca.key"
	ssl req -new -x509 -config "$work/ext.cnf" -extensions ca -key "$work/ca.key" -subj /CN=bench-ca \
		-days 1 -out "$work/ca.crt"
	ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/server.key"
	ssl req -new -config "$work/ext.cnf" -key "$work/server.key" -subj /CN=localhost -out "$work/server.csr"
	ssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
		-days 1 -extfile "$work/ext.cnf" -extensions server -out "$work/server.crt"
	tls_files=(--tls "$work/server.crt" "$work/server.key")
	cafile=$work/ca.crt
	echo "over TLS (broker: OpenSSL; ours: rustls; reference: OpenSSL)"
fi
# The plain listener, then (with --tls) the TLS one: the clients use the last.
ports=$("$root/c-examples/broker.sh" start "$work" --quiet "${tls_files[@]}")
port=${ports##* }

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }

printf '%-5s %10s %12s %12s %12s %9s %9s\n' qos count "ours msg/s" "ref msg/s" "ours us/msg" "ref us/msg" "speedup"
for spec in "0 200000" "1 100000" "2 50000"; do
	set -- $spec
	qos=$1 count=$2
	: > "$work/o.rate"; : > "$work/r.rate"; : > "$work/o.cpu"; : > "$work/r.cpu"
	for _ in $(seq "$rounds"); do
		for who in o r; do
			if [ $who = o ]; then libdir=$ours; else libdir=; fi
			line=$(LD_LIBRARY_PATH=$libdir timeout 150 "$work/throughput" 127.0.0.1 "$port" "$qos" "$count" 100 4 ${cafile:+"$cafile"})
			lib=$(field lib <<<"$line")
			if [ $who = o ] && [ "${lib#"$ours"}" = "$lib" ]; then echo "wrong library loaded: $lib" >&2; exit 1; fi
			field msgs_per_s <<<"$line" >> "$work/$who.rate"
			field cpu_us_per_msg <<<"$line" >> "$work/$who.cpu"
		done
	done
	orate=$(median < "$work/o.rate"); rrate=$(median < "$work/r.rate")
	ocpu=$(median < "$work/o.cpu"); rcpu=$(median < "$work/r.cpu")
	printf '%-5s %10s %12s %12s %12s %9s %8.2fx\n' "$qos" "$count" "$orate" "$rrate" "$ocpu" "$rcpu" \
		"$(awk -v a="$orate" -v b="$rrate" 'BEGIN{print (b>0)?a/b:0}')"
done
