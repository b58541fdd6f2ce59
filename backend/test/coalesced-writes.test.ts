import type { Socket as NetSocket } from "node:net";
import type { Server, Socket } from "socket.io";
import type { Socket as ClientSocket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coalesceWebsocketWrites } from "../src/realtime/coalesced-writes.js";
import { startBareIo } from "./helpers/bare-io.js";

/** Counts the write calls (each one syscall) that reach a server-side TCP socket. */
function countWrites(socket: Socket) {
  const transport = socket.conn.transport as unknown as { socket: { _socket: NetSocket } };
  const raw = transport.socket._socket as NetSocket & {
    _write: (...a: unknown[]) => void;
    _writev: (...a: unknown[]) => void;
  };
  const counter = { calls: 0 };
  for (const name of ["_write", "_writev"] as const) {
    const original = raw[name].bind(raw);
    raw[name] = (...args: unknown[]) => {
      counter.calls++;
      original(...args);
    };
  }
  return counter;
}

function received(client: ClientSocket, event: string, count: number): Promise<number[]> {
  const got: number[] = [];
  return new Promise((resolve) => {
    client.on(event, (n: number) => {
      got.push(n);
      if (got.length === count) resolve(got);
    });
  });
}

describe("coalesced websocket writes", () => {
  let bare: Awaited<ReturnType<typeof startBareIo>>;
  let io: Server;
  const serverSockets = { get: (name: string) => bare.serverSocket(name) };

  beforeAll(async () => {
    bare = await startBareIo(coalesceWebsocketWrites, (socket) => {
      socket.join("room");
      socket.on("echo", (n: number, ack: (n: number) => void) => {
        void Promise.resolve().then(() => ack(n));
      });
    });
    io = bare.io;
  });
  afterAll(() => bare.close());

  async function client(name: string, transports: ("websocket" | "polling")[]): Promise<ClientSocket> {
    const c = await bare.client(name, transports);
    // The server's connection handler has run once the first round trip is answered.
    await c.timeout(2000).emitWithAck("echo", 0);
    return c;
  }

  it("sends what one turn emits to a socket in one write, in order, each packet once", async () => {
    const a = await client("a", ["websocket"]);
    const writes = countWrites(serverSockets.get("a") as Socket);
    const buffer = ((serverSockets.get("a") as Socket).conn as unknown as { writeBuffer: unknown[] }).writeBuffer;
    const all = received(a, "n", 60);
    // One turn: emits from chained microtasks, as a group commit's continuations make them.
    setImmediate(() => {
      const socket = serverSockets.get("a") as Socket;
      let chain = Promise.resolve();
      for (let i = 0; i < 60; i++) chain = chain.then(() => void socket.emit("n", i));
    });
    expect(await all).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(writes.calls).toBe(1);
    // The buffer engine.io sent from keeps no packet alive once they are written.
    expect(buffer).toHaveLength(0);

    // Emits in a turn's synchronous part go out when it ends, before its microtasks run.
    const more = received(a, "m", 20);
    setImmediate(() => {
      const socket = serverSockets.get("a") as Socket;
      for (let i = 0; i < 10; i++) socket.emit("m", i);
      let chain = Promise.resolve();
      for (let i = 10; i < 20; i++) chain = chain.then(() => void socket.emit("m", i));
    });
    expect(await more).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(writes.calls).toBe(3);
  });

  it("still writes every turn's packets without waiting for a later turn", async () => {
    const b = await client("b", ["websocket"]);
    const socket = serverSockets.get("b") as Socket;
    const writes = countWrites(socket);
    for (let turn = 0; turn < 3; turn++) {
      const got = received(b, `turn${turn}`, 2);
      setImmediate(() => {
        socket.emit(`turn${turn}`, 1);
        socket.emit(`turn${turn}`, 2);
      });
      // Each turn's packets arrive on their own: nothing is held for the next turn.
      expect(await got).toEqual([1, 2]);
    }
    expect(writes.calls).toBe(3);
  });

  it("coalesces broadcasts and acks per socket, for every member of a room", async () => {
    const members = await Promise.all(["c", "d", "e"].map((name) => client(name, ["websocket"])));
    const counters = ["c", "d", "e"].map((name) => countWrites(serverSockets.get(name) as Socket));
    const inRoom = members.map((m) => received(m, "room-n", 30));
    setImmediate(() => {
      let chain = Promise.resolve();
      for (let i = 0; i < 30; i++) chain = chain.then(() => void io.to("room").emit("room-n", i));
    });
    for (const got of await Promise.all(inRoom)) {
      // Other tests' sockets are in the room too; these three must see all 30, in order.
      expect(got).toEqual(Array.from({ length: 30 }, (_, i) => i));
    }
    expect(counters.map((c) => c.calls)).toEqual([1, 1, 1]);
    const first = members[0] as ClientSocket;
    const acks = await Promise.all(Array.from({ length: 10 }, (_, i) => first.timeout(2000).emitWithAck("echo", i)));
    expect(acks).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it("writes broadcasts straight onto a websocket's TCP socket, not through engine.io", async () => {
    const s = await client("s", ["websocket"]);
    const socket = serverSockets.get("s") as Socket;
    socket.join("straight");
    const writes = countWrites(socket);
    const transport = socket.conn.transport as unknown as { send: (packets: unknown[]) => void };
    const send = transport.send.bind(transport);
    let sends = 0;
    transport.send = (packets) => {
      sends++;
      send(packets);
    };
    const got = received(s, "straight-n", 5);
    setImmediate(() => {
      let chain = Promise.resolve();
      for (let i = 0; i < 5; i++) chain = chain.then(() => void io.to("straight").emit("straight-n", i));
    });
    expect(await got).toEqual([0, 1, 2, 3, 4]);
    expect(writes.calls).toBe(1);
    expect(sends).toBe(0);
  });

  it("keeps broadcasts and a socket's own emits in the order they were made, in one write", async () => {
    const o = await client("o", ["websocket"]);
    const socket = serverSockets.get("o") as Socket;
    socket.join("order");
    const writes = countWrites(socket);
    const got = received(o, "order-n", 8);
    setImmediate(() => {
      // Broadcasts (straight onto the socket while nothing waits) and emits (through
      // engine.io's buffer) in turn, from one turn's microtasks as a group commit makes them.
      let chain = Promise.resolve();
      for (let i = 0; i < 8; i++) {
        chain = chain.then(() => {
          if (i % 2 === 0) io.to("order").emit("order-n", i);
          else socket.emit("order-n", i);
        });
      }
    });
    expect(await got).toEqual(Array.from({ length: 8 }, (_, i) => i));
    expect(writes.calls).toBe(1);
  });

  it("broadcasts to websocket and long-polling members alike, and skips a closing socket", async () => {
    const [ws, polling, closing] = await Promise.all([
      client("bw", ["websocket"]),
      client("bp", ["polling"]),
      client("bc", ["websocket"]),
    ]);
    for (const name of ["bw", "bp", "bc"]) (serverSockets.get(name) as Socket).join("mixed");
    const got = [received(ws, "mixed-n", 5), received(polling, "mixed-n", 5)];
    let closingGot = 0;
    closing.on("mixed-n", () => closingGot++);
    setImmediate(() => {
      (serverSockets.get("bc") as Socket).conn.close();
      for (let i = 0; i < 5; i++) io.to("mixed").emit("mixed-n", i);
    });
    for (const g of await Promise.all(got)) expect(g).toEqual([0, 1, 2, 3, 4]);
    expect(closingGot).toBe(0);
  });

  it("keeps flushing the other sockets when one connection's transport throws", async () => {
    const [broken, healthy] = await Promise.all([client("x", ["websocket"]), client("y", ["websocket"])]);
    const transport = (serverSockets.get("x") as Socket).conn.transport as unknown as { send: () => void };
    transport.send = () => {
      throw new Error("transport broke");
    };
    const got = received(healthy, "both", 3);
    let brokenGot = 0;
    broken.on("both", () => brokenGot++);
    setImmediate(() => {
      let chain = Promise.resolve();
      for (let i = 0; i < 3; i++) {
        chain = chain.then(() => {
          (serverSockets.get("x") as Socket).emit("both", i);
          (serverSockets.get("y") as Socket).emit("both", i);
        });
      }
    });
    expect(await got).toEqual([0, 1, 2]);
    expect(brokenGot).toBe(0);
  });

  it("leaves long-polling connections alone, before and after an upgrade", async () => {
    const polling = await client("p", ["polling"]);
    const got = received(polling, "p-n", 10);
    const socket = serverSockets.get("p") as Socket;
    for (let i = 0; i < 10; i++) socket.emit("p-n", i);
    expect(await got).toEqual(Array.from({ length: 10 }, (_, i) => i));

    const upgrading = await client("u", ["polling", "websocket"]);
    await new Promise<void>((resolve) => {
      if (upgrading.io.engine.transport.name === "websocket") resolve();
      else upgrading.io.engine.once("upgrade", () => resolve());
    });
    const afterUpgrade = received(upgrading, "u-n", 10);
    const upgraded = serverSockets.get("u") as Socket;
    // The server switches transports once it has read the client's upgrade packet.
    for (let i = 0; i < 200 && upgraded.conn.transport.name !== "websocket"; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(upgraded.conn.transport.name).toBe("websocket");
    for (let i = 0; i < 10; i++) upgraded.emit("u-n", i);
    expect(await afterUpgrade).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
