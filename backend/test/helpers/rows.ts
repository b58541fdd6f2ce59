import { randomUUID } from "node:crypto";
import { createConversationsStore } from "../../src/conversations/conversations.store.js";
import type { Db } from "../../src/db/database.js";
import { createUsersStore } from "../../src/users/users.store.js";

// Rows written straight through the stores, for tests below the service layer.

/** A user row; returns its id. */
export async function insertUser(db: Db, name = randomUUID().slice(0, 12)): Promise<string> {
  const id = randomUUID();
  await createUsersStore(db).insert({
    id,
    username: name,
    username_key: name.toLowerCase(),
    display_name: name,
    password_hash: "x",
    avatar_url: null,
    created_at: new Date().toISOString(),
    last_seen_at: null,
  });
  return id;
}

/** A group owned by `ownerId` with `memberIds`; returns its id. */
export async function insertGroup(db: Db, ownerId: string, memberIds: string[] = []): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await createConversationsStore(db).createGroup(
    {
      id,
      type: "group",
      name: "g",
      direct_key: null,
      created_at: now,
      last_seq: 0,
      last_activity_at: now,
      last_change_seq: 0,
    },
    ownerId,
    memberIds,
  );
  return id;
}
