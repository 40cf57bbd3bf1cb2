#!/usr/bin/python3
"""ab_summary.py RUN_DIR... - old vs new over repeated matrix runs.

Each RUN_DIR is one `BENCH_MATRIX=1` run with BENCH_TUNNELS="none
pppssh-old pppssh" (its matrix.tsv).  One run on this shared machine
moves by tens of percent, so a change is believed only if it holds
across runs: per point and measure, every run's old -> new figure, then
the medians, and in how many runs new was better.  Throughput is % of
the bare link's in the same run; ICMP is the p90 under load (ms), with
the bound idle p50 + max(20 ms, RTT/4) of new's idle pings; the share is
the tunnel's % of what it and one flow outside it moved (point c), better
when nearer 50."""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import Figures, load, matrix_points, ratio  # noqa: E402

MEASURES = [("up %", "tput1_mbps", "rate"), ("down %", "tput_down_mbps", "rate"),
            ("ICMP p90 up", "icmp_load_ms", "p90"), ("ICMP p90 down", "icmp_down_ms", "p90"),
            ("share %", "compete_in_mbps", "share")]


def figure(rows, point, tunnel, metric, kind):
    f = Figures(rows, point, tunnel)
    if kind == "rate":
        r = ratio(f.one(metric), Figures(rows, point, "none").one(metric))
        return None if r is None else 100 * r
    if kind == "share":
        inside, outside = f.one(metric), f.one("compete_out_mbps")
        if inside is None or outside is None or inside + outside <= 0:
            return None
        return 100 * inside / (inside + outside)
    return f.p(metric, 90)


def is_better(old, new, kind):
    if kind == "rate":
        return new > old
    if kind == "share":
        return abs(new - 50) < abs(old - 50)
    return new < old


def target(kind, bounds):
    if kind == "rate":
        return ">= 80/90 %"
    if kind == "share":
        return "40-60 %"
    return show(statistics.median(bounds)) if bounds else "-"


def bound(rows, point):
    idle = Figures(rows, point, "pppssh").one("icmp_idle_ms")
    rtt = Figures(rows, point, "-").one("rtt_ms") or 0
    return None if idle is None else idle + max(20.0, rtt / 4)


def show(v):
    return "-" if v is None else "%.0f" % v


def main():
    runs = [load(os.path.join(d, "matrix.tsv")) for d in sys.argv[1:]]
    points = []
    for rows in runs:
        points += [p for p in matrix_points(rows) if p not in points]
    print("| point | measure | runs, old -> new | median old | median new | new better | bound |")
    print("|---|---|---|---|---|---|---|")
    for point in points:
        for name, metric, kind in MEASURES:
            pairs = [(figure(rows, point, "pppssh-old", metric, kind),
                      figure(rows, point, "pppssh", metric, kind)) for rows in runs]
            pairs = [(o, n) for o, n in pairs if o is not None and n is not None]
            if not pairs:
                continue
            better = sum(1 for o, n in pairs if is_better(o, n, kind))
            bounds = [b for b in (bound(rows, point) for rows in runs) if b is not None]
            print("| %s | %s | %s | %s | %s | %d of %d | %s |" % (
                point, name, ", ".join("%s -> %s" % (show(o), show(n)) for o, n in pairs),
                show(statistics.median(o for o, _ in pairs)),
                show(statistics.median(n for _, n in pairs)), better, len(pairs),
                target(kind, bounds)))


if __name__ == "__main__":
    main()
