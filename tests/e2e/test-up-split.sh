#!/bin/sh
# test-up-split.sh - `pppssh up` as root with User = (pppssh.conf(5)):
# while pings flow, the process that holds ssh's pipes and parses the
# server's bytes has no uid 0 and no capability, ssh runs as that account
# with its own copy of the key, its parent is a root process (the one that
# made the interface), the addresses and routes are in place, and `pppssh
# down` removes the interface, the route and both processes.
. "$(dirname "$0")/lib.sh"
e2e_setup

NAME=e2e$E2E_ID
NAME=$(printf '%.12s' "$NAME")
ACCOUNT=nobody

# The account's own key and known_hosts, readable by it alone.
chmod 711 "$E2E_TMP"
mkdir "$E2E_TMP/acct"
cp "$E2E_TMP/client_key" "$E2E_TMP/known_hosts" "$E2E_TMP/acct/"
chown -R "$ACCOUNT" "$E2E_TMP/acct"
chmod 700 "$E2E_TMP/acct"

e2e_server_conf 198.18.255.100-198.18.255.120 "[User e2e]" "Address = 198.18.255.2"
e2e_serve_args --user e2e
e2e_conf "$E2E_TMP/$NAME.conf" "Interface = $NAME" "Route = 198.19.0.0/24" "User = $ACCOUNT"
sed -i "s|$E2E_TMP/client_key|$E2E_TMP/acct/client_key|; s|$E2E_TMP/known_hosts|$E2E_TMP/acct/known_hosts|" \
    "$E2E_TMP/$NAME.conf"

if in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf" 2>"$E2E_TMP/up.err"; then
    pass "pppssh up as root with User = $ACCOUNT returns 0"
else
    fail "pppssh up returns 0 (exit $?: $(cat "$E2E_TMP/up.err"))"
fi

in_cli ping -q -i 0.2 -c 25 -W 2 "$LAN_HOST_IP" >/dev/null 2>&1 &
PING=$!
E2E_PIDS="$E2E_PIDS $PING"

SESSION=$(cat "$PPPSSH_RUN_DIR/$NAME.pid" 2>/dev/null)
SSH=$(pgrep -P "${SESSION:-1}" -x ssh | head -1)
PARENT=$(awk '/^PPid:/ {print $2}' "/proc/$SESSION/status" 2>/dev/null)
uids() { awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$1/status"; }
echo "    session $SESSION (uids $(uids "$SESSION")), ssh $SSH, parent $PARENT"
check "ssh is a child of the session process" test -n "$SSH"
check "the session process has no uid 0" \
    sh -c "awk '/^Uid:/ {exit !(\$2 && \$3 && \$4 && \$5)}' /proc/$SESSION/status"
check "the session process has no capability" grep -q '^CapEff:[[:space:]]*0*$' "/proc/$SESSION/status"
check "the session process has no permitted capability" \
    grep -q '^CapPrm:[[:space:]]*0*$' "/proc/$SESSION/status"
check "the session process runs as $ACCOUNT" \
    test "$(awk '/^Uid:/ {print $2}' "/proc/$SESSION/status")" = "$(id -u $ACCOUNT)"
check "ssh runs as $ACCOUNT" \
    test "$(awk '/^Uid:/ {print $2}' "/proc/$SSH/status")" = "$(id -u $ACCOUNT)"
check "the privileged parent is root" \
    test "$(awk '/^Uid:/ {print $3}' "/proc/$PARENT/status")" = 0
check "interface $NAME has the server's address as peer" \
    sh -c "ip netns exec $NS_CLI ip -4 addr show dev $NAME | grep -q 'peer $TUN_SRV_IP/32'"
check "route to the LAN goes through $NAME" \
    sh -c "ip netns exec $NS_CLI ip route show 198.19.0.0/24 | grep -q 'dev $NAME'"
check "pings flow through the tunnel while it is split" wait "$PING"
in_cli "$PPPSSH" status "$NAME" >"$E2E_TMP/status" 2>&1
check "pppssh status (root) reaches the session" grep -q '^state: up' "$E2E_TMP/status"

check "pppssh down" in_cli "$PPPSSH" down "$NAME"
check "interface $NAME is gone" wait_gone in_cli ip link show "$NAME"
check_not "route to the LAN is gone" \
    sh -c "ip netns exec $NS_CLI ip route show 198.19.0.0/24 | grep -q ."
check "the session process is gone" wait_gone test -d "/proc/$SESSION"
check "the privileged parent is gone" wait_gone test -d "/proc/$PARENT"
check_not "no control socket is left" test -e "$PPPSSH_RUN_DIR/$NAME.sock"
check_not "no pid file is left" test -e "$PPPSSH_RUN_DIR/$NAME.pid"
sed 's/^/    up| /' "$E2E_TMP/up.err"

e2e_summary
