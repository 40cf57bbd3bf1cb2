#!/bin/bash
# ab-repeat.sh OLD_BUILD NEW_BUILD [RUNS] - the path matrix RUNS times
# (default 3), each run measuring the bare link, OLD_BUILD's pppssh
# (pppssh-old) and NEW_BUILD's side by side, then one table over the runs
# (tools/ab_summary.py): per point and measure every run's old -> new
# figure, the medians, and in how many runs new was better.  One run on a
# shared machine moves by tens of percent; a change is believed only if
# it holds across runs.  Needs root, as compare.sh.  BENCH_POINTS,
# BENCH_MEASURES (default "idle up down"), BENCH_SECONDS apply; each run
# goes to RESULTS/run-N (BENCH_RESULTS, default bench/results/ab), the
# table to RESULTS/summary.md.
set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
old=$(cd "${1:?old build dir}" && pwd) || exit 1
new=$(cd "${2:?new build dir}" && pwd) || exit 1
runs=${3:-3}
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results/ab}
case $runs in '' | *[!0-9]*) echo "RUNS must be a number" >&2; exit 2 ;; esac
if [ "$runs" -lt 1 ] || [ "$runs" -gt 20 ]; then
    echo "RUNS: 1 to 20" >&2
    exit 2
fi

dirs=()
for i in $(seq 1 "$runs"); do
    out=$RESULTS/run-$i
    mkdir -p "$out"
    echo "run $i of $runs -> $out"
    BENCH_MATRIX=1 BENCH_TUNNELS="none pppssh-old pppssh" BENCH_PPPSSH_OLD=$old \
        BENCH_MEASURES=${BENCH_MEASURES:-idle up down} BENCH_RESULTS=$out \
        "$BENCH_DIR/compare.sh" "$new" >"$out/compare.log" 2>&1 ||
        echo "run $i: compare.sh failed, see $out/compare.log" >&2
    [ -f "$out/matrix.tsv" ] && dirs+=("$out")
done
[ ${#dirs[@]} -gt 0 ] || exit 1
python3 "$BENCH_DIR/tools/ab_summary.py" "${dirs[@]}" | tee "$RESULTS/summary.md"
