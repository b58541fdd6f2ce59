import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, command, connectSocket, nextEvent, record, sendMessage, sleep } from "./helpers/clients.js";
import { createGroup, openDirect, registerUsers } from "./helpers/factories.js";
import { dialects, startServer, type TestServer } from "./helpers/server.js";

describe.each(dialects)("block and mute (%s)", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(dialect, { typingTtlMs: 5000 });
  });
  afterAll(() => server.close());

  it("stops a blocked pair messaging directly and hides the blocked user's typing and presence", async () => {
    const [a, b, c] = await registerUsers(server.url, 3);
    const conv = await openDirect(server.url, a!, b!);
    const group = await createGroup(server.url, c!, [a!, b!]);
    const sa = await connectSocket(server.url, a!.token);
    const sb = await connectSocket(server.url, b!.token);
    expect((await api(server.url, "PUT", `/api/users/${b!.user.id}/block`, { token: a!.token })).status).toBe(204);
    const blocks = await api(server.url, "GET", "/api/users/me/blocks", { token: a!.token });
    expect(blocks.body.users.map((u: any) => u.id)).toEqual([b!.user.id]);

    // Neither side can send in the direct chat; the group still works.
    const fromB = await command(sb, "send_message", { conversationId: conv.id, clientId: randomUUID(), text: "hi" });
    expect(fromB.error.code).toBe("FORBIDDEN");
    const fromA = await api(server.url, "POST", `/api/chat/conversations/${conv.id}/messages`, {
      token: a!.token,
      body: { clientId: randomUUID(), text: "hi" },
    });
    expect(fromA.status).toBe(403);
    expect((await sendMessage(sb, group.id, "group is fine")).seq).toBe(1);

    // Typing and presence of b no longer reach a (but still reach c).
    const sc = await connectSocket(server.url, c!.token);
    const typingOnA = record(sa, "typing");
    const typingOnC = nextEvent(sc, "typing", (p) => p.userId === b!.user.id);
    await command(sb, "typing", { conversationId: group.id, typing: true });
    await typingOnC;
    const presenceOnA = record(sa, "presence");
    const offlineOnC = nextEvent(sc, "presence", (p) => p.userId === b!.user.id && !p.online);
    sb.close();
    await offlineOnC;
    await sleep(100);
    expect(typingOnA.filter((t) => t.userId === b!.user.id)).toEqual([]);
    expect(presenceOnA.filter((p) => p.userId === b!.user.id)).toEqual([]);

    // A new direct chat cannot be opened in either direction with a third user who blocks.
    await api(server.url, "PUT", `/api/users/${a!.user.id}/block`, { token: c!.token });
    const open = await api(server.url, "POST", "/api/chat/conversations", {
      token: a!.token,
      body: { userId: c!.user.id },
    });
    expect(open.status).toBe(403);

    // Unblock restores direct messaging.
    expect((await api(server.url, "DELETE", `/api/users/${b!.user.id}/block`, { token: a!.token })).status).toBe(204);
    const sb2 = await connectSocket(server.url, b!.token);
    expect((await sendMessage(sb2, conv.id, "back again")).seq).toBe(1);
    for (const s of [sa, sb2, sc]) s.close();
  });

  it("validates block targets", async () => {
    const [a] = await registerUsers(server.url, 1);
    expect((await api(server.url, "PUT", `/api/users/${a!.user.id}/block`, { token: a!.token })).status).toBe(400);
    expect((await api(server.url, "PUT", "/api/users/no-such-user/block", { token: a!.token })).status).toBe(404);
    expect((await api(server.url, "PUT", `/api/users/${a!.user.id}/block`)).status).toBe(401);
  });

  it("mutes per member, keeps counting unread, and syncs the user's other tabs", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const otherTab = await connectSocket(server.url, a!.token);
    const synced = nextEvent(otherTab, "conversation", (p) => p.conversation.id === conv.id);
    const res = await api(server.url, "PUT", `/api/chat/conversations/${conv.id}/mute`, {
      token: a!.token,
      body: { muted: true },
    });
    expect(res.body.conversation.muted).toBe(true);
    expect((await synced).conversation.muted).toBe(true);
    const sb = await connectSocket(server.url, b!.token);
    await sendMessage(sb, conv.id, "while muted");
    const aView = (await api(server.url, "GET", `/api/chat/conversations/${conv.id}`, { token: a!.token })).body
      .conversation;
    const bView = (await api(server.url, "GET", `/api/chat/conversations/${conv.id}`, { token: b!.token })).body
      .conversation;
    expect([aView.muted, aView.unreadCount, bView.muted]).toEqual([true, 1, false]);
    for (const body of [{ muted: "yes" }, {}]) {
      const bad = await api(server.url, "PUT", `/api/chat/conversations/${conv.id}/mute`, { token: a!.token, body });
      expect(bad.status).toBe(400);
    }
    const outsider = (await registerUsers(server.url, 1))[0]!;
    const foreign = await api(server.url, "PUT", `/api/chat/conversations/${conv.id}/mute`, {
      token: outsider.token,
      body: { muted: true },
    });
    expect(foreign.status).toBe(404);
    otherTab.close();
    sb.close();
  });
});
