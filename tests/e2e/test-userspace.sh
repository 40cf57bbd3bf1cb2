#!/bin/sh
# test-userspace.sh - issue 14: `pppssh serve` for an ordinary account,
# without root and without a helper, ends the tunnel in the account's
# userspace network stack (pppssh-stack, libslirp).  Through the real sshd,
# an account "pppsshu" (uid 4242) added to sshd's private copy of
# /etc/passwd, whose key runs plain `pppssh serve` (no server.conf):
# - the client gets the stack's inner address by IPCP, in the network of
#   [Server] StackNetwork (198.18.254.0/24, not libslirp's usual
#   10.0.2.0/24: tests use only 198.18.0.0/15), and reaches the LAN
#   host behind the server through the account's own sockets: TCP both
#   ways (50 MB up with sha256 intact, 5 MB down), UDP, and ping once
#   net.ipv4.ping_group_range lets the account's group open ping sockets
#   (and not while it is "1 0", the kernel's default); TCP over IPv6 from
#   the client's Address6 in the stack's prefix; ping -6 to the LAN
#   host's IPv6 address answered through the stack's own ping socket
#   (libslirp forwards no ICMPv6 echo), and while ping sockets are off
#   answered "administratively prohibited" by the stack, the rest of
#   the tunnel unaffected;
# - DNS sent to the stack's address (pushed by IPCP, RFC 1877) is answered
#   by the server's resolver (a stand-in on the LAN host, named by the
#   resolv.conf of sshd's mount namespace);
# - nothing of the server's kernel state changes: no interface, no route;
#   the session and the stack run as uid 4242, the stack under its
#   seccomp filter;
# - reconnect: the SSH connection is destroyed, the client reconnects, the
#   new session re-attaches to the same stack, and a TCP connection opened
#   before goes on;
# - a session asking for another StackNetwork never joins that stack: it
#   starts one of its own, on a socket named after its network;
# - after the tunnel is down the stack waits its grace period ([Server]
#   Grace of a server.conf that has nothing else but Mode and StackNetwork),
#   then exits and removes its socket;
# - a stack that cannot start (libslirp missing) is a clear error;
# - inbound forwarding ([Server] PortForward): a connection to the
#   server's port 8080 reaches a listener on the client's port 8081
#   through the tunnel, 2 MB echoed back intact, and a UDP datagram to
#   the server's 8082 is answered by the client; the listeners go with
#   the stack.  A port the account cannot listen on (80), a bad
#   --port-forward and a bad PortForward line are clear errors.
. "$(dirname "$0")/lib.sh"
e2e_setup

NAME=$(printf '%.12s' "us$E2E_ID")
E2E_NAME=$NAME
ACCOUNT=pppsshu
ACCOUNT_ID=4242
STACK_NET=198.18.254.0 # [Server] StackNetwork, a /24 unused by the bed
CLIENT_IP=198.18.254.15 # the stack's inner addresses (pppssh(8), USERSPACE MODE)
STACK_IP=198.18.254.2
STACK_DNS=198.18.254.3
CLIENT_IP6=fd00::15 # in the stack's prefix, fd00::/64
GRACE=6
HOME_DIR=$E2E_TMP/home
# sshd's session has no XDG_RUNTIME_DIR here; a stack for another network
# than the default has a socket named after it.
SOCK=$HOME_DIR/.cache/pppssh/stack-$STACK_NET.sock

# The ordinary account: in sshd's copy of /etc/passwd and /etc/group only.
chmod 711 "$E2E_TMP"
mkdir -p "$HOME_DIR"
chown "$ACCOUNT_ID:$ACCOUNT_ID" "$HOME_DIR"
chmod 700 "$HOME_DIR"
echo "$ACCOUNT:x:$ACCOUNT_ID:$ACCOUNT_ID:pppssh test:$HOME_DIR:/bin/sh" >>"$E2E_TMP/passwd"
{ cat /etc/group; echo "$ACCOUNT:x:$ACCOUNT_ID:"; } >"$E2E_TMP/group"
echo "nameserver $LAN_HOST_IP" >"$E2E_TMP/resolv.conf"
# A server.conf the account can read, with only the userspace mode's keys
# (the grace period and the inner network are read from it: the stack's
# exit and the client's address below show it).
printf '[Server]\nMode = userspace\nGrace = %s\nStackNetwork = %s/24\n' "$GRACE" "$STACK_NET" \
    >"$E2E_TMP/server.conf"
printf 'PortForward = tcp:8080:8081\nPortForward = udp:8082\n' >>"$E2E_TMP/server.conf"
printf 'command="%s serve -c %s" %s\n' "$PPPSSH" "$E2E_TMP/server.conf" \
    "$(cat "$E2E_TMP/client_key.pub")" >"$E2E_TMP/authorized_keys"
chmod 644 "$E2E_TMP/authorized_keys" "$E2E_TMP/resolv.conf" "$E2E_TMP/group" "$E2E_TMP/server.conf"
e2e_sshd_stop || exit 1
# A /run of its own: no pppssh helper socket there.
e2e_sshd_start "mount --bind $E2E_TMP/group /etc/group &&
    mount --bind $E2E_TMP/resolv.conf /etc/resolv.conf &&
    mount -t tmpfs -o mode=755 tmpfs /run && mkdir /run/sshd" || exit 1

# IPv6 on the server's LAN (the bed has IPv4 only there).
in_srv ip addr add fd00:19::1/64 dev v-lan nodad
in_lan ip addr add fd00:19::2/64 dev v-srv nodad

# The resolver the server's resolv.conf names, on the LAN host.
in_lan python3 "$(dirname "$0")/../../bench/tools/dns_answer.py" serve "$LAN_HOST_IP" 300 &
E2E_PIDS="$E2E_PIDS $!"

cat >"$E2E_TMP/$NAME.conf" <<CONF
[Tunnel]
Server = $ACCOUNT@$SRV_IP
Interface = $NAME
Route = 198.19.0.0/24
Route = $STACK_DNS/32
Address6 = $CLIENT_IP6/64
Route = fd00:19::/64
UsePeerDNS = yes
$(e2e_ssh_options)
CONF
chmod 600 "$E2E_TMP/$NAME.conf"

# The client's resolvectl records its arguments (as in test-dns-peer.sh:
# an overlay over /usr/bin in the daemon's own mount namespace), so the
# host's resolver is never touched.
mkdir -p "$E2E_TMP/fakebin"
printf '#!/bin/sh\necho "$*" >>%s\n' "$E2E_TMP/resolvectl.log" >"$E2E_TMP/fakebin/resolvectl"
chmod 755 "$E2E_TMP/fakebin/resolvectl"
links_before=$(in_srv ip -o link show | wc -l)
check "pppssh up (an ordinary account, no server.conf, no helper)" \
    timeout 30 ip netns exec "$NS_CLI" unshare -m sh -c \
    'mount -t overlay pppssh-e2e -o "lowerdir=$1:/usr/bin" /usr/bin && exec "$2" up -c "$3"' \
    sh "$E2E_TMP/fakebin" "$PPPSSH" "$E2E_TMP/$NAME.conf"
check "IPCP gave the client the stack's DNS forwarder (RFC 1877)" sh -c \
    "i=0; until grep -qx 'dns $NAME $STACK_DNS' '$E2E_TMP/resolvectl.log' 2>/dev/null; do
        [ \$i -lt 50 ] || { cat '$E2E_TMP/resolvectl.log'; exit 1; }; sleep 0.1; i=\$((i+1)); done"
check "the client has the stack's inner address by IPCP" sh -c \
    "ip netns exec $NS_CLI ip -4 addr show dev $NAME | grep -q 'inet $CLIENT_IP peer $STACK_IP/32'"
check "the client's interface has exactly the address StackNetwork gives (ip -j addr)" \
    test "$(ip netns exec "$NS_CLI" ip -j -4 addr show dev "$NAME" | python3 -c '
import json, sys
print(" ".join("%s/%s>%s" % (a["local"], a["prefixlen"], a.get("address", ""))
               for i in json.load(sys.stdin) for a in i.get("addr_info", [])))')" \
    = "$CLIENT_IP/32>$STACK_IP"
check "the server has no new interface" test "$(in_srv ip -o link show | wc -l)" = "$links_before"
check "no route on the server names the client's address" sh -c \
    "! ip netns exec $NS_SRV ip route show table all | grep -q $CLIENT_IP"
stack_pid=$(in_srv ss -Hxlp src "$SOCK" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)
check "the stack listens on the account's socket" test -n "$stack_pid"
check "the stack runs as uid $ACCOUNT_ID" sh -c \
    "grep -q '^Uid:.$ACCOUNT_ID.$ACCOUNT_ID' /proc/$stack_pid/status"
check "the stack runs under its seccomp filter (Seccomp: 2, filter mode)" \
    grep -q '^Seccomp:.2$' "/proc/$stack_pid/status"
serve_pid=$(pgrep -u "$ACCOUNT_ID" -f "$PPPSSH serve" | head -n1)
check "serve runs as uid $ACCOUNT_ID, without CAP_NET_ADMIN" sh -c \
    "grep -q '^CapEff:.0000000000000000' /proc/$serve_pid/status"
check "the socket's directory is the account's alone (0700)" \
    test "$(stat -c '%a %u' "$(dirname "$SOCK")")" = "700 $ACCOUNT_ID"

# Another network, same account and directory: a stack of its own.
OTHER_NET=198.18.253.0
in_srv unshare -m sh -c "mount -t tmpfs -o mode=755 tmpfs /run &&
    exec setpriv --reuid=$ACCOUNT_ID --regid=$ACCOUNT_ID --clear-groups \
    env XDG_RUNTIME_DIR=$HOME_DIR/.cache timeout 10 $PPPSSH serve --userspace \
    --stack-network $OTHER_NET/24 --grace 5 --stderr" </dev/null >"$E2E_TMP/other.out" 2>&1
other_sock=$(dirname "$SOCK")/stack-$OTHER_NET.sock
other_pid=$(in_srv ss -Hxlp src "$other_sock" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)
check "a session with another StackNetwork starts its own stack" sh -c \
    "[ -n '$other_pid' ] && [ '$other_pid' != '$stack_pid' ]"
check "that stack has the session's network" sh -c \
    "tr '\\0' ' ' </proc/$other_pid/cmdline | grep -q -- '--network $OTHER_NET/24'"
check "the first stack still listens on its own socket" test "$(in_srv ss -Hxlp src "$SOCK" |
    sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)" = "$stack_pid"
check "the other stack exits after its grace period" sh -c \
    "i=0; while kill -0 $other_pid 2>/dev/null && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done; ! kill -0 $other_pid 2>/dev/null"

# as_account ARGS...: serve run by the account itself (stdin empty), for
# the errors of its forwards; its output in $E2E_TMP/as_account.out.
as_account() {
    in_srv unshare -m sh -c "mount -t tmpfs -o mode=755 tmpfs /run &&
        exec setpriv --reuid=$ACCOUNT_ID --regid=$ACCOUNT_ID --clear-groups \
        env XDG_RUNTIME_DIR=$HOME_DIR/.cache timeout 10 $PPPSSH serve --userspace \
        --stack-network 198.18.252.0/24 --grace 1 --stderr $*" </dev/null >"$E2E_TMP/as_account.out" 2>&1
}
as_account -c "$E2E_TMP/server.conf" --port-forward tcp:80
rc=$?
check "a port the account cannot listen on fails the session (status $rc)" test "$rc" != 0
check "with the reason" grep -q \
    "PortForward tcp:80:80: this account cannot listen on TCP port 80 of the server: Permission denied" \
    "$E2E_TMP/as_account.out"
check "and nothing listens on port 80" sh -c "! ip netns exec $NS_SRV ss -Hltn 'sport = :80' | grep -q ."
as_account -c "$E2E_TMP/server.conf" --port-forward tcp:99999
check "a bad --port-forward is refused, naming it" grep -q \
    "port-forward takes tcp:PORT or udp:PORT.*not 'tcp:99999'" "$E2E_TMP/as_account.out"
printf '[Server]\nMode = userspace\nPortForward = tcp:http\n' >"$E2E_TMP/bad.conf"
chmod 644 "$E2E_TMP/bad.conf"
as_account -c "$E2E_TMP/bad.conf"
check "a bad PortForward line is refused with its file and line" grep -q \
    "bad.conf:3: 'PortForward' must be tcp:PORT or udp:PORT.*not 'tcp:http'" "$E2E_TMP/as_account.out"

# TCP up: 50 MB to the LAN host, sha256 compared.
in_lan sh -c "timeout 120 socat -u TCP-LISTEN:5001,reuseaddr - | sha256sum >'$E2E_TMP/up.rx'" &
rx=$!
check "the LAN host listens on TCP port 5001" e2e_wait_listen "$NS_LAN" tcp 5001
head -c $((50 << 20)) /dev/urandom >"$E2E_TMP/blob"
check "50 MB up through the stack" in_cli timeout 120 socat -u "FILE:$E2E_TMP/blob" "TCP:$LAN_HOST_IP:5001"
wait $rx
check "its sha256 is intact" test "$(sha256sum <"$E2E_TMP/blob")" = "$(cat "$E2E_TMP/up.rx")"

# TCP down: 5 MB from the LAN host.
head -c $((5 << 20)) /dev/urandom >"$E2E_TMP/blob"
in_lan timeout 60 socat -u "FILE:$E2E_TMP/blob" TCP-LISTEN:5002,reuseaddr &
tx=$!
check "the LAN host listens on TCP port 5002" e2e_wait_listen "$NS_LAN" tcp 5002
check "5 MB down through the stack" sh -c \
    "ip netns exec $NS_CLI timeout 60 socat -u TCP:$LAN_HOST_IP:5002 - | sha256sum >'$E2E_TMP/down.rx'"
wait $tx
check "its sha256 is intact" test "$(sha256sum <"$E2E_TMP/blob")" = "$(cat "$E2E_TMP/down.rx")"

# IPv6: TCP from the client's address in the stack's prefix.
in_lan timeout 20 socat -u TCP6-LISTEN:5005,reuseaddr - >"$E2E_TMP/v6.rx" &
rx=$!
check "the LAN host listens on TCP port 5005" e2e_wait_listen "$NS_LAN" tcp 5005
check "TCP over IPv6 through the stack" sh -c \
    "echo v6-through-slirp | ip netns exec $NS_CLI timeout 10 socat -u - TCP6:[fd00:19::2]:5005"
wait $rx
check "it arrived" grep -qx v6-through-slirp "$E2E_TMP/v6.rx"

# UDP: an echo on the LAN host.
in_lan timeout 20 socat UDP-LISTEN:5003,reuseaddr EXEC:cat &
check "the LAN host listens on UDP port 5003" e2e_wait_listen "$NS_LAN" udp 5003
check "UDP through the stack and back" sh -c \
    "echo udp-through-slirp | ip netns exec $NS_CLI timeout 5 socat -t 3 - UDP:$LAN_HOST_IP:5003 | grep -qx udp-through-slirp"

# Inbound: the server's port 8080 to the client's 8081 ([Server]
# PortForward = tcp:8080:8081), a connection from the LAN host echoed by
# a listener on the client; 8082 over UDP likewise.
check "the stack listens on the server's TCP port 8080" sh -c \
    "ip netns exec $NS_SRV ss -Hltnp 'sport = :8080' | grep -q 'pid=$stack_pid,'"
in_cli timeout 60 socat TCP-LISTEN:8081,bind=$CLIENT_IP,reuseaddr EXEC:cat &
in_cli timeout 20 socat UDP-LISTEN:8082,bind=$CLIENT_IP,reuseaddr EXEC:cat &
check "the client listens on TCP port 8081" e2e_wait_listen "$NS_CLI" tcp 8081
check "the client listens on UDP port 8082" e2e_wait_listen "$NS_CLI" udp 8082
head -c $((2 << 20)) /dev/urandom >"$E2E_TMP/fwd.blob"
check "2 MB to the server's port 8080 come back from the client's listener" \
    in_lan timeout 60 python3 - "$LAN_SRV_IP" 8080 "$E2E_TMP/fwd.blob" "$E2E_TMP/fwd.back" <<'PY'
import socket, sys, threading
host, port, blob, back = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
data = open(blob, "rb").read()
s = socket.create_connection((host, port), timeout=20)
def send():
    s.sendall(data)
threading.Thread(target=send, daemon=True).start()
got = bytearray()
while len(got) < len(data):
    b = s.recv(65536)
    if not b:
        break
    got += b
open(back, "wb").write(got)
sys.exit(0 if len(got) == len(data) else 1)
PY
check "intact both ways (sha256)" test "$(sha256sum <"$E2E_TMP/fwd.blob")" = \
    "$(sha256sum <"$E2E_TMP/fwd.back")"
check "a datagram to the server's UDP port 8082 is answered by the client" sh -c \
    "echo udp-inbound | ip netns exec $NS_LAN timeout 5 socat -t 3 - UDP:$LAN_SRV_IP:8082 | grep -qx udp-inbound"

# ICMP: ping sockets are the account's only way (the kernel's default
# range "1 0" allows no group).
in_srv sysctl -qw net.ipv4.ping_group_range="1 0"
check_not "no ping while ping sockets are off (ping_group_range 1 0)" \
    in_cli ping -c 2 -i 0.3 -W 2 "$LAN_HOST_IP"
# ICMPv6 echo, which libslirp does not forward: the stack's own ping
# sockets (the same range covers them), else its clear refusal.
in_cli ping -6 -c 2 -i 0.3 -W 2 fd00:19::2 >"$E2E_TMP/ping6.off" 2>&1
check "ping -6 while ping sockets are off: the stack answers administratively prohibited" \
    grep -q "From fd00::2.*Administratively prohibited" "$E2E_TMP/ping6.off"
check "and no echo reply came" sh -c "! grep -q 'bytes from fd00:19::2' '$E2E_TMP/ping6.off'"
in_lan timeout 20 socat -u TCP6-LISTEN:5006,reuseaddr - >"$E2E_TMP/v6b.rx" &
rx=$!
check "the LAN host listens on TCP port 5006" e2e_wait_listen "$NS_LAN" tcp 5006
check "the rest of the tunnel is unaffected: TCP over IPv6" sh -c \
    "echo v6-after-refusal | ip netns exec $NS_CLI timeout 10 socat -u - TCP6:[fd00:19::2]:5006"
wait $rx
check "it arrived" grep -qx v6-after-refusal "$E2E_TMP/v6b.rx"
in_srv sysctl -qw net.ipv4.ping_group_range="0 2147483647"
check "ping the LAN host once the account may open ping sockets" \
    in_cli ping -c 3 -i 0.3 -W 2 "$LAN_HOST_IP"
check "ping -6 the LAN host's IPv6 address through the stack's ping socket" \
    in_cli ping -6 -c 3 -i 0.3 -W 2 fd00:19::2

# DNS: the stack's address, answered by the server's resolver.
check "DNS through the stack, answered by the server's resolver" sh -c \
    "ip netns exec $NS_CLI python3 $(dirname "$0")/../../bench/tools/dns_answer.py query $STACK_DNS example.test | grep -qx 198.18.0.99"

# Reconnect: a TCP connection held open across a destroyed SSH connection.
in_lan timeout 120 socat TCP-LISTEN:5004,reuseaddr EXEC:cat &
check "the LAN host listens on TCP port 5004" e2e_wait_listen "$NS_LAN" tcp 5004
# hold HOST PORT OUT GO: one TCP connection, "before" echoed at once,
# "after" once the file GO exists (up to 60 s); what came back in OUT.
in_cli timeout 120 python3 - "$LAN_HOST_IP" 5004 "$E2E_TMP/hold.out" "$E2E_TMP/hold.go" <<'PY' &
import os, socket, sys, time
host, port, out, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.create_connection((host, port), timeout=10)
s.settimeout(60)
def echo(word):
    s.sendall(word.encode() + b"\n")
    got = b""
    while not got.endswith(b"\n"):
        b = s.recv(100)
        if not b:
            break
        got += b
    with open(out, "a") as f:
        f.write(got.decode())
echo("before")
for _ in range(600):
    if os.path.exists(go):
        break
    time.sleep(0.1)
echo("after")
PY
hold=$!
check "the held connection echoes" e2e_wait_file_text "$E2E_TMP/hold.out" before 10
check "the SSH connection is destroyed (ss -K)" e2e_kill_tcp
check "the client reconnected" e2e_wait_reconnects 1 30
check "the new session attached to the same stack" test "$(in_srv ss -Hxlp src "$SOCK" |
    sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)" = "$stack_pid"
touch "$E2E_TMP/hold.go"
wait $hold
check "the held connection goes on after the reconnect" grep -qx after "$E2E_TMP/hold.out"

check "pppssh down" in_cli "$PPPSSH" down "$NAME"
check "the stack is still there within its grace period" kill -0 "$stack_pid"
check "after the grace period the stack has exited" sh -c \
    "sleep $GRACE; i=0; while kill -0 $stack_pid 2>/dev/null && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i+1)); done; ! kill -0 $stack_pid 2>/dev/null"
check "and removed its socket" test ! -e "$SOCK"
check "its forwards are gone with it (nothing listens on 8080)" sh -c \
    "! ip netns exec $NS_SRV ss -Hltn 'sport = :8080' | grep -q ."
check_not "a connection to the server's port 8080 is refused" \
    in_lan timeout 5 socat -u - TCP:$LAN_SRV_IP:8080 </dev/null

# A stack that cannot start: libslirp absent (an empty file in its place,
# in a mount namespace of this check's own).
slirp_lib=$(ldd "$(dirname "$PPPSSH")/pppssh-stack" | sed -n 's/.*libslirp[^ ]* => \([^ ]*\).*/\1/p')
mkdir -p "$E2E_TMP/xdg"
chown "$ACCOUNT_ID" "$E2E_TMP/xdg"
chmod 700 "$E2E_TMP/xdg"
in_srv unshare -m sh -c "mount --bind /dev/null '$slirp_lib' &&
    mount -t tmpfs -o mode=755 tmpfs /run &&
    exec setpriv --reuid=$ACCOUNT_ID --regid=$ACCOUNT_ID --clear-groups \
    env XDG_RUNTIME_DIR=$E2E_TMP/xdg $PPPSSH serve --stack-network $STACK_NET/24 --stderr" </dev/null >"$E2E_TMP/nostack.out" 2>&1
rc=$?
check "without libslirp, serve fails (status $rc)" test "$rc" != 0
check "and says the stack did not start, naming libslirp" \
    grep -q "stack did not start.*libslirp" "$E2E_TMP/nostack.out"
check "and leaves no socket" sh -c "! ls '$E2E_TMP/xdg/pppssh/' | grep -q sock"
e2e_summary
