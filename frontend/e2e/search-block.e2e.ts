import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  conversationIdOf,
  hidden,
  messageWith,
  openConversation,
  seedMessages,
  sendText,
  startDirectChat,
  type TestUser,
  visible,
} from "./helpers";

describe("search and blocking", () => {
  let browser: Browser;
  let eve: TestUser;
  let fay: TestUser;

  beforeAll(async () => {
    ({ browser, first: eve, second: fay } = await startDirectChat("Eve", "Fay"));
    const id = conversationIdOf(eve.page);
    await seedMessages(eve.page, id, [
      "東京タワーに行きました",
      ...Array.from({ length: 80 }, (_, i) => `chatter ${i + 1}`),
      "the quarterly report is ready",
    ]);
    await openConversation(fay.page, "Eve");
    await visible(messageWith(fay.page, "the quarterly report is ready"));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("finds a CJK partial match, highlights it and jumps to the message", async () => {
    const { page } = fay;
    await page.keyboard.press("Control+k");
    const dialog = page.getByRole("dialog", { name: "Search messages" });
    await visible(dialog);
    await dialog.getByLabel("Search messages").fill("タワー");
    await dialog.getByLabel("Search messages").press("Enter");
    const result = dialog.getByTestId("search-result");
    await visible(result);
    expect(await result.count()).toBe(1);
    expect(await result.locator("mark").allTextContents()).toEqual(["タワー"]);
    await result.click();
    const original = messageWith(page, "東京タワーに行きました");
    await visible(original);
    expect(await original.getAttribute("data-highlighted")).toBe("true");

    // A partial English word, from the sidebar button.
    await page.getByRole("button", { name: "Search messages" }).click();
    await dialog.getByLabel("Search messages").fill("quarter");
    await dialog.getByLabel("Search messages").press("Enter");
    await visible(
      dialog
        .getByTestId("search-result")
        .locator("mark")
        .filter({ hasText: /^quarter/i }),
    );
    await dialog.getByRole("button", { name: "Close dialog" }).click();
    await hidden(dialog);
  });

  it("mute persists and is shown in the list", async () => {
    await eve.page.getByRole("button", { name: "Mute", exact: true }).click();
    await visible(eve.page.getByRole("button", { name: "Muted", pressed: true }));
    await eve.page.reload();
    await visible(eve.page.getByRole("button", { name: "Muted", pressed: true }));
    await visible(eve.page.getByTestId("conversation-item").getByTitle("Muted"));
  });

  it("a block stops sending in the direct chat, with a clear message", async () => {
    await eve.page.getByRole("button", { name: "Block", exact: true }).click();
    await visible(eve.page.getByTestId("blocked-notice"));
    expect(await eve.page.getByLabel("Message", { exact: true }).count()).toBe(0);

    await sendText(fay.page, "can you hear me?");
    const refused = fay.page.getByRole("alert").filter({ hasText: "blocked" });
    await visible(refused);
    expect(await refused.textContent()).toContain("can't message this person");
    await eve.page.waitForTimeout(300);
    expect(await messageWith(eve.page, "can you hear me?").count()).toBe(0);

    // Listed in settings; unblocking there lets messages through again.
    await eve.page.goto("/settings");
    const list = eve.page.getByRole("list", { name: "Blocked users" });
    await visible(list.filter({ hasText: "Fay" }));
    await list.getByRole("button", { name: "Unblock" }).click();
    await visible(eve.page.getByText("You have not blocked anyone."));
    await eve.page.goto("/chat");
    await openConversation(eve.page, "Fay");
    await sendText(fay.page, "and now?");
    await visible(messageWith(eve.page, "and now?"));
  });
});
