#!/bin/bash
# slirp-peer.sh - Debian's slirp (its own PPP code, derived from pppd 2.1) as a
# PPP peer, listening for one connection on a unix socket.
#
#   slirp-peer.sh --socket PATH --addr A.B.C.D --log-dir DIR
#
# slirp runs in a fresh, empty network namespace (only a down loopback; the
# script refuses to start slirp otherwise), so its NAT reaches nothing.  It
# gets a pty, as from a shell login, and prints its start-up banner on the
# line before PPP starts, as a real login would.  "host addr A" makes slirp
# answer ICMP echo at A; the peer must NAK slirp's IPCP request for 0.0.0.0
# with A.  slirp exits when LCP terminates (ppp_exit) or the stream closes.
# DIR gets slirp_pppdebug (slirp's own negotiation log).
#
# slirp-fullbolt, not slirp: the plain binary of Debian 12 exits at once on
# 64-bit (its idle select() timeout is an invalid tv_usec).
set -euo pipefail
SOCK="" ADDR="" DIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --socket) SOCK=$2; shift 2 ;;
        --addr) ADDR=$2; shift 2 ;;
        --log-dir) DIR=$2; shift 2 ;;
        *) echo "slirp-peer: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$SOCK" ] && [ -n "$ADDR" ] && [ -n "$DIR" ] || { echo "slirp-peer: --socket, --addr and --log-dir are required" >&2; exit 2; }
case "$SOCK$DIR" in *[,:!\ ]*) echo "slirp-peer: no , : ! or space in paths (socat syntax)" >&2; exit 2 ;; esac
command -v slirp-fullbolt >/dev/null || { echo "slirp-peer: slirp-fullbolt missing (apt-get install slirp)" >&2; exit 2; }
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

# What socat runs on the pty: new net+UTS namespace, check it is empty, exec
# slirp.  Hostname "localhost" keeps slirp's host-derived defaults the same on
# every machine.  "ppp" must be slirp's first word: it resets the PPP options.
cat >"$DIR/run-slirp.sh" <<SCRIPT
#!/bin/bash
cd '$DIR'
export HOME='$DIR'
exec unshare --net --uts /bin/bash -c '
    hostname localhost
    [ "\$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " ")" = lo ] || { echo "slirp-peer: netns not empty" >&2; exit 1; }
    [ -z "\$(ip route show; ip -6 route show)" ] || { echo "slirp-peer: netns has routes" >&2; exit 1; }
    exec slirp-fullbolt ppp nozeros "shell /bin/false" ppp_exit debugppp "host addr $ADDR" ipcp-accept-remote'
SCRIPT
chmod +x "$DIR/run-slirp.sh"

SPID=""
trap '[ -z "$SPID" ] || { kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }; rm -f "$SOCK"' EXIT
trap 'exit 143' TERM INT
socat "UNIX-LISTEN:$SOCK,unlink-early" "EXEC:$DIR/run-slirp.sh,pty,raw,echo=0,setsid,ctty,stderr" </dev/null &
SPID=$!
wait "$SPID"
