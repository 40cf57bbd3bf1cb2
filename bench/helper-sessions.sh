#!/bin/sh
# helper-sessions.sh [BUILD_DIR] [N] - issue 13: what N sessions (default
# 200) cost pppssh helper, and what they leave behind once killed.  Needs
# root; runs in a network namespace of its own (no link to the host).
# One process (bench/tools/helper_sessions.py) holds N sessions the way N
# `pppssh serve` would (OPEN then IPV4_UP; each gets a TUN interface with
# its addresses), then is killed with SIGKILL.  Prints a table: the
# helper's memory (PSS, RSS) idle and with N sessions, per session, the
# setup rate, and the leftovers after the kill (interfaces, held leases,
# the helper's open descriptors).
set -eu

build=${1:-build}
n=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
pppssh=$(cd "$build" && pwd)/pppssh
ns=pppssh-bench-helper-$$
tmp=$(mktemp -d /tmp/pppssh-bench-helper.XXXXXX)
helper_pid=""
holder_pid=""

cleanup() {
    [ -z "$holder_pid" ] || kill -9 "$holder_pid" 2>/dev/null || true
    [ -z "$helper_pid" ] || kill "$helper_pid" 2>/dev/null || true
    sleep 0.5
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
{
    echo "[Server]"
    echo "Address = 198.18.0.1"
    echo "Pool = 198.18.1.1-198.18.1.254"
    i=1
    while [ $i -le "$n" ]; do echo "[User u$i]"; i=$((i + 1)); done
} >"$tmp/server.conf"

ip netns exec "$ns" "$pppssh" helper -c "$tmp/server.conf" --socket "$tmp/helper.sock" \
    --run-dir "$tmp/run" --stderr 2>"$tmp/helper.log" &
helper_pid=$!
i=0
while [ ! -S "$tmp/helper.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

# mem PID: "PSS RSS" in KiB.
mem() {
    awk '/^Pss:/ {p=$2} /^Rss:/ {r=$2} END {print p, r}' "/proc/$1/smaps_rollup"
}
interfaces() { ip netns exec "$ns" ip -o link show 2>/dev/null | grep -c ' pppssh-' || true; }
held_leases() {
    h=0
    for f in "$tmp"/run/leases/198.*; do
        [ -e "$f" ] || continue
        flock -n "$f" true || h=$((h + 1))
    done
    echo "$h"
}

set -- $(mem "$helper_pid")
idle_pss=$1 idle_rss=$2
mkfifo "$tmp/hold"
ip netns exec "$ns" python3 "$here/tools/helper_sessions.py" "$tmp/helper.sock" "$n" \
    <"$tmp/hold" >"$tmp/holder.out" &
holder_pid=$!
exec 3>"$tmp/hold"
i=0
while ! grep -q ready "$tmp/holder.out" && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
setup=$(awk '/^setup/ {print $3}' "$tmp/holder.out")
set -- $(mem "$helper_pid")
full_pss=$1 full_rss=$2
up_ifaces=$(interfaces)
up_leases=$(held_leases)
fds_up=$(ls "/proc/$helper_pid/fd" | wc -l)

kill -9 "$holder_pid"
wait "$holder_pid" 2>/dev/null || true
holder_pid=""
i=0
while { [ "$(interfaces)" -gt 0 ] || [ "$(held_leases)" -gt 0 ]; } && [ $i -lt 200 ]; do
    sleep 0.05
    i=$((i + 1))
done
left_ifaces=$(interfaces)
left_leases=$(held_leases)
fds_after=$(ls "/proc/$helper_pid/fd" | wc -l)
set -- $(mem "$helper_pid")
after_pss=$1

printf '| pppssh helper, %s sessions | value |\n|---|---|\n' "$n"
printf '| setup of %s sessions (OPEN + IPV4_UP, one client) | %s s (%.0f sessions/s) |\n' \
    "$n" "$setup" "$(echo "$n / $setup" | bc -l)"
printf '| interfaces / held leases with %s sessions | %s / %s |\n' "$n" "$up_ifaces" "$up_leases"
printf '| helper PSS idle / with %s sessions / after the kill | %s / %s / %s KiB |\n' \
    "$n" "$idle_pss" "$full_pss" "$after_pss"
printf '| helper RSS idle / with %s sessions | %s / %s KiB |\n' "$n" "$idle_rss" "$full_rss"
printf '| helper PSS per session | %.1f KiB |\n' "$(echo "($full_pss - $idle_pss) / $n" | bc -l)"
printf '| helper descriptors with %s sessions / after SIGKILL of the client | %s / %s |\n' \
    "$n" "$fds_up" "$fds_after"
printf '| left after SIGKILL: interfaces / held leases | %s / %s |\n' "$left_ifaces" "$left_leases"
