#!/usr/bin/python3
"""dns_answer.py - a resolver stand-in and a one-query client, so the bench
can see whether a userspace stack forwards DNS to the server's resolver.

  dns_answer.py serve ADDR MAX_SECONDS   answer every A query with 198.18.0.99
                                         (UDP port 53 on ADDR), exit after
                                         MAX_SECONDS
  dns_answer.py query SERVER NAME        one A query (3 s timeout); prints
                                         the first answer's address, or
                                         "none" (exit 1)

Only A queries are answered (RFC 1035 4.1); anything else gets an empty
NOERROR answer.
"""
import socket
import struct
import sys
import time

ANSWER = "198.18.0.99"


def question_end(msg):
    """Offset just past the first question (name, type, class)."""
    i = 12
    while msg[i] != 0:
        i += 1 + msg[i]
    return i + 5


def answer(query):
    end = question_end(query)
    qtype = struct.unpack("!H", query[end - 4:end - 2])[0]
    flags = 0x8180  # response, recursion desired and available, NOERROR
    ancount = 1 if qtype == 1 else 0
    head = query[:2] + struct.pack("!HHHHH", flags, 1, ancount, 0, 0)
    reply = head + query[12:end]
    if ancount:
        # a pointer to the question's name (RFC 1035 4.1.4), A, IN, TTL 60
        reply += struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(ANSWER)
    return reply


def serve(addr, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            query, peer = s.recvfrom(512)
        except socket.timeout:
            continue
        try:
            s.sendto(answer(query), peer)
        except (IndexError, struct.error):
            pass


def query(server, name):
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    msg = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + labels + b"\0" + struct.pack("!HH", 1, 1)
    family = socket.AF_INET6 if ":" in server else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(3)
    try:
        s.sendto(msg, (server, 53))
        reply = s.recv(512)
    except OSError:
        print("none")
        return 1
    if struct.unpack("!H", reply[6:8])[0] == 0:
        print("none")
        return 1
    print(socket.inet_ntoa(reply[-4:]))
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], float(sys.argv[3]))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "query":
        return query(sys.argv[2], sys.argv[3])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
