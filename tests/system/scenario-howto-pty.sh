# scenario-howto-pty.sh - the PPP-SSH mini-HOWTO's client: a stock pppd in
# the guest (kernel PPP) with `pty "ssh ... pppssh serve"`, against this
# build's serve behind the host side's sshd (sourced by run.sh).
# shellcheck shell=sh

HOWTO_SSH="ssh -T -i /etc/pppssh/test.key -o UserKnownHostsFile=/etc/pppssh/known_hosts -o BatchMode=yes"
# pppd keeps running with ssh as its child: their output goes to a file,
# else this ssh session into the guest would wait for them to close it.
check "howto-pty: pppd updetach pty \"ssh ... pppssh serve\" comes up" \
    vm "timeout 60 pppd updetach noauth noipdefault nodefaultroute maxfail 1 linkname howto \
        pty '$HOWTO_SSH root@$SRV_IP pppssh serve' \
        </dev/null >/tmp/pppd-howto.out 2>&1 || { cat /tmp/pppd-howto.out; exit 1; }"
check "howto-pty: ppp0 has serve's address for the user" \
    vm_says "ip -4 -o addr show dev ppp0" "inet 198\.18\.255\.2 peer 198\.18\.255\.1/32"
check "howto-pty: the guest pings the server's end" vm "ping -c 2 -W 3 198.18.255.1"
check "howto-pty: the host side pings the guest's end" in_srv ping -c 2 -W 3 198.18.255.2
check "howto-pty: pppd ends on SIGTERM" vm "kill \$(head -n 1 /run/ppp-howto.pid)"
check "howto-pty: ... ppp0 gone in the guest" vm_until 10 "! ip link show ppp0"
check "howto-pty: ... and serve's interface gone on the host side" \
    wait_gone sh -c "ip netns exec $SYS_NS ip -4 addr | grep -q 'inet 198.18.255.1 '"
