#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-networks.sh - two networks joined through the tunnel, both ways.
#
#   office1 198.19.1.2 ── client ═══ sshd/pppssh serve ══ server ── 198.19.0.2 LAN
#
# 1. Routed: the client routes the head-office LAN (Route = 198.19.0.0/24),
#    the server routes the client's office ([User root] Route =
#    198.19.1.0/24); both hosts ping each other, through both forwarders.
# 2. Proxy ARP: the client gets an address of the head-office LAN itself
#    (198.19.0.50) and ProxyArp = yes on the server: the LAN host, which has
#    no route for it, reaches it as a neighbour.
# After each `pppssh down` the interface and the routes are gone on both
# sides.
#   PPPSSH=/abs/path/pppssh tests/e2e/test-networks.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_bed_setup
e2e_office "$NS_CLI" 1
OFFICE=$E2E_LAST_NS OFFICE_HOST=198.19.1.2
CONF=$E2E_TMP/e2enet.conf
IF=e2enet

# --- 1. routed networks, both ways -------------------------------------
e2e_server_conf 198.18.255.2-198.18.255.100 "[User root]" "Route = 198.19.1.0/24"
e2e_conf "$CONF" "Interface = $IF" "Route = 198.19.0.0/24"
in_srv ip -o link show | awk '{print $2}' >"$E2E_TMP/srv-links.before"

check "pppssh up exits 0" e2e_up "$NS_CLI" "$CONF"
echo "    (up took $E2E_UP_MS ms)"
check "client: $IF has a tunnel address from the pool" \
    bash -c "ip -n $NS_CLI -4 -o addr show dev $IF | grep -q 'inet 198.18.255.[0-9]* peer $TUN_SRV_IP'"
check "client: route to the head-office LAN through $IF" \
    bash -c "ip -n $NS_CLI route show 198.19.0.0/24 | grep -q 'dev $IF'"
check "server: route to the client's office through its tunnel" \
    bash -c "ip -n $NS_SRV route show 198.19.1.0/24 | grep -q 'dev '"
check "client pings the server's tunnel end $TUN_SRV_IP" e2e_ping "$NS_CLI" "$TUN_SRV_IP"
check "client pings the head-office LAN host $LAN_HOST_IP" e2e_ping "$NS_CLI" "$LAN_HOST_IP"
check "office host $OFFICE_HOST pings LAN host $LAN_HOST_IP" e2e_ping "$OFFICE" "$LAN_HOST_IP"
check "LAN host $LAN_HOST_IP pings office host $OFFICE_HOST" e2e_ping "$NS_LAN" "$OFFICE_HOST"
check "LAN host reaches the client's tunnel address" \
    e2e_ping "$NS_LAN" "$(e2e_tun_addr "$NS_CLI" "$IF")"
check "pppssh down exits 0" e2e_down "$NS_CLI" "$CONF"
check "client: $IF is gone" wait_gone ip -n "$NS_CLI" link show "$IF"
check "client: no route to 198.19.0.0/24 left" \
    test -z "$(ip -n "$NS_CLI" route show 198.19.0.0/24)"
srv_links_changed() {
    in_srv ip -o link show | awk '{print $2}' >"$E2E_TMP/srv-links.after"
    ! cmp -s "$E2E_TMP/srv-links.before" "$E2E_TMP/srv-links.after"
}
check "server: its tunnel interface is gone" wait_gone srv_links_changed
check "server: no route to 198.19.1.0/24 left" \
    wait_gone bash -c "ip -n $NS_SRV route show 198.19.1.0/24 | grep -q ."

# --- 2. proxy ARP: the client is a host of the LAN ----------------------
PROXY_IP=198.19.0.50
e2e_server_conf - "ProxyArp = yes" "[User root]" "Address = $PROXY_IP"
# The LAN host may not use its route for the tunnel range: only ARP helps.
in_lan ip route del 198.18.255.0/24
check "proxyarp: pppssh up exits 0" e2e_up "$NS_CLI" "$CONF"
echo "    (up took $E2E_UP_MS ms)"
check "proxyarp: client got the LAN address $PROXY_IP" \
    test "$(e2e_tun_addr "$NS_CLI" "$IF")" = "$PROXY_IP"
check "proxyarp: LAN host pings the client's address $PROXY_IP" e2e_ping "$NS_LAN" "$PROXY_IP"
check "proxyarp: the LAN host learnt $PROXY_IP as a neighbour (server's MAC)" \
    bash -c "ip -n $NS_LAN neigh show $PROXY_IP | grep -q lladdr"
check "proxyarp: client pings LAN host $LAN_HOST_IP" e2e_ping "$NS_CLI" "$LAN_HOST_IP"
check "proxyarp: pppssh down exits 0" e2e_down "$NS_CLI" "$CONF"
check "proxyarp: client: $IF is gone" wait_gone ip -n "$NS_CLI" link show "$IF"
proxy_entry_left() {
    ip -n "$NS_SRV" neigh show proxy | grep -q "$PROXY_IP" ||
        [ "$(ip netns exec "$NS_SRV" sysctl -n net.ipv4.conf.v-lan.proxy_arp)" = 1 ] &&
        ip -n "$NS_SRV" route show "$PROXY_IP" | grep -q .
}
check "proxyarp: server: no proxy entry or route for $PROXY_IP left" wait_gone proxy_entry_left

e2e_summary
