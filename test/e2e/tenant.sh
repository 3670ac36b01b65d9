#!/usr/bin/env bash
# Per-tenant protection (issue 14), one part per run:
#   flood    1000 bridge vifs (null), a bridge vif (a net_pcap vdev replaying
#            broadcasts without end) flooding them, the wire replaying
#            unicast to another vif without end: the flooder's floods are
#            paced to its share, so the wire's unicast keeps being
#            delivered (at least 10 unicast frames per flooded frame over
#            the same window: without pacing each loop reads one burst of
#            each, about 1:1); then `bcrate 5000` on the flooder: the excess
#            is dropped as tx-bcrate (its TX dropped), every frame it sent is
#            delivered to every bridge vif and the wire, the wire's unicast
#            all arrives (received = delivered + named drops for both);
#            link show -d and show config carry the setting;
#   tapread  two TAP vifs whose stacks send 200000 frames each as fast as
#            they can while the wire floods one of them: both are read (one
#            burst per vif per loop, the wire a burst per queue: neither
#            starves the other), and every frame their stacks sent is either
#            read or a kernel-side drop shown as the backend's
#            peer_tx_dropped (nothing is invisible). The share of kernel-side
#            drops is printed, not asserted: on a 2-core machine the senders
#            take CPU from the worker.
# The exit is clean, the mempool full.
# Usage: tenant.sh DPDK_MACVLAN PART
set -u
app=$1 part=$2
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pcap.sh"
source "$(dirname "$0")/stats.sh"

NS="mvten$$"
app_pid=""
log=""

stop_all() {
	[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	app_pid=""
	exec 3>&- 2>/dev/null
	return 0
}
trap 'stop_all; e2e_cleanup' EXIT
trap '' PIPE

# Start the program (EAL tag $1, wire devargs $2, command file $3) with its
# shell on fd 3 and wait until it runs.
start_ready() {
	local tag=$1 wire=$2 setup=$3
	log="$E2E_TMP/log.$tag"
	mkfifo "$E2E_TMP/ctl.$tag"
	# shellcheck disable=SC2046
	"$app" $(e2e_eal "$tag") --vdev "$wire" -- -i --cmdline-file "$setup" \
		<"$E2E_TMP/ctl.$tag" >"$log" 2>&1 &
	app_pid=$!
	exec 3>"$E2E_TMP/ctl.$tag"
	wait_output 0 '^dpdk-macvlan: ' 60 && return 0
	fail "$tag: no start: $(tail -n3 "$log")"
	stop_all
	return 1
}

quit_and_check() {
	cmd "quit"
	if ! wait_exit 30; then
		fail "$1: no exit within 30 s of quit"
		stop_all
		return
	fi
	exec 3>&-
	e2e_check_exit "$1" "$log" '^Error|macvlan> Error'
}

# `$1` through the shell; its answer (until a line matching $2) in $answer.
ask() {
	local off
	off=$(stat -c %s "$log")
	cmd "$1"
	wait_output "$off" "$2" 10
	answer=$(tail -c +$((off + 1)) "$log")
}

part_flood() {
	local VU=02:00:00:00:01:01 VF=02:00:00:00:01:0f EXT=02:00:00:00:0e:01 i
	local uni="$E2E_TMP/uni.pcap" bc="$E2E_TMP/bc.pcap" setup="$E2E_TMP/f.setup"
	local u0 f0 u1 f1 du df d0 rate drops tdrop ftx v ok_all
	{
		pcap_header
		for ((i = 0; i < 64; i++)); do pcap_frame "$VU" "$EXT" 64 "$i"; done
	} >"$uni"
	{
		pcap_header
		for ((i = 0; i < 64; i++)); do pcap_frame ff:ff:ff:ff:ff:ff "$VF" 64 "$i"; done
	} >"$bc"
	{
		for ((i = 0; i < 1000; i++)); do
			echo "link add link p0 name n$i type macvlan mode bridge backend null"
			echo "link set n$i up"
		done
		echo "link add link p0 name vu type macvlan mode bridge address $VU backend null"
		echo "link add link p0 name vf type macvlan mode bridge address $VF backend vdev net_pcap1,rx_pcap=$bc,infinite_rx=1,tx_pcap=/dev/null"
		echo "link set vu up"
		echo "link set vf up"
	} >"$setup"
	start_ready f "net_pcap0,rx_pcap=$uni,infinite_rx=1,tx_pcap=/dev/null" "$setup" || return
	sleep 1
	stats && u0=$(stat_of vu RX) f0=$(stat_of vf TX)
	sleep 3
	stats && u1=$(stat_of vu RX) f1=$(stat_of vf TX)
	du=$((u1 - u0)) df=$((f1 - f0))
	echo "flood: over 3 s, vu received $du unicast frames, vf flooded $df broadcasts to 1001 vifs (not asserted: rates)"
	[ "$df" -gt 0 ] && ok "flood: vf floods (it sent $df broadcasts)" || fail "flood: vf sent nothing"
	[ "$du" -ge $((10 * df)) ] &&
		ok "flood: the wire's unicast keeps its share: $du unicast frames for $df floods (>= 10 per flood)" ||
		fail "flood: the flooder starves the wire: $du unicast frames for $df floods (expected >= 10 per flood)"
	tail -c +$((stats_off + 1)) "$log" 2>/dev/null | grep -q '^worker 0 .* sender-waits [1-9]' &&
		ok "flood: the worker put off reading vf ($(tail -c +$((stats_off + 1)) "$log" 2>/dev/null | grep -o 'sender-waits [0-9]*'))" ||
		fail "flood: no sender-waits: $(tail -c +$((stats_off + 1)) "$log" 2>/dev/null | grep '^worker')"
	# the policer
	rate=5000
	cmd "link set vf bcrate $rate"
	ask "link show vf" '^    backend '
	grep -q "^    macvlan mode bridge .* bcrate $rate\$" <<<"$answer" && ok "flood: link show -d shows bcrate $rate" ||
		fail "flood: link show vf: $answer"
	ask "show config" "link set vf bcrate $rate" && ok "flood: show config writes link set vf bcrate $rate" ||
		fail "flood: show config: $(grep vf <<<"$answer")"
	sleep 2
	stats && u0=$(stat_of vu RX) f0=$(stat_of vf TX) d0=$(drop_of p0 tx-bcrate)
	sleep 2
	cmd "stop"
	sleep 0.3
	stats
	drops=$(drop_of p0 tx-bcrate) tdrop=$(stat_of vf TX dropped) ftx=$(stat_of vf TX)
	echo "flood: with bcrate $rate over 2 s: vf sent $((ftx - f0)), tx-bcrate $((drops - d0)); vu received $(($(stat_of vu RX) - u0)) (not asserted: rates)"
	[ "$drops" -gt "$d0" ] && ok "flood: the policer drops the excess (tx-bcrate $drops)" ||
		fail "flood: tx-bcrate $d0 -> $drops"
	[ "$tdrop" = "$drops" ] && ok "flood: vf's TX dropped ($tdrop) is its tx-bcrate drops" ||
		fail "flood: vf TX dropped $tdrop, p0 tx-bcrate $drops"
	# every broadcast vf sent reached every bridge vif and the wire
	ok_all=1
	for v in n0 n499 n999; do
		[ "$(stat_of $v RX multicast)" = "$ftx" ] || { ok_all=0; fail "flood: $v got $(stat_of $v RX multicast) of vf's $ftx floods"; }
	done
	[ "$(stat_of vu RX multicast)" = "$ftx" ] || { ok_all=0; fail "flood: vu got $(stat_of vu RX multicast) of $ftx floods"; }
	[ "$(stat_of p0 TX)" = "$ftx" ] || { ok_all=0; fail "flood: the wire got $(stat_of p0 TX) of $ftx floods"; }
	[ $ok_all = 1 ] && ok "flood: vf read $((ftx + tdrop)) = $ftx delivered to every bridge vif and the wire + $tdrop tx-bcrate"
	# the wire: all unicast, all delivered to vu, no drop
	[ "$(($(stat_of vu RX) - $(stat_of vu RX multicast)))" = "$(stat_of p0 RX)" ] &&
		[ "$(tail -c +$((stats_off + 1)) "$log" 2>/dev/null | grep -m1 -A4 '^p0:' | grep -c '^    drops: tx-bcrate [0-9]*$')" = 1 ] &&
		ok "flood: the wire's $(stat_of p0 RX) frames are all delivered to vu (no drop but tx-bcrate)" ||
		fail "flood: p0 RX $(stat_of p0 RX), vu unicast $(($(stat_of vu RX) - $(stat_of vu RX multicast))): $(tail -c +$((stats_off + 1)) "$log" 2>/dev/null | grep -m1 -A4 '^p0:')"
	cmd "start"
	cmd "link set vf bcrate 0"
	ask "link show vf" '^    backend '
	grep -q '^    macvlan .*bcrate' <<<"$answer" && fail "flood: bcrate 0 still shown: $answer" ||
		ok "flood: bcrate 0 turns the policer off (not shown)"
	quit_and_check flood
}

# Send $3 frames of 60 bytes from MAC $2 on netdev $1 in $NS, as fast as python can.
blast() {
	ip netns exec "$NS" python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
f = bytes.fromhex("020000000e01") + bytes.fromhex(sys.argv[2].replace(":", "")) + b"\x88\xb5" + bytes(46)
for _ in range(int(sys.argv[3])):
    try:
        s.send(f)
    except OSError:
        pass' "$1" "$2" "$3"
}

# "TX_PACKETS TX_DROPPED" of netdev $1 in $NS, as the kernel counts.
ktx() {
	ip -n "$NS" -s -j link show "$1" | jq -r '.[0].stats64.tx | "\(.packets) \(.dropped)"'
}

part_tapread() {
	local VA=02:00:00:00:02:0a VB=02:00:00:00:02:0b EXT=02:00:00:00:0e:01 i
	local wire="$E2E_TMP/towa.pcap" setup="$E2E_TMP/t.setup" v dev kp kd tx pd
	ip netns add "$NS" || { fail "cannot create netns $NS"; return; }
	E2E_NETNS+=("$NS")
	{
		pcap_header
		for ((i = 0; i < 64; i++)); do pcap_frame "$VA" "$EXT" 64 "$i"; done
	} >"$wire"
	{
		echo "link add link p0 name ta type macvlan mode bridge address $VA backend tap ifname relta netns $NS"
		echo "link add link p0 name tb type macvlan mode bridge address $VB backend tap ifname reltb netns $NS"
		echo "link set ta up"
		echo "link set tb up"
	} >"$setup"
	start_ready t "net_pcap0,rx_pcap=$wire,infinite_rx=1,tx_pcap=/dev/null" "$setup" || return
	sleep 2 # the TAPs up, their stacks' first frames sent
	blast relta "$VA" 200000 &
	local p1=$!
	blast reltb "$VB" 200000 &
	local p2=$!
	wait $p1 $p2
	sleep 1
	cmd "stop"
	sleep 0.3
	stats
	for v in ta:relta tb:reltb; do
		dev=${v#*:} v=${v%:*}
		read -r kp kd < <(ktx "$dev")
		tx=$(stat_of "$v" TX) pd=$(be_stat "$v" peer_tx_dropped)
		echo "tapread: $v: the stack sent $kp, the tun queue dropped $kd; the program read $tx, peer_tx_dropped $pd (drop share not asserted)"
		# the kernel counts what tun queued (tx packets) and what overflowed (tx dropped)
		[ "$tx" -ge 20000 ] && ok "tapread: $v is read while the wire floods ta ($tx frames)" ||
			fail "tapread: $v read only $tx of the 200000 frames its stack sent"
		[ "${pd:-x}" = "$kd" ] && [ "$tx" -eq "$kp" ] && [ $((kp + kd)) -ge 200000 ] &&
			ok "tapread: $v: its stack sent $((kp + kd)): $tx read, $pd kernel-side drops shown as peer_tx_dropped" ||
			fail "tapread: $v: read $tx, peer_tx_dropped ${pd:-none}; the kernel: queued $kp, dropped $kd"
	done
	[ "$(stat_of ta RX)" -gt 0 ] && ok "tapread: ta received the wire's flood ($(stat_of ta RX))" ||
		fail "tapread: ta received nothing from the wire"
	cmd "start"
	quit_and_check tapread
}

case "$part" in
flood) part_flood ;;
tapread) part_tapread ;;
*)
	echo "unknown part $part"
	exit 2
	;;
esac
e2e_summary "tenant $part"
