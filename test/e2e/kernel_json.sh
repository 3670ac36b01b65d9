#!/usr/bin/env bash
# The JSON of a vif against the kernel's: the same vif made with kernel
# macvlan (a veth named p0 in a namespace is the lower) and with dpdk-macvlan
# (a net_null port p0 with the same MAC), then `ip -j -d link show` and
# `dpdk-macvlan-ctl -j link show` compared key by key, in every mode and with
# the flags, MTU, admin state, source lists and bcqueuelen that change what
# the kernel reports. Fields the kernel has and dpdk-macvlan does not model
# are listed (KERNEL_ONLY) and must be the only keys missing; the program's
# own additions are listed (OURS_ONLY) and must be the only extra keys; every
# shared key must have the same value. stats64 must have the same keys as
# `ip -j -s link show`.
# Usage: kernel_json.sh DPDK_MACVLAN DPDK_MACVLAN_CTL
set -u
app=$1
ctl=$2
source "$(dirname "$0")/lib.sh"
trap '' PIPE

ns="${E2E_PREFIX}kj"
sock="$E2E_TMP/ctl.sock"
log="$E2E_TMP/log"
LOWER_MAC=02:00:00:00:00:fe
# kernel-only: queueing, GSO/GRO/TSO limits, IPv6 address generation, ifindex
KERNEL_ONLY='["gro_ipv4_max_size","gro_max_size","group","gso_ipv4_max_size","gso_max_segs","gso_max_size","ifindex","inet6_addr_gen_mode","linkmode","num_rx_queues","num_tx_queues","parentbus","parentdev","qdisc","tso_max_segs","tso_max_size","txqlen"]'
OURS_ONLY='["address_random","backend","spoofchk","bcrate"]'
app_pid=""
trap '[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null; exec 3>&- 2>/dev/null; ip netns del "$ns" 2>/dev/null; e2e_cleanup' EXIT

command -v jq >/dev/null || { fail "jq not installed"; e2e_summary kernel_json; exit 1; }
ip netns add "$ns" || { fail "cannot create namespace $ns"; e2e_summary kernel_json; exit 1; }
ip -n "$ns" link add p0 type veth peer name p0peer &&
	ip -n "$ns" link set p0 address "$LOWER_MAC" && ip -n "$ns" link set p0 up &&
	ip -n "$ns" link set p0peer up || { fail "veth in $ns"; e2e_summary kernel_json; exit 1; }

mkfifo "$E2E_TMP/in"
# shellcheck disable=SC2046
"$app" $(e2e_eal kj) --vdev net_null0 -- -i --ctl-socket "$sock" <"$E2E_TMP/in" >"$log" 2>&1 &
app_pid=$!
exec 3>"$E2E_TMP/in"
for ((i = 0; i < 100; i++)); do [ -S "$sock" ] && break; sleep 0.1; done
"$ctl" -s "$sock" link set p0 address "$LOWER_MAC" >/dev/null ||
	{ fail "daemon not reachable: $(tail -n 3 "$log")"; e2e_summary kernel_json; exit 1; }

ours() { "$ctl" -s "$sock" "$@" >/dev/null; }
kern() { ip -n "$ns" link "$@"; }

# compare NAME DESCRIPTION: the vif NAME as both report it
compare() {
	local name=$1 what=$2 k o diff
	k=$(ip -n "$ns" -j -d link show "$name" | jq '.[0]')
	o=$("$ctl" -s "$sock" -j link show "$name" | jq '.[0]')
	if [ -z "$k" ] || [ "$k" = null ] || [ -z "$o" ] || [ "$o" = null ]; then
		fail "$what: no JSON (kernel ${#k} bytes, ours ${#o} bytes)"
		return
	fi
	diff=$(jq -n --argjson k "$k" --argjson o "$o" --argjson konly "$KERNEL_ONLY" --argjson oonly "$OURS_ONLY" '
		def sorted: if type == "array" and (.[0] | type) == "string" and (.[0] | test("^..:")) then sort else . end;
		($k | keys - $konly) as $kk | ($o | keys - $oonly) as $ok |
		[ (($kk - $ok)[] | "missing: \(.)"),
		  (($ok - $kk)[] | "extra: \(.)"),
		  ($kk - ($kk - $ok) | .[] | select(. != "linkinfo") |
			select(($k[.] | sorted) != ($o[.] | sorted)) | "\(.): kernel \($k[.]|tojson) ours \($o[.]|tojson)"),
		  (if $k.linkinfo.info_kind != $o.linkinfo.info_kind then "info_kind differs" else empty end),
		  (($k.linkinfo.info_data // {}) as $kd | ($o.linkinfo.info_data // {}) as $od |
			(($kd | keys) + ($od | keys) | unique[]) as $f |
			select(($kd[$f] | sorted) != ($od[$f] | sorted)) |
			"info_data.\($f): kernel \($kd[$f]|tojson) ours \($od[$f]|tojson)")
		] | .[]')
	[ -z "$diff" ] && ok "$what: same keys and values as the kernel ($(jq -c '.linkinfo.info_data' <<<"$o"))" ||
		fail "$what: $(tr '\n' ';' <<<"$diff")"
}

# passthru first: it needs a lower without other vifs
kern add link p0 name kp type macvlan mode passthru && kern set kp up
ours link add link p0 name kp type macvlan mode passthru backend null && ours link set kp up
compare kp "passthru, up"
kern del kp
ours link del kp

kern add link p0 name kb address 02:00:00:00:10:01 type macvlan mode bridge && kern set kb up
ours link add link p0 name kb type macvlan mode bridge address 02:00:00:00:10:01 backend null
ours link set kb up
compare kb "bridge, up"

kern add link p0 name kv address 02:00:00:00:10:02 mtu 1400 type macvlan mode private
ours link add link p0 name kv type macvlan mode private address 02:00:00:00:10:02 mtu 1400 backend null
compare kv "private, mtu 1400, down"

kern add link p0 name kn address 02:00:00:00:10:03 type macvlan mode vepa &&
	kern set kn promisc on && kern set kn allmulticast on && kern set kn up
ours link add link p0 name kn type macvlan mode vepa address 02:00:00:00:10:03 backend null
ours link set kn promisc on allmulticast on up
compare kn "vepa, promisc, allmulticast, up"

kern add link p0 name kd address 02:00:00:00:10:06 type macvlan mode source nodst
ours link add link p0 name kd type macvlan mode source nodst address 02:00:00:00:10:06 backend null
compare kd "source nodst, down"

kern add link p0 name ks address 02:00:00:00:10:04 type macvlan mode source &&
	kern set ks type macvlan macaddr add 02:00:00:00:aa:01 &&
	kern set ks type macvlan macaddr add 02:00:00:00:aa:02 && kern set ks up
ours link add link p0 name ks type macvlan mode source address 02:00:00:00:10:04 backend null
ours link set ks type macvlan macaddr add 02:00:00:00:aa:01
ours link set ks type macvlan macaddr add 02:00:00:00:aa:02
ours link set ks up
compare ks "source with 2 remotes, up"

# a larger bcqueuelen raises every vif's usedbcqueuelen
kern add link p0 name kq address 02:00:00:00:10:05 type macvlan mode bridge bcqueuelen 2000
ours link add link p0 name kq type macvlan mode bridge address 02:00:00:00:10:05 bcqueuelen 2000 backend null
compare kq "bcqueuelen 2000"
compare kb "bridge, after another vif's bcqueuelen 2000"

# the lower down: NO-CARRIER, M-DOWN, LOWERLAYERDOWN
ip -n "$ns" link set p0 down
ours link set p0 down
compare kb "bridge, lower down"
ip -n "$ns" link set p0 up
ours link set p0 up
compare kb "bridge, lower up again"

# stats64: the same counters as ip -s
ks=$(ip -n "$ns" -j -s link show kb | jq -c '.[0].stats64 | map_values(keys)')
os=$("$ctl" -s "$sock" -j link stats kb | jq -c '.links[0].stats64 | map_values(keys)')
[ -n "$ks" ] && [ "$ks" = "$os" ] && ok "stats64 has the kernel's keys: $os" || fail "stats64 keys: kernel $ks ours $os"

echo quit >&3
exec 3>&-
wait_exit 30
[ "$rc" = 0 ] && ok "daemon exit 0" || fail "daemon exit $rc: $(tail -n 3 "$log")"
e2e_summary kernel_json
