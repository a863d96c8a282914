#!/bin/bash
# Long fuzz runs: each target until 10^8 executions or MAX_SECONDS (default 7200, two hours),
# whichever comes first, continuing from fuzz/corpus/<target>/ and its seeds, one target after
# another on one core. Prints a table of executions, time, speed and coverage at the end and
# fails on the first crash, hang or oversized allocation.
#
# Usage: .ci/fuzz_long.sh [TARGET...]        (all targets by default)
#   MAX_SECONDS=N   time limit per target
#   SANITIZER=address   build with AddressSanitizer (about five times slower); the default
#                       is no sanitizer, with debug assertions and overflow checks as in
#                       cargo-fuzz's default build. The smoke runs (.ci/fuzz_smoke.sh) keep ASan.
#   NICE=N          niceness of the fuzzer (default 19)
#
# Logs go to fuzz/artifacts/long/<target>.log (not committed), crashing inputs to
# fuzz/artifacts/<target>/.
set -euo pipefail
. "$(dirname "$0")/fuzz_common.sh"

max_seconds=${MAX_SECONDS:-7200}
sanitizer=${SANITIZER:-none}
niceness=${NICE:-19}
fuzz_enter "$@"

cargo fuzz build -s "$sanitizer"
mkdir -p artifacts/long

final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

summary=()
for target in "${targets[@]}"; do
	mkdir -p "corpus/$target" "artifacts/$target"
	log="artifacts/long/$target.log"
	echo "== fuzz $target: 10^8 executions or ${max_seconds}s, from $(date +%T)"
	started=$(date +%s)
	# -timeout: 600 s, as a fuzzer at the lowest priority can be starved for a while.
	if ! nice -n "$niceness" cargo fuzz run -s "$sanitizer" "$target" "corpus/$target" "seeds/$target" -- \
		-runs=100000000 -max_total_time="$max_seconds" -timeout=600 "${fuzz_flags[@]}" >"$log" 2>&1; then
		tail -30 "$log" >&2
		fuzz_failed "$target"
		exit 1
	fi
	elapsed=$(($(date +%s) - started))
	cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)
	summary+=("$(printf '%-15s %12s %7ss %9s/s  %s' "$target" "$(final_stat number_of_executed_units "$log")" \
		"$elapsed" "$(final_stat average_exec_per_sec "$log")" "$cov")")
	echo "${summary[-1]}"
done
echo
echo "fuzz long runs (sanitizer: $sanitizer), no crash:"
printf '%s\n' "${summary[@]}"
