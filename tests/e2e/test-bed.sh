#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-bed.sh - the end-to-end test bed itself, before any tunnel: the
# namespaces are wired as DESIGN.md says and isolated from this machine,
# the throwaway sshd accepts the throwaway client key (and only it) with
# the host key the client pins, its forced command runs pppssh, a
# remote-office LAN and more transport clients can be added, and cleanup
# removes every namespace and process even when the test is killed.
#   PPPSSH=/abs/path/pppssh tests/e2e/test-bed.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"

# The inner run builds the bed, records what it made, and is then killed
# by the outer run, which checks that nothing is left behind.
if [ "${1:-}" = --inner ]; then
    e2e_bed_setup >/dev/null
    e2e_office "$NS_CLI" 1 >/dev/null
    echo "$NS_CLI $NS_SRV $NS_LAN $E2E_NS" >"$2.ns"
    cat "$E2E_TMP/sshd.pid" >"$2.sshd"
    echo "$E2E_TMP" >"$2.tmp"
    : >"$2.ready"
    sleep 30 &   # stands for a test that hangs; killed with us
    E2E_PIDS="$E2E_PIDS $!"
    echo $! >"$2.child"
    wait
    exit 0
fi

e2e_bed_setup
ssh_cli() {   # ssh from the client namespace with the bed's options
    in_cli ssh -o BatchMode=yes -o ConnectTimeout=5 -o IdentitiesOnly=yes \
        -o UserKnownHostsFile="$E2E_TMP/known_hosts" -o StrictHostKeyChecking=yes \
        -o GlobalKnownHostsFile=/dev/null "$@"
}

check "client reaches the server over the transport ($CLI_IP -> $SRV_IP)" in_cli ping -c1 -W2 "$SRV_IP"
check "server reaches the head-office LAN host $LAN_HOST_IP" in_srv ping -c1 -W2 "$LAN_HOST_IP"
check "client does not reach the head-office LAN without a tunnel" \
    bash -c "! ip netns exec $NS_CLI ping -c1 -W1 $LAN_HOST_IP"
check "server forwards IPv4" test "$(in_srv sysctl -n net.ipv4.ip_forward)" = 1
no_default_route() {
    for ns in "$NS_CLI" "$NS_SRV" "$NS_LAN" $E2E_NS; do
        if ip -n "$ns" route show default | grep -q .; then echo "$ns has a default route"; return 1; fi
    done
}

e2e_office "$NS_CLI" 1
OFFICE=$E2E_LAST_NS
check "office host reaches its gateway on the client (198.19.1.1)" ip netns exec "$OFFICE" ping -c1 -W2 198.19.1.1
check "client forwards IPv4 for its office" test "$(in_cli sysctl -n net.ipv4.ip_forward)" = 1
check "head-office LAN host routes 198.19.1.0/24 through the server" \
    bash -c "ip -n $NS_LAN route show 198.19.1.0/24 | grep -q 'via $LAN_SRV_IP'"

e2e_transport_bridge
e2e_client cli2 198.18.0.12
CLI2=$E2E_LAST_NS
check "second client host 198.18.0.12 reaches the server through the bridge" \
    ip netns exec "$CLI2" ping -c1 -W2 "$SRV_IP"
check "first client still reaches the server after the bridge" in_cli ping -c1 -W2 "$SRV_IP"
check "no namespace of the bed has a default route" no_default_route
check "none of the bed's interfaces is in this machine's namespace" \
    bash -c "! ip -o link show | grep -Eq ' (v-srv|v-cli|v-lan|v-off1|v-gw|br-wan)[@:]'"

# sshd: the bed's key logs in and its forced command is pppssh serve (no
# server.conf yet, so pppssh serve says so in its log: proof that it ran).
login_runs_serve() {
    ssh_cli -i "$E2E_TMP/client_key" "root@$SRV_IP" whatever </dev/null
    grep 'pppssh serve' "$E2E_TMP/serve.log"
}
check "sshd accepts the client key; the forced command runs pppssh serve (its log)" login_runs_serve
check "sshd logged the key login" grep -q 'Accepted publickey for root' "$E2E_TMP/sshd.log"
ssh-keygen -q -t ed25519 -N '' -f "$E2E_TMP/stranger"
stranger_refused() {
    ssh_cli -i "$E2E_TMP/stranger" "root@$SRV_IP" true </dev/null 2>&1 | grep 'Permission denied'
}
check "sshd refuses a key it does not know" stranger_refused
ssh-keygen -q -t ed25519 -N '' -f "$E2E_TMP/other_host"
echo "$SRV_IP $(cat "$E2E_TMP/other_host.pub")" >"$E2E_TMP/wrong_known_hosts"
wrong_host_refused() {
    in_cli ssh -o BatchMode=yes -o ConnectTimeout=5 -i "$E2E_TMP/client_key" \
        -o UserKnownHostsFile="$E2E_TMP/wrong_known_hosts" -o GlobalKnownHostsFile=/dev/null \
        -o StrictHostKeyChecking=yes "root@$SRV_IP" true </dev/null 2>&1 | grep 'HOST IDENTIFICATION HAS CHANGED'
}
check "the client refuses a host key that is not the pinned one" wrong_host_refused

# Cleanup, even of a bed whose test is killed while something hangs.
STATE=$E2E_TMP/inner
E2E_ID=$$-inner bash "$0" --inner "$STATE" &
INNER=$!
i=0
while [ ! -e "$STATE.ready" ] && [ $i -lt 200 ] && kill -0 $INNER 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
check "an inner bed came up" test -e "$STATE.ready"
kill -TERM $INNER
wait $INNER 2>/dev/null
gone() {
    for ns in $(cat "$STATE.ns"); do
        if ip netns list | grep -qw "$ns"; then echo "namespace $ns left"; return 1; fi
    done
    for pid in $(cat "$STATE.sshd") $(cat "$STATE.child"); do
        if kill -0 "$pid" 2>/dev/null; then echo "process $pid left"; return 1; fi
    done
    if [ -e "$(cat "$STATE.tmp")" ]; then echo "$(cat "$STATE.tmp") left"; return 1; fi
}
left() { ! gone; }
check "killed inner bed: namespaces, sshd, a hanging child and files all gone" wait_gone left

e2e_summary
