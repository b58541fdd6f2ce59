import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * SQLite only: the FTS5 index moves out of the chat database into its own file, kept by a
 * worker thread (search/sqlite-search-indexer.ts), which builds it from scratch on first
 * start. Trigram indexing of real texts costs up to 50 µs a message and FTS5 merges its
 * segments for tens of milliseconds now and then; on the event loop that held up every
 * socket, and in the chat database it would hold the write lock sends need.
 *
 * Edits and deletes can no longer update the index from a trigger (a trigger cannot write
 * to another database file), so they list the message in `search_changes`, which the
 * worker reads and the server prunes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const t of ["messages_fts_delete", "messages_fts_update"]) await sql`drop trigger ${sql.raw(t)}`.execute(db);
  await sql`drop table messages_fts`.execute(db);
  await sql`drop table search_index_state`.execute(db);
  await sql`create table search_changes (
    id integer primary key autoincrement,
    message_rowid integer not null
  )`.execute(db);
  await sql`create trigger messages_search_update after update of text, deleted_at on messages begin
    insert into search_changes (message_rowid) values (new.rowid);
  end`.execute(db);
  await sql`create trigger messages_search_delete after delete on messages begin
    insert into search_changes (message_rowid) values (old.rowid);
  end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const t of ["messages_search_update", "messages_search_delete"]) {
    await sql`drop trigger ${sql.raw(t)}`.execute(db);
  }
  await sql`drop table search_changes`.execute(db);
  // Migration 0004's state, with everything indexed again.
  await sql`create virtual table messages_fts using fts5(text, content='messages', content_rowid='rowid', tokenize='trigram')`.execute(
    db,
  );
  await sql`insert into messages_fts(messages_fts) values ('rebuild')`.execute(db);
  await sql`create table search_index_state (
    id integer primary key check (id = 1),
    indexed_upto integer not null
  )`.execute(db);
  await sql`insert into search_index_state (id, indexed_upto) select 1, coalesce(max(rowid), 0) from messages`.execute(
    db,
  );
  await sql`create trigger messages_fts_delete after delete on messages begin
    insert into messages_fts(messages_fts, rowid, text)
      select 'delete', old.rowid, old.text where old.rowid <= (select indexed_upto from search_index_state);
    update search_index_state set indexed_upto = (select coalesce(max(rowid), 0) from messages)
      where indexed_upto > (select coalesce(max(rowid), 0) from messages);
  end`.execute(db);
  await sql`create trigger messages_fts_update after update of text on messages
    when old.rowid <= (select indexed_upto from search_index_state) begin
    insert into messages_fts(messages_fts, rowid, text) values ('delete', old.rowid, old.text);
    insert into messages_fts(rowid, text) values (new.rowid, new.text);
  end`.execute(db);
}
