# shellcheck shell=bash
# pppssh-old - pppssh from another build (BENCH_PPPSSH_OLD=BUILD_DIR, e.g.
# main's), both ends, measured in the same run as the one in BUILD: on a
# shared machine only a side-by-side run tells a change from the noise.
[ -x "${BENCH_PPPSSH_OLD:-}/pppssh" ] || { echo "pppssh-old: set BENCH_PPPSSH_OLD to a build directory" >&2; exit 2; }
# shellcheck source=pppssh.sh
. "$BENCH_DIR/tunnels/pppssh.sh"
TUN_PPPSSH=$BENCH_PPPSSH_OLD/pppssh
