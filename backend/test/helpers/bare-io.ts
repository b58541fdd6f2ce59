import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type ServerOptions, type Socket } from "socket.io";
import { type Socket as ClientSocket, io as connect } from "socket.io-client";
import type { IoServer } from "../../src/realtime/realtime.js";

/**
 * A bare Socket.IO server on a random port with one of the realtime layer's engine patches
 * applied, for testing that patch alone. Server-side sockets are kept by the `name` their
 * client connected with.
 */
export async function startBareIo(
  patch: (io: IoServer) => void,
  onConnection: (socket: Socket) => void,
  options: Partial<ServerOptions> = {},
) {
  const http = createServer();
  const io = new Server(http, { serveClient: false, ...options });
  patch(io as unknown as IoServer);
  const serverSockets = new Map<string, Socket>();
  const clients: ClientSocket[] = [];
  io.on("connection", (socket) => {
    serverSockets.set(String(socket.handshake.auth.name), socket);
    onConnection(socket);
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    io,
    serverSocket: (name: string) => serverSockets.get(name) as Socket,
    async client(name: string, transports: ("websocket" | "polling")[]) {
      const c = connect(url, { transports, auth: { name }, forceNew: true });
      clients.push(c);
      await new Promise<void>((resolve, reject) => {
        c.once("connect", () => resolve());
        c.once("connect_error", reject);
      });
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await new Promise((r) => io.close(r));
    },
  };
}
