#!/usr/bin/env bash
# Crash and silent loss (issue 14), one part per run:
#   oversize   a wire frame of 70000 bytes (net_pcap port, snaplen 262144)
#              to a vif with a net_pcap backend: the program survives, the
#              frame is counted as rx-bad-length, the other frames arrive,
#              frames above the port's MTU are dropped too;
#   tapdown    the TAP of a vif is set down from its namespace under a
#              steady stream: what the vif counts as delivered equals what
#              the kernel received, the rest is a named drop;
#   tapgone    the TAP is deleted from its namespace under traffic: the vif
#              loses its carrier, frames to it are a named drop, other vifs
#              keep receiving, and `link set down` / `up` re-creates it;
#   cmdfile    a command file deletes and re-adds vifs with the same names
#              (40 vdev cycles, 5 TAP cycles): every command succeeds;
#   ctrld      a ^D byte in the shell's piped input, in the middle of one
#              read: the commands after it still run;
#   groups     300 link-layer groups joined in a TAP's namespace reach the
#              vif, and leave it again (the mirror has no 256 cap);
#   teardown   200 TAP vifs at exit: their TAPs are closed by parallel
#              threads (the kernel waits a grace period in each close), none
#              is left behind, the exit is clean;
#   netnsdel   `ip netns del` of the namespace holding a TAP vif: the vif is
#              deleted, as the kernel deletes a macvlan in a namespace that
#              goes away, and the namespace is really freed;
#   eal        EAL failures say their cause and fix: a second instance on a
#              prefix a live one holds, no hugepages (when none are reserved);
#   jumbo      a TAP vif and its port at mtu 9000: an 8000-byte frame from
#              the wire reaches the TAP, one the TAP sends reaches the wire
#              (chains of mbufs both ways), nothing vanishes;
#   kdrops     frames a TAP's stack sends while nobody reads (forwarding
#              stopped) overflow the tun queue: the kernel's drops show in
#              the vif's TX dropped and its backend counters;
#   spoof      spoofchk on a TAP vif: what its stack sends with another
#              source MAC is dropped (tx-spoofed), its own goes out; off,
#              both go (as kernel macvlan);
#   stuck      a worker stuck in a driver call (a net_pcap backend writing
#              into a fifo nobody reads): the shell still answers, a vif
#              deleted meanwhile is freed later, a vhost guest that leaves
#              meanwhile waits in rte_vhost's thread, not in the control
#              thread; SIGTERM ends the process.
# Every part that runs the program's shell ends with the accounting check
# (stats.sh: received = delivered + named drops, forwarding stopped; in
# netnsdel before the namespace goes, as a deleted vif's counters go too) and
# the exit checks (status, mempool full, no sanitizer report); stuck ends
# with SIGTERM on a worker stuck in a driver call (no clean exit to check).
# Usage: reliability.sh DPDK_MACVLAN PART
set -u
app=$1 part=$2
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pcap.sh"
source "$(dirname "$0")/stats.sh"

NS="mvrel$$"
app_pid=""
log=""

stop_all() {
	[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	app_pid=""
	exec 3>&- 2>/dev/null
	return 0
}
trap 'stop_all; e2e_cleanup' EXIT
trap '' PIPE # a program that died makes cmd fail, not the test

make_ns() {
	ip netns add "$NS" || return 1
	E2E_NETNS+=("$NS")
	ip -n "$NS" link set lo up
}

# Start the program (EAL tag $1, wire devargs $2, more app args after);
# commands go through fd 3, a fifo into -i.
start_app() {
	local tag=$1 wire=$2
	shift 2
	log="$E2E_TMP/log.$tag"
	mkfifo "$E2E_TMP/ctl.$tag"
	# shellcheck disable=SC2046
	"$app" $(e2e_eal "$tag") ${EAL_EXTRA:-} --vdev "$wire" -- -i "$@" \
		<"$E2E_TMP/ctl.$tag" >"$log" 2>&1 &
	app_pid=$!
	exec 3>"$E2E_TMP/ctl.$tag"
}

# Start the program on wire $2 with command file $3 (part $1) and wait until
# it runs; on failure say so and return 1.
start_ready() {
	local part=$1 wire=$2 setup=$3
	start_app "${part:0:1}" "$wire" --cmdline-file "$setup"
	wait_output 0 '^dpdk-macvlan: ' 60 && return 0
	fail "$part: no start: $(tail -n3 "$log")"
	stop_all
	return 1
}

# `quit`, then the exit status and the mempool line.
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

# Wait until `link stats` shows p0 received $1 frames and vif $2's RX holds
# still (up to 30 s).
wait_rx_settled() {
	local i prev="" cur
	for ((i = 0; i < 150; i++)); do
		stats || return 1
		cur="$(stat_of p0 RX) $(stat_of "$2" RX)"
		[ "$(stat_of p0 RX)" = "$1" ] && [ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.2
	done
	return 1
}

# ---- oversize: frames longer than the port accepts, from net_pcap ----
part_oversize() {
	local VB=02:00:00:00:00:0b EXT=02:00:00:00:0e:01
	local wire="$E2E_TMP/huge.pcap" empty="$E2E_TMP/empty.pcap" out="$E2E_TMP/vb.pcap"
	local lens=(100 70000 200 1518 1519 300 140000 400) i n_good=0 b_good=0 rx c k
	# snaplen 262144: net_pcap reads frames above 64 KiB into a short chain
	{
		pcap_header 262144
		for ((i = 0; i < ${#lens[@]}; i++)); do pcap_frame "$VB" "$EXT" "${lens[i]}" "$i"; done
	} >"$wire"
	pcap_header >"$empty"
	for i in "${lens[@]}"; do
		# port MTU 1500: 1500 + Ethernet header + one VLAN tag, as a kernel lower
		[ "$i" -le 1518 ] && n_good=$((n_good + 1)) b_good=$((b_good + i))
	done
	# set up before the first frame is read
	{
		echo "link add link p0 name vb type macvlan mode bridge address $VB backend vdev net_pcap1,rx_pcap=$empty,tx_pcap=$out"
		echo "link set vb up"
	} >"$E2E_TMP/o.setup"
	start_app o "net_pcap0,rx_pcap=$wire,tx_pcap=/dev/null" --cmdline-file "$E2E_TMP/o.setup"
	if ! wait_rx_settled "${#lens[@]}" vb; then
		fail "oversize: p0 did not receive the ${#lens[@]} frames (alive: $(alive && echo yes || echo no)): $(tail -n 5 "$log")"
		stop_all
		return
	fi
	alive && ok "oversize: alive after frames of 70000 and 140000 bytes" ||
		fail "oversize: the program died"
	[ "$(drop_of p0 rx-bad-length)" -eq 3 ] &&
		ok "oversize: p0 drops rx-bad-length 3 (70000, 140000 and 1519 bytes)" ||
		fail "oversize: p0 drops: $(tail -c +$((stats_off + 1)) "$log" | grep -m1 drops:)"
	rx=$(stat_of vb RX)
	[ "$rx" = "$n_good" ] && [ "$(stat_of vb RX bytes)" = "$b_good" ] &&
		ok "oversize: vb received the $n_good others ($b_good bytes, 1518 included)" ||
		fail "oversize: vb RX $rx packets $(stat_of vb RX bytes) bytes; expected $n_good / $b_good"
	check_accounting oversize
	quit_and_check oversize
	read -r c k < <(pcap_count "$out")
	[ "$c" = "$n_good" ] && [ "$k" = 1 ] && ok "oversize: vb's pcap holds the $n_good frames" ||
		fail "oversize: vb's pcap: $c records, complete=$k"
}

# "RX_PACKETS RX_DROPPED" of netdev $1 in the namespace, as the kernel counts.
kstat() {
	ip -n "$NS" -s -j link show "$1" 2>/dev/null |
		sed -nE 's/.*"rx":\{"bytes":[0-9]+,"packets":([0-9]+),"errors":[0-9]+,"dropped":([0-9]+).*/\1 \2/p'
}

# Wait until netdev $1 exists in the namespace (5 s).
wait_link() {
	local i
	for ((i = 0; i < 50; i++)); do
		ip -n "$NS" link show "$1" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# An endless stream from the wire: $1 frames cycling over the MACs after it.
stream_pcap() {
	local n=$1 i
	shift
	local macs=("$@")
	pcap_header
	for ((i = 0; i < n; i++)); do
		pcap_frame "${macs[i % ${#macs[@]}]}" 02:00:00:00:0e:01 100 "$i"
	done
}

# ---- tapdown: the TAP set down from its namespace under a steady stream ----
part_tapdown() {
	local VT=02:00:00:00:00:0c wire="$E2E_TMP/stream.pcap" k_rx k_drop rx rd down
	make_ns || { fail "cannot create netns $NS"; return; }
	stream_pcap 64 "$VT" >"$wire"
	echo "link add link p0 name vt type macvlan mode bridge address $VT backend tap ifname relt netns $NS" >"$E2E_TMP/d.setup"
	echo "link set vt up" >>"$E2E_TMP/d.setup"
	start_app d "net_pcap0,rx_pcap=$wire,infinite_rx=1,tx_pcap=/dev/null" \
		--cmdline-file "$E2E_TMP/d.setup"
	if ! wait_link relt; then
		fail "tapdown: no TAP relt in $NS: $(tail -n 5 "$log")"
		stop_all
		return
	fi
	sleep 1
	ip -n "$NS" link set relt down
	sleep 2.5 # the once-per-second poll mirrors it meanwhile
	cmd "stop"
	sleep 0.5
	stats || { fail "tapdown: no answer to link stats"; stop_all; return; }
	read -r k_rx k_drop < <(kstat relt)
	rx=$(stat_of vt RX) rd=$(stat_of vt RX dropped) down=$(drop_of p0 backend-down)
	echo "tapdown: vif delivered $rx, dropped $rd (backend-down $down); kernel rx $k_rx, rx_dropped $k_drop"
	[ "$rx" -gt 0 ] && [ "$rx" = "$k_rx" ] &&
		ok "tapdown: the vif's delivered frames ($rx) are what the kernel received" ||
		fail "tapdown: the vif counts $rx delivered, the kernel received $k_rx"
	[ "$down" -gt 0 ] && [ "$rd" = "$down" ] &&
		ok "tapdown: the frames refused while down are dropped as backend-down ($down)" ||
		fail "tapdown: vif RX dropped $rd, p0 backend-down $down"
	tail -c +$((stats_off + 1)) "$log" | grep -Eq '^    backend tap: .*tx_down [1-9]' &&
		ok "tapdown: link stats shows the TAP's counters (tx_down)" ||
		fail "tapdown: no backend line: $(tail -c +$((stats_off + 1)) "$log" | grep -A4 '^vt:')"
	check_accounting tapdown
	quit_and_check tapdown
}

# `link show $1` into $show (waits for its backend line).
show_link() {
	local off
	off=$(stat -c %s "$log")
	cmd "link show $1"
	wait_output "$off" '^    backend ' 10 || return 1
	show=$(tail -c +$((off + 1)) "$log")
}

# ---- tapgone: the TAP deleted from its namespace under traffic ----
part_tapgone() {
	local VT=02:00:00:00:00:0c VN=02:00:00:00:00:0d wire="$E2E_TMP/stream.pcap"
	local i t0 g1 g2 n0 n1 n2 e1 e2 k_rx k_drop rate0 rate1
	make_ns || { fail "cannot create netns $NS"; return; }
	stream_pcap 64 "$VT" "$VN" >"$wire"
	{
		echo "link add link p0 name vt type macvlan mode bridge address $VT backend tap ifname relt netns $NS"
		echo "link add link p0 name vn type macvlan mode bridge address $VN backend null"
		echo "link set vt up"
		echo "link set vn up"
	} >"$E2E_TMP/g.setup"
	start_app g "net_pcap0,rx_pcap=$wire,infinite_rx=1,tx_pcap=/dev/null" \
		--cmdline-file "$E2E_TMP/g.setup"
	if ! wait_link relt; then
		fail "tapgone: no TAP relt in $NS: $(tail -n 5 "$log")"
		stop_all
		return
	fi
	sleep 1
	stats && n0=$(stat_of vn RX)
	sleep 1
	stats && n1=$(stat_of vn RX)
	rate0=$((n1 - n0))
	ip -n "$NS" link del relt
	t0=$(date +%s%N)
	for ((i = 0; i < 30; i++)); do
		show_link vt && grep -q 'NO-CARRIER> mtu [0-9]* state LOWERLAYERDOWN' <<<"$show" && break
		sleep 0.1
	done
	if grep -q 'NO-CARRIER' <<<"$show"; then
		ok "tapgone: vt shows NO-CARRIER / LOWERLAYERDOWN $((($(date +%s%N) - t0) / 1000000)) ms after the delete"
	else
		fail "tapgone: vt still has carrier 3 s after the delete: $show"
	fi
	grep -q '^    backend tap ifname relt netns .* (netdev gone)$' <<<"$show" &&
		ok "tapgone: link show says the netdev is gone" ||
		fail "tapgone: backend line: $(grep backend <<<"$show")"
	grep -q 'vt: carrier off, backend tap .*(netdev gone)' "$log" && ok "tapgone: reported on stderr" ||
		fail "tapgone: nothing reported"
	stats && g1=$(drop_of p0 backend-gone) n1=$(stat_of vn RX) e1=$(be_stat vt rx_errors)
	sleep 1
	stats && g2=$(drop_of p0 backend-gone) n2=$(stat_of vn RX) e2=$(be_stat vt rx_errors)
	rate1=$((n2 - n1))
	echo "tapgone: vn received $rate0 frames/s before, $rate1 with vt gone; backend-gone $g1 -> $g2; tap rx_errors $e1 -> $e2"
	[ "$g2" -gt "$g1" ] && ok "tapgone: frames to vt are dropped as backend-gone ($g1 -> $g2)" ||
		fail "tapgone: backend-gone $g1 -> $g2"
	[ "$n2" -gt "$n1" ] && ok "tapgone: vn keeps receiving ($rate1 frames/s)" ||
		fail "tapgone: vn RX $n1 -> $n2"
	[ -n "$e1" ] && [ "$e1" = "$e2" ] && ok "tapgone: the dead TAP is not polled (rx_errors stays $e1)" ||
		fail "tapgone: the dead TAP's rx_errors $e1 -> $e2"
	# recovery: down, then up, creates the TAP again
	cmd "link set vt down"
	cmd "link set vt up"
	if wait_link relt; then
		ok "tapgone: link set down/up creates relt again in $NS"
	else
		fail "tapgone: no relt after link set down/up: $(tail -n 3 "$log")"
	fi
	sleep 1
	read -r k_rx k_drop < <(kstat relt)
	[ "${k_rx:-0}" -gt 0 ] && ok "tapgone: the new relt receives frames ($k_rx)" ||
		fail "tapgone: the new relt received ${k_rx:-nothing}"
	show_link vt && grep -q 'UP,LOWER_UP> mtu [0-9]* state UP' <<<"$show" &&
		! grep -q 'netdev gone' <<<"$show" && ok "tapgone: vt is UP,LOWER_UP again" ||
		fail "tapgone: $show"
	check_accounting tapgone
	quit_and_check tapgone
}

# ---- cmdfile: delete and re-add under the same names in one command file ----
part_cmdfile() {
	local f="$E2E_TMP/churn.setup" empty="$E2E_TMP/empty.pcap" i
	make_ns || { fail "cannot create netns $NS"; return; }
	pcap_header >"$empty"
	{
		for ((i = 1; i <= 40; i++)); do
			echo "link add link p0 name vd type macvlan mode bridge backend vdev net_null$i"
			echo "link set vd up"
			echo "link del vd"
		done
		echo "link add link p0 name vd type macvlan mode bridge backend vdev net_null99"
		for ((i = 1; i <= 5; i++)); do
			echo "link add link p0 name vt type macvlan mode bridge backend tap ifname relt netns $NS"
			echo "link set vt up"
			echo "link del vt"
		done
		echo "link add link p0 name vt type macvlan mode bridge backend tap ifname relt netns $NS"
		echo "link set vt up"
	} >"$f"
	start_app c "net_pcap0,rx_pcap=$empty,tx_pcap=/dev/null" --cmdline-file "$f"
	if wait_output 0 '^dpdk-macvlan: ' 60; then
		ok "cmdfile: 45 delete/re-add cycles in one command file succeed"
	else
		fail "cmdfile: the command file failed: $(grep -m3 -E 'Error|setup' "$log")"
		stop_all
		return
	fi
	grep -q '^dpdk-macvlan: 1 port(s), 2 vif(s)' "$log" && ok "cmdfile: 2 vifs at the end" ||
		fail "cmdfile: $(grep '^dpdk-macvlan: ' "$log")"
	local off
	off=$(stat -c %s "$log")
	cmd "link show"
	wait_output "$off" 'backend tap ifname relt' 10 &&
		tail -c +$((off + 1)) "$log" | grep -q 'backend vdev net_null99 ' &&
		ok "cmdfile: link show lists vd (net_null99) and vt (tap relt)" ||
		fail "cmdfile: link show: $(tail -c +$((off + 1)) "$log")"
	ip -n "$NS" link show relt >/dev/null 2>&1 && ok "cmdfile: the TAP relt exists in $NS" ||
		fail "cmdfile: no TAP relt in $NS"
	check_accounting cmdfile
	quit_and_check cmdfile
	ip -n "$NS" link show relt >/dev/null 2>&1 && fail "cmdfile: relt left behind after exit"
}

part_ctrld() {
	local empty="$E2E_TMP/empty.pcap" out="$E2E_TMP/ctrld.out" rc
	pcap_header >"$empty"
	# one write: the shell reads it whole (fewer than 256 bytes)
	printf 'link add link p0 name va type macvlan backend null\n\004link add link p0 name vb type macvlan backend null\nlink show vb\nquit\n' |
		timeout 60 "$app" $(e2e_eal d) --vdev "net_pcap0,rx_pcap=$empty,tx_pcap=/dev/null" \
			-- -i >"$out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && ok "ctrld: the program ends with status 0" ||
		fail "ctrld: status $rc: $(tail -n3 "$out")"
	grep -q '^vb@p0: ' "$out" && ok "ctrld: the commands after the ^D ran (vb shown)" ||
		fail "ctrld: vb was not created after the ^D: $(tail -n5 "$out")"
	grep -qE '^Error|macvlan> Error' "$out" && fail "ctrld: $(grep -m1 Error "$out")"
	grep -Eq 'mempool [a-z_]+: ([0-9]+)/\1 mbufs free' "$out" && ok "ctrld: mempool full after exit" ||
		fail "ctrld: mempool not full: $(grep mempool "$out" | tail -n1)"
}

# Count the vif's groups 01:00:5e:00:*:* in `maddr show dev $1`.
vif_groups() {
	local off
	off=$(stat -c %s "$log")
	cmd "maddr show dev $1"
	cmd "link show $1" # its answer ends the maddr list
	wait_output "$off" "^$1: " 10 >/dev/null
	tail -c +$((off + 1)) "$log" | grep -c 'link  01:00:5e:00:'
}

# Join (add) or leave (del) groups 01:00:5e:00:00:01 .. $2 on relg in $NS.
ns_groups() {
	ip netns exec "$NS" sh -c 'for i in $(seq 1 '"$2"'); do
		ip maddr '"$1"' $(printf "01:00:5e:00:%02x:%02x" $((i / 256)) $((i % 256))) dev relg || exit 1
	done'
}

part_groups() {
	local empty="$E2E_TMP/empty.pcap" n
	make_ns || { fail "cannot create netns $NS"; return; }
	pcap_header >"$empty"
	{
		echo "link add link p0 name vg type macvlan mode bridge backend tap ifname relg netns $NS"
		echo "link set vg up"
	} >"$E2E_TMP/g.setup"
	start_ready groups "net_pcap0,rx_pcap=$empty,tx_pcap=/dev/null" "$E2E_TMP/g.setup" || return
	ns_groups add 300 || fail "groups: ip maddr add failed"
	sleep 2.5 # the once-per-second poll mirrors them
	n=$(vif_groups vg)
	[ "$n" -eq 300 ] && ok "groups: the 300 groups the namespace joined reach vg" ||
		fail "groups: vg has $n of the 300 groups"
	ns_groups del 280 || fail "groups: ip maddr del failed"
	sleep 2.5
	# 20 are left, and 01:00:5e:00:00:01, which the IPv4 stack holds itself
	n=$(vif_groups vg)
	[ "$n" -eq 21 ] && ok "groups: the 279 groups it left leave vg (21 remain)" ||
		fail "groups: vg has $n groups after the namespace left 280 (expected 21)"
	check_accounting groups
	quit_and_check groups
}

part_teardown() {
	local empty="$E2E_TMP/empty.pcap" i t0 left
	make_ns || { fail "cannot create netns $NS"; return; }
	pcap_header >"$empty"
	for ((i = 0; i < 200; i++)); do
		echo "link add link p0 name t$i type macvlan mode bridge backend tap netns $NS"
	done >"$E2E_TMP/t.setup"
	EAL_EXTRA=--log-level=macvlan.backend:debug \
		start_ready teardown "net_pcap0,rx_pcap=$empty,tx_pcap=/dev/null" "$E2E_TMP/t.setup" || return
	[ "$(ip -n "$NS" -o link show | grep -c ': t[0-9]*:')" -eq 200 ] &&
		ok "teardown: 200 TAPs in $NS" || fail "teardown: not 200 TAPs in $NS"
	check_accounting teardown
	t0=$(date +%s.%N)
	quit_and_check teardown
	echo "teardown: exit took $(echo "$(date +%s.%N) - $t0" | bc) s (not asserted)"
	grep -qE '^macvlan.backend: 200 backend fds closed by [0-9]+ threads' "$log" &&
		ok "teardown: $(grep -oE '200 backend fds closed by [0-9]+ threads' "$log")" ||
		fail "teardown: the TAPs were not closed as one batch: $(grep -m1 'fds closed' "$log")"
	left=$(ip -n "$NS" -o link show | grep -c ': t[0-9]*:')
	[ "$left" -eq 0 ] && ok "teardown: no TAP left in $NS" || fail "teardown: $left TAPs left"
}

part_netnsdel() {
	local empty="$E2E_TMP/empty.pcap" ino off
	make_ns || { fail "cannot create netns $NS"; return; }
	pcap_header >"$empty"
	{
		echo "link add link p0 name vx type macvlan mode bridge backend tap ifname relx netns $NS"
		echo "link add link p0 name vy type macvlan mode bridge backend null"
		echo "link set vx up"
	} >"$E2E_TMP/n.setup"
	start_ready netnsdel "net_pcap0,rx_pcap=$empty,tx_pcap=/dev/null" "$E2E_TMP/n.setup" || return
	# before the delete: a deleted vif's counters leave with it
	check_accounting netnsdel
	ino=$(stat -L -c %i "/var/run/netns/$NS")
	ip netns del "$NS"
	sleep 2.5 # the once-per-second poll sees it
	off=$(stat -c %s "$log")
	cmd "events show 5"
	cmd "link show"
	wait_output "$off" '^vy@p0: ' 10
	tail -c +$((off + 1)) "$log" | grep -q '^vx@' && fail "netnsdel: vx is still there" ||
		ok "netnsdel: vx is deleted when its netns is"
	tail -c +$((off + 1)) "$log" | grep -q "vif vx deleted (backend: its netns $NS was deleted)" &&
		ok "netnsdel: the event stream says so" ||
		fail "netnsdel: no event: $(tail -c +$((off + 1)) "$log" | head -n8)"
	sleep 1
	lsns -t net -n -o NS | grep -qx "$ino" && fail "netnsdel: the namespace ($ino) is still alive" ||
		ok "netnsdel: the namespace is freed"
	quit_and_check netnsdel
}

part_eal() {
	local pfx="${E2E_PREFIX}eal" out="$E2E_TMP/eal.out" pid
	# shellcheck disable=SC2046
	"$app" --no-huge -m 256 --no-pci --file-prefix "$pfx" --log-level='*:warning' \
		--vdev net_null0 -- -i --ctl-socket none <"$E2E_TMP/eal.fifo" >"$E2E_TMP/eal1.out" 2>&1 &
	pid=$!
	exec 4>"$E2E_TMP/eal.fifo"
	for _ in $(seq 50); do grep -q '^dpdk-macvlan: ' "$E2E_TMP/eal1.out" && break; sleep 0.1; done
	"$app" --no-huge -m 256 --no-pci --file-prefix "$pfx" --vdev net_null0 -- --ctl-socket none \
		>"$out" 2>&1 </dev/null
	grep -q "^Error: cannot initialise EAL: another DPDK process (pid $pid) runs with --file-prefix $pfx" "$out" &&
		ok "eal: $(grep -m1 '^Error' "$out" | cut -c1-110)..." ||
		fail "eal: second instance: $(grep -m1 Error "$out")"
	echo quit >&4
	exec 4>&-
	wait "$pid"
	grep -Eq 'mempool [a-z_]+: ([0-9]+)/\1 mbufs free' "$E2E_TMP/eal1.out" &&
		ok "eal: the first instance exits with its mempool full" ||
		fail "eal: first instance: $(grep mempool "$E2E_TMP/eal1.out" | tail -n1)"
	rm -rf "/var/run/dpdk/$pfx"
	if [ "$(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo)" = 0 ]; then
		"$app" --no-pci --file-prefix "$pfx" --vdev net_null0 -- --ctl-socket none >"$out" 2>&1 </dev/null
		grep -q '^Error: cannot initialise EAL: no usable hugepages (.*0 reserved.*--no-huge -m 1024$' "$out" &&
			ok "eal: no hugepages: the fix is named" ||
			fail "eal: no hugepages: $(grep -m1 Error "$out")"
		rm -rf "/var/run/dpdk/$pfx"
	else
		skip "eal: hugepages are reserved here: no test of their absence"
	fi
}

# The lengths of the records of pcap file $1, one per line.
pcap_lengths() {
	python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
o = 24
while o + 16 <= len(d):
    n = struct.unpack_from("<I", d, o + 8)[0]
    print(n)
    o += 16 + n' "$1"
}

part_jumbo() {
	local VJ=02:00:00:00:00:9a EXT=02:00:00:00:0e:01 wire="$E2E_TMP/jumbo.pcap"
	local out="$E2E_TMP/jumbo-out.pcap" rxb
	make_ns || { fail "cannot create netns $NS"; return; }
	{
		pcap_header 65535
		pcap_frame "$VJ" "$EXT" 8000 1
		pcap_frame "$VJ" "$EXT" 1000 2
	} >"$wire"
	{
		echo "link set p0 mtu 9000"
		echo "link add link p0 name vj type macvlan mode bridge address $VJ mtu 9000 backend tap ifname relj netns $NS"
		echo "link set vj up"
	} >"$E2E_TMP/j.setup"
	start_ready jumbo "net_pcap0,rx_pcap=$wire,tx_pcap=$out" "$E2E_TMP/j.setup" || return
	sleep 1.5
	rxb=$(ip -n "$NS" -s -j link show relj | jq '.[0].stats64.rx.bytes')
	[ "${rxb:-0}" -ge 9000 ] && ok "jumbo: the TAP received the 8000- and 1000-byte frames ($rxb bytes)" ||
		fail "jumbo: the TAP received $rxb bytes (expected at least 9000)"
	# an 8000-byte frame from the TAP's side, as its stack would send it
	ip netns exec "$NS" python3 -c '
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("relj", 0))
s.send(bytes.fromhex("02000000 0e01".replace(" ", "")) + bytes.fromhex("'"${VJ//:/}"'") + b"\x88\xb5" + bytes(7986))' ||
		fail "jumbo: cannot send from the TAP's side"
	sleep 1
	stats
	[ "$(stat_of vj TX)" -ge 1 ] && ok "jumbo: vj sent $(stat_of vj TX) frame(s) ($(stat_of vj TX bytes) bytes)" ||
		fail "jumbo: vj sent nothing"
	check_accounting jumbo
	quit_and_check jumbo
	pcap_lengths "$out" | grep -qx 8000 && ok "jumbo: the 8000-byte frame reached the wire" ||
		fail "jumbo: the wire got frames of $(pcap_lengths "$out" | tr '\n' ' ')bytes"
}

# Send $4 frames (default 1) from source MAC $1 with payload byte $2 on netdev $3 in $NS.
ns_send() {
	ip netns exec "$NS" python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[3], 0))
f = bytes.fromhex("020000000e01") + bytes.fromhex(sys.argv[1].replace(":", "")) + b"\x88\xb5" + bytes([int(sys.argv[2])]) * 46
for _ in range(int(sys.argv[4])):
    s.send(f)' "$1" "$2" "$3" "${4:-1}"
}

part_kdrops() {
	local VK=02:00:00:00:00:7b empty="$E2E_TMP/empty.pcap" kd pd td
	make_ns || { fail "cannot create netns $NS"; return; }
	pcap_header >"$empty"
	{
		echo "link add link p0 name vk type macvlan mode bridge address $VK backend tap ifname relk netns $NS"
		echo "link set vk up"
		echo "stop"
	} >"$E2E_TMP/k.setup"
	start_ready kdrops "net_pcap0,rx_pcap=$empty,tx_pcap=/dev/null" "$E2E_TMP/k.setup" || return
	# 3000 frames into a tun queue of 500 that nobody reads
	ns_send "$VK" 0 relk 3000 || fail "kdrops: cannot send from the TAP's side"
	kd=$(ip -n "$NS" -s -j link show relk | jq '.[0].stats64.tx.dropped')
	stats
	pd=$(tail -c +$((stats_off + 1)) "$log" | grep -A3 '^vk' | grep -oE 'peer_tx_dropped [0-9]+' | cut -d' ' -f2)
	td=$(tail -c +$((stats_off + 1)) "$log" | grep -A3 '^vk' | sed -nE 's/.*TX: .*dropped ([0-9]+).*/\1/p' | head -n1)
	[ "${kd:-0}" -ge 1000 ] && ok "kdrops: the kernel dropped $kd of 3000 frames at the tun queue" ||
		fail "kdrops: the kernel dropped ${kd:-?} (expected at least 1000)"
	[ "${pd:-x}" = "$kd" ] && ok "kdrops: vk's backend counts peer_tx_dropped $pd" ||
		fail "kdrops: peer_tx_dropped ${pd:-none}, the kernel $kd: $(tail -c +$((stats_off + 1)) "$log" | grep -A3 '^vk')"
	[ "${td:-0}" -ge "${kd:-1}" ] && ok "kdrops: vk's TX dropped $td includes them" ||
		fail "kdrops: vk's TX dropped ${td:-none}: $(tail -c +$((stats_off + 1)) "$log" | grep -A3 '^vk')"
	cmd "start"
	check_accounting kdrops
	quit_and_check kdrops
}

part_spoof() {
	local VS=02:00:00:00:00:5b OTHER=02:00:00:00:00:66 empty="$E2E_TMP/empty.pcap"
	local out="$E2E_TMP/spoof-out.pcap" n
	make_ns || { fail "cannot create netns $NS"; return; }
	pcap_header >"$empty"
	{
		echo "link add link p0 name vs type macvlan mode bridge address $VS backend tap ifname rels netns $NS"
		echo "link set vs up spoofchk on"
	} >"$E2E_TMP/p.setup"
	start_ready spoof "net_pcap0,rx_pcap=$empty,tx_pcap=$out" "$E2E_TMP/p.setup" || return
	ns_send "$OTHER" 1 rels && ns_send "$VS" 2 rels || fail "spoof: cannot send"
	sleep 1
	stats
	[ "$(drop_of p0 tx-spoofed)" -eq 1 ] && ok "spoof: the frame with another source is dropped (tx-spoofed 1)" ||
		fail "spoof: tx-spoofed $(drop_of p0 tx-spoofed)"
	cmd "link set vs spoofchk off"
	ns_send "$OTHER" 3 rels || fail "spoof: cannot send"
	sleep 1
	stats
	[ "$(drop_of p0 tx-spoofed)" -eq 1 ] && ok "spoof: off, another source goes out" ||
		fail "spoof: off: tx-spoofed $(drop_of p0 tx-spoofed)"
	check_accounting spoof
	quit_and_check spoof
	# frames 0x88b5 on the wire: the own-source one and the one sent with spoofchk off
	n=$(tshark -r "$out" -Y 'eth.type == 0x88b5' 2>/dev/null | wc -l)
	[ "$n" -eq 2 ] && ok "spoof: the wire got the 2 frames that should go" ||
		fail "spoof: the wire got $n test frames (expected 2)"
}

part_stuck() {
	local VS=02:00:00:00:00:5a EXT=02:00:00:00:0e:01 i off t0
	local wire="$E2E_TMP/stuck.pcap" empty="$E2E_TMP/empty.pcap" fifo="$E2E_TMP/stuck.fifo"
	# 3000 frames of 200 bytes: far more than a pipe holds
	{
		pcap_header
		for ((i = 0; i < 3000; i++)); do pcap_frame "$VS" "$EXT" 200 "$i"; done
	} >"$wire"
	pcap_header >"$empty"
	mkfifo "$fifo"
	exec 7<>"$fifo" # a reader that never reads: the writer blocks once the pipe is full
	{
		echo "link add link p0 name vn type macvlan mode bridge backend null"
		echo "link add link p0 name vs type macvlan mode bridge address $VS backend vdev net_pcap1,rx_pcap=$empty,tx_pcap=$fifo"
		echo "link set vs up"
		echo "link add link p0 name vh type macvlan mode bridge backend vhost $E2E_TMP/vh.sock"
	} >"$E2E_TMP/s.setup"
	EAL_EXTRA=--log-level=macvlan.backend:info \
		start_ready stuck "net_pcap0,rx_pcap=$wire,tx_pcap=/dev/null" "$E2E_TMP/s.setup" || {
		exec 7>&-
		return
	}
	sleep 2 # the worker is inside the pcap write by now
	off=$(stat -c %s "$log")
	t0=$(date +%s)
	cmd "link del vn"
	cmd "link show vs"
	if wait_output "$off" '^vs@p0: ' 10; then
		ok "stuck: the shell answers with the worker stuck ($(($(date +%s) - t0)) s)"
	else
		fail "stuck: no answer within 10 s: $(tail -c +$((off + 1)) "$log" | tail -n3)"
	fi
	grep -q 'has not reported for 1000 ms' "$log" &&
		ok "stuck: the stuck worker is named in the log" ||
		fail "stuck: no warning about the stuck worker"
	# a vhost guest attaches and leaves while the worker is stuck: rte_vhost's
	# thread waits for the worker, the control thread does not
	dpdk-testpmd --no-pci --no-huge --no-shconf -m 256 --file-prefix "${E2E_PREFIX}gs" -l 0-1 \
		--vdev "net_virtio_user0,path=$E2E_TMP/vh.sock" -- --forward-mode=rxonly \
		--total-num-mbufs=2048 --stats-period 1 >"$E2E_TMP/gs.log" 2>&1 &
	local gs=$!
	wait_output "$off" 'vh: vhost guest ready' 30 || fail "stuck: the vhost guest did not attach"
	kill -KILL "$gs"
	wait "$gs" 2>/dev/null
	wait_output "$off" 'vh: the guest left; a worker has not reported' 10 &&
		ok "stuck: the guest left, rte_vhost's wait for the worker is logged" ||
		fail "stuck: no warning for the vhost guest's wait"
	off=$(stat -c %s "$log")
	cmd "link show -d vh"
	wait_output "$off" 'vhost socket .* connected (yes|no)' 10 &&
		ok "stuck: link show -d of the vhost vif answers while rte_vhost waits" ||
		fail "stuck: no answer for the vhost vif: $(tail -c +$((off + 1)) "$log" | tail -n3)"
	t0=$(date +%s)
	kill -TERM "$app_pid"
	if wait_exit 15; then
		ok "stuck: SIGTERM ends the process ($(($(date +%s) - t0)) s)"
		grep -q 'a worker is stuck; exiting' "$log" && ok "stuck: it says why it skips cleanup" ||
			fail "stuck: $(tail -n2 "$log")"
	else
		fail "stuck: still running 15 s after SIGTERM"
	fi
	stop_all
	exec 7>&-
}

case "$part" in
cmdfile) part_cmdfile ;;
stuck) part_stuck ;;
groups) part_groups ;;
teardown) part_teardown ;;
netnsdel) part_netnsdel ;;
jumbo) part_jumbo ;;
kdrops) part_kdrops ;;
spoof) part_spoof ;;
eal)
	mkfifo "$E2E_TMP/eal.fifo"
	part_eal
	;;
ctrld) part_ctrld ;;
oversize) part_oversize ;;
tapdown) part_tapdown ;;
tapgone) part_tapgone ;;
*)
	echo "unknown part $part"
	exit 2
	;;
esac
e2e_summary "reliability $part"
