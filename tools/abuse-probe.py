#!/usr/bin/env python3
"""Two attacks of issue 79 against a running node, measured from outside (stdlib only).

  python3 tools/abuse-probe.py [http://127.0.0.1:8080]

1. Search pressure: one account runs 16 relevance searches at once for 25 s; meanwhile another user's GET /me and
   logins are timed, and the same before, at rest. Prints each side's answers (200 / 429) and p50 / p90.
2. Idle sockets: 256 TCP connections from this address that send nothing, then a login from the same address, timed;
   and whether the oldest idle socket was closed by the node.

A node as shipped (`./parley node`) is what it measures: its limits are the point. Signs up two fresh users.
"""
import http.client
import json
import socket
import statistics
import sys
import threading
import time
import urllib.parse
import uuid

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
HOST = urllib.parse.urlparse(BASE).hostname
PORT = urllib.parse.urlparse(BASE).port or 80
PASSWORD = "correct horse battery"


def call(method, path, body=None, token=None, conn=None):
    own = conn is None
    c = conn or http.client.HTTPConnection(HOST, PORT, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    c.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse()
    data = r.read()
    if own:
        c.close()
    return r.status, (json.loads(data) if data else None)


def user(prefix):
    name = prefix + "-" + uuid.uuid4().hex[:8]
    status, _ = call("POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD})
    assert status == 201, status
    status, body = call("POST", "/api/v1/auth/login", {"username": name, "password": PASSWORD})
    assert status == 200, status
    return name, body["token"]


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def others_side(token, name, seconds, out):
    """Another user's /me and logins, one after another, for `seconds`."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    end = time.time() + seconds
    me, logins = [], []
    while time.time() < end:
        ms, (status, _) = timed(lambda: call("GET", "/api/v1/me", token=token, conn=conn))
        me.append(ms)
        if len(me) % 20 == 0:
            ms, (status, _) = timed(lambda: call("POST", "/api/v1/auth/login", {"username": name, "password": PASSWORD}))
            logins.append(ms)
        time.sleep(0.05)
    out["me"], out["login"] = me, logins


def search_pressure():
    alice, alice_token = user("presser")
    bob, bob_token = user("bystander")
    status, room = call("POST", "/api/v1/rooms", {"name": "pressure " + alice}, alice_token)
    for i in range(60):
        while True:
            status, body = call("POST", "/api/v1/rooms/%s/messages" % room["id"],
                                {"clientMsgId": "m%d" % i, "text": "release notes for deploy %d of the quarterly plan" % i},
                                alice_token)
            if status != 429:
                break
            time.sleep(body["error"]["retryAfterMs"] / 1000)
    time.sleep(2)  # the index follows within about a second
    rest = {}
    others_side(bob_token, bob, 10, rest)
    statuses = {}
    lock = threading.Lock()
    stop = time.time() + 25

    def presser():
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        while time.time() < stop:
            status, _ = call("GET", "/api/v1/search?order=relevance&q=" + urllib.parse.quote("deploy quarterly plan"),
                             token=alice_token, conn=conn)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=presser) for _ in range(16)]
    under = {}
    side = threading.Thread(target=others_side, args=(bob_token, bob, 25, under))
    for t in threads + [side]:
        t.start()
    for t in threads + [side]:
        t.join()
    print("## 1. 16 relevance searches at once from one account, 25 s")
    print("searches answered: %s (%.1f/s served)" % (dict(sorted(statuses.items())), statuses.get(200, 0) / 25))
    for label, side_values in (("at rest", rest), ("under the searches", under)):
        print("another user, %s: GET /me p50 %.1f ms, p90 %.1f ms (%d); login p50 %.0f ms (%d)" % (
            label, pct(side_values["me"], 0.5), pct(side_values["me"], 0.9), len(side_values["me"]),
            statistics.median(side_values["login"]) if side_values["login"] else float("nan"), len(side_values["login"])))


def idle_sockets():
    name, _ = user("lockedout")
    idle = []
    for _ in range(256):
        s = socket.create_connection((HOST, PORT))
        idle.append(s)
    time.sleep(0.5)
    ms, (status, _) = timed(lambda: call("POST", "/api/v1/auth/login", {"username": name, "password": PASSWORD}))
    idle[0].settimeout(30)
    try:
        closed = idle[0].recv(1) == b""
    except (socket.timeout, ConnectionResetError):
        closed = False
    print("## 2. 256 idle sockets from this address, then a login from it")
    print("login: %d in %.0f ms; the oldest idle socket closed by the node: %s" % (status, ms, closed))
    for s in idle:
        s.close()


if __name__ == "__main__":
    search_pressure()
    idle_sockets()
