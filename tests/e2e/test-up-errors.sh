#!/bin/sh
# test-up-errors.sh - every way `pppssh up` can fail says so in ONE line on
# stderr, exits with its documented status (pppssh.8, EXIT STATUS), and
# leaves no interface, route or process behind.
. "$(dirname "$0")/lib.sh"
e2e_setup

e2e_server_conf 198.18.255.100-198.18.255.120 "[User root]"
e2e_serve_args
# A second key without a forced command: RemoteCommand runs as written.
ssh-keygen -q -t ed25519 -N '' -f "$E2E_TMP/free_key"
cat "$E2E_TMP/free_key.pub" >>"$E2E_TMP/authorized_keys"
# A key whose forced command serves a user with no entry, and no pool.
ssh-keygen -q -t ed25519 -N '' -f "$E2E_TMP/nobody_key"
printf '[Server]\nAddress = %s\n' "$TUN_SRV_IP" >"$E2E_TMP/nopool.conf"
printf 'command="%s serve --user nobody -c %s" %s\n' "$PPPSSH" "$E2E_TMP/nopool.conf" \
    "$(cat "$E2E_TMP/nobody_key.pub")" >>"$E2E_TMP/authorized_keys"
ssh-keygen -q -t ed25519 -N '' -f "$E2E_TMP/stranger_key"
ssh-keygen -q -t ed25519 -N '' -f "$E2E_TMP/other_host_key"
echo "$SRV_IP $(cat "$E2E_TMP/other_host_key.pub")" >"$E2E_TMP/wrong_known_hosts"

N=0
# expect_failure STATUS TEXT DESCRIPTION [CONFIG LINES...] : runs pppssh up
# with the [Tunnel] lines given, asserts exit status, the one-line message
# containing TEXT, and that nothing is left behind.
expect_failure() {
    want=$1 text=$2 desc=$3
    shift 3
    N=$((N + 1))
    name=err$N
    conf="$E2E_TMP/$name.conf"
    echo "[Tunnel]" >"$conf"
    for line in "$@"; do echo "$line" >>"$conf"; done
    chmod 600 "$conf"
    in_cli timeout 60 "$PPPSSH" up -c "$conf" 2>"$E2E_TMP/$name.err"
    got=$?
    msg=$(cat "$E2E_TMP/$name.err")
    lines=$(wc -l <"$E2E_TMP/$name.err")
    iface=$(sed -n 's/^Interface = //p' "$conf")
    if [ "$got" = "$want" ] && [ "$lines" = 1 ] && echo "$msg" | grep -q "$text"; then
        pass "$desc: exit $got, '$msg'"
    else
        fail "$desc: exit $got (want $want), $lines line(s): $msg"
    fi
    [ "$iface" = taken0 ] || check "$desc: no interface left" wait_gone in_cli ip link show "${iface:-$name}"
    [ "$got" = 0 ] && in_cli "$PPPSSH" down "$name"
    check "$desc: no process left" \
        wait_gone sh -c "ps -eo args | grep -v grep | grep -Eq '^($PPPSSH|ssh ).*$conf'"
}

SSH_BASE="Server = root@$SRV_IP
SSHOption = ConnectTimeout=5"
KNOWN="SSHOption = UserKnownHostsFile=$E2E_TMP/known_hosts"

expect_failure 19 "authentication refused" "key not authorized" \
    "$SSH_BASE" "$KNOWN" "IdentityFile = $E2E_TMP/stranger_key"
expect_failure 11 "host key" "host key mismatch" \
    "$SSH_BASE" "SSHOption = UserKnownHostsFile=$E2E_TMP/wrong_known_hosts" \
    "SSHOption = StrictHostKeyChecking=yes" "IdentityFile = $E2E_TMP/client_key"
expect_failure 8 "refused" "nothing listens on the port" \
    "$SSH_BASE" "$KNOWN" "Port = 2222" "IdentityFile = $E2E_TMP/client_key"
expect_failure 9 "not found" "remote command missing" \
    "$SSH_BASE" "$KNOWN" "IdentityFile = $E2E_TMP/free_key" \
    "RemoteCommand = /nonexistent/pppssh serve"
expect_failure 9 "has no \[User nobody\] section" "server has no entry for the user (its reason in band)" \
    "$SSH_BASE" "$KNOWN" "IdentityFile = $E2E_TMP/nobody_key"
in_cli ip tuntap add taken0 mode tun
expect_failure 6 "already in use" "interface name taken" \
    "$SSH_BASE" "$KNOWN" "IdentityFile = $E2E_TMP/client_key" "Interface = taken0"
check "the existing interface taken0 is untouched" in_cli ip link show taken0
expect_failure 9 "not found" "Command missing" "Command = /nonexistent/ppp-peer"
# A peer that never answers: LCP gives up after Max-Configure (10 x 3 s).
expect_failure 10 "negotiation failed" "a peer that never answers" "Command = exec cat >/dev/null"
expect_failure 17 "looped back" "a transport that echoes (loopback)" "Command = exec cat"

# A hostile or broken server (issue 11): addresses no link can use, one
# that would capture the transport, a remote that fails with its reason
# above a usage trailer, escape sequences in what it says.  The scripted
# peer is the engine itself (tests/interop/ppp_peer) with the addresses
# given: --local is its own, --remote the one it gives us.
PEER="Command = exec $PPP_PEER --timeout 30"
expect_failure 10 "127.0.0.1" "the server gives us a loopback address" \
    "$PEER --local $TUN_SRV_IP --remote 127.0.0.1"
expect_failure 10 "224.0.0.251" "the server's address is multicast" \
    "$PEER --local 224.0.0.251 --remote 198.18.255.5"
expect_failure 10 "255.255.255.255" "the server's address is the broadcast address" \
    "$PEER --local 255.255.255.255 --remote 198.18.255.5"
expect_failure 10 "IP-Address" "the server gives us 0.0.0.0 (no address)" \
    "$PEER --local $TUN_SRV_IP --remote 0.0.0.0"
expect_failure 10 "IPCP: the peer rejected it" "the server does not speak IPv4 (IPCP Protocol-Rejected)" \
    "$PEER --local $TUN_SRV_IP --remote 198.18.255.5 --no-ipv4 --hold 10000"
ssh-keygen -q -t ed25519 -N '' -f "$E2E_TMP/peer_key"
printf 'command="%s --timeout 30 --local %s --remote 198.18.255.5" %s\n' "$PPP_PEER" "$SRV_IP" \
    "$(cat "$E2E_TMP/peer_key.pub")" >>"$E2E_TMP/authorized_keys"
expect_failure 10 "$SRV_IP is the SSH server's own" "the server takes the SSH server's address" \
    "$SSH_BASE" "$KNOWN" "IdentityFile = $E2E_TMP/peer_key"
expect_failure 2 "Route = 198.18.0.0/16 covers the SSH server's address $SRV_IP" \
    "a Route that covers the SSH server" \
    "$SSH_BASE" "$KNOWN" "IdentityFile = $E2E_TMP/client_key" "Route = 198.18.0.0/16"
check_not "no route to the server's LAN is left" sh -c "ip -n $NS_CLI route | grep -q 198.18.0.0/16"
# ssh connecting by itself (no pacing): the Server's resolved address.
export PPPSSH_PACE=0
expect_failure 2 "Route = 198.18.0.0/23 covers the SSH server's address $SRV_IP" \
    "a Route that covers the SSH server, ssh connecting by itself" \
    "$SSH_BASE" "$KNOWN" "IdentityFile = $E2E_TMP/client_key" "Route = 198.18.0.0/23"
unset PPPSSH_PACE
# pppd as a login shell: the reason, not the trailer, and exit 9.
printf '%s\n' "pppd: unrecognized option '-c'" "pppd version 2.4.9" \
    "Usage: pppd [ options ], where options are:" \
    "	<device>	Communicate over the named device" \
    "See pppd(8) for more options." >"$E2E_TMP/pppd-usage.txt"
expect_failure 9 "unrecognized option '-c'" "the remote prints its usage and exits 2" \
    "Command = cat $E2E_TMP/pppd-usage.txt >&2; exit 2"
# Escape sequences from the server never reach the terminal.
cat >"$E2E_TMP/esc.sh" <<'ESC'
printf '\033]0;owned\007\033[2Jerror: \033[31mbad\n' >&2
exit 3
ESC
expect_failure 9 'error: \\x1b\[31mbad' "escape sequences in the remote's error" \
    "Command = sh $E2E_TMP/esc.sh"
check_not "no control character reaches the user" grep -q "$(printf '\033')" "$E2E_TMP/err$N.err"
# A peer's LCP Terminate-Request reason is logged as pppd logs it, control
# characters shown as '?'.
cat >"$E2E_TMP/term.sh" <<TERM
exec "$PPP_PEER" --timeout 30 --local $TUN_SRV_IP --remote 198.18.255.5 \
    --close-reason "\$(printf '\\033[2Jpool exhausted')"
TERM
printf '[Tunnel]\nCommand = sh %s\nPersist = no\nInterface = term0\n' "$E2E_TMP/term.sh" \
    >"$E2E_TMP/term.conf"
chmod 600 "$E2E_TMP/term.conf"
in_cli timeout 30 "$PPPSSH" up -f -c "$E2E_TMP/term.conf" 2>"$E2E_TMP/term.err"
got=$?
if [ "$got" = 16 ] &&
    grep -q 'terminated by peer (?\[2Jpool exhausted)' "$E2E_TMP/term.err" &&
    grep -q 'LCP Terminate-Request: ?\[2Jpool exhausted' "$E2E_TMP/term.err"; then
    pass "a peer's Terminate reason: exit 16, its escape byte shown as '?'"
else
    fail "a peer's Terminate reason: exit $got (want 16):"
    sed 's/^/    | /' "$E2E_TMP/term.err"
fi
check_not "no control character in the log" grep -q "$(printf '\033')" "$E2E_TMP/term.err"
check "a peer's Terminate reason: no interface left" wait_gone in_cli ip link show term0

# Ctrl-C while up waits: the tunnel being set up is stopped and rolled back.
printf '[Tunnel]\nCommand = exec cat >/dev/null\nInterface = intr0\n' >"$E2E_TMP/intr.conf"
chmod 600 "$E2E_TMP/intr.conf"
ip netns exec "$NS_CLI" "$PPPSSH" up -c "$E2E_TMP/intr.conf" 2>"$E2E_TMP/intr.err" &
upid=$!
i=0
while ! in_cli ip link show intr0 >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $upid
wait $upid
got=$?
if [ "$got" = 5 ] && grep -q 'stopped on request' "$E2E_TMP/intr.err"; then
    pass "INT while up waits: exit 5, $(cat "$E2E_TMP/intr.err")"
else
    fail "INT while up waits: exit $got (want 5): $(cat "$E2E_TMP/intr.err")"
fi
check "INT while up waits: no interface left" wait_gone in_cli ip link show intr0
check "INT while up waits: no process left" \
    wait_gone sh -c "ps -eo args | grep -v grep | grep -Eq '^$PPPSSH.*intr.conf'"

# Not root: no CAP_NET_ADMIN for the TUN (the run directory is writable, so
# that the TUN is what fails), and not even the run directory.
mkdir -m 0777 "$E2E_TMP/nobody-run"
chmod 0755 "$E2E_TMP"
cp "$E2E_TMP/err1.conf" "$E2E_TMP/nobody.conf"
chmod 0644 "$E2E_TMP/nobody.conf"
for dir in "$E2E_TMP/nobody-run" "$E2E_TMP/srvrun"; do
    PPPSSH_RUN_DIR=$dir in_cli setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$PPPSSH" up -c "$E2E_TMP/nobody.conf" 2>"$E2E_TMP/nobody.err"
    got=$?
    msg=$(grep -v 'world-readable' "$E2E_TMP/nobody.err")
    if [ "$got" = 3 ] && echo "$msg" | grep -Eq 'not permitted|needs CAP_NET_ADMIN'; then
        pass "not root ($dir): exit 3, '$msg'"
    else
        fail "not root ($dir): exit $got (want 3): $(cat "$E2E_TMP/nobody.err")"
    fi
done
chmod 0700 "$E2E_TMP"

e2e_summary
