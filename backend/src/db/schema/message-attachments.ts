export interface MessageAttachmentsTable {
  message_id: string;
  attachment_id: string;
  /** Order inside the message, from 0. */
  position: number;
}
