#!/bin/sh
# serve-scale.sh [BUILD_DIR] [N] - issue 13's scale run: one server holds
# N (default 200) concurrent sessions through a real sshd, `pppssh serve`
# the forced command of ordinary accounts, `pppssh helper` the only
# privileged part.  Needs root; namespaces only (no link to the host),
# 198.18.0.0/15 only.  Not a ctest: it takes minutes and most of the
# machine.
#
# The bed:
#   client namespaces c0..c(K-1) (K = SCALE_CLIENT_NS, default 4), each a
#   "client host" 198.18.0.(10+k) on a bridge in the server namespace
#   (198.18.0.2, sshd).  N VPN users u1..uN, each with their own key and
#   [User uN] section (Account = one of SCALE_ACCOUNTS ordinary accounts,
#   default 4, in a private /etc/passwd that only sshd and the helper
#   see), addresses from one Pool.  Client i runs `pppssh up -f` with its
#   own config file, run directory (control socket) and interface ci,
#   Persist = no, the default KeepaliveInterval (10 s).
#
# Measures: the time from starting all N clients until all have their
# address (sessions/s); then, at idle for SCALE_IDLE seconds (default 30)
# with keepalives, the CPU seconds of all serve processes, the helper and
# sshd (utime+stime from /proc/PID/stat); PSS (smaps_rollup) and RSS per
# serve (mean, max) and of the helper; then SIGKILL to 50 serve processes
# (N/4 when N < 200) and what is left in the helper after a few seconds
# (pppssh-* interfaces, held leases, its open descriptors); then all
# clients down and what is left.  Prints a markdown table.
#
# sshd: MaxStartups is raised to SCALE_MAXSTARTUPS (default 300:30:600:
# N clients start at once, and each stays unauthenticated for the key
# exchange); SCALE_MAXSTARTUPS=default keeps sshd's 10:30:100, under which
# sshd drops connections at random and `pppssh up` retries them (the table
# says how many drops sshd logged).  sshd's MaxSessions (per connection)
# needs no change: each client opens one session on its own connection.
# PID lists ($serves, $(serve_pids), ...) are split into words on purpose.
# shellcheck disable=SC2046,SC2086
set -eu

build=${1:-build}
n=${2:-200}
pppssh=$(cd "$build" && pwd)/pppssh
k_ns=${SCALE_CLIENT_NS:-4}
n_acc=${SCALE_ACCOUNTS:-4}
idle_s=${SCALE_IDLE:-30}
up_limit=${SCALE_UP_LIMIT:-180}       # seconds for all N to come up
maxstartups=${SCALE_MAXSTARTUPS:-300:30:600}
# SCALE_CONNECT_TIMEOUT=S: the clients' ssh ConnectTimeout (it bounds the
# banner exchange too); default: none in the config, pppssh's own (3 s).
connect_timeout=${SCALE_CONNECT_TIMEOUT:+SSHOption = ConnectTimeout=$SCALE_CONNECT_TIMEOUT}
n_kill=50
[ "$n" -ge 200 ] || n_kill=$((n / 4))
[ "$n" -le 250 ] || { echo "N <= 250 (one /24 pool)"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "needs root (namespaces, TUN, sshd)"; exit 77; }
[ -x "$pppssh" ] || { echo "no $pppssh"; exit 1; }

id=$$
ns_srv=pppssh-scale-$id-srv
tmp=$(mktemp -d /tmp/pppssh-scale.XXXXXX)
sock=$tmp/helper/helper.sock
helper_pid=""
launcher_pids=""
namespaces=""
hz=$(getconf CLK_TCK)

cleanup() {
    rc=$?
    for p in $launcher_pids $(client_procs); do kill "$p" 2>/dev/null || true; done
    [ -z "$helper_pid" ] || kill "$helper_pid" 2>/dev/null || true
    [ ! -s "$tmp/sshd.pid" ] || kill "$(cat "$tmp/sshd.pid")" 2>/dev/null || true
    sleep 1
    # Anything still running in our namespaces was started by this script.
    for ns in $namespaces; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    done
    for ns in $namespaces; do ip netns del "$ns" 2>/dev/null || true; done
    if [ -n "${SCALE_KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

say() { echo "# $*" >&2; }

# ---- namespaces: the server (a bridge for the transport) and K client hosts
ip netns add "$ns_srv"
namespaces=$ns_srv
ip -n "$ns_srv" link set lo up
ip -n "$ns_srv" link add br-wan type bridge
ip -n "$ns_srv" addr add 198.18.0.2/24 dev br-wan
ip -n "$ns_srv" link set br-wan up
k=0
while [ $k -lt "$k_ns" ]; do
    ns=pppssh-scale-$id-c$k
    ip netns add "$ns"
    namespaces="$namespaces $ns"
    ip -n "$ns" link set lo up
    ip link add t0 netns "$ns" type veth peer name "v-c$k" netns "$ns_srv"
    ip -n "$ns_srv" link set "v-c$k" master br-wan
    ip -n "$ns_srv" link set "v-c$k" up
    ip -n "$ns" addr add "198.18.0.$((10 + k))/24" dev t0
    ip -n "$ns" link set t0 up
    k=$((k + 1))
done
# client_procs: every process in the client namespaces (all started here).
client_procs() {
    for ns in $namespaces; do [ "$ns" = "$ns_srv" ] || ip netns pids "$ns"; done
}
client_ns() { echo "pppssh-scale-$id-c$(( ($1 - 1) % k_ns ))"; }

# ---- accounts, keys, server.conf
chmod 711 "$tmp"
mkdir -p "$tmp/home" "$tmp/ak" "$tmp/helper" "$tmp/keys" "$tmp/slog" "$tmp/cli"
chmod 1777 "$tmp/slog"
sed "s|^\(root:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:\).*|\1/bin/sh|" /etc/passwd >"$tmp/passwd"
a=0
while [ $a -lt "$n_acc" ]; do
    echo "vpn$a:x:$((60200 + a)):65534::$tmp/home:/bin/sh" >>"$tmp/passwd"
    : >"$tmp/ak/vpn$a"
    a=$((a + 1))
done
ssh-keygen -q -t ed25519 -N '' -f "$tmp/host_key"
echo "198.18.0.2 $(cat "$tmp/host_key.pub")" >"$tmp/known_hosts"
{
    echo "[Server]"
    echo "Address = 198.18.4.1"
    echo "Pool = 198.18.5.1-198.18.5.250"
    echo "Helper = $sock"
} >"$tmp/server.conf"
i=1
while [ $i -le "$n" ]; do
    acc=vpn$(( (i - 1) % n_acc ))
    ssh-keygen -q -t ed25519 -N '' -C "u$i" -f "$tmp/keys/u$i"
    printf 'restrict,command="%s serve --user u%d -c %s --stderr 2>>%s/slog/u%d.log" %s\n' \
        "$pppssh" "$i" "$tmp/server.conf" "$tmp" "$i" "$(cat "$tmp/keys/u$i.pub")" >>"$tmp/ak/$acc"
    printf '[User u%d]\nAccount = %s\n' "$i" "$acc" >>"$tmp/server.conf"
    mkdir -p "$tmp/cli/run$i"
    cat >"$tmp/cli/c$i.conf" <<CONF
[Tunnel]
Server = $acc@198.18.0.2
IdentityFile = $tmp/keys/u$i
SSHOption = UserKnownHostsFile=$tmp/known_hosts
SSHOption = StrictHostKeyChecking=yes
$connect_timeout
Interface = c$i
Persist = no
CONF
    chmod 600 "$tmp/cli/c$i.conf"
    i=$((i + 1))
done
chmod 644 "$tmp/server.conf" "$tmp"/ak/*

# ---- sshd and the helper, both with the accounts' /etc/passwd
cat >"$tmp/sshd_config" <<SSHD
ListenAddress 198.18.0.2
HostKey $tmp/host_key
PidFile $tmp/sshd.pid
AuthorizedKeysFile $tmp/ak/%u
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
LogLevel VERBOSE
SSHD
[ "$maxstartups" = default ] || echo "MaxStartups $maxstartups" >>"$tmp/sshd_config"
mkdir -p /run/sshd
ip netns exec "$ns_srv" unshare -m sh -c "mount --bind '$tmp/passwd' /etc/passwd &&
    exec /usr/sbin/sshd -f '$tmp/sshd_config' -E '$tmp/sshd.log'"
i=0
while [ ! -s "$tmp/sshd.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$tmp/sshd.pid" ] || { echo "sshd did not start"; cat "$tmp/sshd.log"; exit 1; }

# ip netns exec, unshare and sh each exec the next: $! is the helper.
ip netns exec "$ns_srv" unshare -m sh -c "mount --bind '$tmp/passwd' /etc/passwd &&
    exec '$pppssh' helper -c '$tmp/server.conf' --run-dir '$tmp/srvrun' --stderr" \
    >"$tmp/helper.log" 2>&1 &
helper_pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$sock" ] || { echo "the helper did not start"; cat "$tmp/helper.log"; exit 1; }

# ---- what we read
# mem PID: "PSS RSS" in KiB (0 0 if gone).
mem() {
    awk '/^Pss:/ {p=$2} /^Rss:/ {r=$2} END {print p+0, r+0}' "/proc/$1/smaps_rollup" 2>/dev/null ||
        echo 0 0
}
# cpu_ns PID...: CPU time (ns, /proc/PID/schedstat) summed over the PIDs.
cpu_ns() {
    for p in "$@"; do cat "/proc/$p/schedstat" 2>/dev/null; done | awk '{t += $1} END {printf "%.0f\n", t}'
}
# helper_cpu_ns: the helper's CPU time and its waited-for children's
# (its `ip` and `sysctl` commands: cutime+cstime, in ticks).
helper_cpu_ns() {
    c=$(sed 's/.*) //' "/proc/$helper_pid/stat" | awk -v hz="$hz" '{printf "%.0f", ($14 + $15) * 1e9 / hz}')
    echo $(( $(cpu_ns "$helper_pid") + c ))
}
# procs NS PATTERN: PIDs in NS whose command line starts with PATTERN.
procs() {
    for p in $(ip netns pids "$1"); do
        case $({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null) in
        "$2"*) echo "$p" ;;
        esac
    done
}
serve_pids() { procs "$ns_srv" "$pppssh serve"; }
sshd_pids() { procs "$ns_srv" "sshd"; }
count() { echo $#; }
interfaces() { ip -n "$ns_srv" -o link show 2>/dev/null | awk -F': ' '$2 ~ /^pppssh-/' | wc -l; }
held_leases() {
    h=0
    for f in "$tmp"/srvrun/leases/198.*; do
        [ -e "$f" ] || continue
        flock -n "$f" true || h=$((h + 1))
    done
    echo "$h"
}
helper_fds() { ls "/proc/$helper_pid/fd" | wc -l; }
# clients_up: client interfaces that have their pool address.
clients_up() {
    u=0
    for ns in $namespaces; do
        [ "$ns" = "$ns_srv" ] && continue
        c=$(ip -n "$ns" -o -4 addr show | grep -c 'peer 198.18.4.1/32' || true)
        u=$((u + c))
    done
    echo "$u"
}
# stats KiB...: "mean max" of the values.
stats() {
    printf '%s\n' "$@" | awk '{s+=$1; if ($1>m) m=$1} END {if (NR) printf "%.0f %d\n", s/NR, m; else print "0 0"}'
}
ms() { echo $(( $(date +%s%N) / 1000000 )); }

set -- $(mem "$helper_pid")
helper_idle_pss=$1 helper_idle_rss=$2
helper_idle_fds=$(helper_fds)

# ---- cold start of N clients
say "starting $n clients in $k_ns namespaces (MaxStartups $maxstartups)"
# One launcher shell per client namespace starts its clients (a process
# each through `ip netns exec` would take longer than the setup itself)
# and waits for them; a line per started client goes to
# pids-K, and each `up` that ends (Persist = no: its link failed or it
# was stopped) writes "cI STATUS" to exits-K.
t0=$(ms)
k=0
while [ $k -lt "$k_ns" ]; do
    ip netns exec "pppssh-scale-$id-c$k" sh -c '
        i=$1
        while [ $i -le $2 ]; do
            { PPPSSH_RUN_DIR=$4/cli/run$i "$5" up -f -c "$4/cli/c$i.conf" 2>"$4/cli/c$i.log"
              echo "c$i $?" >>"$4/cli/exits-$6"; } &
            echo $! >>"$4/cli/pids-$6"
            i=$((i + $3))
        done
        wait' sh $((k + 1)) "$n" "$k_ns" "$tmp" "$pppssh" "$k" &
    launcher_pids="$launcher_pids $!"
    k=$((k + 1))
done
i=0
while [ "$(cat "$tmp"/cli/pids-* 2>/dev/null | wc -l)" -lt "$n" ] && [ $i -lt 600 ]; do
    sleep 0.05
    i=$((i + 1))
done
t_spawned=$(ms)
# ended: clients that ended (gave up).
ended() { cat "$tmp"/cli/exits-* 2>/dev/null | wc -l; }
up=0 t_up=$t0
deadline=$((t0 + up_limit * 1000))
while [ "$(ms)" -lt $deadline ]; do
    u=$(clients_up)
    [ "$u" = "$up" ] || { up=$u; t_up=$(ms); }
    [ "$up" -lt "$n" ] || break
    # the ones not up have given up
    [ $((up + $(ended))) -lt "$n" ] || break
    sleep 0.1
done
failed=$(ended)
helper_setup_ns=$(helper_cpu_ns)
setup_s=$(echo "($t_up - $t0) / 1000" | bc -l)
say "$up of $n up after $(printf "%.1f" "$setup_s") s, $failed gave up (spawning took $((t_spawned - t0)) ms)"
drops=$(grep -c 'past MaxStartups' "$tmp/sshd.log" || true)
retries=$(cat "$tmp"/cli/c*.log | grep -ci 'retry\|dropped' || true)
if [ "$up" -lt "$n" ]; then
    say "not all came up; last lines of a client that did not:"
    i=1
    while [ $i -le "$n" ]; do
        ip -n "$(client_ns $i)" -o -4 addr show dev "c$i" 2>/dev/null | grep -q peer ||
            { tail -5 "$tmp/cli/c$i.log" >&2; break; }
        i=$((i + 1))
    done
fi

# ---- idle with keepalives
sleep 2 # let the last sessions finish their setup
serves=$(serve_pids)
sshds=$(sshd_pids)
clis=""
for ns in $namespaces; do [ "$ns" = "$ns_srv" ] || clis="$clis $(ip netns pids "$ns")"; done
# shellcheck disable=SC2086
{
    c_serve0=$(cpu_ns $serves) c_helper0=$(helper_cpu_ns) c_sshd0=$(cpu_ns $sshds) c_cli0=$(cpu_ns $clis)
    say "idle for $idle_s s: $(count $serves) serve, $(count $sshds) sshd, $(count $clis) client processes"
    sleep "$idle_s"
    c_serve=$(( $(cpu_ns $serves) - c_serve0 ))
    c_helper=$(( $(helper_cpu_ns) - c_helper0 ))
    c_sshd=$(( $(cpu_ns $sshds) - c_sshd0 ))
    c_cli=$(( $(cpu_ns $clis) - c_cli0 ))
}
cpu() { echo "$1 / 1000000" | bc -l | xargs printf '%.1f'; }
pct() { echo "100 * $1 / 1000000000 / $idle_s" | bc -l | xargs printf '%.4f'; }

# ---- memory
pss_list="" rss_list=""
for p in $serves; do
    set -- $(mem "$p")
    pss_list="$pss_list $1" rss_list="$rss_list $2"
done
# shellcheck disable=SC2086
set -- $(stats $pss_list); serve_pss_mean=$1 serve_pss_max=$2
# shellcheck disable=SC2086
set -- $(stats $rss_list); serve_rss_mean=$1 serve_rss_max=$2
sshd_pss_total=0
for p in $sshds; do set -- $(mem "$p"); sshd_pss_total=$((sshd_pss_total + $1)); done
set -- $(mem "$helper_pid")
helper_pss=$1 helper_rss=$2
n_serve=$(count $serves)
helper_fds_full=$(helper_fds)
ifaces_full=$(interfaces)
leases_full=$(held_leases)

# ---- SIGKILL to n_kill serve processes
killed=$(printf '%s\n' $serves | head -n "$n_kill")
# shellcheck disable=SC2086
kill -9 $killed
left_serve=$((n_serve - n_kill))
i=0
while [ $i -lt 100 ]; do # up to 10 s for the helper to notice
    [ "$(interfaces)" -le $left_serve ] && [ "$(held_leases)" -le $left_serve ] && break
    sleep 0.1
    i=$((i + 1))
done
sleep 3 # "after a few seconds"
ifaces_kill=$(interfaces)
leases_kill=$(held_leases)
helper_fds_kill=$(helper_fds)
serve_kill=$(count $(serve_pids))
set -- $(mem "$helper_pid")
helper_pss_kill=$1
clients_after_kill=$(clients_up)

# ---- everything down
for p in $(client_procs); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" != pppssh ] || kill "$p" 2>/dev/null || true
done
i=0
while [ $i -lt 200 ]; do # up to 20 s
    [ "$(count $(serve_pids))" = 0 ] && [ "$(interfaces)" = 0 ] && break
    sleep 0.1
    i=$((i + 1))
done
for p in $launcher_pids; do wait "$p" 2>/dev/null || true; done
launcher_pids=""
sleep 1
ifaces_end=$(interfaces)
leases_end=$(held_leases)
serve_end=$(count $(serve_pids))
sshd_end=$(count $(sshd_pids))
helper_fds_end=$(helper_fds)
set -- $(mem "$helper_pid")
helper_pss_end=$1
cli_left=0
for ns in $namespaces; do
    [ "$ns" = "$ns_srv" ] && continue
    c=$(ip netns pids "$ns" | wc -l)
    l=$(ip -n "$ns" -o link show 2>/dev/null | awk -F': ' '$2 != "lo" && $2 !~ /^t0@/' | wc -l)
    cli_left=$((cli_left + c + l))
done

ct_shown=${SCALE_CONNECT_TIMEOUT:-"3 (pppssh's own)"}
banner_timeouts=$(grep -l 'timed out during banner' "$tmp"/cli/c*.log 2>/dev/null | wc -l)
per() { echo "$1 / $2" | bc -l | xargs printf '%.1f'; }
fds_per=$(per $((helper_fds_full - helper_idle_fds)) "$n")
cat <<TABLE
| $n sessions through sshd, one \`pppssh helper\`, $(nproc) cores | value |
|---|---|
| sessions up / clients that gave up / serve processes | $up / $failed / $n_serve |
| setup: all $n clients started at once until the last one up has its address | $(printf '%.1f' "$setup_s") s ($(echo "$up / $setup_s" | bc -l | xargs printf '%.1f') sessions/s) |
| helper CPU during the setup (with its ip and sysctl commands) | $(cpu $helper_setup_ns) ms |
| sshd MaxStartups / connections sshd dropped / retries the clients logged | $maxstartups / $drops / $retries |
| clients' ssh ConnectTimeout / clients that timed out in the banner exchange | $ct_shown s / $banner_timeouts |
| serve PSS per session, mean / max | $serve_pss_mean / $serve_pss_max KiB |
| serve RSS per session, mean / max | $serve_rss_mean / $serve_rss_max KiB |
| sshd PSS, all $(count $sshds) processes / per session | $sshd_pss_total / $(per "$sshd_pss_total" "$n") KiB |
| helper PSS idle / with $n sessions / per session | $helper_idle_pss / $helper_pss / $(per $((helper_pss - helper_idle_pss)) "$n") KiB |
| helper RSS idle / with $n sessions | $helper_idle_rss / $helper_rss KiB |
| helper descriptors idle / with $n sessions (per session) | $helper_idle_fds / $helper_fds_full ($fds_per) |
| CPU at idle, $idle_s s, keepalives every 10 s: all serve | $(cpu $c_serve) ms ($(pct $c_serve) % of a core; $(echo "$c_serve / 1000 / $n_serve / $idle_s" | bc -l | xargs printf '%.1f') µs/s per session) |
| ... the helper (with its commands) | $(cpu $c_helper) ms ($(pct $c_helper) %) |
| ... all sshd | $(cpu $c_sshd) ms ($(pct $c_sshd) %) |
| ... all client processes (pppssh up, ssh) | $(cpu $c_cli) ms ($(pct $c_cli) %) |
| interfaces / held leases with $n sessions | $ifaces_full / $leases_full |
| after SIGKILL of $n_kill serve (+3 s): serve left / interfaces / held leases | $serve_kill / $ifaces_kill / $leases_kill (want $left_serve each) |
| ... helper descriptors / PSS; clients still up | $helper_fds_kill (want $((helper_idle_fds + left_serve * (helper_fds_full - helper_idle_fds) / n_serve))) / $helper_pss_kill KiB; $clients_after_kill |
| all clients stopped: serve / sshd / interfaces / held leases | $serve_end / $sshd_end / $ifaces_end / $leases_end (want 0 / 1 / 0 / 0) |
| ... helper descriptors / PSS; processes + interfaces left on the clients | $helper_fds_end (idle $helper_idle_fds) / $helper_pss_end KiB; $cli_left |
TABLE
[ "$up" = "$n" ] && [ "$ifaces_kill" = $left_serve ] && [ "$leases_kill" = $left_serve ] &&
    [ "$ifaces_end" = 0 ] && [ "$leases_end" = 0 ] && [ "$serve_end" = 0 ] &&
    [ "$helper_fds_end" = "$helper_idle_fds" ] && [ "$cli_left" = 0 ]
