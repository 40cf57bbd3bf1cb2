#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-ipv6-off.sh - IPv6 that cannot work on the tunnel never takes IPv4
# down, on either end.  Two cases, both from old setups that still exist:
#  - a peer MRU below 1280 (the HOWTOs' `mru 1200`): the kernel has no IPv6
#    on such an interface (RFC 8200 section 5);
#  - a client host with IPv6 disabled (net.ipv6.conf.*.disable_ipv6=1, in
#    the client's own namespace only);
#  - and any IPv6 change the kernel refuses once IPV6CP is open (here a
#    Route that another interface holds already).
# Each time: `up` exits 0, IPv4 crosses and still does a while later (the
# link stayed up), no IPv6 address is on either tunnel interface, and
# `pppssh status` says why IPv6 is off.
#   PPPSSH=/abs/path/pppssh tests/e2e/test-ipv6-off.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_ipv6_setup   # the server runs IPv6: Address6 for itself and for root

no_inet6() { ! ip -n "$1" -6 -o addr show dev "$2" | grep -q inet6; }

# still_up NS CONF IF: a while after up, the link is still there: IPv4
# crosses, both interfaces exist, both have no IPv6 address.
still_up() {
    sleep 2   # IPV6CP settles within milliseconds of IPCP
    srv_if=$(e2e_srv_tunnel)
    check "$1: IPv4 still crosses 2 s later (the link stayed up)" e2e_ping "$NS_CLI" "$TUN_SRV_IP"
    check "$1: the server's tunnel is still there" test -n "$srv_if"
    check "$1: no IPv6 address on the client's $2" no_inet6 "$NS_CLI" "$2"
    check "$1: no IPv6 address on the server's tunnel" no_inet6 "$NS_SRV" "${srv_if:-none}"
}

# --- a peer MRU of 1200 (the client asks for it: MTU = 1200) ---
LOW=$E2E_TMP/e2elow.conf
e2e_conf "$LOW" "Interface = e2elow" "MTU = 1200"
check "MRU 1200: pppssh up exits 0" e2e_up "$NS_CLI" "$LOW"
check "MRU 1200: ping the server's end" e2e_ping "$NS_CLI" "$TUN_SRV_IP"
still_up "MRU 1200" e2elow
in_cli "$PPPSSH" status e2elow >"$E2E_TMP/status" 2>&1
check "MRU 1200: status says IPv6 is off for the MTU" \
    grep -q '^ipv6: off (the link MTU 1200 is below' "$E2E_TMP/status"
check "MRU 1200: pppssh down exits 0" e2e_down "$NS_CLI" "$LOW"
srv_tunnel_exists() { test -n "$(e2e_srv_tunnel)"; }
check "MRU 1200: the server's tunnel is gone" wait_gone srv_tunnel_exists

# --- an IPv6 change the kernel refuses once IPV6CP is open ---
# The client's Route fd00:5353:1::/64 is taken already (by v-srv): IPv6 is
# given up, its addresses are taken off again, and IPv4 stays.
in_cli ip -6 route add fd00:5353:1::/64 dev v-srv
check "route taken: pppssh up exits 0" e2e_up "$NS_CLI" "$V6_CONF"
check "route taken: ping the server's end" e2e_ping "$NS_CLI" "$TUN_SRV_IP"
still_up "route taken" "$V6_IF"
in_cli "$PPPSSH" status "$V6_IF" >"$E2E_TMP/status" 2>&1
check "route taken: status says which change failed" \
    grep -q '^ipv6: off (cannot add route fd00:5353:1::/64 dev' "$E2E_TMP/status"
check "route taken: pppssh down exits 0" e2e_down "$NS_CLI" "$V6_CONF"
check "route taken: the other route is still there" \
    bash -c "ip -n $NS_CLI -6 route show fd00:5353:1::/64 | grep -q 'dev v-srv'"
in_cli ip -6 route del fd00:5353:1::/64 dev v-srv

# --- IPv6 disabled on the client host (its namespace only) ---
in_cli sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
check "disabled IPv6: pppssh up (with Address6) exits 0" e2e_up "$NS_CLI" "$V6_CONF"
check "disabled IPv6: ping the server's end" e2e_ping "$NS_CLI" "$TUN_SRV_IP"
still_up "disabled IPv6" "$V6_IF"
in_cli "$PPPSSH" status "$V6_IF" >"$E2E_TMP/status" 2>&1
check "disabled IPv6: status says IPv6 is disabled" \
    grep -q "^ipv6: off (IPv6 is disabled on $V6_IF" "$E2E_TMP/status"
check "disabled IPv6: up said nothing of CAP_NET_ADMIN" \
    bash -c "! grep -q CAP_NET_ADMIN '$E2E_TMP/up.out'"
check "disabled IPv6: pppssh down exits 0" e2e_down "$NS_CLI" "$V6_CONF"
[ "$E2E_FAILED" = 0 ] || { sed 's/^/    status| /' "$E2E_TMP/status"; e2e_serve_log; }
e2e_summary
