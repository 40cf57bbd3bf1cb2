#!/bin/sh
# test-serve-split.sh - `pppssh serve` started as root splits into a
# privileged parent in pppssh helper's role and the session as an
# unprivileged account (pppssh(8), Split):
#   - the lease records the session's pid (uid != 0, the one holding the
#     SSH stream), so a takeover's signal reaches the session itself;
#   - TERM to the parent reaches the session: it ends cleanly (its
#     accounting line), and the parent undoes the interface and exits;
#   - SIGKILL of the session: the parent still undoes everything and
#     exits, and the lease is free again;
#   - in userspace mode there is nothing privileged to keep: serve drops
#     to the session account with no root parent, and the stack it starts
#     runs as that account, its socket in a directory of the VPN user's.
#   PPPSSH=/abs/path/pppssh tests/e2e/test-serve-split.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..
. "$HERE/lib.sh"
e2e_bed_setup
A_IP=198.18.255.2
e2e_server_conf 198.18.255.100-198.18.255.110 "[User alice]" "Address = $A_IP"
e2e_user alice
# No reconnect: what is left after each kill is this session's only.
e2e_conf_user "$E2E_TMP/split.conf" alice "Interface = e2es" "Persist = no"

# lease_pid: the pid recorded in alice's held lease (empty if none held).
lease_pid() {
    for f in "$E2E_TMP"/srv-run/leases/*; do
        [ "$(head -n1 "$f" 2>/dev/null)" = alice ] || continue
        flock -n "$f" true 2>/dev/null && continue # not held
        sed -n '2s/ .*//p' "$f"
        return
    done
}
field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
parent_of() { field "$1" PPid; }
is_serve() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "^$PPPSSH serve "; }
alive() { kill -0 "$1" 2>/dev/null; }
accounting_lines() { grep -c 'user=alice ' "$E2E_TMP/serve-alice.log" 2>/dev/null; }

# session_is_split: the lease's pid is an unprivileged serve holding the
# stream, its parent a root serve holding /dev/null there.
session_is_split() {
    echo "lease pid $SESSION (uid $(field "$SESSION" Uid)), parent $PARENT (uid $(field "$PARENT" Uid))," \
        "session stdin $(readlink "/proc/$SESSION/fd/0"), parent stdin $(readlink "/proc/$PARENT/fd/0")"
    is_serve "$SESSION" && is_serve "$PARENT" &&
        [ "$(field "$SESSION" Uid)" != 0 ] && [ "$(field "$PARENT" Uid)" = 0 ] &&
        [ "$(readlink "/proc/$SESSION/fd/0")" != /dev/null ] &&
        [ "$(readlink "/proc/$PARENT/fd/0")" = /dev/null ]
}

up() {
    check "$1: pppssh up" e2e_up "$NS_CLI" "$E2E_TMP/split.conf"
    SESSION=$(lease_pid)
    PARENT=$(parent_of "$SESSION")
    check "$1: the lease records the unprivileged session, a child of the root serve" session_is_split
    echo "    (memory: session $(pss "$SESSION"), parent $(pss "$PARENT"))"
}
# pss PID: its proportional set size and RSS (kB), from smaps_rollup.
pss() { awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2} END {printf "Pss %s kB, Rss %s kB", p, r}' "/proc/$1/smaps_rollup"; }

# gone: the interface, the parent and the held lease are all gone.
gone() {
    wait_gone ip -n "$NS_SRV" link show dev pppssh-alice || { echo "pppssh-alice is still there"; return 1; }
    wait_gone alive "$PARENT" || { echo "the parent $PARENT still runs"; return 1; }
    wait_gone alive "$SESSION" || { echo "the session $SESSION still runs"; return 1; }
    [ -z "$(lease_pid)" ] || { echo "the lease is still held by $(lease_pid)"; return 1; }
}

up "TERM"
before=$(accounting_lines)
kill -TERM "$PARENT"
check "TERM to the parent: the session ended, the parent undid pppssh-alice and exited" gone
check "TERM to the parent reached the session: it wrote its accounting line" \
    test "$(accounting_lines)" -gt "${before:-0}"
e2e_down "$NS_CLI" "$E2E_TMP/split.conf" >/dev/null 2>&1
wait_gone ip netns exec "$NS_CLI" ip link show e2es

up "KILL"
kill -KILL "$SESSION"
check "SIGKILL of the session: the parent undid pppssh-alice, exited and freed the lease" gone
check "nothing of the session is left on the server" \
    sh -c "! ip -n $NS_SRV -4 route show $A_IP | grep -q ."
e2e_down "$NS_CLI" "$E2E_TMP/split.conf" >/dev/null 2>&1

chmod 711 "$E2E_TMP" # the session account reaches its directory below
US_DIR=$E2E_TMP/srv-run/userspace/carol
US_SOCK=$US_DIR/pppssh/stack-198.18.254.0.sock
e2e_user carol --userspace --stack-network 198.18.254.0/24 --grace 2
e2e_conf_user "$E2E_TMP/us.conf" carol "Interface = e2eu" "Persist = no"
check "userspace as root: pppssh up" e2e_up "$NS_CLI" "$E2E_TMP/us.conf"
check "userspace as root: the stack answers through the tunnel" e2e_ping "$NS_CLI" 198.18.254.2
US_SERVE=$(pgrep -f -- "--user carol " | while read -r p; do is_serve "$p" && echo "$p"; done | head -n1)
US_STACK=$(in_srv ss -Hxlp src "$US_SOCK" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)
# unprivileged PID: every uid not 0, no capability, no_new_privs.
unprivileged() {
    echo "pid $1: Uid $(field "$1" Uid | tr '\t' ' '), CapEff $(field "$1" CapEff), NoNewPrivs $(field "$1" NoNewPrivs)"
    [ -n "$1" ] && ! awk '$1 == "Uid:" || $1 == "Gid:"' "/proc/$1/status" | grep -qw 0 &&
        [ "$(field "$1" CapEff)" = 0000000000000000 ] && [ "$(field "$1" NoNewPrivs)" = 1 ]
}
check "userspace as root: serve holding the stream is unprivileged" unprivileged "$US_SERVE"
check_not "userspace as root: no root serve above it" is_serve "$(parent_of "$US_SERVE")"
check "userspace as root: the stack is unprivileged" unprivileged "$US_STACK"
check "userspace as root: the stack runs as serve's account" \
    test "$(field "$US_STACK" Uid)" = "$(field "$US_SERVE" Uid)"
check "userspace as root: carol's stack directory is the account's alone (0700)" \
    test "$(stat -c '%a %u' "$US_DIR")" = "700 $(field "$US_SERVE" Uid | cut -f1)"
e2e_down "$NS_CLI" "$E2E_TMP/us.conf" >/dev/null 2>&1
check "userspace as root: the stack exits after its grace period" wait_gone alive "$US_STACK"

e2e_summary
