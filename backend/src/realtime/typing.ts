import { limits } from "@chat/protocol";
import type { Realtime } from "./realtime.js";

/**
 * Relays typing to the other members and stops it on the server's clock: a `typing: true`
 * not renewed within the TTL, or whose socket went away, is announced as stopped.
 */
export function createTypingRelay(realtime: Realtime, ttlMs: number = limits.typingTtlMs) {
  // socketId -> conversationId -> expiry timer
  const active = new Map<string, Map<string, { timer: NodeJS.Timeout; recipients: string[]; userId: string }>>();

  function stop(socketId: string, conversationId: string, announce: boolean) {
    const perSocket = active.get(socketId);
    const entry = perSocket?.get(conversationId);
    if (!perSocket || !entry) return;
    clearTimeout(entry.timer);
    perSocket.delete(conversationId);
    if (perSocket.size === 0) active.delete(socketId);
    if (announce)
      realtime.emitToUsers(entry.recipients, "typing", { conversationId, userId: entry.userId, typing: false });
  }

  return {
    update(socketId: string, userId: string, conversationId: string, typing: boolean, memberIds: Iterable<string>) {
      const recipients = [...memberIds].filter((u) => u !== userId);
      if (!typing) {
        const wasTyping = active.get(socketId)?.has(conversationId);
        stop(socketId, conversationId, false);
        if (wasTyping) realtime.emitToUsers(recipients, "typing", { conversationId, userId, typing: false });
        return;
      }
      const perSocket = active.get(socketId) ?? new Map();
      active.set(socketId, perSocket);
      const previous = perSocket.get(conversationId);
      if (previous) clearTimeout(previous.timer);
      const timer = setTimeout(() => stop(socketId, conversationId, true), ttlMs);
      timer.unref();
      perSocket.set(conversationId, { timer, recipients, userId });
      // Renewals are relayed too, so receivers can expire the indicator on their own clock
      // if this node dies before it can announce the stop.
      realtime.emitToUsers(recipients, "typing", { conversationId, userId, typing: true });
    },
    /** The socket sent a message or went away: its typing ends now. */
    stopConversation(socketId: string, conversationId: string) {
      stop(socketId, conversationId, true);
    },
    stopSocket(socketId: string) {
      for (const conversationId of [...(active.get(socketId)?.keys() ?? [])]) stop(socketId, conversationId, true);
    },
  };
}
export type TypingRelay = ReturnType<typeof createTypingRelay>;
