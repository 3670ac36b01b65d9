#!/usr/bin/env bash
# `show config` round trip: a random configuration (from a seed) is applied
# through the control socket, `show config` is saved, the daemon is
# restarted with --cmdline-file of it, and the links (`-j link show -d`)
# and groups (`-j maddr show`) must be what they were, counters aside.
# A second `show config` must give the same file. Two net_null ports;
# vifs with the null, vdev (net_null) and tap backends (taps in a namespace
# of this test, IPv6 off so the kernel stack mirrors no group).
# Usage: config.sh DPDK_MACVLAN DPDK_MACVLAN_CTL [SEED...]
# EAL arguments are split on purpose (SC2046).
# shellcheck disable=SC2046,SC2086,SC2015
set -u
app=$1
ctl=$2
shift 2
seeds=("$@")
[ "${#seeds[@]}" -gt 0 ] || seeds=(1 2 3 $((RANDOM + 4)))
source "$(dirname "$0")/lib.sh"

NS="${E2E_PREFIX}cfg"
ip netns add "$NS" || { fail "cannot create netns $NS"; e2e_summary config; exit 1; }
E2E_NETNS+=("$NS")
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

# ---- one daemon: shell on a fifo kept open, the control socket in $dir ----
start_daemon() { # $1 tag, then program arguments after --
	local tag=$1 i
	shift
	dir="$E2E_TMP/$tag"
	mkdir -p "$dir"
	sock="$dir/ctl.sock"
	rm -f "$dir/in" "$sock"
	mkfifo "$dir/in"
	"$app" $(e2e_eal "$tag") --vdev net_null0 --vdev net_null1 -- -i --ctl-socket "$sock" "$@" \
		<"$dir/in" >"$dir/out" 2>"$dir/err" &
	app_pid=$!
	exec {infd}>"$dir/in"
	for ((i = 0; i < 300; i++)); do
		[ -S "$sock" ] && return 0
		alive || break
		sleep 0.1
	done
	fail "$tag: the daemon did not start: $(tail -n 3 "$dir/err")"
	return 1
}

stop_daemon() { # $1 tag
	exec {infd}>&-
	if ! wait_exit 30; then
		fail "$1: still running 30 s after the end of its input"
		kill -KILL "$app_pid"
		wait "$app_pid"
		return
	fi
	e2e_check_exit "$1" "$dir/out"
}

c() { "$ctl" -s "$sock" "$@"; }

# ---- the random configuration: a list of commands from seed $1 ----
gen() {
	local seed=$1 k n op v p mode
	local -a vifs=()
	RANDOM=$seed
	rmac() { printf '02:%02x:%02x:%02x:%02x:%02x' $((seed % 256)) $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)) "$1"; }
	gmac() { printf '01:00:5e:%02x:%02x:%02x' $((RANDOM % 128)) $((RANDOM % 256)) $((RANDOM % 256)); }
	echo "link set p0 mtu $((1400 + RANDOM % 101))"
	((RANDOM % 2)) && echo "link set p1 promisc on"
	((RANDOM % 3 == 0)) && echo "link set p0 allmulticast on"
	((RANDOM % 4 == 0)) && echo "link set p1 down"
	((RANDOM % 3 == 0)) && echo "link set p0 address $(rmac 250)"
	# p1 holds one passthru vif in a quarter of the seeds
	if ((RANDOM % 4 == 0)); then
		echo "link add link p1 name pt type macvlan mode passthru $( ((RANDOM % 2)) && echo nopromisc) backend null"
		echo "link set pt up"
		((RANDOM % 2)) && echo "link set pt address $(rmac 251)"
		p1pt=1
	else
		p1pt=0
	fi
	n=$((25 + RANDOM % 20))
	for ((k = 0; k < n; k++)); do
		op=$((RANDOM % 10))
		if [ "${#vifs[@]}" -lt 3 ] || [ "$op" -lt 4 ]; then
			v="v$k"
			p=p0
			[ "$p1pt" -eq 0 ] && ((RANDOM % 3 == 0)) && p=p1
			mode=$(printf 'private\nvepa\nbridge\nsource\n' | sed -n "$((RANDOM % 4 + 1))p")
			line="link add link $p name $v type macvlan mode $mode"
			[ "$mode" = source ] && ((RANDOM % 2)) && line+=" nodst"
			((RANDOM % 2)) && line+=" address $(rmac "$k")"
			((RANDOM % 4 == 0)) && line+=" mtu $((900 + RANDOM % 100))"
			((RANDOM % 4 == 0)) && line+=" bcqueuelen $((RANDOM % 3000))"
			((RANDOM % 6 == 0)) && line+=" bclim $((RANDOM % 10 - 1))"
			if [ "$mode" = source ] && ((RANDOM % 3)); then
				line+=" macaddr set"
				for ((i = RANDOM % 5; i >= 0; i--)); do line+=" $(rmac $((100 + RANDOM % 100)))"; done
			fi
			case $((RANDOM % 4)) in
			0 | 1) line+=" backend null" ;;
			2) line+=" backend vdev net_null$((10 + k))" ;;
			3) line+=" backend tap ifname ${E2E_PREFIX}$k netns $NS" ;;
			esac
			echo "$line"
			vifs+=("$v")
			continue
		fi
		v=${vifs[RANDOM % ${#vifs[@]}]}
		case $op in
		4) echo "link set $v up" ;;
		5) echo "link set $v $(printf 'promisc on\nallmulticast on\ndown\nmtu 950\nspoofchk on\naddress %s\nbcrate %s' "$(rmac $((RANDOM % 250)))" "$((RANDOM % 3 * 1000))" | sed -n "$((RANDOM % 7 + 1))p")" ;;
		6) echo "link set $v type macvlan mode $(printf 'private\nvepa\nbridge\nsource' | sed -n "$((RANDOM % 4 + 1))p")$( ((RANDOM % 3 == 0)) && echo " bcqueuelen $((RANDOM % 2000))")" ;;
		7) echo "link set $v type macvlan macaddr $(printf 'add %s\nadd %s\nflush\nset %s %s' "$(rmac 200)" "$(rmac 201)" "$(rmac 202)" "$(rmac 203)" | sed -n "$((RANDOM % 4 + 1))p")" ;;
		8) echo "maddr add $(gmac) dev $v"
		   ((RANDOM % 4 == 0)) && echo "maddr del 33:33:00:00:00:01 dev $v" ;;
		9) echo "link del $v"
		   mapfile -t vifs < <(printf '%s\n' "${vifs[@]}" | grep -vx "$v") ;;
		esac
	done
	((RANDOM % 3 == 0)) && echo "stop"
	return 0
}

# the state, counters aside, in a form that compares: JSON sorted, random
# markers and ethdev port numbers (which follow the order of creation) out
state() { # $1 file
	{
		c -j link show -d | jq -S 'map(del(.address_random)
			| if .backend.description then .backend.description |= sub(" \\(port [0-9]+\\)"; "") else . end
			| if .linkinfo.info_data.macaddr_data then .linkinfo.info_data.macaddr_data |= sort else . end)'
		c -j maddr show | jq -S 'map(.maddr |= sort_by(.address))'
	} >"$1"
}

# The state once what the TAPs' stacks do (IPv6 joins after the link comes
# up) has been mirrored: two snapshots a mirroring poll (1 s) apart agree;
# up to 15 s.
settled_state() { # $1 file
	local i
	state "$1.prev"
	for ((i = 0; i < 12; i++)); do
		sleep 1.2
		state "$1"
		cmp -s "$1.prev" "$1" && return 0
		mv "$1" "$1.prev"
	done
	mv "$1.prev" "$1"
}

for seed in "${seeds[@]}"; do
	tag="s$seed"
	gen "$seed" >"$E2E_TMP/$tag.cmds"
	start_daemon "${tag}a" || continue
	errors=0
	while IFS= read -r line; do
		c $line >/dev/null 2>>"$dir/cmd-errors" || errors=$((errors + 1))
	done <"$E2E_TMP/$tag.cmds"
	settled_state "$E2E_TMP/$tag.before" # what the taps' stacks do is mirrored
	c show config >"$E2E_TMP/$tag.conf"
	c -j show config >"$E2E_TMP/$tag.conf.json"
	n_vifs=$(jq '[.[] | select(.linkinfo.info_kind == "macvlan")] | length' <"$E2E_TMP/$tag.before" 2>/dev/null | head -n 1)
	stop_daemon "${tag}a"
	check_json=$(jq -r '.[]' <"$E2E_TMP/$tag.conf.json" 2>/dev/null)
	[ "$check_json" = "$(cat "$E2E_TMP/$tag.conf")" ] &&
		ok "$tag: -j show config is the text's lines as a JSON array" ||
		fail "$tag: -j show config differs from the text"

	start_daemon "${tag}b" --cmdline-file "$E2E_TMP/$tag.conf" || { cat "$dir/err"; continue; }
	settled_state "$E2E_TMP/$tag.after"
	c show config >"$E2E_TMP/$tag.conf2"
	stop_daemon "${tag}b"
	if cmp -s "$E2E_TMP/$tag.before" "$E2E_TMP/$tag.after" && [ -s "$E2E_TMP/$tag.before" ]; then
		ok "$tag: $(wc -l <"$E2E_TMP/$tag.cmds") random commands ($errors refused), $n_vifs vifs, $(wc -l <"$E2E_TMP/$tag.conf") lines of config: links and groups restored"
	else
		fail "$tag: the restored state differs"
		diff "$E2E_TMP/$tag.before" "$E2E_TMP/$tag.after" | head -n 30 | sed 's/^/    /'
		grep -i error "$dir/err" | head -n 5 | sed 's/^/    /'
	fi
	if cmp -s "$E2E_TMP/$tag.conf" "$E2E_TMP/$tag.conf2"; then
		ok "$tag: show config after the restore is the same file"
	else
		fail "$tag: show config after the restore differs"
		diff "$E2E_TMP/$tag.conf" "$E2E_TMP/$tag.conf2" | head -n 20 | sed 's/^/    /'
	fi
done

# Groups a TAP's kernel stack joined (IPv6 on: its solicited-node group) are
# mirrored, not configuration: show config writes the group joined by
# command only, and after the restore the new TAP's stack joins its own again.
NS6="${E2E_PREFIX}v6"
ip netns add "$NS6" && E2E_NETNS+=("$NS6")
start_daemon m6a && {
	c link add link p0 name m6 type macvlan mode bridge address 02:00:00:00:06:06 backend tap ifname "${E2E_PREFIX}m6" netns "$NS6" >/dev/null
	c link set m6 up >/dev/null
	c maddr add 01:00:5e:01:02:03 dev m6 >/dev/null
	for ((i = 0; i < 100; i++)); do
		c maddr show dev m6 | grep -q "33:33:ff:00:06:06" && break
		sleep 0.1
	done
	c maddr show dev m6 >"$E2E_TMP/m6.maddr"
	c show config >"$E2E_TMP/m6.conf"
	stop_daemon m6a
	check_conf=$(grep -c "^maddr add .* dev m6$" "$E2E_TMP/m6.conf")
	if grep -q "33:33:ff:00:06:06" "$E2E_TMP/m6.maddr" && [ "$check_conf" -eq 1 ] &&
		grep -q "^maddr add 01:00:5e:01:02:03 dev m6$" "$E2E_TMP/m6.conf"; then
		ok "mirrored: the stack's 33:33:ff:00:06:06 is not written, the group joined by command is"
	else
		fail "mirrored groups: $(tr '\n' ' ' <"$E2E_TMP/m6.maddr") / config: $(grep maddr "$E2E_TMP/m6.conf" | tr '\n' ' ')"
	fi
	start_daemon m6b --cmdline-file "$E2E_TMP/m6.conf" && {
		for ((i = 0; i < 100; i++)); do
			c maddr show dev m6 | grep -q "33:33:ff:00:06:06" && break
			sleep 0.1
		done
		if [ "$(c maddr show dev m6 | sort)" = "$(sort "$E2E_TMP/m6.maddr")" ]; then
			ok "mirrored: after the restore the TAP's stack joined its groups again (same maddr show)"
		else
			fail "mirrored: maddr show after the restore differs"
			diff <(sort "$E2E_TMP/m6.maddr") <(c maddr show dev m6 | sort) | sed 's/^/    /'
		fi
		stop_daemon m6b
	}
}

e2e_summary config
