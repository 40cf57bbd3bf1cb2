#!/bin/sh
# run.sh - the system tests: this build's Debian package in a Debian 12
# guest with systemd, systemd-resolved, sshd, sudo and kernel PPP, against
# this build's pppssh in a network namespace on the host (lib.sh).  One
# boot serves every scenario, in order (each leaves no tunnel behind):
#
#   systemd             pppssh@NAME: readiness, reconnect, stop, restart, down, failure, journal
#   dns-resolved        UsePeerDNS through systemd-resolved
#   howto-pty           stock pppd, pty "ssh ... pppssh serve" (the PPP-SSH mini-HOWTO)
#   howto-sudo          pppssh up -> sudo /usr/sbin/pppd nodetach notty noauth (the VPN HOWTO)
#   howto-pppd-shell    pppssh up -> pppd as the VPN account's login shell
#   howto-pppssh-shell  stock pppd, ssh -t -> pppssh as the login shell
#   getting-started     README's "Getting started", word for word (the guest is the server)
#   helper              serve without root: an ordinary account, the socket-activated pppssh-helper
#   userspace           serve without root or helper: the account's pppssh-stack (libslirp)
#   dns-resolvconf      UsePeerDNS through Debian's resolvconf (replaces systemd-resolved: last)
#
#   PPPSSH=build/pppssh SYSTEM_DEB=build-deb/pppssh_*.deb tests/system/run.sh [SCENARIO...]
#
# Without SCENARIO, those of SYSTEM_SCENARIOS (default: every one above).
# The image comes from build-image.sh (cached).  Exit 0 when every check
# passed, 1 otherwise, 77 (skip) only without root.
SYS_T0=$(date +%s.%N | cut -c1-14)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_skip_unless_root
SYSTEM_SCENARIOS=${SYSTEM_SCENARIOS:-systemd dns-resolved howto-pty howto-sudo howto-pppd-shell \
    howto-pppssh-shell getting-started helper userspace dns-resolvconf}
[ $# = 0 ] || SYSTEM_SCENARIOS=$*
for s in $SYSTEM_SCENARIOS; do
    [ -f "$HERE/scenario-$s.sh" ] || { echo "no scenario $s (tests/system/scenario-$s.sh)"; exit 1; }
done
[ -n "$SYSTEM_DEB" ] && [ -f "$SYSTEM_DEB" ] || { echo "SYSTEM_DEB=$SYSTEM_DEB is not a .deb"; exit 1; }
PPPSSH=$(realpath "$PPPSSH")

t=$(sys_now)
SYS_IMG=$("$HERE/build-image.sh") || exit 1
SYS_IMAGE_S=$(sys_since "$t")
sys_setup
# vpn_key: the host side's key for the guest's VPN account (howto-sudo).
ssh-keygen -q -t ed25519 -N '' -C vpn -f "$E2E_TMP/vpn_key"
share "$SYSTEM_DEB" "$E2E_TMP/client_key" "$E2E_TMP/known_hosts" "$E2E_TMP/vpn_key.pub"
sys_boot || exit 1
in_srv ssh-keyscan -t ed25519 "$VM_IP" >"$E2E_TMP/guest_known_hosts" 2>/dev/null

# The server side: this build's serve for the guest's key, as user vmclient,
# handing out a resolver (UsePeerDNS) and a route to a LAN behind it.
e2e_serve_args --user vmclient
e2e_server_conf - "DNS = 198.18.255.54" "[User vmclient]" "Address = 198.18.255.2" \
    "Route = 198.19.0.0/24"

# tunnel_conf NAME [LINE...]: /etc/pppssh/NAME.conf in the guest, reaching
# the host side's sshd as root with the key and known_hosts shared above.
tunnel_conf() {
    _name=$1; shift
    {
        echo "[Tunnel]"
        echo "Server = root@$SRV_IP"
        echo "IdentityFile = /etc/pppssh/test.key"
        echo "SSHOption = UserKnownHostsFile=/etc/pppssh/known_hosts"
        echo "SSHOption = StrictHostKeyChecking=yes"
        echo "SSHOption = ConnectTimeout=5"
        for _line in "$@"; do echo "$_line"; done
    } >"$E2E_TMP/share/$_name.conf"
    vm "install -m 600 /mnt/host/$_name.conf /etc/pppssh/$_name.conf"
}

check "guest: the package installs (dpkg -i)" \
    vm "dpkg -i /mnt/host/$(basename "$SYSTEM_DEB") >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; exit 1; }"
check "guest: /usr/sbin/pppssh and the unit are the package's" \
    vm "dpkg -S /usr/sbin/pppssh && systemctl cat pppssh@x.service >/dev/null"
check "guest: key and known_hosts for the host side" \
    vm "install -m 600 /mnt/host/client_key /etc/pppssh/test.key &&
        install -m 644 /mnt/host/known_hosts /etc/pppssh/known_hosts"
tunnel_conf sys "Route = 198.19.0.0/24" "DNS = 198.18.255.53"
tunnel_conf def "Route = 0.0.0.0/0"
tunnel_conf bad
sed -i "s/^Server = .*/Server = root@198.18.0.99/; s/ConnectTimeout=5/ConnectTimeout=3/" "$E2E_TMP/share/bad.conf"
vm "install -m 600 /mnt/host/bad.conf /etc/pppssh/bad.conf"

TIMES=""
for s in $SYSTEM_SCENARIOS; do
    sys_log "scenario $s"
    t=$(sys_now)
    before=$E2E_FAILED
    . "$HERE/scenario-$s.sh"
    verdict=PASS
    [ "$E2E_FAILED" = "$before" ] || verdict=FAIL
    TIMES="$TIMES
  $s: $verdict, $(sys_since "$t") s"
done
echo "timings: image ${SYS_IMAGE_S} s (cached when quick), boot $SYS_BOOT_S s$TIMES
  total $(sys_since "$SYS_T0") s"
[ "$E2E_FAILED" = 0 ] || { echo "host sshd log:"; tail -n 20 "$E2E_TMP/sshd.log"; }
e2e_summary
