#!/usr/bin/env bash
# The datapath benchmark of dpdk-macvlan, against dpdk-testpmd in the same run.
#
#   scripts/bench.sh [--quick] [--json] [--runs N] [--vifs "4 64 1024 2048 4096"]
#                    [--warmup SEC] [--window SEC] [--no-tap] [--hugepages]
#                    [--only REGEX] [--app PATH --gen PATH]
#
# Source: net_pcap with infinite_rx=1 replaying a pcap written by test/gen_pcap
# (8192 frames, destination MACs cycling over the vifs). Each vif has the null
# backend, so the figure is the program's own cost. Baseline: dpdk-testpmd io
# forwarding from the same pcap to one net_null sink (no-rx=1), same lcores
# (-l 0-1: one forwarding lcore each), run right after each dpdk-macvlan run so
# that both see the same machine load; the ratio is the median of the per-run
# ratios.
#
# Configurations: uni64-N (64-byte unicast), mix64-N (64 bytes with 2.5%
# broadcast, 2.5% all-hosts multicast and 5% unknown unicast), uni1518-N
# (1518-byte unicast) for each N in --vifs; vhost64-1, -4, -64 (into
# vhost-user vifs whose virtio-user guests only receive) and vhost-tx64-1,
# -4 (guests that only send), against testpmd io forwarding with one
# net_vhost port and the same kind of guest: scripts/bench_vhost.sh;
# flood64 (64-byte broadcast to 64
# vifs, default bclim: through the broadcast queue) and flood64-direct (bclim
# -1: flooded in the receive path); uni64-1000-bridge and -noisy (unicast to
# 1000 bridge vifs, then with one more bridge vif replaying broadcasts
# without end: what one flooding tenant leaves the wire); memory in use (the rte_malloc heap, what
# hugepages would hold) for 0, 1, 64, 1024, 2048, 4096 vifs read with telemetry (/eal/heap_info,
# /eal/memzone_info); TAP vifs (frames/s into them, from them) when `backend
# tap` works. --hugepages adds hp-uni64-4 and hp-uni64-1024 (both programs on
# 2 MB hugepages, --in-memory) and measures the memory points on hugepages too
# (HugePages_Free before/after); it reserves 512 pages (and mounts hugetlbfs)
# when needed and puts both back on exit. Last, scripts/bench-memif.sh: memif
# vifs against dpdk-testpmd's net_memif to the same receiving peer (--only memif).
#
# Measure: each program prints its counters every second (--stats-period 1);
# every line is timestamped on arrival; after --warmup seconds of forwarding
# the rates are the counter differences between the first stats block after the
# warm-up and the last one (--window to --window + 1 s later) over the time
# between them.
# Cycles per packet = TSC Hz / packets per second of the one forwarding lcore.
#
# Output: progress on stderr; the table on stdout, or with --json a JSON
# document on stdout (and the table on stderr). --quick: 1 run, 1 s warm-up,
# 2 s windows. Default: 3 runs (median), 3 s warm-up, 5 s windows.
# Everything it starts is stopped and its temp files, EAL runtime dirs and
# network namespace are removed on exit.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

RUNS=3 WARMUP=3 WINDOW=5 JSON=0 TAP=1 ONLY="" APP="" GEN="" HUGE=0
VIFS_LIST="4 64 1024 2048 4096"
MEM_LIST="0 1 64 1024 2048 4096"
COUNT=8192 # frames per pcap (they stay in the mempool: keep < --mbufs)

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case $1 in
	--quick) RUNS=1 WARMUP=1 WINDOW=2 ;;
	--json) JSON=1 ;;
	--runs) RUNS=$2; shift ;;
	--vifs) VIFS_LIST=$2; shift ;;
	--warmup) WARMUP=$2; shift ;;
	--window) WINDOW=$2; shift ;;
	--no-tap) TAP=0 ;;
	--hugepages) HUGE=1 ;;
	--only) ONLY=$2; shift ;;
	--app) APP=$2; shift ;;
	--gen) GEN=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done

log() { printf '%s\n' "$*" >&2; }

source scripts/deps.sh
# python3 comes with the dpdk package (dpdk-telemetry.py); tcpreplay feeds TAP vifs
need_packages "${BUILD_PACKAGES[@]}" python3 coreutils tcpreplay >&2 || exit 1
PY3=/usr/bin/python3
TESTPMD=$(command -v dpdk-testpmd) || { log "bench.sh: dpdk-testpmd not found"; exit 1; }

if [ -z "$APP" ] || [ -z "$GEN" ]; then
	# an optimised tree of its own: the numbers are those of a release build
	BUILD=${BENCH_BUILD:-build-bench}
	if [ ! -d "$BUILD" ]; then
		meson setup "$BUILD" --buildtype=release >&2 || exit 1
	fi
	ninja -C "$BUILD" app/dpdk-macvlan test/gen_pcap >&2 || exit 1
	APP=$ROOT/$BUILD/app/dpdk-macvlan
	GEN=$ROOT/$BUILD/test/gen_pcap
fi

T=$(mktemp -d /tmp/mv-bench.XXXXXX)
PREFIX="mvbench$$"
NETNS="mvbench$$"
PIDS=()
SEQ=0
HP_SYSFS=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
HP_RESTORE="" HP_UMOUNT=0 HP_RMDIR=0
# EAL memory of each program: no hugepages unless a configuration asks for them
MEM_MV=(--no-huge -m 2048 --no-shconf)
MEM_TP=(--no-huge -m 1024 --no-shconf)

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -INT "$p" 2>/dev/null
	done
	sleep 0.5
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	ip netns del "$NETNS" 2>/dev/null
	[ -n "$HP_RESTORE" ] && echo "$HP_RESTORE" >"$HP_SYSFS" 2>/dev/null
	[ "$HP_UMOUNT" -eq 1 ] && umount /dev/hugepages 2>/dev/null
	[ "$HP_RMDIR" -eq 1 ] && rmdir /dev/hugepages 2>/dev/null
	rm -rf "$T" /var/run/dpdk/"$PREFIX"* /dev/hugepages/"$PREFIX"* 2>/dev/null
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the analyser: timestamps, parsing, telemetry, report ----
PY=$T/bench.py
cat >"$PY" <<'PYEOF'
import json, os, re, socket, statistics, sys, time

def ts():
    """Prefix every line of stdin with the monotonic time of its arrival."""
    out = sys.stdout
    for raw in sys.stdin.buffer:
        out.write("%.6f\t%s" % (time.monotonic(), raw.decode("utf-8", "replace")))
    out.flush()

def lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for l in f:
            t, _, text = l.rstrip("\n").partition("\t")
            try:
                yield float(t), text
            except ValueError:
                continue

# drops that mean "not forwarded because of load"; the others are the
# kernel's own rules (no receiver, the lower's stack that has no host side, ...)
LOST = {"vif-ring-full", "bc-queue-full", "backend-full", "wire-tx-full", "missed", "nombuf"}

def mv_blocks(path):
    """The stats blocks of dpdk-macvlan's `link stats` output."""
    blocks, cur, section = [], None, None
    for t, s in lines(path):
        if s == "p0:":
            cur = {"vif_rx": 0, "vif_rx_dropped": 0, "vif_tx": 0, "drops": {}}
            section = "port"
            continue
        if cur is None:
            continue
        m = re.match(r"^(\S+):$", s)
        if m:
            section = "vif"
            continue
        m = re.match(r"^    RX: packets (\d+) bytes (\d+) missed (\d+) nombuf (\d+)", s)
        if m and section == "port":
            cur["t"] = t
            cur["rx"], cur["rx_bytes"] = int(m[1]), int(m[2])
            cur["drops"]["missed"], cur["drops"]["nombuf"] = int(m[3]), int(m[4])
            continue
        m = re.match(r"^    TX: packets (\d+) bytes \d+ errors (\d+)", s)
        if m and section == "port":
            cur["tx"] = int(m[1])
            continue
        if s.startswith("    drops:") and section == "port":
            toks = s.split()[1:]
            for name, val in zip(toks[0::2], toks[1::2]):
                cur["drops"][name] = int(val)
            continue
        m = re.match(r"^    RX: packets (\d+) bytes \d+ multicast \d+ errors \d+ dropped (\d+)", s)
        if m and section == "vif":
            cur["vif_rx"] += int(m[1])
            cur["vif_rx_dropped"] += int(m[2])
            continue
        m = re.match(r"^    TX: packets (\d+) bytes \d+ dropped \d+", s)
        if m and section == "vif":
            cur["vif_tx"] += int(m[1])
            continue
        m = re.match(r"^worker \d+ \(lcore \d+\): frames (\d+) loops (\d+) busy (\d+) cycles/frame ([\d.]+)", s)
        if m:
            cur["frames"], cur["loops"], cur["busy"] = int(m[1]), int(m[2]), int(m[3])
            cur["busy_cycles"] = int(m[1]) * float(m[4])
            continue
        if s.startswith("mempool ") and "t" in cur and "frames" in cur:
            blocks.append(cur)
            cur = None
    return blocks

def tp_blocks(path):
    """The blocks of dpdk-testpmd's --stats-period output (port 0 rx, port 1 tx)."""
    blocks, cur, port = [], None, None
    for t, s in lines(path):
        if "Port statistics" in s:
            if cur and "rx" in cur and "tx" in cur:
                blocks.append(cur)
            cur, port = {"drops": {}}, None
            continue
        if cur is None:
            continue
        m = re.search(r"NIC statistics for port (\d+)", s)
        if m:
            port = int(m[1])
            continue
        m = re.match(r"^\s*RX-packets:\s*(\d+)\s+RX-missed:\s*(\d+)", s)
        if m and port == 0:
            cur["t"], cur["rx"] = t, int(m[1])
            cur["drops"]["missed"] = int(m[2])
            continue
        m = re.match(r"^\s*RX-nombuf:\s*(\d+)", s)
        if m and port == 0:
            cur["drops"]["nombuf"] = int(m[1])
            continue
        m = re.match(r"^\s*TX-packets:\s*(\d+)\s+TX-errors:\s*(\d+)", s)
        if m and port == 1:
            cur["tx"] = int(m[1])
            cur["drops"]["tx-errors"] = int(m[2])
    if cur and "rx" in cur and "tx" in cur:
        blocks.append(cur)
    return blocks

def window(blocks, warmup, win):
    if len(blocks) < 2:
        return None
    t0 = blocks[0]["t"]
    first = [b for b in blocks if b["t"] >= t0 + warmup - 0.2]
    if len(first) < 2:
        return None
    a, b = first[0], first[-1]
    dt = b["t"] - a["t"]
    if dt < 0.5 * win:
        return None
    return a, b, dt

def errors(path):
    return [s for _, s in lines(path) if "Error" in s or "error:" in s.lower()][:3]

def measure(kind, path, warmup, win, tsc_hz):
    blocks = mv_blocks(path) if kind == "macvlan" else tp_blocks(path)
    w = window(blocks, warmup, win)
    if w is None:
        err = errors(path)
        return {"error": err[0] if err else "no steady window (%d stats blocks)" % len(blocks)}
    a, b, dt = w
    rx = (b["rx"] - a["rx"]) / dt
    drops = {k: (b["drops"].get(k, 0) - a["drops"].get(k, 0)) / dt
             for k in set(a["drops"]) | set(b["drops"])}
    drops = {k: v for k, v in drops.items() if v > 0}
    r = {"window_s": round(dt, 3), "mpps": rx / 1e6,
         "cycles_per_pkt": tsc_hz / rx if rx > 0 else None,
         "drops_per_s": drops,
         "lost_per_s": sum(v for k, v in drops.items() if k in LOST),
         "policy_drops_per_s": sum(v for k, v in drops.items() if k not in LOST)}
    if kind == "macvlan":
        df = b["frames"] - a["frames"]
        r["busy_cycles_per_frame"] = (b["busy_cycles"] - a["busy_cycles"]) / df if df else None
        r["busy_loop_share"] = ((b["busy"] - a["busy"]) / (b["loops"] - a["loops"])
                                if b["loops"] > a["loops"] else None)
        r["deliveries_mps"] = (b["vif_rx"] - a["vif_rx"]) / dt / 1e6
        r["vif_tx_mps"] = (b["vif_tx"] - a["vif_tx"]) / dt / 1e6
        r["tx_mpps"] = (b["tx"] - a["tx"]) / dt / 1e6
    else:
        r["tx_mpps"] = (b["tx"] - a["tx"]) / dt / 1e6
    return r

def telemetry(prefix, free_before=None, want_zones=True):
    """Heap and memzone usage of a running DPDK process (EAL telemetry socket)."""
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    s.recv(16384)
    def q(cmd):
        s.send(cmd.encode())
        return json.loads(s.recv(1 << 20).decode())
    heap = q("/eal/heap_info,0")["/eal/heap_info"]
    zones = q("/eal/memzone_list")["/eal/memzone_list"]
    cats = {}
    for z in zones if want_zones else []:
        info = q("/eal/memzone_info,%d" % z)["/eal/memzone_info"]
        name = info["Name"]
        cat = ("vif rings" if name.startswith("RG_mv_vif_") else
               "mbuf pool" if name.startswith("MP_") else "other memzones")
        c = cats.setdefault(cat, {"count": 0, "bytes": 0})
        c["count"] += 1
        c["bytes"] += int(info["Length"])
    s.close()
    zone_bytes = sum(c["bytes"] for c in cats.values())
    hp = None
    if free_before is not None and free_before >= 0:
        for l in open("/proc/meminfo"):
            if l.startswith("HugePages_Free:"):
                hp = free_before - int(l.split()[1])
    return {"hugepages_used": hp, "heap_alloc_bytes": heap["Alloc_size"], "heap_size_bytes": heap["Heap_size"],
            "alloc_count": heap["Alloc_count"], "memzones": len(zones),
            "memzone_bytes": cats, "malloc_outside_memzones_bytes": heap["Alloc_size"] - zone_bytes}

def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None

def report(manifest, meta_path, as_json):
    meta = json.load(open(meta_path))
    recs = [json.loads(l) for l in open(manifest)]
    configs, order = {}, []
    for r in recs:
        if r["kind"] != "perf":
            continue
        c = configs.get(r["config"])
        if c is None:
            c = configs[r["config"]] = {"config": r["config"], "frame_size": r["size"],
                                        "vifs": r["vifs"], "traffic": r["traffic"],
                                        "runs": {"macvlan": [], "testpmd": []}}
            order.append(r["config"])
        c["runs"][r["tool"]].append(r["result"])
    results = []
    for name in order:
        c = configs[name]
        mv = [x for x in c["runs"]["macvlan"] if "error" not in x]
        tp = [x for x in c["runs"]["testpmd"] if "error" not in x]
        errs = [x["error"] for x in c["runs"]["macvlan"] + c["runs"]["testpmd"] if "error" in x]
        out = dict(c)
        if mv:
            out["macvlan"] = {k: med([x.get(k) for x in mv]) for k in
                              ("mpps", "cycles_per_pkt", "busy_cycles_per_frame", "deliveries_mps",
                               "lost_per_s", "policy_drops_per_s", "busy_loop_share")}
            keys = set().union(*[x["drops_per_s"].keys() for x in mv])
            out["macvlan"]["drops_per_s"] = {k: med([x["drops_per_s"].get(k, 0) for x in mv]) for k in sorted(keys)}
        if tp:
            out["testpmd"] = {k: med([x.get(k) for x in tp]) for k in ("mpps", "cycles_per_pkt", "lost_per_s")}
        pairs = [m["mpps"] / t["mpps"] for m, t in zip(c["runs"]["macvlan"], c["runs"]["testpmd"])
                 if "error" not in m and "error" not in t and t["mpps"] > 0]
        out["ratio"] = med(pairs)
        out["ratio_runs"] = pairs
        if errs:
            out["errors"] = errs
        results.append(out)
    mem = [r for r in recs if r["kind"] == "memory"]
    tap = [r for r in recs if r["kind"] == "tap"]
    doc = dict(meta)
    doc["results"] = results
    doc["memory"] = [dict(vifs=r["vifs"], eal_memory=("hugepages" if r["traffic"] == "--in-memory" else "--no-huge"),
                          **r["result"]) for r in mem]
    doc["tap"] = tap[0]["result"] if tap else {"skipped": "not run"}
    targets = []
    for name, want, what in (("uni64-1024", 0.9, ">= 0.9x testpmd at 1024 vifs, 64 B"),
                             ("mix64-4096", 0.8, ">= 0.8x testpmd at 4096 vifs, 5% broadcast mix")):
        r = next((x for x in results if x["config"] == name), None)
        got = r["ratio"] if r else None
        targets.append({"target": what, "config": name, "ratio": got,
                        "met": (got is not None and got >= want),
                        "note": (r.get("errors", [""])[0] if r and got is None else "")})
    doc["targets"] = targets
    table = format_table(doc)
    if as_json:
        print(json.dumps(doc, indent=1))
        sys.stderr.write(table)
    else:
        sys.stdout.write(table)

def f(v, fmt):
    return fmt % v if v is not None else "-"

def format_table(doc):
    o = []
    o.append("dpdk-macvlan datapath benchmark, %s, %s, %s runs (median), %s s windows\n"
             % (doc["date"], doc["machine"]["cpu"], doc["settings"]["runs"], doc["settings"]["window_s"]))
    o.append("%-18s %5s %8s %8s %8s %8s %9s %9s %8s %7s\n" % (
        "config", "vifs", "Mpps", "cyc/pkt", "lost%", "policy%", "deliv M/s", "tpmd Mpps", "tpmd cyc", "ratio"))
    for r in doc["results"]:
        mv, tp = r.get("macvlan"), r.get("testpmd")
        if mv is None:
            o.append("%-18s %5d  FAILED: %s\n" % (r["config"], r["vifs"], (r.get("errors") or ["?"])[0][:90]))
            continue
        rx = mv["mpps"] * 1e6
        o.append("%-18s %5d %8.2f %8.0f %8.2f %8.2f %9.2f %9s %8s %7s\n" % (
            r["config"], r["vifs"], mv["mpps"], mv["cycles_per_pkt"],
            100 * mv["lost_per_s"] / rx if rx else 0, 100 * mv["policy_drops_per_s"] / rx if rx else 0,
            mv["deliveries_mps"], f(tp and tp["mpps"], "%.2f"), f(tp and tp["cycles_per_pkt"], "%.0f"),
            f(r["ratio"], "%.3f")))
    if doc["memory"]:
        o.append("\nmemory in use (rte_malloc heap, from telemetry; 2M pages from /proc/meminfo on hugepages)\n")
        o.append("%6s %10s %10s %12s %12s %9s %14s\n" % ("vifs", "heap MiB", "mbuf pool", "rest MiB",
                 "KiB per vif", "memzones", "2M pages used"))
        for m in doc["memory"]:
            base = next((b for b in doc["memory"] if b["vifs"] == 0 and "error" not in b
                         and b["eal_memory"] == m["eal_memory"]), None)
            if "error" in m:
                o.append("%6d  FAILED: %s\n" % (m["vifs"], m["error"][:100]))
                continue
            pool = m["memzone_bytes"].get("mbuf pool", {}).get("bytes", 0)
            per = ((m["heap_alloc_bytes"] - base["heap_alloc_bytes"]) / m["vifs"] / 1024
                   if base and m["vifs"] else None)
            o.append("%6d %10.1f %10.1f %12.1f %12s %9d %14s %s\n" % (
                m["vifs"], m["heap_alloc_bytes"] / 2**20, pool / 2**20,
                (m["heap_alloc_bytes"] - pool) / 2**20, f(per, "%.2f"), m["memzones"],
                f(m.get("hugepages_used"), "%d"), m["eal_memory"]))
    tap = doc["tap"]
    o.append("\nTAP vifs: ")
    if "skipped" in tap:
        o.append("skipped: %s\n" % tap["skipped"])
    else:
        o.append("into 4 TAP vifs %s Mfps (lost %s/s); from 1 TAP vif %s Mfps (generator: %s)\n" % (
            f(tap.get("into_mfps"), "%.3f"), f(tap.get("into_lost_per_s"), "%.0f"),
            f(tap.get("from_mfps"), "%.3f"), tap.get("generator", "-")))
    o.append("\nMpps: frames received from the wire per second; cyc/pkt: TSC cycles (%.0f MHz) of the one\n"
             "forwarding lcore per received frame; lost%%: drops for load (ring, queue or backend full,\n"
             "missed, nombuf); policy%%: frames the kernel's rules send nowhere here (unknown unicast and\n"
             "the lower's copy of group frames go to the lower's own stack, not modelled yet);\n"
             "deliv M/s: frames handed to vifs; ratio: median of the per-run macvlan/testpmd ratios.\n"
             % (doc["machine"]["tsc_hz"] / 1e6))
    o.append("\ntargets:\n")
    for t in doc["targets"]:
        o.append("  %-55s ratio %s: %s %s\n" % (t["target"], f(t["ratio"], "%.3f"),
                 "met" if t["met"] else "NOT met", t["note"][:80]))
    return "".join(o)

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "ts":
        ts()
    elif cmd == "measure":
        kind, path, warmup, win, tsc = sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
        print(json.dumps(measure(kind, path, warmup, win, tsc)))
    elif cmd == "telemetry":
        try:
            print(json.dumps(telemetry(sys.argv[2], int(sys.argv[3]))))
        except Exception as e:
            print(json.dumps({"error": "telemetry: %s" % e}))
    elif cmd == "errors":
        print(json.dumps({"error": (errors(sys.argv[2]) or [sys.argv[3]])[0]}))
    elif cmd == "report":
        report(sys.argv[2], sys.argv[3], sys.argv[4] == "1")
PYEOF

MANIFEST=$T/manifest.jsonl
: >"$MANIFEST"
TSC_HZ=$(awk '/^cpu MHz/ {printf "%.0f", $4 * 1e6; exit}' /proc/cpuinfo)
[ -n "$TSC_HZ" ] || TSC_HZ=2000000000

# Start "$@" with every output line timestamped into LOG; sets LAST_PID.
start_logged() {
	local logf=$1 fifo
	shift
	SEQ=$((SEQ + 1))
	fifo=$T/fifo.$SEQ
	mkfifo "$fifo"
	"$PY3" "$PY" ts <"$fifo" >"$logf" &
	PIDS+=($!)
	TS_PID=$!
	"$@" >"$fifo" 2>&1 </dev/null &
	LAST_PID=$!
	PIDS+=($LAST_PID)
}

# Wait until LOG matches PATTERN (0), the process died (1) or TIMEOUT s passed (2).
wait_for() {
	local pid=$1 logf=$2 pattern=$3 timeout=$4 i
	for ((i = 0; i < timeout * 10; i++)); do
		grep -Eq "$pattern" "$logf" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 2
}

# Stop a process with SIGINT (SIGKILL after 15 s), then its timestamper.
stop() {
	local pid=$1 i
	kill -INT "$pid" 2>/dev/null
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	wait "$TS_PID" 2>/dev/null
}

# The vif setup of dpdk-macvlan: N vifs, vepa, backend null (or tap in NETNS).
# The vifs' mode is $VIF_MODE (vepa); with $NOISY_PCAP one more bridge vif,
# a net_pcap vdev replaying that pcap (broadcasts) without end.
write_cmds() {
	local file=$1 n=$2 extra=$3 backend=${4:-null}
	: >"$file"
	[ "$n" -gt 0 ] || return 0
	"$GEN" --print-macs -n "$n" | awk -v extra="$extra" -v be="$backend" -v mode="${VIF_MODE:-vepa}" '{
		printf "link add link p0 name v%d type macvlan mode %s address %s%s backend %s\n",
			NR - 1, mode, $1, (NR == 1 ? extra : ""), be
		printf "link set v%d up\n", NR - 1 }' >"$file"
	if [ -n "${NOISY_PCAP:-}" ]; then
		echo "link add link p0 name vnoisy type macvlan mode bridge backend vdev net_pcap1,rx_pcap=$NOISY_PCAP,infinite_rx=1,tx_pcap=/dev/null"
		echo "link set vnoisy up"
	fi >>"$file"
}

setup_timeout() { echo $((60 + $1 / 10)); }

# One dpdk-macvlan run: PCAP CMDS N LOG [APP_ARGS]
run_macvlan() {
	local pcap=$1 cmds=$2 n=$3 logf=$4 app_args=${5:-} prefix
	SEQ=$((SEQ + 1))
	prefix="${PREFIX}_$SEQ"
	start_logged "$logf" "$APP" -l 0-1 "${MEM_MV[@]}" --no-pci \
		--file-prefix="$prefix" --log-level='*:warning' \
		--vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" \
		-- --cmdline-file "$cmds" --stats-period 1 ${app_args:+$app_args}
	local pid=$LAST_PID rc
	wait_for "$pid" "$logf" $'\tworker 0 ' "$(setup_timeout "$n")"
	rc=$?
	if [ $rc -eq 0 ]; then
		sleep "$(awk -v a="$WARMUP" -v b="$WINDOW" 'BEGIN {print a + b + 1.5}')"
	fi
	stop "$pid"
	rm -rf /var/run/dpdk/"$prefix"
	return $rc
}

# One dpdk-testpmd run: PCAP LOG
run_testpmd() {
	local pcap=$1 logf=$2 prefix rc
	SEQ=$((SEQ + 1))
	prefix="${PREFIX}_$SEQ"
	start_logged "$logf" stdbuf -oL "$TESTPMD" -l 0-1 "${MEM_TP[@]}" --no-pci \
		--file-prefix="$prefix" --log-level='*:warning' \
		--vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev net_null1,no-rx=1 \
		-- --forward-mode=io --no-flush-rx --stats-period 1 --auto-start
	local pid=$LAST_PID
	wait_for "$pid" "$logf" 'Port statistics' 60
	rc=$?
	if [ $rc -eq 0 ]; then
		sleep "$(awk -v a="$WARMUP" -v b="$WINDOW" 'BEGIN {print a + b + 1.5}')"
	fi
	stop "$pid"
	rm -rf /var/run/dpdk/"$prefix"
	return $rc
}

record() { # KIND CONFIG TOOL RUN SIZE VIFS TRAFFIC RESULT_JSON
	"$PY3" -c 'import json, sys
k, c, tool, run, size, vifs, traffic, res = sys.argv[1:]
print(json.dumps({"kind": k, "config": c, "tool": tool, "run": int(run), "size": int(size),
                  "vifs": int(vifs), "traffic": traffic, "result": json.loads(res)}))' "$@" >>"$MANIFEST"
}

measure() { "$PY3" "$PY" measure "$1" "$2" "$WARMUP" "$WINDOW" "$TSC_HZ"; }

# ---- one configuration: RUNS x (dpdk-macvlan, then dpdk-testpmd) ----
perf_config() { # NAME SIZE N TRAFFIC GENARGS [EXTRA_VIF_ARGS [APP_ARGS]]
	local name=$1 size=$2 n=$3 traffic=$4 genargs=$5 extra=${6:-} app_args=${7:-} r res
	[ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]] && return 0
	local pcap=$T/$name.pcap cmds=$T/$name.cmds
	# shellcheck disable=SC2086
	"$GEN" -o "$pcap" -s "$size" -n "$n" -c "$COUNT" $genargs 2>/dev/null || return 1
	write_cmds "$cmds" "$n" "$extra"
	for ((r = 1; r <= RUNS; r++)); do
		log "[$name] run $r/$RUNS: dpdk-macvlan"
		run_macvlan "$pcap" "$cmds" "$n" "$T/$name.mv.$r.log" "$app_args"
		res=$(measure macvlan "$T/$name.mv.$r.log")
		record perf "$name" macvlan "$r" "$size" "$n" "$traffic" "$res"
		log "[$name] run $r/$RUNS: ${res:0:160}"
		if [[ $res == *'"error"'* ]]; then
			break # a setup that fails once fails every time (e.g. too many vifs)
		fi
		log "[$name] run $r/$RUNS: dpdk-testpmd"
		run_testpmd "$pcap" "$T/$name.tp.$r.log"
		res=$(measure testpmd "$T/$name.tp.$r.log")
		record perf "$name" testpmd "$r" "$size" "$n" "$traffic" "$res"
		log "[$name] run $r/$RUNS: ${res:0:160}"
	done
	rm -f "$T/$name".*.log "$pcap"
}

# ---- memory: heap in use with N vifs, read through telemetry ----
memory_point() { # N
	local n=$1 pcap=$T/mem.pcap cmds=$T/mem$1.cmds logf=$T/mem$1.log prefix rc res free=-1
	[ -f "$pcap" ] || "$GEN" -o "$pcap" -s 64 -n 4 -c "$COUNT" 2>/dev/null
	write_cmds "$cmds" "$n" ""
	SEQ=$((SEQ + 1))
	prefix="${PREFIX}_$SEQ"
	log "[memory] $n vifs"
	[ "${MEM_MV[0]}" = --in-memory ] && free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
	start_logged "$logf" "$APP" -l 0-1 "${MEM_MV[@]}" --no-pci \
		--file-prefix="$prefix" --log-level='*:warning' \
		--vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" \
		-- --cmdline-file "$cmds" --stats-period 1
	local pid=$LAST_PID
	wait_for "$pid" "$logf" $'\tworker 0 ' "$(setup_timeout "$n")"
	rc=$?
	if [ $rc -eq 0 ]; then
		res=$("$PY3" "$PY" telemetry "$prefix" "$free")
	else
		res=$("$PY3" "$PY" errors "$logf" "setup did not finish")
	fi
	stop "$pid"
	rm -rf /var/run/dpdk/"$prefix"
	record memory memory macvlan 1 64 "$n" "${MEM_MV[0]}" "$res"
	log "[memory] $n vifs: ${res:0:160}"
}

# ---- TAP vifs: frames/s into them (from the wire) and from them ----
tap_bench() {
	local res into="" from="" gen="" cmds=$T/tap.cmds logf=$T/tap.log why=""
	if [ "$TAP" -eq 0 ]; then
		why="--no-tap"
	elif ! ip netns add "$NETNS" 2>/dev/null; then
		why="cannot create a network namespace"
	fi
	if [ -z "$why" ]; then
		# into: 64-byte unicast from the wire to 4 TAP vifs in their own netns
		"$GEN" -o "$T/tap_in.pcap" -s 64 -n 4 -c "$COUNT" 2>/dev/null
		write_cmds "$cmds" 4 "" "tap netns $NETNS"
		log "[tap] into 4 TAP vifs"
		if run_macvlan "$T/tap_in.pcap" "$cmds" 4 "$logf"; then
			into=$(measure macvlan "$logf")
		else
			why="backend tap does not work here: $(grep -m1 -E 'Error|error' "$logf" | cut -f2-)"
		fi
	fi
	if [ -z "$why" ]; then
		# from: tcpreplay sends 64-byte frames out of one TAP vif (to the wire);
		# the port is net_null without rx, so the worker only reads the TAP
		local prefix pid tr_pid
		"$GEN" -o "$T/tap_out.pcap" -s 64 -n 1 -c 1024 --base 02:00:00:fe:00:01 \
			--src 02:00:00:00:00:00 2>/dev/null
		write_cmds "$cmds" 1 "" "tap netns $NETNS"
		SEQ=$((SEQ + 1))
		prefix="${PREFIX}_$SEQ"
		log "[tap] from 1 TAP vif (tcpreplay)"
		start_logged "$T/tap_from.log" "$APP" -l 0-1 "${MEM_MV[@]}" --no-pci \
			--file-prefix="$prefix" --log-level='*:warning' --vdev net_null0,no-rx=1 \
			-- --cmdline-file "$cmds" --stats-period 1
		pid=$LAST_PID
		if wait_for "$pid" "$T/tap_from.log" $'\tworker 0 ' 60 && command -v tcpreplay >/dev/null; then
			ip netns exec "$NETNS" taskset -c 0 tcpreplay --topspeed --loop=0 --preload-pcap \
				-i v0 "$T/tap_out.pcap" >"$T/tcpreplay.log" 2>&1 &
			tr_pid=$!
			PIDS+=($tr_pid)
			sleep "$(awk -v a="$WARMUP" -v b="$WINDOW" 'BEGIN {print a + b + 2.5}')"
			kill -INT "$tr_pid" 2>/dev/null
			wait "$tr_pid" 2>/dev/null
			gen="tcpreplay $(grep -m1 -oE 'Rated: [0-9.]+ Bps, [0-9.]+ Mbps, [0-9.]+ pps' "$T/tcpreplay.log" |
				grep -oE '[0-9.]+ pps$')"
		fi
		stop "$pid"
		rm -rf /var/run/dpdk/"$prefix"
		from=$(measure macvlan "$T/tap_from.log")
	fi
	res=$("$PY3" -c 'import json, sys
why, into, frm, gen = sys.argv[1:]
if why:
    print(json.dumps({"skipped": why}))
else:
    i = json.loads(into); f = json.loads(frm)
    print(json.dumps({"into_mfps": i.get("deliveries_mps"), "into_lost_per_s": i.get("lost_per_s"),
                      "into_wire_mpps": i.get("mpps"), "into_detail": i,
                      "from_mfps": f.get("vif_tx_mps"), "from_detail": f,
                      "generator": gen or "tcpreplay unavailable"}))' "$why" "$into" "$from" "$gen")
	record tap tap macvlan 1 64 4 unicast "$res"
	log "[tap] ${res:0:200}"
}

# ---- the run ----
log "bench.sh: $APP vs $TESTPMD, runs $RUNS, warm-up ${WARMUP}s, window ${WINDOW}s, temp $T"
"$PY3" -c 'import json, sys, platform, time
cpu = "unknown"
for l in open("/proc/cpuinfo"):
    if l.startswith("model name"):
        cpu = l.split(":", 1)[1].strip(); break
print(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    "machine": {"cpu": cpu, "cpus": len(open("/proc/cpuinfo").read().split("processor")) - 1,
                "tsc_hz": int(sys.argv[1]), "kernel": platform.release(),
                "loadavg_at_start": open("/proc/loadavg").read().split()[:3]},
    "dpdk": sys.argv[2],
    "settings": {"runs": int(sys.argv[3]), "warmup_s": float(sys.argv[4]), "window_s": float(sys.argv[5]),
                 "lcores": "0-1 (main + one forwarding lcore)", "pcap_frames": int(sys.argv[6]),
                 "app": sys.argv[7]},
    "source": sys.argv[8]}))' \
	"$TSC_HZ" "$(dpkg-query -W -f='${Version}' dpdk 2>/dev/null)" "$RUNS" "$WARMUP" "$WINDOW" \
	"$COUNT" "$APP" "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)" >"$T/meta.json"

for n in $VIFS_LIST; do
	perf_config "uni64-$n" 64 "$n" unicast ""
done
for n in $VIFS_LIST; do
	perf_config "mix64-$n" 64 "$n" "mix: 2.5% bcast, 2.5% mcast, 5% unknown" "-b 2.5 -m 2.5 -u 5"
done
for share in 10 100; do
	perf_config "mix64-4096-share$share" 64 4096 \
		"mix: 2.5% bcast, 2.5% mcast, 5% unknown; --flood-share $share" "-b 2.5 -m 2.5 -u 5" "" \
		"--flood-share $share"
done
for n in $VIFS_LIST; do
	perf_config "uni1518-$n" 1518 "$n" unicast ""
done
perf_config flood64 64 64 "100% broadcast" "-b 100"
# one tenant flooding: unicast from the wire to 1000 bridge vifs, without and
# with a bridge vif replaying broadcasts without end (paced to its share)
if [ -z "$ONLY" ] || [[ uni64-1000-bridge =~ $ONLY ]]; then
	"$GEN" -o "$T/noisy.pcap" -s 64 -n 1 -c 64 -b 100 2>/dev/null
	VIF_MODE=bridge perf_config uni64-1000-bridge 64 1000 "unicast, bridge vifs" ""
	VIF_MODE=bridge NOISY_PCAP=$T/noisy.pcap perf_config uni64-1000-bridge-noisy 64 1000 \
		"unicast, bridge vifs, one bridge vif flooding broadcasts" ""
fi
perf_config flood64-direct 64 64 "100% broadcast, bclim -1" "-b 100" " bclim -1"
if [ -z "$ONLY" ] || [[ memory =~ $ONLY ]]; then
	for n in $MEM_LIST; do memory_point "$n"; done
fi
if [ -z "$ONLY" ] || [[ tap =~ $ONLY ]]; then
	tap_bench
fi
# vhost-user vifs with a virtio-user guest (scripts/bench_vhost.sh)
source scripts/bench_vhost.sh
vhost_bench
# on 2 MB hugepages: reserve what is missing, run, give it back (cleanup)
if [ "$HUGE" -eq 1 ]; then
	if ! mount | grep -q 'on /dev/hugepages type hugetlbfs'; then
		[ -d /dev/hugepages ] || HP_RMDIR=1
		mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages && HP_UMOUNT=1
	fi
	hp_free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
	if [ "${hp_free:-0}" -lt 512 ]; then
		HP_RESTORE=$(cat "$HP_SYSFS")
		echo $((HP_RESTORE + 512 - hp_free)) >"$HP_SYSFS"
	fi
	MEM_MV=(--in-memory)
	MEM_TP=(--in-memory -m 512)
	perf_config hp-uni64-4 64 4 "unicast, hugepages" ""
	perf_config hp-uni64-1024 64 1024 "unicast, hugepages" ""
	if [ -z "$ONLY" ] || [[ memory =~ $ONLY ]]; then
		for n in $MEM_LIST; do memory_point "$n"; done
	fi
fi
"$PY3" "$PY" report "$MANIFEST" "$T/meta.json" "$JSON"
# memif vifs against testpmd's net_memif, same run (scripts/bench-memif.sh)
if [ -z "$ONLY" ] || [[ memif =~ $ONLY ]]; then
	log "== memif (scripts/bench-memif.sh)"
	if [ "$JSON" -eq 1 ]; then
		scripts/bench-memif.sh --runs "$RUNS" --warmup "$WARMUP" --window "$WINDOW" \
			--app "$APP" --gen "$GEN" >&2
	else
		scripts/bench-memif.sh --runs "$RUNS" --warmup "$WARMUP" --window "$WINDOW" \
			--app "$APP" --gen "$GEN"
	fi
fi
