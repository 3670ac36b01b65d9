#!/usr/bin/env bash
# memif vifs end to end. The physical port is net_af_packet on a veth whose
# other end, in a namespace, is an external host; the memif peers are
# dpdk-testpmd net_memif ports (role=client for our role server vifs,
# role=server for role client ones) and test/e2e/memif_peer.py for what
# testpmd cannot send. Checks:
#   - carrier: NO-CARRIER before a peer, on with it, off when it goes;
#   - frames from the wire reach the right peer and its replies the wire
#     (ping answered by a testpmd icmpecho peer), in both roles;
#   - bridge peers reach each other, a private one is not reached from
#     them, broadcast from the wire reaches every peer;
#   - joined multicast from the wire reaches exactly the peers of the vifs
#     that joined (bridge and private), a group nobody joined none;
#   - 100 vifs on one socket with distinct ids, all listed, a few with live
#     peers; a peer with an unknown id is refused;
#   - socket files: mode 0660 and the group, a stale file replaced, a live
#     listener's refused, a regular file refused, removed with the last vif;
#   - garbage on the socket and bad descriptors: that connection is closed
#     or the frames counted as drops, the other peers keep working;
#   - a peer quits and returns several times under traffic (and a role
#     client vif reconnects by itself); counters add up, the mempool is full
#     at the end.
# Usage: memif.sh DPDK_MACVLAN DPDK_MACVLAN_CTL
set -u
app=$1
ctlbin=$2
here=$(dirname "$0")
source "$here/lib.sh"
peerpy="$here/memif_peer.py"

if ! command -v dpdk-testpmd >/dev/null; then
	skip "dpdk-testpmd not installed (package dpdk)"
	e2e_summary memif
	exit 77
fi

NIC="mvt$$n" EXT="mvt$$e"
NS_EXT="${E2E_PREFIX}ext"
EXT_MAC=02:ee:00:00:00:01
E2E_NETNS+=("$NS_EXT")
S1="$E2E_TMP/m1.sock" S2="$E2E_TMP/m2.sock"
CSOCK="$E2E_TMP/ctl.sock"
log="$E2E_TMP/app.log"
app_pid=""
declare -A PEER=()

teardown() {
	local p
	for p in "${PEER[@]}"; do kill -INT "$p" 2>/dev/null; done
	for p in "${PEER[@]}"; do wait "$p" 2>/dev/null; done
	if [ -n "$app_pid" ]; then
		kill -TERM "$app_pid" 2>/dev/null
		wait "$app_pid" 2>/dev/null
	fi
	ip link del "$NIC" 2>/dev/null
	return 0
}
trap 'teardown; e2e_cleanup' EXIT

ctl() { "$ctlbin" -s "$CSOCK" -t 20 "$@"; }
ctlj() { "$ctlbin" -s "$CSOCK" -t 20 -j "$@"; }
# jq expression $2 on `link show $1` / `link stats $1`
show() { ctlj link show "$1" | jq -r ".[0]$2"; }
bstat() { ctlj link stats "$1" | jq -r ".links[0].backend_stats.$2"; }
vstat() { ctlj link stats "$1" | jq -r ".links[0].stats64.$2"; }
has_carrier() { ctlj link show "$1" | jq -e '.[0].flags | index("LOWER_UP")' >/dev/null; }
# wait up to $2 s (default 15) until vif $1 has carrier (or, with $3 = off, has none)
wait_carrier() {
	local i
	for ((i = 0; i < ${2:-15} * 10; i++)); do
		if [ "${3:-on}" = on ]; then has_carrier "$1" && return 0; else
			has_carrier "$1" || return 0; fi
		sleep 0.1
	done
	return 1
}
ext_rx() { ip -n "$NS_EXT" -s -j link show "$EXT" | jq '.[0].stats64.rx.packets'; }
pings() { ip netns exec "$NS_EXT" ping -c "${3:-3}" -i 0.2 -W 2 -q "$1" >/dev/null 2>&1; }

# peer NAME ROLE SOCKET ID MAC FWD-MODE [testpmd options...]: a testpmd memif peer
peer() {
	local name=$1 role=$2 sock=$3 id=$4 mac=$5 mode=$6
	shift 6
	dpdk-testpmd --no-pci --no-huge -m 256 --file-prefix "${E2E_PREFIX}p$name" -l 0-1 \
		--log-level='*:warning' \
		--vdev "net_memif0,role=$role,socket=$sock,socket-abstract=no,id=$id,mac=$mac" -- \
		--total-num-mbufs=2048 --forward-mode="$mode" --no-flush-rx --stats-period 3600 "$@" \
		</dev/null >"$E2E_TMP/peer.$name.log" 2>&1 &
	PEER[$name]=$!
}
peer_stop() {
	[ -n "${PEER[$1]:-}" ] || return 0
	kill -INT "${PEER[$1]}" 2>/dev/null
	wait "${PEER[$1]}" 2>/dev/null
	unset "PEER[$1]"
}

# ---- the wire and the program ----
ip netns add "$NS_EXT"
ip link add "$NIC" type veth peer name "$EXT" netns "$NS_EXT"
ip -n "$NS_EXT" link set "$EXT" address "$EXT_MAC"
sysctl -qw "net.ipv6.conf.$NIC.disable_ipv6=1"
ip netns exec "$NS_EXT" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip link set "$NIC" up
ip -n "$NS_EXT" addr add 192.0.2.1/24 dev "$EXT"
ip -n "$NS_EXT" link set "$EXT" up
ip netns exec "$NS_EXT" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
# testpmd's icmpecho answers ARP for any address: each IP's MAC is fixed here
ip -n "$NS_EXT" neigh replace 192.0.2.10 lladdr 02:00:00:00:00:0a dev "$EXT"
ip -n "$NS_EXT" neigh replace 192.0.2.14 lladdr 02:00:00:00:00:0e dev "$EXT"

# shellcheck disable=SC2046
"$app" $(e2e_eal app) --log-level='macvlan.*:info' --vdev="net_af_packet0,iface=$NIC" -- \
	--ctl-socket "$CSOCK" --socket-group adm >"$log" 2>&1 &
app_pid=$!
for ((i = 0; i < 100; i++)); do [ -S "$CSOCK" ] && break; sleep 0.1; done

# ---- role server: four vifs on one socket ----
vif() { # NAME MODE MAC ID [options]
	local n=$1 m=$2 a=$3 id=$4
	shift 4
	ctl link add link p0 name "$n" type macvlan mode "$m" address "$a" \
		backend memif "$S1" id "$id" "$@" >/dev/null && ctl link set "$n" up >/dev/null
}
vif mva bridge 02:00:00:00:00:0a 1 || fail "link add mva"
vif mvb bridge 02:00:00:00:00:0b 2 || fail "link add mvb"
vif mvc private 02:00:00:00:00:0c 3 || fail "link add mvc"
vif mvd bridge 02:00:00:00:00:0d 4 || fail "link add mvd"
if [ "$(stat -c '%F %a %G' "$S1")" = "socket 660 adm" ]; then
	ok "socket $S1: mode 0660, group adm (--socket-group)"
else
	fail "socket $S1: $(stat -c '%F %a %G' "$S1")"
fi
if has_carrier mva; then fail "mva has carrier without a peer"; else ok "NO-CARRIER before a peer"; fi
out=$(ctl link add link p0 name mvz type macvlan backend memif "$S1" id 2 2>&1)
case $out in *"id 2 on"*"taken by mvb"*) ok "a taken id is refused: $out" ;;
*) fail "a taken id: $out" ;; esac
out=$(ctl link add link p0 name mvz type macvlan backend memif "$S1" 2>&1)
case $out in *"missing memif id for backend memif"*) ok "memif without id refused" ;;
*) fail "memif without id: $out" ;; esac

peer a client "$S1" 1 02:00:00:00:00:0a icmpecho
peer b client "$S1" 2 02:00:00:00:00:0b rxonly
peer c client "$S1" 3 02:00:00:00:00:0c rxonly
for v in mva mvb mvc; do
	wait_carrier "$v" 20 && ok "$v: carrier on with its peer" || fail "$v: no carrier with its peer"
done
[ "$(show mva .backend_info.connected)" = yes ] && ok "backend_info: connected" ||
	fail "backend_info: $(show mva .backend_info)"
if pings 192.0.2.10; then
	ok "wire -> memif peer a -> wire (ping answered by testpmd icmpecho)"
else
	fail "ping through memif peer a"
fi
b0=$(bstat mvb tx_frames) c0=$(bstat mvc tx_frames)
ip netns exec "$NS_EXT" ping -b -c 3 -i 0.2 -W 1 -q 192.0.2.255 >/dev/null 2>&1
sleep 0.5
b1=$(bstat mvb tx_frames) c1=$(bstat mvc tx_frames)
if [ $((b1 - b0)) -ge 3 ] && [ $((c1 - c0)) -ge 3 ]; then
	ok "broadcast from the wire reaches bridge and private peers ($((b1 - b0)), $((c1 - c0)))"
else
	fail "broadcast: mvb got $((b1 - b0)), mvc $((c1 - c0))"
fi

# joined multicast: mvb (bridge) and mvc (private) join the group, mva does
# not; from the wire the group reaches exactly their peers, a group nobody
# joined no peer, and after mvc leaves only mvb's
GRP=01:00:5e:01:02:03
mc_send() { ip netns exec "$NS_EXT" python3 "$here/vhost_peer.py" send "$EXT" "$1" "$EXT_MAC" "$2" "$3"; }
mc_tx() { echo "$(($(bstat mva tx_frames) - a0)) $(($(bstat mvb tx_frames) - b0)) $(($(bstat mvc tx_frames) - c0))"; }
ctl maddr add "$GRP" dev mvb >/dev/null && ctl maddr add "$GRP" dev mvc >/dev/null ||
	fail "maddr add on mvb, mvc"
a0=$(bstat mva tx_frames) b0=$(bstat mvb tx_frames) c0=$(bstat mvc tx_frames)
mc_send "$GRP" 1000 5
sleep 0.5
r=$(mc_tx)
[ "$r" = "0 5 5" ] && ok "multicast from the wire reaches the joined peers b, c, not a ($r)" ||
	fail "multicast from the wire: a b c got $r, want 0 5 5"
a0=$(bstat mva tx_frames) b0=$(bstat mvb tx_frames) c0=$(bstat mvc tx_frames)
mc_send 01:00:5e:01:02:09 2000 3
sleep 0.5
r=$(mc_tx)
[ "$r" = "0 0 0" ] && ok "a group nobody joined reaches no peer ($r)" ||
	fail "unjoined group: a b c got $r, want 0 0 0"
ctl maddr del "$GRP" dev mvc >/dev/null || fail "maddr del mvc"
a0=$(bstat mva tx_frames) b0=$(bstat mvb tx_frames) c0=$(bstat mvc tx_frames)
mc_send "$GRP" 3000 4
sleep 0.5
r=$(mc_tx)
[ "$r" = "0 4 0" ] && ok "after mvc left the group, only b gets it ($r)" ||
	fail "after leave: a b c got $r, want 0 4 0"

# a bridge peer sends to another bridge vif, then to the private one
peer d client "$S1" 4 02:00:00:00:00:0d txonly --eth-peer=0,02:00:00:00:00:0b --txpkts=64
wait_carrier mvd 20 || fail "mvd: no carrier"
sleep 1
peer_stop d
sleep 0.3
b2=$(bstat mvb tx_frames)
sent=$(bstat mvd rx_frames)
[ $((b2 - b1)) -ge 100 ] && ok "bridge peer d -> bridge peer b: $((b2 - b1)) frames (d sent $sent)" ||
	fail "bridge peer d -> b: $((b2 - b1)) frames (d sent $sent)"
wait_carrier mvd 10 off && ok "mvd: carrier off when its peer quits" || fail "mvd: carrier stays"
e0=$(ext_rx) c2=$(bstat mvc tx_frames)
peer d client "$S1" 4 02:00:00:00:00:0d txonly --eth-peer=0,02:00:00:00:00:0c --txpkts=64
wait_carrier mvd 20 || fail "mvd: no carrier (2)"
sleep 1
peer_stop d
sleep 0.3
c3=$(bstat mvc tx_frames) e1=$(ext_rx)
if [ $((c3 - c2)) -eq 0 ] && [ $((e1 - e0)) -ge 100 ]; then
	ok "bridge peer d -> private vif c: not delivered, went to the wire ($((e1 - e0)))"
else
	fail "bridge peer d -> private c: c got $((c3 - c2)), wire $((e1 - e0))"
fi

# ---- garbage and bad descriptors (on ids 2 and 4; peers a, b keep running) ----
out=$(python3 "$peerpy" garbage "$S1" 2 2>&1)
for want in "unknown type: DISCONNECT unknown message type 99" \
	"short message: DISCONNECT message of 7 bytes" "unknown id: DISCONNECT ID not found" \
	"busy id: DISCONNECT Already connected" "connect first: DISCONNECT Unexpected message CONNECT"; do
	case $out in *"$want"*) ok "garbage: $want" ;; *) fail "garbage: no \"$want\" in: $out" ;; esac
done
[ "$(echo "$out" | grep -c ': closed')" -eq 5 ] && ok "garbage: each connection closed" ||
	fail "garbage: $out"
out=$(python3 "$peerpy" baddesc "$S1" 4 "$EXT_MAC" 02:00:00:00:00:0d 2>&1)
case $out in *"region smaller than declared: DISCONNECT Region 0 is smaller"*) ok "a short region is refused" ;;
*) fail "short region: $out" ;; esac
case $out in *connected*"c2s tail 6"*) ok "bad descriptors consumed" ;; *) fail "baddesc: $out" ;; esac
r="bad_desc $(bstat mvd rx_bad_desc) runt $(bstat mvd rx_runt) too_long $(bstat mvd rx_too_long)"
[ "$r" = "bad_desc 3 runt 1 too_long 1" ] && ok "bad descriptors counted: $r" || fail "bad descriptors: $r"
[ "$(bstat mvd rx_frames)" -ge 1 ] && ok "the good frame among them passed" || fail "no good frame"
alive && pings 192.0.2.10 && has_carrier mvb && ok "peers a and b unharmed by the garbage" ||
	fail "peers after the garbage"

# a connection that never sends its INIT is closed after 5 s (checked below)
python3 "$peerpy" idle "$S1" >"$E2E_TMP/idle" 2>&1 &
idle_pid=$!

# ---- 100 vifs on one socket, per-vif socket-group ----
{
	for ((i = 100; i < 200; i++)); do
		printf 'link add link p0 name mv%d type macvlan mode bridge address 02:00:00:01:00:%02x backend memif %s id %d socket-group daemon\n' \
			"$i" $((i - 100)) "$S2" "$i"
		echo "link set mv$i up"
	done
} >"$E2E_TMP/add100"
ctl -b "$E2E_TMP/add100" >/dev/null && ok "100 vifs on one socket" || fail "adding 100 vifs"
n=$(ctlj link show | jq "[.[] | select(.backend.kind == \"memif\" and .backend_info.socket == \"$S2\")] | length")
[ "$n" -eq 100 ] && ok "all 100 listed" || fail "$n of 100 listed"
[ "$(stat -c '%a %G' "$S2")" = "660 daemon" ] && ok "socket-group of the vif: daemon" ||
	fail "socket $S2: $(stat -c '%a %G' "$S2")"
peer p100 client "$S2" 100 02:00:00:01:00:00 rxonly
peer p199 client "$S2" 199 02:00:00:01:00:63 rxonly
peer p500 client "$S2" 500 02:00:00:01:00:ff rxonly
wait_carrier mv100 20 && wait_carrier mv199 20 && ok "mv100 and mv199 have their peers" ||
	fail "mv100/mv199 without peers"
has_carrier mv150 && fail "mv150 has carrier" || ok "mv150 has none"
wait_output 0 'ID not found \(id 500\)' 10 && ok "a peer with an unknown id is refused" ||
	fail "peer id 500"
peer_stop p100
peer_stop p199
peer_stop p500
sed -e '/ up$/d' -e 's/^link add link p0 name \(mv[0-9]*\) .*/link del \1/' "$E2E_TMP/add100" >"$E2E_TMP/del100"
ctl -b "$E2E_TMP/del100" >/dev/null && ok "100 vifs deleted" || fail "deleting 100 vifs"
[ -e "$S2" ] && fail "$S2 left behind" || ok "socket removed with its last vif"

wait "$idle_pid"
out=$(cat "$E2E_TMP/idle")
case $out in *"idle: DISCONNECT Timeout waiting for INIT"*"idle: closed"*) ok "an idle connection is closed" ;;
*) fail "idle connection: $out" ;; esac

# ---- socket files ----
python3 "$peerpy" stale "$E2E_TMP/m3.sock"
[ -S "$E2E_TMP/m3.sock" ] || fail "no stale socket made"
ctl link add link p0 name mve type macvlan backend memif "$E2E_TMP/m3.sock" id 1 >/dev/null &&
	ok "a stale socket file is replaced" || fail "stale socket file"
python3 "$peerpy" listen "$E2E_TMP/m4.sock" 20 &
lpid=$!
for ((i = 0; i < 50; i++)); do [ -S "$E2E_TMP/m4.sock" ] && break; sleep 0.1; done
out=$(ctl link add link p0 name mvf type macvlan backend memif "$E2E_TMP/m4.sock" id 1 2>&1)
case $out in *"live listener"*) ok "a live listener's socket is refused: $out" ;;
*) fail "live listener: $out" ;; esac
kill "$lpid" 2>/dev/null
wait "$lpid" 2>/dev/null
touch "$E2E_TMP/m5.sock"
ctl link add link p0 name mvf type macvlan backend memif "$E2E_TMP/m5.sock" id 1 >/dev/null 2>&1 &&
	fail "a regular file was replaced" || ok "a regular file at the path is refused"
[ -f "$E2E_TMP/m5.sock" ] && ok "... and left alone" || fail "the regular file is gone"
ctl link del mve >/dev/null
[ -e "$E2E_TMP/m3.sock" ] && fail "m3.sock left behind" || ok "m3.sock removed with mve"

# ---- peer a quits and returns under traffic ----
ip netns exec "$NS_EXT" ping -i 0.02 -c 400 -W 1 -q 192.0.2.10 >"$E2E_TMP/flood" 2>&1 &
fpid=$!
for k in 1 2 3 4; do
	peer_stop a
	wait_carrier mva 10 off || fail "restart $k: mva kept its carrier"
	peer a client "$S1" 1 02:00:00:00:00:0a icmpecho
	wait_carrier mva 20 || fail "restart $k: mva has no carrier"
done
wait "$fpid"
alive && pings 192.0.2.10 && ok "peer a quit and came back 4 times under traffic" ||
	fail "after the restarts: $(tail -n 3 "$E2E_TMP/flood")"
[ "$(bstat mva connects)" -ge 5 ] && ok "mva: $(bstat mva connects) connects" || fail "mva connects"
# testpmd polls its S2C ring (it sets the ring's no-interrupt flag): no eventfd writes
[ "$(bstat mva tx_interrupts)" -eq 0 ] && [ "$(bstat mva tx_frames)" -gt 0 ] &&
	ok "no interrupts to a polling peer" || fail "mva: $(bstat mva tx_interrupts) interrupts"
for v in mva mvb mvc mvd; do
	if [ "$(vstat "$v" rx.packets)" -eq "$(bstat "$v" tx_frames)" ] &&
		[ "$(vstat "$v" tx.packets)" -eq "$(bstat "$v" rx_frames)" ]; then
		ok "$v: vif counters = memif counters"
	else
		fail "$v: rx $(vstat "$v" rx.packets) / tx_frames $(bstat "$v" tx_frames), tx $(vstat "$v" tx.packets) / rx_frames $(bstat "$v" rx_frames)"
	fi
done

# ---- role client: we connect to testpmd's socket and reconnect by ourselves ----
S6="$E2E_TMP/m6.sock"
ctl link add link p0 name mvx type macvlan mode bridge address 02:00:00:00:00:0e \
	backend memif "$S6" id 7 role client >/dev/null && ctl link set mvx up >/dev/null ||
	fail "link add mvx role client"
has_carrier mvx && fail "mvx: carrier without a peer" || ok "role client: NO-CARRIER without a peer"
for k in 1 2 3; do
	peer x server "$S6" 7 02:00:00:00:00:0e icmpecho
	if wait_carrier mvx 20 && pings 192.0.2.14; then
		ok "role client: connected to testpmd's socket, ping answered ($k)"
	else
		fail "role client: $k: $(show mvx .backend_info)"
	fi
	peer_stop x
	wait_carrier mvx 10 off || fail "role client: carrier stays after peer x quit ($k)"
done
[ "$(show mvx .backend_info.role)" = client ] && ok "backend_info role client" || fail "role"

# ---- the end: delete the vifs of S1, the file goes; clean exit ----
for p in "${!PEER[@]}"; do peer_stop "$p"; done
for v in mva mvb mvc mvd mvx; do ctl link del "$v" >/dev/null || fail "link del $v"; done
[ -e "$S1" ] && fail "$S1 left behind" || ok "socket removed with the last vif"
kill -TERM "$app_pid"
wait_exit 20 || fail "the program did not exit"
e2e_check_exit "memif" "$log"
e2e_summary memif
