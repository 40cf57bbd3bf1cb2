#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-ipv6-ll.sh - each end of the tunnel has exactly one link-local
# address, the one formed from the interface identifier IPV6CP negotiated
# (RFC 5072 section 5), not also one the kernel made by itself.
#   PPPSSH=/abs/path/pppssh tests/e2e/test-ipv6-ll.sh
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
srv_if=$(ip -n "$NS_SRV" -o link show | awk -F': ' '$2 ~ /^pppssh/ {print $2; exit}')
# RFC 5072 section 5: the link-local address is formed from the negotiated
# identifier; a second, kernel-made one (addr_gen_mode) would be used as a
# source the peer never agreed to.
one_ll() { [ "$(ip -n "$1" -6 -o addr show dev "$2" scope link | grep -c .)" = 1 ]; }
check "client: exactly one link-local address on $IF (the negotiated one)" one_ll "$NS_CLI" "$IF"
check "server: exactly one link-local address on its tunnel" one_ll "$NS_SRV" "$srv_if"
ip -n "$NS_CLI" -6 -o addr show dev "$IF" scope link | sed 's/^/    client| /'
ip -n "$NS_SRV" -6 -o addr show dev "$srv_if" scope link | sed 's/^/    server| /'
check "pppssh down exits 0" x_down "$NS_CLI" "$c"
e2e_summary
