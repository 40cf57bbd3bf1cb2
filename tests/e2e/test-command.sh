#!/bin/sh
# test-command.sh - the Command transport (no ssh: a shell command line
# whose stdin/stdout carry PPP) to `pppssh serve --local A --remote B` in
# the server's namespace; a second `up` of the same tunnel is refused;
# `serve --check` validates a server configuration; serve ignores an
# SSH_CONNECTION that sshd did not give it.
. "$(dirname "$0")/lib.sh"
e2e_setup

NAME=$(printf '%.12s' "cm$E2E_ID")
# The far end as a script, with an SSH_CONNECTION it merely inherits.
cat >"$E2E_TMP/far-end" <<SH
#!/bin/sh
export SSH_CONNECTION='198.18.0.9 40000 198.18.0.8 22'
exec ip netns exec $NS_SRV $PPPSSH serve --local $TUN_SRV_IP --remote 198.18.255.9 --stderr 2>>$E2E_TMP/serve.log
SH
chmod 755 "$E2E_TMP/far-end"
cat >"$E2E_TMP/$NAME.conf" <<CONF
[Tunnel]
Command = exec $E2E_TMP/far-end
Interface = $NAME
Route = 198.19.0.0/24
CONF
chmod 600 "$E2E_TMP/$NAME.conf"

check "pppssh up over a Command" in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf"
check "the client got the address --remote gave it" \
    sh -c "ip netns exec $NS_CLI ip -4 addr show dev $NAME | grep -q 'inet 198.18.255.9 peer $TUN_SRV_IP/32'"
check "ping the server's end" in_cli ping -c 2 -i 0.2 -W 2 "$TUN_SRV_IP"
check "ping the LAN host" in_cli ping -c 2 -i 0.2 -W 2 "$LAN_HOST_IP"
in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf" 2>"$E2E_TMP/again.err"
got=$?
if [ "$got" = 6 ] && grep -q "tunnel $NAME is already running" "$E2E_TMP/again.err"; then
    pass "a second up of the same tunnel: exit 6, $(cat "$E2E_TMP/again.err")"
else
    fail "a second up of the same tunnel: exit $got (want 6): $(cat "$E2E_TMP/again.err")"
fi
check "the first one is still up" sh -c "'$PPPSSH' status $NAME | grep -q '^state: up'"
start=$(date +%s%N)
check "pppssh down" "$PPPSSH" down "$NAME"
ms=$((($(date +%s%N) - start) / 1000000))
check "down took ${ms} ms (< 900: the far end exits on end of stream)" test "$ms" -lt 900
check "the far end ended cleanly and logged its accounting line" \
    grep -q 'session user=.*remote=198.18.255.9 .*cause=' "$E2E_TMP/serve.log"
check "server interface is gone" wait_gone in_srv ip link show pppssh-root
# serve inherited an SSH_CONNECTION, but sshd did not start it: it is not
# ours to pace by, and serve does not even look it up.
check_not "serve ignores an SSH_CONNECTION it inherited" \
    grep -q "SSH connection" "$E2E_TMP/serve.log"

cat >"$E2E_TMP/good.conf" <<CONF
[Server]
Address = $TUN_SRV_IP
Pool = 198.18.255.100-198.18.255.120
[User alice]
Address = 198.18.255.2
Route = 198.19.1.0/24
CONF
check "serve --check accepts a valid configuration" \
    sh -c "'$PPPSSH' serve --check -c '$E2E_TMP/good.conf' | grep -q OK"
printf '[Server]\nAdress = 198.18.255.1\n' >"$E2E_TMP/bad.conf"
"$PPPSSH" serve --check -c "$E2E_TMP/bad.conf" 2>"$E2E_TMP/bad.err"
got=$?
if [ "$got" = 2 ] && grep -q 'bad.conf:2' "$E2E_TMP/bad.err"; then
    pass "serve --check rejects a bad one: exit 2, $(cat "$E2E_TMP/bad.err")"
else
    fail "serve --check rejects a bad one: exit $got: $(cat "$E2E_TMP/bad.err")"
fi

e2e_summary
