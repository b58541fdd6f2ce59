import type { Request, Response } from "express";
import type { BlobStore } from "./blob-store.js";
import { isInlineType } from "./file-types.js";

/** RFC 6266 / 5987: an ASCII fallback plus the exact UTF-8 name. */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export interface ServeOptions {
  key: string;
  name: string;
  mimeType: string;
  cacheControl: string;
}

/**
 * Sends a stored blob with safe headers: nosniff, the sniffed type, inline only for raster images
 * and pdf, a strong ETag (the content hash: blobs never change), and single byte ranges.
 */
export async function serveBlob(req: Request, res: Response, blobs: BlobStore, opts: ServeOptions): Promise<void> {
  const stat = await blobs.stat(opts.key);
  if (!stat) throw new Error(`blob ${opts.key} missing from the store`);
  const etag = `"${opts.key}"`;
  const inline = isInlineType(opts.mimeType);
  res.set({
    "X-Content-Type-Options": "nosniff",
    "Content-Type": inline || opts.mimeType !== "text/plain" ? opts.mimeType : "text/plain; charset=utf-8",
    "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", opts.name),
    "Cache-Control": opts.cacheControl,
    ETag: etag,
    "Accept-Ranges": "bytes",
  });

  const noneMatch = req.headers["if-none-match"]?.split(",").map((t) => t.trim());
  if (noneMatch?.some((t) => t === etag || t === `W/${etag}` || t === "*")) {
    res.status(304).end();
    return;
  }

  let range: { start: number; end: number } | undefined;
  const ifRange = req.headers["if-range"];
  if (req.headers.range && (!ifRange || ifRange === etag)) {
    const parsed = req.range(stat.size, { combine: true });
    if (parsed === -1) {
      res.status(416).set("Content-Range", `bytes */${stat.size}`).end();
      return;
    }
    // Malformed or several ranges: the whole file is a valid answer.
    if (parsed !== -2 && parsed !== undefined && parsed.type === "bytes" && parsed.length === 1 && parsed[0]) {
      range = parsed[0];
    }
  }

  if (range) {
    res.status(206).set({
      "Content-Range": `bytes ${range.start}-${range.end}/${stat.size}`,
      "Content-Length": String(range.end - range.start + 1),
    });
  } else {
    res.status(200).set("Content-Length", String(stat.size));
  }
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const stream = blobs.read(opts.key, range);
  await new Promise<void>((resolve) => {
    stream.on("error", () => {
      res.destroy();
      resolve();
    });
    res.on("close", () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}
