// The peer: an unmodified socket.io server (from the npm registry, pinned by package-lock.json) with its own room
// broadcast. A client connects with auth {user, rooms}, is joined to its rooms and gets a "hello" with each room's
// last seq; a "send" gets the room's next seq, is emitted to the room (the sender included) as "message", and is
// acknowledged with socket.io's own ack callback. Same objects as Parley's frames, so one generator drives both.
"use strict";
const { createServer } = require("http");
const { Server } = require("socket.io");

const port = Number(process.env.PORT || 19091);
const httpServer = createServer();
const io = new Server(httpServer, { transports: ["websocket"], serveClient: false });
const seqs = new Map();

io.on("connection", (socket) => {
  const auth = socket.handshake.auth || {};
  const user = String(auth.user || "anonymous");
  const rooms = Array.isArray(auth.rooms) ? auth.rooms.map(String) : [];
  socket.join(rooms);
  socket.emit("hello", {
    type: "hello",
    username: user,
    rooms: rooms.map((id) => ({ id, name: id, kind: "room", lastSeq: seqs.get(id) || 0 })),
  });
  socket.on("send", (m, ack) => {
    const room = m && String(m.room);
    if (!socket.rooms.has(room)) {
      if (typeof ack === "function") ack({ type: "error", code: "not_a_member", ref: m && m.clientMsgId });
      return;
    }
    const seq = (seqs.get(room) || 0) + 1;
    seqs.set(room, seq);
    const sentAt = new Date().toISOString();
    io.to(room).emit("message", {
      type: "message", room, seq, kind: "message", sender: user, text: m.text, sentAt, clientMsgId: m.clientMsgId,
    });
    if (typeof ack === "function") ack({ type: "ack", clientMsgId: m.clientMsgId, room, seq, sentAt });
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`socket.io ${require("socket.io/package.json").version} listening on 127.0.0.1:${port}`);
});
