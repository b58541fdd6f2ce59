export interface AttachmentsTable {
  id: string;
  uploader_id: string;
  /** sha256 of the stored bytes (for images: after metadata was stripped). */
  blob_hash: string;
  /** The uploader's file name, cleaned; metadata only, never a path. */
  name: string;
  /** Sniffed from the bytes, never taken from the client. */
  mime_type: string;
  size: number;
  width: number | null;
  height: number | null;
  thumb_hash: string | null;
  created_at: string;
}
