import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  conversationIdOf,
  hidden,
  messageAction,
  messages,
  messageWith,
  openConversation,
  sendText,
  startDirectChat,
  type TestUser,
  visible,
} from "./helpers";

describe("edit, delete and reactions", () => {
  let browser: Browser;
  let ann: TestUser;
  let ben: TestUser;

  beforeAll(async () => {
    ({ browser, first: ann, second: ben } = await startDirectChat("Ann", "Ben"));
    await sendText(ann.page, "first draft");
    await sendText(ann.page, "to be removed");
    await openConversation(ben.page, "Ann");
    await visible(messageWith(ben.page, "to be removed"));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("an edit and a delete are seen live by the other user", async () => {
    await messageAction(messageWith(ann.page, "first draft"), "Edit");
    await visible(ann.page.getByTestId("compose-banner").filter({ hasText: "Editing message" }));
    const box = ann.page.getByLabel("Message", { exact: true });
    // The box is filled by an effect right after the banner renders.
    await expect.poll(() => box.inputValue()).toBe("first draft");
    await box.fill("final wording");
    await box.press("Enter");
    const edited = messageWith(ben.page, "final wording");
    await visible(edited);
    await visible(edited.getByTestId("edited"));
    expect(await messageWith(ben.page, "first draft").count()).toBe(0);

    // Only my own messages offer Edit and Delete.
    await messageWith(ben.page, "final wording").getByRole("button", { name: "Message actions" }).click();
    await visible(ben.page.getByRole("menuitem", { name: "Reply" }));
    expect(await ben.page.getByRole("menuitem", { name: "Edit" }).count()).toBe(0);
    expect(await ben.page.getByRole("menuitem", { name: "Delete" }).count()).toBe(0);
    await ben.page.keyboard.press("Escape");
    await hidden(ben.page.getByRole("menu"));

    await messageAction(messageWith(ann.page, "to be removed"), "Delete");
    await ann.page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
    for (const page of [ann.page, ben.page]) {
      await visible(messages(page).filter({ hasText: "Message deleted" }));
      expect(await messages(page).filter({ hasText: "to be removed" }).count()).toBe(0);
    }
    // The server forgot the text, not just the view.
    const id = encodeURIComponent(conversationIdOf(ben.page));
    const res = await ben.page.request.get(`/api/chat/conversations/${id}/messages`);
    const body = (await res.json()) as { messages: { text: string; deletedAt: string | null }[] };
    expect(body.messages.map((m) => m.text)).toEqual(["final wording", ""]);
  });

  it("reactions toggle with counts and names on both sides, from the keyboard too", async () => {
    await sendText(ben.page, "react to me");
    const row = (page: typeof ann.page) => messageWith(page, "react to me");
    await visible(row(ann.page));
    const chip = (page: typeof ann.page) => row(page).locator('[data-testid="reaction"][data-emoji="👍"]');

    // Keyboard: Tab-reachable menu button, Enter opens, focus lands on the first reaction.
    await row(ann.page).getByRole("button", { name: "Message actions" }).focus();
    await ann.page.keyboard.press("Enter");
    await visible(ann.page.getByRole("menuitem", { name: "React 👍" }));
    await ann.page.keyboard.press("Enter");
    for (const page of [ann.page, ben.page]) await expect.poll(() => chip(page).getAttribute("data-count")).toBe("1");
    expect(await chip(ben.page).getAttribute("title")).toBe("Ann");

    await chip(ben.page).click();
    for (const page of [ann.page, ben.page]) await expect.poll(() => chip(page).getAttribute("data-count")).toBe("2");
    expect(await chip(ben.page).getAttribute("aria-pressed")).toBe("true");
    expect(await chip(ann.page).getAttribute("title")).toBe("You and Ben");

    // A second emoji from "More reactions".
    await messageAction(row(ben.page), "More reactions…");
    await ben.page.getByRole("menuitem", { name: "React 🚀" }).click();
    await visible(row(ann.page).locator('[data-emoji="🚀"]'));

    await chip(ben.page).click();
    for (const page of [ann.page, ben.page]) await expect.poll(() => chip(page).getAttribute("data-count")).toBe("1");
    await chip(ann.page).click();
    for (const page of [ann.page, ben.page]) await expect.poll(() => chip(page).count()).toBe(0);
    expect(await row(ben.page).getByTestId("reaction").count()).toBe(1);
  });
});
