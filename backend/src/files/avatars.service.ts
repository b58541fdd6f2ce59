import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { type AvatarSize, limits, type User } from "@chat/protocol";
import type { Config } from "../config.js";
import { nowIso } from "../db/clock.js";
import { AppError, notFound } from "../http/app-error.js";
import type { UsersService } from "../users/users.service.js";
import type { BlobStore } from "./blob-store.js";
import { rasterImageTypes, sniffType } from "./file-types.js";
import { avatarUrl } from "./files.presenter.js";
import type { FilesService } from "./files.service.js";
import type { AvatarRow, FilesStore } from "./files.store.js";
import { renderAvatar } from "./images.js";
import type { ReceivedFile } from "./multipart.js";

interface Deps {
  files: FilesStore;
  filesService: FilesService;
  blobs: BlobStore;
  users: UsersService;
  config: Config["uploads"];
}

const hashColumn = { 64: "hash_64", 128: "hash_128", 256: "hash_256" } as const;
const hashesOf = (rows: AvatarRow[]) => rows.flatMap((r) => limits.avatarSizes.map((s) => r[hashColumn[s]]));

export function createAvatarsService({ files, filesService, blobs, users, config }: Deps) {
  async function replace(
    userId: string,
    row: AvatarRow | undefined,
    afterSwap?: () => Promise<unknown>,
  ): Promise<User> {
    const old = await files.replaceAvatar(userId, row, row ? avatarUrl(userId, row.id) : null);
    await afterSwap?.();
    await filesService.collectBlobs(hashesOf(old));
    const user = await users.get(userId);
    await users.announce(user);
    return user;
  }

  return {
    /** Crops the image to squares at every size, makes it the user's avatar (a new URL) and tells their contacts. */
    async set(userId: string, upload: ReceivedFile): Promise<User> {
      const outputs = Object.fromEntries(
        limits.avatarSizes.map((s) => [s, path.join(filesService.tmpDir, `${randomUUID()}.webp`)]),
      ) as Record<AvatarSize, string>;
      try {
        const type = await sniffType(upload.path, "", rasterImageTypes);
        if (!rasterImageTypes.has(type.mime))
          throw new AppError("UNSUPPORTED_MEDIA_TYPE", "an avatar must be an image");
        await renderAvatar(upload.path, outputs, { maxPixels: config.imageMaxPixels });
        const [k64, k128, k256] = await Promise.all([
          blobs.putFile(outputs[64]),
          blobs.putFile(outputs[128]),
          blobs.putFile(outputs[256]),
        ]);
        const row: AvatarRow = {
          id: randomUUID(),
          user_id: userId,
          hash_64: k64.key,
          hash_128: k128.key,
          hash_256: k256.key,
          created_at: nowIso(),
        };
        // Put again once the row names them: a sweep may have deleted a blob they share (BlobStore).
        return await replace(userId, row, () =>
          Promise.all(limits.avatarSizes.map((s) => blobs.putFile(outputs[s], row[hashColumn[s]]))),
        );
      } finally {
        await Promise.all([upload.path, ...Object.values(outputs)].map((p) => rm(p, { force: true })));
      }
    },

    async remove(userId: string): Promise<User> {
      return replace(userId, undefined);
    },

    /** Any logged-in user may see any avatar; the URL must name the user's current or a past avatar id. */
    async open(userId: string, avatarId: string, size: AvatarSize) {
      const row = await files.findAvatar(avatarId);
      if (!row || row.user_id !== userId) throw notFound("avatar");
      return { key: row[hashColumn[size]], name: `avatar-${size}.webp`, mimeType: "image/webp" };
    },
  };
}
export type AvatarsService = ReturnType<typeof createAvatarsService>;
