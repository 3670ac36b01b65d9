#!/usr/bin/env bash
# The shell end to end: every command of the real program on a net_null port,
# its success output, every error path (one "Error: ..." line, and `link
# show` / `maddr show` unchanged after it), --cmdline-file, and the vdev
# backend's cap of RTE_MAX_ETHPORTS ethdev ports.
# Usage: shell.sh DPDK_MACVLAN [DPDK_MACVLAN_CTL]
# With DPDK_MACVLAN_CTL, every batch runs a second time through the control
# socket: each command is one `dpdk-macvlan-ctl` call, whose text the client
# renders from the reply's JSON result, so every check below also holds for
# the JSON; read-only commands are also run with -j and must give valid JSON
# whose shape matches the text (one link object per shown link).
# The checks' conditions are single-quoted code for eval (SC2016); indexes
# are saved for checks made after a batch runs (SC2034); EAL arguments are
# split on purpose (SC2046).
# shellcheck disable=SC2016,SC2034,SC2046,SC2119,SC2120
set -u
app=$1
ctl=${2:-}
source "$(dirname "$0")/lib.sh"
VIA=${SHELL_VIA:-stdin} # stdin, or ctl (needs DPDK_MACVLAN_CTL)

MAC_RE='([0-9a-f]{2}:){5}[0-9a-f]{2}'

# ---------------------------------------------------------------------------
# A batch: commands queued with what their output must be, piped into one
# interactive run (`-i`, stdin EOF = quit), then checked section by section.
# The shell echoes "macvlan> <line>" before each command's output, so output
# section k is what command k printed.
# ---------------------------------------------------------------------------
Q_CMD=()
Q_KIND=()
Q_ARG=()
LASTI=-1   # index of the last queued command
SNAP=""    # index of a `link show` + `maddr show` pair still valid (no change since)
B_NAME=""
B_DIR=""
B_RC=0

batch_new() {
	Q_CMD=()
	Q_KIND=()
	Q_ARG=()
	LASTI=-1
	SNAP=""
	B_NAME=$1
	B_DIR="$E2E_TMP/$1"
	mkdir -p "$B_DIR"
}

qadd() {
	Q_CMD+=("$1")
	Q_KIND+=("$2")
	Q_ARG+=("$3")
	LASTI=$((${#Q_CMD[@]} - 1))
}

# x CMD [ERE ...]: succeeds (no "Error:" line) and prints a line matching
# every ERE; an ERE starting with '!' must match no line.
x() {
	local cmd=$1 IFS=$'\n'
	shift
	qadd "$cmd" has "$*"
	SNAP=""
}

# xe CMD TEXT: succeeds and prints exactly TEXT (lines joined by \n).
xe() {
	qadd "$1" exact "$2"
	SNAP=""
}

# Record the state: link show + maddr show.
snap() {
	qadd "link show" snap ""
	qadd "maddr show" snap ""
	SNAP=$((LASTI - 1))
}

# e CMD ERE: prints exactly one line, "Error: ..." matching ERE, and leaves
# `link show` and `maddr show` as they were before it.
e() {
	local before
	[ -n "$SNAP" ] || snap
	before=$SNAP
	qadd "$1" err "$2"
	qadd "link show" same "$before"
	qadd "maddr show" same "$((before + 1))"
	SNAP=$((LASTI - 1))
}

# A pause (the comment line is echoed and does nothing).
pause() {
	qadd "# sleep $1" none ""
}

# run_batch [program args after -i]: feed the queue, then split the output
# into OUT[k] (what command k printed) and ECHO[k] (the line echoed after
# prompt k). The checks below run in bash alone: forks are slow here.
OUT=()
ECHO=()
run_batch() {
	if [ "$VIA" = ctl ]; then
		run_batch_ctl "$@"
		return
	fi
	run_batch_stdin "$@"
}

# json_shape K CMD: `-j` of a read-only command CMD (k-th of the batch) is
# valid JSON whose links/vifs are those the text of OUT[K] shows.
JSON_BAD=0
json_shape() {
	local k=$1 j n_text n_json
	shift
	j=$("$ctl" -s "$sock" -j "$@" 2>/dev/null) || return 0 # errors: checked as text
	case $1 in
	link)
		if [ "${2:-}" = stats ]; then
			n_json=$(jq '.links | length' <<<"$j" 2>/dev/null)
			count_lines "$k" '^[A-Za-z0-9_.-]+:$'
		else
			n_json=$(jq 'length' <<<"$j" 2>/dev/null)
			count_lines "$k" '^[^ ].*: <'
		fi
		;;
	maddr)
		n_json=$(jq 'length' <<<"$j" 2>/dev/null)
		count_lines "$k" '^[^ ]'
		;;
	*) jq -e . <<<"$j" >/dev/null 2>&1 || JSON_BAD=$((JSON_BAD + 1)); return 0 ;;
	esac
	if [ "${n_json:-x}" != "$N" ]; then
		JSON_BAD=$((JSON_BAD + 1))
		echo "    json: $* gives ${n_json:-invalid JSON} entries, the text $N"
	fi
}

# The batch through the control socket: the daemon runs with its shell on a
# fifo that stays silent (closed at the end: EOF = quit), each command is a
# client call; its stdout and stderr are the command's output.
run_batch_ctl() {
	local c k t0=$SECONDS fifo="$B_DIR/in" pid fd i words
	sock="$B_DIR/ctl.sock"
	rm -f "$fifo" "$sock"
	mkfifo "$fifo"
	# shellcheck disable=SC2046
	"$app" $(e2e_eal "$B_NAME") --vdev net_null0 -- -i --ctl-socket "$sock" "$@" \
		<"$fifo" >"$B_DIR/raw" 2>"$B_DIR/stderr" &
	pid=$!
	exec {fd}>"$fifo"
	for ((i = 0; i < 300; i++)); do
		[ -S "$sock" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	OUT=()
	ECHO=()
	JSON_BAD=0
	set -f
	for k in "${!Q_CMD[@]}"; do
		c=${Q_CMD[k]}
		ECHO[k]=$c
		OUT[k]=""
		case $c in "# sleep "*) sleep "${c#\# sleep }"; continue ;; esac
		words=${c%%#*} # a comment is the shell's: not a word for the socket
		# shellcheck disable=SC2086
		[ -n "${words// /}" ] || continue
		OUT[k]=$("$ctl" -s "$sock" $words 2>&1)
		case ${Q_KIND[k]} in
		has | exact | snap | same)
			case $words in
			"link show"* | "link stats"* | "maddr show"*) json_shape "$k" $words ;;
			esac
			;;
		esac
	done
	set +f
	exec {fd}>&-
	for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid"
	B_RC=$?
	echo "# $B_NAME: ${#Q_CMD[@]} commands through the socket in $((SECONDS - t0)) s"
	OUT[${#Q_CMD[@]}]=$(grep '^mempool ' "$B_DIR/raw")
	[ "$JSON_BAD" -eq 0 ] && ok "$B_NAME: -j of every show gives JSON matching the text" ||
		fail "$B_NAME: $JSON_BAD -j replies do not match the text"
	batch_exit_checks
}

run_batch_stdin() {
	local c l k=-1 t0=$SECONDS
	{
		for c in "${Q_CMD[@]}"; do
			printf '%s\n' "$c"
			case $c in "# sleep "*) sleep "${c#\# sleep }" ;; esac
		done
	} | timeout 120 "$app" $(e2e_eal "$B_NAME") --vdev net_null0 -- -i "$@" \
		>"$B_DIR/raw" 2>"$B_DIR/stderr"
	B_RC=${PIPESTATUS[1]}
	echo "# $B_NAME: ${#Q_CMD[@]} commands in $((SECONDS - t0)) s"
	OUT=()
	ECHO=()
	while IFS= read -r l || [ -n "$l" ]; do
		l=${l//$'\r'/}
		if [[ $l == "macvlan> "* ]]; then
			k=$((k + 1))
			ECHO[k]=${l#macvlan> }
			OUT[k]=""
		elif [ "$k" -ge 0 ]; then
			OUT[k]+="$l"$'\n'
		fi
	done <"$B_DIR/raw"
	for k in "${!OUT[@]}"; do OUT[k]=${OUT[k]%$'\n'}; done
	batch_exit_checks
}

batch_exit_checks() {
	local k
	if [ "$B_RC" -eq 0 ]; then
		ok "$B_NAME: program exited 0 at end of input"
	else
		fail "$B_NAME: program exited $B_RC"
		tail -n 20 "$B_DIR/stderr"
	fi
	k=${#Q_CMD[@]}
	if [[ ${OUT[k]-} =~ mempool\ mv_mbufs:\ ([0-9]+)/([0-9]+)\ mbufs\ free ]] &&
		[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; then
		ok "$B_NAME: every mbuf back in the pool at exit"
	else
		fail "$B_NAME: mempool line at exit: ${OUT[k]-none}"
	fi
}

# L: the lines of OUT[$1].
lines_of() {
	L=()
	[ -n "${OUT[$1]-}" ] && mapfile -t L <<<"${OUT[$1]}"
	return 0
}

# has_line K ERE: a line of OUT[K] matches ERE.
has_line() {
	local l
	lines_of "$1"
	for l in "${L[@]}"; do [[ $l =~ $2 ]] && return 0; done
	return 1
}

# count_lines K ERE: how many lines of OUT[K] match ERE, in N.
count_lines() {
	local l
	N=0
	lines_of "$1"
	for l in "${L[@]}"; do [[ $l =~ $2 ]] && N=$((N + 1)); done
	return 0
}

show_sec() {
	local l
	echo "    --- output of: ${Q_CMD[$1]}"
	lines_of "$1"
	for l in "${L[@]:0:40}"; do echo "    | $l"; done
}

# The error command a `same` entry follows (1 or 2 entries back), in ERRCMD.
err_of() {
	local k=$(($1 - 1))
	[ "${Q_KIND[$k]}" = err ] || k=$((k - 1))
	ERRCMD=${Q_CMD[$k]}
}

check_batch() {
	local i cmd kind arg re good missing
	for i in "${!Q_CMD[@]}"; do
		cmd=${Q_CMD[$i]} kind=${Q_KIND[$i]} arg=${Q_ARG[$i]}
		if [ "${ECHO[$i]-<none>}" != "$cmd" ]; then
			fail "$B_NAME: command $i ($cmd) has no prompt and echo: output out of step"
			return
		fi
		case $kind in
		none | snap) ;;
		has)
			good=1 missing=""
			if has_line "$i" '^Error'; then good=0 missing="an Error line"; fi
			while IFS= read -r re; do
				[ -n "$re" ] || continue
				if [ "${re:0:1}" = "!" ]; then
					if has_line "$i" "${re:1}"; then good=0 missing="$missing, unwanted /${re:1}/"; fi
				elif ! has_line "$i" "$re"; then
					good=0 missing="$missing, no /$re/"
				fi
			done <<<"$arg"
			if [ $good -eq 1 ]; then
				ok "$B_NAME: $cmd"
			else
				fail "$B_NAME: $cmd: ${missing#, }"
				show_sec "$i"
			fi
			;;
		exact)
			if [ "${OUT[$i]}" = "$arg" ]; then
				ok "$B_NAME: $cmd"
			else
				fail "$B_NAME: $cmd: expected exactly: $arg"
				show_sec "$i"
			fi
			;;
		err)
			if [[ ${OUT[$i]} != *$'\n'* && ${OUT[$i]} == "Error: "* && ${OUT[$i]} =~ $arg ]]; then
				ok "$B_NAME: $cmd -> ${OUT[$i]}"
			else
				fail "$B_NAME: $cmd: expected one line \"Error: ...\" matching /$arg/"
				show_sec "$i"
			fi
			;;
		same)
			err_of "$i"
			if [ "${OUT[$i]}" = "${OUT[$arg]}" ]; then
				ok "$B_NAME: $cmd unchanged after: $ERRCMD"
			else
				fail "$B_NAME: $cmd changed after: $ERRCMD"
				diff <(printf '%s\n' "${OUT[$arg]}") <(printf '%s\n' "${OUT[$i]}") | sed 's/^/    /' | head -n 20
			fi
			;;
		esac
	done
}

# check DESC CODE: ok/fail on a shell condition (eval'ed).
check() {
	if eval "$2"; then ok "$B_NAME: $1"; else fail "$B_NAME: $1"; fi
}

# sweep_errors: every error line of the batch just run starts with "Error:"
# and is never a bare strerror text ("Error: File exists" alone): what the
# failed commands printed, and every line on the program's stderr that is
# not a log line (EAL's "EAL: ", rte_log's "macvlan.port: ", ...).
BARE_RE='^(Error: )?(Invalid argument|File exists|No such file or directory|No such device|Operation not supported|Cannot assign requested address|Address already in use|No space left on device|Cannot allocate memory|Numerical result out of range|Device or resource busy|Operation not permitted|Permission denied|Resource temporarily unavailable|Bad address|Function not implemented|Argument list too long|Numerical argument out of domain|Connection refused|Broken pipe)\.?$'
LOG_RE='^([A-Z][A-Z0-9_]*|macvlan\.[a-z_]+|dpdk-macvlan): |^mempool |^$'
sweep_errors() {
	local k l n=0 bad=()
	for k in "${!Q_CMD[@]}"; do
		[ "${Q_KIND[$k]}" = err ] || continue
		lines_of "$k"
		for l in "${L[@]}"; do
			n=$((n + 1))
			[[ $l == "Error: "* && ! $l =~ $BARE_RE ]] || bad+=("$l")
		done
	done
	while IFS= read -r l; do
		l=${l//$'\r'/}
		[[ $l =~ $LOG_RE ]] && continue
		n=$((n + 1))
		[[ $l == "Error: "* && ! $l =~ $BARE_RE ]] || bad+=("stderr: $l")
	done <"$B_DIR/stderr"
	if [ "${#bad[@]}" -eq 0 ] && [ "$n" -gt 0 ]; then
		ok "$B_NAME: all $n error lines start with Error: and none is a bare strerror"
	else
		fail "$B_NAME: ${#bad[@]} of $n error lines without Error: or bare:"
		printf '    | %s\n' "${bad[@]:0:20}"
	fi
}

# ---------------------------------------------------------------------------
# 1. Success paths and their output.
# ---------------------------------------------------------------------------
batch_new ok
xe "stop" "forwarding stopped, 0 frames held until start"
x "link show" \
	'^p0 \(net_null0\): <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP$' \
	"^    link/ether $MAC_RE max_mtu 65535$" \
	'^    vifs 0 up 0 bcqueuelen used 0 bclim 1 rxq 1 txq 1$'
i_show_p0=$((LASTI + 1))
x "link show p0" '^p0 \(net_null0\): ' '!@'
i_show_dev=$((LASTI + 1))
x "link show net_null0" '^p0 \(net_null0\): ' '!@'

# link add: each mode, every option, every backend but tap
xe "link add link p0 name mpriv type macvlan mode private address 02:00:00:00:01:01 mtu 1400 bcqueuelen 50 bclim 5 backend null" \
	"mpriv: created on p0, mode private, address 02:00:00:00:01:01, mtu 1400, backend null (down)"
x "link add link p0 name mvepa type macvlan mode vepa backend null" \
	"^mvepa: created on p0, mode vepa, address $MAC_RE \\(random\\), mtu 1500, backend null \\(down\\)$"
x "link add link p0 name mbr type macvlan mode bridge backend null" \
	"^mbr: created on p0, mode bridge, address $MAC_RE \\(random\\), mtu 1500, backend null \\(down\\)$"
x "link add link p0 name msrc type macvlan mode source macaddr add 02:00:00:00:aa:01 backend null" \
	"^msrc: created on p0, mode source, address $MAC_RE \\(random\\), mtu 1500, backend null \\(down\\)$"
x "link add link p0 name msrc2 type macvlan mode source nodst macaddr set 02:00:00:00:aa:02 02:00:00:00:aa:03 backend null" \
	"^msrc2: created on p0, mode source, address $MAC_RE \\(random\\), mtu 1500, backend null \\(down\\)$"
x "link add link p0 name mdef type macvlan backend null" \
	"^mdef: created on p0, mode vepa, address $MAC_RE \\(random\\), mtu 1500, backend null \\(down\\)$"
x "link add link p0 name mvd type macvlan mode bridge mtu 1000 backend vdev net_null5" \
	"^mvd: created on p0, mode bridge, address $MAC_RE \\(random\\), mtu 1000, backend vdev \\(down\\)$"
x "link add mals link net_null0 type macvlan backend null" "^mals: created on p0, mode vepa, "
x "ip link add link mpriv dev mstk type macvlan backend null" "^mstk: created on p0, mode vepa, "
x "link add link p0 name abcdefghijklmno type macvlan backend null" "^abcdefghijklmno: created on p0, "
x "link show" \
	'^p0 \(net_null0\): <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP$' \
	'^    vifs 10 up 0 bcqueuelen used 1000 bclim 5 rxq 1 txq 1$' \
	'^mpriv@p0: <BROADCAST,MULTICAST> mtu 1400 state DOWN$' \
	'^    link/ether 02:00:00:00:01:01$' \
	'^    macvlan mode private bcqueuelen 50 usedbcqueuelen 1000 bclim 5$' \
	'^mvepa@p0: <BROADCAST,MULTICAST> mtu 1500 state DOWN$' \
	'^    macvlan mode vepa bcqueuelen 1000 usedbcqueuelen 1000 bclim 5$' \
	'^mbr@p0: ' '^    macvlan mode bridge bcqueuelen 1000 ' \
	'^msrc@p0: ' '^    macvlan mode source bcqueuelen 1000 usedbcqueuelen 1000 bclim 5$' \
	'^    remotes \(1\) 02:00:00:00:aa:01$' \
	'^msrc2@p0: ' '^    macvlan mode source nodst bcqueuelen 1000 ' \
	'^    remotes \(2\) (02:00:00:00:aa:02 02:00:00:00:aa:03|02:00:00:00:aa:03 02:00:00:00:aa:02)$' \
	'^mdef@p0: ' '^mvd@p0: <BROADCAST,MULTICAST> mtu 1000 state DOWN$' \
	'^    backend vdev net_null5 \(port [0-9]+\)$' \
	'^    backend null \(sink\)$' \
	'^mals@p0: ' '^mstk@p0: ' '^abcdefghijklmno@p0: ' \
	"^    link/ether $MAC_RE \\(random\\)$"
i_show_all=$LASTI
x "link show msrc" '^msrc@p0: <BROADCAST,MULTICAST> mtu 1500 state DOWN$' '^    remotes \(1\) 02:00:00:00:aa:01$' \
	'^    backend null \(sink\)$' '!^p0 ' '!^mvepa'
x "link show dev mvepa" '^mvepa@p0: ' '!^p0 ' '!^msrc'
x "maddr show dev mdef" '^mdef$' '^    link  01:00:5e:00:00:01$' '^    link  33:33:00:00:00:01$' '!^mvepa'
i_maddr_mdef=$LASTI
x "maddr show" '^mpriv$' '^mvepa$' '^mbr$' '^msrc$' '^msrc2$' '^mdef$' '^mvd$' '^mals$' '^mstk$' \
	'^abcdefghijklmno$' '^    link  01:00:5e:00:00:01$' '^    link  33:33:00:00:00:01$'
i_maddr_all=$LASTI
xe "link del abcdefghijklmno" "abcdefghijklmno: deleted"

# link set on a vif: one line per change, in the kernel's order
xe "link set mpriv up" "mpriv: up"
xe "link set mpriv address 02:00:00:00:01:02" "mpriv: address 02:00:00:00:01:02"
xe "link set mpriv mtu 1300" "mpriv: mtu 1300"
xe "link set mpriv allmulticast on" "mpriv: allmulticast on"
xe "link set mpriv promisc on" "mpriv: promisc on"
x "link show mpriv" '^mpriv@p0: <BROADCAST,MULTICAST,PROMISC,ALLMULTI,UP,LOWER_UP> mtu 1300 state UP$' '^    link/ether 02:00:00:00:01:02$'
x "link show p0" '^p0 \(net_null0\): <BROADCAST,MULTICAST,PROMISC,ALLMULTI,UP,LOWER_UP> ' '^    vifs 9 up 1 '
xe "link set mpriv promisc off allmulticast off" $'mpriv: promisc off\nmpriv: allmulticast off'
xe "link set mpriv down" "mpriv: down"
x "link show mpriv" '^mpriv@p0: <BROADCAST,MULTICAST> mtu 1300 state DOWN$'
xe "link set dev mvepa up addr 02:00:00:00:01:03 mtu 1000 allmulti on promisc on" \
	$'mvepa: address 02:00:00:00:01:03\nmvepa: mtu 1000\nmvepa: up\nmvepa: promisc on\nmvepa: allmulticast on'
x "link show mvepa" '^mvepa@p0: <BROADCAST,MULTICAST,PROMISC,ALLMULTI,UP,LOWER_UP> mtu 1000 state UP$' '^    link/ether 02:00:00:00:01:03$'
xe "link set mvepa down promisc off allmulticast off" $'mvepa: down\nmvepa: promisc off\nmvepa: allmulticast off'
xe "link set mvepa down" "mvepa: down"
# spoofchk: a vif's own source MAC check, shown in the details and as JSON
xe "link set mvepa spoofchk on" "mvepa: spoofchk on"
x "link show mvepa" '^    macvlan mode vepa .* spoofchk on$'
xe "link set mvepa spoofchk off" "mvepa: spoofchk off"
e "link set p0 spoofchk on" '^Error: spoofchk is a vif.s setting; p0 is a physical port$'
e "link set mvepa spoofchk maybe" '^Error: .*spoofchk'

# link set on the port (p0 and its DPDK name); lowering its MTU lowers the vifs'
xe "link set p0 mtu 1200" "p0: mtu 1200"
x "link show" '^p0 \(net_null0\): <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1200 state UP$' '^mpriv@p0: <BROADCAST,MULTICAST> mtu 1200 ' \
	'^mvepa@p0: <BROADCAST,MULTICAST> mtu 1000 ' '^mbr@p0: <BROADCAST,MULTICAST> mtu 1200 ' '^mvd@p0: <BROADCAST,MULTICAST> mtu 1000 '
xe "link set net_null0 mtu 1500" "p0: mtu 1500"
x "link show mbr" '^mbr@p0: <BROADCAST,MULTICAST> mtu 1200 state DOWN$'
xe "link set mbr mtu 1500" "mbr: mtu 1500"
xe "link set p0 address 02:00:00:00:0f:0f" "p0: address 02:00:00:00:0f:0f"
xe "link set p0 promisc on" "p0: promisc on"
xe "link set p0 allmulticast on" "p0: allmulticast on"
x "link show p0" '^p0 \(net_null0\): <BROADCAST,MULTICAST,PROMISC,ALLMULTI,UP,LOWER_UP> mtu 1500 state UP$' \
	'^    link/ether 02:00:00:00:0f:0f max_mtu 65535$'
xe "link set p0 down" "p0: down"
x "link show p0" '^p0 \(net_null0\): <[^>]*> mtu 1500 state DOWN$'
xe "link set mbr up" "mbr: up (no carrier: LOWERLAYERDOWN)"
x "link show mbr" '^mbr@p0: <BROADCAST,MULTICAST,UP,NO-CARRIER> mtu 1500 state LOWERLAYERDOWN$'
xe "link set net_null0 up" "p0: up"
x "link show mbr" '^mbr@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP$'
xe "link set dev net_null0 promisc off allmulti off" $'p0: promisc off\np0: allmulticast off'
xe "link set mbr down" "mbr: down"

# link set type macvlan
xe "link set mvepa type macvlan mode bridge" "mvepa: macvlan mode bridge, 0 source entries"
xe "link set mvepa type macvlan mode private" "mvepa: macvlan mode private, 0 source entries"
x "link show mvepa" '^    macvlan mode private '
xe "link set msrc type macvlan mode source nodst" "msrc: macvlan mode source nodst, 1 source entries"
x "link show msrc" '^    macvlan mode source nodst bcqueuelen 1000 '
xe "link set msrc type macvlan flag null" "msrc: macvlan mode source, 1 source entries"
xe "link set msrc type macvlan mode source flag nodst" "msrc: macvlan mode source nodst, 1 source entries"
xe "link set msrc type macvlan bcqueuelen 2000 bclim 7" "msrc: macvlan mode source nodst, 1 source entries"
x "link show msrc" '^    macvlan mode source nodst bcqueuelen 2000 usedbcqueuelen 2000 bclim 7$'
x "link show p0" '^    vifs 9 up 0 bcqueuelen used 2000 bclim 7 '
xe "link set msrc type macvlan bcqueuelen 0 bclim -1" "msrc: macvlan mode source nodst, 1 source entries"
x "link show msrc" '^    macvlan mode source nodst bcqueuelen 0 usedbcqueuelen 1000 bclim -1$'
xe "link set msrc type macvlan macaddr add 02:00:00:00:aa:05" "msrc: macvlan mode source nodst, 2 source entries"
xe "link set msrc type macvlan macaddr del 02:00:00:00:aa:01" "msrc: macvlan mode source nodst, 1 source entries"
x "link show msrc" '^    remotes \(1\) 02:00:00:00:aa:05$'
xe "link set msrc type macvlan macaddr set 02:00:00:00:aa:06 02:00:00:00:aa:07" \
	"msrc: macvlan mode source nodst, 2 source entries"
x "link show msrc" '^    remotes \(2\) (02:00:00:00:aa:06 02:00:00:00:aa:07|02:00:00:00:aa:07 02:00:00:00:aa:06)$'
xe "link set msrc type macvlan macaddr flush" "msrc: macvlan mode source nodst, 0 source entries"
x "link show msrc" '^    remotes \(0\)$'
xe "link set msrc type macvlan macaddr set 02:00:00:00:aa:08" "msrc: macvlan mode source nodst, 1 source entries"
xe "link set msrc type macvlan macaddr set" "msrc: macvlan mode source nodst, 0 source entries"
xe "link set msrc type macvlan macaddr add 02:00:00:00:aa:09" "msrc: macvlan mode source nodst, 1 source entries"
# leaving source flushes the list; the flags stay as they are (as the kernel's)
xe "link set msrc type macvlan mode vepa" "msrc: macvlan mode vepa nodst, 0 source entries"
x "link show msrc" '^    macvlan mode vepa nodst bcqueuelen 0 ' '!remotes'
xe "link set msrc type macvlan flag null" "msrc: macvlan mode vepa, 0 source entries"
xe "link set mbr type macvlan mode source macaddr add 02:00:00:00:aa:0a" "mbr: macvlan mode source, 1 source entries"
x "link show mbr" '^    remotes \(1\) 02:00:00:00:aa:0a$'
# deleting an address that is not in the list is no error (as the kernel's)
xe "link set mbr type macvlan macaddr del 02:00:00:00:99:99" "mbr: macvlan mode source, 1 source entries"
xe "link set mbr type macvlan macaddr set 02:00:00:00:aa:0b 02:00:00:00:aa:0b" "mbr: macvlan mode source, 1 source entries"
x "link show mbr" '^    remotes \(1\) 02:00:00:00:aa:0b$'

# MAC busy rules: a MAC is busy while an up vif (or the lower) has it
x "link add link p0 name mk1 type macvlan address 02:00:00:00:0a:01 backend null" '^mk1: created on p0, mode vepa, address 02:00:00:00:0a:01, '
x "link add link p0 name mk2 type macvlan address 02:00:00:00:0a:01 backend null" '^mk2: created on p0, mode vepa, address 02:00:00:00:0a:01, '
xe "link set mk1 up" "mk1: up"
xe "link set mk1 address 02:00:00:00:0a:02" "mk1: address 02:00:00:00:0a:02"
xe "link set mk2 up" "mk2: up"
xe "link set mk2 down" "mk2: down"
# busy for a down vif too (the check is made whether the vif is up or down)
qadd "link set mk2 address 02:00:00:00:0a:02" err '^Error: Address already in use \(02:00:00:00:0a:02 is the address of mk1, which is up\)$'
xe "link set mk2 address 02:00:00:00:0a:03 up" $'mk2: address 02:00:00:00:0a:03\nmk2: up'
xe "link del mk1" "mk1: deleted"
xe "link set mk2 address 02:00:00:00:0a:02" "mk2: address 02:00:00:00:0a:02"
# the lower may take an up vif's MAC; that vif then cannot come back up
xe "link set p0 address 02:00:00:00:0a:02" "p0: address 02:00:00:00:0a:02"
x "link show mk2" '^mk2@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> ' '^    link/ether 02:00:00:00:0a:02$'
xe "link set mk2 down" "mk2: down"
qadd "link set mk2 up" err '^Error: Address already in use \(02:00:00:00:0a:02 is the address of p0\)$'
xe "link set p0 address 02:00:00:00:0f:0f" "p0: address 02:00:00:00:0f:0f"
xe "link set mk2 up" "mk2: up"
xe "link del mk2" "mk2: deleted"

# maddr
xe "maddr add 01:00:5e:01:02:03 dev mdef" "mdef: joined 01:00:5e:01:02:03"
xe "maddr add 01:00:5e:01:02:03 dev mdef" "mdef: joined 01:00:5e:01:02:03 (already a member)"
xe "maddr add 01:00:5e:00:00:01 dev mdef" "mdef: joined 01:00:5e:00:00:01 (already a member)"
xe "maddr add address 33:33:00:00:00:fb dev mdef" "mdef: joined 33:33:00:00:00:fb"
xe "maddr add dev mdef 33:33:ff:00:00:01" "mdef: joined 33:33:ff:00:00:01"
x "maddr show dev mdef" '^mdef$' '^    link  01:00:5e:01:02:03$' '^    link  33:33:00:00:00:fb$' \
	'^    link  33:33:ff:00:00:01$' '^    link  01:00:5e:00:00:01$' '^    link  33:33:00:00:00:01$'
i_maddr_5=$LASTI
xe "maddr del 01:00:5e:01:02:03 dev mdef" "mdef: left 01:00:5e:01:02:03"
xe "maddr delete dev mdef 33:33:00:00:00:fb" "mdef: left 33:33:00:00:00:fb"
xe "maddr del address 33:33:ff:00:00:01 dev mdef" "mdef: left 33:33:ff:00:00:01"
i_maddr_back=$((LASTI + 1))
x "maddr ls dev mdef" '^mdef$' '!01:00:5e:01:02:03' '!33:33:00:00:00:fb'
x "maddr" '^mpriv$' '^mdef$'
xe "maddr del 33:33:00:00:00:01 dev mals" "mals: left 33:33:00:00:00:01"
x "maddr show mals" '^mals$' '^    link  01:00:5e:00:00:01$' '!33:33:00:00:00:01'

# stats
x "link stats" '^p0:$' '^    RX: packets [0-9]+ bytes [0-9]+ missed [0-9]+ nombuf [0-9]+$' \
	'^    TX: packets [0-9]+ bytes [0-9]+ errors [0-9]+$' '^    to lower stack: [0-9]+$' '^    drops:' \
	'^mpriv:$' '^mvd:$' '^    RX: packets 0 bytes 0 multicast 0 errors 0 dropped 0$' \
	'^    TX: packets 0 bytes 0 dropped 0$' '^mempool mv_mbufs: [0-9]+/[0-9]+ mbufs free$'
x "link stats mvd" '^mvd:$' '^    RX: packets 0 bytes 0 multicast 0 errors 0 dropped 0$' '!^p0:' '!^mpriv:' '!^mempool'
x "stats p0" '^p0:$' '^    to lower stack: ' '!^mvd:' '!^mempool'
x "link stats net_null0" '^p0:$' '!^mvd:'

# aliases of show
x "link list mpriv" '^mpriv@p0: '
x "link ls mpriv" '^mpriv@p0: '
x "show mpriv" '^mpriv@p0: '
x "link" '^p0 \(net_null0\): ' '^mpriv@p0: ' '^mvd@p0: '
x "ip link show dev mpriv" '^mpriv@p0: '

# link del (vdev backend too), then the vdev device can be made again
xe "link del mstk" "mstk: deleted"
xe "link delete dev mals" "mals: deleted"
xe "ip link del mvd" "mvd: deleted"
x "link show" '!^mstk@' '!^mals@' '!^mvd@' '^    vifs 6 up 0 '
x "link add link p0 name mvd2 type macvlan backend vdev net_null5" '^mvd2: created on p0, .* backend vdev \(down\)$'
x "link show mvd2" '^    backend vdev net_null5 \(port [0-9]+\)$'
xe "link set mvd2 up" "mvd2: up"
xe "link set mvd2 mtu 1400 address 02:00:00:00:05:05" $'mvd2: address 02:00:00:00:05:05\nmvd2: mtu 1400'

# start / stop; testpmd's words: show port stats|info, clear port|link stats
xe "start" "forwarding started"
xe "start" "forwarding started (it already was)"
pause 0.3
x "stop" '^forwarding stopped, [0-9]+ frames held until start$'
xe "stop" "forwarding stopped (it already was), 0 frames held until start"
x "show port stats all" '^p0:$' '^    RX: packets [1-9][0-9]* bytes ' '!^mvd2:' '!^worker '
x "link stats mvd2" '^mvd2:$' '^    TX: packets [1-9][0-9]* '
x "show port info all" '^p0 \(net_null0\): <BROADCAST,MULTICAST' '!@p0:'
x "show port info 0" '^p0 \(net_null0\): ' '!@p0:'
x "show port stats net_null0" '^p0:$' '!^mvd2:'
xe "clear port stats all" "p0: statistics cleared"
x "show port stats p0" '^    RX: packets 0 bytes 0 missed 0 nombuf 0$' '^    TX: packets 0 bytes 0 errors 0$' '^    drops:$'
x "link stats mvd2" '^    TX: packets [1-9][0-9]* '
xe "clear link stats mvd2" "mvd2: statistics cleared"
x "link stats mvd2" '^    RX: packets 0 bytes 0 multicast 0 errors 0 dropped 0$' '^    TX: packets 0 bytes 0 dropped 0$'
x "clear link stats" '^p0: statistics cleared$' '^mvd2: statistics cleared$' '^mvepa: statistics cleared$'
# ip's -d and -s, before the object or among a show's words
x "link show -s mvd2" '^mvd2@p0: ' '^    backend vdev ' '^    RX: packets 0 bytes 0 multicast 0 errors 0 dropped 0$' \
	'^    TX: packets 0 bytes 0 errors 0 dropped 0$'
x "ip -s link show p0" '^p0 \(net_null0\): ' '^    RX: packets 0 bytes 0 ' '!^mvd2'
x "ip -d -stats link show dev mvd2" '^mvd2@p0: ' '^    macvlan mode ' '^    TX: packets 0 '
x "link show mvd2 -d" '^mvd2@p0: ' '!^    RX:'
# iproute2's abbreviations (matches(): ip's order decides; link s is set)
x "link sh mvd2" '^mvd2@p0: ' '!^p0 '
x "l sh mvd2" '^mvd2@p0: ' '!^p0 '
x "ip li ls dev mvd2" '^mvd2@p0: '
x "l" '^p0 \(net_null0\): ' '^mvd2@p0: '
xe "link s mvd2 mtu 1300" "mvd2: mtu 1300"
xe "ip link change mvd2 mtu 1400" "mvd2: mtu 1400"
x "m s dev mvd2" '^mvd2$' '^    link  01:00:5e:00:00:01$'
x "ma" '^mvd2$'
x "h l sh" '^link show \[-d\] \[-s\] \[<name>\]$'
x "help show port" '^show port stats all\|<port>$'
x "help clear" '^clear port stats all\|<port>$' '^clear link stats \[<name>\]$'
x "show config" '^link add link p0 name mvd2 type macvlan mode vepa address 02:00:00:00:05:05 mtu 1400 backend vdev net_null5$' \
	'^link set mvd2 up$' '^stop$'

# help
x "help" '^Commands \(as ip link; "help <command>" for details\):$' '^  link add link <port> name <vif> type macvlan' \
	'^  maddr add\|del <mac> dev <vif> ' '^  quit  '
x "help link" '^link add link <port> name <vif> type macvlan \[OPTIONS\]$' '^link set <name> ' '^link del <vif>$' \
	'^link show \[-d\] \[-s\] \[<name>\]$' '^link stats \[<name>\]$'
x "help link add" '^link add link <port> name <vif> type macvlan \[OPTIONS\]$' '^    backend vdev <devargs> ' '!^link set'
x "help link set" '^link set <name> \[up\|down\]' '^link set <vif> type macvlan ' '!^link add'
x "help link del" '^link del <vif>$'
x "help link delete" '^link del <vif>$'
x "help link show" '^link show \[-d\] \[-s\] \[<name>\]$'
x "help link ls" '^link show \[-d\] \[-s\] \[<name>\]$'
x "help link stats" '^link stats \[<name>\]$'
x "help maddr" '^maddr add\|del <mac> dev <vif>$' '^maddr show \[dev <vif>\]$'
x "help maddr add" '^maddr add\|del <mac> dev <vif>$'
x "help maddr del" '^maddr add\|del <mac> dev <vif>$'
x "help maddr show" '^maddr show \[dev <vif>\]$'
x "help start" '^start$' '^    Start forwarding\.$'
x "help stop" '^stop$'
x "help help" '^help \[<command>\]$'
x "help quit" '^quit$' '^    Leave the program\.$'
x "help exit" '^quit$'
x "help show" '^link show \[-d\] \[-s\] \[<name>\]$'
x "help stats" '^link stats \[<name>\]$'
x "help ip link add" '^link add link <port> '
x "link help add" '^link add link <port> ' '!^link set'
x "link help" '^link add link <port> ' '^link stats '
x "maddr help show" '^maddr show \[dev <vif>\]$'

# deleting every vif destroys the macvlan port: bclim back to 1
for v in mpriv mvepa mbr msrc msrc2 mdef mvd2; do xe "link del $v" "$v: deleted"; done
x "link show" '^    vifs 0 up 0 bcqueuelen used 0 bclim 1 ' '!@p0'
x "maddr show" '!.'

# passthru: takes the lower's MAC, nopromisc, its address is the lower's
# (an address given to a passthru vif is the lower's, as in the kernel)
xe "link add link p0 name mpt type macvlan mode passthru address 02:00:00:00:0d:0d backend null" \
	"mpt: created on p0, mode passthru, address 02:00:00:00:0f:0f, mtu 1500, backend null (down)"
x "link show" '^    vifs 1 up 0 passthru bcqueuelen used 1000 ' '^    macvlan mode passthru bcqueuelen 1000 '
xe "link set mpt type macvlan mode passthru nopromisc" "mpt: macvlan mode passthru nopromisc, 0 source entries"
xe "link set mpt up" "mpt: up"
x "link show" '^p0 \(net_null0\): <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP$' '^mpt@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP$' \
	'^    macvlan mode passthru nopromisc '
xe "link set mpt type macvlan flag null" "mpt: macvlan mode passthru, 0 source entries"
x "link show p0" '^p0 \(net_null0\): <BROADCAST,MULTICAST,PROMISC,UP,LOWER_UP> '
xe "link set mpt type macvlan mode passthru flag nopromisc" "mpt: macvlan mode passthru nopromisc, 0 source entries"
x "link show p0" '^p0 \(net_null0\): <BROADCAST,MULTICAST,UP,LOWER_UP> '
xe "link set mpt address 02:00:00:00:0e:0e" "mpt: address 02:00:00:00:0e:0e"
x "link show" '^    link/ether 02:00:00:00:0e:0e max_mtu 65535$' '^    link/ether 02:00:00:00:0e:0e$'
xe "link del mpt" "mpt: deleted"
x "link show p0" '^    link/ether 02:00:00:00:0f:0f max_mtu 65535$' '^    vifs 0 up 0 bcqueuelen'
x "link add link p0 name mafter type macvlan backend null" '^mafter: created on p0, mode vepa, '
run_batch
check_batch

# Custom checks on the success batch.
check "link show p0 and link show net_null0 print the same" '[ "${OUT[$i_show_p0]}" = "${OUT[$i_show_dev]}" ]'
count_lines "$i_show_all" '@p0: '
check "link show lists the 10 vifs (got $N)" '[ "$N" -eq 10 ]'
count_lines "$i_maddr_mdef" '^    link  '
check "a new vif has exactly the two default groups (got $N)" '[ "$N" -eq 2 ]'
count_lines "$i_maddr_all" '^    link  01:00:5e:00:00:01$'
check "every new vif joined 01:00:5e:00:00:01 (got $N of 10)" '[ "$N" -eq 10 ]'
count_lines "$i_maddr_all" '^    link  33:33:00:00:00:01$'
check "every new vif joined 33:33:00:00:00:01 (got $N of 10)" '[ "$N" -eq 10 ]'
count_lines "$i_maddr_5" '^    link  '
check "joining a group already joined added nothing (5 groups, got $N)" '[ "$N" -eq 5 ]'
count_lines "$i_maddr_back" '^    link  '
check "after leaving, the two default groups remain (got $N)" '[ "$N" -eq 2 ]'
# random addresses: unicast, locally administered, all different
rnd=()
declare -A seen=()
bad=0
for k in "${!OUT[@]}"; do
	[[ ${OUT[k]} =~ ^[^\ ]+:\ created\ on\ p0,\ .*address\ (([0-9a-f]{2}):[0-9a-f:]{14})\ \(random\), ]] || continue
	m=${BASH_REMATCH[1]}
	rnd+=("$m")
	seen[$m]=1
	o=$((16#${BASH_REMATCH[2]}))
	if [ $((o & 1)) -ne 0 ] || [ $((o & 2)) -ne 2 ]; then
		bad=$((bad + 1))
		echo "    not a locally administered unicast address: $m"
	fi
done
check "${#rnd[@]} random addresses are locally administered unicast" '[ "${#rnd[@]}" -ge 8 ] && [ "$bad" -eq 0 ]'
check "random addresses differ (${#seen[@]} distinct of ${#rnd[@]})" '[ "${#seen[@]}" -eq "${#rnd[@]}" ]'

# ---------------------------------------------------------------------------
# 2. Error paths: one "Error: ..." line, state unchanged.
# ---------------------------------------------------------------------------
batch_new err
xe "stop" "forwarding stopped, 0 frames held until start"
xe "link set p0 address 02:00:00:00:0f:0f" "p0: address 02:00:00:00:0f:0f"
x "link add link p0 name mv0 type macvlan mode bridge address 02:00:00:00:00:01 backend null" '^mv0: created'
x "link add link p0 name mv1 type macvlan mode source macaddr add 02:00:00:00:aa:01 backend null" '^mv1: created'
x "link add link p0 name mv2 type macvlan address 02:00:00:00:00:01 backend null" '^mv2: created on p0, mode vepa, address 02:00:00:00:00:01,'
x "link add link p0 name mv3 type macvlan address 02:00:00:00:0f:0f bclim 4 backend null" '^mv3: created on p0, mode vepa, address 02:00:00:00:0f:0f,'
xe "link set mv0 up" "mv0: up"
xe "maddr add 01:00:5e:01:01:01 dev mv0" "mv0: joined 01:00:5e:01:01:01"

# testpmd's and ip's words, wrongly
e "link st" '^Error: unknown link command "st" \(add, set, del, show or stats\)$'
e "ip -x link show" '^Error: unknown option "-x" \(-d or -s\)$'
e "link show -j" '^Error: unknown option "-j" \(-d or -s\)$'
e "ip -d" '^Error: missing command after "-d"'
e "a" '^Error: unknown command "a"'
e "show port info mv0" '^Error: mv0 is a vif, not a port \(all, p0, 0 or the port'"'"'s DPDK name\)$'
e "show port stats" '^Error: missing "all" or a port for show port stats'
e "show port foo all" '^Error: unknown show port command "foo" \(stats or info\)$'
e "show port info 7" '^Error: Cannot find device "p7"$'
e "clear stats" '^Error: unknown clear command "stats"'
e "clear port stats mv0" '^Error: mv0 is a vif, not a port'
e "clear link stats nosuch" '^Error: Cannot find device "nosuch"$'
e "show config now" '^Error: unexpected "now" after show config$'

# bad MAC addresses
e "link set mv1 address zz:00:00:00:00:01" '^Error: invalid MAC address "zz:00:00:00:00:01"$'
e "link set mv1 address 02:00:00:00:00" '^Error: invalid MAC address "02:00:00:00:00"$'
e "link set mv1 address 02:00:00:00:00:00:01" '^Error: invalid MAC address '
e "link set mv1 address 02-00-00-00-00-01x" '^Error: invalid MAC address '
e "link add link p0 name mv9 type macvlan address 1:2:3 backend null" '^Error: invalid MAC address "1:2:3"$'
e "link set mv1 address 01:00:5e:00:00:01" '^Error: Cannot assign requested address \(01:00:5e:00:00:01 is a group address: a link.s address is unicast\)$'
e "link set mv1 address ff:ff:ff:ff:ff:ff" '^Error: Cannot assign requested address \(ff:ff:ff:ff:ff:ff is the broadcast address: '
e "link set mv1 address 00:00:00:00:00:00" '^Error: Cannot assign requested address \(00:00:00:00:00:00 is the zero address: '
e "link add link p0 name mv9 type macvlan address 01:00:00:00:00:01 backend null" '^Error: Cannot assign requested address \(01:00:00:00:00:01 is a group address: '
e "link add link p0 name mv9 type macvlan address 33:33:00:00:00:01 backend null" '^Error: Cannot assign requested address \(33:33:00:00:00:01 is a group address: '
e "link set p0 address 01:00:5e:00:00:01" '^Error: Cannot assign requested address \(01:00:5e:00:00:01 is a group address: '
e "link set mv1 type macvlan macaddr add 01:00:00:00:99:99" '^Error: Cannot assign requested address \(a source address is unicast\)$'
e "link set mv1 type macvlan macaddr set 02:00:00:00:aa:02 ff:ff:ff:ff:ff:ff" '^Error: Cannot assign requested address \(a source address is unicast\)$'
e "link set mv1 type macvlan macaddr set 02:00:00:00:aa:02 zz" '^Error: invalid MAC address "zz"$'
e "link add link p0 name mv9 type macvlan mode source macaddr add 01:00:00:00:00:05 backend null" '^Error: Cannot assign requested address \(a source address is unicast\)$'
# unknown port, unknown vif
e "link add link p9 name mv9 type macvlan backend null" '^Error: Cannot find device "p9"$'
e "link add link net_null7 name mv9 type macvlan backend null" '^Error: Cannot find device "net_null7"$'
e "link set nosuch up" '^Error: Cannot find device "nosuch"$'
e "link set nosuch type macvlan mode bridge" '^Error: Cannot find device "nosuch"$'
e "link del nosuch" '^Error: Cannot find vif "nosuch"$'
e "link show nosuch" '^Error: Cannot find device "nosuch"$'
e "link stats nosuch" '^Error: Cannot find device "nosuch"$'
e "maddr show dev nosuch" '^Error: Cannot find device "nosuch"$'
e "maddr add 01:00:5e:09:09:09 dev nosuch" '^Error: Cannot find vif "nosuch"$'
e "maddr del 01:00:5e:00:00:01 dev nosuch" '^Error: Cannot find vif "nosuch"$'
e "maddr add 01:00:5e:09:09:09 dev p0" '^Error: Cannot find vif "p0"$'
# duplicate names
e "link add link p0 name mv0 type macvlan backend null" '^Error: File exists \(a vif named mv0 exists, on p0\)$'
e "link add link p0 name mv0 type macvlan mode passthru backend null" '^Error: File exists \(a vif named mv0 exists, on p0\)$'
e "link add link p0 name p0 type macvlan backend null" '^Error: File exists \(p0 names the port p0\)$'
e "link add link p0 name mv9 type macvlan backend tap ifname mv0" "^Error: ifname \"mv0\" is another vif's name$"
# too-long and invalid names
e "link add link p0 name abcdefghijklmnop type macvlan backend null" '^Error: name "abcdefghijklmnop" too long \(at most 15 characters\)$'
e "link add link p0 name mv9 type macvlan backend tap ifname abcdefghijklmnop" '^Error: name "abcdefghijklmnop" too long'
e "link add link abcdefghijklmnop name mv9 type macvlan backend null" '^Error: name "abcdefghijklmnop" too long'
e "link set abcdefghijklmnop up" '^Error: name "abcdefghijklmnop" too long'
e "link del abcdefghijklmnop" '^Error: name "abcdefghijklmnop" too long'
e "maddr add 01:00:5e:09:09:09 dev abcdefghijklmnop" '^Error: name "abcdefghijklmnop" too long'
e "link add link p0 name a/b type macvlan backend null" '^Error: invalid interface name "a/b"'
e "link add link p0 name a:b type macvlan backend null" '^Error: invalid interface name "a:b"'
e "link add link p0 name .. type macvlan backend null" '^Error: invalid interface name "\.\."'
e "link add link p0 name mv9 type macvlan backend tap ifname x/y" '^Error: invalid interface name "x/y"'
# numbers
e "link add link p0 name mv9 type macvlan mtu 67 backend null" '^Error: Invalid argument \(mtu must be 68\.\.1500 on p0\)$'
e "link add link p0 name mv9 type macvlan mtu 1501 backend null" '^Error: Invalid argument \(mtu must be 68\.\.1500 on p0\)$'
e "link add link p0 name mv9 type macvlan mtu 99999 bclim 9 backend null" '^Error: Invalid argument \(mtu must be 68'
e "link add link p0 name mv9 type macvlan mtu abc backend null" '^Error: invalid mtu "abc": not a number$'
e "link add link p0 name mv9 type macvlan bcqueuelen -1 backend null" '^Error: invalid bcqueuelen "-1": must not be negative$'
e "link add link p0 name mv9 type macvlan bcqueuelen 4294967296 backend null" '^Error: invalid bcqueuelen "4294967296": out of range'
e "link add link p0 name mv9 type macvlan bclim 99999999999 backend null" '^Error: invalid bclim "99999999999": out of range'
e "link add link p0 name mv9 type macvlan bclim -2147483649 backend null" '^Error: invalid bclim "-2147483649": out of range'
e "link set mv1 mtu 67" '^Error: Invalid argument \(mtu must be 68\.\.1500 on p0\)$'
e "link set mv1 mtu 1501" '^Error: Invalid argument \(mtu must be 68\.\.1500 on p0\)$'
e "link set mv1 mtu 99999" '^Error: Invalid argument \(mtu must be 68\.\.1500 on p0\)$'
e "link set mv1 mtu 4294967296" '^Error: invalid mtu "4294967296": out of range'
e "link set mv1 mtu abc" '^Error: invalid mtu "abc": not a number$'
e "link set mv1 mtu 1e3" '^Error: invalid mtu "1e3": not a number$'
e "link set mv1 mtu -5" '^Error: invalid mtu "-5": must not be negative$'
e "link set mv1 type macvlan bcqueuelen -1" '^Error: invalid bcqueuelen "-1": must not be negative$'
e "link set mv1 type macvlan bclim 99999999999" '^Error: invalid bclim "99999999999": out of range'
e "link set mv1 type macvlan bclim x" '^Error: invalid bclim "x": not a number$'
e "link set p0 mtu 67" '^Error: Invalid argument \(mtu must be 68\.\.65535 on p0\)$'
e "link set p0 mtu 99999" '^Error: Invalid argument \(mtu must be 68\.\.65535 on p0\)$'
e "link set net_null0 mtu abc" '^Error: invalid mtu "abc": not a number$'
# EADDRINUSE: an up vif's MAC, the lower's MAC; nothing of the command applied
e "link set mv2 up" '^Error: Address already in use \(02:00:00:00:00:01 is the address of mv0, which is up\)$'
e "link set mv3 up" '^Error: Address already in use \(02:00:00:00:0f:0f is the address of p0\)$'
e "link set mv2 mtu 1000 up promisc on" '^Error: Address already in use \(02:00:00:00:00:01 is the address of mv0, '
e "link set mv2 up type macvlan mode private bcqueuelen 7" '^Error: Address already in use \(02:00:00:00:00:01 is the address of mv0, '
e "link set mv1 address 02:00:00:00:00:01" '^Error: Address already in use \(02:00:00:00:00:01 is the address of mv0, which is up\)$'
e "link set mv1 address 02:00:00:00:0f:0f" '^Error: Address already in use \(02:00:00:00:0f:0f is the address of p0\)$'
e "link set mv1 address 02:00:00:00:00:01 up" '^Error: Address already in use \(02:00:00:00:00:01 is the address of mv0, '
# a command that fails applies none of its parts
e "link set mv1 address 02:00:00:00:0e:0e mtu 99999" '^Error: Invalid argument \(mtu must be 68'
e "link set mv1 mtu 1000 address 01:00:5e:00:00:01" '^Error: Cannot assign requested address \(01:00:5e:00:00:01 is a group address: '
e "link set mv1 mtu 99999 type macvlan mode bridge" '^Error: Invalid argument \(mtu must be 68'
e "link set mv1 up type macvlan mode passthru" '^Error: Invalid argument \(no mode change to or from passthru\)$'
e "link set mv1 promisc on allmulticast on type macvlan bclim 9 macaddr add 01:00:00:00:99:99" '^Error: Cannot assign requested address \(a source address is unicast\)$'
e "link set mv0 down type macvlan mode private macaddr flush" '^Error: Invalid argument \(macaddr needs mode source\)$'
e "link set p0 mtu 1400 address 01:00:5e:00:00:01" '^Error: Cannot assign requested address \(01:00:5e:00:00:01 is a group address: '
e "link set p0 address 02:00:00:00:0e:0e mtu 99999" '^Error: Invalid argument \(mtu must be 68\.\.65535 on p0\)$'
e "link set p0 down type macvlan mode bridge" '^Error: p0 is a physical port, not a macvlan vif$'
# passthru rules
e "link add link p0 name mv9 type macvlan mode passthru backend null" '^Error: Invalid argument \(passthru needs a port without vifs; p0 has 4\)$'
e "link set mv0 type macvlan mode passthru" '^Error: Invalid argument \(no mode change to or from passthru\)$'
e "link set mv1 type macvlan mode passthru" '^Error: Invalid argument \(no mode change to or from passthru\)$'
# macaddr on a non-source vif, flags without their mode
e "link set mv0 type macvlan macaddr add 02:00:00:00:00:05" '^Error: Invalid argument \(macaddr needs mode source\)$'
e "link set mv0 type macvlan macaddr flush" '^Error: Invalid argument \(macaddr needs mode source\)$'
e "link set mv0 type macvlan macaddr set" '^Error: Invalid argument \(macaddr needs mode source\)$'
e "link set mv1 type macvlan mode vepa macaddr flush" '^Error: Invalid argument \(macaddr needs mode source\)$'
e "link set mv1 type macvlan mode bridge bcqueuelen 5 macaddr add 02:00:00:00:aa:07" '^Error: Invalid argument \(macaddr needs mode source\)$'
e "link add link p0 name mv9 type macvlan macaddr add 02:00:00:00:00:05 backend null" '^Error: macaddr only valid in source mode'
e "link add link p0 name mv9 type macvlan mode bridge macaddr set backend null" '^Error: macaddr only valid in source mode'
e "link set mv0 type macvlan nopromisc" '^Error: nopromisc flag only valid in passthru mode'
e "link set mv0 type macvlan flag nopromisc" '^Error: nopromisc flag only valid in passthru mode'
e "link set mv1 type macvlan mode source nopromisc" '^Error: nopromisc flag only valid in passthru mode'
e "link add link p0 name mv9 type macvlan nopromisc backend null" '^Error: nopromisc flag only valid in passthru mode'
e "link set mv1 type macvlan nodst" '^Error: nodst flag only valid in source mode'
e "link add link p0 name mv9 type macvlan mode bridge nodst backend null" '^Error: nodst flag only valid in source mode'
# unknown keywords
e "foo" '^Error: unknown command "foo" \(try "help"\)$'
e "link foo" '^Error: unknown link command "foo"'
e "maddr foo" '^Error: unknown maddr command "foo"'
e "link set mv0 foo" '^Error: unknown option "foo" for link set$'
e "link add link p0 name mv9 type macvlan backend null foo" '^Error: unknown option "foo" for link add$'
e "maddr add 01:00:5e:09:09:09 dev mv0 foo" '^Error: unknown option "foo" for maddr add$'
e "link add link p0 name mv9 type vlan backend null" '^Error: unsupported link type "vlan" \(only macvlan\)$'
e "link add link p0 name mv9 type macvlan mode foo backend null" '^Error: invalid mode "foo"'
e "link set mv0 type macvlan mode foo" '^Error: invalid mode "foo"'
e "link add link p0 name mv9 type macvlan backend foo" '^Error: unknown backend "foo" \(tap, vdev, null, memif or vhost\)$'
e "link set mv0 allmulticast maybe" '^Error: invalid value "maybe" for allmulticast \(on or off\)$'
e "link set mv0 promisc 1" '^Error: invalid value "1" for promisc \(on or off\)$'
e "link set mv0 type macvlan flag bogus" '^Error: invalid flag "bogus"'
e "link set mv1 type macvlan macaddr bogus" '^Error: invalid macaddr operation "bogus"'
e "help foo" '^Error: no help for "foo"'
e "help link foo" '^Error: no help for "link foo"'
e "link show mv0 extra" '^Error: unexpected "extra" after link show$'
e "link del mv0 extra" '^Error: unexpected "extra" after link del$'
e "start now" '^Error: unexpected "now" after start$'
e "quit now" '^Error: unexpected "now" after quit$'
# missing arguments
e "ip" '^Error: missing command after "ip"'
e "link add link p0 name mv9 backend null" '^Error: missing "type macvlan" for link add$'
e "link add link p0 type macvlan backend null" '^Error: missing "name <vif>" for link add$'
e "link add name mv9 type macvlan backend null" '^Error: missing "link <port>" for link add$'
e "link add link" '^Error: missing value for link$'
e "link add link p0 name mv9 type macvlan backend null mtu" '^Error: missing value for mtu$'
e "link add link p0 name mv9 type macvlan backend" '^Error: missing value for backend$'
e "link add link p0 name mv9 type macvlan backend vdev" '^Error: missing devargs for backend vdev$'
e "link add link p0 name mv9 type" '^Error: missing value for type$'
e "link set" '^Error: missing device name for link set$'
e "link set dev" '^Error: missing device name for link set$'
e "link set mv0" '^Error: missing attribute for link set mv0'
e "link set mv0 type macvlan" '^Error: missing macvlan option after "type macvlan"'
e "link set mv0 address" '^Error: missing value for address$'
e "link set mv0 promisc" '^Error: missing value for promisc$'
e "link set mv0 type macvlan mode" '^Error: missing value for mode$'
e "link set mv1 type macvlan macaddr" '^Error: missing value for macaddr$'
e "link set mv1 type macvlan macaddr add" '^Error: missing value for macaddr add$'
e "link set mv1 type macvlan macaddr del" '^Error: missing value for macaddr del$'
e "link del" '^Error: missing vif name for link del$'
e "link del dev" '^Error: missing value for dev$'
e "link show dev" '^Error: missing value for dev$'
e "maddr add 01:00:5e:09:09:09" '^Error: missing "dev <vif>" for maddr add$'
e "maddr add dev mv0" '^Error: missing MAC address for maddr add$'
e "maddr del" '^Error: missing MAC address for maddr del$'
# duplicated options, conflicts, order
e "link add link p0 link p0 name mv9 type macvlan backend null" '^Error: "link" given twice$'
e "link add mv9 link p0 name mv8 type macvlan backend null" '^Error: "name" given twice'
e "link add link p0 name mv9 type macvlan backend null name mv8" '^Error: "name" given twice$'
e "link add link p0 name mv9 type macvlan type macvlan backend null" '^Error: "type" given twice$'
e "link add link p0 name mv9 type macvlan mode bridge mode vepa backend null" '^Error: "mode" given twice$'
e "link add link p0 name mv9 type macvlan mtu 1000 mtu 1000 backend null" '^Error: "mtu" given twice$'
e "link add link p0 name mv9 type macvlan address 02:00:00:00:09:09 addr 02:00:00:00:09:09 backend null" '^Error: "address" given twice$'
e "link add link p0 name mv9 type macvlan bclim 1 bclim 1 backend null" '^Error: "bclim" given twice$'
e "link add link p0 name mv9 type macvlan backend null backend null" '^Error: "backend" given twice$'
e "link add link p0 name mv9 type macvlan mode source nodst flag nodst backend null" '^Error: "nodst" given twice$'
e "link set mv0 up up" '^Error: "up" given twice$'
e "link set mv0 down up" '^Error: "up" conflicts with "down"$'
e "link set mv0 mtu 1000 mtu 900" '^Error: "mtu" given twice$'
e "link set mv0 address 02:00:00:00:09:01 addr 02:00:00:00:09:02" '^Error: "address" given twice$'
e "link set mv0 allmulti on allmulticast on" '^Error: "allmulticast" given twice$'
e "link set mv0 promisc on promisc off" '^Error: "promisc" given twice$'
e "link set mv0 type macvlan bcqueuelen 1 bcqueuelen 2" '^Error: "bcqueuelen" given twice$'
e "link set mv1 type macvlan macaddr flush macaddr flush" '^Error: "macaddr" given twice$'
e "link set mv1 type macvlan mode source nodst flag null" '^Error: "flag null" conflicts with "nodst"$'
e "maddr add 01:00:5e:09:09:09 dev mv0 dev mv0" '^Error: "dev" given twice$'
e "link set mv0 type macvlan bclim 3 up" '^Error: "up" must come before "type macvlan"$'
e "link set mv0 bclim 3" '^Error: "bclim" must come after "type macvlan"$'
e "link add link p0 name mv9 mode bridge type macvlan backend null" '^Error: "mode" must come after "type macvlan"$'
e "link add link p0 name mv9 type macvlan backend null ifname x" '^Error: "ifname" only valid with "backend tap"$'
# ports cannot be deleted nor given macvlan options
e "link del p0" '^Error: p0 is a physical port: it cannot be deleted$'
e "link del net_null0" '^Error: net_null0 is a physical port: it cannot be deleted$'
e "link set p0 type macvlan mode bridge" '^Error: p0 is a physical port, not a macvlan vif$'
e "link set net_null0 type macvlan bclim 3" '^Error: (p0|net_null0) is a physical port, not a macvlan vif$'
# maddr of non-group addresses, leaving a group not joined
e "maddr add 02:00:00:00:00:01 dev mv0" '^Error: 02:00:00:00:00:01 is not a multicast group address$'
e "maddr add ff:ff:ff:ff:ff:ff dev mv0" '^Error: ff:ff:ff:ff:ff:ff is not a multicast group address$'
e "maddr del 02:00:00:00:00:01 dev mv0" '^Error: 02:00:00:00:00:01 is not a multicast group address$'
e "maddr add zz dev mv0" '^Error: invalid MAC address "zz"$'
e "maddr del 01:00:5e:09:09:09 dev mv0" '^Error: No such file or directory \(mv0 has not joined 01:00:5e:09:09:09\)$'
# vdev backend failures roll back (the bclim given with them too)
e "link add link p0 name mv9 type macvlan bclim 9 backend vdev net_null0" '^Error: vdev backend: device "net_null0" already exists$'
e "link add link p0 name mv9 type macvlan bclim 9 backend vdev ,foo" '^Error: vdev backend: invalid devargs ",foo"$'
e "link add link p0 name mv9 type macvlan bclim 9 backend vdev net_null9,bogus=1" '^Error: vdev backend: cannot create "net_null9,bogus=1"'
# the default backend (tap): not built yet in this tree
qadd "link add link p0 name mvtap type macvlan" none ""
i_tap=$LASTI
snap
i_tap_snap=$LASTI
qadd "link del mvtap" none ""
# the program still works after all that
x "link set mv2 address 02:00:00:00:00:02 up" $'^mv2: address 02:00:00:00:00:02$' '^mv2: up$'
x "link show" '^    vifs 4 up 2 bcqueuelen used 1000 bclim 4 ' '^mv0@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> ' '^mv2@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> '
run_batch
check_batch
sweep_errors
if [[ ${OUT[$i_tap]} == *"not built yet"* ]]; then
	skip "err: tap backend (the default) not built yet: ${OUT[$i_tap]}"
	check "default backend refused with one Error line, state unchanged" \
		'[[ ${OUT[$i_tap]} == "Error: "* && ${OUT[$i_tap]} != *$'"'\n'"'* ]] && [ "${OUT[$((i_tap - 2))]}" = "${OUT[$((i_tap_snap - 1))]}" ]'
else
	check "default backend is tap: ${OUT[$i_tap]}" \
		'[[ ${OUT[$i_tap]} =~ ^mvtap:\ created\ on\ p0,\ .*\ backend\ tap\ \(down\)$ ]]'
	check "the tap vif is shown with its backend" \
		'has_line "$((i_tap_snap - 1))" "^mvtap@p0: " && has_line "$((i_tap_snap - 1))" "^    backend tap "'
fi

# A vif may not take a port's name, its DPDK device name included: the shell
# addresses both by name (README: "its DPDK device name works too").
batch_new names
xe "stop" "forwarding stopped, 0 frames held until start"
e "link add link p0 name net_null0 type macvlan backend null" '^Error: File exists \(net_null0 names the port p0\)$'
# a TAP's ifname is a kernel netdev name: a DPDK device name there is no clash
x "link add link p0 name mv0 type macvlan backend tap ifname net_null0" '^mv0: created on p0, '
xe "link del mv0" 'mv0: deleted'
xe "link set net_null0 mtu 1400" "p0: mtu 1400"
x "link show net_null0" '^p0 \(net_null0\): <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 ' '!@p0'
run_batch
check_batch
sweep_errors

# Errors with a passthru vif on the port.
batch_new errpt
xe "stop" "forwarding stopped, 0 frames held until start"
x "link add link p0 name mpt type macvlan mode passthru backend null" '^mpt: created on p0, mode passthru, '
xe "link set mpt up" "mpt: up"
e "link add link p0 name mv9 type macvlan backend null" '^Error: Invalid argument \(p0 has a passthru vif: no other vif fits\)$'
e "link add link p0 name mpt2 type macvlan mode passthru backend null" '^Error: Invalid argument \(p0 has a passthru vif: no other vif fits\)$'
e "link add link mpt name mv9 type macvlan backend null" '^Error: Invalid argument \(p0 has a passthru vif: no other vif fits\)$'
e "link set mpt type macvlan mode bridge" '^Error: Invalid argument \(no mode change to or from passthru\)$'
e "link set mpt type macvlan mode source" '^Error: Invalid argument \(no mode change to or from passthru\)$'
e "link set mpt type macvlan macaddr add 02:00:00:00:00:05" '^Error: Invalid argument \(macaddr needs mode source\)$'
e "link set mpt type macvlan nopromisc" '^Error: nopromisc flag only valid in passthru mode'
e "link set mpt type macvlan nodst" '^Error: nodst flag only valid in source mode'
e "link set mpt address 01:00:5e:00:00:01" '^Error: Cannot assign requested address \(01:00:5e:00:00:01 is a group address: '
e "link set mpt mtu 1501" '^Error: Invalid argument \(mtu must be 68\.\.1500 on p0\)$'
run_batch
check_batch
sweep_errors

if [ "$VIA" = stdin ]; then # the command file and stdin are the shell's, not the socket's
# ---------------------------------------------------------------------------
# 3. --cmdline-file: stops at the first failing line; quit; forwarding after.
# ---------------------------------------------------------------------------
B_NAME=cmdfile
d="$E2E_TMP/cmdfile"
mkdir -p "$d"
cat >"$d/bad.cmds" <<'EOF'
link add link p0 name mv0 type macvlan backend null
link set mv0 up
link set mv0 mtu 67
link add link p0 name mvafter type macvlan backend null
EOF
timeout 60 "$app" $(e2e_eal f1) --vdev net_null0 -- --cmdline-file "$d/bad.cmds" >"$d/bad.out" 2>"$d/bad.err"
rc=$?
check "a bad line 3 exits non-zero (rc $rc)" '[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]'
check "stderr names the file and line: $(grep -F "$d/bad.cmds:" "$d/bad.err")" \
	'grep -Eq "^$d/bad.cmds:3: Error: Invalid argument \(mtu must be 68\.\.1500 on p0\)$" "$d/bad.err"'
check "lines 1 and 2 ran" 'grep -q "^mv0: up$" "$d/bad.out"'
check "nothing after the bad line ran" '! grep -q mvafter "$d/bad.out" "$d/bad.err"'
check "one error line only" '[ "$(grep -c Error "$d/bad.out" "$d/bad.err" | awk -F: "{s += \$NF} END {print s}")" -eq 1 ]'

cat >"$d/good.cmds" <<'EOF'
# a comment, then an empty line

link add link p0 name mv0 type macvlan mode bridge address 02:00:00:00:00:01 backend null
link set mv0 up
maddr add 01:00:5e:00:00:fb dev mv0
link show mv0
?
quit
link add link p0 name mvafter type macvlan backend null
EOF
timeout 60 "$app" $(e2e_eal f2) --vdev net_null0 -- --cmdline-file "$d/good.cmds" >"$d/good.out" 2>"$d/good.err"
rc=$?
check "good lines then quit exit 0 (rc $rc)" '[ "$rc" -eq 0 ]'
check "good file: each command printed its result" 'grep -q "^mv0: joined 01:00:5e:00:00:fb$" "$d/good.out"'
check "good file: link show ran" 'grep -q "^mv0@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP$" "$d/good.out"'
check "good file: ? is help" 'grep -q "^Commands (as ip link" "$d/good.out"'
check "good file: nothing after quit ran" '! grep -q mvafter "$d/good.out"'
check "good file: no error" '! grep -q Error "$d/good.out" "$d/good.err"'

# Forwarding starts only after the file. The file is a FIFO fed slowly, so
# the worker is running (its loop count grows) while the file is read; p0 is
# net_null, whose receive never runs dry: it must receive nothing before the
# file's end, and frames after it.
rm -f "$d/fwd.fifo"
mkfifo "$d/fwd.fifo"
{
	echo "link add link p0 name mv0 type macvlan backend vdev net_null3"
	echo "link set mv0 up"
	sleep 1.5
	echo "link stats"
} >"$d/fwd.fifo" &
writer=$!
{
	sleep 3.5
	echo "link stats"
} | timeout 60 "$app" $(e2e_eal f3) --vdev net_null0 -- --cmdline-file "$d/fwd.fifo" -i \
	>"$d/fwd.out" 2>"$d/fwd.err"
rc=${PIPESTATUS[1]}
kill "$writer" 2>/dev/null # only if the program never opened the file
wait "$writer" 2>/dev/null
mapfile -t rx < <(sed -n 's/^    RX: packets \([0-9]*\) bytes [0-9]* missed .*/\1/p' "$d/fwd.out")
mapfile -t loops < <(sed -n 's/^worker 0 .* loops \([0-9]*\) .*/\1/p' "$d/fwd.out")
check "forwarding held during the file: p0 RX ${rx[0]:-none} (worker loops ${loops[0]:-not shown}); after it: RX ${rx[1]:-none}; rc $rc" \
	'[ "${#rx[@]}" -eq 2 ] && [ "${rx[0]}" -eq 0 ] && [ "${rx[1]}" -gt 0 ] && [ "$rc" -eq 0 ] &&
	{ [ "${#loops[@]}" -eq 0 ] || [ "${loops[0]}" -gt 0 ]; }'

# --help, --version and --help-eal before EAL starts: nothing is made
pfx="${E2E_PREFIX}help"
"$app" --file-prefix="$pfx" --help >"$d/help.out" 2>"$d/help.err"
rc=$?
check "--help: the program's usage, exit 0 (rc $rc), EAL not started, no socket or runtime dir" \
	'[ "$rc" -eq 0 ] && grep -q "^usage: .* \[EAL options\] -- \[-i\]" "$d/help.out" &&
	grep -q -- "--cmdline-file FILE" "$d/help.out" && grep -q -- "--help-eal lists them" "$d/help.out" &&
	! grep -q "^EAL:" "$d/help.out" "$d/help.err" && [ ! -e "/var/run/dpdk/$pfx" ] &&
	[ ! -e "/run/dpdk-macvlan/$pfx.sock" ]'
"$app" --version >"$d/version.out" 2>&1
rc=$?
check "--version: $(head -n 1 "$d/version.out")" \
	'[ "$rc" -eq 0 ] && grep -Eq "^dpdk-macvlan [0-9]+\.[0-9]+\.[0-9]+ \(DPDK [0-9]+\.[0-9]+" "$d/version.out"'
"$app" $(e2e_eal hv) -- --help >"$d/help2.out" 2>&1
rc=$?
check "-- --help still gives the usage (rc $rc)" '[ "$rc" -eq 0 ] && grep -q "^usage: " "$d/help2.out"'
"$app" --help-eal >"$d/helpeal.out" 2>&1
rc=$?
check "--help-eal: EAL's usage and where the program's options are (rc $rc)" \
	'[ "$rc" -eq 0 ] && grep -q "EAL common options" "$d/helpeal.out" && grep -q "own options come after" "$d/helpeal.out"'

# option errors: one Error line with the accepted range, before EAL starts
for args in "--burst 0|for --burst \\(1\\.\\.[0-9]+\\)" "--stats-period -1|for --stats-period \\(0\\.\\.86400 seconds" \
	"--cmdline-file $d/none.cmds|cannot read the command file $d/none.cmds \\(--cmdline-file\\): No such file"; do
	"$app" $(e2e_eal opt) --vdev net_null0 -- ${args%%|*} >"$d/opt.out" 2>&1
	rc=$?
	check "${args%%|*}: one Error line naming what is accepted (rc $rc): $(head -n 1 "$d/opt.out")" \
		'[ "$rc" -ne 0 ] && [ "$(wc -l <"$d/opt.out")" -eq 1 ] && grep -Eq "^Error: .*${args#*|}" "$d/opt.out"'
done
"$app" $(e2e_eal noport) -- >"$d/noport.out" 2>&1
rc=$?
check "no port: an Error line (rc $rc)" \
	'[ "$rc" -ne 0 ] && grep -q "^Error: no physical port: give EAL a device" "$d/noport.out"'

# quit / exit end the interactive shell while stdin is still open.
for q in quit exit; do
	rm -f "$d/in.$q"
	mkfifo "$d/in.$q"
	timeout 60 "$app" $(e2e_eal "q$q") --vdev net_null0 -- -i <"$d/in.$q" >"$d/$q.out" 2>/dev/null &
	pid=$!
	exec {fd}>"$d/in.$q"
	printf 'link show p0\n%s\nlink add link p0 name mvafter type macvlan backend null\n' "$q" >&"$fd"
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	running=0
	kill -0 "$pid" 2>/dev/null && running=1
	exec {fd}>&-
	wait "$pid"
	rc=$?
	check "interactive $q leaves with stdin still open (rc $rc), runs nothing after it" \
		'[ "$running" -eq 0 ] && [ "$rc" -eq 0 ] && grep -q "^p0 (net_null0)" "$d/$q.out" && ! grep -q "^mvafter: created" "$d/$q.out"'
done

fi # VIA=stdin

# ---------------------------------------------------------------------------
# 4. The vdev cap: Debian's DPDK has RTE_MAX_ETHPORTS = 32 ethdev ports; p0
#    takes one. Forwarding runs meanwhile.
# ---------------------------------------------------------------------------
batch_new vdevcap
for k in $(seq 1 31); do
	x "link add link p0 name v$k type macvlan backend vdev net_null$k" "^v$k: created on p0, .* backend vdev \\(down\\)$"
done
i_first_fail=$((LASTI + 1))
for k in 32 33; do
	e "link add link p0 name v$k type macvlan backend vdev net_null$k" \
		'^Error: vdev backend: all 32 ethdev ports of this DPDK build are in use \(RTE_MAX_ETHPORTS\); use backend tap or null$'
done
x "link add link p0 name vnull type macvlan backend null" '^vnull: created on p0, '
xe "link set v1 up" "v1: up"
xe "link set v31 up" "v31: up"
x "link show v31" '^v31@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP$' '^    backend vdev net_null31 \(port 31\)$'
pause 1.5
x "link stats v1" '^v1:$' '^    TX: packets [1-9][0-9]* '
x "link stats v31" '^v31:$' '^    TX: packets [1-9][0-9]* '
xe "link del v5" "v5: deleted"
x "link add link p0 name v40 type macvlan backend vdev net_null40" '^v40: created on p0, .* backend vdev \(down\)$'
x "link show v40" '^    backend vdev net_null40 \(port [0-9]+\)$'
e "link add link p0 name v41 type macvlan backend vdev net_null41" '^Error: vdev backend: all 32 ethdev ports .*RTE_MAX_ETHPORTS'
xe "link del v6" "v6: deleted"
x "link add link p0 name v6 type macvlan backend vdev net_null6" '^v6: created on p0, '
xe "link set v40 up" "v40: up"
pause 0.3
x "link stats v40" '^    TX: packets [1-9][0-9]* '
x "link show" '^    vifs 32 up 3 '
run_batch
check_batch
count_lines "$i_first_fail" '^v[0-9]+@p0: '
check "31 vdev vifs made before the cap (link show lists $N)" '[ "$N" -eq 31 ]'

e2e_summary "shell"
