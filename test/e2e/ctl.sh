#!/usr/bin/env bash
# The control socket and dpdk-macvlan-ctl end to end, on a net_null port (no
# namespaces): text and JSON output, exit statuses, errors that change
# nothing, batches, monitor, a second daemon on the same socket, a stale
# socket file, permissions (mode 0660, --ctl-group), and robustness: 10
# clients querying while 1000 vifs come and go, clients gone mid-request and
# mid-reply, 10 000 random lines, binary garbage, big requests and a length
# prefix of 0xffffffff; after all that the daemon answers, `link show` is as
# before, and at exit every mbuf is back in the pool.
# Usage: ctl.sh DPDK_MACVLAN DPDK_MACVLAN_CTL CTL_STRESS
# EAL arguments are split on purpose (SC2046).
# shellcheck disable=SC2046
set -u
app=$1
ctl=$2
stress=$3
source "$(dirname "$0")/lib.sh"

chmod 0755 "$E2E_TMP" # the unprivileged clients below reach the sockets
sock=$E2E_TMP/ctl.sock
log=$E2E_TMP/daemon.log
group=""
extra_pids=()

cleanup_ctl() {
	local p
	for p in "${extra_pids[@]}" ${app_pid:+"$app_pid"}; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "$group" ] && groupdel "$group" 2>/dev/null
	e2e_cleanup
}
trap cleanup_ctl EXIT

C() { "$ctl" -s "$sock" "$@"; }

# Wait (up to $2 s) until a client gets an answer on socket $1.
wait_socket() {
	local i
	for ((i = 0; i < ${2:-20} * 10; i++)); do
		"$ctl" -t 2 -s "$1" help >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# ---- the daemon: not interactive, it serves the socket until a signal ----
"$app" $(e2e_eal main) --vdev net_null0 -- --ctl-socket "$sock" >"$log" 2>&1 &
app_pid=$!
if wait_socket "$sock" 30; then
	ok "daemon serves $sock"
else
	fail "daemon does not answer on $sock: $(tail -n 5 "$log")"
	e2e_summary ctl
	exit 1
fi

# ---- commands: text, status, JSON ----
out=$(C link show)
rc=$?
[ $rc -eq 0 ] && [[ $out == *"p0 (net_null0):"* ]] && ok "link show: text, exit 0" ||
	fail "link show: rc $rc, $out"
out=$(C link add link p0 name mv0 type macvlan mode bridge backend null)
[ $? -eq 0 ] && [[ $out == "mv0: created on p0, mode bridge"* ]] && ok "link add: its text" ||
	fail "link add: $out"
C link set mv0 up >/dev/null || fail "link set mv0 up"
if C -j link show | jq -e . >/dev/null && C -j -p link show mv0 | jq -e . >/dev/null; then
	ok "-j and -j -p parse with jq"
else
	fail "-j output is not JSON: $(C -j link show)"
fi
if C -j events show | jq -e 'length == 2 and .[0].type == "command" and
	.[0].command == "link add link p0 name mv0 type macvlan mode bridge backend null" and
	.[0].status == 0 and .[0].origin == "socket" and (.[0].time | test("^20[0-9-]+T[0-9:.]+Z$"))' \
	>/dev/null; then
	ok "events show (JSON): the two changes, with command, status, origin, time"
else
	fail "events show: $(C -j events show)"
fi
out=$(C events show 1)
[[ $out =~ ^20[0-9-]+T[0-9:.]+Z\ command\ \[socket\]\ link\ set\ mv0\ up:\ ok$ ]] &&
	ok "events show 1 (text): one line" || fail "events show 1: $out"

# ---- errors: exit 1, "Error:" on stderr, nothing changed ----
before=$(C link show)
errcheck() {
	local want=$1 err rc
	shift
	err=$(C "$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -eq 1 ] && [[ $err == Error:* ]] && [[ $err == *"$want"* ]] &&
		[ "$(C link show)" == "$before" ]; then
		ok "error: $* -> exit 1, $err"
	else
		fail "error: $*: rc $rc, stderr '$err'"
	fi
}
errcheck "File exists" link add link p0 name mv0 type macvlan backend null
errcheck 'Cannot find device "nope"' link set nope up
errcheck 'unknown command "frobnicate"' frobnicate
errcheck "invalid mtu" link set mv0 mtu abc
errcheck 'unexpected "now" after monitor' monitor now
err=$(C 2>&1)
[ $? -eq 2 ] && [[ $err == usage:* ]] && ok "no command: usage, exit 2" || fail "usage: $err"
err=$("$ctl" -s "$E2E_TMP/nowhere.sock" link show 2>&1)
[ $? -eq 3 ] && [[ $err == *"$E2E_TMP/nowhere.sock"*"is dpdk-macvlan running"* ]] &&
	ok "no daemon: exit 3, $err" || fail "no daemon: $err"

# ---- batch: stops at the first error with the line number ----
cat >"$E2E_TMP/batch" <<'B'
# set up two vifs
link add link p0 name mvb1 type macvlan backend null

link add link p0 name mvb2 type macvlan backend null   # the second
link set mvb1 mtu 99999
link add link p0 name mvb3 type macvlan backend null
B
err=$(C -b "$E2E_TMP/batch" 2>&1 >/dev/null)
rc=$?
if [ $rc -eq 1 ] && [[ $err == *"Command failed $E2E_TMP/batch:5"* ]] &&
	C link show mvb2 >/dev/null 2>&1 && ! C link show mvb3 >/dev/null 2>&1; then
	ok "-b: lines 2 and 4 ran, stopped at line 5 (Command failed FILE:5), line 6 not run"
else
	fail "-b: rc $rc, $err"
fi
out=$(printf 'link del mvb1\nlink del mvb2\n' | C -b - 2>&1)
[ $? -eq 0 ] && [[ $out == *"mvb2: deleted"* ]] && ok "-b - (stdin)" || fail "-b -: $out"

# ---- monitor: an event for a link add by another client ----
C -j monitor >"$E2E_TMP/mon.json" 2>&1 &
mon_pid=$!
extra_pids+=("$mon_pid")
"$ctl" -s "$sock" monitor >"$E2E_TMP/mon.txt" 2>&1 &
extra_pids+=("$!")
sleep 0.5
C link add link p0 name mvmon type macvlan backend null >/dev/null
C link set mvmon up >/dev/null
if e2e_wait_for "$E2E_TMP/mon.json" 'link set mvmon up' 5 &&
	head -n 1 "$E2E_TMP/mon.json" | jq -e '.type == "command" and
		(.command | startswith("link add link p0 name mvmon")) and .status == 0' >/dev/null &&
	e2e_wait_for "$E2E_TMP/mon.txt" 'command \[socket\] link set mvmon up: ok' 5; then
	ok "monitor: the other client's link add and link set, JSON lines and text"
else
	fail "monitor: $(cat "$E2E_TMP/mon.json" "$E2E_TMP/mon.txt")"
fi
# link events: the port down (a command) takes the carrier of its up vifs
C link set p0 down >/dev/null && C link set p0 up >/dev/null
if e2e_wait_for "$E2E_TMP/mon.json" '"carrier":true,"source":"lower"' 5 &&
	jq -se 'map(select(.type == "link")) |
		(map(select(.object == "port" and .name == "p0" and .admin_up == false and
			.source == "command")) | length == 1) and
		(map(select(.object == "vif" and .name == "mvmon" and .source == "lower") |
			.carrier) == [false, true])' "$E2E_TMP/mon.json" >/dev/null &&
	C events show 20 | grep -q ' link vif mvmon carrier off (lower)$'; then
	ok "link events: port p0 down by command, vif mvmon carrier off then on (monitor and events show)"
else
	fail "link events: $(grep '"link"' "$E2E_TMP/mon.json")"
fi

# ---- a second daemon on the same socket: refused, the first keeps working ----
err=$("$app" $(e2e_eal second) --vdev net_null0 -- --ctl-socket "$sock" 2>&1)
rc=$?
if [ $rc -ne 0 ] && [[ $err == *"control socket $sock is in use by another dpdk-macvlan (pid $app_pid)"* ]] &&
	[ -S "$sock" ] && C link show mvmon >/dev/null; then
	ok "second daemon on $sock: exit $rc, '$err'; the first still answers"
else
	fail "second daemon: rc $rc, $err"
fi

# ---- permissions ----
perm=$(stat -c '%a %U' "$sock")
[ "$perm" == "660 root" ] && ok "socket mode 0660, owned by root" || fail "socket: $perm"
nobody() { setpriv --reuid=65534 --regid="$1" --clear-groups "$ctl" -t 5 -s "$2" link show; }
err=$(nobody 65534 "$sock" 2>&1)
[ $? -eq 3 ] && [[ $err == *"Permission denied"* ]] && ok "uid 65534 cannot connect" ||
	fail "uid 65534 on $sock: $err"
group=mvctl$$
if groupadd "$group" 2>/dev/null; then
	gid=$(getent group "$group" | cut -d: -f3)
	err=$(nobody "$gid" "$sock" 2>&1)
	[ $? -eq 3 ] && ok "gid $gid cannot connect without --ctl-group" || fail "gid $gid: $err"
	# a second daemon with --ctl-group, on a stale socket file left by a dead process
	gsock=$E2E_TMP/group.sock
	glog=$E2E_TMP/group.log
	python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$gsock" 2>/dev/null ||
		perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $ARGV[0])' "$gsock"
	if [ -S "$gsock" ]; then
		"$app" $(e2e_eal group) --vdev net_null0 -- --ctl-socket "$gsock" --ctl-group "$group" \
			>"$glog" 2>&1 &
		gpid=$!
		extra_pids+=("$gpid")
		if wait_socket "$gsock" 30; then
			ok "stale socket file replaced"
		else
			fail "stale socket: $(cat "$glog")"
		fi
		perm=$(stat -c '%a %U %G' "$gsock")
		[ "$perm" == "660 root $group" ] && ok "--ctl-group: $perm" || fail "--ctl-group: $perm"
		out=$(nobody "$gid" "$gsock" 2>&1)
		[ $? -eq 0 ] && [[ $out == *"p0 (net_null0)"* ]] &&
			ok "uid 65534 in group $group connects" || fail "group member: $out"
		err=$(nobody 65534 "$gsock" 2>&1)
		[ $? -eq 3 ] && ok "uid 65534 outside the group cannot" || fail "non-member: $err"
		kill "$gpid"
		wait "$gpid"
		[ ! -e "$gsock" ] && ok "socket removed at exit" || fail "$gsock left behind"
	else
		skip "no stale socket file could be made (python3 or perl)"
	fi
	groupdel "$group" && group=""
else
	skip "groupadd failed: no --ctl-group test"
fi

# ---- robustness ----
state() { C link show; C maddr show; }
n_vifs=1000
{
	for ((i = 0; i < n_vifs; i++)); do echo "link add link p0 name c$i type macvlan backend null"; done
} >"$E2E_TMP/add"
{
	for ((i = 0; i < n_vifs; i++)); do echo "link del c$i"; done
} >"$E2E_TMP/del"
stop=$E2E_TMP/stop
qpids=()
# four clients read every vif (replies up to 175 KB), six a port, its stats,
# the event log, help: the control thread serves them all while the table churns
queries=("link show" "link show" "link stats" "maddr show" "link show p0" "link stats p0"
	"events show 20" "link show p0" "help link" "link stats p0")
for ((q = 0; q < 10; q++)); do
	# shellcheck disable=SC2086
	"$stress" "$sock" query "$stop" ${queries[q]} >"$E2E_TMP/q$q" 2>&1 &
	qpids+=("$!")
done
t0=$(date +%s.%N)
C -b "$E2E_TMP/add" >/dev/null
add_rc=$?
t1=$(date +%s.%N)
n=$(C link show | grep -c '^c[0-9]*@p0')
"$stress" "$sock" midreply && "$stress" "$sock" midreply
mid_rc=$?
big_show=$(C link show | wc -c)
C -b "$E2E_TMP/del" >/dev/null
del_rc=$?
t2=$(date +%s.%N)
touch "$stop"
q_ok=0
for p in "${qpids[@]}"; do wait "$p" && q_ok=$((q_ok + 1)); done
replies=$(awk '{s += $2} END {print s}' "$E2E_TMP"/q[0-9])
add_s=$(echo "$t1 - $t0" | bc)
del_s=$(echo "$t2 - $t1" | bc)
if [ $add_rc -eq 0 ] && [ $del_rc -eq 0 ] && [ "$n" -eq $n_vifs ] && [ $q_ok -eq 10 ] &&
	[ $mid_rc -eq 0 ]; then
	ok "churn: $n_vifs vifs added in ${add_s}s, deleted in ${del_s}s, 10 clients got $replies replies meanwhile (link show of all, of one, stats, events); 2 clients left mid-reply (${big_show} bytes)"
else
	fail "churn: add rc $add_rc ($n vifs) del rc $del_rc, $q_ok/10 query clients ok, midreply $mid_rc: $(cat "$E2E_TMP"/q[0-9] | sort | uniq -c | head)"
fi
rate=$("$stress" "$sock" query 2000)
ok "one client, 2000 link show: $rate"

before=$(state)
"$stress" "$sock" half && "$stress" "$sock" half && ok "clients closed mid-request" ||
	fail "half frame"
out=$("$stress" "$sock" random 10000 12345)
[ $? -eq 0 ] && ok "10000 random lines, each a well-formed error: $out" || fail "random lines: $out"
out=$("$stress" "$sock" garbage 300 777)
[ $? -eq 0 ] && ok "binary garbage: $out" || fail "garbage: $out"
out=$("$stress" "$sock" big 1000000)
[ "$out" == "status 22 open" ] && ok "1 MB request: EINVAL, connection kept" || fail "1 MB request: $out"
out=$("$stress" "$sock" big 2000000)
[ "$out" == "status 90 closed" ] && ok "2 MB request: EMSGSIZE, connection closed" ||
	fail "2 MB request: $out"
out=$("$stress" "$sock" hugelen)
[ "$out" == "status 90 closed" ] && ok "length 0xffffffff: EMSGSIZE, connection closed" ||
	fail "length 0xffffffff: $out"
if alive && [ "$(state)" == "$before" ]; then
	ok "after the rejected requests: alive, link show and maddr show unchanged"
else
	fail "state changed or daemon gone"
fi

# ---- exit: socket removed, mempool full ----
kill "${extra_pids[@]}" 2>/dev/null
kill -TERM "$app_pid"
if wait_exit 20 && [ "$rc" -eq 0 ]; then
	ok "SIGTERM: exit 0"
else
	fail "exit: rc '${rc:-timeout}'"
fi
[ ! -e "$sock" ] && ok "socket removed at exit" || fail "$sock left behind"
if grep -Eq 'mempool [a-z_]+: ([0-9]+)/\1 mbufs free' "$log"; then
	ok "mempool full after exit: $(grep mempool "$log" | tail -n1)"
else
	fail "mempool not full after exit: $(grep mempool "$log" | tail -n1)"
fi
if grep -q 'ERROR: \(Address\|Undefined\)Sanitizer\|runtime error:' "$log"; then
	fail "sanitizer: $(grep -m3 'Sanitizer\|runtime error' "$log")"
fi
e2e_summary ctl
