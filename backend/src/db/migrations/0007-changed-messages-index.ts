import { type Kysely, sql } from "kysely";

/**
 * The change-feed index holds a message only once it has changed. Every send wrote a page of
 * `(conversation_id, change_seq)` that no other message of its commit shared: about a quarter
 * of what a send writes (docs/performance.md). Until a message changes, its change_seq is the
 * one it was created with, and those grow with seq, so `sync_changes` finds the unchanged
 * messages created after a cursor by walking `(conversation_id, seq)` instead
 * (messages/message-extras.store.ts).
 *
 * Messages stored before this migration get created_change_seq 0: they count as changed and
 * stay in the index, since what they were created with is not known.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table messages add column created_change_seq integer not null default 0`.execute(db);
  await sql`drop index messages_conv_change_idx`.execute(db);
  await sql`create index messages_changed_idx on messages (conversation_id, change_seq)
    where change_seq <> created_change_seq`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index messages_changed_idx`.execute(db);
  await sql`create index messages_conv_change_idx on messages (conversation_id, change_seq)`.execute(db);
  await sql`alter table messages drop column created_change_seq`.execute(db);
}
