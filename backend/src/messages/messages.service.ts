import {
  type HistoryQuery,
  type Message,
  type ReplyQuote,
  type Role,
  type SendMessagePayload,
  timeOrderedId,
} from "@chat/protocol";
import type { BlocksService } from "../blocks/blocks.service.js";
import type { ConversationsService } from "../conversations/conversations.service.js";
import { nowIso } from "../db/clock.js";
import { isUniqueViolation } from "../db/errors.js";
import { AppError, forbidden, notFound } from "../http/app-error.js";
import type { Realtime } from "../realtime/realtime.js";
import { type MessageDetails, presentQuote } from "./message-details.js";
import type { MessageExtrasStore } from "./message-extras.store.js";
import { type AttachmentLookup, presentMessage } from "./messages.presenter.js";
import { type MessagesStore, NotAMemberError } from "./messages.store.js";

interface Deps {
  messages: MessagesStore;
  extras: MessageExtrasStore;
  details: MessageDetails;
  conversations: ConversationsService;
  realtime: Realtime;
  attachments: AttachmentLookup;
  blocks: BlocksService;
  /** Member ids named by @username in the text (the sender excluded). */
  mentionIds: (conversationId: string, text: string, senderId?: string) => Promise<string[]>;
}

export interface SendResult {
  message: Message;
  /** False when this was a retry of a clientId already stored. */
  created: boolean;
}

export function createMessagesService(deps: Deps) {
  const { messages, extras, details, conversations, realtime, attachments, blocks, mentionIds } = deps;

  async function storedRetry(userId: string, input: SendMessagePayload): Promise<SendResult | undefined> {
    const existing = await messages.findByClientId(userId, input.clientId);
    if (!existing) return undefined;
    if (existing.conversation_id !== input.conversationId) {
      throw new AppError("CONFLICT", "clientId: already used for another message");
    }
    return { message: await details.presentOne(existing), created: false };
  }

  /** A blocked pair cannot message each other in their direct conversation. */
  async function refuseIfBlocked(userId: string, conversationId: string, members: ReadonlyMap<string, Role>) {
    const other = [...members.keys()].find((id) => id !== userId);
    if (!other || !(await blocks.between(userId, other))) return;
    if ((await conversations.typeOf(conversationId)) === "direct") throw forbidden("you cannot message this user");
  }

  async function quoteFor(conversationId: string, messageId: string): Promise<ReplyQuote> {
    const original = await extras.findById(messageId);
    if (!original || original.conversation_id !== conversationId) {
      throw new AppError("VALIDATION_ERROR", "replyTo: no such message in this conversation");
    }
    return presentQuote(original);
  }

  return {
    /**
     * The one send path, for REST and socket alike: authorize, store (seq assigned in the
     * same transaction), and only after commit answer and broadcast. Replies, mentions and
     * files cost extra queries only when the message has them.
     */
    async send(userId: string, input: SendMessagePayload): Promise<SendResult> {
      const { members } = await conversations.requireMember(input.conversationId, userId);
      if (members.size === 2) await refuseIfBlocked(userId, input.conversationId, members);
      const files = input.attachments.length > 0 ? await attachments.attachable(userId, input.attachments) : [];
      const replyTo = input.replyTo ? await quoteFor(input.conversationId, input.replyTo) : null;
      const mentioned = input.text.includes("@") ? await mentionIds(input.conversationId, input.text, userId) : [];
      let message: Message;
      try {
        const row = await messages.insert(
          {
            id: timeOrderedId(),
            conversation_id: input.conversationId,
            sender_id: userId,
            client_id: input.clientId,
            text: input.text,
            created_at: nowIso(),
            reply_to_id: replyTo?.id ?? null,
          },
          files.length > 0 ? files.map((f) => f.id) : undefined,
        );
        if (mentioned.length > 0) await extras.addMentions(row, mentioned);
        message = presentMessage(row, { attachments: files, replyTo, mentions: mentioned });
      } catch (err) {
        // A retry whose first attempt was stored: answer with that message, store nothing.
        if (isUniqueViolation(err)) {
          const retry = await storedRetry(userId, input);
          if (retry) return retry;
        }
        if (err instanceof NotAMemberError) throw notFound("conversation");
        throw err;
      }
      realtime.emitToMembers(members, "new_message", { message });
      return { message, created: true };
    },

    async history(userId: string, conversationId: string, query: HistoryQuery) {
      await conversations.requireMember(conversationId, userId);
      const { rows, hasMore } = await messages.page(conversationId, query);
      return { messages: await details.present(rows), hasMore };
    },
  };
}
export type MessagesService = ReturnType<typeof createMessagesService>;
