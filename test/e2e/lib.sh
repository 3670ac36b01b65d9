#!/usr/bin/env bash
# Helpers for the end-to-end tests: unique EAL prefixes, cleanup of what a
# test made (namespaces, hugepage files, temp dirs), and a result tally.
E2E_PREFIX="mvt$$"
E2E_TMP=$(mktemp -d /tmp/mv-e2e.XXXXXX)
E2E_NETNS=()
e2e_pass=0
e2e_fail=0
e2e_skip=0

e2e_cleanup() {
	local ns
	for ns in "${E2E_NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$E2E_TMP" /dev/hugepages/"${E2E_PREFIX}"* /var/run/dpdk/"${E2E_PREFIX}"* 2>/dev/null
	return 0
}
trap e2e_cleanup EXIT

# EAL arguments every test run uses: no hugepages, no shared files, own prefix.
e2e_eal() {
	echo "--no-huge -m 512 --no-pci --no-shconf --file-prefix=${E2E_PREFIX}$1 -l 0-1 --log-level=*:warning"
}

ok() { echo "ok   $*"; e2e_pass=$((e2e_pass + 1)); }
fail() { echo "FAIL $*"; e2e_fail=$((e2e_fail + 1)); }
skip() { echo "skip $*"; e2e_skip=$((e2e_skip + 1)); }

e2e_summary() {
	echo "$1: $e2e_pass passed, $e2e_fail failed, $e2e_skip skipped"
	[ "$e2e_fail" -eq 0 ] && [ "$e2e_pass" -gt 0 ]
}

# Wait (up to $3 s, default 30) for a line matching $2 in file $1.
e2e_wait_for() {
	local i n=$(( ${3:-30} * 10 ))
	for ((i = 0; i < n; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ---- the program under test: its pid in $app_pid, its output in $log ----
alive() { kill -0 "$app_pid" 2>/dev/null; }

# Wait until $log, past byte $1, holds a line matching $2 (timeout $3 s).
wait_output() {
	local off=$1 re=$2 t=${3:-20} i
	for ((i = 0; i < t * 20; i++)); do
		tail -c +$((off + 1)) "$log" 2>/dev/null | grep -Eq "$re" && return 0
		alive || return 1
		sleep 0.05
	done
	return 1
}

# Wait up to $1 s for the program to exit; its status in $rc ("" on timeout).
wait_exit() {
	local i
	rc=""
	for ((i = 0; i < $1 * 10; i++)); do
		if ! alive; then
			wait "$app_pid"
			rc=$?
			app_pid=""
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# After the program exited with status $rc: the status, a full mempool, and
# no sanitizer report or crash in log $2 (extended regex $3 adds to what
# counts as an error). Results under the tag $1.
e2e_check_exit() {
	local tag=$1 log=$2 bad='AddressSanitizer|LeakSanitizer|runtime error|PANIC|Segmentation'
	[ -n "${3:-}" ] && bad="$bad|$3"
	[ "$rc" -eq 0 ] && ok "$tag: exit 0" || { fail "$tag: exit status $rc"; tail -n 20 "$log"; }
	if grep -Eq 'mempool [a-z_]+: ([0-9]+)/\1 mbufs free' "$log"; then
		ok "$tag: mempool full after exit"
	else
		fail "$tag: mempool not full after exit: $(grep mempool "$log" | tail -n 1)"
	fi
	if grep -Eq "$bad" "$log"; then
		fail "$tag: errors in the log: $(grep -Em3 "$bad" "$log")"
	fi
}
