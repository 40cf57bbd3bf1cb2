# lib.sh - shared setup for the pppssh end-to-end tests (source it).
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
