# lib-supervise.sh - the bed of the supervision tests of issue 4 (source
# lib.sh and lib-extra.sh first, then this, then call s_setup).
#
# One tunnel S_NAME from the client namespace to user "e2e" (static
# address S_CLI_TUN = 198.18.255.2, server interface pppssh-e2e) with short
# keepalive settings, so that a dead path is noticed in seconds, and helpers
# to read `pppssh status`, to wait for a state with bounded polling, to
# break the transport (ss -K, blackhole route), to count what a tunnel owns
# (interfaces, routes, processes, fds) and to move bulk data through it
# with a sha256 at both ends.  Everything started here is killed by PID
# by lib.sh's cleanup (E2E_PIDS, then every PID in the namespaces).

S_NAME=$(printf '%.12s' "s$E2E_ID")
S_CONF=""               # set by s_setup
S_CLI_TUN=198.18.255.2  # the client's tunnel address (static, user e2e)
S_SRV_IF=pppssh-e2e     # the server's interface for user e2e
S_FG_PID=""             # `pppssh up -f` started by s_up_fg
S_KA_INTERVAL=1
S_KA_FAILURES=3

# s_setup [CONFIG LINE...]: lib-extra's bed, user e2e, S_CONF with the
# LAN route, KeepaliveInterval=1, KeepaliveFailures=3, Persist and the
# given lines.
s_setup() {
    x_setup
    e2e_server_conf 198.18.255.100-198.18.255.120 "[User e2e]" "Address = $S_CLI_TUN"
    x_user e2e
    S_CONF=$E2E_TMP/$S_NAME.conf
    x_conf_user "$S_CONF" e2e "Interface = $S_NAME" "Route = 198.19.0.0/24" \
        "KeepaliveInterval = $S_KA_INTERVAL" "KeepaliveFailures = $S_KA_FAILURES" \
        "Persist = yes" "Holdoff = 0" "$@"
}

# s_ms: monotonic-enough wall clock in milliseconds.
s_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# s_status: `pppssh status S_NAME` into $E2E_TMP/status; its exit status.
s_status() {
    timeout 5 ip netns exec "$NS_CLI" "$PPPSSH" status "$S_NAME" >"$E2E_TMP/status" 2>&1
}

# s_field KEY: the value of "KEY: value" in the last status (empty if none).
s_field() {
    sed -n "s/^$1: *//p" "$E2E_TMP/status" | head -n1
}

# s_state: the tunnel's state now ("up", "reconnecting", ...; "none").
s_state() {
    if s_status; then s_field state; else echo none; fi
}

# s_reconnects: the reconnect count `status` shows now (-1 if none shown).
s_reconnects() {
    s_status
    s_n=$(sed -n 's/^reconnect[a-z-]*: *\([0-9][0-9]*\).*/\1/p' "$E2E_TMP/status" | head -n1)
    echo "${s_n:--1}"
}

# s_wait_state STATE SECONDS: poll status every 100 ms until it says STATE.
s_wait_state() {
    s_i=0 s_max=$(($2 * 10))
    while [ "$(s_state)" != "$1" ] && [ $s_i -lt $s_max ]; do
        sleep 0.1
        s_i=$((s_i + 1))
    done
    [ "$(s_state)" = "$1" ] || { echo "state is not $1 after $2 s:"; cat "$E2E_TMP/status"; return 1; }
}

# s_wait_reconnects N SECONDS: poll until the reconnect count is >= N and
# the state is up again.
s_wait_reconnects() {
    s_i=0 s_max=$(($2 * 10))
    while [ $s_i -lt $s_max ]; do
        [ "$(s_reconnects)" -ge "$1" ] && [ "$(s_field state)" = up ] && return 0
        sleep 0.1
        s_i=$((s_i + 1))
    done
    echo "no reconnect #$1 with state up after $2 s:"
    cat "$E2E_TMP/status"
    return 1
}

# s_up: `pppssh up` (daemon mode) of S_CONF; 0 once the link is up.
s_up() {
    x_up "$NS_CLI" "$S_CONF"
}

# s_up_fg [ARG...]: `pppssh up -f [ARG...]` of S_CONF in the background, its
# log (stderr) in $E2E_TMP/fg.log, its PID in S_FG_PID; waits (bounded) until
# status says up.
s_up_fg() {
    ip netns exec "$NS_CLI" "$PPPSSH" up -f "$@" -c "$S_CONF" 2>"$E2E_TMP/fg.log" &
    S_FG_PID=$!   # ip netns exec execs pppssh: this is its PID
    E2E_PIDS="$E2E_PIDS $S_FG_PID"
    s_wait_state up 30
}

# s_wait_child PID SECONDS: up to SECONDS for our background child PID to
# end (a zombie counts as ended: kill -0 still succeeds on it); its exit
# status in S_RC.
s_wait_child() {
    s_i=0 s_max=$(($2 * 10))
    while [ $s_i -lt $s_max ]; do
        s_st=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
        [ -z "$s_st" ] || [ "$s_st" = Z ] && break
        sleep 0.1
        s_i=$((s_i + 1))
    done
    [ -z "$s_st" ] || [ "$s_st" = Z ] || { echo "process $1 still runs after $2 s"; return 1; }
    wait "$1"
    S_RC=$?
    return 0
}

# s_pidfile: where the daemon's pidfile is (PPPSSH_RUN_DIR, see lib.sh).
s_pidfile() { echo "$PPPSSH_RUN_DIR/$S_NAME.pid"; }

# s_daemon_pid: the PID of the running tunnel process, from its pidfile.
s_daemon_pid() { cat "$(s_pidfile)" 2>/dev/null; }

# s_find_daemon: the PID of the tunnel process running S_CONF, found
# without the pidfile (to check the pidfile against): the pppssh in the
# client namespace whose command line names S_CONF.
s_find_daemon() {
    for s_p in $(ip netns pids "$NS_CLI"); do
        [ "$(cat "/proc/$s_p/comm" 2>/dev/null)" = pppssh ] &&
            tr '\0' ' ' <"/proc/$s_p/cmdline" | grep -qF -- "$S_CONF" && echo "$s_p"
    done | head -n1
}

# s_down: `pppssh down S_NAME`, bounded.
s_down() { x_down "$NS_CLI" "$S_CONF"; }

# s_ifindex NS IFACE: the interface's index (empty if absent).
s_ifindex() { ip -n "$1" -o link show dev "$2" 2>/dev/null | cut -d: -f1; }

# s_count_links NS PATTERN: interfaces whose name matches PATTERN (grep -E).
s_count_links() {
    ip -n "$1" -o link show | awk '{print $2}' | sed 's/[:@].*//' | grep -cE "$2"
}

# s_count_routes NS TEXT: routes (all tables, v4 and v6) whose line
# contains TEXT.
s_count_routes() {
    { ip -n "$1" -4 route show table all; ip -n "$1" -6 route show table all; } | grep -cF -- "$2"
}

# s_one_of_each: exactly one tunnel interface and one copy of each of its
# routes on both ends (IPv4; the kernel's own IPv6 link-local routes left
# out).
s_one_of_each() {
    s_ok=0
    s_expect "$(s_count_links "$NS_CLI" "^$S_NAME\$")" 1 "client: interfaces $S_NAME" || s_ok=1
    s_expect "$(s_count_links "$NS_CLI" '^(ppps|pppssh)')" 0 "client: other tunnel interfaces" || s_ok=1
    s_expect "$(s_count_routes "$NS_CLI" "198.19.0.0/24")" 1 "client: routes to the LAN" || s_ok=1
    s_expect "$(s_count_routes "$NS_CLI" "198.19.0.0/24 dev $S_NAME")" 1 "client: LAN routes via $S_NAME" || s_ok=1
    s_expect "$(s_count_routes "$NS_CLI" "$TUN_SRV_IP dev $S_NAME proto kernel")" 1 "client: peer routes" || s_ok=1
    s_expect "$(s_count_links "$NS_SRV" '^(ppps|pppssh)')" 1 "server: tunnel interfaces" || s_ok=1
    s_expect "$(s_count_routes "$NS_SRV" "$S_CLI_TUN ")" 1 "server: routes to $S_CLI_TUN" || s_ok=1
    s_expect "$(ip -n "$NS_SRV" -4 route show dev "$S_SRV_IF" 2>/dev/null | grep -c .)" 1 "server: IPv4 routes on $S_SRV_IF" || s_ok=1
    if [ $s_ok != 0 ]; then
        ip -n "$NS_CLI" -br link; ip -n "$NS_CLI" -4 route show table all | grep -v '^local\|^broadcast'
        ip -n "$NS_SRV" -br link; ip -n "$NS_SRV" -4 route show table all | grep -v '^local\|^broadcast'
    fi
    return $s_ok
}

# s_expect GOT WANT WHAT: say so unless GOT = WANT.
s_expect() {
    [ "$1" = "$2" ] || { echo "$3: $1 (want $2)"; return 1; }
}

# s_tree PID: PID and all its descendants, one per line.
s_tree() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { kids[$2] = kids[$2] " " $1 }
        END {
            n = 1; q[1] = root
            for (i = 1; i <= n; i++) {
                print q[i]
                m = split(kids[q[i]], k, " ")
                for (j = 1; j <= m; j++) q[++n] = k[j]
            }
        }'
}

# s_procs_of NS: "PID command" of each process in NS, sorted by command.
s_procs_of() {
    for s_p in $(ip netns pids "$1"); do
        printf '%s %s\n' "$s_p" "$(tr '\0' ' ' <"/proc/$s_p/cmdline" 2>/dev/null | cut -c1-60)"
    done | sort -k2
}

# s_count_comm NS COMM: processes in NS whose command name is COMM.
s_count_comm() {
    for s_p in $(ip netns pids "$1"); do cat "/proc/$s_p/comm" 2>/dev/null; done | grep -cx "$2"
}

# s_wait_count NS COMM N: up to 10 s until exactly N such processes run.
s_wait_count() {
    s_i=0
    while [ "$(s_count_comm "$1" "$2")" != "$3" ] && [ $s_i -lt 100 ]; do
        sleep 0.1
        s_i=$((s_i + 1))
    done
    s_expect "$(s_count_comm "$1" "$2")" "$3" "$2 processes in $1" || { s_procs_of "$1"; return 1; }
}

# s_nfds PID: open file descriptors of PID.
s_nfds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

# s_kill_tcp: destroy the client's SSH TCP connection (SOCK_DESTROY, as
# `ss -K` does; the kernel of the test machine has CONFIG_INET_DIAG_DESTROY):
# ssh sees "connection aborted", the server an RST.
s_kill_tcp() {
    s_before=$(in_cli ss -Htn state established dst "$SRV_IP" | awk '{print $3}')
    [ -n "$s_before" ] || { echo "no SSH connection to kill"; return 1; }
    in_cli ss -K dst "$SRV_IP" dport 22 >/dev/null 2>&1
    # The connections there were are gone (a new one may be there already).
    for s_c in $s_before; do
        if in_cli ss -Htn state established dst "$SRV_IP" | awk '{print $3}' | grep -qxF "$s_c"; then
            echo "$s_c still established"; return 1
        fi
    done
    echo "killed $s_before"
}

# s_blackhole / s_heal: the transport path fails both ways (blackhole
# routes in the client and the server namespace: a one-way blackhole
# would still let the server's frames - its own echoes, data in flight -
# reach the client, which rightly counts them as life) / heals.
s_blackhole() {
    in_cli ip route add blackhole "$SRV_IP/32" && in_srv ip route add blackhole "$CLI_IP/32"
}
s_heal() {
    in_cli ip route del blackhole "$SRV_IP/32" && in_srv ip route del blackhole "$CLI_IP/32"
}

# s_receiver PORT OUT: a TCP receiver on S_CLI_TUN:PORT in the client
# namespace; it writes its byte count to OUT.progress every 0.2 s and,
# at the end, "BYTES SHA256" to OUT.  PID in S_RX_PID.
s_receiver() {
    rm -f "$2" "$2.progress" "$2.ready"
    ip netns exec "$NS_CLI" /usr/bin/python3 - "$S_CLI_TUN" "$1" "$2" <<'PY' &
import hashlib, os, socket, sys, time
addr, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, port)); ls.listen(1)
open(out + ".ready", "w").close()
ls.settimeout(60)
c, _ = ls.accept()
c.settimeout(120)  # a reconnect takes seconds; this bounds a dead transfer
def progress(n):  # atomically: the test reads it meanwhile
    open(out + ".progress.tmp", "w").write(f"{n}\n")
    os.replace(out + ".progress.tmp", out + ".progress")
h, n, last = hashlib.sha256(), 0, 0.0
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    h.update(b); n += len(b)
    if time.monotonic() - last > 0.2:
        last = time.monotonic()
        progress(n)
progress(n)
open(out, "w").write(f"{n} {h.hexdigest()}\n")
PY
    S_RX_PID=$!
    E2E_PIDS="$E2E_PIDS $S_RX_PID"
    x_wait_exists "$2.ready"
}

# s_sender NS DEST PORT MBYTES RATE_MBPS OUT: send MBYTES of random data
# to DEST:PORT from NS, at most RATE_MBPS megabytes per second (so that
# the faults hit the middle of the transfer), "BYTES SHA256" to OUT at
# the end.  PID in S_TX_PID.
s_sender() {
    rm -f "$6"
    ip netns exec "$1" /usr/bin/python3 - "$2" "$3" "$4" "$5" "$6" <<'PY' &
import hashlib, os, socket, sys, time
dest, port, total, rate, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) << 20, float(sys.argv[4]) * (1 << 20), sys.argv[5]
s = socket.create_connection((dest, port), timeout=10)
s.settimeout(120)
h, n, t0 = hashlib.sha256(), 0, time.monotonic()
while n < total:
    b = os.urandom(min(1 << 16, total - n))
    s.sendall(b); h.update(b); n += len(b)
    ahead = n / rate - (time.monotonic() - t0)
    if ahead > 0:
        time.sleep(ahead)
s.shutdown(socket.SHUT_WR)
s.recv(1)  # the receiver closes once it has everything
open(out, "w").write(f"{n} {h.hexdigest()}\n")
PY
    S_TX_PID=$!
    E2E_PIDS="$E2E_PIDS $S_TX_PID"
}

# s_progress OUT: bytes the receiver has so far.
s_progress() {
    s_b=$(cat "$1.progress" 2>/dev/null)
    echo "${s_b:-0}"
}

# s_wait_progress OUT BYTES SECONDS: until the receiver has BYTES.
s_wait_progress() {
    s_i=0 s_max=$(($3 * 10))
    while [ "$(s_progress "$1")" -lt "$2" ] && [ $s_i -lt $s_max ]; do
        sleep 0.1
        s_i=$((s_i + 1))
    done
    [ "$(s_progress "$1")" -ge "$2" ] || { echo "only $(s_progress "$1") of $2 bytes after $3 s"; return 1; }
}
