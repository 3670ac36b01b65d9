#!/usr/bin/env bash
# The vhost-user rows of scripts/bench.sh (sourced by it; uses its helpers:
# start_logged, wait_for, stop, record, log, $GEN, $APP, $TESTPMD, $T, ...).
#
# vhost64-1: 64-byte frames from the wire (net_pcap, infinite_rx) into one
# vhost vif whose guest only receives: a dpdk-testpmd with net_virtio_user,
# rxonly. Baseline in the same run: dpdk-testpmd io forwarding from the same
# pcap to a net_vhost port, the same guest on it. The figure of both is what
# the guest receives per second (its RX-packets), so the guest's own cost is
# in both. vhost64-4: the same into 4 vifs, one guest process with 4
# virtio-user ports (no baseline: testpmd io forwarding cannot split one
# source over 4 ports by MAC).
#
# Lcores: each program's forwarding lcore on its own CPU: dpdk-macvlan's
# worker (and the baseline's forwarding lcore) on CPU 1, the guest's on
# CPU 0 (its main lcore, which only prints stats, on CPU 1).

# The guest's receive rate from its timestamped --stats-period output: the
# RX-packets of all its ports, summed per stats block, over the window.
guest_measure() { # LOG
	"$PY3" - "$1" "$WARMUP" "$WINDOW" "$TSC_HZ" <<'PYEOF'
import json, re, sys
path, warmup, win, tsc = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
blocks, cur = [], None
for l in open(path, errors="replace"):
    t, _, s = l.rstrip("\n").partition("\t")
    try:
        t = float(t)
    except ValueError:
        continue
    if "Port statistics" in s:
        if cur is not None and cur["n"] > 0:
            blocks.append(cur)
        cur = {"t": t, "rx": 0, "n": 0}
        continue
    m = re.match(r"^\s*RX-packets:\s*(\d+)\s+RX-missed:", s)
    if m and cur is not None:
        cur["rx"] += int(m[1])
        cur["n"] += 1
if cur is not None and cur["n"] > 0:
    blocks.append(cur)
res = {"error": "no steady window (%d stats blocks)" % len(blocks)}
if len(blocks) >= 2:
    first = [b for b in blocks if b["t"] >= blocks[0]["t"] + warmup - 0.2]
    if len(first) >= 2 and first[-1]["t"] - first[0]["t"] >= 0.5 * win:
        a, b = first[0], first[-1]
        rate = (b["rx"] - a["rx"]) / (b["t"] - a["t"])
        res = {"window_s": round(b["t"] - a["t"], 3), "mpps": rate / 1e6,
               "cycles_per_pkt": tsc / rate if rate > 0 else None,
               "busy_cycles_per_frame": None, "deliveries_mps": rate / 1e6,
               "lost_per_s": 0, "policy_drops_per_s": 0, "busy_loop_share": None,
               "drops_per_s": {}}
print(json.dumps(res))
PYEOF
}

# A guest on sockets "$@" (one virtio-user port each, MACs from $GEN), rxonly; log in $1.
start_guest() { # LOG MAC0 SOCK...
	local logf=$1 base=$2 args=() i=0 s
	shift 2
	for s in "$@"; do
		args+=(--vdev "net_virtio_user$i,path=$s,mac=$("$GEN" --print-macs -n $((i + 1)) --base "$base" | tail -n 1)")
		i=$((i + 1))
	done
	SEQ=$((SEQ + 1))
	start_logged "$logf" stdbuf -oL "$TESTPMD" --lcores 0@1,1@0 --no-huge -m 512 --no-shconf \
		--no-pci --file-prefix="${PREFIX}_g$SEQ" --log-level='*:warning' "${args[@]}" \
		-- --forward-mode=rxonly --no-flush-rx --total-num-mbufs=16384 --stats-period 1 \
		--auto-start
}

# One run with the program: N vifs on vhost sockets, one guest.
vhost_run_macvlan() { # PCAP N LOG GUESTLOG
	local pcap=$1 n=$2 logf=$3 glog=$4 cmds=$T/vhost.cmds prefix socks=() i pid gpid rc
	: >"$cmds"
	for ((i = 0; i < n; i++)); do
		socks+=("$T/v$i.sock")
		echo "link add link p0 name v$i type macvlan mode vepa address $("$GEN" --print-macs -n $((i + 1)) | tail -n 1) backend vhost $T/v$i.sock" >>"$cmds"
		echo "link set v$i up" >>"$cmds"
	done
	SEQ=$((SEQ + 1))
	prefix="${PREFIX}_$SEQ"
	start_logged "$logf" "$APP" -l 0-1 "${MEM_MV[@]}" --no-pci --file-prefix="$prefix" \
		--log-level='*:warning' --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" \
		-- --cmdline-file "$cmds" --stats-period 1 --ctl-socket none
	pid=$LAST_PID
	local dts=$TS_PID
	wait_for "$pid" "$logf" $'\tworker 0 ' 60
	rc=$?
	if [ $rc -eq 0 ]; then
		start_guest "$glog" 02:00:00:00:00:00 "${socks[@]}"
		gpid=$LAST_PID
		wait_for "$gpid" "$glog" 'Port statistics' 60 || rc=1
		sleep "$(awk -v a="$WARMUP" -v b="$WINDOW" 'BEGIN {print a + b + 1.5}')"
		stop "$gpid"
	fi
	TS_PID=$dts
	stop "$pid"
	rm -rf /var/run/dpdk/"$prefix"
	return $rc
}

# One run with the baseline: testpmd io from the pcap to a net_vhost port, the same guest.
vhost_run_testpmd() { # PCAP LOG GUESTLOG
	local pcap=$1 logf=$2 glog=$3 prefix pid gpid rc
	SEQ=$((SEQ + 1))
	prefix="${PREFIX}_$SEQ"
	rm -f "$T/tp.sock"
	start_logged "$logf" stdbuf -oL "$TESTPMD" -l 0-1 "${MEM_TP[@]}" --no-pci \
		--file-prefix="$prefix" --log-level='*:warning' \
		--vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev "net_vhost0,iface=$T/tp.sock" \
		-- --forward-mode=io --no-flush-rx --stats-period 1 --auto-start
	pid=$LAST_PID
	local dts=$TS_PID
	wait_for "$pid" "$logf" 'Port statistics' 60
	rc=$?
	if [ $rc -eq 0 ]; then
		start_guest "$glog" 02:00:00:00:00:00 "$T/tp.sock"
		gpid=$LAST_PID
		wait_for "$gpid" "$glog" 'Port statistics' 60 || rc=1
		sleep "$(awk -v a="$WARMUP" -v b="$WINDOW" 'BEGIN {print a + b + 1.5}')"
		stop "$gpid"
	fi
	TS_PID=$dts
	stop "$pid"
	rm -rf /var/run/dpdk/"$prefix"
	return $rc
}

vhost_config() { # NAME N WITH_BASELINE
	local name=$1 n=$2 base=$3 r res pcap=$T/$1.pcap
	[ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]] && return 0
	"$GEN" -o "$pcap" -s 64 -n "$n" -c "$COUNT" 2>/dev/null || return 1
	for ((r = 1; r <= RUNS; r++)); do
		log "[$name] run $r/$RUNS: dpdk-macvlan, $n vhost vif(s), guest rxonly"
		vhost_run_macvlan "$pcap" "$n" "$T/$name.mv.$r.log" "$T/$name.g.$r.log"
		res=$(guest_measure "$T/$name.g.$r.log")
		record perf "$name" macvlan "$r" 64 "$n" "unicast into vhost vifs, guest rxonly" "$res"
		log "[$name] run $r/$RUNS: ${res:0:160}"
		[ "$base" = 1 ] || continue
		log "[$name] run $r/$RUNS: dpdk-testpmd io to net_vhost, the same guest"
		vhost_run_testpmd "$pcap" "$T/$name.tp.$r.log" "$T/$name.tg.$r.log"
		res=$(guest_measure "$T/$name.tg.$r.log")
		record perf "$name" testpmd "$r" 64 "$n" "unicast into vhost vifs, guest rxonly" "$res"
		log "[$name] run $r/$RUNS: ${res:0:160}"
	done
	rm -f "$T/$name".*.log "$pcap"
}

vhost_bench() {
	vhost_config vhost64-1 1 1
	vhost_config vhost64-4 4 0
}
