#!/bin/sh
# test-path-rtt.sh - the outbound queue's CoDel target follows the path:
# with the transport through a delay line (bench/tools/delayline, 15 ms
# each way; this kernel has no netem), the client learns the SSH
# connection's base RTT (about 30 ms) from its TCP_INFO and keeps 3/7 of
# it, about 13 ms, where test-basic's bare veth keeps 5 ms
# (fq_set_path_rtt, pppssh(8) under PPPSSH_PACE).  serve runs the same
# code (pace_probe) on what sock_diag reads, but has no status socket.
#   PPPSSH=/abs/path/pppssh DELAYLINE=/abs/path/delayline tests/e2e/test-path-rtt.sh
. "$(dirname "$0")/lib.sh"
[ -x "${DELAYLINE:-}" ] || { echo "SKIP: DELAYLINE is not set to the delayline tool"; exit 77; }
e2e_bed_setup
DELAY_MS=15

# client v-srv ══ dc [mid: delay line] ds ══ v-cli server, same addresses.
# No segmentation offloads: the delay line forwards real frames only.
ip -n "$NS_CLI" link del v-srv
e2e_ns mid
NS_MID=$E2E_LAST_NS
ip link add v-srv netns "$NS_CLI" type veth peer name dc netns "$NS_MID"
ip link add v-cli netns "$NS_SRV" type veth peer name ds netns "$NS_MID"
in_cli ip addr add "$CLI_IP/24" dev v-srv
in_srv ip addr add "$SRV_IP/24" dev v-cli
for end in "$NS_CLI v-srv" "$NS_SRV v-cli" "$NS_MID dc" "$NS_MID ds"; do
    # shellcheck disable=SC2086 # "NS IF": two words
    set -- $end
    ip netns exec "$1" ethtool -K "$2" tx off sg off tso off gso off gro off >/dev/null 2>&1
    ip -n "$1" link set "$2" up
done
ip -n "$NS_MID" link set dc promisc on
ip -n "$NS_MID" link set ds promisc on
ip netns exec "$NS_MID" "$DELAYLINE" dc ds "$DELAY_MS" 110 >"$E2E_TMP/delayline.log" 2>&1 &
E2E_PIDS="$E2E_PIDS $!"
for _ in $(seq 50); do in_cli ping -c1 -W1 "$SRV_IP" >/dev/null 2>&1 && break; done
rtt=$(in_cli ping -c3 -i 0.2 -W2 "$SRV_IP" | sed -n 's|^rtt .* = \([0-9.]*\)/.*|\1|p')
echo "    transport RTT min $rtt ms"
check "the transport's RTT is twice the delay line's ${DELAY_MS} ms" \
    awk -v r="${rtt:-0}" -v d=$DELAY_MS 'BEGIN { exit !(r >= 2 * d && r < 2 * d + 10) }'

NAME=$(printf '%.12s' "rtt$E2E_ID")
e2e_server_conf 198.18.255.100-198.18.255.120 "[User root]" "Address = 198.18.255.2"
e2e_conf "$E2E_TMP/$NAME.conf" "Interface = $NAME" "Route = 198.19.0.0/24"
check "pppssh up through the delay line" e2e_up "$NS_CLI" "$E2E_TMP/$NAME.conf"

# Each packet sent may read the connection's TCP_INFO (every 20 ms at most).
in_cli ping -c 20 -i 0.05 -W 2 "$LAN_HOST_IP" >/dev/null 2>&1
in_cli "$PPPSSH" status "$NAME" >"$E2E_TMP/status" 2>&1
grep '^queue:\|^pacer:' "$E2E_TMP/status" | sed 's/^/    client| /'
# The target in ms, from "queue: ... max sojourn X ms, target T ms".
target_of() { sed -n 's/^queue: .*, target \([0-9.]*\) ms$/\1/p' "$1"; }
check "the client's CoDel target is 3/7 of the ~$((2 * DELAY_MS)) ms base RTT" \
    awk -v t="$(target_of "$E2E_TMP/status")" 'BEGIN { exit !(t >= 12.5 && t <= 16) }'

check "pppssh down" e2e_down "$NS_CLI" "$E2E_TMP/$NAME.conf"
e2e_summary
