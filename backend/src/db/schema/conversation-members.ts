import type { Generated } from "kysely";

export interface ConversationMembersTable {
  /** Increasing with join order: the longest-standing member has the smallest id. */
  id: Generated<number>;
  conversation_id: string;
  user_id: string;
  role: "owner" | "admin" | "member";
  last_read_seq: number;
  joined_at: string;
  /** 1 when the member muted the conversation (an integer on both dialects). */
  muted: Generated<number>;
}
