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
}
