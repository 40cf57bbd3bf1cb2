#!/bin/sh
# test-pidfile.sh - issue 4: the daemon's pidfile PPPSSH_RUN_DIR/NAME.pid
# (/run/pppssh/NAME.pid): it names the running daemon, goes when the
# tunnel stops (TERM or down), and a stale one - left by a crash, naming a
# live unrelated process - does not block a start.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_supervise_setup

check "pppssh up (daemon)" e2e_up_tunnel
pid=$(e2e_find_daemon)
check "pidfile $(e2e_pidfile) names the running daemon ($pid)" \
    sh -c "[ -n '$pid' ] && [ \"\$(cat '$(e2e_pidfile)' 2>/dev/null)\" = '$pid' ]"
check "TERM" kill -TERM "$pid"
check "TERM: the daemon exits" e2e_wait_dead "$pid" 10
check "TERM: the pidfile is gone" test ! -e "$(e2e_pidfile)"

mkdir -p "$PPPSSH_RUN_DIR"
echo $$ >"$(e2e_pidfile)"
check "up over a stale pidfile (naming live pid $$)" e2e_up_tunnel
pid=$(e2e_find_daemon)
check "the pidfile now names the daemon ($pid)" \
    sh -c "[ -n '$pid' ] && [ \"\$(cat '$(e2e_pidfile)' 2>/dev/null)\" = '$pid' ]"
check "down NAME" e2e_down_tunnel
check "down NAME: the daemon exits" e2e_wait_dead "$pid" 5
check "down NAME: the pidfile is gone" test ! -e "$(e2e_pidfile)"
[ "$E2E_FAILED" = 0 ] || e2e_serve_log | tail -n 20
e2e_summary
