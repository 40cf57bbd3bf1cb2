# shellcheck shell=bash
# pppssh-userspace - pppssh with the server end in the account's
# userspace network stack (pppssh(8), USERSPACE MODE; issue 14): the same
# `pppssh up` and forced `pppssh serve` as the pppssh tunnel, with a
# server.conf that says Mode = userspace, so serve makes no interface and
# pppssh-stack (libslirp) turns the packets into the server's sockets.
# Its socket lives in this run's own directory (XDG_RUNTIME_DIR), with a
# grace period of 1 s; whatever is left goes by PID at tun_down.  The
# stack's inner network is 198.18.254.0/24 (StackNetwork; libslirp's usual
# one is outside the bench's ranges), the client its .15.  The
# server's RSS (rss_srv_all) counts serve and the stack together;
# rss_srv is the stack's own.
ENGINE_CLI=pppssh
ENGINE_SRV=pppssh-stack
PPP_IF=pbu$BED_ID
TUN_PPPSSH=$PPPSSH
tun_prepare() {
    # The server's end: the same binary (another tunnel may have pointed
    # it elsewhere), and pppssh-stack beside it.
    ln -sfn "$TUN_PPPSSH" "$BED_TMP/serve/pppssh"
    mkdir -p "$BED_TMP/xdg"
    chmod 700 "$BED_TMP/xdg"
    printf '[Server]\nMode = userspace\nGrace = 1\nStackNetwork = 198.18.254.0/24\n' \
        >"$BED_TMP/server.conf"
    # The stack's ICMP goes through ping sockets (the bench's own namespace).
    ip netns exec "$NS_SRV" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
    # The forced command with this run's XDG_RUNTIME_DIR (sshd reads the
    # file for each connection).
    sed -i "s|command=\"PPPSSH_RUN_DIR=|command=\"XDG_RUNTIME_DIR=$BED_TMP/xdg PPPSSH_RUN_DIR=|" \
        "$BED_TMP/authorized_keys"
    cat >"$RUN/$PPP_IF.conf" <<CONF
[Tunnel]
Server = root@$SRV_IP
IdentityFile = $BED_TMP/pppssh_key
SSHOption = UserKnownHostsFile=$BED_TMP/known_hosts
SSHOption = StrictHostKeyChecking=yes
SSHOption = IdentitiesOnly=yes
SSHOption = ConnectTimeout=5
Interface = $PPP_IF
Route = $LAN_NET
${BENCH_PPPSSH_MTU:+MTU = $BENCH_PPPSSH_MTU}
CONF
    chmod 600 "$RUN/$PPP_IF.conf"
}
tun_up() {
    PPPSSH_RUN_DIR=$RUN/run in_cli "$TUN_PPPSSH" up -c "$RUN/$PPP_IF.conf" 2>>"$RUN/pppssh-up.log"
}
tun_down() {
    PPPSSH_RUN_DIR=$RUN/run in_cli "$TUN_PPPSSH" down "$PPP_IF" >/dev/null 2>&1
    stop_pids $(pids_named "$NS_CLI" pppssh) $(pids_named "$NS_SRV" pppssh pppssh-stack)
    ip -n "$NS_CLI" link del "$PPP_IF" 2>/dev/null
    sed -i "s|command=\"XDG_RUNTIME_DIR=$BED_TMP/xdg |command=\"|" "$BED_TMP/authorized_keys"
    rm -f "$BED_TMP/xdg/pppssh/stack-198.18.254.0.sock"
    return 0
}
