import type { IncomingMessage } from "node:http";
import { AvatarQuery, Id } from "@chat/protocol";
import { type Response, Router } from "express";
import { authOf } from "../auth/auth.middleware.js";
import type { Config } from "../config.js";
import { parse } from "../http/validate.js";
import type { AvatarsService } from "./avatars.service.js";
import type { BlobStore } from "./blob-store.js";
import type { FilesService } from "./files.service.js";
import { type ReceiveOptions, receiveFile } from "./multipart.js";
import { serveBlob } from "./serve-blob.js";

const me = (res: Response) => authOf(res).userId;

/** An upload refused before its body was read closes the connection instead of reading the rest. */
async function receive(req: IncomingMessage, res: Response, opts: ReceiveOptions) {
  try {
    return await receiveFile(req, opts);
  } catch (err) {
    if (!req.complete) res.set("Connection", "close");
    throw err;
  }
}

/** Mounted at /api/chat/attachments. */
export function attachmentRoutes(files: FilesService, blobs: BlobStore, config: Config["uploads"]) {
  const router = Router();
  router.post("/", async (req, res) => {
    const upload = await receive(req, res, { field: "attachment", maxBytes: config.maxBytes, tmpDir: files.tmpDir });
    res.status(201).json({ attachment: await files.createAttachment(me(res), upload) });
  });
  // Shared files may stop being visible (a member removed): browsers revalidate with the ETag every time.
  const cacheControl = "private, no-cache";
  router.get("/:id", async (req, res) => {
    const download = await files.openForDownload(me(res), parse(Id, req.params.id), "file");
    await serveBlob(req, res, blobs, { ...download, cacheControl });
  });
  router.get("/:id/thumbnail", async (req, res) => {
    const download = await files.openForDownload(me(res), parse(Id, req.params.id), "thumbnail");
    await serveBlob(req, res, blobs, { ...download, cacheControl });
  });
  return router;
}

/** Mounted at /api/users, next to the profile routes. */
export function avatarRoutes(avatars: AvatarsService, blobs: BlobStore, config: Config["uploads"], tmpDir: string) {
  const router = Router();
  router.put("/me/avatar", async (req, res) => {
    const upload = await receive(req, res, { field: "avatar", maxBytes: config.avatarMaxBytes, tmpDir });
    res.json({ user: await avatars.set(me(res), upload) });
  });
  router.delete("/me/avatar", async (_req, res) => {
    res.json({ user: await avatars.remove(me(res)) });
  });
  router.get("/:userId/avatar/:avatarId", async (req, res) => {
    const { size } = parse(AvatarQuery, req.query);
    const avatar = await avatars.open(parse(Id, req.params.userId), parse(Id, req.params.avatarId), size);
    // Each change gets a new URL, so a cached copy is never stale.
    await serveBlob(req, res, blobs, { ...avatar, cacheControl: "private, max-age=31536000, immutable" });
  });
  return router;
}
