#!/bin/bash
# Smoke-run every fuzz target in fuzz/ for SECONDS each (default 20), starting from its seeds in
# fuzz/seeds/<target>/, and fail on the first crash, hang or oversized allocation.
#
# Usage: .ci/fuzz_smoke.sh [SECONDS] [TARGET...]
#
# cargo-fuzz passes nightly -Z flags (the sanitizer, coverage instrumentation) to rustc;
# RUSTC_BOOTSTRAP=1 lets a stable toolchain accept them. New corpus entries go to
# fuzz/corpus/<target>/ and crashing inputs to fuzz/artifacts/<target>/ (neither is committed):
# copy a crashing input to fuzz/regressions/<target>/ so that tests/fuzz_regressions.rs replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true

if ! command -v cargo-fuzz >/dev/null 2>&1; then
	cargo install --locked --quiet cargo-fuzz
fi
export RUSTC_BOOTSTRAP=1

cd fuzz
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi

# Release build with debug assertions and overflow checks (cargo-fuzz's default), AddressSanitizer.
cargo fuzz build

for target in "${targets[@]}"; do
	echo "== fuzz $target for ${seconds}s"
	mkdir -p "corpus/$target"
	# -malloc_limit_mb: no single allocation may exceed 64 MiB (inputs are at most 4 KiB);
	# -timeout: an input running for 10 s is a hang.
	if ! cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- \
		-max_total_time="$seconds" -max_len=4096 -timeout=10 \
		-rss_limit_mb=2048 -malloc_limit_mb=64 -print_final_stats=1; then
		echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
		exit 1
	fi
done
echo "fuzz smoke: ${#targets[@]} targets, ${seconds}s each, no crash"
