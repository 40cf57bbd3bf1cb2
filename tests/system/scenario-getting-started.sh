# scenario-getting-started.sh - README's "Getting started" as written, its
# three sh blocks word for word (sourced by run.sh).  The server
# (gw.example.net) is the guest: Debian 12 with this build's package, its
# own sshd and sshd_config, serve splitting to the package's pppssh
# account.  The client is the host side, installed from this tree
# (`cmake --install`, what `make install` runs) into a copy-on-write
# overlay of / (e2e_side: its /etc, /root, /usr are its own).
# shellcheck shell=sh

e2e_readme_blocks "$HERE/../../README.md" "Getting started"
check "getting-started: the README has three blocks" test -s "$E2E_TMP/block3.sh"
cp "$E2E_TMP/block2.sh" "$E2E_TMP/share/"
e2e_side "$SYS_NS" cli
# As a new user's shell would have it: no test run directory.
cli() { e2e_on cli "unset PPPSSH_RUN_DIR; $1"; }
check "getting-started: client: pppssh installed (cmake --install)" \
    cli "cmake --install '$(dirname "$PPPSSH")' >/dev/null && mkdir -p /etc/pppssh"
check "getting-started: client: gw.example.net is the guest" cli "echo '$VM_IP gw.example.net' >>/etc/hosts"
check "getting-started: client: the README's first block (keygen, ssh-keyscan)" \
    cli "set -e; . '$E2E_TMP/block1.sh'"
# (the overlay's writes stay in it: the key comes out on stdout)
cli "cat /etc/pppssh/office.key.pub" >"$E2E_TMP/share/office.key.pub"
check "getting-started: the client's public key reaches the server" \
    grep -q "^ssh-ed25519 " "$E2E_TMP/share/office.key.pub"
check "getting-started: server: the README's second block" \
    vm "cp /mnt/host/office.key.pub /root/ && cd /root && set -e && . /mnt/host/block2.sh"
check "getting-started: client: the README's third block (up, ping through the tunnel)" \
    cli "set -e; . '$E2E_TMP/block3.sh'"
check "getting-started: client: interface office has a pool address" \
    e2e_on_says cli "ip -4 -o addr show dev office" "inet 198\.18\.255\.1[0-9][0-9] peer 198\.18\.255\.1/32"
client_ip=$(sed -n 's/.*inet \(198\.18\.255\.1[0-9][0-9]\) peer.*/\1/p' "$E2E_TMP/on.out")
check "getting-started: server: a session interface 198.18.255.1 peer $client_ip" \
    vm_says "ip -4 -o addr" "inet 198\.18\.255\.1 peer $client_ip/32"
check "getting-started: server: the guest pings the client through the tunnel" \
    vm "ping -c 2 -W 3 $client_ip"
check "getting-started: server: the session runs as the package's pppssh account" \
    vm_says "ps -o user= -C pppssh" "^pppssh$"
check "getting-started: client: pppssh down office" cli "pppssh down office"
check "getting-started: client: interface office is gone" wait_gone cli "ip link show office"
check "getting-started: server: the session's interface is gone" \
    vm_until 10 "! ip -4 -o addr | grep -q 'inet 198.18.255.1 '"
