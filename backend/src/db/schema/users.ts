export interface UsersTable {
  id: string;
  username: string;
  /** Lower-cased username: the case-insensitive unique key. */
  username_key: string;
  display_name: string;
  password_hash: string;
  avatar_url: string | null;
  created_at: string;
  last_seen_at: string | null;
}
