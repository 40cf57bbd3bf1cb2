#!/bin/sh
# test-hooks.sh - issue 4: ip-up / ip-down hooks run the way pppd runs
# them, so the PPP-SSH mini-HOWTO's scripts work unchanged: UpScript,
# then every run-parts-named executable of HOOKDIR/ip-up.d in order (and
# DownScript, ip-down.d when the tunnel stops), each with pppd's
# positional arguments
#     interface tty speed local-IP remote-IP ipparam
# and pppd's environment (PPP_IFACE PPP_TTY PPP_SPEED PPP_LOCAL
# PPP_REMOTE PPP_IPPARAM IPLOCAL IPREMOTE DNS1 DNS2), built from nothing.
# Every hook here writes its arguments and environment to a file.  The
# hook directory is PPPSSH_HOOK_DIR (instead of /etc/pppssh) for tests.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup
printf "UpScript = %s\nDownScript = %s\n" "$E2E_TMP/up-script" "$E2E_TMP/down-script" >>"$E2E_CONF"
# The pty transport (ssh -tt), which SSHTTY=auto no longer picks when it
# holds the connection, is exercised here.
echo "SSHTTY = yes" >>"$E2E_CONF"
HOOKS=$E2E_TMP/hooks
export PPPSSH_HOOK_DIR=$HOOKS
# The server hands out resolvers in IPCP (RFC 1877); pppd's hooks see
# them as DNS1/DNS2.
sed -i "/^\[Server\]/a DNS = 198.19.0.53\nDNS = 198.19.0.54" "$E2E_TMP/server.conf"

# hook NAME: a script that records "$0", its arguments, its environment
# and the tunnel interface's addresses at the time, to $E2E_TMP/NAME.out,
# and its name to the order file.
hook() {
    cat <<SCRIPT
#!/bin/sh
{
    echo "args: \$*"
    echo "argc: \$#"
    env | sort | sed 's/^/env: /'
    ip -o -4 addr show dev "\$1" 2>/dev/null | sed 's/^/addr: /'
} >$E2E_TMP/$1.out
echo $1 >>$E2E_TMP/order
SCRIPT
}
mkdir -p "$HOOKS/ip-up.d" "$HOOKS/ip-down.d"
hook up-script >"$E2E_TMP/up-script"
hook down-script >"$E2E_TMP/down-script"
hook d-up-20second >"$HOOKS/ip-up.d/20second"
hook d-up-10first >"$HOOKS/ip-up.d/10first"
hook d-down-10first >"$HOOKS/ip-down.d/10first"
# run-parts would skip these: a name with a dot, a non-executable file.
hook skipped-dot >"$HOOKS/ip-up.d/30bad.sh"
hook skipped-noexec >"$HOOKS/ip-up.d/40noexec"
chmod 755 "$E2E_TMP/up-script" "$E2E_TMP/down-script" "$HOOKS"/ip-*.d/*
chmod 644 "$HOOKS/ip-up.d/40noexec"

# env_is FILE VAR VALUE / arg_line FILE LINE: assertions on a hook's record.
env_is() {
    grep -qx "env: $2=$3" "$1" || { echo "want $2=$3 in:"; grep "^env: $2=" "$1" || echo "(no $2)"; return 1; }
}
args_are() {
    grep -qx "args: $2" "$1" || { echo "want 'args: $2' in:"; grep '^args\|^argc' "$1"; return 1; }
}

# expect_hook FILE WHEN: the full pppd set of arguments and variables.
expect_hook() {
    f=$E2E_TMP/$1.out
    check "$1: ran $2" test -s "$f"
    [ -s "$f" ] || return
    check "$1: pppd's 6 arguments: interface tty speed local remote ipparam" \
        args_are "$f" "$E2E_NAME /dev/null 0 $E2E_CLI_TUN $TUN_SRV_IP $E2E_NAME"
    check "$1: PPP_IFACE" env_is "$f" PPP_IFACE "$E2E_NAME"
    check "$1: PPP_TTY" env_is "$f" PPP_TTY /dev/null
    check "$1: PPP_SPEED" env_is "$f" PPP_SPEED 0
    check "$1: PPP_LOCAL" env_is "$f" PPP_LOCAL "$E2E_CLI_TUN"
    check "$1: PPP_REMOTE" env_is "$f" PPP_REMOTE "$TUN_SRV_IP"
    check "$1: PPP_IPPARAM" env_is "$f" PPP_IPPARAM "$E2E_NAME"
    check "$1: IPLOCAL" env_is "$f" IPLOCAL "$E2E_CLI_TUN"
    check "$1: IPREMOTE" env_is "$f" IPREMOTE "$TUN_SRV_IP"
    check "$1: DNS1 (from the server, IPCP)" env_is "$f" DNS1 198.19.0.53
    check "$1: DNS2" env_is "$f" DNS2 198.19.0.54
    check "$1: a PATH" grep -q '^env: PATH=/' "$f"
    check_not "$1: nothing of the caller's environment leaks in" \
        grep -q '^env: \(PPPSSH_HOOK_DIR\|E2E_LEAK_CANARY\)=' "$f"
}

export E2E_LEAK_CANARY=1
check "pppssh up" e2e_up_tunnel
expect_hook up-script "at link up"
expect_hook d-up-10first "at link up"
check "ip-up.d/20second ran too" test -s "$E2E_TMP/d-up-20second.out"
check "up: the interface had its address when the hook ran" \
    grep -q "^addr: .* inet $E2E_CLI_TUN peer $TUN_SRV_IP/32" "$E2E_TMP/up-script.out"
check "up: order is UpScript, then ip-up.d in name order ($(tr '\n' ' ' <"$E2E_TMP/order" 2>/dev/null))" \
    test "$(tr '\n' ' ' <"$E2E_TMP/order" 2>/dev/null)" = "up-script d-up-10first d-up-20second "
check_not "up: a hook named with a dot is skipped (as run-parts does)" test -e "$E2E_TMP/skipped-dot.out"
check_not "up: a non-executable hook is skipped" test -e "$E2E_TMP/skipped-noexec.out"
check_not "up: no down hook ran yet" test -e "$E2E_TMP/down-script.out"
check "SSHTTY=yes: serve's stdin is a pty" sh -c "for p in \$(ip netns exec $NS_SRV ps -o pid= -C pppssh); do
    readlink /proc/\$p/fd/0; done | grep -q '^/dev/pts/'"
check "SSHTTY=yes: the tunnel carries pings" in_cli ping -c 2 -i 0.2 -W 2 "$LAN_HOST_IP"

: >"$E2E_TMP/order"
check "pppssh down" e2e_down_tunnel
expect_hook down-script "at link down"
expect_hook d-down-10first "at link down"
check "down: order is DownScript, then ip-down.d ($(tr '\n' ' ' <"$E2E_TMP/order" 2>/dev/null))" \
    test "$(tr '\n' ' ' <"$E2E_TMP/order" 2>/dev/null)" = "down-script d-down-10first "
check "the client's interface is gone" wait_gone in_cli ip link show "$E2E_NAME"
[ "$E2E_FAILED" = 0 ] || { for f in "$E2E_TMP"/*.out; do sed "s|^|    $(basename "$f")| |" "$f"; done; e2e_serve_log | tail -n 20; }
e2e_summary
