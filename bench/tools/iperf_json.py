#!/usr/bin/python3
"""iperf_json.py FILE FIELD - one figure from an iperf3 -J report.

FIELD: mbps (received, all streams), bytes (received), retrans (segments
the sender retransmitted, all streams), jain (Jain's
fairness index of the streams' received bytes: (sum x)^2 / (n sum x^2),
1 = perfectly fair, 1/n = one stream has it all).  Prints 0 for a missing
or broken report (a failed run), so that the table shows the failure.
"""
import json
import sys


def figure(report, field):
    received = report["end"]["sum_received"]
    if field == "mbps":
        return "%.1f" % (received["bits_per_second"] / 1e6)
    if field == "bytes":
        return "%d" % received["bytes"]
    if field == "retrans":
        return "%d" % report["end"]["sum_sent"]["retransmits"]
    if field == "jain":
        shares = [s["receiver"]["bytes"] for s in report["end"]["streams"]]
        squares = sum(x * x for x in shares)
        return "%.3f" % (sum(shares) ** 2 / (len(shares) * squares) if squares else 0)
    sys.exit("unknown field " + field)


def main():
    try:
        with open(sys.argv[1]) as f:
            print(figure(json.load(f), sys.argv[2]))
    except (OSError, ValueError, KeyError, ZeroDivisionError):
        print(0)


if __name__ == "__main__":
    main()
