#!/bin/bash
# Make sure the tools a target needs are present; install the missing ones when possible.
#
# Usage: .ci/deps.sh demo|check
#   demo   a C compiler, cargo and Debian's mosquitto broker
#   check  also Debian's mosquitto clients and reference libmosquitto (for the comparison
#          tests and the benchmark), valgrind, pkg-config, microsocks (a SOCKS5 proxy for
#          the proxy tests), paho-mqtt for Debian's python3 (an independent client for the
#          broker tests), iproute2 and nftables (the link-cut test's namespaces and packet
#          loss), rustfmt, clippy and the pinned cbindgen that generates the headers
#
# Missing Debian packages are installed with apt-get when running as root (or with sudo
# without a password); otherwise the script prints the command to run and fails.
set -eu
what=${1:-check}
cbindgen_version=0.29.2

packages=()
need() { command -v "$1" >/dev/null 2>&1 || packages+=("$2"); }
need cc gcc
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || packages+=(mosquitto)
if [ "$what" = check ]; then
	need mosquitto_pub mosquitto-clients
	need mosquitto_passwd mosquitto
	[ -e /usr/include/mosquitto.h ] || packages+=(libmosquitto-dev)
	need valgrind valgrind
	need pkg-config pkg-config
	need microsocks microsocks
	need python3 python3
	/usr/bin/python3 -c 'import paho.mqtt.client' >/dev/null 2>&1 || packages+=(python3-paho-mqtt)
	need ip iproute2
	need nft nftables
fi

if [ ${#packages[@]} -gt 0 ]; then
	mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
	if [ "$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo=sudo; else
		echo "missing packages; install them with: sudo apt-get install -y ${packages[*]}" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq "${packages[@]}" >/dev/null
fi
if [ "$what" = check ]; then
	if command -v rustup >/dev/null 2>&1; then
		cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
		cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
	fi
	if ! cbindgen --version 2>/dev/null | grep -qx "cbindgen $cbindgen_version"; then
		cargo install --locked --quiet cbindgen --version "$cbindgen_version"
	fi
fi
