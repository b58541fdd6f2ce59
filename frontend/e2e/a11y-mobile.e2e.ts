import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  baseUrl,
  messages,
  openConversation,
  screenshot,
  sendText,
  startDirectChat,
  type TestUser,
  visible,
} from "./helpers";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

describe("accessibility and phone layout", () => {
  let browser: Browser;
  let uma: TestUser;
  let vic: TestUser;

  beforeAll(async () => {
    ({ browser, first: uma, second: vic } = await startDirectChat("Uma", "Vic", { width: 390, height: 844 }));
    await sendText(uma.page, "Hello from a big screen");
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("login and register pages have no serious or critical axe violations", async () => {
    const context = await browser.newContext({ baseURL: baseUrl() });
    const page = await context.newPage();
    await page.goto("/login");
    await visible(page.getByRole("heading", { name: "Welcome back" }));
    expect(await seriousViolations(page)).toEqual([]);
    // Server errors are shown in words.
    await page.getByLabel("Username").fill("nobody_here");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await visible(page.getByRole("alert").filter({ hasText: "Wrong username or password." }));
    await page.goto("/register");
    await page.getByRole("button", { name: "Create account" }).click();
    await visible(page.getByText("username must be at least 3 characters"));
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("the chat page has no serious or critical axe violations", async () => {
    await visible(messages(uma.page).filter({ hasText: "Hello from a big screen" }));
    expect(await seriousViolations(uma.page)).toEqual([]);
    await uma.page.getByRole("button", { name: "New group" }).click();
    expect(await seriousViolations(uma.page)).toEqual([]);
    await uma.page.keyboard.press("Escape");
    // The message search panel, with highlighted results.
    await uma.page.getByRole("button", { name: "Search messages" }).click();
    const search = uma.page.getByRole("dialog", { name: "Search messages" });
    await search.getByLabel("Search messages").fill("screen");
    await search.getByLabel("Search messages").press("Enter");
    await visible(search.getByTestId("search-result").locator("mark"));
    expect(await seriousViolations(uma.page)).toEqual([]);
    await search.getByRole("button", { name: "Close dialog" }).click();
    // The per-message actions menu.
    const row = messages(uma.page).filter({ hasText: "Hello from a big screen" });
    await row.getByRole("button", { name: "Message actions" }).click();
    await visible(uma.page.getByRole("menu", { name: "Message actions" }));
    expect(await seriousViolations(uma.page)).toEqual([]);
    await uma.page.keyboard.press("Escape");
  });

  it("a phone shows the list and the conversation as separate views", async () => {
    const { page } = vic;
    const list = page.getByRole("complementary", { name: "Conversations" });
    await visible(page.getByTestId("conversation-item").filter({ hasText: "Uma" }));
    expect(await page.getByRole("log", { name: "Messages" }).count()).toBe(0);
    await screenshot(page, "phone-list");

    await openConversation(page, "Uma");
    await visible(messages(page).filter({ hasText: "Hello from a big screen" }));
    expect(await list.isVisible()).toBe(false);
    await sendText(page, "Hi from my phone");
    await visible(messages(uma.page).filter({ hasText: "Hi from my phone" }));
    await screenshot(page, "phone-conversation");

    await page.getByRole("link", { name: "Back to conversations" }).click();
    await page.waitForURL(/\/chat$/);
    await visible(list);
    expect(await page.getByRole("log", { name: "Messages" }).count()).toBe(0);
    // Browser back returns to the conversation URL.
    await page.goBack();
    await visible(page.getByRole("heading", { level: 1, name: "Uma" }));
  });
});
