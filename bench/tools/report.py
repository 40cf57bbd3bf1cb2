#!/usr/bin/python3
"""report.py RESULTS_DIR - turn RESULTS_DIR/results.tsv (rows "path tunnel
metric value", written by bench/compare.sh) into RESULTS_DIR/results.md
(tables, then issue 5's target ratios with PASS/FAIL) and gnuplot plots:
latency-cdf-PATH.png (ICMP RTT under one TCP flow) and
throughput-PATH.png (TCP Mbit/s with 1, 4 and 8 flows, and the raw ssh
stream).  The markdown is also printed.

report.py --matrix RESULTS_DIR - the same for the path matrix: matrix.tsv
into matrix.md (each point's verdict per target) and matrix-throughput.png,
matrix-latency.png.
"""
import collections
import os
import subprocess
import sys

TUNNELS = ["none", "stream", "ssh-w", "wireguard-go", "pppssh", "pppssh-userspace"]
LABELS = {"none": "bare link", "stream": "raw ssh stream", "ssh-w": "ssh -w",
          "wireguard-go": "wireguard-go", "pppssh": "pppssh",
          "pppssh-userspace": "pppssh, userspace stack"}


def load(path):
    rows = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            try:
                rows[(parts[0], parts[1], parts[2])].append(float(parts[3]))
            except ValueError:
                pass
    return rows


def pct(values, p):
    """Nearest-rank percentile; None for no samples."""
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def fmt(v):
    if v is None:
        return "-"
    if v == int(v) and abs(v) < 1e6:
        return "%d" % v
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v if abs(v) >= 1 else "%.3f" % v


class Figures:
    def __init__(self, rows, path, tunnel):
        self.rows, self.path, self.tunnel = rows, path, tunnel

    def all(self, metric):
        return self.rows.get((self.path, self.tunnel, metric), [])

    def one(self, metric):
        return pct(self.all(metric), 50)

    def p(self, metric, q):
        return pct(self.all(metric), q)

    def dist(self, metric):
        v = self.all(metric)
        return "/".join(fmt(pct(v, q)) for q in (50, 90, 99)) if v else "-"

    def cpu(self):
        c, s = self.one("cpu_cli_s_per_gb"), self.one("cpu_srv_s_per_gb")
        return None if c is None or s is None else c + s

    def rss(self, side):
        own, total = self.one("rss_%s_kb" % side), self.one("rss_%s_all_kb" % side)
        return "-" if own is None else "%.1f (%.1f)" % (own / 1024, total / 1024)

    def lost(self, metric):
        n = self.one(metric + "_lost")
        return "" if not n else " (%d lost)" % n


def tunnels_in(rows, path):
    present = {k[1] for k in rows if k[0] == path}
    return [t for t in TUNNELS if t in present]


def tables(rows, path):
    out = ["## %s path" % path, ""]
    hog = Figures(rows, path, "-").one("cpu_hog_pct")
    if hog is not None:
        out += ["With a CPU competitor (BENCH_CPU_HOG): a busy loop pinned to one core, "
                "%.0f%% of a core while this path was measured." % hog, ""]
    out.append("| tunnel | first ping s | TCP x1 Mbit/s | x4 | x8 | x1 down | Jain (8) "
               "| CPU s/GB cli+srv | peak RSS MB cli: own (all) | srv: own (all) |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for t in tunnels_in(rows, path):
        f = Figures(rows, path, t)
        if t == "stream":
            out.append("| raw ssh stream (`ssh true`: %s s) | - | %s | - | - | - | - | - | - | - |"
                       % (fmt(f.one("ssh_true_s")), fmt(f.one("stream_mbps"))))
            continue
        if f.one("up_failed"):
            out.append("| %s | did not come up | | | | | | | | |" % LABELS[t])
            continue
        cpu = f.cpu()
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            LABELS[t], fmt(f.one("first_ping_s")), fmt(f.one("tput1_mbps")),
            fmt(f.one("tput4_mbps")), fmt(f.one("tput8_mbps")), fmt(f.one("tput_down_mbps")),
            jain(f.one("jain8")),
            "-" if cpu is None else "%s + %s" % (fmt(f.one("cpu_cli_s_per_gb")),
                                                 fmt(f.one("cpu_srv_s_per_gb"))),
            f.rss("cli"), f.rss("srv")))
    out += ["", "Latency in ms, p50/p90/p99 (under load: one TCP flow from the client; "
            "download: one to it; TCP RR: 1-byte request/response, first = the median first "
            "exchange of 10 new connections)", ""]
    out.append("| tunnel | ICMP idle | ICMP load | ICMP download | TCP RR idle | first "
               "| TCP RR load | first | 30 conns done | conn s p50/p90/max | ICMP during conns |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for t in tunnels_in(rows, path):
        f = Figures(rows, path, t)
        if t == "stream" or f.one("up_failed"):
            continue
        conns = f.all("conn_s")
        out.append("| %s | %s%s | %s%s | %s%s | %s | %s | %s | %s | %s/%s | %s | %s%s |" % (
            LABELS[t], f.dist("icmp_idle_ms"), f.lost("icmp_idle"), f.dist("icmp_load_ms"),
            f.lost("icmp_load"), f.dist("icmp_down_ms"), f.lost("icmp_down"),
            f.dist("rr_idle_ms"), fmt(f.one("rr_idle_first_ms")),
            f.dist("rr_load_ms"), fmt(f.one("rr_load_first_ms")), fmt(f.one("conns_done")),
            fmt(f.one("conns_total")),
            "/".join(fmt(pct(conns, q)) for q in (50, 90, 100)) if conns else "-",
            f.dist("icmp_conns_ms"), f.lost("icmp_conns")))
    return out + [""]


def jain(v):
    return "-" if v is None else "%.3f" % v


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def target(name, value, ok, detail):
    verdict = "?" if ok is None else ("PASS" if ok else "FAIL")
    return "| %s | %s | %s | %s |" % (name, value, verdict, detail)


def targets(rows):
    out = ["## Issue 5 targets (pppssh, this run)", "",
           "| target | measured | verdict | from |", "|---|---|---|---|"]
    bare = {t: Figures(rows, "bare", t) for t in TUNNELS}
    shaped = {t: Figures(rows, "shaped", t) for t in TUNNELS}
    p, b = bare["pppssh"], bare
    x1 = p.one("tput1_mbps")
    for ref, want, label in (("ssh-w", 2.5, "ssh -w"), ("wireguard-go", 2.0, "wireguard-go")):
        r = ratio(x1, b[ref].one("tput1_mbps"))
        out.append(target("bare: TCP x1 >= %sx %s" % (want, label), fmt(r) + "x",
                          None if r is None else r >= want,
                          "%s vs %s Mbit/s" % (fmt(x1), fmt(b[ref].one("tput1_mbps")))))
    r = ratio(x1, b["stream"].one("stream_mbps"))
    out.append(target("bare: TCP x1 >= 50% of the raw ssh stream", fmt(r and r * 100) + "%",
                      None if r is None else r >= 0.5,
                      "%s vs %s Mbit/s" % (fmt(x1), fmt(b["stream"].one("stream_mbps")))))
    r = ratio(p.cpu(), b["wireguard-go"].cpu())
    out.append(target("bare: CPU s/GB (both ends) <= half of wireguard-go's", fmt(r) + "x",
                      None if r is None else r <= 0.5,
                      "%s vs %s s/GB" % (fmt(p.cpu()), fmt(b["wireguard-go"].cpu()))))
    for side in ("cli", "srv"):
        kb = p.one("rss_%s_kb" % side)
        out.append(target("bare: peak RSS <= 4 MB (%s end)" % side, fmt(kb and kb / 1024) + " MB",
                          None if kb is None else kb <= 4096, "VmHWM of pppssh"))
    s = shaped["pppssh"]
    r = ratio(s.one("tput1_mbps"), shaped["none"].one("tput1_mbps"))
    out.append(target("shaped: TCP x1 >= 90% of the bare shaped link", fmt(r and r * 100) + "%",
                      None if r is None else r >= 0.9,
                      "%s vs %s Mbit/s" % (fmt(s.one("tput1_mbps")),
                                           fmt(shaped["none"].one("tput1_mbps")))))
    p90, idle = s.p("icmp_load_ms", 90), s.p("icmp_idle_ms", 50)
    out.append(target("shaped: ICMP p90 under load <= idle p50 + 20 ms", fmt(p90) + " ms",
                      None if p90 is None or idle is None else p90 <= idle + 20,
                      "idle p50 %s ms" % fmt(idle)))
    for ref, label in (("none", "the bare link's"), ("wireguard-go", "wireguard-go's")):
        q = shaped[ref].p("icmp_load_ms", 90)
        out.append(target("shaped: ICMP p90 under load < %s" % label, fmt(p90) + " ms",
                          None if p90 is None or q is None else p90 < q, "%s ms" % fmt(q)))
    q = shaped["ssh-w"].p("icmp_load_ms", 90)
    r = ratio(q, p90)
    out.append(target("shaped: ICMP p90 under load <= 1/30 of ssh -w's", fmt(r) + "x lower",
                      None if r is None else r >= 30, "ssh -w %s ms" % fmt(q)))
    j = s.one("jain8")
    out.append(target("shaped: Jain's index over 8 flows >= 0.95", fmt(j), None if j is None
                      else j >= 0.95, "bare path: %s" % fmt(p.one("jain8"))))
    done, total = s.one("conns_done"), s.one("conns_total")
    out.append(target("shaped: all 30 concurrent connections complete",
                      "%s/%s" % (fmt(done), fmt(total)),
                      None if done is None else done == total,
                      "bare path: %s/%s" % (fmt(p.one("conns_done")), fmt(p.one("conns_total")))))
    for path, figs in (("bare", bare), ("shaped", shaped)):
        fp, st = figs["pppssh"].one("first_ping_s"), figs["stream"].one("ssh_true_s")
        out.append(target("%s: time to first ping <= `ssh host true` + 50 ms" % path,
                          fmt(fp) + " s", None if fp is None or st is None else fp <= st + 0.05,
                          "ssh true %s s" % fmt(st)))
        first, later = figs["pppssh"].one("rr_idle_first_ms"), figs["pppssh"].p("rr_idle_ms", 90)
        out.append(target("%s: first TCP RR of a connection (median of 10) <= later ones (p90)"
                          % path, fmt(first) + " ms", None if first is None or later is None
                          else first <= later, "later p90 %s ms" % fmt(later)))
    return out + [""] + userspace_targets(bare, shaped)


def userspace_targets(bare, shaped):
    """Issue 14: serve without root, the tunnel ending in pppssh-stack."""
    out = ["## Issue 14 targets (pppssh, userspace stack, this run)", "",
           "| target | measured | verdict | from |", "|---|---|---|---|"]
    u, p = bare["pppssh-userspace"], bare["pppssh"]
    r = ratio(u.one("tput1_mbps"), p.one("tput1_mbps"))
    out.append(target("bare: TCP x1 >= 50% of root-mode pppssh", fmt(r and r * 100) + "%",
                      None if r is None else r >= 0.5,
                      "%s vs %s Mbit/s" % (fmt(u.one("tput1_mbps")), fmt(p.one("tput1_mbps")))))
    out.append(target("bare: server end CPU s/GB (serve, stack, sshd), reported",
                      fmt(u.one("cpu_srv_s_per_gb")), None,
                      "root-mode pppssh: %s" % fmt(p.one("cpu_srv_s_per_gb"))))
    kb = u.one("rss_srv_pppssh_kb")
    out.append(target("bare: peak RSS of serve + stack <= 16 MB", fmt(kb and kb / 1024) + " MB",
                      None if kb is None else kb <= 16384, "VmHWM of pppssh and pppssh-stack"))
    s = shaped["pppssh-userspace"]
    r = ratio(s.one("tput1_mbps"), shaped["none"].one("tput1_mbps"))
    out.append(target("shaped: TCP x1 >= 90% of the bare shaped link", fmt(r and r * 100) + "%",
                      None if r is None else r >= 0.9,
                      "%s vs %s Mbit/s (libslirp: no window scaling)"
                      % (fmt(s.one("tput1_mbps")), fmt(shaped["none"].one("tput1_mbps")))))
    return out + [""]


def gnuplot(script):
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        print("report.py: gnuplot failed: %s" % e, file=sys.stderr)


def plot_cdf(rows, path, outdir):
    curves = []
    for t in tunnels_in(rows, path):
        v = sorted(rows.get((path, t, "icmp_load_ms"), []))
        if not v:
            continue
        data = os.path.join(outdir, "cdf-%s-%s.dat" % (path, t))
        with open(data, "w") as f:
            for i, x in enumerate(v):
                f.write("%g %g\n" % (max(x, 0.01), (i + 1) / len(v)))
        curves.append("'%s' using 1:2 with steps lw 2 title '%s'" % (data, LABELS[t]))
    if curves:
        gnuplot("set terminal png size 900,560\nset output '%s'\n"
                "set title 'ICMP RTT under one TCP flow, %s path'\nset logscale x\n"
                "set xlabel 'RTT (ms)'\nset ylabel 'fraction of pings'\nset key bottom right\n"
                "set grid\nplot %s\n" % (os.path.join(outdir, "latency-cdf-%s.png" % path),
                                          path, ", ".join(curves)))


def plot_throughput(rows, path, outdir):
    data = os.path.join(outdir, "throughput-%s.dat" % path)
    with open(data, "w") as f:
        for t in tunnels_in(rows, path):
            fig = Figures(rows, path, t)
            vals = ([fig.one("stream_mbps"), None, None] if t == "stream" else
                    [fig.one("tput1_mbps"), fig.one("tput4_mbps"), fig.one("tput8_mbps")])
            f.write('"%s" %s\n' % (LABELS[t], " ".join("-" if v is None else "%g" % v
                                                        for v in vals)))
    gnuplot("set terminal png size 900,560\nset output '%s'\n"
            "set title 'TCP throughput, %s path'\nset style data histograms\n"
            "set style histogram clustered\nset style fill solid border -1\n"
            "set datafile missing '-'\nset ylabel 'Mbit/s'\nset logscale y\nset yrange [1:*]\n"
            "set grid ytics\nplot '%s' using 2:xtic(1) title '1 flow', '' using 3 title '4 flows',"
            " '' using 4 title '8 flows'\n"
            % (os.path.join(outdir, "throughput-%s.png" % path), path, data))


# --- the path matrix (compare.sh with BENCH_MATRIX=1) ----------------------

MATRIX_DOC = """One run; each point's pppssh figures are held against the bare link's,
measured on the same point in the same run.  Targets (issue 15): one TCP
flow >= 90%% of the bare link's (80%% at an RTT of 150 ms or more, or with
loss), each way; ICMP p90 under that flow <= idle p50 + max(20 ms, RTT/4)
and below the bare link's own p90 under load; 8 flows: Jain's index >=
0.95; against one flow outside the tunnel, the tunnel's share 40-60%%."""


def matrix_points(rows):
    seen = []
    for (point, tunnel, metric) in rows:
        if tunnel == "-" and point not in seen:
            seen.append(point)
    return seen


def matrix_verdicts(rows, point, tunnel="pppssh"):
    """[(target, measured, ok)] for one point; ok None when not measured."""
    par = Figures(rows, point, "-")
    bare, ppp = Figures(rows, point, "none"), Figures(rows, point, tunnel)
    rtt, loss = par.one("rtt_ms") or 0, par.one("loss_pct") or 0
    floor = 0.8 if rtt >= 150 or loss > 0 else 0.9
    out = []
    for metric, way in (("tput1_mbps", "up"), ("tput_down_mbps", "down")):
        r = ratio(ppp.one(metric), bare.one(metric))
        out.append(("1 flow %s >= %d%%" % (way, floor * 100),
                    "-" if r is None else "%.1f%% (%s/%s)" % (100 * r, fmt(ppp.one(metric)),
                                                              fmt(bare.one(metric))),
                    None if r is None else r >= floor))
    idle = ppp.one("icmp_idle_ms")
    bound = None if idle is None else idle + max(20.0, rtt / 4)
    for metric, way in (("icmp_load_ms", "up"), ("icmp_down_ms", "down")):
        p90, bare90 = ppp.p(metric, 90), bare.p(metric, 90)
        ok = None
        if p90 is not None and bound is not None and bare90 is not None:
            ok = p90 <= bound and p90 < bare90
        out.append(("ICMP p90 %s <= %s, < bare %s" % (way, fmt(bound), fmt(bare90)),
                    fmt(p90), ok))
    j = ppp.one("jain8")
    out.append(("Jain (8) >= 0.95", fmt(j), None if j is None else j >= 0.95))
    inside, outside = ppp.one("compete_in_mbps"), ppp.one("compete_out_mbps")
    if inside is not None and outside is not None and inside + outside > 0:
        share = inside / (inside + outside)
        out.append(("share against an outside flow 40-60%", "%.0f%%" % (100 * share),
                    0.4 <= share <= 0.6))
    return out


def matrix_tables(rows, tunnel="pppssh"):
    md = ["| point | rate Mbit/s | RTT ms | queue | offloads | loss % | pauses ms | CPU competitor "
          "| run s | target | measured | verdict |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    tally = collections.Counter()
    for point in matrix_points(rows):
        par = Figures(rows, point, "-")
        hog = par.one("cpu_hog_pct")
        head = [point, fmt(par.one("rate_mbit")), fmt(par.one("rtt_ms")),
                fmt(par.one("queue_packets")), "on" if par.one("offload") else "off",
                fmt(par.one("loss_pct")), fmt(par.one("jitter_ms") or 0),
                "-" if hog is None else "%.0f%% of a core" % hog, fmt(par.one("run_s"))]
        for i, (name, measured, ok) in enumerate(matrix_verdicts(rows, point, tunnel)):
            verdict = "?" if ok is None else "PASS" if ok else "FAIL"
            tally[verdict] += 1
            md.append("| %s | %s | %s | %s |" % (" | ".join(head if i == 0 else [""] * len(head)), name,
                                                measured, verdict))
    md += ["", "%d PASS, %d FAIL, %d not measured" % (tally["PASS"], tally["FAIL"], tally["?"]), ""]
    return md


def old_vs_new(rows):
    """pppssh-old and pppssh side by side: % of the bare link and ICMP p90
    under load, each way, and the share against the outside flow."""
    md = ["## old vs new, same run", "",
          "| point | tunnel | up % | down % | ICMP p90 up ms | ICMP p90 down ms | bound ms "
          "| bare p90 up/down ms | Jain 8 | share outside |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for point in matrix_points(rows):
        par, bare = Figures(rows, point, "-"), Figures(rows, point, "none")
        for tunnel in ("pppssh-old", "pppssh"):
            f = Figures(rows, point, tunnel)
            cells = []
            for metric in ("tput1_mbps", "tput_down_mbps"):
                r = ratio(f.one(metric), bare.one(metric))
                cells.append("-" if r is None else "%.0f" % (100 * r))
            cells += [fmt(f.p("icmp_load_ms", 90)), fmt(f.p("icmp_down_ms", 90))]
            idle = f.one("icmp_idle_ms")
            cells.append("-" if idle is None else fmt(idle + max(20.0, (par.one("rtt_ms") or 0) / 4)))
            cells.append("%s/%s" % (fmt(bare.p("icmp_load_ms", 90)), fmt(bare.p("icmp_down_ms", 90))))
            cells.append(fmt(f.one("jain8")))
            i, o = f.one("compete_in_mbps"), f.one("compete_out_mbps")
            cells.append("%.0f%%" % (100 * i / (i + o)) if i is not None and o and i + o > 0 else "-")
            md.append("| %s | %s | %s |" % (point, tunnel, " | ".join(cells)))
    return md + [""]


def plot_matrix(rows, outdir):
    points = matrix_points(rows)
    data = os.path.join(outdir, "matrix.dat")
    with open(data, "w") as f:
        for point in points:
            par = Figures(rows, point, "-")
            bare, ppp = Figures(rows, point, "none"), Figures(rows, point, "pppssh")
            idle = ppp.one("icmp_idle_ms")
            bound = None if idle is None else idle + max(20.0, (par.one("rtt_ms") or 0) / 4)
            up = ratio(ppp.one("tput1_mbps"), bare.one("tput1_mbps"))
            down = ratio(ppp.one("tput_down_mbps"), bare.one("tput_down_mbps"))
            vals = [None if up is None else 100 * up, None if down is None else 100 * down,
                    ppp.p("icmp_load_ms", 90), ppp.p("icmp_down_ms", 90),
                    bare.p("icmp_load_ms", 90), bound]
            f.write('"%s" %s\n' % (point, " ".join("-" if v is None else "%g" % v for v in vals)))
    common = ("set terminal png size 1000,560\nset style data histograms\n"
              "set style histogram clustered\nset style fill solid border -1\n"
              "set datafile missing '-'\nset grid ytics\nset key outside right top\n")
    gnuplot(common + "set output '%s'\nset title 'pppssh: one TCP flow, %% of the bare link'\n"
            "set ylabel '%% of the bare link'\nset yrange [0:*]\n"
            "plot '%s' using 2:xtic(1) title 'up', '' using 3 title 'down', "
            "90 with lines lw 2 title '90%% target'\n"
            % (os.path.join(outdir, "matrix-throughput.png"), data))
    gnuplot(common + "set output '%s'\nset title 'ICMP RTT p90 under one TCP flow'\n"
            "set ylabel 'ms'\nset logscale y\nset yrange [1:*]\n"
            "plot '%s' using 4:xtic(1) title 'pppssh up', '' using 5 title 'pppssh down', "
            "'' using 6 title 'bare link', '' using 7 title 'bound'\n"
            % (os.path.join(outdir, "matrix-latency.png"), data))


def matrix_main(outdir):
    rows = load(os.path.join(outdir, "matrix.tsv"))
    md = ["# pppssh benchmark: the path matrix", ""]
    try:
        with open(os.path.join(outdir, "machine-matrix.md")) as f:
            md += [f.read().rstrip(), ""]
    except OSError:
        pass
    md += [MATRIX_DOC % (), ""] + matrix_tables(rows)
    if any(k[1] == "pppssh-old" for k in rows):
        md += ["## pppssh-old (BENCH_PPPSSH_OLD), same run", ""] + matrix_tables(rows, "pppssh-old")
        md += old_vs_new(rows)
    plot_matrix(rows, outdir)
    text = "\n".join(md) + "\n"
    with open(os.path.join(outdir, "matrix.md"), "w") as f:
        f.write(text)
    print(text)


def main():
    if sys.argv[1] == "--matrix":
        return matrix_main(sys.argv[2])
    outdir = sys.argv[1]
    rows = load(os.path.join(outdir, "results.tsv"))
    paths = [p for p in ("bare", "shaped") if any(k[0] == p for k in rows)]
    md = ["# pppssh benchmark: tunnels compared", ""]
    try:
        with open(os.path.join(outdir, "machine.md")) as f:
            md += [f.read().rstrip(), ""]
    except OSError:
        pass
    md += ["One run, one sample per figure (latency percentiles over that run's pings). "
           "CPU: user+system seconds of every process carrying the tunnel (ssh, the sshd "
           "session, pppssh, wireguard-go) during the 1-flow run, per GB received. "
           "Peak RSS: VmHWM of the tunnel's own process (all its processes, ssh and sshd "
           "included, in parentheses).", ""]
    for path in paths:
        md += tables(rows, path)
        plot_cdf(rows, path, outdir)
        plot_throughput(rows, path, outdir)
    md += targets(rows)
    text = "\n".join(md) + "\n"
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
