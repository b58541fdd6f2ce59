import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Admit } from "./command.js";

/**
 * Flood protection for socket commands: a per-user budget on this node. A command over the
 * budget is not run; its ack (if any) answers RATE_LIMITED, so the client still gets an answer.
 * In process on purpose: a Redis round trip per packet would cost more than the commands.
 */
export function commandBudget(points: number): Admit {
  const limiter = new RateLimiterMemory({ keyPrefix: "socket-commands", points, duration: 10 });
  return (userId) =>
    limiter.consume(userId).then(
      () => undefined,
      (err: unknown) => {
        if (!(err instanceof RateLimiterRes)) return undefined;
        const seconds = Math.ceil(err.msBeforeNext / 1000);
        return { code: "RATE_LIMITED", message: `too many requests, try again in ${seconds}s` };
      },
    );
}
