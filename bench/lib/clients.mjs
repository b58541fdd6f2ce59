import { io } from "socket.io-client";
import { inParallel } from "./topology.mjs";

/** Opens one websocket-only Socket.IO connection per token, each on its own TCP connection. */
export async function connectAll(url, tokens, concurrency = 50) {
  return inParallel(tokens, concurrency, (token) => connect(url, token));
}

function connect(url, token) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error("connect timed out after 20 s"));
    }, 20_000);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      socket.close();
      reject(new Error(`connect_error: ${err.message}`));
    });
  });
}

export function closeAll(sockets) {
  for (const s of sockets) s.close();
}
