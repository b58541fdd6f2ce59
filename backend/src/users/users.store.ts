import { type Selectable, sql } from "kysely";
import type { Db } from "../db/database.js";
import type { UsersTable } from "../db/schema/users.js";
import { createLastSeenWriter } from "./last-seen-writer.js";

export type UserRow = Selectable<UsersTable>;

const publicColumns = ["id", "username", "display_name", "avatar_url", "last_seen_at"] as const;
export type PublicUserRow = Pick<UserRow, (typeof publicColumns)[number]>;

/** Escapes LIKE wildcards so a search for "a_b" means the literal text. */
const likePattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createUsersStore(db: Db) {
  return {
    async insert(row: UserRow) {
      await db.insertInto("users").values(row).execute();
    },
    findByUsernameKey(key: string) {
      return db.selectFrom("users").selectAll().where("username_key", "=", key).executeTakeFirst();
    },
    findById(id: string): Promise<PublicUserRow | undefined> {
      return db.selectFrom("users").select(publicColumns).where("id", "=", id).executeTakeFirst();
    },
    async findByIds(ids: readonly string[]): Promise<PublicUserRow[]> {
      if (ids.length === 0) return [];
      return db.selectFrom("users").select(publicColumns).where("id", "in", ids).execute();
    },
    search(query: string, limit: number): Promise<PublicUserRow[]> {
      let q = db.selectFrom("users").select(publicColumns);
      if (query) {
        const pattern = likePattern(query);
        // ESCAPE is spelled out: SQLite has no default LIKE escape character.
        q = q.where(
          sql<boolean>`(username_key like ${pattern} escape '\\' or lower(display_name) like ${pattern} escape '\\')`,
        );
      }
      return q.orderBy("username_key").limit(limit).execute();
    },
    async updateDisplayName(id: string, displayName: string) {
      await db.updateTable("users").set({ display_name: displayName }).where("id", "=", id).execute();
    },
    setLastSeen: createLastSeenWriter(db),
  };
}
export type UsersStore = ReturnType<typeof createUsersStore>;
