import type { IoServer } from "./realtime.js";

/** The parts of ws and engine.io this touches (`_receiver` and `_fragments` are internal). */
interface WsReceiver {
  _fragments: unknown[];
}
interface WsSocket {
  _receiver?: WsReceiver;
  on(event: "message", listener: () => void): unknown;
}
interface EngineConnection {
  transport: { name: string; socket?: WsSocket };
  on(event: "upgrade", listener: () => void): unknown;
}

/**
 * Lets each websocket message's frames go as soon as the message is read. ws collects a
 * message's frames in an array and starts a new one after each message; that new array
 * waits, empty, for the client's next message, which at one message a second is long enough
 * to reach the old generation. When the next message comes, its frames go into that old
 * array, and once the array is dropped, young collections still count it as live until the
 * next full one, and copy the frames and their buffers into the old generation with it: at
 * 2,000 clients this was about half of what the server promoted per message, and what it
 * promotes sets how often a full collection stalls it (docs/performance.md, item 28).
 * Here each receiver keeps one array for its whole life, emptied once the message has been
 * read; it is also emptied where ws would have started a new one, before the next frame
 * goes in, in case a message's listeners never got to run.
 */
export function releaseReceivedFrames(io: IoServer) {
  io.engine.on("connection", (engineSocket: unknown) => {
    const conn = engineSocket as EngineConnection;
    if (conn.transport.name === "websocket") reuseFrames(conn.transport.socket);
    else conn.on("upgrade", () => reuseFrames(conn.transport.socket));
  });
}

// Shared by every connection, with each receiver's state in two properties: closures made
// per connection would cost the memory item 27 saved.
const FRAMES = Symbol("frames");
const STALE = Symbol("stale");
type Reused = WsReceiver & { [FRAMES]: unknown[]; [STALE]: boolean };

const framesProperty: PropertyDescriptor = {
  configurable: true,
  get(this: Reused) {
    const frames = this[FRAMES];
    if (this[STALE]) {
      frames.length = 0;
      this[STALE] = false;
    }
    return frames;
  },
  set(this: Reused) {
    // ws sets a new array right after taking a message's frames out; the next get empties.
    this[STALE] = true;
  },
};

function emptyFrames(this: WsSocket) {
  const receiver = this._receiver as Reused | undefined;
  if (!receiver?.[FRAMES]) return;
  receiver[FRAMES].length = 0;
  receiver[STALE] = false;
}

function reuseFrames(ws: WsSocket | undefined) {
  const receiver = ws?._receiver as Reused | undefined;
  if (!ws || !receiver || !Array.isArray(receiver._fragments)) return;
  receiver[FRAMES] = receiver._fragments;
  receiver[STALE] = false;
  Object.defineProperty(receiver, "_fragments", framesProperty);
  ws.on("message", emptyFrames);
}
