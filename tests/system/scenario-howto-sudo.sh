# scenario-howto-sudo.sh - the VPN HOWTO's server side: this build's
# `pppssh up` on the host side runs `sudo /usr/sbin/pppd nodetach notty
# noauth` as the guest's VPN account, over the guest's sshd; kernel PPP in
# the guest (sourced by run.sh).
# shellcheck shell=sh

check "howto-sudo: account vpn, its key, sudo for pppd (the VPN HOWTO's sudoers line)" \
    vm "useradd -m -s /bin/sh vpn && install -d -o vpn -m 700 ~vpn/.ssh &&
        install -o vpn -m 600 /mnt/host/vpn_key.pub ~vpn/.ssh/authorized_keys &&
        echo 'vpn ALL=(root) NOPASSWD: /usr/sbin/pppd' >/etc/sudoers.d/vpn && chmod 440 /etc/sudoers.d/vpn"
{
    echo "[Tunnel]"
    echo "Server = vpn@$VM_IP"
    echo "Interface = howto"
    echo "IdentityFile = $E2E_TMP/vpn_key"
    echo "SSHOption = UserKnownHostsFile=$E2E_TMP/guest_known_hosts"
    echo "RemoteCommand = sudo /usr/sbin/pppd nodetach notty noauth"
    echo "LocalAddress = 198.18.252.2"
    echo "RemoteAddress = 198.18.252.1"
} >"$E2E_TMP/howto-sudo.conf"
chmod 600 "$E2E_TMP/howto-sudo.conf"
check "howto-sudo: pppssh up" in_srv timeout 90 "$PPPSSH" up -c "$E2E_TMP/howto-sudo.conf"
check "howto-sudo: the host side's interface has its address" \
    sh -c "ip netns exec $SYS_NS ip -4 -o addr show dev howto | grep -q 'inet 198.18.252.2 peer 198.18.252.1/32'"
check "howto-sudo: the guest's pppd has ppp0 with the other end" \
    vm_says "ip -4 -o addr show dev ppp0" "inet 198\.18\.252\.1 peer 198\.18\.252\.2/32"
check "howto-sudo: the host side pings the guest's pppd" in_srv ping -c 2 -W 3 198.18.252.1
check "howto-sudo: the guest pings the host side" vm "ping -c 2 -W 3 198.18.252.2"
check "howto-sudo: pppssh down" in_srv "$PPPSSH" down -c "$E2E_TMP/howto-sudo.conf"
check_not "howto-sudo: ... the host side's interface is gone" in_srv ip link show howto
check "howto-sudo: ... pppd ended in the guest, ppp0 gone" vm_until 10 "! pidof pppd && ! ip link show ppp0"
