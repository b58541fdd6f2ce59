import type { Socket } from "socket.io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseReceivedFrames } from "../src/realtime/received-frames.js";
import { startBareIo } from "./helpers/bare-io.js";

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
  let bare: Awaited<ReturnType<typeof startBareIo>>;
  beforeAll(async () => {
    bare = await startBareIo(
      releaseReceivedFrames,
      (socket) => socket.on("echo", (text: string, ack: (text: string) => void) => ack(text)),
      { maxHttpBufferSize: 1e7 },
    );
  });
  afterAll(() => bare.close());
  const client = (name: string, transports: ("websocket" | "polling")[]) => bare.client(name, transports);

  it("keeps one frame array per connection, empty between messages, and every message whole", async () => {
    const c = await client("ws", ["websocket"]);
    const socket = bare.serverSocket("ws");
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
    const socket = bare.serverSocket("upgraded");
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
