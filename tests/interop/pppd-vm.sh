#!/bin/bash
# pppd-vm.sh - stock pppd as a PPP peer: a qemu guest runs pppd on its
# /dev/ttyS1, which qemu exposes on the host as a unix socket (qemu listens).
#
#   pppd-vm.sh --socket PATH --console FILE --opts "PPPD OPTIONS"
#
# The console file gets the guest kernel's and pppd's log (pppd runs with
# "nodetach logfd 2"; add "debug" to the options to see every packet).  Once
# pppd has the line ("Connect: ppp0 <--> /dev/ttyS1") this prints
# "READY boot_s=SECONDS accel=tcg|kvm".  Runs until the guest powers off,
# which it does when pppd exits; exits with pppd's status (from the
# console), 3 when the guest did not come up within 60 s (a harness error,
# said on stderr).  SIGTERM/EXIT kill qemu by its PID.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOCK="" CONSOLE="" OPTS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --socket) SOCK=$2; shift 2 ;;
        --console) CONSOLE=$2; shift 2 ;;
        --opts) OPTS=$2; shift 2 ;;
        *) echo "pppd-vm: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$SOCK" ] && [ -n "$CONSOLE" ] || { echo "pppd-vm: --socket and --console are required" >&2; exit 2; }
case "$SOCK$CONSOLE" in *,*) echo "pppd-vm: no commas in paths (qemu -chardev syntax)" >&2; exit 2 ;; esac
eval "$("$HERE/guest-build.sh")"

QPID=""
stop_qemu() {
    [ -n "$QPID" ] || return 0
    kill -TERM "$QPID" 2>/dev/null || true
    wait "$QPID" 2>/dev/null || true
    QPID=""
}
trap 'stop_qemu; rm -f "$SOCK"' EXIT
trap 'exit 143' TERM INT

# The guest runs under TCG: it boots in ~4 s everywhere.  KVM is opt-in
# (PPPVM_ACCEL=kvm): on a nested host /dev/kvm can be writable and still
# unable to run the guest ("KVM internal error ... emulation failure" on a
# cmpxchg16b, or a hang), so a KVM guest that does not reach pppd within
# PPPVM_KVM_PROBE_S seconds is stopped and the guest boots again under TCG.
BOOT_S=60
booted() { grep -q 'Connect: ppp0 <--> /dev/ttyS1' "$CONSOLE"; }

# boot ACCEL CPU SECONDS: start the guest; 0 once pppd has the line.
boot() {
    : >"$CONSOLE"
    rm -f "$SOCK"
    # pdeathsig: qemu dies with this script even if the script is SIGKILLed.
    setpriv --pdeathsig KILL -- qemu-system-x86_64 -nodefaults -no-user-config -M pc -accel "$1" \
        -cpu "$2" -m 256 -smp 1 -display none -nic none -no-reboot \
        -kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD" \
        -append "console=ttyS0 panic=-1 quiet pppd_b64=$(printf %s "$OPTS" | base64 -w0)" \
        -chardev "file,id=con,path=$CONSOLE" -serial chardev:con \
        -chardev "socket,id=ppp,path=$SOCK,server=on,wait=off" -serial chardev:ppp \
        </dev/null >&2 &
    QPID=$!
    local n=$(($3 * 10))
    while [ "$n" -gt 0 ] && ! booted && kill -0 "$QPID" 2>/dev/null; do
        sleep 0.1
        n=$((n - 1))
    done
    booted
}

T0=$(date +%s%N)
ACCEL=tcg
if [ "${PPPVM_ACCEL:-tcg}" = kvm ] && [ -w /dev/kvm ]; then
    if boot kvm host,-cx16 "${PPPVM_KVM_PROBE_S:-20}"; then
        ACCEL=kvm
    else
        echo "pppd-vm: the guest did not boot under KVM; booting it under TCG" >&2
        stop_qemu
    fi
fi
if [ "$ACCEL" = tcg ] && ! boot tcg qemu64 "$BOOT_S"; then
    echo "pppd-vm: harness error: the guest did not boot (pppd never took its line) within $BOOT_S s; console tail:" >&2
    tail -n 15 "$CONSOLE" >&2
    exit 3
fi
ms=$(( ($(date +%s%N) - T0) / 1000000 ))
printf "READY boot_s=%d.%03d accel=%s\n" $((ms / 1000)) $((ms % 1000)) "$ACCEL"
wait "$QPID" || true
QPID=""
rc=$(sed -n 's/^GUEST: pppd exited rc=\([0-9]*\).*/\1/p' "$CONSOLE")
exit "${rc:-3}"
