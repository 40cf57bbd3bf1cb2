# shellcheck shell=bash
# ssh-w - OpenSSH's own layer-3 tunnel, `ssh -w 0:0 -N srv`, default cipher.
# Both tun0 devices exist beforehand with their addresses and the LAN route,
# as a deployed set-up would have them: the timed command is the ssh a user
# runs.
ENGINE_CLI=ssh
ENGINE_SRV=sshd
tun_prepare() {
    ip -n "$NS_CLI" tuntap add dev tun0 mode tun
    ip -n "$NS_SRV" tuntap add dev tun0 mode tun
    ip -n "$NS_CLI" addr add "$TUN_CLI_IP" peer "$TUN_SRV_IP" dev tun0
    ip -n "$NS_SRV" addr add "$TUN_SRV_IP" peer "$TUN_CLI_IP" dev tun0
    ip -n "$NS_CLI" link set tun0 up
    ip -n "$NS_SRV" link set tun0 up
    cc_route "$NS_CLI" "$LAN_NET" dev tun0
}
tun_up() {
    bed_spawn "$NS_CLI" "$RUN/ssh-w.log" ssh -F "$BED_TMP/ssh_config" -o Tunnel=point-to-point \
        -w 0:0 -N srv
    TUN_PIDS=$LAST_PID
}
tun_down() {
    [ -n "${TUN_PIDS:-}" ] && stop_pids $TUN_PIDS
    TUN_PIDS=""
    ip -n "$NS_CLI" link del tun0 2>/dev/null
    ip -n "$NS_SRV" link del tun0 2>/dev/null
    return 0
}
