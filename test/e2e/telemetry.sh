#!/usr/bin/env bash
# The /macvlan/... telemetry endpoints, read with DPDK's own client
# (dpdk-telemetry.py -f PREFIX) from a running program: a net_null port
# (rx traffic forever) and 600 null vifs, 1 of them up.
# Checks:
#   - /macvlan/ports lists p0; /macvlan/port,p0 names its device, its MTU, and
#     counters that move between two reads; drop reasons are telemetry keys
#     (no '-');
#   - /macvlan/vifs pages: 256 names a page, next = 256, 512, then -1, every
#     vif exactly once over the pages, in `link show` order;
#   - /macvlan/vif,<name> has the same MAC, mode and MTU as `link show`, and
#     its counters are those of `link stats` (forwarding stopped: frozen);
#   - /macvlan/workers: one worker, lcore 1, frames > 0, busy share 0..100;
#   - an unknown vif, a missing or bad parameter give null (an error), and
#     the program is unharmed;
#   - 10 clients reading at once while vifs are added: every reply is valid
#     JSON; the program exits 0 with the mempool full.
# Usage: telemetry.sh DPDK_MACVLAN
set -u
app=$1
source "$(dirname "$0")/lib.sh"
trap '' PIPE

N=600
prefix="${E2E_PREFIX}tel"
log="$E2E_TMP/log"
app_pid=""
trap '[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null; exec 3>&- 2>/dev/null; e2e_cleanup' EXIT

command -v dpdk-telemetry.py >/dev/null || { fail "dpdk-telemetry.py not found (package dpdk)"; e2e_summary telemetry; exit 1; }
for ((k = 0; k < N; k++)); do
	printf 'link add link p0 name t%d type macvlan mode bridge address 02:00:00:%02x:%02x:01 backend null\n' \
		"$k" $((k / 256)) $((k % 256))
done >"$E2E_TMP/cmds"
echo "link set t7 up" >>"$E2E_TMP/cmds"

# telemetry (without --no-shconf: the socket lives in the prefix's runtime dir)
mkfifo "$E2E_TMP/ctl"
"$app" --no-huge -m 512 --no-pci --file-prefix="$prefix" -l 0-1 --log-level='*:warning' \
	--vdev net_null0 -- -i --cmdline-file "$E2E_TMP/cmds" <"$E2E_TMP/ctl" >"$log" 2>&1 &
app_pid=$!
exec 3>"$E2E_TMP/ctl"
wait_output 0 "^dpdk-macvlan: 1 port\\(s\\), $N vif\\(s\\)" 60 ||
	{ fail "program did not start: $(tail -n 5 "$log")"; e2e_summary telemetry; exit 1; }

# tel CMD: the reply's value (JSON), "null" on an error
tel() {
	echo "$1" | timeout 20 dpdk-telemetry.py -f "$prefix" 2>/dev/null | tr -d '\n' |
		sed 's/^[^{]*//' | jq -c --arg k "${1%%,*}" '.[$k]'
}
ask() {
	local off
	off=$(stat -c %s "$log")
	echo "$1" >&3
	wait_output "$off" "$2" 30 || return 1
	ans=$(tail -c +$((off + 1)) "$log")
}

[ "$(tel /macvlan/ports)" = '["p0"]' ] && ok "/macvlan/ports: [\"p0\"]" || fail "/macvlan/ports: $(tel /macvlan/ports)"
p1=$(tel /macvlan/port,p0)
sleep 0.7
p2=$(tel /macvlan/port,p0)
jq -e '.device == "net_null0" and .mtu == 1500 and .ifname == "p0" and (.drops | type == "object")' <<<"$p1" >/dev/null &&
	ok "/macvlan/port,p0: device net_null0, mtu 1500, drops" || fail "/macvlan/port,p0: $p1"
[ "$(jq '.rx_packets' <<<"$p2")" -gt "$(jq '.rx_packets' <<<"$p1")" ] 2>/dev/null &&
	ok "port counters move between reads ($(jq .rx_packets <<<"$p1") -> $(jq .rx_packets <<<"$p2"))" ||
	fail "port counters did not move: $(jq .rx_packets <<<"$p1") $(jq .rx_packets <<<"$p2")"
jq -e '(.drops | keys | all(test("^[A-Za-z0-9_/]+$"))) and (.drops.lower_no_host_if > 0)' <<<"$p2" >/dev/null &&
	ok "drop reasons are telemetry keys; lower_no_host_if counted" || fail "drop keys: $(jq -c .drops <<<"$p2")"

# paging
names=()
start=0 pages=0 nexts=""
while [ "$start" != "-1" ] && [ $pages -lt 10 ]; do
	pg=$(tel "/macvlan/vifs,$start")
	mapfile -t -O "${#names[@]}" names < <(jq -r '.vifs[]' <<<"$pg")
	[ "$(jq .total <<<"$pg")" = "$N" ] || fail "page $start: total $(jq .total <<<"$pg")"
	start=$(jq .next <<<"$pg")
	nexts+="$start "
	pages=$((pages + 1))
done
want=$(seq 0 $((N - 1)) | sed 's/^/t/' | tr '\n' ' ')
[ "$nexts" = "256 512 -1 " ] && [ "${names[*]} " = "$want" ] &&
	ok "/macvlan/vifs: 3 pages (next 256 512 -1), all $N vifs once, in order" ||
	fail "/macvlan/vifs paging: nexts '$nexts', ${#names[@]} names"
[ "$(tel /macvlan/vifs | jq '.vifs | length')" = 256 ] && ok "/macvlan/vifs without START is the first page" ||
	fail "/macvlan/vifs: $(tel /macvlan/vifs | head -c 200)"

# one vif against link show / link stats (frozen by stop)
ask "stop" '^forwarding stopped'
ask "link show t7" '^    backend ' && show=$ans
ask "link stats t7" 'TX: packets' && stats=$ans
v=$(tel /macvlan/vif,t7)
mac=$(awk '$1 == "link/ether" {print $2}' <<<"$show")
rx=$(awk '$1 == "RX:" {print $3}' <<<"$stats")
jq -e --arg mac "$mac" --argjson rx "${rx:-0}" '.address == $mac and .mode == "bridge" and .mtu == 1500 and
	.operstate == "UP" and .rx_packets == $rx and .backend_kind == "null" and .link == "p0"' <<<"$v" >/dev/null &&
	ok "/macvlan/vif,t7 matches link show and link stats (address $mac, rx $rx)" || fail "/macvlan/vif,t7: $v vs $mac $rx"
w=$(tel /macvlan/workers)
jq -e '.n_workers == 1 and .worker0.lcore == 1 and .worker0.frames > 0 and .worker0.busy_share_pct <= 100' <<<"$w" >/dev/null &&
	ok "/macvlan/workers: 1 worker on lcore 1, frames counted" || fail "/macvlan/workers: $w"
bad=""
for c in /macvlan/vif,nope /macvlan/vif /macvlan/port,p9 /macvlan/vifs,x /macvlan/vifs,-1; do
	[ "$(tel "$c")" = null ] || bad+="$c "
done
[ -z "$bad" ] && alive && ok "unknown names and bad parameters give errors (null); program alive" ||
	fail "bad requests: $bad"

# 10 readers while vifs are added
ask "start" '^forwarding started'
for ((r = 0; r < 10; r++)); do
	( for ((i = 0; i < 5; i++)); do tel "/macvlan/vifs,$((i * 100))" | jq -e . >/dev/null || echo bad; done ) \
		>"$E2E_TMP/r$r" 2>&1 &
done
for ((k = 0; k < 50; k++)); do echo "link add link p0 name x$k type macvlan backend null" >&3; done
wait $(jobs -p | grep -v "^$app_pid$") 2>/dev/null
cat "$E2E_TMP"/r* | grep -q bad && fail "a concurrent reader got a bad reply" ||
	ok "10 concurrent readers while 50 vifs were added: every reply valid JSON"
[ "$(tel /macvlan/vifs | jq .total)" = $((N + 50)) ] && ok "the new vifs are published ($((N + 50)))" ||
	fail "total after adds: $(tel /macvlan/vifs | jq .total)"

echo quit >&3
exec 3>&-
wait_exit 30
[ "$rc" = 0 ] && grep -Eq '^mempool mv_mbufs: ([0-9]+)/\1 mbufs free' "$log" &&
	ok "exit 0, mempool full" || fail "exit $rc: $(tail -n 3 "$log")"
e2e_summary telemetry
