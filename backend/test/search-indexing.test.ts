import { randomUUID } from "node:crypto";
import type SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../src/db/database.js";
import { createLogger } from "../src/logger.js";
import { createMessageExtrasStore } from "../src/messages/message-extras.store.js";
import { createMessagesStore } from "../src/messages/messages.store.js";
import { createSearchStore } from "../src/search/search.store.js";
import { insertGroup, insertUser } from "./helpers/rows.js";
import { createStorage, openStorageDb, type TestStorage } from "./helpers/server.js";

// SQLite fills its FTS5 index in bulk behind the sends (migration 0004). Whatever order
// sends, edits, deletes and indexing come in, search must see exactly the stored texts and
// the index must match the messages table (FTS5's own integrity check compares the two).
describe("deferred search index (sqlite)", () => {
  let storage: TestStorage;
  let handle: DbHandle;
  let sqlite: SQLite.Database;
  const now = new Date().toISOString();
  let userId: string;

  beforeAll(async () => {
    storage = await createStorage("sqlite");
    handle = await openStorageDb(storage);
    sqlite = handle.sqlite as SQLite.Database;
    userId = await insertUser(handle.db, "indexer");
  });
  afterAll(async () => {
    await handle.close();
    await storage.drop();
  });

  const newGroup = () => insertGroup(handle.db, userId);
  const send = (conversationId: string, text: string) =>
    createMessagesStore(handle.db, sqlite).insert({
      id: randomUUID(),
      conversation_id: conversationId,
      sender_id: userId,
      client_id: randomUUID(),
      text,
      created_at: now,
      reply_to_id: null,
    });
  const search = () => createSearchStore(handle, createLogger("silent"));
  const find = async (term: string) =>
    (await search().search({ userId, terms: [term], limit: 50 })).map((m) => m.text).sort();
  const indexedUpto = () =>
    (sqlite.prepare("SELECT indexed_upto AS upto FROM search_index_state").get() as { upto: number }).upto;
  const newestRowid = () =>
    (sqlite.prepare("SELECT coalesce(max(rowid), 0) AS id FROM messages").get() as { id: number }).id;
  const expectIndexMatchesMessages = () =>
    expect(() =>
      sqlite.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"),
    ).not.toThrow();

  it("finds a message as soon as it is stored, and an edit made before or after indexing", async () => {
    const conv = await newGroup();
    const early = await send(conv, "quokka before indexing");
    const later = await send(conv, "wombat after indexing");
    expect(indexedUpto()).toBeLessThan(newestRowid());

    const extras = createMessageExtrasStore(handle.db);
    await extras.edit(early, "numbat edited unindexed", now, []);
    expect(await find("quokka")).toEqual([]);
    expect(await find("numbat")).toEqual(["numbat edited unindexed"]);
    expect(indexedUpto()).toBe(newestRowid());

    await extras.edit(later, "platypus edited indexed", now, []);
    expect(await find("wombat")).toEqual([]);
    expect(await find("platypus")).toEqual(["platypus edited indexed"]);
    expectIndexMatchesMessages();
  });

  it("indexes new rows that reuse the rowids of deleted, already indexed ones", async () => {
    const doomed = await newGroup();
    await send(doomed, "echidna one");
    await send(doomed, "echidna two");
    expect(await find("echidna")).toHaveLength(2);
    const upto = indexedUpto();

    // Deleting the conversation deletes its messages, the newest rows of the table.
    sqlite.prepare("DELETE FROM conversations WHERE id = ?").run(doomed);
    expect(indexedUpto()).toBe(newestRowid());
    expect(indexedUpto()).toBeLessThan(upto);

    const kept = await newGroup();
    await send(kept, "echidna three reuses a rowid");
    expect(await find("echidna")).toEqual(["echidna three reuses a rowid"]);
    expectIndexMatchesMessages();
  });

  it("catches up in the background without a search", async () => {
    const stop = search().startIndexing(20);
    try {
      const conv = await newGroup();
      for (let i = 0; i < 1_200; i++) void send(conv, `bulk message ${i}`);
      await send(conv, "last of the bulk");
      const deadline = Date.now() + 5_000;
      while (indexedUpto() < newestRowid() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(indexedUpto()).toBe(newestRowid());
      expectIndexMatchesMessages();
    } finally {
      stop();
    }
  });
});
