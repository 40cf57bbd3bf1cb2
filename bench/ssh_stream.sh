#!/bin/sh
# ssh_stream.sh [MiB] - raw throughput of `ssh host 'cat > /dev/null'` on
# this machine: the ceiling a PPP-over-ssh tunnel lives under, to compare
# with hdlc_bench.  Needs root (network namespaces).
#
# Two throwaway network namespaces joined by a veth pair (198.18.0.1/24 and
# 198.18.0.2/24, the benchmarking range; no link to the host namespace, no
# routes out); a throwaway sshd with its own host key, config and
# authorized_keys listens on 198.18.0.2 only.  MiB (default 1024) of zeros
# are pushed through ssh with the default cipher and with
# aes128-gcm@openssh.com.  Everything is removed on exit, even on failure.
#
# Output: a human line per cipher and "RESULT ssh_<cipher> <MB/s>".
set -eu

mib=${1:-1024}
tag=pppb$$
ns_client=$tag-c
ns_server=$tag-s
work=$(mktemp -d /tmp/pppssh-ssh-bench.XXXXXX)
sshd_pid=

cleanup() {
    if [ -n "$sshd_pid" ]; then
        kill "$sshd_pid" 2>/dev/null || true
        wait "$sshd_pid" 2>/dev/null || true
    fi
    ip netns del "$ns_client" 2>/dev/null || true
    ip netns del "$ns_server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

setup_network() {
    ip netns add "$ns_client"
    ip netns add "$ns_server"
    # Created inside the client namespace, peer moved straight into the
    # server namespace: the host namespace never sees either end.
    ip -n "$ns_client" link add veth0 type veth peer name veth1 netns "$ns_server"
    ip -n "$ns_client" addr add 198.18.0.1/24 dev veth0
    ip -n "$ns_server" addr add 198.18.0.2/24 dev veth1
    for ns in "$ns_client" "$ns_server"; do
        ip -n "$ns" link set lo up
    done
    ip -n "$ns_client" link set veth0 up
    ip -n "$ns_server" link set veth1 up
}

setup_sshd() {
    ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$work/client_key"
    cp "$work/client_key.pub" "$work/authorized_keys"
    chmod 700 "$work"
    cat >"$work/sshd_config" <<EOF
ListenAddress 198.18.0.2
Port 22
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd.pid
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
StrictModes no
X11Forwarding no
AllowTcpForwarding no
EOF
    # sshd runs the remote command with root's login shell, whose bash
    # start-up files may take seconds (or a minute) here: in a private
    # mount namespace, sshd sees /bin/sh as root's shell.
    sed 's|^\(root:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:\).*|\1/bin/sh|' /etc/passwd >"$work/passwd"
    mkdir -p /run/sshd
    # -D: stays in the foreground, so $! is sshd itself (exec all the way).
    ip netns exec "$ns_server" unshare -m sh -c "mount --bind '$work/passwd' /etc/passwd &&
        exec /usr/sbin/sshd -D -f '$work/sshd_config' -E '$work/sshd.log'" &
    sshd_pid=$!
}

# ssh_to_server COMMAND [ssh options...]: run COMMAND on the server,
# bounded in time like every loop here.
ssh_to_server() {
    command=$1
    shift
    timeout 600 ip netns exec "$ns_client" ssh -F /dev/null -i "$work/client_key" \
        -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o LogLevel=ERROR -o Compression=no "$@" 198.18.0.2 "$command"
}

wait_for_sshd() {
    tries=0
    until ssh_to_server true -o ConnectTimeout=2 2>/dev/null </dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -ge 25 ]; then
            echo "ssh_stream: sshd did not come up:" >&2
            cat "$work/sshd.log" >&2
            exit 1
        fi
        sleep 0.2
    done
}

# stream NAME [ssh options...]: push $mib MiB of zeros, print the rate.
# The clock runs on the server side around `cat` alone: session setup and
# the login shell's start-up (whatever root's dotfiles do) are not the
# stream's throughput.  Only ssh's window (a few MiB) is sent before cat
# starts, which is noise next to $mib MiB.  Same host, same clock.
stream() {
    name=$1
    shift
    wall_start=$(date +%s.%N)
    times=$(head -c "${mib}M" /dev/zero |
        ssh_to_server 'date +%s.%N; cat > /dev/null; date +%s.%N' "$@")
    wall_end=$(date +%s.%N)
    rate=$(echo "$times" | awk -v b="$((mib * 1048576))" \
        'NR == 1 { s = $1 } NR == 2 { e = $1 } END { printf "%.0f", b / (e - s) / 1e6 }')
    secs=$(echo "$times" | awk 'NR == 1 { s = $1 } NR == 2 { printf "%.2f", $1 - s }')
    printf 'ssh %-12s %6d MiB: cat ran %6s s (%5.1f s with login): %6s MB/s\n' "$name" \
        "$mib" "$secs" "$(awk -v s="$wall_start" -v e="$wall_end" 'BEGIN { print e - s }')" \
        "$rate"
    echo "RESULT ssh_$name $rate"
}

setup_network
setup_sshd
wait_for_sshd
stream default
stream aes128-gcm -c aes128-gcm@openssh.com
