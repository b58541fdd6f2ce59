import type { Kysely, Transaction } from "kysely";
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

    /** Messages changed after a change_seq (creation included), oldest change first. */
    async changesAfter(conversationId: string, after: number, limit: number) {
      const rows = await db
        .selectFrom("messages")
        .selectAll()
        .where("conversation_id", "=", conversationId)
        .where("change_seq", ">", after)
        .orderBy("change_seq")
        .limit(limit + 1)
        .execute();
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
