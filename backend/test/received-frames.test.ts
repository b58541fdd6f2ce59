import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket } from "socket.io";
import { type Socket as ClientSocket, io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IoServer } from "../src/realtime/realtime.js";
import { releaseReceivedFrames } from "../src/realtime/received-frames.js";

/** The receiver's frame array of a server-side socket (ws internals). */
function fragmentsOf(socket: Socket): unknown[] {
  const transport = socket.conn.transport as unknown as {
    name: string;
    socket: { _receiver: { _fragments: unknown[] } };
  };
  expect(transport.name).toBe("websocket");
  return transport.socket._receiver._fragments;
}

describe("received websocket frames", () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const serverSockets = new Map<string, Socket>();
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { serveClient: false, maxHttpBufferSize: 1e7 });
    releaseReceivedFrames(io as unknown as IoServer);
    io.on("connection", (socket) => {
      serverSockets.set(String(socket.handshake.auth.name), socket);
      socket.on("echo", (text: string, ack: (text: string) => void) => ack(text));
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await new Promise((r) => io.close(r));
  });

  async function client(name: string, transports: ("websocket" | "polling")[]) {
    const c = connect(url, { transports, auth: { name }, forceNew: true });
    clients.push(c);
    await new Promise<void>((resolve, reject) => {
      c.once("connect", () => resolve());
      c.once("connect_error", reject);
    });
    return c;
  }

  it("keeps one frame array per connection, empty between messages, and every message whole", async () => {
    const c = await client("ws", ["websocket"]);
    const socket = serverSockets.get("ws") as Socket;
    const array = fragmentsOf(socket);
    // Small and large texts in a row: a large one spans many TCP reads, and several small
    // ones arrive in one.
    const texts = Array.from({ length: 60 }, (_, i) => `${i}:`.padEnd(i % 3 === 0 ? 300_000 : 20, String(i % 10)));
    const replies = await Promise.all(texts.map((t) => c.timeout(10_000).emitWithAck("echo", t)));
    expect(replies).toEqual(texts);
    // The array ws started with is the one it still uses, and it holds no message's frames.
    expect(fragmentsOf(socket)).toBe(array);
    expect(array).toHaveLength(0);
  });

  it("does the same for a connection that starts on long-polling and upgrades", async () => {
    const c = await client("upgraded", ["polling", "websocket"]);
    expect(await c.timeout(5_000).emitWithAck("echo", "on polling")).toBe("on polling");
    const socket = serverSockets.get("upgraded") as Socket;
    await new Promise<void>((resolve) => {
      if (socket.conn.transport.name === "websocket") resolve();
      else socket.conn.once("upgrade", () => resolve());
    });
    const array = fragmentsOf(socket);
    expect(await c.timeout(5_000).emitWithAck("echo", "after upgrade")).toBe("after upgrade");
    expect(await c.timeout(5_000).emitWithAck("echo", "again")).toBe("again");
    expect(fragmentsOf(socket)).toBe(array);
    expect(array).toHaveLength(0);
  });
});
