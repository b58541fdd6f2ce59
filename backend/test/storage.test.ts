import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConversationsStore } from "../src/conversations/conversations.store.js";
import { type DbHandle, migrateToLatest } from "../src/db/database.js";
import { isUniqueViolation } from "../src/db/errors.js";
import { createMessagesStore, NotAMemberError } from "../src/messages/messages.store.js";
import { createUsersStore } from "../src/users/users.store.js";
import { insertGroup, insertUser } from "./helpers/rows.js";
import { createStorage, dialects, openStorageDb, type TestStorage, whileNoSchemaIsDropped } from "./helpers/server.js";

describe.each(dialects)("storage (%s)", (dialect) => {
  let storage: TestStorage;
  let handle: DbHandle;
  let users: ReturnType<typeof createUsersStore>;
  let conversations: ReturnType<typeof createConversationsStore>;
  let messages: ReturnType<typeof createMessagesStore>;
  const now = new Date().toISOString();

  beforeAll(async () => {
    storage = await createStorage(dialect);
    handle = await openStorageDb(storage);
    users = createUsersStore(handle.db);
    conversations = createConversationsStore(handle.db);
    messages = createMessagesStore(handle.db, handle.sqlite);
  });
  afterAll(async () => {
    await handle.close();
    await storage.drop();
  });

  const user = (name?: string) => insertUser(handle.db, name);
  const group = (owner: string, members: string[]) => insertGroup(handle.db, owner, members);

  const message = (conversationId: string, senderId: string, clientId = randomUUID()) => ({
    id: randomUUID(),
    conversation_id: conversationId,
    sender_id: senderId,
    client_id: clientId,
    text: "hi",
    created_at: new Date().toISOString(),
  });

  it("migrates idempotently", async () => {
    await whileNoSchemaIsDropped(storage, () => migrateToLatest(handle.db));
    await whileNoSchemaIsDropped(storage, () => migrateToLatest(handle.db));
    expect(await users.search("", 1)).toBeDefined();
  });

  it("enforces case-insensitive usernames through username_key", async () => {
    await user("SameName");
    await expect(user("samename")).rejects.toSatisfy(isUniqueViolation);
  });

  // Kysely and the SQLite send path share one connection (PostgreSQL's pool gives each its
  // own). A send batch that ran while one of Kysely's transactions was open would become a
  // savepoint inside it: acknowledged before anything was committed, and undone if that
  // transaction rolled back.
  if (dialect === "sqlite")
    it("never stores a send inside another open transaction", async () => {
      const sqlite = handle.sqlite as NonNullable<typeof handle.sqlite>;
      const a = await user();
      const conv = await group(a, [await user()]);
      let sent: Promise<{ id: string }> | undefined;
      let settledInsideAnother = false;
      const rollback = handle.db.transaction().execute(async (trx) => {
        await trx.selectFrom("users").select("id").limit(1).execute();
        sent = messages.insert(message(conv, a));
        sent.then(() => {
          settledInsideAnother = sqlite.inTransaction;
        });
        await new Promise((r) => setTimeout(r, 30));
        throw new Error("rolled back");
      });
      await expect(rollback).rejects.toThrow("rolled back");
      const row = await (sent as Promise<{ id: string }>);
      expect(settledInsideAnother).toBe(false);
      expect(await handle.db.selectFrom("messages").select("id").where("id", "=", row.id).execute()).toEqual([
        { id: row.id },
      ]);
    });

  it("assigns gap-free seqs to concurrent inserts", async () => {
    const a = await user();
    const b = await user();
    const conv = await group(a, [b]);
    const rows = await Promise.all(Array.from({ length: 50 }, (_, i) => messages.insert(message(conv, i % 2 ? a : b))));
    expect(rows.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect((await conversations.findById(conv))?.last_seq).toBe(50);
  });

  it("refuses a duplicate (sender, clientId) and rolls the seq back", async () => {
    const a = await user();
    const conv = await group(a, []);
    await messages.insert(message(conv, a, "same"));
    await expect(messages.insert(message(conv, a, "same"))).rejects.toSatisfy(isUniqueViolation);
    expect((await conversations.findById(conv))?.last_seq).toBe(1);
    expect((await messages.insert(message(conv, a))).seq).toBe(2);
  });

  it("refuses a (conversation, seq) duplicate at the database level", async () => {
    const a = await user();
    const conv = await group(a, []);
    const row = await messages.insert(message(conv, a));
    await expect(
      handle.db
        .insertInto("messages")
        .values({ ...message(conv, a), seq: row.seq, edited_at: null, deleted_at: null })
        .execute(),
    ).rejects.toSatisfy(isUniqueViolation);
  });

  it("stores nothing for a sender who is not a member", async () => {
    const a = await user();
    const stranger = await user();
    const conv = await group(a, []);
    await expect(messages.insert(message(conv, stranger))).rejects.toBeInstanceOf(NotAMemberError);
    await expect(messages.insert(message("no-such-conversation", a))).rejects.toBeInstanceOf(NotAMemberError);
    expect((await conversations.findById(conv))?.last_seq).toBe(0);
    expect((await messages.page(conv, { limit: 10 })).rows).toEqual([]);
  });

  it("creates one direct conversation per pair under concurrent creation", async () => {
    const a = await user();
    const b = await user();
    const key = [a, b].sort().join(":");
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        conversations.createDirect(
          {
            id: randomUUID(),
            type: "direct",
            name: null,
            direct_key: key,
            created_at: now,
            last_seq: 0,
            last_activity_at: now,
          },
          [a, b],
        ),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const roles = await conversations.memberRoles(results[0]!.id);
    expect([...roles.keys()].sort()).toEqual([a, b].sort());
  });

  it("keeps read positions monotonic and within lastSeq", async () => {
    const a = await user();
    const b = await user();
    const conv = await group(a, [b]);
    for (let i = 0; i < 3; i++) await messages.insert(message(conv, a));
    expect(await conversations.markRead(conv, b, 2)).toBe(2);
    expect(await conversations.markRead(conv, b, 1)).toBeUndefined();
    expect(await conversations.markRead(conv, b, 100)).toBe(3);
    expect(await conversations.markRead(conv, b, 100)).toBeUndefined();
    expect(await conversations.markRead(conv, await user(), 1)).toBeUndefined();
  });

  it("deletes a group with its messages when its last member leaves", async () => {
    const a = await user();
    const conv = await group(a, []);
    await messages.insert(message(conv, a));
    expect(await conversations.removeMember(conv, a)).toEqual({ deleted: true });
    expect(await conversations.findById(conv)).toBeUndefined();
    expect((await messages.page(conv, { limit: 10 })).rows).toEqual([]);
  });
  it("stores lastSeenAt for many users at once, the latest time of each winning", async () => {
    const ids = await Promise.all(Array.from({ length: 620 }, () => user()));
    const other = await user();
    let statements = 0;
    const counted = createUsersStore(
      handle.db.withPlugin({
        transformQuery: (args) => {
          statements++;
          return args.node;
        },
        transformResult: async (args) => args.result,
      }),
    );
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString();
    // 620 users in one turn take two statements; the first user is written twice.
    const first = ids.map((id, i) => counted.setLastSeen(id, at(i)));
    const again = counted.setLastSeen(ids[0] as string, at(999));
    const unknown = counted.setLastSeen(randomUUID(), at(1));
    await Promise.all([...first, again, unknown]);
    expect(statements).toBe(2);
    // Written again while nothing else is queued, and twice more while that write may still run.
    await users.setLastSeen(ids[1] as string, at(5000));
    await Promise.all([users.setLastSeen(ids[1] as string, at(6000)), users.setLastSeen(ids[1] as string, at(7000))]);

    const rows = await users.findByIds([...ids, other]);
    const seen = new Map(rows.map((r) => [r.id, r.last_seen_at]));
    expect(seen.get(ids[0] as string)).toBe(at(999));
    expect(seen.get(ids[1] as string)).toBe(at(7000));
    expect(ids.slice(2).map((id) => seen.get(id))).toEqual(ids.slice(2).map((_, i) => at(i + 2)));
    expect(seen.get(other)).toBeNull();
  });
});
