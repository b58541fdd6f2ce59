import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
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
});
