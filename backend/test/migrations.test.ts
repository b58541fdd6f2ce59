import { randomUUID } from "node:crypto";
import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { type DbHandle, openDatabase } from "../src/db/database.js";
import { isUniqueViolation } from "../src/db/errors.js";
import { migrationProvider } from "../src/db/migrations/index.js";
import { createLogger } from "../src/logger.js";
import { createMessageExtrasStore } from "../src/messages/message-extras.store.js";
import { createMessagesStore } from "../src/messages/messages.store.js";
import { createSearchStore } from "../src/search/search.store.js";
import { insertGroup, insertUser } from "./helpers/rows.js";
import { createStorage, dialects, type TestStorage, whileNoSchemaIsDropped } from "./helpers/server.js";

// Migration 0005 rebuilds the messages table on SQLite: what was stored before must survive it.
describe.each(dialects)("migration 0005, send-path indexes (%s)", (dialect) => {
  let storage: TestStorage;
  let handle: DbHandle;
  let migrator: Migrator;
  let alice: string;
  let bob: string;
  let conv: string;
  const stored: Array<{ id: string; client_id: string; rowid?: number }> = [];

  const migrateTo = async (name: string) => {
    const { error } = await whileNoSchemaIsDropped(storage, () => migrator.migrateTo(name));
    if (error) throw error;
  };
  const messages = () => createMessagesStore(handle.db, handle.sqlite);
  // A send as these versions stored it: the store itself writes the latest schema's columns.
  const send = (sender: string, clientId: string, text: string) =>
    sendAsBefore0007(handle, conv, sender, clientId, text);

  beforeAll(async () => {
    storage = await createStorage(dialect);
    const config = parseConfig({ NODE_ENV: "test", DATA_DIR: storage.dataDir, ...storage.env });
    handle = openDatabase({ ...config.database, schema: storage.schema });
    migrator = new Migrator({
      db: handle.db,
      provider: migrationProvider,
      ...(storage.schema ? { migrationTableSchema: storage.schema } : {}),
    });
    await migrateTo("0004-deferred-search-index");
    alice = await insertUser(handle.db);
    bob = await insertUser(handle.db);
    conv = await insertGroup(handle.db, alice, [bob]);
    for (const [i, text] of ["hello before the rebuild", "second message", "third one"].entries()) {
      const row = await send(i % 2 ? bob : alice, randomUUID(), text);
      stored.push({ id: row.id, client_id: row.client_id });
    }
    const first = stored[0]?.id as string;
    await handle.db
      .insertInto("reactions")
      .values({ message_id: first, user_id: bob, emoji: "👍", created_at: new Date().toISOString() })
      .execute();
    if (handle.sqlite) {
      for (const s of stored) {
        s.rowid = (
          handle.sqlite.prepare("select rowid from messages where id = ?").get(s.id) as { rowid: number }
        ).rowid;
      }
    }
    await migrateTo("0005-send-path-indexes");
  });
  afterAll(async () => {
    await handle.close();
    await storage.drop();
  });

  it("keeps every message, its rowid and its reactions", async () => {
    const rows = await handle.db.selectFrom("messages").select(["id", "client_id"]).orderBy("seq").execute();
    expect(rows).toEqual(stored.map(({ id, client_id }) => ({ id, client_id })));
    for (const s of stored.filter((s) => s.rowid !== undefined)) {
      expect(handle.sqlite?.prepare("select rowid from messages where id = ?").get(s.id)).toEqual({ rowid: s.rowid });
    }
    const reactions = await handle.db.selectFrom("reactions").select(["message_id", "emoji"]).execute();
    expect(reactions).toEqual([{ message_id: stored[0]?.id, emoji: "👍" }]);
  });

  it("still refuses a second message with the same sender and client id, and accepts it from another sender", async () => {
    const clientId = stored[0]?.client_id as string;
    await expect(send(alice, clientId, "again")).rejects.toSatisfy(isUniqueViolation);
    await expect(send(bob, clientId, "same client id, other sender")).resolves.toMatchObject({ seq: 4 });
    expect(await messages().findByClientId(alice, clientId)).toMatchObject({ id: stored[0]?.id });
  });

  it("finds old and new messages by search after migrating on, and indexes edits", async () => {
    await migrateTo("0006-search-index-file");
    const search = createSearchStore(handle, createLogger("silent"));
    const find = async (term: string) =>
      (await search.search({ userId: alice, terms: [term], limit: 10 })).map((m) => m.text);
    expect(await find("before the")).toEqual(["hello before the rebuild"]);
    await send(alice, randomUUID(), "after the rebuild");
    expect(await find("rebuild")).toHaveLength(2);
    await handle.db
      .updateTable("messages")
      .set({ text: "edited words" })
      .where("id", "=", stored[1]?.id as string)
      .execute();
    expect(await find("edited")).toEqual(["edited words"]);
    expect(await find("second")).toEqual([]);
  });

  it("leaves foreign keys enforced, cascading deletes included", async () => {
    if (handle.sqlite) expect(handle.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    const orphan = { conversation_id: conv, seq: 99, sender_id: randomUUID(), client_id: "x", text: "from nobody" };
    await expect(
      handle.db
        .insertInto("messages")
        .values({ ...orphan, id: randomUUID(), created_at: new Date().toISOString(), change_seq: 99 })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
    await handle.db.deleteFrom("conversations").where("id", "=", conv).execute();
    expect(await handle.db.selectFrom("messages").select("id").execute()).toEqual([]);
    expect(await handle.db.selectFrom("reactions").select("message_id").execute()).toEqual([]);
  });

  it("migrates back down to 0004 with the old idempotency index", async () => {
    await migrateTo("0004-deferred-search-index");
    const other = await insertGroup(handle.db, alice, [bob]);
    conv = other;
    const clientId = randomUUID();
    await send(alice, clientId, "after going down");
    await expect(send(alice, clientId, "again")).rejects.toSatisfy(isUniqueViolation);
    const { rows } = await sql<{ n: number }>`select count(*) as n from messages`.execute(handle.db);
    expect(Number(rows[0]?.n)).toBe(1);
    await migrateTo("0006-search-index-file");
  });
});

/** A message row with only the columns migrations 0003-0006 know, as their send path stored it. */
async function sendAsBefore0007(
  handle: DbHandle,
  conversationId: string,
  senderId: string,
  clientId: string,
  text: string,
) {
  return handle.db.transaction().execute(async (trx) => {
    const conv = await trx
      .updateTable("conversations")
      .set((eb) => ({ last_seq: eb("last_seq", "+", 1), last_change_seq: eb("last_change_seq", "+", 1) }))
      .where("id", "=", conversationId)
      .returning(["last_seq", "last_change_seq"])
      .executeTakeFirstOrThrow();
    const row = {
      id: randomUUID(),
      conversation_id: conversationId,
      seq: conv.last_seq,
      sender_id: senderId,
      client_id: clientId,
      text,
      created_at: new Date().toISOString(),
      change_seq: conv.last_change_seq,
    };
    await trx.insertInto("messages").values(row).execute();
    return row;
  });
}

// Migration 0007 keeps unchanged messages out of the change-feed index; the feed must not notice.
describe.each(dialects)("migration 0007, changed-messages index (%s)", (dialect) => {
  let storage: TestStorage;
  let handle: DbHandle;
  let migrator: Migrator;
  let alice: string;
  let bob: string;
  let conv: string;
  const old: Array<{ id: string }> = [];

  const migrateTo = async (name: string) => {
    const { error } = await whileNoSchemaIsDropped(storage, () => migrator.migrateTo(name));
    if (error) throw error;
  };
  const extras = () => createMessageExtrasStore(handle.db);
  const send = (sender: string, text: string) =>
    createMessagesStore(handle.db, handle.sqlite).insert({
      id: randomUUID(),
      conversation_id: conv,
      sender_id: sender,
      client_id: randomUUID(),
      text,
      created_at: new Date().toISOString(),
      reply_to_id: null,
    });
  const row = (id: string) =>
    handle.db.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  /** Messages whose change_seq is not the one they were created with: what the partial index holds. */
  const indexed = async () =>
    Number(
      (
        await sql<{ n: number }>`select count(*) as n from messages
          where conversation_id = ${conv} and change_seq <> created_change_seq`.execute(handle.db)
      ).rows[0]?.n,
    );

  /** For every cursor and a few page sizes: the feed as the full index answered it before. */
  async function expectTheFeedOfEveryCursor() {
    const { last_change_seq: last } = await handle.db
      .selectFrom("conversations")
      .select("last_change_seq")
      .where("id", "=", conv)
      .executeTakeFirstOrThrow();
    for (let after = 0; after <= last; after++) {
      const all = await handle.db
        .selectFrom("messages")
        .select("id")
        .where("conversation_id", "=", conv)
        .where("change_seq", ">", after)
        .orderBy("change_seq")
        .execute();
      for (const limit of [1, 2, 3, 100]) {
        const { rows, hasMore } = await extras().changesAfter(conv, after, limit);
        expect(
          rows.map((r) => r.id),
          `after ${after}, limit ${limit}`,
        ).toEqual(all.slice(0, limit).map((r) => r.id));
        expect(hasMore, `after ${after}, limit ${limit}`).toBe(all.length > limit);
      }
    }
  }

  beforeAll(async () => {
    storage = await createStorage(dialect);
    const config = parseConfig({ NODE_ENV: "test", DATA_DIR: storage.dataDir, ...storage.env });
    handle = openDatabase({ ...config.database, schema: storage.schema });
    migrator = new Migrator({
      db: handle.db,
      provider: migrationProvider,
      ...(storage.schema ? { migrationTableSchema: storage.schema } : {}),
    });
    await migrateTo("0006-search-index-file");
    alice = await insertUser(handle.db);
    bob = await insertUser(handle.db);
    conv = await insertGroup(handle.db, alice, [bob]);
    for (const text of ["old one", "old two", "old three", "old four"]) {
      old.push(await sendAsBefore0007(handle, conv, alice, randomUUID(), text));
    }
    await migrateTo("0007-changed-messages-index");
  });
  afterAll(async () => {
    await handle.close();
    await storage.drop();
  });

  it("answers the change feed as before for every cursor, over messages from before and after it", async () => {
    const sent = [];
    for (const text of ["new one", "new two", "new three", "new four", "new five"]) sent.push(await send(bob, text));
    const at = new Date().toISOString();
    await extras().edit(sent[1]!, "new two, edited", at, []);
    await extras().toggleReaction(await row(sent[3]!.id), alice, "👍", at, 10);
    await extras().edit(await row(old[0]!.id), "old one, edited", at, []);
    await send(alice, "new six");
    await expectTheFeedOfEveryCursor();
  });

  it("keeps plain sends out of the change index, and puts a message in once it changes", async () => {
    const before = await indexed();
    const plain = [await send(alice, "plain"), await send(bob, "plain too")];
    expect(await indexed()).toBe(before);
    await extras().delete(plain[0]!, new Date().toISOString());
    expect(await indexed()).toBe(before + 1);
    if (handle.sqlite) {
      const plan = handle.sqlite
        .prepare(
          "explain query plan select * from messages where conversation_id = ? and change_seq <> created_change_seq" +
            " and change_seq > ? order by change_seq limit 3",
        )
        .all(conv, 0) as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join("; ")).toContain("messages_changed_idx");
    }
  });

  it("migrates down and up again with the feed intact", async () => {
    await migrateTo("0006-search-index-file");
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from messages where conversation_id = ${conv}`.execute(handle.db);
    expect(Number(rows[0]?.n)).toBe(12);
    await migrateTo("0007-changed-messages-index");
    await expectTheFeedOfEveryCursor();
    await send(alice, "after coming back");
    await expectTheFeedOfEveryCursor();
  });
});
