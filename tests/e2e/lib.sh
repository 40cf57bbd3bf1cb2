# lib.sh - the one helper library of the pppssh end-to-end tests (source
# it; every helper is e2e_*, every global E2E_*).  Three parts: the bed
# (below), the wider bed (office LANs, more hosts and users, a bounded
# `up`, snapshots; e2e_bed_setup) and the supervision bed (one tunnel with
# short keepalives, status, faults, bulk data; e2e_supervise_setup).
#
# Builds a private test bed out of network namespaces, with NO link to the
# host's namespace and no default route out (DESIGN.md, "Test bed
# conventions"):
#
#   $NS_CLI  v-srv 198.18.0.1/24 ══ veth ══ 198.18.0.2/24 v-cli  $NS_SRV
#   $NS_SRV  v-lan 198.19.0.1/24 ══ veth ══ 198.19.0.2/24 v-srv  $NS_LAN
#
# and a throwaway sshd in $NS_SRV listening on 198.18.0.2 with its own host
# key and a throwaway client key.  e2e_cleanup (installed as an EXIT trap by
# e2e_setup) kills what it started by PID and deletes the namespaces, even
# when a test fails half-way.
#
# Needs: PPPSSH (absolute path of the pppssh binary), root.

E2E_ID=${E2E_ID:-$$}
NS_CLI=pppssh-e2e-$E2E_ID-cli
NS_SRV=pppssh-e2e-$E2E_ID-srv
NS_LAN=pppssh-e2e-$E2E_ID-lan
E2E_TMP=""
E2E_PIDS=""
E2E_PASSED=0
E2E_FAILED=0

# The transport ("the Internet") and the tunnel and LAN addresses.
CLI_IP=198.18.0.1
SRV_IP=198.18.0.2
TUN_SRV_IP=198.18.255.1
LAN_SRV_IP=198.19.0.1
LAN_HOST_IP=198.19.0.2

in_cli() { ip netns exec "$NS_CLI" "$@"; }
in_srv() { ip netns exec "$NS_SRV" "$@"; }
in_lan() { ip netns exec "$NS_LAN" "$@"; }

pass() { E2E_PASSED=$((E2E_PASSED + 1)); echo "PASS: $*"; }
fail() { E2E_FAILED=$((E2E_FAILED + 1)); echo "FAIL: $*"; }

# check DESCRIPTION COMMAND...: PASS if the command succeeds.
check() {
    _desc=$1; shift
    if "$@" >"$E2E_TMP/check.out" 2>&1; then
        pass "$_desc"
    else
        fail "$_desc"
        sed 's/^/    | /' "$E2E_TMP/check.out"
    fi
}

# check_not DESCRIPTION COMMAND...: PASS if the command fails.
check_not() {
    _desc=$1; shift
    if "$@" >"$E2E_TMP/check.out" 2>&1; then
        fail "$_desc"
        sed 's/^/    | /' "$E2E_TMP/check.out"
    else
        pass "$_desc"
    fi
}

# Print the summary line; exit status 0 only if nothing failed.
e2e_summary() {
    echo "$E2E_PASSED passed, $E2E_FAILED failed"
    [ "$E2E_FAILED" -eq 0 ] && [ "$E2E_PASSED" -gt 0 ]
}

e2e_skip_unless_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: end-to-end tests need root (network namespaces, TUN, sshd)"
        exit 77
    fi
}

e2e_netns() {
    for ns in "$NS_CLI" "$NS_SRV" "$NS_LAN"; do
        ip netns add "$ns"
        ip netns exec "$ns" ip link set lo up
    done
    ip link add v-srv netns "$NS_CLI" type veth peer name v-cli netns "$NS_SRV"
    ip link add v-lan netns "$NS_SRV" type veth peer name v-srv netns "$NS_LAN"
    in_cli ip addr add "$CLI_IP/24" dev v-srv
    in_cli ip link set v-srv up
    in_srv ip addr add "$SRV_IP/24" dev v-cli
    in_srv ip link set v-cli up
    in_srv ip addr add "$LAN_SRV_IP/24" dev v-lan
    in_srv ip link set v-lan up
    in_lan ip addr add "$LAN_HOST_IP/24" dev v-srv
    in_lan ip link set v-srv up
    # The LAN host answers tunnel clients through the server (route back).
    in_lan ip route add 198.18.255.0/24 via "$LAN_SRV_IP"
    in_srv sysctl -qw net.ipv4.ip_forward=1
}

# e2e_sshd: host key, client key, known_hosts, sshd_config; start sshd.
# The client key is forced to run "$PPPSSH serve -c $E2E_TMP/server.conf"
# (write server.conf before or after; it is read per session).
e2e_sshd() {
    ssh-keygen -q -t ed25519 -N '' -f "$E2E_TMP/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$E2E_TMP/client_key"
    echo "$SRV_IP $(cat "$E2E_TMP/host_key.pub")" >"$E2E_TMP/known_hosts"
    printf 'command="%s serve -c %s" %s\n' "$PPPSSH" "$E2E_TMP/server.conf" \
        "$(cat "$E2E_TMP/client_key.pub")" >"$E2E_TMP/authorized_keys"
    cat >"$E2E_TMP/sshd_config" <<SSHD
ListenAddress $SRV_IP
HostKey $E2E_TMP/host_key
PidFile $E2E_TMP/sshd.pid
AuthorizedKeysFile $E2E_TMP/authorized_keys
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
LogLevel VERBOSE
SSHD
    # E2E_SSHD_EXTRA: more sshd_config lines a test needs (e.g. MaxStartups).
    [ -z "$E2E_SSHD_EXTRA" ] || printf '%s\n' "$E2E_SSHD_EXTRA" >>"$E2E_TMP/sshd_config"
    mkdir -p /run/sshd # privilege-separation directory sshd insists on
    # sshd runs the forced command with the account's login shell, and a
    # root bash sources ~/.bashrc for ssh sessions (which may take seconds).
    # In a private mount namespace, sshd sees root's shell as /bin/sh.
    e2e_login_shell /bin/sh
    e2e_sshd_start
}

# e2e_login_shell PATH: root's login shell in sshd's view from its next
# session on (the copy of /etc/passwd that e2e_sshd_start mounts).
e2e_login_shell() {
    sed "s|^\(root:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:\).*|\1$1|" /etc/passwd >"$E2E_TMP/passwd"
}

# e2e_sshd_start [SETUP]: start sshd with $E2E_TMP/sshd_config in a private
# mount namespace in $NS_SRV where /etc/passwd is $E2E_TMP/passwd (rewrite
# that file in place to change root's shell) and the shell commands SETUP
# ran first; wait until it listens.
e2e_sshd_start() {
    in_srv unshare -m sh -c "${1:+$1 &&} mount --bind '$E2E_TMP/passwd' /etc/passwd &&
        exec /usr/sbin/sshd -f '$E2E_TMP/sshd_config' -E '$E2E_TMP/sshd.log'"
    # sshd forks into the background and writes its pidfile once listening.
    i=0
    while [ ! -s "$E2E_TMP/sshd.pid" ] && [ $i -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    [ -s "$E2E_TMP/sshd.pid" ] || { echo "sshd did not start"; cat "$E2E_TMP/sshd.log"; return 1; }
    E2E_PIDS="$E2E_PIDS $(cat "$E2E_TMP/sshd.pid")"
}

# e2e_sshd_stop: stop the sshd e2e_sshd_start started and wait (bounded)
# until it has exited: only then is its port free for the next sshd, and
# its pidfile (which it removes on its way out) ours to write again.
e2e_sshd_stop() {
    x_pid=$(cat "$E2E_TMP/sshd.pid" 2>/dev/null)
    [ -n "$x_pid" ] || return 0
    kill "$x_pid" 2>/dev/null
    e2e_wait_dead "$x_pid" 5 || { echo "sshd $x_pid did not exit"; return 1; }
    rm -f "$E2E_TMP/sshd.pid"
}

# e2e_sshd_reload: SIGHUP to sshd, which re-executes itself with the new
# sshd_config; returns once it listens again (bounded), so that the next
# connection meets the new configuration rather than a closed port.
e2e_sshd_reload() {
    x_n=$(grep -c 'Server listening on' "$E2E_TMP/sshd.log")
    kill -HUP "$(cat "$E2E_TMP/sshd.pid")"
    x_i=0
    while [ "$(grep -c 'Server listening on' "$E2E_TMP/sshd.log")" -le "$x_n" ] && [ $x_i -lt 200 ]; do
        sleep 0.05
        x_i=$((x_i + 1))
    done
    [ "$(grep -c 'Server listening on' "$E2E_TMP/sshd.log")" -gt "$x_n" ] ||
        { echo "sshd did not listen again after SIGHUP"; return 1; }
}

# Client-side ssh options every test config uses.
e2e_ssh_options() {
    cat <<OPTS
IdentityFile = $E2E_TMP/client_key
SSHOption = UserKnownHostsFile=$E2E_TMP/known_hosts
SSHOption = StrictHostKeyChecking=yes
SSHOption = ConnectTimeout=5
OPTS
}

# e2e_serve_args ARG...: the bed's key runs `pppssh serve ARG... -c
# server.conf` (e.g. --user NAME), its address leases in this test's own
# directory (--run-dir), not /run/pppssh.
e2e_serve_args() {
    sed -i "s|serve -c|serve --run-dir $E2E_TMP/srvrun $* -c|" "$E2E_TMP/authorized_keys"
}

# e2e_server_conf POOL [LINE...]: $E2E_TMP/server.conf with the server's
# tunnel address, the address pool POOL ("-" for none) and the given
# lines (more [Server] keys first, then [User] sections).
e2e_server_conf() {
    _pool=$1; shift
    {
        echo "[Server]"
        echo "Address = $TUN_SRV_IP"
        [ "$_pool" = - ] || echo "Pool = $_pool"
        for _line in "$@"; do echo "$_line"; done
    } >"$E2E_TMP/server.conf"
}

# e2e_conf FILE [LINE...]: a client configuration reaching the bed's sshd
# as root with the bed's key and known_hosts, plus the given lines.  Mode
# 600, as a real one would be (`up` warns about a world-readable one).
e2e_conf() {
    _file=$1; shift
    {
        echo "[Tunnel]"
        echo "Server = root@$SRV_IP"
        e2e_ssh_options
        for _line in "$@"; do echo "$_line"; done
    } >"$_file"
    chmod 600 "$_file"
}

e2e_cleanup() {
    status=$?
    for pid in $E2E_PIDS; do
        kill "$pid" 2>/dev/null
    done
    # Anything still running in our namespaces was started by this test.
    for ns in "$NS_CLI" "$NS_SRV" "$NS_LAN"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill "$pid" 2>/dev/null
        done
    done
    for ns in "$NS_CLI" "$NS_SRV" "$NS_LAN"; do
        ip netns del "$ns" 2>/dev/null
    done
    # E2E_KEEP=1 keeps the logs and configs for a post-mortem.
    if [ -n "$E2E_TMP" ] && [ -z "$E2E_KEEP" ]; then
        rm -rf "$E2E_TMP"
    elif [ -n "$E2E_TMP" ]; then
        echo "kept $E2E_TMP"
    fi
    exit $status
}

e2e_setup() {
    e2e_skip_unless_root
    [ -x "$PPPSSH" ] || { echo "PPPSSH=$PPPSSH is not an executable"; exit 1; }
    E2E_TMP=$(mktemp -d /tmp/pppssh-e2e.XXXXXX)
    # Control sockets and address leases of this test stay out of /run/pppssh.
    export PPPSSH_RUN_DIR="$E2E_TMP/run"
    trap e2e_cleanup EXIT
    trap 'exit 1' INT TERM
    e2e_netns
    e2e_sshd
}

# wait_gone COMMAND...: up to 5 s for COMMAND to start failing.
wait_gone() {
    i=0
    while "$@" >/dev/null 2>&1 && [ $i -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    ! "$@" >/dev/null 2>&1
}

# ==== the README followed as written (test-getting-started, tests/system) ====

# e2e_readme_blocks README SECTION: the sh blocks of README's "## SECTION",
# in order, into $E2E_TMP/block1.sh, block2.sh, ...
e2e_readme_blocks() {
    awk -v dir="$E2E_TMP" -v section="## $2" '
        /^## / { in_section = ($0 == section) }
        in_section && /^```sh$/ { n++; out = dir "/block" n ".sh"; next }
        in_section && /^```$/ { out = ""; next }
        out != "" { print > out }
    ' "$1"
}

# e2e_side NS NAME: a root for side NAME, an overlay of / in a new mount
# namespace in NS, with /dev, /proc and NS's /sys and a /run of its own;
# a holder process keeps the namespace (its PID in $E2E_TMP/NAME.pid),
# left running until cleanup.  Writes to /etc, /root, /usr stay in it.
e2e_side() {
    ip netns exec "$1" unshare -m --propagation private sh -c '
        top=$0/$1
        mkdir -p "$top"
        mount -t tmpfs e2e-side "$top"
        mkdir "$top/up" "$top/work" "$top/root"
        mount -t overlay e2e-side -o "lowerdir=/,upperdir=$top/up,workdir=$top/work" "$top/root"
        mount --rbind /dev "$top/root/dev"
        mount -t proc proc "$top/root/proc"
        mount --rbind /sys "$top/root/sys"
        mount -t tmpfs run "$top/root/run"
        exec chroot "$top/root" sleep 300' "$E2E_TMP" "$2" &
    echo $! >"$E2E_TMP/$2.pid"
    E2E_PIDS="$E2E_PIDS $!"
    i=0
    while [ "$(readlink "/proc/$!/root")" = / ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# e2e_on NAME COMMAND: COMMAND (sh) as root in side NAME, in /root.
e2e_on() {
    x_pid=$(cat "$E2E_TMP/$1.pid")
    nsenter -t "$x_pid" -m -n -r -w sh -c "cd /root && $2"
}

# e2e_on_says NAME COMMAND PATTERN: COMMAND's output in side NAME has a
# line matching PATTERN (grep -E).
e2e_on_says() {
    e2e_on "$1" "$2" >"$E2E_TMP/on.out" 2>&1
    grep -Eq "$3" "$E2E_TMP/on.out" || { cat "$E2E_TMP/on.out"; return 1; }
}

# ==== the wider bed: office LANs, more hosts and users, bounded `up`, snapshots ====
# (call e2e_bed_setup instead of e2e_setup for these)
#
# Adds: remote-office LANs behind a client, more client hosts on the
# transport (a bridge in the server namespace), more users with their own
# keys, client configuration files, `pppssh up` with a time bound, a packet
# counter that runs inside a namespace, and snapshots of a namespace's
# interfaces/routes/processes to prove an error left nothing behind.
# Every namespace made here is deleted by e2e_bed_cleanup (the EXIT trap), and
# every process in it killed by PID, even when the test fails half-way.

E2E_NS=""              # namespaces made by this file
E2E_UP_TIMEOUT=${E2E_UP_TIMEOUT:-40}   # bound on one `pppssh up`, seconds

e2e_bed_cleanup() {
    e2e_exit_status=$?
    for ns in $E2E_NS; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
    done
    for ns in $E2E_NS; do ip netns del "$ns" 2>/dev/null; done
    (exit $e2e_exit_status)
    e2e_cleanup   # lib.sh: its own namespaces, processes, files; exits
}

# e2e_bed_setup: lib.sh's bed (client, server + sshd, head-office LAN), with our
# cleanup chained in front of lib.sh's.
# lib.sh's key runs `pppssh serve` as root (user "root" for [User root]);
# here it also logs to $E2E_TMP/serve.log (errors, the accounting line) and
# keeps its address leases in this test's own directory (--run-dir), not
# /run/pppssh.
e2e_bed_setup() {
    e2e_setup
    trap e2e_bed_cleanup EXIT
    sed -i "s|^command=\"\([^ ]*\) serve -c \([^\"]*\)\"|command=\"\1 serve --run-dir $E2E_TMP/srv-run --stderr -c \2 2>>$E2E_TMP/serve.log\"|" \
        "$E2E_TMP/authorized_keys"
    grep -q 'serve.log' "$E2E_TMP/authorized_keys" || { echo "e2e_bed_setup: cannot rewrite authorized_keys"; exit 1; }
}

# e2e_serve_log: show the server side's log (after a failure).
e2e_serve_log() {
    sed 's/^/    serve| /' "$E2E_TMP"/serve*.log 2>/dev/null
}

# e2e_ns SHORTNAME: create namespace pppssh-e2e-ID-SHORTNAME (lo up); the
# name is left in E2E_LAST_NS.
e2e_ns() {
    E2E_LAST_NS=pppssh-e2e-$E2E_ID-$1
    ip netns add "$E2E_LAST_NS" || return 1
    E2E_NS="$E2E_NS $E2E_LAST_NS"
    ip netns exec "$E2E_LAST_NS" ip link set lo up
}

# e2e_office CLIENT_NS N: remote-office LAN 198.19.N.0/24 behind CLIENT_NS
# (client side .1, one host .2 in a new namespace "officeN", name left in
# E2E_LAST_NS).  The office host and the head-office LAN host get routes to
# each other's LAN and to the tunnel range through their gateway; the
# client forwards.  No default route anywhere.
e2e_office() {
    x_client_ns=$1 n=$2
    e2e_ns "office$n" || return 1
    ip link add "v-off$n" netns "$x_client_ns" type veth peer name v-gw netns "$E2E_LAST_NS"
    ip -n "$x_client_ns" addr add "198.19.$n.1/24" dev "v-off$n"
    ip -n "$x_client_ns" link set "v-off$n" up
    ip -n "$E2E_LAST_NS" addr add "198.19.$n.2/24" dev v-gw
    ip -n "$E2E_LAST_NS" link set v-gw up
    ip -n "$E2E_LAST_NS" route add 198.18.255.0/24 via "198.19.$n.1"
    ip -n "$E2E_LAST_NS" route add 198.19.0.0/24 via "198.19.$n.1"
    ip -n "$NS_LAN" route add "198.19.$n.0/24" via "$LAN_SRV_IP"
    ip netns exec "$x_client_ns" sysctl -qw net.ipv4.ip_forward=1
}

# e2e_ipv6_setup: e2e_bed_setup with IPv6 on top.  The head-office LAN gets
# V6_LAN_GW (server) and V6_LAN_HOST in fd00:5353:1::/64, routed back to
# the tunnel range fd00:5353::/64 through the server, which forwards; the
# server's end is V6_SRV, root's is V6_CLI (server.conf, with an IPv4
# pool); the client configuration V6_CONF brings up interface V6_IF with
# V6_CLI and routes the LAN through it.
V6_IF=e2ev6
V6_SRV=fd00:5353::1 V6_CLI=fd00:5353::2
V6_LAN_GW=fd00:5353:1::1 V6_LAN_HOST=fd00:5353:1::2
e2e_ipv6_setup() {
    e2e_bed_setup
    in_srv ip -6 addr add "$V6_LAN_GW/64" dev v-lan nodad
    in_lan ip -6 addr add "$V6_LAN_HOST/64" dev v-srv nodad
    in_lan ip -6 route add fd00:5353::/64 via "$V6_LAN_GW"
    in_srv sysctl -qw net.ipv6.conf.all.forwarding=1
    e2e_server_conf 198.18.255.2-198.18.255.100 "Address6 = $V6_SRV/64" \
        "[User root]" "Address6 = $V6_CLI/64"
    V6_CONF=$E2E_TMP/$V6_IF.conf
    e2e_conf "$V6_CONF" "Interface = $V6_IF" "Address6 = $V6_CLI/64" "Route = fd00:5353:1::/64"
}

# e2e_ipv6_up: check that `pppssh up` of V6_CONF in the client exits 0;
# the server's tunnel interface is left in V6_SRV_IF.
e2e_ipv6_up() {
    check "pppssh up exits 0" e2e_up "$NS_CLI" "$V6_CONF"
    echo "    (up took $E2E_UP_MS ms)"
    V6_SRV_IF=$(e2e_srv_tunnel)
}

# e2e_srv_tunnel: the name of the (first) tunnel interface in the server's
# namespace.
e2e_srv_tunnel() {
    ip -n "$NS_SRV" -o link show | awk -F': ' '$2 ~ /^pppssh/ {print $2; exit}'
}

# e2e_transport_bridge: turn the server's transport port into a bridge, so
# more clients can join the 198.18.0.0/24 "Internet" (e2e_client).
e2e_transport_bridge() {
    in_srv ip addr del "$SRV_IP/24" dev v-cli
    in_srv ip link add br-wan type bridge
    in_srv ip link set v-cli master br-wan
    in_srv ip addr add "$SRV_IP/24" dev br-wan
    in_srv ip link set br-wan up
}

# e2e_client SHORTNAME IP: one more client host on the transport with
# address IP (from 198.18.0.0/24); name left in E2E_LAST_NS.
e2e_client() {
    e2e_ns "$1" || return 1
    ip link add v-srv netns "$E2E_LAST_NS" type veth peer name "v-$1" netns "$NS_SRV"
    in_srv ip link set "v-$1" master br-wan
    in_srv ip link set "v-$1" up
    ip -n "$E2E_LAST_NS" addr add "$2/24" dev v-srv
    ip -n "$E2E_LAST_NS" link set v-srv up
}

# e2e_user NAME [SERVE_ARGS...]: a key for user NAME whose forced command is
# `pppssh serve -c server.conf --user NAME --stderr`, its log (the
# accounting line) appended to $E2E_TMP/serve-NAME.log.  Key:
# $E2E_TMP/key-NAME.  Leases go to this test's run directory.
e2e_user() {
    x_name=$1; shift
    ssh-keygen -q -t ed25519 -N '' -C "e2e-$x_name" -f "$E2E_TMP/key-$x_name"
    printf 'command="%s serve --run-dir %s -c %s --user %s --stderr %s 2>>%s" %s\n' \
        "$PPPSSH" "$E2E_TMP/srv-run" "$E2E_TMP/server.conf" "$x_name" "$*" \
        "$E2E_TMP/serve-$x_name.log" "$(cat "$E2E_TMP/key-$x_name.pub")" >>"$E2E_TMP/authorized_keys"
}

# e2e_conf_user FILE NAME [LINE...]: lib.sh's e2e_conf with user NAME's key
# (e2e_user) in place of the bed's.
e2e_conf_user() {
    x_file=$1 x_name=$2; shift 2
    e2e_conf "$x_file" "$@"
    sed -i "s|^IdentityFile = .*|IdentityFile = $E2E_TMP/key-$x_name|" "$x_file"
}

# e2e_up NS CONF: `pppssh up -c CONF` in NS, bounded by E2E_UP_TIMEOUT; its
# output in $E2E_TMP/up.out, its status in E2E_RC, time in E2E_UP_MS (ms).
e2e_up() {
    x_t0=$(date +%s%N)
    timeout "$E2E_UP_TIMEOUT" ip netns exec "$1" "$PPPSSH" up -c "$2" >"$E2E_TMP/up.out" 2>&1
    E2E_RC=$?
    E2E_UP_MS=$(( ($(date +%s%N) - x_t0) / 1000000 ))
    [ $E2E_RC = 0 ] || { echo "pppssh up: status $E2E_RC after $E2E_UP_MS ms:"; cat "$E2E_TMP/up.out"; e2e_serve_log; }
    return $E2E_RC
}

# e2e_down NS CONF: `pppssh down NAME` in NS (bounded), NAME being CONF's
# file name without ".conf" (the tunnel's name).
e2e_down() {
    timeout 20 ip netns exec "$1" "$PPPSSH" down "$(basename "$2" .conf)"
}

# e2e_ping NS ADDR: 2 echoes answered within 2 s each (ping or ping -6).
e2e_ping() {
    ip netns exec "$1" ping -c 2 -i 0.2 -W 2 "$2"
}

# e2e_has_text FILE TEXT: FILE contains TEXT (case-insensitive, fixed string).
e2e_has_text() {
    grep -qiF -- "$2" "$1" || { echo "no '$2' in:"; cat "$1"; return 1; }
}

# e2e_snapshot NS: interfaces, addresses, routes (v4 and v6), policy rules
# and processes of NS, in a stable form, to compare before/after.  IPv6
# link-local entries are left out: the kernel adds them to a new veth by
# itself, some time after the bed is built.
e2e_snapshot() {
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

# e2e_same_state NS BEFORE_FILE: NS looks exactly like the snapshot; waits up
# to 5 s for processes to finish exiting, then shows the difference.
e2e_same_state() {
    e2e_settles "$2" e2e_snapshot "$1"
}

# e2e_settles BEFORE_FILE COMMAND...: up to 5 s for COMMAND's output to equal
# BEFORE_FILE (what a session started may take a moment to finish
# exiting), then shows the difference.
e2e_settles() {
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

# e2e_wait_exists FILE [SECONDS]: up to SECONDS (5) for FILE to exist (a
# helper process creates it once it is ready).
e2e_wait_exists() {
    x_i=0 x_max=$(( ${2:-5} * 20 ))
    while [ ! -e "$1" ] && [ $x_i -lt $x_max ]; do sleep 0.05; x_i=$((x_i + 1)); done
    [ -e "$1" ]
}

# e2e_wait_listen NS tcp|udp PORT [SECONDS]: up to SECONDS (10) for a
# socket bound to PORT inside NS (a listener started in the background is
# ready only once it has bound; on a loaded machine that takes longer than
# any fixed sleep).
e2e_wait_listen() {
    x_flag=t
    [ "$2" = udp ] && x_flag=u
    x_i=0 x_max=$(( ${4:-10} * 20 ))
    while ! ip netns exec "$1" ss -Hl${x_flag}n "sport = :$3" | grep -q . && [ $x_i -lt $x_max ]; do
        sleep 0.05
        x_i=$((x_i + 1))
    done
    ip netns exec "$1" ss -Hl${x_flag}n "sport = :$3" | grep -q .
}

# e2e_sniff_start NS DEV SRC SECONDS: count IPv4 packets from source SRC
# seen on DEV inside NS for SECONDS (AF_PACKET, any direction); the count
# goes to $E2E_TMP/sniff-DEV.count at the end.  Returns once the socket is
# open (so nothing sent after it is missed); the PID is in E2E_SNIFF_PID.
e2e_sniff_start() {
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
    E2E_SNIFF_PID=$!
    E2E_PIDS="$E2E_PIDS $E2E_SNIFF_PID"
    e2e_wait_exists "$x_out.ready"
}

# e2e_sniff_count DEV: wait for the sniffer to end, print its count.
e2e_sniff_count() {
    wait "$E2E_SNIFF_PID" 2>/dev/null
    cat "$E2E_TMP/sniff-$1.count" 2>/dev/null || echo "sniffer-failed"
}

# e2e_tun_addr NS IFACE: the IPv4 address on IFACE (without prefix).
e2e_tun_addr() {
    ip -n "$1" -4 -o addr show dev "$2" | awk '{print $4}' | cut -d/ -f1 | head -n1
}

# e2e_wait_file_text FILE TEXT [SECONDS]: up to SECONDS (5) for TEXT in FILE.
e2e_wait_file_text() {
    x_i=0 x_max=$(( ${3:-5} * 20 ))
    while ! grep -qF -- "$2" "$1" 2>/dev/null && [ $x_i -lt $x_max ]; do
        sleep 0.05
        x_i=$((x_i + 1))
    done
    grep -qF -- "$2" "$1" 2>/dev/null
}

# e2e_pty_setup: e2e_bed_setup for the pty-redir tests: PTY_REDIR (default: the
# pty-redir next to PPPSSH) must exist, and the server gives root an
# address from a pool.
e2e_pty_setup() {
    PTY_REDIR=${PTY_REDIR:-$(dirname "$PPPSSH")/pty-redir}
    e2e_bed_setup
    [ -x "$PTY_REDIR" ] || { echo "no pty-redir at $PTY_REDIR"; exit 1; }
    e2e_server_conf 198.18.255.2-198.18.255.100 "[User root]"
}

# e2e_pty_summary: pty-redir's and the server's logs if a check failed,
# then lib.sh's summary (the test's exit status).
e2e_pty_summary() {
    [ "$E2E_FAILED" = 0 ] || { sed 's/^/    pty-redir| /' "$E2E_TMP/pty-redir.log"; e2e_serve_log; }
    e2e_summary
}

# e2e_pty_session LABEL NS_OF_PTY_REDIR PEER_ADDR COMMAND...: run COMMAND under
# pty-redir in that namespace, `pppssh up` over the pty in the client,
# ping PEER_ADDR, `pppssh down`, and check the command is gone.  Needs
# PTY_REDIR (the pty-redir binary).
e2e_pty_session() {
    label=$1 ns=$2 peer=$3; shift 3
    e2e_snapshot "$NS_CLI" >"$E2E_TMP/pty-cli.snap"
    e2e_snapshot "$NS_SRV" >"$E2E_TMP/pty-srv.snap"
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
    check "$label: pppssh up over the pty exits 0" e2e_up "$NS_CLI" "$E2E_TMP/e2epty.conf"
    echo "    (up took $E2E_UP_MS ms)"
    kill "$x_holder" 2>/dev/null
    wait "$x_holder" 2>/dev/null
    check "$label: ping $peer across" e2e_ping "$NS_CLI" "$peer"
    check "$label: pppssh down exits 0" e2e_down "$NS_CLI" "$E2E_TMP/e2epty.conf"
    check "$label: e2epty is gone" wait_gone ip -n "$NS_CLI" link show e2epty
    check "$label: the command pty-redir started has ended, client as before" \
        e2e_same_state "$NS_CLI" "$E2E_TMP/pty-cli.snap"
    check "$label: server as before" e2e_same_state "$NS_SRV" "$E2E_TMP/pty-srv.snap"
}

# e2e_wait_dead PID [SECONDS]: up to SECONDS (15) for process PID to end.
e2e_wait_dead() {
    x_i=0 x_max=$(( ${2:-15} * 20 ))
    while kill -0 "$1" 2>/dev/null && [ $x_i -lt $x_max ]; do
        sleep 0.05
        x_i=$((x_i + 1))
    done
    ! kill -0 "$1" 2>/dev/null
}

# ==== supervision: one tunnel of user e2e with short keepalives, status, faults, bulk data ====
# The bed of the supervision tests of issue 4 (call e2e_supervise_setup).
#
# One tunnel E2E_NAME from the client namespace to user "e2e" (static
# address E2E_CLI_TUN = 198.18.255.2, server interface pppssh-e2e) with short
# keepalive settings, so that a dead path is noticed in seconds, and helpers
# to read `pppssh status`, to wait for a state with bounded polling, to
# break the transport (ss -K, blackhole route), to count what a tunnel owns
# (interfaces, routes, processes, fds) and to move bulk data through it
# with a sha256 at both ends.  Everything started here is killed by PID
# by lib.sh's cleanup (E2E_PIDS, then every PID in the namespaces).

E2E_NAME=$(printf '%.12s' "s$E2E_ID")
E2E_CONF=""               # set by e2e_supervise_setup
E2E_CLI_TUN=198.18.255.2  # the client's tunnel address (static, user e2e)
E2E_SRV_IF=pppssh-e2e     # the server's interface for user e2e
E2E_FG_PID=""             # `pppssh up -f` started by e2e_up_tunnel_fg
E2E_KA_INTERVAL=1
E2E_KA_FAILURES=3

# e2e_supervise_setup [CONFIG LINE...]: the wider bed (e2e_bed_setup), user e2e, E2E_CONF with the
# LAN route, KeepaliveInterval=1, KeepaliveFailures=3, Persist and the
# given lines.
e2e_supervise_setup() {
    e2e_bed_setup
    e2e_server_conf 198.18.255.100-198.18.255.120 "[User e2e]" "Address = $E2E_CLI_TUN"
    e2e_user e2e
    E2E_CONF=$E2E_TMP/$E2E_NAME.conf
    e2e_conf_user "$E2E_CONF" e2e "Interface = $E2E_NAME" "Route = 198.19.0.0/24" \
        "KeepaliveInterval = $E2E_KA_INTERVAL" "KeepaliveFailures = $E2E_KA_FAILURES" \
        "Persist = yes" "Holdoff = 0" "$@"
}

# e2e_ms: monotonic-enough wall clock in milliseconds.
e2e_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# e2e_status: `pppssh status E2E_NAME` into $E2E_TMP/status; its exit status.
e2e_status() {
    timeout 5 ip netns exec "$NS_CLI" "$PPPSSH" status "$E2E_NAME" >"$E2E_TMP/status" 2>&1
}

# e2e_field KEY: the value of "KEY: value" in the last status (empty if none).
e2e_field() {
    sed -n "s/^$1: *//p" "$E2E_TMP/status" | head -n1
}

# e2e_state: the tunnel's state now ("up", "reconnecting", ...; "none").
e2e_state() {
    if e2e_status; then e2e_field state; else echo none; fi
}

# e2e_reconnects: the reconnect count `status` shows now (-1 if none shown).
e2e_reconnects() {
    e2e_status
    s_n=$(sed -n 's/^reconnect[a-z-]*: *\([0-9][0-9]*\).*/\1/p' "$E2E_TMP/status" | head -n1)
    echo "${s_n:--1}"
}

# e2e_wait_state STATE SECONDS: poll status every 100 ms until it says STATE.
e2e_wait_state() {
    s_i=0 s_max=$(($2 * 10))
    while [ "$(e2e_state)" != "$1" ] && [ $s_i -lt $s_max ]; do
        sleep 0.1
        s_i=$((s_i + 1))
    done
    [ "$(e2e_state)" = "$1" ] || { echo "state is not $1 after $2 s:"; cat "$E2E_TMP/status"; return 1; }
}

# e2e_wait_reconnects N SECONDS: poll until the reconnect count is >= N and
# the state is up again.
e2e_wait_reconnects() {
    s_i=0 s_max=$(($2 * 10))
    while [ $s_i -lt $s_max ]; do
        [ "$(e2e_reconnects)" -ge "$1" ] && [ "$(e2e_field state)" = up ] && return 0
        sleep 0.1
        s_i=$((s_i + 1))
    done
    echo "no reconnect #$1 with state up after $2 s:"
    cat "$E2E_TMP/status"
    return 1
}

# e2e_up_tunnel: `pppssh up` (daemon mode) of E2E_CONF; 0 once the link is up.
e2e_up_tunnel() {
    e2e_up "$NS_CLI" "$E2E_CONF"
}

# e2e_up_tunnel_fg [ARG...]: `pppssh up -f [ARG...]` of E2E_CONF in the background, its
# log (stderr) in $E2E_TMP/fg.log, its PID in E2E_FG_PID; waits (bounded) until
# status says up.
e2e_up_tunnel_fg() {
    ip netns exec "$NS_CLI" "$PPPSSH" up -f "$@" -c "$E2E_CONF" 2>"$E2E_TMP/fg.log" &
    E2E_FG_PID=$!   # ip netns exec execs pppssh: this is its PID
    E2E_PIDS="$E2E_PIDS $E2E_FG_PID"
    e2e_wait_state up 30
}

# e2e_wait_child PID SECONDS: up to SECONDS for our background child PID to
# end (a zombie counts as ended: kill -0 still succeeds on it); its exit
# status in E2E_CHILD_RC.
e2e_wait_child() {
    s_i=0 s_max=$(($2 * 10))
    while [ $s_i -lt $s_max ]; do
        s_st=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
        [ -z "$s_st" ] || [ "$s_st" = Z ] && break
        sleep 0.1
        s_i=$((s_i + 1))
    done
    [ -z "$s_st" ] || [ "$s_st" = Z ] || { echo "process $1 still runs after $2 s"; return 1; }
    wait "$1"
    E2E_CHILD_RC=$?
    return 0
}

# e2e_pidfile: where the daemon's pidfile is (PPPSSH_RUN_DIR, see lib.sh).
e2e_pidfile() { echo "$PPPSSH_RUN_DIR/$E2E_NAME.pid"; }

# e2e_daemon_pid: the PID of the running tunnel process, from its pidfile.
e2e_daemon_pid() { cat "$(e2e_pidfile)" 2>/dev/null; }

# e2e_find_daemon: the PID of the tunnel process running E2E_CONF, found
# without the pidfile (to check the pidfile against): the pppssh in the
# client namespace whose command line names E2E_CONF.
# `up` started by root is two processes with that command line (issue 13):
# the daemon is the session, the one whose parent is the other (the
# privileged part); the one that the pid file names.
e2e_find_daemon() {
    s_all=$(for s_p in $(ip netns pids "$NS_CLI"); do
        [ "$(cat "/proc/$s_p/comm" 2>/dev/null)" = pppssh ] &&
            tr '\0' ' ' <"/proc/$s_p/cmdline" | grep -qF -- "$E2E_CONF" && echo "$s_p"
    done)
    for s_p in $s_all; do
        s_pp=$(awk '/^PPid:/ {print $2}' "/proc/$s_p/status" 2>/dev/null)
        echo "$s_all" | grep -qx "$s_pp" && { echo "$s_p"; return; }
    done
    echo "$s_all" | head -n1
}

# e2e_transport_ssh SESSION: the pid of the tunnel's ssh, the session's
# child (User =) or its privileged parent's (root without User =).
e2e_transport_ssh() {
    s_ssh=$(pgrep -P "$1" -x ssh | head -n1)
    [ -n "$s_ssh" ] || s_ssh=$(pgrep -P "$(awk '/^PPid:/ {print $2}' "/proc/$1/status" 2>/dev/null)" -x ssh | head -n1)
    echo "$s_ssh"
}

# e2e_down_tunnel: `pppssh down E2E_NAME`, bounded.
e2e_down_tunnel() { e2e_down "$NS_CLI" "$E2E_CONF"; }

# e2e_ifindex NS IFACE: the interface's index (empty if absent).
e2e_ifindex() { ip -n "$1" -o link show dev "$2" 2>/dev/null | cut -d: -f1; }

# e2e_count_links NS PATTERN: interfaces whose name matches PATTERN (grep -E).
e2e_count_links() {
    ip -n "$1" -o link show | awk '{print $2}' | sed 's/[:@].*//' | grep -cE "$2"
}

# e2e_count_routes NS TEXT: routes (all tables, v4 and v6) whose line
# contains TEXT.
e2e_count_routes() {
    { ip -n "$1" -4 route show table all; ip -n "$1" -6 route show table all; } | grep -cF -- "$2"
}

# e2e_one_of_each: exactly one tunnel interface and one copy of each of its
# routes on both ends (IPv4; the kernel's own IPv6 link-local routes left
# out).
e2e_one_of_each() {
    s_ok=0
    e2e_expect "$(e2e_count_links "$NS_CLI" "^$E2E_NAME\$")" 1 "client: interfaces $E2E_NAME" || s_ok=1
    e2e_expect "$(e2e_count_links "$NS_CLI" '^(ppps|pppssh)')" 0 "client: other tunnel interfaces" || s_ok=1
    e2e_expect "$(e2e_count_routes "$NS_CLI" "198.19.0.0/24")" 1 "client: routes to the LAN" || s_ok=1
    e2e_expect "$(e2e_count_routes "$NS_CLI" "198.19.0.0/24 dev $E2E_NAME")" 1 "client: LAN routes via $E2E_NAME" || s_ok=1
    e2e_expect "$(e2e_count_routes "$NS_CLI" "$TUN_SRV_IP dev $E2E_NAME proto kernel")" 1 "client: peer routes" || s_ok=1
    e2e_expect "$(e2e_count_links "$NS_SRV" '^(ppps|pppssh)')" 1 "server: tunnel interfaces" || s_ok=1
    e2e_expect "$(e2e_count_routes "$NS_SRV" "$E2E_CLI_TUN ")" 1 "server: routes to $E2E_CLI_TUN" || s_ok=1
    e2e_expect "$(ip -n "$NS_SRV" -4 route show dev "$E2E_SRV_IF" 2>/dev/null | grep -c .)" 1 "server: IPv4 routes on $E2E_SRV_IF" || s_ok=1
    if [ $s_ok != 0 ]; then
        ip -n "$NS_CLI" -br link; ip -n "$NS_CLI" -4 route show table all | grep -v '^local\|^broadcast'
        ip -n "$NS_SRV" -br link; ip -n "$NS_SRV" -4 route show table all | grep -v '^local\|^broadcast'
    fi
    return $s_ok
}

# e2e_expect GOT WANT WHAT: say so unless GOT = WANT.
e2e_expect() {
    [ "$1" = "$2" ] || { echo "$3: $1 (want $2)"; return 1; }
}

# e2e_tree PID: PID and all its descendants, one per line.
e2e_tree() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { kids[$2] = kids[$2] " " $1 }
        END {
            n = 1; q[1] = root
            for (i = 1; i <= n; i++) {
                print q[i]
                m = split(kids[q[i]], k, " ")
                for (j = 1; j <= m; j++) q[++n] = k[j]
            }
        }'
}

# e2e_procs_of NS: "PID command" of each process in NS, sorted by command.
e2e_procs_of() {
    for s_p in $(ip netns pids "$1"); do
        printf '%s %s\n' "$s_p" "$(tr '\0' ' ' <"/proc/$s_p/cmdline" 2>/dev/null | cut -c1-60)"
    done | sort -k2
}

# The processes of one `pppssh serve` session started as root: it splits
# into a privileged parent and the unprivileged session (pppssh(8), Split).
E2E_SERVE_PROCS=2

# e2e_count_comm NS COMM: processes in NS whose command name is COMM.
e2e_count_comm() {
    for s_p in $(ip netns pids "$1"); do cat "/proc/$s_p/comm" 2>/dev/null; done | grep -cx "$2"
}

# e2e_wait_count NS COMM N: up to 10 s until exactly N such processes run.
e2e_wait_count() {
    s_i=0
    while [ "$(e2e_count_comm "$1" "$2")" != "$3" ] && [ $s_i -lt 100 ]; do
        sleep 0.1
        s_i=$((s_i + 1))
    done
    e2e_expect "$(e2e_count_comm "$1" "$2")" "$3" "$2 processes in $1" || { e2e_procs_of "$1"; return 1; }
}

# e2e_nfds PID: open file descriptors of PID.
e2e_nfds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

# e2e_kill_tcp: destroy the client's SSH TCP connection (SOCK_DESTROY, as
# `ss -K` does; the kernel of the test machine has CONFIG_INET_DIAG_DESTROY):
# ssh sees "connection aborted", the server an RST.
e2e_kill_tcp() {
    s_before=$(in_cli ss -Htn state established dst "$SRV_IP" | awk '{print $3}')
    [ -n "$s_before" ] || { echo "no SSH connection to kill"; return 1; }
    in_cli ss -K dst "$SRV_IP" dport 22 >/dev/null 2>&1
    # The connections there were are gone (a new one may be there already).
    for s_c in $s_before; do
        if in_cli ss -Htn state established dst "$SRV_IP" | awk '{print $3}' | grep -qxF "$s_c"; then
            echo "$s_c still established"; return 1
        fi
    done
    echo "killed $s_before"
}

# e2e_blackhole / e2e_heal: the transport path fails both ways (blackhole
# routes in the client and the server namespace: a one-way blackhole
# would still let the server's frames - its own echoes, data in flight -
# reach the client, which rightly counts them as life) / heals.
e2e_blackhole() {
    in_cli ip route add blackhole "$SRV_IP/32" && in_srv ip route add blackhole "$CLI_IP/32"
}
e2e_heal() {
    in_cli ip route del blackhole "$SRV_IP/32" && in_srv ip route del blackhole "$CLI_IP/32"
}

# e2e_receiver PORT OUT: a TCP receiver on E2E_CLI_TUN:PORT in the client
# namespace; it writes its byte count to OUT.progress every 0.2 s and,
# at the end, "BYTES SHA256" to OUT.  PID in E2E_RX_PID.
e2e_receiver() {
    rm -f "$2" "$2.progress" "$2.ready"
    ip netns exec "$NS_CLI" /usr/bin/python3 - "$E2E_CLI_TUN" "$1" "$2" <<'PY' &
import hashlib, os, socket, sys, time
addr, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, port)); ls.listen(1)
open(out + ".ready", "w").close()
ls.settimeout(60)
c, _ = ls.accept()
c.settimeout(120)  # a reconnect takes seconds; this bounds a dead transfer
def progress(n):  # atomically: the test reads it meanwhile
    open(out + ".progress.tmp", "w").write(f"{n}\n")
    os.replace(out + ".progress.tmp", out + ".progress")
h, n, last = hashlib.sha256(), 0, 0.0
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    h.update(b); n += len(b)
    if time.monotonic() - last > 0.2:
        last = time.monotonic()
        progress(n)
progress(n)
open(out, "w").write(f"{n} {h.hexdigest()}\n")
PY
    E2E_RX_PID=$!
    E2E_PIDS="$E2E_PIDS $E2E_RX_PID"
    e2e_wait_exists "$2.ready"
}

# e2e_sender NS DEST PORT MBYTES RATE_MBPS OUT: send MBYTES of random data
# to DEST:PORT from NS, at most RATE_MBPS megabytes per second (so that
# the faults hit the middle of the transfer), "BYTES SHA256" to OUT at
# the end.  PID in E2E_TX_PID.
e2e_sender() {
    rm -f "$6"
    ip netns exec "$1" /usr/bin/python3 - "$2" "$3" "$4" "$5" "$6" <<'PY' &
import hashlib, os, socket, sys, time
dest, port, total, rate, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) << 20, float(sys.argv[4]) * (1 << 20), sys.argv[5]
s = socket.create_connection((dest, port), timeout=10)
s.settimeout(120)
h, n, t0 = hashlib.sha256(), 0, time.monotonic()
while n < total:
    b = os.urandom(min(1 << 16, total - n))
    s.sendall(b); h.update(b); n += len(b)
    ahead = n / rate - (time.monotonic() - t0)
    if ahead > 0:
        time.sleep(ahead)
s.shutdown(socket.SHUT_WR)
s.recv(1)  # the receiver closes once it has everything
open(out, "w").write(f"{n} {h.hexdigest()}\n")
PY
    E2E_TX_PID=$!
    E2E_PIDS="$E2E_PIDS $E2E_TX_PID"
}

# e2e_progress OUT: bytes the receiver has so far.
e2e_progress() {
    s_b=$(cat "$1.progress" 2>/dev/null)
    echo "${s_b:-0}"
}

# e2e_wait_progress OUT BYTES SECONDS: until the receiver has BYTES.
e2e_wait_progress() {
    s_i=0 s_max=$(($3 * 10))
    while [ "$(e2e_progress "$1")" -lt "$2" ] && [ $s_i -lt $s_max ]; do
        sleep 0.1
        s_i=$((s_i + 1))
    done
    [ "$(e2e_progress "$1")" -ge "$2" ] || { echo "only $(e2e_progress "$1") of $2 bytes after $3 s"; return 1; }
}
