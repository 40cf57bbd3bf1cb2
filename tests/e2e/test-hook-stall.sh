#!/bin/sh
# test-hook-stall.sh - issue 12: an ip-up hook runs beside the link, never
# inside it.  A hook that takes 6 s (the mini-HOWTO's scripts may wait for
# a route, a mount, a slow resolver) must not stall the tunnel: while it
# runs, pings through the tunnel keep their normal round trip (the worst
# far below the hook's 6 s) and `pppssh check` gets its LCP Echo-Reply,
# and `pppssh up` still returns only once the hook is done (what the hook
# sets up is part of what `up` promises).
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup
HOOK_SECONDS=6
export PPPSSH_HOOK_DIR=$E2E_TMP/hooks
mkdir -p "$PPPSSH_HOOK_DIR/ip-up.d"
cat >"$PPPSSH_HOOK_DIR/ip-up.d/50slow" <<SCRIPT
#!/bin/sh
touch $E2E_TMP/hook.started
sleep $HOOK_SECONDS
touch $E2E_TMP/hook.done
SCRIPT
chmod 755 "$PPPSSH_HOOK_DIR/ip-up.d/50slow"

# `up` in the background: it returns once the hook is done.
t0=$(e2e_ms)
( e2e_up_tunnel; echo $? >"$E2E_TMP/up.rc" ) &
E2E_PIDS="$E2E_PIDS $!"
check "the ip-up hook starts" e2e_wait_exists "$E2E_TMP/hook.started" 20
hook_t0=$(e2e_ms)

# Pings through the tunnel while the hook sleeps: 15 at 0.2 s (3 s).
in_cli ping -c 15 -i 0.2 -W 1 "$LAN_HOST_IP" >"$E2E_TMP/ping.out" 2>&1
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$E2E_TMP/ping.out")
max_ms=$(sed -n 's|^rtt [^=]*= [0-9.]*/[0-9.]*/\([0-9.]*\)/.*|\1|p' "$E2E_TMP/ping.out")
echo "during the hook: ${received:-0}/15 pings answered, max RTT ${max_ms:-none} ms"
check "pings through the tunnel are answered during the hook (${received:-0}/15)" \
    test "${received:-0}" -ge 14
check "their worst round trip stays far below the hook's ${HOOK_SECONDS} s (${max_ms:-none} ms < 1000)" \
    awk -v m="${max_ms:-99999}" 'BEGIN { exit !(m < 1000) }'
check_t0=$(e2e_ms)
check "pppssh check: the LCP echo is answered during the hook" \
    sh -c "timeout 5 ip netns exec $NS_CLI $PPPSSH check $E2E_NAME | grep -q '^alive'"
check_ms=$(( $(e2e_ms) - check_t0 ))
check "... at once, not after the hook ($check_ms ms < 1000)" test "$check_ms" -lt 1000
check "the hook was still running all along (the pings overlapped it)" \
    test ! -e "$E2E_TMP/hook.done"

check "pppssh up returns 0 once the hook is done" \
    e2e_wait_exists "$E2E_TMP/up.rc" $((HOOK_SECONDS + 20))
check "... with status 0" test "$(cat "$E2E_TMP/up.rc" 2>/dev/null)" = 0
up_ms=$(( $(e2e_ms) - t0 ))
check "... not before the hook ended" test -e "$E2E_TMP/hook.done"
echo "up returned after $up_ms ms; the hook started $((hook_t0 - t0)) ms in"
check "pppssh down" e2e_down_tunnel
[ "$E2E_FAILED" = 0 ] || { cat "$E2E_TMP/ping.out"; cat "$E2E_TMP/up.out"; e2e_serve_log | tail -n 20; }
e2e_summary
