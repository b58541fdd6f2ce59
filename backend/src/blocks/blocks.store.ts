import type { Db } from "../db/database.js";

export function createBlocksStore(db: Db) {
  return {
    async block(blockerId: string, blockedId: string, at: string) {
      await db
        .insertInto("blocks")
        .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: at })
        .onConflict((oc) => oc.columns(["blocker_id", "blocked_id"]).doNothing())
        .execute();
    },
    async unblock(blockerId: string, blockedId: string) {
      await db.deleteFrom("blocks").where("blocker_id", "=", blockerId).where("blocked_id", "=", blockedId).execute();
    },
    /** Both directions for one user: whom they block, and who blocks them. */
    async relationsOf(userId: string): Promise<{ blocking: string[]; blockedBy: string[] }> {
      const rows = await db
        .selectFrom("blocks")
        .select(["blocker_id", "blocked_id"])
        .where((eb) => eb.or([eb("blocker_id", "=", userId), eb("blocked_id", "=", userId)]))
        .execute();
      return {
        blocking: rows.filter((r) => r.blocker_id === userId).map((r) => r.blocked_id),
        blockedBy: rows.filter((r) => r.blocked_id === userId).map((r) => r.blocker_id),
      };
    },
  };
}
export type BlocksStore = ReturnType<typeof createBlocksStore>;
