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
. "$HERE/lib-extra.sh"
. "$HERE/lib-supervise.sh"
s_setup

MB=200
TOTAL=$((MB << 20))
RX=$E2E_TMP/rx

check "pppssh up" s_up_fg
check_not "without -d, no debug lines" grep -Eq 'LCP: .* -> Opened' "$E2E_TMP/fg.log"
check "reconnect count starts at 0" test "$(s_reconnects)" = 0
ifindex=$(s_ifindex "$NS_CLI" "$S_NAME")
check "receiver listens on $S_CLI_TUN:5001" s_receiver 5001 "$RX"
t_start=$(s_ms)
# At most 12 MB/s: the three faults must hit the middle of the transfer
# even on a fast machine.
s_sender "$NS_LAN" "$S_CLI_TUN" 5001 $MB 12 "$E2E_TMP/tx"

check "10% transferred" s_wait_progress "$RX" $((TOTAL / 10)) 60
t0=$(s_ms)
check "fault 1: the SSH TCP connection is destroyed (ss -K)" s_kill_tcp
check "fault 1: reconnected by itself" s_wait_reconnects 1 30
echo "    (back up after $(( $(s_ms) - t0 )) ms, $(s_progress "$RX") bytes so far)"
check "fault 1: same interface (ifindex $ifindex)" test "$(s_ifindex "$NS_CLI" "$S_NAME")" = "$ifindex"

check "30% transferred" s_wait_progress "$RX" $((TOTAL * 3 / 10)) 90
t0=$(s_ms)
check "fault 2: the SSH TCP connection is destroyed (ss -K)" s_kill_tcp
check "fault 2: reconnected by itself" s_wait_reconnects 2 30
echo "    (back up after $(( $(s_ms) - t0 )) ms, $(s_progress "$RX") bytes so far)"

check "50% transferred" s_wait_progress "$RX" $((TOTAL / 2)) 90
before=$(s_progress "$RX")
check "fault 3: transport path blackholed (both ways)" s_blackhole
sleep 5
check "fault 3: path healed after 5 s" s_heal
t0=$(s_ms)
check "fault 3: reconnected by itself" s_wait_reconnects 3 30
echo "    (back up $(( $(s_ms) - t0 )) ms after healing, $(s_progress "$RX") bytes so far, $before before the blackhole)"

check "the transfer ends (within 240 s)" s_wait_child "$S_TX_PID" 240
s_wait_child "$S_RX_PID" 10
t_all=$(( $(s_ms) - t_start ))
echo "    (200 MB in $t_all ms, three faults included)"
sent=$(cat "$E2E_TMP/tx" 2>/dev/null)
got=$(cat "$RX" 2>/dev/null)
check "all $TOTAL bytes arrived (sent: ${sent%% *}, received: ${got%% *})" \
    test "${got%% *}" = "$TOTAL"
check "sha256 is the same at both ends (${got#* })" test -n "$sent" -a "$sent" = "$got"
s_status
check "status: state up" test "$(s_field state)" = up
check "status: exactly 3 reconnects ($(s_reconnects))" test "$(s_reconnects)" = 3
check "the client's interface was never replaced (ifindex $ifindex)" \
    test "$(s_ifindex "$NS_CLI" "$S_NAME")" = "$ifindex"
check "one interface and one copy of each route on both ends" s_one_of_each
check "one pppssh serve on the server (the stale ones have ended)" \
    s_wait_count "$NS_SRV" pppssh 1
check "a ping still crosses" x_ping "$NS_CLI" "$LAN_HOST_IP"
sed 's/^/    status| /' "$E2E_TMP/status"

check "pppssh down" s_down
check "the client's interface is gone" wait_gone in_cli ip link show "$S_NAME"
check "the server's interface is gone" wait_gone in_srv ip link show "$S_SRV_IF"
check "the foreground pppssh has exited" s_wait_child "$S_FG_PID" 10
[ "$E2E_FAILED" = 0 ] || { sed 's/^/    log| /' "$E2E_TMP/fg.log" | tail -n 60; x_serve_log | tail -n 30; }
e2e_summary
