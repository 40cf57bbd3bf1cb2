#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-clients-foreign.sh - a client asking for another user's address
# gets its own: carol (static 198.18.255.3) configures LocalAddress =
# 198.18.255.2, alice's; the server Naks it with 198.18.255.3 (RFC 1332
# section 3.3) and the link comes up only with the address the server
# gave, the same on both ends (or, if the client insists, fails to come
# up with a clear reason - never up with addresses the ends disagree on).
#   PPPSSH=/abs/path/pppssh tests/e2e/test-clients-foreign.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_bed_setup
A_IP=198.18.255.2 C_IP=198.18.255.3
e2e_server_conf 198.18.255.100-198.18.255.110 \
    "[User alice]" "Address = $A_IP" \
    "[User carol]" "Address = $C_IP"
e2e_user carol
e2e_conf_user "$E2E_TMP/carol.conf" carol "Interface = e2ec" "LocalAddress = $A_IP"
check "carol: pppssh up exits 0" e2e_up "$NS_CLI" "$E2E_TMP/carol.conf"
c=$(e2e_tun_addr "$NS_CLI" e2ec)
srv_remote=$(ip -n "$NS_SRV" -4 -o addr show | awk '/peer/ {print $6}' | cut -d/ -f1 | head -n1)
echo "    carol's interface: $c; the server's peer address: $srv_remote"
check "carol asked for alice's address and got her own $C_IP" test "$c" = "$C_IP"
check "the server's tunnel has carol's address as its peer" test "$srv_remote" = "$C_IP"
check "carol pings the server's tunnel end" e2e_ping "$NS_CLI" "$TUN_SRV_IP"
check "carol: pppssh down exits 0" e2e_down "$NS_CLI" "$E2E_TMP/carol.conf"
[ "$E2E_FAILED" = 0 ] || e2e_serve_log
e2e_summary
