#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-pty-redir-serve.sh - pty-redir carries a PPP session with the
# engine's server end on the pty: pty-redir pppssh serve --local A
# --remote B, and `pppssh up` (Command = socat on the printed pty) in the
# client namespace.  pty-redir prints a /dev/pts/N and returns at once, the session comes
# up, pings cross it, and `pppssh down` ends the command pty-redir started.
#   PPPSSH=/abs/path/pppssh [PTY_REDIR=/abs/path/pty-redir] tests/e2e/test-pty-redir-serve.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_pty_setup

# A. The engine's own server end on the pty, in the server's namespace.
e2e_pty_session "serve on a pty" "$NS_SRV" 198.18.254.1 \
    "$PPPSSH" serve --local 198.18.254.1 --remote 198.18.254.2 --stderr

e2e_pty_summary
