import type { ConversationMembersTable } from "./conversation-members.js";
import type { ConversationsTable } from "./conversations.js";
import type { MessagesTable } from "./messages.js";
import type { SessionsTable } from "./sessions.js";
import type { UsersTable } from "./users.js";

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
}
