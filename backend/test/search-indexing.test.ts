import { rmSync } from "node:fs";
import type SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../src/db/database.js";
import { createLogger } from "../src/logger.js";
import { createMessageExtrasStore } from "../src/messages/message-extras.store.js";
import { createSearchStore } from "../src/search/search.store.js";
import { searchFileFor } from "../src/search/sqlite-search-indexer.js";
import { insertGroup, insertMessage, insertUser, searchTexts } from "./helpers/rows.js";
import { createStorage, openStorageDb, type TestStorage } from "./helpers/server.js";

// SQLite's FTS5 index lives in its own file, kept by a worker thread behind the sends
// (migration 0006). Whatever order sends, edits, deletes and indexing come in, search must
// see exactly the stored texts, and the index must hold exactly the live messages.
describe("search index worker (sqlite)", () => {
  let storage: TestStorage;
  let handle: DbHandle;
  let sqlite: SQLite.Database;
  let search: ReturnType<typeof createSearchStore>;
  let stopIndexing: () => Promise<void>;
  const now = new Date().toISOString();
  let userId: string;

  beforeAll(async () => {
    storage = await createStorage("sqlite");
    handle = await openStorageDb(storage);
    sqlite = handle.sqlite as SQLite.Database;
    userId = await insertUser(handle.db, "indexer");
    search = createSearchStore(handle, createLogger("silent"));
    // A long interval: only searches make the worker index, unless a test says otherwise.
    stopIndexing = search.startIndexing(60_000);
  });
  afterAll(async () => {
    await stopIndexing();
    await handle.close();
    await storage.drop();
  });

  const newGroup = () => insertGroup(handle.db, userId);
  const send = (conversationId: string, text: string) => insertMessage(handle, conversationId, userId, text, now);
  const find = (term: string) => searchTexts(search, userId, term);
  const indexedUpto = () =>
    (sqlite.prepare("SELECT indexed_upto AS upto FROM search.index_state").get() as { upto: number }).upto;
  const newestRowid = () =>
    (sqlite.prepare("SELECT coalesce(max(rowid), 0) AS id FROM messages").get() as { id: number }).id;
  /** The index holds every live message under its rowid, and nothing else. */
  const expectIndexMatchesMessages = () => {
    const live = sqlite.prepare("SELECT rowid AS r FROM messages WHERE deleted_at IS NULL ORDER BY rowid").all();
    const indexed = sqlite.prepare("SELECT rowid AS r FROM search.messages_fts ORDER BY rowid").all();
    expect(indexed).toEqual(live);
    expect(() =>
      sqlite.exec("INSERT INTO search.messages_fts (messages_fts, rank) VALUES ('integrity-check', 0)"),
    ).not.toThrow();
  };

  it("finds a message as soon as it is stored, and an edit made before or after indexing", async () => {
    const conv = await newGroup();
    const early = await send(conv, "quokka before indexing");
    const later = await send(conv, "wombat after indexing");

    const extras = createMessageExtrasStore(handle.db);
    await extras.edit(early, "numbat edited unindexed", now, []);
    expect(await find("quokka")).toEqual([]);
    expect(await find("numbat")).toEqual(["numbat edited unindexed"]);
    expect(indexedUpto()).toBe(newestRowid());

    await extras.edit(later, "platypus edited indexed", now, []);
    expect(await find("wombat")).toEqual([]);
    expect(await find("platypus")).toEqual(["platypus edited indexed"]);
    expectIndexMatchesMessages();
    // Indexed changes are pruned by the server once the worker reports them.
    await expect
      .poll(() => (sqlite.prepare("SELECT count(*) AS n FROM search_changes").get() as { n: number }).n)
      .toBe(0);
  });

  it("drops deleted messages and indexes new rows that reuse their rowids", async () => {
    const doomed = await newGroup();
    await send(doomed, "echidna one");
    await send(doomed, "echidna two");
    expect(await find("echidna")).toHaveLength(2);
    const upto = indexedUpto();

    // Deleting the conversation deletes its messages, the newest rows of the table.
    sqlite.prepare("DELETE FROM conversations WHERE id = ?").run(doomed);
    expect(await find("echidna")).toEqual([]);
    expect(indexedUpto()).toBe(newestRowid());
    expect(indexedUpto()).toBeLessThan(upto);

    const kept = await newGroup();
    await send(kept, "echidna three reuses a rowid");
    await send(kept, "echidna four reuses another");
    expect(await find("echidna")).toEqual(["echidna four reuses another", "echidna three reuses a rowid"]);
    expectIndexMatchesMessages();
  });

  it("drops soft-deleted messages from the index", async () => {
    const conv = await newGroup();
    const gone = await send(conv, "dugong to be deleted");
    expect(await find("dugong")).toHaveLength(1);
    sqlite.prepare("UPDATE messages SET deleted_at = ?, text = '' WHERE id = ?").run(now, gone.id);
    expect(await find("dugong")).toEqual([]);
    expectIndexMatchesMessages();
  });

  it("catches up in the background without a search", async () => {
    const background = createSearchStore(handle, createLogger("silent"));
    await stopIndexing();
    stopIndexing = background.startIndexing(20);
    const conv = await newGroup();
    for (let i = 0; i < 1_200; i++) void send(conv, `bulk message ${i}`);
    await send(conv, "last of the bulk");
    await expect.poll(indexedUpto, { timeout: 5_000 }).toBe(newestRowid());
    expectIndexMatchesMessages();
  });

  it("rebuilds the index from scratch when its file is gone", async () => {
    await stopIndexing();
    sqlite.exec("DETACH DATABASE search");
    for (const suffix of ["", "-wal", "-shm"]) rmSync(searchFileFor(handle.file as string) + suffix, { force: true });
    search = createSearchStore(handle, createLogger("silent"));
    stopIndexing = search.startIndexing(60_000);
    expect(await find("platypus")).toEqual(["platypus edited indexed"]);
    expectIndexMatchesMessages();
  });
});
