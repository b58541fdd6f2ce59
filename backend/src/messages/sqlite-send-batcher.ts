import type SQLite from "better-sqlite3";
import type { MessageRow } from "./messages.store.js";
import { type NewMessageRow, type PendingSend, storedRow } from "./new-message-row.js";

type Outcome = { row: MessageRow } | { error: unknown };

/**
 * A commit rewrites every page it touched into the WAL: about ten 4 KB pages, whether it
 * holds one message or ten. Under load, sends arriving within this long of the previous
 * commit wait for the next one; at 2,000 messages/s that took transactions from 2 to 9
 * messages and cut the server's CPU by a fifth. An idle server commits at once.
 */
const MIN_COMMIT_INTERVAL_MS = 5;

/**
 * Group commit for SQLite sends. Sends that reach the store in the same event-loop turn
 * (or, under load, the same commit interval) are written in one transaction. If one fails
 * (sender no longer a member, clientId already used), the batch rolls back and is replayed
 * with a savepoint per send, so the failure undoes only its own send. Every caller's
 * promise settles only after COMMIT: no send is acknowledged or broadcast before it is stored.
 * Raw prepared statements: on this path Kysely's per-query compile and prepare cost more
 * than SQLite's own work. better-sqlite3 is synchronous, so seq follows arrival order.
 *
 * `withConnection` runs a flush in its turn on the connection: the store passes Kysely's,
 * whose queries and transactions share it. Run while one of Kysely's transactions was open, a
 * batch would become a savepoint inside it, acknowledged before anything was committed and
 * undone if that transaction rolled back.
 */
export function createSqliteSendBatcher(
  sqlite: SQLite.Database,
  notAMember: () => Error,
  {
    maxBatch = 256,
    minIntervalMs = MIN_COMMIT_INTERVAL_MS,
    withConnection = async (flush: () => void) => flush(),
  }: { maxBatch?: number; minIntervalMs?: number; withConnection?: (flush: () => void) => Promise<void> } = {},
) {
  let statements: ReturnType<typeof prepare> | undefined;
  let queue: PendingSend[] = [];
  let scheduled = false;

  // Prepared on first use: the store may be built before migrations have run.
  function prepare() {
    // A new message is also a change: it takes the next change_seq in the same statement.
    const bumpSeq = sqlite.prepare<[string, string], { last_seq: number; last_change_seq: number }>(
      "UPDATE conversations SET last_seq = last_seq + 1, last_change_seq = last_change_seq + 1, last_activity_at = ?" +
        " WHERE id = ? RETURNING last_seq, last_change_seq",
    );
    const moveReadPosition = sqlite.prepare<[number, string, string]>(
      "UPDATE conversation_members SET last_read_seq = ? WHERE conversation_id = ? AND user_id = ?",
    );
    const insertMessage = sqlite.prepare<
      [string, string, number, string, string, string, string, number, number, string | null]
    >(
      "INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, text, created_at, change_seq," +
        " created_change_seq, reply_to_id, edited_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
    );
    let linkAttachment: SQLite.Statement<[string, string, number]> | undefined;

    /** The same steps as the Kysely path: next seq, sender's read position (membership check), row. */
    const store = (row: NewMessageRow, attachmentIds: readonly string[] | undefined): MessageRow => {
      const conv = bumpSeq.get(row.created_at, row.conversation_id);
      if (!conv) throw notAMember();
      const seq = conv.last_seq;
      if (moveReadPosition.run(seq, row.conversation_id, row.sender_id).changes === 0) throw notAMember();
      const changeSeq = conv.last_change_seq;
      insertMessage.run(
        row.id,
        row.conversation_id,
        seq,
        row.sender_id,
        row.client_id,
        row.text,
        row.created_at,
        changeSeq,
        changeSeq,
        row.reply_to_id,
      );
      if (attachmentIds?.length) {
        linkAttachment ??= sqlite.prepare(
          "INSERT INTO message_attachments (message_id, attachment_id, position) VALUES (?, ?, ?)",
        );
        for (const [position, id] of attachmentIds.entries()) linkAttachment.run(row.id, id, position);
      }
      return storedRow(row, seq, changeSeq);
    };

    // The common case: every send of the batch succeeds, one BEGIN and one COMMIT in all.
    const storeAll = sqlite.transaction((batch: PendingSend[]) => batch.map((p) => store(p.row, p.attachmentIds)));

    // After any failure the batch is rolled back whole and replayed here, each send in a
    // savepoint (storeOne inside storeEach) so that a failure undoes only its own send.
    const storeOne = sqlite.transaction(store);
    const storeEach = sqlite.transaction((batch: PendingSend[]): Outcome[] =>
      batch.map((p) => {
        try {
          return { row: storeOne(p.row, p.attachmentIds) };
        } catch (error) {
          return { error };
        }
      }),
    );
    return {
      storeBatch(batch: PendingSend[]): Outcome[] {
        try {
          return storeAll(batch).map((row) => ({ row }));
        } catch {
          return storeEach(batch);
        }
      },
    };
  }

  let lastFlush = Number.NEGATIVE_INFINITY;
  function flush() {
    scheduled = false;
    lastFlush = performance.now();
    try {
      statements ??= prepare();
    } catch (err) {
      for (const p of queue) p.reject(err);
      queue = [];
      return;
    }
    while (queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      let outcomes: Outcome[];
      try {
        outcomes = statements.storeBatch(batch);
      } catch (err) {
        // BEGIN or COMMIT failed: nothing of this batch is stored.
        for (const p of batch) p.reject(err);
        continue;
      }
      outcomes.forEach((o, i) => {
        const p = batch[i] as PendingSend;
        if ("row" in o) p.resolve(o.row);
        else p.reject(o.error);
      });
    }
  }

  function takeTurn() {
    withConnection(flush).catch((err) => {
      // The connection could not be had (the database is closing): nothing queued is stored.
      scheduled = false;
      for (const p of queue) p.reject(err);
      queue = [];
    });
  }

  return {
    insert(row: NewMessageRow, attachmentIds?: readonly string[]): Promise<MessageRow> {
      return new Promise((resolve, reject) => {
        queue.push({ row, attachmentIds, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          const wait = lastFlush + minIntervalMs - performance.now();
          if (wait > 0) setTimeout(takeTurn, wait);
          else setImmediate(takeTurn);
        }
      });
    },
  };
}
