import { sql, type Transaction } from "kysely";
import type { Database } from "../db/schema/index.js";
import type { MessageRow } from "./messages.store.js";
import { type NewMessageRow, storedRow } from "./new-message-row.js";

/** Thrown when a batch cannot be stored whole; the batcher then replays its sends one by one. */
class BatchNotStoredError extends Error {}

/**
 * The steps of one send, inside the caller's transaction: next seq and change_seq, the
 * sender's read position (which doubles as the membership check), the row, and its
 * attachment links when it has any.
 */
export async function storeOne(
  trx: Transaction<Database>,
  row: NewMessageRow,
  attachmentIds: readonly string[] | undefined,
  notAMember: () => Error,
): Promise<MessageRow> {
  const conv = await trx
    .updateTable("conversations")
    .set((eb) => ({
      last_seq: eb("last_seq", "+", 1),
      last_change_seq: eb("last_change_seq", "+", 1),
      last_activity_at: row.created_at,
    }))
    .where("id", "=", row.conversation_id)
    .returning(["last_seq", "last_change_seq"])
    .executeTakeFirst();
  if (!conv) throw notAMember();
  const seq = conv.last_seq;
  const member = await trx
    .updateTable("conversation_members")
    .set({ last_read_seq: seq })
    .where("conversation_id", "=", row.conversation_id)
    .where("user_id", "=", row.sender_id)
    .executeTakeFirst();
  if (Number(member.numUpdatedRows) === 0) throw notAMember();
  const stored = storedRow(row, seq, conv.last_change_seq);
  await trx.insertInto("messages").values(stored).execute();
  if (attachmentIds?.length) {
    await trx
      .insertInto("message_attachments")
      .values(attachmentIds.map((attachment_id, position) => ({ message_id: row.id, attachment_id, position })))
      .execute();
  }
  return stored;
}

/**
 * A batch of plain sends (no attachments) in two statements, inside the caller's
 * transaction: lock the conversations in id order (so batches on two nodes cannot
 * deadlock), then one statement that does for every send what `storeOne` does for one:
 * next seq and change_seq, the sender's read position, the row. Statement by statement a
 * send cost three round trips and most of the server's CPU went to `pg` socket writes and
 * Kysely; this is two round trips per batch. Any send that would fail alone (sender not a
 * member, conversation gone, clientId already used) fails the whole statement, and the
 * batcher replays the batch one send per transaction so that each gets its own answer.
 */
export async function storeMany(trx: Transaction<Database>, rows: readonly NewMessageRow[]): Promise<MessageRow[]> {
  const conversationIds = [...new Set(rows.map((r) => r.conversation_id))].sort();
  await sql`select id from conversations where id = any(${conversationIds}::text[]) order by id for update`.execute(
    trx,
  );
  const column = <K extends keyof NewMessageRow>(key: K) => rows.map((r) => r[key]);
  const { rows: stored } = await sql<{ id: string; seq: number; change_seq: number; readers: number; pairs: number }>`
    with input as (
      select * from unnest(
        ${column("id")}::text[], ${column("conversation_id")}::text[], ${column("sender_id")}::text[],
        ${column("client_id")}::text[], ${column("text")}::text[], ${column("created_at")}::text[],
        ${column("reply_to_id")}::text[]
      ) with ordinality as t(id, conversation_id, sender_id, client_id, text, created_at, reply_to_id, ord)
    ), counts as (
      select conversation_id, count(*)::int as n, max(created_at) as last_at from input group by conversation_id
    ), bumped as (
      update conversations c
         set last_seq = c.last_seq + counts.n,
             last_change_seq = c.last_change_seq + counts.n,
             last_activity_at = counts.last_at
        from counts
       where c.id = counts.conversation_id
      returning c.id, c.last_seq - counts.n as seq_base, c.last_change_seq - counts.n as change_base
    ), numbered as (
      select i.*, b.seq_base + row_number() over w as seq, b.change_base + row_number() over w as change_seq
        from input i join bumped b on b.id = i.conversation_id
      window w as (partition by i.conversation_id order by i.ord)
    ), readers as (
      update conversation_members m
         set last_read_seq = x.seq
        from (select conversation_id, sender_id, max(seq) as seq from numbered group by conversation_id, sender_id) x
       where m.conversation_id = x.conversation_id and m.user_id = x.sender_id
      returning 1
    ), inserted as (
      insert into messages (id, conversation_id, seq, sender_id, client_id, text, created_at, change_seq,
                            created_change_seq, reply_to_id)
      select id, conversation_id, seq, sender_id, client_id, text, created_at, change_seq, change_seq, reply_to_id
        from numbered
      returning id, seq, change_seq
    )
    select inserted.id, inserted.seq, inserted.change_seq,
           (select count(*) from readers)::int as readers,
           (select count(*) from (select distinct conversation_id, sender_id from input) p)::int as pairs
      from inserted
  `.execute(trx);
  const first = stored[0];
  if (stored.length !== rows.length || !first || first.readers !== first.pairs) {
    throw new BatchNotStoredError("a send of the batch cannot be stored");
  }
  const byId = new Map(stored.map((s) => [s.id, s]));
  return rows.map((row) => {
    const s = byId.get(row.id) as { seq: number; change_seq: number };
    return storedRow(row, s.seq, s.change_seq);
  });
}
