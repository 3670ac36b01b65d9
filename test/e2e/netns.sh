#!/usr/bin/env bash
# Kernel-stack end to end: the physical port is net_af_packet on one end of
# a veth pair whose other end, in its own namespace, is an external host;
# the vifs are TAP netdevs that dpdk-macvlan puts into namespaces of their
# own, with IPv4 and IPv6 addresses. Checks, per mode:
#   - ping (IPv4 and IPv6) external host <-> each vif, both directions;
#   - vif <-> vif works in bridge mode, not in private or vepa mode (the
#     veth is no hairpinning switch);
#   - a passthru vif alone on its port receives all unicast;
#   - a source-mode vif sees the traffic of its listed senders only.
# Usage: netns.sh DPDK_MACVLAN
set -u
app=$1
source "$(dirname "$0")/lib.sh"

NIC="mvt$$n" EXT="mvt$$e"
NS_EXT="${E2E_PREFIX}ext" NS_A="${E2E_PREFIX}a" NS_B="${E2E_PREFIX}b" NS_S="${E2E_PREFIX}s"
EXT_MAC=02:ee:00:00:00:01
E2E_NETNS+=("$NS_EXT" "$NS_A" "$NS_B" "$NS_S")
app_pid=""

teardown_run() {
	if [ -n "$app_pid" ]; then
		exec 3>&- 2>/dev/null
		kill -TERM "$app_pid" 2>/dev/null
		wait "$app_pid" 2>/dev/null
		app_pid=""
	fi
	ip link del "$NIC" 2>/dev/null
	for ns in "$NS_EXT" "$NS_A" "$NS_B" "$NS_S"; do ip netns del "$ns" 2>/dev/null; done
	return 0
}
trap 'teardown_run; e2e_cleanup' EXIT

# A fresh wire and namespaces for one run.
setup_wire() {
	teardown_run
	for ns in "$NS_EXT" "$NS_A" "$NS_B" "$NS_S"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip link add "$NIC" type veth peer name "$EXT" netns "$NS_EXT"
	ip -n "$NS_EXT" link set "$EXT" address "$EXT_MAC"
	# the NIC end carries no stack of its own
	sysctl -qw "net.ipv6.conf.$NIC.disable_ipv6=1"
	ip link set "$NIC" up
	ip -n "$NS_EXT" addr add 192.0.2.1/24 dev "$EXT"
	ip -n "$NS_EXT" addr add 2001:db8::1/64 dev "$EXT" nodad
	ip -n "$NS_EXT" link set "$EXT" up
	ip netns exec "$NS_EXT" ethtool -K "$EXT" tx off >/dev/null 2>&1 || true
}

# Start the program; commands go through fd 3 (a fifo into -i).
start_app() {
	local tag=$1
	mkfifo "$E2E_TMP/ctl.$tag"
	# shellcheck disable=SC2046
	"$app" $(e2e_eal "$tag") --vdev="net_af_packet0,iface=$NIC" -- -i \
		<"$E2E_TMP/ctl.$tag" >"$E2E_TMP/log.$tag" 2>&1 &
	app_pid=$!
	exec 3>"$E2E_TMP/ctl.$tag"
}

cmd() { echo "$*" >&3; }

# Wait until netdev $2 exists in namespace $1.
wait_link() {
	local i
	for i in $(seq 100); do
		ip -n "$1" link show "$2" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# Address a TAP vif inside its namespace.
addr_vif() {
	local ns=$1 dev=$2 v4=$3 v6=$4
	wait_link "$ns" "$dev" || return 1
	ip -n "$ns" addr add "$v4/24" dev "$dev"
	ip -n "$ns" addr add "$v6/64" dev "$dev" nodad
	ip -n "$ns" link set "$dev" up
}

pings() { ip netns exec "$1" ping -c 2 -i 0.2 -W 2 -q "$2" >/dev/null 2>&1; }

expect_ping() {
	if pings "$1" "$2"; then ok "$3"; else fail "$3"; fi
}
expect_no_ping() {
	if pings "$1" "$2"; then fail "$3"; else ok "$3"; fi
}

for mode in private vepa bridge; do
	setup_wire
	start_app "$mode"
	cmd "link add link p0 name mva type macvlan mode $mode address 02:00:00:00:00:0a backend tap netns $NS_A"
	cmd "link add link p0 name mvb type macvlan mode $mode address 02:00:00:00:00:0b backend tap netns $NS_B"
	cmd "link set mva up"
	cmd "link set mvb up"
	addr_vif "$NS_A" mva 192.0.2.10 2001:db8::a || fail "$mode: mva did not appear"
	addr_vif "$NS_B" mvb 192.0.2.11 2001:db8::b || fail "$mode: mvb did not appear"
	sleep 1.5 # the groups the stacks joined reach the vifs (IPv6 ND)
	expect_ping "$NS_EXT" 192.0.2.10 "$mode: IPv4 external host -> mva"
	expect_ping "$NS_EXT" 192.0.2.11 "$mode: IPv4 external host -> mvb"
	expect_ping "$NS_A" 192.0.2.1 "$mode: IPv4 mva -> external host"
	expect_ping "$NS_EXT" 2001:db8::a "$mode: IPv6 external host -> mva"
	expect_ping "$NS_B" 2001:db8::1 "$mode: IPv6 mvb -> external host"
	if [ "$mode" = bridge ]; then
		expect_ping "$NS_A" 192.0.2.11 "$mode: IPv4 mva -> mvb (local)"
		expect_ping "$NS_B" 2001:db8::a "$mode: IPv6 mvb -> mva (local)"
	else
		expect_no_ping "$NS_A" 192.0.2.11 "$mode: IPv4 mva -> mvb blocked (no hairpin)"
		expect_no_ping "$NS_B" 2001:db8::a "$mode: IPv6 mvb -> mva blocked (no hairpin)"
	fi
	if [ "$mode" = bridge ]; then
		# the far end goes away: the port loses carrier, and so do the vifs
		ip -n "$NS_EXT" link set "$EXT" down
		sleep 1.5
		cmd "link show mva"
		ip -n "$NS_A" link show mva >"$E2E_TMP/carrier.off"
		ip -n "$NS_EXT" link set "$EXT" up
		sleep 1.5
		cmd "link show mva"
		ip -n "$NS_A" link show mva >"$E2E_TMP/carrier.on"
		sleep 0.5
		if grep -q '^mva@p0: <BROADCAST,MULTICAST,UP,NO-CARRIER> .*state LOWERLAYERDOWN' \
			"$E2E_TMP/log.$mode"; then
			ok "$mode: the port's carrier loss shows on the vif"
		else
			fail "$mode: the port's carrier loss does not show on the vif"
		fi
		if grep -q 'NO-CARRIER' "$E2E_TMP/carrier.off" &&
			! grep -q 'NO-CARRIER' "$E2E_TMP/carrier.on"; then
			ok "$mode: the TAP netdev follows the carrier (off, then on)"
		else
			fail "$mode: the TAP netdev does not follow the carrier"
			cat "$E2E_TMP/carrier.off" "$E2E_TMP/carrier.on"
		fi
		expect_ping "$NS_EXT" 192.0.2.10 "$mode: IPv4 external host -> mva after the carrier came back"
	fi
	cmd "quit"
	exec 3>&-
	if wait "$app_pid"; then ok "$mode: exit 0"; else fail "$mode: exit status"; fi
	app_pid=""
	grep -Eq 'mempool [a-z_]+: ([0-9]+)/\1 mbufs free' "$E2E_TMP/log.$mode" &&
		ok "$mode: mempool full after exit" || fail "$mode: mempool: $(grep mempool "$E2E_TMP/log.$mode")"
done

# passthru: alone on its port, it receives all unicast (the NIC's MAC and others)
setup_wire
start_app passthru
cmd "link add link p0 name mvp type macvlan mode passthru backend tap netns $NS_A"
cmd "link set mvp up"
addr_vif "$NS_A" mvp 192.0.2.20 2001:db8::20 || fail "passthru: mvp did not appear"
ip -n "$NS_A" link set mvp promisc on
sleep 1
expect_ping "$NS_EXT" 192.0.2.20 "passthru: IPv4 external host -> mvp"
ip netns exec "$NS_A" timeout 5 tcpdump -n -i mvp -c 1 ether dst 02:12:34:56:78:9a \
	>"$E2E_TMP/pt.cap" 2>/dev/null &
cap=$!
sleep 1
ip -n "$NS_EXT" neigh replace 192.0.2.99 lladdr 02:12:34:56:78:9a dev "$EXT"
ip netns exec "$NS_EXT" ping -c 2 -W 1 192.0.2.99 >/dev/null 2>&1
if wait "$cap" && grep -q '02:12:34:56:78:9a\|192.0.2.99' "$E2E_TMP/pt.cap"; then
	ok "passthru: unicast to a foreign MAC reaches the vif"
else
	fail "passthru: unicast to a foreign MAC did not reach the vif"
fi
cmd "quit"
exec 3>&-
wait "$app_pid" && ok "passthru: exit 0" || fail "passthru: exit status"
app_pid=""

# source: a source-mode vif listing the external host sees its traffic only
setup_wire
start_app source
cmd "link add link p0 name mva type macvlan mode vepa address 02:00:00:00:00:0a backend tap netns $NS_A"
cmd "link add link p0 name mvs type macvlan mode source address 02:00:00:00:00:0c backend tap netns $NS_S"
cmd "link set mvs type macvlan macaddr add $EXT_MAC"
cmd "link set mva up"
cmd "link set mvs up"
addr_vif "$NS_A" mva 192.0.2.10 2001:db8::a || fail "source: mva did not appear"
wait_link "$NS_S" mvs && ip -n "$NS_S" link set mvs up
sleep 1
ip netns exec "$NS_S" timeout 6 tcpdump -n -e -i mvs -c 3 icmp >"$E2E_TMP/src.cap" 2>/dev/null &
cap=$!
sleep 1
expect_ping "$NS_EXT" 192.0.2.10 "source: IPv4 external host -> mva (vepa beside a source vif)"
wait "$cap"
if grep -q "$EXT_MAC > 02:00:00:00:00:0a" "$E2E_TMP/src.cap"; then
	ok "source: the listed sender's frames reach the source vif"
else
	fail "source: the listed sender's frames did not reach the source vif"
fi
if grep -q "02:00:00:00:00:0a > $EXT_MAC" "$E2E_TMP/src.cap"; then
	fail "source: the source vif saw frames of an unlisted sender"
else
	ok "source: frames of unlisted senders stay away from the source vif"
fi
cmd "quit"
exec 3>&-
wait "$app_pid" && ok "source: exit 0" || fail "source: exit status"
app_pid=""

e2e_summary "netns"
