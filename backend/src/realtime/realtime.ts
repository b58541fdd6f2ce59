import type { ClientToServerEvents, ServerToClientEvents } from "@chat/protocol";
import type { Server, Socket } from "socket.io";

export interface SocketData {
  userId: string;
  sessionId: string;
}
export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Messages between nodes (through the adapter when Redis is configured). */
export interface InterServerEvents {
  membership_changed: (conversationId: string) => void;
  blocks_changed: (userId: string) => void;
}

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

type Args<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

/**
 * Members' room names, made once per membership map (the membership cache replaces a map
 * when members change, and never alters one). The adapter looks each room up by name; a
 * name made anew for every emit is hashed anew at each lookup, ten per message in a group
 * of ten, which cost about 4% of the server's CPU at 2,000 clients (docs/performance.md).
 */
const roomsOfMembers = new WeakMap<ReadonlyMap<string, unknown>, string[]>();
function memberRooms(members: ReadonlyMap<string, unknown>): string[] {
  let rooms = roomsOfMembers.get(members);
  if (!rooms) {
    rooms = Array.from(members.keys(), userRoom);
    roomsOfMembers.set(members, rooms);
  }
  return rooms;
}

/** What services may do to connected clients: emit to users' rooms, cut sessions off. */
export function createRealtime(io: IoServer, opts: { clustered: boolean }) {
  const membershipListeners: Array<(conversationId: string) => void> = [];
  io.on("membership_changed", (id) => {
    for (const l of membershipListeners) l(id);
  });
  const blocksListeners: Array<(userId: string) => void> = [];
  io.on("blocks_changed", (id) => {
    for (const l of blocksListeners) l(id);
  });
  return {
    /** One emit to all the users' rooms: each socket gets it once, on every node. */
    emitToUsers<E extends keyof ServerToClientEvents>(userIds: Iterable<string>, event: E, ...args: Args<E>) {
      const rooms = Array.from(userIds, userRoom);
      if (rooms.length === 0) return;
      io.to(rooms).emit(event, ...args);
    },
    /** emitToUsers for a conversation's members, as the membership cache holds them. */
    emitToMembers<E extends keyof ServerToClientEvents>(
      members: ReadonlyMap<string, unknown>,
      event: E,
      ...args: Args<E>
    ) {
      const rooms = memberRooms(members);
      if (rooms.length === 0) return;
      io.to(rooms).emit(event, ...args);
    },
    /** Like emitToUsers, except to the sockets of one session (the caller's own tab). */
    emitToUsersExceptSession<E extends keyof ServerToClientEvents>(
      userIds: Iterable<string>,
      exceptSessionId: string,
      event: E,
      ...args: Args<E>
    ) {
      const rooms = Array.from(userIds, userRoom);
      if (rooms.length === 0) return;
      io.to(rooms)
        .except(sessionRoom(exceptSessionId))
        .emit(event, ...args);
    },
    disconnectSession(sessionId: string) {
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
    disconnectUser(userId: string) {
      io.in(userRoom(userId)).disconnectSockets(true);
    },
    /** Tells every other node a conversation's membership changed (no-op on one node). */
    publishMembershipChange(conversationId: string) {
      if (opts.clustered) io.serverSideEmit("membership_changed", conversationId);
    },
    onMembershipChange(listener: (conversationId: string) => void) {
      membershipListeners.push(listener);
    },
    /** Tells every other node a user's block list changed (no-op on one node). */
    publishBlocksChange(userId: string) {
      if (opts.clustered) io.serverSideEmit("blocks_changed", userId);
    },
    onBlocksChange(listener: (userId: string) => void) {
      blocksListeners.push(listener);
    },
  };
}
export type Realtime = ReturnType<typeof createRealtime>;
