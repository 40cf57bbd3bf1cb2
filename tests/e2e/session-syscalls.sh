#!/bin/sh
# session-syscalls.sh TEST [ENV=VALUE...]: runs tests/e2e/TEST.sh with
# `pppssh up` and `pppssh serve` under `strace -ff` and prints, for each
# role, the system calls its sessions made after setup (from the loop's
# first epoll_wait to the exit), with the network configuration's apart
# (a NETLINK_ROUTE socket, /proc/sys): the measurement behind
# src/os/sandbox_syscalls.c's list (docs/architecture.md, "The sandbox").
# Not a ctest: a tool for whoever changes what a session does after setup.
#   sh tests/e2e/session-syscalls.sh test-basic
#   sh tests/e2e/session-syscalls.sh test-load LOAD_SECONDS=10
# Needs root, strace, python3 and PPPSSH (the binary to trace);
# KEEP_TRACES=1 keeps the strace files (their folder is printed).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 TEST [ENV=VALUE...]" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
TEST=$1; shift
[ -x "${PPPSSH:-}" ] || { echo "PPPSSH=${PPPSSH:-} is not an executable" >&2; exit 2; }
command -v strace >/dev/null || { echo "strace is not installed (scripts/deps.sh)" >&2; exit 2; }
DIR=$(mktemp -d /tmp/pppssh-syscalls.XXXXXX)
trap '[ -n "${KEEP_TRACES:-}" ] || rm -rf "$DIR"' EXIT
# -D: strace is not the tracee's parent, so `up` detaches as usual.
cat >"$DIR/pppssh" <<EOF
#!/bin/sh
case "\$1" in
up|serve) exec strace -D -ff -yy -o "$DIR/trace.\$1.\$\$" "$PPPSSH" "\$@" ;;
esac
exec "$PPPSSH" "\$@"
EOF
chmod +x "$DIR/pppssh"
env "$@" PPPSSH="$DIR/pppssh" sh "$HERE/$TEST.sh" >"$DIR/test.log" 2>&1 || true
grep -E 'passed, [0-9]+ failed' "$DIR/test.log" || tail -3 "$DIR/test.log"
python3 - "$DIR" <<'EOF'
import collections, glob, os, re, sys
for role in ("serve", "up"):
    own, net = collections.Counter(), collections.Counter()
    for path in glob.glob(os.path.join(sys.argv[1], "trace.%s.*" % role)):
        started = False
        for line in open(path, errors="replace"):
            m = re.match(r"(\w+)\((.*)", line)
            if not m:
                continue
            name, args = m.groups()
            if name == "execve" and not started and "pppssh" not in args.split(",")[0]:
                break  # a child that became ssh, a hook, a resolver: not the session
            started = started or name == "epoll_wait"
            if started:
                netcfg = ("NETLINK:[ROUTE" in args or "NETLINK_ROUTE" in args or "/proc/sys/" in args
                          or (name in ("bind", "getsockname") and "NETLINK:[" in args
                              and "SOCK_DIAG" not in args))
                (net if netcfg else own)[name] += 1
    print("%s, the session's own calls after setup:" % role)
    for name, n in sorted(own.items()):
        print("  %-20s %8d" % (name, n))
    print("%s, configuring the network after setup:" % role)
    for name, n in sorted(net.items()):
        print("  %-20s %8d" % (name, n))
EOF
if [ -n "${KEEP_TRACES:-}" ]; then echo "traces kept in $DIR"; fi
