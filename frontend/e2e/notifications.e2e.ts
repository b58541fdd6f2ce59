import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, messages, openConversation, sendText, startDirectChat, type TestUser, visible } from "./helpers";

type Shown = { title: string; body: string | undefined };

declare global {
  interface Window {
    testShown: Shown[];
    testSetHidden: (hidden: boolean) => void;
  }
}

// Headless Chromium never puts a tab in the background, so the page is told when Ben's is;
// everything else is real: the permission, the settings toggle, the socket event and the
// browser's Notification (wrapped only to record what it was asked to show).
function inBackgroundTab() {
  let hidden = false;
  Object.defineProperty(document, "visibilityState", { get: () => (hidden ? "hidden" : "visible") });
  window.testSetHidden = (h) => {
    hidden = h;
  };
  window.testShown = [];
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      window.testShown.push({ title, body: options?.body });
    }
  };
}

describe("desktop notifications", () => {
  let browser: Browser;
  let ann: TestUser;
  let ben: TestUser;
  const shown = () => ben.page.evaluate(() => window.testShown);
  const setHidden = (hidden: boolean) => ben.page.evaluate((h) => window.testSetHidden(h), hidden);
  /** Ann sends; Ben's client has it (in the conversation list) before the check. */
  async function annSends(text: string) {
    await sendText(ann.page, text);
    await visible(ben.page.getByTestId("conversation-item").filter({ hasText: text }));
  }

  beforeAll(async () => {
    ({ browser, first: ann, second: ben } = await startDirectChat("Ann", "Ben"));
    await ben.context.grantPermissions(["notifications"], { origin: baseUrl() });
    await ben.context.addInitScript(inBackgroundTab);
    await ben.page.goto("/settings");
    await ben.page.getByLabel(/Desktop notifications for new messages/).check();
    await ben.page.goto("/chat");
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("notifies only while the tab is in the background, with the sender and the text", async () => {
    await annSends("First, while Ben looks");
    expect(await shown()).toEqual([]);

    await setHidden(true);
    await annSends("Ping from the background");
    await ben.page.waitForFunction(() => window.testShown.length > 0);
    expect(await shown()).toEqual([{ title: "Ann", body: "Ping from the background" }]);
  });

  it("stays quiet for a muted conversation, and after the toggle is turned off", async () => {
    await setHidden(false);
    await openConversation(ben.page, "Ann");
    await ben.page.getByRole("button", { name: "Mute", exact: true }).click();
    await visible(ben.page.getByRole("button", { name: "Muted", pressed: true }));
    await ben.page.goto("/chat");
    await setHidden(true);
    await annSends("Muted, so no notification");
    await ben.page.waitForTimeout(300);
    expect(await shown()).toEqual([]);

    await setHidden(false);
    await openConversation(ben.page, "Ann");
    await ben.page.getByRole("button", { name: "Muted", exact: true }).click();
    await visible(ben.page.getByRole("button", { name: "Mute", pressed: false }));
    await ben.page.goto("/settings");
    await ben.page.getByLabel(/Desktop notifications for new messages/).uncheck();
    await ben.page.goto("/chat");
    await setHidden(true);
    await annSends("Toggle off, so no notification");
    await ben.page.waitForTimeout(300);
    expect(await shown()).toEqual([]);
    expect(await messages(ann.page).count()).toBe(4);
  });
});
