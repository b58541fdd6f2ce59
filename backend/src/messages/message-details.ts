import { limits, type Message, type Reaction, type ReplyQuote } from "@chat/protocol";
import { groupBy } from "../lib/group-by.js";
import type { MessageExtrasStore, QuoteRow } from "./message-extras.store.js";
import { type AttachmentLookup, presentMessage } from "./messages.presenter.js";
import type { MessageRow } from "./messages.store.js";

function presentReactions(rows: Array<{ user_id: string; emoji: string }> = []): Reaction[] {
  const byEmoji = new Map<string, string[]>();
  for (const r of rows) byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), r.user_id]);
  return [...byEmoji].map(([emoji, userIds]) => ({ emoji, count: userIds.length, userIds }));
}

export function presentQuote(row: QuoteRow): ReplyQuote {
  const deleted = row.deleted_at !== null;
  return {
    id: row.id,
    seq: row.seq,
    senderId: row.sender_id,
    excerpt: deleted ? "" : row.text.slice(0, limits.replyExcerptMax),
    deleted,
  };
}

/**
 * Turns stored rows into protocol messages with everything attached to them (files,
 * reactions, mentions, the quoted message), in a fixed number of queries per batch.
 */
export function createMessageDetails(attachments: Pick<AttachmentLookup, "forMessages">, extras: MessageExtrasStore) {
  return {
    async present(rows: MessageRow[]): Promise<Message[]> {
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r.id);
      const replyIds = [...new Set(rows.flatMap((r) => (r.reply_to_id ? [r.reply_to_id] : [])))];
      const [files, reactions, mentions, quotes] = await Promise.all([
        attachments.forMessages(ids),
        extras.reactionsFor(ids),
        extras.mentionsFor(ids),
        extras.quotesFor(replyIds),
      ]);
      const reactionsOf = groupBy(reactions, (r) => r.message_id);
      const mentionsOf = groupBy(mentions, (r) => r.message_id);
      const quoteOf = new Map(quotes.map((q) => [q.id, presentQuote(q)]));
      return rows.map((row) =>
        presentMessage(row, {
          attachments: files.get(row.id),
          reactions: presentReactions(reactionsOf.get(row.id)),
          mentions: (mentionsOf.get(row.id) ?? []).map((m) => m.user_id),
          replyTo: row.reply_to_id ? (quoteOf.get(row.reply_to_id) ?? null) : null,
        }),
      );
    },

    async presentOne(row: MessageRow): Promise<Message> {
      const [message] = await this.present([row]);
      return message as Message;
    },
  };
}
export type MessageDetails = ReturnType<typeof createMessageDetails>;
