#!/bin/sh
# test-basic.sh - one client through a real sshd to `pppssh serve`:
# `pppssh up` returns 0 only once the link is up, both tunnel ends and a
# LAN host behind the server answer pings, `pppssh status` reports it,
# `pppssh down` removes the interface and routes on both ends and leaves
# no process behind.
. "$(dirname "$0")/lib.sh"
e2e_setup

NAME=e2e$E2E_ID
NAME=$(printf '%.12s' "$NAME") # an interface name has at most 15 characters

e2e_server_conf 198.18.255.100-198.18.255.120 "[User e2e]" "Address = 198.18.255.2"
e2e_conf "$E2E_TMP/$NAME.conf" "Interface = $NAME" "Route = 198.19.0.0/24" \
    "KeepaliveInterval = 5" "DNS = 198.19.0.53"
# One key per user; the forced command names the user.
e2e_serve_args --user e2e --stderr
sed -i "s|--user e2e --stderr -c \([^\"]*\)\"|--user e2e --stderr -c \1 2>>$E2E_TMP/serve.log\"|" \
    "$E2E_TMP/authorized_keys"

check "pppssh config prints the effective configuration" \
    sh -c "'$PPPSSH' config -c '$E2E_TMP/$NAME.conf' | grep -q '^Route = 198.19.0.0/24'"

if in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf" 2>"$E2E_TMP/up.err"; then
    pass "pppssh up returns 0"
else
    fail "pppssh up returns 0 (exit $?: $(cat "$E2E_TMP/up.err"))"
    sed 's/^/    serve| /' "$E2E_TMP/serve.log" 2>/dev/null
fi

# Up means up: no waiting from here on.
check "interface $NAME has the server's address as peer" \
    sh -c "ip netns exec $NS_CLI ip -4 addr show dev $NAME | grep -q 'peer $TUN_SRV_IP/32'"
check "route to the LAN goes through $NAME" \
    sh -c "ip netns exec $NS_CLI ip route show 198.19.0.0/24 | grep -q 'dev $NAME'"
check "ping the server's tunnel end $TUN_SRV_IP" in_cli ping -c 2 -i 0.2 -W 2 "$TUN_SRV_IP"
check "ping the LAN host $LAN_HOST_IP" in_cli ping -c 2 -i 0.2 -W 2 "$LAN_HOST_IP"
check "server has the client's route on its tunnel" \
    sh -c "ip netns exec $NS_SRV ip route show 198.18.255.2 | grep -q 'dev pppssh-e2e'"

# serve was started as root: it split into a privileged parent in the
# helper's role and the session, which alone reads the SSH stream.
serve_pids() {
    for _pid in $(ip netns pids "$NS_SRV"); do
        tr '\0' ' ' <"/proc/$_pid/cmdline" 2>/dev/null | grep -q "^$PPPSSH serve " && echo "$_pid"
    done
}
# stream_fd PID N: what descriptor N of PID is (socket:[...], /dev/null...).
stream_fd() { readlink "/proc/$1/fd/$2" 2>/dev/null; }
# split_ok: one serve reads the stream (stdin and stdout not /dev/null) as
# uid != 0 with no capability, no_new_privs and the seccomp filter; the
# other, its parent, has both on /dev/null.
split_ok() {
    _readers=0
    _parents=0
    for _pid in $(serve_pids); do
        _in=$(stream_fd "$_pid" 0)
        _out=$(stream_fd "$_pid" 1)
        grep '^Uid:\|^CapEff:\|^NoNewPrivs:\|^Seccomp:' "/proc/$_pid/status" | tr '\n\t' '  '
        echo "pid $_pid stdin $_in stdout $_out"
        if [ "$_in" = /dev/null ] && [ "$_out" = /dev/null ]; then
            _parents=$((_parents + 1))
            continue
        fi
        _readers=$((_readers + 1))
        for _u in $(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$_pid/status"); do
            [ "$_u" != 0 ] || return 1
        done
        grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$_pid/status" &&
            grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$_pid/status" &&
            grep -q '^Seccomp:[[:space:]]*2$' "/proc/$_pid/status" || return 1
    done
    [ "$_readers" = 1 ] && [ "$_parents" = 1 ]
}
in_cli ping -c 20 -i 0.1 -W 2 "$LAN_HOST_IP" >/dev/null 2>&1 &
PING_PID=$!
sleep 0.3
check "while traffic flows, the serve reading the stream is unprivileged and sandboxed, its parent does not read it" \
    split_ok
wait "$PING_PID"

in_cli "$PPPSSH" status "$NAME" >"$E2E_TMP/status" 2>&1
sed 's/^/    up| /' "$E2E_TMP/up.err"
# DNS: applied through resolvectl/resolvconf if installed, else a warning
# in the log; either way the tunnel comes up (checked above).
check "pppssh status says up" grep -q '^state: up' "$E2E_TMP/status"
check "pppssh status shows the addresses" grep -q "^remote: $TUN_SRV_IP" "$E2E_TMP/status"
check "pppssh status counts packets" grep -Eq '^received: [1-9][0-9]* bytes' "$E2E_TMP/status"
# Both ends pace by the SSH connection's own TCP state: the client by the
# copy its ProxyCommand handed over, serve by asking the kernel (sock_diag).
check "the client paces by its copy of the SSH connection" \
    grep -q '^pacing: TCP_INFO of the SSH connection (ours)' "$E2E_TMP/status"
check "serve paces by sshd's connection through sock_diag" \
    grep -q "pacing by the SSH connection's TCP_INFO (sock_diag)" "$E2E_TMP/serve.log"
check "a few pings leave the pacer unlimited" grep -q '^pacer: unlimited' "$E2E_TMP/status"
# A veth's RTT is far below 12 ms: CoDel keeps its 5 ms (fq_set_path_rtt; test-path-rtt).
check "the queue's CoDel target is 5 ms on a short path" \
    grep -q '^queue: .*, target 5.0 ms$' "$E2E_TMP/status"
check "both ends are pppssh: offloads on" grep -q '^offload: on, ' "$E2E_TMP/status"
check "serve turned its offloads on too" grep -q "offloads on: TCP packets of up to 65525 bytes" \
    "$E2E_TMP/serve.log"
# TCP crosses in packets of up to 64 KiB anyway; a larger MTU would only
# give TCP to a tunnel address (the server's own) a 64 KiB MSS, whose
# segments no pacing rate sizes down (issue 15).
check "offloads on both ways: the interface MTU is 1500 on both ends" sh -c \
    "ip -n $NS_CLI link show $NAME | grep -q ' mtu 1500 ' && ip -n $NS_SRV link show pppssh-e2e | grep -q ' mtu 1500 '"
check "ssh runs without a pty (SSHTTY=auto with our own connection)" \
    sh -c "ip netns exec $NS_CLI ps -o args= -C ssh | grep -q -- ' -T '"
sed 's/^/    | /' "$E2E_TMP/status"

# A source the client does not own never reaches the LAN.
lan_echos() { in_lan awk '/^Icmp:/ { if (n++) { for (i = 1; i <= NF; i++) if (h[i] == "InEchos") print $i } else for (i = 1; i <= NF; i++) h[i] = $i }' /proc/net/snmp; }
in_cli ip addr add 198.19.9.9/32 dev lo
before=$(lan_echos)
in_cli ping -c 3 -i 0.2 -W 1 -I 198.19.9.9 "$LAN_HOST_IP" >/dev/null 2>&1
after=$(lan_echos)
check "spoofed pings never reach the LAN host (InEchos $before -> $after)" test "$before" = "$after"
in_cli ping -c 1 -W 2 "$LAN_HOST_IP" >/dev/null 2>&1
check "genuine pings still do (InEchos -> $(lan_echos))" test "$(lan_echos)" -gt "$after"

check "pppssh down" in_cli "$PPPSSH" down "$NAME"
check "client interface is gone" wait_gone in_cli ip link show "$NAME"
check_not "client route is gone" sh -c "ip netns exec $NS_CLI ip route show 198.19.0.0/24 | grep -q ."
check "server interface is gone" wait_gone in_srv ip link show pppssh-e2e
check_not "server route is gone" sh -c "ip netns exec $NS_SRV ip route | grep -q 198.18.255"
check "no pppssh or ssh process left" \
    wait_gone sh -c "ps -eo args | grep -v grep | grep -Eq '^($PPPSSH|ssh ).*$E2E_TMP'"
check "status says no tunnel is running (exit 1)" \
    sh -c "'$PPPSSH' status '$NAME' 2>&1 | grep -q 'no tunnel $NAME is running' && ! '$PPPSSH' status '$NAME'"
check "the server logged an accounting line" grep -q 'user=e2e .*remote=198.18.255.2' "$E2E_TMP/serve.log"
check "the accounting line counts the 3 spoofed packets" grep -q 'user=e2e .*spoofed=3 ' "$E2E_TMP/serve.log"

# Offload = no: the client does not ask, serve does not send offloaded
# packets to it, and the LAN is reached on plain IP frames.
e2e_conf "$E2E_TMP/$NAME.conf" "Interface = $NAME" "Route = 198.19.0.0/24" "Offload = no"
check "pppssh up with Offload = no" in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf"
in_cli "$PPPSSH" status "$NAME" >"$E2E_TMP/status" 2>&1
check "status says offloads are off" grep -q '^offload: off;' "$E2E_TMP/status"
check "ping the LAN host without offload" in_cli ping -c 2 -i 0.2 -W 2 "$LAN_HOST_IP"
check "serve turned its offloads on for the first session only" \
    test "$(grep -c 'offloads on:' "$E2E_TMP/serve.log")" = 1
check "pppssh down" in_cli "$PPPSSH" down "$NAME"

e2e_summary
