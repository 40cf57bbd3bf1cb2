#!/bin/sh
# test-signals.sh - issue 4: the signals of the VPN HOWTO's vpnd keep their
# meaning and the verbs do what they say.
#   HUP             link reset: reconnect count +1, same interface (ifindex)
#   USR1            a check now: an LCP echo whose RTT is logged and shown
#   INT, TERM       clean stop: interface, routes, socket gone
#   check NAME      an echo now, its RTT reported
#   reset NAME      like HUP
#   down NAME       like TERM, returns once done
# and a second `up` of a running tunnel says so and fails.  (The pidfile
# has its own test, test-pidfile.sh.)
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup

LOG=$E2E_TMP/fg.log
# log_after LINES RE SECONDS: up to SECONDS for a log line matching RE
# (grep -Ei) after the first LINES lines.
log_after() {
    i=0
    while [ $i -lt $(($3 * 10)) ]; do
        tail -n +"$(($1 + 1))" "$LOG" | grep -Eiq "$2" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    echo "no /$2/ in the log after line $1:"
    tail -n +"$(($1 + 1))" "$LOG"
    return 1
}

# --- in the foreground (-f), where the log is ours to read ---
check "pppssh up -f -d" e2e_up_tunnel_fg -d
check "-d: the automaton's transitions are logged" grep -Eq 'LCP: .* -> Opened' "$E2E_TMP/fg.log"
ifindex=$(e2e_ifindex "$NS_CLI" "$E2E_NAME")

check "HUP" kill -HUP "$E2E_FG_PID"
check "HUP: the link was reset and is up again (reconnects: 1)" e2e_wait_reconnects 1 20
check "HUP: same interface (ifindex $ifindex)" test "$(e2e_ifindex "$NS_CLI" "$E2E_NAME")" = "$ifindex"
check "HUP: the same process runs" kill -0 "$E2E_FG_PID"

lines=$(wc -l <"$LOG")
check "USR1" kill -USR1 "$E2E_FG_PID"
check "USR1: the check is logged with the echo RTT" log_after "$lines" 'echo.*[0-9.]+ ?ms' 5
tail -n +"$((lines + 1))" "$LOG" | grep -Ei 'echo.*[0-9.]+ ?ms' | head -n 2 | sed 's/^/    log| /'
e2e_status
check "USR1: status shows the echo RTT ($(e2e_field echo-rtt))" grep -Eq '^echo-rtt: [0-9]' "$E2E_TMP/status"
check "USR1: no reset (reconnects still 1)" test "$(e2e_reconnects)" = 1

lines=$(wc -l <"$LOG")
in_cli timeout 10 "$PPPSSH" check "$E2E_NAME" >"$E2E_TMP/check-verb.out" 2>&1
rc=$?
sed 's/^/    check| /' "$E2E_TMP/check-verb.out"
check "check NAME: exit 0" test "$rc" = 0
check "check NAME: reports the echo RTT" grep -Eiq '[0-9.]+ ?ms' "$E2E_TMP/check-verb.out"
check "check NAME: no reset (reconnects still 1)" test "$(e2e_reconnects)" = 1

check "reset NAME" in_cli timeout 10 "$PPPSSH" reset "$E2E_NAME"
check "reset NAME: the link was reset and is up again (reconnects: 2)" e2e_wait_reconnects 2 20
check "reset NAME: same interface (ifindex $ifindex)" test "$(e2e_ifindex "$NS_CLI" "$E2E_NAME")" = "$ifindex"
check "a ping crosses" e2e_ping "$NS_CLI" "$LAN_HOST_IP"

check "INT" kill -INT "$E2E_FG_PID"
E2E_CHILD_RC=""
check "INT: pppssh -f exits" e2e_wait_child "$E2E_FG_PID" 10
check "INT: exit status 5 (stopped on request), got $E2E_CHILD_RC" test "$E2E_CHILD_RC" = 5
check "INT: the client's interface is gone" wait_gone in_cli ip link show "$E2E_NAME"
check "INT: the server's interface is gone" wait_gone in_srv ip link show "$E2E_SRV_IF"

# --- as a daemon ---
check "pppssh up (daemon)" e2e_up_tunnel
pid=$(e2e_find_daemon)
check "the daemon runs ($pid)" test -n "$pid"
in_cli timeout 20 "$PPPSSH" up -c "$E2E_CONF" >"$E2E_TMP/second.out" 2>&1
rc=$?
check "a second up fails (exit $rc) saying the tunnel runs ($(cat "$E2E_TMP/second.out"))" \
    sh -c "[ $rc != 0 ] && grep -qi 'already running' '$E2E_TMP/second.out'"
check "... and leaves the first one alone" e2e_wait_state up 2
check "TERM" kill -TERM "$pid"
check "TERM: the daemon exits" e2e_wait_dead "$pid" 10
check "TERM: the client's interface is gone" wait_gone in_cli ip link show "$E2E_NAME"
check "TERM: the client's LAN route is gone" test "$(e2e_count_routes "$NS_CLI" 198.19.0.0/24)" = 0
check "TERM: the control socket is gone" test ! -e "$PPPSSH_RUN_DIR/$E2E_NAME.sock"
check "TERM: the server's interface is gone" wait_gone in_srv ip link show "$E2E_SRV_IF"
check "TERM: no pppssh serve left on the server" e2e_wait_count "$NS_SRV" pppssh 0

check "pppssh up (daemon) again" e2e_up_tunnel
pid=$(e2e_find_daemon)
check "down NAME" e2e_down_tunnel
# At once, no wait: down returns once done, the name free for the next up.
check "down NAME: the control socket and the pid file are gone when it returns" \
    test ! -e "$PPPSSH_RUN_DIR/$E2E_NAME.sock" -a ! -e "$(e2e_pidfile)"
check "down NAME: the daemon exits" e2e_wait_dead "$pid" 5
check "down NAME: the client's interface is gone" sh -c "! ip -n $NS_CLI link show $E2E_NAME 2>/dev/null"
check "down NAME: the client's LAN route is gone" test "$(e2e_count_routes "$NS_CLI" 198.19.0.0/24)" = 0
check "down NAME: status says none is running (exit 1)" sh -c "! ip netns exec $NS_CLI '$PPPSSH' status $E2E_NAME"
check "down NAME: the server's interface is gone" wait_gone in_srv ip link show "$E2E_SRV_IF"
[ "$E2E_FAILED" = 0 ] || { sed 's/^/    log| /' "$LOG" | tail -n 40; e2e_serve_log | tail -n 20; }
e2e_summary
