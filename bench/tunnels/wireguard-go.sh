# shellcheck shell=bash
# wireguard-go - userspace WireGuard over UDP between the two ends.  Keys
# are made beforehand; the timed part starts both daemons, configures them,
# and includes the handshake.  Interface names carry the bed's id because
# wireguard-go's control sockets (/var/run/wireguard) are shared by every
# namespace.
ENGINE_CLI=wireguard-go
ENGINE_SRV=wireguard-go
WG_CLI=pbw${BED_ID}c
WG_SRV=pbw${BED_ID}s
export WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 # it refuses to run otherwise here
tun_prepare() {
    (umask 077 && wg genkey >"$RUN/wg-cli.key" && wg genkey >"$RUN/wg-srv.key")
    wg pubkey <"$RUN/wg-cli.key" >"$RUN/wg-cli.pub"
    wg pubkey <"$RUN/wg-srv.key" >"$RUN/wg-srv.pub"
}
wg_wait_socket() {
    for _i in $(seq 500); do
        [ -S "/var/run/wireguard/$1.sock" ] && return 0
        sleep 0.01
    done
    return 1
}
tun_up() {
    bed_spawn "$NS_SRV" "$RUN/wg-srv.log" wireguard-go -f "$WG_SRV"
    TUN_PIDS=$LAST_PID
    bed_spawn "$NS_CLI" "$RUN/wg-cli.log" wireguard-go -f "$WG_CLI"
    TUN_PIDS="$TUN_PIDS $LAST_PID"
    wg_wait_socket "$WG_SRV" && wg_wait_socket "$WG_CLI" || return 1
    in_srv wg set "$WG_SRV" listen-port 51820 private-key "$RUN/wg-srv.key" \
        peer "$(cat "$RUN/wg-cli.pub")" allowed-ips "$TUN_CLI_IP/32"
    in_cli wg set "$WG_CLI" private-key "$RUN/wg-cli.key" peer "$(cat "$RUN/wg-srv.pub")" \
        endpoint "$SRV_IP:51820" allowed-ips "$TUN_SRV_IP/32,$LAN_NET"
    ip -n "$NS_SRV" addr add "$TUN_SRV_IP" peer "$TUN_CLI_IP" dev "$WG_SRV"
    ip -n "$NS_CLI" addr add "$TUN_CLI_IP" peer "$TUN_SRV_IP" dev "$WG_CLI"
    ip -n "$NS_SRV" link set "$WG_SRV" up
    ip -n "$NS_CLI" link set "$WG_CLI" up
    cc_route "$NS_CLI" "$LAN_NET" dev "$WG_CLI"
}
tun_down() {
    [ -n "${TUN_PIDS:-}" ] && stop_pids $TUN_PIDS
    TUN_PIDS=""
    ip -n "$NS_CLI" link del "$WG_CLI" 2>/dev/null
    ip -n "$NS_SRV" link del "$WG_SRV" 2>/dev/null
    rm -f "/var/run/wireguard/$WG_CLI.sock" "/var/run/wireguard/$WG_SRV.sock"
    return 0
}
