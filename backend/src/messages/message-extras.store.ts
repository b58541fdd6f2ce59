import { type Kysely, sql, type Transaction } from "kysely";
import type { Db } from "../db/database.js";
import type { Database } from "../db/schema/index.js";
import type { MessageRow } from "./messages.store.js";

export interface QuoteRow {
  id: string;
  seq: number;
  sender_id: string;
  text: string;
  deleted_at: string | null;
}

/** Edits, deletes, reactions, mentions and the change feed: everything after a message is sent. */
export function createMessageExtrasStore(db: Db) {
  /** Gives the message the conversation's next change_seq, inside the caller's transaction. */
  async function touch(trx: Transaction<Database> | Kysely<Database>, row: MessageRow): Promise<number> {
    const conv = await trx
      .updateTable("conversations")
      .set((eb) => ({ last_change_seq: eb("last_change_seq", "+", 1) }))
      .where("id", "=", row.conversation_id)
      .returning("last_change_seq")
      .executeTakeFirstOrThrow();
    await trx.updateTable("messages").set({ change_seq: conv.last_change_seq }).where("id", "=", row.id).execute();
    return conv.last_change_seq;
  }

  const reload = (trx: Transaction<Database>, id: string) =>
    trx.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  return {
    findById(id: string) {
      return db.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirst();
    },

    async edit(row: MessageRow, text: string, editedAt: string, mentionIds: string[]): Promise<MessageRow> {
      return db.transaction().execute(async (trx) => {
        await trx.updateTable("messages").set({ text, edited_at: editedAt }).where("id", "=", row.id).execute();
        await trx.deleteFrom("message_mentions").where("message_id", "=", row.id).execute();
        await insertMentions(trx, row, mentionIds);
        await touch(trx, row);
        return reload(trx, row.id);
      });
    },

    /** Tombstones the message: text, attachments, reactions and mentions are removed, seq stays. */
    async delete(row: MessageRow, deletedAt: string): Promise<{ row: MessageRow; attachmentIds: string[] }> {
      return db.transaction().execute(async (trx) => {
        await trx.updateTable("messages").set({ text: "", deleted_at: deletedAt }).where("id", "=", row.id).execute();
        const links = await trx
          .deleteFrom("message_attachments")
          .where("message_id", "=", row.id)
          .returning("attachment_id")
          .execute();
        await trx.deleteFrom("reactions").where("message_id", "=", row.id).execute();
        await trx.deleteFrom("message_mentions").where("message_id", "=", row.id).execute();
        await touch(trx, row);
        return { row: await reload(trx, row.id), attachmentIds: links.map((l) => l.attachment_id) };
      });
    },

    /**
     * Adds the user's reaction, or removes it if present. Returns undefined when adding would
     * exceed the distinct-emoji bound.
     */
    async toggleReaction(row: MessageRow, userId: string, emoji: string, at: string, maxDistinct: number) {
      return db.transaction().execute(async (trx) => {
        const removed = await trx
          .deleteFrom("reactions")
          .where("message_id", "=", row.id)
          .where("user_id", "=", userId)
          .where("emoji", "=", emoji)
          .executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) {
          const distinct = await trx
            .selectFrom("reactions")
            .select("emoji")
            .distinct()
            .where("message_id", "=", row.id)
            .execute();
          if (!distinct.some((d) => d.emoji === emoji) && distinct.length >= maxDistinct) return undefined;
          await trx
            .insertInto("reactions")
            .values({ message_id: row.id, user_id: userId, emoji, created_at: at })
            .execute();
        }
        await touch(trx, row);
        return reload(trx, row.id);
      });
    },

    async addMentions(row: MessageRow, userIds: string[]) {
      await insertMentions(db, row, userIds);
    },

    /**
     * Messages changed after a change_seq (creation included), oldest change first. Those
     * changed since they were sent are in the change index; the others still have the
     * change_seq they were created with (migration 0007), which grows with seq, so they are
     * the conversation's unchanged messages from the first seq created after the cursor on.
     * One snapshot for both reads, so that a message changing meanwhile is in one of them.
     */
    async changesAfter(conversationId: string, after: number, limit: number) {
      const rows = await db
        .transaction()
        .setIsolationLevel("repeatable read")
        .execute(async (trx) => {
          const changed = await trx
            .selectFrom("messages")
            .selectAll()
            .where("conversation_id", "=", conversationId)
            .where(sql<boolean>`change_seq <> created_change_seq`)
            .where("change_seq", ">", after)
            .orderBy("change_seq")
            .limit(limit + 1)
            .execute();
          const from = await firstSeqCreatedAfter(trx, conversationId, after);
          if (from === undefined) return changed;
          const unchanged = await trx
            .selectFrom("messages")
            .selectAll()
            .where("conversation_id", "=", conversationId)
            .where("seq", ">=", from)
            .where(sql<boolean>`change_seq = created_change_seq`)
            .where("change_seq", ">", after)
            .orderBy("seq")
            .limit(limit + 1)
            .execute();
          return [...changed, ...unchanged].sort((a, b) => a.change_seq - b.change_seq);
        });
      return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
    },

    async lastChangeSeq(conversationId: string): Promise<number> {
      const row = await db
        .selectFrom("conversations")
        .select("last_change_seq")
        .where("id", "=", conversationId)
        .executeTakeFirst();
      return row?.last_change_seq ?? 0;
    },

    async reactionsFor(messageIds: readonly string[]) {
      if (messageIds.length === 0) return [];
      return db
        .selectFrom("reactions")
        .select(["message_id", "user_id", "emoji"])
        .where("message_id", "in", messageIds)
        .orderBy("created_at")
        .execute();
    },

    async mentionsFor(messageIds: readonly string[]) {
      if (messageIds.length === 0) return [];
      return db
        .selectFrom("message_mentions")
        .select(["message_id", "user_id"])
        .where("message_id", "in", messageIds)
        .execute();
    },

    async quotesFor(ids: readonly string[]): Promise<QuoteRow[]> {
      if (ids.length === 0) return [];
      return db
        .selectFrom("messages")
        .select(["id", "seq", "sender_id", "text", "deleted_at"])
        .where("id", "in", ids)
        .execute();
    },

    /** Per member of one conversation: their mentions above their read position. */
    async mentionCountsByUser(conversationId: string): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom("message_mentions as mm")
        .innerJoin("conversation_members as m", (j) =>
          j.onRef("m.conversation_id", "=", "mm.conversation_id").onRef("m.user_id", "=", "mm.user_id"),
        )
        .select(["mm.user_id", (eb) => eb.fn.countAll<number>().as("n")])
        .where("mm.conversation_id", "=", conversationId)
        .whereRef("mm.seq", ">", "m.last_read_seq")
        .groupBy("mm.user_id")
        .execute();
      return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
    },

    /** Per conversation: mentions of the user above their read position. */
    async unreadMentionCounts(userId: string): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom("message_mentions as mm")
        .innerJoin("conversation_members as m", (j) =>
          j.onRef("m.conversation_id", "=", "mm.conversation_id").onRef("m.user_id", "=", "mm.user_id"),
        )
        .select(["mm.conversation_id", (eb) => eb.fn.countAll<number>().as("n")])
        .where("mm.user_id", "=", userId)
        .whereRef("mm.seq", ">", "m.last_read_seq")
        .groupBy("mm.conversation_id")
        .execute();
      return new Map(rows.map((r) => [r.conversation_id, Number(r.n)]));
    },
  };
}

async function insertMentions(trx: Kysely<Database>, row: MessageRow, userIds: string[]) {
  if (userIds.length === 0) return;
  await trx
    .insertInto("message_mentions")
    .values(
      userIds.map((user_id) => ({ message_id: row.id, user_id, conversation_id: row.conversation_id, seq: row.seq })),
    )
    .execute();
}

export type MessageExtrasStore = ReturnType<typeof createMessageExtrasStore>;

/**
 * The lowest seq whose message was created after change_seq `after`, or undefined when none
 * was: a binary search by seq, since created_change_seq grows with seq (0 for messages older
 * than migration 0007). A seq with no message counts as created after, so a gap can only make
 * the answer lower, which costs the caller rows it filters out, never rows it misses.
 */
async function firstSeqCreatedAfter(
  trx: Transaction<Database>,
  conversationId: string,
  after: number,
): Promise<number | undefined> {
  const createdWith = async (seq: number) =>
    (
      await trx
        .selectFrom("messages")
        .select("created_change_seq")
        .where("conversation_id", "=", conversationId)
        .where("seq", "=", seq)
        .executeTakeFirst()
    )?.created_change_seq;
  const last =
    (await trx.selectFrom("conversations").select("last_seq").where("id", "=", conversationId).executeTakeFirst())
      ?.last_seq ?? 0;
  const newest = last > 0 ? await createdWith(last) : undefined;
  if (last === 0 || (newest !== undefined && newest <= after)) return undefined;
  // Invariant: the message at `low` (0: none) was created at or before `after`; `high` after.
  let low = 0;
  let high = last;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const created = await createdWith(mid);
    if (created !== undefined && created <= after) low = mid;
    else high = mid;
  }
  return high;
}
