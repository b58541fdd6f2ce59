import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Edits, deletes, reactions, replies, mentions, mute, block and search.
 * The change sequence: conversations.last_change_seq is bumped by every change to one of its
 * messages (creation included) and stamped on the message, so "what changed after N" is one
 * indexed range scan. Existing messages start with change_seq = seq.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .alterTable("conversations")
    .addColumn("last_change_seq", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("messages")
    .addColumn("change_seq", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("messages").addColumn("reply_to_id", "text").execute();
  await sql`update messages set change_seq = seq`.execute(db);
  await sql`update conversations set last_change_seq = last_seq`.execute(db);
  await db.schema
    .createIndex("messages_conv_change_idx")
    .on("messages")
    .columns(["conversation_id", "change_seq"])
    .execute();

  await db.schema
    .alterTable("conversation_members")
    .addColumn("muted", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("reactions")
    .addColumn("message_id", "text", (c) => c.notNull().references("messages.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("emoji", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("reactions_pk", ["message_id", "user_id", "emoji"])
    .execute();

  await db.schema
    .createTable("message_mentions")
    .addColumn("message_id", "text", (c) => c.notNull().references("messages.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("conversation_id", "text", (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("message_mentions_pk", ["message_id", "user_id"])
    .execute();
  // Mention badge: my mentions in a conversation above my read position.
  await db.schema
    .createIndex("message_mentions_user_idx")
    .on("message_mentions")
    .columns(["user_id", "conversation_id", "seq"])
    .execute();

  // A conversation's announcements count every member's mentions at once.
  await db.schema
    .createIndex("message_mentions_conv_idx")
    .on("message_mentions")
    .columns(["conversation_id", "user_id", "seq"])
    .execute();

  await db.schema
    .createTable("blocks")
    .addColumn("blocker_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("blocked_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("blocks_pk", ["blocker_id", "blocked_id"])
    .execute();
  await db.schema.createIndex("blocks_blocked_idx").on("blocks").column("blocked_id").execute();

  if (postgres) {
    // Full text for words, trigrams for partial words and scripts without spaces (CJK).
    // pg_trgm lives in public so per-schema installs (tests) never drop it from under others.
    await sql`create extension if not exists pg_trgm with schema public`.execute(db);
    await sql`create index messages_text_trgm_idx on messages using gin (text public.gin_trgm_ops)`.execute(db);
    await sql`create index messages_text_fts_idx on messages using gin (to_tsvector('simple', text))`.execute(db);
  } else {
    // The trigram tokenizer matches any substring of 3+ characters, in any script.
    await sql`create virtual table messages_fts using fts5(text, content='messages', content_rowid='rowid', tokenize='trigram')`.execute(
      db,
    );
    await sql`create trigger messages_fts_insert after insert on messages begin
      insert into messages_fts(rowid, text) values (new.rowid, new.text);
    end`.execute(db);
    await sql`create trigger messages_fts_delete after delete on messages begin
      insert into messages_fts(messages_fts, rowid, text) values ('delete', old.rowid, old.text);
    end`.execute(db);
    await sql`create trigger messages_fts_update after update of text on messages begin
      insert into messages_fts(messages_fts, rowid, text) values ('delete', old.rowid, old.text);
      insert into messages_fts(rowid, text) values (new.rowid, new.text);
    end`.execute(db);
    await sql`insert into messages_fts(messages_fts) values ('rebuild')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql`drop index if exists messages_text_trgm_idx`.execute(db);
    await sql`drop index if exists messages_text_fts_idx`.execute(db);
  } else {
    for (const t of ["messages_fts_insert", "messages_fts_delete", "messages_fts_update"]) {
      await sql`drop trigger if exists ${sql.raw(t)}`.execute(db);
    }
    await sql`drop table if exists messages_fts`.execute(db);
  }
  for (const t of ["blocks", "message_mentions", "reactions"]) await db.schema.dropTable(t).execute();
  await db.schema.dropIndex("messages_conv_change_idx").execute();
  await db.schema.alterTable("conversation_members").dropColumn("muted").execute();
  await db.schema.alterTable("messages").dropColumn("reply_to_id").execute();
  await db.schema.alterTable("messages").dropColumn("change_seq").execute();
  await db.schema.alterTable("conversations").dropColumn("last_change_seq").execute();
}
