# shellcheck shell=bash
# hog.sh - a CPU competitor for the bench (sourced by bench/compare.sh).
#
# Issue 15's collapse under contention: with the machine's two cores
# shared with a busy qemu guest (81-93% of a core), one flow through
# pppssh fell to half of the quiet figure.  The competitor here is N busy
# loops of ours (BENCH_CPU_HOG_LOOPS=N, default 1, at most 4 a core), each
# pinned with taskset to a core, from the last down and round again,
# started for a matrix point (or a path) and stopped by PID at its end;
# `timeout` bounds each in any case (BENCH_CPU_HOG_MAX_S, default 900 s).
# They run in the LAN host's namespace, so bed_cleanup stops them with the
# rest if the bench dies.
#
# The competitor stands for a busy guest on the machine at the tunnel's
# ends; the path between them is the bench's delay line, on the same
# machine, and a starved delay line is a path whose delay jitters by the
# scheduler's slices, which no Internet path between two busy hosts does.
# So while the loops run, the delay line runs at nice -10 (by its PID,
# back to 0 after), unless BENCH_CPU_HOG_PATH=starved leaves it with them.

HOG_PIDS=""
HOG_TICKS0=0
HOG_T0=0

# The busy loops' own processes: each timeout's child.
hog_loop_pids() {
    for _p in $HOG_PIDS; do ps -o pid= --ppid "$_p" 2>/dev/null | tr -d ' '; done
}

hog_count() {
    _want=${BENCH_CPU_HOG_LOOPS:-1}
    case $_want in '' | *[!0-9]* | 0) _want=1 ;; esac
    echo "$_want"
}

# hog_path_priority NICE: the delay line's (none on the bare path).
hog_path_priority() {
    [ -n "$DELAYLINE_PID" ] && renice -n "$1" -p "$DELAYLINE_PID" >/dev/null 2>&1
    return 0
}

hog_start() {
    _n=$(hog_count)
    _cores=$(nproc)
    [ "$_n" -le $((4 * _cores)) ] || _n=$((4 * _cores))
    for _i in $(seq 1 "$_n"); do
        bed_spawn "$NS_LAN" "$BED_TMP/cpu-hog.log" taskset -c $((_cores - 1 - (_i - 1) % _cores)) \
            timeout -k 2 "${BENCH_CPU_HOG_MAX_S:-900}" sh -c 'while :; do :; done'
        HOG_PIDS="$HOG_PIDS $LAST_PID"
    done
    for _i in $(seq 20); do
        [ "$(hog_loop_pids | wc -l)" -ge "$_n" ] && break
        sleep 0.05
    done
    [ "${BENCH_CPU_HOG_PATH:-}" = starved ] || hog_path_priority -10
    # shellcheck disable=SC2046
    HOG_TICKS0=$(cpu_ticks $(hog_loop_pids))
    HOG_T0=$(now)
    log "   CPU competitor: $_n busy loop(s), each pinned to a core (PIDs$HOG_PIDS)"
}

# hog_stop: stop the loops by PID; their CPU since hog_start, in % of one
# core, goes in the results as cpu_hog_pct (of the point, TUN_NAME -).
hog_stop() {
    [ -n "$HOG_PIDS" ] || return 0
    # shellcheck disable=SC2046
    _ticks=$(($(cpu_ticks $(hog_loop_pids)) - HOG_TICKS0))
    _pct=$(awk -v t="$_ticks" -v hz="$(getconf CLK_TCK)" -v s="$(secs_since "$HOG_T0")" \
        'BEGIN { printf "%.0f", (s > 0 ? 100 * t / hz / s : 0) }')
    # shellcheck disable=SC2086
    stop_pids $HOG_PIDS
    HOG_PIDS=""
    hog_path_priority 0
    _tun=$TUN_NAME
    TUN_NAME=-
    rec cpu_hog_pct "$_pct"
    TUN_NAME=$_tun
    log "   CPU competitor stopped: it had ${_pct}% of a core"
}
