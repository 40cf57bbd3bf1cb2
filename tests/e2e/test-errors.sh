#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-errors.sh - every way `pppssh up` can fail exits non-zero with one
# clear line saying why, and leaves nothing behind: the client's and the
# server's namespaces (interfaces, addresses, routes, rules, processes) are
# exactly as before the attempt.
#   authentication refused   a key the server does not know
#   host key mismatch        StrictHostKeyChecking=yes, another host's key pinned
#   host unreachable         a server address with no route
#   connection refused       the server's address, a port nobody listens on
#   remote command missing   RemoteCommand not on the server (PATH and absolute)
#   negotiation failed       Command = a peer that never answers
#   interface name taken     a TUN of that name exists (and survives the attempt)
#   not permitted            an unprivileged user (setpriv)
#   PPPSSH=/abs/path/pppssh tests/e2e/test-errors.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_bed_setup
IF=e2eerr
e2e_server_conf 198.18.255.2-198.18.255.100 "[User root]"
# A key without a forced command, for RemoteCommand cases.
ssh-keygen -q -t ed25519 -N '' -C e2e-plain -f "$E2E_TMP/key-plain"
cat "$E2E_TMP/key-plain.pub" >>"$E2E_TMP/authorized_keys"
ssh-keygen -q -t ed25519 -N '' -C e2e-stranger -f "$E2E_TMP/key-stranger"
ssh-keygen -q -t ed25519 -N '' -f "$E2E_TMP/other_host"
echo "$SRV_IP $(cat "$E2E_TMP/other_host.pub")" >"$E2E_TMP/wrong_known_hosts"

# expect_failure LABEL TEXT CONF [RUNNER...]: `pppssh up -c CONF` (through
# RUNNER, e.g. setpriv, if given) fails, says TEXT, and both namespaces
# are left exactly as they were.
expect_failure() {
    label=$1 text=$2 conf=$3; shift 3
    e2e_snapshot "$NS_CLI" >"$E2E_TMP/cli.snap"
    e2e_snapshot "$NS_SRV" >"$E2E_TMP/srv.snap"
    t0=$(date +%s%N)
    timeout "$E2E_UP_TIMEOUT" ip netns exec "$NS_CLI" "$@" "$PPPSSH" up -c "$conf" >"$E2E_TMP/up.out" 2>&1
    rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    echo "    $label: exit $rc after $ms ms: $(grep -v 'world-readable' "$E2E_TMP/up.out" | tr '\n' ' ')"
    check "$label: exits non-zero (not by the test's timeout)" test "$rc" != 0 -a "$rc" != 124
    check "$label: says '$text'" e2e_has_text "$E2E_TMP/up.out" "$text"
    check "$label: client namespace as before (interfaces, routes, processes)" \
        e2e_same_state "$NS_CLI" "$E2E_TMP/cli.snap"
    check "$label: server namespace as before" e2e_same_state "$NS_SRV" "$E2E_TMP/srv.snap"
}

c=$E2E_TMP/e2eerr.conf
e2e_conf "$c" "Interface = $IF" "Route = 198.19.0.0/24"
sed -i "s|^IdentityFile = .*|IdentityFile = $E2E_TMP/key-stranger|" "$c"
expect_failure "authentication refused" "authentication refused" "$c"

e2e_conf "$c" "Interface = $IF" "Route = 198.19.0.0/24"
sed -i "s|UserKnownHostsFile=.*|UserKnownHostsFile=$E2E_TMP/wrong_known_hosts|" "$c"
expect_failure "host key mismatch" "host key verification failed" "$c"

e2e_conf "$c" "Interface = $IF" "Route = 198.19.0.0/24"
sed -i "s|^Server = .*|Server = root@198.18.9.9|" "$c"
expect_failure "host unreachable (no route)" "host unreachable" "$c"

e2e_conf "$c" "Interface = $IF" "Port = 2222"
expect_failure "nobody listening" "connection refused" "$c"

e2e_conf "$c" "Interface = $IF" "RemoteCommand = pppssh-not-installed serve"
sed -i "s|^IdentityFile = .*|IdentityFile = $E2E_TMP/key-plain|" "$c"
expect_failure "remote command missing (PATH)" "remote command not found" "$c"

e2e_conf "$c" "Interface = $IF" "RemoteCommand = /nonexistent serve"
sed -i "s|^IdentityFile = .*|IdentityFile = $E2E_TMP/key-plain|" "$c"
expect_failure "remote command missing (/nonexistent)" "remote command not found" "$c"

# A peer that reads and never answers: LCP gives up after Max-Configure
# Configure-Requests (RFC 1661 section 4.6), a bounded wait.
printf '[Tunnel]\nCommand = cat >/dev/null\nInterface = %s\n' "$IF" >"$c"
expect_failure "negotiation failed (silent peer)" "negotiation failed" "$c"

printf '[Tunnel]\nCommand = cat >/dev/null\nInterface = %s\n' "$IF" >"$c"
in_cli ip tuntap add "$IF" mode tun
expect_failure "interface name taken" "already in use" "$c"
check "interface name taken: the existing $IF is still there" in_cli ip link show "$IF"
in_cli ip tuntap del "$IF" mode tun

# Unprivileged: the configuration must be readable by that user, so it
# lives in a directory of its own outside the test's private one, and so
# does the run directory.
PUB=$(mktemp -d /tmp/pppssh-e2e-pub.XXXXXX)
chmod 755 "$PUB"
printf '[Tunnel]\nCommand = cat >/dev/null\nInterface = %s\n' "$IF" >"$PUB/e2eerr.conf"
chmod 644 "$PUB/e2eerr.conf"
install -d -o 65534 -g 65534 -m 700 "$PUB/run"   # its control socket may go there
expect_failure "not permitted (uid 65534)" "CAP_NET_ADMIN" "$PUB/e2eerr.conf" \
    env PPPSSH_RUN_DIR="$PUB/run" \
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all
rm -rf "$PUB"

e2e_summary
