#!/bin/sh
# room_includes.sh SOURCE_DIR - the narrow doors between rooms hold
# (docs/architecture.md, "Rules"):
#  - src/client/ includes no header of src/session/ but supervision.h (the
#    supervisor is given facts and records actions; it never calls back);
#  - src/session/ includes no header of src/netcfg/ but configurator.h (the
#    privilege boundary: a fixed list of plain requests).
src=$1
failed=0

# check ROOM OTHER ALLOWED: every #include "x.h" in ROOM that names a
# header of OTHER must be ALLOWED.
check() {
    room=$1 other=$2 allowed=$3
    [ -d "$src/$other" ] || return 0
    for f in "$src/$room"/*.[ch]; do
        for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
            [ -f "$src/$other/$h" ] || continue
            [ "$h" = "$allowed" ] && continue
            echo "FAIL: ${f#"$src"/} includes $other/$h (only $allowed may cross)"
            failed=1
        done
    done
}

check src/client src/session supervision.h
check src/session src/netcfg configurator.h
exit $failed
