import type { AttachmentsTable } from "./attachments.js";
import type { AvatarsTable } from "./avatars.js";
import type { BlocksTable } from "./blocks.js";
import type { ConversationMembersTable } from "./conversation-members.js";
import type { ConversationsTable } from "./conversations.js";
import type { MessageAttachmentsTable } from "./message-attachments.js";
import type { MessageMentionsTable } from "./message-mentions.js";
import type { MessagesTable } from "./messages.js";
import type { ReactionsTable } from "./reactions.js";
import type { SessionsTable } from "./sessions.js";
import type { UsersTable } from "./users.js";

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  attachments: AttachmentsTable;
  message_attachments: MessageAttachmentsTable;
  avatars: AvatarsTable;
  reactions: ReactionsTable;
  message_mentions: MessageMentionsTable;
  blocks: BlocksTable;
}
