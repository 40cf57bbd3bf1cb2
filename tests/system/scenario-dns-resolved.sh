# scenario-dns-resolved.sh - UsePeerDNS = yes through systemd-resolved
# (sourced by run.sh).  The host side's serve hands out 198.18.255.54;
# the guest's LAN resolver (eth0, systemd-networkd) is 198.18.0.53.
# shellcheck shell=sh

tunnel_conf dns "UsePeerDNS = yes"
check "dns-resolved: systemctl start pppssh@dns" vm "timeout 100 systemctl start pppssh@dns"
# READY=1 comes once resolvectl is done (tests/e2e/test-dns-ready.sh): the
# resolver must be in place the moment systemctl start returns, no wait.
check "dns-resolved: the server's resolver becomes the link's (resolvectl dns dns)" \
    vm "resolvectl dns dns | grep -Eqx 'Link [0-9]+ \(dns\): 198\.18\.255\.54'"
check "dns-resolved: every lookup may go through it (routing domain ~.)" \
    vm_says "resolvectl domain dns" "^Link [0-9]+ \(dns\): ~\.$"
check "dns-resolved: the LAN's resolver stays on eth0" \
    vm_says "resolvectl dns eth0" "198\.18\.0\.53"
check "dns-resolved: stop" vm "timeout 30 systemctl stop pppssh@dns"
check_not "dns-resolved: after stop systemd-resolved has no 198.18.255.54" \
    vm "resolvectl dns | grep 198.18.255.54"
check_not "dns-resolved: ... and no link dns" vm "ip link show dns"
