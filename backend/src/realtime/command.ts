import type { ApiError } from "@chat/protocol";
import type { Socket } from "socket.io";
import type { z } from "zod";
import { toApiError } from "../http/app-error.js";
import { parse } from "../http/validate.js";
import type { Logger } from "../logger.js";
import type { SocketData } from "./realtime.js";

type AckAnswer = { ok: true } & object;
type Ack = (answer: AckAnswer | { ok: false; error: ApiError }) => void;

/** A client command: the protocol schema of its payload, and what it does for the socket's user. */
export interface Command<S extends z.ZodType = z.ZodType> {
  schema: S;
  run(userId: string, input: z.infer<S>, socket: Socket): Promise<object | undefined>;
}

export function command<S extends z.ZodType>(schema: S, run: Command<S>["run"]): Command<S> {
  return { schema, run };
}

/** Says whether a user's command may run now: undefined if so, else the error its ack gets. */
export type Admit = (userId: string) => Promise<ApiError | undefined>;

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

export type CommandListeners = ReadonlyArray<readonly [event: string, listener: (...args: unknown[]) => void]>;

/**
 * One listener per command, made once per server and shared by all its sockets: a listener
 * finds its socket as `this` (Socket.IO emits events through Node's EventEmitter) and the
 * user in the socket's data. Made per socket, the listeners and their closures were about 30
 * of the 217 heap objects each connection kept (docs/performance.md, item 27).
 *
 * Each listener parses the payload with the command's schema, runs the command, and always
 * answers the ack. A client that sent no ack still gets the work done; nothing it sends can
 * throw out of here.
 */
export function commandListeners(
  io: object,
  commands: Readonly<Record<string, Command>>,
  logger: Logger,
  admit?: Admit,
): CommandListeners {
  const counter = inflight.get(io) ?? { count: 0, onIdle: [] };
  inflight.set(io, counter);
  return Object.entries(commands).map(([event, { schema, run }]) => {
    async function listener(this: Socket, ...args: unknown[]) {
      const last = args[args.length - 1];
      const ack: Ack = typeof last === "function" ? (last as Ack) : () => {};
      const payload = typeof args[0] === "function" ? undefined : args[0];
      const { userId } = this.data as SocketData;
      counter.count++;
      try {
        const refused = admit ? await admit(userId) : undefined;
        if (refused) return ack({ ok: false, error: refused });
        const result = await run(userId, parse(schema, payload), this);
        ack({ ok: true, ...result });
      } catch (err) {
        const error = toApiError(err);
        if (error.code === "INTERNAL") logger.error({ err, event, userId, socketId: this.id }, "socket command failed");
        ack({ ok: false, error });
      } finally {
        if (--counter.count === 0) for (const resolve of counter.onIdle.splice(0)) resolve();
      }
    }
    return [event, listener] as const;
  });
}

export function listen(socket: Socket, listeners: CommandListeners) {
  for (const [event, listener] of listeners) socket.on(event, listener);
}
