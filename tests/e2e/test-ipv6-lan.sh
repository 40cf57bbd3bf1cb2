#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-ipv6-lan.sh - IPv6 through the tunnel: IPV6CP comes up (RFC 5072), both
# ends get link-local addresses from the negotiated interface identifiers,
# the configured fd00:5353::/64 addresses are set, and ping6 works across
# at once (`up` returns only when usable: no DAD wait), to the link-local
# peer, the server's fd00:5353::1 and a host on the head-office LAN
# fd00:5353:1::/64 routed through the tunnel; TCP to and from that host
# crosses as segmentation-offloaded packets (TSO6) both ways.
#   PPPSSH=/abs/path/pppssh tests/e2e/test-ipv6-lan.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_ipv6_setup
e2e_ipv6_up
cli_ll=$(ip -n "$NS_CLI" -6 -o addr show dev "$V6_IF" scope link | awk '{print $4}' | cut -d/ -f1 | head -n1)
srv_ll=$(ip -n "$NS_SRV" -6 -o addr show dev "$V6_SRV_IF" scope link 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n1)
echo "    client $V6_IF: $cli_ll; server $V6_SRV_IF: $srv_ll"
check "client has a link-local address on $V6_IF" test -n "$cli_ll"
check "server has a link-local address on its tunnel" test -n "$srv_ll"
check "the two link-local addresses differ (distinct interface identifiers)" test "$cli_ll" != "$srv_ll"
check "client has $V6_CLI/64 on $V6_IF" \
    bash -c "ip -n $NS_CLI -6 -o addr show dev $V6_IF | grep -q 'inet6 $V6_CLI/64'"
check "no address is still tentative (DAD) once up returned" \
    bash -c "! ip -n $NS_CLI -6 -o addr show dev $V6_IF | grep -q tentative"
check "client: route to fd00:5353:1::/64 through $V6_IF" \
    bash -c "ip -n $NS_CLI -6 route show fd00:5353:1::/64 | grep -q 'dev $V6_IF'"
check "ping6 the server's link-local address" e2e_ping "$NS_CLI" "$srv_ll%$V6_IF"
check "ping6 the server's tunnel end $V6_SRV" e2e_ping "$NS_CLI" "$V6_SRV"
check "ping6 the LAN host $V6_LAN_HOST" e2e_ping "$NS_CLI" "$V6_LAN_HOST"
check "the LAN host pings6 the client $V6_CLI" e2e_ping "$NS_LAN" "$V6_CLI"

# TCP over IPv6 both ways (2 s each): both ends are pppssh, so it crosses
# as segmentation-offloaded packets (TSO6) of several segments each.
ip netns exec "$NS_LAN" iperf3 -s -1 -B "$V6_LAN_HOST" >"$E2E_TMP/iperf3-s.log" 2>&1 &
E2E_PIDS="$E2E_PIDS $!"
ip netns exec "$NS_LAN" iperf3 -s -1 -p 5202 -B "$V6_LAN_HOST" >"$E2E_TMP/iperf3-s2.log" 2>&1 &
E2E_PIDS="$E2E_PIDS $!"
check "iperf3 listens on [$V6_LAN_HOST]:5201" e2e_wait_listen "$NS_LAN" tcp 5201
check "iperf3 listens on [$V6_LAN_HOST]:5202" e2e_wait_listen "$NS_LAN" tcp 5202
check "TCP over IPv6 to the LAN host (2 s)" \
    ip netns exec "$NS_CLI" timeout 20 iperf3 -6 -c "$V6_LAN_HOST" -t 2 -f m
check "TCP over IPv6 from the LAN host (2 s)" \
    ip netns exec "$NS_CLI" timeout 20 iperf3 -6 -c "$V6_LAN_HOST" -p 5202 -t 2 -R -f m
in_cli "$PPPSSH" status "$V6_IF" >"$E2E_TMP/status" 2>&1
sed 's/^/    status| /' "$E2E_TMP/status"
check "pppssh status shows the IPv6 address" grep -q "$V6_CLI" "$E2E_TMP/status"
avg() { sed -n "s/^$1: \([0-9]*\) bytes, \([0-9]*\) packets/\1 \2/p" "$E2E_TMP/status" | awk '{ print $2 ? int($1 / $2) : 0 }'; }
check "sent packets average several segments ($(avg sent) bytes)" test "$(avg sent)" -gt 4500
check "received packets average several segments ($(avg received) bytes)" \
    test "$(avg received)" -gt 4500

check "pppssh down exits 0" e2e_down "$NS_CLI" "$V6_CONF"
check "client: $V6_IF is gone" wait_gone ip -n "$NS_CLI" link show "$V6_IF"
check "client: no route to fd00:5353:1::/64 left" \
    test -z "$(ip -n "$NS_CLI" -6 route show fd00:5353:1::/64)"
check "server: its tunnel is gone" wait_gone ip -n "$NS_SRV" link show "$V6_SRV_IF"
check "server: no IPv6 route to the client left" \
    wait_gone bash -c "ip -n $NS_SRV -6 route show | grep -q '$V6_CLI'"

e2e_summary
