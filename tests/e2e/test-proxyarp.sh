#!/bin/sh
# test-proxyarp.sh - ProxyArp: a client whose tunnel address lies in the
# head-office LAN (198.19.0.50) is reached by a LAN host with no route of
# its own: the server answers ARP for it on its LAN interface (a proxy
# neighbour entry, removed when the session ends).
. "$(dirname "$0")/lib.sh"
e2e_setup

NAME=$(printf '%.12s' "pa$E2E_ID")
e2e_server_conf - "ProxyArp = yes" "[User e2e]" "Address = 198.19.0.50"
e2e_serve_args --user e2e
e2e_conf "$E2E_TMP/$NAME.conf" "Interface = $NAME" "Route = 198.19.0.0/24"
# No route back: the LAN host only knows its own subnet.
in_lan ip route del 198.18.255.0/24

check "pppssh up" in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf"
check "the server has a proxy neighbour entry on its LAN interface" \
    sh -c "ip netns exec $NS_SRV ip neigh show proxy | grep -q '198.19.0.50 dev v-lan'"
check "the LAN host pings the client at 198.19.0.50" in_lan ping -c 2 -i 0.2 -W 2 198.19.0.50
check "the client pings the LAN host" in_cli ping -c 2 -i 0.2 -W 2 "$LAN_HOST_IP"
check "pppssh down" "$PPPSSH" down "$NAME"
check "the proxy entry is gone" \
    wait_gone sh -c "ip netns exec $NS_SRV ip neigh show proxy | grep -q 198.19.0.50"

e2e_summary
