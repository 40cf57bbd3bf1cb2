#!/usr/bin/python3
"""tap_relay.py TAP SOCKET MAX_SECONDS - be passt's "guest": bridge a TAP
device in this namespace to passt's Unix socket, whose stream carries each
Ethernet frame after its length (4 bytes, network order: qemu's stream
netdev).  The bench uses it to detach from passt and attach again.  Exits
on TERM, when passt closes the socket, or after MAX_SECONDS.
"""
import fcntl
import os
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def relay(tap, sock, deadline):
    while time.monotonic() < deadline:
        ready, _, _ = select.select([tap, sock], [], [], 0.5)
        if tap in ready:
            frame = os.read(tap, 65536)
            sock.sendall(struct.pack("!I", len(frame)) + frame)
        if sock in ready:
            head = recv_exact(sock, 4)
            frame = head and recv_exact(sock, struct.unpack("!I", head)[0])
            if frame is None:
                return
            os.write(tap, frame)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    tap = open_tap(sys.argv[1])
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(sys.argv[2])
    relay(tap, sock, time.monotonic() + float(sys.argv[3]))


if __name__ == "__main__":
    main()
