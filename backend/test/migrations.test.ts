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
import { createStorage, dialects, whileNoSchemaIsDropped } from "./helpers/server.js";

// Migration 0005 rebuilds the messages table on SQLite: what was stored before must survive it.
describe.each(dialects)("migration 0005, send-path indexes (%s)", (dialect) => {
  let fx: ChatFixture;
  const stored: Array<{ id: string; client_id: string; rowid?: number }> = [];

  const messages = () => createMessagesStore(fx.handle.db, fx.handle.sqlite);
  // A send as these versions stored it: the store itself writes the latest schema's columns.
  const send = (sender: string, clientId: string, text: string) =>
    sendAsBefore0007(fx.handle, fx.conv, sender, clientId, text);

  beforeAll(async () => {
    fx = await chatAt(dialect, "0004-deferred-search-index");
    for (const [i, text] of ["hello before the rebuild", "second message", "third one"].entries()) {
      const row = await send(i % 2 ? fx.bob : fx.alice, randomUUID(), text);
      stored.push({ id: row.id, client_id: row.client_id });
    }
    const first = stored[0]?.id as string;
    await fx.handle.db
      .insertInto("reactions")
      .values({ message_id: first, user_id: fx.bob, emoji: "👍", created_at: new Date().toISOString() })
      .execute();
    if (fx.handle.sqlite) {
      for (const s of stored) {
        s.rowid = (
          fx.handle.sqlite.prepare("select rowid from messages where id = ?").get(s.id) as { rowid: number }
        ).rowid;
      }
    }
    await fx.migrateTo("0005-send-path-indexes");
  });
  afterAll(async () => {
    await fx.handle.close();
    await fx.storage.drop();
  });

  it("keeps every message, its rowid and its reactions", async () => {
    const rows = await fx.handle.db.selectFrom("messages").select(["id", "client_id"]).orderBy("seq").execute();
    expect(rows).toEqual(stored.map(({ id, client_id }) => ({ id, client_id })));
    for (const s of stored.filter((s) => s.rowid !== undefined)) {
      expect(fx.handle.sqlite?.prepare("select rowid from messages where id = ?").get(s.id)).toEqual({
        rowid: s.rowid,
      });
    }
    const reactions = await fx.handle.db.selectFrom("reactions").select(["message_id", "emoji"]).execute();
    expect(reactions).toEqual([{ message_id: stored[0]?.id, emoji: "👍" }]);
  });

  it("still refuses a second message with the same sender and client id, and accepts it from another sender", async () => {
    const clientId = stored[0]?.client_id as string;
    await expect(send(fx.alice, clientId, "again")).rejects.toSatisfy(isUniqueViolation);
    await expect(send(fx.bob, clientId, "same client id, other sender")).resolves.toMatchObject({ seq: 4 });
    expect(await messages().findByClientId(fx.alice, clientId)).toMatchObject({ id: stored[0]?.id });
  });

  it("finds old and new messages by search after migrating on, and indexes edits", async () => {
    await fx.migrateTo("0006-search-index-file");
    const search = createSearchStore(fx.handle, createLogger("silent"));
    const find = async (term: string) =>
      (await search.search({ userId: fx.alice, terms: [term], limit: 10 })).map((m) => m.text);
    expect(await find("before the")).toEqual(["hello before the rebuild"]);
    await send(fx.alice, randomUUID(), "after the rebuild");
    expect(await find("rebuild")).toHaveLength(2);
    await fx.handle.db
      .updateTable("messages")
      .set({ text: "edited words" })
      .where("id", "=", stored[1]?.id as string)
      .execute();
    expect(await find("edited")).toEqual(["edited words"]);
    expect(await find("second")).toEqual([]);
  });

  it("leaves foreign keys enforced, cascading deletes included", async () => {
    if (fx.handle.sqlite) expect(fx.handle.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    const orphan = { conversation_id: fx.conv, seq: 99, sender_id: randomUUID(), client_id: "x", text: "from nobody" };
    await expect(
      fx.handle.db
        .insertInto("messages")
        .values({ ...orphan, id: randomUUID(), created_at: new Date().toISOString(), change_seq: 99 })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
    await fx.handle.db.deleteFrom("conversations").where("id", "=", fx.conv).execute();
    expect(await fx.handle.db.selectFrom("messages").select("id").execute()).toEqual([]);
    expect(await fx.handle.db.selectFrom("reactions").select("message_id").execute()).toEqual([]);
  });

  it("migrates back down to 0004 with the old idempotency index", async () => {
    await fx.migrateTo("0004-deferred-search-index");
    const other = await insertGroup(fx.handle.db, fx.alice, [fx.bob]);
    fx.conv = other;
    const clientId = randomUUID();
    await send(fx.alice, clientId, "after going down");
    await expect(send(fx.alice, clientId, "again")).rejects.toSatisfy(isUniqueViolation);
    const { rows } = await sql<{ n: number }>`select count(*) as n from messages`.execute(fx.handle.db);
    expect(Number(rows[0]?.n)).toBe(1);
    await fx.migrateTo("0006-search-index-file");
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
  let fx: ChatFixture;
  const old: Array<{ id: string }> = [];

  const extras = () => createMessageExtrasStore(fx.handle.db);
  const send = (sender: string, text: string) =>
    createMessagesStore(fx.handle.db, fx.handle.sqlite).insert({
      id: randomUUID(),
      conversation_id: fx.conv,
      sender_id: sender,
      client_id: randomUUID(),
      text,
      created_at: new Date().toISOString(),
      reply_to_id: null,
    });
  const row = (id: string) =>
    fx.handle.db.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  /** Messages whose change_seq is not the one they were created with: what the partial index holds. */
  const indexed = async () =>
    Number(
      (
        await sql<{ n: number }>`select count(*) as n from messages
          where conversation_id = ${fx.conv} and change_seq <> created_change_seq`.execute(fx.handle.db)
      ).rows[0]?.n,
    );

  /** For every cursor and a few page sizes: the feed as the full index answered it before. */
  async function expectTheFeedOfEveryCursor() {
    const { last_change_seq: last } = await fx.handle.db
      .selectFrom("conversations")
      .select("last_change_seq")
      .where("id", "=", fx.conv)
      .executeTakeFirstOrThrow();
    for (let after = 0; after <= last; after++) {
      const all = await fx.handle.db
        .selectFrom("messages")
        .select("id")
        .where("conversation_id", "=", fx.conv)
        .where("change_seq", ">", after)
        .orderBy("change_seq")
        .execute();
      for (const limit of [1, 2, 3, 100]) {
        const { rows, hasMore } = await extras().changesAfter(fx.conv, after, limit);
        expect(
          rows.map((r) => r.id),
          `after ${after}, limit ${limit}`,
        ).toEqual(all.slice(0, limit).map((r) => r.id));
        expect(hasMore, `after ${after}, limit ${limit}`).toBe(all.length > limit);
      }
    }
  }

  beforeAll(async () => {
    fx = await chatAt(dialect, "0006-search-index-file");
    for (const text of ["old one", "old two", "old three", "old four"]) {
      old.push(await sendAsBefore0007(fx.handle, fx.conv, fx.alice, randomUUID(), text));
    }
    await fx.migrateTo("0007-changed-messages-index");
  });
  afterAll(async () => {
    await fx.handle.close();
    await fx.storage.drop();
  });

  it("answers the change feed as before for every cursor, over messages from before and after it", async () => {
    const sent = [];
    for (const text of ["new one", "new two", "new three", "new four", "new five"]) sent.push(await send(fx.bob, text));
    const at = new Date().toISOString();
    await extras().edit(sent[1]!, "new two, edited", at, []);
    await extras().toggleReaction(await row(sent[3]!.id), fx.alice, "👍", at, 10);
    await extras().edit(await row(old[0]!.id), "old one, edited", at, []);
    await send(fx.alice, "new six");
    await expectTheFeedOfEveryCursor();
  });

  it("keeps plain sends out of the change index, and puts a message in once it changes", async () => {
    const before = await indexed();
    const plain = [await send(fx.alice, "plain"), await send(fx.bob, "plain too")];
    expect(await indexed()).toBe(before);
    await extras().delete(plain[0]!, new Date().toISOString());
    expect(await indexed()).toBe(before + 1);
    if (fx.handle.sqlite) {
      const plan = fx.handle.sqlite
        .prepare(
          "explain query plan select * from messages where conversation_id = ? and change_seq <> created_change_seq" +
            " and change_seq > ? order by change_seq limit 3",
        )
        .all(fx.conv, 0) as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join("; ")).toContain("messages_changed_idx");
    }
  });

  it("migrates down and up again with the feed intact", async () => {
    await fx.migrateTo("0006-search-index-file");
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from messages where conversation_id = ${fx.conv}`.execute(fx.handle.db);
    expect(Number(rows[0]?.n)).toBe(12);
    await fx.migrateTo("0007-changed-messages-index");
    await expectTheFeedOfEveryCursor();
    await send(fx.alice, "after coming back");
    await expectTheFeedOfEveryCursor();
  });
});

/**
 * A fresh database of the dialect at `version`, a way to migrate it to any other, and a group
 * of two users in it.
 */
async function chatAt(dialect: (typeof dialects)[number], version: string) {
  const storage = await createStorage(dialect);
  const config = parseConfig({ NODE_ENV: "test", DATA_DIR: storage.dataDir, ...storage.env });
  const handle = openDatabase({ ...config.database, schema: storage.schema });
  const migrator = new Migrator({
    db: handle.db,
    provider: migrationProvider,
    ...(storage.schema ? { migrationTableSchema: storage.schema } : {}),
  });
  const migrateTo = async (name: string) => {
    const { error } = await whileNoSchemaIsDropped(storage, () => migrator.migrateTo(name));
    if (error) throw error;
  };
  await migrateTo(version);
  const alice = await insertUser(handle.db);
  const bob = await insertUser(handle.db);
  const conv = await insertGroup(handle.db, alice, [bob]);
  return { storage, handle, migrateTo, alice, bob, conv };
}
type ChatFixture = Awaited<ReturnType<typeof chatAt>>;
