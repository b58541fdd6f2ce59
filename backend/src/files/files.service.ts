import { randomUUID } from "node:crypto";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Attachment } from "@chat/protocol";
import type { Config } from "../config.js";
import { nowIso } from "../db/clock.js";
import { notFound } from "../http/app-error.js";
import type { Logger } from "../logger.js";
import type { BlobStore } from "./blob-store.js";
import { cleanFileName } from "./file-name.js";
import { rasterImageTypes, sniffType, withFittingExtension } from "./file-types.js";
import { presentAttachment } from "./files.presenter.js";
import type { AttachmentRow, FilesStore } from "./files.store.js";
import { processImage } from "./images.js";
import type { ReceivedFile } from "./multipart.js";

interface Deps {
  files: FilesStore;
  blobs: BlobStore;
  config: Config["uploads"];
  logger: Logger;
}

/** What a download needs: which blob, and how to label it. */
export interface Download {
  key: string;
  name: string;
  mimeType: string;
}

/** A blob set aside this long ago was left by a crash, not by a delete still deciding (milliseconds). */
const SET_ASIDE_GRACE_MS = 10 * 60_000;

export function createFilesService({ files, blobs, config, logger }: Deps) {
  const tmpDir = path.join(config.dir, "tmp");
  const tmpPath = (suffix = "") => path.join(tmpDir, `${randomUUID()}${suffix}`);

  /** Deletes blobs no row names any more. */
  async function collectBlobs(hashes: Iterable<string>) {
    for (const hash of new Set(hashes)) {
      const inUse = () => files.blobInUse(hash);
      if (!(await inUse())) await blobs.deleteUnlessUsed(hash, inUse);
    }
  }

  async function mayDownload(userId: string, row: AttachmentRow): Promise<boolean> {
    return row.uploader_id === userId || files.sharedWith(row.id, userId);
  }

  return {
    tmpDir,

    /**
     * Stores an uploaded temp file as a new attachment of `userId`: type sniffed from the bytes,
     * images re-encoded without metadata and thumbnailed. Always consumes the temp file.
     */
    async createAttachment(userId: string, upload: ReceivedFile): Promise<Attachment> {
      const made: string[] = [];
      try {
        const type = await sniffType(upload.path, cleanFileName(upload.filename), config.allowedTypes);
        const name = withFittingExtension(cleanFileName(upload.filename), type);
        let blob: { key: string; size: number };
        let image: { width: number; height: number; thumbKey: string } | undefined;
        const stored: Array<[file: string, key: string]> = [];
        if (rasterImageTypes.has(type.mime)) {
          const out = { image: tmpPath(), thumbnail: tmpPath() };
          made.push(out.image, out.thumbnail);
          const { width, height } = await processImage(upload.path, type.mime, out, {
            maxPixels: config.imageMaxPixels,
          });
          blob = await blobs.putFile(out.image);
          const thumb = await blobs.putFile(out.thumbnail);
          image = { width, height, thumbKey: thumb.key };
          stored.push([out.image, blob.key], [out.thumbnail, thumb.key]);
        } else {
          blob = await blobs.putFile(upload.path, upload.sha256);
          stored.push([upload.path, blob.key]);
        }
        const row: AttachmentRow = {
          id: randomUUID(),
          uploader_id: userId,
          blob_hash: blob.key,
          name,
          mime_type: type.mime,
          size: blob.size,
          width: image?.width ?? null,
          height: image?.height ?? null,
          thumb_hash: image?.thumbKey ?? null,
          created_at: nowIso(),
        };
        await files.insertAttachment(row);
        // Again now that the row names them: a sweep may have deleted a blob it shares (BlobStore).
        await Promise.all(stored.map(([file, key]) => blobs.putFile(file, key)));
        return presentAttachment(row);
      } finally {
        await Promise.all([upload.path, ...made].map((p) => rm(p, { force: true })));
      }
    },

    /**
     * The attachments a sender may put in a message, in the order given: only their own uploads
     * (someone else's id answers like an unknown one). Duplicates are dropped.
     */
    async attachable(userId: string, ids: readonly string[]): Promise<Attachment[]> {
      const unique = [...new Set(ids)];
      const rows = await files.ownedBy(userId, unique);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return unique.map((id) => {
        const row = byId.get(id);
        if (!row) throw notFound(`attachment ${id}`);
        return presentAttachment(row);
      });
    },

    /** Attachments of many messages at once (one query), keyed by message id. */
    async forMessages(messageIds: readonly string[]): Promise<Map<string, Attachment[]>> {
      const byMessage = new Map<string, Attachment[]>();
      for (const row of await files.forMessages(messageIds)) {
        const list = byMessage.get(row.message_id);
        const attachment = presentAttachment(row);
        if (list) list.push(attachment);
        else byMessage.set(row.message_id, [attachment]);
      }
      return byMessage;
    },

    /** The file or its thumbnail, for its uploader and members of a conversation it was shared in; 404 for anyone else. */
    async openForDownload(userId: string, attachmentId: string, variant: "file" | "thumbnail"): Promise<Download> {
      const row = await files.findAttachment(attachmentId);
      if (!row || !(await mayDownload(userId, row))) throw notFound("attachment");
      if (variant === "thumbnail") {
        if (!row.thumb_hash) throw notFound("thumbnail");
        return { key: row.thumb_hash, name: `${row.name}.webp`, mimeType: "image/webp" };
      }
      return { key: row.blob_hash, name: row.name, mimeType: row.mime_type };
    },

    /** Removes uploads never attached to a message within the TTL, their unused blobs, and stale temp files. */
    async removeOrphans(now = Date.now()): Promise<number> {
      const recovered = await blobs.recoverSetAside(SET_ASIDE_GRACE_MS, now);
      if (recovered.length > 0) {
        logger.warn({ recovered: recovered.length }, "put back blobs an interrupted delete had set aside");
        // The interrupted delete had found no row for them, and one may have come since.
        await collectBlobs(recovered);
      }
      const cutoff = new Date(now - config.orphanTtlMs).toISOString();
      let removed = 0;
      for (;;) {
        const orphans = await files.deleteOrphans(cutoff);
        if (orphans.length === 0) break;
        removed += orphans.length;
        await collectBlobs(orphans.flatMap((o) => (o.thumb_hash ? [o.blob_hash, o.thumb_hash] : [o.blob_hash])));
      }
      await mkdir(tmpDir, { recursive: true });
      for (const name of await readdir(tmpDir)) {
        const file = path.join(tmpDir, name);
        const s = await stat(file).catch(() => undefined);
        // An upload in flight is younger than this; older ones were cut off by a crash.
        if (s && now - s.mtimeMs > Math.max(config.orphanTtlMs, 3600_000)) await rm(file, { force: true });
      }
      if (removed > 0) logger.info({ removed }, "removed orphan uploads");
      return removed;
    },

    collectBlobs,

    /** A deleted message's files: gone from the database and the disk unless still shared elsewhere. */
    async purge(ids: readonly string[]): Promise<void> {
      const gone = await files.deleteUnlinked(ids);
      await collectBlobs(gone.flatMap((o) => (o.thumb_hash ? [o.blob_hash, o.thumb_hash] : [o.blob_hash])));
    },

    /** Runs the orphan sweep periodically (a quarter of the TTL, between 1 minute and 1 hour); returns the stop. */
    startOrphanSweep(): () => void {
      const every = Math.min(Math.max(config.orphanTtlMs / 4, 60_000), 3_600_000);
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        this.removeOrphans()
          .catch((err) => logger.error({ err }, "orphan upload sweep failed"))
          .finally(() => {
            running = false;
          });
      }, every);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
export type FilesService = ReturnType<typeof createFilesService>;
