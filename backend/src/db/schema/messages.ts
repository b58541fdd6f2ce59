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
  reply_to_id: string | null;
}
