export interface MessageMentionsTable {
  message_id: string;
  user_id: string;
  conversation_id: string;
  /** The message's seq, so "mentions above my read position" needs no join. */
  seq: number;
}
