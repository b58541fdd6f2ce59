import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "./app-error.js";

export interface Limiter {
  /** Counts one hit for the key; throws RATE_LIMITED past the budget. */
  consume(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

/** Redis-backed when a client is given, so limits hold across nodes; in-process otherwise. */
export function createLimiter(
  opts: { keyPrefix: string; points: number; durationSec: number },
  redis?: Redis,
): Limiter {
  const limiter = redis
    ? new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: opts.keyPrefix,
        points: opts.points,
        duration: opts.durationSec,
      })
    : new RateLimiterMemory({ keyPrefix: opts.keyPrefix, points: opts.points, duration: opts.durationSec });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          const seconds = Math.ceil(err.msBeforeNext / 1000);
          throw new AppError("RATE_LIMITED", `too many attempts, try again in ${seconds}s`);
        }
        throw err;
      }
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}
