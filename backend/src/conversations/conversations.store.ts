import type { Role } from "@chat/protocol";
import type { Selectable } from "kysely";
import type { Db } from "../db/database.js";
import type { ConversationsTable } from "../db/schema/conversations.js";

export type ConversationRow = Selectable<ConversationsTable>;

export interface MemberRow {
  conversation_id: string;
  role: Role;
  last_read_seq: number;
  muted: number;
  id: string;
  username: string;
  display_name: string;
  avatar_url: string | null;
  last_seen_at: string | null;
}

export function createConversationsStore(db: Db) {
  return {
    findById(id: string) {
      return db.selectFrom("conversations").selectAll().where("id", "=", id).executeTakeFirst();
    },
    findByDirectKey(key: string) {
      return db.selectFrom("conversations").selectAll().where("direct_key", "=", key).executeTakeFirst();
    },

    /** Inserts the pair's conversation unless a concurrent call already did; either way returns it. */
    async createDirect(row: ConversationRow, userIds: [string, string]): Promise<ConversationRow> {
      await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto("conversations")
          .values(row)
          .onConflict((oc) => oc.column("direct_key").doNothing())
          .returning("id")
          .executeTakeFirst();
        if (!inserted) return;
        await trx
          .insertInto("conversation_members")
          .values(
            userIds.map((u) => ({
              conversation_id: row.id,
              user_id: u,
              role: "member" as const,
              last_read_seq: 0,
              joined_at: row.created_at,
            })),
          )
          .execute();
      });
      const stored = await this.findByDirectKey(row.direct_key ?? "");
      if (!stored) throw new Error("direct conversation vanished after insert");
      return stored;
    },

    async createGroup(row: ConversationRow, ownerId: string, memberIds: string[]) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto("conversations").values(row).execute();
        // One row at a time keeps the id (join order) in the order the owner listed members.
        const members = [
          { user_id: ownerId, role: "owner" as const },
          ...memberIds.map((u) => ({ user_id: u, role: "member" as const })),
        ];
        for (const m of members) {
          await trx
            .insertInto("conversation_members")
            .values({ ...m, conversation_id: row.id, last_read_seq: 0, joined_at: row.created_at })
            .execute();
        }
      });
    },

    /** The caller's conversations, most recent activity first, with the caller's read position. */
    listForUser(userId: string) {
      return db
        .selectFrom("conversation_members as m")
        .innerJoin("conversations as c", "c.id", "m.conversation_id")
        .selectAll("c")
        .select("m.last_read_seq as my_last_read_seq")
        .where("m.user_id", "=", userId)
        .orderBy("c.last_activity_at", "desc")
        .orderBy("c.id", "desc")
        .execute();
    },

    async listMembers(conversationIds: readonly string[]): Promise<MemberRow[]> {
      if (conversationIds.length === 0) return [];
      return db
        .selectFrom("conversation_members as m")
        .innerJoin("users as u", "u.id", "m.user_id")
        .select([
          "m.conversation_id",
          "m.role",
          "m.last_read_seq",
          "m.muted",
          "u.id",
          "u.username",
          "u.display_name",
          "u.avatar_url",
          "u.last_seen_at",
        ])
        .where("m.conversation_id", "in", conversationIds)
        .orderBy("m.id")
        .execute();
    },

    /** user id -> role, for authorization and fan-out. */
    async memberRoles(conversationId: string): Promise<Map<string, Role>> {
      const rows = await db
        .selectFrom("conversation_members")
        .select(["user_id", "role"])
        .where("conversation_id", "=", conversationId)
        .execute();
      return new Map(rows.map((r) => [r.user_id, r.role]));
    },

    async rename(id: string, name: string) {
      await db.updateTable("conversations").set({ name }).where("id", "=", id).execute();
    },

    async addMembers(conversationId: string, userIds: string[], joinedAt: string) {
      await db.transaction().execute(async (trx) => {
        for (const userId of userIds) {
          await trx
            .insertInto("conversation_members")
            .values({
              conversation_id: conversationId,
              user_id: userId,
              role: "member",
              last_read_seq: 0,
              joined_at: joinedAt,
            })
            .onConflict((oc) => oc.columns(["conversation_id", "user_id"]).doNothing())
            .execute();
        }
      });
    },

    /** Role changes applied together, so a hand-over never leaves two owners or none. */
    async setRoles(conversationId: string, changes: Array<[string, Role]>) {
      await db.transaction().execute(async (trx) => {
        for (const [userId, role] of changes) {
          await trx
            .updateTable("conversation_members")
            .set({ role })
            .where("conversation_id", "=", conversationId)
            .where("user_id", "=", userId)
            .execute();
        }
      });
    },

    /**
     * Removes a member; when the owner goes, the longest-standing admin (else member)
     * becomes owner, and a group nobody is left in is deleted. All in one transaction.
     */
    async removeMember(conversationId: string, userId: string): Promise<{ newOwnerId?: string; deleted: boolean }> {
      return db.transaction().execute(async (trx) => {
        const removed = await trx
          .deleteFrom("conversation_members")
          .where("conversation_id", "=", conversationId)
          .where("user_id", "=", userId)
          .returning("role")
          .executeTakeFirst();
        const remaining = await trx
          .selectFrom("conversation_members")
          .select(["user_id", "role"])
          .where("conversation_id", "=", conversationId)
          .orderBy("id")
          .execute();
        if (remaining.length === 0) {
          await trx.deleteFrom("conversations").where("id", "=", conversationId).execute();
          return { deleted: true };
        }
        if (removed?.role !== "owner") return { deleted: false };
        const heir = remaining.find((m) => m.role === "admin") ?? remaining[0];
        if (!heir) return { deleted: false };
        await trx
          .updateTable("conversation_members")
          .set({ role: "owner" })
          .where("conversation_id", "=", conversationId)
          .where("user_id", "=", heir.user_id)
          .execute();
        return { newOwnerId: heir.user_id, deleted: false };
      });
    },

    async setMuted(conversationId: string, userId: string, muted: boolean) {
      await db
        .updateTable("conversation_members")
        .set({ muted: muted ? 1 : 0 })
        .where("conversation_id", "=", conversationId)
        .where("user_id", "=", userId)
        .execute();
    },

    /** Raises a member's read position, never lowers it, never past last_seq. Returns the new value if it moved. */
    async markRead(conversationId: string, userId: string, seq: number): Promise<number | undefined> {
      const conv = await db
        .selectFrom("conversations")
        .select("last_seq")
        .where("id", "=", conversationId)
        .executeTakeFirst();
      if (!conv) return undefined;
      const target = Math.min(seq, conv.last_seq);
      const result = await db
        .updateTable("conversation_members")
        .set({ last_read_seq: target })
        .where("conversation_id", "=", conversationId)
        .where("user_id", "=", userId)
        .where("last_read_seq", "<", target)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0 ? target : undefined;
    },

    /** Everyone who shares at least one conversation with the user (the user included). */
    async contactIds(userId: string): Promise<string[]> {
      const rows = await db
        .selectFrom("conversation_members as mine")
        .innerJoin("conversation_members as other", "other.conversation_id", "mine.conversation_id")
        .select("other.user_id")
        .distinct()
        .where("mine.user_id", "=", userId)
        .execute();
      return rows.map((r) => r.user_id);
    },
  };
}
export type ConversationsStore = ReturnType<typeof createConversationsStore>;
