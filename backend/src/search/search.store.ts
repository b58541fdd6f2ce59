import { sql } from "kysely";
import type { DbHandle } from "../db/database.js";
import type { Logger } from "../logger.js";
import type { MessageRow } from "../messages/messages.store.js";
import { createSqliteSearchIndexer } from "./sqlite-search-indexer.js";

export interface SearchCursor {
  createdAt: string;
  conversationId: string;
  seq: number;
}

export interface SearchFilter {
  userId: string;
  terms: string[];
  conversationId?: string;
  /** Keyset cursor: results strictly after this one in (created_at, conversation, seq) descending order. */
  before?: SearchCursor;
  limit: number;
}

const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** An FTS5 string literal: the term as one phrase, quotes doubled. */
const ftsPhrase = (term: string) => `"${term.replace(/"/g, '""')}"`;

/**
 * Messages of conversations the user is a member of now, matching every term, newest first.
 * SQLite: the FTS5 trigram index for terms of 3+ characters, LIKE for shorter ones.
 * PostgreSQL: word match through the full-text index, or substring match through the
 * trigram index (partial words, CJK). SQLite's index is kept by a worker thread behind the
 * sends (sqlite-search-indexer.ts); a search first has it index whatever is not yet in it.
 */
export function createSearchStore(database: DbHandle, logger: Logger) {
  const { db, dialect } = database;
  const indexer =
    database.sqlite && database.file ? createSqliteSearchIndexer(database.sqlite, database.file, logger) : undefined;
  return {
    /** Starts background indexing where the database needs it; returns the stop function. */
    startIndexing(intervalMs?: number): () => Promise<void> {
      return indexer ? indexer.start(intervalMs) : async () => {};
    },

    async search(f: SearchFilter): Promise<MessageRow[]> {
      await indexer?.catchUp();
      let q = db
        .selectFrom("messages as m")
        .innerJoin("conversation_members as cm", (j) =>
          j.onRef("cm.conversation_id", "=", "m.conversation_id").on("cm.user_id", "=", f.userId),
        )
        .selectAll("m")
        .where("m.deleted_at", "is", null);
      if (f.conversationId) q = q.where("m.conversation_id", "=", f.conversationId);
      if (f.before) {
        const { createdAt, conversationId, seq } = f.before;
        // Same-millisecond messages are ordered by conversation, then seq: a total, stable order.
        q = q.where((eb) =>
          eb.or([
            eb("m.created_at", "<", createdAt),
            eb.and([eb("m.created_at", "=", createdAt), eb("m.conversation_id", "<", conversationId)]),
            eb.and([
              eb("m.created_at", "=", createdAt),
              eb("m.conversation_id", "=", conversationId),
              eb("m.seq", "<", seq),
            ]),
          ]),
        );
      }
      if (dialect === "sqlite") {
        const long = f.terms.filter((t) => [...t].length >= 3);
        const short = f.terms.filter((t) => [...t].length < 3);
        if (long.length > 0) {
          const match = long.map(ftsPhrase).join(" AND ");
          q = q.where(
            sql<boolean>`m.rowid in (select rowid from search.messages_fts where messages_fts match ${match})`,
          );
        }
        for (const t of short) q = q.where(sql<boolean>`lower(m.text) like ${likePattern(t)} escape '\\'`);
      } else {
        const words = f.terms.join(" ");
        const substrings = f.terms.map((t) => sql`m.text ilike ${likePattern(t)}`);
        q = q.where(
          sql<boolean>`(to_tsvector('simple', m.text) @@ plainto_tsquery('simple', ${words}) or (${sql.join(substrings, sql` and `)}))`,
        );
      }
      return q
        .orderBy("m.created_at", "desc")
        .orderBy("m.conversation_id", "desc")
        .orderBy("m.seq", "desc")
        .limit(f.limit)
        .execute();
    },
  };
}
export type SearchStore = ReturnType<typeof createSearchStore>;
