#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-ipv6-ll.sh - each end of the tunnel has exactly one link-local
# address, the one formed from the interface identifier IPV6CP negotiated
# (RFC 5072 section 5), not also one the kernel made by itself.
#   PPPSSH=/abs/path/pppssh tests/e2e/test-ipv6-ll.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_ipv6_setup
e2e_ipv6_up
# RFC 5072 section 5: the link-local address is formed from the negotiated
# identifier; a second, kernel-made one (addr_gen_mode) would be used as a
# source the peer never agreed to.
one_ll() { [ "$(ip -n "$1" -6 -o addr show dev "$2" scope link | grep -c .)" = 1 ]; }
check "client: exactly one link-local address on $V6_IF (the negotiated one)" one_ll "$NS_CLI" "$V6_IF"
check "server: exactly one link-local address on its tunnel" one_ll "$NS_SRV" "$V6_SRV_IF"
ip -n "$NS_CLI" -6 -o addr show dev "$V6_IF" scope link | sed 's/^/    client| /'
ip -n "$NS_SRV" -6 -o addr show dev "$V6_SRV_IF" scope link | sed 's/^/    server| /'
check "pppssh down exits 0" e2e_down "$NS_CLI" "$V6_CONF"
e2e_summary
