#!/usr/bin/env python3
"""One account tries to hold every connection a node accepts; is everyone else still served?

The attack of issue 59, item 1, as it was made: one user opens keep-alive HTTP connections from one address and
makes an authenticated GET /api/v1/me on each, then keeps them (one more request on each every 40 s). Meanwhile
another user, from another address, logs in and an operator's probe asks /alive, every 200 ms. Prints a Markdown
summary: what the attacker got, and how long the others waited (a request unanswered within 5 s counts as lost).

  python3 bench/tools/hold_connections.py --port 8080 --connections 400 --seconds 30

The node must run with PARLEY_MAX_CONNECTIONS at or below --connections (the issue used 400). Standard library only.
"""
import argparse
import json
import socket
import threading
import time
import urllib.request


def call(port, method, path, body=None, token=None, source="127.0.0.2", timeout=5.0):
    """One request on its own connection from `source`; (status, seconds), status 0 if no answer in `timeout`."""
    start = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    except OSError:
        return 0, time.monotonic() - start
    try:
        s.settimeout(timeout)
        data = json.dumps(body).encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: parley\r\nConnection: close\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        s.sendall(head.encode() + b"\r\n" + data)
        first = s.recv(64)
        status = int(first.split(b" ")[1]) if first.startswith(b"HTTP/1.1 ") else 0
        return status, time.monotonic() - start
    except (OSError, ValueError, IndexError):
        return 0, time.monotonic() - start
    finally:
        s.close()


def api(port, path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"null")


def login(port, name):
    api(port, "/api/v1/auth/signup", {"username": name, "password": "correct horse"})
    return api(port, "/api/v1/auth/login", {"username": name, "password": "correct horse"})["token"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--connections", type=int, default=400)
    p.add_argument("--seconds", type=float, default=30)
    a = p.parse_args()
    suffix = str(int(time.time()) % 100000)
    mallory = login(a.port, "mallory" + suffix)
    alice = "alice" + suffix
    login(a.port, alice)

    held, refused, unanswered, closed = [], 0, 0, 0
    stop = threading.Event()

    def attack():
        nonlocal refused, unanswered
        for _ in range(a.connections):
            try:
                s = socket.create_connection(("127.0.0.1", a.port), timeout=5, source_address=("127.0.0.1", 0))
                s.settimeout(5)
                s.sendall(f"GET /api/v1/me HTTP/1.1\r\nHost: parley\r\nAuthorization: Bearer {mallory}\r\n\r\n".encode())
                first = s.recv(65536)
                if first.startswith(b"HTTP/1.1 200"):
                    held.append(s)
                else:
                    refused += 1
                    s.close()
            except OSError:
                unanswered += 1

    attacker = threading.Thread(target=attack)
    attacker.start()
    attacker.join()
    # The attacker keeps what it got: one more request on each every 40 s (never reached in a short run).
    probes, logins = [], []
    deadline = time.monotonic() + a.seconds
    while time.monotonic() < deadline:
        probes.append(call(a.port, "GET", "/alive"))
        logins.append(call(a.port, "POST", "/api/v1/auth/login", {"username": alice, "password": "correct horse"}))
        time.sleep(0.2)
    for s in held:
        try:
            s.sendall(f"GET /api/v1/me HTTP/1.1\r\nHost: parley\r\nAuthorization: Bearer {mallory}\r\n\r\n".encode())
            if not s.recv(64).startswith(b"HTTP/1.1 200"):
                closed += 1
        except OSError:
            closed += 1
        s.close()

    def summary(rows):
        ok = [t for st, t in rows if st == 200]
        lost = len(rows) - len(ok)
        slowest = max((t for _, t in rows), default=0) * 1000
        return f"{len(rows)} requests, {len(ok)} answered 200, {lost} lost or refused, slowest {slowest:.1f} ms"

    print(f"| what | figure |")
    print(f"|---|---|")
    print(f"| the attacker's {a.connections} connections, each with GET /me | {len(held)} held (200), {refused} refused, "
          f"{unanswered} unanswered within 5 s |")
    print(f"| the held ones after {a.seconds:.0f} s | {len(held) - closed} still answer |")
    print(f"| `/alive` from 127.0.0.2 meanwhile, every 200 ms | {summary(probes)} |")
    print(f"| another user's login from 127.0.0.2 meanwhile | {summary(logins)} |")


if __name__ == "__main__":
    main()
