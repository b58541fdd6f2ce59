import type { Attachment, Conversation, Message, SearchResult, User } from "./models.js";

/** Answer bodies of the REST API. */
export interface AuthResponse {
  token: string;
  user: User;
}
export interface MeResponse {
  user: User;
}
export interface UsersResponse {
  users: User[];
}
export interface ConversationResponse {
  conversation: Conversation;
}
export interface ConversationsResponse {
  conversations: Conversation[];
}
export interface MessagesResponse {
  messages: Message[];
  hasMore: boolean;
}
export interface MessageResponse {
  message: Message;
}
export interface AttachmentResponse {
  attachment: Attachment;
}
export interface UserResponse {
  user: User;
}
export interface ChangesResponse {
  messages: Message[];
  lastChangeSeq: number;
  hasMore: boolean;
}
export interface SearchResponse {
  results: SearchResult[];
  nextCursor: string | null;
}
export interface BlocksResponse {
  users: User[];
}
