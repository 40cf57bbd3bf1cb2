#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-pty-redir.sh - pty-redir carries a PPP session, as the VPN HOWTO
# uses it ("pty-redir ssh … > /tmp/vpn-device; pppd $(cat /tmp/vpn-device)"),
# with `pppssh up` in pppd's place (Command = socat on the printed pty):
# pty-redir ssh … root@server, the server's forced command pppssh serve
# behind it.  pty-redir prints a /dev/pts/N and returns at once, the session comes
# up, pings cross it, and `pppssh down` ends the command pty-redir started.
#   PPPSSH=/abs/path/pppssh [PTY_REDIR=/abs/path/pty-redir] tests/e2e/test-pty-redir.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_pty_setup

# ssh on the pty (client namespace), sshd's forced command (`pppssh serve
# -c server.conf`) at the far end; first with -T (no remote pty), then with
# -t as the HOWTO has it (pppssh serve must make its pty raw).
e2e_pty_session "ssh -T on a pty" "$NS_CLI" "$TUN_SRV_IP" \
    ssh -T -e none -o BatchMode=yes -o IdentitiesOnly=yes -i "$E2E_TMP/client_key" \
    -o UserKnownHostsFile="$E2E_TMP/known_hosts" -o StrictHostKeyChecking=yes \
    -o ConnectTimeout=5 "root@$SRV_IP"
e2e_pty_session "ssh -t on a pty (HOWTO)" "$NS_CLI" "$TUN_SRV_IP" \
    ssh -t -e none -o BatchMode=yes -o IdentitiesOnly=yes -i "$E2E_TMP/client_key" \
    -o UserKnownHostsFile="$E2E_TMP/known_hosts" -o StrictHostKeyChecking=yes \
    -o ConnectTimeout=5 "root@$SRV_IP"

e2e_pty_summary
