import { type ApiError, limits, type Message, timeOrderedId } from "@chat/protocol";
import { getSocket } from "@/lib/socket";
import { actions, getState } from "@/store/chat-store";
import type { ChatMessage } from "@/store/types";

const ACK_TIMEOUT_MS = 10_000;
/** clientId -> attempt number of the emit whose ack we still wait for. */
const inFlight = new Map<string, number>();
let attemptCounter = 0;

/**
 * Optimistic send: the message shows at once as pending and waits in the outbox.
 * It goes out now if connected, otherwise on reconnect, always with the same clientId,
 * so the server's (sender, clientId) dedupe makes every retry land exactly once.
 */
export function sendMessage(
  conversationId: string,
  text: string,
  attachments: Message["attachments"] = [],
  replyTo?: Message,
) {
  const me = getState().me;
  if (!me) return;
  const message: ChatMessage = {
    id: `local-${crypto.randomUUID()}`,
    conversationId,
    seq: Number.MAX_SAFE_INTEGER,
    senderId: me.id,
    // Time-ordered: the server indexes client ids, and these append to the index.
    clientId: timeOrderedId(),
    text,
    attachments,
    createdAt: new Date().toISOString(),
    replyTo: replyTo
      ? {
          id: replyTo.id,
          seq: replyTo.seq,
          senderId: replyTo.senderId,
          excerpt: replyTo.text.slice(0, limits.replyExcerptMax),
          deleted: false,
        }
      : null,
    local: "pending",
  };
  actions.addPending(message);
  emitPending(message);
}

export function retryMessage(conversationId: string, clientId: string) {
  actions.setPendingState(conversationId, clientId, "pending");
  const message = getState().threads[conversationId]?.pending.find((p) => p.clientId === clientId);
  if (message) emitPending(message);
}

/** Sends every pending message not already waiting for an ack (called on connect). */
export function flushOutbox() {
  for (const thread of Object.values(getState().threads))
    for (const p of thread.pending) if (p.local === "pending" && !inFlight.has(p.clientId)) emitPending(p);
}

/** Acks of a dead connection will never come: forget them so the flush resends. */
export function forgetInFlight() {
  inFlight.clear();
}

function emitPending(message: ChatMessage) {
  const socket = getSocket();
  if (!socket.connected) return; // stays in the outbox until the next connect
  const attempt = ++attemptCounter;
  inFlight.set(message.clientId, attempt);
  socket.timeout(ACK_TIMEOUT_MS).emit(
    "send_message",
    {
      conversationId: message.conversationId,
      clientId: message.clientId,
      text: message.text,
      attachments: message.attachments.map((a) => a.id),
      ...(message.replyTo ? { replyTo: message.replyTo.id } : {}),
    },
    (err, ack) => {
      if (inFlight.get(message.clientId) !== attempt) return; // superseded by a newer attempt
      inFlight.delete(message.clientId);
      if (err) {
        // Lost with the connection: keep it pending, the reconnect flush resends it.
        if (!socket.connected) return;
        actions.setPendingState(message.conversationId, message.clientId, "failed", "No answer from the server");
        return;
      }
      if (ack.ok) actions.addMessages(message.conversationId, [ack.message]);
      else actions.setPendingState(message.conversationId, message.clientId, "failed", refusal(message, ack.error));
    },
  );
}

/** The server's refusal in words a person can act on. */
function refusal(message: Message, error: ApiError) {
  const conv = getState().conversations[message.conversationId];
  if (error.code === "FORBIDDEN" && conv?.type === "direct")
    return "you can't message this person because one of you has blocked the other";
  return error.message;
}
