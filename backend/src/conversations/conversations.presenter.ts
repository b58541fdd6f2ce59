import type { Attachment, Conversation, Member } from "@chat/protocol";
import { presentMessage } from "../messages/messages.presenter.js";
import type { MessageRow } from "../messages/messages.store.js";
import { presentUser } from "../users/users.presenter.js";
import type { ConversationRow, MemberRow } from "./conversations.store.js";

export interface ConversationParts {
  row: ConversationRow;
  members: MemberRow[];
  lastMessage: MessageRow | undefined;
  /** Attachments by message id (only the last message's are looked up). */
  attachmentsOf: Map<string, Attachment[]>;
  online: Set<string>;
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
    lastMessage: parts.lastMessage
      ? presentMessage(parts.lastMessage, parts.attachmentsOf.get(parts.lastMessage.id))
      : null,
    unreadCount: Math.max(0, parts.row.last_seq - (mine?.last_read_seq ?? parts.row.last_seq)),
    createdAt: parts.row.created_at,
  };
}
