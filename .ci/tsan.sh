#!/bin/bash
# ThreadSanitizer over the library and the broker (part of make soak; minutes):
#   - the library, its Rust standard library and the `mosquitto` command are built with
#     -Zsanitizer=thread (-Zbuild-std, so that std's synchronisation is seen too; the stable
#     toolchain accepts the flags with RUSTC_BOOTSTRAP=1, as cargo-fuzz does);
#   - every C test program (tests/c/*.c) is built with -fsanitize=thread and linked with that
#     library statically (no libmosquitto.so may be mapped), then run; those that need a broker
#     get the instrumented `mosquitto` command; the embedded-broker programs carry their own;
#   - the in-process broker tests (tests/broker_inprocess.rs) run instrumented;
# and prints what it counted. Any report fails the run. Without the rust-src component (which
# -Zbuild-std needs) and no way to install it, it says so and skips.
set -uo pipefail
cd "$(dirname "$0")/.."

target=x86_64-unknown-linux-gnu
cargo=${CARGO:-cargo}
sysroot=$(rustc --print sysroot)
if [ ! -d "$sysroot/lib/rustlib/src/rust/library" ] && ! rustup component add rust-src >/dev/null 2>&1; then
	echo "tsan: skipped: -Zbuild-std needs the rust-src component, which cannot be installed here"
	exit 0
fi
runtime=$(ls "$sysroot"/lib/rustlib/$target/lib/librustc-*_rt.tsan.a 2>/dev/null | head -1)
if [ -z "$runtime" ]; then
	echo "tsan: skipped: the toolchain has no ThreadSanitizer runtime"
	exit 0
fi

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=target/tsan
out=build/tsan
mkdir -p "$out"
status=0
flags="-Zsanitizer=thread"

echo "== build the library and the broker with ThreadSanitizer"
RUSTFLAGS="$flags" "$cargo" build -q -Zbuild-std --target $target --lib --bin mosquitto || exit 1
lib=target/tsan/$target/debug/libmosquitto.a
broker=target/tsan/$target/debug/mosquitto

# Each run writes its reports to its own files (log_path appends .PID).
reports_of() { cat "$1".* 2>/dev/null | grep -c '^WARNING: ThreadSanitizer' ; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' "$port" > "$out/broker.conf"
rm -f "$out"/*.tsan.*
TSAN_OPTIONS="log_path=$out/broker.tsan" "$broker" -c "$out/broker.conf" > "$out/broker.log" 2>&1 &
broker_pid=$!
sleep 2

programs=0
total=0
for src in tests/c/*.c; do
	name=$(basename "$src" .c)
	exe="$out/$name"
	if ! cc -std=c99 -pthread -g -O1 -fsanitize=thread -Iinclude -Itests/c -c -o "$exe.o" "$src" \
		|| ! cc -std=c99 -pthread -g -O1 -fsanitize=thread -c -o "$out/loadcheck.o" tests/c/support/loadcheck.c \
		|| ! cc -pthread -o "$exe" "$exe.o" "$out/loadcheck.o" "$lib" \
			-Wl,--whole-archive "$runtime" -Wl,--no-whole-archive -ldl -lm -lstdc++ -lrt; then
		echo "tsan: $name: does not build"
		status=1
		continue
	fi
	args=()
	if head -1 "$src" | grep -q broker; then args=("$port"); fi
	TSAN_OPTIONS="log_path=$out/$name.tsan halt_on_error=0" timeout 600 "$exe" "${args[@]}" \
		> "$out/$name.log" 2>&1
	rc=$?
	n=$(reports_of "$out/$name.tsan")
	programs=$((programs + 1))
	total=$((total + n))
	if ! grep -q "libmosquitto loaded from: (none)" "$out/$name.log"; then
		echo "tsan: $name: a shared libmosquitto was loaded instead of the instrumented one"
		status=1
	fi
	if [ "$rc" -ne 0 ] || [ "$n" -ne 0 ]; then
		echo "tsan: $name: exit status $rc, $n report(s) (build/tsan/$name.log, $name.tsan.*)"
		status=1
	else
		echo "tsan: $name: ok"
	fi
done
kill "$broker_pid" 2>/dev/null
wait "$broker_pid" 2>/dev/null
broker_reports=$(reports_of "$out/broker.tsan")
total=$((total + broker_reports))
[ "$broker_reports" -eq 0 ] || { echo "tsan: the broker: $broker_reports report(s) ($out/broker.tsan.*)"; status=1; }

echo "== the in-process broker tests with ThreadSanitizer"
TSAN_OPTIONS="log_path=$(pwd)/$out/inprocess.tsan" RUSTFLAGS="$flags" \
	"$cargo" test -q -Zbuild-std --target $target --test broker_inprocess > "$out/inprocess.log" 2>&1 \
	|| { echo "tsan: broker_inprocess failed ($out/inprocess.log)"; status=1; }
inprocess_reports=$(reports_of "$out/inprocess.tsan")
total=$((total + inprocess_reports))
grep -h "test result" "$out/inprocess.log"

echo "tsan: $programs C programs (the broker they used also instrumented) and the in-process" \
	"broker tests: $total report(s)"
[ "$total" -eq 0 ] || status=1
exit $status
