#!/usr/bin/env python3
"""flood_peer.py - a hostile PPP peer that floods a pppssh end with junk.

    flood_peer.py COUNT LOGFILE -- COMMAND...

Runs COMMAND (e.g. `pppssh serve --local A --remote B --stderr`) with its
stdin/stdout as the PPP stream and its stderr in LOGFILE, brings LCP up
with it, then sends COUNT LCP Code-Rejects (of code 12, which is not
catastrophic: RFC 1661 section 5.6), one LCP Echo-Request half-way
through and, after $FLOOD_PAUSE_S seconds of quiet (default 0), one
after them, and ends the link with a Terminate-Request.
Prints key=value results on one line:

    echo_mid=1 echo_end=1 term_ack=1 rc=0 flood_s=0.8

and exits 0 if the command's end answered both echoes and the
Terminate-Request and then exited by itself (every wait is bounded).
"""
import os
import queue
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ppp_hdlc import FLAG, deframe, frame  # noqa: E402

LCP = 0xC021
CONF_REQ, CONF_ACK, TERM_REQ, TERM_ACK, CODE_REJ = 1, 2, 5, 6, 7
ECHO_REQ, ECHO_REP = 9, 10
MAGIC = bytes.fromhex("0badf00d")


def lcp(code, ident, data=b""):
    return frame(LCP, bytes([code, ident]) + (4 + len(data)).to_bytes(2, "big") + data)


def reader(stream, frames):
    buf = bytearray()
    while True:
        chunk = stream.read1(65536)
        if not chunk:
            frames.put(None)
            return
        buf += chunk
        while FLAG in buf:
            i = buf.index(FLAG)
            raw, buf = bytes(buf[:i]), buf[i + 1 :]
            got = deframe(raw) if raw else None
            if got:
                frames.put(got)


class Peer:
    def __init__(self, proc):
        self.proc = proc
        self.frames = queue.Queue()
        threading.Thread(target=reader, args=(proc.stdout, self.frames), daemon=True).start()
        self.seen = []

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def answer(self, proto, info):
        """What any peer must do: ack the LCP request, answer echoes."""
        if proto != LCP or len(info) < 4:
            return
        if info[0] == CONF_REQ:
            self.send(frame(LCP, bytes([CONF_ACK]) + info[1:]))
        elif info[0] == ECHO_REQ:
            self.send(lcp(ECHO_REP, info[1], MAGIC + info[8:]))

    def wait_for(self, want, seconds):
        """Until want(proto, info) is true of a frame, answering the rest."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                got = self.frames.get(timeout=0.1)
            except queue.Empty:
                continue
            if got is None:
                return False
            self.seen.append(got)
            if want(*got):
                return True
            self.answer(*got)
        return False


def lcp_code(code, ident=None):
    return lambda p, i: p == LCP and i[0] == code and (ident is None or i[1] == ident)


def main():
    count, logfile, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[4:]
    with open(logfile, "wb") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
    peer = Peer(proc)
    opts = bytes([5, 6]) + MAGIC  # Magic-Number
    peer.send(lcp(CONF_REQ, 1, opts))
    state = {"acked": False, "acking": False}

    def lcp_opened(proto, info):
        if proto == LCP and info[0] == CONF_REQ:
            peer.answer(proto, info)
            state["acking"] = True
        elif proto == LCP and info[0] == CONF_ACK and info[1] == 1:
            state["acked"] = True
        return state["acked"] and state["acking"]

    opened = peer.wait_for(lcp_opened, 10)
    time.sleep(0.2)

    reject = lcp(CODE_REJ, 7, bytes([12, 1, 0, 4]))  # "I do not know code 12"
    echo = {}
    start = time.monotonic()
    batch = reject * 1000
    for n in range(0, count, 1000):
        if n == count // 2 // 1000 * 1000:
            peer.send(lcp(ECHO_REQ, 0x31, MAGIC + b"mid"))
        peer.send(batch[: len(reject) * min(1000, count - n)])
    flood_s = time.monotonic() - start
    time.sleep(float(os.environ.get("FLOOD_PAUSE_S", "0")))
    echo["mid"] = peer.wait_for(lcp_code(ECHO_REP, 0x31), 10)
    peer.send(lcp(ECHO_REQ, 0x32, MAGIC + b"end"))
    echo["end"] = peer.wait_for(lcp_code(ECHO_REP, 0x32), 10)
    peer.send(lcp(TERM_REQ, 0x33, b"flood over"))
    term_ack = peer.wait_for(lcp_code(TERM_ACK, 0x33), 10)
    proc.stdin.close()
    try:
        rc = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
        rc = "timeout"
    print(
        f"opened={int(bool(opened))} echo_mid={int(echo['mid'])} echo_end={int(echo['end'])} "
        f"term_ack={int(term_ack)} rc={rc} flood_s={flood_s:.1f}"
    )
    ok = opened and echo["mid"] and echo["end"] and term_ack and rc != "timeout"
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
