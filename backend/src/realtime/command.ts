import type { ApiError } from "@chat/protocol";
import type { Socket } from "socket.io";
import type { z } from "zod";
import { toApiError } from "../http/app-error.js";
import { parse } from "../http/validate.js";
import type { Logger } from "../logger.js";

type AckAnswer = { ok: true } & object;

/** Commands still running, per Socket.IO server, so shutdown can let their writes finish. */
const inflight = new WeakMap<object, Set<Promise<unknown>>>();

/** Resolves once every command that started on this server has finished (or the timeout passed). */
export async function drainCommands(io: object, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let running = inflight.get(io); running?.size && Date.now() < deadline; running = inflight.get(io)) {
    const left = deadline - Date.now();
    await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, left).unref())]);
  }
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
    const running = inflight.get(server) ?? new Set();
    inflight.set(server, running);
    const work = (async () => handler(parse(schema, payload)))();
    running.add(work);
    try {
      const result = await work;
      ack({ ok: true, ...result });
    } catch (err) {
      const error = toApiError(err);
      if (error.code === "INTERNAL") logger.error({ err, event }, "socket command failed");
      ack({ ok: false, error });
    } finally {
      running.delete(work);
    }
  });
}
