#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-ipv6.sh - IPv6 through the tunnel: IPV6CP comes up (RFC 5072), both
# ends get link-local addresses from the negotiated interface identifiers,
# the configured fd00:5353::/64 addresses are set, and ping6 works across
# at once (`up` returns only when usable: no DAD wait), to the link-local
# peer, the server's fd00:5353::1 and a host on the head-office LAN
# fd00:5353:1::/64 routed through the tunnel.
#   PPPSSH=/abs/path/pppssh tests/e2e/test-ipv6.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
. "$HERE/lib-extra.sh"
x_setup
IF=e2ev6
SRV6=fd00:5353::1 CLI6=fd00:5353::2
LAN6_GW=fd00:5353:1::1 LAN6_HOST=fd00:5353:1::2
in_srv ip -6 addr add "$LAN6_GW/64" dev v-lan nodad
in_lan ip -6 addr add "$LAN6_HOST/64" dev v-srv nodad
in_lan ip -6 route add fd00:5353::/64 via "$LAN6_GW"
in_srv sysctl -qw net.ipv6.conf.all.forwarding=1

cat >"$E2E_TMP/server.conf" <<EOF
[Server]
Address = $TUN_SRV_IP
Pool = 198.18.255.2-198.18.255.100
Address6 = $SRV6/64

[User root]
Address6 = $CLI6/64
EOF
c=$E2E_TMP/$IF.conf
x_conf "$c" "Interface = $IF" "Address6 = $CLI6/64" "Route = fd00:5353:1::/64"

check "pppssh up exits 0" x_up "$NS_CLI" "$c"
echo "    (up took $X_MS ms)"
srv_if=$(ip -n "$NS_SRV" -o link show | awk -F': ' '$2 ~ /^pppssh/ {print $2; exit}')
cli_ll=$(ip -n "$NS_CLI" -6 -o addr show dev "$IF" scope link | awk '{print $4}' | cut -d/ -f1 | head -n1)
srv_ll=$(ip -n "$NS_SRV" -6 -o addr show dev "$srv_if" scope link 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n1)
echo "    client $IF: $cli_ll; server $srv_if: $srv_ll"
check "client has a link-local address on $IF" test -n "$cli_ll"
check "server has a link-local address on its tunnel" test -n "$srv_ll"
check "the two link-local addresses differ (distinct interface identifiers)" test "$cli_ll" != "$srv_ll"
# RFC 5072 section 5: the link-local address is formed from the negotiated
# identifier; a second, kernel-made one (addr_gen_mode) would be used as a
# source the peer never agreed to.
one_ll() { [ "$(ip -n "$1" -6 -o addr show dev "$2" scope link | grep -c .)" = 1 ]; }
check "client: exactly one link-local address on $IF (the negotiated one)" one_ll "$NS_CLI" "$IF"
check "server: exactly one link-local address on its tunnel" one_ll "$NS_SRV" "$srv_if"
check "client has $CLI6/64 on $IF" \
    bash -c "ip -n $NS_CLI -6 -o addr show dev $IF | grep -q 'inet6 $CLI6/64'"
check "no address is still tentative (DAD) once up returned" \
    bash -c "! ip -n $NS_CLI -6 -o addr show dev $IF | grep -q tentative"
check "client: route to fd00:5353:1::/64 through $IF" \
    bash -c "ip -n $NS_CLI -6 route show fd00:5353:1::/64 | grep -q 'dev $IF'"
check "ping6 the server's link-local address" x_ping "$NS_CLI" "$srv_ll%$IF"
check "ping6 the server's tunnel end $SRV6" x_ping "$NS_CLI" "$SRV6"
check "ping6 the LAN host $LAN6_HOST" x_ping "$NS_CLI" "$LAN6_HOST"
check "the LAN host pings6 the client $CLI6" x_ping "$NS_LAN" "$CLI6"
in_cli "$PPPSSH" status "$IF" >"$E2E_TMP/status" 2>&1
sed 's/^/    status| /' "$E2E_TMP/status"
check "pppssh status shows the IPv6 address" grep -q "$CLI6" "$E2E_TMP/status"

check "pppssh down exits 0" x_down "$NS_CLI" "$c"
check "client: $IF is gone" wait_gone ip -n "$NS_CLI" link show "$IF"
check "client: no route to fd00:5353:1::/64 left" \
    test -z "$(ip -n "$NS_CLI" -6 route show fd00:5353:1::/64)"
check "server: its tunnel is gone" wait_gone ip -n "$NS_SRV" link show "$srv_if"
check "server: no IPv6 route to the client left" \
    wait_gone bash -c "ip -n $NS_SRV -6 route show | grep -q '$CLI6'"

e2e_summary
