#!/usr/bin/env bash
# Usage: benches/sizes.sh BUILD_DIR...     (`make sizes`; run from the repository root)
# Prints a Markdown table of what an installation of each build weighs, stripped as `make
# install` strips it: libmosquitto.so.1, libmosquitto.a, and c-examples/pub.c linked fully
# statically with the archive (the fully static command of README, stripped), then the same
# for the system's libmosquitto (alone, and with the OpenSSL libraries it loads).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kb() { echo "$(( ($(stat -c %s "$1") + 512) / 1024 )) KB"; }

echo "| build | libmosquitto.so.1 | libmosquitto.a | static program (pub.c) |"
echo "| --- | ---: | ---: | ---: |"
for build in "$@"; do
	lib=$build/lib
	cp "$lib/libmosquitto.so.1" "$work/so" && strip --strip-unneeded "$work/so"
	cp "$lib/libmosquitto.a" "$work/a" && strip --strip-debug "$work/a"
	cc -static -std=c99 -O2 -I"$root/include" -o "$work/pub" "$root/c-examples/pub.c" -Wl,--gc-sections \
		"$work/a" -lutil -lrt -lpthread -lm -ldl 2> /dev/null
	strip "$work/pub"
	name=$(basename "$build")
	[ "$name" = build ] && name="default options"
	echo "| this library, $name | $(kb "$work/so") | $(kb "$work/a") | $(kb "$work/pub") |"
done
sys=$(gcc -print-file-name=libmosquitto.so.1)
sys=$(readlink -f "$sys")
ssl=$(ldd "$sys" | awk '$1 ~ /^libssl/ { print $3 }')
crypto=$(ldd "$sys" | awk '$1 ~ /^libcrypto/ { print $3 }')
total=$(( $(stat -c %s "$sys") + $(stat -c %s "$ssl") + $(stat -c %s "$crypto") ))
echo "| system libmosquitto ($(basename "$sys")), alone | $(kb "$sys") | | |"
echo "| system libmosquitto with $(basename "$ssl") and $(basename "$crypto") | $(( (total + 512) / 1024 )) KB | | |"
