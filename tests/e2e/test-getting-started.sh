#!/bin/sh
# test-getting-started.sh - issue 16: the README's "Getting started" works
# as written.  Its three sh blocks (client, server, client again) run
# word for word, as root, each side in its own copy-on-write overlay of /
# (a private mount namespace: its /etc/pppssh, /root/.ssh, /usr/sbin and
# /etc/hosts are the overlay's, the host's are never touched) joined to
# the bed's network namespaces.  pppssh is installed into each overlay
# with `cmake --install` (what `make install` runs); the server side runs
# the system's sshd with the system's sshd_config, as a real server does.
# Then the kernel's view: the client's interface and address, the ping
# through the tunnel, and `pppssh down office` removing the interface.
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
e2e_skip_unless_root
[ -x "$PPPSSH" ] || { echo "PPPSSH=$PPPSSH is not an executable"; exit 1; }
BUILD=$(dirname "$PPPSSH")
README=$HERE/../../README.md
E2E_TMP=$(mktemp -d /tmp/pppssh-e2e.XXXXXX)
trap e2e_cleanup EXIT
trap 'exit 1' INT TERM
e2e_netns

# The README's sh blocks between "## Getting started" and the next "## ",
# in order, into block1.sh, block2.sh, ...
awk -v dir="$E2E_TMP" '
    /^## / { in_section = ($0 == "## Getting started") }
    in_section && /^```sh$/ { n++; out = dir "/block" n ".sh"; next }
    in_section && /^```$/ { out = ""; next }
    out != "" { print > out }
' "$README"

# side NS NAME: a root for side NAME, an overlay of / in a new mount
# namespace in NS, with /dev, /proc and NS's /sys; a holder process keeps
# the namespace (its PID in $E2E_TMP/NAME.pid), left running until cleanup.
side() {
    ip netns exec "$1" unshare -m --propagation private sh -c '
        top=$0/$1
        mkdir -p "$top"
        mount -t tmpfs e2e-side "$top"
        mkdir "$top/up" "$top/work" "$top/root"
        mount -t overlay e2e-side -o "lowerdir=/,upperdir=$top/up,workdir=$top/work" "$top/root"
        mount --rbind /dev "$top/root/dev"
        mount -t proc proc "$top/root/proc"
        mount --rbind /sys "$top/root/sys"
        mount -t tmpfs run "$top/root/run"
        exec chroot "$top/root" sleep 300' "$E2E_TMP" "$2" &
    echo $! >"$E2E_TMP/$2.pid"
    E2E_PIDS="$E2E_PIDS $!"
    i=0
    while [ "$(readlink "/proc/$!/root")" = / ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# on NAME COMMAND: COMMAND (sh) as root in side NAME, in /root.
on() {
    x_pid=$(cat "$E2E_TMP/$1.pid")
    nsenter -t "$x_pid" -m -n -r -w sh -c "cd /root && $2"
}

# on_says NAME COMMAND PATTERN: COMMAND's output in side NAME has a line
# matching PATTERN (grep -E).
on_says() {
    on "$1" "$2" >"$E2E_TMP/on.out" 2>&1
    grep -Eq "$3" "$E2E_TMP/on.out" || { cat "$E2E_TMP/on.out"; return 1; }
}

side "$NS_SRV" srv
side "$NS_CLI" cli
install_pppssh="cmake --install '$BUILD' >/dev/null && mkdir -p /etc/pppssh"
check "server: pppssh installed (cmake --install)" on srv "$install_pppssh"
check "client: pppssh installed (cmake --install)" on cli "$install_pppssh"
check "the README has three Getting started blocks" test -s "$E2E_TMP/block3.sh"
check "server: the system's sshd runs" \
    on srv "mkdir -p /run/sshd && /usr/sbin/sshd -E /tmp/sshd.log"
echo "$SRV_IP gw.example.net" >"$E2E_TMP/hosts"
check "client: gw.example.net is the server" on cli "cat '$E2E_TMP/hosts' >>/etc/hosts"

check "client: the README's first block" on cli "set -e; . '$E2E_TMP/block1.sh'"
on cli "cat /etc/pppssh/office.key.pub" >"$E2E_TMP/office.key.pub"
check "the client's public key reaches the server" on srv "cp '$E2E_TMP/office.key.pub' /root/"
check "server: the README's second block" on srv "set -e; . '$E2E_TMP/block2.sh'"
check "client: the README's third block (up, ping through the tunnel)" \
    on cli "set -e; . '$E2E_TMP/block3.sh'"
check "client: interface office has a pool address" \
    on_says cli "ip -4 addr show dev office" "inet 198\.18\.255\.1[0-9][0-9] peer 198\.18\.255\.1/32"
check "client: pppssh status office says up" on_says cli "pppssh status office" "^state: up$"
check "client: pppssh show lists office with the server's address" \
    on_says cli "pppssh show" "^  peer4: 198\.18\.255\.1$"
check "client: pppssh down office" on cli "pppssh down office"
check "client: interface office is gone" wait_gone on cli "ip link show office"
[ "$E2E_FAILED" = 0 ] || { on srv "tail -n 20 /tmp/sshd.log"; cat "$E2E_TMP"/block*.sh; }
e2e_summary
