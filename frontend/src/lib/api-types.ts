// Shapes come from the protocol; this file only names the few the client adds.
export type {
  AuthResponse,
  BlocksResponse,
  ChangesResponse,
  ConversationResponse,
  ConversationsResponse,
  ErrorBody,
  MessageResponse,
  MessagesResponse,
  SearchResponse,
  UsersResponse,
} from "@chat/protocol";

import type { MeResponse } from "@chat/protocol";

/** GET /auth/me, PATCH /users/me and PUT /users/me/avatar all answer `{ user }`. */
export type UserResponse = MeResponse;
