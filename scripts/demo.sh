#!/bin/bash
# demo.sh BUILD_DIR - a real pppssh tunnel between network namespaces.
#
#   office ── client ═══ ssh over 198.18.0.0/24 ═══ server (sshd) ── hq
#   198.19.1.0/24          tunnel 198.18.255.0/24               198.19.0.0/24
#
# Four namespaces (no link to this machine's own network, no default route
# out), a throwaway sshd with throwaway keys in "server", `pppssh up` in
# "client", pings through the tunnel (IPv4 LAN to LAN both ways, IPv6
# fd00:5353::/64), `pppssh status`, `pppssh down`, and everything is torn
# down on exit (processes by PID, namespaces, files), even after a failure.
# Needs root (namespaces, TUN, sshd).
set -euo pipefail

BUILD=${1:-build}
PPPSSH=$(cd "$BUILD" 2>/dev/null && pwd)/pppssh
say() { printf '[demo] %s\n' "$*"; }
die() { printf '[demo] FAILED: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
    say "needs root: network namespaces, a TUN interface and an sshd."
    say "run it as root, e.g.: sudo make demo"
    exit 1
fi
[ -x "$PPPSSH" ] || die "no pppssh binary at $PPPSSH (build first: make build)"

# The address plan of DESIGN.md ("Test bed conventions").
CLI_IP=198.18.0.1 SRV_IP=198.18.0.2
TUN_SRV=198.18.255.1 TUN6_SRV=fd00:5353::1 TUN6_CLI=fd00:5353::2
HQ_GW=198.19.0.1 HQ_HOST=198.19.0.2
OFFICE_GW=198.19.1.1 OFFICE_HOST=198.19.1.2
NS_CLI=pppssh-demo-client NS_SRV=pppssh-demo-server
NS_HQ=pppssh-demo-hq NS_OFFICE=pppssh-demo-office
ALL_NS="$NS_CLI $NS_SRV $NS_HQ $NS_OFFICE"
TMP="" SSHD_PID=""

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

cleanup() {
    local status=$? ns pid
    trap - EXIT
    say "tearing down: processes (by PID), namespaces, files"
    [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
    # Anything still running inside our namespaces was started by this demo.
    for ns in $ALL_NS; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
    done
    for ns in $ALL_NS; do ip netns del "$ns" 2>/dev/null; done
    [ -n "$TMP" ] && rm -rf "$TMP"
    [ $status = 0 ] && say "done: all steps passed" || say "exit status $status"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A leftover of an interrupted run would make "ip netns add" fail.
for ns in $ALL_NS; do
    if ip netns list | grep -qw "$ns"; then die "namespace $ns exists (an earlier demo still running?)"; fi
done
TMP=$(mktemp -d /tmp/pppssh-demo.XXXXXX)
export PPPSSH_RUN_DIR=$TMP/run   # control socket of the tunnel, out of /run/pppssh

say "creating namespaces: $ALL_NS"
for ns in $ALL_NS; do
    ip netns add "$ns"
    in_ns "$ns" ip link set lo up
done

# veth NAME1 NS1 ADDR1 NAME2 NS2 ADDR2 : a cable between two namespaces.
veth() {
    ip link add "$1" netns "$2" type veth peer name "$4" netns "$5"
    in_ns "$2" ip addr add "$3/24" dev "$1"
    in_ns "$5" ip addr add "$6/24" dev "$4"
    in_ns "$2" ip link set "$1" up
    in_ns "$5" ip link set "$4" up
}
say "wiring: client $CLI_IP <-> server $SRV_IP (the \"Internet\")"
veth to-srv "$NS_CLI" "$CLI_IP" to-cli "$NS_SRV" "$SRV_IP"
say "wiring: server $HQ_GW <-> hq host $HQ_HOST (head-office LAN 198.19.0.0/24)"
veth to-hq "$NS_SRV" "$HQ_GW" to-srv "$NS_HQ" "$HQ_HOST"
say "wiring: client $OFFICE_GW <-> office host $OFFICE_HOST (remote-office LAN 198.19.1.0/24)"
veth to-office "$NS_CLI" "$OFFICE_GW" to-cli "$NS_OFFICE" "$OFFICE_HOST"
# The LAN hosts reach the other side through their gateway (no default route).
in_ns "$NS_HQ" ip route add 198.18.255.0/24 via "$HQ_GW"
in_ns "$NS_HQ" ip route add 198.19.1.0/24 via "$HQ_GW"
in_ns "$NS_OFFICE" ip route add 198.18.255.0/24 via "$OFFICE_GW"
in_ns "$NS_OFFICE" ip route add 198.19.0.0/24 via "$OFFICE_GW"
say "enabling IP forwarding in client and server"
in_ns "$NS_SRV" sysctl -qw net.ipv4.ip_forward=1
in_ns "$NS_CLI" sysctl -qw net.ipv4.ip_forward=1

say "generating throwaway host and client keys"
ssh-keygen -q -t ed25519 -N '' -C pppssh-demo-host -f "$TMP/host_key"
ssh-keygen -q -t ed25519 -N '' -C pppssh-demo-client -f "$TMP/client_key"
echo "$SRV_IP $(cut -d' ' -f1,2 "$TMP/host_key.pub")" >"$TMP/known_hosts"
# The key may only run the tunnel's server end (a forced command).
printf 'command="%s serve -c %s",no-port-forwarding,no-agent-forwarding,no-X11-forwarding %s\n' \
    "$PPPSSH" "$TMP/server.conf" "$(cat "$TMP/client_key.pub")" >"$TMP/authorized_keys"
cat >"$TMP/sshd_config" <<EOF
ListenAddress $SRV_IP
HostKey $TMP/host_key
PidFile $TMP/sshd.pid
AuthorizedKeysFile $TMP/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PrintMotd no
UseDNS no
LogLevel VERBOSE
# The forced command runs through root's shell; bash would source root's
# ~/.bashrc (it does under sshd), whatever it holds.  Not in this demo.
SetEnv HOME=$TMP
EOF
cat >"$TMP/server.conf" <<EOF
[Server]
Address = $TUN_SRV
Pool = 198.18.255.2-198.18.255.254
Address6 = $TUN6_SRV/64

[User root]
Route = 198.19.1.0/24
Address6 = $TUN6_CLI/64
EOF
umask 077   # the client config names a key: not world-readable
cat >"$TMP/demo.conf" <<EOF
[Tunnel]
Server = root@$SRV_IP
IdentityFile = $TMP/client_key
SSHOption = UserKnownHostsFile=$TMP/known_hosts
SSHOption = StrictHostKeyChecking=yes
SSHOption = ConnectTimeout=5
Interface = demo0
Route = 198.19.0.0/24
Address6 = $TUN6_CLI/64
EOF

say "starting sshd in ns $NS_SRV on $SRV_IP:22"
mkdir -p /run/sshd   # sshd's privilege-separation directory
/usr/sbin/sshd -t -f "$TMP/sshd_config" || die "sshd rejects its config"
in_ns "$NS_SRV" /usr/sbin/sshd -D -f "$TMP/sshd_config" -E "$TMP/sshd.log" &
SSHD_PID=$!
# sshd writes its pidfile once it listens: the only wait in this demo.
for _ in $(seq 100); do [ -s "$TMP/sshd.pid" ] && break; sleep 0.05; done
[ -s "$TMP/sshd.pid" ] || die "sshd did not start: $(tail -n3 "$TMP/sshd.log")"

say "server config ($TMP/server.conf):"
sed 's/^/         /' "$TMP/server.conf"
say "client config ($TMP/demo.conf):"
sed 's/^/         /' "$TMP/demo.conf"

say "pppssh up (in ns $NS_CLI): returns once the link is up"
T0=$(date +%s%N)
in_ns "$NS_CLI" "$PPPSSH" up -c "$TMP/demo.conf" ||
    die "pppssh up failed (sshd log: $(tail -n3 "$TMP/sshd.log" | tr '\n' ' '))"
say "link up in $(( ($(date +%s%N) - T0) / 1000000 )) ms"
in_ns "$NS_CLI" ip -br addr show dev demo0 | sed 's/^/         /'

say "ping the server's tunnel end $TUN_SRV from the client"
in_ns "$NS_CLI" ping -c 3 -i 0.2 -W 2 "$TUN_SRV" | sed 's/^/         /'
say "ping hq host $HQ_HOST (head-office LAN) from the client"
in_ns "$NS_CLI" ping -c 3 -i 0.2 -W 2 "$HQ_HOST" | sed 's/^/         /'
say "ping6 the server's IPv6 tunnel end $TUN6_SRV from the client"
in_ns "$NS_CLI" ping -6 -c 3 -i 0.2 -W 2 "$TUN6_SRV" | sed 's/^/         /'
say "ping hq host $HQ_HOST from office host $OFFICE_HOST (LAN to LAN)"
in_ns "$NS_OFFICE" ping -c 3 -i 0.2 -W 2 "$HQ_HOST" | sed 's/^/         /'
say "ping office host $OFFICE_HOST from hq host $HQ_HOST (the other way)"
in_ns "$NS_HQ" ping -c 3 -i 0.2 -W 2 "$OFFICE_HOST" | sed 's/^/         /'

say "pppssh status demo (the tunnel is named after its file, demo.conf)"
in_ns "$NS_CLI" "$PPPSSH" status demo | sed 's/^/         /'

say "pppssh down demo"
in_ns "$NS_CLI" "$PPPSSH" down demo
if in_ns "$NS_CLI" ip link show demo0 >/dev/null 2>&1; then die "demo0 still exists after down"; fi
say "demo0 is gone"
