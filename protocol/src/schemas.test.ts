import { describe, expect, it } from "vitest";
import { limits } from "./limits.js";
import { HistoryQuery, RegisterBody, SendMessagePayload } from "./schemas.js";

describe("protocol schemas", () => {
  const base = { conversationId: "c1", clientId: "8f1c2d3e-aaaa-bbbb-cccc-123456789012" };

  it("trims message text and counts the limit after trimming", () => {
    const ok = SendMessagePayload.parse({ ...base, text: `  ${"a".repeat(limits.messageTextMax)}  ` });
    expect(ok.text).toHaveLength(limits.messageTextMax);
    expect(ok.attachments).toEqual([]);
    expect(SendMessagePayload.safeParse({ ...base, text: " \n " }).success).toBe(false);
  });

  it("allows empty text only with an attachment", () => {
    expect(SendMessagePayload.safeParse({ ...base, text: "", attachments: ["a1"] }).success).toBe(true);
    const eleven = Array.from({ length: limits.attachmentsPerMessageMax + 1 }, (_, i) => `a${i}`);
    expect(SendMessagePayload.safeParse({ ...base, text: "x", attachments: eleven }).success).toBe(false);
  });

  it("rejects unknown fields instead of passing them through", () => {
    expect(RegisterBody.safeParse({ username: "alice", password: "password1", role: "admin" }).success).toBe(false);
  });

  it("coerces query-string numbers and bounds the page size", () => {
    expect(HistoryQuery.parse({ before: "10" })).toEqual({ before: 10, limit: limits.pageSizeDefault });
    expect(HistoryQuery.safeParse({ limit: String(limits.pageSizeMax + 1) }).success).toBe(false);
  });
});
