import { limits } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, command, connectSocket, nextEvent, record, registerUser, sendMessage } from "./helpers/clients.js";
import { createGroup, openDirect, registerUsers } from "./helpers/factories.js";
import { dialects, startServer, type TestServer } from "./helpers/server.js";

describe.each(dialects)("conversations (%s)", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(dialect);
  });
  afterAll(() => server.close());

  it("opens exactly one direct conversation per pair, from either side, even concurrently", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const calls = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api(server.url, "POST", "/api/chat/conversations", {
          token: i % 2 ? a!.token : b!.token,
          body: { userId: i % 2 ? b!.user.id : a!.user.id },
        }),
      ),
    );
    const ids = new Set(calls.map((c) => c.body.conversation.id));
    expect(calls.every((c) => c.status === 200)).toBe(true);
    expect(ids.size).toBe(1);
    const conv = calls[0]!.body.conversation;
    expect(conv).toMatchObject({ type: "direct", name: null, lastSeq: 0, lastMessage: null, unreadCount: 0 });
    expect(conv.members.map((m: any) => m.user.id).sort()).toEqual([a!.user.id, b!.user.id].sort());
    const list = await api(server.url, "GET", "/api/chat/conversations", { token: a!.token });
    expect(list.body.conversations.filter((c: any) => c.id === conv.id)).toHaveLength(1);
  });

  it("refuses a direct chat with yourself or an unknown user", async () => {
    const a = await registerUser(server.url);
    const self = await api(server.url, "POST", "/api/chat/conversations", {
      token: a.token,
      body: { userId: a.user.id },
    });
    expect(self.status).toBe(400);
    const ghost = await api(server.url, "POST", "/api/chat/conversations", {
      token: a.token,
      body: { userId: "nope" },
    });
    expect(ghost.status).toBe(404);
    expect((await api(server.url, "GET", "/api/chat/conversations", { token: a.token })).body.conversations).toEqual(
      [],
    );
  });

  it("creates a group with the caller as owner and tells the members live", async () => {
    const [owner, m1, m2] = await registerUsers(server.url, 3);
    const s1 = await connectSocket(server.url, m1!.token);
    const announced = nextEvent(s1, "conversation");
    const group = await createGroup(server.url, owner!, [m1!, m2!, m1!], "Launch");
    expect(group).toMatchObject({ type: "group", name: "Launch" });
    const roles = Object.fromEntries(group.members.map((m) => [m.user.id, m.role]));
    expect(roles).toEqual({ [owner!.user.id]: "owner", [m1!.user.id]: "member", [m2!.user.id]: "member" });
    expect((await announced).conversation.id).toBe(group.id);
    s1.close();
  });

  it("bounds group names and sizes and rejects unknown members", async () => {
    const owner = await registerUser(server.url);
    const bad = [
      { name: "", users: [] },
      { name: "x".repeat(limits.groupNameMax + 1), users: [] },
      { name: "ok", users: Array.from({ length: limits.groupMembersMax + 1 }, (_, i) => `u${i}`) },
      { name: "ok", users: "not-a-list" },
      { name: "ok" },
    ];
    for (const body of bad) {
      const res = await api(server.url, "POST", "/api/chat/group", { token: owner.token, body });
      expect(res.status).toBe(400);
    }
    const unknown = await api(server.url, "POST", "/api/chat/group", {
      token: owner.token,
      body: { name: "ok", users: ["no-such-user"] },
    });
    expect(unknown.status).toBe(404);
    expect(
      (await api(server.url, "GET", "/api/chat/conversations", { token: owner.token })).body.conversations,
    ).toEqual([]);
  });

  it("lets owner and admins manage the group and plain members only leave", async () => {
    const [owner, admin, member, outsider, newcomer] = await registerUsers(server.url, 5);
    const group = await createGroup(server.url, owner!, [admin!, member!]);
    const path = `/api/chat/conversations/${group.id}`;

    // Plain member: cannot rename, add, remove others or change roles.
    expect((await api(server.url, "PATCH", path, { token: member!.token, body: { name: "mine" } })).status).toBe(403);
    expect(
      (await api(server.url, "POST", `${path}/members`, { token: member!.token, body: { users: [newcomer!.user.id] } }))
        .status,
    ).toBe(403);
    expect(
      (await api(server.url, "DELETE", `${path}/members/${admin!.user.id}`, { token: member!.token })).status,
    ).toBe(403);
    // Outsider sees nothing.
    for (const [method, p, body] of [
      ["GET", path, undefined],
      ["PATCH", path, { name: "x" }],
      ["POST", `${path}/members`, { users: [outsider!.user.id] }],
      ["GET", `${path}/messages`, undefined],
      ["POST", `${path}/messages`, { clientId: "c1", text: "hi" }],
      ["POST", `${path}/read`, { seq: 1 }],
    ] as const) {
      const res = await api(server.url, method, p, { token: outsider!.token, body });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(group.id);
    }

    // Owner promotes admin; admin renames and adds, but cannot remove the owner or change roles.
    const promoted = await api(server.url, "PATCH", `${path}/members/${admin!.user.id}`, {
      token: owner!.token,
      body: { role: "admin" },
    });
    expect(promoted.status).toBe(200);
    expect(
      (await api(server.url, "PATCH", path, { token: admin!.token, body: { name: "Renamed" } })).body.conversation.name,
    ).toBe("Renamed");
    const added = await api(server.url, "POST", `${path}/members`, {
      token: admin!.token,
      body: { users: [newcomer!.user.id] },
    });
    expect(added.body.conversation.members).toHaveLength(4);
    expect((await api(server.url, "DELETE", `${path}/members/${owner!.user.id}`, { token: admin!.token })).status).toBe(
      403,
    );
    expect(
      (
        await api(server.url, "PATCH", `${path}/members/${member!.user.id}`, {
          token: admin!.token,
          body: { role: "admin" },
        })
      ).status,
    ).toBe(403);

    // Admin removes a plain member, who is told and loses access at once.
    const sNew = await connectSocket(server.url, newcomer!.token);
    const removedEvent = nextEvent(sNew, "conversation_removed");
    expect(
      (await api(server.url, "DELETE", `${path}/members/${newcomer!.user.id}`, { token: admin!.token })).status,
    ).toBe(204);
    expect((await removedEvent).conversationId).toBe(group.id);
    expect((await api(server.url, "GET", path, { token: newcomer!.token })).status).toBe(404);
    const send = await api(server.url, "POST", `${path}/messages`, {
      token: newcomer!.token,
      body: { clientId: "late", text: "am I in?" },
    });
    expect(send.status).toBe(404);
    sNew.close();

    // A member leaves by removing themself.
    expect(
      (await api(server.url, "DELETE", `${path}/members/${member!.user.id}`, { token: member!.token })).status,
    ).toBe(204);
    const after = await api(server.url, "GET", path, { token: owner!.token });
    expect(after.body.conversation.members.map((m: any) => m.user.id).sort()).toEqual(
      [owner!.user.id, admin!.user.id].sort(),
    );
  });

  it("delivers each message to the members of that moment, once the fan-out has been warmed", async () => {
    const [owner, leaving, joining] = await registerUsers(server.url, 3);
    const group = await createGroup(server.url, owner!, [leaving!]);
    const path = `/api/chat/conversations/${group.id}`;
    const sockets = await Promise.all([owner!, leaving!, joining!].map((u) => connectSocket(server.url, u.token)));
    const seen = sockets.map((s) => record(s, "new_message"));
    // The first send caches the membership and the room names the fan-out derives from it.
    await sendMessage(sockets[0]!, group.id, "before");
    const removed = await api(server.url, "DELETE", `${path}/members/${leaving!.user.id}`, { token: owner!.token });
    expect(removed.status).toBe(204);
    const added = await api(server.url, "POST", `${path}/members`, {
      token: owner!.token,
      body: { users: [joining!.user.id] },
    });
    expect(added.status).toBe(200);
    await sendMessage(sockets[0]!, group.id, "after");
    // An answer comes after everything the server wrote to that socket before it.
    for (const s of sockets) await command(s, "typing", { conversationId: group.id, typing: false });

    expect(seen.map((payloads) => payloads.map((p) => p.message.text))).toEqual([
      ["before", "after"],
      ["before"],
      ["after"],
    ]);
    for (const s of sockets) s.close();
  });

  it("hands ownership to the longest-standing admin, else the longest-standing member, when the owner leaves", async () => {
    const [owner, m1, m2, m3] = await registerUsers(server.url, 4);
    const group = await createGroup(server.url, owner!, [m1!, m2!, m3!]);
    const path = `/api/chat/conversations/${group.id}`;
    await api(server.url, "PATCH", `${path}/members/${m3!.user.id}`, { token: owner!.token, body: { role: "admin" } });
    await api(server.url, "DELETE", `${path}/members/${owner!.user.id}`, { token: owner!.token });
    let conv = (await api(server.url, "GET", path, { token: m1!.token })).body.conversation;
    expect(conv.members.find((m: any) => m.role === "owner").user.id).toBe(m3!.user.id);

    await api(server.url, "DELETE", `${path}/members/${m3!.user.id}`, { token: m3!.token });
    conv = (await api(server.url, "GET", path, { token: m1!.token })).body.conversation;
    expect(conv.members.find((m: any) => m.role === "owner").user.id).toBe(m1!.user.id);
    expect(conv.members.filter((m: any) => m.role === "owner")).toHaveLength(1);
  });

  it("transfers ownership explicitly, leaving exactly one owner", async () => {
    const [owner, m1] = await registerUsers(server.url, 2);
    const group = await createGroup(server.url, owner!, [m1!]);
    const res = await api(server.url, "PATCH", `/api/chat/conversations/${group.id}/members/${m1!.user.id}`, {
      token: owner!.token,
      body: { role: "owner" },
    });
    const roles = Object.fromEntries(res.body.conversation.members.map((m: any) => [m.user.id, m.role]));
    expect(roles).toEqual({ [owner!.user.id]: "admin", [m1!.user.id]: "owner" });
  });

  it("does not allow group settings on direct conversations", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const path = `/api/chat/conversations/${conv.id}`;
    expect((await api(server.url, "PATCH", path, { token: a!.token, body: { name: "x" } })).status).toBe(403);
    expect((await api(server.url, "DELETE", `${path}/members/${b!.user.id}`, { token: a!.token })).status).toBe(403);
  });

  it("lists conversations by last activity with last message and the caller's unread count", async () => {
    const [a, b, c] = await registerUsers(server.url, 3);
    const ab = await openDirect(server.url, a!, b!);
    const group = await createGroup(server.url, a!, [b!, c!]);
    const ac = await openDirect(server.url, a!, c!);
    const sb = await connectSocket(server.url, b!.token);
    await sendMessage(sb, ab.id, "one");
    await sendMessage(sb, ab.id, "two");
    await sendMessage(sb, group.id, "group hello");
    sb.close();

    const list = (await api(server.url, "GET", "/api/chat/conversations", { token: a!.token })).body.conversations;
    expect(list.map((x: any) => x.id)).toEqual([group.id, ab.id, ac.id]);
    const byId = Object.fromEntries(list.map((x: any) => [x.id, x]));
    expect(byId[ab.id]).toMatchObject({ lastSeq: 2, unreadCount: 2 });
    expect(byId[ab.id].lastMessage).toMatchObject({ seq: 2, text: "two", senderId: b!.user.id });
    expect(byId[group.id]).toMatchObject({ lastSeq: 1, unreadCount: 1 });
    expect(byId[ac.id]).toMatchObject({ lastSeq: 0, unreadCount: 0, lastMessage: null });
    // The sender has read their own messages.
    const bList = (await api(server.url, "GET", "/api/chat/conversations", { token: b!.token })).body.conversations;
    expect(bList.every((x: any) => x.unreadCount === 0)).toBe(true);
    // Other users' conversations never show up.
    const cList = (await api(server.url, "GET", "/api/chat/conversations", { token: c!.token })).body.conversations;
    expect(cList.map((x: any) => x.id).sort()).toEqual([group.id, ac.id].sort());
  });

  it("searches users by username or display name, treating wildcards literally", async () => {
    const a = await registerUser(server.url, `zq_search${process.pid}`.slice(0, 32));
    await registerUser(server.url, `zqXsearch${process.pid}`.slice(0, 32));
    const found = await api(server.url, "GET", `/api/users?search=${encodeURIComponent("zq_")}`, { token: a.token });
    expect(found.status).toBe(200);
    expect(found.body.users.map((u: any) => u.username)).toEqual([a.user.username]);
    const huge = await api(server.url, "GET", `/api/users?search=${"x".repeat(500)}`, { token: a.token });
    expect(huge.status).toBe(400);
    expect((await api(server.url, "GET", "/api/users?search=zq")).status).toBe(401);
  });
});
