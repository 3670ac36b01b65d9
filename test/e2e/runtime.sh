#!/usr/bin/env bash
# Runtime files and names taken by a live instance:
#   - the EAL runtime directory of the prefix (/var/run/dpdk/<prefix>) is gone
#     after `quit` (with and without --no-shconf) and after SIGTERM;
#   - a second instance with the same --file-prefix (its own control socket)
#     is refused with a clear line; the first one's files stay and it still
#     answers;
#   - on hugepages (when some are free, or E2E_HUGEPAGES=1 lets the test
#     reserve 64 for itself), no <prefix>map_* file stays and the pages are free
#     again;
#   - the demo (scripts/run.sh, names from MVDEMO): a second run while the
#     first is live refuses, and the first finishes its pings with its
#     namespaces intact.
# Usage: runtime.sh DPDK_MACVLAN DPDK_MACVLAN_CTL
# EAL arguments are split on purpose (SC2046, SC2086).
# shellcheck disable=SC2046,SC2086,SC2016,SC2034,SC2012,SC2010
set -u
app=$1
ctl=$2
source "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$(dirname "$app")/.." && pwd)


check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }

rundir() { echo "/var/run/dpdk/$1"; }
eal_of() { # $1 prefix, then extra EAL options
	local p=$1
	shift
	echo "--no-pci --file-prefix=$p -l 0-1 --log-level=*:warning --vdev net_null0 $*"
}

# ---- quit, with and without --no-shconf ----
for mode in shconf noshconf; do
	p="${E2E_PREFIX}$mode"
	extra="--no-huge -m 256"
	[ "$mode" = noshconf ] && extra="$extra --no-shconf"
	{ sleep 1; echo "link add link p0 name mv0 type macvlan backend null"; echo quit; } |
		timeout 60 "$app" $(eal_of "$p" $extra) -- -i --ctl-socket none >"$E2E_TMP/$mode.out" 2>&1
	rc=$?
	check "$mode: quit exits 0 (rc $rc) and leaves no $(rundir "$p")" \
		'[ "$rc" -eq 0 ] && [ ! -e "$(rundir "$p")" ]'
done

# ---- a live instance: a second one with its prefix is refused; SIGTERM cleans ----
p="${E2E_PREFIX}live"
log="$E2E_TMP/live.out"
"$app" $(eal_of "$p" --no-huge -m 256) -- --ctl-socket "$E2E_TMP/live.sock" >"$log" 2>&1 &
app_pid=$!
wait_output 0 '^dpdk-macvlan: 1 port' 30 || fail "live: did not start: $(tail -n 3 "$log")"
files_before=$(ls "$(rundir "$p")" 2>/dev/null | sort | tr '\n' ' ')
timeout 60 "$app" $(eal_of "$p" --no-huge -m 256 --no-shconf) -- --ctl-socket "$E2E_TMP/second.sock" \
	>"$E2E_TMP/second.out" 2>&1
rc=$?
check "second instance with the same prefix refused (rc $rc): $(head -n 1 "$E2E_TMP/second.out")" \
	'[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] &&
	grep -q "^Error: cannot initialise EAL: another DPDK process (pid $app_pid) runs with --file-prefix $p (it holds " "$E2E_TMP/second.out" &&
	! grep -q "^EAL:" "$E2E_TMP/second.out"'
files_after=$(ls "$(rundir "$p")" 2>/dev/null | sort | tr '\n' ' ')
check "the live one's runtime files stay: $files_after" \
	'[ -n "$files_before" ] && [ "$files_before" = "$files_after" ] &&
	[[ $files_after == *mp_socket* && $files_after == *config* ]]'
check "the live one still answers" '"$ctl" -s "$E2E_TMP/live.sock" link show p0 | grep -q "^p0 "'
kill -TERM "$app_pid"
wait_exit 30 || { fail "live: still running after SIGTERM"; kill -KILL "$app_pid"; }
check "SIGTERM: exit 0 (rc ${rc:-none}), no $(rundir "$p"), no socket" \
	'[ "${rc:-1}" -eq 0 ] && [ ! -e "$(rundir "$p")" ] && [ ! -e "$E2E_TMP/live.sock" ]'

# ---- hugepages ----
hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
hp_set=""
free_pages() { awk '/^HugePages_Free:/ {print $2}' /proc/meminfo; }
if [ "$(free_pages)" -lt 64 ] && [ "${E2E_HUGEPAGES:-0}" = 1 ] && [ -w "$hp" ]; then
	hp_set=$(cat "$hp")
	echo $((hp_set + 64)) >"$hp"
fi
if [ "$(free_pages)" -ge 64 ]; then
	mkdir -p "$E2E_TMP/huge"
	if mount -t hugetlbfs -o pagesize=2M nodev "$E2E_TMP/huge"; then
		p="${E2E_PREFIX}huge"
		before=$(free_pages)
		{ sleep 1; echo "link add link p0 name mv0 type macvlan backend null"; echo quit; } |
			timeout 60 "$app" $(eal_of "$p" -m 64 --huge-dir "$E2E_TMP/huge") -- -i \
				--ctl-socket none --mbufs 4095 >"$E2E_TMP/huge.out" 2>&1
		rc=$?
		left=$(ls "$E2E_TMP/huge" | grep -c "^${p}map_")
		check "hugepages: exit 0 (rc $rc), $left hugepage files left, free pages $before -> $(free_pages), no $(rundir "$p")" \
			'[ "$rc" -eq 0 ] && [ "$left" -eq 0 ] && [ "$(free_pages)" -eq "$before" ] && [ ! -e "$(rundir "$p")" ]'
		rm -f "$E2E_TMP/huge/${p}map_"*
		umount "$E2E_TMP/huge"
	else
		skip "hugepages: cannot mount hugetlbfs"
	fi
else
	skip "hugepages: fewer than 64 free 2 MB pages (E2E_HUGEPAGES=1 reserves them for the test)"
fi
[ -n "$hp_set" ] && echo "$hp_set" >"$hp"

# ---- the demo: a second run while the first is live refuses ----
demo="${E2E_PREFIX}"
demo=${demo:0:11}
MVDEMO=$demo MVDEMO_BUILD=$build "$root/scripts/run.sh" </dev/null >"$E2E_TMP/demo1.out" 2>&1 &
d1=$!
for ((i = 0; i < 300; i++)); do
	[ -S "/run/dpdk-macvlan/$demo.sock" ] && ip netns list | grep -q "^$demo-a" && break
	kill -0 "$d1" 2>/dev/null || break
	sleep 0.1
done
MVDEMO=$demo MVDEMO_BUILD=$build timeout 60 "$root/scripts/run.sh" </dev/null >"$E2E_TMP/demo2.out" 2>&1
rc=$?
check "a second demo named $demo refuses (rc $rc): $(head -n 1 "$E2E_TMP/demo2.out")" \
	'[ "$rc" -eq 1 ] && grep -q "a demo named $demo is running" "$E2E_TMP/demo2.out"'
check "the first demo's namespaces and wire are still there" \
	'ip netns list | grep -q "^$demo-a" && ip netns list | grep -q "^$demo-ext" && ip link show "$demo-nic" >/dev/null 2>&1'
wait "$d1"
rc=$?
check "the first demo ends well (rc $rc): $(grep -c " 3 received" "$E2E_TMP/demo1.out") pings answered" \
	'[ "$rc" -eq 0 ] && [ "$(grep -c " 3 received" "$E2E_TMP/demo1.out")" -eq 3 ] && ! grep -q FAILED "$E2E_TMP/demo1.out"'
check "after it: no $demo namespace, wire, socket or lock file" \
	'! ip netns list | grep -q "^$demo-" && ! ip link show "$demo-nic" >/dev/null 2>&1 &&
	[ ! -e "/run/dpdk-macvlan/$demo.sock" ] && [ ! -e "/run/lock/dpdk-macvlan-$demo.lock" ]'
[ "$rc" -eq 0 ] || tail -n 20 "$E2E_TMP/demo1.out"

e2e_summary runtime
