import type { Role } from "@chat/protocol";

/**
 * Conversation -> (member -> role), read on every send for authorization and fan-out.
 * Entries are dropped on any membership change here and, through the realtime layer,
 * on every other node, so a removed member stops receiving at once.
 */
export function createMembershipCache(
  load: (conversationId: string) => Promise<Map<string, Role>>,
  maxEntries = 10_000,
) {
  const entries = new Map<string, Promise<Map<string, Role>>>();
  return {
    get(conversationId: string): Promise<Map<string, Role>> {
      let entry = entries.get(conversationId);
      if (!entry) {
        entry = load(conversationId);
        entries.set(conversationId, entry);
        entry.catch(() => entries.delete(conversationId));
        // Map keeps insertion order: dropping the first key evicts the oldest entry.
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      }
      return entry;
    },
    invalidate(conversationId: string) {
      entries.delete(conversationId);
    },
  };
}
export type MembershipCache = ReturnType<typeof createMembershipCache>;
