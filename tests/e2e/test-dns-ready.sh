#!/bin/sh
# test-dns-ready.sh - `pppssh up` returns, and `up -f` tells systemd
# READY=1, only once the tunnel's resolvers are applied (UsePeerDNS = yes):
# a name looked up the moment `up` returns goes through the tunnel.  The
# resolver tool is a fake resolvectl that takes 1.5 s before it records
# its arguments (mounted over /usr/bin in a mount namespace of the client,
# as in test-dns-peer.sh: the host's resolver is never touched).  Checked
# for both forms of a root `up`: with User = (the session spawns ssh; the
# privileged parent applies the resolvers) and without (ssh and hooks in
# the parent too, the session under the seccomp filter), and for `up -f`
# with $NOTIFY_SOCKET (what the resolver tool had recorded when READY=1
# arrived).  A resolver tool that hangs delays `up` a bounded time (it is
# killed at 5 s): the tunnel is up without it.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup "UsePeerDNS = yes"
DNS1=198.19.0.53 DNS2=198.19.0.54
e2e_server_conf 198.18.255.100-198.18.255.120 "DNS = $DNS1" "DNS = $DNS2" \
    "[User e2e]" "Address = $E2E_CLI_TUN"

fake=$E2E_TMP/fakebin
log=$E2E_TMP/resolvectl.log
mode=$E2E_TMP/resolvectl.mode
mkdir -p "$fake"
# "dns" takes 1.5 s (slow) or never ends (hang: killed at its timeout).
cat >"$fake/resolvectl" <<EOF
#!/bin/sh
if [ "\$1" = dns ]; then
    case "\$(cat '$mode')" in
    slow) sleep 1.5 ;;
    hang) exec sleep 60 ;;
    esac
fi
echo "\$*" >>'$log'
EOF
chmod 755 "$fake/resolvectl"
: >"$log"
chmod 666 "$log" # the resolver runs as the session's account without root

# $in_fake CMD...: CMD in the client's network namespace and a mount
# namespace whose /usr/bin has the fake resolvectl (a daemon stays in it);
# each step execs the next, so a background $! is CMD's own pid.
in_fake=$E2E_TMP/in-fake-ns
cat >"$in_fake" <<EOF
#!/bin/sh
exec ip netns exec '$NS_CLI' unshare -m sh -c \\
    'mount -t overlay pppssh-e2e -o "lowerdir=$fake:/usr/bin" /usr/bin && exec "\$@"' sh "\$@"
EOF
chmod 755 "$in_fake"

# up_timed CONF [RUNNER...]: `pppssh up -c CONF` (daemon), started
# through RUNNER (e.g. setpriv) if given; its time in UP_MS, the
# resolver's record at the moment it returned in $E2E_TMP/at-up.
up_timed() {
    u_conf=$1; shift
    u_t0=$(e2e_ms)
    timeout "$E2E_UP_TIMEOUT" "$in_fake" "$@" "$PPPSSH" up -c "$u_conf" >"$E2E_TMP/up.out" 2>&1
    u_rc=$?
    cp "$log" "$E2E_TMP/at-up"
    UP_MS=$(($(e2e_ms) - u_t0))
    [ $u_rc = 0 ] || { echo "pppssh up: status $u_rc"; cat "$E2E_TMP/up.out"; }
    return $u_rc
}

recorded() { grep -qx -- "$2" "$1"; }

down() {
    d_pid=$(e2e_daemon_pid)
    check "$1: down" in_cli timeout 20 "$PPPSSH" down "$E2E_NAME"
    check "$1: the daemon exits" e2e_wait_dead "$d_pid" 10
}

# slow_up WHAT CONF [RUNNER...]: up with a resolver that takes 1.5 s; the
# resolvers and the routing domain are set when it returns; down.
slow_up() {
    s_what=$1; shift
    : >"$log"
    echo slow >"$mode"
    check "$s_what: up with a resolver that takes 1.5 s" up_timed "$@"
    echo "    $s_what: up returned after $UP_MS ms"
    check "$s_what: the resolvers are set when up returns" \
        recorded "$E2E_TMP/at-up" "dns $E2E_NAME $DNS1 $DNS2"
    check "$s_what: and the routing domain ~." recorded "$E2E_TMP/at-up" "domain $E2E_NAME ~."
    down "$s_what"
}

# An account's own key, known_hosts and config (User = it, or its own `up`).
ACCOUNT=nobody
chmod 711 "$E2E_TMP"
acct=$E2E_TMP/acct
mkdir -p "$acct/run"
cp "$E2E_TMP/key-e2e" "$E2E_TMP/known_hosts" "$acct/"
sed "s|$E2E_TMP/key-e2e|$acct/key-e2e|; s|$E2E_TMP/known_hosts|$acct/known_hosts|" \
    "$E2E_CONF" >"$acct/$E2E_NAME.conf"
chown -R "$ACCOUNT" "$acct"
chmod 700 "$acct"
chmod 600 "$acct/$E2E_NAME.conf"
with_user=$E2E_TMP/with-user/$E2E_NAME.conf
mkdir -p "$(dirname "$with_user")"
{ cat "$acct/$E2E_NAME.conf"; echo "User = $ACCOUNT"; } >"$with_user"
chmod 600 "$with_user"

# ---- root: the resolvers are applied by the privileged parent ----
slow_up "root, no User =" "$E2E_CONF"
slow_up "root, User = $ACCOUNT" "$with_user"
# ---- not root, CAP_NET_ADMIN only: no split, the session applies them ----
# /dev/net/tun may be root's alone (0600 here): in the mount namespace,
# a node of the same device that anyone may open is mounted over it.
open_tun=$E2E_TMP/open-tun
cat >"$open_tun" <<EOF
#!/bin/sh
mkdir -p '$E2E_TMP/dev' && mount -t tmpfs pppssh-e2e-dev '$E2E_TMP/dev' &&
    mknod '$E2E_TMP/dev/tun' c 10 200 && chmod 666 '$E2E_TMP/dev/tun' &&
    mount --bind '$E2E_TMP/dev/tun' /dev/net/tun && exec "\$@"
EOF
chmod 755 "$open_tun"
root_run=$PPPSSH_RUN_DIR
PPPSSH_RUN_DIR=$acct/run
slow_up "$ACCOUNT with CAP_NET_ADMIN" "$acct/$E2E_NAME.conf" "$open_tun" \
    setpriv --reuid=$ACCOUNT --regid=nogroup --clear-groups \
    --inh-caps=+net_admin --ambient-caps=+net_admin --
PPPSSH_RUN_DIR=$root_run

# ---- up -f under a notify socket: READY=1 after the resolvers ----
: >"$log"
echo slow >"$mode"
sock=$E2E_TMP/notify.sock
snap=$E2E_TMP/at-ready
python3 - "$sock" "$log" "$snap" 60 <<'PY' &
import os, shutil, socket, sys, time
path, log, snap, limit = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o777)  # the session that says READY runs as another account
end = time.monotonic() + limit
while (left := end - time.monotonic()) > 0:
    s.settimeout(left)
    try:
        msg = s.recv(4096).decode(errors="replace")
    except socket.timeout:
        break
    if "READY=1" in msg.split("\n"):
        shutil.copyfile(log, snap)
        sys.exit(0)
sys.exit(1)
PY
listener=$!
E2E_PIDS="$E2E_PIDS $listener"
e2e_wait_exists "$sock"
"$in_fake" env NOTIFY_SOCKET="$sock" "$PPPSSH" up -f -c "$E2E_CONF" 2>"$E2E_TMP/fg.log" &
fg=$!
E2E_PIDS="$E2E_PIDS $fg"
check "up -f: READY=1 arrives" e2e_wait_child "$listener" 40
check "up -f: the resolvers are set when READY=1 arrives" \
    recorded "$snap" "dns $E2E_NAME $DNS1 $DNS2"
check "up -f: down" in_cli timeout 20 "$PPPSSH" down "$E2E_NAME"
check "up -f: it exits" e2e_wait_child "$fg" 10

# ---- a resolver that hangs: up is late by its timeout, not forever ----
: >"$log"
echo hang >"$mode"
check "a hanging resolver: up still succeeds" up_timed "$E2E_CONF"
echo "    a hanging resolver: up returned after $UP_MS ms"
check "a hanging resolver: up waited at most its timeout (${UP_MS} ms < 15000)" \
    test "$UP_MS" -lt 15000
check "a hanging resolver: the tunnel is up" sh -c \
    "ip netns exec '$NS_CLI' '$PPPSSH' status '$E2E_NAME' | grep -qx 'state: up'"
check_not "a hanging resolver: nothing recorded (it was killed)" \
    recorded "$E2E_TMP/at-up" "dns $E2E_NAME $DNS1 $DNS2"
down "a hanging resolver"

[ "$E2E_FAILED" = 0 ] || { cat "$E2E_TMP/fg.log" | tail -n 20; e2e_serve_log | tail -n 20; }
e2e_summary
