# scenario-howto-pppssh-shell.sh - the VPN HOWTO's client, a stock pppd in
# the guest with `pty "ssh -t ..."`, against an account whose login shell is
# this build's pppssh: a second sshd on the host side (port 2222, no forced
# command) in a mount namespace where root's shell is pppssh and
# /etc/pppssh/server.conf is this test's (pppssh(8), LOGIN SHELL; sourced
# by run.sh).
# shellcheck shell=sh

mkdir -p "$E2E_TMP/login/etc-upper" "$E2E_TMP/login/etc-work" "$E2E_TMP/login/etc-pppssh" \
    "$E2E_TMP/login/run"
cat >"$E2E_TMP/login/etc-pppssh/server.conf" <<CONF
[Server]
Address = 198.18.251.1
[User root]
Address = 198.18.251.2
CONF
chmod 600 "$E2E_TMP/login/etc-pppssh/server.conf"
printf 'restrict,pty %s\n' "$(cat "$E2E_TMP/client_key.pub")" >"$E2E_TMP/login/authorized_keys"
sed -e "s|^ListenAddress .*|ListenAddress $SRV_IP:2222|" \
    -e "s|^PidFile .*|PidFile $E2E_TMP/login/sshd.pid|" \
    -e "s|^AuthorizedKeysFile .*|AuthorizedKeysFile $E2E_TMP/login/authorized_keys|" \
    "$E2E_TMP/sshd_config" >"$E2E_TMP/login/sshd_config"
sed "s|^\(root:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:\).*|\1$PPPSSH|" /etc/passwd >"$E2E_TMP/login/passwd"
in_srv unshare -m sh -c "mount -t overlay overlay \
        -o lowerdir=/etc,upperdir=$E2E_TMP/login/etc-upper,workdir=$E2E_TMP/login/etc-work /etc &&
    mkdir -p /etc/pppssh && mount --bind $E2E_TMP/login/etc-pppssh /etc/pppssh &&
    mount --bind $E2E_TMP/login/passwd /etc/passwd &&
    mount -t tmpfs -o mode=755 tmpfs /run && mkdir /run/sshd /run/pppssh &&
    mount --bind $E2E_TMP/login/run /run/pppssh &&
    exec /usr/sbin/sshd -f $E2E_TMP/login/sshd_config -E $E2E_TMP/login/sshd.log"
# pppd keeps running with ssh as its child: their output goes to a file,
# else this ssh session into the guest would wait for them to close it.
check "howto-pppssh-shell: a second sshd with root's shell pppssh" \
    sh -c "i=0; while [ ! -s $E2E_TMP/login/sshd.pid ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i+1)); done;
           test -s $E2E_TMP/login/sshd.pid"
E2E_PIDS="$E2E_PIDS $(cat "$E2E_TMP/login/sshd.pid" 2>/dev/null)"

HOWTO_SSH="ssh -t -t -p 2222 -i /etc/pppssh/test.key -o UserKnownHostsFile=/etc/pppssh/known_hosts2 -o BatchMode=yes"
vm "sed 's/^$SRV_IP /[$SRV_IP]:2222 /' /etc/pppssh/known_hosts >/etc/pppssh/known_hosts2"
check "howto-pppssh-shell: pppd updetach pty \"ssh -t ...\" comes up" \
    vm "timeout 60 pppd updetach noauth noipdefault nodefaultroute maxfail 1 linkname howto \
        pty '$HOWTO_SSH root@$SRV_IP' \
        </dev/null >/tmp/pppd-howto.out 2>&1 || { cat /tmp/pppd-howto.out; exit 1; }"
check "howto-pppssh-shell: ppp0 has [User root]'s address" \
    vm_says "ip -4 -o addr show dev ppp0" "inet 198\.18\.251\.2 peer 198\.18\.251\.1/32"
check "howto-pppssh-shell: the guest pings the server's end" vm "ping -c 2 -W 3 198.18.251.1"
check "howto-pppssh-shell: the host side pings the guest's end" in_srv ping -c 2 -W 3 198.18.251.2
check "howto-pppssh-shell: pppd ends on SIGTERM" vm "kill \$(head -n 1 /run/ppp-howto.pid)"
check "howto-pppssh-shell: ... ppp0 gone in the guest" vm_until 10 "! ip link show ppp0"
check "howto-pppssh-shell: ... and the login shell's interface gone on the host side" \
    wait_gone sh -c "ip netns exec $SYS_NS ip -4 addr | grep -q 'inet 198.18.251.1 '"
[ -s "$E2E_TMP/login/sshd.pid" ] && kill "$(cat "$E2E_TMP/login/sshd.pid")"
