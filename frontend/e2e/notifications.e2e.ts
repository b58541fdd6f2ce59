import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  baseUrl,
  deferred,
  hidden,
  messages,
  openConversation,
  sendText,
  startDirectChat,
  type TestUser,
  visible,
} from "./helpers";

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
  /** Turns Ben's notifications setting on or off; it settles after the permission answer. */
  async function setToggle(on: boolean) {
    await ben.page.goto("/settings");
    const toggle = ben.page.getByLabel(/Desktop notifications for new messages/);
    if ((await toggle.isChecked()) !== on) await toggle.click();
    await (on ? visible(toggle.and(ben.page.locator(":checked"))) : hidden(toggle.and(ben.page.locator(":checked"))));
    await ben.page.goto("/chat");
  }
  /** Sets Ben's mute on the open conversation (idempotent, so a retried test starts over). */
  async function setMuted(muted: boolean) {
    const button = ben.page.getByRole("button", { name: /^Muted?$/ });
    if ((await button.getAttribute("aria-pressed")) !== String(muted)) await button.click();
    await visible(ben.page.getByRole("button", { name: muted ? "Muted" : "Mute", pressed: muted, exact: true }));
  }
  /** Ann sends; Ben's client has it (in the conversation list) before the check. */
  async function annSends(text: string) {
    await sendText(ann.page, text);
    await visible(ben.page.getByTestId("conversation-item").filter({ hasText: text }));
  }

  beforeAll(async () => {
    ({ browser, first: ann, second: ben } = await startDirectChat("Ann", "Ben"));
    await ben.context.grantPermissions(["notifications"], { origin: baseUrl() });
    await ben.context.addInitScript(inBackgroundTab);
    await setToggle(true);
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

  it("stays quiet for a muted conversation, even when its message comes before the list", async () => {
    await setHidden(false);
    await openConversation(ben.page, "Ann");
    await setMuted(true);
    // The list is held back after the reload: the message arrives while the client does not
    // know the conversation yet, and must still be judged as muted.
    const held = deferred();
    // The client asks for the list once its socket is connected: then live messages reach it.
    const connected = deferred();
    await ben.page.route(
      /\/api\/chat\/conversations$/,
      async (route) => {
        connected.resolve();
        await held.promise;
        await route.continue();
      },
      { times: 1 },
    );
    try {
      await ben.page.goto("/chat");
      await connected.promise;
      await setHidden(true);
      const fetched = ben.page.waitForResponse(/\/api\/chat\/conversations\/[^/?]+$/);
      await sendText(ann.page, "Muted, so no notification");
      await fetched;
      await ben.page.waitForTimeout(300);
      expect(await shown()).toEqual([]);
    } finally {
      held.resolve(); // the route handles one request only: nothing to remove
    }
    await visible(ben.page.getByTestId("conversation-item").filter({ hasText: "Muted, so no notification" }));
    expect(await shown()).toEqual([]);
  });

  it("stays quiet after the toggle is turned off", async () => {
    await setHidden(false);
    await openConversation(ben.page, "Ann");
    await setMuted(false);
    await setToggle(false);
    await setHidden(true);
    await annSends("Toggle off, so no notification");
    await ben.page.waitForTimeout(300);
    expect(await shown()).toEqual([]);
    expect(await messages(ann.page).count()).toBe(4);
  });
});
