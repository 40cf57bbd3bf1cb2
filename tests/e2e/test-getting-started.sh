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

# The README's sh blocks of "## Getting started", into block1.sh, ...
e2e_readme_blocks "$README" "Getting started"

e2e_side "$NS_SRV" srv
e2e_side "$NS_CLI" cli
install_pppssh="cmake --install '$BUILD' >/dev/null && mkdir -p /etc/pppssh"
check "server: pppssh installed (cmake --install)" e2e_on srv "$install_pppssh"
check "client: pppssh installed (cmake --install)" e2e_on cli "$install_pppssh"
check "the README has three Getting started blocks" test -s "$E2E_TMP/block3.sh"
check "server: the system's sshd runs" \
    e2e_on srv "mkdir -p /run/sshd && /usr/sbin/sshd -E /tmp/sshd.log"
echo "$SRV_IP gw.example.net" >"$E2E_TMP/hosts"
check "client: gw.example.net is the server" e2e_on cli "cat '$E2E_TMP/hosts' >>/etc/hosts"

check "client: the README's first block" e2e_on cli "set -e; . '$E2E_TMP/block1.sh'"
e2e_on cli "cat /etc/pppssh/office.key.pub" >"$E2E_TMP/office.key.pub"
check "the client's public key reaches the server" e2e_on srv "cp '$E2E_TMP/office.key.pub' /root/"
check "server: the README's second block" e2e_on srv "set -e; . '$E2E_TMP/block2.sh'"
check "client: the README's third block (up, ping through the tunnel)" \
    e2e_on cli "set -e; . '$E2E_TMP/block3.sh'"
check "client: interface office has a pool address" \
    e2e_on_says cli "ip -4 addr show dev office" "inet 198\.18\.255\.1[0-9][0-9] peer 198\.18\.255\.1/32"
check "client: pppssh status office says up" e2e_on_says cli "pppssh status office" "^state: up$"
check "client: pppssh show lists office with the server's address" \
    e2e_on_says cli "pppssh show" "^  peer4: 198\.18\.255\.1$"
check "client: pppssh down office" e2e_on cli "pppssh down office"
check "client: interface office is gone" wait_gone e2e_on cli "ip link show office"
[ "$E2E_FAILED" = 0 ] || { e2e_on srv "tail -n 20 /tmp/sshd.log"; cat "$E2E_TMP"/block*.sh; }
e2e_summary
