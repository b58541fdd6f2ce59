import type { User } from "@chat/protocol";
import { nowIso } from "../db/clock.js";
import { AppError } from "../http/app-error.js";
import type { Realtime } from "../realtime/realtime.js";
import type { UsersService } from "../users/users.service.js";
import type { BlocksStore } from "./blocks.store.js";

interface Relations {
  blocking: Set<string>;
  blockedBy: Set<string>;
}

/**
 * Who blocks whom. Read on typing, presence and direct sends, so each user's relations are
 * cached in process and dropped on every change, here and (with Redis) on every node.
 */
export function createBlocksService(store: BlocksStore, users: UsersService, realtime: Realtime, maxEntries = 10_000) {
  const cache = new Map<string, Promise<Relations>>();
  realtime.onBlocksChange((userId) => cache.delete(userId));

  function relations(userId: string): Promise<Relations> {
    let entry = cache.get(userId);
    if (!entry) {
      entry = store
        .relationsOf(userId)
        .then((r) => ({ blocking: new Set(r.blocking), blockedBy: new Set(r.blockedBy) }));
      cache.set(userId, entry);
      entry.catch(() => cache.delete(userId));
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    }
    return entry;
  }

  function changed(...userIds: string[]) {
    for (const id of userIds) {
      cache.delete(id);
      realtime.publishBlocksChange(id);
    }
  }

  return {
    /** True when either user blocks the other. */
    async between(a: string, b: string): Promise<boolean> {
      const r = await relations(a);
      return r.blocking.has(b) || r.blockedBy.has(b);
    },

    /** Users who block `userId`: they see none of its typing or presence. */
    async blockersOf(userId: string): Promise<Set<string>> {
      return (await relations(userId)).blockedBy;
    },

    async blockedBy(userId: string): Promise<Set<string>> {
      return (await relations(userId)).blocking;
    },

    async list(userId: string): Promise<User[]> {
      const ids = [...(await relations(userId)).blocking];
      return users.getMany(ids);
    },

    async block(userId: string, targetId: string) {
      if (userId === targetId) throw new AppError("VALIDATION_ERROR", "you cannot block yourself");
      await users.get(targetId);
      await store.block(userId, targetId, nowIso());
      changed(userId, targetId);
    },

    async unblock(userId: string, targetId: string) {
      await store.unblock(userId, targetId);
      changed(userId, targetId);
    },
  };
}
export type BlocksService = ReturnType<typeof createBlocksService>;
