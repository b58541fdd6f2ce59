import { Redis } from "ioredis";
import type { Logger } from "../logger.js";

/**
 * The two connections a node keeps to Redis: one for commands (presence, rate limits,
 * adapter publishes) and one in subscriber mode for the Socket.IO adapter.
 */
export interface RedisClients {
  commands: Redis;
  subscriber: Redis;
  /** Resolves when Redis answers PING (/readyz bounds the wait). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createRedisClients(url: string, logger: Logger): RedisClients {
  // Commands fail fast while Redis is away instead of queueing forever; ioredis keeps
  // reconnecting in the background and the adapter resubscribes on its own.
  const options = { maxRetriesPerRequest: 2, connectTimeout: 5_000 };
  const commands = new Redis(url, { ...options, connectionName: "relay-commands" });
  const subscriber = new Redis(url, { ...options, connectionName: "relay-subscriber" });
  for (const [name, client] of [
    ["commands", commands],
    ["subscriber", subscriber],
  ] as const) {
    // Without a listener ioredis prints every connection error; log them once, structured.
    client.on("error", (err) => logger.warn({ err: err.message, client: name }, "redis connection error"));
  }
  return {
    commands,
    subscriber,
    async ping() {
      await commands.ping();
    },
    async close() {
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}
