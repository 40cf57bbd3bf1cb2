# shellcheck shell=bash
# pppssh - the project: `pppssh up -c FILE` on the client, `pppssh serve`
# as the sshd forced command of its key (bed.sh).  Whatever pppssh is in
# the build directory given is what gets measured; BENCH_PPPSSH_MTU sets
# the client's MTU (= the MRU it asks for), default pppssh's own, and
# BENCH_PPPSSH_SSHTTY its SSHTTY (yes = ssh -tt, no = ssh -T), default auto,
# BENCH_PPPSSH_OFFLOAD its Offload (yes|no), default yes.
ENGINE_CLI=pppssh
ENGINE_SRV=pppssh
PPP_IF=pbp$BED_ID
TUN_PPPSSH=$PPPSSH
tun_prepare() {
    ln -sfn "$TUN_PPPSSH" "$BED_TMP/serve/pppssh" # the server's end: the same binary
    cat >"$BED_TMP/server.conf" <<CONF
[Server]
Address = $TUN_SRV_IP

[User bench]
Address = $TUN_CLI_IP
CONF
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
${BENCH_PPPSSH_SSHTTY:+SSHTTY = $BENCH_PPPSSH_SSHTTY}
${BENCH_PPPSSH_OFFLOAD:+Offload = $BENCH_PPPSSH_OFFLOAD}
CONF
    chmod 600 "$RUN/$PPP_IF.conf"
}
tun_up() {
    if [ -n "${BENCH_PPPSSH_DEBUG:-}" ]; then
        # In the foreground, so that the debug log goes to pppssh-up.log
        # (a detached `up` logs to syslog); first_ping waits for the link.
        PPPSSH_RUN_DIR=$RUN/run bed_spawn "$NS_CLI" "$RUN/pppssh-up.log" \
            "$TUN_PPPSSH" up -f -d -c "$RUN/$PPP_IF.conf"
        return 0
    fi
    PPPSSH_RUN_DIR=$RUN/run in_cli "$TUN_PPPSSH" up -c "$RUN/$PPP_IF.conf" 2>>"$RUN/pppssh-up.log"
}
tun_down() {
    PPPSSH_RUN_DIR=$RUN/run in_cli "$TUN_PPPSSH" down "$PPP_IF" >/dev/null 2>&1
    # Whatever is left of it (a failed down) goes by PID.
    stop_pids $(pids_named "$NS_CLI" pppssh) $(pids_named "$NS_SRV" pppssh)
    ip -n "$NS_CLI" link del "$PPP_IF" 2>/dev/null
    return 0
}
