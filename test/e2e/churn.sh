#!/usr/bin/env bash
# Configuration churn under traffic. The physical port is net_pcap replaying
# a capture forever (infinite_rx); vifs are null sinks (c0, every third time
# it is created, a net_pcap vdev whose output must be complete). For about
# 20 s vifs are added, changed (mode, MAC, MTU, groups, allmulticast,
# up/down) and deleted several hundred times, forwarding is stopped and
# restarted, while five vifs that are never deleted keep receiving. Checks:
#   - every command is answered, none with an error, the program exits 0;
#   - the vifs that are never deleted, and the port, receive more between
#     any two `link stats` taken while the churn runs, and no counter of
#     theirs ever goes down;
#   - once forwarding is stopped: a vif got at most the frames of the replay
#     addressed to it (unicast) and at most its floods (multicast), the port
#     counts the vifs that exist;
#   - c0's net_pcap outputs, deleted under traffic, are complete pcaps;
#   - the mempool is full again after exit.
# Usage: churn.sh DPDK_MACVLAN   (env: CHURN_SECONDS, CHURN_WORKERS)
set -u
app=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pcap.sh"
trap '' PIPE # a dead program must fail the checks, not kill the script

CHURN_SECONDS=${CHURN_SECONDS:-20}
log="$E2E_TMP/log"
ctl="$E2E_TMP/ctl"
pcap="$E2E_TMP/wire.pcap"
app_pid=""

trap '[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null; e2e_cleanup' EXIT

mac() { printf '02:00:00:00:%02x:%02x' "$1" "$2"; }
# MACs by slot, made once (no subshell per command)
declare -a VMAC=() AMAC=()
for ((k = 0; k < 32; k++)); do
	printf -v "VMAC[k]" '02:00:00:00:00:%02x' "$k"
	printf -v "AMAC[k]" '02:00:00:00:02:%02x' "$k"
done
SRC1=$(mac 1 1) SRC2=$(mac 1 2)

# ---- the capture: 320 frames, 64..1514 bytes ----
# Of every 20 frames: 14 unicast cycling over the 16 vif MACs
# 02:00:00:00:00:01..10, 2 broadcast, 2 to 33:33:00:00:00:01 (every vif's
# default group), 1 to 33:33:00:00:00:02, 1 unknown unicast. Senders
# alternate 02:00:00:00:01:01 / 02:00:00:00:01:02.
declare -A per_cycle=()
N_FRAMES=320
n_flood=0
u=0
{
	pcap_header
	for ((i = 0; i < N_FRAMES; i++)); do
		case $((i % 20)) in
		14 | 15) dst=ff:ff:ff:ff:ff:ff ;;
		16 | 17) dst=33:33:00:00:00:01 ;;
		18) dst=33:33:00:00:00:02 ;;
		19) dst=02:00:00:00:09:99 ;;
		*)
			dst=${VMAC[$((u % 16 + 1))]}
			u=$((u + 1))
			;;
		esac
		src=$SRC1
		[ $((i % 2)) -eq 1 ] && src=$SRC2
		pcap_frame "$dst" "$src" $((64 + (i * 97) % 1451)) "$i"
	done
} >"$pcap"
for ((i = 0; i < N_FRAMES; i++)); do
	case $((i % 20)) in
	14 | 15 | 16 | 17 | 18) n_flood=$((n_flood + 1)) ;;
	esac
done
for ((k = 0; k < u; k++)); do
	m=${VMAC[$((k % 16 + 1))]}
	per_cycle[$m]=$((${per_cycle[$m]:-0} + 1))
done
read -r n_rec complete < <(pcap_count "$pcap")
if [ "$n_rec" -eq "$N_FRAMES" ] && [ "$complete" -eq 1 ]; then
	ok "capture written: $N_FRAMES frames, $n_flood broadcast/multicast per cycle"
else
	fail "capture: $n_rec records, complete=$complete"
fi

# ---- the program, its shell on a fifo ----
mkfifo "$ctl"
eal=$(e2e_eal churn)
port="net_pcap0,rx_pcap=$pcap,infinite_rx=1"
# CHURN_WORKERS=W: W worker lcores sharing the CPUs other than the first
# (a tx queue each: W tx_pcap outputs, all empty here)
W=${CHURN_WORKERS:-1}
if [ "$W" -gt 1 ]; then
	lcores="0@0"
	ncpu=$(nproc)
	for ((w = 1; w <= W; w++)); do
		lcores+=",$w@$((ncpu > 1 ? 1 + (w - 1) % (ncpu - 1) : 0))"
		port+=",tx_pcap=$E2E_TMP/tx$w.pcap"
	done
	eal=${eal/-l 0-1/--lcores $lcores}
fi
# shellcheck disable=SC2086
"$app" $eal --vdev "$port" -- -i \
	<"$ctl" >"$log" 2>&1 &
app_pid=$!
exec 3>"$ctl"

n_cmds=0
cmd() {
	echo "$*" >&3 2>/dev/null || return 1
	n_cmds=$((n_cmds + 1))
}
# `link stats` into RX[name], MC[name] (the port p0 included). Returns 1
# when the program did not answer.
declare -A RX=() MC=()
snap_n=0
stats() {
	local off name rx mc
	off=$(stat -c %s "$log")
	cmd "link stats" || return 1
	wait_output "$off" '^mempool ' 30 || return 1
	RX=() MC=()
	while read -r name rx mc; do
		RX[$name]=$rx
		MC[$name]=$mc
	done < <(tail -c +$((off + 1)) "$log" | sed -n '/^mempool /q;p' | awk '
		/^[A-Za-z0-9_.-]+:[ \r]*$/ { name = $1; sub(/:.*/, "", name); next }
		name != "" && $1 == "RX:" && $2 == "packets" {
			mc = 0
			for (i = 3; i < NF; i++) if ($i == "multicast") mc = $(i + 1)
			print name, $3, mc
			name = ""
		}')
	snap_n=$((snap_n + 1))
	return 0
}

off=$(stat -c %s "$log")
cmd "link show p0"
if wait_output "$off" '^p0 \(' 60; then
	ok "program up, shell answers"
else
	fail "program did not answer: $(tail -n 5 "$log")"
	e2e_summary churn
	exit 1
fi

# ---- vifs that are never deleted ----
# name  mode    MAC (in the replay)
STEADY=(pb pv pp ps pa)
cmd "link add link p0 name pb type macvlan mode bridge address $(mac 0 1) backend null"
cmd "link add link p0 name pv type macvlan mode vepa address $(mac 0 2) backend null"
cmd "link add link p0 name pp type macvlan mode private address $(mac 0 3) backend null"
cmd "link add link p0 name ps type macvlan mode source macaddr add $(mac 1 1) address $(mac 0 4) backend null"
cmd "link add link p0 name pa type macvlan mode bridge address $(mac 0 5) backend null"
for v in "${STEADY[@]}"; do cmd "link set $v up"; done
cmd "link set pa allmulticast on"
n_add=5
n_del=0

# ---- churn vifs: slot k is cK, MAC 02:00:00:00:00:(6+k) (in the replay) or
# 02:00:00:00:02:k (not), moving through phases 0..4 ----
N_SLOTS=11
empty="$E2E_TMP/empty.pcap"
pcap_header >"$empty"
n_vdev=0
MODES=(bridge vepa private source)
declare -a phase=() alive_slot=() gen=()
for ((k = 0; k < N_SLOTS; k++)); do phase[k]=0 alive_slot[k]=0 gen[k]=0; done

step_slot() {
	local k=$1 name="c$1" m=${VMAC[$((6 + $1))]} a=${AMAC[$1]} mode next
	local mtu_lo=$((1000 + 37 * $1)) mtu_hi=1500 be="backend null"
	if [ "$k" -eq 0 ] && [ $((gen[k] % 3)) -eq 0 ]; then
		# a net_pcap vdev (its output is checked after exit), kept to a
		# trickle: a MAC not in the replay, floods of at most 214 bytes
		m=$a mtu_lo=200 mtu_hi=200
		be="mtu 200 backend vdev net_pcap$((100 + gen[k])),rx_pcap=$empty,tx_pcap=$E2E_TMP/c0.${gen[k]}.pcap"
		[ "${phase[k]}" -eq 0 ] && n_vdev=$((n_vdev + 1))
	fi
	mode=${MODES[$(((k + gen[k]) % 4))]}
	next=${MODES[$(((k + gen[k] + 1) % 4))]}
	case ${phase[k]} in
	0)
		local extra=""
		[ "$mode" = source ] && extra="macaddr add $SRC2"
		if [ $((gen[k] % 3)) -eq 2 ]; then
			# random MAC, not in the replay; never brought up
			cmd "link add link p0 name $name type macvlan mode $mode $extra backend null bcqueuelen 200"
		else
			cmd "link add link p0 name $name type macvlan mode $mode $extra address $m $be"
			cmd "link set $name up"
		fi
		n_add=$((n_add + 1))
		alive_slot[k]=1
		;;
	1)
		cmd "maddr add 33:33:00:00:00:02 dev $name"
		cmd "link set $name mtu $mtu_lo"
		if [ "$next" = source ]; then
			cmd "link set $name type macvlan mode source macaddr add $SRC1"
		else
			cmd "link set $name type macvlan mode $next"
		fi
		;;
	2)
		[ $((gen[k] % 3)) -ne 2 ] && cmd "link set $name address $a"
		cmd "link set $name allmulticast on"
		cmd "maddr add 01:00:5e:00:00:fb dev $name"
		;;
	3)
		cmd "link set $name down"
		[ $((gen[k] % 3)) -ne 2 ] && cmd "link set $name address $m"
		cmd "link set $name mtu $mtu_hi allmulticast off"
		[ $((gen[k] % 3)) -ne 2 ] && cmd "link set $name up"
		cmd "maddr del 33:33:00:00:00:02 dev $name"
		;;
	4)
		cmd "link del $name"
		n_del=$((n_del + 1))
		alive_slot[k]=0
		gen[k]=$((gen[k] + 1))
		;;
	esac
	# every other generation goes straight from add to del
	if [ "${phase[k]}" -eq 0 ] && [ $(((k + gen[k]) % 2)) -eq 1 ]; then
		phase[k]=4
	else
		phase[k]=$(((phase[k] + 1) % 5))
	fi
}

# Changes to the steady vifs that never stop them receiving their unicast.
step_steady() {
	case $(($1 % 8)) in
	0) cmd "maddr add 33:33:00:00:00:02 dev pb" ;;
	1) cmd "link set pv type macvlan mode private" ;;
	2) cmd "link set pp mtu 1000" ;;
	3) cmd "link set ps type macvlan macaddr add $SRC2" ;;
	4) cmd "maddr del 33:33:00:00:00:02 dev pb" ;;
	5) cmd "link set pv type macvlan mode vepa" ;;
	6) cmd "link set pp mtu 1500" ;;
	7)
		cmd "link set ps type macvlan macaddr del $SRC2"
		cmd "link set pa allmulticast off"
		cmd "link set pa allmulticast on"
		;;
	esac
}

# `link stats` while the churn runs: the steady vifs and the port got more.
declare -A prev_rx=() prev_mc=()
first_snap=1
n_grow_fail=0 n_mono_fail=0 n_snaps_checked=0
check_progress() {
	local v
	if ! stats; then
		fail "no answer to link stats during the churn"
		return 1
	fi
	for v in p0 "${STEADY[@]}"; do
		if [ -z "${RX[$v]:-}" ]; then
			fail "link stats lacks $v"
			n_grow_fail=$((n_grow_fail + 1))
			continue
		fi
		if [ "$first_snap" -eq 0 ]; then
			if [ "${RX[$v]}" -lt "${prev_rx[$v]}" ] || [ "${MC[$v]}" -lt "${prev_mc[$v]}" ]; then
				fail "$v: counters went down: rx ${prev_rx[$v]} -> ${RX[$v]}, multicast ${prev_mc[$v]} -> ${MC[$v]}"
				n_mono_fail=$((n_mono_fail + 1))
			elif [ "${RX[$v]}" -le "${prev_rx[$v]}" ]; then
				fail "$v: received nothing between two link stats (rx ${RX[$v]})"
				n_grow_fail=$((n_grow_fail + 1))
			fi
		fi
		prev_rx[$v]=${RX[$v]}
		prev_mc[$v]=${MC[$v]}
	done
	[ "$first_snap" -eq 0 ] && n_snaps_checked=$((n_snaps_checked + 1))
	first_snap=0
	return 0
}

sleep 1
check_progress || { e2e_summary churn; exit 1; }
start=$SECONDS
last_stats=$SECONDS
last_stop=$SECONDS
iter=0
n_stops=0
dead=0
while [ $((SECONDS - start)) -lt "$CHURN_SECONDS" ]; do
	if ! alive; then
		dead=1
		break
	fi
	step_slot $((iter % N_SLOTS))
	[ $((iter % 5)) -eq 0 ] && step_steady $((iter / 5))
	[ $((iter % 40)) -eq 7 ] && cmd "maddr show" && cmd "link show pb"
	iter=$((iter + 1))
	if [ $((SECONDS - last_stop)) -ge 4 ]; then
		cmd "stop"
		sleep 0.2
		cmd "start"
		n_stops=$((n_stops + 1))
		last_stop=$SECONDS
	fi
	if [ $((SECONDS - last_stats)) -ge 2 ]; then
		# a full second of forwarding since the last stop, at least
		[ $((SECONDS - last_stop)) -lt 1 ] && sleep 1
		check_progress || { dead=1; break; }
		last_stats=$SECONDS
	fi
	sleep 0.01
done
[ "$dead" -eq 0 ] && check_progress
if [ "$dead" -eq 0 ] && alive; then
	ok "churn: $n_cmds commands in $((SECONDS - start)) s ($n_add vifs added, $n_del deleted, $n_stops stop/start)"
else
	fail "the program died during the churn"
fi
[ "$n_grow_fail" -eq 0 ] && [ "$n_snaps_checked" -ge $(((CHURN_SECONDS + 3) / 4)) ] &&
	ok "steady vifs and port received between all $n_snaps_checked pairs of link stats" ||
	fail "steady vifs: $n_grow_fail stalls over $n_snaps_checked pairs of link stats"
[ "$n_mono_fail" -eq 0 ] && ok "no counter of a steady vif or the port went down" ||
	fail "$n_mono_fail counters went down"

# ---- forwarding stopped: the counters hold still and bound each other ----
cmd "stop"
if ! alive; then
	: # reported above
elif stats && stats; then
	declare -A RX1=() MC1=()
	for v in "${!RX[@]}"; do RX1[$v]=${RX[$v]} MC1[$v]=${MC[$v]}; done
	sleep 0.5
	stats
	moved=""
	for v in "${!RX1[@]}"; do
		[ "${RX[$v]:-x}" = "${RX1[$v]}" ] && [ "${MC[$v]:-x}" = "${MC1[$v]}" ] ||
			moved+=" $v: rx ${RX1[$v]} -> ${RX[$v]:-?}, multicast ${MC1[$v]} -> ${MC[$v]:-?};"
	done
	[ -z "$moved" ] && ok "stopped: counters hold still" ||
		fail "stopped: counters still move 0.5 s after stop:$moved"
	port_rx=${RX[p0]}
	cycles=$(((port_rx + N_FRAMES - 1) / N_FRAMES))
	bad=""
	for v in "${!RX[@]}"; do
		[ "$v" = p0 ] && continue
		[ "${MC[$v]}" -le "${RX[$v]}" ] || bad+=" $v:multicast>${MC[$v]}>rx${RX[$v]}"
		[ "${RX[$v]}" -le "$port_rx" ] || bad+=" $v:rx${RX[$v]}>port$port_rx"
		[ "${MC[$v]}" -le $((cycles * n_flood)) ] ||
			bad+=" $v:multicast${MC[$v]}>floods$((cycles * n_flood))"
	done
	# the steady vifs outside source mode: unicast only from frames to their MAC
	i=1
	for v in pb pv pp; do
		lim=$((cycles * ${per_cycle[$(mac 0 $i)]}))
		[ $((RX[$v] - MC[$v])) -le "$lim" ] ||
			bad+=" $v:unicast$((RX[$v] - MC[$v]))>sent$lim"
		i=$((i + 1))
	done
	lim=$((cycles * ${per_cycle[$(mac 0 5)]}))
	[ $((RX[pa] - MC[pa])) -le "$lim" ] || bad+=" pa:unicast$((RX[pa] - MC[pa]))>sent$lim"
	[ -z "$bad" ] && ok "stopped: counters consistent (port rx $port_rx, $((${#RX[@]} - 1)) vifs)" ||
		fail "stopped: inconsistent counters:$bad"

	n_alive=0
	n_up=5
	for ((k = 0; k < N_SLOTS; k++)); do
		if [ "${alive_slot[k]}" -eq 1 ]; then
			n_alive=$((n_alive + 1))
			# a generation brought up (gen % 3 != 2) is up in phases 1..4
			[ $((gen[k] % 3)) -ne 2 ] && n_up=$((n_up + 1))
		fi
	done
	[ $((${#RX[@]} - 1)) -eq $((5 + n_alive)) ] &&
		ok "link stats lists the $((5 + n_alive)) vifs that exist" ||
		fail "link stats lists $((${#RX[@]} - 1)) vifs, $((5 + n_alive)) exist"
	off=$(stat -c %s "$log")
	cmd "link show p0"
	if wait_output "$off" '^    vifs [0-9]+ up [0-9]+' 20; then
		line=$(tail -c +$((off + 1)) "$log" | grep -Em1 '^    vifs [0-9]+ up [0-9]+')
		if [[ "$line" =~ vifs\ ([0-9]+)\ up\ ([0-9]+) ]] &&
			[ "${BASH_REMATCH[1]}" -eq $((5 + n_alive)) ] && [ "${BASH_REMATCH[2]}" -eq "$n_up" ]; then
			ok "p0 holds $((5 + n_alive)) vifs, $n_up up"
		else
			fail "p0: '$line', expected vifs $((5 + n_alive)) up $n_up"
		fi
	else
		fail "no answer to link show p0"
	fi
else
	fail "no answer to link stats after stop"
fi

# ---- quit with vifs still there, forwarding restarted ----
cmd "start"
sleep 0.3
cmd "quit"
exec 3>&-
rc=""
for ((i = 0; i < 300; i++)); do
	if ! alive; then
		wait "$app_pid"
		rc=$?
		break
	fi
	sleep 0.1
done
if [ -z "$rc" ]; then
	fail "the program did not exit within 30 s of quit"
	kill -KILL "$app_pid" 2>/dev/null
	wait "$app_pid" 2>/dev/null
elif [ "$rc" -eq 0 ]; then
	ok "exit 0 after quit"
else
	fail "exit status $rc: $(tail -n 20 "$log")"
fi
app_pid=""

n_err=$(grep -c 'Error' "$log")
[ "$n_err" -eq 0 ] && ok "no command answered with an error" ||
	fail "$n_err errors: $(grep -m5 'Error' "$log")"
if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error|PANIC|Segmentation|Assertion' "$log"; then
	fail "sanitizer or panic output: $(grep -Em5 'AddressSanitizer|LeakSanitizer|runtime error|PANIC|Segmentation|Assertion' "$log")"
else
	ok "no sanitizer or panic output"
fi
n_created=$(grep -c ': created on p0' "$log")
n_deleted=$(grep -c ': deleted$' "$log")
[ "$n_created" -eq "$n_add" ] && [ "$n_deleted" -eq "$n_del" ] &&
	ok "every add and del answered ($n_created created, $n_deleted deleted)" ||
	fail "answers: $n_created created of $n_add, $n_deleted deleted of $n_del"
bad=""
n_frames=0
for f in "$E2E_TMP"/c0.*.pcap; do
	[ -e "$f" ] || continue
	# tcpdump, faster than pcap_count on large files, reports truncation
	c1=$(tcpdump -r "$f" -n -q 2>"$f.err" | grep -c '^[^[:space:]]')
	err=$(grep -v '^reading from file' "$f.err")
	n_frames=$((n_frames + c1))
	[ -z "$err" ] || bad+=" $(basename "$f")($c1 records: $err)"
done
[ -z "$bad" ] && [ "$n_vdev" -gt 0 ] &&
	ok "the $n_vdev net_pcap outputs of c0 are complete ($n_frames frames)" ||
	fail "c0's net_pcap outputs ($n_vdev vifs): truncated:$bad"
if grep -Eq 'mempool [a-z_]+: ([0-9]+)/\1 mbufs free' <(tail -n 3 "$log"); then
	ok "mempool full after exit: $(grep mempool "$log" | tail -n1)"
else
	fail "mempool not full after exit: $(grep mempool "$log" | tail -n1)"
fi
e2e_summary churn
