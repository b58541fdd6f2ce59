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
  /** Per conversation: the composer is replying to or editing this message. */
  composing: Record<string, ComposeTarget | undefined>;
  /** A message to scroll to and highlight once its conversation is on screen. */
  jump: JumpTarget | null;
  /** Users I blocked, by id. */
  blocked: Record<string, User>;
}

export interface ComposeTarget {
  mode: "reply" | "edit";
  message: ChatMessage;
}

export interface JumpTarget {
  conversationId: string;
  messageId: string;
  seq: number;
  /** Distinguishes two jumps to the same message. */
  nonce: number;
}

export const emptyThread: Thread = { messages: [], pending: [], hasMore: true, loaded: false, loadingOlder: false };
