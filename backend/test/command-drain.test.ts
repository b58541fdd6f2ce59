import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { type Socket as ClientSocket, io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../src/logger.js";
import { command, commandListeners, drainCommands, listen } from "../src/realtime/command.js";

describe("socket commands and shutdown drain", () => {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  const release: Array<() => void> = [];
  let client: ClientSocket;

  beforeAll(async () => {
    const listeners = commandListeners(
      io,
      {
        slow: command(z.object({ n: z.number() }), async (_userId, { n }) => {
          await new Promise<void>((resolve) => release.push(resolve));
          return { n };
        }),
      },
      createLogger("silent"),
    );
    io.on("connection", (socket) => listen(socket, listeners));
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ["websocket"] });
    await new Promise((r) => client.once("connect", r));
  });
  afterAll(async () => {
    client.close();
    await new Promise((r) => io.close(r));
  });

  it("resolves at once when nothing runs, and waits for every running command otherwise", async () => {
    await drainCommands(io, 5_000); // nothing ran yet

    const acks = [1, 2, 3].map((n) => client.timeout(5_000).emitWithAck("slow", { n }));
    while (release.length < 3) await new Promise((r) => setTimeout(r, 5));
    let drained = false;
    const drain = drainCommands(io, 5_000).then(() => {
      drained = true;
    });
    release.shift()?.();
    release.shift()?.();
    await new Promise((r) => setTimeout(r, 50));
    expect(drained).toBe(false); // one command still runs
    release.shift()?.();
    await drain;
    expect(await Promise.all(acks)).toEqual([1, 2, 3].map((n) => ({ ok: true, n })));
    await drainCommands(io, 5_000); // idle again
  });

  it("gives up at the timeout, and answers a bad payload without running the handler", async () => {
    const stuck = client.timeout(5_000).emitWithAck("slow", { n: 9 });
    while (release.length < 1) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await drainCommands(io, 100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    release.shift()?.();
    expect(await stuck).toEqual({ ok: true, n: 9 });

    const bad = await client.timeout(5_000).emitWithAck("slow", { n: "nine" });
    expect(bad).toMatchObject({ ok: false, error: { code: "VALIDATION_ERROR" } });
    expect(release).toHaveLength(0);
  });
});
