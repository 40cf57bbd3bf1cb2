#!/bin/sh
# test-peer-filter.sh - a hostile peer's packets through the real sshd,
# both ways: the client's transport (ppp-inject.py around ssh) slips
# crafted frames into the session once the link is up, first towards the
# server (a hostile client), then towards the client (a hostile server):
# an IPv6 echo inside an IPv4 (0x0021) frame, an IPv4 echo inside an IPv6
# (0x0057) frame, a Router Advertisement (for fd00:5353:99::/64, router
# lifetime 9000 s) in both, an ICMP Redirect, then one honest IPv6 echo.
# Each kernel must have received the honest echo alone: its ICMP counters
# (/proc/net/snmp, snmp6) and routes, `pppssh status` (filtered:) and
# serve's accounting line (filtered=) say so.
. "$(dirname "$0")/lib.sh"
e2e_ipv6_setup

SPOOL=$E2E_TMP/spool
mkdir -p "$SPOOL"
cat >"$E2E_TMP/transport" <<SH
#!/bin/sh
exec python3 $(cd "$(dirname "$0")" && pwd)/ppp-inject.py $SPOOL \
    ssh -T -i $E2E_TMP/client_key -o UserKnownHostsFile=$E2E_TMP/known_hosts \
    -o StrictHostKeyChecking=yes -o ConnectTimeout=5 root@$SRV_IP
SH
chmod 755 "$E2E_TMP/transport"
cat >"$V6_CONF" <<CONF
[Tunnel]
Command = exec $E2E_TMP/transport
Interface = $V6_IF
Address6 = $V6_CLI/64
CONF
chmod 600 "$V6_CONF"

e2e_ipv6_up
[ "$E2E_FAILED" -eq 0 ] || { e2e_summary; exit 1; }
check "IPv6 crosses the tunnel" in_cli ping -6 -c 1 -W 3 "$V6_SRV"
CLI4=$(e2e_tun_addr "$NS_CLI" "$V6_IF")

# snmp NS KEY: a counter of namespace NS (Icmp6InEchos, or an IPv4
# "Icmp:" one such as InRedirects).
snmp() {
    ip netns exec "$1" awk -v k="$2" '
        $1 == k { print $2; exit }
        $1 == "Icmp:" && !n { n = split($0, name); next }
        $1 == "Icmp:" { for (i = 2; i <= n; i++) if (name[i] == k) { print $i; exit } }
    ' /proc/net/snmp6 /proc/net/snmp
}

# hostile TO NS OWN6 OWN4 PEER6 PEER4: slip the hostile frames and then
# one honest IPv6 echo to the end in NS (TO: far = the server, near = the
# client) from its peer's addresses; check that its kernel got the
# honest echo alone and no route from the RA.
hostile() {
    h_ns=$2 h_who=server
    [ "$1" = far ] || h_who=client
    echos6=$(snmp "$h_ns" Icmp6InEchos) echos4=$(snmp "$h_ns" InEchos)
    ras=$(snmp "$h_ns" Icmp6InRouterAdvertisements) redirects=$(snmp "$h_ns" InRedirects)
    cat >"$SPOOL/$1.tmp" <<FRAMES
$1 0021 echo6 $5 $3
$1 0057 echo4 $6 $4
$1 0057 ra fe80::99 ff02::1
$1 0021 ra fe80::99 ff02::1
$1 0021 redirect4 $6 $4
$1 0057 echo6 $5 $3
FRAMES
    mv "$SPOOL/$1.tmp" "$SPOOL/$1.frames"
    # The honest echo comes last: once it has arrived, so has the rest.
    no_echo_yet() { test "$(snmp "$h_ns" Icmp6InEchos)" = "$echos6"; }
    check "$h_who: the honest IPv6 echo (0x0057) arrived" wait_gone no_echo_yet
    sleep 0.3
    check "$h_who: no IPv6 echo from an IPv4 frame (Icmp6InEchos $echos6 -> $(snmp "$h_ns" Icmp6InEchos))" \
        test "$(snmp "$h_ns" Icmp6InEchos)" -eq $((echos6 + 1))
    check "$h_who: no IPv4 echo from an IPv6 frame (InEchos $echos4 -> $(snmp "$h_ns" InEchos))" \
        test "$(snmp "$h_ns" InEchos)" -eq "$echos4"
    check "$h_who: no Router Advertisement ($ras -> $(snmp "$h_ns" Icmp6InRouterAdvertisements))" \
        test "$(snmp "$h_ns" Icmp6InRouterAdvertisements)" -eq "$ras"
    check "$h_who: no ICMP Redirect ($redirects -> $(snmp "$h_ns" InRedirects))" \
        test "$(snmp "$h_ns" InRedirects)" -eq "$redirects"
    check_not "$h_who: no route to the advertised prefix" \
        sh -c "ip -n $h_ns -6 route show | grep -q 'fd00:5353:99::'"
    check_not "$h_who: no default route from an RA" \
        sh -c "ip -n $h_ns -6 route show default | grep -q ."
}

hostile far "$NS_SRV" "$V6_SRV" "$TUN_SRV_IP" "$V6_CLI" "$CLI4"
hostile near "$NS_CLI" "$V6_CLI" "$CLI4" "$V6_SRV" "$TUN_SRV_IP"
check "the link is still up and carries IPv6" in_cli ping -6 -c 1 -W 3 "$V6_SRV"
check "the client counted what it refused" \
    sh -c "'$PPPSSH' status $V6_IF | grep -Eq '^filtered: 3 wrong IP version, 0 closed NCP, 0 unreadable, 0 spoofed source, ([2-9]|[1-9][0-9]+) router messages, 0 bad offload'"

check "pppssh down" e2e_down "$NS_CLI" "$V6_CONF"
e2e_wait_file_text "$E2E_TMP/serve.log" "filtered=" 5
filtered=$(sed -n 's/.*session user=root .*filtered=\([0-9]*\).*/\1/p' "$E2E_TMP/serve.log" | tail -n1)
check "serve counted the 5 hostile packets (filtered=$filtered)" test "${filtered:-0}" -ge 5
[ "$E2E_FAILED" -eq 0 ] || e2e_serve_log

e2e_summary
