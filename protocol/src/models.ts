import { z } from "zod";

export const Role = z.enum(["owner", "admin", "member"]);
export type Role = z.infer<typeof Role>;

export const ConversationType = z.enum(["direct", "group"]);
export type ConversationType = z.infer<typeof ConversationType>;

export interface User {
  id: string;
  username: string;
  displayName: string;
  avatarUrl: string | null;
  online?: boolean;
  lastSeenAt?: string | null;
}

export interface Attachment {
  id: string;
  name: string;
  size: number;
  mimeType: string;
  url: string;
  thumbnailUrl?: string;
  width?: number;
  height?: number;
}

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientId: string;
  text: string;
  attachments: Attachment[];
  createdAt: string;
  editedAt?: string | null;
  deletedAt?: string | null;
  /**
   * Position in the conversation's change sequence: bumped by every change to this message
   * (creation, edit, delete, reaction). `GET .../changes?after=N` returns what changed since N.
   */
  changeSeq?: number;
  replyTo?: ReplyQuote | null;
  reactions?: Reaction[];
  /** Ids of the members mentioned with @username. */
  mentions?: string[];
}

/** What a reply shows of the message it answers; `deleted` when that message was deleted. */
export interface ReplyQuote {
  id: string;
  seq: number;
  senderId: string;
  excerpt: string;
  deleted: boolean;
}

export interface Reaction {
  emoji: string;
  count: number;
  userIds: string[];
}

export interface SearchResult {
  message: Message;
  /** [start, end) character ranges of the matched terms in `message.text`. */
  highlights: Array<[number, number]>;
}

export interface Member {
  user: User;
  role: Role;
  lastReadSeq: number;
}

export interface Conversation {
  id: string;
  type: ConversationType;
  name: string | null;
  members: Member[];
  lastSeq: number;
  lastMessage: Message | null;
  unreadCount: number;
  createdAt: string;
  /** Highest position in the change sequence (see Message.changeSeq). */
  lastChangeSeq?: number;
  /** The viewer muted it: no notifications, the badge still counts. */
  muted?: boolean;
  /** Unread messages that mention the viewer. */
  mentionCount?: number;
}
