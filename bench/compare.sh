#!/bin/bash
# compare.sh [BUILD_DIR] - the tunnels side by side, in one run: the raw ssh
# stream, `ssh -w`, wireguard-go and pppssh (and no tunnel at all), on a bare
# veth and on a shaped path (20 Mbit/s, 20 ms each way, a 100-packet
# bottleneck queue), through a real sshd between network namespaces
# (lib/bed.sh).  Needs root.  Writes bench/results/: results.tsv (raw rows),
# results.md (the table and the issue's target ratios), *.png (gnuplot).
#
# Knobs (environment), for quick partial runs:
#   BENCH_TUNNELS="none ssh-w wireguard-go pppssh pppssh-userspace"   which tunnels
#   BENCH_PATHS="bare shaped"                        which paths
#   BENCH_SECONDS=10     length of each iperf3 run (4 per tunnel and path)
#   BENCH_RESULTS=dir    where the results go (default bench/results)
#   BENCH_PPPSSH_MTU=N   pppssh's MTU (default: its own)
#   BENCH_RATE=20mbit BENCH_DELAY_MS=20 BENCH_QUEUE=100   the shaped path
#   BENCH_LOSS=0 BENCH_JITTER_MS=0   its random loss (in 10000), its pauses (ms)
#   BENCH_KEEP=1         keep the logs and configs in /tmp afterwards
#   BENCH_MATRIX=1       the path matrix instead (see matrix_points below):
#                        the bare link and pppssh on each point, ratios and
#                        verdicts in results/matrix.md, plots matrix-*.png
#   BENCH_POINTS="c r5"  only these matrix points
#   BENCH_MEASURES="idle down"   only these of idle, up, down, flows8, compete
#   BENCH_PPPSSH_DEBUG=1 both ends log at debug level (the pacer's
#                        decisions): logs/serve.log, logs/POINT-pppssh/pppssh-up.log
#   BENCH_CPU_HOG=1      a CPU competitor (lib/hog.sh) through every path or
#                        matrix point; the matrix's point `cpu` has it in
#                        any case.  BENCH_CPU_HOG_LOOPS=N: its busy loops,
#                        each pinned to a core of its own (default 1)
#   BENCH_PPPSSH_OLD=dir with BENCH_TUNNELS="none pppssh-old pppssh": another
#                        build's pppssh (both ends) in the same run, and an
#                        old-vs-new table in matrix.md; with BENCH_TUNNELS=
#                        "pppssh-userspace-old pppssh-userspace", the userspace
#                        mode of both builds
# The full default run takes about 7 minutes, the matrix about 25 (each
# point's run length: 10 s, and 20-30 s where one run is noisy).
set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd) || exit 1
PPPSSH=$build/pppssh
BENCH_BIN=$build/bench
TUNNELS=${BENCH_TUNNELS:-none ssh-w wireguard-go pppssh pppssh-userspace}
PATHS=${BENCH_PATHS:-bare shaped}
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results}
TSV=$RESULTS/results.tsv

. "$BENCH_DIR/lib/bed.sh"
. "$BENCH_DIR/lib/measure.sh"
. "$BENCH_DIR/lib/hog.sh"

preflight() {
    [ "$(id -u)" = 0 ] || { echo "compare.sh: needs root (network namespaces)" >&2; exit 77; }
    for f in "$PPPSSH" "$BENCH_BIN/delayline"; do
        [ -x "$f" ] || { echo "compare.sh: $f not built (make build)" >&2; exit 1; }
    done
    for c in iperf3 wireguard-go wg gnuplot ethtool tc ssh taskset /usr/sbin/sshd "$PY"; do
        command -v "$c" >/dev/null || { echo "compare.sh: $c missing (make deps)" >&2; exit 1; }
    done
}

machine() {
    echo "- date: $(date -u +%FT%TZ); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- host: $(uname -sr), $(nproc) cores ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1))"
    echo "- $(ssh -V 2>&1); wireguard-go $(wireguard-go --version 2>/dev/null | awk '{ print $2; exit }'); $(iperf3 --version | head -1)"
    echo "- pppssh: $(git -C "$BENCH_DIR" describe --always --dirty 2>/dev/null || echo '?') ($PPPSSH)"
    echo "- TCP congestion control $BENCH_CC; iperf3 and probes client -> host on the server's LAN, $([ -n "${BENCH_MATRIX:-}" ] && echo "each point's run s" || echo "$SECONDS_PER_RUN s") per iperf3 run"
    [ -n "${BENCH_MATRIX:-}" ] ||
        echo "- shaped path: tbf rate $SHAPE_RATE, queue $SHAPE_QUEUE packets, + ${SHAPE_DELAY_MS} ms each way (bench/tools/delayline; no sch_netem in this kernel)"
}

# The sshd sessions of the last tunnel are gone (at most 5 s).
wait_sessions_gone() {
    for _i in $(seq 100); do
        [ -z "$(ps -o pid= --ppid "$SSHD_PID")" ] && return 0
        sleep 0.05
    done
}

# scenario_start TUNNEL: bring TUNNEL up on this path and wait for its
# first ping; false (recorded as up_failed) if it did not come up.
scenario_start() {
    TUN_NAME=$1
    RUN=$BED_TMP/$PATH_NAME-$TUN_NAME
    mkdir -p "$RUN"
    log "== $PATH_NAME / $TUN_NAME"
    # shellcheck disable=SC1090
    . "$BENCH_DIR/tunnels/$TUN_NAME.sh"
    tun_prepare
    _t0=$(now)
    if ! tun_up || ! _fp=$(first_ping "$_t0"); then
        log "   $TUN_NAME did not come up (logs: $RUN)"
        rec up_failed 1
        tun_down
        return 1
    fi
}

# scenario_end FILE...: take the tunnel down and keep FILE... (globs in
# $RUN) with the results.
scenario_end() {
    tun_down
    wait_sessions_gone
    mkdir -p "$RESULTS/logs/$PATH_NAME-$TUN_NAME"
    for _f in "$@"; do cp "$RUN"/$_f "$RESULTS/logs/$PATH_NAME-$TUN_NAME/" 2>/dev/null; done
}

scenario() {
    scenario_start "$1" || return
    [ "$TUN_NAME" = none ] || rec first_ping_s "$_fp"
    log "   first ping after ${_fp}s"
    measure_idle
    measure_one_flow
    measure_download
    measure_flows 4
    measure_flows 8
    measure_conns
    measure_rss
    scenario_end '*.log' '*.json' '*.ping' '*.rr' conns.out
}

# The path matrix: one axis at a time around the centre (20 Mbit/s, 40 ms
# RTT, a 100-packet bottleneck queue, the endpoints' offloads off), and the
# far corner.  Columns: name, rate, one-way delay ms, queue packets,
# endpoint offloads, random loss in 10000, a competing flow outside the
# tunnel (1: measured at this point), a CPU competitor (lib/hog.sh) while
# the point is measured (1), for the bare link and the tunnels alike, the
# path's own delay variation (tools/delayline's pauses, up to this many
# ms: Wi-Fi's), and the length of each iperf3 run in seconds (0: 10;
# BENCH_SECONDS, when set, for every point).  A single flow at 0.5% loss
# sees about 20 losses in 10 s, and at 150 ms its window grows a packet
# per RTT after a drop: there one drop more or less moved a 10 s figure by
# a fifth to a third, and longer runs give verdicts that hold.
matrix_points() {
    cat <<'POINTS'
c       20mbit  20 100  off 0  1 0 0  0
r5      5mbit   20 100  off 0  0 0 0  0
r100    100mbit 20 100  off 0  0 0 0  0
rtt10   20mbit  5  100  off 0  0 0 0  0
rtt150  20mbit  75 100  off 0  0 0 0  20
q30     20mbit  20 30   off 0  0 0 0  0
q1000   20mbit  20 1000 off 0  0 0 0  0
offload 20mbit  20 100  on  0  0 0 0  0
loss    20mbit  20 100  off 50 0 0 0  30
far     100mbit 75 1000 off 0  0 0 0  30
cpu     20mbit  20 100  off 0  0 1 0  0
jitter  20mbit  20 100  off 0  0 0 20 0
POINTS
}

# One flow through the tunnel (to the LAN host) and one outside it (to
# the server's transport address) at once, on the same bottleneck: the
# tunnel's share of what the two moved.
measure_compete() {
    in_cli timeout $((SECONDS_PER_RUN + 60)) iperf3 -c "$SRV_IP" -p $COMPETE_PORT \
        -t "$SECONDS_PER_RUN" -C "$BENCH_CC" -J --connect-timeout 5000 \
        >"$RUN/iperf-outside.json" 2>"$RUN/iperf-outside.json.err" &
    _op=$!
    iperf 1 "$RUN/iperf-compete.json"
    wait $_op
    _in=$(iperf_field "$RUN/iperf-compete.json" mbps)
    _out=$(iperf_field "$RUN/iperf-outside.json" mbps)
    rec compete_in_mbps "$_in"
    rec compete_out_mbps "$_out"
    log "   against a flow outside: $_in Mbit/s inside, $_out outside"
}

# Is this measurement asked for (BENCH_MEASURES, default all)?
measure_wanted() {
    case " ${BENCH_MEASURES:-idle up down flows8 compete} " in *" $1 "*) return 0 ;; esac
    return 1
}

matrix_scenario() {
    scenario_start "$1" || return
    measure_wanted idle && measure_idle
    measure_wanted up && measure_one_flow
    measure_wanted down && measure_download
    measure_wanted flows8 && measure_flows 8
    [ "$POINT_COMPETE" = 1 ] && measure_wanted compete && measure_compete
    scenario_end '*.log' '*.json' '*.ping'
}

matrix() {
    COMPETE_PORT=5202
    bed_spawn "$NS_SRV" "$BED_TMP/iperf3-outside.log" iperf3 -s -p $COMPETE_PORT -B "$SRV_IP"
    _started=$(now)
    while read -r PATH_NAME SHAPE_RATE SHAPE_DELAY_MS SHAPE_QUEUE SHAPE_OFFLOAD SHAPE_LOSS \
        POINT_COMPETE POINT_HOG SHAPE_JITTER_MS POINT_SECONDS; do
        case " ${BENCH_POINTS:-$PATH_NAME} " in *" $PATH_NAME "*) ;; *) continue ;; esac
        SECONDS_PER_RUN=${BENCH_SECONDS:-$([ "$POINT_SECONDS" -gt 0 ] && echo "$POINT_SECONDS" || echo 10)}
        log "== point $PATH_NAME: $SHAPE_RATE, RTT $((2 * SHAPE_DELAY_MS)) ms, queue $SHAPE_QUEUE," \
            "offloads $SHAPE_OFFLOAD, loss $SHAPE_LOSS/10000, pauses up to $SHAPE_JITTER_MS ms"
        bed_link_shaped || exit 1
        TUN_NAME=-
        rec rate_mbit "${SHAPE_RATE%mbit}"
        rec rtt_ms $((2 * SHAPE_DELAY_MS))
        rec queue_packets "$SHAPE_QUEUE"
        rec offload "$([ "$SHAPE_OFFLOAD" = on ] && echo 1 || echo 0)"
        rec loss_pct "$(awk -v l="$SHAPE_LOSS" 'BEGIN { print l / 100 }')"
        rec jitter_ms "$SHAPE_JITTER_MS"
        rec run_s "$SECONDS_PER_RUN"
        [ "$POINT_HOG" = 1 ] || [ -n "${BENCH_CPU_HOG:-}" ] && hog_start
        for t in $TUNNELS; do matrix_scenario "$t"; done
        hog_stop
    done < <(matrix_points)
    log "matrix took $(secs_since "$_started") s"
}

preflight
mkdir -p "$RESULTS"
if [ -n "${BENCH_MATRIX:-}" ]; then
    TSV=$RESULTS/matrix.tsv
    TUNNELS=${BENCH_TUNNELS:-none pppssh}
    rm -rf "$RESULTS/logs"
    : >"$TSV"
    machine >"$RESULTS/machine-matrix.md"
    bed_setup || exit 1
    start_servers || exit 1
    matrix
    cp "$BED_TMP"/sshd.log "$BED_TMP"/serve.log "$RESULTS/logs/" 2>/dev/null
    "$PY" "$BENCH_DIR/tools/report.py" --matrix "$RESULTS"
    exit
fi
rm -rf "$RESULTS/logs"
: >"$TSV"
machine >"$RESULTS/machine.md"
bed_setup || exit 1
start_servers || exit 1
for PATH_NAME in $PATHS; do
    case $PATH_NAME in
        bare) bed_link_bare ;;
        shaped) bed_link_shaped || exit 1 ;;
        *) echo "compare.sh: unknown path $PATH_NAME (bare, shaped)" >&2; exit 2 ;;
    esac
    TUN_NAME=stream
    [ -n "${BENCH_CPU_HOG:-}" ] && hog_start
    ssh_baseline
    for t in $TUNNELS; do
        [ -f "$BENCH_DIR/tunnels/$t.sh" ] || { echo "compare.sh: no tunnel $t" >&2; exit 2; }
        scenario "$t"
    done
    hog_stop
done
cp "$BED_TMP"/sshd.log "$BED_TMP"/serve.log "$BED_TMP"/delayline.log "$RESULTS/logs/" 2>/dev/null
"$PY" "$BENCH_DIR/tools/report.py" "$RESULTS"
