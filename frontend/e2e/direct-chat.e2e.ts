import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectBrowser,
  hidden,
  messages,
  openConversation,
  openDirect,
  registerUser,
  screenshot,
  sendText,
  type TestUser,
  visible,
} from "./helpers";

describe("direct chat between two people", () => {
  let browser: Browser;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    browser = await connectBrowser();
    alice = await registerUser(browser, "Alice");
    bob = await registerUser(browser, "Bob");
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("exchanges messages live, with unread badge, tab title and seen receipt", async () => {
    await openDirect(alice, bob);
    await sendText(alice.page, "Hi Bob, how are you?");
    await visible(messages(alice.page).filter({ hasText: "Hi Bob" }).and(alice.page.locator('[data-state="sent"]')));

    // Bob never reloaded: the conversation arrives live, unread.
    const item = bob.page.getByTestId("conversation-item").filter({ hasText: "Alice" });
    await visible(item.getByTestId("unread-badge"));
    expect(await item.getByTestId("unread-badge").textContent()).toMatch(/^1/);
    await expect.poll(() => bob.page.title()).toBe("(1) Relay Chat");

    await openConversation(bob.page, "Alice");
    await visible(messages(bob.page).filter({ hasText: "Hi Bob, how are you?" }));
    await hidden(item.getByTestId("unread-badge"));
    await expect.poll(() => bob.page.title()).toBe("Relay Chat");
    // Alice sees that Bob read it.
    await visible(alice.page.getByTestId("read-receipt").filter({ hasText: "Seen" }));

    await sendText(bob.page, "Great! Check https://example.com/docs.");
    const reply = messages(alice.page).filter({ hasText: "Great!" });
    await visible(reply);
    const link = reply.getByRole("link", { name: "https://example.com/docs" });
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await link.getAttribute("href")).toBe("https://example.com/docs");
    // Each message exactly once on both sides (the sender's own broadcast is deduped).
    expect(await messages(alice.page).count()).toBe(2);
    expect(await messages(bob.page).count()).toBe(2);
    await screenshot(alice.page, "direct-chat");
  });

  it("Enter sends, Shift+Enter adds a line, Escape closes dialogs", async () => {
    const box = alice.page.getByLabel("Message", { exact: true });
    await box.fill("first line");
    await box.press("Shift+Enter");
    await box.pressSequentially("second line");
    expect(await messages(alice.page).count()).toBe(2);
    await box.press("Enter");
    const multi = messages(bob.page).filter({ hasText: "second line" });
    await visible(multi);
    expect(await multi.locator("p").textContent()).toBe("first line\nsecond line");

    await alice.page.getByRole("button", { name: "New chat" }).click();
    const dialog = alice.page.getByRole("dialog", { name: "New chat" });
    await visible(dialog);
    await alice.page.keyboard.press("Escape");
    await hidden(dialog);
  });

  it("shows an XSS payload as text and runs nothing", async () => {
    let dialogs = 0;
    bob.page.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    const payload = "<img src=x onerror=alert(1)>";
    await sendText(alice.page, payload);
    const received = messages(bob.page).filter({ hasText: payload });
    await visible(received);
    expect(await received.locator("p").textContent()).toBe(payload);
    expect(await bob.page.getByTestId("message-list").locator("img[src=x]").count()).toBe(0);
    await bob.page.waitForTimeout(300);
    expect(dialogs).toBe(0);
  });

  it("keeps the session and history across a reload", async () => {
    const url = bob.page.url();
    await bob.page.reload();
    expect(bob.page.url()).toBe(url);
    await visible(messages(bob.page).filter({ hasText: "Hi Bob, how are you?" }));
    await visible(messages(bob.page).filter({ hasText: "<img src=x onerror=alert(1)>" }));
    await visible(bob.page.getByRole("heading", { level: 1, name: "Alice" }));
    // The token lives only in the httpOnly cookie.
    expect(await bob.page.evaluate(() => JSON.stringify(localStorage) + document.cookie)).not.toContain("chat_session");
  });

  it("shows presence and logs out to the login page", async () => {
    const dot = alice.page.locator("header").getByTestId("presence-dot");
    await expect.poll(() => dot.getAttribute("data-online")).toBe("true");
    await bob.page.getByRole("button", { name: "Log out" }).click();
    await bob.page.waitForURL("**/login");
    await expect.poll(() => dot.getAttribute("data-online")).toBe("false");
    await bob.page.goto("/chat");
    await bob.page.waitForURL("**/login?next=*");
    const me = await bob.page.request.get("/api/auth/me");
    expect(me.status()).toBe(401);
  });
});
