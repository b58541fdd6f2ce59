import type { ApiError } from "@chat/protocol";
import type { Socket } from "socket.io";
import type { z } from "zod";
import { toApiError } from "../http/app-error.js";
import { parse } from "../http/validate.js";
import type { Logger } from "../logger.js";

type AckAnswer = { ok: true } & object;

/**
 * Commands still running, per Socket.IO server, so shutdown can let their writes finish.
 * A count, not a set of promises: a set's table, resized as sends come and go, outlived
 * young collections and was a good part of what the send path promoted to the old generation.
 */
interface Running {
  count: number;
  onIdle: Array<() => void>;
}
const inflight = new WeakMap<object, Running>();

/** Resolves once no command is running on this server (or the timeout passed). */
export async function drainCommands(io: object, timeoutMs: number): Promise<void> {
  const running = inflight.get(io);
  if (!running?.count) return;
  await Promise.race([
    new Promise<void>((resolve) => running.onIdle.push(resolve)),
    new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
  ]);
}
type Ack = (answer: AckAnswer | { ok: false; error: ApiError }) => void;

/**
 * Registers a client command: parse the payload with its protocol schema, run the
 * handler, and always answer the ack. A client that sent no ack still gets the work
 * done; nothing it sends can throw out of here.
 */
export function onCommand<S extends z.ZodType>(
  socket: Socket,
  event: string,
  schema: S,
  logger: Logger,
  handler: (input: z.infer<S>) => Promise<object | undefined>,
) {
  socket.on(event, async (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack: Ack = typeof last === "function" ? (last as Ack) : () => {};
    const payload = typeof args[0] === "function" ? undefined : args[0];
    const server = socket.nsp.server;
    let running = inflight.get(server);
    if (!running) {
      running = { count: 0, onIdle: [] };
      inflight.set(server, running);
    }
    running.count++;
    try {
      const result = await handler(parse(schema, payload));
      ack({ ok: true, ...result });
    } catch (err) {
      const error = toApiError(err);
      if (error.code === "INTERNAL") logger.error({ err, event }, "socket command failed");
      ack({ ok: false, error });
    } finally {
      if (--running.count === 0) for (const resolve of running.onIdle.splice(0)) resolve();
    }
  });
}
