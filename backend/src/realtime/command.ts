import type { ApiError } from "@chat/protocol";
import type { Socket } from "socket.io";
import type { z } from "zod";
import { toApiError } from "../http/app-error.js";
import { parse } from "../http/validate.js";
import type { Logger } from "../logger.js";

type AckAnswer = { ok: true } & object;
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
    try {
      const result = await handler(parse(schema, payload));
      ack({ ok: true, ...result });
    } catch (err) {
      const error = toApiError(err);
      if (error.code === "INTERNAL") logger.error({ err, event }, "socket command failed");
      ack({ ok: false, error });
    }
  });
}
