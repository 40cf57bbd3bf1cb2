# lib.sh - the system tests' bed (source it; helpers sys_*, globals SYS_*).
# The e2e library (../e2e/lib.sh) gives check/check_not/wait_gone, the
# summary and the throwaway sshd; this adds a Debian 12 guest booted under
# qemu whose only link is a TAP inside a network namespace of our own:
#
#   $SYS_NS  tap0 198.18.0.1/24 fd00:18::1/64  ══ virtio-net ══  eth0 198.18.0.2/24  (guest)
#
# The namespace also holds the host side's sshd (198.18.0.1:22, serving
# `$PPPSSH serve` from this build) and every process the tests start on the
# host; nothing is linked to the host's own namespace, so cleanup is "kill
# what runs in $SYS_NS, delete it".  The guest's disk is used with
# snapshot=on: every boot starts from the pristine image and writes nothing
# back.  $E2E_TMP/share is the guest's /mnt/host (9p, read-only).
#
# Needs: PPPSSH (absolute path of this build's pppssh), SYS_IMG (the
# directory build-image.sh printed), root.

SYS_HERE=$(cd "$(dirname "$0")" && pwd)
E2E_ID=sys$$
. "$SYS_HERE/../e2e/lib.sh"
SYS_NS=pppssh-sys-$$
# The e2e bed's three namespaces are this one, so e2e_cleanup clears it and
# e2e_sshd_start starts sshd in it; the host side is the bed's "server".
NS_CLI=$SYS_NS
NS_SRV=$SYS_NS
NS_LAN=$SYS_NS
SRV_IP=198.18.0.1
VM_IP=198.18.0.2
# Seconds from qemu's start to the guest's sshd answering: 31-52 s under
# TCG with one vCPU on a quiet machine, twice that on a loaded one.
SYS_BOOT_MAX=${SYS_BOOT_MAX:-240}

sys_log() { echo "[$(date +%T)] $*"; }

# Seconds since the epoch with milliseconds, for the timing lines.
sys_now() { date +%s.%N | cut -c1-14; }
sys_since() { echo "$1" | awk -v now="$(sys_now)" '{ printf "%.1f", now - $1 }'; }

sys_setup() {
    e2e_skip_unless_root
    [ -x "$PPPSSH" ] || { echo "PPPSSH=$PPPSSH is not an executable"; exit 1; }
    [ -s "$SYS_IMG/disk.raw" ] || { echo "SYS_IMG=$SYS_IMG has no disk.raw"; exit 1; }
    E2E_TMP=$(mktemp -d /tmp/pppssh-system.XXXXXX)
    export PPPSSH_RUN_DIR="$E2E_TMP/run"
    mkdir -p "$E2E_TMP/share" "$PPPSSH_RUN_DIR"
    trap e2e_cleanup EXIT
    trap 'exit 1' INT TERM
    ip netns add "$SYS_NS"
    in_srv ip link set lo up
    in_srv ip tuntap add dev tap0 mode tap
    in_srv ip addr add "$SRV_IP/24" dev tap0
    in_srv ip addr add fd00:18::1/64 dev tap0 nodad
    in_srv ip link set tap0 up
    in_srv sysctl -qw net.ipv4.ip_forward=1
    e2e_sshd
}

# sys_boot: start the guest (1 vCPU, 1 GiB, TCG; SYS_ACCEL=kvm to try KVM)
# and wait until root can log in by ssh.  Its serial console goes to
# $E2E_TMP/console.log; on failure its tail is shown.
sys_boot() {
    _accel=${SYS_ACCEL:-tcg}
    _cpu=max
    # Nested KVM without EPT dies on the kernel's cmpxchg16b ("emulation
    # failure"): not offered there.
    [ "$_accel" = kvm ] && _cpu=host,-cx16
    SYS_BOOT_T0=$(sys_now)
    in_srv qemu-system-x86_64 -nodefaults -no-user-config -machine "q35,accel=$_accel" -cpu "$_cpu" \
        -smp 1 -m 1024 -display none -no-reboot \
        -kernel "$SYS_IMG/vmlinux" -initrd "$SYS_IMG/initrd.img" \
        -append "root=/dev/vda rw console=ttyS0 net.ifnames=0 panic=-1" \
        -drive "file=$SYS_IMG/disk.raw,if=virtio,format=raw,snapshot=on" \
        -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
        -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56 \
        -virtfs "local,path=$E2E_TMP/share,mount_tag=host,security_model=none,readonly=on" \
        -serial "file:$E2E_TMP/console.log" \
        -pidfile "$E2E_TMP/qemu.pid" -daemonize || return 1
    E2E_PIDS="$E2E_PIDS $(cat "$E2E_TMP/qemu.pid")"
    _deadline=$(($(date +%s) + SYS_BOOT_MAX))
    while [ "$(date +%s)" -lt "$_deadline" ]; do
        if vm true 2>/dev/null; then
            SYS_BOOT_S=$(sys_since "$SYS_BOOT_T0")
            sys_log "guest ssh-ready after $SYS_BOOT_S s ($_accel)"
            # /mnt/host is mounted with nofail: nothing orders sshd after it.
            vm_until 30 "mountpoint -q /mnt/host" || { echo "the 9p share is not mounted"; return 1; }
            return 0
        fi
        kill -0 "$(cat "$E2E_TMP/qemu.pid")" 2>/dev/null || { echo "qemu exited"; break; }
        sleep 1
    done
    echo "guest not reachable by ssh after ${SYS_BOOT_MAX}s; console:"
    tail -n 40 "$E2E_TMP/console.log"
    return 1
}

# vm COMMAND...: a shell command line in the guest, as root; killed after
# SYS_VM_TIMEOUT seconds (default 180), so that no check waits for ever.
SYS_SSH_OPTS="-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o LogLevel=ERROR
    -o ConnectTimeout=5 -o BatchMode=yes -o ServerAliveInterval=5 -o ServerAliveCountMax=6"
vm() {
    # shellcheck disable=SC2086
    in_srv timeout "${SYS_VM_TIMEOUT:-180}" ssh -i "$SYS_IMG/id_vm" $SYS_SSH_OPTS "root@$VM_IP" "$@"
}

# vm_says COMMAND PATTERN: COMMAND's output in the guest has a line
# matching PATTERN (grep -E); shows the output when not.
vm_says() {
    vm "$1" >"$E2E_TMP/vm.out" 2>&1
    grep -Eq -- "$2" "$E2E_TMP/vm.out" || { cat "$E2E_TMP/vm.out"; return 1; }
}

# vm_until SECONDS COMMAND: until COMMAND succeeds in the guest (one ssh
# session that polls, every 0.2 s).
vm_until() {
    vm "i=0; while ! { $2; } >/dev/null 2>&1; do
            i=\$((i + 1)); [ \$i -lt $(($1 * 5)) ] || { $2; exit 1; }; sleep 0.2; done"
}

# share FILE...: copies into the guest's /mnt/host.
share() { cp "$@" "$E2E_TMP/share/"; }
