import type { Generated } from "kysely";

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_id: string;
  text: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  /** Position in the conversation's change sequence; bumped by every change to the message. */
  change_seq: number;
  /**
   * The change_seq it was created with; 0 for messages stored before migration 0007. Only a
   * message whose change_seq differs from it is in the change-feed index.
   */
  created_change_seq: Generated<number>;
  reply_to_id: string | null;
}
