import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { AuthService } from "../auth/auth.service.js";
import { isOriginAllowed, readToken } from "../auth/credentials.js";
import { coalesceWebsocketWrites } from "./coalesced-writes.js";
import type { IoServer } from "./realtime.js";
import { releaseReceivedFrames } from "./received-frames.js";

/** 100 KB is far above the largest valid command (4,000 characters of text). */
const MAX_PAYLOAD_BYTES = 100_000;

export function createSocketServer(httpServer: HttpServer, allowedOrigins: readonly string[]): IoServer {
  const io: IoServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_PAYLOAD_BYTES,
    serveClient: false,
    // Cross-site WebSocket hijacking: a browser on a foreign origin is refused before upgrade.
    allowRequest: (req, callback) => callback(null, isOriginAllowed(req, allowedOrigins)),
  });
  coalesceWebsocketWrites(io);
  releaseReceivedFrames(io);
  return io;
}

/** Handshake auth: `auth.token` for API clients, the session cookie for browsers. */
export function authenticateSockets(io: IoServer, auth: AuthService) {
  io.use(async (socket, next) => {
    try {
      const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const token = typeof fromAuth === "string" && fromAuth ? fromAuth : readToken(socket.request)?.token;
      const claims = token ? await auth.authenticate(token) : undefined;
      if (!claims) return next(new Error("UNAUTHORIZED"));
      socket.data.userId = claims.userId;
      socket.data.sessionId = claims.sessionId;
      // Socket.IO keeps each connection's upgrade request (an IncomingMessage and its raw
      // headers) for the connection's lifetime; nothing reads it after this check, and
      // socket.handshake keeps the parsed headers.
      (socket.conn as { request: unknown }).request = null;
      next();
    } catch {
      next(new Error("UNAUTHORIZED"));
    }
  });
}
