import { limits, MarkReadPayload, SendMessagePayload, SyncPayload, TypingPayload } from "@chat/protocol";
import type { BlocksService } from "../blocks/blocks.service.js";
import type { ConversationsService } from "../conversations/conversations.service.js";
import type { ConversationsStore } from "../conversations/conversations.store.js";
import type { Logger } from "../logger.js";
import type { MessageEditsService } from "../messages/message-edits.service.js";
import { messageEditCommands } from "../messages/message-edits.socket.js";
import type { MessagesService } from "../messages/messages.service.js";
import type { UsersStore } from "../users/users.store.js";
import { command, commandListeners, listen } from "./command.js";
import { commandBudget } from "./command-limit.js";
import type { PresenceStore } from "./presence.js";
import { announceOffline, announcePresence } from "./presence-relay.js";
import type { AppSocket, IoServer, Realtime } from "./realtime.js";
import { sessionRoom, userRoom } from "./realtime.js";
import type { TypingRelay } from "./typing.js";

interface Deps {
  io: IoServer;
  realtime: Realtime;
  presence: PresenceStore;
  typing: TypingRelay;
  conversations: ConversationsService;
  conversationsStore: ConversationsStore;
  messages: MessagesService;
  edits: MessageEditsService;
  blocks: BlocksService;
  users: UsersStore;
  logger: Logger;
  commandsPer10s: number;
}

/**
 * Per-connection wiring: rooms, presence, and the client commands. Everything a socket gets
 * here is made once per server and shared (see commandListeners): a connection keeps only
 * its rooms and its listener entries.
 */
export function handleConnections(deps: Deps) {
  const { io, realtime, presence, typing, conversations, conversationsStore, messages, edits, blocks, users, logger } =
    deps;

  const presenceDeps = { realtime, conversationsStore, blocks, users };

  const listeners = commandListeners(
    io,
    {
      send_message: command(SendMessagePayload, async (userId, input, socket) => {
        const { message } = await messages.send(userId, input);
        typing.stopConversation(socket.id, input.conversationId);
        return { message };
      }),
      mark_read: command(MarkReadPayload, async (userId, input) => {
        await conversations.markRead(userId, input.conversationId, input.seq);
        return undefined;
      }),
      typing: command(TypingPayload, async (userId, input, socket) => {
        const { members } = await conversations.requireMember(input.conversationId, userId);
        // Whoever blocks the typist does not see it.
        const blockers = await blocks.blockersOf(userId);
        const recipients = blockers.size ? [...members.keys()].filter((id) => !blockers.has(id)) : members.keys();
        typing.update(socket.id, userId, input.conversationId, input.typing, recipients);
        return undefined;
      }),
      sync: command(SyncPayload, async (userId, input) =>
        messages.history(userId, input.conversationId, {
          after: input.after,
          limit: input.limit ?? limits.pageSizeMax,
        }),
      ),
      ...messageEditCommands(edits),
    },
    logger,
    commandBudget(deps.commandsPer10s),
  );

  function onDisconnect(this: AppSocket) {
    const { userId } = this.data;
    const socketId = this.id;
    typing.stopSocket(socketId);
    presence
      .disconnect(userId, socketId)
      .then((wentOffline) =>
        wentOffline ? announceOffline(presenceDeps, userId, new Date().toISOString()) : undefined,
      )
      .catch((err) => logger.error({ err, userId, socketId }, "presence disconnect failed"));
  }

  io.on("connection", (socket) => {
    const { userId, sessionId } = socket.data;
    socket.join([userRoom(userId), sessionRoom(sessionId)]);
    presence
      .connect(userId, socket.id)
      .then((cameOnline) => (cameOnline ? announcePresence(presenceDeps, userId, true, null) : undefined))
      .catch((err) => logger.error({ err, userId, socketId: socket.id }, "presence connect failed"));
    socket.on("disconnect", onDisconnect);
    listen(socket, listeners);
  });
}
