#!/bin/sh
# test-reconnect.sh - issue 4: a tunnelled TCP transfer survives the
# transport dying under it.  200 MB go from the head-office LAN host to the
# client through the tunnel while the client's SSH TCP connection is
# destroyed twice (SOCK_DESTROY, as `ss -K` does: ssh gets "connection
# aborted", sshd an RST) and the path to the SSH server is blackholed for
# 5 s once.  The supervisor reconnects by itself each time while the TUN
# interface and its routes stay, so the TCP connection only sees loss and
# retransmits: both ends' sha256 agree, status counts the reconnects, and
# afterwards there is exactly one interface and one copy of each route on
# both ends.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup

MB=200
TOTAL=$((MB << 20))
RX=$E2E_TMP/rx

check "pppssh up" e2e_up_tunnel_fg
check_not "without -d, no debug lines" grep -Eq 'LCP: .* -> Opened' "$E2E_TMP/fg.log"
check "reconnect count starts at 0" test "$(e2e_reconnects)" = 0
ifindex=$(e2e_ifindex "$NS_CLI" "$E2E_NAME")
check "receiver listens on $E2E_CLI_TUN:5001" e2e_receiver 5001 "$RX"
t_start=$(e2e_ms)
# At most 12 MB/s: the three faults must hit the middle of the transfer
# even on a fast machine.
e2e_sender "$NS_LAN" "$E2E_CLI_TUN" 5001 $MB 12 "$E2E_TMP/tx"

check "10% transferred" e2e_wait_progress "$RX" $((TOTAL / 10)) 60
t0=$(e2e_ms)
check "fault 1: the SSH TCP connection is destroyed (ss -K)" e2e_kill_tcp
check "fault 1: reconnected by itself" e2e_wait_reconnects 1 30
echo "    (back up after $(( $(e2e_ms) - t0 )) ms, $(e2e_progress "$RX") bytes so far)"
check "fault 1: same interface (ifindex $ifindex)" test "$(e2e_ifindex "$NS_CLI" "$E2E_NAME")" = "$ifindex"

check "30% transferred" e2e_wait_progress "$RX" $((TOTAL * 3 / 10)) 90
t0=$(e2e_ms)
check "fault 2: the SSH TCP connection is destroyed (ss -K)" e2e_kill_tcp
check "fault 2: reconnected by itself" e2e_wait_reconnects 2 30
echo "    (back up after $(( $(e2e_ms) - t0 )) ms, $(e2e_progress "$RX") bytes so far)"

check "50% transferred" e2e_wait_progress "$RX" $((TOTAL / 2)) 90
before=$(e2e_progress "$RX")
check "fault 3: transport path blackholed (both ways)" e2e_blackhole
sleep 5
check "fault 3: path healed after 5 s" e2e_heal
t0=$(e2e_ms)
check "fault 3: reconnected by itself" e2e_wait_reconnects 3 30
echo "    (back up $(( $(e2e_ms) - t0 )) ms after healing, $(e2e_progress "$RX") bytes so far, $before before the blackhole)"

check "the transfer ends (within 240 s)" e2e_wait_child "$E2E_TX_PID" 240
e2e_wait_child "$E2E_RX_PID" 10
t_all=$(( $(e2e_ms) - t_start ))
echo "    (200 MB in $t_all ms, three faults included)"
sent=$(cat "$E2E_TMP/tx" 2>/dev/null)
got=$(cat "$RX" 2>/dev/null)
check "all $TOTAL bytes arrived (sent: ${sent%% *}, received: ${got%% *})" \
    test "${got%% *}" = "$TOTAL"
check "sha256 is the same at both ends (${got#* })" test -n "$sent" -a "$sent" = "$got"
e2e_status
check "status: state up" test "$(e2e_field state)" = up
check "status: exactly 3 reconnects ($(e2e_reconnects))" test "$(e2e_reconnects)" = 3
check "the client's interface was never replaced (ifindex $ifindex)" \
    test "$(e2e_ifindex "$NS_CLI" "$E2E_NAME")" = "$ifindex"
check "one interface and one copy of each route on both ends" e2e_one_of_each
check "one pppssh serve on the server (the stale ones have ended)" \
    e2e_wait_count "$NS_SRV" pppssh "$E2E_SERVE_PROCS"
check "a ping still crosses" e2e_ping "$NS_CLI" "$LAN_HOST_IP"
sed 's/^/    status| /' "$E2E_TMP/status"

check "pppssh down" e2e_down_tunnel
check "the client's interface is gone" wait_gone in_cli ip link show "$E2E_NAME"
check "the server's interface is gone" wait_gone in_srv ip link show "$E2E_SRV_IF"
check "the foreground pppssh has exited" e2e_wait_child "$E2E_FG_PID" 10
[ "$E2E_FAILED" = 0 ] || { sed 's/^/    log| /' "$E2E_TMP/fg.log" | tail -n 60; e2e_serve_log | tail -n 30; }
e2e_summary
