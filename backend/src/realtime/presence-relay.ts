import type { BlocksService } from "../blocks/blocks.service.js";
import type { ConversationsStore } from "../conversations/conversations.store.js";
import type { Logger } from "../logger.js";
import type { UsersStore } from "../users/users.store.js";
import type { PresenceStore } from "./presence.js";
import type { Realtime } from "./realtime.js";

interface Deps {
  realtime: Realtime;
  conversationsStore: ConversationsStore;
  users: UsersStore;
  blocks: Pick<BlocksService, "blockersOf">;
}

/** Tells a user's contacts (or, having none, the user's own tabs) that they came or went. */
export async function announcePresence(
  { realtime, conversationsStore, blocks }: Omit<Deps, "users">,
  userId: string,
  online: boolean,
  lastSeenAt: string | null,
) {
  // Users who block this one never learn when it comes or goes.
  const [all, blockers] = await Promise.all([conversationsStore.contactIds(userId), blocks.blockersOf(userId)]);
  const contacts = all.filter((id) => !blockers.has(id));
  realtime.emitToUsers(contacts.length ? contacts : [userId], "presence", { userId, online, lastSeenAt });
}

/** The user's last socket is gone: store lastSeenAt, then tell their contacts. */
export async function announceOffline(deps: Deps, userId: string, at: string) {
  await deps.users.setLastSeen(userId, at);
  await announcePresence(deps, userId, false, at);
}

/**
 * Announces presence changes no local socket caused: users of a crashed node expiring
 * (their lastSeenAt is stored first) and users re-registered after Redis lost them.
 */
export function relayPresenceChanges(presence: PresenceStore, deps: Deps, logger: Logger) {
  presence.onChange?.((change) => {
    const work = change.online
      ? announcePresence(deps, change.userId, true, null)
      : announceOffline(deps, change.userId, change.at);
    work.catch((err) => logger.error({ err, userId: change.userId }, "presence change not announced"));
  });
}
