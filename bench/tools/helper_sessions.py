#!/usr/bin/env python3
"""helper_sessions.py SOCKET N - hold N sessions of pppssh helper at once,
as N `pppssh serve` processes would (users u1..uN, src/server/helper_proto.h):
OPEN, then IPV4_UP.  Prints "setup N SECONDS" once all are up, then
"ready" and waits for stdin to close or for SIGKILL."""
import array
import socket
import struct
import sys
import time


def open_session(path, user):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sock.connect(path)
    sock.send(bytes([1, 1, 0, 0]) + bytes(12) + user.encode().ljust(32, b"\0"))
    fds = array.array("i")
    msg, anc, _, _ = sock.recvmsg(2000, socket.CMSG_LEN(2 * fds.itemsize))
    for _level, _type, data in anc:
        fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    if msg[1] != 0x81:
        raise SystemExit("%s refused: %s" % (user, msg[4:260].rstrip(b"\0").decode()))
    sock.send(bytes([1, 2, 0, 0]) + struct.pack(">I", 1500) + bytes(40))
    if sock.recv(2000)[1] != 0x83:
        raise SystemExit("%s: IPV4_UP failed" % user)
    return sock, list(fds)


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    start = time.monotonic()
    held = [open_session(path, "u%d" % i) for i in range(1, n + 1)]
    print("setup %d %.3f" % (len(held), time.monotonic() - start), flush=True)
    print("ready", flush=True)
    sys.stdin.read()


main()
