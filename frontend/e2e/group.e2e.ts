import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectBrowser,
  hidden,
  messages,
  openConversation,
  registerUser,
  screenshot,
  sendText,
  type TestUser,
  visible,
} from "./helpers";

describe("three-person group", () => {
  let browser: Browser;
  let ann: TestUser;
  let ben: TestUser;
  let cat: TestUser;

  beforeAll(async () => {
    browser = await connectBrowser();
    ann = await registerUser(browser, "Ann");
    ben = await registerUser(browser, "Ben");
    cat = await registerUser(browser, "Cat");
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("creates a group that appears live for the members", async () => {
    const { page } = ann;
    await page.getByRole("button", { name: "New group" }).click();
    await page.getByLabel("Group name").fill("Weekend trip");
    for (const u of [ben, cat]) {
      await page.getByLabel("Add members").fill(u.username);
      await page.getByRole("checkbox", { name: new RegExp(u.username) }).check();
    }
    await page.getByRole("button", { name: "Create group" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Weekend trip" }));
    await visible(page.getByText("3 members"));
    for (const u of [ben, cat]) await openConversation(u.page, "Weekend trip");
  });

  it("shows who is typing to the others, and stops when the message is sent", async () => {
    const box = ben.page.getByLabel("Message", { exact: true });
    await box.pressSequentially("Who brings the tent");
    for (const u of [ann, cat])
      await visible(u.page.getByTestId("typing-indicator").filter({ hasText: "Ben is typing…" }));
    // Ben does not see himself typing.
    expect(await ben.page.getByTestId("typing-indicator").textContent()).toBe("");
    await box.press("Enter");
    for (const u of [ann, cat]) {
      await visible(messages(u.page).filter({ hasText: "Who brings the tent" }));
      await hidden(u.page.getByText("Ben is typing…"));
    }
  });

  it("shows read receipts as members read", async () => {
    // Ann and Cat have the group open, so both read Ben's message on screen.
    await visible(ben.page.getByTestId("read-receipt").filter({ hasText: "Seen by everyone" }));

    // Cat looks away; Ann's next message is seen by Ben only.
    await cat.page.goto("/chat");
    await visible(cat.page.getByText("Pick a conversation"));
    await sendText(ann.page, "I will, Cat brings food?");
    await visible(ann.page.getByTestId("read-receipt").filter({ hasText: "Seen by 1" }));
    const badge = cat.page
      .getByTestId("conversation-item")
      .filter({ hasText: "Weekend trip" })
      .getByTestId("unread-badge");
    await visible(badge);
    expect(await badge.textContent()).toMatch(/^1/);

    await openConversation(cat.page, "Weekend trip");
    await visible(ann.page.getByTestId("read-receipt").filter({ hasText: "Seen by everyone" }));
    await hidden(badge);
    await sendText(cat.page, "Sure, I will bring snacks");
    await visible(messages(ann.page).filter({ hasText: "Sure, I will bring snacks" }));
    await screenshot(ann.page, "group-chat", "docs/screenshot.png");
  });

  it("lets the owner rename the group and a member leave", async () => {
    await ann.page.getByRole("button", { name: "Group settings" }).click();
    await ann.page.getByLabel("Group name", { exact: true }).fill("Lake weekend");
    await ann.page.getByRole("button", { name: "Rename" }).click();
    await ann.page.keyboard.press("Escape");
    for (const u of [ann, ben, cat]) await visible(u.page.getByRole("heading", { level: 1, name: "Lake weekend" }));

    // A plain member has no rename field, and can leave.
    await cat.page.getByRole("button", { name: "Group settings" }).click();
    expect(await cat.page.getByRole("button", { name: "Rename" }).count()).toBe(0);
    await cat.page.getByRole("button", { name: "Leave group" }).click();
    await cat.page.waitForURL(/\/chat$/);
    await hidden(cat.page.getByTestId("conversation-item").filter({ hasText: "Lake weekend" }));
    await visible(ann.page.getByText("2 members"));
  });

  it("lets the owner make a member an admin, then hand ownership over", async () => {
    await ben.page.getByRole("button", { name: "Group settings" }).click();
    expect(await ben.page.getByRole("button", { name: "Rename" }).count()).toBe(0);

    await ann.page.getByRole("button", { name: "Group settings" }).click();
    await ann.page.getByLabel("Role of Ben").selectOption("admin");
    // Ben's open dialog follows live: an admin renames and manages members, but sets no roles.
    await visible(ben.page.getByRole("button", { name: "Rename" }));
    expect(await ben.page.getByLabel("Role of Ann").count()).toBe(0);

    await ann.page.getByLabel("Role of Ben").selectOption("owner");
    await visible(ben.page.getByLabel("Role of Ann"));
    expect(await ben.page.getByLabel("Role of Ann").inputValue()).toBe("admin");
    await hidden(ann.page.getByLabel("Role of Ben"));
    await visible(ann.page.getByRole("button", { name: "Rename" })); // now an admin
  });
});
