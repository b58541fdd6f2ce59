import type { Attachment, Message } from "@chat/protocol";
import type { MessageRow } from "./messages.store.js";

export function presentMessage(row: MessageRow, attachments: Attachment[] = []): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientId: row.client_id,
    text: row.text,
    attachments,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    changeSeq: row.change_seq,
    replyTo: null,
    reactions: [],
    mentions: [],
  };
}

/** The files feature as messages need it: checking ids on send, and loading a page's files at once. */
export interface AttachmentLookup {
  /** The caller's own attachments in the given order; throws NOT_FOUND for any other id. */
  attachable(userId: string, ids: readonly string[]): Promise<Attachment[]>;
  forMessages(messageIds: readonly string[]): Promise<Map<string, Attachment[]>>;
  /** Deletes the given attachments that no message references any more, with their files. */
  purge(ids: readonly string[]): Promise<void>;
}
