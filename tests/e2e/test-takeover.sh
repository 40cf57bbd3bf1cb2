#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-takeover.sh - a new session of a user takes over from its stale one.
# A client's host "dies" (its pppssh and ssh frozen with SIGSTOP: the TCP
# connection stays open, so the old `pppssh serve` lingers with its stdin
# open and its peer silent); the same user connects again from another
# host.  The new session ends the old one and gets the same address back,
# and the server ends up with exactly one interface for the user and one
# copy of each route.  Done for a static address (alice, with a routed
# office network) and for a pool address (bob); and once more for alice
# with the old `pppssh serve` itself frozen too, so that it ignores the
# SIGTERMs and is SIGKILLed after 5 s (its TUN, and with it its routes,
# must still be gone).
#   PPPSSH=/abs/path/pppssh tests/e2e/test-takeover.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..
. "$HERE/lib.sh"
e2e_bed_setup
e2e_transport_bridge
NS_OLD=$NS_CLI
e2e_client again 198.18.0.12
NS_NEW=$E2E_LAST_NS
A_IP=198.18.255.2

e2e_server_conf 198.18.255.100-198.18.255.110 \
    "[User alice]" "Address = $A_IP" "Route = 198.19.1.0/24" \
    "[User bob]"
e2e_user alice
e2e_user bob

# serve_pid USER: the pid recorded in USER's held lease.
serve_pid() {
    for f in "$E2E_TMP"/srv-run/leases/*; do
        [ "$(head -n1 "$f")" = "$1" ] || continue
        flock -n "$f" true 2>/dev/null && continue # not held
        sed -n '2s/ .*//p' "$f"
        return
    done
}
count_links() { ip -n "$NS_SRV" -o link show | grep -c "$1"; }
count_routes() { ip -n "$NS_SRV" -4 route show "$1" | grep -c .; }

# takeover USER IFACE EXTRA_ROUTE|- [freeze-serve]
takeover() {
    u=$1 ifc=$2 route=$3 freeze=$4
    [ "$route" = - ] && route=""
    e2e_conf_user "$E2E_TMP/${u}old.conf" "$u" "Interface = e2eo"
    e2e_conf_user "$E2E_TMP/${u}new.conf" "$u" "Interface = e2en"
    check "$u: first session up" e2e_up "$NS_OLD" "$E2E_TMP/${u}old.conf"
    first=$(e2e_tun_addr "$NS_OLD" e2eo)
    old=$(serve_pid "$u")
    echo "    $u: first session has $first, its pppssh serve is pid $old"
    check "$u: old serve pid known" test -n "$old"

    # The client host dies: nothing answers, nothing closes.
    stopped=$(ip netns pids "$NS_OLD")
    for p in $stopped; do kill -STOP "$p"; done
    [ -n "$freeze" ] && kill -STOP "$old"

    check "$u: second session up from another host" e2e_up "$NS_NEW" "$E2E_TMP/${u}new.conf"
    echo "    (up with takeover took $E2E_UP_MS ms)"
    second=$(e2e_tun_addr "$NS_NEW" e2en)
    check "$u: same address again ($first -> $second)" test -n "$second" -a "$first" = "$second"
    check "$u: the old serve (pid $old) has ended" e2e_wait_dead "$old" 10
    check "$u: server has exactly one $ifc" test "$(count_links "$ifc")" = 1
    check "$u: server has no ppps* fallback interface" test "$(count_links ' ppps[0-9]*:')" = 0
    check "$u: one route to $second on the server" test "$(count_routes "$second")" = 1
    [ -n "$route" ] && check "$u: one route to $route on the server" \
        test "$(count_routes "$route")" = 1
    check "$u: the new session pings the server's tunnel end" e2e_ping "$NS_NEW" "$TUN_SRV_IP"
    check "$u: serve logged the takeover" \
        e2e_has_text "$E2E_TMP/serve-$u.log" "replacing the stale session of $u (pid $old"
    if [ -n "$freeze" ]; then
        check "$u: the frozen serve was killed after 5 s" test "$E2E_UP_MS" -ge 5000
        check "$u: serve logged the SIGKILL" \
            e2e_has_text "$E2E_TMP/serve-$u.log" "stale session pid $old did not stop within 5000 ms"
    else
        check "$u: the old session wrote its accounting line" \
            e2e_wait_file_text "$E2E_TMP/serve-$u.log" "remote=$first" 5
    fi

    check "$u: pppssh down of the new session" e2e_down "$NS_NEW" "$E2E_TMP/${u}new.conf"
    check "$u: server has no $ifc left" wait_gone ip -n "$NS_SRV" link show "$ifc"
    # Let the frozen client go (its link is long gone) and end it.
    for p in $stopped; do kill -CONT "$p"; kill "$p" 2>/dev/null; done
    for p in $stopped; do e2e_wait_dead "$p" 15; done
}

takeover alice pppssh-alice 198.19.1.0/24
takeover bob pppssh-bob -
: >"$E2E_TMP/serve-alice.log"
takeover alice pppssh-alice 198.19.1.0/24 freeze-serve
grep -h 'session user=' "$E2E_TMP"/serve-*.log | sed 's/^/    /'
e2e_summary
