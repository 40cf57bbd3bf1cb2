# scenario-helper.sh - serve without root (issue 13, pppssh-helper(8)):
# the guest is the server, its serve the forced command of an ordinary
# account (vpnalice: no sudo, no capability), the interface made by the
# package's socket-activated pppssh-helper; the client is this build's
# `pppssh up` on the host side (sourced by run.sh).
# shellcheck shell=sh

ssh-keygen -q -t ed25519 -N '' -C alice -f "$E2E_TMP/alice_key"
# The line `pppssh keygen` prints and docs/pppssh-serve-hardening.md tells
# users to write.
echo "restrict,command=\"/usr/sbin/pppssh serve --user alice\" $(cat "$E2E_TMP/alice_key.pub")" \
    >"$E2E_TMP/share/alice_authorized_keys"
printf '%s\n' '[Server]' 'Address = 198.18.251.1' 'Pool = 198.18.251.100-198.18.251.200' \
    '[User alice]' 'Account = vpnalice' >"$E2E_TMP/share/helper-server.conf"
check "helper: account vpnalice (no sudo, no capability), its forced command, server.conf" \
    vm "useradd -m -s /bin/sh vpnalice && install -d -o vpnalice -m 700 ~vpnalice/.ssh &&
        install -o vpnalice -m 600 /mnt/host/alice_authorized_keys ~vpnalice/.ssh/authorized_keys &&
        install -m 600 /mnt/host/helper-server.conf /etc/pppssh/server.conf"
# SYS_HELPER_RUN_MODE=700 replays the regression: serve cannot reach the
# socket (no interface in the guest, whether serve refuses or falls back
# to userspace mode).
[ -z "$SYS_HELPER_RUN_MODE" ] || vm "chmod $SYS_HELPER_RUN_MODE /run/pppssh"
check "helper: systemctl enable --now pppssh-helper.socket" \
    vm "timeout 30 systemctl enable --now pppssh-helper.socket"
check "helper: /run/pppssh is 0711 (an unprivileged serve reaches helper.sock)" \
    vm_says "stat -c %a /run/pppssh" "^711$"
{
    echo "[Tunnel]"
    echo "Server = vpnalice@$VM_IP"
    echo "Interface = alice"
    echo "IdentityFile = $E2E_TMP/alice_key"
    echo "SSHOption = UserKnownHostsFile=$E2E_TMP/guest_known_hosts"
} >"$E2E_TMP/alice.conf"
chmod 600 "$E2E_TMP/alice.conf"
check "helper: pppssh up (the host side)" in_srv timeout 90 "$PPPSSH" up -c "$E2E_TMP/alice.conf"
check "helper: the client's interface has a pool address" \
    sh -c "ip netns exec $SYS_NS ip -4 -o addr show dev alice >'$E2E_TMP/alice.addr' &&
           grep -Eq 'inet 198\.18\.251\.1[0-9][0-9] peer 198\.18\.251\.1/32' '$E2E_TMP/alice.addr'"
alice_ip=$(sed -n 's/.*inet \(198\.18\.251\.1[0-9][0-9]\) peer.*/\1/p' "$E2E_TMP/alice.addr")
check "helper: the guest has pppssh-alice, 198.18.251.1 peer $alice_ip (not userspace mode)" \
    vm_says "ip -4 -o addr show dev pppssh-alice" "inet 198\.18\.251\.1 peer $alice_ip/32"
check "helper: pppssh-helper.service was socket-activated and runs as root" \
    vm "systemctl is-active -q pppssh-helper.service &&
        p=\$(systemctl show -p MainPID --value pppssh-helper.service) && [ \"\$p\" -gt 0 ] &&
        awk '/^Uid:/ { exit !(\$2 == 0) }' /proc/\$p/status"
in_srv ping -q -i 0.2 -c 25 -W 1 198.18.251.1 >/dev/null 2>&1 &
ping_pid=$!
check "helper: every serve of the session: no uid 0, CapEff 0, NoNewPrivs 1, Seccomp 2" \
    vm "n=0; for p in \$(pgrep -u vpnalice -x pppssh); do
            n=\$((n + 1)); s=/proc/\$p/status
            awk '/^Uid:/ { exit !(\$2 && \$3 && \$4 && \$5) }' \$s &&
            grep -qx 'CapEff:\s*0*' \$s && grep -Eqx 'NoNewPrivs:\s*1' \$s &&
            grep -Eqx 'Seccomp:\s*2' \$s || { echo \"pid \$p:\"; cat \$s; exit 1; }
        done
        [ \$n -gt 0 ] && ! pgrep -a -u 0 -x pppssh | grep ' serve'"
wait "$ping_pid"
check "helper: the host side pings the guest" in_srv ping -c 2 -W 3 198.18.251.1
check "helper: the guest pings the host side" vm "ping -c 2 -W 3 $alice_ip"
check "helper: pppssh down" in_srv "$PPPSSH" down -c "$E2E_TMP/alice.conf"
check "helper: ... the guest's interface and route are gone" \
    vm_until 10 "! ip link show pppssh-alice && ! ip route | grep -q '$alice_ip'"

check "helper: pppssh up again" in_srv timeout 90 "$PPPSSH" up -c "$E2E_TMP/alice.conf"
check "helper: ... pppssh-alice in the guest" vm "ip link show pppssh-alice"
vm "pgrep -u vpnalice -x pppssh" >"$E2E_TMP/alice.pids"
check "helper: systemctl stop pppssh-helper.service pppssh-helper.socket" \
    vm "timeout 30 systemctl stop pppssh-helper.service pppssh-helper.socket"
check "helper: ... the session ended: its serve processes and pppssh-alice are gone" \
    vm_until 10 "! ip link show pppssh-alice && for p in $(tr '\n' ' ' <"$E2E_TMP/alice.pids"); do
                    ! kill -0 \$p || exit 1; done"
check_not "helper: ... and helper.sock is removed" vm "test -e /run/pppssh/helper.sock"
in_srv "$PPPSSH" down -c "$E2E_TMP/alice.conf" >/dev/null 2>&1
check_not "helper: the client's interface is gone" in_srv ip link show alice
