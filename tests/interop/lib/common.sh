# common.sh - sourced by the interop test scripts: a private work dir, PASS/FAIL
# bookkeeping, background processes killed by PID on exit.
#
# On failure the work dir's logs are printed (ctest --output-on-failure shows
# them); set INTEROP_KEEP=1 to keep the dir instead of removing it.
set -uo pipefail
INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ppp-interop.XXXXXX")
PASSED=0 FAILED=0 BG_PIDS="" T_START=$(date +%s%N)

# run_bg LOGFILE CMD...: start CMD in the background, remember its PID in $BG_PID.
run_bg() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 </dev/null &
    BG_PID=$!
    BG_PIDS="$BG_PIDS $BG_PID"
}

stop_all() {
    local pid
    for pid in $BG_PIDS; do kill -TERM "$pid" 2>/dev/null; done
    for pid in $BG_PIDS; do wait "$pid" 2>/dev/null; done
    BG_PIDS=""
}

on_exit() {
    stop_all
    if [ "$FAILED" != 0 ] || [ "${INTEROP_KEEP:-0}" = 1 ]; then
        local f
        for f in "$WORK"/*.log "$WORK"/*.txt; do
            [ -f "$f" ] && { echo "---- $(basename "$f")"; tail -n 60 "$f"; }
        done
    fi
    if [ "${INTEROP_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap on_exit EXIT
trap 'exit 143' TERM INT

# check "DESCRIPTION" CMD...: run CMD, count and print PASS or FAIL.
check() {
    local what=$1
    shift
    if "$@"; then
        echo "PASS $what"
        PASSED=$((PASSED + 1))
    else
        echo "FAIL $what"
        FAILED=$((FAILED + 1))
    fi
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s; status 0 once it succeeds.
wait_until() {
    local n=$(($1 * 10))
    shift
    while [ "$n" -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

in_file() { grep -q -- "$1" "$2" 2>/dev/null; }
is_dead() { ! kill -0 "$1" 2>/dev/null; }

# skip REASON: ctest's SKIP_RETURN_CODE is 77.
skip() {
    echo "SKIP $*"
    exit 77
}

finish() {
    local ms=$((($(date +%s%N) - T_START) / 1000000))
    printf '%d passed, %d failed (%d.%01d s)\n' "$PASSED" "$FAILED" $((ms / 1000)) $((ms % 1000 / 100))
    [ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
    exit $?
}

# pcap_analyse PCAP MIN_FRAMES: one tshark pass; sets PCAP_RC (0 = every FCS
# good, nothing malformed, >= MIN_FRAMES frames) and PCAP_SUMMARY (its
# key=value line); the per-frame decode goes to PCAP.decode.txt.
pcap_analyse() {
    python3 "$INTEROP_DIR/lib/pcap_check.py" check "$1" --min-frames "$2" >"$1.decode.txt"
    PCAP_RC=$?
    PCAP_SUMMARY=$(tail -n1 "$1.decode.txt")
}
pcap_clean() { [ "$PCAP_RC" = 0 ]; }
# pcap_fact KEY: a value from PCAP_SUMMARY.
pcap_fact() { echo " $PCAP_SUMMARY " | grep -o " $1=[^ ]*" | cut -d= -f2; }

# pcap_flip_is_caught PCAP: flip one bit in a copy; the checker must fail it
# and name exactly one bad FCS.
pcap_flip_is_caught() {
    local flipped=$WORK/flipped.pcap out
    python3 "$INTEROP_DIR/lib/pcap_check.py" flip "$1" "$flipped" || return 1
    out=$(python3 "$INTEROP_DIR/lib/pcap_check.py" check "$flipped") && return 1
    echo "$out" | tail -n1 | grep -q ' fcs_bad=1 '
}

# at_least A B: A >= B, for check lines.
at_least() { [ "${1:-0}" -ge "$2" ]; }

# guest_booted VMLOG: the pppd guest reached pppd (pppd-vm.sh said READY).
# If not, the test stops here with a harness error, so that a guest that
# never booted is never reported as a PPP failure.
guest_booted() {
    in_file READY "$1" && return 0
    echo "FAIL harness: the pppd guest did not boot; pppd-vm.sh said:"
    sed 's/^/    | /' "$1"
    FAILED=$((FAILED + 1))
    finish
}

# need_peer: the engine driver is built only once the engine is complete.
need_peer() {
    [ -n "${PPP_PEER:-}" ] && [ -x "$PPP_PEER" ] ||
        skip "ppp_peer not built: the engine (ppp_link_new) is not in src/ppp yet"
}

# summary_has KEY=VALUE...: every pair is in ppp_peer's summary line.
summary_has() {
    local kv
    for kv in "$@"; do grep -q "^result=.* $kv\( \|$\)" "$WORK/summary.txt" || return 1; done
}
