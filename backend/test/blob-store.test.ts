import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import type { DbHandle } from "../src/db/database.js";
import { type BlobStore, createLocalBlobStore } from "../src/files/blob-store.js";
import { createFilesService } from "../src/files/files.service.js";
import { createFilesStore } from "../src/files/files.store.js";
import { createLogger } from "../src/logger.js";
import { insertUser } from "./helpers/rows.js";
import { createStorage, openStorageDb, type TestStorage } from "./helpers/server.js";

// Identical content is stored once, so a new upload can come to share a blob that a sweep is
// deleting because no row named it a moment ago. Whichever way that race goes, the upload's
// file must stay on disk.
describe("blob store", () => {
  let storage: TestStorage;
  let blobs: BlobStore;
  let work: string;
  const local = (content: string) => {
    const file = path.join(work, randomUUID());
    writeFileSync(file, content);
    return file;
  };
  const bytes = async (key: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of blobs.read(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  };

  beforeAll(async () => {
    storage = await createStorage("sqlite");
    work = path.join(storage.dataDir, "work");
    mkdirSync(work, { recursive: true });
    blobs = createLocalBlobStore(path.join(storage.dataDir, "blobs"));
  });
  afterAll(() => storage.drop());

  it("stores identical content once and leaves the caller's file alone", async () => {
    const content = `same ${randomUUID()}`;
    const [a, b] = [local(content), local(content)];
    const first = await blobs.putFile(a);
    const second = await blobs.putFile(b, first.key);
    expect(second).toEqual(first);
    expect(first.size).toBe(Buffer.byteLength(content));
    expect(readFileSync(a, "utf8")).toBe(content);
    expect(readFileSync(b, "utf8")).toBe(content);
    expect(await bytes(first.key)).toBe(content);
  });

  it("deletes a blob no row needs, and puts back one that a row has come to need", async () => {
    const unused = await blobs.putFile(local(`unused ${randomUUID()}`));
    expect(await blobs.deleteUnlessUsed(unused.key, async () => false)).toBe(true);
    expect(await blobs.stat(unused.key)).toBeUndefined();
    expect(await blobs.deleteUnlessUsed(unused.key, async () => false)).toBe(false); // already gone

    const content = `needed ${randomUUID()}`;
    const needed = await blobs.putFile(local(content));
    expect(await blobs.deleteUnlessUsed(needed.key, async () => true)).toBe(false);
    expect(await bytes(needed.key)).toBe(content);
  });

  it("keeps a blob that a writer stores while the sweep has it aside", async () => {
    const content = `aside ${randomUUID()}`;
    const { key } = await blobs.putFile(local(content));
    // The writer's first put and its row both land between the sweep's two looks.
    const deleted = await blobs.deleteUnlessUsed(key, async () => {
      await blobs.putFile(local(content), key);
      return true; // the sweep's look finds the writer's row
    });
    expect(deleted).toBe(false);
    await blobs.putFile(local(content), key);
    expect(await bytes(key)).toBe(content);
  });

  it("stores again on the writer's second put when the sweep deleted the blob before the row landed", async () => {
    const content = `late row ${randomUUID()}`;
    const file = local(content);
    const { key } = await blobs.putFile(file); // the first put finds or stores the blob
    expect(await blobs.deleteUnlessUsed(key, async () => false)).toBe(true); // the sweep looked too early
    await blobs.putFile(file, key); // after the row is inserted
    expect(await bytes(key)).toBe(content);
  });

  it("puts back a blob that a crash left set aside, once it is old enough", async () => {
    const content = `crash ${randomUUID()}`;
    const { key } = await blobs.putFile(local(content));
    // What a sweep leaves behind when the process dies between its two looks.
    const asideDir = path.join(storage.dataDir, "blobs", "deleting");
    mkdirSync(asideDir, { recursive: true });
    renameSync(
      path.join(storage.dataDir, "blobs", key.slice(0, 2), key.slice(2, 4), key),
      path.join(asideDir, `${key}.x`),
    );
    expect(await blobs.stat(key)).toBeUndefined();

    expect(await blobs.recoverSetAside(60_000)).toEqual([]); // young: maybe a sweep still deciding
    expect(await blobs.stat(key)).toBeUndefined();
    expect(await blobs.recoverSetAside(0)).toEqual([key]);
    expect(await bytes(key)).toBe(content);
    expect(readdirSync(asideDir)).toEqual([]);
  });
});

describe("attachments racing the orphan sweep", () => {
  let storage: TestStorage;
  let handle: DbHandle;

  beforeAll(async () => {
    storage = await createStorage("sqlite");
    handle = await openStorageDb(storage);
  });
  afterAll(async () => {
    await handle.close();
    await storage.drop();
  });

  const uploadsConfig = () => parseConfig({ NODE_ENV: "test", DATA_DIR: storage.dataDir }).uploads;

  /** The files service over `blobs`, with its temp folder made, and a user to upload as. */
  async function filesService(blobs: BlobStore) {
    const service = createFilesService({
      files: createFilesStore(handle.db),
      blobs,
      config: uploadsConfig(),
      logger: createLogger("silent"),
    });
    mkdirSync(service.tmpDir, { recursive: true });
    return { service, userId: await insertUser(handle.db) };
  }

  it("keeps an upload's file when the sweep collects the same content between its put and its row", async () => {
    const inner = createLocalBlobStore(path.join(uploadsConfig().dir, "blobs"));
    // The real store, with the sweep run at the worst moment: right after the first put.
    let sweepNext = true;
    const blobs: BlobStore = {
      ...inner,
      async putFile(file, sha) {
        const stored = await inner.putFile(file, sha);
        if (sweepNext) {
          sweepNext = false;
          await service.collectBlobs([stored.key]);
        }
        return stored;
      },
    };
    const { service, userId } = await filesService(blobs);
    const upload = path.join(service.tmpDir, randomUUID());
    const content = `twin of a swept orphan ${randomUUID()}`;
    writeFileSync(upload, content);

    const attachment = await service.createAttachment(userId, {
      path: upload,
      size: Buffer.byteLength(content),
      sha256: createHash("sha256").update(content).digest("hex"),
      filename: "twin.txt",
    });
    expect(sweepNext).toBe(false); // the sweep did run in between
    const download = await service.openForDownload(userId, attachment.id, "file");
    expect(await inner.stat(download.key)).toEqual({ size: Buffer.byteLength(content) });
    expect(existsSync(upload)).toBe(false); // the upload's temp file is still cleaned up
  });

  it("after a crash, puts back the set-aside blobs a row needs and deletes the rest", async () => {
    const blobsDir = path.join(uploadsConfig().dir, "blobs");
    const blobs = createLocalBlobStore(blobsDir);
    const { service, userId } = await filesService(blobs);
    const temp = (content: string) => {
      const file = path.join(service.tmpDir, randomUUID());
      writeFileSync(file, content);
      return file;
    };
    const needed = `needed ${randomUUID()}`;
    const attachment = await service.createAttachment(userId, {
      path: temp(needed),
      size: Buffer.byteLength(needed),
      sha256: createHash("sha256").update(needed).digest("hex"),
      filename: "needed.txt",
    });
    const { key: neededKey } = await service.openForDownload(userId, attachment.id, "file");
    const { key: strayKey } = await blobs.putFile(temp(`stray ${randomUUID()}`));
    // A crash between two sweeps' looks leaves both set aside.
    const asideDir = path.join(blobsDir, "deleting");
    mkdirSync(asideDir, { recursive: true });
    for (const key of [neededKey, strayKey]) {
      renameSync(path.join(blobsDir, key.slice(0, 2), key.slice(2, 4), key), path.join(asideDir, `${key}.x`));
    }

    // Past the grace period for set-aside blobs, within the upload's own.
    await service.removeOrphans(Date.now() + 11 * 60_000);
    expect(await blobs.stat(neededKey)).toEqual({ size: Buffer.byteLength(needed) });
    expect(await blobs.stat(strayKey)).toBeUndefined();
    expect(readdirSync(asideDir)).toEqual([]);
  });
});
