#!/usr/bin/env bash
# A TAP vif changed from its own namespace, as one changes a kernel macvlan
# with `ip link set`: the program learns it from rtnetlink (no polling of
# these: the once-a-second backend poll only mirrors groups and checks the
# netns) and adopts it under the shell's rules, or refuses it and puts the
# netdev back. The port is net_af_packet on a veth whose other end, in its
# own namespace, is the external host (vhost_peer.py sends and captures).
# Checks:
#   - `ip link set mv0 address A` is adopted: link show says A, the event
#     stream has it, frames from the wire to A reach mv0, those to the old
#     address no longer do;
#   - mv1 set to mv0's address, or to the port's, is refused (Error: naming
#     mv0 / p0), its netdev gets its own address back;
#   - mtu 1400 adopted; mtu 9000 (above the port's) refused and put back;
#   - `ip link set mv0 down` / `up`: the vif follows;
#   - `ip link del mv1`: the vif loses its carrier at once, `link set mv1
#     down` then `up` creates the netdev again;
#   - the daemon exits cleanly, the mempool is full.
# Usage: tapside.sh DPDK_MACVLAN DPDK_MACVLAN_CTL
# shellcheck disable=SC2046
set -u
app=$1
ctl=$2
here=$(dirname "$0")
source "$here/lib.sh"
peer="$here/vhost_peer.py"

NIC="mvt$$n" EXT="mvt$$e"
NS_EXT="${E2E_PREFIX}ext" NS_V="${E2E_PREFIX}v"
EXT_MAC=02:ee:00:00:00:01 A1=02:00:00:00:01:01 A2=02:00:00:00:01:02 AN=02:00:00:00:01:aa
CTL="$E2E_TMP/ctl.sock"
E2E_NETNS+=("$NS_EXT" "$NS_V")
app_pid=""
log="$E2E_TMP/log"

teardown() {
	[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null
	ip link del "$NIC" 2>/dev/null
	return 0
}
trap 'teardown; e2e_cleanup' EXIT

c() { "$ctl" -s "$CTL" -t 10 "$@"; }
# `link show -d` JSON of vif $1, a python expression on v ($2)
vif_get() {
	c -j link show "$1" 2>/dev/null |
		python3 -c "import json, sys; v = json.load(sys.stdin)[0]; print($2)" 2>/dev/null
}
# the TAP's own view in its namespace
tap_addr() { ip -n "$NS_V" -j link show "$1" | python3 -c "import json, sys; print(json.load(sys.stdin)[0]['address'])"; }
tap_mtu() { ip -n "$NS_V" -j link show "$1" | python3 -c "import json, sys; print(json.load(sys.stdin)[0]['mtu'])"; }
# wait up to 5 s until the python test $2 on vif $1 holds
wait_vif() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(vif_get "$1" "$2")" = True ] && return 0
		sleep 0.1
	done
	return 1
}
wait_log() { e2e_wait_for "$log" "$1" 5; }
expect() { [ "$2" = "$3" ] && ok "$1 ($2)" || fail "$1: got '$2', want '$3'"; }

ip netns add "$NS_EXT" && ip netns add "$NS_V" || {
	fail "cannot create namespaces"
	e2e_summary tapside
	exit 1
}
ip netns exec "$NS_V" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link add "$NIC" type veth peer name "$EXT" netns "$NS_EXT"
sysctl -qw "net.ipv6.conf.$NIC.disable_ipv6=1"
ip netns exec "$NS_EXT" sysctl -qw "net.ipv6.conf.$EXT.disable_ipv6=1"
ip -n "$NS_EXT" link set "$EXT" address "$EXT_MAC"
ip link set "$NIC" up
ip -n "$NS_EXT" link set "$EXT" up

"$app" $(e2e_eal t) --vdev="net_af_packet0,iface=$NIC" -- --ctl-socket "$CTL" \
	</dev/null >"$log" 2>&1 &
app_pid=$!
for ((i = 0; i < 100; i++)); do
	[ -S "$CTL" ] && c link set p0 up >/dev/null 2>&1 && break
	sleep 0.1
done
port_mac=$(c -j link show p0 | python3 -c "import json, sys; print(json.load(sys.stdin)[0]['address'])")
for v in 0 1; do
	mac=$A1
	[ $v = 1 ] && mac=02:00:00:00:01:11
	c link add link p0 name mv$v type macvlan mode bridge address $mac \
		backend tap netns "$NS_V" >/dev/null || fail "link add mv$v"
	c link set mv$v up >/dev/null
done
wait_vif mv0 "'LOWER_UP' in v['flags']" || fail "mv0 has no carrier"

# ---- the address, adopted ----
ip -n "$NS_V" link set mv0 address "$A2"
wait_vif mv0 "v['address'] == '$A2'" && ok "address: mv0 adopted $A2 set in its netns" ||
	fail "address: mv0 still $(vif_get mv0 "v['address']")"
c -j events 2>/dev/null | python3 -c "
import json, sys
e = [x for x in json.load(sys.stdin) if x.get('name') == 'mv0' and x.get('address') == '$A2']
sys.exit(0 if e and e[-1]['adopted'] is True else 1)" &&
	ok "address: the event stream says adopted" || fail "address: no adopted event"
sleep 0.5 # the snapshot is published on the next tick
ip netns exec "$NS_V" python3 "$peer" capture mv0 4 >"$E2E_TMP/cap" &
cap=$!
sleep 0.5
ip netns exec "$NS_EXT" python3 "$peer" send "$EXT" "$A2" "$EXT_MAC" 100 5
ip netns exec "$NS_EXT" python3 "$peer" send "$EXT" "$A1" "$EXT_MAC" 200 5
wait "$cap"
expect "address: frames to the new address reach mv0" "$(awk '$1 >= 100 && $1 < 105' "$E2E_TMP/cap" | wc -l)" 5
expect "address: frames to the old one do not" "$(awk '$1 >= 200 && $1 < 205' "$E2E_TMP/cap" | wc -l)" 0

# ---- the address, refused ----
ip -n "$NS_V" link set mv1 address "$A2"
wait_log "Error: mv1: address $A2 set on its tap refused: mv0 uses it on p0; put back 02:00:00:00:01:11" &&
	ok "address: mv1 set to mv0's is refused, naming mv0" || fail "address: no refusal: $(tail -n 2 "$log")"
expect "address: mv1's netdev has its own back" "$(tap_addr mv1)" 02:00:00:00:01:11
expect "address: mv1 unchanged" "$(vif_get mv1 "v['address']")" 02:00:00:00:01:11
ip -n "$NS_V" link set mv1 address "$port_mac"
wait_log "Error: mv1: address $port_mac set on its tap refused: it is the address of p0, its lower" &&
	ok "address: mv1 set to the port's is refused, naming p0" || fail "address: port's accepted? $(tail -n 2 "$log")"
expect "address: mv1's netdev has its own back again" "$(tap_addr mv1)" 02:00:00:00:01:11
ip -n "$NS_V" link set mv1 address "$AN"
wait_vif mv1 "v['address'] == '$AN'" && ok "address: a free one is adopted on mv1" ||
	fail "address: mv1 $(vif_get mv1 "v['address']")"

# ---- the MTU ----
ip -n "$NS_V" link set mv0 mtu 1400
wait_vif mv0 "v['mtu'] == 1400" && ok "mtu: 1400 adopted" || fail "mtu: $(vif_get mv0 "v['mtu']")"
ip -n "$NS_V" link set mv1 mtu 9000
wait_log "Error: mv1: mtu 9000 set on its tap refused: the mtu of a vif on p0 is 68..1500; put back 1500" &&
	ok "mtu: 9000 refused, naming the range" || fail "mtu: no refusal: $(tail -n 2 "$log")"
expect "mtu: mv1's netdev back at 1500" "$(tap_mtu mv1)" 1500
expect "mtu: mv1 unchanged" "$(vif_get mv1 "v['mtu']")" 1500

# ---- up and down ----
ip -n "$NS_V" link set mv0 down
wait_vif mv0 "'UP' not in v['flags']" && ok "admin: down in its netns, the vif is down" ||
	fail "admin: flags $(vif_get mv0 "v['flags']")"
ip -n "$NS_V" link set mv0 up
wait_vif mv0 "'UP' in v['flags']" && ok "admin: up again" || fail "admin: still down"

# ---- the netdev deleted ----
ip -n "$NS_V" link del mv1
wait_vif mv1 "'NO-CARRIER' in v['flags']" && ok "deleted: mv1 lost its carrier" ||
	fail "deleted: mv1 flags $(vif_get mv1 "v['flags']")"
c link set mv1 down >/dev/null && c link set mv1 up >/dev/null
wait_vif mv1 "'LOWER_UP' in v['flags']" && ip -n "$NS_V" link show mv1 >/dev/null 2>&1 &&
	ok "deleted: down and up create it again" || fail "deleted: not recreated"
# the new netdev is watched too
ip -n "$NS_V" link set mv1 mtu 1300
wait_vif mv1 "v['mtu'] == 1300" && ok "deleted: the recreated netdev's mtu is adopted" ||
	fail "deleted: recreated mv1 mtu $(vif_get mv1 "v['mtu']")"

kill -0 "$app_pid" 2>/dev/null && ok "the daemon lives" || fail "the daemon died"
c quit >/dev/null 2>&1
for ((i = 0; i < 100; i++)); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
wait "$app_pid"
rc=$?
app_pid=""
e2e_check_exit tapside "$log" '^Error: cannot'
e2e_summary tapside
