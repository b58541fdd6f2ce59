import type { MessageRow } from "./messages.store.js";

/** What a send stores: the store adds seq, change_seq and the empty edit and delete stamps. */
export type NewMessageRow = Omit<MessageRow, "seq" | "edited_at" | "deleted_at" | "change_seq" | "created_change_seq">;

/** A send waiting in a batcher for its transaction; settled only after COMMIT. */
export interface PendingSend {
  row: NewMessageRow;
  attachmentIds: readonly string[] | undefined;
  resolve: (row: MessageRow) => void;
  reject: (err: unknown) => void;
}

/**
 * The stored row, every field spelled out: a copy spread from `row` survived into V8's old
 * generation by the megabyte per second under load (see docs/performance.md).
 */
export function storedRow(row: NewMessageRow, seq: number, changeSeq: number): MessageRow {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    seq,
    sender_id: row.sender_id,
    client_id: row.client_id,
    text: row.text,
    created_at: row.created_at,
    edited_at: null,
    deleted_at: null,
    change_seq: changeSeq,
    created_change_seq: changeSeq,
    reply_to_id: row.reply_to_id,
  };
}
