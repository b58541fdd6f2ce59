import type { Redis } from "ioredis";
import type { Logger } from "../logger.js";
import type { PresenceChange, PresenceStore } from "./presence.js";

// One sorted set holds every connected socket of the cluster ("<userId> <socketId>" scored by
// its expiry, on Redis's clock so node clocks may disagree), and one set per user holds that
// user's socket ids (Redis drops it when it empties). Each script runs atomically, so when two
// nodes race, exactly one of them sees "first socket" or "last socket".
const CONNECT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
local added = redis.call('SADD', KEYS[2], ARGV[2])
if added == 1 and redis.call('SCARD', KEYS[2]) == 1 then return 1 end
return 0`;

const DISCONNECT = `
redis.call('ZREM', KEYS[1], ARGV[1])
local removed = redis.call('SREM', KEYS[2], ARGV[2])
if removed == 1 and redis.call('SCARD', KEYS[2]) == 0 then return 1 end
return 0`;

// Pushes this node's sockets' expiry forward; re-adds any that a sweeper removed (this node
// stalled, or Redis restarted empty) and returns the users that thereby came back online.
const HEARTBEAT = `
local t = redis.call('TIME')
local expiry = t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[1])
local revived = {}
for i = 2, #KEYS do
  local user, sid = ARGV[i * 2 - 2], ARGV[i * 2 - 1]
  redis.call('ZADD', KEYS[1], expiry, user .. ' ' .. sid)
  if redis.call('SADD', KEYS[i], sid) == 1 and redis.call('SCARD', KEYS[i]) == 1 then
    table.insert(revived, user)
  end
end
return revived`;

// Removes expired sockets (their node stopped heartbeating) and returns the users whose
// last socket that was. Any live node may run it; the ZREM makes each removal happen once.
const SWEEP = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local offline = {}
for _, member in ipairs(expired) do
  redis.call('ZREM', KEYS[1], member)
  local space = string.find(member, ' ', 1, true)
  local user, sid = string.sub(member, 1, space - 1), string.sub(member, space + 1)
  local key = ARGV[1] .. user
  if redis.call('SREM', key, sid) == 1 and redis.call('SCARD', key) == 0 then
    table.insert(offline, user)
  end
end
return offline`;

const HEARTBEAT_BATCH = 500;

export interface RedisPresenceOptions {
  redis: Redis;
  /** Key prefix, e.g. "relay:". */
  prefix: string;
  /** A socket not renewed within this time (its node died) is removed by a sweeper. */
  ttlMs: number;
  logger: Logger;
}

/**
 * Cluster-wide presence: online while any socket on any node is connected. Each node renews
 * its own sockets every ttl/3 and sweeps expired ones, so a crashed node's users go offline
 * within about ttl + ttl/3.
 */
export function createRedisPresence({ redis, prefix, ttlMs, logger }: RedisPresenceOptions): PresenceStore {
  const expiryKey = `${prefix}presence:sockets`;
  const userKeyPrefix = `${prefix}presence:user:`;
  const userKey = (userId: string) => userKeyPrefix + userId;
  const member = (userId: string, socketId: string) => `${userId} ${socketId}`;
  /** This node's sockets: socketId -> userId. Updated before Redis so a heartbeat can repair. */
  const local = new Map<string, string>();
  const listeners: Array<(change: PresenceChange) => void> = [];
  const pending = new Set<Promise<unknown>>();
  let closed = false;

  function track<T>(work: Promise<T>): Promise<T> {
    pending.add(work);
    const done = () => pending.delete(work);
    work.then(done, done);
    return work;
  }
  function emit(change: PresenceChange) {
    for (const l of listeners) l(change);
  }

  async function heartbeat() {
    const entries = [...local];
    for (let i = 0; i < entries.length; i += HEARTBEAT_BATCH) {
      const batch = entries.slice(i, i + HEARTBEAT_BATCH);
      const keys = [expiryKey, ...batch.map(([, userId]) => userKey(userId))];
      const args = [String(ttlMs), ...batch.flatMap(([socketId, userId]) => [userId, socketId])];
      const revived = (await redis.eval(HEARTBEAT, keys.length, ...keys, ...args)) as string[];
      for (const userId of new Set(revived)) emit({ userId, online: true, at: new Date().toISOString() });
    }
  }
  async function sweep() {
    const offline = (await redis.eval(SWEEP, 1, expiryKey, userKeyPrefix, "1000")) as string[];
    const at = new Date().toISOString();
    for (const userId of new Set(offline)) emit({ userId, online: false, at });
  }

  const intervalMs = Math.max(100, Math.floor(ttlMs / 3));
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking || closed) return;
    ticking = true;
    track(heartbeat().then(sweep))
      .catch((err) => logger.warn({ err: (err as Error).message }, "presence heartbeat failed"))
      .finally(() => {
        ticking = false;
      });
  }, intervalMs);
  timer.unref();

  return {
    async connect(userId, socketId) {
      if (closed) return false;
      local.set(socketId, userId);
      const first = await track(
        redis.eval(CONNECT, 2, expiryKey, userKey(userId), member(userId, socketId), socketId, String(ttlMs)),
      );
      return first === 1;
    },
    async disconnect(userId, socketId) {
      local.delete(socketId);
      // Shutting down: leave this node's sockets to expire. Clients reconnect to another node
      // within the TTL, so their users stay online instead of flickering offline and back.
      if (closed) return false;
      const last = await track(
        redis.eval(DISCONNECT, 2, expiryKey, userKey(userId), member(userId, socketId), socketId),
      );
      return last === 1;
    },
    async onlineAmong(userIds) {
      if (userIds.length === 0) return new Set();
      const pipeline = redis.pipeline();
      for (const u of userIds) pipeline.exists(userKey(u));
      const results = (await pipeline.exec()) ?? [];
      return new Set(userIds.filter((_, i) => results[i]?.[1] === 1));
    },
    onChange(listener) {
      listeners.push(listener);
    },
    /** Stops heartbeats and Redis writes (call before disconnecting the sockets), then settles. */
    async close() {
      closed = true;
      clearInterval(timer);
      await Promise.allSettled([...pending]);
    },
  };
}
