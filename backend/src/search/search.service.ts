import type { SearchQuery, SearchResponse } from "@chat/protocol";
import type { ConversationsService } from "../conversations/conversations.service.js";
import { AppError } from "../http/app-error.js";
import type { MessageDetails } from "../messages/message-details.js";
import { highlightRanges, searchTerms } from "./highlight.js";
import type { SearchCursor, SearchStore } from "./search.store.js";

const encodeCursor = (c: SearchCursor) =>
  Buffer.from(JSON.stringify([c.createdAt, c.conversationId, c.seq])).toString("base64url");

function decodeCursor(cursor: string): SearchCursor {
  const invalid = () => new AppError("VALIDATION_ERROR", "cursor: invalid");
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parts) || parts.length !== 3) throw invalid();
  const [createdAt, conversationId, seq] = parts;
  if (typeof createdAt !== "string" || Number.isNaN(Date.parse(createdAt))) throw invalid();
  if (typeof conversationId !== "string" || !Number.isSafeInteger(seq)) throw invalid();
  return { createdAt, conversationId, seq };
}

export function createSearchService(store: SearchStore, conversations: ConversationsService, details: MessageDetails) {
  return {
    /** Only conversations the caller is a member of now; a conversation filter is checked like any access. */
    async search(userId: string, query: SearchQuery): Promise<SearchResponse> {
      if (query.conversationId) await conversations.requireMember(query.conversationId, userId);
      const terms = searchTerms(query.q);
      const rows = await store.search({
        userId,
        terms,
        conversationId: query.conversationId,
        before: query.cursor ? decodeCursor(query.cursor) : undefined,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      const messages = await details.present(page);
      return {
        results: messages.map((message) => ({ message, highlights: highlightRanges(message.text, terms) })),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor({ createdAt: last.created_at, conversationId: last.conversation_id, seq: last.seq })
            : null,
      };
    },
  };
}
export type SearchService = ReturnType<typeof createSearchService>;
