#!/usr/bin/env bash
# Prints a Markdown table of the exported mosquitto_* functions and whether each is implemented,
# judged from the sources in src/capi (every .rs file below it). Run from the top of the repository
# (`make support-table`).
#
#   .ci/support_table.sh           print the table
#   .ci/support_table.sh --update  rewrite that part of README.md (`make update-support-table`)
#   .ci/support_table.sh --check   fail if README.md, between the lines
#                                  <!-- support-table:begin --> and <!-- support-table:end -->,
#                                  does not hold exactly the table printed (`make check-support-table`)
#
# How a function is judged: an exported function is a line containing `extern "C" fn mosquitto_...`.
# It counts as NOT implemented when the doc comment just above it (the `///` lines, attributes
# such as #[unsafe(no_mangle)] may come between) has a line starting with the marker
#
#     /// Not implemented yet
#
# (the stubs say `/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.`). Remove that line
# when the function is implemented. Every other exported function counts as implemented.
#
# The version node of each function comes from the linker version script; the script fails if a
# function in the sources has no node there, or a node lists a function the sources lack.
set -euo pipefail
export LC_ALL=C

map=src/capi/libmosquitto.map
readme=README.md
marker='Not implemented yet'
# Functions that cannot be provided on rustls say so in their doc comment with a line
# starting `/// Not supported:`; they are listed as "not supported with rustls".
unsupported='Not supported:'

[ -f "$map" ] || { echo "support_table: run from the top of the repository ($map not found)" >&2; exit 2; }

# "name status" for every exported function in the sources.
functions=$(awk -v marker="$marker" -v unsupported="$unsupported" '
    FNR == 1 { doc = "" }
    /^[[:space:]]*\/\/\// { doc = doc "\n" $0; next }
    /^[[:space:]]*#\[/ { next }
    /extern "C" fn mosquitto_[a-z0-9_]+/ {
        match($0, /fn mosquitto_[a-z0-9_]+/)
        name = substr($0, RSTART + 3, RLENGTH - 3)
        stub = (doc ~ ("\n[[:space:]]*/// " marker))
        na = (doc ~ ("\n[[:space:]]*/// " unsupported))
        print name, (stub ? "no" : (na ? "not-supported" : "yes"))
    }
    { doc = "" }
' $(find src/capi -name '*.rs' | sort) | sort)

# "name node" for every function in the version script.
# (Nodes not named MOSQ_<digits> are the library's own, outside mosquitto.h: skipped.)
nodes=$(awk '
    /^[[:space:]]*MOSQ_[A-Z0-9_.]+[[:space:]]*\{/ { node = ($1 ~ /^MOSQ_[0-9.]+$/) ? $1 : "" }
    node != "" && /^[[:space:]]*mosquitto_[a-z0-9_]+;/ { sub(/;.*/, "", $1); print $1, node }
' "$map" | sort)

dups=$(printf '%s\n' "$functions" | awk '{print $1}' | uniq -d)
[ -z "$dups" ] || { echo "support_table: exported more than once: $dups" >&2; exit 1; }
missing=$(join -v1 <(printf '%s\n' "$functions") <(printf '%s\n' "$nodes") | awk '{print $1}')
[ -z "$missing" ] || { echo "support_table: not in $map: $missing" >&2; exit 1; }
absent=$(join -v2 <(printf '%s\n' "$functions") <(printf '%s\n' "$nodes") | awk '{print $1}')
[ -z "$absent" ] || { echo "support_table: in $map but not exported by src/capi: $absent" >&2; exit 1; }

# The columns "2.0" and "2.1" tell which libmosquitto generation has the function: every
# node up to MOSQ_1.7 is in both, MOSQ_2.1 only in 2.1.
table() {
    echo '| Function | Since | 2.0 | 2.1 | Implemented |'
    echo '|---|---|---|---|---|'
    join <(printf '%s\n' "$functions") <(printf '%s\n' "$nodes") |
        awk '{ s = $2; if (s == "not-supported") s = "not supported with rustls"
               old = ($3 == "MOSQ_2.1") ? "" : "yes"
               printf "| `%s` | %s | %s | yes | %s |\n", $1, $3, old, s }'
    echo
    join <(printf '%s\n' "$functions") <(printf '%s\n' "$nodes") |
        awk '{ n++; if ($3 != "MOSQ_2.1") { o++; if ($2 == "yes") oy++ } else { if ($2 == "yes") ny++; m++ } }
             $2 == "yes" { y++ } $2 == "not-supported" { u++ } END {
            printf "%d of %d functions implemented (2.0: %d of %d; added in 2.1: %d of %d); %d not supported with rustls.\n",
                y, n, oy, o, ny, m, u }'
}

if [ "${1:-}" = --check ]; then
    [ -f "$readme" ] || { echo "support_table: $readme not found" >&2; exit 1; }
    grep -qx '<!-- support-table:begin -->' "$readme" && grep -qx '<!-- support-table:end -->' "$readme" ||
        { echo "support_table: $readme lacks the support-table:begin/end marker lines" >&2; exit 1; }
    if ! diff -u --label "$readme" --label generated \
        <(sed -n '/^<!-- support-table:begin -->$/,/^<!-- support-table:end -->$/p' "$readme" | sed '1d;$d') \
        <(table); then
        echo "support_table: the table in $readme is out of date; replace it with the output of make support-table" >&2
        exit 1
    fi
elif [ "${1:-}" = --update ]; then
    new=$(awk -v table="$(table)" '
        /^<!-- support-table:end -->$/ { print table; skip = 0 }
        !skip { print }
        /^<!-- support-table:begin -->$/ { skip = 1 }
    ' "$readme")
    printf '%s\n' "$new" > "$readme"
else
    table
fi
