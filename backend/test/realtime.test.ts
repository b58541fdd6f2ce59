import { randomUUID } from "node:crypto";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  type ChatSocket,
  command,
  connectSocket,
  nextEvent,
  record,
  sendMessage,
  sleep,
} from "./helpers/clients.js";
import { createGroup, openDirect, registerUsers } from "./helpers/factories.js";
import { dialects, startServer, type TestServer } from "./helpers/server.js";

const TYPING_TTL = 300;

describe.each(dialects)("realtime (%s)", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(dialect, { typingTtlMs: TYPING_TTL });
  });
  afterAll(() => server.close());

  it("gives every socket the same listeners and write methods, made once per server", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    const sb = await connectSocket(server.url, b!.token);
    const [x, y] = (await server.app.io.fetchSockets()).filter((s) =>
      [a!.user.id, b!.user.id].includes(s.data.userId),
    ) as unknown as Array<{
      listeners(event: string): unknown[];
      conn: { flush: unknown; write: unknown };
    }>;
    // Made per socket, these closures were a fifth of what each connection kept in memory.
    const events = ["send_message", "mark_read", "typing", "sync", "edit_message", "delete_message", "react"];
    for (const event of [...events, "sync_changes", "disconnect"]) {
      expect(x!.listeners(event)).toHaveLength(1);
      expect(x!.listeners(event)[0]).toBe(y!.listeners(event)[0]);
    }
    expect(x!.conn.flush).toBe(y!.conn.flush);
    expect(x!.conn.write).toBe(y!.conn.write);
    // Shared, they still act for their own socket's user.
    const got = nextEvent(sb, "new_message");
    const sent = await sendMessage(sa, conv.id, "from a");
    expect((await got).message).toMatchObject({ id: sent.id, senderId: a!.user.id });
    const reply = await command(sb, "edit_message", { messageId: sent.id, text: "not b's to edit" });
    expect(reply).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    sa.close();
    sb.close();
  });

  it("mark_read is monotonic, clamped to lastSeq, and announced to members", async () => {
    const [a, b, c] = await registerUsers(server.url, 3);
    const group = await createGroup(server.url, a!, [b!, c!]);
    const sa = await connectSocket(server.url, a!.token);
    const sb = await connectSocket(server.url, b!.token);
    const sc = await connectSocket(server.url, c!.token);
    for (let i = 0; i < 5; i++) await sendMessage(sa, group.id, `m${i}`);
    const readsOnA = record(sa, "read");
    const readSeen = nextEvent(sc, "read", (p) => p.userId === b!.user.id);
    expect(await command(sb, "mark_read", { conversationId: group.id, seq: 3 })).toEqual({ ok: true });
    expect(await readSeen).toEqual({ conversationId: group.id, userId: b!.user.id, seq: 3 });

    const clampedSeen = nextEvent(sc, "read", (p) => p.seq === 5);
    expect((await command(sb, "mark_read", { conversationId: group.id, seq: 1 })).ok).toBe(true); // going back: ignored
    expect((await command(sb, "mark_read", { conversationId: group.id, seq: 999 })).ok).toBe(true); // clamped to 5
    await clampedSeen;
    await sleep(100);
    expect(readsOnA.map((r) => r.seq)).toEqual([3, 5]);

    const conv = (await api(server.url, "GET", `/api/chat/conversations/${group.id}`, { token: b!.token })).body
      .conversation;
    expect(conv.unreadCount).toBe(0);
    expect(conv.members.find((m: any) => m.user.id === b!.user.id).lastReadSeq).toBe(5);
    const cView = (await api(server.url, "GET", `/api/chat/conversations/${group.id}`, { token: c!.token })).body
      .conversation;
    expect(cView.unreadCount).toBe(5);

    // REST flavour, same rules.
    expect(
      (await api(server.url, "POST", `/api/chat/conversations/${group.id}/read`, { token: c!.token, body: { seq: 2 } }))
        .status,
    ).toBe(204);
    const cAfter = (await api(server.url, "GET", `/api/chat/conversations/${group.id}`, { token: c!.token })).body
      .conversation;
    expect(cAfter.unreadCount).toBe(3);
    for (const bad of [{ seq: -1 }, { seq: "3" }, { seq: 1.5 }, {}]) {
      const res = await api(server.url, "POST", `/api/chat/conversations/${group.id}/read`, {
        token: c!.token,
        body: bad,
      });
      expect(res.status).toBe(400);
    }
    for (const s of [sa, sb, sc]) s.close();
  });

  it("relays typing to the other members only and expires it on the server's clock", async () => {
    const [a, b, outsider] = await registerUsers(server.url, 3);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    const sa2 = await connectSocket(server.url, a!.token);
    const sb = await connectSocket(server.url, b!.token);
    const so = await connectSocket(server.url, outsider!.token);
    const onA2 = record(sa2, "typing");
    const onB = record(sb, "typing");
    expect(await command(sa, "typing", { conversationId: conv.id, typing: true })).toEqual({ ok: true });
    await sleep(100);
    expect(onB).toEqual([{ conversationId: conv.id, userId: a!.user.id, typing: true }]);
    expect(onA2).toEqual([]);
    // Nobody says stop: the server does after the TTL.
    await sleep(TYPING_TTL + 150);
    expect(onB.at(-1)).toEqual({ conversationId: conv.id, userId: a!.user.id, typing: false });

    // A vanished client stops typing at once.
    await command(sa, "typing", { conversationId: conv.id, typing: true });
    const stopped = nextEvent(sb, "typing", (p) => !p.typing);
    sa.close();
    expect((await stopped).userId).toBe(a!.user.id);

    // Outsiders can neither send typing nor see it.
    const ack = await command(so, "typing", { conversationId: conv.id, typing: true });
    expect(ack).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    // Typing without an ack callback is fine too.
    sb.emit("typing", { conversationId: conv.id, typing: true });
    const viaNoAck = await nextEvent(sa2, "typing", (p) => p.userId === b!.user.id);
    expect(viaNoAck.typing).toBe(true);
    for (const s of [sa2, sb, so]) s.close();
  });

  it("keeps a user online while any socket is connected and reports lastSeenAt when the last goes", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sb = await connectSocket(server.url, b!.token);
    const presence = record(sb, "presence");
    const a1 = await connectSocket(server.url, a!.token);
    const online = await nextEvent(sb, "presence", (p) => p.userId === a!.user.id && p.online, 3000).catch(
      () => undefined,
    );
    expect(online ?? presence.find((p) => p.userId === a!.user.id)).toMatchObject({ online: true });
    const a2 = await connectSocket(server.url, a!.token);
    let view = (await api(server.url, "GET", `/api/chat/conversations/${conv.id}`, { token: b!.token })).body
      .conversation;
    expect(view.members.find((m: any) => m.user.id === a!.user.id).user.online).toBe(true);

    a1.close();
    await sleep(150);
    expect(presence.filter((p) => p.userId === a!.user.id && !p.online)).toEqual([]);
    const offline = nextEvent(sb, "presence", (p) => p.userId === a!.user.id && !p.online);
    a2.close();
    const event = await offline;
    expect(Date.parse(event.lastSeenAt ?? "")).toBeGreaterThan(Date.now() - 10_000);
    await sleep(50);
    view = (await api(server.url, "GET", `/api/chat/conversations/${conv.id}`, { token: b!.token })).body.conversation;
    const aMember = view.members.find((m: any) => m.user.id === a!.user.id).user;
    expect(aMember.online).toBe(false);
    expect(aMember.lastSeenAt).toBe(event.lastSeenAt);
    sb.close();
  });

  it("survives garbage: missing acks, unknown events, wrong payload types, huge payloads", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    const sb = await connectSocket(server.url, b!.token);
    const seen = record(sb, "new_message");
    const raw = sa as unknown as { emit: (...args: unknown[]) => void };
    raw.emit("send_message", { conversationId: conv.id, clientId: randomUUID(), text: "no ack" });
    raw.emit("send_message");
    raw.emit("send_message", "x", "y", "z");
    raw.emit("mark_read", null);
    raw.emit("no_such_event", { a: 1 });
    raw.emit("typing", 12345);
    const onlyAck = await (sa as any).timeout(3000).emitWithAck("send_message");
    expect(onlyAck).toMatchObject({ ok: false, error: { code: "VALIDATION_ERROR" } });
    for (const [event, payload] of [
      ["mark_read", { conversationId: conv.id, seq: "1" }],
      ["mark_read", { conversationId: conv.id }],
      ["typing", { conversationId: conv.id, typing: "yes" }],
      ["sync", { conversationId: conv.id, after: -5 }],
    ] as const) {
      expect(await command(sa, event, payload)).toMatchObject({ ok: false, error: { code: "VALIDATION_ERROR" } });
    }
    // Over the socket payload limit: the server drops that connection, nothing else.
    const disconnected = new Promise((resolve) => sa.once("disconnect", resolve));
    raw.emit("send_message", { conversationId: conv.id, clientId: randomUUID(), text: "z".repeat(300_000) });
    await disconnected;
    await sleep(100);
    expect(seen.map((e) => e.message.text)).toEqual(["no ack"]);
    // The server is still fine.
    const fresh = await connectSocket(server.url, a!.token);
    expect((await sendMessage(fresh, conv.id, "still alive")).seq).toBe(2);
    fresh.close();
    sb.close();
  });

  it("refuses a handshake from a foreign browser origin", async () => {
    const [a] = await registerUsers(server.url, 1);
    const socket: ChatSocket = io(server.url, {
      auth: { token: a!.token },
      transports: ["polling"],
      reconnection: false,
      forceNew: true,
      extraHeaders: { origin: "https://evil.example" },
    });
    const outcome = await new Promise<string>((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", () => resolve("refused"));
    });
    socket.close();
    expect(outcome).toBe("refused");
  });
});

describe.each(dialects)("http robustness (%s)", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(dialect);
  });
  afterAll(() => server.close());

  it("answers bad bodies with the error shape and keeps serving", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const path = `/api/chat/conversations/${conv.id}/messages`;
    const cases: Array<[string, Parameters<typeof api>[3], number, string]> = [
      ["broken json", { token: a!.token, rawBody: '{"clientId":' }, 400, "VALIDATION_ERROR"],
      ["json array", { token: a!.token, body: [1, 2] }, 400, "VALIDATION_ERROR"],
      ["json null", { token: a!.token, rawBody: "null" }, 400, "VALIDATION_ERROR"],
      ["too large", { token: a!.token, body: { clientId: "c", text: "x".repeat(200_000) } }, 413, "PAYLOAD_TOO_LARGE"],
      ["wrong types", { token: a!.token, body: { clientId: 5, text: ["a"] } }, 400, "VALIDATION_ERROR"],
      ["no auth", { body: { clientId: "c", text: "x" } }, 401, "UNAUTHORIZED"],
    ];
    for (const [name, opts, status, code] of cases) {
      const res = await api(server.url, "POST", path, opts);
      expect([name, res.status, res.body?.error?.code]).toEqual([name, status, code]);
      expect(typeof res.body.error.message).toBe("string");
    }
    const unknown = await api(server.url, "GET", "/api/chat/conversations/%00%FF", { token: a!.token });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
    const longId = await api(server.url, "GET", `/api/chat/conversations/${"x".repeat(5000)}`, { token: a!.token });
    expect(longId.status).toBe(400);
    const hist = await api(server.url, "GET", path, { token: a!.token });
    expect(hist.body.messages).toEqual([]);
    const res = await api(server.url, "GET", "/api/auth/me", { token: a!.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("socket flood protection", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer("sqlite", { env: { SOCKET_COMMANDS_PER_10S: "5" } });
  });
  afterAll(() => server.close());

  it("answers commands over the per-user budget with RATE_LIMITED and runs none of them", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    const acks = [];
    for (let i = 0; i < 8; i++) {
      acks.push(await command(sa, "send_message", { conversationId: conv.id, clientId: randomUUID(), text: `m${i}` }));
    }
    expect(acks.map((x) => x.ok)).toEqual([true, true, true, true, true, false, false, false]);
    expect(acks[7].error.code).toBe("RATE_LIMITED");
    const hist = await api(server.url, "GET", `/api/chat/conversations/${conv.id}/messages`, { token: a!.token });
    expect(hist.body.messages).toHaveLength(5);
    // The budget is per user: someone else is unaffected.
    const sb = await connectSocket(server.url, b!.token);
    expect((await sendMessage(sb, conv.id, "b is fine")).seq).toBe(6);
    sa.close();
    sb.close();
  });
});
