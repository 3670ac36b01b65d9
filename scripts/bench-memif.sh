#!/usr/bin/env bash
# The memif backend's benchmark (scripts/bench.sh runs it; it also runs alone):
#   memif-uniS-N: frames per second from the wire (net_pcap, infinite_rx=1,
#     S-byte unicast spread over N vifs) into N memif vifs on one socket (ids
#     0..N-1, role server) whose peers only receive (dpdk-testpmd net_memif
#     role=client, rxonly; one process per 32 ports, the ethdev cap of
#     Debian's DPDK, so 64 vifs are two peer processes on one CPU);
#   memif-tx64-N: the other way: the peers only send (txonly, to an external
#     MAC), N vifs send it to the wire (a net_null sink).
# Baseline, right after each run of the program, same lcores: dpdk-testpmd
# io-forwarding between the same wire and one net_memif role=server port,
# with one peer of the same kind (testpmd cannot split one source over N ports
# by MAC: for N > 1 the ratio is against its one-port figure). The figure is
# the peers' rate (their Rx-pps, or Tx-pps for txonly: what the vifs took),
# summed over their ports per second, the median over the window after the
# warm-up; the ratio is ours / testpmd's, the median over the runs.
#
#   scripts/bench-memif.sh [--runs N] [--warmup SEC] [--window SEC] [--only REGEX]
#                          [--app PATH --gen PATH]
#
# Lcores: the forwarding lcore of the program (its worker) and of the testpmd
# baseline on CPU 1, the peer's on CPU 0 (next to the program's main lcore).
# Output: the table on stdout, progress on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=3 WARMUP=3 WINDOW=5 APP="" GEN="" ONLY=""
while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=$2; shift ;;
	--warmup) WARMUP=$2; shift ;;
	--window) WINDOW=$2; shift ;;
	--app) APP=$2; shift ;;
	--gen) GEN=$2; shift ;;
	--only) ONLY=$2; shift ;;
	*) echo "bench-memif.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
log() { printf '%s\n' "$*" >&2; }
TESTPMD=$(command -v dpdk-testpmd) || { log "bench-memif.sh: dpdk-testpmd not found"; exit 1; }
if [ -z "$APP" ] || [ -z "$GEN" ]; then
	BUILD=${BENCH_BUILD:-build-bench}
	[ -d "$BUILD" ] || meson setup "$BUILD" --buildtype=release >&2 || exit 1
	ninja -C "$BUILD" app/dpdk-macvlan test/gen_pcap >&2 || exit 1
	APP=$ROOT/$BUILD/app/dpdk-macvlan
	GEN=$ROOT/$BUILD/test/gen_pcap
fi
T=$(mktemp -d /tmp/mv-bench-memif.XXXXXX)
[ -n "${KEEP:-}" ] && log "bench-memif.sh: files kept in $T"
PREFIX="mvbm$$"
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
	sleep 0.5
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$T"
	rm -rf /var/run/dpdk/"$PREFIX"* 2>/dev/null
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

EXT_PEER=02:00:00:00:ee:01
# Peers on socket $2, ports ids $3..$4-1 (rxonly or txonly in $5), log $1.
peer() { # LOG SOCK FIRST END MODE
	local args=() fwd=() i k=0
	for ((i = $3; i < $4; i++)); do
		args+=(--vdev "net_memif$k,role=client,socket=$2,socket-abstract=no,id=$i")
		[ "$5" = txonly ] && fwd+=("--eth-peer=$k,$EXT_PEER")
		k=$((k + 1))
	done
	SEQ=$((SEQ + 1))
	"$TESTPMD" --no-pci --no-huge -m 512 --no-shconf --file-prefix "${PREFIX}p$SEQ" \
		-l 0-1 --main-lcore 1 --log-level='*:error' "${args[@]}" -- \
		--forward-mode="$5" "${fwd[@]}" --no-flush-rx --stats-period 1 \
		--total-num-mbufs=$((8192 + 2048 * ($4 - $3))) </dev/null >"$1" 2>&1 &
	PIDS+=($!)
}
# Peers for ids 0..N-1 on socket $2, 32 ports each: logs $1.0, $1.1, ...
peers() { # LOG SOCK N MODE
	local first=0 k=0 end
	PEER_LOGS=()
	while [ "$first" -lt "$3" ]; do
		end=$((first + 32 < $3 ? first + 32 : $3))
		peer "$1.$k" "$2" "$first" "$end" "$4"
		PEER_LOGS+=("$1.$k")
		first=$end
		k=$((k + 1))
	done
}
# Per log, the sum over its ports of Rx-pps (Tx-pps) of each stats period,
# from the first non-zero one on: the median over the window after the
# warm-up; summed over the logs. "wait": 0 once every log has a non-zero sample.
pps() { # rate|wait Rx|Tx LOG...
	python3 - "$WARMUP" "$WINDOW" "$@" <<'PYEOF'
import re, statistics, sys
warmup, window, what, field, logs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
total, ready = 0, True
for path in logs:
    per, cur = [], None
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError:
        lines = []
    for l in lines:
        if "Port statistics" in l:
            if cur is not None:
                per.append(cur)
            cur = 0
        m = re.search(r"%s-pps:\s*(\d+)" % field, l)
        if m and cur is not None:
            cur += int(m.group(1))
    on = [v for i, v in enumerate(per) if any(x > 0 for x in per[:i + 1])]
    ready = ready and len(on) > 0
    win = on[warmup:warmup + window]
    total += statistics.median(win) if win else 0
if what == "wait":
    sys.exit(0 if ready else 1)
print(int(total))
PYEOF
}
# Wait (up to 30 s) until every peer moves frames, then the warm-up and the window.
measure() { # Rx|Tx
	local i
	for ((i = 0; i < 300; i++)); do
		pps wait "$1" "${PEER_LOGS[@]}" && break
		sleep 0.1
	done
	sleep $((WARMUP + WINDOW + 1))
}
stop_all() {
	local p
	for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
	rm -rf /var/run/dpdk/"$PREFIX"* 2>/dev/null
}
# The wire of a run: the pcap (rx) or a sink (tx).
wire() { if [ "$1" = rx ]; then echo "net_pcap0,rx_pcap=$2,infinite_rx=1"; else echo net_null0,no-rx=1; fi; }

# One configuration: NAME rx|tx SIZE N.
config() {
	local name=$1 dir=$2 size=$3 n=$4 pcap=$T/$1.pcap mode field r i sock ratios=() ours=() theirs=()
	[ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]] && return 0
	if [ "$dir" = rx ]; then
		mode=rxonly field=Rx
		"$GEN" -o "$pcap" -s "$size" -n "$n" -c 8192 >&2 || return 1
	else
		mode=txonly field=Tx
	fi
	for ((r = 1; r <= RUNS; r++)); do
		# dpdk-macvlan: the wire <-> N vifs (memif, role server, one socket) <-> peers
		SEQ=$((SEQ + 1))
		sock=$T/mv$SEQ.sock
		"$GEN" --print-macs -n "$n" | awk -v s="$sock" '{
			printf "link add link p0 name mv%d type macvlan mode vepa address %s backend memif %s id %d\n", NR - 1, $1, s, NR - 1
			printf "link set mv%d up\n", NR - 1 }' >"$T/cmds"
		"$APP" --no-huge -m 1024 --no-pci --no-shconf --file-prefix "${PREFIX}a$SEQ" -l 0-1 \
			--log-level='*:error' --vdev "$(wire "$dir" "$pcap")" -- \
			--cmdline-file "$T/cmds" --ctl-socket none </dev/null >"$T/app.$SEQ" 2>&1 &
		PIDS+=($!)
		for ((i = 0; i < 100; i++)); do [ -S "$sock" ] && break; sleep 0.1; done
		peers "$T/peer.a$SEQ" "$sock" "$n" "$mode"
		measure "$field"
		stop_all
		ours+=("$(pps rate "$field" "${PEER_LOGS[@]}")")
		# testpmd: the same wire <-> net_memif role server <-> one peer
		SEQ=$((SEQ + 1))
		sock=$T/tp$SEQ.sock
		"$TESTPMD" --no-pci --no-huge -m 1024 --no-shconf --file-prefix "${PREFIX}t$SEQ" -l 0-1 \
			--log-level='*:error' --vdev "$(wire "$dir" "$pcap")" \
			--vdev "net_memif0,role=server,socket=$sock,socket-abstract=no,id=0" -- \
			--forward-mode=io --no-flush-rx --stats-period 1 --total-num-mbufs=16384 \
			</dev/null >"$T/tp.$SEQ" 2>&1 &
		PIDS+=($!)
		# net_memif refuses peers until the port started (its socket exists before)
		for ((i = 0; i < 200; i++)); do
			grep -q 'Checking link statuses' "$T/tp.$SEQ" 2>/dev/null && break
			sleep 0.1
		done
		peers "$T/peer.t$SEQ" "$sock" 1 "$mode"
		measure "$field"
		stop_all
		theirs+=("$(pps rate "$field" "${PEER_LOGS[@]}")")
		ratios+=("$(awk -v a="${ours[-1]}" -v b="${theirs[-1]}" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')")
		log "$name run $r: dpdk-macvlan ${ours[-1]} pps, testpmd ${theirs[-1]} pps, ratio ${ratios[-1]}"
	done
	med() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
	printf '| %s | %.2f | %.2f | %s | %s |\n' "$name" \
		"$(awk -v v="$(med "${ours[@]}")" 'BEGIN {print v / 1e6}')" \
		"$(awk -v v="$(med "${theirs[@]}")" 'BEGIN {print v / 1e6}')" "$(med "${ratios[@]}")" \
		"$(IFS=,; echo "${ratios[*]}")"
	rm -f "$pcap"
}

SEQ=0
printf '| config | dpdk-macvlan memif Mpps | testpmd net_memif Mpps | ratio (median) | per-run ratios |\n|---|---:|---:|---:|---|\n'
config memif-uni64-1 rx 64 1
config memif-uni1518-1 rx 1518 1
config memif-uni64-4 rx 64 4
config memif-uni64-64 rx 64 64
config memif-tx64-1 tx 64 1
config memif-tx64-4 tx 64 4
