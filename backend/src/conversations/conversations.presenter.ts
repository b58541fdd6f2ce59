import type { Conversation, Member, Message } from "@chat/protocol";
import { presentUser } from "../users/users.presenter.js";
import type { ConversationRow, MemberRow } from "./conversations.store.js";

export interface ConversationParts {
  row: ConversationRow;
  members: MemberRow[];
  lastMessage: Message | undefined;
  online: Set<string>;
  mentionCount: number;
}

/** The conversation as one viewer sees it: unreadCount is theirs. */
export function presentConversation(parts: ConversationParts, viewerId: string): Conversation {
  const members: Member[] = parts.members.map((m) => ({
    user: presentUser(m, parts.online.has(m.id)),
    role: m.role,
    lastReadSeq: m.last_read_seq,
  }));
  const mine = parts.members.find((m) => m.id === viewerId);
  return {
    id: parts.row.id,
    type: parts.row.type,
    name: parts.row.name,
    members,
    lastSeq: parts.row.last_seq,
    lastMessage: parts.lastMessage ?? null,
    unreadCount: Math.max(0, parts.row.last_seq - (mine?.last_read_seq ?? parts.row.last_seq)),
    createdAt: parts.row.created_at,
    lastChangeSeq: parts.row.last_change_seq,
    muted: mine?.muted === 1,
    mentionCount: parts.mentionCount,
  };
}
