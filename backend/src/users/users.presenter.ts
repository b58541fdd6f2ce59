import type { User } from "@chat/protocol";
import type { PublicUserRow } from "./users.store.js";

export function presentUser(row: PublicUserRow, online?: boolean): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    ...(online === undefined ? {} : { online }),
    lastSeenAt: row.last_seen_at,
  };
}
