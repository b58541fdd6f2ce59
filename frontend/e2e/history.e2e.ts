import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  conversationIdOf,
  messages,
  openConversation,
  seedMessages,
  sendText,
  startDirectChat,
  type TestUser,
  visible,
} from "./helpers";

const SEEDED = 230;

describe("long history", () => {
  let browser: Browser;
  let wes: TestUser;
  let xena: TestUser;

  beforeAll(async () => {
    ({ browser, first: wes, second: xena } = await startDirectChat("Wes", "Xena"));
    const texts = Array.from({ length: SEEDED }, (_, i) => `history message ${i + 1}`);
    await seedMessages(wes.page, conversationIdOf(wes.page), texts);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("scrolls up through all pages while keeping the DOM small", async () => {
    const { page } = xena;
    await openConversation(page, "Wes");
    await visible(messages(page).filter({ hasText: `history message ${SEEDED}` }));
    const list = page.getByTestId("message-list");
    const start = page.getByText("This is the beginning of the conversation.");
    const first = messages(page)
      .locator("p")
      .filter({ hasText: /^history message 1$/ });
    // Each older page lands above the view (the message read stays put), so the reader scrolls
    // up again; done when the first message is still in view a moment after being seen.
    const firstInView = async () => (await start.isVisible()) && (await first.isVisible());
    const settledAtTop = async () => {
      if (!(await firstInView())) return false;
      await page.waitForTimeout(300);
      return firstInView();
    };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(await settledAtTop())) {
      await list.evaluate((el) => {
        el.scrollTop = 0;
      });
      await page.waitForTimeout(150);
    }
    await visible(first);
    await visible(start);
    // Virtualised: every message is loaded, only a window of them is in the DOM.
    const inDom = await messages(page).count();
    expect(inDom).toBeGreaterThan(5);
    expect(inDom).toBeLessThan(80);
    const texts = await messages(page).locator("p").allTextContents();
    const seqs = texts.map((t) => Number(t.replace("history message ", "")));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).toBe(1);
  });

  it("does not yank a reader who scrolled up; offers a new-messages button", async () => {
    const { page } = xena;
    await sendText(wes.page, "a fresh message");
    const button = page.getByRole("button", { name: "1 new message" });
    await visible(button);
    expect(await messages(page).filter({ hasText: "a fresh message" }).count()).toBe(0);
    await visible(
      messages(page)
        .locator("p")
        .filter({ hasText: /^history message 1$/ }),
    );
    await button.click();
    await visible(messages(page).filter({ hasText: "a fresh message" }));
    expect(await button.count()).toBe(0);
  });
});
