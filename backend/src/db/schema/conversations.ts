import type { Generated } from "kysely";

export interface ConversationsTable {
  id: string;
  type: "direct" | "group";
  name: string | null;
  /** "<smaller user id>:<larger user id>" for direct chats: one conversation per pair. */
  direct_key: string | null;
  created_at: string;
  /** Highest message seq; the next message takes last_seq + 1 in the same transaction. */
  last_seq: number;
  last_activity_at: string;
  /** Highest change_seq of its messages (see messages.change_seq). */
  last_change_seq: Generated<number>;
}
