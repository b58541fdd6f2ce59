import type SQLite from "better-sqlite3";
import type { Selectable } from "kysely";
import type { Db } from "../db/database.js";
import type { MessagesTable } from "../db/schema/messages.js";
import type { NewMessageRow } from "./new-message-row.js";
import { createPgSendBatcher } from "./pg-send-batcher.js";
import { createSqliteSendBatcher } from "./sqlite-send-batcher.js";

export type MessageRow = Selectable<MessagesTable>;

export class NotAMemberError extends Error {}

/** `sqlite`, the raw handle when the database is SQLite, takes sends off Kysely (a measured hot path). */
export function createMessagesStore(db: Db, sqlite?: SQLite.Database) {
  // Both group-commit, with raw statements on the measured hot path.
  const notAMember = () => new NotAMemberError();
  const batcher = sqlite
    ? createSqliteSendBatcher(sqlite, notAMember, {
        // In the queue for the one connection with Kysely's queries and transactions.
        withConnection: (flush) => db.connection().execute(async () => flush()),
      })
    : createPgSendBatcher(db, notAMember);
  return {
    findByClientId(senderId: string, clientId: string) {
      return db
        .selectFrom("messages")
        .selectAll()
        .where("sender_id", "=", senderId)
        .where("client_id", "=", clientId)
        .executeTakeFirst();
    },

    /**
     * Takes the next seq and stores the message in one transaction. The sender's read
     * position moves to it in the same step, which doubles as an atomic membership check:
     * a sender removed a moment ago updates no row and the whole send rolls back.
     * Attachment links, when given, are stored in the same transaction. Sends are
     * group-committed with the others of the moment; a failing one undoes only itself.
     */
    async insert(row: NewMessageRow, attachmentIds?: readonly string[]): Promise<MessageRow> {
      return batcher.insert(row, attachmentIds);
    },

    /** One page in ascending seq order, and whether more exist beyond it in the walked direction. */
    async page(conversationId: string, q: { before?: number; after?: number; limit: number }) {
      let query = db.selectFrom("messages").selectAll().where("conversation_id", "=", conversationId);
      if (q.after !== undefined) query = query.where("seq", ">", q.after);
      if (q.before !== undefined) query = query.where("seq", "<", q.before);
      // With `after` we walk forward from it; otherwise backward from `before` (or the end).
      const forward = q.after !== undefined;
      const rows = await query
        .orderBy("seq", forward ? "asc" : "desc")
        .limit(q.limit + 1)
        .execute();
      const hasMore = rows.length > q.limit;
      const page = rows.slice(0, q.limit);
      if (!forward) page.reverse();
      return { rows: page, hasMore };
    },

    async lastMessages(conversationIds: readonly string[]): Promise<MessageRow[]> {
      if (conversationIds.length === 0) return [];
      return db
        .selectFrom("messages as m")
        .innerJoin("conversations as c", (j) =>
          j.onRef("c.id", "=", "m.conversation_id").onRef("c.last_seq", "=", "m.seq"),
        )
        .selectAll("m")
        .where("c.id", "in", conversationIds)
        .execute();
    },
  };
}
export type MessagesStore = ReturnType<typeof createMessagesStore>;
