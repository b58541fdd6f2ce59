import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * SQLite only: new messages are added to the FTS5 index in bulk, shortly after they are
 * stored, instead of by a trigger inside every send. A trigram insert per row made a send
 * cost twice as much; added a few hundred at a time the index costs a fifth of that
 * (see search/sqlite-search-indexer.ts).
 *
 * `search_index_state.indexed_upto`: every message with rowid <= it is in the index, none
 * above it is. Edits and deletes touch the index only for rows already in it. Deleting the
 * newest rows lowers the mark to the largest rowid left, since SQLite may hand those rowids
 * out again and the new rows must not look indexed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`create table search_index_state (
    id integer primary key check (id = 1),
    indexed_upto integer not null
  )`.execute(db);
  await sql`insert into search_index_state (id, indexed_upto) select 1, coalesce(max(rowid), 0) from messages`.execute(
    db,
  );
  for (const t of ["messages_fts_insert", "messages_fts_delete", "messages_fts_update"]) {
    await sql`drop trigger ${sql.raw(t)}`.execute(db);
  }
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

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const t of ["messages_fts_delete", "messages_fts_update"]) await sql`drop trigger ${sql.raw(t)}`.execute(db);
  await sql`drop table search_index_state`.execute(db);
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
