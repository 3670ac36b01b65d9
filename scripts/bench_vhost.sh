#!/usr/bin/env bash
# The vhost-user rows of scripts/bench.sh (sourced by it; uses its helpers:
# start_logged, wait_for, stop, record, log, $GEN, $APP, $TESTPMD, $T, ...).
#
# vhost64-N: 64-byte frames from the wire (net_pcap, infinite_rx) into N
# vhost vifs whose guests only receive: dpdk-testpmd with net_virtio_user
# ports, rxonly (one process per 32 ports, the ethdev cap of Debian's DPDK;
# 64 vifs are two guest processes sharing one CPU). The figure is what the
# guests receive per second (their RX-packets), so their own cost is in it.
# vhost-tx64-N: the other way, guests txonly (64-byte frames to an external
# MAC; vepa vifs send them to the wire, a net_null sink); the figure is what
# the guests could send per second (their TX-packets: what the vifs took).
# Baseline in the same run, right after each run of the program:
# dpdk-testpmd io forwarding between the same wire and one net_vhost port,
# the same kind of guest on it. testpmd cannot split one source over N
# ports by MAC, so for N > 1 the ratio is against its one-port figure.
#
# Lcores: each program's forwarding lcore on its own CPU: dpdk-macvlan's
# worker (and the baseline's forwarding lcore) on CPU 1, the guest's on
# CPU 0 (its main lcore, which only prints stats, on CPU 1).

# The guest's receive rate from its timestamped --stats-period output: the
# RX-packets of all its ports, summed per stats block, over the window.
guest_measure() { # RX|TX LOG...
	"$PY3" - "$WARMUP" "$WINDOW" "$TSC_HZ" "$@" <<'PYEOF'
import json, re, sys
warmup, win, tsc = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
field, paths = sys.argv[4], sys.argv[5:]
nxt = {"RX": "RX-missed", "TX": "TX-errors"}[field]

def one(path):
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
        # the periodic NIC statistics only (not the forward statistics at exit)
        m = re.match(r"^\s*%s-packets:\s*(\d+)\s+%s:" % (field, nxt), s)
        if m and cur is not None:
            cur["rx"] += int(m[1])
            cur["n"] += 1
    if cur is not None and cur["n"] > 0:
        blocks.append(cur)
    if len(blocks) >= 2:
        first = [b for b in blocks if b["t"] >= blocks[0]["t"] + warmup - 0.2]
        if len(first) >= 2 and first[-1]["t"] - first[0]["t"] >= 0.5 * win:
            a, b = first[0], first[-1]
            return (b["rx"] - a["rx"]) / (b["t"] - a["t"]), b["t"] - a["t"]
    return None, len(blocks)

rate, wins = 0.0, []
for p in paths:
    r, w = one(p)
    if r is None:
        print(json.dumps({"error": "no steady window in %s (%d stats blocks)" % (p, w)}))
        sys.exit(0)
    rate += r
    wins.append(w)
print(json.dumps({"window_s": round(min(wins), 3), "mpps": rate / 1e6,
                  "cycles_per_pkt": tsc / rate if rate > 0 else None,
                  "busy_cycles_per_frame": None, "deliveries_mps": rate / 1e6,
                  "lost_per_s": 0, "policy_drops_per_s": 0, "busy_loop_share": None,
                  "drops_per_s": {}}))
PYEOF
}

# A guest on sockets "$@" (one virtio-user port each; port i gets MAC i +
# OFFSET of $GEN's list, as vif i + OFFSET), forwarding MODE: rxonly, or
# txonly towards EXT_PEER (what the vifs send goes to the wire); log in $1.
start_guest() { # LOG MODE OFFSET SOCK...
	local logf=$1 mode=$2 off=$3 args=() fwd=() i=0 s
	shift 3
	for s in "$@"; do
		args+=(--vdev "net_virtio_user$i,path=$s,mac=$("$GEN" --print-macs -n $((off + i + 1)) | tail -n 1)")
		[ "$mode" = txonly ] && fwd+=("--eth-peer=$i,$EXT_PEER")
		i=$((i + 1))
	done
	SEQ=$((SEQ + 1))
	start_logged "$logf" stdbuf -oL "$TESTPMD" --lcores 0@1,1@0 --no-huge -m 512 --no-shconf \
		--no-pci --file-prefix="${PREFIX}_g$SEQ" --log-level='*:warning' "${args[@]}" \
		-- --forward-mode="$mode" "${fwd[@]}" --no-flush-rx --total-num-mbufs=16384 \
		--stats-period 1 --auto-start
	GUEST_PREFIXES+=("${PREFIX}_g$SEQ")
}
EXT_PEER=02:00:00:00:ee:01
GUEST_PREFIXES=()

# Guests for sockets "$@", at most 32 ports per process (the ethdev cap of
# DPDK 22.11's build): their pids in GPIDS, logs LOG.0, LOG.1, ...
start_guests() { # LOG MODE SOCK...
	local logf=$1 mode=$2 k=0 off=0
	shift 2
	GPIDS=()
	GLOGS=()
	while [ $# -gt 0 ]; do
		local chunk=("${@:1:32}")
		start_guest "$logf.$k" "$mode" "$off" "${chunk[@]}"
		GPIDS+=("$LAST_PID:$TS_PID")
		GLOGS+=("$logf.$k")
		off=$((off + ${#chunk[@]}))
		shift "${#chunk[@]}"
		k=$((k + 1))
	done
}

# Wait until every guest prints stats (0), else 1.
wait_guests() {
	local g
	for ((g = 0; g < ${#GPIDS[@]}; g++)); do
		wait_for "${GPIDS[$g]%%:*}" "${GLOGS[$g]}" 'Port statistics' 60 || return 1
	done
	return 0
}

stop_guests() {
	local g
	for g in "${GPIDS[@]}"; do
		TS_PID=${g##*:}
		stop "${g%%:*}"
	done
	for g in "${GUEST_PREFIXES[@]}"; do rm -rf /var/run/dpdk/"$g"; done
	GUEST_PREFIXES=()
}

# The port of a run: the pcap source (rx: frames towards the guests) or a
# sink (tx: the guests send).
wire_vdev() { # rx|tx PCAP
	if [ "$1" = rx ]; then echo "net_pcap0,rx_pcap=$2,infinite_rx=1"; else echo "net_null0,no-rx=1"; fi
}
guest_mode() { if [ "$1" = rx ]; then echo rxonly; else echo txonly; fi; }

# Let the guests run for the window, stop them; 1 if one never printed stats.
guests_window() {
	local rc=0
	wait_guests || rc=1
	sleep "$(awk -v a="$WARMUP" -v b="$WINDOW" 'BEGIN {print a + b + 1.5}')"
	stop_guests
	return $rc
}

# One run with the program: N vifs on vhost sockets, their guests.
vhost_run_macvlan() { # rx|tx PCAP N LOG GUESTLOG
	local dir=$1 pcap=$2 n=$3 logf=$4 glog=$5 cmds=$T/vhost.cmds prefix socks=() i pid rc
	: >"$cmds"
	for ((i = 0; i < n; i++)); do
		socks+=("$T/v$i.sock")
		echo "link add link p0 name v$i type macvlan mode vepa address $("$GEN" --print-macs -n $((i + 1)) | tail -n 1) backend vhost $T/v$i.sock" >>"$cmds"
		echo "link set v$i up" >>"$cmds"
	done
	SEQ=$((SEQ + 1))
	prefix="${PREFIX}_$SEQ"
	start_logged "$logf" "$APP" -l 0-1 "${MEM_MV[@]}" --no-pci --file-prefix="$prefix" \
		--log-level='*:warning' --vdev "$(wire_vdev "$dir" "$pcap")" \
		-- --cmdline-file "$cmds" --stats-period 1 --ctl-socket none
	pid=$LAST_PID
	local dts=$TS_PID
	wait_for "$pid" "$logf" $'\tworker 0 ' 60
	rc=$?
	if [ $rc -eq 0 ]; then
		start_guests "$glog" "$(guest_mode "$dir")" "${socks[@]}"
		guests_window || rc=1
	fi
	TS_PID=$dts
	stop "$pid"
	rm -rf /var/run/dpdk/"$prefix"
	return $rc
}

# One run with the baseline: testpmd io between the wire (as above) and a
# net_vhost port, one guest on it.
vhost_run_testpmd() { # rx|tx PCAP LOG GUESTLOG
	local dir=$1 pcap=$2 logf=$3 glog=$4 prefix pid rc
	SEQ=$((SEQ + 1))
	prefix="${PREFIX}_$SEQ"
	rm -f "$T/tp.sock"
	start_logged "$logf" stdbuf -oL "$TESTPMD" -l 0-1 "${MEM_TP[@]}" --no-pci \
		--file-prefix="$prefix" --log-level='*:warning' \
		--vdev "$(wire_vdev "$dir" "$pcap")" --vdev "net_vhost0,iface=$T/tp.sock" \
		-- --forward-mode=io --no-flush-rx --stats-period 1 --auto-start
	pid=$LAST_PID
	local dts=$TS_PID
	wait_for "$pid" "$logf" 'Port statistics' 60
	rc=$?
	if [ $rc -eq 0 ]; then
		start_guests "$glog" "$(guest_mode "$dir")" "$T/tp.sock"
		guests_window || rc=1
	fi
	TS_PID=$dts
	stop "$pid"
	rm -rf /var/run/dpdk/"$prefix"
	return $rc
}

# The guests' figure with the program's own view of the same run: its
# drops (backend-full: a guest's ring had no room), the cycles its worker
# spent per frame and how busy its loop was.
with_app_side() { # GUEST_JSON APP_JSON
	"$PY3" -c 'import json, sys
g, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
if "error" not in g and "error" not in a:
    for k in ("drops_per_s", "lost_per_s", "policy_drops_per_s", "busy_cycles_per_frame",
              "busy_loop_share"):
        g[k] = a.get(k, g.get(k))
print(json.dumps(g))' "$1" "$2"
}

# The program's counters over the guests' window: its warm-up counts from
# the last guest's first stats, not from its own start.
app_measure() { # APP_LOG LAST_GUEST_LOG
	local t_app t_guest
	t_app=$(awk -F'\t' '$2 ~ /^worker 0 / {print $1; exit}' "$1")
	t_guest=$(awk -F'\t' '$2 ~ /Port statistics/ {print $1; exit}' "$2")
	"$PY3" "$PY" measure macvlan "$1" \
		"$(awk -v a="${t_app:-0}" -v g="${t_guest:-0}" -v w="$WARMUP" 'BEGIN {d = g - a; print (d > 0 ? d : 0) + w}')" \
		"$WINDOW" "$TSC_HZ"
}

# NAME rx|tx N: N vifs; the baseline (testpmd, one net_vhost port and one
# guest) runs right after each run of the program.
vhost_config() {
	local name=$1 dir=$2 n=$3 r res pcap=$T/$1.pcap what field
	[ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]] && return 0
	if [ "$dir" = rx ]; then
		"$GEN" -o "$pcap" -s 64 -n "$n" -c "$COUNT" 2>/dev/null || return 1
		what="unicast from the wire into vhost vifs, guests rxonly (guest RX/s)"
		field=RX
	else
		what="guests txonly to the wire, 64 B (guest TX/s)"
		field=TX
	fi
	[ "$n" -gt 1 ] && what="$what; baseline: testpmd with one net_vhost port"
	for ((r = 1; r <= RUNS; r++)); do
		log "[$name] run $r/$RUNS: dpdk-macvlan, $n vhost vif(s), $(guest_mode "$dir")"
		vhost_run_macvlan "$dir" "$pcap" "$n" "$T/$name.mv.$r.log" "$T/$name.g.$r.log"
		res=$(with_app_side "$(guest_measure "$field" "${GLOGS[@]}")" \
			"$(app_measure "$T/$name.mv.$r.log" "${GLOGS[-1]}")")
		record perf "$name" macvlan "$r" 64 "$n" "$what" "$res"
		log "[$name] run $r/$RUNS: ${res:0:160}"
		log "[$name] run $r/$RUNS: dpdk-testpmd io with net_vhost, the same kind of guest"
		vhost_run_testpmd "$dir" "$pcap" "$T/$name.tp.$r.log" "$T/$name.tg.$r.log"
		res=$(guest_measure "$field" "${GLOGS[@]}")
		record perf "$name" testpmd "$r" 64 "$n" "$what" "$res"
		log "[$name] run $r/$RUNS: ${res:0:160}"
	done
	[ -n "${KEEP_LOGS:-}" ] && cp "$T/$name".*.log* "$KEEP_LOGS"/ 2>/dev/null
	rm -f "$T/$name".*.log* "$pcap"
}

vhost_bench() {
	vhost_config vhost64-1 rx 1
	vhost_config vhost64-4 rx 4
	vhost_config vhost64-64 rx 64
	vhost_config vhost-tx64-1 tx 1
	vhost_config vhost-tx64-4 tx 4
}
