# shellcheck shell=bash
# bed.sh - the benchmark's test bed (sourced by bench/compare.sh).
#
#   $NS_CLI  t0 198.18.0.1/24 ══ transport ══ 198.18.0.2/24 t0  $NS_SRV (sshd)
#   $NS_SRV  lan0 198.19.0.1/24 ══ veth ══ 198.19.0.2/24 lan0  $NS_LAN (iperf3, probes)
#
# The transport is either a bare veth pair, or ("shaped") two veth pairs
# through a middle box $NS_WAN whose egresses have tbf (rate, bottleneck
# queue) and whose tools/delayline adds the one-way delay: this kernel has
# no sch_netem.  The queue sits in the middle box, not on the sender's own
# interface, where TCP Small Queues would push back on the sender and hide
# the bloat.  No link to the host namespace, no default route, addresses in
# 198.18.0.0/15 only.  bed_cleanup (the EXIT trap) kills what it started by
# PID and deletes the namespaces.

BED_ID=${BED_ID:-$$}
NS_CLI=pbench-$BED_ID-cli
NS_SRV=pbench-$BED_ID-srv
NS_LAN=pbench-$BED_ID-lan
NS_WAN=pbench-$BED_ID-wan
CLI_IP=198.18.0.1
SRV_IP=198.18.0.2
LAN_SRV_IP=198.19.0.1
LAN_IP=198.19.0.2
LAN_NET=198.19.0.0/24
TUN_CLI_IP=198.18.255.2 # every tunnel's inner addresses
TUN_SRV_IP=198.18.255.1
SHAPE_RATE=${BENCH_RATE:-20mbit}
SHAPE_DELAY_MS=${BENCH_DELAY_MS:-20}
SHAPE_QUEUE=${BENCH_QUEUE:-100}
SHAPE_OFFLOAD=${BENCH_OFFLOAD:-off} # the endpoints' transport offloads (on: GSO, GRO)
SHAPE_LOSS=${BENCH_LOSS:-0}         # random loss, frames in 10000, both ways
SHAPE_JITTER_MS=${BENCH_JITTER_MS:-0} # the path pauses up to this long now and then (delayline)
BENCH_CC=${BENCH_CC:-cubic} # stock Linux's; the host here defaults to bbr
BED_TMP=""
BED_PIDS=""
SSHD_PID=""
DELAYLINE_PID=""

in_cli() { ip netns exec "$NS_CLI" "$@"; }
in_srv() { ip netns exec "$NS_SRV" "$@"; }
in_lan() { ip netns exec "$NS_LAN" "$@"; }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# bed_spawn NS LOG CMD...: start CMD in NS in the background; remember its PID.
bed_spawn() {
    _ns=$1 _log=$2
    shift 2
    ip netns exec "$_ns" "$@" >>"$_log" 2>&1 </dev/null &
    BED_PIDS="$BED_PIDS $!"
    LAST_PID=$!
}

# stop_pids PID...: TERM, then KILL after 3 s; only these PIDs.
stop_pids() {
    for _p in "$@"; do kill "$_p" 2>/dev/null; done
    for _p in "$@"; do
        for _i in $(seq 60); do kill -0 "$_p" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$_p" 2>/dev/null
        wait "$_p" 2>/dev/null
    done
    return 0
}

# Routes carry the congestion control: namespaces cannot pick a default
# the host does not allow, a route's congctl can.
cc_route() {
    _ns=$1
    shift
    ip -n "$_ns" route replace "$@" congctl "$BENCH_CC"
}

bed_namespaces() {
    for ns in "$NS_CLI" "$NS_SRV" "$NS_LAN"; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
    done
    ip -n "$NS_SRV" link add lan0 type veth peer name lan0 netns "$NS_LAN"
    ip -n "$NS_SRV" addr add "$LAN_SRV_IP/24" dev lan0
    ip -n "$NS_LAN" addr add "$LAN_IP/24" dev lan0
    ip -n "$NS_SRV" link set lan0 up
    ip -n "$NS_LAN" link set lan0 up
    # Replies to the client's transport and tunnel addresses go back
    # through the server (not a default route).
    ip -n "$NS_LAN" route add 198.18.0.0/16 via "$LAN_SRV_IP"
    in_srv sysctl -qw net.ipv4.ip_forward=1
}

transport_addresses() {
    ip -n "$NS_CLI" addr add "$CLI_IP/24" dev t0
    ip -n "$NS_SRV" addr add "$SRV_IP/24" dev t0
    ip -n "$NS_CLI" link set t0 up
    ip -n "$NS_SRV" link set t0 up
    cc_route "$NS_CLI" 198.18.0.0/24 dev t0 proto kernel scope link src "$CLI_IP"
    cc_route "$NS_SRV" 198.18.0.0/24 dev t0 proto kernel scope link src "$SRV_IP"
}

drop_transport() {
    if [ -n "$DELAYLINE_PID" ]; then
        stop_pids "$DELAYLINE_PID"
        DELAYLINE_PID=""
    fi
    ip -n "$NS_CLI" link del t0 2>/dev/null
    ip -n "$NS_SRV" link del t0 2>/dev/null
    ip netns del "$NS_WAN" 2>/dev/null
    return 0
}

bed_link_bare() {
    drop_transport
    ip -n "$NS_CLI" link add t0 type veth peer name t0 netns "$NS_SRV"
    transport_addresses
}

# No segmentation offloads: tbf and the delay line must see real frames,
# and frames the delay line forwards must carry complete checksums.
offloads_off() { ip netns exec "$1" ethtool -K "$2" tx off sg off tso off gso off gro off >/dev/null 2>&1 || true; }
# An endpoint's offloads as a NIC's would act, with real frames on the
# wire still: the stack sends GSO bursts, cut into frames (checksummed in
# software) as they leave; GRO merges what arrives, so the receiver sends
# one ACK per merged burst (stretch ACKs).
offloads_endpoint() { ip netns exec "$1" ethtool -K "$2" tx off sg on tso off gso on gro on >/dev/null 2>&1 || true; }

bed_link_shaped() {
    drop_transport
    ip netns add "$NS_WAN"
    ip -n "$NS_CLI" link add t0 type veth peer name wc netns "$NS_WAN"
    ip -n "$NS_SRV" link add t0 type veth peer name ws netns "$NS_WAN"
    transport_addresses
    for ns in "$NS_CLI" "$NS_SRV"; do
        if [ "$SHAPE_OFFLOAD" = on ]; then offloads_endpoint "$ns" t0; else offloads_off "$ns" t0; fi
    done
    # tbf: the rate, a burst of two frames or a millisecond's worth (at
    # 100 Mbit/s two frames are 0.24 ms, shorter than a timer's slack), a
    # queue of SHAPE_QUEUE full frames.
    _bps=$(echo "$SHAPE_RATE" | awk '{ v = $1 + 0; if ($1 ~ /kbit$/) v *= 1e3;
        else if ($1 ~ /mbit$/) v *= 1e6; else if ($1 ~ /gbit$/) v *= 1e9; print int(v) }')
    _burst=$((_bps / 8000 > 3028 ? _bps / 8000 : 3028))
    for dev in wc ws; do
        offloads_off "$NS_WAN" $dev
        ip -n "$NS_WAN" link set $dev promisc on up
        ip netns exec "$NS_WAN" tc qdisc add dev $dev root tbf rate "$SHAPE_RATE" burst $_burst \
            limit $((SHAPE_QUEUE * 1514))
    done
    bed_spawn "$NS_WAN" "$BED_TMP/delayline.log" "$BENCH_BIN/delayline" wc ws "$SHAPE_DELAY_MS" 1800 \
        "$SHAPE_LOSS" "$SHAPE_JITTER_MS"
    DELAYLINE_PID=$LAST_PID
    for _i in $(seq 50); do in_cli ping -c1 -W1 "$SRV_IP" >/dev/null 2>&1 && return 0; done
    log "shaped transport does not pass packets"
    return 1
}

# bed_sshd: key-only sshd with PermitTunnel (ssh -w).  Two client keys: one
# plain (ssh true, the raw stream, ssh -w), one forced to `pppssh serve`,
# through a link that the tunnel being measured points at its own binary
# (tunnels/pppssh.sh, pppssh-old.sh).
bed_sshd() {
    mkdir -p "$BED_TMP/serve"
    ln -sfn "$PPPSSH" "$BED_TMP/serve/pppssh"
    ssh-keygen -q -t ed25519 -N '' -f "$BED_TMP/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$BED_TMP/plain_key"
    ssh-keygen -q -t ed25519 -N '' -f "$BED_TMP/pppssh_key"
    echo "$SRV_IP $(cat "$BED_TMP/host_key.pub")" >"$BED_TMP/known_hosts"
    {
        cat "$BED_TMP/plain_key.pub"
        printf 'command="PPPSSH_RUN_DIR=%s/srvrun %s serve --user bench --stderr%s -c %s/server.conf 2>>%s/serve.log" %s\n' \
            "$BED_TMP" "$BED_TMP/serve/pppssh" "${BENCH_PPPSSH_DEBUG:+ --debug}" "$BED_TMP" "$BED_TMP" \
            "$(cat "$BED_TMP/pppssh_key.pub")"
    } >"$BED_TMP/authorized_keys"
    cat >"$BED_TMP/sshd_config" <<EOF
ListenAddress $SRV_IP
HostKey $BED_TMP/host_key
PidFile $BED_TMP/sshd.pid
AuthorizedKeysFile $BED_TMP/authorized_keys
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitTunnel yes
StrictModes no
MaxStartups 100
MaxSessions 20
EOF
    cat >"$BED_TMP/ssh_config" <<EOF
Host srv
    HostName $SRV_IP
    User root
    IdentityFile $BED_TMP/plain_key
    IdentitiesOnly yes
    UserKnownHostsFile $BED_TMP/known_hosts
    StrictHostKeyChecking yes
    BatchMode yes
    ConnectTimeout 5
    LogLevel ERROR
EOF
    mkdir -p /run/sshd
    # sshd runs commands with root's login shell, and root's bash start-up
    # files may take seconds here: in a private mount namespace, sshd sees
    # /bin/sh as root's shell.
    sed 's|^\(root:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:\).*|\1/bin/sh|' /etc/passwd >"$BED_TMP/passwd"
    in_srv unshare -m sh -c "mount --bind '$BED_TMP/passwd' /etc/passwd &&
        exec /usr/sbin/sshd -f '$BED_TMP/sshd_config' -E '$BED_TMP/sshd.log'"
    for _i in $(seq 100); do
        [ -s "$BED_TMP/sshd.pid" ] && break
        sleep 0.05
    done
    SSHD_PID=$(cat "$BED_TMP/sshd.pid" 2>/dev/null)
    [ -n "$SSHD_PID" ] || { log "sshd did not start"; cat "$BED_TMP/sshd.log" >&2; return 1; }
}

bed_cleanup() {
    status=$?
    trap - EXIT
    declare -F tun_down >/dev/null && tun_down >/dev/null 2>&1
    # shellcheck disable=SC2086
    stop_pids $BED_PIDS $SSHD_PID
    # Whatever still runs in our namespaces was started by this benchmark.
    for ns in "$NS_CLI" "$NS_SRV" "$NS_LAN" "$NS_WAN"; do
        # shellcheck disable=SC2046
        stop_pids $(ip netns pids "$ns" 2>/dev/null)
    done
    for ns in "$NS_CLI" "$NS_SRV" "$NS_LAN" "$NS_WAN"; do
        ip netns del "$ns" 2>/dev/null
    done
    rm -f /var/run/wireguard/pbw"$BED_ID"?.sock
    [ -n "$BED_TMP" ] && [ -z "${BENCH_KEEP:-}" ] && rm -rf "$BED_TMP"
    exit $status
}

bed_setup() {
    BED_TMP=$(mktemp -d /tmp/pppssh-bench.XXXXXX)
    trap bed_cleanup EXIT
    trap 'exit 1' INT TERM HUP
    bed_namespaces
    bed_link_bare
    bed_sshd
}
