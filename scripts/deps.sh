#!/usr/bin/env bash
# Shared by the scripts: install what is missing (Debian 12), by package name.
# Usage: source scripts/deps.sh; need_packages pkg...
need_packages() {
	local missing=()
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing: ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "need root to install ${missing[*]}" >&2
		return 1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building and running dpdk-macvlan needs.
BUILD_PACKAGES=(build-essential meson ninja-build pkg-config dpdk dpdk-dev libdpdk-dev
	libnuma-dev libpcap-dev libjansson-dev iproute2)
# What reads the rte_trace CTF output (test/e2e/trace.sh, docs/tracing.md).
TRACE_PACKAGES=(babeltrace2)
