#!/bin/sh
# test-resets.sh - issue 4: 10 forced `pppssh reset NAME` in a row, each
# waited for until status says up again, leak nothing: the same processes
# (the daemon's tree on the client: pppssh + one ssh; on the server: sshd
# + one session + one pppssh serve), interfaces, routes and open fds of the
# daemon before and after, and the reconnect count says 10.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
. "$HERE/lib-extra.sh"
. "$HERE/lib-supervise.sh"
s_setup

RESETS=10

# census: what the tunnel owns right now, PIDs left out (the ssh child
# and the server's session are new after each reset).
census() {
    {
        echo "client tree: $(s_tree "$pid" | while read -r p; do cat "/proc/$p/comm" 2>/dev/null; done | sort | tr '\n' ' ')"
        echo "client processes: $(ip netns pids "$NS_CLI" | wc -l)"
        echo "server pppssh: $(s_count_comm "$NS_SRV" pppssh), sshd: $(s_count_comm "$NS_SRV" sshd)"
        echo "server processes: $(ip netns pids "$NS_SRV" | wc -l)"
        echo "daemon fds: $(s_nfds "$pid")"
        ip -n "$NS_CLI" -o link show | awk '{print "client link", $2}' | sed 's/@.*//'
        ip -n "$NS_SRV" -o link show | awk '{print "server link", $2}' | sed 's/@.*//'
        ip -n "$NS_CLI" -4 route show table all | sed 's/^/client route /'
        ip -n "$NS_SRV" -4 route show table all | sed 's/^/server route /'
        ip -n "$NS_CLI" -4 addr show | grep inet | sed 's/^/client /'
    }
}

check "pppssh up" s_up
pid=$(s_find_daemon)
check "found the daemon ($pid)" test -n "$pid"
check "status says up" s_wait_state up 5
ifindex=$(s_ifindex "$NS_CLI" "$S_NAME")
# One reset first, so that whatever is created once per process (a
# resolver, a cached socket) is counted in the baseline.
check "a first reset" timeout 10 ip netns exec "$NS_CLI" "$PPPSSH" reset "$S_NAME"
check "up again after the first reset" s_wait_reconnects 1 30
s_wait_count "$NS_SRV" pppssh 1 >/dev/null
census >"$E2E_TMP/before.census"
sed 's/^/    before| /' "$E2E_TMP/before.census" | grep -v route

n=0 worst=0 total=0
while [ $n -lt $RESETS ]; do
    n=$((n + 1))
    t0=$(s_ms)
    if ! timeout 10 ip netns exec "$NS_CLI" "$PPPSSH" reset "$S_NAME" >"$E2E_TMP/reset.out" 2>&1; then
        fail "reset $n: exit status $? ($(cat "$E2E_TMP/reset.out"))"
        break
    fi
    if ! s_wait_reconnects $((n + 1)) 30 >"$E2E_TMP/wait.out"; then
        fail "reset $n: up again"
        cat "$E2E_TMP/wait.out"
        break
    fi
    ms=$(( $(s_ms) - t0 ))
    total=$((total + ms))
    [ $ms -gt $worst ] && worst=$ms
done
[ $n = $RESETS ] && [ "$E2E_FAILED" = 0 ] &&
    pass "$RESETS resets in a row, each back up (mean $((total / RESETS)) ms, worst $worst ms)"

check "status counts $((RESETS + 1)) reconnects" test "$(s_reconnects)" = $((RESETS + 1))
check "the same daemon runs ($pid)" test "$(s_find_daemon)" = "$pid"
check "the interface was kept (ifindex $ifindex)" test "$(s_ifindex "$NS_CLI" "$S_NAME")" = "$ifindex"
check "no leaked process, interface, route, address or fd" x_settles "$E2E_TMP/before.census" census
check "one interface and one copy of each route on both ends" s_one_of_each
check "a ping crosses" x_ping "$NS_CLI" "$LAN_HOST_IP"

check "pppssh down" s_down
check "the daemon has exited" x_wait_dead "$pid" 10
check "the client's interface is gone" wait_gone in_cli ip link show "$S_NAME"
check "no pppssh serve left on the server" s_wait_count "$NS_SRV" pppssh 0
[ "$E2E_FAILED" = 0 ] || x_serve_log | tail -n 30
e2e_summary
