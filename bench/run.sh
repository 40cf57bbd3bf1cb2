#!/bin/sh
# run.sh [BUILD_DIR] [MiB] - `make bench`: everything the project measures.
#  1. HDLC framing speed (BUILD_DIR/bench/hdlc_bench) against the ssh
#     stream it rides on (bench/ssh_stream.sh, MiB of zeros, default 1024;
#     needs root): how many times faster than ssh encode and decode are.
#     The framing should cost little next to ssh: the target is 3x or more.
#  2. The tunnels compared (bench/compare.sh; needs root): raw ssh stream,
#     ssh -w, wireguard-go and pppssh on a bare and a shaped path, written
#     to bench/results/ (results.md, results.tsv, PNG plots).  Its knobs
#     (BENCH_TUNNELS, BENCH_PATHS, BENCH_SECONDS, ...) are described there;
#     BENCH_SKIP_FRAMING=1 skips part 1.  BENCH_MATRIX=1 makes part 2 the
#     path matrix instead (bench/README.md), without part 1.
set -eu

build=${1:-build}
mib=${2:-1024}
here=$(cd "$(dirname "$0")" && pwd)
bench_bin=$build/bench/hdlc_bench
results=$(mktemp /tmp/pppssh-bench.XXXXXX)
trap 'rm -f "$results"' EXIT

if [ ! -x "$bench_bin" ]; then
    echo "run.sh: $bench_bin not built (make build first)" >&2
    exit 1
fi

framing() {
    "$bench_bin" | tee -a "$results"
    echo
    if [ "$(id -u)" -eq 0 ]; then
        "$here/ssh_stream.sh" "$mib" | tee -a "$results"
    else
        echo "run.sh: not root, no network namespaces: skipping the ssh stream" >&2
    fi
    echo

    awk '
    $1 == "RESULT" { r[$2] = $3 }
    END {
        printf "%-26s %10s %14s %14s\n", "framing (MB/s)", "", "x ssh default", "x ssh aes-gcm"
        n = split("encode_random_accm0 decode_random_accm0 encode_zero_accm0 decode_zero_accm0 " \
                  "encode_random_accmff decode_random_accmff", names, " ")
        for (i = 1; i <= n; i++) {
            v = r[names[i]]
            d = r["ssh_default"]; g = r["ssh_aes128-gcm"]
            printf "%-26s %10s %14s %14s\n", names[i], v,
                   (d > 0 ? sprintf("%.1fx", v / d) : "-"), (g > 0 ? sprintf("%.1fx", v / g) : "-")
        }
        printf "%-26s %10s\n", "ssh default", r["ssh_default"] ? r["ssh_default"] : "-"
        printf "%-26s %10s\n", "ssh aes128-gcm", r["ssh_aes128-gcm"] ? r["ssh_aes128-gcm"] : "-"
    }' "$results"
}

[ -n "${BENCH_SKIP_FRAMING:-}${BENCH_MATRIX:-}" ] || framing
echo
if [ "$(id -u)" -eq 0 ]; then
    "$here/compare.sh" "$build"
else
    echo "run.sh: not root, no network namespaces: skipping the tunnel comparison" >&2
fi
