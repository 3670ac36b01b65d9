#!/usr/bin/env bash
# Runs every test of dpdk-macvlan on a fresh Debian 12 machine (as root):
# installs what is missing, builds the normal and the ASan+UBSan trees, runs
# `meson test` in both, runs the libFuzzer targets for a bounded time, and
# ends with one summary line "test.sh: N passed, N failed".
# Options: FUZZ_SECONDS=60 (0 skips the libFuzzer runs), FUZZ_CTL_SECONDS=30
# (the control socket's protocol decoder, fuzz_ctl_proto), FUZZ_MEMIF_SECONDS=20
# (the memif protocol layer, fuzz_memif_msg), FUZZ_INGRESS_SECONDS=15 (the
# frame-ingress checks and the broadcast policer, fuzz_ingress).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_CTL_SECONDS=${FUZZ_CTL_SECONDS:-30}
FUZZ_MEMIF_SECONDS=${FUZZ_MEMIF_SECONDS:-20}
FUZZ_INGRESS_SECONDS=${FUZZ_INGRESS_SECONDS:-15}
[ "$FUZZ_SECONDS" -gt 0 ] || FUZZ_CTL_SECONDS=0
[ "$FUZZ_SECONDS" -gt 0 ] || FUZZ_MEMIF_SECONDS=0
[ "$FUZZ_SECONDS" -gt 0 ] || FUZZ_INGRESS_SECONDS=0
passed=0
failed=0

need_packages "${BUILD_PACKAGES[@]}" clang libclang-rt-14-dev tcpdump iputils-ping ethtool \
	jq python3 tcpreplay || exit 1
need_packages "${TRACE_PACKAGES[@]}" || exit 1

# count a `meson test` run from its summary ("Ok: N", "Fail: N", ...)
count_meson() {
	local log=$1 ok fail
	ok=$(awk '/^Ok:/ {print $2}' "$log" | tail -n1)
	fail=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {s += $NF} END {print s + 0}' "$log")
	passed=$((passed + ${ok:-0}))
	failed=$((failed + fail))
	[ -n "$ok" ] || failed=$((failed + 1))
}

step() { printf '\n=== %s\n' "$*"; }

# (the 2-minute soak, suite soak, runs in the normal tree only)
step "build (debugoptimized)"
if { [ -d build ] || meson setup build >/dev/null; } && ninja -C build; then
	step "meson test (all suites)"
	meson test -C build --print-errorlogs --num-processes 2 2>&1 | tee build/test-summary.log
	count_meson build/test-summary.log
else
	echo "build failed"
	failed=$((failed + 1))
fi

step "build (ASan + UBSan)"
if { [ -d build-asan ] || meson setup build-asan -Dsanitize=true >/dev/null; } &&
	ninja -C build-asan; then
	step "meson test under ASan + UBSan"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite soak 2>&1 |
		tee build-asan/test-summary.log
	count_meson build-asan/test-summary.log
else
	echo "sanitizer build failed"
	failed=$((failed + 1))
fi

# fuzz TARGET SECONDS: a bounded libFuzzer run of one target, its corpus kept
# in build-fuzz/corpus-TARGET
fuzz() {
	local target=$1 secs=$2
	step "libFuzzer: $target for ${secs}s"
	if ninja -C build-fuzz "test/$target"; then
		mkdir -p "build-fuzz/corpus-$target"
		if "./build-fuzz/test/$target" -max_total_time="$secs" -print_final_stats=1 \
			"build-fuzz/corpus-$target" >"build-fuzz/$target.log" 2>&1; then
			tail -n 3 "build-fuzz/$target.log"
			passed=$((passed + 1))
		else
			tail -n 40 "build-fuzz/$target.log"
			failed=$((failed + 1))
		fi
	else
		echo "fuzz build of $target failed"
		failed=$((failed + 1))
	fi
}

if [ "$FUZZ_SECONDS" -gt 0 ]; then
	if [ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dfuzz=true -Dapp=false >/dev/null; then
		fuzz fuzz_core "$FUZZ_SECONDS"
		fuzz fuzz_cmd_parse $((FUZZ_SECONDS / 2))
		[ "$FUZZ_CTL_SECONDS" -gt 0 ] && fuzz fuzz_ctl_proto "$FUZZ_CTL_SECONDS"
		[ "$FUZZ_MEMIF_SECONDS" -gt 0 ] && fuzz fuzz_memif_msg "$FUZZ_MEMIF_SECONDS"
		[ "$FUZZ_INGRESS_SECONDS" -gt 0 ] && fuzz fuzz_ingress "$FUZZ_INGRESS_SECONDS"
	else
		echo "fuzz build setup failed"
		failed=$((failed + 1))
	fi
fi

echo
echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
