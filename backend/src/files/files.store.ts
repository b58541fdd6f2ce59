import type { Selectable } from "kysely";
import type { Db } from "../db/database.js";
import type { AttachmentsTable } from "../db/schema/attachments.js";
import type { AvatarsTable } from "../db/schema/avatars.js";

export type AttachmentRow = Selectable<AttachmentsTable>;
export type AvatarRow = Selectable<AvatarsTable>;

export function createFilesStore(db: Db) {
  return {
    async insertAttachment(row: AttachmentRow) {
      await db.insertInto("attachments").values(row).execute();
    },

    findAttachment(id: string) {
      return db.selectFrom("attachments").selectAll().where("id", "=", id).executeTakeFirst();
    },

    /** The ones among `ids` that this user uploaded. */
    ownedBy(uploaderId: string, ids: readonly string[]): Promise<AttachmentRow[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db
        .selectFrom("attachments")
        .selectAll()
        .where("uploader_id", "=", uploaderId)
        .where("id", "in", ids)
        .execute();
    },

    /** True when the user is a member of a conversation where the attachment was shared. */
    async sharedWith(attachmentId: string, userId: string): Promise<boolean> {
      const row = await db
        .selectFrom("message_attachments as ma")
        .innerJoin("messages as m", "m.id", "ma.message_id")
        .innerJoin("conversation_members as cm", "cm.conversation_id", "m.conversation_id")
        .select("ma.message_id")
        .where("ma.attachment_id", "=", attachmentId)
        .where("cm.user_id", "=", userId)
        .where("m.deleted_at", "is", null)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Every attachment of the given messages in one query, in message order. */
    async forMessages(messageIds: readonly string[]) {
      if (messageIds.length === 0) return [];
      return db
        .selectFrom("message_attachments as ma")
        .innerJoin("attachments as a", "a.id", "ma.attachment_id")
        .selectAll("a")
        .select(["ma.message_id", "ma.position"])
        .where("ma.message_id", "in", messageIds)
        .orderBy("ma.message_id")
        .orderBy("ma.position")
        .execute();
    },

    /** Deletes attachments older than the cutoff that no message references; returns them. */
    async deleteOrphans(cutoffIso: string, batch = 500): Promise<AttachmentRow[]> {
      const candidates = await db
        .selectFrom("attachments as a")
        .select("a.id")
        .where("a.created_at", "<", cutoffIso)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("message_attachments as ma").select("ma.message_id").whereRef("ma.attachment_id", "=", "a.id"),
            ),
          ),
        )
        .limit(batch)
        .execute();
      // Re-checked in the delete itself: a send may have referenced one since the select.
      return this.deleteUnlinked(candidates.map((c) => c.id));
    },

    /** Deletes those of the given attachments no message references (orphans, a deleted message's files). */
    async deleteUnlinked(ids: readonly string[]): Promise<AttachmentRow[]> {
      if (ids.length === 0) return [];
      return db
        .deleteFrom("attachments")
        .where("attachments.id", "in", ids)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("message_attachments as ma")
                .select("ma.message_id")
                .whereRef("ma.attachment_id", "=", "attachments.id"),
            ),
          ),
        )
        .returningAll()
        .execute();
    },

    /** Whether any row still names the blob (attachment, thumbnail or avatar). */
    async blobInUse(hash: string): Promise<boolean> {
      const [attachment, avatar] = await Promise.all([
        db
          .selectFrom("attachments")
          .select("id")
          .where((eb) => eb.or([eb("blob_hash", "=", hash), eb("thumb_hash", "=", hash)]))
          .limit(1)
          .executeTakeFirst(),
        db
          .selectFrom("avatars")
          .select("id")
          .where((eb) => eb.or([eb("hash_64", "=", hash), eb("hash_128", "=", hash), eb("hash_256", "=", hash)]))
          .limit(1)
          .executeTakeFirst(),
      ]);
      return attachment !== undefined || avatar !== undefined;
    },

    findAvatar(id: string) {
      return db.selectFrom("avatars").selectAll().where("id", "=", id).executeTakeFirst();
    },

    /**
     * Makes `row` the user's only avatar and points avatar_url at it, in one transaction; returns
     * the replaced avatars so their blobs can be collected. `row` undefined removes the avatar.
     */
    async replaceAvatar(userId: string, row: AvatarRow | undefined, url: string | null): Promise<AvatarRow[]> {
      return db.transaction().execute(async (trx) => {
        const old = await trx.selectFrom("avatars").selectAll().where("user_id", "=", userId).execute();
        if (old.length > 0) await trx.deleteFrom("avatars").where("user_id", "=", userId).execute();
        if (row) await trx.insertInto("avatars").values(row).execute();
        await trx.updateTable("users").set({ avatar_url: url }).where("id", "=", userId).execute();
        return old;
      });
    },
  };
}
export type FilesStore = ReturnType<typeof createFilesStore>;
