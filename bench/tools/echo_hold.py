#!/usr/bin/python3
"""echo_hold.py ADDR PORT GO_FILE MAX_SECONDS - does a TCP connection live
through a pause of the path?  Connects to an echo server at ADDR PORT and
exchanges one line; prints "open"; waits (at most MAX_SECONDS) until
GO_FILE exists; exchanges another line on the same connection and prints
"survived", or "lost: WHY".
"""
import os
import socket
import sys
import time


def exchange(sock, line):
    sock.sendall(line)
    got = b""
    while not got.endswith(b"\n"):
        chunk = sock.recv(100)
        if not chunk:
            raise OSError("closed by peer")
        got += chunk
    if got != line:
        raise OSError("echo mismatch")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    addr, port, go_file, max_s = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    sock = socket.create_connection((addr, port), timeout=10)
    exchange(sock, b"one\n")
    print("open", flush=True)
    deadline = time.monotonic() + max_s
    while not os.path.exists(go_file) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        exchange(sock, b"two\n")
        print("survived", flush=True)
    except OSError as e:
        print("lost: %s" % (e,), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
