import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, unlink, utimes } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Content-addressed storage of immutable bytes, keyed by their sha256 (hex). Feature code sees
 * only this interface, so an S3-compatible store can replace the local one.
 */
export interface BlobStore {
  /** Takes ownership of a local file (moved or uploaded, then removed); identical content is kept once. */
  putFile(localPath: string, knownSha256?: string): Promise<{ key: string; size: number }>;
  /** Size of a stored blob, or undefined when it is missing. */
  stat(key: string): Promise<{ size: number } | undefined>;
  /** The bytes from `start` to `end` inclusive (the whole blob by default). */
  read(key: string, range?: { start: number; end: number }): Readable;
  delete(key: string): Promise<void>;
}

export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(filePath), hash);
  return hash.digest("hex");
}

const validKey = /^[0-9a-f]{64}$/;

/** Blobs under `<dir>/ab/cd/<sha256>`. Temp files should be on the same disk, so a put is one atomic rename. */
export function createLocalBlobStore(dir: string): BlobStore {
  const pathOf = (key: string) => {
    // Keys come from our own rows, but a path is never built from anything unchecked.
    if (!validKey.test(key)) throw new Error(`invalid blob key ${key}`);
    return path.join(dir, key.slice(0, 2), key.slice(2, 4), key);
  };

  return {
    async putFile(localPath, knownSha256) {
      const key = knownSha256 ?? (await sha256OfFile(localPath));
      const target = pathOf(key);
      const existing = await stat(target).catch(() => undefined);
      if (existing) {
        // Stored once: drop the copy, and mark the blob as just used for the orphan sweep's grace period.
        await unlink(localPath);
        const now = new Date();
        await utimes(target, now, now).catch(() => undefined);
        return { key, size: existing.size };
      }
      await mkdir(path.dirname(target), { recursive: true });
      const { size } = await stat(localPath);
      // Two identical uploads racing both rename onto the same name: the content is the same.
      await rename(localPath, target);
      return { key, size };
    },

    async stat(key) {
      const s = await stat(pathOf(key)).catch(() => undefined);
      return s ? { size: s.size } : undefined;
    },

    read(key, range) {
      return createReadStream(pathOf(key), range ? { start: range.start, end: range.end } : {});
    },

    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
