#!/bin/bash
# pppd-vm.sh - stock pppd as a PPP peer: a qemu (TCG) guest runs pppd on its
# /dev/ttyS1, which qemu exposes on the host as a unix socket (qemu listens).
#
#   pppd-vm.sh --socket PATH --console FILE --opts "PPPD OPTIONS"
#
# The console file gets the guest kernel's and pppd's log (pppd runs with
# "nodetach logfd 2"; add "debug" to the options to see every packet).  Once
# pppd has the line ("Connect: ppp0 <--> /dev/ttyS1") this prints
# "READY boot_s=SECONDS".  Runs until the guest powers off, which it does when
# pppd exits; exits with pppd's status (from the console), 3 when the guest
# did not come up within 60 s.  SIGTERM/EXIT kill qemu by its PID.
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

ACCEL=tcg
[ -w /dev/kvm ] && ACCEL=kvm
: >"$CONSOLE"
rm -f "$SOCK"
T0=$(date +%s%N)
# pdeathsig: qemu dies with this script even if the script is SIGKILLed.
setpriv --pdeathsig KILL -- qemu-system-x86_64 -nodefaults -no-user-config -M pc -accel "$ACCEL" \
    -m 256 -smp 1 -display none -nic none -no-reboot \
    -kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD" \
    -append "console=ttyS0 panic=-1 quiet pppd_b64=$(printf %s "$OPTS" | base64 -w0)" \
    -chardev "file,id=con,path=$CONSOLE" -serial chardev:con \
    -chardev "socket,id=ppp,path=$SOCK,server=on,wait=off" -serial chardev:ppp \
    </dev/null >&2 &
QPID=$!
for _ in $(seq 600); do
    grep -q 'Connect: ppp0 <--> /dev/ttyS1' "$CONSOLE" && break
    kill -0 "$QPID" 2>/dev/null || break
    sleep 0.1
done
if ! grep -q 'Connect: ppp0 <--> /dev/ttyS1' "$CONSOLE"; then
    echo "pppd-vm: pppd did not start; console tail:" >&2
    tail -n 15 "$CONSOLE" >&2
    exit 3
fi
ms=$(( ($(date +%s%N) - T0) / 1000000 ))
printf "READY boot_s=%d.%03d\n" $((ms / 1000)) $((ms % 1000))
wait "$QPID" || true
QPID=""
rc=$(sed -n 's/^GUEST: pppd exited rc=\([0-9]*\).*/\1/p' "$CONSOLE")
exit "${rc:-3}"
