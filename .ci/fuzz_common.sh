# Shared by .ci/fuzz_smoke.sh and .ci/fuzz_long.sh (sourced, not run).
#
# fuzz_enter [TARGET...]: installs cargo-fuzz when it is missing, lets a stable toolchain accept
# the nightly -Z flags cargo-fuzz passes to rustc (the sanitizer, coverage instrumentation), enters
# fuzz/ and sets `targets` to the arguments, or to every target when there are none.
fuzz_enter() {
	if ! command -v cargo-fuzz >/dev/null 2>&1; then
		cargo install --locked --quiet cargo-fuzz
	fi
	export RUSTC_BOOTSTRAP=1
	cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz"
	if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi
}

# libFuzzer flags of every run: inputs of at most 4 KiB; no single allocation above 64 MiB (this
# needs a sanitizer's allocator hooks; without one, the 2 GiB RSS limit bounds the process); final
# counts printed at the end.
fuzz_flags=(-max_len=4096 -rss_limit_mb=2048 -malloc_limit_mb=64 -print_final_stats=1)

# fuzz_failed TARGET: the message after a crash, hang or memory-limit hit.
fuzz_failed() {
	echo "fuzz target $1 failed; the input is in fuzz/artifacts/$1/: copy it to" \
		"fuzz/regressions/$1/ so that tests/fuzz_regressions.rs replays it" >&2
}
