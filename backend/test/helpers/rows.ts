import { randomUUID } from "node:crypto";
import { createConversationsStore } from "../../src/conversations/conversations.store.js";
import type { Db, DbHandle } from "../../src/db/database.js";
import { createMessagesStore, type MessageRow } from "../../src/messages/messages.store.js";
import type { SearchStore } from "../../src/search/search.store.js";
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

/** A message stored through the store's send path (a batch of one); returns the stored row. */
export function insertMessage(
  handle: DbHandle,
  conversationId: string,
  senderId: string,
  text: string,
  createdAt = new Date().toISOString(),
): Promise<MessageRow> {
  return createMessagesStore(handle.db, handle.sqlite).insert({
    id: randomUUID(),
    conversation_id: conversationId,
    sender_id: senderId,
    client_id: randomUUID(),
    text,
    created_at: createdAt,
    reply_to_id: null,
  });
}

/** The texts a user's search for one term finds, sorted. */
export async function searchTexts(search: SearchStore, userId: string, term: string): Promise<string[]> {
  return (await search.search({ userId, terms: [term], limit: 50 })).map((m) => m.text).sort();
}
