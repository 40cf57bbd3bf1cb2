#!/bin/bash
# stack-compare.sh [BUILD_DIR] - issue 14's measurement: which userspace
# network stack should end pppssh's no-root server mode.  Each candidate
# (pasta = passt's engine; slirp4netns = libslirp) runs as an UNPRIVILEGED
# user (nobody) in a "server host" namespace and attaches a namespace that
# user made (user+net, "tap side"); what arrives there leaves as the server
# host's own sockets towards a "far host".  Needs root (to build the
# namespaces) and the Debian packages passt, slirp4netns, iperf3.
#
#   local:  [tap side: iperf3] =tap= stack @ server host ── far host
#   wan:    client ══shaped══ [tap side, a router] =tap= stack @ server host ── far host
#
# Paths (BENCH_PATHS):
#   bare    server host ── far host is a bare veth; client on the tap side
#   shaped  server host ══ far host is the bench's shaped path (lib/bed.sh:
#           tbf 20 Mbit/s, a 100-packet queue, 20 ms each way by
#           tools/delayline); client on the tap side.  Also ICMP, UDP,
#           IPv6, DNS.
#   wan     the shaped path between a client and the tap side, the far
#           host bare: pppssh's case, where the client's TCP is across the
#           SSH link from the stack, so the stack's TCP window towards the
#           client must cover the WAN's bandwidth-delay product.
#   reattach  passt proper (its Unix socket): does a TCP connection through
#           it survive its guest detaching and attaching again?
# Every path also measures the server host itself (no stack) as the
# baseline.  Rows (path, stack, metric, value) go to
# bench/results/stacks.tsv (BENCH_RESULTS), a table to stdout.
# Knobs: BENCH_STACKS="pasta slirp4netns", BENCH_PATHS="bare shaped wan reattach",
# BENCH_SECONDS=10 (each iperf3 run).  About 3 minutes with the defaults.
# Every load is bounded in time; the EXIT trap stops what this started, by
# PID, and deletes its namespaces and /etc/netns/<server host>.
set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd) || exit 1
BENCH_BIN=$build/bench
STACKS=${BENCH_STACKS:-pasta slirp4netns}
PATHS=${BENCH_PATHS:-bare shaped wan reattach}
SECS=${BENCH_SECONDS:-10}
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results}
TSV=$RESULTS/stacks.tsv
PY=/usr/bin/python3
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups) # a rootless user
IPERF_PORT=5201

# shellcheck source=lib/bed.sh
. "$BENCH_DIR/lib/bed.sh"

# bed.sh's names, so that its bed_cleanup removes them.
HOST=$NS_CLI FAR=$NS_SRV CLIENT=$NS_LAN
TAPNS=pbench-$BED_ID-tap # a name for the user's namespace (ip netns attach)
HOST_IP=198.18.0.1 FAR_IP=198.18.0.2
HOST_IP6=fd00:18::1 FAR_IP6=fd00:18::2
# The stacks copy the server host's default route; no host has the
# gateway's address (pasta maps the gateway's address to the host itself).
GW4=198.18.0.254 GW6=fd00:18::fe
# The tap side's network, the same for both stacks (slirp4netns's layout:
# guest .100, gateway .2, DNS .3; IPv6 fd00::/64, DNS fd00::3).
GUEST_NET=198.18.128.0/24 GUEST_IP=198.18.128.100 GUEST_GW=198.18.128.2
GUEST_DNS=198.18.128.3 GUEST_DNS6=fd00::3
WAN_CLIENT_IP=198.18.128.50 # the wan path's client, proxy-ARPed by the tap side

in_host() { ip netns exec "$HOST" "$@"; }
in_far() { ip netns exec "$FAR" "$@"; }
in_tap() { nsenter -t "$TAP_PID" -n "$@"; }
in_client() { ip netns exec "$CLIENT" "$@"; }
rec() { printf '%s\t%s\t%s\t%s\n' "$PATH_NAME" "$STACK" "$1" "$2" >>"$TSV"; }
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }
vm_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null; }
iperf_field() { "$PY" "$BENCH_DIR/tools/iperf_json.py" "$1" "$2"; }

stack_cleanup() {
    _st=$?
    ip netns del "$TAPNS" 2>/dev/null
    rm -rf "/etc/netns/$HOST"
    (exit $_st)
    bed_cleanup
}

# make_link NS_A IF_A NS_B IF_B bare|shaped: a veth pair, or two veth pairs
# through the middle box $NS_WAN shaped as lib/bed.sh's transport (tbf on
# both egresses with its rate, burst and queue; tools/delayline's delay).
make_link() {
    if [ "$5" = bare ]; then
        ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
        return
    fi
    ip netns add "$NS_WAN"
    ip -n "$1" link add "$2" type veth peer name wa netns "$NS_WAN"
    ip -n "$3" link add "$4" type veth peer name wb netns "$NS_WAN"
    offloads_off "$1" "$2"
    offloads_off "$3" "$4"
    _bps=$(echo "$SHAPE_RATE" | awk '{ v = $1 + 0; if ($1 ~ /kbit$/) v *= 1e3;
        else if ($1 ~ /mbit$/) v *= 1e6; else if ($1 ~ /gbit$/) v *= 1e9; print int(v) }')
    _burst=$((_bps / 8000 > 3028 ? _bps / 8000 : 3028))
    for dev in wa wb; do
        offloads_off "$NS_WAN" $dev
        ip -n "$NS_WAN" link set $dev promisc on up
        ip netns exec "$NS_WAN" tc qdisc add dev $dev root tbf rate "$SHAPE_RATE" burst $_burst \
            limit $((SHAPE_QUEUE * 1514))
    done
    bed_spawn "$NS_WAN" "$BED_TMP/delayline.log" "$BENCH_BIN/delayline" wa wb "$SHAPE_DELAY_MS" 1800 \
        "$SHAPE_LOSS"
    DELAYLINE_PID=$LAST_PID
}

drop_middle_box() {
    [ -n "$DELAYLINE_PID" ] && stop_pids "$DELAYLINE_PID"
    DELAYLINE_PID=""
    ip netns del "$NS_WAN" 2>/dev/null
    return 0
}

# far_link bare|shaped: server host t0 ── far host t0, IPv4 and IPv6, the
# server host's default routes (which the stacks copy).
far_link() {
    drop_middle_box
    ip -n "$HOST" link del t0 2>/dev/null
    make_link "$HOST" t0 "$FAR" t0 "$1"
    ip -n "$HOST" addr add "$HOST_IP/24" dev t0
    ip -n "$FAR" addr add "$FAR_IP/24" dev t0
    ip -n "$HOST" addr add "$HOST_IP6/64" dev t0 nodad
    ip -n "$FAR" addr add "$FAR_IP6/64" dev t0 nodad
    ip -n "$HOST" link set t0 up
    ip -n "$FAR" link set t0 up
    cc_route "$HOST" 198.18.0.0/24 dev t0 proto kernel scope link src "$HOST_IP"
    cc_route "$FAR" 198.18.0.0/24 dev t0 proto kernel scope link src "$FAR_IP"
    ip -n "$HOST" route add default via "$GW4" dev t0
    ip -n "$HOST" -6 route add default via "$GW6" dev t0
    for _i in $(seq 50); do
        in_host ping -c1 -W1 "$FAR_IP" >/dev/null 2>&1 && in_host ping -6 -c1 -W1 "$FAR_IP6" >/dev/null 2>&1 &&
            return 0
    done
    log "server host ── far host does not pass packets"
    return 1
}

setup() {
    [ "$(id -u)" = 0 ] || { echo "stack-compare.sh: needs root (network namespaces)" >&2; exit 77; }
    for c in pasta passt slirp4netns socat iperf3 setpriv nsenter ethtool tc "$BENCH_BIN/delayline"; do
        command -v "$c" >/dev/null || { echo "stack-compare.sh: $c missing" >&2; exit 1; }
    done
    BED_TMP=$(mktemp -d /tmp/pppssh-stacks.XXXXXX)
    chmod 755 "$BED_TMP"
    trap stack_cleanup EXIT
    trap 'exit 1' INT TERM HUP
    # ROOTLESS: how the stacks run, as nobody.  Debian's /dev/net/tun is
    # 0666 (any user may make a TAP in a namespace of their own); where
    # this machine's is not, a 0666 node of the same device is bound over
    # it in a private mount namespace for the stack alone.
    ROOTLESS=("${NOBODY[@]}")
    if [ "$(stat -c %a /dev/net/tun)" != 666 ]; then
        mknod -m 666 "$BED_TMP/tun" c 10 200
        # shellcheck disable=SC2016 # $0 and $@ are the inner shell's
        ROOTLESS=(unshare -m sh -c 'mount --bind "$0" /dev/net/tun && exec "$@"' "$BED_TMP/tun" "${NOBODY[@]}")
        log "/dev/net/tun is $(stat -c %a /dev/net/tun) here, not Debian's 666: the stacks get a 666 node"
    fi
    for ns in "$HOST" "$FAR" "$CLIENT"; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
    done
    # The server host's resolver is the far host (ip netns exec binds it).
    mkdir -p "/etc/netns/$HOST" "$RESULTS"
    echo "nameserver $FAR_IP" >"/etc/netns/$HOST/resolv.conf"
    : >"$TSV"
    bed_spawn "$FAR" "$BED_TMP/iperf3-server.log" iperf3 -s -p $IPERF_PORT
    bed_spawn "$FAR" "$BED_TMP/dns.log" "$PY" "$BENCH_DIR/tools/dns_answer.py" serve 0.0.0.0 1800
}

# tap_ns: a user+net namespace made by nobody in the server host, as a
# rootless user would; TAP_PID is its placeholder process.
tap_ns() {
    bed_spawn "$HOST" "$BED_TMP/tapns.log" "${NOBODY[@]}" unshare --user --map-root-user --net sleep 1800
    TAP_PID=$LAST_PID
    for _i in $(seq 100); do
        [ "$(readlink "/proc/$TAP_PID/ns/user")" != "$(readlink /proc/self/ns/user)" ] && break
        sleep 0.05
    done
    ip netns attach "$TAPNS" "$TAP_PID"
}

# stack_up: the candidate, as nobody in the server host, attached to a new
# tap side; STACK_PID.
stack_up() {
    tap_ns || return 1
    case $STACK in
    pasta)
        # -t/-u/-T/-U none: no port forwarding, no sockets beyond the flows.
        bed_spawn "$HOST" "$BED_TMP/pasta.log" "${ROOTLESS[@]}" pasta -f -q --config-net \
            -a "$GUEST_IP" -n 24 -g "$GUEST_GW" --dns-forward "$GUEST_DNS" --dns-forward "$GUEST_DNS6" \
            -t none -u none -T none -U none "$TAP_PID"
        ;;
    slirp4netns)
        bed_spawn "$HOST" "$BED_TMP/slirp4netns.log" "${ROOTLESS[@]}" slirp4netns --configure --mtu=65520 \
            --disable-host-loopback --cidr="$GUEST_NET" --enable-ipv6 "$TAP_PID" tap0
        ;;
    esac
    STACK_PID=$LAST_PID
    # Up to 5 s for the IPv4 route, 5 more for IPv6 (NDP router advertisement).
    for _i in $(seq 100); do
        in_tap ip -4 route show default 2>/dev/null | grep -q . && break
        sleep 0.05
    done
    for _i in $(seq 100); do
        in_tap ip -6 route show default 2>/dev/null | grep -q . && break
        sleep 0.05
    done
    sleep 1
    { in_tap ip -br addr; in_tap ip route; } >>"$BED_TMP/$STACK.log" 2>&1
    rec rss_idle_kb "$(vm_kb "$STACK_PID" VmRSS)"
    in_tap ip -4 route show default | grep -q . || { log "$STACK: the tap side has no route"; return 1; }
}

stack_down() {
    stop_pids "$STACK_PID" "$TAP_PID"
    ip netns del "$TAPNS" 2>/dev/null
    return 0
}

# wan_client_link: client ══shaped══ tap side, which routes the client
# through the stack and answers ARP for it on the tap (proxy ARP): the
# stack sees the client's address as one more guest address.
wan_client_link() {
    make_link "$CLIENT" t0 "$TAPNS" wan shaped
    _tap_if=$(in_tap ip -br link | awk '$1 != "lo" && $1 != "wan" { sub(/@.*/, "", $1); print $1; exit }')
    in_tap sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
        net.ipv4.conf.wan.proxy_arp=1 "net.ipv4.conf.$_tap_if.proxy_arp=1"
    ip -n "$TAPNS" link set wan up
    ip -n "$TAPNS" route add "$WAN_CLIENT_IP/32" dev wan
    ip -n "$CLIENT" addr add "$WAN_CLIENT_IP/32" dev t0
    ip -n "$CLIENT" link set t0 up
    cc_route "$CLIENT" default dev t0
    # TCP, not ping: the stacks answer ICMP only where ping sockets are allowed.
    for _i in $(seq 10); do
        in_client timeout 2 bash -c "exec 3<>/dev/tcp/$FAR_IP/$IPERF_PORT" 2>/dev/null && return 0
        sleep 0.5
    done
    log "$STACK: the wan client does not reach the far host"
    return 1
}

drop_wan_client_link() {
    drop_middle_box
    ip -n "$CLIENT" link del t0 2>/dev/null
    return 0
}

# run_iperf WHERE OUT ARGS...: iperf3 to the far host for SECS s from the
# server host itself (host), the tap side (tap) or the wan client (client).
run_iperf() {
    _run=in_$1 _out=$2
    shift 2
    $_run timeout $((SECS + 30)) iperf3 -c "$FAR_IP" -p $IPERF_PORT -t "$SECS" -C "$BENCH_CC" -J \
        --connect-timeout 5000 "$@" >"$_out" 2>"$_out.err"
}

# ss_window CMD...: wscale, rtt, cwnd and send window of the connection in
# CMD's `ss -tin` output that carries the most bytes (iperf3's data flow,
# not its control connection).
ss_window() {
    "$@" 2>/dev/null | awk '
        /^(State|ESTAB)/ { next }
        { b = 0
          if (match($0, /bytes_(acked|received):[0-9]+/)) { s = substr($0, RSTART, RLENGTH); sub(/.*:/, "", s); b = s + 0 }
          if (b >= best) { best = b; line = $0 } }
        END {
          n = split(line, f, " "); out = ""
          for (i = 1; i <= n; i++)
              if (f[i] ~ /^(wscale|rtt|cwnd|snd_wnd):/) out = out f[i] " "
          if (out !~ /wscale/) out = "wscale:none " out
          print out }'
}

# measure_tcp WHERE up|down: one flow WHERE -> far host (up) or back
# (down); the stack's CPU over the run, per GB; both ends' view of the
# window halfway in (the far host's, and the sender's towards the stack).
measure_tcp() {
    _who=$1 _dir=$2 _flag="" _json=$BED_TMP/$PATH_NAME-$STACK-$1-$2.json
    [ "$_dir" = down ] && _flag=-R
    [ "$STACK" = bare ] || _t0=$(cpu_ticks "$STACK_PID")
    run_iperf "$_who" "$_json" $_flag &
    _ip=$!
    sleep $((SECS / 2))
    rec "ss_far_$_dir" "$(ss_window in_far ss -tin "sport = :$IPERF_PORT")"
    [ "$_who" = host ] || rec "ss_${_who}_$_dir" "$(ss_window "in_$_who" ss -tin "dport = :$IPERF_PORT")"
    wait $_ip
    _mbps=$(iperf_field "$_json" mbps)
    _bytes=$(iperf_field "$_json" bytes)
    rec "tcp_${_dir}_mbps" "$_mbps"
    rec "tcp_${_dir}_retrans" "$(iperf_field "$_json" retrans)"
    if [ "$STACK" != bare ] && [ "${_bytes:-0}" -gt 0 ]; then
        _t1=$(cpu_ticks "$STACK_PID")
        rec "cpu_${_dir}_s_per_gb" "$(awk -v d=$((_t1 - _t0)) -v b="$_bytes" -v hz="$(getconf CLK_TCK)" \
            'BEGIN { printf "%.1f", d / hz / (b / 1e9) }')"
    fi
    log "  $PATH_NAME $STACK TCP $_dir: $_mbps Mbit/s"
}

# measure_flows4 WHERE: four flows up, then four down (total Mbit/s): what
# a window limit per connection leaves to a browser's parallel ones.
measure_flows4() {
    for _dir in up down; do
        _json=$BED_TMP/$PATH_NAME-$STACK-$1-x4-$_dir.json
        _flag=""
        [ "$_dir" = down ] && _flag=-R
        run_iperf "$1" "$_json" -P 4 $_flag
        rec "tcp_x4_${_dir}_mbps" "$(iperf_field "$_json" mbps)"
        log "  $PATH_NAME $STACK 4 TCP flows $_dir: $(iperf_field "$_json" mbps) Mbit/s"
    done
}

measure_udp() {
    run_iperf "$1" "$BED_TMP/$PATH_NAME-$STACK-udp.json" -u -b 10M
    _loss=$("$PY" -c 'import json, sys
try: print("%.2f" % json.load(open(sys.argv[1]))["end"]["sum"]["lost_percent"])
except Exception: print("fail")' "$BED_TMP/$PATH_NAME-$STACK-udp.json")
    rec udp10_loss_pct "$_loss"
    log "  $PATH_NAME $STACK UDP 10 Mbit/s: loss $_loss %"
}

# ping_ok ADDR: yes if any of 3 echoes is answered.
ping_ok() { in_tap ping -c3 -i0.2 -W1 "$1" >/dev/null 2>&1 && echo yes || echo no; }

# Features from the tap side: ICMP with the server host's ping sockets off
# ("1 0", the kernel's default) and on, IPv6 TCP, DNS forwarded to the
# server host's resolver (an IPv4 one: dns6 asks it through the stack's
# IPv6 DNS address).
measure_features() {
    in_host sysctl -qw net.ipv4.ping_group_range="1 0"
    rec icmp4_pingsock_off "$(ping_ok "$FAR_IP")"
    rec icmp6_pingsock_off "$(ping_ok "$FAR_IP6")"
    in_host sysctl -qw net.ipv4.ping_group_range="0 2147483647"
    rec icmp4_pingsock_on "$(ping_ok "$FAR_IP")"
    rec icmp6_pingsock_on "$(ping_ok "$FAR_IP6")"
    in_host sysctl -qw net.ipv4.ping_group_range="1 0"
    in_tap timeout 20 iperf3 -6 -c "$FAR_IP6" -p $IPERF_PORT -t 5 -J --connect-timeout 3000 \
        >"$BED_TMP/v6-$STACK.json" 2>&1
    rec tcp6_mbps "$(iperf_field "$BED_TMP/v6-$STACK.json" mbps)"
    rec dns4 "$(in_tap "$PY" "$BENCH_DIR/tools/dns_answer.py" query "$GUEST_DNS" example.org)"
    rec dns6 "$(in_tap "$PY" "$BENCH_DIR/tools/dns_answer.py" query "$GUEST_DNS6" example.org)"
    rec tap_addrs "$(in_tap ip -br addr show | awk '$1 != "lo" { $1 = $1; print }' | tr '\n' ' ')"
}

# measure_path: the server host itself, then each stack.
measure_path() {
    case $PATH_NAME in
    bare) far_link bare ;;
    shaped | wan) far_link "$([ "$PATH_NAME" = shaped ] && echo shaped || echo bare)" ;;
    esac || exit 1
    STACK=bare
    if [ "$PATH_NAME" != wan ]; then # wan's baseline is shaped's (the same shape)
        log "$PATH_NAME: the server host itself"
        measure_tcp host up
        measure_tcp host down
        [ "$PATH_NAME" = shaped ] && measure_udp host
    fi
    for STACK in $STACKS; do
        log "$PATH_NAME: $STACK"
        stack_up || { stack_down; continue; }
        if [ "$PATH_NAME" = wan ]; then
            if wan_client_link; then
                measure_tcp client up
                measure_tcp client down
                measure_flows4 client
                measure_udp client
            fi
            drop_wan_client_link
        else
            measure_tcp tap up
            measure_tcp tap down
            if [ "$PATH_NAME" = shaped ]; then
                measure_udp tap
                measure_features
            fi
        fi
        rec rss_peak_kb "$(vm_kb "$STACK_PID" VmHWM)"
        stack_down
    done
}

# relay_up: a guest for passt in the client namespace (tools/tap_relay.py),
# with a fixed MAC address as pppssh's Ethernet shim would have; RELAY_PID.
relay_up() {
    bed_spawn "$CLIENT" "$BED_TMP/relay.log" "$PY" "$BENCH_DIR/tools/tap_relay.py" ptap \
        "$BED_TMP/passt/sock" 600
    RELAY_PID=$LAST_PID
    for _i in $(seq 100); do
        ip -n "$CLIENT" link show ptap >/dev/null 2>&1 && break
        sleep 0.05
    done
    ip -n "$CLIENT" link set ptap address 02:00:00:00:00:50
    ip -n "$CLIENT" addr add "$GUEST_IP/24" dev ptap
    ip -n "$CLIENT" link set ptap up
    ip -n "$CLIENT" route add default via "$GUEST_GW" dev ptap
}

# wait_line FILE TEXT: up to 15 s for TEXT in FILE.
wait_line() {
    for _i in $(seq 150); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# reattach: passt proper, the socket back-end pppssh would use.  A guest
# (relay_up) opens a TCP connection through it to an echo server on the
# far host, detaches for 5 s (the relay exits: the socket closes, the TAP
# goes away), attaches again and uses the same connection.  libslirp has no
# such test: it is a library, its state lives in the process that links it.
measure_reattach() {
    STACK=passt
    far_link bare || exit 1
    bed_spawn "$FAR" "$BED_TMP/echo.log" socat TCP-LISTEN:7007,reuseaddr,fork EXEC:cat
    mkdir "$BED_TMP/passt"
    chown 65534 "$BED_TMP/passt"
    bed_spawn "$HOST" "$BED_TMP/passt.log" "${NOBODY[@]}" passt -f -q -s "$BED_TMP/passt/sock" \
        -a "$GUEST_IP" -n 24 -g "$GUEST_GW" -t none -u none
    STACK_PID=$LAST_PID
    for _i in $(seq 100); do
        [ -S "$BED_TMP/passt/sock" ] && break
        sleep 0.05
    done
    [ -S "$BED_TMP/passt/sock" ] || { rec tcp_survives_reattach "passt did not start"; return; }
    relay_up
    bed_spawn "$CLIENT" "$BED_TMP/hold.log" "$PY" "$BENCH_DIR/tools/echo_hold.py" "$FAR_IP" 7007 \
        "$BED_TMP/go" 60
    _hold=$LAST_PID
    if ! wait_line "$BED_TMP/hold.log" open; then
        rec tcp_survives_reattach "no connection: $(tail -1 "$BED_TMP/hold.log")"
        return
    fi
    stop_pids "$RELAY_PID"
    sleep 5
    rec alive_after_detach "$(kill -0 "$STACK_PID" 2>/dev/null && echo yes || echo no)"
    relay_up
    touch "$BED_TMP/go"
    wait_line "$BED_TMP/hold.log" "survived\|lost"
    rec tcp_survives_reattach "$(tail -1 "$BED_TMP/hold.log")"
    rec rss_peak_kb "$(vm_kb "$STACK_PID" VmHWM)"
    log "  reattach passt: $(tail -1 "$BED_TMP/hold.log")"
    stop_pids "$_hold" "$RELAY_PID" "$STACK_PID"
}

main() {
    setup
    log "$(uname -sr), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(pasta --version 2>/dev/null |
        head -1); $(slirp4netns --version | tr '\n' ' ')"
    for PATH_NAME in $PATHS; do
        if [ "$PATH_NAME" = reattach ]; then measure_reattach; else measure_path; fi
    done
    column -t -s "$(printf '\t')" "$TSV"
    log "rows in $TSV"
}

main
