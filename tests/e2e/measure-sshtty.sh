#!/bin/sh
# measure-sshtty.sh - SSHTTY=no (ssh -T) against SSHTTY=yes (ssh -tt): the
# time of the first request/response of a new TCP connection through the
# tunnel (connect, send 64 bytes, read the 64-byte answer), 100 connections
# each, from the client to an echo server on the LAN behind the server.
# With -T OpenSSH leaves Nagle on for the session's TCP connection; with
# -tt it sets TCP_NODELAY.  Prints the median and mean per mode.
# Results are in pppssh.8, SSH TTY.
. "$(dirname "$0")/lib.sh"
e2e_setup

e2e_server_conf 198.18.255.100-198.18.255.120
e2e_serve_args

cat >"$E2E_TMP/echo.py" <<'PY'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7007)); s.listen(16); s.settimeout(120)
while True:
    c, _ = s.accept()
    data = c.recv(64)
    c.sendall(data)
    c.close()
PY
cat >"$E2E_TMP/rr.py" <<'PY'
import socket, statistics, sys, time
times = []
for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 100):
    t0 = time.monotonic()
    c = socket.create_connection((sys.argv[1], 7007), timeout=5)
    c.sendall(b"x" * 64)
    got = b""
    while len(got) < 64:
        got += c.recv(64)
    times.append((time.monotonic() - t0) * 1000)
    c.close()
times.sort()
print("n=%d median %.1f ms, mean %.1f ms, p90 %.1f ms, max %.1f ms, over 30 ms: %d" %
      (len(times), statistics.median(times), statistics.mean(times), times[len(times) * 9 // 10],
       max(times), sum(t > 30 for t in times)))
PY
# DELAY_MS (default 10) on each side of the transport: a WAN-like RTT.
if [ "${DELAY_MS:-10}" -gt 0 ]; then
    if in_cli tc qdisc add dev v-srv root netem delay "${DELAY_MS:-10}ms" 2>/dev/null &&
        in_srv tc qdisc add dev v-cli root netem delay "${DELAY_MS:-10}ms"; then
        echo "transport RTT: $((2 * ${DELAY_MS:-10})) ms (netem)"
    else
        echo "netem is not available: transport RTT is the veth's (~0.05 ms)"
    fi
fi
in_lan python3 "$E2E_TMP/echo.py" &
E2E_PIDS="$E2E_PIDS $!"

for tty in no yes; do
    NAME=m$tty$E2E_ID
    NAME=$(printf '%.12s' "$NAME")
    e2e_conf "$E2E_TMP/$NAME.conf" "SSHTTY = $tty" "Route = 198.19.0.0/24"
    in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf" || { fail "up with SSHTTY=$tty"; continue; }
    echo "SSHTTY=$tty: $(in_cli python3 "$E2E_TMP/rr.py" "$LAN_HOST_IP")"
    # Bulk traffic first, so that the ssh TCP connection leaves quick-ACK mode.
    in_cli ping -q -c 200 -i 0.005 -s 1000 "$LAN_HOST_IP" >/dev/null
    echo "SSHTTY=$tty after traffic: $(in_cli python3 "$E2E_TMP/rr.py" "$LAN_HOST_IP")"
    "$PPPSSH" down "$NAME"
done
