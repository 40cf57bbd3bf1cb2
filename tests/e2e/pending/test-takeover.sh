#!/bin/sh
# test-takeover.sh - issue 4: a new session of a user takes over from a
# stale one.  The first client's tunnel is frozen (SIGSTOP of its pppssh
# and ssh: the TCP connection stays established, so the server's
# `pppssh serve` lingers, holding the user's address), and the same user
# connects again from another host on the transport (a laptop that moved).
# The new session must come up at once with the same address, the old
# serve must be ended, and the server must have exactly one interface and
# one route for that user - never two.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
. "$HERE/lib-extra.sh"
. "$HERE/lib-supervise.sh"
s_setup
x_transport_bridge
x_client roam 198.18.0.3
ROAM_NS=$X_LAST_NS
ROAM_CONF=$E2E_TMP/roam.conf
sed "s/^Interface = .*/Interface = roam/" "$S_CONF" >"$ROAM_CONF"
chmod 600 "$ROAM_CONF"

check "first session up" s_up
pid=$(s_find_daemon)
check "one pppssh serve on the server" s_wait_count "$NS_SRV" pppssh 1
old_serve=$(for p in $(ip netns pids "$NS_SRV"); do [ "$(cat /proc/$p/comm 2>/dev/null)" = pppssh ] && echo "$p"; done)
old_if=$(s_ifindex "$NS_SRV" "$S_SRV_IF")
frozen=$(s_tree "$pid" | tr '\n' ' ')
check "the first client frozen (SIGSTOP $frozen)" kill -STOP $frozen
# Whatever happens below, the frozen processes are killed by PID at exit.
E2E_PIDS="$E2E_PIDS $frozen"

t0=$(s_ms)
check "the same user connects from another host" x_up "$ROAM_NS" "$ROAM_CONF"
took=$(( $(s_ms) - t0 ))
echo "    (up in $took ms; the old session, left alone, would linger)"
check "... at once, without waiting for the old session to time out (< 10 s)" \
    test "$X_RC" = 0 -a "$took" -lt 10000
check "same address for the same user ($S_CLI_TUN)" \
    test "$(x_tun_addr "$ROAM_NS" roam 2>/dev/null)" = "$S_CLI_TUN"
check "the old pppssh serve ($old_serve) has ended" x_wait_dead "$old_serve" 5
check "exactly one pppssh serve on the server" s_wait_count "$NS_SRV" pppssh 1
check "exactly one tunnel interface on the server" \
    test "$(s_count_links "$NS_SRV" '^(ppps|pppssh)')" = 1
check "exactly one route to $S_CLI_TUN on the server" \
    test "$(s_count_routes "$NS_SRV" "$S_CLI_TUN ")" = 1
check "that route goes through the new session's interface (not ifindex $old_if)" \
    sh -c "[ \"\$(ip -n $NS_SRV -o link show | grep -E ': (ppps|pppssh)' | cut -d: -f1)\" != '$old_if' ]"
check "a ping crosses from the new host" x_ping "$ROAM_NS" "$LAN_HOST_IP"
check "pppssh down (new session)" x_down "$ROAM_NS" "$ROAM_CONF"
check "the server's interface is gone" wait_gone in_srv ip link show "$S_SRV_IF"
kill -KILL $frozen 2>/dev/null
[ "$E2E_FAILED" = 0 ] || x_serve_log | tail -n 30
e2e_summary
