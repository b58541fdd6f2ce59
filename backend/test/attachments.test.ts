import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, command, connectSocket, nextEvent, sleep } from "./helpers/clients.js";
import { createGroup, openDirect, registerUsers } from "./helpers/factories.js";
import {
  animatedGif,
  download,
  fakeExe,
  jpegWithExif,
  minimalPdf,
  pixelBombPng,
  pngImage,
  rawRequest,
  storedBlobs,
  tempFiles,
  upload,
  uploadAttachment,
} from "./helpers/files.js";
import { dialects, startServer, type TestServer } from "./helpers/server.js";

describe.each(dialects)("attachments (%s)", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(dialect);
  });
  afterAll(() => server.close());

  const send = (token: string, conversationId: string, body: object) =>
    api(server.url, "POST", `/api/chat/conversations/${conversationId}/messages`, { token, body });

  it("stores an image: sniffed type, dimensions, thumbnail, and safe download headers", async () => {
    const [a] = await registerUsers(server.url, 1);
    const res = await uploadAttachment(server.url, a!.token, {
      data: await pngImage(1200, 800),
      name: "holiday.png",
      type: "application/octet-stream",
    });
    expect(res.status).toBe(201);
    const att = res.body.attachment;
    expect(att).toMatchObject({ name: "holiday.png", mimeType: "image/png", width: 1200, height: 800 });
    expect(att.url).toBe(`/api/chat/attachments/${att.id}`);
    expect(att.thumbnailUrl).toBe(`/api/chat/attachments/${att.id}/thumbnail`);

    const file = await download(server.url, att.url, a!.token);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(file.headers.get("content-disposition")).toMatch(/^inline; filename="holiday\.png"/);
    expect(file.headers.get("cache-control")).toMatch(/^private/);
    expect(file.headers.get("etag")).toMatch(/^"[0-9a-f]{64}"$/);
    expect(file.bytes.length).toBe(att.size);
    expect((await sharp(file.bytes).metadata()).width).toBe(1200);

    const thumb = await download(server.url, att.thumbnailUrl, a!.token);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    const tm = await sharp(thumb.bytes).metadata();
    expect([tm.format, tm.width, tm.height]).toEqual(["webp", 512, 341]);

    // A small image is not enlarged for its thumbnail.
    const small = await uploadAttachment(server.url, a!.token, { data: await pngImage(100, 60), name: "s.png" });
    const st = await sharp((await download(server.url, small.body.attachment.thumbnailUrl, a!.token)).bytes).metadata();
    expect([st.width, st.height]).toEqual([100, 60]);
  });

  it("strips EXIF (GPS included) from the stored bytes after applying the orientation", async () => {
    const [a] = await registerUsers(server.url, 1);
    const original = await jpegWithExif(200, 100, 6);
    // The test input really carries the metadata.
    expect(original.includes("SECRET-MARKER-42")).toBe(true);
    expect((await sharp(original).metadata()).exif).toBeDefined();

    const res = await uploadAttachment(server.url, a!.token, {
      data: original,
      name: "IMG_0001.JPG",
      type: "image/jpeg",
    });
    expect(res.status).toBe(201);
    // Orientation 6 means "rotate 90° clockwise": the 200x100 pixels are a 100x200 picture.
    expect(res.body.attachment).toMatchObject({ mimeType: "image/jpeg", width: 100, height: 200 });
    const served = await download(server.url, res.body.attachment.url, a!.token);
    expect(served.bytes.includes("SECRET-MARKER-42")).toBe(false);
    expect(served.bytes.includes("Exif\0\0")).toBe(false);
    const meta = await sharp(served.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation ?? 1).toBe(1);
    expect([meta.width, meta.height]).toEqual([100, 200]);
  });

  it("keeps animated GIFs animated", async () => {
    const [a] = await registerUsers(server.url, 1);
    const res = await uploadAttachment(server.url, a!.token, { data: await animatedGif(3, 40, 30), name: "dance.gif" });
    expect(res.status).toBe(201);
    expect(res.body.attachment).toMatchObject({ mimeType: "image/gif", width: 40, height: 30 });
    const served = await download(server.url, res.body.attachment.url, a!.token);
    const meta = await sharp(served.bytes, { animated: true }).metadata();
    expect(meta.format).toBe("gif");
    expect(meta.pages).toBe(3);
  });

  it("refuses active content disguised as an image with 415, whatever the name and Content-Type", async () => {
    const [a] = await registerUsers(server.url, 1);
    const disguised = [
      Buffer.from("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'),
      Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
      fakeExe(),
      Buffer.from("\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0".padEnd(128, "\0"), "binary"),
    ];
    for (const data of disguised) {
      const res = await uploadAttachment(server.url, a!.token, { data, name: "cat.png", type: "image/png" });
      expect(res.status, data.subarray(0, 20).toString()).toBe(415);
      expect(res.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    // Script source is text, but not under a name that would run it.
    const js = await uploadAttachment(server.url, a!.token, { data: Buffer.from("alert(1)\n"), name: "run.js" });
    expect(js.status).toBe(415);
    expect(tempFiles(server.storage.dataDir)).toEqual([]);
  });

  it("serves documents as downloads with the cleaned name, and plain text with a charset", async () => {
    const [a] = await registerUsers(server.url, 1);
    const pdf = await uploadAttachment(server.url, a!.token, { data: minimalPdf(), name: "report.pdf" });
    expect(pdf.status).toBe(201);
    expect(pdf.body.attachment).toMatchObject({ mimeType: "application/pdf", name: "report.pdf" });
    expect(pdf.body.attachment.thumbnailUrl).toBeUndefined();
    const pdfRes = await download(server.url, pdf.body.attachment.url, a!.token);
    expect(pdfRes.headers.get("content-disposition")).toMatch(/^inline;/);

    const txt = await uploadAttachment(server.url, a!.token, {
      data: Buffer.from("hello, world — ünïcode\n"),
      name: "../../etc/pa\u0085ss\u202ewd.txt",
      type: "text/html",
    });
    expect(txt.status).toBe(201);
    expect(txt.body.attachment).toMatchObject({ mimeType: "text/plain", name: "passwd.txt" });
    const txtRes = await download(server.url, txt.body.attachment.url, a!.token);
    expect(txtRes.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(txtRes.headers.get("content-disposition")).toMatch(/^attachment; filename="passwd\.txt"/);

    // A file whose name lies about its type gets the right extension added.
    const lying = await uploadAttachment(server.url, a!.token, { data: minimalPdf(), name: "invoice.exe" });
    expect(lying.body.attachment.name).toBe("invoice.exe.pdf");
    const unicode = await uploadAttachment(server.url, a!.token, { data: minimalPdf(), name: "résumé.pdf" });
    expect(unicode.body.attachment.name).toBe("résumé.pdf");
    const uRes = await download(server.url, unicode.body.attachment.url, a!.token);
    expect(uRes.headers.get("content-disposition")).toContain("filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
  });

  it("stores identical uploads once", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const data = Buffer.from(`same bytes ${randomUUID()}\n`);
    const before = storedBlobs(server.storage.dataDir).length;
    const first = await uploadAttachment(server.url, a!.token, { data, name: "one.txt" });
    const second = await uploadAttachment(server.url, b!.token, { data, name: "two.txt" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.attachment.id).not.toBe(first.body.attachment.id);
    expect(storedBlobs(server.storage.dataDir).length).toBe(before + 1);
    // Images too: the re-encoded bytes and the thumbnail are deterministic.
    const png = await pngImage(90, 90, "#123456");
    await uploadAttachment(server.url, a!.token, { data: png, name: "x.png" });
    const afterFirstImage = storedBlobs(server.storage.dataDir).length;
    await uploadAttachment(server.url, b!.token, { data: png, name: "y.png" });
    expect(storedBlobs(server.storage.dataDir).length).toBe(afterFirstImage);
    expect(afterFirstImage).toBe(before + 3);
  });

  it("lets only the uploader and members of a conversation where it was shared download it", async () => {
    const [a, b, c] = await registerUsers(server.url, 3);
    const group = await createGroup(server.url, a!, [b!]);
    const att = (await uploadAttachment(server.url, a!.token, { data: await pngImage(), name: "p.png" })).body
      .attachment;
    const status = async (token: string | undefined, url = att.url) => (await download(server.url, url, token)).status;

    expect(await status(a!.token)).toBe(200);
    expect(await status(b!.token)).toBe(404); // not shared yet
    expect(await status(undefined)).toBe(401);

    expect((await send(a!.token, group.id, { clientId: randomUUID(), text: "", attachments: [att.id] })).status).toBe(
      201,
    );
    expect(await status(b!.token)).toBe(200);
    expect(await status(b!.token, att.thumbnailUrl)).toBe(200);
    expect(await status(c!.token)).toBe(404);
    expect(await status(c!.token, att.thumbnailUrl)).toBe(404);
    expect(await status(undefined)).toBe(401);
    expect(await status(undefined, att.thumbnailUrl)).toBe(401);
    const unknown = await download(server.url, `/api/chat/attachments/${randomUUID()}`, a!.token);
    expect(unknown.status).toBe(404);

    // A removed member loses access.
    const removed = await api(server.url, "DELETE", `/api/chat/conversations/${group.id}/members/${b!.user.id}`, {
      token: a!.token,
    });
    expect(removed.status).toBe(204);
    expect(await status(b!.token)).toBe(404);
    expect(await status(a!.token)).toBe(200);
  });

  it("supports ETag revalidation and byte ranges", async () => {
    const [a] = await registerUsers(server.url, 1);
    const data = Buffer.from("0123456789abcdefghijklmnopqrstuvwxyz\n");
    const att = (await uploadAttachment(server.url, a!.token, { data, name: "r.txt" })).body.attachment;
    const full = await download(server.url, att.url, a!.token);
    const etag = full.headers.get("etag")!;
    expect(full.headers.get("accept-ranges")).toBe("bytes");

    const notModified = await download(server.url, att.url, a!.token, { "if-none-match": etag });
    expect(notModified.status).toBe(304);
    expect(notModified.bytes.length).toBe(0);

    const part = await download(server.url, att.url, a!.token, { range: "bytes=10-19" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-19/${data.length}`);
    expect(part.bytes.toString()).toBe("abcdefghij");

    const suffix = await download(server.url, att.url, a!.token, { range: "bytes=-4" });
    expect(suffix.status).toBe(206);
    expect(suffix.bytes.toString()).toBe("xyz\n");

    const open = await download(server.url, att.url, a!.token, { range: "bytes=30-" });
    expect(open.bytes.toString()).toBe("uvwxyz\n");

    const beyond = await download(server.url, att.url, a!.token, { range: "bytes=999-" });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${data.length}`);

    // If-Range with a stale validator: the whole file.
    const stale = await download(server.url, att.url, a!.token, { range: "bytes=0-1", "if-range": '"old"' });
    expect(stale.status).toBe(200);
    expect(stale.bytes.equals(data)).toBe(true);
  });

  it("attaches files to messages: empty text allowed, order kept, present in ack, new_message, history and lastMessage", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await uploadAttachment(server.url, a!.token, {
        data: Buffer.from(`file ${n} ${randomUUID()}`),
        name: `f${n}.txt`,
      });
      ids.push(res.body.attachment.id);
    }
    const [sa, sb] = await Promise.all([connectSocket(server.url, a!.token), connectSocket(server.url, b!.token)]);
    const got = nextEvent(sb, "new_message");
    const clientId = randomUUID();
    const ack = await command(sa, "send_message", { conversationId: conv.id, clientId, text: "  ", attachments: ids });
    expect(ack.ok).toBe(true);
    expect(ack.message.text).toBe("");
    expect(ack.message.attachments.map((x: { id: string }) => x.id)).toEqual(ids);
    expect(ack.message.attachments[0]).toMatchObject({ name: "f1.txt", mimeType: "text/plain" });
    expect((await got).message).toEqual(ack.message);

    const hist = await api(server.url, "GET", `/api/chat/conversations/${conv.id}/messages`, { token: b!.token });
    expect(hist.body.messages).toEqual([ack.message]);
    const list = await api(server.url, "GET", "/api/chat/conversations", { token: b!.token });
    const listed = list.body.conversations.find((c: { id: string }) => c.id === conv.id);
    expect(listed.lastMessage).toEqual(ack.message);
    const one = await api(server.url, "GET", `/api/chat/conversations/${conv.id}`, { token: b!.token });
    expect(one.body.conversation.lastMessage.attachments).toHaveLength(3);

    // A retry answers with the stored message, attachments included.
    const retry = await command(sa, "send_message", { conversationId: conv.id, clientId, text: "", attachments: ids });
    expect(retry.message).toEqual(ack.message);

    // Mixed history: plain messages have none, each message its own.
    await send(a!.token, conv.id, { clientId: randomUUID(), text: "plain" });
    await send(a!.token, conv.id, { clientId: randomUUID(), text: "one more", attachments: [ids[1]] });
    const page = await api(server.url, "GET", `/api/chat/conversations/${conv.id}/messages`, { token: a!.token });
    expect(page.body.messages.map((m: { attachments: unknown[] }) => m.attachments.length)).toEqual([3, 0, 1]);
    sa.close();
    sb.close();
  });

  it("rejects 11 attachments, someone else's attachment, unknown ids and empty messages, storing nothing", async () => {
    const [a, b, c] = await registerUsers(server.url, 3);
    const conv = await openDirect(server.url, a!, b!);
    const mine = (await uploadAttachment(server.url, a!.token, { data: Buffer.from("mine"), name: "m.txt" })).body
      .attachment.id;
    const theirs = (await uploadAttachment(server.url, c!.token, { data: Buffer.from("theirs"), name: "t.txt" })).body
      .attachment.id;
    const bs = (await uploadAttachment(server.url, b!.token, { data: Buffer.from("b's"), name: "b.txt" })).body
      .attachment.id;

    const eleven = await send(a!.token, conv.id, {
      clientId: randomUUID(),
      text: "x",
      attachments: Array(11).fill(mine),
    });
    expect(eleven.status).toBe(400);
    expect(eleven.body.error.code).toBe("VALIDATION_ERROR");
    const sa = await connectSocket(server.url, a!.token);
    const elevenSocket = await command(sa, "send_message", {
      conversationId: conv.id,
      clientId: randomUUID(),
      text: "x",
      attachments: Array.from({ length: 11 }, () => mine),
    });
    expect(elevenSocket).toMatchObject({ ok: false, error: { code: "VALIDATION_ERROR" } });

    for (const foreign of [theirs, bs, randomUUID()]) {
      const res = await send(a!.token, conv.id, { clientId: randomUUID(), text: "look", attachments: [mine, foreign] });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
    const empty = await send(a!.token, conv.id, { clientId: randomUUID(), text: "   " });
    expect(empty.status).toBe(400);

    // Ten is fine (duplicates count once).
    const ten = await send(a!.token, conv.id, { clientId: randomUUID(), text: "", attachments: Array(10).fill(mine) });
    expect(ten.status).toBe(201);
    expect(ten.body.message.attachments).toHaveLength(1);
    expect(ten.body.message.seq).toBe(1); // the refused sends consumed no seq

    // The uploader can only use it where they are a member.
    const [d] = await registerUsers(server.url, 1);
    const other = await openDirect(server.url, b!, d!);
    const outside = await send(a!.token, other.id, { clientId: randomUUID(), text: "", attachments: [mine] });
    expect(outside.status).toBe(404);
    expect((await download(server.url, `/api/chat/attachments/${mine}`, d!.token)).status).toBe(404);
    sa.close();
  });

  it("answers 400 to missing fields, several files, wrong field names and malformed or truncated bodies, and stays up", async () => {
    const [a] = await registerUsers(server.url, 1);
    const path = "/api/chat/attachments";
    const file = { data: Buffer.from("hello"), name: "h.txt" };
    const cases = [
      await upload(server.url, path, { token: a!.token, files: [], fields: { note: "no file" } }),
      await upload(server.url, path, { token: a!.token, files: [file, file] }),
      await upload(server.url, path, { token: a!.token, field: "file", files: [file] }),
      await upload(server.url, path, { token: a!.token, files: [{ data: Buffer.alloc(0), name: "empty.txt" }] }),
      await api(server.url, "POST", path, { token: a!.token, body: { attachment: "x" } }),
      await api(server.url, "POST", path, {
        token: a!.token,
        rawBody: '--xyz\r\nContent-Disposition: form-data; name="attachment"; filename="a.txt"\r\n\r\nhello',
        headers: { "content-type": "multipart/form-data; boundary=xyz" },
      }),
      await api(server.url, "POST", path, {
        token: a!.token,
        rawBody: "this is not multipart at all",
        headers: { "content-type": "multipart/form-data; boundary=xyz" },
      }),
      await api(server.url, "POST", path, {
        token: a!.token,
        rawBody: "x",
        headers: { "content-type": "multipart/form-data" },
      }),
    ];
    for (const res of cases) {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
    }
    await sleep(50);
    expect(tempFiles(server.storage.dataDir)).toEqual([]);
    expect((await api(server.url, "GET", "/healthz")).status).toBe(200);
    expect((await uploadAttachment(server.url, a!.token, file)).status).toBe(201);
  });

  it("refuses undecodable images and decompression bombs", async () => {
    const [a] = await registerUsers(server.url, 1);
    const bomb = await uploadAttachment(server.url, a!.token, { data: pixelBombPng(), name: "bomb.png" });
    expect(bomb.status).toBe(413);
    expect(bomb.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    const broken = Buffer.concat([(await pngImage()).subarray(0, 40), Buffer.alloc(200, 7)]);
    const corrupt = await uploadAttachment(server.url, a!.token, { data: broken, name: "broken.png" });
    expect(corrupt.status).toBe(400);
    expect(tempFiles(server.storage.dataDir)).toEqual([]);
    expect((await api(server.url, "GET", "/healthz")).status).toBe(200);
  });

  it("handles concurrent uploads", async () => {
    const [a] = await registerUsers(server.url, 1);
    const results = await Promise.all(
      Array.from({ length: 8 }, async (_, i) =>
        uploadAttachment(server.url, a!.token, {
          data: await pngImage(300 + i, 200, `#${i}${i}${i}`),
          name: `c${i}.png`,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.attachment.id)).size).toBe(8);
    results.forEach((r, i) => {
      expect(r.body.attachment.width).toBe(300 + i);
    });
  });

  it("cleans up orphan uploads after the TTL, keeping attached files and shared blobs", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const data = Buffer.from(`orphan test ${randomUUID()}`);
    const orphan = (
      await uploadAttachment(server.url, a!.token, { data: Buffer.from(`lonely ${randomUUID()}`), name: "o.txt" })
    ).body.attachment;
    const kept = (await uploadAttachment(server.url, a!.token, { data, name: "k.txt" })).body.attachment;
    const twin = (await uploadAttachment(server.url, a!.token, { data, name: "twin.txt" })).body.attachment;
    await send(a!.token, conv.id, { clientId: randomUUID(), text: "", attachments: [kept.id] });
    const blobsBefore = storedBlobs(server.storage.dataDir).length;

    const files = server.app.services.files;
    expect(await files.removeOrphans()).toBe(0); // nothing is old enough yet
    const removed = await files.removeOrphans(Date.now() + 25 * 3600 * 1000);
    expect(removed).toBeGreaterThanOrEqual(2); // the orphan and the unattached twin (plus older tests' uploads)
    for (const gone of [orphan, twin]) {
      expect((await download(server.url, gone.url, a!.token)).status).toBe(404);
    }
    const still = await download(server.url, kept.url, b!.token);
    expect(still.status).toBe(200);
    expect(still.bytes.equals(data)).toBe(true);
    expect(storedBlobs(server.storage.dataDir).length).toBeLessThan(blobsBefore);
    const hist = await api(server.url, "GET", `/api/chat/conversations/${conv.id}/messages`, { token: b!.token });
    expect(hist.body.messages[0].attachments[0].id).toBe(kept.id);
  });
});

describe.each(dialects)("upload limits (%s)", (dialect) => {
  let server: TestServer;
  const max = 100_000;
  beforeAll(async () => {
    server = await startServer(dialect, {
      env: { UPLOAD_MAX_BYTES: String(max), UPLOAD_ALLOWED_TYPES: "image/png,text/plain", IMAGE_MAX_PIXELS: "10000" },
    });
  });
  afterAll(() => server.close());

  it("answers 413 over the limit and leaves no partial file", async () => {
    const [a] = await registerUsers(server.url, 1);
    const res = await uploadAttachment(server.url, a!.token, { data: Buffer.alloc(max * 3, 97), name: "big.txt" });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    // Exactly at the limit is fine.
    const fits = await uploadAttachment(server.url, a!.token, { data: Buffer.alloc(max, 97), name: "fits.txt" });
    expect(fits.status).toBe(201);
    await sleep(50);
    expect(tempFiles(server.storage.dataDir)).toEqual([]);
  });

  it("answers 413 as soon as the limit is crossed, before the body ends", async () => {
    const [a] = await registerUsers(server.url, 1);
    const boundary = "limitboundary";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="endless.txt"\r\nContent-Type: text/plain\r\n\r\n`,
    );
    // No Content-Length (chunked) and the body never ends: only an early answer can arrive.
    const answer = await rawRequest(server.url, {
      path: "/api/chat/attachments",
      token: a!.token,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      chunks: [head, Buffer.alloc(max + 50_000, 98)],
      end: false,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe("PAYLOAD_TOO_LARGE");
    answer.req.destroy();
    await sleep(100);
    expect(tempFiles(server.storage.dataDir)).toEqual([]);

    // A declared Content-Length over the limit is refused before reading anything.
    const declared = await rawRequest(server.url, {
      path: "/api/chat/attachments",
      token: a!.token,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(max * 10) },
      chunks: [head],
      end: false,
    });
    expect(declared.status).toBe(413);
    declared.req.destroy();
    expect((await api(server.url, "GET", "/healthz")).status).toBe(200);
  });

  it("follows the configured allow-list and pixel limit", async () => {
    const [a] = await registerUsers(server.url, 1);
    const pdf = await uploadAttachment(server.url, a!.token, { data: minimalPdf(), name: "r.pdf" });
    expect(pdf.status).toBe(415);
    const small = await uploadAttachment(server.url, a!.token, { data: await pngImage(100, 100), name: "ok.png" });
    expect(small.status).toBe(201);
    const big = await uploadAttachment(server.url, a!.token, { data: await pngImage(101, 100), name: "big.png" });
    expect(big.status).toBe(413);
  });

  it("refuses to start with active content in the allow-list", async () => {
    const { parseConfig } = await import("../src/config.js");
    expect(() => parseConfig({ UPLOAD_ALLOWED_TYPES: "image/png,text/html" })).toThrow(/UPLOAD_ALLOWED_TYPES/);
    expect(() => parseConfig({ UPLOAD_MAX_BYTES: "lots" })).toThrow(/UPLOAD_MAX_BYTES/);
    expect(parseConfig({}).uploads.maxBytes).toBe(25 * 1024 * 1024);
    expect(parseConfig({}).uploads.avatarMaxBytes).toBe(5 * 1024 * 1024);
  });
});
