#!/usr/bin/env bash
# Usage: .ci/check_exports.sh VERSION_SCRIPT LIBRARY   (`make check-exports`)
# Fails unless LIBRARY exports exactly the functions listed in VERSION_SCRIPT, each with the
# version node it is listed under, and nothing else but the version node names themselves; its
# soname must be its file name (libmosquitto.so.1, libmosquitto_common.so.1).
set -euo pipefail
export LC_ALL=C
map=$1 lib=$2

expected=$(awk '
    /^[[:space:]]*MOSQ_[A-Z0-9_.]+[[:space:]]*\{/ { node = $1; print node, node }
    /^[[:space:]]*mosquitto_[a-z0-9_]+;/ { sub(/;.*/, "", $1); print $1, node }
' "$map" | sort)
# objdump -T: the last two fields of a defined dynamic symbol are its version and its name.
actual=$(objdump -T "$lib" | awk '$0 ~ /^[0-9a-f]+ / && $0 !~ /\*UND\*/ && NF >= 6 {
    v = $(NF - 1); gsub(/[()]/, "", v); print $NF, v }' | sort)

if [ "$expected" != "$actual" ]; then
    echo "check_exports: $lib does not export what $map lists (- expected, + exported):" >&2
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") | grep '^[<>]' | sed 's/^</-/; s/^>/+/' >&2
    exit 1
fi
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
want=$(basename "$lib")
[ "$soname" = "$want" ] || { echo "check_exports: soname is '$soname', not $want" >&2; exit 1; }
echo "check_exports: $(grep -c '^mosquitto_' <<<"$actual") functions exported with their version nodes, soname $soname"
