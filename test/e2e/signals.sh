#!/usr/bin/env bash
# SIGTERM and SIGINT end the program cleanly. The physical port is net_pcap
# (rx_pcap: N frames from the wire; tx_pcap: what leaves on the wire); two
# bridge vifs va and vb have net_pcap vdev backends whose tx_pcap holds what
# each received; va also sends frames of its own (to vb and to the wire).
#   - traffic done, then the signal (with -i): exit 0, every output pcap
#     complete, its record count equal to the program's counters and to what
#     the input addresses to it;
#   - the signal while frames still arrive (the wire's rx_pcap is a fifo fed
#     at a few thousand frames per second, no shell): exit 0, every output
#     complete, and each vif's output is exactly the frames of the input
#     prefix the program read that are addressed to it (nothing read is
#     lost, nothing is duplicated);
#   - the signal with no traffic at all, with and without the shell: exit 0;
#   - after every run, the mempool is full.
# Usage: signals.sh DPDK_MACVLAN
set -u
app=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pcap.sh"

N=${SIGNALS_FRAMES:-20000}
K=1000 # frames va sends: even ones to vb, odd ones to the wire
VA=02:00:00:00:00:0a VB=02:00:00:00:00:0b
EXT=02:00:00:00:0e:01 EXT2=02:00:00:00:0e:02
app_pid="" writer_pid=""

stop_all() {
	[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	[ -n "$writer_pid" ] && kill "$writer_pid" 2>/dev/null && wait "$writer_pid" 2>/dev/null
	app_pid="" writer_pid=""
	exec 3>&- 2>/dev/null
	return 0
}
trap 'stop_all; e2e_cleanup' EXIT

# ---- inputs ----
# Wire frame i (64..127 bytes, seq i): i % 8 in 0,1,2 -> va; 3,4 -> vb;
# 5 broadcast; 6 to 33:33:00:00:00:fb, which va joins; 7 unknown unicast.
wire="$E2E_TMP/wire.pcap" va_in="$E2E_TMP/va_in.pcap" empty="$E2E_TMP/empty.pcap"
dst_of=("$VA" "$VA" "$VA" "$VB" "$VB" ff:ff:ff:ff:ff:ff 33:33:00:00:00:fb 02:00:00:00:09:99)
{
	pcap_header
	for ((i = 0; i < N; i++)); do
		pcap_frame "${dst_of[i % 8]}" "$EXT" $((64 + (i * 37) % 64)) "$i"
	done
} >"$wire"
{
	pcap_header
	for ((j = 0; j < K; j++)); do
		if [ $((j % 2)) -eq 0 ]; then d=$VB; else d=$EXT2; fi
		pcap_frame "$d" "$VA" $((64 + j % 64)) $((1000000 + j))
	done
} >"$va_in"
pcap_header >"$empty"
# which vif each residue of i % 8 reaches
for_va() { case $(($1 % 8)) in 0 | 1 | 2 | 5 | 6) return 0 ;; esac; return 1; }
for_vb() { case $(($1 % 8)) in 3 | 4 | 5) return 0 ;; esac; return 1; }
# frames among the first $1 of the wire addressed to va (vb): into $2 ($3)
count_prefix() {
	local r=$1 full=$(($1 / 8)) rest=$(($1 % 8)) a b i
	a=$((full * 5)) b=$((full * 3))
	for ((i = 0; i < rest; i++)); do
		for_va "$i" && a=$((a + 1))
		for_vb "$i" && b=$((b + 1))
	done
	printf -v "$2" %d "$a"
	printf -v "$3" %d "$b"
}
exp_va=0 exp_vb=0
count_prefix "$N" exp_va exp_vb
exp_vb=$((exp_vb + K / 2)) # va's frames to vb (bridge: delivered locally)
exp_wire=$((K / 2))        # va's frames to EXT2
# the same in bytes, for the byte counters
b_wire=0 b_va=0 b_vb=0 b_va_tx=0 b_out=0
for ((i = 0; i < N; i++)); do
	l=$((64 + (i * 37) % 64))
	b_wire=$((b_wire + l))
	for_va "$i" && b_va=$((b_va + l))
	for_vb "$i" && b_vb=$((b_vb + l))
done
for ((j = 0; j < K; j++)); do
	l=$((64 + j % 64))
	b_va_tx=$((b_va_tx + l))
	if [ $((j % 2)) -eq 0 ]; then b_vb=$((b_vb + l)); else b_out=$((b_out + l)); fi
done
read -r c1 k1 < <(pcap_count "$wire")
[ "$c1" -eq "$N" ] && [ "$k1" -eq 1 ] && ok "inputs written ($N wire frames, $K from va)" ||
	fail "input capture: $c1 records, complete=$k1"

setup_cmds() { # $1: directory of the run, $2: va's rx_pcap
	cat <<-EOF
		link add link p0 name va type macvlan mode bridge address $VA backend vdev net_pcap1,rx_pcap=$2,tx_pcap=$1/va.pcap
		link add link p0 name vb type macvlan mode bridge address $VB backend vdev net_pcap2,rx_pcap=$empty,tx_pcap=$1/vb.pcap
		maddr add 33:33:00:00:00:fb dev va
		link set va up
		link set vb up
	EOF
}


# Exit status, mempool and sanitizer output of run $1 (log $2).
check_exit() {
	local tag=$1 log=$2
	if [ -z "$rc" ]; then
		fail "$tag: no exit within 30 s of the signal"
		tail -n 20 "$log"
		stop_all
		return
	fi
	e2e_check_exit "$tag" "$log" Error
}

# tcpdump reads the whole file without complaint.
tcpdump_reads() {
	command -v tcpdump >/dev/null || return 0
	local err
	err=$(tcpdump -r "$1" -n -q 2>&1 >/dev/null | grep -v '^reading from file')
	[ -z "$err" ]
}

# Counter $3 ("RX" or "TX") of $2 in the last `link stats` answer of log $1:
# packets, or the field named $4 (e.g. bytes).
stat_of() {
	tac "$1" | awk -v name="$2:" -v dir="$3:" -v field="${4:-packets}" '
		$1 == dir { for (i = 2; i < NF; i++) if ($i == field) v = $(i + 1) }
		$0 == name { print v; exit }'
}

# ---- 1. traffic done, then the signal; the shell is on a fifo ----
finite_run() {
	local sig=$1 tag="$1 after traffic" dir="$E2E_TMP/f$1" log i f n k want rx_va rx_vb rx_p tx_p tx_va
	mkdir -p "$dir"
	log="$dir/log"
	setup_cmds "$dir" "$va_in" >"$dir/setup"
	mkfifo "$dir/ctl"
	# shellcheck disable=SC2046
	# the pcap is read at full speed and every broadcast must arrive: no
	# --flood-share pacing (the broadcast storm test covers it)
	"$app" $(e2e_eal "f$sig") --vdev "net_pcap0,rx_pcap=$wire,tx_pcap=$dir/wire.pcap" -- \
		-i --cmdline-file "$dir/setup" --flood-share 100 <"$dir/ctl" >"$log" 2>&1 &
	app_pid=$!
	exec 3>"$dir/ctl"
	# until every frame is in and the counters hold still
	local prev="" cur=""
	for ((i = 0; i < 150; i++)); do
		echo "link stats" >&3 2>/dev/null
		sleep 0.2
		rx_p=$(stat_of "$log" p0 RX)
		cur="$rx_p $(stat_of "$log" va RX) $(stat_of "$log" vb RX) $(stat_of "$log" p0 TX)"
		[ "${rx_p:-0}" -eq "$N" ] && [ "$cur" = "$prev" ] && break
		prev=$cur
		alive || break
	done
	rx_p=$(stat_of "$log" p0 RX) tx_p=$(stat_of "$log" p0 TX)
	rx_va=$(stat_of "$log" va RX) rx_vb=$(stat_of "$log" vb RX) tx_va=$(stat_of "$log" va TX)
	local bytes want_bytes="$b_wire $b_out $b_va $b_vb $b_va_tx"
	bytes="$(stat_of "$log" p0 RX bytes) $(stat_of "$log" p0 TX bytes) $(stat_of "$log" va RX bytes)"
	bytes+=" $(stat_of "$log" vb RX bytes) $(stat_of "$log" va TX bytes)"
	if [ "${rx_p:-0}" -ne "$N" ]; then
		fail "$tag: the port received ${rx_p:-nothing} of $N frames: $(tail -n 5 "$log")"
	fi
	kill -"$sig" "$app_pid"
	wait_exit 30
	exec 3>&-
	check_exit "$tag" "$log"
	[ "${tx_va:-0}" -eq "$K" ] && ok "$tag: va sent its $K frames" ||
		fail "$tag: va TX packets ${tx_va:-?}, expected $K"
	[ "$bytes" = "$want_bytes" ] && ok "$tag: byte counters match the input ($bytes)" ||
		fail "$tag: byte counters (p0 rx, p0 tx, va rx, vb rx, va tx): $bytes; expected $want_bytes"
	for f in va:"$rx_va":"$exp_va" vb:"$rx_vb":"$exp_vb" wire:"$tx_p":"$exp_wire"; do
		IFS=: read -r n k want <<<"$f"
		read -r c1 k1 < <(pcap_count "$dir/$n.pcap")
		if [ "$k1" -eq 1 ] && tcpdump_reads "$dir/$n.pcap"; then
			ok "$tag: $n.pcap complete and readable"
		else
			fail "$tag: $n.pcap truncated or unreadable ($c1 records)"
		fi
		if [ "$c1" -eq "${k:--1}" ] && [ "$c1" -eq "$want" ]; then
			ok "$tag: $n.pcap holds $c1 frames, as the counters say and the input addresses"
		else
			fail "$tag: $n.pcap holds $c1 frames; counters say ${k:-?}; the input addresses $want"
			grep -A4 '^p0:' "$log" | tail -n 5
		fi
	done
}

# ---- 2. the signal while frames arrive; no shell ----
flowing_run() {
	local sig=$1 tag="$1 during traffic" dir="$E2E_TMP/r$1" log i n max=-1 r a b bad
	mkdir -p "$dir"
	log="$dir/log"
	setup_cmds "$dir" "$empty" >"$dir/setup"
	mkfifo "$dir/wire"
	# the wire, 4 KiB every 10 ms (a few thousand frames a second); ends
	# when the program closes its end
	(
		trap - EXIT
		exec 4>"$dir/wire" || exit 0
		size=$(stat -c %s "$wire")
		for ((k = 0; k * 4096 < size; k++)); do
			dd if="$wire" bs=4096 skip="$k" count=1 status=none >&4 2>/dev/null || exit 0
			sleep 0.01
		done
	) &
	writer_pid=$!
	# shellcheck disable=SC2046
	"$app" $(e2e_eal "r$sig") --vdev "net_pcap0,rx_pcap=$dir/wire,tx_pcap=$dir/wire_tx.pcap" -- \
		--cmdline-file "$dir/setup" </dev/null >"$log" 2>&1 &
	app_pid=$!
	for ((i = 0; i < 300; i++)); do
		grep -q "^vb: up" "$log" 2>/dev/null && break
		alive || break
		sleep 0.1
	done
	sleep 1
	kill -"$sig" "$app_pid" 2>/dev/null
	wait_exit 30
	check_exit "$tag" "$log"
	kill "$writer_pid" 2>/dev/null
	wait "$writer_pid" 2>/dev/null
	writer_pid=""
	bad=0
	for n in va vb wire_tx; do
		pcap_records "$dir/$n.pcap" >"$dir/$n.seq"
		read -r _ c1 k1 < <(tail -n 1 "$dir/$n.seq")
		if [ "$k1" -eq 1 ] && tcpdump_reads "$dir/$n.pcap"; then
			ok "$tag: $n.pcap complete and readable ($c1 frames)"
		else
			fail "$tag: $n.pcap truncated or unreadable ($c1 records)"
			bad=1
		fi
		sed -i '$d' "$dir/$n.seq"
	done
	[ "$bad" -eq 0 ] || return
	[ -s "$dir/wire_tx.seq" ] && fail "$tag: frames from the wire went back to the wire"
	# r: the input prefix the program read (up to its last delivered frame)
	max=$(sort -n "$dir/va.seq" "$dir/vb.seq" | tail -n 1)
	r=$((${max:--1} + 1))
	if [ "$r" -le 0 ]; then
		fail "$tag: no frame delivered before the signal"
		return
	fi
	if [ "$r" -ge "$N" ]; then
		skip "$tag: the traffic ended before the signal (machine too slow?)"
	else
		ok "$tag: the signal came after frame $r of $N"
	fi
	# expected: the frames of the prefix addressed to each vif, once each
	for ((i = 0; i < r; i++)); do
		for_va "$i" && echo "$i" >>"$dir/va.exp"
		for_vb "$i" && echo "$i" >>"$dir/vb.exp"
	done
	for n in va vb; do
		touch "$dir/$n.exp"
		if cmp -s <(sort -n "$dir/$n.seq") "$dir/$n.exp"; then
			ok "$tag: $n.pcap holds every frame of the prefix addressed to it, once ($(wc -l <"$dir/$n.exp"))"
		else
			fail "$tag: $n.pcap differs from the $(wc -l <"$dir/$n.exp") frames of the prefix addressed to it:" \
				"$(diff <(sort -n "$dir/$n.seq") "$dir/$n.exp" | grep -c '^<') extra," \
				"$(diff <(sort -n "$dir/$n.seq") "$dir/$n.exp" | grep -c '^>') missing" \
				"(first missing: $(diff <(sort -n "$dir/$n.seq") "$dir/$n.exp" | grep -m3 '^>' | tr -d '>\n'))"
		fi
	done
}

# ---- 3. the signal with no traffic at all ----
idle_run() {
	local sig=$1 shell=$2 tag="$1 idle, $2" dir="$E2E_TMP/i$1$2" log i
	mkdir -p "$dir"
	log="$dir/log"
	if [ "$shell" = shell ]; then
		mkfifo "$dir/ctl"
		# shellcheck disable=SC2046
		"$app" $(e2e_eal "i$sig") --vdev "net_pcap0,rx_pcap=$empty,tx_pcap=$dir/wire.pcap" -- -i \
			<"$dir/ctl" >"$log" 2>&1 &
		app_pid=$!
		exec 3>"$dir/ctl"
		echo "link add link p0 name n0 type macvlan mode bridge backend null" >&3
		echo "link add link p0 name n1 type macvlan mode vepa backend null" >&3
		echo "link set n0 up" >&3
		echo "link show n0" >&3
		for ((i = 0; i < 300; i++)); do
			grep -q "^n0@p0" "$log" 2>/dev/null && break
			alive || break
			sleep 0.1
		done
	else
		# shellcheck disable=SC2046
		"$app" $(e2e_eal "i$sig") --vdev "net_pcap0,rx_pcap=$empty,tx_pcap=$dir/wire.pcap" -- \
			</dev/null >"$log" 2>&1 &
		app_pid=$!
		sleep 2
	fi
	sleep 0.5
	kill -"$sig" "$app_pid" 2>/dev/null
	wait_exit 30
	exec 3>&- 2>/dev/null
	check_exit "$tag" "$log"
	read -r c1 k1 < <(pcap_count "$dir/wire.pcap")
	[ "$k1" -eq 1 ] && [ "$c1" -eq 0 ] && ok "$tag: wire.pcap complete and empty" ||
		fail "$tag: wire.pcap: $c1 records, complete=$k1"
}

for sig in TERM INT; do
	finite_run "$sig"
	flowing_run "$sig"
done
idle_run TERM shell
idle_run TERM noshell
idle_run INT noshell
e2e_summary signals
