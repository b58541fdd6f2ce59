import type { ApiError } from "./errors.js";
import type { Conversation, Message, User } from "./models.js";
import type {
  ChangesPayload,
  DeleteMessagePayload,
  EditMessagePayload,
  MarkReadPayload,
  ReactPayload,
  SendMessagePayload,
  SyncPayload,
  TypingPayload,
} from "./schemas.js";

/** Every client command is answered through its ack with one of these. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ApiError };
export type AckFn<T extends object = object> = (answer: Ack<T>) => void;

export interface ClientToServerEvents {
  send_message: (payload: SendMessagePayload, ack: AckFn<{ message: Message }>) => void;
  mark_read: (payload: MarkReadPayload, ack: AckFn) => void;
  typing: (payload: TypingPayload, ack?: AckFn) => void;
  /** Gap fill: messages of a conversation after a seq (ascending). */
  sync: (payload: SyncPayload, ack: AckFn<{ messages: Message[]; hasMore: boolean }>) => void;
  edit_message: (payload: EditMessagePayload, ack: AckFn<{ message: Message }>) => void;
  delete_message: (payload: DeleteMessagePayload, ack: AckFn<{ message: Message }>) => void;
  /** Toggles the caller's reaction. */
  react: (payload: ReactPayload, ack: AckFn<{ message: Message }>) => void;
  /** Catch-up: messages whose changeSeq is above `after` (new, edited, deleted, reacted), ascending. */
  sync_changes: (
    payload: ChangesPayload,
    ack: AckFn<{ messages: Message[]; lastChangeSeq: number; hasMore: boolean }>,
  ) => void;
}

export interface ServerToClientEvents {
  new_message: (payload: { message: Message }) => void;
  /** An edit or a reaction change: replace the message by id. */
  message_updated: (payload: { message: Message }) => void;
  /** The message became a tombstone (text and attachments gone). */
  message_deleted: (payload: { message: Message }) => void;
  typing: (payload: { conversationId: string; userId: string; typing: boolean }) => void;
  read: (payload: { conversationId: string; userId: string; seq: number }) => void;
  presence: (payload: { userId: string; online: boolean; lastSeenAt: string | null }) => void;
  conversation: (payload: { conversation: Conversation }) => void;
  /** The receiver left or was removed: drop the conversation. */
  conversation_removed: (payload: { conversationId: string }) => void;
  /** A user's public profile changed (display name, avatar). */
  user_updated: (payload: { user: User }) => void;
}
