#!/bin/sh
# test-up-root.sh - `pppssh up` started by root WITHOUT User = is split
# too (issue 13): while pings flow, the process that parses the server's
# bytes has no uid 0 and no capability and runs under the seccomp filter;
# ssh runs as root, a child of the privileged parent, which hands the
# session its descriptors, and so do the hooks, as they always did; after ssh is
# killed the tunnel reconnects through a new ssh, again root's.  Started
# the way sudo starts it (SUDO_USER, SUDO_UID, SUDO_GID), ssh runs as the
# invoking account and with that account's key only (IdentityFile with
# ssh's %u: root has no key here).  `pppssh down`, and SIGKILL of the
# session, leave no interface, route or process behind.
. "$(dirname "$0")/lib.sh"
e2e_setup

NAME=e2r$E2E_ID
NAME=$(printf '%.12s' "$NAME")
SUDOER=daemon # an account other than the session's (pppssh or nobody)

# Keys by local account name (ssh's %u): only $SUDOER's exists.
chmod 711 "$E2E_TMP"
mkdir -p "$E2E_TMP/keys/$SUDOER"
cp "$E2E_TMP/client_key" "$E2E_TMP/keys/$SUDOER/"
chown -R "$SUDOER" "$E2E_TMP/keys/$SUDOER"
chmod 700 "$E2E_TMP/keys/$SUDOER"
chmod 644 "$E2E_TMP/known_hosts"
# An ip-up hook that says who ran it.
export PPPSSH_HOOK_DIR=$E2E_TMP/hooks
mkdir -p "$PPPSSH_HOOK_DIR/ip-up.d"
printf '#!/bin/sh\nid -u >"%s/hook.uid"\n' "$E2E_TMP" >"$PPPSSH_HOOK_DIR/ip-up.d/10who"
chmod 755 "$PPPSSH_HOOK_DIR/ip-up.d/10who"
# An ip-down hook that says who ran it, and with which addresses.
mkdir -p "$PPPSSH_HOOK_DIR/ip-down.d"
printf '#!/bin/sh\necho "$(id -u) $4 $5" >>"%s/down.log"\n' "$E2E_TMP" \
    >"$PPPSSH_HOOK_DIR/ip-down.d/10who"
chmod 755 "$PPPSSH_HOOK_DIR/ip-down.d/10who"

e2e_server_conf 198.18.255.100-198.18.255.120 "[User e2e]" "Address = 198.18.255.2"
e2e_serve_args --user e2e
e2e_conf "$E2E_TMP/$NAME.conf" "Interface = $NAME" "Route = 198.19.0.0/24" \
    "Persist = yes" "Holdoff = 1" "KeepaliveInterval = 1" "KeepaliveFailures = 3"
mkdir "$E2E_TMP/sudo" # the same tunnel name (the file's), another key line
sed "s|^IdentityFile = .*|SSHOption = IdentityFile=$E2E_TMP/keys/%u/client_key|" \
    "$E2E_TMP/$NAME.conf" >"$E2E_TMP/sudo/$NAME.conf"
chmod 600 "$E2E_TMP/sudo/$NAME.conf"

uid_of() { awk '/^Uid:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
no_uid0() { awk '/^Uid:/ {exit !($2 && $3 && $4 && $5)}' "/proc/$1/status"; }
no_caps() { grep -q '^CapEff:[[:space:]]*0*$' "/proc/$1/status" && grep -q '^CapPrm:[[:space:]]*0*$' "/proc/$1/status"; }
# ssh_of PARENT: the transport ssh, a child of the privileged parent.
ssh_of() { pgrep -P "$1" -x ssh | head -1; }
wait_ssh() { # wait_ssh PARENT OLD: up to 10 s for an ssh other than OLD
    i=0
    while [ $i -lt 100 ]; do
        s=$(ssh_of "$1")
        [ -n "$s" ] && [ "$s" != "$2" ] && { echo "$s"; return 0; }
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
link_gone() { wait_gone in_cli ip link show "$NAME"; }
route_gone() { ! ip netns exec "$NS_CLI" ip route show 198.19.0.0/24 | grep -q .; }

# ---- 1. root, no User =, no sudo ----
if in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf" 2>"$E2E_TMP/up.err"; then
    pass "pppssh up as root without User = returns 0"
else
    fail "pppssh up returns 0 (exit $?: $(cat "$E2E_TMP/up.err"))"
fi
in_cli ping -q -i 0.2 -c 15 -W 2 "$LAN_HOST_IP" >/dev/null 2>&1 &
PING=$!
E2E_PIDS="$E2E_PIDS $PING"
SESSION=$(cat "$PPPSSH_RUN_DIR/$NAME.pid" 2>/dev/null)
PARENT=$(awk '/^PPid:/ {print $2}' "/proc/$SESSION/status" 2>/dev/null)
SSH=$(ssh_of "${PARENT:-1}")
echo "    session $SESSION (uid $(uid_of "$SESSION")), parent $PARENT, ssh $SSH (uid $(uid_of "$SSH"))"
check "the session process has no uid 0" no_uid0 "$SESSION"
check "the session process has no capability" no_caps "$SESSION"
check "the session process has no_new_privs" grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$SESSION/status"
check "the session process runs under a seccomp filter" grep -q '^Seccomp:[[:space:]]*2' "/proc/$SESSION/status"
check "the ip-up hook ran as root (up waits for it)" test "$(cat "$E2E_TMP/hook.uid" 2>/dev/null)" = 0
check_not "ssh is not the session's child" sh -c "pgrep -P $SESSION -x ssh | grep -q ."
check "ssh is a child of the privileged parent" test -n "$SSH"
check "ssh runs as root" test "$(uid_of "$SSH")" = 0
check "the privileged parent is root" test "$(uid_of "$PARENT")" = 0
check "interface $NAME has the server's address as peer" \
    sh -c "ip netns exec $NS_CLI ip -4 addr show dev $NAME | grep -q 'peer $TUN_SRV_IP/32'"
check "route to the LAN goes through $NAME" \
    sh -c "ip netns exec $NS_CLI ip route show 198.19.0.0/24 | grep -q 'dev $NAME'"
check "pings flow through the split tunnel" wait "$PING"

# Reconnect: the session asks the privileged part for a new ssh.
[ -n "$SSH" ] && kill "$SSH"
NEW=$(wait_ssh "${PARENT:-1}" "$SSH")
check "after ssh is killed, a new ssh starts (the session asked for it)" test -n "$NEW"
check "the new ssh runs as root" test "$(uid_of "${NEW:-1}")" = 0
check "the tunnel is up again" sh -c "for i in \$(seq 100); do ip netns exec $NS_CLI ping -q -c 1 -W 1 $LAN_HOST_IP >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1"
check "the same session process goes on" test "$(cat "$PPPSSH_RUN_DIR/$NAME.pid" 2>/dev/null)" = "$SESSION"

check "pppssh down" in_cli "$PPPSSH" down "$NAME"
check "down: interface $NAME is gone" link_gone
check "down: route to the LAN is gone" route_gone
check "down: the session process is gone" wait_gone test -d "/proc/$SESSION"
check "down: the privileged parent is gone" wait_gone test -d "/proc/$PARENT"
check "down: ssh is gone" wait_gone test -d "/proc/${NEW:-$SSH}"
sed 's/^/    up| /' "$E2E_TMP/up.err"

# ---- 2. as sudo starts it: ssh as the invoking account, with its key ----
SUDO_UID=$(id -u $SUDOER)
SUDO_GID=$(id -g $SUDOER)
if in_cli env SUDO_USER=$SUDOER SUDO_UID="$SUDO_UID" SUDO_GID="$SUDO_GID" \
    "$PPPSSH" up -c "$E2E_TMP/sudo/$NAME.conf" 2>"$E2E_TMP/up2.err"; then
    pass "pppssh up under sudo (SUDO_USER=$SUDOER) returns 0"
else
    fail "pppssh up under sudo returns 0 (exit $?: $(cat "$E2E_TMP/up2.err"))"
fi
SESSION=$(cat "$PPPSSH_RUN_DIR/$NAME.pid" 2>/dev/null)
PARENT=$(awk '/^PPid:/ {print $2}' "/proc/$SESSION/status" 2>/dev/null)
SSH=$(ssh_of "${PARENT:-1}")
echo "    session $SESSION (uid $(uid_of "$SESSION")), parent $PARENT, ssh $SSH (uid $(uid_of "$SSH"))"
check "sudo: the session process has no uid 0" no_uid0 "$SESSION"
check "sudo: the session process has no capability" no_caps "$SESSION"
check "sudo: ssh runs as $SUDOER" test "$(uid_of "$SSH")" = "$SUDO_UID"
check "sudo: pings flow (ssh used $SUDOER's key: root has none)" \
    in_cli ping -q -i 0.2 -c 5 -W 2 "$LAN_HOST_IP"
[ -n "$SSH" ] && kill "$SSH"
NEW=$(wait_ssh "${PARENT:-1}" "$SSH")
check "sudo: after ssh is killed, a new ssh starts" test -n "$NEW"
check "sudo: the new ssh runs as $SUDOER" test "$(uid_of "${NEW:-1}")" = "$SUDO_UID"
check "sudo: the tunnel is up again" sh -c "for i in \$(seq 100); do ip netns exec $NS_CLI ping -q -c 1 -W 1 $LAN_HOST_IP >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1"

# SIGKILL of the session: the privileged part undoes everything, and runs
# the ip-down the session never asked for, as pppd would when the link goes.
LOCAL=$(in_cli ip -4 -o addr show dev "$NAME" | awk '{split($4, a, "/"); print a[1]}')
PEER=$(in_cli ip -4 -o addr show dev "$NAME" | awk '{split($6, a, "/"); print a[1]}')
rm -f "$E2E_TMP/down.log"
[ -n "$SESSION" ] && kill -KILL "$SESSION"
check "SIGKILL: interface $NAME is gone" link_gone
check "SIGKILL: route to the LAN is gone" route_gone
check "SIGKILL: the privileged parent is gone" wait_gone test -d "/proc/$PARENT"
check "SIGKILL: ssh is gone" wait_gone test -d "/proc/${NEW:-$SSH}"
check_not "SIGKILL: no control socket is left" test -e "$PPPSSH_RUN_DIR/$NAME.sock"
check "SIGKILL: ip-down ran once, as root, with $LOCAL $PEER" \
    test "$(cat "$E2E_TMP/down.log" 2>/dev/null)" = "0 $LOCAL $PEER"
sed 's/^/    up| /' "$E2E_TMP/up2.err"

# ---- 3. ssh keeps its own connection (PPPSSH_PACE set: no fd passing) ----
# The server's address is then resolved by name; it is kept outside the
# tunnel only for a default route, so the privileged part must still grant
# the config's Route.
if in_cli env PPPSSH_PACE=0 "$PPPSSH" up -c "$E2E_TMP/$NAME.conf" 2>"$E2E_TMP/up3.err"; then
    pass "pppssh up without fd passing returns 0"
else
    fail "pppssh up without fd passing returns 0 (exit $?: $(cat "$E2E_TMP/up3.err"))"
fi
check "without fd passing: the Route is in place" \
    sh -c "ip netns exec $NS_CLI ip route show 198.19.0.0/24 | grep -q 'dev $NAME'"
check "without fd passing: pings flow" in_cli ping -q -i 0.2 -c 3 -W 2 "$LAN_HOST_IP"
check "without fd passing: pppssh down" in_cli "$PPPSSH" down "$NAME"
check "without fd passing: interface $NAME is gone" link_gone

e2e_summary
