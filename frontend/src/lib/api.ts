import type {
  AuthResponse,
  BlocksResponse,
  ChangesResponse,
  ConversationResponse,
  ConversationsResponse,
  ErrorBody,
  MeResponse,
  MessageResponse,
  MessagesResponse,
  Role,
  SearchResponse,
  UsersResponse,
} from "@chat/protocol";

/** An API answer that was not 2xx, with the server's code and message in words. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const unauthorizedListeners = new Set<() => void>();
/** Called when any request answers 401: the session ended (logout elsewhere, expiry). */
export function onUnauthorized(listener: () => void) {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function request<T>(method: string, path: string, body?: unknown, quiet401 = false): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? undefined : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiRequestError(0, "NETWORK", "Cannot reach the server. Check your connection.");
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
  if (!res.ok) {
    if (res.status === 401 && !quiet401) for (const l of unauthorizedListeners) l();
    const err = data?.error;
    throw new ApiRequestError(res.status, err?.code ?? "INTERNAL", err?.message ?? `Request failed (${res.status})`);
  }
  return data as T;
}

export const api = {
  register: (body: { username: string; password: string; displayName?: string }) =>
    request<AuthResponse>("POST", "/auth/register", body, true),
  login: (body: { username: string; password: string }) => request<AuthResponse>("POST", "/auth/login", body, true),
  logout: () => request<void>("POST", "/auth/logout", undefined, true),
  me: () => request<MeResponse>("GET", "/auth/me", undefined, true),
  searchUsers: (q: string) => request<UsersResponse>("GET", `/users?search=${encodeURIComponent(q)}`),
  updateMe: (displayName: string) => request<MeResponse>("PATCH", "/users/me", { displayName }),
  listConversations: () => request<ConversationsResponse>("GET", "/chat/conversations"),
  getConversation: (id: string) => request<ConversationResponse>("GET", `/chat/conversations/${enc(id)}`),
  openDirect: (userId: string) => request<ConversationResponse>("POST", "/chat/conversations", { userId }),
  createGroup: (name: string, users: string[]) => request<ConversationResponse>("POST", "/chat/group", { name, users }),
  renameGroup: (id: string, name: string) =>
    request<ConversationResponse>("PATCH", `/chat/conversations/${enc(id)}`, { name }),
  addMembers: (id: string, users: string[]) =>
    request<ConversationResponse>("POST", `/chat/conversations/${enc(id)}/members`, { users }),
  removeMember: (id: string, userId: string) =>
    request<void>("DELETE", `/chat/conversations/${enc(id)}/members/${enc(userId)}`),
  setRole: (id: string, userId: string, role: Role) =>
    request<ConversationResponse>("PATCH", `/chat/conversations/${enc(id)}/members/${enc(userId)}`, { role }),
  history: (id: string, q: { before?: number; after?: number; limit?: number }) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    return request<MessagesResponse>("GET", `/chat/conversations/${enc(id)}/messages?${params}`);
  },
  sendMessage: (id: string, body: { clientId: string; text: string; attachments?: string[]; replyTo?: string }) =>
    request<MessageResponse>("POST", `/chat/conversations/${enc(id)}/messages`, body),
  editMessage: (id: string, text: string) => request<MessageResponse>("PATCH", `/chat/messages/${enc(id)}`, { text }),
  deleteMessage: (id: string) => request<MessageResponse>("DELETE", `/chat/messages/${enc(id)}`),
  react: (id: string, emoji: string) =>
    request<MessageResponse>("POST", `/chat/messages/${enc(id)}/reactions`, { emoji }),
  changes: (id: string, after: number) =>
    request<ChangesResponse>("GET", `/chat/conversations/${enc(id)}/changes?after=${after}`),
  setMuted: (id: string, muted: boolean) =>
    request<ConversationResponse>("PUT", `/chat/conversations/${enc(id)}/mute`, { muted }),
  search: (q: string, cursor?: string) => {
    const params = new URLSearchParams({ q });
    if (cursor) params.set("cursor", cursor);
    return request<SearchResponse>("GET", `/chat/search?${params}`);
  },
  listBlocks: () => request<BlocksResponse>("GET", "/users/me/blocks"),
  block: (userId: string) => request<void>("PUT", `/users/${enc(userId)}/block`),
  unblock: (userId: string) => request<void>("DELETE", `/users/${enc(userId)}/block`),
  markRead: (id: string, seq: number) => request<void>("POST", `/chat/conversations/${enc(id)}/read`, { seq }),
};

function enc(s: string) {
  return encodeURIComponent(s);
}
