#!/usr/bin/env python3
"""helper_client.py SOCKET USER [unlock] - ask pppssh helper for USER's
tunnel directly, as a session would (src/server/helper_proto.h: OPEN), and
print what came back: "GRANTED IFNAME REMOTE FDS" or "REFUSED REASON".
With "unlock", a hostile session's try at letting its lease go: LOCK_UN
and LOCK_EX on the lease descriptor it got, then "lease: held by the
helper" if the lock is still not ours.  Exit status 0 if granted, 1 if
refused, 2 on anything else."""
import array
import fcntl
import socket
import sys

VERSION, OPEN, GRANTED, REFUSED = 1, 1, 0x81, 0x82


def main():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sock.connect(sys.argv[1])
    user = sys.argv[2].encode()
    sock.send(bytes([VERSION, OPEN, 0, 0]) + bytes(12) + user.ljust(32, b"\0"))
    fds = array.array("i")
    msg, anc, _, _ = sock.recvmsg(2000, socket.CMSG_LEN(2 * fds.itemsize))
    for _level, _type, data in anc:
        fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    if len(msg) == 1200 and msg[1] == GRANTED:
        name = msg[24:40].rstrip(b"\0").decode()
        print("GRANTED", name, socket.inet_ntoa(msg[8:12]), len(fds))
        if len(sys.argv) > 3 and sys.argv[3] == "unlock":
            fcntl.flock(fds[1], fcntl.LOCK_UN)
            try:
                fcntl.flock(fds[1], fcntl.LOCK_EX | fcntl.LOCK_NB)
                print("lease: ours to let go")
            except BlockingIOError:
                print("lease: held by the helper")
        return 0
    if len(msg) == 1200 and msg[1] == REFUSED:
        print("REFUSED", msg[4:260].rstrip(b"\0").decode())
        return 1
    print("UNEXPECTED", msg[:4].hex())
    return 2


sys.exit(main())
