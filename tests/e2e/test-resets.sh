#!/bin/sh
# test-resets.sh - issue 4: 10 forced `pppssh reset NAME` in a row, each
# waited for until status says up again, leak nothing: the same processes
# (the daemon's tree on the client: pppssh + one ssh; on the server: sshd
# + one session + one pppssh serve), interfaces, routes and open fds of the
# daemon before and after, and the reconnect count says 10.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup

RESETS=10

# census: what the tunnel owns right now, PIDs left out (the ssh child
# and the server's session are new after each reset).
census() {
    {
        echo "client tree: $(e2e_tree "$pid" | while read -r p; do cat "/proc/$p/comm" 2>/dev/null; done | sort | tr '\n' ' ')"
        echo "client processes: $(ip netns pids "$NS_CLI" | wc -l)"
        echo "server pppssh: $(e2e_count_comm "$NS_SRV" pppssh), sshd: $(e2e_count_comm "$NS_SRV" sshd)"
        echo "server processes: $(ip netns pids "$NS_SRV" | wc -l)"
        echo "daemon fds: $(e2e_nfds "$pid")"
        ip -n "$NS_CLI" -o link show | awk '{print "client link", $2}' | sed 's/@.*//'
        ip -n "$NS_SRV" -o link show | awk '{print "server link", $2}' | sed 's/@.*//'
        ip -n "$NS_CLI" -4 route show table all | sed 's/^/client route /'
        ip -n "$NS_SRV" -4 route show table all | sed 's/^/server route /'
        ip -n "$NS_CLI" -4 addr show | grep inet | sed 's/^/client /'
    }
}

check "pppssh up" e2e_up_tunnel
pid=$(e2e_find_daemon)
check "found the daemon ($pid)" test -n "$pid"
check "status says up" e2e_wait_state up 5
ifindex=$(e2e_ifindex "$NS_CLI" "$E2E_NAME")
# One reset first, so that whatever is created once per process (a
# resolver, a cached socket) is counted in the baseline.
check "a first reset" timeout 10 ip netns exec "$NS_CLI" "$PPPSSH" reset "$E2E_NAME"
check "up again after the first reset" e2e_wait_reconnects 1 30
e2e_wait_count "$NS_SRV" pppssh "$E2E_SERVE_PROCS" >/dev/null
census >"$E2E_TMP/before.census"
sed 's/^/    before| /' "$E2E_TMP/before.census" | grep -v route

n=0 worst=0 total=0
while [ $n -lt $RESETS ]; do
    n=$((n + 1))
    t0=$(e2e_ms)
    if ! timeout 10 ip netns exec "$NS_CLI" "$PPPSSH" reset "$E2E_NAME" >"$E2E_TMP/reset.out" 2>&1; then
        fail "reset $n: exit status $? ($(cat "$E2E_TMP/reset.out"))"
        break
    fi
    if ! e2e_wait_reconnects $((n + 1)) 30 >"$E2E_TMP/wait.out"; then
        fail "reset $n: up again"
        cat "$E2E_TMP/wait.out"
        break
    fi
    ms=$(( $(e2e_ms) - t0 ))
    total=$((total + ms))
    [ $ms -gt $worst ] && worst=$ms
done
[ $n = $RESETS ] && [ "$E2E_FAILED" = 0 ] &&
    pass "$RESETS resets in a row, each back up (mean $((total / RESETS)) ms, worst $worst ms)"

check "status counts $((RESETS + 1)) reconnects" test "$(e2e_reconnects)" = $((RESETS + 1))
check "the same daemon runs ($pid)" test "$(e2e_find_daemon)" = "$pid"
check "the interface was kept (ifindex $ifindex)" test "$(e2e_ifindex "$NS_CLI" "$E2E_NAME")" = "$ifindex"
check "no leaked process, interface, route, address or fd" e2e_settles "$E2E_TMP/before.census" census
check "one interface and one copy of each route on both ends" e2e_one_of_each
check "a ping crosses" e2e_ping "$NS_CLI" "$LAN_HOST_IP"

check "pppssh down" e2e_down_tunnel
check "the daemon has exited" e2e_wait_dead "$pid" 10
check "the client's interface is gone" wait_gone in_cli ip link show "$E2E_NAME"
check "no pppssh serve left on the server" e2e_wait_count "$NS_SRV" pppssh 0
[ "$E2E_FAILED" = 0 ] || e2e_serve_log | tail -n 30
e2e_summary
