# shellcheck shell=bash
# pppssh-userspace-old - pppssh-userspace from another build
# (BENCH_PPPSSH_OLD=BUILD_DIR, e.g. main's): its pppssh at both ends and
# its pppssh-stack, measured in the same run as the one in BUILD.
[ -x "${BENCH_PPPSSH_OLD:-}/pppssh-stack" ] || { echo "pppssh-userspace-old: set BENCH_PPPSSH_OLD to a build directory" >&2; exit 2; }
# shellcheck source=pppssh-userspace.sh
. "$BENCH_DIR/tunnels/pppssh-userspace.sh"
TUN_PPPSSH=$BENCH_PPPSSH_OLD/pppssh
PPP_IF=pbv$BED_ID
