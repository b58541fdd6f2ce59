import type SQLite from "better-sqlite3";
import type { Logger } from "../logger.js";

/**
 * Adds new messages to the SQLite FTS5 index in bulk, off the send path (migration 0004).
 * FTS5 writes a new index segment per transaction; per send that made the search index
 * the most expensive part of storing a message. In chunks of 200 it costs a fifth, and one
 * chunk holds the event loop for a few milliseconds at most.
 * A timer keeps the index a fraction of a second behind, and search catches up
 * before it queries, so a message is found as soon as it is acknowledged.
 */
export function createSqliteSearchIndexer(sqlite: SQLite.Database, logger: Logger, chunk = 200) {
  let indexChunk: ReturnType<typeof prepare> | undefined;

  // Prepared on first use: the indexer may be built before migrations have run.
  function prepare() {
    const mark = sqlite.prepare<[], { upto: number; newest: number }>(
      "SELECT indexed_upto AS upto, (SELECT coalesce(max(rowid), 0) FROM messages) AS newest FROM search_index_state",
    );
    const index = sqlite.prepare<[number, number]>(
      "INSERT INTO messages_fts (rowid, text) SELECT rowid, text FROM messages WHERE rowid > ? AND rowid <= ?",
    );
    const advance = sqlite.prepare<[number]>("UPDATE search_index_state SET indexed_upto = ?");
    /** Indexes the next chunk; true while more is left. */
    return sqlite.transaction((): boolean => {
      const state = mark.get();
      if (!state || state.newest <= state.upto) return false;
      const to = Math.min(state.newest, state.upto + chunk);
      index.run(state.upto, to);
      advance.run(to);
      return to < state.newest;
    });
  }
  const step = () => {
    indexChunk ??= prepare();
    return indexChunk();
  };

  return {
    /** Makes every stored message searchable. */
    catchUp() {
      while (step()) {}
    },

    /** Indexes in the background, one chunk per event-loop turn; returns the stop function. */
    start(intervalMs = 250): () => void {
      let running = false;
      let stopped = false;
      const run = () => {
        if (stopped) return;
        try {
          if (step()) return void setImmediate(run);
        } catch (err) {
          logger.error({ err }, "search indexing failed");
        }
        running = false;
      };
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        run();
      }, intervalMs);
      timer.unref();
      return () => {
        stopped = true;
        clearInterval(timer);
      };
    },
  };
}
