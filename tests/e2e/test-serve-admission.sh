#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-serve-admission.sh - issue 11: who `pppssh serve` admits, with what,
# and how a refusal reaches the client, through the real sshd.
#   - a user without a [User] section is refused even with a Pool (removing
#     the section revokes the key), and the reason reaches `pppssh up` in
#     the LCP Terminate-Request while serve's stderr goes to /dev/null
#     (exit 9);
#   - eight sessions of one pool user started together end with one
#     session, one lease, one tunnel interface (MaxSessions = 1);
#   - a PPPSSH_RUN_DIR a client sends through sshd (SetEnv / AcceptEnv)
#     does not move serve's leases;
#   - a lease file that is a symbolic link is never followed, and a run
#     directory others may write is refused;
#   - `serve --check` exits 2 on config cross-check errors, naming file:line.
#   PPPSSH=/abs/path/pppssh tests/e2e/test-serve-admission.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..
. "$HERE/lib.sh"
e2e_bed_setup
RUN=$E2E_TMP/srv-run
E2E_UP_TIMEOUT=20
DAVE_IP=198.18.254.77   # leased in /run/pppssh: an address no other test uses

e2e_server_conf 198.18.255.100-198.18.255.110 \
    "[User alice]" "Address = 198.18.255.2" \
    "[User bob]" \
    "[User dave]" "Address = $DAVE_IP" \
    "[User erin]" "Address = 198.18.255.50"

# quiet_key NAME [SERVE_ARGS]: a key for user NAME whose serve sends its
# stderr nowhere (the client can only learn a reason in band).
quiet_key() {
    ssh-keygen -q -t ed25519 -N '' -C "e2e-$1" -f "$E2E_TMP/key-$1"
    printf 'command="%s serve %s -c %s --user %s 2>/dev/null" %s\n' "$PPPSSH" "$2" \
        "$E2E_TMP/server.conf" "$1" "$(cat "$E2E_TMP/key-$1.pub")" >>"$E2E_TMP/authorized_keys"
}
quiet_key mallory "--run-dir $RUN"
quiet_key erin "--run-dir $RUN"
quiet_key dave ""   # no --run-dir: /run/pppssh, whatever the client sends
e2e_user bob

# up_fails NAME CONF WANT_STATUS TEXT: `pppssh up` fails with that status
# and TEXT (the server's reason) on its stderr.
up_fails() {
    e2e_up "$NS_CLI" "$2" >/dev/null 2>&1
    if [ "$E2E_RC" = "$3" ] && grep -qF -- "$4" "$E2E_TMP/up.out"; then
        pass "$1: exit $E2E_RC, $(tail -n1 "$E2E_TMP/up.out")"
    else
        fail "$1: exit $E2E_RC (want $3 and '$4'): $(cat "$E2E_TMP/up.out")"
    fi
}
srv_tunnels() { ip -n "$NS_SRV" -o link show | grep -c ': ppps'; }
# held_leases: lease files under RUN someone holds locked now.
held_leases() {
    n=0
    for f in "$RUN"/leases/[0-9]*; do
        [ -f "$f" ] && ! flock -n "$f" true 2>/dev/null && n=$((n + 1))
    done
    echo $n
}

# 1 + 6: no section, refused with a Pool; the reason arrives in band.
e2e_conf_user "$E2E_TMP/mal.conf" mallory "Interface = e2emal" "Persist = no"
up_fails "user without [User] refused, reason in band" "$E2E_TMP/mal.conf" 9 \
    "has no [User mallory] section"
check "refused: no tunnel interface on the server" test "$(srv_tunnels)" = 0
check "refused: no lease held" test "$(held_leases)" = 0

# 4: a symbolic link where erin's lease file goes is not followed.
mkdir -p -m 700 "$RUN/leases"
echo untouched >"$E2E_TMP/victim"
ln -s "$E2E_TMP/victim" "$RUN/leases/198.18.255.50"
e2e_conf_user "$E2E_TMP/erin.conf" erin "Interface = e2eerin" "Persist = no"
up_fails "symlinked lease file refused" "$E2E_TMP/erin.conf" 9 "symbolic link"
check "the symlink's target is untouched" grep -qx untouched "$E2E_TMP/victim"
check "symlink: no tunnel interface on the server" test "$(srv_tunnels)" = 0
rm -f "$RUN/leases/198.18.255.50"
# ... nor a run directory that others may write.
chmod 0770 "$RUN"
up_fails "group-writable run directory refused" "$E2E_TMP/erin.conf" 9 "writable by group"
chmod 0700 "$RUN"
check "erin admitted once the directory is safe" e2e_up "$NS_CLI" "$E2E_TMP/erin.conf"
check "erin: down" e2e_down "$NS_CLI" "$E2E_TMP/erin.conf"
# 1: removing erin's section revokes her key, Pool or not.
sed -i '/^\[User erin\]$/,+1d' "$E2E_TMP/server.conf"
up_fails "erin's section removed: her key is refused" "$E2E_TMP/erin.conf" 9 \
    "has no [User erin] section"

# 4: the client sends PPPSSH_RUN_DIR, sshd accepts it: serve ignores it.
echo 'AcceptEnv PPPSSH_*' >>"$E2E_TMP/sshd_config"
check "sshd listens again with AcceptEnv" e2e_sshd_reload
e2e_conf_user "$E2E_TMP/dave.conf" dave "Interface = e2edave" "Persist = no" \
    "SSHOption = SetEnv=PPPSSH_RUN_DIR=$E2E_TMP/evil PPPSSH_OFFLOAD=0"
check "dave up with PPPSSH_RUN_DIR sent through sshd" e2e_up "$NS_CLI" "$E2E_TMP/dave.conf"
# serve_env_has TEXT: dave's serve has TEXT in its environment.
serve_env_has() {
    for p in $(pgrep -f "serve  -c $E2E_TMP/server.conf --user dave"); do
        tr '\0' '\n' <"/proc/$p/environ" | grep -qxF -- "$1" && return 0
    done
    return 1
}
check "the client's PPPSSH_RUN_DIR reached serve's environment (sshd passed it)" \
    serve_env_has "PPPSSH_RUN_DIR=$E2E_TMP/evil"
check "... but serve made nothing there" test ! -e "$E2E_TMP/evil"
check "... its lease is in /run/pppssh" sh -c "! flock -n /run/pppssh/leases/$DAVE_IP true"
check "dave: down" e2e_down "$NS_CLI" "$E2E_TMP/dave.conf"
# Leave /run/pppssh as it was, once dave's serve has let go.
wait_gone sh -c "! flock -n /run/pppssh/leases/$DAVE_IP true"
rm -f "/run/pppssh/leases/$DAVE_IP" /run/pppssh/leases/user-dave.lock

# 2: eight sessions of bob (a pool user) at once: the newest takes over,
# never more than one address held.  Plain ssh: serve's PPP goes nowhere.
pids=""
for i in 1 2 3 4 5 6 7 8; do
    sleep 30 | in_cli ssh -T -i "$E2E_TMP/key-bob" -o UserKnownHostsFile="$E2E_TMP/known_hosts" \
        -o StrictHostKeyChecking=yes "root@$SRV_IP" >/dev/null 2>&1 &
    pids="$pids $!"
done
E2E_PIDS="$E2E_PIDS $pids"
# Seven of them are taken over (their serve ends, so their ssh does).
i=0
while [ $i -lt 200 ]; do
    alive=0
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
    [ $alive -le 1 ] && break
    sleep 0.1
    i=$((i + 1))
done
echo "    (sessions still open after $((i / 10)) s: $alive)"
check "8 sessions of one pool user: one session left" test "$alive" = 1
check "8 sessions of one pool user: one lease held" test "$(held_leases)" = 1
check "8 sessions of one pool user: one tunnel interface" test "$(srv_tunnels)" = 1
# held_by USER: every held lease under RUN is USER's.
held_by() {
    for f in "$RUN"/leases/[0-9]*; do
        flock -n "$f" true 2>/dev/null || [ "$(head -n1 "$f")" = "$1" ] || return 1
    done
}
check "8 sessions of one pool user: the lease held is bob's" held_by bob
for p in $pids; do kill "$p" 2>/dev/null; done

# 5: serve --check refuses cross-check errors, naming file and line.
# check_conf LABEL LINE TEXT: serve --check on $E2E_TMP/x.conf exits 2
# and names x.conf:LINE.
check_conf() {
    "$PPPSSH" serve --check -c "$E2E_TMP/x.conf" >"$E2E_TMP/x.out" 2>&1
    got=$?
    if [ "$got" = 2 ] && grep -qF "x.conf:$2:" "$E2E_TMP/x.out"; then
        pass "serve --check: $1: exit 2, $(cat "$E2E_TMP/x.out")"
    else
        fail "serve --check: $1: exit $got (want 2, line $2): $(cat "$E2E_TMP/x.out")"
    fi
}
printf '[Server]\nAddress = 198.18.255.1\nPool = 198.18.255.0/24\n' >"$E2E_TMP/x.conf"
check_conf "Pool holds the server's Address" 3
printf '[Server]\nAddress = 198.18.255.1\n[User a]\nRoute = 198.19.1.0/24\nRoute = 0.0.0.0/0\n' \
    >"$E2E_TMP/x.conf"
check_conf "a user's default route" 5
printf '[Server]\nAddress = 198.18.255.1\n[User a]\nRoute = ::/0\n' >"$E2E_TMP/x.conf"
check_conf "a user's IPv6 default route" 4
printf '[Server]\nAddress = 198.18.254.1\n[User a]\nRoute = 198.18.255.0/24\n[User b]\nAddress = 198.18.255.9\n' \
    >"$E2E_TMP/x.conf"
check_conf "a user's route over another user's address" 4
check "serve --check still passes this test's own server.conf" \
    "$PPPSSH" serve --check -c "$E2E_TMP/server.conf"
[ "$E2E_FAILED" = 0 ] || e2e_serve_log

e2e_summary
