import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deferred,
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

describe("catch-up after reconnect", () => {
  let browser: Browser;
  let gus: TestUser;
  let hal: TestUser;

  beforeAll(async () => {
    ({ browser, first: gus, second: hal } = await startDirectChat("Gus", "Hal"));
    for (const t of ["keep me", "edit me", "delete me", "react to me"]) await sendText(gus.page, t);
    await openConversation(hal.page, "Gus");
    await visible(messageWith(hal.page, "react to me"));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("an offline client sees every edit, delete and reaction after reconnecting, without reload", async () => {
    await hal.context.setOffline(true);
    await visible(hal.page.getByTestId("connection-banner"));

    await messageAction(messageWith(gus.page, "edit me"), "Edit");
    const box = gus.page.getByLabel("Message", { exact: true });
    await box.fill("edited while you were away");
    await box.press("Enter");
    await visible(messageWith(gus.page, "edited while you were away"));
    await messageAction(messageWith(gus.page, "delete me"), "Delete");
    await gus.page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
    await visible(messages(gus.page).filter({ hasText: "Message deleted" }));
    await messageAction(messageWith(gus.page, "react to me"), "React 😂");
    await visible(messageWith(gus.page, "react to me").getByTestId("reaction"));
    await sendText(gus.page, "and a new one");
    await visible(messageWith(gus.page, "and a new one"));

    // Nothing reached Hal meanwhile.
    await hal.page.waitForTimeout(300);
    expect(await messageWith(hal.page, "edit me").count()).toBe(1);

    const navigations: string[] = [];
    hal.page.on("framenavigated", (f) => navigations.push(f.url()));
    await hal.context.setOffline(false);
    await hidden(hal.page.getByTestId("connection-banner"), 20_000);
    await visible(messageWith(hal.page, "and a new one"), 20_000);
    await visible(messageWith(hal.page, "edited while you were away"));
    await visible(messages(hal.page).filter({ hasText: "Message deleted" }));
    const reaction = messageWith(hal.page, "react to me").getByTestId("reaction");
    await visible(reaction);
    expect(navigations).toEqual([]);

    // Exactly the right state: same rows on both sides, in order, with the same reactions.
    const state = async (page: typeof hal.page) =>
      messages(page).evaluateAll((rows) =>
        rows.map((r) => ({
          text: r.querySelector("p")?.textContent,
          edited: !!r.querySelector('[data-testid="edited"]'),
          reactions: [...r.querySelectorAll('[data-testid="reaction"]')].map(
            (c) => `${c.getAttribute("data-emoji")}${c.getAttribute("data-count")}`,
          ),
        })),
      );
    const expected = [
      { text: "keep me", edited: false, reactions: [] },
      { text: "edited while you were away", edited: true, reactions: [] },
      { text: "Message deleted", edited: false, reactions: [] },
      { text: "react to me", edited: false, reactions: ["😂1"] },
      { text: "and a new one", edited: false, reactions: [] },
    ];
    expect(await state(hal.page)).toEqual(expected);
    expect(await state(gus.page)).toEqual(expected);
  });

  it("keeps a message and its mention that came in live when the conversation list was built before it", async () => {
    // Hal reloads. The server builds his list at once, but it reaches his page only after
    // Gus's next message, which mentions him, has come in live (the client then fetches
    // that conversation).
    const held = deferred();
    const listBuilt = deferred();
    await hal.page.route(
      /\/api\/chat\/conversations$/,
      async (route) => {
        const response = await route.fetch();
        listBuilt.resolve();
        await held.promise;
        await route.fulfill({ response });
      },
      { times: 1 },
    );
    const listed = hal.page.waitForEvent("requestfinished", (r) => /\/api\/chat\/conversations$/.test(r.url()));
    try {
      await hal.page.goto("/chat");
      await listBuilt.promise;
      const fetched = hal.page.waitForResponse(/\/api\/chat\/conversations\/[^/?]+$/);
      await sendText(gus.page, `@${hal.username} sent after the list was built`);
      await fetched;
    } finally {
      held.resolve(); // the route handles one request only: nothing to remove
    }
    await listed;
    await hal.page.waitForTimeout(300);
    const item = hal.page.getByTestId("conversation-item").filter({ hasText: "Gus" });
    await visible(item.filter({ hasText: "sent after the list was built" }), 2_000);
    expect(await item.count()).toBe(1);
    const mention = item.getByTestId("mention-badge");
    await visible(mention, 2_000);
    expect(await mention.getAttribute("data-count")).toBe("1");
  });
});
