import { copyFileSync, rmSync } from "node:fs";
import path from "node:path";
import type SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../src/db/database.js";
import { createLogger } from "../src/logger.js";
import { createMessageExtrasStore } from "../src/messages/message-extras.store.js";
import { createSearchStore } from "../src/search/search.store.js";
import { insertGroup, insertMessage, insertUser, searchTexts } from "./helpers/rows.js";
import { createStorage, openStorageDb, type TestStorage } from "./helpers/server.js";

// A backup of chat.db restored beside the newer chat.search.db (the docs say to delete it; not
// everyone will): the old index would match rowids that hold other messages now. The server
// must notice at start-up and rebuild the index, and must keep an index that is only behind.
describe("search index against a restored database (sqlite)", () => {
  let storage: TestStorage;
  let handle: DbHandle;
  let sqlite: SQLite.Database;
  let search: ReturnType<typeof createSearchStore>;
  let stopIndexing: () => Promise<void>;
  let userId: string;
  let conversationId: string;
  const now = new Date().toISOString();

  async function open() {
    handle = await openStorageDb(storage);
    sqlite = handle.sqlite as SQLite.Database;
    search = createSearchStore(handle, createLogger("silent"));
    stopIndexing = search.startIndexing(60_000);
  }
  async function close() {
    await stopIndexing();
    await handle.close();
  }
  const chatFile = () => handle.file as string;
  const send = (text: string) => insertMessage(handle, conversationId, userId, text, now);
  const find = (term: string) => searchTexts(search, userId, term);
  const indexedUpto = () =>
    (sqlite.prepare("SELECT indexed_upto AS upto FROM search.index_state").get() as { upto: number }).upto;

  beforeAll(async () => {
    storage = await createStorage("sqlite");
    await open();
    userId = await insertUser(handle.db, "restorer");
    conversationId = await insertGroup(handle.db, userId);
  });
  afterAll(async () => {
    await close();
    await storage.drop();
  });

  it("rebuilds an index newer than the restored database", async () => {
    const kept = await send("walrus before the backup");
    await send("narwhal before the backup");
    expect(await find("walrus")).toEqual(["walrus before the backup"]);
    const backup = path.join(storage.dataDir, "backup.db");
    await sqlite.backup(backup);

    // After the backup: an edit and a new message, both indexed.
    await createMessageExtrasStore(handle.db).edit(kept, "beluga edited after the backup", now, []);
    await send("orca after the backup");
    expect(await find("beluga")).toEqual(["beluga edited after the backup"]);
    expect(await find("orca")).toEqual(["orca after the backup"]);
    await close();

    const file = chatFile();
    copyFileSync(backup, file);
    for (const suffix of ["-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
    await open();
    await send("dolphin after the restore"); // takes the rowid that orca had

    expect(await find("walrus")).toEqual(["walrus before the backup"]);
    expect(await find("beluga")).toEqual([]);
    expect(await find("orca")).toEqual([]);
    expect(await find("dolphin")).toEqual(["dolphin after the restore"]);
    const live = sqlite.prepare("SELECT rowid AS r FROM messages WHERE deleted_at IS NULL ORDER BY rowid").all();
    expect(sqlite.prepare("SELECT rowid AS r FROM search.messages_fts ORDER BY rowid").all()).toEqual(live);
  });

  it("keeps an index that is only behind, the newest message's deletion still to apply", async () => {
    const newest = await send("manatee to be deleted");
    expect(await find("manatee")).toEqual(["manatee to be deleted"]);
    const upto = indexedUpto();
    // Deleted for good, then closed before the worker applies the deletion.
    sqlite.prepare("DELETE FROM messages WHERE id = ?").run(newest.id);
    await send("dugong not yet indexed");
    await close();

    await open();
    expect(indexedUpto()).toBe(upto); // the same index, not a new one
    expect(await find("manatee")).toEqual([]);
    expect(await find("dugong")).toEqual(["dugong not yet indexed"]);
    expect(await find("walrus")).toEqual(["walrus before the backup"]);
  });
});
