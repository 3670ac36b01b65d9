#!/usr/bin/env bash
# Counters of a running program for the end-to-end tests (sourced after
# lib.sh): `link stats` through the shell on fd 3 (cmd), its answer read
# from $log, and the accounting check of the fault-injection suite.

cmd() { echo "$*" >&3 2>/dev/null; }

# Run `link stats` and wait for its answer (the mempool line ends it); the
# answer is what follows byte $stats_off of $log.
stats() {
	stats_off=$(stat -c %s "$log")
	cmd "link stats" || return 1
	wait_output "$stats_off" '^mempool ' 20
}

# Counter of the last `link stats` answer: stat_of NAME RX|TX [FIELD].
stat_of() {
	tail -c +$((stats_off + 1)) "$log" 2>/dev/null | awk -v name="$1:" -v dir="$2:" -v field="${3:-packets}" '
		$0 == name { on = 1; next }
		on && /^[^ ]/ { exit }
		on && $1 == dir { for (i = 2; i < NF; i++) if ($i == field) { print $(i + 1); exit } }'
}

# Drop count for reason $2 on port $1 (0 if absent) in the last answer.
drop_of() {
	tail -c +$((stats_off + 1)) "$log" 2>/dev/null | awk -v name="$1:" -v r="$2" '
		$0 == name { on = 1; next }
		on && /^[^ ]/ { exit }
		on && $1 == "drops:" { for (i = 2; i < NF; i++) if ($i == r) v = $(i + 1) }
		END { print v + 0 }'
}

# Field $2 of the backend line of vif $1 in the last `link stats` answer.
be_stat() {
	tail -c +$((stats_off + 1)) "$log" 2>/dev/null | awk -v name="$1:" -v f="$2" '
		$0 == name { on = 1; next }
		on && /^[^ ]/ { exit }
		on && $1 == "backend" { for (i = 3; i < NF; i++) if ($i == f) print $(i + 1) }'
}

# "IN OUT DROPS" of the last answer: what the wire and the vifs' backends
# handed over (each port's RX, each vif's TX packets and the TX drops that
# are its own, without the kernel-side peer_tx_dropped), what went out (each
# vif's RX packets and errors, each port's TX) and the ports' named drops.
accounting() {
	tail -c +$((stats_off + 1)) "$log" 2>/dev/null | awk '
		function f(k,   i) { for (i = 2; i < NF; i++) if ($i == k) return $(i + 1); return 0 }
		/^[^ ].*:$/ { port = 0; next }
		/^(worker|mempool)/ { port = 0; next }
		$1 == "RX:" && / missed / { port = 1; in_ += f("packets"); next }
		$1 == "TX:" && port { out += f("packets"); next }
		$1 == "drops:" && port { for (i = 2; i < NF; i += 2) drops += $(i + 1); next }
		$1 == "RX:" { out += f("packets") + f("errors"); next }
		$1 == "TX:" { in_ += f("packets") + f("dropped"); next }
		$1 == "backend" { for (i = 3; i < NF; i++) if ($i == "peer_tx_dropped") in_ -= $(i + 1) }
		END { print in_ + 0, out + 0, drops + 0 }'
}

# The fault-injection suite's last word on a part ($1): with forwarding
# stopped (what is held is counted as stopped), received = delivered + named
# drops over every port and vif. A frame flooded to several receivers
# counts once per receiver, so this holds for traffic without such floods
# (a lone vif's multicast goes to the wire alone).
check_accounting() {
	local in_ out drops
	cmd "stop"
	sleep 0.3
	if ! stats; then
		fail "$1: no answer to link stats for the accounting"
		return
	fi
	read -r in_ out drops < <(accounting)
	[ "$in_" -eq $((out + drops)) ] &&
		ok "$1: received $in_ = delivered $out + named drops $drops" ||
		fail "$1: received $in_ != delivered $out + named drops $drops: $(tail -c +$((stats_off + 1)) "$log")"
	cmd "start"
}
