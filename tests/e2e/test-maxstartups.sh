#!/bin/sh
# test-maxstartups.sh - clients started together all come up although sshd
# drops connections during key exchange (issue 11).  With MaxStartups
# 1:100:1 sshd drops every new connection while one is unauthenticated,
# so of N clients started at once most are dropped at least once; `up`
# retries such a drop with a short, jittered backoff and exits 0 once its
# link is up.  Asserts: every `up` exits 0, every interface has its own
# address and carries a ping to the server, and sshd did drop some.
. "$(dirname "$0")/lib.sh"
E2E_SSHD_EXTRA="MaxStartups 1:100:1"
e2e_bed_setup

N=8
e2e_server_conf -
i=1
while [ $i -le $N ]; do
    printf '[User ms%d]\nAddress = 198.18.255.%d\n' $i $((10 + i)) >>"$E2E_TMP/server.conf"
    i=$((i + 1))
done
i=1
while [ $i -le $N ]; do
    e2e_user "ms$i"
    e2e_conf_user "$E2E_TMP/ms$i.conf" "ms$i" "Interface = ms$i"
    i=$((i + 1))
done

t0=$(date +%s%N)
pids=""
i=1
while [ $i -le $N ]; do
    timeout 40 ip netns exec "$NS_CLI" "$PPPSSH" up -c "$E2E_TMP/ms$i.conf" \
        >"$E2E_TMP/ms$i.out" 2>&1 &
    pids="$pids $!"
    i=$((i + 1))
done
i=1
for pid in $pids; do
    wait "$pid"
    rc=$?
    if [ $rc = 0 ]; then
        pass "client $i: up exits 0"
    else
        fail "client $i: up exits $rc: $(cat "$E2E_TMP/ms$i.out")"
    fi
    i=$((i + 1))
done
echo "    ($N clients up in $(( ($(date +%s%N) - t0) / 1000000 )) ms)"

drops=$(grep -c 'past MaxStartups' "$E2E_TMP/sshd.log")
if [ "$drops" -gt 0 ]; then
    pass "sshd dropped $drops connections past MaxStartups"
else
    fail "sshd dropped no connection: the test did not test the retry"
fi
i=1
while [ $i -le $N ]; do
    check "ms$i has 198.18.255.$((10 + i)) peer $TUN_SRV_IP" sh -c \
        "ip -n $NS_CLI -4 -o addr show dev ms$i | grep -q 'inet 198.18.255.$((10 + i)) peer $TUN_SRV_IP/32'"
    check "ms$i carries a ping to the server" \
        in_cli ping -q -c 1 -W 3 -I "ms$i" "$TUN_SRV_IP"
    i=$((i + 1))
done
i=1
while [ $i -le $N ]; do
    e2e_down "$NS_CLI" "$E2E_TMP/ms$i.conf"
    i=$((i + 1))
done
e2e_summary
