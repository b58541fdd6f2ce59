// The bare Socket.IO relay the app is measured against: same events, same message shape,
// same fan-out (one emit to the members' user rooms), but no auth, validation or storage.
// The handshake token is taken as the user id; POST /topology tells it who is in what.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 3100);
const host = process.env.HOST ?? "127.0.0.1";
const members = new Map();
const seqs = new Map();

const httpServer = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") return res.end('{"ok":true}');
  if (req.method === "POST" && req.url === "/topology") {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      for (const [id, users] of Object.entries(JSON.parse(body))) {
        members.set(
          id,
          users.map((u) => `user:${u}`),
        );
        seqs.set(id, 0);
      }
      res.end('{"ok":true}');
    });
    return;
  }
  res.statusCode = 404;
  res.end();
});

const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 100_000 });
io.on("connection", (socket) => {
  const userId = String(socket.handshake.auth?.token ?? "");
  socket.join(`user:${userId}`);
  socket.on("send_message", (input, ack) => {
    const rooms = members.get(input.conversationId) ?? [];
    const seq = (seqs.get(input.conversationId) ?? 0) + 1;
    seqs.set(input.conversationId, seq);
    const message = {
      id: randomUUID(),
      conversationId: input.conversationId,
      seq,
      senderId: userId,
      clientId: input.clientId,
      text: input.text,
      attachments: [],
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
    };
    ack({ ok: true, message });
    io.to(rooms).emit("new_message", { message });
  });
});

httpServer.listen(port, host, () => process.stdout.write(`baseline listening on ${host}:${port}\n`));
process.on("SIGTERM", () => io.close(() => process.exit(0)));
