# scenario-userspace.sh - serve as an ordinary account with no helper and
# no entry in server.conf (issue 14, pppssh(8) USERSPACE MODE): the guest's
# account plain runs `pppssh serve` and the package's pppssh-stack
# (libslirp, a package dependency); the client is this build's `pppssh up`
# on the host side (sourced by run.sh).  StackNetwork is 198.18.254.0/24,
# not libslirp's usual 10.0.2.0/24, from a config the account reads.
# shellcheck shell=sh

ssh-keygen -q -t ed25519 -N '' -C plain -f "$E2E_TMP/plain_key"
echo "restrict,command=\"/usr/sbin/pppssh serve -c /home/plain/server.conf\" $(cat "$E2E_TMP/plain_key.pub")" \
    >"$E2E_TMP/share/plain_authorized_keys"
printf '%s\n' '[Server]' 'Mode = userspace' 'StackNetwork = 198.18.254.0/24' >"$E2E_TMP/share/plain-server.conf"
check "userspace: no helper (its socket stopped), account plain, its forced command and config" \
    vm "timeout 30 systemctl stop pppssh-helper.socket pppssh-helper.service &&
        ! test -e /run/pppssh/helper.sock &&
        useradd -m -s /bin/sh plain && install -d -o plain -m 700 ~plain/.ssh &&
        install -o plain -m 600 /mnt/host/plain_authorized_keys ~plain/.ssh/authorized_keys &&
        install -o plain -m 644 /mnt/host/plain-server.conf ~plain/server.conf"
# A listener in the guest behind the stack: on an address of the guest's
# own (lo) that the client routes into the tunnel; perl-base is in minbase.
check "userspace: a TCP listener in the guest on 198.19.77.1:8081 (perl-base, a transient unit)" \
    vm "ip addr add 198.19.77.1/32 dev lo && systemd-run -q --unit=sys-listener -p RuntimeMaxSec=120 \
            perl -MIO::Socket::INET -e '
            my \$l = IO::Socket::INET->new(LocalAddr => \"198.19.77.1:8081\", Listen => 1, ReuseAddr => 1) or die;
            my \$c = \$l->accept; print \$c \"hello from the guest\\n\"; close \$c' &&
        i=0; until ss -Htln 'sport = 8081' | grep -q 198.19.77.1; do
            i=\$((i + 1)); [ \$i -lt 50 ] || exit 1; sleep 0.1; done"
links_before=$(vm "ip -o link show | wc -l")
{
    echo "[Tunnel]"
    echo "Server = plain@$VM_IP"
    echo "Interface = plain"
    echo "IdentityFile = $E2E_TMP/plain_key"
    echo "SSHOption = UserKnownHostsFile=$E2E_TMP/guest_known_hosts"
    echo "Route = 198.19.77.1/32"
} >"$E2E_TMP/plain.conf"
chmod 600 "$E2E_TMP/plain.conf"
check "userspace: pppssh up (the host side)" in_srv timeout 90 "$PPPSSH" up -c "$E2E_TMP/plain.conf"
check "userspace: the client has the stack's inner address (198.18.254.15 peer 198.18.254.2)" \
    sh -c "ip netns exec $SYS_NS ip -4 -o addr show dev plain | grep -q 'inet 198.18.254.15 peer 198.18.254.2/32'"
check "userspace: a TCP connection through the stack reaches the guest's listener" \
    sh -c "ip netns exec $SYS_NS timeout 10 bash -c 'exec 3<>/dev/tcp/198.19.77.1/8081 && head -n 1 <&3' |
           grep -qx 'hello from the guest'"
check "userspace: no interface was created in the guest" \
    test "$(vm "ip -o link show | wc -l")" = "$links_before"
check "userspace: serve and pppssh-stack run as plain with CapEff 0" \
    vm "n=0; for p in \$(pgrep -x pppssh -u plain) \$(pgrep -x pppssh-stack -u plain); do
            n=\$((n + 1)); s=/proc/\$p/status
            grep -qx 'CapEff:\s*0*' \$s || { cat \$s; exit 1; }
        done
        [ \$n -ge 2 ] && pgrep -x pppssh-stack -u plain && ! pgrep -x pppssh-stack -u 0"
check "userspace: pppssh down" in_srv "$PPPSSH" down -c "$E2E_TMP/plain.conf"
check_not "userspace: ... the client's interface is gone" in_srv ip link show plain
vm "systemctl stop sys-listener; ip addr del 198.19.77.1/32 dev lo" >/dev/null 2>&1
