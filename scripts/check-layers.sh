#!/usr/bin/env bash
# The layer rule, as a test: the pure layers (the macvlan core, the command
# layer and their public headers) must not use DPDK. Debian installs DPDK's
# headers outside the default include path, so a stray include fails to build
# here, but not where DPDK is installed under /usr/include; this check makes the
# rule hold everywhere. Usage: check-layers.sh [SOURCE_ROOT]
set -u
root=${1:-$(dirname "$0")/..}
pure=("$root/include" "$root/lib/core" "$root/lib/ctl" "$root/lib/client" "$root/lib/memif")
# DPDK's headers, symbols and macros, and the libraries it brings
pattern='#[[:space:]]*include[[:space:]]*[<"](rte_|cmdline|generic/rte_)|\b(rte|RTE)_[A-Za-z0-9_]+|__rte_'
bad=$(grep -rnE "$pattern" "${pure[@]}" --include='*.c' --include='*.h' || true)
if [ -n "$bad" ]; then
	echo "check-layers: the pure layers use DPDK:"
	echo "$bad"
	exit 1
fi
n=$(find "${pure[@]}" -name '*.[ch]' | wc -l)
if [ "$n" -lt 10 ]; then
	echo "check-layers: only $n files under ${pure[*]}: wrong source root?"
	exit 1
fi
echo "check-layers: $n files in the pure layers, none uses DPDK"
