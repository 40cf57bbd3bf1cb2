#!/bin/sh
# test-outage-queue.sh - issue 4: while the transport is down, packets
# sent into the tunnel are held within a small bound, then dropped and
# counted - never unbounded memory.  The transport path is blackholed;
# once the supervisor has noticed, a UDP flood goes into the tunnel from
# the client for 6 s.  pppssh keeps reading the TUN meanwhile: its VmRSS
# (sampled every 0.1 s) stays within a bound of what it was before, the
# queue holds at most OUTAGE_QUEUE_MAX (256 KiB) and `status` counts the
# packets queued and dropped while down; after the path heals the link
# comes back, the queue drains and a ping crosses.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup

BOUND=262144          # OUTAGE_QUEUE_MAX (src/session/outage.h)
RSS_GROWTH_KB=768     # the bound, plus slack (the whole 1 MiB arena would not fit)
FLOOD_S=6

# rss_kb PID: VmRSS of PID in kB.
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null; }
# first_number TEXT: the first decimal number in TEXT (empty if none).
first_number() { echo "$1" | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p'; }

check "pppssh up" e2e_up_tunnel_fg
check "a ping crosses before the outage" e2e_ping "$NS_CLI" "$LAN_HOST_IP"
e2e_status
pid=$(e2e_field pid)
rss0=$(rss_kb "$pid")
echo "    (VmRSS before: $rss0 kB)"

check "transport path blackholed (both ways)" e2e_blackhole
t0=$(e2e_ms)
s_i=0
while [ "$(e2e_state)" = up ] && [ $s_i -lt 100 ]; do sleep 0.1; s_i=$((s_i + 1)); done
check "link down noticed ($(e2e_field state), $(( $(e2e_ms) - t0 )) ms)" test "$(e2e_field state)" != up

# A UDP flood into the tunnel (to the LAN behind the server) at full
# speed; a full TUN queue (ENOBUFS) only slows it down.
ip netns exec "$NS_CLI" /usr/bin/python3 - "$LAN_HOST_IP" "$FLOOD_S" "$E2E_TMP/flood" <<'PY' &
import errno, socket, sys, time
dest, secs, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
payload, sent, end, port = b"x" * 1200, 0, time.monotonic() + secs, 0
while time.monotonic() < end:
    port = port % 200 + 1  # 200 flows
    try:
        s.sendto(payload, (dest, 10000 + port)); sent += 1
    except OSError as e:
        if e.errno not in (errno.ENOBUFS, errno.EAGAIN):
            raise
        time.sleep(0.0005)
open(out, "w").write(f"{sent}\n")
PY
flood=$!
E2E_PIDS="$E2E_PIDS $flood"
rss_max=$rss0
s_i=0
while [ ! -e "$E2E_TMP/flood" ] && [ $s_i -lt $((FLOOD_S * 10 + 50)) ]; do
    r=$(rss_kb "$pid")
    [ -n "$r" ] && [ "$r" -gt "$rss_max" ] && rss_max=$r
    sleep 0.1
    s_i=$((s_i + 1))
done
check "the flood ends" e2e_wait_child "$flood" 10
sent=$(cat "$E2E_TMP/flood" 2>/dev/null)
e2e_status
queued=$(first_number "$(e2e_field queued-while-down)")
dropped=$(first_number "$(e2e_field dropped-while-down)")
qbytes=$(e2e_field queue | sed -n 's/^[0-9]* packets, \([0-9]*\) bytes.*/\1/p')
echo "    (flood: ${sent:-?} packets of 1228 bytes; queued while down: $queued, dropped while down: $dropped, queue now $qbytes bytes)"
echo "    (VmRSS: $rss0 kB before, at most $rss_max kB during the flood, growth $((rss_max - rss0)) kB)"
check "still down during the flood ($(e2e_field state))" test "$(e2e_field state)" != up
check "the flood was big (${sent:-0} packets, over 4 x the bound)" \
    test "${sent:-0}" -gt $((4 * BOUND / 1228))
check "status counts packets queued while down ($queued)" test "${queued:-0}" -gt 0
check "status counts packets dropped while down ($dropped)" test "${dropped:-0}" -gt 0
check "the queue holds at most the bound ($qbytes <= $BOUND bytes)" test "${qbytes:-999999999}" -le $BOUND
check "every packet read was queued or dropped, not more than were sent" \
    test $((queued + dropped)) -le "${sent:-0}"
check "VmRSS measured ($rss0 kB, $rss_max kB)" test -n "$rss0" -a -n "$rss_max"
check "VmRSS grew less than $RSS_GROWTH_KB kB ($((rss_max - rss0)) kB)" \
    test $((rss_max - rss0)) -lt $RSS_GROWTH_KB

check "path healed" e2e_heal
t0=$(e2e_ms)
check "reconnected by itself" e2e_wait_reconnects 1 30
echo "    (back up $(( $(e2e_ms) - t0 )) ms after healing)"
s_i=0
while e2e_status && [ "$(e2e_field queue | cut -d' ' -f1)" != 0 ] && [ $s_i -lt 50 ]; do
    sleep 0.1; s_i=$((s_i + 1))
done
check "the queue drained ($(e2e_field queue))" test "$(e2e_field queue | cut -d' ' -f1)" = 0
sent_ip=$(e2e_field sent | cut -d' ' -f3)
check "the queued packets went into the link, not dropped (sent: $(e2e_field sent); dropped: $(e2e_field dropped))" \
    test "${sent_ip:-0}" -ge "${queued:-1}"
check "a ping crosses after the outage" e2e_ping "$NS_CLI" "$LAN_HOST_IP"
check "one interface and one copy of each route on both ends" e2e_one_of_each
sed 's/^/    status| /' "$E2E_TMP/status"

check "pppssh down" e2e_down_tunnel
check "the foreground pppssh has exited" e2e_wait_child "$E2E_FG_PID" 10
[ "$E2E_FAILED" = 0 ] || { sed 's/^/    log| /' "$E2E_TMP/fg.log" | tail -n 40; }
e2e_summary
