#!/bin/sh
# test-ipv6.sh - IPV6CP: both ends get fe80::IFID link-locals and the
# configured fd00:5353::/64 addresses; ping6 across, both ways.
. "$(dirname "$0")/lib.sh"
e2e_setup

NAME=$(printf '%.12s' "v6$E2E_ID")
e2e_server_conf - "Address6 = fd00:5353::1/64" \
    "[User e2e]" "Address = 198.18.255.2" "Address6 = fd00:5353::2/64"
e2e_serve_args --user e2e
e2e_conf "$E2E_TMP/$NAME.conf" "Interface = $NAME" "Address6 = fd00:5353::2/64"

check "pppssh up" in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf"
# IPV6CP may finish a moment after IPCP, which is what up waits for.
check "client has a fe80:: link-local" \
    wait_gone sh -c "! ip netns exec $NS_CLI ip -6 addr show dev $NAME | grep -q 'inet6 fe80::'"
check "client has fd00:5353::2/64" \
    wait_gone sh -c "! ip netns exec $NS_CLI ip -6 addr show dev $NAME | grep -q 'fd00:5353::2/64'"
check "ping6 the server's end fd00:5353::1" in_cli ping -6 -c 2 -i 0.2 -W 2 fd00:5353::1
check "ping6 the client from the server" in_srv ping -6 -c 2 -i 0.2 -W 2 fd00:5353::2
check "status shows local6" sh -c "'$PPPSSH' status $NAME | grep -q '^local6: fe80::'"
check "pppssh down" "$PPPSSH" down "$NAME"
check "server interface is gone" wait_gone in_srv ip link show pppssh-e2e

e2e_summary
