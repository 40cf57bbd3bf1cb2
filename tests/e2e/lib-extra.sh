# lib-extra.sh - more of the end-to-end test bed, on top of lib.sh (source
# lib.sh first, then this, then call x_setup instead of e2e_setup).
#
# Adds: remote-office LANs behind a client, more client hosts on the
# transport (a bridge in the server namespace), more users with their own
# keys, client configuration files, `pppssh up` with a time bound, a packet
# counter that runs inside a namespace, and snapshots of a namespace's
# interfaces/routes/processes to prove an error left nothing behind.
# Every namespace made here is deleted by x_cleanup (the EXIT trap), and
# every process in it killed by PID, even when the test fails half-way.

X_NS=""              # namespaces made by this file
X_UP_TIMEOUT=${X_UP_TIMEOUT:-40}   # bound on one `pppssh up`, seconds

x_cleanup() {
    x_status=$?
    for ns in $X_NS; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
    done
    for ns in $X_NS; do ip netns del "$ns" 2>/dev/null; done
    (exit $x_status)
    e2e_cleanup   # lib.sh: its own namespaces, processes, files; exits
}

# x_setup: lib.sh's bed (client, server + sshd, head-office LAN), with our
# cleanup chained in front of lib.sh's.
# lib.sh's key runs `pppssh serve` as root (user "root" for [User root]);
# here it also logs to $E2E_TMP/serve.log (errors, the accounting line) and
# keeps its address leases in this test's own directory (--run-dir), not
# /run/pppssh.
x_setup() {
    e2e_setup
    trap x_cleanup EXIT
    sed -i "s|^command=\"\([^ ]*\) serve -c \([^\"]*\)\"|command=\"\1 serve --run-dir $E2E_TMP/srv-run --stderr -c \2 2>>$E2E_TMP/serve.log\"|" \
        "$E2E_TMP/authorized_keys"
    grep -q 'serve.log' "$E2E_TMP/authorized_keys" || { echo "x_setup: cannot rewrite authorized_keys"; exit 1; }
}

# x_serve_log: show the server side's log (after a failure).
x_serve_log() {
    sed 's/^/    serve| /' "$E2E_TMP"/serve*.log 2>/dev/null
}

# x_ns SHORTNAME: create namespace pppssh-e2e-ID-SHORTNAME (lo up); the
# name is left in X_LAST_NS.
x_ns() {
    X_LAST_NS=pppssh-e2e-$E2E_ID-$1
    ip netns add "$X_LAST_NS" || return 1
    X_NS="$X_NS $X_LAST_NS"
    ip netns exec "$X_LAST_NS" ip link set lo up
}

# x_office CLIENT_NS N: remote-office LAN 198.19.N.0/24 behind CLIENT_NS
# (client side .1, one host .2 in a new namespace "officeN", name left in
# X_LAST_NS).  The office host and the head-office LAN host get routes to
# each other's LAN and to the tunnel range through their gateway; the
# client forwards.  No default route anywhere.
x_office() {
    x_client_ns=$1 n=$2
    x_ns "office$n" || return 1
    ip link add "v-off$n" netns "$x_client_ns" type veth peer name v-gw netns "$X_LAST_NS"
    ip -n "$x_client_ns" addr add "198.19.$n.1/24" dev "v-off$n"
    ip -n "$x_client_ns" link set "v-off$n" up
    ip -n "$X_LAST_NS" addr add "198.19.$n.2/24" dev v-gw
    ip -n "$X_LAST_NS" link set v-gw up
    ip -n "$X_LAST_NS" route add 198.18.255.0/24 via "198.19.$n.1"
    ip -n "$X_LAST_NS" route add 198.19.0.0/24 via "198.19.$n.1"
    ip -n "$NS_LAN" route add "198.19.$n.0/24" via "$LAN_SRV_IP"
    ip netns exec "$x_client_ns" sysctl -qw net.ipv4.ip_forward=1
}

# x_ipv6_setup: x_setup with IPv6 on top.  The head-office LAN gets
# V6_LAN_GW (server) and V6_LAN_HOST in fd00:5353:1::/64, routed back to
# the tunnel range fd00:5353::/64 through the server, which forwards; the
# server's end is V6_SRV, root's is V6_CLI (server.conf, with an IPv4
# pool); the client configuration V6_CONF brings up interface V6_IF with
# V6_CLI and routes the LAN through it.
V6_IF=e2ev6
V6_SRV=fd00:5353::1 V6_CLI=fd00:5353::2
V6_LAN_GW=fd00:5353:1::1 V6_LAN_HOST=fd00:5353:1::2
x_ipv6_setup() {
    x_setup
    in_srv ip -6 addr add "$V6_LAN_GW/64" dev v-lan nodad
    in_lan ip -6 addr add "$V6_LAN_HOST/64" dev v-srv nodad
    in_lan ip -6 route add fd00:5353::/64 via "$V6_LAN_GW"
    in_srv sysctl -qw net.ipv6.conf.all.forwarding=1
    e2e_server_conf 198.18.255.2-198.18.255.100 "Address6 = $V6_SRV/64" \
        "[User root]" "Address6 = $V6_CLI/64"
    V6_CONF=$E2E_TMP/$V6_IF.conf
    e2e_conf "$V6_CONF" "Interface = $V6_IF" "Address6 = $V6_CLI/64" "Route = fd00:5353:1::/64"
}

# x_ipv6_up: check that `pppssh up` of V6_CONF in the client exits 0;
# the server's tunnel interface is left in V6_SRV_IF.
x_ipv6_up() {
    check "pppssh up exits 0" x_up "$NS_CLI" "$V6_CONF"
    echo "    (up took $X_MS ms)"
    V6_SRV_IF=$(x_srv_tunnel)
}

# x_srv_tunnel: the name of the (first) tunnel interface in the server's
# namespace.
x_srv_tunnel() {
    ip -n "$NS_SRV" -o link show | awk -F': ' '$2 ~ /^pppssh/ {print $2; exit}'
}

# x_transport_bridge: turn the server's transport port into a bridge, so
# more clients can join the 198.18.0.0/24 "Internet" (x_client).
x_transport_bridge() {
    in_srv ip addr del "$SRV_IP/24" dev v-cli
    in_srv ip link add br-wan type bridge
    in_srv ip link set v-cli master br-wan
    in_srv ip addr add "$SRV_IP/24" dev br-wan
    in_srv ip link set br-wan up
}

# x_client SHORTNAME IP: one more client host on the transport with
# address IP (from 198.18.0.0/24); name left in X_LAST_NS.
x_client() {
    x_ns "$1" || return 1
    ip link add v-srv netns "$X_LAST_NS" type veth peer name "v-$1" netns "$NS_SRV"
    in_srv ip link set "v-$1" master br-wan
    in_srv ip link set "v-$1" up
    ip -n "$X_LAST_NS" addr add "$2/24" dev v-srv
    ip -n "$X_LAST_NS" link set v-srv up
}

# x_user NAME [SERVE_ARGS...]: a key for user NAME whose forced command is
# `pppssh serve -c server.conf --user NAME --stderr`, its log (the
# accounting line) appended to $E2E_TMP/serve-NAME.log.  Key:
# $E2E_TMP/key-NAME.  Leases go to this test's run directory.
x_user() {
    x_name=$1; shift
    ssh-keygen -q -t ed25519 -N '' -C "e2e-$x_name" -f "$E2E_TMP/key-$x_name"
    printf 'command="%s serve --run-dir %s -c %s --user %s --stderr %s 2>>%s" %s\n' \
        "$PPPSSH" "$E2E_TMP/srv-run" "$E2E_TMP/server.conf" "$x_name" "$*" \
        "$E2E_TMP/serve-$x_name.log" "$(cat "$E2E_TMP/key-$x_name.pub")" >>"$E2E_TMP/authorized_keys"
}

# x_conf_user FILE NAME [LINE...]: lib.sh's e2e_conf with user NAME's key
# (x_user) in place of the bed's.
x_conf_user() {
    x_file=$1 x_name=$2; shift 2
    e2e_conf "$x_file" "$@"
    sed -i "s|^IdentityFile = .*|IdentityFile = $E2E_TMP/key-$x_name|" "$x_file"
}

# x_up NS CONF: `pppssh up -c CONF` in NS, bounded by X_UP_TIMEOUT; its
# output in $E2E_TMP/up.out, its status in X_RC, time in X_MS (ms).
x_up() {
    x_t0=$(date +%s%N)
    timeout "$X_UP_TIMEOUT" ip netns exec "$1" "$PPPSSH" up -c "$2" >"$E2E_TMP/up.out" 2>&1
    X_RC=$?
    X_MS=$(( ($(date +%s%N) - x_t0) / 1000000 ))
    [ $X_RC = 0 ] || { echo "pppssh up: status $X_RC after $X_MS ms:"; cat "$E2E_TMP/up.out"; x_serve_log; }
    return $X_RC
}

# x_down NS CONF: `pppssh down NAME` in NS (bounded), NAME being CONF's
# file name without ".conf" (the tunnel's name).
x_down() {
    timeout 20 ip netns exec "$1" "$PPPSSH" down "$(basename "$2" .conf)"
}

# x_ping NS ADDR: 2 echoes answered within 2 s each (ping or ping -6).
x_ping() {
    ip netns exec "$1" ping -c 2 -i 0.2 -W 2 "$2"
}

# x_has_text FILE TEXT: FILE contains TEXT (case-insensitive, fixed string).
x_has_text() {
    grep -qiF -- "$2" "$1" || { echo "no '$2' in:"; cat "$1"; return 1; }
}

# x_snapshot NS: interfaces, addresses, routes (v4 and v6), policy rules
# and processes of NS, in a stable form, to compare before/after.  IPv6
# link-local entries are left out: the kernel adds them to a new veth by
# itself, some time after the bed is built.
x_snapshot() {
    {
        ip -n "$1" -o link show | awk '{print $2}' | sed 's/@.*//'
        ip -n "$1" -o addr show | awk '{print $2, $3, $4}'
        ip -n "$1" -4 route show table all
        ip -n "$1" -6 route show table all 2>/dev/null
        ip -n "$1" -4 rule show
        ip -n "$1" -6 rule show 2>/dev/null
    } | grep -v 'fe80::'
    ip netns pids "$1" | while read -r p; do
        printf 'pid %s %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
    done | sort
}

# x_same_state NS BEFORE_FILE: NS looks exactly like the snapshot; waits up
# to 5 s for processes to finish exiting, then shows the difference.
x_same_state() {
    x_settles "$2" x_snapshot "$1"
}

# x_settles BEFORE_FILE COMMAND...: up to 5 s for COMMAND's output to equal
# BEFORE_FILE (what a session started may take a moment to finish
# exiting), then shows the difference.
x_settles() {
    x_before=$1; shift
    x_i=0
    while [ $x_i -lt 50 ]; do
        "$@" >"$E2E_TMP/after.snap"
        cmp -s "$x_before" "$E2E_TMP/after.snap" && return 0
        sleep 0.1
        x_i=$((x_i + 1))
    done
    diff "$x_before" "$E2E_TMP/after.snap"
    return 1
}

# x_wait_exists FILE [SECONDS]: up to SECONDS (5) for FILE to exist (a
# helper process creates it once it is ready).
x_wait_exists() {
    x_i=0 x_max=$(( ${2:-5} * 20 ))
    while [ ! -e "$1" ] && [ $x_i -lt $x_max ]; do sleep 0.05; x_i=$((x_i + 1)); done
    [ -e "$1" ]
}

# x_sniff_start NS DEV SRC SECONDS: count IPv4 packets from source SRC
# seen on DEV inside NS for SECONDS (AF_PACKET, any direction); the count
# goes to $E2E_TMP/sniff-DEV.count at the end.  Returns once the socket is
# open (so nothing sent after it is missed); the PID is in X_SNIFF_PID.
x_sniff_start() {
    x_out=$E2E_TMP/sniff-$2.count
    rm -f "$x_out" "$x_out.ready"
    ip netns exec "$1" python3 - "$2" "$3" "$4" "$x_out" <<'PY' &
import select, socket, sys, time
dev, src, seconds, out = sys.argv[1], socket.inet_aton(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind((dev, 0))
open(out + ".ready", "w").close()
count, end = 0, time.monotonic() + seconds
while (left := end - time.monotonic()) > 0:
    if select.select([s], [], [], left)[0]:
        pkt = s.recv(65535)
        count += len(pkt) >= 20 and pkt[12:16] == src
open(out, "w").write(f"{count}\n")
PY
    X_SNIFF_PID=$!
    E2E_PIDS="$E2E_PIDS $X_SNIFF_PID"
    x_wait_exists "$x_out.ready"
}

# x_sniff_count DEV: wait for the sniffer to end, print its count.
x_sniff_count() {
    wait "$X_SNIFF_PID" 2>/dev/null
    cat "$E2E_TMP/sniff-$1.count" 2>/dev/null || echo "sniffer-failed"
}

# x_tun_addr NS IFACE: the IPv4 address on IFACE (without prefix).
x_tun_addr() {
    ip -n "$1" -4 -o addr show dev "$2" | awk '{print $4}' | cut -d/ -f1 | head -n1
}

# x_wait_file_text FILE TEXT [SECONDS]: up to SECONDS (5) for TEXT in FILE.
x_wait_file_text() {
    x_i=0 x_max=$(( ${3:-5} * 20 ))
    while ! grep -qF -- "$2" "$1" 2>/dev/null && [ $x_i -lt $x_max ]; do
        sleep 0.05
        x_i=$((x_i + 1))
    done
    grep -qF -- "$2" "$1" 2>/dev/null
}

# x_pty_setup: x_setup for the pty-redir tests: PTY_REDIR (default: the
# pty-redir next to PPPSSH) must exist, and the server gives root an
# address from a pool.
x_pty_setup() {
    PTY_REDIR=${PTY_REDIR:-$(dirname "$PPPSSH")/pty-redir}
    x_setup
    [ -x "$PTY_REDIR" ] || { echo "no pty-redir at $PTY_REDIR"; exit 1; }
    e2e_server_conf 198.18.255.2-198.18.255.100 "[User root]"
}

# x_pty_summary: pty-redir's and the server's logs if a check failed,
# then lib.sh's summary (the test's exit status).
x_pty_summary() {
    [ "$E2E_FAILED" = 0 ] || { sed 's/^/    pty-redir| /' "$E2E_TMP/pty-redir.log"; x_serve_log; }
    e2e_summary
}

# x_pty_session LABEL NS_OF_PTY_REDIR PEER_ADDR COMMAND...: run COMMAND under
# pty-redir in that namespace, `pppssh up` over the pty in the client,
# ping PEER_ADDR, `pppssh down`, and check the command is gone.  Needs
# PTY_REDIR (the pty-redir binary).
x_pty_session() {
    label=$1 ns=$2 peer=$3; shift 3
    x_snapshot "$NS_CLI" >"$E2E_TMP/pty-cli.snap"
    x_snapshot "$NS_SRV" >"$E2E_TMP/pty-srv.snap"
    ip netns exec "$ns" "$PTY_REDIR" "$@" >"$E2E_TMP/device" 2>>"$E2E_TMP/pty-redir.log"
    rc=$?
    dev=$(cat "$E2E_TMP/device")
    # Until someone opens the slave, the command reads EIO on the master
    # (ssh takes it for the end of its input).  pppd opens the device at
    # once in the HOWTO; `pppssh up` opens it only after forking its
    # Command, which a slow (sanitized, loaded) run makes later than ssh's
    # first read.  A holder opens it at once, as pppd would, and lets go
    # once the session is up.
    sleep 60 <>"$dev" &
    x_holder=$!
    E2E_PIDS="$E2E_PIDS $x_holder"
    check "$label: pty-redir exits 0 and prints a pty ($dev)" \
        bash -c "[ $rc = 0 ] && [ -c '$dev' ] && case '$dev' in /dev/pts/*) exit 0;; esac; exit 1"
    e2e_conf "$E2E_TMP/e2epty.conf" "Interface = e2epty" "Command = socat - $dev,raw,echo=0"
    sed -i '/^Server\|^IdentityFile\|^SSHOption/d' "$E2E_TMP/e2epty.conf"
    check "$label: pppssh up over the pty exits 0" x_up "$NS_CLI" "$E2E_TMP/e2epty.conf"
    echo "    (up took $X_MS ms)"
    kill "$x_holder" 2>/dev/null
    wait "$x_holder" 2>/dev/null
    check "$label: ping $peer across" x_ping "$NS_CLI" "$peer"
    check "$label: pppssh down exits 0" x_down "$NS_CLI" "$E2E_TMP/e2epty.conf"
    check "$label: e2epty is gone" wait_gone ip -n "$NS_CLI" link show e2epty
    check "$label: the command pty-redir started has ended, client as before" \
        x_same_state "$NS_CLI" "$E2E_TMP/pty-cli.snap"
    check "$label: server as before" x_same_state "$NS_SRV" "$E2E_TMP/pty-srv.snap"
}

# x_wait_dead PID [SECONDS]: up to SECONDS (15) for process PID to end.
x_wait_dead() {
    x_i=0 x_max=$(( ${2:-15} * 20 ))
    while kill -0 "$1" 2>/dev/null && [ $x_i -lt $x_max ]; do
        sleep 0.05
        x_i=$((x_i + 1))
    done
    ! kill -0 "$1" 2>/dev/null
}
