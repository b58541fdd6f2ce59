import type { Conversation, Message, User } from "@chat/protocol";

/** A message as the client holds it: confirmed by the server, or still local. */
export interface ChatMessage extends Message {
  /** Local-only state of an optimistic send; absent once the server stored it. */
  local?: "pending" | "failed";
  failReason?: string;
}

export interface Thread {
  /** Confirmed messages, ascending seq, unique ids. */
  messages: ChatMessage[];
  /** Optimistic sends waiting for an ack (the outbox), in the order they were typed. */
  pending: ChatMessage[];
  hasMore: boolean;
  loaded: boolean;
  loadingOlder: boolean;
}

export type ConnectionStatus = "connecting" | "online" | "offline";

export interface ChatState {
  me: User | null;
  conversations: Record<string, Conversation>;
  conversationsLoaded: boolean;
  threads: Record<string, Thread>;
  /** conversationId -> userId -> expiry time (ms). */
  typing: Record<string, Record<string, number>>;
  presence: Record<string, { online: boolean; lastSeenAt: string | null }>;
  connection: ConnectionStatus;
  /** The conversation on screen (drives read marking and notifications). */
  activeId: string | null;
  /** Last text for the polite live region. */
  announcement: string;
}

export const emptyThread: Thread = { messages: [], pending: [], hasMore: true, loaded: false, loadingOlder: false };
