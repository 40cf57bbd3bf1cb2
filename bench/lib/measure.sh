# shellcheck shell=bash
# measure.sh - the measurements of bench/compare.sh (sourced).  Each one
# appends raw rows "path<TAB>tunnel<TAB>metric<TAB>value" to $TSV through
# rec; tools/report.py turns them into the table.  Every load is bounded
# in time (iperf3 -t, ping -w, timeout), every loop in count.
#
# The probes target the host on the server's LAN ($LAN_IP): iperf3 and
# tools/probe.py run there, and every tunnel routes the LAN through itself.

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
PING_INTERVAL=0.1
IDLE_SAMPLES=${BENCH_IDLE_SAMPLES:-30}
CONNS=${BENCH_CONNS:-30}
CONN_KB=${BENCH_CONN_KB:-256}
PROBE_PORT=7001
IPERF_PORT=5201
PY=/usr/bin/python3 # not a pyenv shim: no start-up cost in the probes

rec() { printf '%s\t%s\t%s\t%s\n' "$PATH_NAME" "$TUN_NAME" "$1" "$2" >>"$TSV"; }
now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.3f", b - a }'; }

# pids_named NS COMM...: PIDs in NS whose command name is one of COMM.
pids_named() {
    _ns=$1
    shift
    for _p in $(ip netns pids "$_ns" 2>/dev/null); do
        _c=$(cat "/proc/$_p/comm" 2>/dev/null) || continue
        for _want in "$@"; do [ "$_c" = "$_want" ] && echo "$_p"; done
    done
}

# tunnel_pids NS: every process that carries the tunnel on that side (ssh
# and the sshd session too, not the sshd listener).
tunnel_pids() { pids_named "$1" ssh sshd pppssh pppssh-stack wireguard-go | grep -vx "$SSHD_PID"; }

# cpu_ticks PID...: user+system clock ticks (fields 14 and 15 of stat,
# counted after the ')' that ends a command name, which may hold spaces).
cpu_ticks() {
    _sum=0
    for _p in "$@"; do
        _t=$(sed 's/.*) //' "/proc/$_p/stat" 2>/dev/null | awk '{ print $12 + $13 }')
        _sum=$((_sum + ${_t:-0}))
    done
    echo $_sum
}

start_servers() {
    bed_spawn "$NS_LAN" "$BED_TMP/iperf3-server.log" iperf3 -s -p $IPERF_PORT
    bed_spawn "$NS_LAN" "$BED_TMP/probe-server.log" "$PY" "$BENCH_DIR/tools/probe.py" serve $PROBE_PORT
    for _i in $(seq 100); do
        in_lan ss -Hltn "sport = :$IPERF_PORT" | grep -q . &&
            in_lan ss -Hltn "sport = :$((PROBE_PORT + 1))" | grep -q . && return 0
        sleep 0.05
    done
    log "load servers did not start"
    return 1
}

# ssh_baseline: `ssh srv true` (median of 3) and the raw ssh stream: zeros
# for SECONDS_PER_RUN s into `wc -c`, timed on the server around wc alone.
ssh_baseline() {
    for _i in 1 2 3; do
        _t0=$(now)
        timeout 20 ip netns exec "$NS_CLI" ssh -F "$BED_TMP/ssh_config" srv true </dev/null &&
            rec ssh_true_s "$(secs_since "$_t0")"
    done
    _out=$( (timeout "$SECONDS_PER_RUN" cat /dev/zero || true) |
        timeout $((SECONDS_PER_RUN + 30)) ip netns exec "$NS_CLI" ssh -F "$BED_TMP/ssh_config" srv 'date +%s.%N; wc -c; date +%s.%N')
    echo "$_out" | awk 'NR == 1 { s = $1 } NR == 2 { b = $1 } NR == 3 { e = $1 }
        END { if (e > s) printf "%.1f\n", b * 8 / (e - s) / 1e6 }' | while read -r mbps; do
        rec stream_mbps "$mbps"
        log "   raw ssh stream: $mbps Mbit/s"
    done
}

# first_ping T0: seconds from T0 to the first echo reply from the LAN host
# (pinging every 10 ms; ping -D stamps the reply's arrival).  At most 20 s.
first_ping() {
    for _i in $(seq 2000); do
        _left=$(awk -v t="$1" -v n="$(now)" 'BEGIN { l = int(t + 20 - n); print (l < 1 ? 0 : l) }')
        [ "$_left" -gt 0 ] || return 1
        if _out=$(in_cli ping -n -D -c1 -i 0.01 -w "$_left" "$LAN_IP" 2>/dev/null); then
            _at=$(echo "$_out" | sed -n 's/^\[\([0-9.]*\)\] .* bytes from.*/\1/p' | head -1)
            secs_since "$1" "${_at:-$(now)}"
            return 0
        fi
        sleep 0.01 # no route yet
    done
    return 1
}

# ping_rec METRIC COUNT: COUNT pings, PING_INTERVAL apart; one row per reply
# and METRIC_lost for the unanswered (ping -w keeps sending past COUNT
# until COUNT replies came: only requests 1..COUNT count).  In the
# background: returns at once.
ping_rec() {
    in_cli ping -n -c "$2" -i $PING_INTERVAL -W 3 -w "$(awk -v n="$2" 'BEGIN { print int(n * 0.1) + 5 }')" \
        "$LAN_IP" >"$RUN/$1.ping" 2>&1 &
    PING_PID=$!
}
ping_collect() {
    wait "$PING_PID"
    _got=0
    for _ms in $(sed -n 's/.*icmp_seq=\([0-9]*\) .*time=\([0-9.]*\).*/\1 \2/p' "$RUN/$1.ping" |
        sort -un -k1,1 | awk -v n="$2" '$1 <= n { print $2 }'); do
        rec "$1_ms" "$_ms"
        _got=$((_got + 1))
    done
    rec "$1_lost" $(($2 - _got))
}

# rr_rec METRIC COUNT: TCP 1-byte request/responses on a new connection;
# the connection's first exchange is METRIC_first_ms, the others METRIC_ms.
rr_rec() {
    in_cli timeout $(($2 / 10 + 10)) "$PY" "$BENCH_DIR/tools/probe.py" rr "$LAN_IP" $PROBE_PORT "$2" \
        $PING_INTERVAL >"$RUN/$1.rr" 2>&1 &
    RR_PID=$!
}
rr_collect() {
    wait "$RR_PID"
    awk -v m="$1" -v p="$PATH_NAME" -v t="$TUN_NAME" '
        $1 == "first" { print p "\t" t "\t" m "_first_ms\t" $2 }
        $1 == "rr" { print p "\t" t "\t" m "_ms\t" $2 }
        $1 == "fail" { f = 1 }
        END { print p "\t" t "\t" m "_fail\t" (f ? 1 : 0) }' "$RUN/$1.rr" >>"$TSV"
}

# iperf STREAMS JSON [-R]: TCP client -> LAN host (-R: LAN host -> client)
# for SECONDS_PER_RUN s.
iperf() {
    in_cli timeout $((SECONDS_PER_RUN + 60)) iperf3 -c "$LAN_IP" -p $IPERF_PORT -t "$SECONDS_PER_RUN" \
        -P "$1" -C "$BENCH_CC" -J --connect-timeout 5000 ${3:-} >"$2" 2>"$2.err"
}
iperf_field() { "$PY" "$BENCH_DIR/tools/iperf_json.py" "$1" "$2"; }

measure_idle() {
    ping_rec icmp_idle "$IDLE_SAMPLES"
    rr_rec rr_idle "$IDLE_SAMPLES"
    ping_collect icmp_idle "$IDLE_SAMPLES"
    rr_collect rr_idle
}

# One TCP flow for SECONDS_PER_RUN s: its throughput and CPU cost, and the
# latency under it (from 2 s in, once the flow has filled the queues).
measure_one_flow() {
    _pc=$(tunnel_pids "$NS_CLI")
    _ps=$(tunnel_pids "$NS_SRV")
    _c0=$(cpu_ticks $_pc)
    _s0=$(cpu_ticks $_ps)
    iperf 1 "$RUN/iperf1.json" &
    _ip=$!
    sleep 2
    _n=$(pings_during_run)
    ping_rec icmp_load $_n
    rr_rec rr_load $_n
    ping_collect icmp_load $_n
    rr_collect rr_load
    wait $_ip
    _c1=$(cpu_ticks $_pc)
    _s1=$(cpu_ticks $_ps)
    _mbps=$(iperf_field "$RUN/iperf1.json" mbps)
    _bytes=$(iperf_field "$RUN/iperf1.json" bytes)
    rec tput1_mbps "$_mbps"
    if [ -n "$_pc$_ps" ] && [ "${_bytes:-0}" -gt 0 ]; then
        _hz=$(getconf CLK_TCK)
        rec cpu_cli_s_per_gb "$(awk -v d=$((_c1 - _c0)) -v b="$_bytes" -v hz="$_hz" 'BEGIN { printf "%.2f", d / hz / (b / 1e9) }')"
        rec cpu_srv_s_per_gb "$(awk -v d=$((_s1 - _s0)) -v b="$_bytes" -v hz="$_hz" 'BEGIN { printf "%.2f", d / hz / (b / 1e9) }')"
    fi
    log "   1 flow: $_mbps Mbit/s"
}

# How many pings fit in an iperf3 run from 2 s in (at least 10).
pings_during_run() {
    _pn=$(((SECONDS_PER_RUN - 3) * 10))
    echo $((_pn < 10 ? 10 : _pn))
}

# One TCP flow the other way (the LAN host sends to the client: a
# download), with pings meanwhile: the server end's queue control.
measure_download() {
    iperf 1 "$RUN/iperf-down.json" -R &
    _ip=$!
    sleep 2
    _n=$(pings_during_run)
    ping_rec icmp_down $_n
    ping_collect icmp_down $_n
    wait $_ip
    _mbps=$(iperf_field "$RUN/iperf-down.json" mbps)
    rec tput_down_mbps "$_mbps"
    log "   1 flow down: $_mbps Mbit/s"
}

measure_flows() {
    iperf "$1" "$RUN/iperf$1.json"
    rec "tput$1_mbps" "$(iperf_field "$RUN/iperf$1.json" mbps)"
    [ "$1" -gt 1 ] && rec "jain$1" "$(iperf_field "$RUN/iperf$1.json" jain)"
    log "   $1 flows: $(iperf_field "$RUN/iperf$1.json" mbps) Mbit/s, Jain $(iperf_field "$RUN/iperf$1.json" jain)"
}

# CONNS connections at once, each fetching CONN_KB KiB; ICMP meanwhile.
measure_conns() {
    ping_rec icmp_conns 30
    in_cli timeout 45 "$PY" "$BENCH_DIR/tools/probe.py" conns "$LAN_IP" $PROBE_PORT "$CONNS" \
        $((CONN_KB * 1024)) 30 >"$RUN/conns.out" 2>&1
    ping_collect icmp_conns 30
    _done=$(grep -c '^conn ' "$RUN/conns.out")
    rec conns_done "$_done"
    rec conns_total "$CONNS"
    awk -v p="$PATH_NAME" -v t="$TUN_NAME" '$1 == "conn" { print p "\t" t "\tconn_s\t" $2 }' \
        "$RUN/conns.out" >>"$TSV"
    log "   $CONNS connections: $_done completed"
}

# Peak RSS (VmHWM) of the tunnel's own process and of all its processes
# (ssh and the sshd session included), per side.
measure_rss() {
    for _side in cli srv; do
        if [ $_side = cli ]; then _ns=$NS_CLI _eng=$ENGINE_CLI; else _ns=$NS_SRV _eng=$ENGINE_SRV; fi
        _all=0 _own=0
        for _p in $(tunnel_pids "$_ns"); do
            _kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$_p/status" 2>/dev/null)
            _all=$((_all + ${_kb:-0}))
            [ "$(cat "/proc/$_p/comm" 2>/dev/null)" = "$_eng" ] && [ "${_kb:-0}" -gt $_own ] && _own=$_kb
        done
        [ $_all -gt 0 ] || continue
        rec "rss_${_side}_kb" $_own
        rec "rss_${_side}_all_kb" $_all
        # pppssh's own processes together: serve and, without root, its stack.
        _ours=0
        for _p in $(pids_named "$_ns" pppssh pppssh-stack); do
            _kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$_p/status" 2>/dev/null)
            _ours=$((_ours + ${_kb:-0}))
        done
        rec "rss_${_side}_pppssh_kb" $_ours
    done
}
