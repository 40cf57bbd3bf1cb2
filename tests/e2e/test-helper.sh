#!/bin/sh
# test-helper.sh - issue 13: `pppssh serve` as the forced command of an
# ordinary account, no sudo, with `pppssh helper` (root) the only
# privileged part of the server.  The accounts live in a private
# /etc/passwd that sshd and the helper see (their own mount namespaces):
# - vpnalice's key runs `pppssh serve --user alice` ([User alice]
#   Account = vpnalice): the tunnel comes up with alice's address, pings
#   cross, and while they do every server process of the session (serve,
#   and sshd's process that reads the connection) has uid != 0 and
#   CapEff = 0;
#   IPv6 too (Address6);
# - vpnbob, talking to the helper's socket directly, cannot have alice's
#   tunnel (refused), only bob's own;
# - `pppssh down`: the helper removes alice's interface;
# - a new session of alice takes over from the running one (the helper
#   verifies the old serve holds the lease, then ends it);
# - serve killed with SIGKILL: the helper removes the interface and lets
#   the lease go;
# - the helper stopped (SIGTERM) under a running session: the interface
#   goes, the session ends, the socket is removed.
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
. "$E2E_DIR/lib.sh"
e2e_setup

NAME=$(printf '%.12s' "hp$E2E_ID")
ALICE_IP=198.18.255.2
HELPER_SOCK=$E2E_TMP/helper/helper.sock
ALICE_UID=60101
BOB_UID=60102

# Ordinary accounts, seen by sshd and the helper only (e2e_sshd_start
# mounts $E2E_TMP/passwd over /etc/passwd), each with its own keys file.
chmod 711 "$E2E_TMP" # the accounts reach server.conf and the helper's socket
mkdir -p "$E2E_TMP/home" "$E2E_TMP/ak" "$E2E_TMP/helper"
echo "vpnalice:x:$ALICE_UID:65534::$E2E_TMP/home:/bin/sh" >>"$E2E_TMP/passwd"
echo "vpnbob:x:$BOB_UID:65534::$E2E_TMP/home:/bin/sh" >>"$E2E_TMP/passwd"
printf 'restrict,command="%s serve --user alice -c %s" %s\n' "$PPPSSH" "$E2E_TMP/server.conf" \
    "$(cat "$E2E_TMP/client_key.pub")" >"$E2E_TMP/ak/vpnalice"
sed -i "s|^AuthorizedKeysFile .*|AuthorizedKeysFile $E2E_TMP/ak/%u|" "$E2E_TMP/sshd_config"
e2e_sshd_stop || exit 1
e2e_sshd_start || exit 1

e2e_server_conf 198.18.255.100-198.18.255.110 "Helper = $HELPER_SOCK" \
    "Address6 = fd00:5353::1/64" \
    "[User alice]" "Account = vpnalice" "Address = $ALICE_IP" "Route = 198.19.9.0/24" \
    "Address6 = fd00:5353::2/64" \
    "[User bob]" "Account = vpnbob"
chmod 644 "$E2E_TMP/server.conf"

# ip netns exec, unshare and sh each exec the next: $! is the helper.
ip netns exec "$NS_SRV" unshare -m sh -c "mount --bind '$E2E_TMP/passwd' /etc/passwd &&
    exec '$PPPSSH' helper -c '$E2E_TMP/server.conf' --run-dir '$E2E_TMP/srvrun' --stderr" \
    >"$E2E_TMP/helper.log" 2>&1 &
HELPER_PID=$!
E2E_PIDS="$E2E_PIDS $HELPER_PID"
i=0
while [ ! -S "$HELPER_SOCK" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "the helper listens on server.conf's Helper socket" test -S "$HELPER_SOCK"

# as_account UID COMMAND...: COMMAND in the server's namespace as UID,
# with the accounts' /etc/passwd.
as_account() {
    _uid=$1; shift
    # ip netns exec, unshare and sh each exec the next: $! is the helper.
ip netns exec "$NS_SRV" unshare -m sh -c "mount --bind '$E2E_TMP/passwd' /etc/passwd &&
        exec setpriv --reuid $_uid --regid 65534 --clear-groups -- \"\$@\"" sh "$@"
}

NAME2=$(printf '%.12s' "hq$E2E_ID")
for t in "$NAME" "$NAME2"; do
    e2e_conf "$E2E_TMP/$t.conf" "Interface = $t" "Persist = no" "Route = 198.19.0.0/24" \
        "Address6 = fd00:5353::2/64"
    sed -i "s|^Server = .*|Server = vpnalice@$SRV_IP|" "$E2E_TMP/$t.conf"
done

# lease_held ADDR: some process holds ADDR's lease lock (lease.h).
lease_held() {
    ! flock -n "$E2E_TMP/srvrun/leases/$1" true
}

# lease_free ADDR: up to 5 s for ADDR's lease lock to be let go.
lease_free() {
    _i=0
    while lease_held "$1" && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
    ! lease_held "$1"
}

# tunnel_up CASE [TUNNEL]: TUNNEL (default $NAME) up as vpnalice, with
# alice's address, her routes on the server, pings across.
tunnel_up() {
    _t=${2:-$NAME}
    check "$1: pppssh up as vpnalice" in_cli "$PPPSSH" up -c "$E2E_TMP/$_t.conf"
    check "$1: the client has alice's address" sh -c \
        "ip netns exec $NS_CLI ip -4 addr show dev $_t | grep -q 'inet $ALICE_IP peer $TUN_SRV_IP/32'"
    check "$1: the helper configured pppssh-alice" sh -c \
        "ip netns exec $NS_SRV ip -4 addr show dev pppssh-alice | grep -q 'inet $TUN_SRV_IP peer $ALICE_IP/32'"
    check "$1: alice's Route goes into her tunnel" sh -c \
        "ip netns exec $NS_SRV ip route show 198.19.9.0/24 | grep -q 'dev pppssh-alice'"
    check "$1: ping the server's end" in_cli ping -c 2 -i 0.2 -W 2 "$TUN_SRV_IP"
    check "$1: ping the LAN host" in_cli ping -c 2 -i 0.2 -W 2 "$LAN_HOST_IP"
    check "$1: the helper put Address6 on pppssh-alice, without its prefix route" sh -c \
        "ip netns exec $NS_SRV ip -6 addr show dev pppssh-alice | grep -q 'fd00:5353::1/64' &&
         ! ip netns exec $NS_SRV ip -6 route show fd00:5353::/64 | grep -q ."
    check "$1: ping6 the server's end" in_cli ping -6 -c 2 -i 0.2 -W 2 fd00:5353::1
    check "$1: offloads on: the helper set pppssh-alice's gso_max_size to the client's MRU" sh -c \
        "ip netns exec $NS_SRV ip -d link show dev pppssh-alice | grep -q 'gso_max_size 655[0-2][0-9] '"
}

# The server's processes of alice's session: serve, and sshd's own
# process for the account, the one that reads the connection ("sshd:
# vpnalice@notty"; its "[priv]" monitor only answers that process).
session_pids() {
    for _pid in $(ip netns pids "$NS_SRV"); do
        _cmd=$(tr '\0' ' ' <"/proc/$_pid/cmdline" 2>/dev/null)
        case $_cmd in
        *"serve --user alice"* | *"sshd: vpnalice@"*) echo "$_pid" ;;
        esac
    done
}

# unprivileged PID...: every one has uid != 0 (real, effective, saved,
# filesystem) and no effective capability.
unprivileged() {
    [ $# -ge 2 ] || { echo "expected serve and sshd's process, found: $*"; return 1; }
    for _pid in "$@"; do
        _uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$_pid/status")
        _caps=$(awk '/^CapEff:/ {print $2}' "/proc/$_pid/status")
        echo "pid $_pid ($(tr '\0' ' ' <"/proc/$_pid/cmdline")): uids $_uids CapEff $_caps"
        for _u in $_uids; do [ "$_u" != 0 ] || return 1; done
        [ "$_caps" = 0000000000000000 ] || return 1
    done
}

# sandboxed PID: the process can never gain privileges by exec
# (no_new_privs) and runs under a seccomp filter (mode 2).
sandboxed() {
    grep '^NoNewPrivs:\|^Seccomp:' "/proc/$1/status"
    grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$1/status" &&
        grep -q '^Seccomp:[[:space:]]*2' "/proc/$1/status"
}

# serve_pid: alice's serve on the server.
serve_pid() {
    for _p in $(session_pids); do
        tr '\0' ' ' <"/proc/$_p/cmdline" | grep -q "^$PPPSSH serve" && echo "$_p"
    done | head -1
}

tunnel_up "first session"
in_cli ping -c 30 -i 0.1 -W 2 "$LAN_HOST_IP" >/dev/null 2>&1 &
PING_PID=$!
sleep 0.5
# shellcheck disable=SC2046
check "while traffic flows, serve and sshd's session process have uid != 0 and CapEff = 0" \
    unprivileged $(session_pids)
check "serve runs with no_new_privs under the session's seccomp filter" sandboxed "$(serve_pid)"
wait "$PING_PID"

# bob_asks USER PATTERN: vpnbob asks the helper's socket for USER's
# tunnel himself; the answer matches the grep PATTERN.
bob_asks() {
    _out=$(as_account $BOB_UID /usr/bin/python3 "$E2E_DIR/helper_client.py" "$HELPER_SOCK" "$1" \
        ${3:-})
    echo "$_out"
    echo "$_out" | grep -q "$2"
}

check "vpnbob cannot have alice's tunnel through the helper" \
    bob_asks alice '^REFUSED account vpnbob (uid 60102) may not serve VPN user alice'
check "alice's tunnel is still hers and still carries pings" in_cli ping -c 2 -i 0.2 -W 2 "$TUN_SRV_IP"
check "vpnbob can have bob's own tunnel (a pool address)" \
    bob_asks bob '^GRANTED pppssh-bob 198.18.255.10[0-9] 2$'

check "bob's interface is gone once its socket closed" wait_gone in_srv ip link show pppssh-bob
check "a session cannot let its lease go (its descriptor is not the helper's lock)" \
    bob_asks bob '^lease: held by the helper$' unlock

check "pppssh down" "$PPPSSH" down "$NAME"
check "down: the helper removed pppssh-alice" wait_gone in_srv ip link show pppssh-alice

tunnel_up "second session"
OLD_SERVE=$(serve_pid)
# A new session of alice while that one runs (MaxSessions 1): the helper's
# admission verifies the old serve holds the lease and ends it.
tunnel_up "a new session takes over" "$NAME2"
check "takeover: the old serve is gone" e2e_wait_dead "$OLD_SERVE"
check "takeover: the old client's tunnel went down" wait_gone in_cli ip link show "$NAME"
check "takeover: one pppssh-alice on the server" sh -c \
    "[ \$(ip netns exec $NS_SRV ip -o link show | grep -c pppssh-alice) = 1 ]"
SERVE_PID=$(serve_pid)
check "found alice's serve" test -n "$SERVE_PID"
check "alice's lease is held while her session runs" lease_held "$ALICE_IP"
kill -9 "$SERVE_PID"
check "serve killed with SIGKILL: the helper removed pppssh-alice" \
    wait_gone in_srv ip link show pppssh-alice
check "serve killed with SIGKILL: alice's lease is free" lease_free "$ALICE_IP"
check "serve killed with SIGKILL: no route into the tunnel is left" sh -c \
    "! ip netns exec $NS_SRV ip route show 198.19.9.0/24 | grep -q ."
check "the helper runs on" kill -0 "$HELPER_PID"

# The helper stopped under a running session: it removes the interface,
# and the session, whose interface is gone, ends (its client's tunnel
# goes down) instead of lingering.
tunnel_up "third session" "$NAME2"
LAST_SERVE=$(serve_pid)
kill "$HELPER_PID"
check "helper stopped: it exited" e2e_wait_dead "$HELPER_PID"
check "helper stopped: pppssh-alice is gone" wait_gone in_srv ip link show pppssh-alice
check "helper stopped: the session's serve ended" e2e_wait_dead "$LAST_SERVE"
check "helper stopped: the client's tunnel went down" wait_gone in_cli ip link show "$NAME2"
check "helper stopped: its socket is gone" test ! -e "$HELPER_SOCK"
"$PPPSSH" down "$NAME" >/dev/null 2>&1
"$PPPSSH" down "$NAME2" >/dev/null 2>&1
echo "--- helper log"; sed 's/^/    | /' "$E2E_TMP/helper.log"
e2e_summary
