import { randomUUID } from "node:crypto";
import type { HistoryQuery, Message, SendMessagePayload } from "@chat/protocol";
import type { ConversationsService } from "../conversations/conversations.service.js";
import { nowIso } from "../db/clock.js";
import { isUniqueViolation } from "../db/errors.js";
import { AppError, notFound } from "../http/app-error.js";
import type { Realtime } from "../realtime/realtime.js";
import { type AttachmentLookup, presentMessage, presentMessages } from "./messages.presenter.js";
import { type MessagesStore, NotAMemberError } from "./messages.store.js";

interface Deps {
  messages: MessagesStore;
  conversations: ConversationsService;
  realtime: Realtime;
  attachments: AttachmentLookup;
}

export interface SendResult {
  message: Message;
  /** False when this was a retry of a clientId already stored. */
  created: boolean;
}

export function createMessagesService({ messages, conversations, realtime, attachments }: Deps) {
  async function storedRetry(userId: string, input: SendMessagePayload): Promise<SendResult | undefined> {
    const existing = await messages.findByClientId(userId, input.clientId);
    if (!existing) return undefined;
    if (existing.conversation_id !== input.conversationId) {
      throw new AppError("CONFLICT", "clientId: already used for another message");
    }
    const [message] = await presentMessages([existing], attachments);
    return { message: message ?? presentMessage(existing), created: false };
  }

  return {
    /**
     * The one send path, for REST and socket alike: authorize, store (seq assigned in the
     * same transaction), and only after commit answer and broadcast.
     */
    async send(userId: string, input: SendMessagePayload): Promise<SendResult> {
      const { members } = await conversations.requireMember(input.conversationId, userId);
      // Checked before the transaction, and only when there are files: a plain send adds no query.
      const files = input.attachments.length > 0 ? await attachments.attachable(userId, input.attachments) : [];
      let message: Message;
      try {
        const row = await messages.insert(
          {
            id: randomUUID(),
            conversation_id: input.conversationId,
            sender_id: userId,
            client_id: input.clientId,
            text: input.text,
            created_at: nowIso(),
          },
          files.length > 0 ? files.map((f) => f.id) : undefined,
        );
        message = presentMessage(row, files);
      } catch (err) {
        // A retry whose first attempt was stored: answer with that message, store nothing.
        if (isUniqueViolation(err)) {
          const retry = await storedRetry(userId, input);
          if (retry) return retry;
        }
        if (err instanceof NotAMemberError) throw notFound("conversation");
        throw err;
      }
      realtime.emitToUsers(members.keys(), "new_message", { message });
      return { message, created: true };
    },

    async history(userId: string, conversationId: string, query: HistoryQuery) {
      await conversations.requireMember(conversationId, userId);
      const { rows, hasMore } = await messages.page(conversationId, query);
      return { messages: await presentMessages(rows, attachments), hasMore };
    },
  };
}
export type MessagesService = ReturnType<typeof createMessagesService>;
