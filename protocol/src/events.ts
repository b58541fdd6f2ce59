import type { ApiError } from "./errors.js";
import type { Conversation, Message, User } from "./models.js";
import type { MarkReadPayload, SendMessagePayload, SyncPayload, TypingPayload } from "./schemas.js";

/** Every client command is answered through its ack with one of these. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ApiError };
export type AckFn<T extends object = object> = (answer: Ack<T>) => void;

export interface ClientToServerEvents {
  send_message: (payload: SendMessagePayload, ack: AckFn<{ message: Message }>) => void;
  mark_read: (payload: MarkReadPayload, ack: AckFn) => void;
  typing: (payload: TypingPayload, ack?: AckFn) => void;
  /** Gap fill: messages of a conversation after a seq (ascending). */
  sync: (payload: SyncPayload, ack: AckFn<{ messages: Message[]; hasMore: boolean }>) => void;
}

export interface ServerToClientEvents {
  new_message: (payload: { message: Message }) => void;
  typing: (payload: { conversationId: string; userId: string; typing: boolean }) => void;
  read: (payload: { conversationId: string; userId: string; seq: number }) => void;
  presence: (payload: { userId: string; online: boolean; lastSeenAt: string | null }) => void;
  conversation: (payload: { conversation: Conversation }) => void;
  /** The receiver left or was removed: drop the conversation. */
  conversation_removed: (payload: { conversationId: string }) => void;
  /** A user's public profile changed (display name, avatar). */
  user_updated: (payload: { user: User }) => void;
}
