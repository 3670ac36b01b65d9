#!/usr/bin/env bash
# dpdk-macvlan on an embedded default, no NIC needed (run as root):
#   - a veth pair stands in for the NIC: one end (mvdemo-nic) is the
#     "physical port", opened with net_af_packet; the other end sits in the
#     namespace mvdemo-ext, playing an external host (192.0.2.1);
#   - dpdk-macvlan creates two TAP vifs in bridge mode, mv0 in namespace
#     mvdemo-a (192.0.2.10) and mv1 in mvdemo-b (192.0.2.11);
#   - the external host pings each vif, and mv0 pings mv1 (bridge-local);
#   - the client reads the vif back as JSON over the control socket
#     (/run/dpdk-macvlan/mvdemo.sock: `build/app/dpdk-macvlan-ctl -f mvdemo ...`
#     from a second terminal works the same);
#   - you are left in the shell (`help`, `link show`, `link stats`, `quit`).
# Without a terminal on stdin it runs the demo and exits. Quitting removes
# everything it made. The names are $MVDEMO-nic, -ext, -a, -b (MVDEMO, 1 to 11
# lowercase letters and digits, default mvdemo; its socket is
# /run/dpdk-macvlan/$MVDEMO.sock): while a demo of that name runs, a second
# one refuses to start instead of tearing the first one's down.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
need_packages "${BUILD_PACKAGES[@]}" iputils-ping ethtool jq

BUILD=${MVDEMO_BUILD:-build} # the build tree (a test gives its own)
if [ ! -x "$BUILD/app/dpdk-macvlan" ] || [ ! -x "$BUILD/app/dpdk-macvlan-ctl" ]; then
	[ -d "$BUILD" ] || meson setup "$BUILD" >/dev/null
	ninja -C "$BUILD" app/dpdk-macvlan app/dpdk-macvlan-ctl >/dev/null
fi
DEMO=${MVDEMO:-mvdemo}
if ! [[ $DEMO =~ ^[a-z][a-z0-9]{0,10}$ ]]; then
	echo "run.sh: MVDEMO=\"$DEMO\": 1 to 11 lowercase letters and digits, a letter first" >&2
	exit 2
fi
CTL=("$BUILD/app/dpdk-macvlan-ctl" -s "/run/dpdk-macvlan/$DEMO.sock")

NIC=$DEMO-nic EXT=$DEMO-ext NS_EXT=$DEMO-ext NS_A=$DEMO-a NS_B=$DEMO-b
PREFIX="$DEMO$$"
WORK=""
bg_pid=""
app_pid=""

# one demo per name: the lock is held (by this shell and the program) while it runs
mkdir -p /run/lock
exec {lock_fd}>"/run/lock/dpdk-macvlan-$DEMO.lock"
if ! flock -n "$lock_fd"; then
	echo "run.sh: a demo named $DEMO is running: its $NIC, $NS_A, $NS_B and $NS_EXT stay." >&2
	echo "run.sh: quit it first, or give this one other names: MVDEMO=${DEMO:0:10}2 $0" >&2
	exit 1
fi

cleanup() {
	if [ -n "$bg_pid" ]; then kill "$bg_pid" 2>/dev/null || true; fi
	# without a terminal the program runs in the background: it goes first
	if [ -n "$app_pid" ]; then
		kill -TERM "$app_pid" 2>/dev/null || true
		wait "$app_pid" 2>/dev/null || true
	fi
	ip link del "$NIC" 2>/dev/null || true
	for ns in "$NS_EXT" "$NS_A" "$NS_B"; do ip netns del "$ns" 2>/dev/null || true; done
	[ -z "$WORK" ] || rm -rf "$WORK"
	rm -rf /dev/hugepages/"$PREFIX"* /var/run/dpdk/"$PREFIX" 2>/dev/null || true
	return 0
}
# at the end the lock file goes too (still held: no demo of this name starts meanwhile)
trap 'cleanup; rm -f "/run/lock/dpdk-macvlan-$DEMO.lock"' EXIT
trap "exit 130" HUP INT TERM
cleanup
WORK=$(mktemp -d /tmp/mvdemo.XXXXXX)

# the wire: a veth pair, far end in its own namespace as an external host
ip netns add "$NS_EXT"
ip netns add "$NS_A"
ip netns add "$NS_B"
ip link add "$NIC" type veth peer name "$EXT" netns "$NS_EXT"
ip link set "$NIC" up
ip -n "$NS_EXT" addr add 192.0.2.1/24 dev "$EXT"
ip -n "$NS_EXT" link set "$EXT" up
ip -n "$NS_EXT" link set lo up
# frames cross a user-space switch: let the kernel fill in checksums itself
ip netns exec "$NS_EXT" ethtool -K "$EXT" tx off >/dev/null 2>&1 || true

cat >"$WORK/demo.cmds" <<CMDS
link add link p0 name mv0 type macvlan mode bridge address 02:00:00:00:00:10 backend tap netns $NS_A
link add link p0 name mv1 type macvlan mode bridge address 02:00:00:00:00:11 backend tap netns $NS_B
link set mv0 up
link set mv1 up
CMDS

# once the TAPs exist: addresses, then the pings
demo() {
	local i
	for i in $(seq 100); do
		ip -n "$NS_A" link show mv0 >/dev/null 2>&1 &&
			ip -n "$NS_B" link show mv1 >/dev/null 2>&1 && break
		sleep 0.1
	done
	ip -n "$NS_A" addr add 192.0.2.10/24 dev mv0
	ip -n "$NS_B" addr add 192.0.2.11/24 dev mv1
	ip -n "$NS_A" link set mv0 up
	ip -n "$NS_B" link set mv1 up
	sleep 1
	for target in 192.0.2.10 192.0.2.11; do
		if ip netns exec "$NS_EXT" ping -c 3 -i 0.2 -W 2 -q "$target" >"$WORK/ping" 2>&1; then
			echo "demo: external host -> $target: $(grep -o '[0-9]* received' "$WORK/ping")"
		else
			echo "demo: external host -> $target: FAILED"
			cat "$WORK/ping"
		fi
	done
	if ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 2 -q 192.0.2.11 >"$WORK/ping" 2>&1; then
		echo "demo: mv0 -> mv1 (bridge, local): $(grep -o '[0-9]* received' "$WORK/ping")"
	else
		echo "demo: mv0 -> mv1 (bridge, local): FAILED"
	fi
	echo "demo: the client, over the control socket: dpdk-macvlan-ctl -f $DEMO -j link show mv0"
	"${CTL[@]}" -j link show mv0 |
		jq -c '.[0] | {ifname, address, operstate, mode: .linkinfo.info_data.mode, backend: .backend.description}'
	echo "demo: from another terminal: build/app/dpdk-macvlan-ctl -f $DEMO link stats mv0 | monitor | ..."
	echo "demo: try 'link show', 'link stats', 'help'; 'quit' cleans up"
}

eal=(-l 0-1 --no-huge -m 512 --no-pci --no-shconf --file-prefix="$PREFIX"
	--log-level='*:warning' --vdev="net_af_packet0,iface=$NIC")
app_opt=(--ctl-socket "/run/dpdk-macvlan/$DEMO.sock" --cmdline-file "$WORK/demo.cmds")
if [ -t 0 ]; then
	demo &
	bg_pid=$!
	"$BUILD/app/dpdk-macvlan" "${eal[@]}" -- -i "${app_opt[@]}"
else
	"$BUILD/app/dpdk-macvlan" "${eal[@]}" -- "${app_opt[@]}" &
	app_pid=$!
	demo | tee "$WORK/demo.out"
	kill -TERM "$app_pid"
	wait "$app_pid"
	app_pid=""
	! grep -q FAILED "$WORK/demo.out"
fi
