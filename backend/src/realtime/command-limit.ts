import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Socket } from "socket.io";

/**
 * Flood protection for socket commands: a per-user budget on this node. A command over the
 * budget is not run; its ack (if any) answers RATE_LIMITED, so the client still gets an answer.
 * In process on purpose: a Redis round trip per packet would cost more than the commands.
 */
export function limitCommands(points: number) {
  const limiter = new RateLimiterMemory({ keyPrefix: "socket-commands", points, duration: 10 });
  return (socket: Socket, userId: string) => {
    socket.use((packet, next) => {
      limiter.consume(userId).then(
        () => next(),
        (err: unknown) => {
          if (!(err instanceof RateLimiterRes)) return next();
          const ack = packet[packet.length - 1];
          if (typeof ack === "function") {
            const seconds = Math.ceil(err.msBeforeNext / 1000);
            ack({ ok: false, error: { code: "RATE_LIMITED", message: `too many requests, try again in ${seconds}s` } });
          }
        },
      );
    });
  };
}
