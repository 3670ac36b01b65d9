#!/usr/bin/env bash
# A broadcast storm against --flood-share. The physical port is net_pcap
# replaying a gen_pcap capture forever (infinite_rx): 64-byte frames, every
# second one broadcast, the others unicast cycling over the MACs of 64 vepa
# vifs with null backends. The program runs twice, with --flood-share 10 and
# 100, the shell on a fifo; the command file ends with `stop`, so the
# mempool is read before the first frame, then forwarding runs ~3 s, stops,
# and `link stats` is read. B broadcast frames received by the port (half its
# rx, exactly: the capture alternates unicast/broadcast and has an even
# length), F floods (each vif's multicast), Q frames left in the broadcast
# queue at stop (mbufs in use at stop minus mbufs in use before the first
# frame: with null sinks and no wire tx, only the queue holds mbufs then).
# Checks:
#   - the capture alternates unicast to v0..v63 in turn and broadcast;
#   - share 10: bc-queue-full > 0 (the storm overflowed the queue);
#   - share 10: broadcasts were still flooded (F > 0) and every flood
#     reached all 64 vifs (every vif's multicast is F, the sum is 64 x F);
#   - both: unicast was not starved: every vif got exactly the unicast frames
#     the port received for it, and their sum is the port's rx - B;
#   - both: F + bc-queue-full + Q == B, with 0 <= Q <= bcqueuelen used (every
#     broadcast frame was flooded, dropped as bc-queue-full, or still waits);
#   - share 100: bc-queue-full == 0 (and no other drop than the lower's);
#   - both: forwarding restarted, then `quit` (share 10) or SIGINT (share
#     100) while the queue fills: exit 0, `mempool mv_mbufs: A/A mbufs free`,
#     no error, sanitizer or panic output;
#   - --flood-share 0, 101 and x are refused: exit status non-zero, a message
#     naming flood-share, and nothing set up (no banner, no line of the
#     command file answered).
# Usage: storm.sh DPDK_MACVLAN GEN_PCAP   (env: STORM_SECONDS)
set -u
app=$1
gen=$2
source "$(dirname "$0")/lib.sh"
trap '' PIPE # a dead program must fail the checks, not kill the script

STORM_SECONDS=${STORM_SECONDS:-3}
N_VIFS=64
N_FRAMES=1024 # a multiple of 2 x N_VIFS: every replay starts at v0
pcap="$E2E_TMP/wire.pcap"
cmds="$E2E_TMP/cmds"
app_pid=""

trap '[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null; exec 3>&- 2>/dev/null; e2e_cleanup' EXIT

# ---- the capture and the vifs ----
"$gen" -o "$pcap" -s 64 -n "$N_VIFS" -c "$N_FRAMES" -b 50 2>"$E2E_TMP/gen.err" ||
	{ fail "gen_pcap: $(cat "$E2E_TMP/gen.err")"; e2e_summary storm; exit 1; }
mapfile -t VMAC < <("$gen" --print-macs -n "$N_VIFS")
# frame i (1-based) is broadcast when i is even, else unicast to v((i-1)/2 % 64)
bad=$(tcpdump -r "$pcap" -nn -e 2>/dev/null | awk -v n="$N_VIFS" -v macs="${VMAC[*]}" '
	BEGIN { split(macs, m, " ") }
	{
		i = NR
		dst = $4; sub(/,$/, "", dst)
		want = (i % 2 == 0) ? "ff:ff:ff:ff:ff:ff" : m[int((i - 1) / 2) % n + 1]
		if (dst != want || $0 !~ /length 60:/) { print "frame " i ": " $0; exit }
	}
	END { if (NR != '"$N_FRAMES"') print NR " frames" }')
[ ${#VMAC[@]} -eq "$N_VIFS" ] && [ -z "$bad" ] &&
	ok "capture: $N_FRAMES frames of 60 bytes, unicast to v0..v$((N_VIFS - 1)) in turn and broadcast alternate" ||
	fail "capture not as expected (${#VMAC[@]} MACs): $bad"
for ((k = 0; k < N_VIFS; k++)); do
	echo "link add link p0 name v$k type macvlan mode vepa address ${VMAC[k]} backend null"
	echo "link set v$k up"
done >"$cmds"
echo "stop" >>"$cmds"

# Command $1 to the shell; its answer (up to a line matching $2) into $ans.
ask() {
	local off
	off=$(stat -c %s "$log")
	ans=""
	echo "$1" >&3 2>/dev/null || return 1
	wait_output "$off" "$2" 30 || return 1
	ans=$(tail -c +$((off + 1)) "$log")
}

# wait_exit (lib.sh), killing the program when it does not exit in time.
wait_exit_or_kill() {
	wait_exit "$1" && return 0
	kill -KILL "$app_pid" 2>/dev/null
	wait "$app_pid" 2>/dev/null
	app_pid=""
	return 1
}

# `link stats` answer on stdin -> "name packets multicast" per port/vif,
# "drop reason count" per drop of the port, "free A B" for the mempool.
parse_stats() {
	awk '
		/^[A-Za-z0-9_.-]+:[ \r]*$/ { name = $1; sub(/:.*/, "", name); next }
		name != "" && $1 == "RX:" && $2 == "packets" {
			mc = 0
			for (i = 3; i < NF; i++) if ($i == "multicast") mc = $(i + 1)
			print "rx", name, $3, mc
		}
		name != "" && $1 == "drops:" { for (i = 2; i < NF; i += 2) print "drop", $i, $(i + 1) }
		/^mempool / { split($3, a, "/"); print "free", a[1], a[2] }'
}

# One storm: storm_run SHARE HOW (quit | INT).
storm_run() {
	local share=$1 how=$2 tag="share $1" dir="$E2E_TMP/s$1"
	local kind a b c free0 free1 size qlen port_rx bc uc full flood q v bad
	local -A RX=() MC=() DROP=()
	mkdir -p "$dir"
	log="$dir/log"
	mkfifo "$dir/ctl"
	# shellcheck disable=SC2046
	"$app" $(e2e_eal "s$share") --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" -- \
		-i --cmdline-file "$cmds" --flood-share "$share" <"$dir/ctl" >"$log" 2>&1 &
	app_pid=$!
	exec 3>"$dir/ctl"
	if ! wait_output 0 '^dpdk-macvlan: 1 port\(s\), 64 vif\(s\), 1 worker\(s\), forwarding off' 60; then
		fail "$tag: the program did not come up with 64 vifs, forwarding off: $(tail -n 5 "$log")"
		wait_exit_or_kill 1
		exec 3>&-
		return
	fi
	ask "link show p0" 'bcqueuelen used [0-9]+' &&
		[[ "$ans" =~ bcqueuelen\ used\ ([0-9]+) ]] && qlen=${BASH_REMATCH[1]} || qlen=""
	# the mempool before the first frame (net_pcap holds the replay's mbufs)
	ask "link stats" '^mempool ' && read -r _ free0 size < <(parse_stats <<<"$ans" | grep '^free')
	ask "start" '^forwarding started'
	sleep "$STORM_SECONDS"
	ask "stop" '^forwarding stopped'
	if ! ask "link stats" '^mempool ' || [ -z "${free0:-}" ] || [ -z "$qlen" ]; then
		fail "$tag: no answer to link show/link stats: $(tail -n 5 "$log")"
		wait_exit_or_kill 1
		exec 3>&-
		return
	fi
	while read -r kind a b c; do
		case $kind in
		rx) RX[$a]=$b MC[$a]=$c ;;
		drop) DROP[$a]=$b ;;
		free) free1=$a ;;
		esac
	done < <(parse_stats <<<"$ans")
	port_rx=${RX[p0]:-0}
	bc=$((port_rx / 2)) uc=$((port_rx - port_rx / 2))
	full=${DROP[bc-queue-full]:-0}
	q=$((free0 - free1))
	flood=${MC[v0]:-0}
	echo "     $tag: port rx $port_rx (broadcast $bc, unicast $uc), floods $flood," \
		"bc-queue-full $full, queued at stop $q (bcqueuelen used $qlen)," \
		"drops:$(for v in "${!DROP[@]}"; do printf ' %s %s' "$v" "${DROP[$v]}"; done)," \
		"mempool $free0 -> $free1 of $size free"
	if [ "$port_rx" -le 0 ] || [ $((${#RX[@]} - 1)) -ne "$N_VIFS" ]; then
		fail "$tag: port rx $port_rx, link stats lists $((${#RX[@]} - 1)) vifs"
	fi

	# every flood reached every vif
	local sum_mc=0 sum_uc=0 bad_mc="" bad_uc="" want
	for ((k = 0; k < N_VIFS; k++)); do
		v=v$k
		sum_mc=$((sum_mc + ${MC[$v]:-0}))
		sum_uc=$((sum_uc + ${RX[$v]:-0} - ${MC[$v]:-0}))
		[ "${MC[$v]:-x}" = "$flood" ] || bad_mc+=" $v:${MC[$v]:-?}"
		# unicast k-th overall goes to v(k % 64): v$k got ceil((uc - k) / 64)
		want=$(((uc - k + N_VIFS - 1) / N_VIFS))
		[ "$want" -ge 0 ] || want=0
		[ $((${RX[$v]:-0} - ${MC[$v]:-0})) -eq "$want" ] ||
			bad_uc+=" $v:$((${RX[$v]:-0} - ${MC[$v]:-0}))/$want"
	done
	if [ "$share" -lt 100 ]; then
		[ "$full" -gt 0 ] && ok "$tag: the storm overflowed the queue (bc-queue-full $full)" ||
			fail "$tag: bc-queue-full is $full: the queue never overflowed"
		[ "$flood" -gt 0 ] && ok "$tag: broadcasts still flooded ($flood floods)" ||
			fail "$tag: no broadcast flooded (v0 multicast $flood)"
	else
		local other=""
		for v in "${!DROP[@]}"; do
			[ "$v" = lower-no-host-if ] || other+=" $v ${DROP[$v]}"
		done
		[ "$full" -eq 0 ] && [ -z "$other" ] && ok "$tag: no bc-queue-full, no drop but the lower's" ||
			fail "$tag: drops:$other (bc-queue-full $full)"
	fi
	[ -z "$bad_mc" ] && [ "$sum_mc" -eq $((N_VIFS * flood)) ] &&
		ok "$tag: each of the $flood floods reached all $N_VIFS vifs (multicast sum $sum_mc)" ||
		fail "$tag: multicast sum $sum_mc, not $N_VIFS x $flood; vifs differing from v0:$bad_mc"
	[ -z "$bad_uc" ] && [ "$sum_uc" -eq "$uc" ] &&
		ok "$tag: unicast not starved: every vif got exactly its unicast frames (sum $sum_uc = port rx - broadcast)" ||
		fail "$tag: unicast sum $sum_uc, port received $uc; vifs off (got/expected):$bad_uc"
	[ "$q" -ge 0 ] && [ "$q" -le "$qlen" ] && [ $((flood + full + q)) -eq "$bc" ] &&
		ok "$tag: floods $flood + bc-queue-full $full + queued $q = $bc broadcast frames received" ||
		fail "$tag: floods $flood + bc-queue-full $full + queued $q = $((flood + full + q)), broadcast frames received $bc (queue bound $qlen)"

	# forwarding again, then the end while the storm goes on
	ask "start" '^forwarding started'
	sleep 0.5
	if [ "$how" = quit ]; then
		echo "quit" >&3 2>/dev/null
	else
		kill -"$how" "$app_pid" 2>/dev/null
	fi
	wait_exit_or_kill 30
	exec 3>&-
	if [ -z "$rc" ]; then
		fail "$tag: no exit within 30 s of $how: $(tail -n 5 "$log")"
	elif [ "$rc" -eq 0 ]; then
		ok "$tag: exit 0 after $how under traffic"
	else
		fail "$tag: exit status $rc after $how: $(tail -n 10 "$log")"
	fi
	if grep -Eq '^mempool mv_mbufs: ([0-9]+)/\1 mbufs free' <(tail -n 3 "$log"); then
		ok "$tag: mempool full after exit: $(grep '^mempool' "$log" | tail -n 1)"
	else
		fail "$tag: mempool not full after exit: $(grep mempool "$log" | tail -n 1)"
	fi
	if grep -Eq 'Error|AddressSanitizer|LeakSanitizer|runtime error|PANIC|Segmentation|Assertion' "$log"; then
		fail "$tag: errors in the log: $(grep -Em3 'Error|AddressSanitizer|LeakSanitizer|runtime error|PANIC|Segmentation|Assertion' "$log")"
	fi
}

storm_run 10 quit
storm_run 100 INT

# ---- invalid values: refused before anything is set up ----
for val in 0 101 x; do
	log="$E2E_TMP/bad$val.log"
	# shellcheck disable=SC2046
	timeout 60 "$app" $(e2e_eal "b$val") --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" -- \
		--cmdline-file "$cmds" --flood-share "$val" </dev/null >"$log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q 'flood-share' "$log" &&
		! grep -Eq '^dpdk-macvlan:|created on|^mempool ' "$log"; then
		ok "--flood-share $val refused (exit $rc): $(grep -m1 'flood-share' "$log")"
	else
		fail "--flood-share $val: exit $rc: $(tail -n 5 "$log")"
	fi
done
e2e_summary storm
