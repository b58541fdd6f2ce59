import type { SearchQuery, SearchResponse } from "@chat/protocol";
import type { ConversationsService } from "../conversations/conversations.service.js";
import { AppError } from "../http/app-error.js";
import type { MessageDetails } from "../messages/message-details.js";
import { highlightRanges, searchTerms } from "./highlight.js";
import type { SearchStore } from "./search.store.js";

const encodeCursor = (createdAt: string, id: string) => Buffer.from(`${createdAt}|${id}`).toString("base64url");

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)))
    throw new AppError("VALIDATION_ERROR", "cursor: invalid");
  return { createdAt, id };
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
        nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
      };
    },
  };
}
export type SearchService = ReturnType<typeof createSearchService>;
