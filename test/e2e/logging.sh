#!/usr/bin/env bash
# Logging through rte_log, one type per component (lib/backend/mv_log.h).
# Checks:
#   - with --log-level='macvlan.*:debug', a configuration change is logged at
#     INFO (macvlan.ctl: done: ...), a refused command at DEBUG with its error,
#     a NIC filter fallback by macvlan.port; all on stderr, none on stdout;
#   - with the default levels (NOTICE) and only macvlan.tap raised to debug,
#     none of these INFO/DEBUG lines appear (each component has its own type).
# Usage: logging.sh DPDK_MACVLAN
set -u
app=$1
source "$(dirname "$0")/lib.sh"

cmds='link add link p0 name lg0 type macvlan mode bridge backend null
link set lg0 up
link set nosuch up
quit'
run() { # run TAG LOGLEVEL: stdout in $E2E_TMP/TAG.out, stderr in TAG.err
	# shellcheck disable=SC2046
	printf '%s\n' "$cmds" | timeout 60 "$app" $(e2e_eal "$1" | sed 's/--log-level=[^ ]*//') \
		--log-level="*:warning" --log-level="$2" --vdev net_null0 -- -i \
		>"$E2E_TMP/$1.out" 2>"$E2E_TMP/$1.err"
}
run dbg 'macvlan.*:debug'
grep -q '^macvlan.ctl: done: link add link p0 name lg0 type macvlan mode bridge backend null$' "$E2E_TMP/dbg.err" &&
	grep -q '^macvlan.ctl: done: link set lg0 up$' "$E2E_TMP/dbg.err" &&
	ok "debug: configuration changes logged at INFO by macvlan.ctl" || fail "debug: $(head -n 5 "$E2E_TMP/dbg.err")"
grep -q '^macvlan.ctl: refused: link set nosuch up: Error: Cannot find device "nosuch"$' "$E2E_TMP/dbg.err" &&
	ok "debug: a refused command logged with its error" || fail "refused not logged: $(cat "$E2E_TMP/dbg.err")"
grep -q '^macvlan.port: p0: .*filter.*refused' "$E2E_TMP/dbg.err" &&
	ok "debug: the NIC filter fallback logged by macvlan.port" || fail "no macvlan.port line"
! grep -q '^macvlan\.' "$E2E_TMP/dbg.out" && grep -q '^lg0: created on p0' "$E2E_TMP/dbg.out" &&
	ok "logs on stderr only; command output on stdout" || fail "stdout has log lines or lacks output"
run def 'macvlan.tap:debug'
! grep -q '^macvlan\.' "$E2E_TMP/def.err" && grep -q '^lg0: created on p0' "$E2E_TMP/def.out" &&
	ok "default levels: no INFO/DEBUG lines (and macvlan.tap:debug changes nothing else)" ||
	fail "default: $(head -n 3 "$E2E_TMP/def.err")"
e2e_summary logging
