#!/usr/bin/env bash
# Soak test: the program under mixed traffic and constant change for a while.
#
#   p0  replays without end unicast to four stable vifs (null, private and
#       vepa) and a stable TAP vif, unknown unicast, runts, frames above the
#       MTU and tagged frames; its vifs flap (link set down/up), the TAP's
#       netdev flaps from its namespace, the port flaps;
#   p1  replays without end broadcasts, multicast and unicast to the vifs
#       that come and go on it: null and vdev vifs added and deleted, TAP
#       vifs whose netdev is set down/up and deleted from the namespace, TAP
#       vifs whose namespace is deleted, a vhost vif whose guest (dpdk-testpmd
#       net_virtio_user) is killed and restarted; the port flaps.
#
# Checked: the program never dies; its RSS (VmRSS, sampled every 5 s) grows
# by at most RSS_SLACK_KB (default 16384) over the highest sample of the
# first third of the run (heaps and the mempool's pages are touched by then);
# at the end, with forwarding stopped, received = delivered + named drops on
# p0 and its stable vifs (their counters live the whole run; p1's vifs come
# and go, and its floods count once per receiver); after quit: exit 0, the
# mempool full, no sanitizer report or crash in the log.
#
# Usage: soak.sh [--duration SEC] [--app PATH]  (default 600 s, build/app/dpdk-macvlan)
# Runs as root; e2e runs share the machine: wrap in flock /tmp/mv-e2e.lock.
set -u
cd "$(dirname "$0")/.." || exit 1
duration=600
app=build/app/dpdk-macvlan
while [ $# -gt 0 ]; do
	case "$1" in
	--duration)
		duration=$2
		shift
		;;
	--app)
		app=$2
		shift
		;;
	*)
		echo "usage: soak.sh [--duration SEC] [--app PATH]" >&2
		exit 2
		;;
	esac
	shift
done
RSS_SLACK_KB=${RSS_SLACK_KB:-16384}
TESTPMD=${TESTPMD:-dpdk-testpmd}
source test/e2e/lib.sh
source test/e2e/stats.sh

NS0="mvsk0$$" NS1="mvsk1$$"
app_pid="" guest_pid="" log="$E2E_TMP/soak.log"
stop_all() {
	[ -n "$guest_pid" ] && kill -KILL "$guest_pid" 2>/dev/null && wait "$guest_pid" 2>/dev/null
	[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	guest_pid="" app_pid=""
	exec 3>&- 2>/dev/null
	return 0
}
trap 'stop_all; e2e_cleanup' EXIT
trap '' PIPE

# The two wires' traffic: write_pcaps P0_FILE P1_FILE.
write_pcaps() {
	python3 - "$1" "$2" <<'EOF'
import struct, sys
def pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, b in enumerate(frames):
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(b), len(b)) + b)
mac = lambda s: bytes.fromhex(s.replace(":", ""))
ext = mac("02:00:00:00:0e:01")
def eth(dst, n, tag=False):
    h = mac(dst) + ext + ((b"\x81\x00\x00\x05") if tag else b"") + b"\x88\xb5"
    return h + bytes(max(0, n - len(h)))
stable = ["02:00:00:5a:00:0%d" % i for i in range(5)]
p0 = []
for i in range(64):
    p0.append(eth(stable[i % 5], 60 + (i * 37) % 1400))
p0 += [eth("02:00:00:5a:ff:ff", 100), eth(stable[0], 2000), b"\x02" * 10,
       eth(stable[1], 64, tag=True), eth(stable[2], 1522)]
p1 = [eth("ff:ff:ff:ff:ff:ff", 64), eth("01:00:5e:00:00:01", 64), eth("33:33:00:00:00:01", 90)]
p1 += [eth("02:00:00:5b:00:%02x" % i, 64 + i) for i in range(32)]
pcap(sys.argv[1], p0)
pcap(sys.argv[2], p1)
EOF
}

# The vhost guest: a testpmd forwarding between an empty pcap and the vif's socket.
guest_start() {
	[ -n "$have_testpmd" ] || return 0
	"$TESTPMD" --no-pci --no-huge --no-shconf -m 256 --file-prefix "${E2E_PREFIX}g" -l 0-1 \
		--vdev "net_pcap0,rx_pcap=$E2E_TMP/empty.pcap,tx_pcap=/dev/null" \
		--vdev "net_virtio_user0,path=$E2E_TMP/cv.sock,mac=02:00:00:5b:00:1f" -- \
		--no-flush-rx --total-num-mbufs=2048 --forward-mode=io --stats-period 5 \
		>"$E2E_TMP/guest.log" 2>&1 &
	guest_pid=$!
}
guest_restart() {
	[ -n "$guest_pid" ] && kill -KILL "$guest_pid" 2>/dev/null && wait "$guest_pid" 2>/dev/null
	guest_pid=""
	guest_start
	guest_restarts=$((guest_restarts + 1))
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$app_pid/status" 2>/dev/null; }

# One step of churn (step number $1): each kind of change at its own period.
churn() {
	local s=$1 c k
	c=$((s % 16))
	cmd "link add link p1 name c$c type macvlan mode bridge address 02:00:00:5b:00:$(printf %02x $c) backend null"
	cmd "link set c$c up"
	cmd "link del c$(((s + 8) % 16))"
	if ((s % 3 == 0)); then
		k=$((s % 6 / 3 + 2))
		cmd "link del vd$k"
		cmd "link add link p1 name vd$k type macvlan mode bridge backend vdev net_pcap$k,rx_pcap=$E2E_TMP/empty.pcap,tx_pcap=/dev/null"
		cmd "link set vd$k up"
	fi
	case $((s % 8)) in
	0) cmd "link set s1 down" ;;
	1) cmd "link set s1 up" ;;
	2) ip -n "$NS0" link set st down 2>/dev/null ;;
	3) ip -n "$NS0" link set st up 2>/dev/null ;;
	4) # a TAP vif on p1, its netdev flapped, then deleted from the namespace
		cmd "link add link p1 name ct type macvlan mode bridge backend tap ifname ct netns $NS1"
		cmd "link set ct up" ;;
	5) ip -n "$NS1" link set ct down 2>/dev/null && ip -n "$NS1" link set ct up 2>/dev/null ;;
	6) ip -n "$NS1" link del ct 2>/dev/null ;;
	7) cmd "link del ct" ;;
	esac
	case $((s % 20)) in
	9) # a TAP vif whose namespace goes away (the vif goes with it)
		ip netns add "${NS1}x" && cmd "link add link p1 name cn type macvlan mode vepa backend tap netns ${NS1}x" &&
			cmd "link set cn up" ;;
	12) ip netns del "${NS1}x" 2>/dev/null && netns_dels=$((netns_dels + 1)) ;;
	14) cmd "link set p1 down" ;;
	15) cmd "link set p1 up" ;;
	17) cmd "link set p0 down" ;;
	18) cmd "link set p0 up" ;;
	esac
	((s % 15 == 7)) && guest_restart
	return 0
}

for ns in "$NS0" "$NS1"; do
	ip netns add "$ns" || { fail "soak: cannot create netns $ns"; exit 1; }
	E2E_NETNS+=("$ns")
done
E2E_NETNS+=("${NS1}x")
have_testpmd=""
command -v "$TESTPMD" >/dev/null && have_testpmd=1 || skip "soak: no $TESTPMD: no guest reconnects"
write_pcaps "$E2E_TMP/p0.pcap" "$E2E_TMP/p1.pcap"
python3 -c 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))' "$E2E_TMP/empty.pcap"
{
	echo "link add link p0 name s0 type macvlan mode private address 02:00:00:5a:00:00 backend null"
	echo "link add link p0 name s1 type macvlan mode vepa address 02:00:00:5a:00:01 backend null"
	echo "link add link p0 name s2 type macvlan mode private address 02:00:00:5a:00:02 backend null"
	echo "link add link p0 name s3 type macvlan mode vepa address 02:00:00:5a:00:03 backend null"
	echo "link add link p0 name st type macvlan mode private address 02:00:00:5a:00:04 backend tap ifname st netns $NS0"
	echo "link add link p1 name cv type macvlan mode bridge address 02:00:00:5b:00:1e backend vhost $E2E_TMP/cv.sock"
	for v in s0 s1 s2 s3 st cv; do echo "link set $v up"; done
} >"$E2E_TMP/soak.setup"
mkfifo "$E2E_TMP/ctl"
# shellcheck disable=SC2046
"$app" $(e2e_eal s) --vdev "net_pcap0,rx_pcap=$E2E_TMP/p0.pcap,infinite_rx=1,tx_pcap=/dev/null" \
	--vdev "net_pcap1,rx_pcap=$E2E_TMP/p1.pcap,infinite_rx=1,tx_pcap=/dev/null" \
	-- -i --cmdline-file "$E2E_TMP/soak.setup" <"$E2E_TMP/ctl" >"$log" 2>&1 &
app_pid=$!
exec 3>"$E2E_TMP/ctl"
if ! wait_output 0 '^dpdk-macvlan: ' 60; then
	fail "soak: no start: $(tail -n 5 "$log")"
	e2e_summary soak
	exit 1
fi
guest_restarts=0 netns_dels=0
guest_start
t0=$(date +%s) step=0 rss_base=0 rss_max=0 samples=0 died=""
while (($(date +%s) - t0 < duration)); do
	churn "$step"
	step=$((step + 1))
	sleep 0.5
	if ! alive; then
		died=1
		break
	fi
	if ((step % 10 == 0)); then
		r=$(rss_kb)
		samples=$((samples + 1))
		if (($(date +%s) - t0 < duration / 3)); then
			((r > rss_base)) && rss_base=$r
		else
			((r > rss_max)) && rss_max=$r
		fi
	fi
done
echo "soak: $step steps in $(($(date +%s) - t0)) s, $guest_restarts guest restarts, $netns_dels netns deletions; RSS $rss_base kB after the first third, at most $rss_max kB after ($samples samples)"
if [ -n "$died" ]; then
	fail "soak: the program died at step $step: $(tail -n 20 "$log")"
	e2e_summary soak
	exit 1
fi
ok "soak: alive after $step steps of churn"
((rss_max <= rss_base + RSS_SLACK_KB)) &&
	ok "soak: RSS flat ($rss_base -> at most $rss_max kB, slack $RSS_SLACK_KB)" ||
	fail "soak: RSS grew from $rss_base to $rss_max kB (slack $RSS_SLACK_KB)"
# the guest, restarted $guest_restarts times, is attached again
if [ -n "$have_testpmd" ]; then
	for ((i = 0; i < 20; i++)); do
		off=$(stat -c %s "$log")
		cmd "link show cv"
		wait_output "$off" '^    vhost socket ' 10
		tail -c +$((off + 1)) "$log" | grep -q '^    vhost socket .* connected yes guest ready' && break
		sleep 0.5
	done
	((i < 20)) && ok "soak: the guest is attached again after $guest_restarts restarts" ||
		fail "soak: the guest did not come back: $(tail -c +$((off + 1)) "$log" | grep 'vhost socket')"
fi
# p0 and its stable vifs: received = delivered + named drops
cmd "stop"
sleep 0.5
if stats; then
	read -r in_ out drops < <(tail -c +$((stats_off + 1)) "$log" |
		awk '/^(p1|c[0-9]+|vd[0-9]|ct|cn|cv):$/ { skip = 1; next } /^[^ ]/ { skip = 0 } !skip' |
		log=/dev/stdin stats_off=0 accounting)
	[ "$in_" -gt 0 ] && [ "$in_" -eq $((out + drops)) ] &&
		ok "soak: p0 received $in_ = delivered $out + named drops $drops" ||
		fail "soak: p0 received $in_ != delivered $out + named drops $drops: $(tail -c +$((stats_off + 1)) "$log" | head -n 30)"
else
	fail "soak: no answer to link stats"
fi
echo "soak: $(grep -c 'Error' "$log") command errors (a churned vif already gone, expected):"
grep -o 'Error: .*' "$log" | sed -E 's/[0-9]+/N/g' | sort | uniq -c | head -n 8
cmd "quit"
if wait_exit 60; then
	exec 3>&-
	e2e_check_exit soak "$log"
else
	fail "soak: no exit within 60 s of quit"
fi
stop_all
e2e_summary soak
