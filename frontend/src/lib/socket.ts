import type { ClientToServerEvents, ServerToClientEvents } from "@chat/protocol";
import { io, type Socket } from "socket.io-client";

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: ChatSocket | null = null;

/**
 * One socket per tab. Same origin, so the httpOnly session cookie authenticates the
 * handshake and no token ever reaches script.
 */
export function getSocket(): ChatSocket {
  if (!socket) {
    socket = io({ path: "/socket.io", withCredentials: true, autoConnect: false });
  }
  return socket;
}

export function closeSocket() {
  socket?.disconnect();
  socket?.removeAllListeners();
  socket = null;
}
