import type { Browser } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  hidden,
  messages,
  openConversation,
  screenshot,
  sendText,
  startDirectChat,
  type TestUser,
  visible,
} from "./helpers";

describe("files and avatars", () => {
  let browser: Browser;
  let fay: TestUser;
  let gus: TestUser;
  let png: Buffer;

  beforeAll(async () => {
    png = await sharp({ create: { width: 320, height: 200, channels: 3, background: "#4f46e5" } })
      .png()
      .toBuffer();
    ({ browser, first: fay, second: gus } = await startDirectChat("Fay", "Gus"));
    await sendText(fay.page, "warming up");
    await openConversation(gus.page, "Fay");
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("an uploaded image shows as a thumbnail for the other user, with a full-size viewer", async () => {
    await fay.page.locator("#composer-file").setInputFiles({ name: "lake.png", mimeType: "image/png", buffer: png });
    const send = fay.page.getByRole("button", { name: "Send message" });
    await expect.poll(() => send.isEnabled()).toBe(true);
    await sendText(fay.page, "the lake");

    const thumb = messages(gus.page).filter({ hasText: "the lake" }).getByTestId("attachment-thumbnail");
    await visible(thumb);
    // The image really loaded (served to a member), not just an <img> tag.
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    await screenshot(gus.page, "image-attachment");
    await thumb.click();
    const viewer = gus.page.getByRole("dialog", { name: "lake.png" });
    await visible(viewer);
    await gus.page.keyboard.press("Escape");
    await hidden(viewer);
  });

  it("other files show as download cards with name and size", async () => {
    const text = Buffer.from("packing list\n- tent\n- snacks\n");
    await fay.page.locator("#composer-file").setInputFiles({ name: "list.txt", mimeType: "text/plain", buffer: text });
    const send = fay.page.getByRole("button", { name: "Send message" });
    await expect.poll(() => send.isEnabled()).toBe(true);
    await send.click();
    const card = gus.page.getByTestId("attachment-file").filter({ hasText: "list.txt" });
    await visible(card);
    expect(await card.textContent()).toContain(`${text.length} B`);
  });

  it("refuses files that are not allowed or too large, in words", async () => {
    await fay.page.locator("#composer-file").setInputFiles({
      name: "page.html",
      mimeType: "text/html",
      buffer: Buffer.from("<html><script>alert(1)</script></html>"),
    });
    await visible(fay.page.getByRole("alert").filter({ hasText: "page.html: This file type is not allowed" }));
    await fay.page.getByRole("button", { name: "Remove page.html" }).click();

    await fay.page
      .locator("#composer-file")
      .setInputFiles({ name: "big.png", mimeType: "image/png", buffer: Buffer.alloc(2 * 1024 * 1024 + 10, 1) });
    await visible(fay.page.getByRole("alert").filter({ hasText: "big.png: File is too large" }));
    await fay.page.getByRole("button", { name: "Remove big.png" }).click();
    expect(await fay.page.getByTestId("upload").count()).toBe(0);
  });

  it("shows upload progress and cancels an upload in flight", async () => {
    // Hold the upload at the network layer so it is still in flight when cancelled.
    let held: { abort: () => Promise<void> } | undefined;
    await fay.page.route("**/api/chat/attachments", (route) => {
      held = route;
    });
    await fay.page.locator("#composer-file").setInputFiles({ name: "slow.png", mimeType: "image/png", buffer: png });
    await visible(fay.page.getByLabel("Uploading slow.png"));
    await fay.page.getByRole("button", { name: "Cancel upload of slow.png" }).click();
    await hidden(fay.page.getByTestId("upload"));
    await fay.page.unroute("**/api/chat/attachments");
    await held?.abort().catch(() => {});

    const box = fay.page.getByLabel("Message", { exact: true });
    await box.fill("no file after all");
    await box.press("Enter");
    const sent = messages(gus.page).filter({ hasText: "no file after all" });
    await visible(sent);
    expect(await sent.getByTestId("attachment-thumbnail").count()).toBe(0);
    expect(await sent.getByTestId("attachment-file").count()).toBe(0);
  });

  it("sets an avatar that the other user sees", async () => {
    await fay.page.goto("/settings");
    await fay.page.locator("#avatar-file").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png });
    await visible(fay.page.getByText("Avatar updated."));
    const item = gus.page.getByTestId("conversation-item").filter({ hasText: "Fay" });
    await visible(item.locator("img"));
    await expect
      .poll(() => item.locator("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
  });
});
