#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-clients.sh - three clients at once on one server, each its own key
# and [User] entry (forced command `pppssh serve --user NAME`):
#   alice  static Address 198.18.255.2, her office 198.19.1.0/24 routed
#   bob    no Address: one from the Pool
#   carol  static 198.18.255.3
# All three come up together (in parallel) with distinct addresses and
# reach the server.  Spoofing: packets a client sends with a source that
# is neither its address nor its routed networks (an unrelated address,
# or another client's) never reach the head-office LAN (counted there by
# a packet socket) and the server counts them (spoofed= in its
# accounting line); a source in alice's routed office is let through.
# (A client asking for another user's address: test-clients-foreign.sh.)
#   PPPSSH=/abs/path/pppssh tests/e2e/test-clients.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_bed_setup
e2e_transport_bridge
NS_A=$NS_CLI
e2e_client bob 198.18.0.12
NS_B=$E2E_LAST_NS
e2e_client carol 198.18.0.13
NS_C=$E2E_LAST_NS
e2e_office "$NS_A" 1
A_IP=198.18.255.2 C_IP=198.18.255.3

e2e_server_conf 198.18.255.100-198.18.255.110 \
    "[User alice]" "Address = $A_IP" "Route = 198.19.1.0/24" \
    "[User bob]" \
    "[User carol]" "Address = $C_IP"
for u in alice bob carol; do e2e_user "$u"; done
e2e_conf_user "$E2E_TMP/alice.conf" alice "Interface = e2ea" "Route = 198.19.0.0/24"
e2e_conf_user "$E2E_TMP/bob.conf" bob "Interface = e2eb" "Route = 198.19.0.0/24"
e2e_conf_user "$E2E_TMP/carol.conf" carol "Interface = e2ec" "Route = 198.19.0.0/24"

# All three at once.
for u in alice bob carol; do
    case $u in alice) ns=$NS_A ;; bob) ns=$NS_B ;; carol) ns=$NS_C ;; esac
    timeout "$E2E_UP_TIMEOUT" ip netns exec "$ns" "$PPPSSH" up -c "$E2E_TMP/$u.conf" \
        >"$E2E_TMP/up-$u.out" 2>&1 &
    eval "pid_$u=\$!"
done
for u in alice bob carol; do
    eval "wait \$pid_$u"
    rc=$?
    check "$u: pppssh up exits 0" test "$rc" = 0
    [ "$rc" = 0 ] || { cat "$E2E_TMP/up-$u.out"; e2e_serve_log; }
done

a=$(e2e_tun_addr "$NS_A" e2ea) b=$(e2e_tun_addr "$NS_B" e2eb) c=$(e2e_tun_addr "$NS_C" e2ec)
echo "    addresses: alice=$a bob=$b carol=$c"
check "alice has her static address $A_IP" test "$a" = "$A_IP"
check "bob has an address from the pool (198.18.255.100-110)" \
    bash -c "case '$b' in 198.18.255.10[0-9]|198.18.255.110) exit 0;; esac; exit 1"
check "carol has her static address $C_IP" test "$c" = "$C_IP"
check "the three addresses are distinct" \
    test "$(printf '%s\n' "$a" "$b" "$c" | sort -u | grep -c .)" = 3
check "alice pings the server's tunnel end" e2e_ping "$NS_A" "$TUN_SRV_IP"
check "bob pings the server's tunnel end" e2e_ping "$NS_B" "$TUN_SRV_IP"
check "carol pings the server's tunnel end" e2e_ping "$NS_C" "$TUN_SRV_IP"
check "bob pings the head-office LAN host" e2e_ping "$NS_B" "$LAN_HOST_IP"

# sniffed_from NS SRC SOURCE_NS: ping the LAN host from SOURCE_NS with
# source address SRC (3 echoes); print how many packets from SRC the LAN
# host's interface saw.
sniffed_from() {
    e2e_sniff_start "$NS_LAN" v-srv "$1" 3 || { echo sniffer-not-ready; return; }
    ip netns exec "$2" ping -c 3 -i 0.2 -W 1 -I "$1" "$LAN_HOST_IP" >/dev/null 2>&1
    e2e_sniff_count v-srv
}

# Control: alice's own tunnel address does reach the LAN (so the counter
# would see a spoofed one if it got through).
n=$(sniffed_from "$A_IP" "$NS_A")
check "control: packets from alice's own address reach the LAN ($n seen)" test "$n" -ge 3
n=$(sniffed_from 198.19.1.1 "$NS_A")
check "packets from alice's routed office (198.19.1.1) reach the LAN ($n seen)" test "$n" -ge 3

# Spoofed sources: an address that is nobody's, and alice's from carol.
in_cli ip addr add 198.19.9.9/32 dev lo
n=$(sniffed_from 198.19.9.9 "$NS_A")
check "spoofed source 198.19.9.9 from alice never reaches the LAN ($n seen)" test "$n" = 0
ip -n "$NS_C" addr add "$A_IP/32" dev lo
n=$(sniffed_from "$A_IP" "$NS_C")
check "carol sending as alice ($A_IP) never reaches the LAN ($n seen)" test "$n" = 0

for u in alice bob carol; do
    case $u in alice) ns=$NS_A ;; bob) ns=$NS_B ;; carol) ns=$NS_C ;; esac
    check "$u: pppssh down exits 0" e2e_down "$ns" "$E2E_TMP/$u.conf"
done
for u in alice bob carol; do
    check "$u: the server wrote an accounting line" \
        e2e_wait_file_text "$E2E_TMP/serve-$u.log" "spoofed=" 10
done
spoofed() { sed -n 's/.*spoofed=\([0-9]*\).*/\1/p' "$E2E_TMP/serve-$1.log" | tail -n1; }
echo "    accounting: $(grep -h 'spoofed=' "$E2E_TMP"/serve-*.log | tr '\n' ' ')"
check "server counted alice's spoofed packets (spoofed=$(spoofed alice) >= 3)" \
    test "$(spoofed alice)" -ge 3
check "server counted carol's spoofed packets (spoofed=$(spoofed carol) >= 3)" \
    test "$(spoofed carol)" -ge 3
check "bob sent nothing spoofed (spoofed=$(spoofed bob))" test "$(spoofed bob)" = 0
check "accounting names the users" \
    bash -c "grep -q 'user=alice' '$E2E_TMP/serve-alice.log' && grep -q 'user=bob' '$E2E_TMP/serve-bob.log'"

e2e_summary
