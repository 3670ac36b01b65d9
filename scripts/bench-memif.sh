#!/usr/bin/env bash
# The memif backend's benchmark (scripts/bench.sh runs it; it also runs alone):
# frames per second from the wire (net_pcap, infinite_rx=1, 64- and 1518-byte
# unicast to one vif) into a memif vif whose peer only receives (dpdk-testpmd
# net_memif role=client, rxonly), against dpdk-testpmd io-forwarding from the
# same pcap to net_memif role=server with the same receiving peer, in the same
# run, same lcores. The figure is the peer's receive rate (its Rx-pps, the
# median over the window after the warm-up) in both, so the same receiver is
# compared; the ratio is ours / testpmd's, the median over the runs.
#
#   scripts/bench-memif.sh [--runs N] [--warmup SEC] [--window SEC] [--app PATH --gen PATH]
#
# Lcores: the forwarding lcore of the program (its worker) and of the testpmd
# baseline on CPU 1, the peer's on CPU 0 (next to the program's main lcore).
# Output: the table on stdout, progress on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=3 WARMUP=3 WINDOW=5 APP="" GEN=""
while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=$2; shift ;;
	--warmup) WARMUP=$2; shift ;;
	--window) WINDOW=$2; shift ;;
	--app) APP=$2; shift ;;
	--gen) GEN=$2; shift ;;
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

# the receiving peer on socket $1 id $2: its Rx-pps lines go to $3
peer() {
	"$TESTPMD" --no-pci --no-huge -m 512 --no-shconf --file-prefix "${PREFIX}p$SEQ" \
		-l 0-1 --main-lcore 1 --log-level='*:error' \
		--vdev "net_memif0,role=client,socket=$1,socket-abstract=no,id=$2" -- \
		--forward-mode=rxonly --no-flush-rx --stats-period 1 --total-num-mbufs=8192 \
		</dev/null >"$3" 2>&1 &
	PIDS+=($!)
}
# the peer's Rx-pps samples (one a second) from the first non-zero one on
samples() { grep -o 'Rx-pps: *[0-9]*' "$1" | awk '$2 > 0 {on = 1} on {print $2}'; }
# wait (up to 30 s) until the peer receives, then for the warm-up and the window
measure() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ -n "$(samples "$1")" ] && break
		sleep 0.1
	done
	sleep $((WARMUP + WINDOW + 1))
}
# the peer's median Rx-pps over the window after the warm-up
rate() {
	samples "$1" | tail -n +$((WARMUP + 1)) | head -n "$WINDOW" | sort -n |
		awk '{v[NR] = $1} END {print NR ? v[int((NR + 1) / 2)] : 0}'
}
stop_all() {
	local p
	for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
}

SEQ=0
printf '| config | dpdk-macvlan memif Mpps | testpmd net_memif Mpps | ratio |\n|---|---:|---:|---:|\n'
for size in 64 1518; do
	pcap=$T/uni$size.pcap
	"$GEN" -o "$pcap" -s "$size" -n 1 -c 8192 >&2 || exit 1
	ratios=() ours=() theirs=()
	for ((r = 1; r <= RUNS; r++)); do
		# dpdk-macvlan: pcap -> vif mv0 (memif, role server) -> peer
		SEQ=$((SEQ + 1))
		sock=$T/mv$SEQ.sock
		printf 'link add link p0 name mv0 type macvlan address 02:00:00:00:00:00 backend memif %s id 0\nlink set mv0 up\n' \
			"$sock" >"$T/cmds"
		"$APP" --no-huge -m 1024 --no-pci --no-shconf --file-prefix "${PREFIX}a$SEQ" -l 0-1 \
			--log-level='*:error' --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" -- \
			--cmdline-file "$T/cmds" --ctl-socket none </dev/null >"$T/app.$SEQ" 2>&1 &
		PIDS+=($!)
		for ((i = 0; i < 100; i++)); do [ -S "$sock" ] && break; sleep 0.1; done
		peer "$sock" 0 "$T/peer.a$SEQ"
		measure "$T/peer.a$SEQ"
		stop_all
		ours+=("$(rate "$T/peer.a$SEQ")")
		# testpmd: pcap -> net_memif role server -> the same peer
		SEQ=$((SEQ + 1))
		sock=$T/tp$SEQ.sock
		"$TESTPMD" --no-pci --no-huge -m 1024 --no-shconf --file-prefix "${PREFIX}t$SEQ" -l 0-1 \
			--log-level='*:error' --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" \
			--vdev "net_memif0,role=server,socket=$sock,socket-abstract=no,id=0" -- \
			--forward-mode=io --no-flush-rx --stats-period 1 --total-num-mbufs=16384 \
			</dev/null >"$T/tp.$SEQ" 2>&1 &
		PIDS+=($!)
		# net_memif refuses peers until the port started (its socket exists before)
		for ((i = 0; i < 200; i++)); do
			grep -q 'Checking link statuses' "$T/tp.$SEQ" 2>/dev/null && break
			sleep 0.1
		done
		peer "$sock" 0 "$T/peer.t$SEQ"
		measure "$T/peer.t$SEQ"
		stop_all
		theirs+=("$(rate "$T/peer.t$SEQ")")
		ratios+=("$(awk -v a="${ours[-1]}" -v b="${theirs[-1]}" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')")
		log "memif-uni$size run $r: dpdk-macvlan ${ours[-1]} pps, testpmd ${theirs[-1]} pps, ratio ${ratios[-1]}"
	done
	med() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
	printf '| memif-uni%s-1 | %.2f | %.2f | %s |\n' "$size" \
		"$(awk -v v="$(med "${ours[@]}")" 'BEGIN {print v / 1e6}')" \
		"$(awk -v v="$(med "${theirs[@]}")" 'BEGIN {print v / 1e6}')" "$(med "${ratios[@]}")"
done
