import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, link, mkdir, readdir, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Content-addressed storage of immutable bytes, keyed by their sha256 (hex). Feature code sees
 * only this interface, so an S3-compatible store can replace the local one.
 *
 * Rows name blobs, and identical content is stored once, so a new row can come to share a
 * blob that a sweep is deleting because no row named it a moment ago. Writers put the blob,
 * insert their row, then put it again (a no-op when it is there); `deleteUnlessUsed` sets the
 * blob aside before its last look at the rows. Either the sweep sees the new row and puts the
 * blob back, or the writer's second put finds it gone and stores it again.
 */
export interface BlobStore {
  /** Stores a copy of a local file, which stays the caller's; identical content is kept once. */
  putFile(localPath: string, knownSha256?: string): Promise<{ key: string; size: number }>;
  /** Size of a stored blob, or undefined when it is missing. */
  stat(key: string): Promise<{ size: number } | undefined>;
  /** The bytes from `start` to `end` inclusive (the whole blob by default). */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** Deletes the blob unless `inUse()` says a row needs it; asked with the blob set aside, so no writer's second put is missed. */
  deleteUnlessUsed(key: string, inUse: () => Promise<boolean>): Promise<boolean>;
  /** Puts back blobs a crash left set aside (older than `olderThanMs` at `now`); returns their keys. */
  recoverSetAside(olderThanMs: number, now?: number): Promise<string[]>;
}

export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(filePath), hash);
  return hash.digest("hex");
}

const validKey = /^[0-9a-f]{64}$/;

/** Blobs under `<dir>/ab/cd/<sha256>`. Temp files should be on the same disk, so a put is one hard link. */
export function createLocalBlobStore(dir: string): BlobStore {
  const asideDir = path.join(dir, "deleting");
  const pathOf = (key: string) => {
    // Keys come from our own rows, but a path is never built from anything unchecked.
    if (!validKey.test(key)) throw new Error(`invalid blob key ${key}`);
    return path.join(dir, key.slice(0, 2), key.slice(2, 4), key);
  };

  return {
    async putFile(localPath, knownSha256) {
      const key = knownSha256 ?? (await sha256OfFile(localPath));
      const target = pathOf(key);
      const { size } = await stat(localPath);
      await mkdir(path.dirname(target), { recursive: true });
      try {
        await link(localPath, target);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // Already stored (by this writer's first put or anyone's): the content is the same.
        if (code === "EEXIST") return { key, size };
        if (code !== "EXDEV") throw err;
        // Another file system: copy beside the target, then one atomic rename onto it.
        const copy = `${target}.${randomUUID()}.tmp`;
        await copyFile(localPath, copy);
        await rename(copy, target);
      }
      return { key, size };
    },

    async stat(key) {
      const s = await stat(pathOf(key)).catch(() => undefined);
      return s ? { size: s.size } : undefined;
    },

    read(key, range) {
      return createReadStream(pathOf(key), range ? { start: range.start, end: range.end } : {});
    },

    async deleteUnlessUsed(key, inUse) {
      const target = pathOf(key);
      // One flat folder, so that what a crash leaves there is found without walking every blob.
      await mkdir(asideDir, { recursive: true });
      const aside = path.join(asideDir, `${key}.${randomUUID()}`);
      try {
        await rename(target, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return false; // gone already
        throw err;
      }
      let keep = true;
      try {
        keep = await inUse();
      } finally {
        // Put back (over any copy a writer stored meanwhile: the same bytes), or delete.
        if (keep) await rename(aside, target);
        else await unlink(aside);
      }
      return !keep;
    },

    async recoverSetAside(olderThanMs, now = Date.now()) {
      const names = await readdir(asideDir).catch(() => [] as string[]);
      const recovered: string[] = [];
      for (const name of names) {
        const aside = path.join(asideDir, name);
        const key = name.split(".")[0] ?? "";
        const s = await stat(aside).catch(() => undefined);
        // A rename sets ctime: younger ones may be a sweep's, still deciding. ctimeMs has a
        // fraction and Date.now() none: within the same millisecond the age would be negative.
        if (!s || now - Math.floor(s.ctimeMs) < olderThanMs || !validKey.test(key)) continue;
        const target = pathOf(key);
        await mkdir(path.dirname(target), { recursive: true });
        // Put back rather than deleted: whether a row needs it is asked again, by the caller.
        await rename(aside, target).catch(() => undefined);
        recovered.push(key);
      }
      return recovered;
    },
  };
}
