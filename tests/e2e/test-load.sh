#!/bin/sh
# test-load.sh - issue 4: dead-peer detection that holds under load.
# KeepaliveInterval=1, KeepaliveFailures=3.  60 s of saturating traffic
# (iperf3, client -> head-office LAN host, through the tunnel): not one
# "link down" (status polled every second says up, no reconnect counted,
# the log has no link-down line).  Then the path to the SSH server is
# blackholed: the link must be declared down within
# KeepaliveInterval x KeepaliveFailures + 1 s = 4 s (measured from the
# blackhole to the status change or log line, in 100 ms steps), and, once
# the path heals, be up again within 5 s.  The blackhole is both ways (see
# e2e_blackhole).  The measured times are printed.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup

SECONDS_OF_LOAD=${LOAD_SECONDS:-60}
DETECT_MS=$(( (E2E_KA_INTERVAL * E2E_KA_FAILURES + 1) * 1000 ))
# What the supervisor logs when it declares the link dead or lost.
DOWN_RE='link down|link is down|peer dead|dead peer|not answering|unanswered|no echo repl'

check "pppssh up" e2e_up_tunnel_fg

in_lan iperf3 -s -1 -B "$LAN_HOST_IP" >"$E2E_TMP/iperf3-s.log" 2>&1 &
E2E_PIDS="$E2E_PIDS $!"
check "iperf3 server listens" e2e_wait_listen "$NS_LAN" tcp 5201
in_cli iperf3 -c "$LAN_HOST_IP" -t "$SECONDS_OF_LOAD" -f m >"$E2E_TMP/iperf3.log" 2>&1 &
IPERF=$!
E2E_PIDS="$E2E_PIDS $IPERF"

# Poll once a second while the load runs: any moment not "up" is a false
# link down.
not_up=0 polls=0
i=0
while kill -0 "$IPERF" 2>/dev/null && [ $i -lt $((SECONDS_OF_LOAD + 30)) ]; do
    st=$(e2e_state)
    polls=$((polls + 1))
    [ "$st" = up ] || { not_up=$((not_up + 1)); echo "    at ${i}s: state $st"; }
    sleep 1
    i=$((i + 1))
done
wait "$IPERF"
iperf_rc=$?
rate=$(sed -n 's/.* \([0-9.]* Mbits\/sec\).*receiver.*/\1/p' "$E2E_TMP/iperf3.log" | tail -n1)
check "iperf3 ran ${SECONDS_OF_LOAD} s through the tunnel (receiver: $rate)" \
    sh -c "[ $iperf_rc = 0 ] && grep -q receiver '$E2E_TMP/iperf3.log'"
check "status said up at every one of $polls polls under load" test "$not_up" = 0
check "no reconnect under load ($(e2e_reconnects))" test "$(e2e_reconnects)" = 0
check_not "no link-down line in the log under load" grep -Eiq "$DOWN_RE" "$E2E_TMP/fg.log"
e2e_status
check "LCP echoes were answered under load (echo-rtt: $(e2e_field echo-rtt))" \
    grep -Eq '^echo-rtt: [0-9]' "$E2E_TMP/status"
# Both ends are pppssh: TCP crosses as segmentation-offloaded packets of
# many segments each, so the packets sent average far above the MTU of the
# LAN the iperf3 server sits on (1500).
sent=$(e2e_field sent)
bytes=${sent%% bytes*} packets=$(echo "$sent" | sed -n 's/.*, \([0-9]*\) packets/\1/p')
check "offloads are on ($(e2e_field offload))" grep -q '^offload: on, ' "$E2E_TMP/status"
check "TCP crossed in packets of several segments ($bytes bytes in $packets packets)" \
    test "$bytes" -gt $((4500 * ${packets:-1}))

# Blackhole: how long until the link is declared down?
lines=$(wc -l <"$E2E_TMP/fg.log")
down_seen() {
    e2e_status  # one request per 100 ms step: state and count from the same answer
    [ "$(e2e_field state)" != up ] && return 0
    [ "$(e2e_field reconnects)" != 0 ] && return 0
    tail -n +"$((lines + 1))" "$E2E_TMP/fg.log" | grep -Eiq "$DOWN_RE"
}
check "transport path blackholed (both ways)" e2e_blackhole
t0=$(e2e_ms)
i=0
while ! down_seen && [ $i -lt 150 ]; do
    sleep 0.1
    i=$((i + 1))
done
detect=$(( $(e2e_ms) - t0 ))
echo "    link down detected after $detect ms (state: $(e2e_field state))"
check "link down detected within $DETECT_MS ms ($detect ms)" test "$detect" -le "$DETECT_MS"
tail -n +"$((lines + 1))" "$E2E_TMP/fg.log" | grep -Ei "$DOWN_RE" | head -n 3 | sed 's/^/    log| /'

sleep 1
check "path healed" e2e_heal
t0=$(e2e_ms)
e2e_wait_reconnects 1 15 >"$E2E_TMP/wait.out"
recover=$(( $(e2e_ms) - t0 ))
echo "    link up again $recover ms after the path healed"
check "link back within 5000 ms of healing ($recover ms)" test "$recover" -le 5000
check "one interface and one copy of each route on both ends" e2e_one_of_each
e2e_status
check "offloads are on again in the new session ($(e2e_field offload))" \
    grep -q '^offload: on, ' "$E2E_TMP/status"
check "a ping crosses" e2e_ping "$NS_CLI" "$LAN_HOST_IP"

check "pppssh down" e2e_down_tunnel
check "the foreground pppssh has exited" e2e_wait_child "$E2E_FG_PID" 10
check "the client's interface is gone" wait_gone in_cli ip link show "$E2E_NAME"
[ "$E2E_FAILED" = 0 ] || { sed 's/^/    log| /' "$E2E_TMP/fg.log" | tail -n 40; cat "$E2E_TMP/wait.out"; e2e_serve_log | tail -n 20; }
e2e_summary
