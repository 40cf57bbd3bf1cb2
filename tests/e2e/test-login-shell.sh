#!/bin/sh
# test-login-shell.sh - the VPN HOWTO's setup, where the VPN account's login
# shell is the PPP end, through a real sshd whose root shell is pppssh (in
# sshd's private mount namespace: a copy of /etc/passwd, /etc/pppssh and
# /run/pppssh of its own; the host's stay untouched):
# - a client with `RemoteCommand = none` (ssh -tt, no command) gets the
#   address of [User root] and the tunnel carries pings;
# - a client that sends a command (one that would give it another address)
#   and an environment variable pppssh reads gets exactly the same: the
#   login shell ignores both;
# - a login shell that leaves the pty cooked and echoing for a second before
#   pppssh starts: the client sent nothing in that second (so nothing could
#   echo back as a "looped-back" link), and the tunnel comes up.
. "$(dirname "$0")/lib.sh"
e2e_setup

NAME=$(printf '%.12s' "ls$E2E_ID")
STATIC_IP=198.18.255.2  # [User root]
COMMAND_IP=198.18.255.77 # what the client's command asks for

# sshd again, now in a mount namespace with /etc/pppssh and /run/pppssh of
# this test's own, accepting PPPSSH_* variables from the client, with the
# bed's key but no forced command: the login shell decides.
mkdir -p "$E2E_TMP/etc-upper" "$E2E_TMP/etc-work" "$E2E_TMP/etc-pppssh" "$E2E_TMP/srvrun"
cat >"$E2E_TMP/etc-pppssh/server.conf" <<CONF
[Server]
Address = $TUN_SRV_IP
[User root]
Address = $STATIC_IP
Route = 198.19.1.0/24
CONF
echo 'AcceptEnv PPPSSH_*' >>"$E2E_TMP/sshd_config"
sed -i 's/^command="[^"]*" //' "$E2E_TMP/authorized_keys"
e2e_sshd_stop || exit 1
e2e_sshd_start "mount -t overlay overlay \
    -o lowerdir=/etc,upperdir=$E2E_TMP/etc-upper,workdir=$E2E_TMP/etc-work /etc &&
    mkdir -p /etc/pppssh && mount --bind $E2E_TMP/etc-pppssh /etc/pppssh &&
    mount -t tmpfs -o mode=755 tmpfs /run && mkdir /run/sshd /run/pppssh &&
    mount --bind $E2E_TMP/srvrun /run/pppssh" || exit 1

# tunnel_up CASE [LINE...]: up with these lines; the client got the
# [User root] address, and pings reach the server's end and its LAN.
tunnel_up() {
    _case=$1; shift
    e2e_conf "$E2E_TMP/$NAME.conf" "Interface = $NAME" "Route = 198.19.0.0/24" "$@"
    check "$_case: pppssh up" in_cli "$PPPSSH" up -c "$E2E_TMP/$NAME.conf"
    check "$_case: the client has [User root]'s address" sh -c \
        "ip netns exec $NS_CLI ip -4 addr show dev $NAME | grep -q 'inet $STATIC_IP peer $TUN_SRV_IP/32'"
    check "$_case: ping the server's end" in_cli ping -c 2 -i 0.2 -W 2 "$TUN_SRV_IP"
    check "$_case: ping the LAN host" in_cli ping -c 2 -i 0.2 -W 2 "$LAN_HOST_IP"
}

# ssh_ran PATTERN: the running tunnel's ssh command line (arguments joined
# by spaces, one after the last) matches the grep PATTERN.
ssh_ran() {
    _ssh=$(e2e_transport_ssh "$(cat "$E2E_TMP/run/$NAME.pid")") && [ -n "$_ssh" ] &&
        tr '\0' ' ' <"/proc/$_ssh/cmdline" | grep -q -- "$1"
}

tunnel_down() {
    check "$1: pppssh down" "$PPPSSH" down "$NAME"
    check "$1: the server's interface is gone" wait_gone in_srv ip link show pppssh-root
}

e2e_login_shell "$PPPSSH"
tunnel_up "RemoteCommand=none" "RemoteCommand = none"
check "RemoteCommand=none: ssh ran with -tt and no remote command" \
    ssh_ran "-tt .*-- root@$SRV_IP \$"
check "RemoteCommand=none: the lease is in the server's own run directory" \
    test -e "$E2E_TMP/srvrun/leases/$STATIC_IP"
tunnel_down "RemoteCommand=none"

# A command that, obeyed, would give the client another address, and
# PPPSSH_RUN_DIR (which serve would use for its leases) sent by the client.
tunnel_up "a command sent" \
    "RemoteCommand = $PPPSSH serve --local $TUN_SRV_IP --remote $COMMAND_IP" \
    "SSHOption = SetEnv=PPPSSH_RUN_DIR=$E2E_TMP/client-chosen"
check "a command sent: ssh sent it" ssh_ran "-- root@$SRV_IP $PPPSSH serve --local"
check_not "a command sent: the client did not get the command's address" sh -c \
    "ip netns exec $NS_CLI ip -4 addr show dev $NAME | grep -q $COMMAND_IP"
check "a command sent: the lease is in the server's own run directory" \
    test -e "$E2E_TMP/srvrun/leases/$STATIC_IP"
check_not "a command sent: nothing in the run directory the client sent" \
    test -e "$E2E_TMP/client-chosen"
tunnel_down "a command sent"

# A login shell that leaves the pty cooked, echoing whatever arrives, for
# a second (VMIN 0, VTIME 10), counts what arrived, then starts pppssh as
# login(1) would ("-pppssh": its own shell is this script, not pppssh).
cat >"$E2E_TMP/echo-shell" <<SH
#!/bin/bash
printf 'Welcome to the VPN gateway\r\n'
stty echo -icanon min 0 time 10
dd bs=64 count=16 2>/dev/null | wc -c >$E2E_TMP/heard-while-echoing
exec -a -pppssh $PPPSSH
SH
chmod 755 "$E2E_TMP/echo-shell"
e2e_login_shell "$E2E_TMP/echo-shell"
tunnel_up "an echoing pty" "RemoteCommand = none"
check "an echoing pty: the client sent nothing while the pty echoed" \
    test "$(cat "$E2E_TMP/heard-while-echoing" 2>/dev/null)" = 0
tunnel_down "an echoing pty"

# Outside an account whose shell is pppssh, "pppssh -c FILE" (typed for
# "pppssh up -c FILE") is a usage error, not a serve session.
check "pppssh -c by an account whose shell is not pppssh: usage error (2)" \
    bash -c "'$PPPSSH' -c x </dev/null >/dev/null 2>&1; [ \$? = 2 ]"
e2e_summary
