#!/bin/sh
# test-verbs-file.sh - issue 16, one verb shape: every verb takes what `up`
# takes, NAME or -c FILE (as wg-quick down FILE does).  status, dump,
# metrics, check and down given the file reach the tunnel `up -c FILE` started; down -c FILE
# leaves no interface and no daemon.  A missing file or argument is a
# config error (exit 2), as for up.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup

# exits N COMMAND...: the command exits with status N.
exits() {
    x_want=$1; shift
    "$@"; x_rc=$?
    [ "$x_rc" = "$x_want" ] || { echo "exit status $x_rc, want $x_want"; return 1; }
}

check "up -c FILE" e2e_up_tunnel
pid=$(e2e_daemon_pid)
check "status -c FILE: the tunnel is up" \
    sh -c "ip netns exec '$NS_CLI' '$PPPSSH' status -c '$E2E_CONF' | grep -qx 'state: up'"
check "dump -c FILE: the tunnel's line says up" \
    sh -c "ip netns exec '$NS_CLI' '$PPPSSH' dump -c '$E2E_CONF' | cut -f 1-2 | grep -qx '$E2E_NAME	up'"
check "metrics -c FILE: pppssh_up is 1" \
    sh -c "ip netns exec '$NS_CLI' '$PPPSSH' metrics -c '$E2E_CONF' | grep -qx 'pppssh_up{tunnel=\"$E2E_NAME\"} 1'"
check "check -c FILE: the peer answers" in_cli timeout 10 "$PPPSSH" check -c "$E2E_CONF"
check "down -c FILE" in_cli timeout 20 "$PPPSSH" down -c "$E2E_CONF"
check "down -c FILE: the daemon exits" e2e_wait_dead "$pid" 5
check_not "down -c FILE: the interface $E2E_NAME is gone" in_cli ip link show "$E2E_NAME"
check "status -c FILE after down: no tunnel (exit 1)" exits 1 in_cli "$PPPSSH" status -c "$E2E_CONF"
check "down -c with no FILE: usage (exit 2)" exits 2 in_cli "$PPPSSH" down -c
check "status -c of a missing file: exit 2" exits 2 in_cli "$PPPSSH" status -c "$E2E_TMP/none.conf"
check "dump -c FILE after down: no tunnel (exit 1)" exits 1 in_cli "$PPPSSH" dump -c "$E2E_CONF"
check "show -c with no FILE: usage (exit 2)" exits 2 in_cli "$PPPSSH" show -c
check "down NAME extra: usage (exit 2)" exits 2 in_cli "$PPPSSH" down "$E2E_NAME" extra
[ "$E2E_FAILED" = 0 ] || e2e_serve_log | tail -n 20
e2e_summary
