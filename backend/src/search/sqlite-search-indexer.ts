import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type SQLite from "better-sqlite3";
import type { Logger } from "../logger.js";

// Runs in a worker thread with its own connection. Plain CommonJS so it needs no build step.
// The index lives in its own database file, so the worker's writes never take the chat
// database's write lock: sends and indexing never wait for each other.
const source = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const { searchFile, chatFile, chunk, intervalMs } = workerData;
const db = new Database(searchFile);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("busy_timeout = 5000");
db.prepare("ATTACH DATABASE ? AS chat").run(chatFile);
db.exec(\`
  CREATE VIRTUAL TABLE IF NOT EXISTS main.messages_fts
    USING fts5(text, content = '', contentless_delete = 1, tokenize = 'trigram');
  CREATE TABLE IF NOT EXISTS main.index_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_upto INTEGER NOT NULL,
    changes_upto INTEGER NOT NULL
  );
  INSERT OR IGNORE INTO main.index_state (id, indexed_upto, changes_upto) VALUES (1, 0, 0);
\`);
// The newest indexed message, to tell at start-up whether the chat database is still the one
// indexed (see indexIsStale). Indexes made before this column get it here.
const columns = db.prepare("SELECT name FROM pragma_table_info('index_state', 'main')").all().map((c) => c.name);
if (!columns.includes("last_id")) {
  db.exec("ALTER TABLE main.index_state ADD COLUMN last_id TEXT; ALTER TABLE main.index_state ADD COLUMN last_rowid INTEGER");
}
const state = db.prepare("SELECT indexed_upto AS upto, changes_upto AS changes FROM main.index_state");
const newest = db.prepare("SELECT coalesce(max(rowid), 0) AS n FROM chat.messages");
const changed = db.prepare("SELECT id, message_rowid AS r FROM chat.search_changes WHERE id > ? ORDER BY id LIMIT ?");
const unindex = db.prepare("DELETE FROM main.messages_fts WHERE rowid = ?");
const reindex = db.prepare(
  "INSERT INTO main.messages_fts (rowid, text) SELECT rowid, text FROM chat.messages WHERE rowid = ? AND deleted_at IS NULL",
);
const indexRange = db.prepare(
  "INSERT INTO main.messages_fts (rowid, text) SELECT rowid, text FROM chat.messages" +
    " WHERE rowid > ? AND rowid <= ? AND deleted_at IS NULL",
);
const newestUpTo = db.prepare("SELECT rowid AS r, id FROM chat.messages WHERE rowid <= ? ORDER BY rowid DESC LIMIT 1");
const save = db.prepare(
  "UPDATE main.index_state SET indexed_upto = ?, changes_upto = ?, last_id = ?, last_rowid = ?",
);

// One chunk: edited and deleted messages first, then new ones, in one snapshot of both files.
const step = db.transaction(() => {
  const s = state.get();
  const changes = changed.all(s.changes, chunk);
  for (const c of changes) {
    unindex.run(c.r);
    if (c.r <= s.upto) reindex.run(c.r);
  }
  const n = newest.get().n;
  // Deleting the newest rows lets SQLite hand their rowids out again: rows above the
  // newest one left must not count as indexed.
  const from = Math.min(s.upto, n);
  const to = Math.min(n, from + chunk);
  if (to > from) indexRange.run(from, to);
  const changesUpto = changes.length ? changes[changes.length - 1].id : s.changes;
  const last = newestUpTo.get(to);
  save.run(to, changesUpto, last ? last.id : null, last ? last.r : null);
  return { more: changes.length === chunk || to < n, changesUpto, changed: changes.length > 0 };
});

function run() {
  let r;
  do {
    r = step();
    // The main connection deletes the listed changes once they are indexed.
    if (r.changed) parentPort.postMessage({ changesUpto: r.changesUpto });
  } while (r.more);
}

const timer = setInterval(() => {
  try {
    run();
  } catch (err) {
    parentPort.postMessage({ failed: String(err) });
  }
}, intervalMs);
parentPort.on("message", (m) => {
  if (m === "stop") {
    clearInterval(timer);
    db.close();
    parentPort.close();
    return;
  }
  try {
    run();
    parentPort.postMessage({ caughtUp: m.catchUp });
  } catch (err) {
    parentPort.postMessage({ caughtUp: m.catchUp, failed: String(err) });
  }
});
parentPort.postMessage({ ready: true });
`;

/** The search index's file, beside the chat database: `chat.db` -> `chat.search.db`. */
export const searchFileFor = (chatFile: string) => chatFile.replace(/(\.db)?$/, ".search.db");

/**
 * Whether the attached index holds what the chat database does not, as after a backup of the
 * chat database is restored beside a newer index: its entries would then match rowids that
 * hold other messages now. The index remembers the last change it applied and the newest
 * message it indexed; a database without that change or that message (at its rowid) is not
 * the one it indexed, unless the message's deletion is listed and still to apply.
 */
function indexIsStale(sqlite: SQLite.Database): boolean {
  const hasState = sqlite.prepare("SELECT 1 FROM search.sqlite_master WHERE name = 'index_state'").get();
  if (!hasState) return false;
  const columns = sqlite.prepare("SELECT name FROM pragma_table_info('index_state', 'search')").all() as Array<{
    name: string;
  }>;
  const withLast = columns.some((c) => c.name === "last_id");
  const state = sqlite
    .prepare(
      `SELECT changes_upto AS changes, ${withLast ? "last_id" : "NULL"} AS id, ${withLast ? "last_rowid" : "NULL"} AS r` +
        " FROM search.index_state",
    )
    .get() as { changes: number; id: string | null; r: number | null } | undefined;
  if (!state) return false;
  const lastChange = (
    sqlite
      .prepare("SELECT coalesce(max(seq), 0) AS n FROM main.sqlite_sequence WHERE name = 'search_changes'")
      .get() as {
      n: number;
    }
  ).n;
  if (state.changes > lastChange) return true;
  if (state.id === null || state.r === null) return false;
  const row = sqlite.prepare("SELECT rowid AS r FROM main.messages WHERE id = ?").get(state.id) as
    | { r: number }
    | undefined;
  if (row?.r === state.r) return false;
  const deletionToApply = sqlite
    .prepare("SELECT 1 FROM main.search_changes WHERE id > ? AND message_rowid = ?")
    .get(state.changes, state.r);
  return !deletionToApply;
}

function staleIndex(sqlite: SQLite.Database, logger: Logger): boolean {
  try {
    return indexIsStale(sqlite);
  } catch (err) {
    // A check that cannot run must not keep the server from starting; the index stays.
    logger.warn({ err }, "could not check the search index against the chat database");
    return false;
  }
}

/**
 * Keeps the SQLite FTS5 trigram index of message texts, from a worker thread. The index is
 * derived data in its own file (deleting it rebuilds it): the worker reads new rows from
 * the chat database and the rows that edits and deletes listed in `search_changes`
 * (migration 0006), and writes the index in chunks. Indexing costs 5-50 µs a message
 * depending on the text, and FTS5 merges its segments now and then for tens of
 * milliseconds; none of that runs on the event loop any more.
 * A search first asks the worker to catch up, so a message is found as soon as it is
 * acknowledged. The main connection attaches the index as `search` to query it.
 */
export function createSqliteSearchIndexer(
  sqlite: SQLite.Database,
  chatFile: string,
  logger: Logger,
  { chunk = 500 } = {},
) {
  const searchFile = searchFileFor(chatFile);
  const databases = sqlite.pragma("database_list") as Array<{ name: string }>;
  const attached = databases.some((d) => d.name === "search");
  // Attached now, at start-up, outside any transaction (ATTACH cannot run inside one).
  if (!attached) {
    sqlite.prepare("ATTACH DATABASE ? AS search").run(searchFile);
    if (staleIndex(sqlite, logger)) {
      logger.warn({ searchFile }, "the search index is of other data (a restored database?): rebuilding it");
      sqlite.exec("DETACH DATABASE search");
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${searchFile}${suffix}`, { force: true });
      sqlite.prepare("ATTACH DATABASE ? AS search").run(searchFile);
    }
  }
  let prune: SQLite.Statement<[number]> | undefined;
  let intervalMs = 250;

  let worker: Worker | undefined;
  let ready: Promise<void> | undefined;
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let nextRequest = 0;

  function failAll(err: Error) {
    for (const request of waiting.values()) request.reject(err);
    waiting.clear();
  }

  function started(): Promise<void> {
    if (ready) return ready;
    const module = createRequire(import.meta.url).resolve("better-sqlite3");
    const w = new Worker(source, { eval: true, workerData: { module, searchFile, chatFile, chunk, intervalMs } });
    worker = w;
    w.unref();
    ready = new Promise((resolve, reject) => {
      w.on("message", (m: { ready?: true; caughtUp?: number; changesUpto?: number; failed?: string }) => {
        if (m.ready) resolve();
        if (m.changesUpto !== undefined) {
          try {
            prune ??= sqlite.prepare("DELETE FROM search_changes WHERE id <= ?");
            prune.run(m.changesUpto);
          } catch {
            // Busy or closing: the next change prunes these too.
          }
        }
        if (m.failed) logger.error({ err: m.failed }, "search indexing failed");
        if (m.caughtUp === undefined) return;
        const request = waiting.get(m.caughtUp);
        waiting.delete(m.caughtUp);
        if (m.failed) request?.reject(new Error(`search indexing failed: ${m.failed}`));
        else request?.resolve();
      });
      w.on("error", (err) => {
        logger.error({ err }, "search indexer stopped");
        reject(err);
        failAll(err);
      });
      w.on("exit", () => {
        worker = undefined;
        ready = undefined;
        failAll(new Error("search indexer stopped"));
      });
    });
    return ready;
  }

  return {
    /** Resolves once every message stored so far is searchable. */
    async catchUp(): Promise<void> {
      await started();
      const id = ++nextRequest;
      await new Promise<void>((resolve, reject) => {
        if (!worker) return reject(new Error("search indexer stopped"));
        waiting.set(id, { resolve, reject });
        worker.postMessage({ catchUp: id });
      });
    },

    /** Indexes in the background from now on; the returned function stops the worker. */
    start(everyMs = intervalMs): () => Promise<void> {
      if (!worker) intervalMs = everyMs;
      started().catch(() => {});
      return async () => {
        const w = worker;
        if (!w) return;
        const exited = new Promise((resolve) => w.once("exit", resolve));
        w.postMessage("stop");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
        await w.terminate();
      };
    },
  };
}
