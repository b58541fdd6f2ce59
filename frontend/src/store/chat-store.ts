import type { Conversation, Message, User } from "@chat/protocol";
import { useSyncExternalStore } from "react";
import { type ChatMessage, type ChatState, emptyThread, type Thread } from "./types";

/**
 * The one client store for server state. Socket events and REST answers go through the
 * mutations below; components read slices with useChat(selector).
 */
const initial: ChatState = {
  me: null,
  conversations: {},
  conversationsLoaded: false,
  threads: {},
  typing: {},
  presence: {},
  connection: "connecting",
  activeId: null,
  announcement: "",
  composing: {},
  jump: null,
  blocked: {},
};

let state: ChatState = initial;
const listeners = new Set<() => void>();

export function getState() {
  return state;
}

export function setState(next: Partial<ChatState>) {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useChat<T>(selector: (s: ChatState) => T): T {
  return useSyncExternalStore(
    subscribe,
    () => selector(state),
    () => selector(initial),
  );
}

export function resetStore() {
  setState({ ...initial });
}

/** Unread is derived, never trusted from a payload: lastSeq - my lastReadSeq. */
function withUnread(c: Conversation, meId: string | undefined): Conversation {
  const mine = c.members.find((m) => m.user.id === meId);
  const unreadCount = mine ? Math.max(0, c.lastSeq - mine.lastReadSeq) : c.unreadCount;
  return unreadCount === c.unreadCount ? c : { ...c, unreadCount };
}

/** My own message is read by me: my read position moves with it. */
function readOwn(members: Conversation["members"], message: Message): Conversation["members"] {
  if (message.senderId !== state.me?.id) return members;
  return members.map((m) =>
    m.user.id === message.senderId ? { ...m, lastReadSeq: Math.max(m.lastReadSeq, message.seq) } : m,
  );
}

/** Someone else's message that mentions me: it counts toward the mention badge. */
function mentionsMe(m: Message): boolean {
  const me = state.me?.id;
  return !!me && m.senderId !== me && !!m.mentions?.includes(me);
}

/** Mentions of me left unread once my read position is `seq`: the loaded thread tells which. */
function unreadMentions(conv: Conversation, seq: number): Conversation["mentionCount"] {
  if (!state.me || !conv.mentionCount) return conv.mentionCount;
  if (seq >= conv.lastSeq) return 0;
  const left = (state.threads[conv.id]?.messages ?? []).filter((m) => m.seq > seq && mentionsMe(m));
  return Math.min(conv.mentionCount, left.length);
}

/**
 * A list can be built by the server before messages or read receipts that have already
 * reached this client live: they are kept, so a late list never rolls a conversation's
 * preview, unread count, mention count or read positions back.
 */
function keepNewer(c: Conversation): Conversation {
  const before = state.conversations[c.id];
  const me = state.me?.id;
  const newer = new Map<string, Message>();
  for (const m of [...(state.threads[c.id]?.messages ?? []), before?.lastMessage])
    if (m && m.seq > c.lastSeq) newer.set(m.id, m);
  let next = c;
  if (newer.size > 0) {
    const list = [...newer.values()];
    const newest = list.reduce((a, m) => (m.seq > a.seq ? m : a));
    next = {
      ...c,
      lastMessage: newest,
      lastSeq: newest.seq,
      members: readOwn(c.members, newest),
      mentionCount: (c.mentionCount ?? 0) + list.filter(mentionsMe).length,
    };
  }
  if (!before) return next;
  const seen = new Map(before.members.map((m) => [m.user.id, m.lastReadSeq]));
  const listed = c.members.find((m) => m.user.id === me)?.lastReadSeq ?? 0;
  const members = next.members.map((m) => {
    const read = seen.get(m.user.id) ?? 0;
    return read > m.lastReadSeq ? { ...m, lastReadSeq: read } : m;
  });
  next = { ...next, members };
  const mine = members.find((m) => m.user.id === me)?.lastReadSeq ?? 0;
  return mine > listed ? { ...next, mentionCount: unreadMentions(next, mine) } : next;
}

function seedPresence(conversations: Conversation[]) {
  const presence = { ...state.presence };
  for (const c of conversations)
    for (const m of c.members)
      if (m.user.online !== undefined && !presence[m.user.id])
        presence[m.user.id] = { online: m.user.online, lastSeenAt: m.user.lastSeenAt ?? null };
  return presence;
}

export const actions = {
  setMe(me: User | null) {
    setState({ me });
  },
  setConnection(connection: ChatState["connection"]) {
    if (state.connection !== connection) setState({ connection });
  },
  setActive(activeId: string | null) {
    setState({ activeId });
  },
  announce(announcement: string) {
    setState({ announcement });
  },

  setConversations(list: Conversation[]) {
    const conversations: Record<string, Conversation> = {};
    for (const c of list) conversations[c.id] = withUnread(keepNewer(c), state.me?.id);
    const presence = seedPresence(list);
    for (const c of list)
      for (const m of c.members)
        if (m.user.online !== undefined)
          presence[m.user.id] = { online: m.user.online, lastSeenAt: m.user.lastSeenAt ?? null };
    setState({ conversations, conversationsLoaded: true, presence });
  },
  upsertConversation(c: Conversation) {
    setState({
      conversations: { ...state.conversations, [c.id]: withUnread(c, state.me?.id) },
      presence: seedPresence([c]),
    });
  },
  removeConversation(id: string) {
    const { [id]: _gone, ...conversations } = state.conversations;
    const { [id]: _thread, ...threads } = state.threads;
    setState({ conversations, threads });
  },

  /** A message stored by the server (ack, broadcast, history or gap fill). */
  addMessages(conversationId: string, incoming: Message[], page?: { hasMore: boolean; older: boolean }) {
    const thread = state.threads[conversationId] ?? emptyThread;
    const byId = new Map(thread.messages.map((m) => [m.id, m]));
    for (const m of incoming) byId.set(m.id, m);
    const messages = [...byId.values()].sort((a, b) => a.seq - b.seq);
    const confirmed = new Set(incoming.map((m) => m.clientId));
    const pending = thread.pending.filter((p) => !confirmed.has(p.clientId));
    const next: Thread = { ...thread, messages, pending };
    // Only the page that reaches furthest back decides whether more exists (a late stale page must not).
    const lowestBefore = thread.messages[0]?.seq ?? Number.MAX_SAFE_INTEGER;
    const lowestIncoming = incoming[0]?.seq ?? Number.MAX_SAFE_INTEGER;
    if (page && (!thread.loaded || lowestIncoming <= lowestBefore))
      next.hasMore = page.hasMore && (messages[0]?.seq ?? 1) > 1;
    if (page) next.loaded = true;
    setThread(conversationId, next);

    const conv = state.conversations[conversationId];
    const newest = incoming.reduce<Message | null>((a, m) => (!a || m.seq > a.seq ? m : a), null);
    if (conv && newest && newest.seq >= (conv.lastMessage?.seq ?? 0)) {
      const newMentions = incoming.filter((m) => m.seq > conv.lastSeq && mentionsMe(m)).length;
      actions.upsertConversation({
        ...conv,
        lastMessage: newest,
        lastSeq: Math.max(conv.lastSeq, newest.seq),
        members: readOwn(conv.members, newest),
        mentionCount: (conv.mentionCount ?? 0) + newMentions,
      });
    }
  },
  setLoadingOlder(conversationId: string, loadingOlder: boolean) {
    const thread = state.threads[conversationId] ?? emptyThread;
    setThread(conversationId, { ...thread, loadingOlder });
  },
  addPending(message: ChatMessage) {
    const thread = state.threads[message.conversationId] ?? emptyThread;
    setThread(message.conversationId, { ...thread, pending: [...thread.pending, message] });
  },
  setPendingState(conversationId: string, clientId: string, local: ChatMessage["local"], failReason?: string) {
    const thread = state.threads[conversationId];
    if (!thread) return;
    const pending = thread.pending.map((p) => (p.clientId === clientId ? { ...p, local, failReason } : p));
    setThread(conversationId, { ...thread, pending });
  },

  /** Someone's read position moved (mine included, from another tab). */
  setRead(conversationId: string, userId: string, seq: number) {
    const conv = state.conversations[conversationId];
    if (!conv) return;
    const members = conv.members.map((m) =>
      m.user.id === userId && seq > m.lastReadSeq ? { ...m, lastReadSeq: seq } : m,
    );
    const mentionCount = userId === state.me?.id ? unreadMentions(conv, seq) : conv.mentionCount;
    actions.upsertConversation({ ...conv, members, mentionCount });
  },

  setTyping(conversationId: string, userId: string, until: number | null) {
    const current = { ...(state.typing[conversationId] ?? {}) };
    if (until === null) {
      if (!(userId in current)) return;
      delete current[userId];
    } else current[userId] = until;
    setState({ typing: { ...state.typing, [conversationId]: current } });
  },

  setPresence(userId: string, online: boolean, lastSeenAt: string | null) {
    setState({ presence: { ...state.presence, [userId]: { online, lastSeenAt } } });
  },

  updateUser(user: User) {
    const conversations: Record<string, Conversation> = {};
    for (const [id, c] of Object.entries(state.conversations)) {
      const has = c.members.some((m) => m.user.id === user.id);
      conversations[id] = has
        ? { ...c, members: c.members.map((m) => (m.user.id === user.id ? { ...m, user: { ...m.user, ...user } } : m)) }
        : c;
    }
    setState({ conversations, me: state.me?.id === user.id ? { ...state.me, ...user } : state.me });
  },
};

export function setThread(conversationId: string, thread: Thread) {
  setState({ threads: { ...state.threads, [conversationId]: thread } });
}
