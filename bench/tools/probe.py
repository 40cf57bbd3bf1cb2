#!/usr/bin/python3
"""probe.py - TCP probes for the pppssh benchmark (bench/compare.sh).

  probe.py serve PORT
      PORT echoes whatever it receives (one thread for all connections, so
      that a new connection's first answer waits for no thread to start);
      PORT+1 reads a 4-byte big-endian
      size and sends that many bytes back, then closes.  Runs until killed.
  probe.py rr HOST PORT COUNT INTERVAL
      COUNT one-byte request/responses INTERVAL s apart, over up to 10 new
      connections in turn.  Prints "first MS" for each connection's first
      exchange, "rr MS" for the others, "fail REASON" if one times out
      (5 s) or the peer goes away.
  probe.py conns HOST PORT N SIZE DEADLINE
      N connections at once to PORT+1, each fetching SIZE bytes.  Prints
      "conn SECONDS" per completed connection, "fail REASON" per failed one;
      nothing waits past DEADLINE seconds.
Every loop is bounded in count and every socket in time.
"""
import selectors
import socket
import struct
import sys
import threading
import time


def serve_forever(port, handler):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(128)
    while True:
        conn, _ = listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=handler, args=(conn,), daemon=True).start()


def echo(conn):
    with conn:
        try:
            while data := conn.recv(65536):
                conn.sendall(data)
        except OSError:
            pass


def source(conn):
    with conn:
        try:
            wanted = b""
            while len(wanted) < 4:
                more = conn.recv(4 - len(wanted))
                if not more:
                    return
                wanted += more
            left = min(struct.unpack("!I", wanted)[0], 1 << 30)
            chunk = b"\0" * 65536
            while left > 0:
                conn.sendall(chunk[:left])
                left -= min(left, len(chunk))
        except OSError:
            pass


def echo_all(port):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(128)
    listener.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is listener:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    continue
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sel.register(conn, selectors.EVENT_READ)
                continue
            conn = key.fileobj
            try:
                data = conn.recv(65536)
                if data:
                    conn.sendall(data)  # a few bytes: never blocks for long
                    continue
            except OSError:
                pass
            sel.unregister(conn)
            conn.close()


def serve(port):
    threading.Thread(target=serve_forever, args=(port + 1, source), daemon=True).start()
    echo_all(port)


def exchange(conn):
    start = time.monotonic()
    conn.sendall(b"x")
    if not conn.recv(1):
        raise ConnectionResetError("closed")
    return time.monotonic() - start


def request_response(host, port, count, interval):
    count = min(count, 10000)
    conns = min(10, count)
    for c in range(conns):
        try:
            conn = socket.create_connection((host, port), timeout=5)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as e:
            print("fail connect", e.__class__.__name__)
            return
        with conn:
            for i in range(count * (c + 1) // conns - count * c // conns):
                try:
                    took = exchange(conn)
                except OSError as e:
                    print("fail", e.__class__.__name__)
                    return
                print("first" if i == 0 else "rr", "%.3f" % (took * 1000), flush=True)
                time.sleep(max(0.0, interval - took))


def fetch(host, port, size, deadline, results):
    start = time.monotonic()
    try:
        conn = socket.create_connection((host, port + 1), timeout=deadline)
        conn.sendall(struct.pack("!I", size))
        got = 0
        while got < size:
            conn.settimeout(max(0.01, deadline - (time.monotonic() - start)))
            data = conn.recv(65536)
            if not data:
                break
            got += len(data)
        conn.close()
        results.append("conn %.3f" % (time.monotonic() - start) if got == size else "fail short")
    except OSError as e:
        results.append("fail " + e.__class__.__name__)


def connections(host, port, n, size, deadline):
    results = []
    threads = [threading.Thread(target=fetch, args=(host, port, size, deadline, results))
               for _ in range(min(n, 1000))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(deadline + 1)
    print("\n".join(results))
    print("fail unfinished\n" * (len(threads) - len(results)), end="")


def main(argv):
    if len(argv) == 3 and argv[1] == "serve":
        serve(int(argv[2]))
    elif len(argv) == 6 and argv[1] == "rr":
        request_response(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
    elif len(argv) == 7 and argv[1] == "conns":
        connections(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), float(argv[6]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
