# scenario-dns-resolvconf.sh - UsePeerDNS = yes through Debian's resolvconf
# (sourced by run.sh; last, since it replaces systemd-resolved for the rest
# of the boot).  The LAN's resolver, 198.18.0.53, is registered as
# ifupdown registers a static interface's (eth0.inet); the server's,
# 198.18.255.54, must come before it in /etc/resolv.conf while the tunnel
# is up, and be gone after.
# shellcheck shell=sh

check "dns-resolvconf: systemd-resolved purged, resolvconf installed (dpkg)" \
    vm "systemctl stop systemd-resolved && dpkg --purge systemd-resolved >/tmp/dpkg.log 2>&1 &&
        dpkg -i /var/local/debs/*.deb >>/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; exit 1; }"
check "dns-resolvconf: the LAN's resolver through resolvconf (eth0.inet)" \
    vm "echo 'nameserver 198.18.0.53' | resolvconf -a eth0.inet && grep -x 'nameserver 198.18.0.53' /etc/resolv.conf"
check "dns-resolvconf: systemctl start pppssh@dns" vm "timeout 100 systemctl start pppssh@dns"
# READY=1 comes once resolvconf is done (tests/e2e/test-dns-ready.sh): the
# resolver must be in place the moment systemctl start returns, no wait.
check "dns-resolvconf: the server's resolver becomes the first nameserver in /etc/resolv.conf" \
    vm "grep -m 1 '^nameserver' /etc/resolv.conf | grep -qx 'nameserver 198.18.255.54'"
vm "cat /etc/resolv.conf" | sed 's/^/    resolv.conf| /'
check "dns-resolvconf: stop" vm "timeout 30 systemctl stop pppssh@dns"
check_not "dns-resolvconf: after stop 198.18.255.54 is gone from /etc/resolv.conf" \
    vm "grep 198.18.255.54 /etc/resolv.conf"
check "dns-resolvconf: ... and the LAN's resolver is still there" \
    vm "grep -x 'nameserver 198.18.0.53' /etc/resolv.conf"
