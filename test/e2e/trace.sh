#!/usr/bin/env bash
# The configuration path's trace points (docs/tracing.md): the program runs
# with EAL --trace=macvlan.* --trace-dir on net_null; a session adds a vif,
# refuses three adds (a taken name at setup, passthru beside a vif at newlink,
# a group address at validate), changes the mode, takes the lower down and up,
# shows the vif (-d, -s) and deletes it. babeltrace2 reads the CTF trace; the
# check is the sequence of point names (commits left out: one follows every
# command) and their key fields: names, lower, mode, MAC, errno.
# Usage: trace.sh DPDK_MACVLAN
set -u
app=$1
source "$(dirname "$0")/lib.sh"

if ! command -v babeltrace2 >/dev/null; then
	skip "babeltrace2 is not installed (scripts/deps.sh)"
	e2e_summary trace
	exit 77
fi
cmds='link add link p0 name tr0 type macvlan mode bridge address 02:00:00:00:0e:01 backend null
link add link p0 name tr0 type macvlan mode bridge backend null
link add link p0 name tr1 type macvlan mode passthru backend null
link add link p0 name tr2 type macvlan mode bridge address 01:00:5e:00:00:01 backend null
link set tr0 type macvlan mode private
link set p0 down
link set p0 up
link show -d tr0
link show -s tr0
link del tr0
quit'
dir=$E2E_TMP/trace
# shellcheck disable=SC2046
printf '%s\n' "$cmds" | timeout 60 "$app" $(e2e_eal tr) --vdev net_null0 \
	--trace='macvlan\..*' --trace-dir "$dir" -- -i --ctl-socket none >"$E2E_TMP/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && ok "exit 0" || { fail "exit status $rc"; tail -n 20 "$E2E_TMP/out"; }
# one line a point: "macvlan.setup name=tr0 lower=p0 mtu=0x5DC result=-17"
babeltrace2 "$dir" 2>"$E2E_TMP/bt.err" |
	sed -E 's/^\[[^]]*\] \([^)]*\) ([a-z_.]+): \{[^}]*\}, \{ (.*) \}$/\1 \2/; s/ = /=/g; s/, / /g; s/"//g' \
		>"$E2E_TMP/points"
[ -s "$E2E_TMP/points" ] && ok "babeltrace2 reads the trace ($(wc -l <"$E2E_TMP/points") points)" ||
	fail "no points: $(head -n 3 "$E2E_TMP/bt.err")"

# the sequence of names, commits aside
got=$(grep -v '^macvlan.commit ' "$E2E_TMP/points" | cut -d' ' -f1 | tr '\n' ' ')
want='macvlan.validate macvlan.setup macvlan.newlink macvlan.init macvlan.fix_features macvlan.event macvlan.fill_info '
want+='macvlan.validate macvlan.setup '
want+='macvlan.validate macvlan.setup macvlan.newlink '
want+='macvlan.validate '
want+='macvlan.changelink macvlan.fill_info '
want+='macvlan.event macvlan.event macvlan.event macvlan.event '
want+='macvlan.fill_info macvlan.stats macvlan.fill_info macvlan.dellink '
[ "$got" = "$want" ] && ok "the sequence: validate setup newlink init fix_features event fill_info ... dellink" ||
	fail "sequence: got [$got] want [$want]"

# key fields, in order (each pattern matches the next point it names)
fields=(
	'macvlan.validate name=tr0 lower=p0 mac=0x20000000E01 mode=0x4 flags=0x0 result=0'
	'macvlan.setup name=tr0 lower=p0 mtu=0x5DC result=0'
	'macvlan.newlink name=tr0 lower=p0 mac=0x20000000E01 mode=0x4 flags=0x0 slot=0x0 result=0'
	'macvlan.init name=tr0 backend=null worker=0x0 result=0'
	'macvlan.fix_features name=tr0 lower=p0 mtu=0x5DC max_mtu=0x[0-9A-F]+ carrier=0x1'
	'macvlan.event name=tr0 lower=p0 what=register value=0x1 source=command'
	'macvlan.fill_info name=tr0 lower=p0 mac=0x20000000E01 mode=0x4 '
	'macvlan.commit n_vifs=0x1 '
	'macvlan.setup name=tr0 lower=p0 mtu=0x5DC result=-17'
	'macvlan.newlink name=tr1 lower=p0 mac=0x0 mode=0x8 flags=0x0 slot=0xFFFF result=-22'
	'macvlan.validate name=tr2 lower=p0 mac=0x1005E000001 mode=0x4 flags=0x0 result=-99'
	'macvlan.changelink name=tr0 mode=0x1 flags=0x0 result=0'
	'macvlan.fill_info name=tr0 lower=p0 mac=0x20000000E01 mode=0x1 '
	'macvlan.event name=p0 lower=p0 what=lower_link value=0x1 source=command'
	'macvlan.event name=tr0 lower=p0 what=carrier value=0x0 source=lower'
	'macvlan.event name=p0 lower=p0 what=lower_link value=0x3 source=command'
	'macvlan.event name=tr0 lower=p0 what=carrier value=0x1 source=lower'
	'macvlan.stats name=tr0 rx_packets=0x0 '
	'macvlan.dellink name=tr0 lower=p0 reason=command'
	'macvlan.commit n_vifs=0x0 '
)
line=0
for f in "${fields[@]}"; do
	n=$(tail -n +$((line + 1)) "$E2E_TMP/points" | grep -nE -m1 "^$f" | cut -d: -f1)
	if [ -n "$n" ]; then
		line=$((line + n))
		ok "point: $f"
	else
		fail "no point \"$f\" after line $line: $(sed -n "$((line + 1)),$((line + 3))p" "$E2E_TMP/points")"
	fi
done
rm -rf "$dir"
[ ! -e "$dir" ] && ok "trace dir removed" || fail "trace dir left"
e2e_summary trace
