# scenario-howto-pppd-shell.sh - the VPN HOWTO's server where the VPN
# account's login shell is pppd (setuid root for group dip, as Debian ships
# it): this build's `pppssh up` on the host side with `RemoteCommand =
# none` (ssh -tt, no command: sshd runs the login shell on a pty); kernel
# PPP in the guest (sourced by run.sh).  /etc/ppp/options is the server
# admin's: noauth (the account's ssh key is the authentication) instead of
# Debian's auth, crtscts, modem, lock, which a pty does not have.
# shellcheck shell=sh

check "howto-pppd-shell: account vpnsh, shell /usr/sbin/pppd, group dip, its key" \
    vm "cp /etc/ppp/options /etc/ppp/options.debian && printf 'noauth\n' >/etc/ppp/options &&
        useradd -m -s /usr/sbin/pppd -G dip vpnsh && install -d -o vpnsh -m 700 ~vpnsh/.ssh &&
        install -o vpnsh -m 600 /mnt/host/vpn_key.pub ~vpnsh/.ssh/authorized_keys"
{
    echo "[Tunnel]"
    echo "Server = vpnsh@$VM_IP"
    echo "Interface = howto"
    echo "IdentityFile = $E2E_TMP/vpn_key"
    echo "SSHOption = UserKnownHostsFile=$E2E_TMP/guest_known_hosts"
    echo "RemoteCommand = none"
    echo "LocalAddress = 198.18.250.2"
    echo "RemoteAddress = 198.18.250.1"
} >"$E2E_TMP/howto-pppd-shell.conf"
chmod 600 "$E2E_TMP/howto-pppd-shell.conf"
check "howto-pppd-shell: pppssh up" in_srv timeout 90 "$PPPSSH" up -c "$E2E_TMP/howto-pppd-shell.conf"
check "howto-pppd-shell: the host side's interface has its address" \
    sh -c "ip netns exec $SYS_NS ip -4 -o addr show dev howto | grep -q 'inet 198.18.250.2 peer 198.18.250.1/32'"
check "howto-pppd-shell: the guest's pppd (vpnsh's login shell) has ppp0 with the other end" \
    vm_says "ip -4 -o addr show dev ppp0" "inet 198\.18\.250\.1 peer 198\.18\.250\.2/32"
check "howto-pppd-shell: the host side pings the guest's pppd" in_srv ping -c 2 -W 3 198.18.250.1
check "howto-pppd-shell: the guest pings the host side" vm "ping -c 2 -W 3 198.18.250.2"
check "howto-pppd-shell: pppssh down" in_srv "$PPPSSH" down -c "$E2E_TMP/howto-pppd-shell.conf"
check_not "howto-pppd-shell: ... the host side's interface is gone" in_srv ip link show howto
check "howto-pppd-shell: ... pppd ended in the guest, ppp0 gone" vm_until 10 "! pidof pppd && ! ip link show ppp0"
vm "mv /etc/ppp/options.debian /etc/ppp/options"
