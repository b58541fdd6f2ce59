import { randomUUID } from "node:crypto";
import type { Message } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, command, connectSocket, nextEvent, record, sendMessage, sleep } from "./helpers/clients.js";
import { createGroup, openDirect, registerUsers } from "./helpers/factories.js";
import { download, pngImage, uploadAttachment } from "./helpers/files.js";
import { dialects, startServer, type TestServer } from "./helpers/server.js";

describe.each(dialects)("edit, delete, react, reply, mention (%s)", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(dialect);
  });
  afterAll(() => server.close());

  const history = async (token: string, conversationId: string): Promise<Message[]> =>
    (await api(server.url, "GET", `/api/chat/conversations/${conversationId}/messages`, { token })).body.messages;

  it("lets only the sender edit, marks the edit, and tells every member", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const [sa, sb] = await Promise.all([connectSocket(server.url, a!.token), connectSocket(server.url, b!.token)]);
    const original = await sendMessage(sa, conv.id, "helo");
    const updated = nextEvent(sb, "message_updated");
    const ack = await command(sa, "edit_message", { messageId: original.id, text: "  hello  " });
    expect(ack.ok).toBe(true);
    expect(ack.message).toMatchObject({ id: original.id, seq: original.seq, text: "hello" });
    expect(ack.message.editedAt).toBeTruthy();
    expect(ack.message.changeSeq).toBeGreaterThan(original.changeSeq!);
    expect((await updated).message).toEqual(ack.message);

    const byOther = await api(server.url, "PATCH", `/api/chat/messages/${original.id}`, {
      token: b!.token,
      body: { text: "hacked" },
    });
    expect(byOther.status).toBe(403);
    for (const body of [{ text: "" }, { text: "x".repeat(4001) }, { text: 5 }, {}]) {
      const res = await api(server.url, "PATCH", `/api/chat/messages/${original.id}`, { token: a!.token, body });
      expect(res.status).toBe(400);
    }
    expect((await history(b!.token, conv.id))[0]!.text).toBe("hello");
    sa.close();
    sb.close();
  });

  it("deletes into a tombstone whose text and files are gone, keeping seq and unread counts", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    const sb = await connectSocket(server.url, b!.token);
    const m1 = await sendMessage(sa, conv.id, "secret one");
    await sendMessage(sa, conv.id, "two");
    const deleted = nextEvent(sb, "message_deleted");
    expect((await api(server.url, "DELETE", `/api/chat/messages/${m1.id}`, { token: b!.token })).status).toBe(403);
    const res = await api(server.url, "DELETE", `/api/chat/messages/${m1.id}`, { token: a!.token });
    expect(res.status).toBe(200);
    expect(res.body.message).toMatchObject({ id: m1.id, seq: 1, text: "", attachments: [], reactions: [] });
    expect(res.body.message.deletedAt).toBeTruthy();
    expect((await deleted).message.id).toBe(m1.id);
    const stored = await history(b!.token, conv.id);
    expect(stored.map((m) => [m.seq, m.text])).toEqual([
      [1, ""],
      [2, "two"],
    ]);
    const row = await server.app.services.stores.extras.findById(m1.id);
    expect(row?.text).toBe("");
    // Unread stays lastSeq - lastReadSeq: the tombstone still holds its seq.
    const view = await api(server.url, "GET", `/api/chat/conversations/${conv.id}`, { token: b!.token });
    expect(view.body.conversation.unreadCount).toBe(2);
    // Deleting again is harmless; editing or reacting to a tombstone is refused.
    expect((await api(server.url, "DELETE", `/api/chat/messages/${m1.id}`, { token: a!.token })).status).toBe(200);
    expect((await command(sa, "edit_message", { messageId: m1.id, text: "back" })).error.code).toBe("CONFLICT");
    expect((await command(sb, "react", { messageId: m1.id, emoji: "👍" })).error.code).toBe("CONFLICT");
    sa.close();
    sb.close();
  });

  it("removes a deleted message's files from the server", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const up = await uploadAttachment(server.url, a!.token, { data: await pngImage(40, 30, "#c33"), name: "p.png" });
    expect(up.status).toBe(201);
    const attachment = up.body.attachment;
    const sent = await api(server.url, "POST", `/api/chat/conversations/${conv.id}/messages`, {
      token: a!.token,
      body: { clientId: randomUUID(), text: "", attachments: [attachment.id] },
    });
    expect((await download(server.url, attachment.url, b!.token)).status).toBe(200);
    const { files } = server.app.services.stores;
    const row = await files.findAttachment(attachment.id);
    const blobs = server.app.services.blobs;
    expect(await blobs.stat(row!.blob_hash)).toBeDefined();
    const res = await api(server.url, "DELETE", `/api/chat/messages/${sent.body.message.id}`, { token: a!.token });
    expect(res.body.message.attachments).toEqual([]);
    for (const token of [a!.token, b!.token])
      expect((await download(server.url, attachment.url, token)).status).toBe(404);
    expect(await files.findAttachment(attachment.id)).toBeUndefined();
    expect(await blobs.stat(row!.blob_hash)).toBeUndefined();
    expect(await blobs.stat(row!.thumb_hash!)).toBeUndefined();
  });

  it("lets group owners and admins delete anyone's message, plain members only their own", async () => {
    const [owner, admin, member] = await registerUsers(server.url, 3);
    const group = await createGroup(server.url, owner!, [admin!, member!]);
    await api(server.url, "PATCH", `/api/chat/conversations/${group.id}/members/${admin!.user.id}`, {
      token: owner!.token,
      body: { role: "admin" },
    });
    const sm = await connectSocket(server.url, member!.token);
    const so = await connectSocket(server.url, owner!.token);
    const byMember = await sendMessage(sm, group.id, "from member");
    const byOwner = await sendMessage(so, group.id, "from owner");
    expect((await command(sm, "delete_message", { messageId: byOwner.id })).error.code).toBe("FORBIDDEN");
    const adminSocket = await connectSocket(server.url, admin!.token);
    const ack = await command(adminSocket, "delete_message", { messageId: byMember.id });
    expect(ack.ok).toBe(true);
    expect(ack.message.deletedAt).toBeTruthy();
    for (const s of [sm, so, adminSocket]) s.close();
  });

  it("toggles reactions per user with counts, bounded and validated", async () => {
    const [a, b, outsider] = await registerUsers(server.url, 3);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    const sb = await connectSocket(server.url, b!.token);
    const m = await sendMessage(sa, conv.id, "react to me");
    await command(sa, "react", { messageId: m.id, emoji: "👍" });
    const seen = nextEvent(sa, "message_updated", (p) => p.message.reactions?.[0]?.count === 2);
    const both = await command(sb, "react", { messageId: m.id, emoji: "👍" });
    expect(both.message.reactions).toEqual([{ emoji: "👍", count: 2, userIds: [a!.user.id, b!.user.id] }]);
    await seen;
    const off = await api(server.url, "POST", `/api/chat/messages/${m.id}/reactions`, {
      token: a!.token,
      body: { emoji: "👍" },
    });
    expect(off.body.message.reactions).toEqual([{ emoji: "👍", count: 1, userIds: [b!.user.id] }]);
    for (const emoji of ["not emoji", "<b>", "", "👍".repeat(9)]) {
      expect((await command(sa, "react", { messageId: m.id, emoji })).error.code).toBe("VALIDATION_ERROR");
    }
    const so = await connectSocket(server.url, outsider!.token);
    expect((await command(so, "react", { messageId: m.id, emoji: "👍" })).error.code).toBe("NOT_FOUND");
    expect((await command(so, "edit_message", { messageId: m.id, text: "x" })).error.code).toBe("NOT_FOUND");
    expect((await command(so, "delete_message", { messageId: m.id })).error.code).toBe("NOT_FOUND");
    const pool = [
      "😀",
      "😃",
      "😄",
      "😁",
      "😆",
      "😅",
      "😂",
      "🤣",
      "😊",
      "😇",
      "🙂",
      "🙃",
      "😉",
      "😌",
      "😍",
      "🥰",
      "😘",
      "😗",
      "😙",
    ];
    for (const emoji of pool) await command(sa, "react", { messageId: m.id, emoji });
    const over = await command(sa, "react", { messageId: m.id, emoji: "😚" });
    expect(over.error.code).toBe("VALIDATION_ERROR");
    const again = await command(sb, "react", { messageId: m.id, emoji: "😀" });
    expect(again.ok).toBe(true); // an existing emoji can still be added by others
    for (const s of [sa, sb, so]) s.close();
  });

  it("carries a reply's quote and refuses replies to another conversation's message", async () => {
    const [a, b, c] = await registerUsers(server.url, 3);
    const conv = await openDirect(server.url, a!, b!);
    const other = await openDirect(server.url, a!, c!);
    const sa = await connectSocket(server.url, a!.token);
    const original = await sendMessage(sa, conv.id, "the original message");
    const foreign = await sendMessage(sa, other.id, "elsewhere");
    const reply = await command(sa, "send_message", {
      conversationId: conv.id,
      clientId: randomUUID(),
      text: "a reply",
      replyTo: original.id,
    });
    expect(reply.message.replyTo).toEqual({
      id: original.id,
      seq: original.seq,
      senderId: a!.user.id,
      excerpt: "the original message",
      deleted: false,
    });
    const bad = await command(sa, "send_message", {
      conversationId: conv.id,
      clientId: randomUUID(),
      text: "x",
      replyTo: foreign.id,
    });
    expect(bad.error.code).toBe("VALIDATION_ERROR");
    await api(server.url, "DELETE", `/api/chat/messages/${original.id}`, { token: a!.token });
    const stored = (await history(b!.token, conv.id)).find((m) => m.id === reply.message.id);
    expect(stored?.replyTo).toMatchObject({ id: original.id, deleted: true, excerpt: "" });
    sa.close();
  });

  it("records @mentions of members and counts unread mentions per viewer", async () => {
    const [a, b, c] = await registerUsers(server.url, 3);
    const group = await createGroup(server.url, a!, [b!, c!]);
    const sa = await connectSocket(server.url, a!.token);
    const m = await sendMessage(
      sa,
      group.id,
      `hey @${b!.user.username.toUpperCase()} and @nobody and @${a!.user.username}`,
    );
    expect(m.mentions).toEqual([b!.user.id]);
    await sendMessage(sa, group.id, `again @${b!.user.username}`);
    const bView = (await api(server.url, "GET", `/api/chat/conversations/${group.id}`, { token: b!.token })).body
      .conversation;
    const cView = (await api(server.url, "GET", `/api/chat/conversations/${group.id}`, { token: c!.token })).body
      .conversation;
    expect([bView.mentionCount, cView.mentionCount]).toEqual([2, 0]);
    await api(server.url, "POST", `/api/chat/conversations/${group.id}/read`, { token: b!.token, body: { seq: 1 } });
    const after = (await api(server.url, "GET", `/api/chat/conversations/${group.id}`, { token: b!.token })).body
      .conversation;
    expect(after.mentionCount).toBe(1);
    // Announcements carry each member's own counts.
    const [sb, sc] = await Promise.all([connectSocket(server.url, b!.token), connectSocket(server.url, c!.token)]);
    const toB = nextEvent(sb, "conversation");
    const toC = nextEvent(sc, "conversation");
    await api(server.url, "PATCH", `/api/chat/conversations/${group.id}`, {
      token: a!.token,
      body: { name: "Renamed" },
    });
    expect((await toB).conversation).toMatchObject({ name: "Renamed", mentionCount: 1, unreadCount: 1 });
    expect((await toC).conversation).toMatchObject({ name: "Renamed", mentionCount: 0, unreadCount: 2 });
    sb.close();
    sc.close();
    const edited = await command(sa, "edit_message", { messageId: m.id, text: `now @${c!.user.username}` });
    expect(edited.message.mentions).toEqual([c!.user.id]);
    sa.close();
  });

  it("catches an offline client up on every new message, edit, delete and reaction via changes", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    let sb = await connectSocket(server.url, b!.token);
    const m1 = await sendMessage(sa, conv.id, "one");
    const m2 = await sendMessage(sa, conv.id, "two");
    const m3 = await sendMessage(sa, conv.id, "three");
    await sleep(50);
    // b knows everything up to here.
    const known = (await api(server.url, "GET", `/api/chat/conversations/${conv.id}`, { token: b!.token })).body
      .conversation.lastChangeSeq;
    const missed = record(sb, "new_message");
    sb.close();

    await command(sa, "edit_message", { messageId: m1.id, text: "one (edited)" });
    await command(sa, "delete_message", { messageId: m2.id });
    await command(sa, "react", { messageId: m3.id, emoji: "🎉" });
    const m4 = await sendMessage(sa, conv.id, "four");

    sb = await connectSocket(server.url, b!.token);
    const changes = await command(sb, "sync_changes", { conversationId: conv.id, after: known });
    expect(changes.ok).toBe(true);
    expect(changes.hasMore).toBe(false);
    const byId = new Map<string, Message>(changes.messages.map((m: Message) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual([m1.id, m2.id, m3.id, m4.id].sort());
    expect(byId.get(m1.id)).toMatchObject({ text: "one (edited)" });
    expect(byId.get(m2.id)).toMatchObject({ text: "" });
    expect(byId.get(m2.id)?.deletedAt).toBeTruthy();
    expect(byId.get(m3.id)?.reactions).toEqual([{ emoji: "🎉", count: 1, userIds: [a!.user.id] }]);
    expect(byId.get(m4.id)).toMatchObject({ seq: 4, text: "four" });
    const seqs = changes.messages.map((m: Message) => m.changeSeq);
    expect(seqs).toEqual([...seqs].sort((x: number, y: number) => x - y));
    expect(changes.lastChangeSeq).toBe(seqs.at(-1));
    expect(missed).toEqual([]);

    // REST flavour, paged.
    const page = await api(server.url, "GET", `/api/chat/conversations/${conv.id}/changes?after=${known}&limit=2`, {
      token: b!.token,
    });
    expect([page.body.messages.length, page.body.hasMore]).toEqual([2, true]);
    const rest = await api(
      server.url,
      "GET",
      `/api/chat/conversations/${conv.id}/changes?after=${page.body.messages[1].changeSeq}`,
      { token: b!.token },
    );
    expect(rest.body.messages.length).toBe(2);
    // Unread never drifts: 4 messages, one deleted, still lastSeq - lastReadSeq.
    const view = (await api(server.url, "GET", `/api/chat/conversations/${conv.id}`, { token: b!.token })).body
      .conversation;
    expect(view.unreadCount).toBe(4);
    // Bad cursors and payloads: a clear error, nothing else.
    for (const q of ["", "?after=-1", "?after=x", "?after=1&limit=0", "?after=1&limit=101"]) {
      const res = await api(server.url, "GET", `/api/chat/conversations/${conv.id}/changes${q}`, { token: b!.token });
      expect(res.status, q).toBe(400);
    }
    for (const [event, payload] of [
      ["sync_changes", { conversationId: conv.id, after: "0" }],
      ["sync_changes", { conversationId: conv.id }],
      ["edit_message", { messageId: m4.id }],
      ["edit_message", { messageId: m4.id, text: "x", extra: 1 }],
      ["delete_message", { messageId: 42 }],
      ["delete_message", null],
      ["react", { messageId: m4.id }],
    ] as const) {
      expect(await command(sb, event, payload)).toMatchObject({ ok: false, error: { code: "VALIDATION_ERROR" } });
    }
    const still = await command(sb, "sync_changes", { conversationId: conv.id, after: known });
    expect(still.messages).toEqual(changes.messages);
    const outsider = (await registerUsers(server.url, 1))[0]!;
    const refused = await api(server.url, "GET", `/api/chat/conversations/${conv.id}/changes?after=0`, {
      token: outsider.token,
    });
    expect(refused.status).toBe(404);
    sa.close();
    sb.close();
  });
});
