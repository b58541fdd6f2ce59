import { ChangesPayload, DeleteMessagePayload, EditMessagePayload, limits, ReactPayload } from "@chat/protocol";
import type { Socket } from "socket.io";
import type { Logger } from "../logger.js";
import { onCommand } from "../realtime/command.js";
import type { MessageEditsService } from "./message-edits.service.js";

/** The socket flavour of the edit routes: same service functions, same rules. */
export function registerMessageEditCommands(socket: Socket, userId: string, edits: MessageEditsService, log: Logger) {
  onCommand(socket, "edit_message", EditMessagePayload, log, async (input) => ({
    message: await edits.edit(userId, input.messageId, input.text),
  }));
  onCommand(socket, "delete_message", DeleteMessagePayload, log, async (input) => ({
    message: await edits.remove(userId, input.messageId),
  }));
  onCommand(socket, "react", ReactPayload, log, async (input) => ({
    message: await edits.react(userId, input.messageId, input.emoji),
  }));
  onCommand(socket, "sync_changes", ChangesPayload, log, async (input) =>
    edits.changes(userId, input.conversationId, input.after, input.limit ?? limits.pageSizeMax),
  );
}
