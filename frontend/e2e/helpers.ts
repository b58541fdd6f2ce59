import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { inject } from "vitest";

export const baseUrl = () => inject("baseUrl");

export async function connectBrowser(): Promise<Browser> {
  return chromium.connect(inject("wsEndpoint"));
}

export interface TestUser {
  context: BrowserContext;
  page: Page;
  username: string;
  displayName: string;
}

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString("hex")}`;

/** Registers through the UI in a fresh browser context; ends on /chat. */
export async function registerUser(
  browser: Browser,
  displayName: string,
  viewport = { width: 1280, height: 800 },
): Promise<TestUser> {
  const context = await browser.newContext({ baseURL: baseUrl(), viewport });
  const page = await context.newPage();
  const username = uniqueName(displayName.toLowerCase());
  await page.goto("/register");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Display name (optional)").fill(displayName);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/chat");
  await visible(page.getByText("No conversations yet"));
  return { context, page, username, displayName };
}

/** Opens (or creates) the direct chat with `other` from the New chat dialog. */
export async function openDirect(user: TestUser, other: TestUser) {
  const { page } = user;
  await page.getByRole("button", { name: "New chat" }).click();
  await page.getByLabel("Search people").fill(other.username);
  await page.getByRole("button", { name: new RegExp(other.username) }).click();
  await page.waitForURL(/\/chat\/[^/]+$/);
  await visible(page.getByRole("heading", { level: 1, name: other.displayName }));
}

/**
 * The usual start: a browser, two users registered in their own contexts, and the
 * direct chat between them opened by the first. The caller closes the browser.
 */
export async function startDirectChat(
  firstName: string,
  secondName: string,
  secondViewport?: { width: number; height: number },
): Promise<{ browser: Browser; first: TestUser; second: TestUser }> {
  const browser = await connectBrowser();
  const first = await registerUser(browser, firstName);
  const second = await registerUser(browser, secondName, secondViewport);
  await openDirect(first, second);
  return { browser, first, second };
}

export async function openConversation(page: Page, title: string) {
  await page.getByTestId("conversation-item").filter({ hasText: title }).click();
  await visible(page.getByRole("heading", { level: 1, name: title }));
}

export async function sendText(page: Page, text: string) {
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter");
}

export const messages = (page: Page) => page.getByTestId("message");

/**
 * Saves a screenshot under test-results/. `copyTo` (the README's picture) is refreshed only
 * with UPDATE_SCREENSHOTS=1, so an ordinary test run leaves the work tree clean.
 */
export async function screenshot(page: Page, name: string, copyTo?: string) {
  mkdirSync("test-results/screenshots", { recursive: true });
  const file = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path: file });
  if (copyTo && process.env.UPDATE_SCREENSHOTS === "1") copyFileSync(file, copyTo);
}

/** Waits until the locator shows (fails the test with Playwright's message after the timeout). */
export async function visible(locator: Locator, timeout = 10_000) {
  await locator.first().waitFor({ state: "visible", timeout });
}

export async function hidden(locator: Locator, timeout = 10_000) {
  await locator.first().waitFor({ state: "hidden", timeout });
}

/** The id of the conversation open in `page` (from its URL). */
export const conversationIdOf = (page: Page) => decodeURIComponent(page.url().split("/chat/")[1] ?? "");

/** Sends `count` messages through REST as the page's user; answers them in order. */
export async function seedMessages(page: Page, conversationId: string, texts: string[]) {
  const sent: { id: string; seq: number; text: string }[] = [];
  for (const [i, text] of texts.entries()) {
    const res = await page.request.post(`/api/chat/conversations/${encodeURIComponent(conversationId)}/messages`, {
      data: { clientId: `seed-${Date.now()}-${i}`, text },
    });
    if (res.status() !== 201) throw new Error(`seed ${i}: ${res.status()} ${await res.text()}`);
    sent.push(((await res.json()) as { message: { id: string; seq: number; text: string } }).message);
  }
  return sent;
}

/** The message row whose text is exactly `text`. */
export const messageWith = (page: Page, text: string) =>
  messages(page).filter({ has: page.locator("p").filter({ hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Opens the actions menu of a message row and picks an item ("Edit", "Reply", "React 👍"...). */
export async function messageAction(row: Locator, item: string) {
  await row.hover();
  await row.getByRole("button", { name: "Message actions" }).click();
  await row.page().getByRole("menuitem", { name: item, exact: true }).click();
}

/** A promise and what settles it: holds a routed request until the test lets it go. */
export function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
