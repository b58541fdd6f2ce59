import type { Db } from "../db/database.js";

export function createSessionsStore(db: Db) {
  return {
    async insert(row: { id: string; userId: string; createdAt: string; expiresAt: string }) {
      await db
        .insertInto("sessions")
        .values({ id: row.id, user_id: row.userId, created_at: row.createdAt, expires_at: row.expiresAt })
        .execute();
    },
    async findActive(id: string, now: string) {
      return db
        .selectFrom("sessions")
        .select(["id", "user_id"])
        .where("id", "=", id)
        .where("expires_at", ">", now)
        .executeTakeFirst();
    },
    async delete(id: string) {
      await db.deleteFrom("sessions").where("id", "=", id).execute();
    },
    async deleteForUser(userId: string) {
      await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
    },
    async deleteExpired(now: string) {
      await db.deleteFrom("sessions").where("expires_at", "<=", now).execute();
    },
  };
}
export type SessionsStore = ReturnType<typeof createSessionsStore>;
