#!/usr/bin/env bash
# Usage: .ci/check_build_options.sh BUILD_DIR VERSION_SCRIPT    (`make check-options`)
# Checks one build made with build options turned off (WITH_TLS, WITH_SOCKS, WITH_BROKER in the
# environment, yes or no): its exports, what the functions of the options return
# (tests/c/tools/build_options.c), that C examples linked with it exchange messages with
# Debian's broker (c-examples/demo.sh), and, with the broker but without TLS, that the broker
# refuses TLS options.
set -euo pipefail
build=$1 map=$2
root=$(cd "$(dirname "$0")/.." && pwd)
lib=$(cd "$build/lib" && pwd -P)
: "${WITH_TLS:?}" "${WITH_SOCKS:?}" "${WITH_BROKER:?}"
echo "== build options: WITH_TLS=$WITH_TLS WITH_SOCKS=$WITH_SOCKS WITH_BROKER=$WITH_BROKER ($build)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$root/.ci/check_exports.sh" "$map" "$lib/libmosquitto.so.1"
"$root/.ci/check_exports.sh" "$root/src/capi/libmosquitto_common.map" "$lib/libmosquitto_common.so.1"
if [ "$WITH_BROKER" = no ] && objdump -T "$lib/libmosquitto.so.1" | grep -q mosquitto_embed_; then
	echo "check_build_options: a build without the broker exports mosquitto_embed_*" >&2
	exit 1
fi

# What the functions of the options return; the program must run on this build's library.
cc -std=c99 -Wall -Wextra -Werror -pedantic -I"$root/include" -o "$work/build_options" \
	"$root/tests/c/tools/build_options.c" "$root/tests/c/support/loadcheck.c" -L"$lib" -lmosquitto
LD_LIBRARY_PATH=$lib timeout 30 "$work/build_options" "$WITH_TLS" "$WITH_SOCKS" 2> "$work/err"
grep -qxF "libmosquitto loaded from: $lib/libmosquitto.so.1" "$work/err" || {
	echo "check_build_options: build_options did not load $lib/libmosquitto.so.1:" >&2
	cat "$work/err" >&2
	exit 1
}

# Messages both ways through Debian's broker (demo.sh checks which library each example loads).
timeout 300 "$root/c-examples/demo.sh" "$lib" "$build/examples"

# Without TLS the broker refuses TLS options, naming the file, the line and the option.
if [ "$WITH_BROKER" = yes ] && [ "$WITH_TLS" = no ]; then
	printf 'listener 0 127.0.0.1\nallow_anonymous true\ncertfile %s/server.crt\n' "$work" > "$work/tls.conf"
	status=0
	timeout 30 "$build/sbin/mosquitto" -c "$work/tls.conf" > "$work/broker.out" 2>&1 || status=$?
	# (after the time stamp of the log line)
	want="Error: Option 'certfile' is not supported by this broker, built without TLS ($work/tls.conf:3)."
	if [ "$status" != 3 ] || ! grep -qF "$want" "$work/broker.out"; then
		echo "check_build_options: the broker did not refuse certfile as expected (exit $status):" >&2
		cat "$work/broker.out" >&2
		exit 1
	fi
	echo "PASS the broker built without TLS refuses 'certfile' (exit 3)"
fi
echo "== build options checked: WITH_TLS=$WITH_TLS WITH_SOCKS=$WITH_SOCKS WITH_BROKER=$WITH_BROKER"
