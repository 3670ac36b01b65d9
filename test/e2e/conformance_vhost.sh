#!/usr/bin/env bash
# Conformance with vhost-user vifs: a few kernel scenarios (several vifs,
# every mode, unicast, broadcast and multicast) replayed through the program
# with every vif a vhost vif, and the receivers per frame compared with the
# kernel's by the same `scn_pcap check` as for vdev vifs.
#   - the wire is net_af_packet on a veth; its peer, in a namespace, sends
#     the scenario's wire frames (tcpreplay) and records what leaves on the
#     wire (tcpdump) into the same wire_tx.pcap;
#   - the guests are ONE dpdk-testpmd (interactive, fed through a fifo) with
#     a virtio-user + net_pcap pair per vif (--port-topology=paired, io):
#     the pair's rx pcap is what the vif sends, its tx pcap what the vif
#     receives. Forwarding starts only once every guest is attached, and the
#     wire frames go after that, so no frame meets a vif without its guest.
# Usage: conformance_vhost.sh DPDK_MACVLAN DPDK_MACVLAN_CTL SCN_PCAP CONFORMANCE_DIR [SCENARIO...]
set -u
app=$1 ctl=$2 tool=$3 dir=$4
shift 4
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(mix-unicast-matrix mix-bcast-mcast-from-vifs
	mix-bcast-mcast-from-wire hairpin-unicast)
source "$(dirname "$0")/lib.sh"
TESTPMD=${TESTPMD:-dpdk-testpmd}

NIC="mvc$$n" EXT="mvc$$e" NS="${E2E_PREFIX}cv"
E2E_NETNS+=("$NS")
app_pid="" tp_pid="" cap_pid=""

for t in "$TESTPMD" tcpdump tcpreplay python3; do
	if ! command -v "$t" >/dev/null; then
		skip "conformance_vhost: needs $t"
		e2e_summary "conformance_vhost"
		exit 77
	fi
done

stop_all() {
	local p
	for p in "$tp_pid" "$cap_pid" "$app_pid"; do
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	app_pid="" tp_pid="" cap_pid=""
	exec 3>&-
	return 0
}
teardown() {
	stop_all
	ip link del "$NIC" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	return 0
}
trap 'teardown; e2e_cleanup' EXIT

if ! ip netns add "$NS" || ! ip link add "$NIC" type veth peer name "$EXT" netns "$NS"; then
	fail "conformance_vhost: cannot make the veth pair"
	e2e_summary "conformance_vhost"
	exit 1
fi
sysctl -qw "net.ipv6.conf.$NIC.disable_ipv6=1"
ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$EXT.disable_ipv6=1"
ip link set "$NIC" up
ip -n "$NS" link set "$EXT" up

# `link show -d` of every vif of $1 (guests file): all with a connected guest?
all_attached() {
	"$ctl" -s "$CTL" -t 10 -j link show 2>/dev/null | python3 -c "
import json, sys
want = set(l.split()[0] for l in open('$1') if l.strip())
got = set(v['ifname'] for v in json.load(sys.stdin)
          if v.get('backend_info', {}).get('connected') == 'yes')
sys.exit(0 if want <= got else 1)" 2>/dev/null
}

# Run scenario $1 into directory $2; 0 when the program ran cleanly.
run_one() {
	local name=$1 out=$2 vdevs=() i=0 n vif mac
	CTL="$out/ctl.sock"
	# shellcheck disable=SC2046
	"$app" $(e2e_eal "cv$name") --vdev="net_af_packet0,iface=$NIC" -- --ctl-socket "$CTL" \
		--cmdline-file "$out/cmds" </dev/null >"$out/log" 2>&1 &
	app_pid=$!
	e2e_wait_for "$out/log" "forwarding on" 60 || {
		echo "no 'forwarding on'"; tail -n 5 "$out/log"
		return 1
	}
	while read -r vif mac; do
		vdevs+=(--vdev "net_virtio_user$i,path=$out/$vif.sock,mac=$mac"
			--vdev "net_pcap$i,rx_pcap=$out/${vif}_rx.pcap,tx_pcap=$out/${vif}_tx.pcap")
		i=$((i + 1))
	done <"$out/guests"
	n=$i
	mkfifo "$out/tp.in"
	"$TESTPMD" --no-pci --no-huge --no-shconf -m 512 --file-prefix "${E2E_PREFIX}g" -l 0-1 \
		"${vdevs[@]}" -- -i --no-flush-rx --total-num-mbufs=16384 --rxd=256 --txd=256 \
		--forward-mode=io --port-topology=paired --nb-cores=1 \
		<"$out/tp.in" >"$out/tp.log" 2>&1 &
	tp_pid=$!
	exec 3>"$out/tp.in"
	for ((i = 0; i < 300; i++)); do
		all_attached "$out/guests" && break
		kill -0 "$tp_pid" 2>/dev/null || break
		sleep 0.1
	done
	all_attached "$out/guests" || {
		echo "not all $n guests attached"
		tail -n 5 "$out/tp.log"
		return 1
	}
	ip netns exec "$NS" tcpdump -i "$EXT" -Q in -U -w "$out/wire_tx.pcap" \
		2>"$out/tcpdump.log" &
	cap_pid=$!
	e2e_wait_for "$out/tcpdump.log" "listening on" 10
	echo start >&3
	sleep 1
	ip netns exec "$NS" tcpreplay -q -i "$EXT" "$out/wire_rx.pcap" >"$out/tcpreplay.log" 2>&1
	sleep 1
	echo stop >&3
	echo quit >&3
	exec 3>&-
	for ((i = 0; i < 100; i++)); do
		kill -0 "$tp_pid" 2>/dev/null || break
		sleep 0.1
	done
	wait "$tp_pid" 2>/dev/null
	tp_pid=""
	kill -INT "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
	cap_pid=""
	kill -TERM "$app_pid" 2>/dev/null
	wait "$app_pid"
	rc=$?
	app_pid=""
	[ "$rc" -eq 0 ] || {
		echo "dpdk-macvlan exited $rc"
		tail -n 20 "$out/log"
		return 1
	}
	grep -Eq 'mempool [a-z_]+: ([0-9]+)/\1 mbufs free' "$out/log" || {
		echo "mempool not full after exit: $(grep mempool "$out/log")"
		return 1
	}
	return 0
}

for name in "${scenarios[@]}"; do
	scn="$dir/scenarios/$name.json"
	exp="${EXPECTED_DIR:-$dir/expected}/$name.json"
	out="$E2E_TMP/$name"
	mkdir -p "$out"
	if ! "$tool" prepare-vhost "$scn" "$exp" "$out" >/dev/null; then
		fail "$name: prepare failed"
		continue
	fi
	if ! run_one "$name" "$out" >"$out/run.msg"; then
		fail "$name (vhost): $(cat "$out/run.msg")"
		stop_all
		continue
	fi
	if "$tool" check "$scn" "$exp" "$out" >"$out/check" 2>&1; then
		ok "$name (vhost, $(wc -l <"$out/guests") guests:$(tail -n1 "$out/check" | cut -d: -f2))"
	else
		fail "$name (vhost)"
		cat "$out/check"
		grep -v '^$' "$out/log" | tail -n 5
	fi
done
e2e_summary "conformance_vhost"
