#!/usr/bin/env bash
# vhost-user vifs end to end. The physical port is net_af_packet on one end
# of a veth pair; the other end, in a namespace, is the external host
# (vhost_peer.py sends and captures there). Each guest is a dpdk-testpmd
# forwarding (io) between a net_pcap pair and net_virtio_user on the vif's
# socket: what its rx pcap holds goes to the vif, what the vif delivers
# lands in its tx pcap. Checks:
#   - per mode (bridge, private, vepa): frames from the wire reach the right
#     guest, broadcasts every guest, a guest's frames reach the wire, bridge
#     guests reach each other and private/vepa ones do not (no hairpin);
#   - carrier: NO-CARRIER before the guest, LOWER_UP with it, off after;
#     negotiated features in link show -d; offloads not offered;
#   - sockets: mode 0660 and the --socket-group (or the vif's socket-group),
#     a stale file replaced, a live listener refused, removed with the vif;
#   - client mode: the guest owns the socket (server=1), the vif reconnects
#     after the guest restarts;
#   - reconnect loop: a guest quits and comes back 20 times (once by
#     SIGKILL) under traffic from the wire: what p0 received for the vif =
#     delivered + counted drops, a steady guest on another vif gets all of
#     its frames, the mempool is full at the end, no socket file is left;
#   - a client that writes garbage on the socket is disconnected, the
#     daemon lives on and a guest still attaches;
#   - a guest's runts and frames above the vif's MTU are counted drops;
#   - a guest that stops reading (SIGSTOP): what its ring cannot take is
#     counted as backend-full, the other guests get all their frames;
#   - limits: 511 server-mode vifs, the 512th refused with a clear error;
#   - the program is killed and started again while a client-mode vif's
#     guest (server=1) waits: the new program reconnects, frames flow;
#   - multi-queue (two workers): frames worker 1 delivers to a vif of worker
#     0 go on the guest's second queue pair when it enabled two, through
#     worker 0 when it has one; either way the guest gets them all.
#   - joined multicast (three guests, two vifs joined): from the wire and
#     from a bridge guest the group reaches exactly the joined guests, a
#     group nobody joined reaches none, broadcast all, a left group stops;
#   - guests with odd virtio-user features (packed_vq, mrg_rxbuf=0,
#     in_order, vectorized, a small queue_size): carrier, frames both ways,
#     the negotiated features in link show -d, the daemon lives;
#   - a queue pair set up after the guest attached (vhost_master.py): its
#     vrings ask for no kicks and what the guest sends on it is read.
# PART main: modes, sockets, garbage, bad frames, client mode, limits;
# PART reconnect: the reconnect loop, multi-queue, the restart;
# PART guests: joined multicast, odd virtio features, a late queue pair; all: every part.
# Usage: vhost.sh DPDK_MACVLAN DPDK_MACVLAN_CTL [PART]
set -u
app=$1 ctl=$2 part=${3:-all}
want() { [ "$part" = all ] || [ "$part" = "$1" ]; }
here=$(dirname "$0")
source "$here/lib.sh"
source "$here/pcap.sh"
peer="$here/vhost_peer.py"
TESTPMD=${TESTPMD:-dpdk-testpmd}

NIC="mvv$$n" EXT="mvv$$e" NS="${E2E_PREFIX}vx"
E2E_NETNS+=("$NS")
EXT_MAC=02:ee:00:00:00:01
MAC0=02:00:00:00:00:10 MAC1=02:00:00:00:00:11
S="$E2E_TMP" # sockets live here: removed with it
CTL="$S/ctl.sock"
app_pid="" log=""
declare -A gpid

if ! command -v "$TESTPMD" >/dev/null || ! command -v python3 >/dev/null; then
	skip "vhost: needs dpdk-testpmd and python3"
	e2e_summary "vhost $part"
	exit 77
fi

stop_guests() {
	local g
	for g in "${!gpid[@]}"; do
		kill -KILL "${gpid[$g]}" 2>/dev/null
		wait "${gpid[$g]}" 2>/dev/null
	done
	gpid=()
}

teardown() {
	stop_guests
	[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	app_pid=""
	ip link del "$NIC" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf /var/run/dpdk/"${E2E_PREFIX}"* 2>/dev/null
	return 0
}
trap 'teardown; e2e_cleanup' EXIT

setup_wire() {
	ip netns add "$NS" || return 1
	ip link add "$NIC" type veth peer name "$EXT" netns "$NS" || return 1
	sysctl -qw "net.ipv6.conf.$NIC.disable_ipv6=1"
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$EXT.disable_ipv6=1"
	ip -n "$NS" link set "$EXT" address "$EXT_MAC"
	ip link set "$NIC" up
	ip -n "$NS" link set "$EXT" up
}

# Start the daemon (EAL tag $1, more program options after).
start_app() {
	local tag=$1
	shift
	log="$E2E_TMP/log.$tag"
	# shellcheck disable=SC2046
	"$app" $(e2e_eal "$tag") --vdev="net_af_packet0,iface=$NIC" -- --ctl-socket "$CTL" "$@" \
		</dev/null >"$log" 2>&1 &
	app_pid=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ -S "$CTL" ] && "$ctl" -s "$CTL" link set p0 up >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

c() { "$ctl" -s "$CTL" -t 10 "$@"; }

# JSON of `link show -d` of vif $1, field by a python expression on `v` ($2).
vif_get() {
	c -j link show "$1" 2>/dev/null | python3 -c "
import json, sys
v = json.load(sys.stdin)[0]
bi = v.get('backend_info', {})
print($2)" 2>/dev/null
}
carrier_of() { vif_get "$1" "'off' if 'NO-CARRIER' in v['flags'] else 'on'"; }
guest_of() { vif_get "$1" "bi.get('guest', '')"; }

# Wait up to $3 s (default 20) until carrier of vif $1 is $2.
wait_carrier() {
	local i
	for ((i = 0; i < ${3:-20} * 10; i++)); do
		[ "$(carrier_of "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# `link stats` JSON, one value by a python expression: l(name) is a link's entry.
stat_get() {
	c -j link stats 2>/dev/null | python3 -c "
import json, sys
d = json.load(sys.stdin)
def l(n):
    return next(x for x in d['links'] if x['ifname'] == n)
def drops(n):
    return sum(l(n).get('drops', {}).values())
print($1)" 2>/dev/null
}

# A pcap for a guest to send: pcap_in FILE then DST SRC SEQ0 COUNT ... groups.
pcap_in() {
	local f=$1 i
	shift
	{
		pcap_header
		while [ $# -ge 4 ]; do
			for ((i = 0; i < $4; i++)); do pcap_frame "$1" "$2" 60 $(($3 + i)); done
			shift 4
		done
	} >"$f"
}

# Start guest $1 on socket $2 with MAC $3 sending pcap $4; more virtio-user devargs in $5.
guest_start() {
	local g=$1
	rm -f "$E2E_TMP/$g.out.pcap"
	"$TESTPMD" --no-pci --no-huge --no-shconf -m 256 --file-prefix "${E2E_PREFIX}g$g" -l 0-1 \
		--vdev "net_pcap0,rx_pcap=$4,tx_pcap=$E2E_TMP/$g.out.pcap" \
		--vdev "net_virtio_user0,path=$2,mac=$3${5:-}" -- \
		--no-flush-rx --total-num-mbufs=4096 --forward-mode=io --stats-period 1 \
		>"$E2E_TMP/$g.log" 2>&1 &
	gpid[$g]=$!
}

# Stop guest $1 (SIGINT: it writes its pcap), $2 KILL for SIGKILL.
guest_stop() {
	local g=$1 i
	[ -n "${gpid[$g]:-}" ] || return 0
	kill "-${2:-INT}" "${gpid[$g]}" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "${gpid[$g]}" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "${gpid[$g]}" 2>/dev/null
	wait "${gpid[$g]}" 2>/dev/null
	unset "gpid[$g]"
}

# The seqs guest $1 received, sorted, one per line.
guest_got() { pcap_records "$E2E_TMP/$1.out.pcap" | grep -v '^end'; }
# How many of them are in [$2, $3).
count_in() { guest_got "$1" | awk -v a="$2" -v b="$3" '$1 >= a && $1 < b' | wc -l; }
wire_in() { awk -v a="$2" -v b="$3" '$1 >= a && $1 < b' "$1" | wc -l; }

wire_send() { ip netns exec "$NS" python3 "$peer" send "$EXT" "$@"; }

expect() { # expect WHAT GOT WANT
	if [ "$2" = "$3" ]; then ok "$1 ($2)"; else fail "$1: got $2, want $3"; fi
}

setup_wire || {
	fail "vhost: cannot make the veth pair"
	e2e_summary "vhost $part"
	exit 1
}
pcap_header >"$E2E_TMP/empty.pcap"
start_app main --socket-group daemon || fail "vhost: daemon did not start"

if want main; then
# ---- per mode: delivery between the wire and two guests ----
# seqs: A->wire 1000, A->B 2000, A bcast 3000, B->wire 4000, wire->A 5000,
# wire->B 6000, wire bcast 7000, wire->nobody 8000
for mode in bridge private vepa; do
	c link add link p0 name mv0 type macvlan mode "$mode" address "$MAC0" \
		backend vhost "$S/mv0.sock" >/dev/null || fail "$mode: link add mv0"
	c link add link p0 name mv1 type macvlan mode "$mode" address "$MAC1" \
		backend vhost "$S/mv1.sock" socket-group bin >/dev/null || fail "$mode: link add mv1"
	c link set mv0 up >/dev/null
	c link set mv1 up >/dev/null
	if [ "$mode" = bridge ]; then
		expect "sockets: mv0's mode and --socket-group" "$(stat -c '%a %G' "$S/mv0.sock")" \
			"660 daemon"
		expect "sockets: mv1's socket-group" "$(stat -c '%a %G' "$S/mv1.sock")" "660 bin"
		expect "carrier: off before a guest" "$(carrier_of mv0)" off
		expect "carrier: guest none in link show -d" "$(guest_of mv0)" none
		expect "features: offloads not offered" \
			"$(vif_get mv0 "','.join(f for f in bi['offered'].split(',') if 'TSO' in f or 'CSUM' in f or 'UFO' in f or 'ECN' in f) or 'none'")" \
			none
	fi
	cap="$E2E_TMP/wire.$mode"
	ip netns exec "$NS" python3 "$peer" capture "$EXT" 60 >"$cap" &
	cap_pid=$!
	pcap_in "$E2E_TMP/b.in" "$EXT_MAC" "$MAC1" 4000 6
	guest_start B "$S/mv1.sock" "$MAC1" "$E2E_TMP/b.in"
	wait_carrier mv1 on || fail "$mode: mv1 carrier with its guest"
	pcap_in "$E2E_TMP/a.in" "$EXT_MAC" "$MAC0" 1000 10 "$MAC1" "$MAC0" 2000 8 \
		ff:ff:ff:ff:ff:ff "$MAC0" 3000 4
	guest_start A "$S/mv0.sock" "$MAC0" "$E2E_TMP/a.in"
	if wait_carrier mv0 on; then ok "$mode: carrier on with the guest"; else
		fail "$mode: no carrier with the guest"
	fi
	if [ "$mode" = bridge ]; then
		expect "features: MRG_RXBUF negotiated, no CSUM" \
			"$(vif_get mv0 "'MRG_RXBUF' in bi['features'] and 'CSUM' not in bi['features']")" \
			True
		expect "info: connected, server mode" "$(vif_get mv0 "bi['connected'] + ' ' + bi['mode']")" \
			"yes server"
	fi
	sleep 1
	wire_send "$MAC0" "$EXT_MAC" 5000 7
	wire_send "$MAC1" "$EXT_MAC" 6000 9
	wire_send ff:ff:ff:ff:ff:ff "$EXT_MAC" 7000 3
	wire_send 02:00:00:00:00:99 "$EXT_MAC" 8000 2
	sleep 1.5
	guest_stop A
	guest_stop B
	wait_carrier mv0 off && ok "$mode: carrier off after the guest quit" ||
		fail "$mode: carrier still on after the guest quit"
	kill -TERM "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
	expect "$mode: wire -> A" "$(count_in A 5000 6000)" 7
	expect "$mode: wire -> B" "$(count_in B 6000 7000)" 9
	expect "$mode: wire bcast -> A" "$(count_in A 7000 8000)" 3
	expect "$mode: wire bcast -> B" "$(count_in B 7000 8000)" 3
	expect "$mode: nothing for others (A)" "$(count_in A 6000 7000)$(count_in A 8000 9000)" 00
	expect "$mode: A -> wire" "$(wire_in "$cap" 1000 2000)" 10
	expect "$mode: B -> wire" "$(wire_in "$cap" 4000 5000)" 6
	expect "$mode: A bcast -> wire" "$(wire_in "$cap" 3000 4000)" 4
	expect "$mode: A gets none of its own" "$(count_in A 1000 5000)" 0
	if [ "$mode" = bridge ]; then
		expect "$mode: A -> B local" "$(count_in B 2000 3000)" 8
		expect "$mode: A bcast -> B" "$(count_in B 3000 4000)" 4
		expect "$mode: A -> B not on the wire" "$(wire_in "$cap" 2000 3000)" 0
	else
		expect "$mode: A -> B not local (no hairpin)" "$(count_in B 2000 4000)" 0
		expect "$mode: A -> B goes to the wire" "$(wire_in "$cap" 2000 3000)" 8
	fi
	c link del mv0 >/dev/null
	c link del mv1 >/dev/null
	if [ "$mode" = bridge ]; then
		[ ! -e "$S/mv0.sock" ] && [ ! -e "$S/mv1.sock" ] &&
			ok "sockets: removed with the vifs" || fail "sockets: left after link del"
	fi
done

# ---- sockets: stale replaced, live refused ----
python3 "$peer" stale "$S/stale.sock"
if c link add link p0 name mvs type macvlan backend vhost "$S/stale.sock" >/dev/null 2>&1; then
	ok "sockets: a stale file is replaced"
else
	fail "sockets: a stale file was not replaced"
fi
python3 "$peer" listen "$S/live.sock" 10 &
lpid=$!
sleep 0.5
out=$(c link add link p0 name mvl type macvlan backend vhost "$S/live.sock" 2>&1)
if [ $? -ne 0 ] && grep -q "live listener" <<<"$out"; then
	ok "sockets: a live listener is refused ($out)"
else
	fail "sockets: live listener: $out"
fi
c link show mvl >/dev/null 2>&1 && fail "sockets: the refused vif exists" || true
kill "$lpid" 2>/dev/null
wait "$lpid" 2>/dev/null
out=$(c link add link p0 name mvd type macvlan backend vhost "$S/stale.sock" 2>&1)
grep -q "already" <<<"$out" && ok "sockets: one path, one vif ($out)" ||
	fail "sockets: a second vif on one path: $out"
touch "$S/file"
out=$(c link add link p0 name mvf type macvlan backend vhost "$S/file" 2>&1)
[ $? -ne 0 ] && [ -f "$S/file" ] && ok "sockets: a regular file is left alone ($out)" ||
	fail "sockets: regular file: $out"

# ---- garbage on the socket ----
res=$(timeout 10 python3 "$peer" garbage "$S/stale.sock")
expect "garbage: the connection is closed" "$res" closed
pcap_in "$E2E_TMP/g.in" "$EXT_MAC" "$MAC0" 9000 3
c link set mvs up >/dev/null
guest_start G "$S/stale.sock" "$MAC0" "$E2E_TMP/g.in"
wait_carrier mvs on && ok "garbage: a guest attaches after it" || fail "garbage: no guest after it"
guest_stop G
alive && ok "garbage: the daemon lives" || fail "garbage: the daemon died"

# ---- bad frames from a guest: runts and frames above the vif's MTU ----
# 3 good frames, 2 runts of 12 bytes, 2 of 1600 bytes (MTU 1500), 1 of 1514
{
	pcap_header
	for i in 0 1 2; do pcap_frame "$EXT_MAC" "$MAC0" 60 $((9100 + i)); done
	for i in 0 1; do
		printf '\x00\x00\x00\x00\x00\x00\x00\x00\x0c\x00\x00\x00\x0c\x00\x00\x00'
		printf '\x02\xee\x00\x00\x00\x01\x02\x00\x00\x00\x00\x10'
	done
	for i in 0 1; do pcap_frame "$EXT_MAC" "$MAC0" 1600 $((9200 + i)); done
	pcap_frame "$EXT_MAC" "$MAC0" 1514 9300
} >"$E2E_TMP/bad.in"
before=$(stat_get "' '.join(str(x) for x in (l('p0')['drops'].get('runt', 0), l('p0')['drops'].get('rx-bad-length', 0), l('mvs')['stats64']['tx']['dropped'], l('mvs')['stats64']['tx']['packets']))")
guest_start G "$S/stale.sock" "$MAC0" "$E2E_TMP/bad.in"
wait_carrier mvs on || fail "bad frames: no guest"
sleep 1
guest_stop G
after=$(stat_get "' '.join(str(x) for x in (l('p0')['drops'].get('runt', 0), l('p0')['drops'].get('rx-bad-length', 0), l('mvs')['stats64']['tx']['dropped'], l('mvs')['stats64']['tx']['packets']))")
read -r r0 b0 d0 t0 <<<"$before"
read -r r1 b1 d1 t1 <<<"$after"
expect "bad frames: runts counted" "$((r1 - r0))" 2
expect "bad frames: above the MTU counted as rx-bad-length" "$((b1 - b0))" 2
expect "bad frames: the vif's tx dropped" "$((d1 - d0))" 4
expect "bad frames: the good ones (1514 bytes included) sent" "$((t1 - t0))" 4
alive && ok "bad frames: the daemon lives" || fail "bad frames: the daemon died"
c link del mvs >/dev/null

# ---- a guest that stops reading its ring (SIGSTOP): counted drops, others unaffected ----
c link add link p0 name mvx type macvlan mode bridge address "$MAC0" \
	backend vhost "$S/mvx.sock" >/dev/null
c link add link p0 name mvy type macvlan mode bridge address "$MAC1" \
	backend vhost "$S/mvy.sock" >/dev/null
c link set mvx up >/dev/null
c link set mvy up >/dev/null
guest_start X "$S/mvx.sock" "$MAC0" "$E2E_TMP/empty.pcap"
guest_start Y "$S/mvy.sock" "$MAC1" "$E2E_TMP/empty.pcap"
wait_carrier mvx on && wait_carrier mvy on || fail "stalled: no guests"
kill -STOP "${gpid[X]}"
wire_send "$MAC0" "$EXT_MAC" 20000 2000 5000
wire_send "$MAC1" "$EXT_MAC" 30000 20
sleep 1
sums=$(stat_get "' '.join(str(x) for x in (l('mvx')['stats64']['rx']['packets'], l('mvx')['stats64']['rx']['dropped'], l('p0')['drops'].get('backend-full', 0)))")
read -r xr xd xf <<<"$sums"
expect "stalled: what the vif took and dropped adds up" "$((xr + xd))" 2000
[ "$xd" -gt 0 ] && [ "$xd" = "$xf" ] && ok "stalled: the rest counted as backend-full ($xd)" ||
	fail "stalled: dropped $xd, backend-full $xf"
alive && ok "stalled: the daemon lives" || fail "stalled: the daemon died"
kill -CONT "${gpid[X]}"
guest_stop X
guest_stop Y
expect "stalled: the other vif's guest got all its frames" "$(count_in Y 30000 30020)" 20
c link del mvx >/dev/null
c link del mvy >/dev/null

# ---- client mode: the guest owns the socket ----
guest_start C "$S/guest.sock" "$MAC0" "$E2E_TMP/empty.pcap" ",server=1"
for ((i = 0; i < 50; i++)); do [ -S "$S/guest.sock" ] && break; sleep 0.1; done
c link add link p0 name mvc type macvlan mode bridge address "$MAC0" \
	backend vhost "$S/guest.sock" client >/dev/null || fail "client: link add"
c link set mvc up >/dev/null
wait_carrier mvc on 30 && ok "client: connected to the guest" || fail "client: no carrier"
expect "client: info mode" "$(vif_get mvc "bi['mode']")" client
wire_send "$MAC0" "$EXT_MAC" 5000 5
sleep 1
guest_stop C
wait_carrier mvc off && ok "client: carrier off when the guest quits" ||
	fail "client: carrier on after the guest quit"
expect "client: the guest got the wire's frames" "$(count_in C 5000 6000)" 5
guest_start C "$S/guest.sock" "$MAC0" "$E2E_TMP/empty.pcap" ",server=1"
wait_carrier mvc on 30 && ok "client: reconnected to the restarted guest" ||
	fail "client: no reconnect"
wire_send "$MAC0" "$EXT_MAC" 5100 4
sleep 1
guest_stop C
expect "client: the restarted guest got the wire's frames" "$(count_in C 5100 5200)" 4
c link del mvc >/dev/null

# ---- limits: 511 server-mode vifs fit in rte_vhost's poll set, the 512th is refused ----
for ((i = 0; i < 511; i++)); do
	echo "link add link p0 name lim$i type macvlan backend vhost $S/l$i.sock"
done >"$E2E_TMP/lim.add"
if c -b "$E2E_TMP/lim.add" >/dev/null 2>"$E2E_TMP/lim.err"; then
	ok "limits: 511 server-mode vhost vifs"
else
	fail "limits: 511 server-mode vifs: $(head -n 2 "$E2E_TMP/lim.err")"
fi
out=$(c link add link p0 name lim511 type macvlan backend vhost "$S/l511.sock" 2>&1)
grep -q "no room for another vhost vif" <<<"$out" && ok "limits: the 512th is refused ($out)" ||
	fail "limits: the 512th: $out"
[ ! -e "$S/l511.sock" ] && ok "limits: the refused vif left no socket" ||
	fail "limits: the refused vif left its socket"
for ((i = 0; i < 511; i++)); do echo "link del lim$i"; done >"$E2E_TMP/lim.del"
c -b "$E2E_TMP/lim.del" >/dev/null || fail "limits: deleting them"
expect "limits: their sockets removed" "$(find "$S" -name 'l[0-9]*.sock' | wc -l)" 0

fi
if want reconnect; then
# ---- reconnect loop under traffic ----
c link add link p0 name mv0 type macvlan mode bridge address "$MAC0" \
	backend vhost "$S/mv0.sock" >/dev/null
c link add link p0 name mv1 type macvlan mode bridge address "$MAC1" \
	backend vhost "$S/mv1.sock" >/dev/null
c link set mv0 up >/dev/null
c link set mv1 up >/dev/null
guest_start B "$S/mv1.sock" "$MAC1" "$E2E_TMP/empty.pcap"
wait_carrier mv1 on || fail "loop: steady guest"
rx0=$(stat_get "l('p0')['stats64']['rx']['packets']")
# (not through wire_send: $! must be the sender itself, to stop it)
ip netns exec "$NS" python3 "$peer" send "$EXT" "$MAC0" "$EXT_MAC" 10000 40000 1000 &
tpid0=$!
ip netns exec "$NS" python3 "$peer" send "$EXT" "$MAC1" "$EXT_MAC" 60000 200 10 &
tpid1=$!
ups=0
for ((round = 1; round <= 20; round++)); do
	guest_start A "$S/mv0.sock" "$MAC0" "$E2E_TMP/empty.pcap"
	wait_carrier mv0 on 20 && ups=$((ups + 1))
	sleep 0.3
	if [ "$round" -eq 10 ]; then guest_stop A KILL; else guest_stop A; fi
	wait_carrier mv0 off 10 || fail "loop: round $round: carrier stayed on"
done
expect "loop: 20 guests attached" "$ups" 20
kill "$tpid0" 2>/dev/null
wait "$tpid0" "$tpid1" 2>/dev/null
sleep 1
guest_stop B
expect "loop: the steady guest got all its frames" "$(count_in B 60000 60200)" 200
# one reading: what p0 received since, and what the two vifs delivered or dropped
sums=$(stat_get "str(l('p0')['stats64']['rx']['packets'] - $rx0) + ' ' + str(sum(l(v)['stats64']['rx'][k] for v in ('mv0', 'mv1') for k in ('packets', 'dropped')))")
expect "loop: p0 received = mv0 + mv1 delivered and dropped" "${sums#* }" "${sums% *}"
nopeer=$(stat_get "l('p0')['drops'].get('backend-no-peer', 0)")
[ "${nopeer:-0}" -gt 0 ] && ok "loop: frames without a guest counted as backend-no-peer ($nopeer)" ||
	fail "loop: no backend-no-peer drops ($nopeer)"
c link del mv0 >/dev/null
c link del mv1 >/dev/null
alive && ok "loop: the daemon lives" || fail "loop: the daemon died"

fi
if want guests; then
# ---- joined multicast: the guests of the vifs that joined the group get it, no
# other (membership is exact, docs/compat.md; as for a vdev vif in
# conformance): mv0 and mv2 join GRP, mv1 does not; nobody joins NOGRP ----
GRP=01:00:5e:01:02:03 NOGRP=01:00:5e:01:02:09 MAC2=02:00:00:00:00:12
for v in 0 1 2; do
	c link add link p0 name "mv$v" type macvlan mode bridge address "02:00:00:00:00:1$v" \
		backend vhost "$S/mv$v.sock" >/dev/null || fail "mcast: link add mv$v"
	c link set "mv$v" up >/dev/null
done
expect "mcast: mv0 joins $GRP" "$(c -j maddr add "$GRP" dev mv0 | python3 -c 'import json,sys; print(json.load(sys.stdin)["joined"])')" True
c maddr add "$GRP" dev mv2 >/dev/null || fail "mcast: maddr add mv2"
expect "mcast: maddr show lists the joiners" \
	"$(c -j maddr show | python3 -c "import json,sys; print(' '.join(sorted(e['ifname'] for e in json.load(sys.stdin) if any(m['address'] == '$GRP' for m in e['maddr']))))")" \
	"mv0 mv2"
guest_start B "$S/mv1.sock" "$MAC1" "$E2E_TMP/empty.pcap"
guest_start C "$S/mv2.sock" "$MAC2" "$E2E_TMP/empty.pcap"
wait_carrier mv1 on && wait_carrier mv2 on || fail "mcast: guests B, C"
# A sends 4 frames to the group (seq 3000) and 2 to NOGRP (3100) once attached
pcap_in "$E2E_TMP/a.in" "$GRP" "$MAC0" 3000 4 "$NOGRP" "$MAC0" 3100 2
guest_start A "$S/mv0.sock" "$MAC0" "$E2E_TMP/a.in"
wait_carrier mv0 on || fail "mcast: guest A"
sleep 1
wire_send "$GRP" "$EXT_MAC" 1000 5
wire_send "$NOGRP" "$EXT_MAC" 2000 3
wire_send ff:ff:ff:ff:ff:ff "$EXT_MAC" 4000 2
sleep 0.5
c maddr del "$GRP" dev mv2 >/dev/null || fail "mcast: maddr del mv2"
wire_send "$GRP" "$EXT_MAC" 5000 3
sleep 1
guest_stop A
guest_stop B
guest_stop C
expect "mcast: wire -> group reaches A and C, not B" \
	"$(count_in A 1000 2000) $(count_in B 1000 2000) $(count_in C 1000 2000)" "5 0 5"
expect "mcast: wire -> a group nobody joined reaches nobody" \
	"$(count_in A 2000 3000) $(count_in B 2000 3000) $(count_in C 2000 3000)" "0 0 0"
expect "mcast: guest A -> group reaches C (bridge), not B, not A itself" \
	"$(count_in A 3000 3100) $(count_in B 3000 3100) $(count_in C 3000 3100)" "0 0 4"
expect "mcast: guest A -> a group nobody joined reaches no guest" \
	"$(count_in B 3100 3200) $(count_in C 3100 3200)" "0 0"
expect "mcast: broadcast (for comparison) reaches all three" \
	"$(count_in A 4000 5000) $(count_in B 4000 5000) $(count_in C 4000 5000)" "2 2 2"
expect "mcast: after mv2 left, the group reaches A only" \
	"$(count_in A 5000 6000) $(count_in B 5000 6000) $(count_in C 5000 6000)" "3 0 0"
for v in 0 1 2; do c link del "mv$v" >/dev/null; done

# ---- guests that negotiate odd features (net_virtio_user devargs of DPDK
# 22.11): each attaches, gets carrier, frames flow both ways, link show -d
# shows what was negotiated, the daemon lives ----
c link add link p0 name mv0 type macvlan mode bridge address "$MAC0" \
	backend vhost "$S/mv0.sock" >/dev/null || fail "features: link add"
c link set mv0 up >/dev/null
cap="$E2E_TMP/wire.features"
ip netns exec "$NS" python3 "$peer" capture "$EXT" 60 >"$cap" &
cap_pid=$!
sleep 0.5
# devargs | python test on the negotiated features f (a list of names)
k=0
fargs=()
while IFS='|' read -r args want_f; do
	k=$((k + 1))
	seq0=$((10000 + 100 * k))
	pcap_in "$E2E_TMP/f.in" "$EXT_MAC" "$MAC0" "$seq0" 6
	guest_start F "$S/mv0.sock" "$MAC0" "$E2E_TMP/f.in" ",$args"
	if wait_carrier mv0 on; then ok "features $args: carrier on"; else
		fail "features $args: no carrier"
		tail -n 3 "$E2E_TMP/F.log"
	fi
	feats=$(vif_get mv0 "bi['features']")
	if python3 -c "import sys; f = sys.argv[1].split(','); sys.exit(0 if ($want_f) else 1)" "$feats"; then
		ok "features $args: negotiated ($want_f): $feats"
	else
		fail "features $args: not ($want_f): $feats"
	fi
	sleep 0.5
	rx0=$(stat_get "l('mv0')['stats64']['rx']['packets']")
	wire_send "$MAC0" "$EXT_MAC" $((seq0 + 50)) 7
	sleep 1
	expect "features $args: mv0 delivered the wire's frames" \
		"$(stat_get "l('mv0')['stats64']['rx']['packets'] - $rx0")" 7
	guest_stop F
	wait_carrier mv0 off || fail "features $args: carrier stayed on"
	expect "features $args: wire -> guest" "$(count_in F $((seq0 + 50)) $((seq0 + 100)))" 7
	fargs[k]=$args
	alive || fail "features $args: the daemon died"
done <<'LIST'
packed_vq=1|'RING_PACKED' in f
mrg_rxbuf=0|'MRG_RXBUF' not in f and 'RING_PACKED' not in f
in_order=0|'IN_ORDER' not in f
in_order=1|'IN_ORDER' in f
vectorized=1,mrg_rxbuf=0|'MRG_RXBUF' not in f
packed_vq=1,in_order=1,mrg_rxbuf=0,vectorized=1|'RING_PACKED' in f and 'IN_ORDER' in f and 'MRG_RXBUF' not in f
queue_size=64|'MRG_RXBUF' in f
LIST
kill -TERM "$cap_pid" 2>/dev/null
wait "$cap_pid" 2>/dev/null
for ((i = 1; i <= k; i++)); do
	expect "features ${fargs[$i]}: guest -> wire" \
		"$(wire_in "$cap" $((10000 + 100 * i)) $((10050 + 100 * i)))" 6
done
c link del mv0 >/dev/null
alive && ok "features: the daemon lives" || fail "features: the daemon died"

# ---- a queue pair the guest sets up after attaching (QEMU starts one vhost
# device per pair, one after the other): kicks off on its vrings too, and
# what the guest sends on it is read (vhost_master.py plays the guest) ----
c link add link p0 name mv0 type macvlan mode bridge address "$MAC0" \
	backend vhost "$S/mv0.sock" queues 2 >/dev/null || fail "late pair: link add"
c link set mv0 up >/dev/null
tx0=$(stat_get "l('mv0')['stats64']['tx']['packets']")
res=$(timeout 30 python3 "$here/vhost_master.py" late "$S/mv0.sock" "$EXT_MAC" "$MAC0")
expect "late pair: pair 0's vrings: no kicks, its frame read" "$(echo "$res" | grep '^pair0')" "pair0 1 1 1"
expect "late pair: pair 1's vrings (after attach): no kicks, its frame read" \
	"$(echo "$res" | grep '^pair1')" "pair1 1 1 1"
expect "late pair: the vif sent both frames" \
	"$(stat_get "l('mv0')['stats64']['tx']['packets'] - $tx0")" 2
c link del mv0 >/dev/null
alive && ok "late pair: the daemon lives" || fail "late pair: the daemon died"
fi
# ---- exit: mempool full, no socket file left ----
kill -TERM "$app_pid"
wait_exit 20 || fail "exit: the daemon did not stop"
[ -n "$rc" ] && e2e_check_exit vhost "$log"
left=$(find "$S" -name 'mv*.sock' -o -name 'stale.sock' | wc -l)
expect "exit: no vif socket file left" "$left" 0

if want reconnect; then
# ---- multi-queue: two workers; mv0 (worker 0) serves 2 queue pairs, mv1 is
# worker 1's: what mv1's guest sends to mv0 goes on mv0's second pair
# without crossing to worker 0, when mv0's guest enabled it (the port is
# af_packet with 2 queue pairs, one per worker's tx; no wire traffic here) ----
eal=$(e2e_eal mq)
eal=${eal/-l 0-1/--lcores 0@0,1@1,2@1}
log="$E2E_TMP/log.mq"
rm -f "$CTL"
# shellcheck disable=SC2086
"$app" $eal --vdev="net_af_packet0,iface=$NIC,qpairs=2" -- --ctl-socket "$CTL" </dev/null >"$log" 2>&1 &
app_pid=$!
for ((i = 0; i < 100; i++)); do
	[ -S "$CTL" ] && c link set p0 up >/dev/null 2>&1 && break
	sleep 0.1
done
c link add link p0 name mv0 type macvlan mode bridge address "$MAC0" \
	backend vhost "$S/mv0.sock" queues 2 >/dev/null || {
	fail "mq: link add mv0"
	tail -n 5 "$log"
}
c link add link p0 name mv1 type macvlan mode bridge address "$MAC1" \
	backend vhost "$S/mv1.sock" >/dev/null || fail "mq: link add mv1"
c link set mv0 up >/dev/null
c link set mv1 up >/dev/null
expect "mq: mv0 and mv1 on workers 0 and 1" \
	"$(vif_get mv0 "v['backend']['worker']") $(vif_get mv1 "v['backend']['worker']")" "0 1"
# mv0's guest only receives, on $1 queue pairs; its count in $E2E_TMP/R.log
rx_guest() {
	"$TESTPMD" --no-pci --no-huge --no-shconf -m 256 --file-prefix "${E2E_PREFIX}gR" -l 0-1 \
		--vdev "net_virtio_user0,path=$S/mv0.sock,mac=$MAC0,queues=$1" -- \
		--no-flush-rx --total-num-mbufs=8192 --rxq="$1" --txq="$1" --forward-mode=rxonly \
		--stats-period 1 >"$E2E_TMP/R.log" 2>&1 &
	gpid[R]=$!
}
rx_count() {
	grep -A1 'Forward statistics for port 0' "$E2E_TMP/R.log" | awk '/RX-packets/ { v = $2 } END { print v + 0 }'
}
pcap_in "$E2E_TMP/b.in" "$MAC0" "$MAC1" 2000 50
for q in 2 1; do
	o0=$(stat_get "l('mv0')['stats64']['rx']['packets']")
	m0=$(stat_get "l('mv0')['backend_stats']['enqueued_by_others']")
	rx_guest "$q"
	wait_carrier mv0 on || fail "mq: no guest on mv0"
	# the guest enables its second pair after the first is ready (new_device)
	for ((i = 0; i < 50; i++)); do
		[ "$(vif_get mv0 "bi['rxq_workers']")" = "$q" ] && break
		sleep 0.1
	done
	expect "mq: $q pair(s): rxq_workers" "$(vif_get mv0 "bi['rxq_workers']")" "$q"
	guest_start B "$S/mv1.sock" "$MAC1" "$E2E_TMP/b.in"
	wait_carrier mv1 on || fail "mq: no guest on mv1"
	sleep 1.5
	guest_stop B
	guest_stop R
	expect "mq: $q pair(s): mv0's guest got mv1's frames" "$(rx_count)" 50
	expect "mq: $q pair(s): mv0 delivered them" \
		"$(stat_get "l('mv0')['stats64']['rx']['packets'] - $o0")" 50
	# with 2 pairs worker 1 enqueues mv1's 50 on pair 1 itself; with 1 through worker 0
	by1=$(stat_get "l('mv0')['backend_stats']['enqueued_by_others'] - $m0")
	if { [ "$q" = 2 ] && [ "${by1:-0}" -eq 50 ]; } || { [ "$q" = 1 ] && [ "${by1:-1}" -eq 0 ]; }; then
		ok "mq: $q pair(s): enqueued by worker 1 on a pair of its own: $by1"
	else
		fail "mq: $q pair(s): enqueued by worker 1 on a pair of its own: $by1"
	fi
done
c link del mv0 >/dev/null
c link del mv1 >/dev/null
kill -TERM "$app_pid"
wait_exit 20 || fail "mq: the daemon did not stop"
[ -n "$rc" ] && e2e_check_exit mq "$log"

# ---- the program restarts (SIGKILL) while a client-mode vif's guest waits ----
start_daemon() { # TAG
	log="$E2E_TMP/log.$1"
	rm -f "$CTL"
	# shellcheck disable=SC2046
	"$app" $(e2e_eal "$1") --vdev="net_af_packet0,iface=$NIC" -- --ctl-socket "$CTL" \
		</dev/null >"$log" 2>&1 &
	app_pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -S "$CTL" ] && c link set p0 up >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
guest_start W "$S/wait.sock" "$MAC0" "$E2E_TMP/empty.pcap" ",server=1"
for ((i = 0; i < 50; i++)); do [ -S "$S/wait.sock" ] && break; sleep 0.1; done
for run in 1 2; do
	start_daemon "restart$run" || fail "restart: daemon $run did not start"
	c link add link p0 name mvw type macvlan mode bridge address "$MAC0" \
		backend vhost "$S/wait.sock" client >/dev/null || fail "restart: link add ($run)"
	c link set mvw up >/dev/null
	wait_carrier mvw on 30 && ok "restart: daemon $run reached the waiting guest" ||
		fail "restart: daemon $run did not reach the guest"
	wire_send "$MAC0" "$EXT_MAC" $((5300 + 100 * run)) 5
	sleep 1
	if [ "$run" = 1 ]; then
		kill -KILL "$app_pid"
		wait "$app_pid" 2>/dev/null
		app_pid=""
	fi
done
guest_stop W
expect "restart: the guest got the frames of both daemons" \
	"$(count_in W 5400 5405) $(count_in W 5500 5505)" "5 5"
c link del mvw >/dev/null
kill -TERM "$app_pid"
wait_exit 20 || fail "restart: the daemon did not stop"
[ -n "$rc" ] && e2e_check_exit restart "$log"
fi
e2e_summary "vhost $part"
