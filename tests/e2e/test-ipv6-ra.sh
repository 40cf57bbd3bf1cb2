#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-ipv6-ra.sh - neither end of a tunnel takes routing from the other:
#  - a Router Advertisement (fe80:: source, to ff02::1, router lifetime
#    9000, a Prefix Information option with the autonomous flag) written
#    into the tunnel at the far end leaves no `proto ra` route and no
#    autoconfigured address on the receiving end, client or server; the
#    tunnel's accept_ra, accept_redirects, autoconf (and IPv4
#    accept_redirects) read back as 0 on both ends;
#  - the server's Address6 (fd00:5353::1/64) routes no prefix into a
#    user's tunnel: the address of another user, who is offline, is not
#    routed into it.  IPv6 still crosses both ways.
# Neither namespace forwards IPv6, so a kernel that honoured the sysctl
# defaults would act on the RA (accept_ra=1).
#   PPPSSH=/abs/path/pppssh tests/e2e/test-ipv6-ra.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_bed_setup
e2e_server_conf 198.18.255.2-198.18.255.100 "Address6 = fd00:5353::1/64" \
    "[User root]" "Address6 = fd00:5353::2/64" \
    "[User bob]" "Address = 198.18.255.200" "Address6 = fd00:5353::3/64"
CONF=$E2E_TMP/e2era.conf
e2e_conf "$CONF" "Interface = e2era" "Address6 = fd00:5353::2/64"
check "pppssh up exits 0" e2e_up "$NS_CLI" "$CONF"
SRV_IF=$(e2e_srv_tunnel)
# IPV6CP may finish a moment after IPCP, which is what up waits for.
check "client: fd00:5353::2 on e2era" \
    wait_gone bash -c "! ip -n $NS_CLI -6 -o addr show dev e2era | grep -q 'fd00:5353::2/64'"

# --- the sysctls, both ends ---
for end in "$NS_CLI e2era" "$NS_SRV $SRV_IF"; do
    set -- $end
    for key in ipv6/conf/$2/accept_ra ipv6/conf/$2/accept_redirects ipv6/conf/$2/autoconf \
               ipv4/conf/$2/accept_redirects; do
        check "$1: $key is 0" test "$(ip netns exec "$1" cat "/proc/sys/net/$key")" = 0
    done
done

# --- Router Advertisements from the far end ---
# ra_count NS IF SECONDS: count RAs (ICMPv6 type 134) arriving on IF for
# SECONDS; the count goes to $E2E_TMP/ra-IF.count.  Returns once listening.
ra_count_start() {
    out=$E2E_TMP/ra-$2.count
    rm -f "$out" "$out.ready"
    ip netns exec "$1" python3 - "$2" "$3" "$out" <<'PY' &
import select, socket, sys, time
dev, seconds, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x86dd))
s.bind((dev, 0))
open(out + ".ready", "w").close()
count, end = 0, time.monotonic() + seconds
while (left := end - time.monotonic()) > 0:
    if select.select([s], [], [], left)[0]:
        pkt, addr = s.recvfrom(65535)
        # incoming only, next header ICMPv6, type Router Advertisement
        count += addr[2] != socket.PACKET_OUTGOING and len(pkt) > 40 and pkt[6] == 58 and pkt[40] == 134
open(out, "w").write(f"{count}\n")
PY
    RA_PID=$!
    E2E_PIDS="$E2E_PIDS $RA_PID"
    e2e_wait_exists "$out.ready"
}

# send_ra NS IF PREFIX: three RAs out of IF (the kernel fills in the
# link-local source and the checksum), as a router on the link would.
send_ra() {
    ip netns exec "$1" python3 - "$2" "$3" <<'PY'
import socket, struct, sys, time
dev, prefix = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
# RFC 4861 4.2: type 134, hop limit 64, router lifetime 9000 s
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 9000, 0, 0)
# 4.6.2 Prefix Information: /64, on-link and autonomous, valid 1 d, preferred 4 h
ra += struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0)
ra += socket.inet_pton(socket.AF_INET6, prefix)
for _ in range(3):
    s.sendto(ra, ("ff02::1", 0, 0, socket.if_nametoindex(dev)))
    time.sleep(0.1)
PY
}

# ra_ignored LABEL RX_NS RX_IF TX_NS TX_IF PREFIX
ra_ignored() {
    ra_count_start "$2" "$3" 2
    check "$1: the far end sends RAs into the tunnel" send_ra "$4" "$5" "$6"
    wait "$RA_PID" 2>/dev/null
    n=$(cat "$E2E_TMP/ra-$3.count" 2>/dev/null || echo 0)
    # Once the peer's packet filter drops RAs (ICMPv6 133-137) none arrive;
    # the sysctls above are then the second line of defence.
    echo "    ($n RAs reached $3)"
    check "$1: no 'proto ra' route" bash -c "! ip -n $2 -6 route show table all | grep -q 'proto ra'"
    check "$1: no default route" bash -c "! ip -n $2 -6 route show default | grep -q ."
    check "$1: no address or route in $6/64" \
        bash -c "! ip -n $2 -6 addr show | grep -q '${6%::}:' && ! ip -n $2 -6 route show table all | grep -q '${6%::}:'"
}
ra_ignored "server" "$NS_SRV" "$SRV_IF" "$NS_CLI" e2era fd00:5353:98::
ra_ignored "client" "$NS_CLI" e2era "$NS_SRV" "$SRV_IF" fd00:5353:99::

# --- the server's Address6 routes no prefix into root's tunnel ---
check "server: no fd00:5353::/64 route on $SRV_IF" \
    bash -c "! ip -n $NS_SRV -6 route show dev $SRV_IF | grep -q 'fd00:5353::/64'"
check "server: offline bob's fd00:5353::3 is not routed into root's tunnel" \
    bash -c "! ip -n $NS_SRV -6 route get fd00:5353::3 2>/dev/null | grep -q 'dev $SRV_IF'"
check "server: root's own fd00:5353::2 is" \
    bash -c "ip -n $NS_SRV -6 route get fd00:5353::2 | grep -q 'dev $SRV_IF'"
check "ping6 the server's fd00:5353::1" e2e_ping "$NS_CLI" fd00:5353::1
check "the server pings6 root's fd00:5353::2" e2e_ping "$NS_SRV" fd00:5353::2

check "pppssh down exits 0" e2e_down "$NS_CLI" "$CONF"
[ "$E2E_FAILED" = 0 ] || e2e_serve_log
e2e_summary
