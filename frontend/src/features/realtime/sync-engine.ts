import { limits, type Message } from "@chat/protocol";
import { api } from "@/lib/api";
import { closeSocket, getSocket } from "@/lib/socket";
import { actions, getState } from "@/store/chat-store";
import { applyMessageChanges, setBlocked } from "@/store/message-changes";
import { flushOutbox, forgetInFlight } from "../messages/outbox";
import { catchUp, forgetConversation, noteLive, snapshotWatermarks } from "./catch-up";
import { notifyIncoming } from "./notifications";

const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

/**
 * Binds socket events to the store. Returns a stop function. `onSessionEnded` runs
 * when the server refuses the session (logout elsewhere, expiry).
 */
export function startSync(onSessionEnded: () => void, onRemoved: (conversationId: string) => void) {
  const socket = getSocket();
  actions.setConnection("connecting");

  socket.on("connect", () => {
    actions.setConnection("online");
    void resync();
  });
  socket.on("disconnect", (reason) => {
    forgetInFlight();
    actions.setConnection("offline");
    // The server cut us off on purpose (session revoked): find out whether we are still logged in.
    if (reason === "io server disconnect") api.me().then(() => socket.connect(), onSessionEnded);
  });
  socket.on("connect_error", (err) => {
    actions.setConnection("offline");
    if (err.message === "UNAUTHORIZED") onSessionEnded();
  });

  socket.on("new_message", ({ message }) => {
    const state = getState();
    const thread = state.threads[message.conversationId];
    const highest = thread?.messages.at(-1)?.seq ?? 0;
    noteLive(message);
    actions.addMessages(message.conversationId, [message]);
    actions.setTyping(message.conversationId, message.senderId, null);
    if (thread?.loaded && message.seq > highest + 1) void fillGap(message.conversationId, highest);
    if (message.senderId !== state.me?.id) {
      if (state.conversations[message.conversationId]) notifyIncoming(message);
      // A new chat, or the list is still loading: whether it is muted and who sent it come
      // with the conversation, so the notification waits for it.
      else
        void api.getConversation(message.conversationId).then(
          (r) => {
            actions.upsertConversation(r.conversation);
            notifyIncoming(message);
          },
          () => {}, // gone meanwhile (left, removed): nothing to show
        );
    }
  });
  const changed = ({ message }: { message: Message }) => {
    noteLive(message);
    applyMessageChanges(message.conversationId, [message]);
  };
  socket.on("message_updated", changed);
  socket.on("message_deleted", changed);
  socket.on("typing", ({ conversationId, userId, typing }) => {
    const key = `${conversationId}:${userId}`;
    clearTimeout(typingTimers.get(key));
    if (!typing) return actions.setTyping(conversationId, userId, null);
    // Expire on our own clock too, in case the stop never arrives.
    actions.setTyping(conversationId, userId, Date.now() + limits.typingTtlMs);
    typingTimers.set(
      key,
      setTimeout(() => actions.setTyping(conversationId, userId, null), limits.typingTtlMs),
    );
  });
  socket.on("read", ({ conversationId, userId, seq }) => actions.setRead(conversationId, userId, seq));
  socket.on("presence", ({ userId, online, lastSeenAt }) => actions.setPresence(userId, online, lastSeenAt));
  socket.on("conversation", ({ conversation }) => actions.upsertConversation(conversation));
  socket.on("conversation_removed", ({ conversationId }) => {
    actions.removeConversation(conversationId);
    forgetConversation(conversationId);
    onRemoved(conversationId);
  });
  socket.on("user_updated", ({ user }) => actions.updateUser(user));

  // The browser knows first when the network goes: hold sends in the outbox right away.
  const goOffline = () => {
    socket.disconnect();
    forgetInFlight();
    actions.setConnection("offline");
  };
  const goOnline = () => {
    actions.setConnection("connecting");
    socket.connect();
  };
  window.addEventListener("offline", goOffline);
  window.addEventListener("online", goOnline);
  if (navigator.onLine) socket.connect();
  else actions.setConnection("offline");

  return () => {
    window.removeEventListener("offline", goOffline);
    window.removeEventListener("online", goOnline);
    for (const t of typingTimers.values()) clearTimeout(t);
    typingTimers.clear();
    closeSocket();
  };
}

/**
 * After every (re)connect: refresh the list, gap-fill loaded threads, catch up on the changes
 * (edits, deletes, reactions) made meanwhile, then send the outbox.
 */
async function resync() {
  const marks = snapshotWatermarks();
  try {
    const [{ conversations }, { users }] = await Promise.all([api.listConversations(), api.listBlocks()]);
    actions.setConversations(conversations);
    setBlocked(users);
  } catch {
    // The list stays as it was; the next reconnect tries again.
  }
  const loaded = Object.entries(getState().threads).filter(([, t]) => t.loaded);
  await Promise.all(
    loaded.map(async ([id, t]) => {
      await fillGap(id, t.messages.at(-1)?.seq ?? 0);
      const after = marks.get(id);
      if (after !== undefined) await catchUp(id, after);
    }),
  );
  flushOutbox();
}

const filling = new Set<string>();

/** Fetches everything after `after` through the socket `sync` command, page by page. */
async function fillGap(conversationId: string, after: number) {
  if (filling.has(conversationId)) return;
  filling.add(conversationId);
  try {
    let from = after;
    for (;;) {
      const ack = await getSocket()
        .timeout(10_000)
        .emitWithAck("sync", { conversationId, after: from, limit: limits.pageSizeMax });
      if (!ack.ok || ack.messages.length === 0) break;
      actions.addMessages(conversationId, ack.messages);
      from = ack.messages.at(-1)?.seq ?? from;
      if (!ack.hasMore) break;
    }
  } catch {
    // Disconnected mid-fill: the next connect starts over from the highest seq held.
  } finally {
    filling.delete(conversationId);
  }
}

export function sendTyping(conversationId: string, typing: boolean) {
  const socket = getSocket();
  if (socket.connected) socket.emit("typing", { conversationId, typing });
}

/** Moves my read position to the newest message on screen, once per new seq. */
export function markRead(conversationId: string) {
  const state = getState();
  const conv = state.conversations[conversationId];
  const mine = conv?.members.find((m) => m.user.id === state.me?.id);
  const newest = state.threads[conversationId]?.messages.at(-1)?.seq ?? 0;
  if (!conv || !mine || newest <= mine.lastReadSeq) return;
  actions.setRead(conversationId, mine.user.id, newest);
  const socket = getSocket();
  if (socket.connected) socket.emit("mark_read", { conversationId, seq: newest }, () => {});
  else void api.markRead(conversationId, newest).catch(() => {});
}
