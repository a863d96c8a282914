#!/bin/bash
# Smoke-run every fuzz target in fuzz/ for SECONDS each (default 20), starting from its seeds in
# fuzz/seeds/<target>/, and fail on the first crash, hang or oversized allocation.
#
# Usage: .ci/fuzz_smoke.sh [SECONDS] [TARGET...]
#
# New corpus entries go to fuzz/corpus/<target>/ and crashing inputs to fuzz/artifacts/<target>/
# (neither is committed).
set -euo pipefail
. "$(dirname "$0")/fuzz_common.sh"

seconds=${1:-20}
shift || true
fuzz_enter "$@"

# Release build with debug assertions and overflow checks (cargo-fuzz's default), AddressSanitizer.
cargo fuzz build

for target in "${targets[@]}"; do
	echo "== fuzz $target for ${seconds}s"
	mkdir -p "corpus/$target"
	# -timeout: an input running for 10 s is a hang.
	if ! cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- \
		-max_total_time="$seconds" -timeout=10 "${fuzz_flags[@]}"; then
		fuzz_failed "$target"
		exit 1
	fi
done
echo "fuzz smoke: ${#targets[@]} targets, ${seconds}s each, no crash"
