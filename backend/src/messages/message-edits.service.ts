import { type ChangesResponse, limits, type Message } from "@chat/protocol";
import type { ConversationsService } from "../conversations/conversations.service.js";
import { nowIso } from "../db/clock.js";
import { AppError, forbidden, notFound } from "../http/app-error.js";
import type { Realtime } from "../realtime/realtime.js";
import type { MessageDetails } from "./message-details.js";
import type { MessageExtrasStore } from "./message-extras.store.js";
import type { MessageRow } from "./messages.store.js";

interface Deps {
  extras: MessageExtrasStore;
  details: MessageDetails;
  conversations: ConversationsService;
  realtime: Realtime;
  /** Deletes attachments no message references any more, with their files. */
  purgeAttachments: (ids: readonly string[]) => Promise<void>;
  mentionIds: (conversationId: string, text: string) => Promise<string[]>;
}

/** Everything that changes a message after it was sent; each change gets a changeSeq. */
export function createMessageEditsService({
  extras,
  details,
  conversations,
  realtime,
  purgeAttachments,
  mentionIds,
}: Deps) {
  /** The message and the caller's role in its conversation; a non-member gets NOT_FOUND, like an unknown id. */
  async function load(userId: string, messageId: string) {
    const row = await extras.findById(messageId);
    if (!row) throw notFound("message");
    const { role, members } = await conversations.requireMember(row.conversation_id, userId).catch(() => {
      throw notFound("message");
    });
    return { row, role, members };
  }

  async function announce(
    event: "message_updated" | "message_deleted",
    row: MessageRow,
    members: ReadonlyMap<string, unknown>,
  ) {
    const message = await details.presentOne(row);
    realtime.emitToMembers(members, event, { message });
    return message;
  }

  return {
    async edit(userId: string, messageId: string, text: string): Promise<Message> {
      const { row, members } = await load(userId, messageId);
      if (row.sender_id !== userId) throw forbidden("only the sender can edit a message");
      if (row.deleted_at) throw new AppError("CONFLICT", "the message was deleted");
      const updated = await extras.edit(row, text, nowIso(), await mentionIds(row.conversation_id, text));
      return announce("message_updated", updated, members);
    },

    /** The sender deletes their own; a group's owner or admin deletes any. Repeating it is harmless. */
    async remove(userId: string, messageId: string): Promise<Message> {
      const { row, role, members } = await load(userId, messageId);
      if (row.sender_id !== userId) {
        const type = await conversations.typeOf(row.conversation_id);
        const moderator = type === "group" && (role === "owner" || role === "admin");
        if (!moderator) throw forbidden("you can only delete your own messages");
      }
      if (row.deleted_at) return details.presentOne(row);
      const { row: tombstone, attachmentIds } = await extras.delete(row, nowIso());
      await purgeAttachments(attachmentIds);
      return announce("message_deleted", tombstone, members);
    },

    async react(userId: string, messageId: string, emoji: string): Promise<Message> {
      const { row, members } = await load(userId, messageId);
      if (row.deleted_at) throw new AppError("CONFLICT", "the message was deleted");
      const updated = await extras.toggleReaction(row, userId, emoji, nowIso(), limits.reactionsPerMessageMax);
      if (!updated) {
        throw new AppError("VALIDATION_ERROR", `emoji: at most ${limits.reactionsPerMessageMax} different reactions`);
      }
      return announce("message_updated", updated, members);
    },

    async changes(userId: string, conversationId: string, after: number, limit: number): Promise<ChangesResponse> {
      await conversations.requireMember(conversationId, userId);
      const [{ rows, hasMore }, lastChangeSeq] = await Promise.all([
        extras.changesAfter(conversationId, after, limit),
        extras.lastChangeSeq(conversationId),
      ]);
      return { messages: await details.present(rows), lastChangeSeq, hasMore };
    },
  };
}
export type MessageEditsService = ReturnType<typeof createMessageEditsService>;
