#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-log-flood.sh - a hostile client floods `pppssh serve` with 100,000
# LCP Code-Rejects (issue 11, section 3): serve's log stays short (the
# engine's lines about the peer's packets are rate-limited, with a summary
# that counts them), the link answers LCP echoes during and after the
# flood, and the session's accounting line is written at the end.  No
# sshd: flood_peer.py is serve's stdin/stdout, as sshd would be, inside a
# namespace of the test's own (serve makes a TUN there).
#   PPPSSH=/abs/path/pppssh tests/e2e/test-log-flood.sh
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
FLOOD=100000

e2e_skip_unless_root
[ -x "$PPPSSH" ] || { echo "PPPSSH=$PPPSSH is not an executable"; exit 1; }
E2E_TMP=$(mktemp -d /tmp/pppssh-e2e.XXXXXX)
export PPPSSH_RUN_DIR="$E2E_TMP/run"
trap e2e_cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$NS_SRV" && in_srv ip link set lo up || exit 1

LOG=$E2E_TMP/serve.log
# A pause after the flood, longer than LOG_LIMIT_QUIET (2 s): the burst
# has ended, so its summary is due then, not only when the session ends.
check "the link answers echoes through $FLOOD Code-Rejects and ends cleanly" \
    timeout 60 env FLOOD_PAUSE_S=2.5 ip netns exec "$NS_SRV" python3 "$HERE/flood_peer.py" "$FLOOD" "$LOG" -- \
    "$PPPSSH" serve --local 198.18.255.1 --remote 198.18.255.2 --stderr
sed 's/^/    | /' "$E2E_TMP/check.out"
lines=$(wc -l <"$LOG")
echo "    (serve wrote $lines log lines)"
check "serve's log stays under 100 lines ($lines)" test "$lines" -lt 100
# Nothing vanishes silently: the lines written plus the counts in the
# summaries are the whole flood.
written=$(grep -c 'peer rejected code 12$' "$LOG")
held=$(sed -n 's/.*peer rejected code 12 \.\.\. repeated \([0-9]*\) times$/\1/p' "$LOG" |
       awk '{ n += $1 } END { print n + 0 }')
check "written ($written) and counted ($held) Code-Rejects add up to $FLOOD" \
    test $((written + held)) -eq "$FLOOD"
check "the summary comes when the flood ends, before the session does" \
    sh -c "grep -n 'repeated\|terminated by peer' '$LOG' | head -1 | grep -q repeated"
check "our own lines are all there (link state, the end)" \
    grep -q 'link: phase Dead' "$LOG"
check "the accounting line is written" \
    grep -q 'session user=root interface=pppssh-root .* cause=terminated by peer' "$LOG"
[ "$E2E_FAILED" = 0 ] || sed 's/^/    serve| /' "$LOG" | head -40
e2e_summary
