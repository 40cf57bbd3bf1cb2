#!/bin/sh
# run-fuzz.sh TARGET SECONDS WORKDIR [SEEDDIR] - run one libFuzzer target for
# SECONDS, growing a corpus in WORKDIR from the seeds; exit non-zero on any
# crash, leak, sanitizer report or timeout, leaving the reproducer in WORKDIR.
# FUZZ_SEED (default 1) fixes libFuzzer's seed so a test run is repeatable;
# 0 lets libFuzzer pick one (`make fuzz` does, to explore further).
set -eu
target=$1 seconds=$2 work=$3 seeds=${4:-}
mkdir -p "$work"
set -- "$work"
[ -n "$seeds" ] && [ -d "$seeds" ] && set -- "$work" "$seeds"
exec "$target" -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 "$@"
