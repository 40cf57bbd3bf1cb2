#!/bin/sh
# test-show-keygen.sh - issue 16: `pppssh keygen NAME --server USER@HOST`
# writes the key and the tunnel's config, and the lines it prints, pasted
# as they are into the real sshd's authorized_keys and the server's
# server.conf, bring the tunnel up; then `pppssh dump` and `--json` report
# the addresses the kernel has on the interface (ip -j addr) and byte
# counters that grew with pings through the tunnel, `show` lists it and
# `metrics --output` writes a Prometheus file.  Both sides see
# /etc/pppssh through an overlay of /etc in a private mount namespace
# (the host's /etc is never written); the server's /run is a tmpfs.
. "$(dirname "$0")/lib.sh"
e2e_setup

NAME=kg$(printf '%.6s' "$E2E_ID")

# The server: sshd again, now with /etc/pppssh/server.conf of its own and
# the authorized_keys line from keygen (below).
e2e_sshd_stop || exit 1
mkdir -p "$E2E_TMP/srv-etc/pppssh" "$E2E_TMP/srv-work" "$E2E_TMP/cli-etc" "$E2E_TMP/cli-work"
e2e_sshd_start "mount -t overlay e2e -o lowerdir=/etc,upperdir=$E2E_TMP/srv-etc,workdir=$E2E_TMP/srv-work /etc &&
    mount -t tmpfs e2e-run /run && mkdir -p /run/sshd"

# The client: a holder process keeps a mount namespace with /etc overlaid.
ip netns exec "$NS_CLI" unshare -m --propagation private sh -c "
    mount -t overlay e2e -o lowerdir=/etc,upperdir=$E2E_TMP/cli-etc,workdir=$E2E_TMP/cli-work /etc &&
    exec sleep 300" &
HOLDER=$!
E2E_PIDS="$E2E_PIDS $HOLDER"
i=0 # the holder is sleep once /etc is overlaid (ip netns exec, unshare and sh exec it)
while [ "$(cat /proc/$HOLDER/comm 2>/dev/null)" != sleep ] && [ $i -lt 100 ]; do
    sleep 0.05
    i=$((i + 1))
done
[ "$(cat /proc/$HOLDER/comm 2>/dev/null)" = sleep ] || { echo "no overlay of /etc"; exit 1; }
on_cli() { nsenter -t "$HOLDER" -m -n sh -c "$1"; }

check "keygen writes the key and the config" \
    on_cli "'$PPPSSH' keygen $NAME --server root@$SRV_IP >'$E2E_TMP/keygen.out'"
sed 's/^/    keygen| /' "$E2E_TMP/keygen.out"
check "the key is 0600" test "$(stat -c %a "$E2E_TMP/cli-etc/pppssh/$NAME.key")" = 600
check "the config is 0600" test "$(stat -c %a "$E2E_TMP/cli-etc/pppssh/$NAME.conf")" = 600
check_not "the host's /etc/pppssh is untouched" test -e "/etc/pppssh/$NAME.key"
check_not "keygen refuses to overwrite the key" on_cli "'$PPPSSH' keygen $NAME 2>/dev/null"
on_cli "rm /etc/pppssh/$NAME.key.pub && cp /etc/pppssh/$NAME.conf '$E2E_TMP/conf.before'"
on_cli "mv /etc/pppssh/$NAME.key '$E2E_TMP/key.saved'"
check_not "keygen --server refuses to overwrite the config" \
    on_cli "'$PPPSSH' keygen $NAME --server root@$SRV_IP 2>/dev/null"
check "... and leaves it as it was, writing no key" \
    on_cli "cmp -s /etc/pppssh/$NAME.conf '$E2E_TMP/conf.before' && ! test -e /etc/pppssh/$NAME.key"
on_cli "mv '$E2E_TMP/key.saved' /etc/pppssh/$NAME.key && ssh-keygen -y -f /etc/pppssh/$NAME.key >/etc/pppssh/$NAME.key.pub"
check_not "keygen refuses a name that could leave /etc/pppssh" on_cli "'$PPPSSH' keygen ../x 2>/dev/null"
check "the printed line forces serve --user $NAME by absolute path, restricted" \
    grep -q "^restrict,command=\"$PPPSSH serve --user $NAME\" ssh-ed25519 " "$E2E_TMP/keygen.out"

# Paste: the restrict line into authorized_keys, the [User] section into
# server.conf, the keyscan line on the client, exactly as printed.
grep '^restrict,' "$E2E_TMP/keygen.out" >"$E2E_TMP/authorized_keys"
{
    echo "[Server]"
    echo "Address = $TUN_SRV_IP"
    echo "Pool = 198.18.255.100-198.18.255.120"
    grep '^\[User ' "$E2E_TMP/keygen.out"
} >"$E2E_TMP/srv-etc/pppssh/server.conf"
chmod 600 "$E2E_TMP/srv-etc/pppssh/server.conf"
keyscan=$(sed -n 's/^# check the server.s host key: //p' "$E2E_TMP/keygen.out")
check "keygen printed the ssh-keyscan line" test -n "$keyscan"
on_cli "$keyscan" 2>/dev/null

if on_cli "'$PPPSSH' up $NAME" 2>"$E2E_TMP/up.err"; then
    pass "pppssh up $NAME with keygen's key and config through the real sshd"
else
    fail "pppssh up $NAME (exit $?: $(cat "$E2E_TMP/up.err"))"
    tail -n 20 "$E2E_TMP/sshd.log"
fi

on_cli "'$PPPSSH' dump $NAME" >"$E2E_TMP/dump1"
check "ping through the tunnel" in_cli ping -c 5 -i 0.2 -W 2 "$TUN_SRV_IP"
on_cli "'$PPPSSH' dump $NAME" >"$E2E_TMP/dump2"
on_cli "'$PPPSSH' dump --json" >"$E2E_TMP/json"
in_cli ip -j addr show dev "$NAME" >"$E2E_TMP/ipaddr"
sed 's/^/    dump| /' "$E2E_TMP/dump2"

# dump's columns (pppssh.8): 1 tunnel 2 state 3 interface 5 local4 6 peer4
# 7 local6 11 tx_bytes 12 tx_packets 13 rx_bytes 14 rx_packets.
col() { cut -f "$1" "$2"; }
check "dump: state up on interface $NAME" \
    test "$(col 1-3 "$E2E_TMP/dump2")" = "$NAME	up	$NAME"
kernel4=$(python3 -c 'import json,sys
a = [x for i in json.load(open(sys.argv[1])) for x in i["addr_info"] if x["family"] == "inet"]
print(a[0]["local"], a[0].get("address", "-"))' "$E2E_TMP/ipaddr")
check "dump: local4 and peer4 are the kernel's ($kernel4)" \
    test "$(col 5 "$E2E_TMP/dump2") $(col 6 "$E2E_TMP/dump2")" = "$kernel4"
kernel6=$(python3 -c 'import json,sys
a = [x for i in json.load(open(sys.argv[1])) for x in i["addr_info"] if x["family"] == "inet6" and x["scope"] == "link"]
print(a[0]["local"] if a else "-")' "$E2E_TMP/ipaddr")
check "dump: local6 is the kernel's link-local address ($kernel6)" \
    test "$(col 7 "$E2E_TMP/dump2")" = "$kernel6"
for c in 11 12 13 14; do
    check "dump: column $c grew with the pings ($(col $c "$E2E_TMP/dump1") -> $(col $c "$E2E_TMP/dump2"))" \
        test "$(col $c "$E2E_TMP/dump2")" -ge "$(($(col $c "$E2E_TMP/dump1") + 5))"
done
check "--json: valid, the kernel's addresses and the same counters" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert len(o) == 1, o
t = o[0]
d = open(sys.argv[2]).read().rstrip("\n").split("\t")
assert t["tunnel"] == sys.argv[3] and t["state"] == "up", t
assert "%s %s" % (t["local4"], t["peer4"]) == sys.argv[4], t
assert t["local6"] == sys.argv[5], t
assert t["rx_bytes"] >= int(d[12]) and t["tx_packets"] >= int(d[11]), (t, d)
assert isinstance(t["uptime"], int) and t["last_error"] is None, t
' "$E2E_TMP/json" "$E2E_TMP/dump2" "$NAME" "$kernel4" "$kernel6"
check "show lists the tunnel with its peer" \
    sh -c "nsenter -t $HOLDER -m -n '$PPPSSH' show | grep -qx '  peer4: $TUN_SRV_IP'"
check "metrics --output writes the Prometheus file" \
    on_cli "'$PPPSSH' metrics --output '$E2E_TMP/pppssh.prom'"
check "the file has the tunnel's received bytes" \
    grep -Eq "^pppssh_receive_bytes_total\{tunnel=\"$NAME\"\} [1-9][0-9]*$" "$E2E_TMP/pppssh.prom"
check "the file is 0644, no temporary file left" \
    sh -c "test \"\$(stat -c %a '$E2E_TMP/pppssh.prom')\" = 644 && ! ls '$E2E_TMP'/pppssh.prom.* 2>/dev/null"

check "pppssh down $NAME" on_cli "'$PPPSSH' down $NAME"
check "interface $NAME is gone" wait_gone in_cli ip link show "$NAME"
check "dump prints nothing with no tunnel running" \
    test -z "$(on_cli "'$PPPSSH' dump")"
e2e_summary
