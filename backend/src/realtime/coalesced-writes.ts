import type { Duplex } from "node:stream";
import type { IoServer } from "./realtime.js";

/**
 * The parts of an engine.io connection this touches (`flush`, `writeBuffer`, the broadcast's
 * `wsPreEncodedFrame` and ws's `_socket` are internal).
 */
interface EngineConnection {
  readyState: string;
  transport: { name: string; perMessageDeflate?: unknown; socket?: { readyState: number; _socket?: Duplex } };
  writeBuffer: unknown[];
  flush(): void;
  write(data: unknown, options?: { wsPreEncodedFrame?: Buffer[]; volatile?: boolean }, callback?: () => void): unknown;
}

const WS_OPEN = 1;
const TURN_CORKED = Symbol("turnCorked");
type CoalescedConnection = EngineConnection & { [TURN_CORKED]?: Duplex };
/** engine.io's own methods, which the replacements below fall back on. */
const engineIo = (conn: EngineConnection) => Object.getPrototypeOf(conn) as EngineConnection;

/**
 * One write per websocket per event-loop turn. A group commit settles a whole batch of
 * sends in one turn, so a socket often gets several packets in a row: its own acks and
 * messages from each of its conversations. engine.io writes every packet with its own
 * syscall, and socket writes were the largest single cost in the send path's profile.
 * Here a websocket connection's flush waits until the turn's microtasks have run (a
 * `nextTick` queued from a microtask runs after all of them), then sends everything the
 * connection has queued with its TCP socket corked: one writev. Nothing waits past the
 * turn it was sent in, and order is unchanged: it is engine.io's own buffer that waits.
 * Broadcasts, whose websocket frame Socket.IO makes once for all recipients, mostly skip
 * engine.io altogether (see `write` below). Long-polling connections flush as before.
 */
export function coalesceWebsocketWrites(io: IoServer) {
  // A broadcast's frame comes as a header and a payload shared by every recipient. Joined
  // once, it is one chunk per recipient: one buffered write instead of two and a writev.
  const joinedFrames = new WeakMap<Buffer[], Buffer>();
  const joined = (frame: Buffer[]) => {
    let one = joinedFrames.get(frame);
    if (!one) {
      one = frame.length === 1 ? (frame[0] as Buffer) : Buffer.concat(frame);
      joinedFrames.set(frame, one);
    }
    return one;
  };
  let pending = new Set<CoalescedConnection>();
  const flushPending = () => {
    const due = pending;
    pending = new Set();
    for (const conn of due) {
      try {
        flushCorked(conn);
      } catch {
        // One connection's failure (engine.io closes it on transport errors) must neither
        // keep the others' packets waiting nor escape from a nextTick and end the process.
      }
    }
  };
  const flushAtEndOfTurn = (conn: CoalescedConnection) => {
    if (pending.size === 0) process.nextTick(flushPending);
    pending.add(conn);
  };
  const flushCorked = (conn: CoalescedConnection) => {
    const raw = conn.transport.socket?._socket;
    const sent = conn.writeBuffer;
    raw?.cork();
    try {
      engineIo(conn).flush.call(conn);
    } finally {
      raw?.uncork();
      const straight = conn[TURN_CORKED];
      conn[TURN_CORKED] = undefined;
      straight?.uncork();
    }
    // engine.io starts a new buffer array at every flush. On a socket that gets little,
    // the array lives long enough to reach the old generation, and once dropped it still
    // held its packets (and the broadcast they share) through every young collection until
    // the next major one: half of what the server promoted at 2,000 clients.
    if (sent !== conn.writeBuffer) sent.length = 0;
  };

  // Shared by all connections (engine.io calls them as methods, so `this` is the connection):
  // closures made per connection were about ten of the heap objects each one kept.
  function flush(this: CoalescedConnection) {
    if (this.transport.name !== "websocket") return engineIo(this).flush.call(this);
    flushAtEndOfTurn(this);
  }
  // A broadcast comes with its websocket frame made once for every recipient. When nothing
  // of this connection waits in engine.io's buffer, the frame goes straight onto the TCP
  // socket: engine.io's packet, buffer, flush and drain steps and ws's sender cost more per
  // delivery than the write itself at 2,000 clients, where most sockets get one packet a
  // turn. Anything else, and anything after a packet that waits, takes engine.io's path, so
  // a socket's packets keep the order they were sent in.
  function write(
    this: CoalescedConnection,
    data: unknown,
    options?: { wsPreEncodedFrame?: Buffer[]; volatile?: boolean },
    callback?: () => void,
  ) {
    const frame = options?.wsPreEncodedFrame;
    const ws = this.transport.socket;
    const raw = ws?._socket;
    if (
      !frame ||
      callback ||
      options?.volatile ||
      this.writeBuffer.length > 0 ||
      this.readyState !== "open" ||
      this.transport.name !== "websocket" ||
      this.transport.perMessageDeflate ||
      ws?.readyState !== WS_OPEN ||
      !raw?.writable
    ) {
      return engineIo(this).write.call(this, data, options, callback);
    }
    if (!this[TURN_CORKED]) {
      raw.cork();
      this[TURN_CORKED] = raw;
      flushAtEndOfTurn(this);
    }
    raw.write(joined(frame));
    return this;
  }

  io.engine.on("connection", (engineSocket: unknown) => {
    const conn = engineSocket as CoalescedConnection;
    // The TCP socket a broadcast was written straight onto this turn, corked until it ends.
    conn[TURN_CORKED] = undefined;
    conn.flush = flush;
    conn.write = write;
  });
}
