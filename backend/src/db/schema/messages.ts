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
}
