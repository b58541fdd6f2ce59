import type { Db } from "../db/database.js";
import type { MessageRow } from "./messages.store.js";
import type { NewMessageRow, PendingSend } from "./new-message-row.js";
import { storeMany, storeOne } from "./pg-send-statements.js";

/**
 * Group commit for PostgreSQL sends. One batch is written at a time: sends that arrive
 * while it is being written wait for the next, so batches grow with the load and one COMMIT
 * (and its WAL flush) serves all of them, instead of a transaction per send. A client's
 * messages keep the order it sent them in: arrival order within a batch, and batches one
 * after another. Conversations are locked in id order in every batch, so batches on
 * different nodes cannot deadlock. A batch of plain sends is written in two statements
 * (`storeMany`), one with attachments send by send. If any send fails, the batch is rolled
 * back and its sends are replayed one transaction each, so a failure undoes only itself.
 * Every caller's promise settles only after its COMMIT.
 */
export function createPgSendBatcher(db: Db, notAMember: () => Error, { maxBatch = 256 } = {}) {
  let queue: PendingSend[] = [];
  let writing = false;

  async function writeBatch(batch: PendingSend[]) {
    // A stable sort: sends to one conversation keep their order.
    const ordered = [...batch].sort((a, b) => compare(a.row.conversation_id, b.row.conversation_id));
    try {
      const rows = await db.transaction().execute(async (trx) => {
        if (ordered.every((p) => !p.attachmentIds?.length)) {
          return storeMany(
            trx,
            ordered.map((p) => p.row),
          );
        }
        const stored: MessageRow[] = [];
        for (const p of ordered) stored.push(await storeOne(trx, p.row, p.attachmentIds, notAMember));
        return stored;
      });
      ordered.forEach((p, i) => {
        p.resolve(rows[i] as MessageRow);
      });
    } catch {
      for (const p of batch) {
        try {
          p.resolve(await db.transaction().execute((trx) => storeOne(trx, p.row, p.attachmentIds, notAMember)));
        } catch (err) {
          p.reject(err);
        }
      }
    }
  }

  async function writeAll() {
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        await writeBatch(batch);
      }
    } finally {
      writing = false;
    }
  }

  return {
    insert(row: NewMessageRow, attachmentIds?: readonly string[]): Promise<MessageRow> {
      return new Promise((resolve, reject) => {
        queue.push({ row, attachmentIds, resolve, reject });
        if (!writing) {
          writing = true;
          // The sends of this event-loop turn go into the first batch together.
          setImmediate(() => void writeAll());
        }
      });
    },
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
