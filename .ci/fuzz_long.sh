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
# Logs go to fuzz/artifacts/long/<target>.log (not committed); crashing inputs to
# fuzz/artifacts/<target>/: copy them to fuzz/regressions/<target>/ so that
# tests/fuzz_regressions.rs replays them.
set -euo pipefail
cd "$(dirname "$0")/.."

max_seconds=${MAX_SECONDS:-7200}
sanitizer=${SANITIZER:-none}
niceness=${NICE:-19}

if ! command -v cargo-fuzz >/dev/null 2>&1; then
	cargo install --locked --quiet cargo-fuzz
fi
export RUSTC_BOOTSTRAP=1

cd fuzz
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi

cargo fuzz build -s "$sanitizer"
mkdir -p artifacts/long

final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

summary=()
for target in "${targets[@]}"; do
	mkdir -p "corpus/$target" "artifacts/$target"
	log="artifacts/long/$target.log"
	echo "== fuzz $target: 10^8 executions or ${max_seconds}s, from $(date +%T)"
	started=$(date +%s)
	# -malloc_limit_mb needs a sanitizer's allocator hooks; without one, -rss_limit_mb bounds
	# the process.
	if ! nice -n "$niceness" cargo fuzz run -s "$sanitizer" "$target" "corpus/$target" "seeds/$target" -- \
		-runs=100000000 -max_total_time="$max_seconds" -max_len=4096 -timeout=600 \
		-rss_limit_mb=2048 -malloc_limit_mb=64 -print_final_stats=1 >"$log" 2>&1; then
		tail -30 "$log" >&2
		echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
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
