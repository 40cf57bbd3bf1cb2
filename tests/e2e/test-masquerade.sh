#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-masquerade.sh - the PPP-SSH mini-HOWTO's gateway: Forward = yes and
# Masquerade = tunnel on the client let a LAN behind it reach the office
# LAN with no route back to that LAN anywhere.
#
#   office1 198.19.1.2 ── client ═══ sshd/pppssh serve ══ server ── 198.19.0.2 LAN
#   (default route:        (ip_forward 0                  (no route to
#    the client)            before up)                     198.19.1.0/24)
#
# 1. Forward = yes alone: the client forwards while up, but the LAN host
#    cannot answer 198.19.1.2 (the test fails without the rule).
# 2. Forward = yes, Masquerade = tunnel: the office host pings the LAN
#    host and opens a TCP connection to it, which sees the client's tunnel
#    address as its source.  A stale table of ours is replaced at up and
#    a table that is not ours is never touched.
# 3. Masquerade = v-lan in server.conf: the LAN host, without a route to
#    the tunnel range, answers the client.
# After each down: ip_forward back to 0, no nftables table of ours.
#   PPPSSH=/abs/path/pppssh tests/e2e/test-masquerade.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
command -v nft >/dev/null || { echo "SKIP: no nft (Debian: nftables)"; exit 77; }
e2e_bed_setup
e2e_office "$NS_CLI" 1
OFFICE=$E2E_LAST_NS OFFICE_HOST=198.19.1.2
ip -n "$OFFICE" route del 198.19.0.0/24
ip -n "$OFFICE" route del 198.18.255.0/24
ip -n "$OFFICE" route add default via 198.19.1.1
ip -n "$NS_LAN" route del 198.19.1.0/24           # no route back to the office
ip netns exec "$NS_CLI" sysctl -qw net.ipv4.ip_forward=0
CONF=$E2E_TMP/e2emasq.conf
IF=e2emasq
e2e_server_conf 198.18.255.2-198.18.255.100 "[User root]"

forward() { ip netns exec "$NS_CLI" sysctl -n net.ipv4.ip_forward; }
our_tables() { ip netns exec "$NS_CLI" nft list tables | grep pppssh; }

# tcp_source: a TCP connection from the office host to the LAN host; the
# address the LAN host saw it come from, on stdout.
tcp_source() {
    seen=$E2E_TMP/tcp-source
    rm -f "$seen"
    ip netns exec "$NS_LAN" timeout 10 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.19.0.2", 7070)); s.listen(1); s.settimeout(8)
c, a = s.accept(); c.sendall(b"ok"); c.close()
open(sys.argv[1], "w").write(a[0])' "$seen" &
    lan_pid=$!
    E2E_PIDS="$E2E_PIDS $lan_pid"
    e2e_wait_listen "$NS_LAN" tcp 7070 || return 1
    got=$(ip netns exec "$OFFICE" timeout 5 python3 -c '
import socket
s = socket.create_connection(("198.19.0.2", 7070), timeout=4); print(s.recv(2).decode())')
    wait "$lan_pid"
    [ "$got" = ok ] && cat "$seen"
}

# --- 1. forwarding alone: no way back ---------------------------------
e2e_conf "$CONF" "Interface = $IF" "Route = 198.19.0.0/24" "Forward = yes"
check "forward only: pppssh up exits 0" e2e_up "$NS_CLI" "$CONF"
check "forward only: ip_forward is 1 while up" test "$(forward)" = 1
check "forward only: no nftables table of ours" bash -c "! ip netns exec $NS_CLI nft list tables | grep -q pppssh"
check "forward only: client reaches the LAN host through the tunnel" e2e_ping "$NS_CLI" "$LAN_HOST_IP"
check "forward only: office host cannot reach LAN host (no route back)" \
    bash -c "! ip netns exec $OFFICE ping -c 1 -W 1 $LAN_HOST_IP"
check "forward only: pppssh down exits 0" e2e_down "$NS_CLI" "$CONF"
check "forward only: ip_forward back to 0" wait_gone bash -c "[ \$(ip netns exec $NS_CLI sysctl -n net.ipv4.ip_forward) != 0 ]"

# --- 2. masquerade ----------------------------------------------------
# A table of ours left by a crashed run, and one that is someone else's.
ip netns exec "$NS_CLI" nft add table inet "pppssh-$IF"
ip netns exec "$NS_CLI" nft add chain inet "pppssh-$IF" stale
ip netns exec "$NS_CLI" nft add table inet keepme
e2e_conf "$CONF" "Interface = $IF" "Route = 198.19.0.0/24" "Forward = yes" "Masquerade = tunnel"
check "masquerade: pppssh up exits 0" e2e_up "$NS_CLI" "$CONF"
TUN=$(e2e_tun_addr "$NS_CLI" "$IF")
check "masquerade: ip_forward is 1 while up" test "$(forward)" = 1
# nft runs beside the link: the rule may come a few milliseconds after "up".
check "masquerade: our table holds one masquerade rule on $IF" \
    wait_gone bash -c "! ip netns exec $NS_CLI nft list table inet pppssh-$IF | grep -q 'oifname \"$IF\" masquerade'"
check "masquerade: the stale table's chain is gone" \
    bash -c "! ip netns exec $NS_CLI nft list table inet pppssh-$IF | grep -q stale"
check "masquerade: office host pings LAN host $LAN_HOST_IP" e2e_ping "$OFFICE" "$LAN_HOST_IP"
SRC=$(tcp_source)
check "masquerade: TCP from the office reaches the LAN host from $TUN (saw '$SRC')" \
    test -n "$TUN" -a "$SRC" = "$TUN"
check "masquerade: pppssh down exits 0" e2e_down "$NS_CLI" "$CONF"
check "masquerade: $IF is gone" wait_gone ip -n "$NS_CLI" link show "$IF"
check "masquerade: no nftables table of ours left" bash -c "! ip netns exec $NS_CLI nft list tables | grep -q pppssh"
check "masquerade: the other table is untouched" bash -c "ip netns exec $NS_CLI nft list tables | grep -q 'inet keepme'"
check "masquerade: ip_forward back to 0" test "$(forward)" = 0

# --- 3. the server masquerades onto its LAN -----------------------------
# The LAN host loses its route to the tunnel range: only the server's rule
# brings the client's packets back.
in_lan ip route del 198.18.255.0/24
e2e_server_conf 198.18.255.2-198.18.255.100 "Masquerade = v-lan" "[User root]"
e2e_conf "$CONF" "Interface = $IF" "Route = 198.19.0.0/24"
check "server masquerade: pppssh up exits 0" e2e_up "$NS_CLI" "$CONF"
check "server masquerade: the server has one table of ours" \
    wait_gone bash -c "[ \$(ip netns exec $NS_SRV nft list tables | grep -c 'inet pppssh-') != 1 ]"
check "server masquerade: client pings LAN host $LAN_HOST_IP" e2e_ping "$NS_CLI" "$LAN_HOST_IP"
check "server masquerade: pppssh down exits 0" e2e_down "$NS_CLI" "$CONF"
check "server masquerade: no nftables table of ours left on the server" \
    wait_gone bash -c "ip netns exec $NS_SRV nft list tables | grep -q pppssh"

e2e_summary
