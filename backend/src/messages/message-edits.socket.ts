import { ChangesPayload, DeleteMessagePayload, EditMessagePayload, limits, ReactPayload } from "@chat/protocol";
import { command } from "../realtime/command.js";
import type { MessageEditsService } from "./message-edits.service.js";

/** The socket flavour of the edit routes: same service functions, same rules. */
export function messageEditCommands(edits: MessageEditsService) {
  return {
    edit_message: command(EditMessagePayload, async (userId, input) => ({
      message: await edits.edit(userId, input.messageId, input.text),
    })),
    delete_message: command(DeleteMessagePayload, async (userId, input) => ({
      message: await edits.remove(userId, input.messageId),
    })),
    react: command(ReactPayload, async (userId, input) => ({
      message: await edits.react(userId, input.messageId, input.emoji),
    })),
    sync_changes: command(ChangesPayload, async (userId, input) =>
      edits.changes(userId, input.conversationId, input.after, input.limit ?? limits.pageSizeMax),
    ),
  };
}
