/**
 * Who is online: a user is online while any of their sockets is connected.
 * Async so a cluster-wide store can stand in for this in-process one.
 */
export interface PresenceStore {
  /** Returns true when this socket made the user go online. */
  connect(userId: string, socketId: string): Promise<boolean>;
  /** Returns true when this was the user's last socket. */
  disconnect(userId: string, socketId: string): Promise<boolean>;
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /**
   * Changes that no local socket caused: a crashed node's users expiring (offline), or this
   * node's sockets being re-registered after Redis lost them (online). Cluster stores only.
   */
  onChange?(listener: (change: PresenceChange) => void): void;
  close(): Promise<void>;
}

export interface PresenceChange {
  userId: string;
  online: boolean;
  /** When it was noticed (ISO-8601); the user's lastSeenAt when going offline. */
  at: string;
}

export function createMemoryPresence(): PresenceStore {
  const sockets = new Map<string, Set<string>>();
  return {
    async connect(userId, socketId) {
      const set = sockets.get(userId) ?? new Set<string>();
      sockets.set(userId, set);
      set.add(socketId);
      return set.size === 1;
    },
    async disconnect(userId, socketId) {
      const set = sockets.get(userId);
      if (!set?.delete(socketId)) return false;
      if (set.size > 0) return false;
      sockets.delete(userId);
      return true;
    },
    async onlineAmong(userIds) {
      return new Set(userIds.filter((u) => sockets.has(u)));
    },
    async close() {},
  };
}
