import { randomUUID } from "node:crypto";
import type { Message } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  type ChatSocket,
  command,
  connectSocket,
  nextEvent,
  record,
  registerUser,
  sendMessage,
  sleep,
} from "./helpers/clients.js";
import { type ClusterStorage, createClusterStorage, type NodeProcess, startNode } from "./helpers/cluster.js";
import { createGroup, openDirect } from "./helpers/factories.js";

// Two real server processes on one fresh PostgreSQL database and the real Redis (own key
// prefix per run), exactly as `npm start` would run them behind a load balancer.
const PRESENCE_TTL_MS = 1_500;
const PER_USERNAME_LIMIT = 5;
const runCluster = (process.env.TEST_DIALECTS ?? "sqlite,postgres").includes("postgres");

describe.runIf(runCluster)("cluster: two nodes on PostgreSQL + Redis", () => {
  let storage: ClusterStorage;
  let a: NodeProcess;
  let b: NodeProcess;
  let nodeEnv: Record<string, string>;
  const sockets: ChatSocket[] = [];
  const connect = async (node: NodeProcess, token: string) => {
    const s = await connectSocket(node.url, token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    storage = await createClusterStorage();
    nodeEnv = {
      ...storage.env,
      PRESENCE_TTL_MS: String(PRESENCE_TTL_MS),
      AUTH_RATE_LIMIT_PER_IP: "100000",
      AUTH_RATE_LIMIT_PER_USERNAME: String(PER_USERNAME_LIMIT),
    };
    // Started together: both run migrations on the empty database at once.
    const started = await Promise.allSettled([startNode("node-a", nodeEnv), startNode("node-b", nodeEnv)]);
    // Keep whichever started, so afterAll kills it even when the other failed.
    if (started[0].status === "fulfilled") a = started[0].value;
    if (started[1].status === "fulfilled") b = started[1].value;
    for (const r of started) if (r.status === "rejected") throw r.reason;
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a?.kill("SIGKILL"), b?.kill("SIGKILL")]);
    await storage?.drop();
  });

  it("answers /readyz with database and Redis checks, and echoes X-Request-Id", async () => {
    const res = await api(a.url, "GET", "/readyz", { headers: { "x-request-id": "probe-1" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, checks: { database: "ok", redis: "ok" } });
    expect(res.headers.get("x-request-id")).toBe("probe-1");
    const generated = await api(b.url, "GET", "/healthz");
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    // One JSON log line per request, carrying the request id.
    expect((await api(a.url, "GET", "/api/auth/me", { headers: { "x-request-id": "trace-me-42" } })).status).toBe(401);
    await sleep(100);
    const line = a
      .output()
      .split("\n")
      .find((l) => l.includes("trace-me-42"));
    expect(JSON.parse(line ?? "{}")).toMatchObject({ reqId: "trace-me-42", path: "/api/auth/me", status: 401 });
  });

  it("carries messages, typing and read receipts from one node to the other", async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    const conv = await openDirect(a.url, alice, bob);
    const sa = await connect(a, alice.token);
    const sb = await connect(b, bob.token);

    const arrives = nextEvent(sb, "new_message", (p) => p.message.conversationId === conv.id);
    const sent = await sendMessage(sa, conv.id, "hello from A");
    expect((await arrives).message).toEqual(sent);

    const typing = nextEvent(sb, "typing", (p) => p.conversationId === conv.id);
    expect(await command(sa, "typing", { conversationId: conv.id, typing: true })).toEqual({ ok: true });
    expect(await typing).toEqual({ conversationId: conv.id, userId: alice.user.id, typing: true });
    // Sending ends the typing on node A's clock; the stop reaches node B too.
    const stopped = nextEvent(sb, "typing", (p) => p.conversationId === conv.id && !p.typing);
    await sendMessage(sa, conv.id, "done typing");
    expect(await stopped).toEqual({ conversationId: conv.id, userId: alice.user.id, typing: false });

    const read = nextEvent(sa, "read", (p) => p.conversationId === conv.id);
    expect(await command(sb, "mark_read", { conversationId: conv.id, seq: sent.seq })).toEqual({ ok: true });
    expect(await read).toEqual({ conversationId: conv.id, userId: bob.user.id, seq: sent.seq });

    // REST on B, socket on A.
    const restArrives = nextEvent(sa, "new_message", (p) => p.message.text === "over REST");
    const res = await api(b.url, "POST", `/api/chat/conversations/${conv.id}/messages`, {
      token: bob.token,
      body: { clientId: randomUUID(), text: "over REST" },
    });
    expect(res.status).toBe(201);
    expect((await restArrives).message.seq).toBe(sent.seq + 2);
  });

  it("gives 200 concurrent sends from both nodes unique gap-free seqs, each delivered once per socket", async () => {
    const [u1, u2, u3, u4] = await Promise.all([
      registerUser(a.url),
      registerUser(a.url),
      registerUser(b.url),
      registerUser(b.url),
    ]);
    const group = await createGroup(a.url, u1!, [u2!, u3!, u4!]);
    const s1a = await connect(a, u1!.token);
    const s1b = await connect(b, u1!.token);
    const s2 = await connect(a, u2!.token);
    const s3 = await connect(b, u3!.token);
    const s4 = await connect(b, u4!.token);
    const all = [s1a, s1b, s2, s3, s4];
    const seen = all.map((s) => record(s, "new_message"));
    const senders = [s1a, s2, s3, s4];

    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) => sendMessage(senders[i % senders.length]!, group.id, `burst ${i}`)),
    );
    const seqs = acks.map((m) => m.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    const ids = new Set(acks.map((m) => m.id));
    const ofGroup = (list: { message: Message }[]) => list.filter((p) => p.message.conversationId === group.id);
    const deadline = Date.now() + 10_000;
    while (seen.some((list) => ofGroup(list).length < 200) && Date.now() < deadline) await sleep(50);
    await sleep(300); // a duplicate would arrive right behind
    for (const list of seen) {
      const got = ofGroup(list).map((p) => p.message.id);
      expect(got.length).toBe(200);
      expect(new Set(got)).toEqual(ids);
    }
  });

  it("keeps a user online while a socket on either node remains, offline after the last", async () => {
    const watcher = await registerUser(b.url);
    const pat = await registerUser(a.url);
    await openDirect(a.url, watcher, pat);
    const sw = await connect(b, watcher.token);
    const events = record(sw, "presence");
    const ofPat = () => events.filter((e) => e.userId === pat.user.id);

    const onA = await connect(a, pat.token);
    const onB = await connect(b, pat.token);
    await sleep(300);
    expect(ofPat()).toEqual([{ userId: pat.user.id, online: true, lastSeenAt: null }]);
    expect((await api(b.url, "GET", `/api/users/${pat.user.id}`, { token: watcher.token })).body.user.online).toBe(
      true,
    );

    onA.close();
    await sleep(PRESENCE_TTL_MS + 500); // past one expiry: a heartbeat must keep the B socket alive
    expect(ofPat()).toHaveLength(1);
    expect((await api(a.url, "GET", `/api/users/${pat.user.id}`, { token: watcher.token })).body.user.online).toBe(
      true,
    );

    const offline = nextEvent(sw, "presence", (e) => e.userId === pat.user.id && !e.online);
    onB.close();
    const event = await offline;
    expect(event.lastSeenAt).toEqual(expect.any(String));
    const user = (await api(a.url, "GET", `/api/users/${pat.user.id}`, { token: watcher.token })).body.user;
    expect(user).toMatchObject({ online: false, lastSeenAt: event.lastSeenAt });
  });

  it("shares the login rate limit across nodes", async () => {
    const victim = await registerUser(a.url); // one attempt used
    const statuses: number[] = [];
    for (let i = 0; i < 2 * PER_USERNAME_LIMIT; i++) {
      const node = i % 2 === 0 ? a : b;
      const res = await api(node.url, "POST", "/api/auth/login", {
        body: { username: victim.user.username, password: "wrong password here" },
      });
      statuses.push(res.status);
    }
    // Per-node memory limiters would allow 5 on each node (10 in all); the shared one allows 5.
    expect(statuses.filter((s) => s === 401)).toHaveLength(PER_USERNAME_LIMIT - 1);
    expect(statuses.slice(PER_USERNAME_LIMIT - 1)).toEqual(Array(PER_USERNAME_LIMIT + 1).fill(429));
  });

  it("stops delivering to a member removed on the other node at once", async () => {
    const [owner, stays, leaves] = await Promise.all([registerUser(a.url), registerUser(b.url), registerUser(b.url)]);
    const group = await createGroup(a.url, owner, [stays, leaves]);
    const sStays = await connect(b, stays.token);
    const sLeaves = await connect(b, leaves.token);
    const toLeaver = record(sLeaves, "new_message");
    // Node B now holds the member list in its cache.
    await sendMessage(sStays, group.id, "before");
    await sleep(100);
    expect(toLeaver.map((p) => p.message.text)).toEqual(["before"]);

    const removed = nextEvent(sLeaves, "conversation_removed");
    const res = await api(a.url, "DELETE", `/api/chat/conversations/${group.id}/members/${leaves.user.id}`, {
      token: owner.token,
    });
    expect(res.status).toBe(204);
    await sendMessage(sStays, group.id, "after");
    expect(await removed).toEqual({ conversationId: group.id });
    await sleep(300);
    expect(toLeaver.map((p) => p.message.text)).toEqual(["before"]);
    const ack = await command(sLeaves, "send_message", { conversationId: group.id, clientId: randomUUID(), text: "x" });
    expect(ack.ok).toBe(false);
  });

  it("applies a block made on one node to sends on the other at once", async () => {
    const [alice, bob] = await Promise.all([registerUser(a.url), registerUser(b.url)]);
    const conv = await openDirect(a.url, alice, bob);
    const sBob = await connect(b, bob.token);
    // Node B caches bob's (empty) block relations on this send.
    await sendMessage(sBob, conv.id, "hello");
    expect((await api(a.url, "PUT", `/api/users/${bob.user.id}/block`, { token: alice.token })).status).toBe(204);
    await sleep(100);
    const ack = await command(sBob, "send_message", { conversationId: conv.id, clientId: randomUUID(), text: "x" });
    expect(ack).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });

  it("shuts down gracefully on SIGTERM: clients reconnect elsewhere without flicker, the rest expire", async () => {
    const c = await startNode("node-c", nodeEnv);
    try {
      const [moves, leaves, watcher] = await Promise.all([
        registerUser(c.url),
        registerUser(c.url),
        registerUser(b.url),
      ]);
      const convMoves = await openDirect(b.url, watcher, moves);
      await openDirect(b.url, watcher, leaves);
      const sw = await connect(b, watcher.token);
      const presence = record(sw, "presence");
      const scMoves = await connect(c, moves.token);
      const scLeaves = await connect(c, leaves.token);
      await sleep(200);
      const sent = await sendMessage(scMoves, convMoves.id, "last words on C");
      const disconnected = new Promise<string>((resolve) => scMoves.once("disconnect", resolve));
      const leavesOffline = nextEvent(
        sw,
        "presence",
        (e) => e.userId === leaves.user.id && !e.online,
        4 * PRESENCE_TTL_MS,
      );
      const exited = new Promise<number | null>((resolve) => c.child.once("exit", (code) => resolve(code)));
      const stopAt = Date.now();
      c.child.kill("SIGTERM");
      // A transport close (not "io server disconnect") is what makes a client reconnect by itself.
      expect(await disconnected).toBe("transport close");
      await connect(b, moves.token); // what the client's reconnection does, through the balancer
      expect(await exited).toBe(0);
      expect(scLeaves.connected).toBe(false);

      expect((await leavesOffline).lastSeenAt).toEqual(expect.any(String));
      expect(Date.now() - stopAt).toBeLessThan(PRESENCE_TTL_MS + PRESENCE_TTL_MS / 3 + 1_000);
      await sleep(PRESENCE_TTL_MS / 2);
      expect(presence.filter((e) => e.userId === moves.user.id && !e.online)).toEqual([]);
      const history = await api(b.url, "GET", `/api/chat/conversations/${convMoves.id}/messages`, {
        token: watcher.token,
      });
      expect(history.body.messages.map((m: Message) => m.id)).toEqual([sent.id]);
    } finally {
      await c.kill("SIGKILL");
    }
  });

  // Last: node A does not come back.
  it("loses no acknowledged message when a node is SIGKILLed, and its users go offline within the TTL", async () => {
    const [onA, onB, watcher] = await Promise.all([registerUser(a.url), registerUser(b.url), registerUser(b.url)]);
    const group = await createGroup(b.url, onB, [onA, watcher]);
    const sw = await connect(b, watcher.token);
    const sa = await connect(a, onA.token);
    const sb = await connect(b, onB.token);
    await sleep(200);
    const goesOffline = nextEvent(sw, "presence", (e) => e.userId === onA.user.id && !e.online, 4 * PRESENCE_TTL_MS);

    const acked: Message[] = [];
    let stop = false;
    const pump = async (socket: ChatSocket, tag: string) => {
      for (let i = 0; !stop; i++) {
        try {
          acked.push(await sendMessage(socket, group.id, `${tag} ${i}`));
        } catch {
          return; // no ack: the client would resend to another node with the same clientId
        }
      }
    };
    const pumps = [pump(sa, "a"), pump(sa, "a2"), pump(sb, "b"), pump(sb, "b2")];
    while (acked.length < 40) await sleep(5);
    await a.kill("SIGKILL");
    const killedAt = Date.now();
    await sleep(200);
    stop = true;
    await Promise.all(pumps);

    const event = await goesOffline;
    expect(Date.now() - killedAt).toBeLessThan(PRESENCE_TTL_MS + PRESENCE_TTL_MS / 3 + 1_000);
    expect(event.lastSeenAt).toEqual(expect.any(String));
    const user = (await api(b.url, "GET", `/api/users/${onA.user.id}`, { token: watcher.token })).body.user;
    expect(user).toMatchObject({ online: false, lastSeenAt: event.lastSeenAt });

    const stored: Message[] = [];
    for (let after = 0; ; ) {
      const page = await api(b.url, "GET", `/api/chat/conversations/${group.id}/messages?after=${after}&limit=100`, {
        token: watcher.token,
      });
      expect(page.status).toBe(200);
      stored.push(...page.body.messages);
      if (!page.body.hasMore) break;
      after = stored[stored.length - 1]!.seq;
    }
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    const storedIds = new Set(stored.map((m) => m.id));
    for (const m of acked) expect(storedIds.has(m.id)).toBe(true);
    expect(acked.some((m) => m.text.startsWith("a "))).toBe(true);
  }, 30_000);
});
