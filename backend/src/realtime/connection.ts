import { limits, MarkReadPayload, SendMessagePayload, SyncPayload, TypingPayload } from "@chat/protocol";
import type { BlocksService } from "../blocks/blocks.service.js";
import type { ConversationsService } from "../conversations/conversations.service.js";
import type { ConversationsStore } from "../conversations/conversations.store.js";
import type { Logger } from "../logger.js";
import type { MessageEditsService } from "../messages/message-edits.service.js";
import { registerMessageEditCommands } from "../messages/message-edits.socket.js";
import type { MessagesService } from "../messages/messages.service.js";
import type { UsersStore } from "../users/users.store.js";
import { onCommand } from "./command.js";
import { limitCommands } from "./command-limit.js";
import type { PresenceStore } from "./presence.js";
import { announceOffline, announcePresence } from "./presence-relay.js";
import type { IoServer, Realtime } from "./realtime.js";
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

/** Per-connection wiring: rooms, presence, and the client commands. */
export function handleConnections(deps: Deps) {
  const { io, realtime, presence, typing, conversations, conversationsStore, messages, edits, blocks, users, logger } =
    deps;

  const presenceDeps = { realtime, conversationsStore, blocks, users };

  const limit = limitCommands(deps.commandsPer10s);

  io.on("connection", (socket) => {
    const { userId, sessionId } = socket.data;
    limit(socket, userId);
    socket.join([userRoom(userId), sessionRoom(sessionId)]);
    const log = logger.child({ userId, socketId: socket.id });

    presence
      .connect(userId, socket.id)
      .then((cameOnline) => (cameOnline ? announcePresence(presenceDeps, userId, true, null) : undefined))
      .catch((err) => log.error({ err }, "presence connect failed"));

    socket.on("disconnect", () => {
      typing.stopSocket(socket.id);
      presence
        .disconnect(userId, socket.id)
        .then((wentOffline) =>
          wentOffline ? announceOffline(presenceDeps, userId, new Date().toISOString()) : undefined,
        )
        .catch((err) => log.error({ err }, "presence disconnect failed"));
    });

    onCommand(socket, "send_message", SendMessagePayload, log, async (input) => {
      const { message } = await messages.send(userId, input);
      typing.stopConversation(socket.id, input.conversationId);
      return { message };
    });

    onCommand(socket, "mark_read", MarkReadPayload, log, async (input) => {
      await conversations.markRead(userId, input.conversationId, input.seq);
      return undefined;
    });

    onCommand(socket, "typing", TypingPayload, log, async (input) => {
      const { members } = await conversations.requireMember(input.conversationId, userId);
      // Whoever blocks the typist does not see it.
      const blockers = await blocks.blockersOf(userId);
      const recipients = blockers.size ? [...members.keys()].filter((id) => !blockers.has(id)) : members.keys();
      typing.update(socket.id, userId, input.conversationId, input.typing, recipients);
      return undefined;
    });

    onCommand(socket, "sync", SyncPayload, log, async (input) =>
      messages.history(userId, input.conversationId, { after: input.after, limit: input.limit ?? limits.pageSizeMax }),
    );

    registerMessageEditCommands(socket, userId, edits, log);
  });
}
