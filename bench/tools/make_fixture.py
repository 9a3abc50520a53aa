#!/usr/bin/env python3
"""Writes the data of a release into a running node, and what its API then answers, for compatibility fixtures.

Drives a node (of the release the fixture is for) through its public API only: rooms with every kind of timeline
entry (messages, replies, edits, deletes, reactions by emoji and by shortcode, joins, leaves, topic, rename, passcode
and capacity, roles, kick, ban, unban, files, an account closed, retention's trim), a room deleted, a DM and a group
DM, and a room whose owner closed the account. Then it reads every room back, page by page, as a member sees it, and
writes that to --out as JSON: what a later node must answer from the same database, entry for entry.

  python3 bench/tools/make_fixture.py --port 8080 --out expected.json

Standard library only (a minimal WebSocket client for the frames HTTP has no call for: reactions).
"""
import argparse
import base64
import json
import os
import socket
import struct
import urllib.error
import urllib.request

PASSWORD = "correct horse"


class Api:
    def __init__(self, port):
        self.port = port

    def call(self, method, path, body=None, token=None, raw=None, ctype=None):
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if raw is not None:
            data = raw
            headers["Content-Type"] = ctype
        if token:
            headers["Authorization"] = "Bearer " + token
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/v1{path}", data=data, headers=headers,
                                     method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                text = r.read()
                return r.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, (json.loads(text) if text else None)

    def ok(self, method, path, body=None, token=None, expect=(200, 201, 204), **kw):
        status, answer = self.call(method, path, body, token, **kw)
        if status not in expect:
            raise SystemExit(f"{method} {path}: {status} {answer}")
        return answer

    def user(self, name):
        self.ok("POST", "/auth/signup", {"username": name, "password": PASSWORD})
        return self.ok("POST", "/auth/login", {"username": name, "password": PASSWORD})["token"]


def ws_frames(port, token, frames, until_acks):
    """Opens a socket, sends `frames` after hello, waits for `until_acks` acks (by clientMsgId), closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /api/v1/ws HTTP/1.1\r\nHost: parley\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n")
              .encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    if not head.startswith(b"HTTP/1.1 101"):
        raise SystemExit("no WebSocket: " + head.decode(errors="replace"))

    def send(text):
        payload = text.encode()
        mask = os.urandom(4)
        n = len(payload)
        header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n))
        s.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def read():
        def exact(k):
            out = b""
            while len(out) < k:
                chunk = s.recv(k - len(out))
                if not chunk:
                    raise SystemExit("socket closed")
                out += chunk
            return out
        b0, b1 = exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", exact(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", exact(8))[0]
        data = exact(n)
        return b0 & 0x0F, data

    acked = set()
    hello = False
    while True:
        op, data = read()
        if op == 9:  # ping: answer, as a browser would
            continue
        if op != 1:
            continue
        frame = json.loads(data)
        if frame.get("type") == "hello" and not hello:
            hello = True
            for f in frames:
                send(json.dumps(f))
        elif frame.get("type") == "ack":
            acked.add(frame["clientMsgId"])
        elif frame.get("type") == "error":
            raise SystemExit("error frame: " + json.dumps(frame))
        if hello and acked >= set(until_acks):
            break
    s.close()


def read_room(api, room, token):
    """Every page of the room from the start, as the member with `token` reads it, and the room itself."""
    status, view = api.call("GET", f"/rooms/{room}", token=token)
    if status == 404:
        return {"status": 404}
    entries = []
    after = 0
    while True:
        page = api.ok("GET", f"/rooms/{room}/messages?after={after}&limit=200", token=token)
        entries.extend(page["messages"])
        if not page["messages"] or not page.get("hasMore"):
            floor = page.get("floorSeq")
            break
        after = page["messages"][-1]["seq"]
    for e in entries:
        e.pop("sentAt", None)  # times are the run's; everything else must come back the same
        e.pop("editedAt", None)
    view.pop("members", None)  # presence is of the moment
    return {"status": 200, "room": view, "messages": entries, "floorSeq": floor}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    api = Api(a.port)
    t = {n: api.user(n) for n in ["olive", "bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan"]}

    # A room with every kind of entry.
    room = api.ok("POST", "/rooms", {"name": "everything", "passcode": "sesame", "capacity": 50}, t["olive"])["id"]
    for n in ["bob", "carol", "dave", "eve", "frank"]:
        api.ok("POST", f"/rooms/{room}/join", {"passcode": "sesame"}, t[n])
    first = api.ok("POST", f"/rooms/{room}/messages", {"clientMsgId": "o1", "text": "welcome @bob and @room"},
                   t["olive"])["seq"]
    api.ok("POST", f"/rooms/{room}/messages", {"clientMsgId": "b1", "text": "thanks", "replyTo": first}, t["bob"])
    typo = api.ok("POST", f"/rooms/{room}/messages", {"clientMsgId": "c1", "text": "helo all"}, t["carol"])["seq"]
    api.ok("PATCH", f"/rooms/{room}/messages/{typo}", {"clientMsgId": "c1e", "text": "hello all"}, t["carol"])
    gone = api.ok("POST", f"/rooms/{room}/messages", {"clientMsgId": "d1", "text": "spam spam"}, t["dave"])["seq"]
    api.ok("DELETE", f"/rooms/{room}/messages/{gone}", {"clientMsgId": "d1x"}, t["olive"])
    ws_frames(a.port, t["bob"], [
        {"type": "react", "room": room, "seq": first, "emoji": "\U0001F389", "clientMsgId": "r1"},
        {"type": "react", "room": room, "seq": first, "emoji": ":+1:", "clientMsgId": "r2"}], ["r1", "r2"])
    ws_frames(a.port, t["carol"], [
        {"type": "react", "room": room, "seq": first, "emoji": ":tada:", "clientMsgId": "r3"}], ["r3"])
    api.ok("PATCH", f"/rooms/{room}", {"topic": "all the kinds"}, t["olive"])
    api.ok("PATCH", f"/rooms/{room}", {"name": "every kind"}, t["olive"])
    api.ok("PATCH", f"/rooms/{room}", {"capacity": 40, "passcode": "opensesame"}, t["olive"])
    api.ok("POST", f"/rooms/{room}/roles", {"username": "bob", "role": "admin"}, t["olive"])
    api.ok("POST", f"/rooms/{room}/kick", {"username": "dave", "reason": "spam"}, t["bob"])
    api.ok("POST", f"/rooms/{room}/ban", {"username": "eve"}, t["olive"])
    api.ok("POST", f"/rooms/{room}/unban", {"username": "eve"}, t["olive"])
    api.ok("POST", f"/rooms/{room}/files?name=notes.txt&clientMsgId=f1", token=t["carol"], raw=b"some notes\n",
           ctype="text/plain")
    api.ok("POST", f"/rooms/{room}/messages", {"clientMsgId": "fr1", "text": "bye all"}, t["frank"])
    api.ok("DELETE", "/me", {"password": PASSWORD}, t["frank"])
    api.ok("POST", f"/rooms/{room}/leave", token=t["carol"])
    api.ok("POST", f"/rooms/{room}/messages", {"clientMsgId": "o2", "text": "still here"}, t["olive"])

    # Retention: 30 messages, then keep 10.
    kept = api.ok("POST", "/rooms", {"name": "short memory"}, t["olive"])["id"]
    for i in range(30):
        api.ok("POST", f"/rooms/{kept}/messages", {"clientMsgId": f"k{i}", "text": f"line {i}"}, t["olive"])
    api.ok("PATCH", f"/rooms/{kept}", {"retention": {"maxMessages": 10}}, t["olive"])

    # A room deleted, with a file in it.
    doomed = api.ok("POST", "/rooms", {"name": "doomed"}, t["olive"])["id"]
    api.ok("POST", f"/rooms/{doomed}/messages", {"clientMsgId": "x1", "text": "soon gone"}, t["olive"])
    api.ok("DELETE", f"/rooms/{doomed}", token=t["olive"])

    # A DM and a group DM.
    dm = api.ok("POST", "/dms/carol", token=t["bob"])["id"]
    api.ok("POST", f"/rooms/{dm}/messages", {"clientMsgId": "dm1", "text": "psst"}, t["bob"])
    api.ok("POST", f"/rooms/{dm}/messages", {"clientMsgId": "dm2", "text": "@bob yes?"}, t["carol"])
    group = api.ok("POST", "/dms", {"usernames": ["bob", "grace"]}, t["olive"])["id"]
    api.ok("POST", f"/rooms/{group}/messages", {"clientMsgId": "g1", "text": "lunch?"}, t["grace"])

    # A room whose owner closed the account (before rooms were handed over on closure).
    orphan = api.ok("POST", "/rooms", {"name": "orphan"}, t["heidi"])["id"]
    api.ok("POST", f"/rooms/{orphan}/join", token=t["ivan"])
    api.ok("POST", f"/rooms/{orphan}/messages", {"clientMsgId": "h1", "text": "my room"}, t["heidi"])
    api.ok("DELETE", "/me", {"password": PASSWORD}, t["heidi"])

    reader = {room: "olive", kept: "olive", doomed: "olive", dm: "bob", group: "bob", orphan: "ivan"}
    # Users log in again with PASSWORD to read: tokens would expire long before the fixture does.
    expected = {"password": PASSWORD, "rooms": {}}
    for rid, who in reader.items():
        expected["rooms"][rid] = {"reader": who, **read_room(api, rid, t[who])}
    expected["me"] = {n: api.ok("GET", "/me", token=t[n]) for n in ["olive", "bob", "carol", "ivan"]}
    with open(a.out, "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
    print(f"wrote {a.out}: {len(expected['rooms'])} rooms")


if __name__ == "__main__":
    main()
