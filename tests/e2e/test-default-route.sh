#!/bin/sh
# test-default-route.sh - Route = 0.0.0.0/0: everything goes through the
# tunnel except the SSH server itself, kept outside by policy rules
# (pppssh.8, ROUTING); the tunnel keeps working, and down removes the rules
# and the table.
. "$(dirname "$0")/lib.sh"
e2e_setup

NAME=$(printf '%.12s' "dr$E2E_ID")
e2e_server_conf 198.18.255.100-198.18.255.120 "[User root]"
e2e_serve_args
e2e_conf "$E2E_TMP/$NAME.conf" "Interface = $NAME" "Route = 0.0.0.0/0"
# The client's own default route on the transport, as on a real host: the
# tunnel must not steal the server's address from it.
in_cli ip route add default via "$SRV_IP"
rules_before=$(in_cli ip rule | wc -l)

check "pppssh up with a default route" in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf"
check "the SSH server is still reached outside the tunnel" \
    sh -c "ip netns exec $NS_CLI ip route get $SRV_IP | grep -q 'dev v-srv'"
check "everything else goes through the tunnel" \
    sh -c "ip netns exec $NS_CLI ip route get 198.19.0.2 | grep -q 'dev $NAME'"
check "a rule keeps the server in main" sh -c "ip netns exec $NS_CLI ip rule | grep -q 'to $SRV_IP lookup main'"
check "ping the LAN host through the default route" in_cli ping -c 2 -i 0.2 -W 2 "$LAN_HOST_IP"
check "the tunnel still answers status (ssh not captured)" sh -c "'$PPPSSH' status $NAME | grep -q '^state: up'"
check "pppssh down" "$PPPSSH" down "$NAME"
check "the rules are gone" test "$(in_cli ip rule | wc -l)" = "$rules_before"
check "the main default route is untouched" \
    sh -c "ip netns exec $NS_CLI ip route show default | grep -q 'via $SRV_IP dev v-srv'"
check_not "no route in the tunnel's table is left" \
    sh -c "ip netns exec $NS_CLI ip route show table all | grep -q '$NAME'"

e2e_summary
