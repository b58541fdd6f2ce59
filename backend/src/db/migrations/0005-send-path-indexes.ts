import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Fewer index pages written per send.
 *
 * - The idempotency key is indexed as (client_id, sender_id) instead of (sender_id,
 *   client_id). Keyed by sender first, every message of a commit landed on its own page of
 *   that index. Clients that send time-ordered client ids (the web client sends UUIDv7s)
 *   now append to its end, so a commit of many messages touches one or two pages. Random
 *   client ids still work, as before. Lookups by (sender, client id) use the new index.
 * - conversations_activity_idx goes: every send moved the conversation's entry in it, and
 *   no query reads it (the conversation list starts from the member's rows and sorts them).
 *
 * SQLite cannot drop a table constraint, so it rebuilds the messages table, keeping rowids
 * (the search index refers to them) and recreating the search triggers of migration 0004.
 * Foreign keys are off during the rebuild: dropping the old table must not cascade into
 * reactions, mentions and attachments.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index conversations_activity_idx`.execute(db);
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table messages drop constraint messages_sender_client_uq`.execute(db);
    await sql`create unique index messages_client_sender_uq on messages (client_id, sender_id)`.execute(db);
    return;
  }
  await rebuildMessages(db, "client-first");
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index conversations_activity_idx on conversations (last_activity_at, id)`.execute(db);
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop index messages_client_sender_uq`.execute(db);
    await sql`alter table messages add constraint messages_sender_client_uq unique (sender_id, client_id)`.execute(db);
    return;
  }
  await rebuildMessages(db, "sender-first");
}

/** SQLite's table rebuild (https://sqlite.org/lang_altertable.html#otheralter), in one transaction. */
async function rebuildMessages(db: Kysely<any>, idempotencyKey: "client-first" | "sender-first") {
  const senderFirst =
    idempotencyKey === "sender-first"
      ? sql`, constraint "messages_sender_client_uq" unique ("sender_id", "client_id")`
      : sql``;
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql`create table messages_new (
        "id" text primary key,
        "conversation_id" text not null references "conversations" ("id") on delete cascade,
        "seq" integer not null,
        "sender_id" text not null references "users" ("id"),
        "client_id" text not null,
        "text" text not null,
        "created_at" text not null,
        "edited_at" text,
        "deleted_at" text,
        "change_seq" integer default 0 not null,
        "reply_to_id" text,
        constraint "messages_conv_seq_uq" unique ("conversation_id", "seq")${senderFirst}
      )`.execute(trx);
      await sql`insert into messages_new (rowid, id, conversation_id, seq, sender_id, client_id, text, created_at,
          edited_at, deleted_at, change_seq, reply_to_id)
        select rowid, id, conversation_id, seq, sender_id, client_id, text, created_at,
          edited_at, deleted_at, change_seq, reply_to_id from messages`.execute(trx);
      await sql`drop table messages`.execute(trx);
      await sql`alter table messages_new rename to messages`.execute(trx);
      if (idempotencyKey === "client-first") {
        await sql`create unique index messages_client_sender_uq on messages (client_id, sender_id)`.execute(trx);
      }
      await sql`create index messages_conv_change_idx on messages (conversation_id, change_seq)`.execute(trx);
      // Migration 0004's triggers, unchanged (they went with the old table).
      await sql`create trigger messages_fts_delete after delete on messages begin
        insert into messages_fts(messages_fts, rowid, text)
          select 'delete', old.rowid, old.text where old.rowid <= (select indexed_upto from search_index_state);
        update search_index_state set indexed_upto = (select coalesce(max(rowid), 0) from messages)
          where indexed_upto > (select coalesce(max(rowid), 0) from messages);
      end`.execute(trx);
      await sql`create trigger messages_fts_update after update of text on messages
        when old.rowid <= (select indexed_upto from search_index_state) begin
        insert into messages_fts(messages_fts, rowid, text) values ('delete', old.rowid, old.text);
        insert into messages_fts(rowid, text) values (new.rowid, new.text);
      end`.execute(trx);
      const { rows } = await sql`pragma foreign_key_check`.execute(trx);
      if (rows.length > 0) throw new Error(`messages rebuild broke ${rows.length} foreign keys`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
