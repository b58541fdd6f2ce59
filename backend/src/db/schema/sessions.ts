export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}
