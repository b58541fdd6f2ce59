import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, connectSocket, nextEvent } from "./helpers/clients.js";
import { openDirect, registerUsers } from "./helpers/factories.js";
import {
  download,
  jpegWithExif,
  minimalPdf,
  pixelBombPng,
  pngImage,
  storedBlobs,
  tempFiles,
  upload,
} from "./helpers/files.js";
import { dialects, startServer, type TestServer } from "./helpers/server.js";

/** 300x100: red, green and blue thirds. A centered square crop is all green. */
async function stripes() {
  const third = (color: string) =>
    sharp({ create: { width: 100, height: 100, channels: 3, background: color } })
      .png()
      .toBuffer();
  const [r, g, b] = await Promise.all([third("#ff0000"), third("#00ff00"), third("#0000ff")]);
  return sharp({ create: { width: 300, height: 100, channels: 3, background: "#000000" } })
    .composite([
      { input: r, left: 0, top: 0 },
      { input: g, left: 100, top: 0 },
      { input: b, left: 200, top: 0 },
    ])
    .png()
    .toBuffer();
}

describe.each(dialects)("avatars (%s)", (dialect) => {
  let server: TestServer;
  const avatarMax = 200_000;
  beforeAll(async () => {
    server = await startServer(dialect, { env: { AVATAR_MAX_BYTES: String(avatarMax) } });
  });
  afterAll(() => server.close());

  const putAvatar = (token: string, data: Buffer, field = "avatar") =>
    upload(server.url, "/api/users/me/avatar", {
      method: "PUT",
      token,
      field,
      files: [{ data, name: "me.png", type: "image/png" }],
    });

  it("center-crops to webp squares of 64, 128 and 256 px, visible to any logged-in user but not anonymously", async () => {
    const [a, stranger] = await registerUsers(server.url, 2);
    const res = await putAvatar(a!.token, await stripes());
    expect(res.status).toBe(200);
    const url: string = res.body.user.avatarUrl;
    expect(url).toMatch(new RegExp(`^/api/users/${a!.user.id}/avatar/[\\w-]+$`));

    for (const size of [64, 128, 256]) {
      const img = await download(server.url, `${url}?size=${size}`, stranger!.token);
      expect(img.status).toBe(200);
      expect(img.headers.get("content-type")).toBe("image/webp");
      expect(img.headers.get("x-content-type-options")).toBe("nosniff");
      expect(img.headers.get("cache-control")).toMatch(/^private/);
      const meta = await sharp(img.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["webp", size, size]);
      // Centre crop: the middle third (green) fills the square, near its left and right edges too.
      const { data } = await sharp(img.bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const row = Math.floor(size / 2) * size;
      for (const x of [Math.floor(size * 0.1), Math.floor(size * 0.9)]) {
        const offset = (row + x) * 3;
        const [r, g, bl] = [data[offset]!, data[offset + 1]!, data[offset + 2]!];
        expect(g).toBeGreaterThan(200);
        expect(r + bl).toBeLessThan(60);
      }
    }
    const byDefault = await sharp((await download(server.url, url, stranger!.token)).bytes).metadata();
    expect(byDefault.width).toBe(128);
    expect((await download(server.url, url)).status).toBe(401);
    expect((await download(server.url, `${url}?size=99`, stranger!.token)).status).toBe(400);
    const me = await api(server.url, "GET", "/api/auth/me", { token: a!.token });
    expect(me.body.user.avatarUrl).toBe(url);
  });

  it("honours EXIF orientation and strips metadata", async () => {
    const [a] = await registerUsers(server.url, 1);
    const res = await putAvatar(a!.token, await jpegWithExif(300, 200, 6));
    expect(res.status).toBe(200);
    const img = await download(server.url, `${res.body.user.avatarUrl}?size=256`, a!.token);
    expect(img.bytes.includes("SECRET-MARKER-42")).toBe(false);
    expect((await sharp(img.bytes).metadata()).exif).toBeUndefined();
  });

  it("gives every change a new URL, tells contacts with user_updated, and removes the old pictures", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    await openDirect(server.url, a!, b!);
    const sb = await connectSocket(server.url, b!.token);
    const blobsBefore = storedBlobs(server.storage.dataDir).length;

    const firstEvent = nextEvent(sb, "user_updated", (p) => p.user.id === a!.user.id);
    const first = await putAvatar(a!.token, await pngImage(80, 80, "#112233"));
    expect((await firstEvent).user.avatarUrl).toBe(first.body.user.avatarUrl);
    expect(storedBlobs(server.storage.dataDir).length).toBe(blobsBefore + 3);

    const secondEvent = nextEvent(sb, "user_updated", (p) => p.user.avatarUrl !== first.body.user.avatarUrl);
    const second = await putAvatar(a!.token, await pngImage(80, 80, "#445566"));
    expect(second.status).toBe(200);
    expect(second.body.user.avatarUrl).not.toBe(first.body.user.avatarUrl);
    expect((await secondEvent).user.avatarUrl).toBe(second.body.user.avatarUrl);
    expect((await download(server.url, first.body.user.avatarUrl, b!.token)).status).toBe(404);
    expect((await download(server.url, second.body.user.avatarUrl, b!.token)).status).toBe(200);
    // The first picture's three sizes are gone from disk.
    expect(storedBlobs(server.storage.dataDir).length).toBe(blobsBefore + 3);

    // The same picture again still gets a new URL.
    const again = await putAvatar(a!.token, await pngImage(80, 80, "#445566"));
    expect(again.body.user.avatarUrl).not.toBe(second.body.user.avatarUrl);

    const removedEvent = nextEvent(sb, "user_updated", (p) => p.user.avatarUrl === null);
    const removed = await api(server.url, "DELETE", "/api/users/me/avatar", { token: a!.token });
    expect(removed.status).toBe(200);
    expect(removed.body.user.avatarUrl).toBeNull();
    expect((await removedEvent).user.id).toBe(a!.user.id);
    expect((await download(server.url, again.body.user.avatarUrl, b!.token)).status).toBe(404);
    expect(
      (await api(server.url, "GET", `/api/users/${a!.user.id}`, { token: b!.token })).body.user.avatarUrl,
    ).toBeNull();
    expect(storedBlobs(server.storage.dataDir).length).toBe(blobsBefore);
    sb.close();
  });

  it("refuses non-images (415), oversize (413), bombs, wrong or missing fields (400) and anonymous uploads (401)", async () => {
    const [a] = await registerUsers(server.url, 1);
    const pdf = await putAvatar(a!.token, minimalPdf());
    expect(pdf.status).toBe(415);
    const svg = await putAvatar(a!.token, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'));
    expect(svg.status).toBe(415);
    const big = await putAvatar(a!.token, Buffer.alloc(avatarMax + 1, 1));
    expect(big.status).toBe(413);
    const bomb = await putAvatar(a!.token, pixelBombPng());
    expect(bomb.status).toBe(413);
    const wrongField = await putAvatar(a!.token, await pngImage(), "attachment");
    expect(wrongField.status).toBe(400);
    const none = await upload(server.url, "/api/users/me/avatar", { method: "PUT", token: a!.token, files: [] });
    expect(none.status).toBe(400);
    const anonymous = await upload(server.url, "/api/users/me/avatar", {
      method: "PUT",
      field: "avatar",
      files: [{ data: await pngImage() }],
    });
    expect(anonymous.status).toBe(401);
    expect((await download(server.url, `/api/users/${a!.user.id}/avatar/${randomUUID()}`, a!.token)).status).toBe(404);
    expect((await api(server.url, "GET", "/api/auth/me", { token: a!.token })).body.user.avatarUrl).toBeNull();
    expect(tempFiles(server.storage.dataDir)).toEqual([]);
  });
});
