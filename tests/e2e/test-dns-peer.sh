#!/bin/sh
# test-dns-peer.sh - issue 16, UsePeerDNS = yes (pppd's usepeerdns): the
# name servers the server gives in IPCP (its DNS keys, RFC 1877) are set
# on the tunnel's interface through resolvectl while the link is up and
# reverted on down; without UsePeerDNS they are not.  The client runs in
# a mount namespace of its own where /usr/bin holds a resolvectl that
# records its arguments (an overlay over the real /usr/bin: ssh is still
# there), so the host's resolver is never touched.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup
DNS1=198.19.0.53 DNS2=198.19.0.54
e2e_server_conf 198.18.255.100-198.18.255.120 "DNS = $DNS1" "DNS = $DNS2" \
    "[User e2e]" "Address = $E2E_CLI_TUN"

fake=$E2E_TMP/fakebin
log=$E2E_TMP/resolvectl.log
mkdir -p "$fake"
printf '#!/bin/sh\necho "$*" >>%s\n' "$log" >"$fake/resolvectl"
chmod 755 "$fake/resolvectl"

# up_with_fake_resolvectl CONF: `pppssh up -c CONF` (daemon) in the client
# namespace, in a mount namespace whose /usr/bin has the fake resolvectl;
# the daemon stays in it.
up_with_fake_resolvectl() {
    timeout "$E2E_UP_TIMEOUT" ip netns exec "$NS_CLI" unshare -m sh -c \
        'mount -t overlay pppssh-e2e -o "lowerdir=$1:/usr/bin" /usr/bin && exec "$2" up -c "$3"' \
        sh "$fake" "$PPPSSH" "$1"
}

# A resolvectl call with these arguments was recorded, within 5 s: the
# resolvers are applied by child processes the loop watches (`up` returns
# once they are applied, test-dns-ready.sh; the wait is for the revert).
called() {
    c_i=0
    while ! grep -qx -- "$*" "$log" && [ $c_i -lt 100 ]; do
        sleep 0.05
        c_i=$((c_i + 1))
    done
    grep -qx -- "$*" "$log"
}

: >"$log"
echo "UsePeerDNS = yes" >>"$E2E_CONF"
check "up with UsePeerDNS = yes" up_with_fake_resolvectl "$E2E_CONF"
pid=$(e2e_daemon_pid)
check "the server's name servers are set on $E2E_NAME" called dns "$E2E_NAME" "$DNS1" "$DNS2"
check "every lookup goes to them (routing domain ~.)" called domain "$E2E_NAME" "~."
check "down" in_cli timeout 20 "$PPPSSH" down "$E2E_NAME"
check "down: the daemon exits" e2e_wait_dead "$pid" 5
check "down: the resolvers are reverted" called revert "$E2E_NAME"
sed 's/^/    resolvectl| /' "$log"

: >"$log"
sed -i '/^UsePeerDNS/d' "$E2E_CONF"
check "up without UsePeerDNS" up_with_fake_resolvectl "$E2E_CONF"
pid=$(e2e_daemon_pid)
check "the tunnel is up" sh -c \
    "ip netns exec '$NS_CLI' '$PPPSSH' status '$E2E_NAME' | grep -qx 'state: up'"
check "no resolver is set without UsePeerDNS" test ! -s "$log"
check "down" in_cli timeout 20 "$PPPSSH" down "$E2E_NAME"
check "down: the daemon exits" e2e_wait_dead "$pid" 5
[ "$E2E_FAILED" = 0 ] || e2e_serve_log | tail -n 20
e2e_summary
