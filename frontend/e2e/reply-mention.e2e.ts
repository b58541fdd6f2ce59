import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  conversationIdOf,
  hidden,
  messageAction,
  messages,
  messageWith,
  openConversation,
  seedMessages,
  sendText,
  startDirectChat,
  type TestUser,
  visible,
} from "./helpers";

const SEEDED = 150;

describe("replies and mentions", () => {
  let browser: Browser;
  let cat: TestUser;
  let dan: TestUser;
  let conversationId: string;

  beforeAll(async () => {
    ({ browser, first: cat, second: dan } = await startDirectChat("Cat", "Dan"));
    conversationId = conversationIdOf(cat.page);
    const [original] = await seedMessages(cat.page, conversationId, ["the very first plan"]);
    await seedMessages(
      cat.page,
      conversationId,
      Array.from({ length: SEEDED }, (_, i) => `filler ${i + 1}`),
    );
    // A reply (through REST) to the message 150 messages up.
    const res = await cat.page.request.post(`/api/chat/conversations/${encodeURIComponent(conversationId)}/messages`, {
      data: { clientId: "reply-far-up", text: "about that plan", replyTo: original?.id },
    });
    expect(res.status()).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("a quote jumps to an original far up in history", async () => {
    const { page } = dan;
    await openConversation(page, "Cat");
    const reply = messageWith(page, "about that plan");
    await visible(reply);
    const quote = reply.getByTestId("reply-quote");
    expect(await quote.textContent()).toBe("Catthe very first plan");
    expect(await messageWith(page, "the very first plan").count()).toBe(0);
    await quote.click();
    const original = messageWith(page, "the very first plan");
    await visible(original);
    expect(await original.getAttribute("data-highlighted")).toBe("true");
    await expect.poll(() => original.evaluate((el) => el.getBoundingClientRect().top)).toBeGreaterThan(0);
  });

  it("replies from the menu by keyboard, with the quote in the composer and on both sides", async () => {
    const { page } = dan;
    await sendText(cat.page, "lunch at noon?");
    // Dan is far up after the jump: the new message waits behind the button.
    await page.getByRole("button", { name: "1 new message" }).click();
    const row = messageWith(page, "lunch at noon?");
    await visible(row);
    // Keyboard: open the menu, End goes to the last item (Reply, since it is not my message).
    await row.getByRole("button", { name: "Message actions" }).focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    const banner = page.getByTestId("compose-banner");
    await visible(banner.filter({ hasText: "Replying to Cat" }));
    // Escape cancels; choose Reply again and send.
    await page.getByLabel("Message", { exact: true }).press("Escape");
    await hidden(banner);
    await messageAction(row, "Reply");
    await visible(banner.filter({ hasText: "lunch at noon?" }));
    await sendText(page, "yes, see you there");
    await hidden(banner);
    for (const p of [page, cat.page]) {
      const sent = messageWith(p, "yes, see you there");
      await visible(sent.getByTestId("reply-quote"));
      expect(await sent.getByTestId("reply-quote").textContent()).toBe("Catlunch at noon?");
    }
  });

  it("@ autocompletes members, highlights the mention and badges it in the sidebar", async () => {
    // Dan looks at the list, away from the conversation.
    await dan.page.goto("/chat");
    const item = dan.page.getByTestId("conversation-item").filter({ hasText: "Cat" });
    await visible(item);
    const box = cat.page.getByLabel("Message", { exact: true });
    await box.fill("hey @da");
    const option = cat.page.getByRole("option", { name: /Dan/ });
    await visible(option);
    expect(await option.getAttribute("aria-selected")).toBe("true");
    await box.press("Enter");
    expect(await box.inputValue()).toBe(`hey @${dan.username} `);
    await box.pressSequentially("are you free?");
    await box.press("Enter");
    const text = `hey @${dan.username} are you free?`;
    await visible(messageWith(cat.page, text));
    // The author's own copy is not marked as mentioning them.
    expect(await messageWith(cat.page, text).getAttribute("data-mentioned")).toBeNull();

    await visible(item.getByTestId("mention-badge"));
    await visible(item.getByTestId("unread-badge"));
    await openConversation(dan.page, "Cat");
    const mentioned = messageWith(dan.page, text);
    await visible(mentioned);
    expect(await mentioned.getAttribute("data-mentioned")).toBe("true");
    // Read: the mention badge goes with the unread count.
    await hidden(item.getByTestId("mention-badge"));
    expect(await messages(dan.page).count()).toBeGreaterThan(0);
  });
});
