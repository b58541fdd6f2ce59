import { limits, type Message } from "@chat/protocol";
import { getSocket } from "@/lib/socket";
import { getState } from "@/store/chat-store";
import { applyMessageChanges } from "@/store/message-changes";

/**
 * Per loaded conversation, the change-sequence position up to which the held messages are known
 * to be current. It only moves on what is complete: a first history page, live events while
 * caught up, and finished catch-up pages. Gap fill never moves it, so a reconnect in the middle
 * of a catch-up still starts from a safe place.
 */
const watermark = new Map<string, number>();
/** Conversations whose catch-up is running, with the highest live changeSeq seen meanwhile. */
const catching = new Map<string, number>();

const highest = (messages: Message[]) => messages.reduce((n, m) => Math.max(n, m.changeSeq ?? 0), 0);

/** The first history page is the current state of what it holds. */
export function noteFirstPage(conversationId: string, messages: Message[]) {
  if (!watermark.has(conversationId)) watermark.set(conversationId, highest(messages));
}

/** A live event (new, updated, deleted message) arrived while connected. */
export function noteLive(message: Message) {
  const id = message.conversationId;
  const seq = message.changeSeq ?? 0;
  if (catching.has(id)) catching.set(id, Math.max(catching.get(id) ?? 0, seq));
  else if (watermark.has(id)) watermark.set(id, Math.max(watermark.get(id) ?? 0, seq));
}

export function forgetConversation(conversationId: string) {
  watermark.delete(conversationId);
}

/** Taken synchronously on connect, before any gap fill or live event can move anything. */
export function snapshotWatermarks(): Map<string, number> {
  const loaded = Object.entries(getState().threads).filter(([, t]) => t.loaded);
  const snap = new Map<string, number>();
  for (const [id] of loaded) {
    const at = watermark.get(id);
    if (at !== undefined) {
      snap.set(id, at);
      catching.set(id, at);
    }
  }
  return snap;
}

/** `sync_changes` from `after` until `hasMore` is false: every edit, delete and reaction missed. */
export async function catchUp(conversationId: string, after: number) {
  let from = after;
  try {
    for (;;) {
      const ack = await getSocket()
        .timeout(10_000)
        .emitWithAck("sync_changes", { conversationId, after: from, limit: limits.pageSizeMax });
      if (!ack.ok) break;
      applyMessageChanges(conversationId, ack.messages);
      from = ack.messages.at(-1)?.changeSeq ?? from;
      watermark.set(conversationId, Math.max(watermark.get(conversationId) ?? 0, from));
      if (!ack.hasMore) {
        const live = catching.get(conversationId) ?? 0;
        watermark.set(conversationId, Math.max(from, ack.lastChangeSeq, live));
        break;
      }
    }
  } catch {
    // Disconnected mid-way: the watermark holds the last page applied; the next connect resumes.
  } finally {
    catching.delete(conversationId);
  }
}
