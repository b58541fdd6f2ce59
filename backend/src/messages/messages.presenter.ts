import type { Attachment, Message, Reaction, ReplyQuote } from "@chat/protocol";
import type { MessageRow } from "./messages.store.js";

/**
 * One literal with every field: on the send path, objects built by spreading one into
 * another survived into V8's old generation by the megabyte per second (see
 * docs/performance.md), and the major collections that followed were the largest stalls.
 */
export function presentMessage(
  row: MessageRow,
  extras: { attachments?: Attachment[]; replyTo?: ReplyQuote | null; reactions?: Reaction[]; mentions?: string[] } = {},
): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientId: row.client_id,
    text: row.text,
    attachments: extras.attachments ?? [],
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    changeSeq: row.change_seq,
    replyTo: extras.replyTo ?? null,
    reactions: extras.reactions ?? [],
    mentions: extras.mentions ?? [],
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
