export interface AvatarsTable {
  /** Random per upload: the avatar URL names it, so every change gets a new URL. */
  id: string;
  user_id: string;
  hash_64: string;
  hash_128: string;
  hash_256: string;
  created_at: string;
}
