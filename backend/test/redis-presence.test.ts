import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import type { PresenceChange, PresenceStore } from "../src/realtime/presence.js";
import { createRedisPresence } from "../src/realtime/redis-presence.js";
import { sleep } from "./helpers/clients.js";
import { TEST_REDIS_URL } from "./helpers/cluster.js";

// Two presence stores on one Redis stand for two nodes; closing one without disconnecting
// its sockets is what a crash looks like to the other.
const TTL = 600;

describe("redis presence", () => {
  const prefix = `relay-test-${randomBytes(6).toString("hex")}:`;
  let redis: Redis;
  const stores: PresenceStore[] = [];
  const allChanges: PresenceChange[][] = [];
  const node = () => {
    const store = createRedisPresence({ redis, prefix, ttlMs: TTL, logger: createLogger("silent") });
    const changes: PresenceChange[] = [];
    store.onChange?.((c) => changes.push(c));
    stores.push(store);
    allChanges.push(changes);
    return { store, changes };
  };

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("is online while any node holds a socket, offline after the last", async () => {
    const a = node();
    const b = node();
    expect(await a.store.connect("u1", "s1")).toBe(true);
    expect(await b.store.connect("u1", "s2")).toBe(false);
    expect(await b.store.onlineAmong(["u1", "u2"])).toEqual(new Set(["u1"]));
    expect(await a.store.disconnect("u1", "s1")).toBe(false);
    expect(await a.store.disconnect("u1", "s1")).toBe(false); // twice: no effect
    expect(await b.store.disconnect("u1", "s2")).toBe(true);
    expect(await a.store.onlineAmong(["u1"])).toEqual(new Set());
  });

  it("expires a crashed node's sockets once, on a live node, and keeps live sockets", async () => {
    const crashed = node();
    const live = node();
    await crashed.store.connect("gone", "c1");
    await crashed.store.connect("both", "c2");
    await live.store.connect("both", "l1");
    await crashed.store.close(); // stops heartbeating, sockets stay in Redis
    await sleep(TTL * 2 + 200);
    // Whichever live node swept first announced it; exactly one did.
    const offline = allChanges.flat().filter((c) => !c.online && c.userId !== "u1");
    expect(offline.map((c) => c.userId)).toEqual(["gone"]);
    expect(await live.store.onlineAmong(["gone", "both"])).toEqual(new Set(["both"]));
  });

  it("re-registers its sockets when Redis lost them (e.g. restarted empty)", async () => {
    const a = node();
    await a.store.connect("back", "s9");
    const keys = await redis.keys(`${prefix}*`);
    await redis.del(...keys);
    expect(await a.store.onlineAmong(["back"])).toEqual(new Set());
    await sleep(TTL);
    expect(await a.store.onlineAmong(["back"])).toEqual(new Set(["back"]));
    expect(a.changes).toContainEqual(expect.objectContaining({ userId: "back", online: true }));
  });
});
