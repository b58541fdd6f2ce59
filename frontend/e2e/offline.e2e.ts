import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  conversationIdOf,
  hidden,
  messages,
  openConversation,
  sendText,
  startDirectChat,
  type TestUser,
  visible,
} from "./helpers";

describe("offline outbox", () => {
  let browser: Browser;
  let olga: TestUser;
  let pete: TestUser;

  beforeAll(async () => {
    ({ browser, first: olga, second: pete } = await startDirectChat("Olga", "Pete"));
    await sendText(olga.page, "online hello");
    await openConversation(pete.page, "Olga");
    await visible(messages(pete.page).filter({ hasText: "online hello" }));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("holds messages typed offline and delivers each exactly once on reconnect", async () => {
    await olga.context.setOffline(true);
    await visible(olga.page.getByTestId("connection-banner").filter({ hasText: "You are offline" }));
    await sendText(olga.page, "sent while offline 1");
    await sendText(olga.page, "sent while offline 2");
    const pending = messages(olga.page).and(olga.page.locator('[data-state="pending"]'));
    await expect.poll(() => pending.count()).toBe(2);
    await pete.page.waitForTimeout(1000);
    expect(await messages(pete.page).filter({ hasText: "sent while offline" }).count()).toBe(0);

    await olga.context.setOffline(false);
    await hidden(olga.page.getByTestId("connection-banner"), 20_000);
    await visible(messages(pete.page).filter({ hasText: "sent while offline 2" }), 20_000);
    await expect.poll(() => pending.count()).toBe(0);
    // Settle, then count: no duplicates on either side, in order.
    await pete.page.waitForTimeout(1000);
    const peteTexts = await messages(pete.page).locator("p").allTextContents();
    expect(peteTexts).toEqual(["online hello", "sent while offline 1", "sent while offline 2"]);
    const olgaTexts = await messages(olga.page).locator("p").allTextContents();
    expect(olgaTexts).toEqual(peteTexts);

    // The server stored exactly one copy of each.
    const id = conversationIdOf(pete.page);
    const res = await pete.page.request.get(`/api/chat/conversations/${encodeURIComponent(id)}/messages`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { messages: { text: string; seq: number }[] };
    expect(body.messages.map((m) => m.text)).toEqual(peteTexts);
    expect(body.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("gap-fills messages missed while offline", async () => {
    await pete.context.setOffline(true);
    await visible(pete.page.getByTestId("connection-banner"));
    await sendText(olga.page, "missed 1");
    await sendText(olga.page, "missed 2");
    await visible(olga.page.getByTestId("read-receipt"));
    await pete.page.waitForTimeout(500);
    expect(await messages(pete.page).filter({ hasText: "missed" }).count()).toBe(0);
    await pete.context.setOffline(false);
    await visible(messages(pete.page).filter({ hasText: "missed 2" }), 20_000);
    const texts = await messages(pete.page).locator("p").allTextContents();
    expect(texts.slice(-2)).toEqual(["missed 1", "missed 2"]);
    expect(new Set(texts).size).toBe(texts.length);
  });
});
