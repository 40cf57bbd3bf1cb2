#!/bin/sh
# run-fuzz.sh TARGET SECONDS WORKDIR [SEEDDIR] - run one libFuzzer target for
# SECONDS, growing a corpus in WORKDIR from the seeds; exit non-zero on any
# crash, leak, sanitizer report or timeout, leaving the reproducer in WORKDIR.
set -eu
target=$1 seconds=$2 work=$3 seeds=${4:-}
mkdir -p "$work"
set -- "$work"
[ -n "$seeds" ] && [ -d "$seeds" ] && set -- "$work" "$seeds"
exec "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 "$@"
