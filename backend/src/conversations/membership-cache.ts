import type { Role } from "@chat/protocol";

/**
 * Conversation -> (member -> role), read on every send for authorization and fan-out.
 * Entries are dropped on any membership change here and, through the realtime layer,
 * on every other node, so a removed member stops receiving at once. A change makes a new
 * map and never alters one handed out, so what is derived from a map (the realtime layer's
 * room names) stays true for as long as the map is in use.
 */
export function createMembershipCache(
  load: (conversationId: string) => Promise<ReadonlyMap<string, Role>>,
  maxEntries = 10_000,
) {
  const entries = new Map<string, Promise<ReadonlyMap<string, Role>>>();
  return {
    get(conversationId: string): Promise<ReadonlyMap<string, Role>> {
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
