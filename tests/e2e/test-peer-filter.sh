#!/bin/sh
# test-peer-filter.sh - a hostile client's packets through the real sshd:
# its transport (ppp-inject.py around ssh) slips crafted frames into the
# session once the link is up: an IPv6 echo inside an IPv4 (0x0021) frame,
# an IPv4 echo inside an IPv6 (0x0057) frame, a Router Advertisement (for
# fd00:5353:99::/64, router lifetime 9000 s) in both, an ICMP Redirect,
# then one honest IPv6 echo.  The server's kernel must have received the
# honest echo alone: its ICMP counters (/proc/net/snmp, snmp6), its routes,
# and serve's accounting line (filtered=) say so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-extra.sh"
x_ipv6_setup

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

x_ipv6_up
[ "$E2E_FAILED" -eq 0 ] || { e2e_summary; exit 1; }
check "IPv6 crosses the tunnel" in_cli ping -6 -c 1 -W 3 "$V6_SRV"
CLI4=$(x_tun_addr "$NS_CLI" "$V6_IF")

# snmp KEY: a counter of the server's namespace (Icmp6InEchos, or an
# IPv4 "Icmp:" one such as InRedirects).
snmp() {
    in_srv awk -v k="$1" '
        $1 == k { print $2; exit }
        $1 == "Icmp:" && !n { n = split($0, name); next }
        $1 == "Icmp:" { for (i = 2; i <= n; i++) if (name[i] == k) { print $i; exit } }
    ' /proc/net/snmp6 /proc/net/snmp
}
echos6=$(snmp Icmp6InEchos) echos4=$(snmp InEchos)
ras=$(snmp Icmp6InRouterAdvertisements) redirects=$(snmp InRedirects)

cat >"$SPOOL/1.tmp" <<FRAMES
0021 echo6 $V6_CLI $V6_SRV
0057 echo4 $CLI4 $TUN_SRV_IP
0057 ra fe80::2 ff02::1
0021 ra fe80::2 ff02::1
0021 redirect4 $CLI4 $TUN_SRV_IP
0057 echo6 $V6_CLI $V6_SRV
FRAMES
mv "$SPOOL/1.tmp" "$SPOOL/1.frames"
# The honest echo comes last: once it has arrived, so has everything else.
no_echo_yet() { test "$(snmp Icmp6InEchos)" = "$echos6"; }
check "the honest IPv6 echo (0x0057) reached the server" wait_gone no_echo_yet
sleep 0.3
check "the IPv6 echo in an IPv4 frame was not delivered (Icmp6InEchos $echos6 -> $(snmp Icmp6InEchos))" \
    test "$(snmp Icmp6InEchos)" -eq $((echos6 + 1))
check "the IPv4 echo in an IPv6 frame was not delivered (InEchos $echos4 -> $(snmp InEchos))" \
    test "$(snmp InEchos)" -eq "$echos4"
check "no Router Advertisement was delivered ($ras -> $(snmp Icmp6InRouterAdvertisements))" \
    test "$(snmp Icmp6InRouterAdvertisements)" -eq "$ras"
check "no ICMP Redirect was delivered ($redirects -> $(snmp InRedirects))" \
    test "$(snmp InRedirects)" -eq "$redirects"
check_not "the server has no route to the advertised prefix" \
    sh -c "ip -n $NS_SRV -6 route show | grep -q 'fd00:5353:99::'"
check_not "the server has no default route from an RA" \
    sh -c "ip -n $NS_SRV -6 route show default | grep -q ."
check "the link is still up and carries IPv6" in_cli ping -6 -c 1 -W 3 "$V6_SRV"

check "pppssh down" x_down "$NS_CLI" "$V6_CONF"
x_wait_file_text "$E2E_TMP/serve.log" "filtered=" 5
filtered=$(sed -n 's/.*session user=root .*filtered=\([0-9]*\).*/\1/p' "$E2E_TMP/serve.log" | tail -n1)
check "serve counted the 5 hostile packets (filtered=$filtered)" test "${filtered:-0}" -ge 5
[ "$E2E_FAILED" -eq 0 ] || x_serve_log

e2e_summary
