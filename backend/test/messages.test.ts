import { randomUUID } from "node:crypto";
import type { Message } from "@chat/protocol";
import { limits } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, command, connectSocket, nextEvent, record, sendMessage, sleep } from "./helpers/clients.js";
import { createGroup, openDirect, registerUsers } from "./helpers/factories.js";
import { dialects, startServer, type TestServer } from "./helpers/server.js";

describe.each(dialects)("messages (%s)", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(dialect);
  });
  afterAll(() => server.close());

  it("acks a socket send after storing it and delivers new_message to every member socket, sender's tabs included", async () => {
    const [a, b, c] = await registerUsers(server.url, 3);
    const group = await createGroup(server.url, a!, [b!]);
    const [a1, a2, b1, c1] = await Promise.all([a!, a!, b!, c!].map((u) => connectSocket(server.url, u.token)));
    const gotA2 = nextEvent(a2!, "new_message");
    const gotB1 = nextEvent(b1!, "new_message");
    const cSaw = record(c1!, "new_message");
    const ack = await command(a1!, "send_message", {
      conversationId: group.id,
      clientId: randomUUID(),
      text: "  hello  ",
    });
    expect(ack.ok).toBe(true);
    expect(ack.message).toMatchObject({
      conversationId: group.id,
      seq: 1,
      senderId: a!.user.id,
      text: "hello",
      attachments: [],
    });
    expect((await gotA2).message).toEqual(ack.message);
    expect((await gotB1).message).toEqual(ack.message);
    // Stored before the ack: history has it.
    const hist = await api(server.url, "GET", `/api/chat/conversations/${group.id}/messages`, { token: b!.token });
    expect(hist.body.messages).toEqual([ack.message]);
    await sleep(100);
    expect(cSaw).toEqual([]);
    for (const s of [a1, a2, b1, c1]) s!.close();
  });

  it("sends by REST through the same path: 201, broadcast, then 200 with the stored message on retry", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sb = await connectSocket(server.url, b!.token);
    const events = record(sb, "new_message");
    const clientId = randomUUID();
    const path = `/api/chat/conversations/${conv.id}/messages`;
    const first = await api(server.url, "POST", path, { token: a!.token, body: { clientId, text: "via rest" } });
    expect(first.status).toBe(201);
    const retry = await api(server.url, "POST", path, { token: a!.token, body: { clientId, text: "via rest" } });
    expect(retry.status).toBe(200);
    expect(retry.body.message).toEqual(first.body.message);
    const socketRetry = await command(sb, "send_message", { conversationId: conv.id, clientId, text: "x" });
    expect(socketRetry.ok).toBe(true); // b's clientId space is separate from a's
    await sleep(150);
    const hist = await api(server.url, "GET", path, { token: a!.token });
    expect(hist.body.messages.map((m: Message) => m.seq)).toEqual([1, 2]);
    expect(events.filter((e) => e.message.senderId === a!.user.id)).toHaveLength(1);
    sb.close();
  });

  it("stores a retried clientId once, even when the retries race", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    const clientId = randomUUID();
    const acks = await Promise.all(
      Array.from({ length: 6 }, () => command(sa, "send_message", { conversationId: conv.id, clientId, text: "once" })),
    );
    expect(acks.every((x) => x.ok)).toBe(true);
    expect(new Set(acks.map((x) => x.message.id)).size).toBe(1);
    const hist = await api(server.url, "GET", `/api/chat/conversations/${conv.id}/messages`, { token: a!.token });
    expect(hist.body.messages).toHaveLength(1);
    // Reusing the clientId in another conversation is a conflict, not a silent drop.
    const other = await openDirect(server.url, a!, (await registerUsers(server.url, 1))[0]!);
    const clash = await command(sa, "send_message", { conversationId: other.id, clientId, text: "elsewhere" });
    expect(clash).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    sa.close();
  });

  it("assigns gap-free unique seqs to concurrent sends from many sockets", async () => {
    const users = await registerUsers(server.url, 4);
    const group = await createGroup(server.url, users[0]!, users.slice(1));
    const sockets = await Promise.all(users.map((u) => connectSocket(server.url, u.token)));
    const acks = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        command(sockets[i % sockets.length]!, "send_message", {
          conversationId: group.id,
          clientId: randomUUID(),
          text: `m${i}`,
        }),
      ),
    );
    expect(acks.every((x) => x.ok)).toBe(true);
    const seqs = acks.map((x) => x.message.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    const conv = await api(server.url, "GET", `/api/chat/conversations/${group.id}`, { token: users[0]!.token });
    expect(conv.body.conversation.lastSeq).toBe(80);
    for (const s of sockets) s.close();
  });

  it("pages history with before, after and limit, ascending, with hasMore", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    for (let i = 1; i <= 7; i++) await sendMessage(sa, conv.id, `n${i}`);
    sa.close();
    const get = async (q: string) =>
      (await api(server.url, "GET", `/api/chat/conversations/${conv.id}/messages${q}`, { token: b!.token })).body;
    const seqs = (body: any) => body.messages.map((m: Message) => m.seq);

    let page = await get("?limit=3");
    expect([seqs(page), page.hasMore]).toEqual([[5, 6, 7], true]);
    page = await get("?limit=3&before=5");
    expect([seqs(page), page.hasMore]).toEqual([[2, 3, 4], true]);
    page = await get("?limit=3&before=2");
    expect([seqs(page), page.hasMore]).toEqual([[1], false]);
    page = await get("?after=4&limit=2");
    expect([seqs(page), page.hasMore]).toEqual([[5, 6], true]);
    page = await get("?after=6");
    expect([seqs(page), page.hasMore]).toEqual([[7], false]);
    page = await get("?after=2&before=6");
    expect(seqs(page)).toEqual([3, 4, 5]);
    page = await get("");
    expect(seqs(page)).toEqual([1, 2, 3, 4, 5, 6, 7]);

    for (const q of ["?limit=0", `?limit=${limits.pageSizeMax + 1}`, "?before=-1", "?after=abc", "?limit=2.5"]) {
      const res = await api(server.url, "GET", `/api/chat/conversations/${conv.id}/messages${q}`, { token: b!.token });
      expect(res.status, q).toBe(400);
    }
  });

  it("rejects empty, blank, oversized and malformed messages, storing and broadcasting nothing", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    const sb = await connectSocket(server.url, b!.token);
    const seen = record(sb, "new_message");
    const bad: unknown[] = [
      { conversationId: conv.id, clientId: randomUUID(), text: "" },
      { conversationId: conv.id, clientId: randomUUID(), text: "   \n\t " },
      { conversationId: conv.id, clientId: randomUUID(), text: "x".repeat(limits.messageTextMax + 1) },
      { conversationId: conv.id, clientId: randomUUID(), text: 42 },
      { conversationId: conv.id, text: "no client id" },
      { conversationId: conv.id, clientId: "bad id with spaces", text: "hi" },
      { conversationId: conv.id, clientId: randomUUID(), text: "hi", extra: true },
      { conversationId: ["x"], clientId: randomUUID(), text: "hi" },
      { clientId: randomUUID(), text: "hi" },
      "just a string",
      null,
      [1, 2, 3],
    ];
    for (const payload of bad) {
      const ack = await command(sa, "send_message", payload);
      expect(ack, JSON.stringify(payload)?.slice(0, 80)).toMatchObject({
        ok: false,
        error: { code: "VALIDATION_ERROR" },
      });
      expect(typeof ack.error.message).toBe("string");
    }
    const exact = await command(sa, "send_message", {
      conversationId: conv.id,
      clientId: randomUUID(),
      text: "y".repeat(limits.messageTextMax),
    });
    expect(exact.ok).toBe(true);
    await sleep(100);
    expect(seen.map((e) => e.message.seq)).toEqual([1]);
    sa.close();
    sb.close();
  });

  it("refuses sends to conversations the sender is not in, and to unknown ids, with the same answer", async () => {
    const [a, b, outsider] = await registerUsers(server.url, 3);
    const conv = await openDirect(server.url, a!, b!);
    const so = await connectSocket(server.url, outsider!.token);
    const sb = await connectSocket(server.url, b!.token);
    const seen = record(sb, "new_message");
    const notMine = await command(so, "send_message", { conversationId: conv.id, clientId: randomUUID(), text: "hi" });
    const unknown = await command(so, "send_message", {
      conversationId: "does-not-exist",
      clientId: randomUUID(),
      text: "hi",
    });
    expect(notMine).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(unknown).toEqual(notMine);
    const sync = await command(so, "sync", { conversationId: conv.id, after: 0 });
    expect(sync).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    await sleep(100);
    expect(seen).toEqual([]);
    so.close();
    sb.close();
  });

  it("gap-fills after a disconnect: sync from the last seq returns exactly the missed messages", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    let sb = await connectSocket(server.url, b!.token);
    const seen = record(sb, "new_message");
    await sendMessage(sa, conv.id, "before 1");
    await sendMessage(sa, conv.id, "before 2");
    await sleep(100);
    const lastSeen = Math.max(...seen.map((e) => e.message.seq));
    sb.close();
    for (let i = 0; i < 5; i++) await sendMessage(sa, conv.id, `missed ${i}`);
    sb = await connectSocket(server.url, b!.token);
    const sync = await command(sb, "sync", { conversationId: conv.id, after: lastSeen });
    expect(sync.ok).toBe(true);
    expect(sync.messages.map((m: Message) => m.text)).toEqual([
      "missed 0",
      "missed 1",
      "missed 2",
      "missed 3",
      "missed 4",
    ]);
    expect(sync.messages.map((m: Message) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(sync.hasMore).toBe(false);
    const partial = await command(sb, "sync", { conversationId: conv.id, after: lastSeen, limit: 2 });
    expect([partial.messages.length, partial.hasMore]).toEqual([2, true]);
    sa.close();
    sb.close();
  });
});

describe.each(dialects)("restart (%s)", (dialect) => {
  it("keeps history and sessions across a restart on the same data and continues seqs", async () => {
    const first = await startServer(dialect);
    const [a, b] = await registerUsers(first.url, 2);
    const conv = await openDirect(first.url, a!, b!);
    let sa = await connectSocket(first.url, a!.token);
    for (let i = 1; i <= 3; i++) await sendMessage(sa, conv.id, `m${i}`);
    sa.close();
    await first.stop();

    const second = await startServer(dialect, { storage: first.storage });
    try {
      sa = await connectSocket(second.url, a!.token);
      const next = await sendMessage(sa, conv.id, "after restart");
      expect(next.seq).toBe(4);
      const hist = await api(second.url, "GET", `/api/chat/conversations/${conv.id}/messages`, { token: b!.token });
      expect(hist.body.messages.map((m: Message) => m.text)).toEqual(["m1", "m2", "m3", "after restart"]);
      sa.close();
    } finally {
      await second.close();
    }
  });
});
