#!/usr/bin/env bash
# Conformance through the real program: every kernel scenario replayed with
# net_pcap as the physical port and as every vif's backend; receivers per
# frame must be the kernel's (the lower's own stack excepted, see scn_pcap.c).
# Usage: conformance.sh DPDK_MACVLAN SCN_PCAP CONFORMANCE_DIR
set -u
app=$1 tool=$2 dir=$3
source "$(dirname "$0")/lib.sh"

i=0
for scn in "$dir"/scenarios/*.json; do
	name=$(basename "$scn" .json)
	exp="$dir/expected/$name.json"
	out="$E2E_TMP/$name"
	mkdir -p "$out"
	"$tool" prepare "$scn" "$exp" "$out"
	rc=$?
	if [ $rc -eq 77 ]; then skip "$name (lower without carrier)"; continue; fi
	if [ $rc -ne 0 ]; then fail "$name: prepare failed"; continue; fi
	i=$((i + 1))
	# shellcheck disable=SC2046
	"$app" $(e2e_eal "c$i") $(cat "$out/eal.args") -- --cmdline-file "$out/cmds" \
		>"$out/log" 2>&1 &
	pid=$!
	# the scenario's frames are a few dozen: one second of forwarding is plenty
	e2e_wait_for "$out/log" "forwarding on" 60 && sleep 1
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name: dpdk-macvlan exited $rc"
		tail -n 20 "$out/log"
		continue
	fi
	if ! grep -Eq 'mempool [a-z_]+: ([0-9]+)/\1 mbufs free' "$out/log"; then
		fail "$name: mempool not full after exit: $(grep mempool "$out/log")"
		continue
	fi
	if "$tool" check "$scn" "$exp" "$out" >"$out/check" 2>&1; then
		ok "$name ($(tail -n1 "$out/check" | cut -d: -f2))"
	else
		fail "$name"
		cat "$out/check"
		grep -v '^$' "$out/log" | tail -n 5
	fi
done
e2e_summary "conformance_program"
