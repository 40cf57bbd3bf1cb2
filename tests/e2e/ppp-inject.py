#!/usr/bin/env python3
"""ppp-inject.py SPOOL CMD... - a hostile PPP peer's hand in a real session.

Runs CMD (the transport, e.g. ssh to the server) and relays bytes both
ways between our stdin/stdout (pppssh's stream, as its `Command`) and
CMD.  Whenever a file NAME.frames appears in SPOOL, its lines

    TO PROTO KIND SRC DST   e.g.  far 0021 echo6 fd00:5353::2 fd00:5353::1

are built into packets (KIND: echo4, echo6, ra, redirect4), each wrapped
in a PPP frame of protocol PROTO (hex) with FCS-16 and every control
character escaped, and written at the next frame boundary of the relayed
stream towards CMD (TO = far: as if our pppssh sent it) or towards our
stdout (TO = near: as if the far end did); then the file is renamed
NAME.sent.  A test thus sends what no honest pppssh would (IPv6 in an
IPv4 frame, a Router Advertisement) through the real sshd, either way,
and asserts on what the receiving kernel got.
"""
import ipaddress
import os
import select
import signal
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ppp_hdlc import frame  # noqa: E402


def checksum(data):
    """RFC 1071: ones' complement of the ones' complement sum."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:] + payload


def icmp4(src, dst, type_, code, body):
    msg = struct.pack("!BBH", type_, code, 0) + body
    msg = msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
    return ipv4(src, dst, 1, msg)


def icmp6(src, dst, type_, body, hop=64):
    s, d = ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed
    msg = struct.pack("!BBH", type_, 0, 0) + body
    pseudo = s + d + struct.pack("!IxxxB", len(msg), 58)  # RFC 8200 section 8.1
    msg = msg[:2] + struct.pack("!H", checksum(pseudo + msg)) + msg[4:]
    return struct.pack("!IHBB", 6 << 28, len(msg), 58, hop) + s + d + msg


def packet(kind, src, dst):
    if kind == "echo4":
        return icmp4(src, dst, 8, 0, struct.pack("!HH", 0x1e2e, 1) + b"inject" * 4)
    if kind == "echo6":
        return icmp6(src, dst, 128, struct.pack("!HH", 0x1e2e, 1) + b"inject" * 4)
    if kind == "ra":
        # RFC 4861 4.2: hop limit 64, router lifetime 9000 s, and a Prefix
        # Information option (4.6.2) for fd00:5353:99::/64, on-link and
        # autonomous, from a link-local source with hop limit 255.
        prefix = ipaddress.IPv6Address("fd00:5353:99::").packed
        option = struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0) + prefix
        return icmp6(src, dst, 134, struct.pack("!BBHII", 64, 0, 9000, 0, 0) + option,
                     hop=255)
    if kind == "redirect4":
        # RFC 792: "redirect datagrams for the host" to gateway src, about
        # a datagram from dst to 198.19.0.2.
        inner = ipv4(dst, "198.19.0.2", 17, struct.pack("!HHHH", 5000, 5001, 8, 0))
        return icmp4(src, dst, 5, 1, ipaddress.IPv4Address(src).packed + inner)
    raise SystemExit("ppp-inject: unknown packet kind " + kind)


def take_spool(spool, pending):
    for name in sorted(os.listdir(spool)):
        if not name.endswith(".frames"):
            continue
        path = os.path.join(spool, name)
        with open(path) as f:
            for line in f:
                if line.strip():
                    to, proto, kind, src, dst = line.split()
                    pending[to].append(frame(int(proto, 16), packet(kind, src, dst), opening_flag=False))
        os.rename(path, path[: -len(".frames")] + ".sent")


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


class Direction:
    """One way of the relay: frames are slipped in only between two."""

    def __init__(self, fd):
        self.fd, self.at_boundary, self.frames = fd, True, []

    def relay(self, data):
        write_all(self.fd, data)
        self.at_boundary = data[-1] == 0x7E

    def inject(self):
        if self.frames and self.at_boundary:
            write_all(self.fd, b"".join(self.frames))
            self.frames = []


def main():
    spool, cmd = sys.argv[1], sys.argv[2:]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    signal.signal(signal.SIGTERM, lambda *_: (child.terminate(), sys.exit(0)))
    from_child = child.stdout.fileno()
    far, near = Direction(child.stdin.fileno()), Direction(1)
    watch = [0, from_child]
    while True:
        ready = select.select(watch, [], [], 0.05)[0]
        if 0 in ready:
            data = os.read(0, 65536)
            if not data:
                watch.remove(0)
                child.stdin.close()
            else:
                far.relay(data)
        if from_child in ready:
            data = os.read(from_child, 65536)
            if not data:
                break
            near.relay(data)
        take_spool(spool, {"far": far.frames, "near": near.frames})
        if 0 in watch:
            far.inject()
        near.inject()
    sys.exit(child.wait())


if __name__ == "__main__":
    main()
