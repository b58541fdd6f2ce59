import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { AppError } from "../http/app-error.js";

export interface ReceivedFile {
  /** A temp file the caller owns: the blob store keeps a copy, the caller removes it. */
  path: string;
  size: number;
  sha256: string;
  /** As the client sent it: untrusted, clean before use. */
  filename: string;
}

export interface ReceiveOptions {
  field: string;
  maxBytes: number;
  tmpDir: string;
}

/** Room for the multipart boundaries and part headers around the file itself. */
const envelopeBytes = 64 * 1024;

const tooLarge = (maxBytes: number) => new AppError("PAYLOAD_TOO_LARGE", `file too large: at most ${maxBytes} bytes`);
const invalid = (message: string) => new AppError("VALIDATION_ERROR", message);

/**
 * Streams the one file of a multipart body to a temp file, hashing on the way, never holding it
 * in memory. Fails as soon as the limit is crossed (the rest of the body is discarded, not
 * stored) and removes the partial file on every failure.
 */
export function receiveFile(req: IncomingMessage, opts: ReceiveOptions): Promise<ReceivedFile> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > opts.maxBytes + envelopeBytes) {
    req.resume();
    return Promise.reject(tooLarge(opts.maxBytes));
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: "utf8",
      // busboy signals the limit on reaching it, not on passing it: one byte more is "over".
      limits: { files: 1, fileSize: opts.maxBytes + 1, fields: 20, fieldSize: 4096, parts: 30, headerPairs: 50 },
    });
  } catch {
    req.resume();
    return Promise.reject(invalid("expected a multipart/form-data body"));
  }

  return new Promise((resolve, reject) => {
    let settled = false;
    let tmpPath: string | undefined;
    let written: Promise<{ size: number; sha256: string }> | undefined;
    let filename = "";
    let abortWrite: (() => void) | undefined;

    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      // Discard whatever is still coming; the answer goes out now, not after the body.
      req.resume();
      abortWrite?.();
      const partial = tmpPath;
      const removed = written ? written.catch(() => undefined) : Promise.resolve();
      void removed.then(() => (partial ? rm(partial, { force: true }) : undefined)).catch(() => undefined);
      reject(err);
    };

    parser.on("file", (name, stream, info) => {
      if (settled || name !== opts.field) {
        stream.resume();
        if (!settled) fail(invalid(`unexpected file field "${name}": send the file as "${opts.field}"`));
        return;
      }
      filename = info.filename ?? "";
      tmpPath = path.join(opts.tmpDir, randomUUID());
      const target = tmpPath;
      stream.on("limit", () => fail(tooLarge(opts.maxBytes)));
      // After a failure the pipeline below is detached; busboy may still error this stream.
      stream.on("error", () => undefined);
      const hash = createHash("sha256");
      let size = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          hash.update(chunk);
          done(null, chunk);
        },
      });
      const controller = new AbortController();
      abortWrite = () => {
        controller.abort();
        stream.resume();
      };
      written = mkdir(opts.tmpDir, { recursive: true }).then(async () => {
        if (controller.signal.aborted) throw new Error("upload refused");
        const out = createWriteStream(target);
        try {
          await pipeline(stream, counter, out, { signal: controller.signal });
        } finally {
          // Settle only once the file is closed, so a cleanup that follows really removes it.
          if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
        }
        return { size, sha256: hash.digest("hex") };
      });
      written.catch((err) => fail(settled ? err : invalid("upload interrupted")));
    });
    parser.on("filesLimit", () => fail(invalid(`only one file may be sent, as "${opts.field}"`)));
    parser.on("partsLimit", () => fail(invalid("too many parts in the multipart body")));
    parser.on("fieldsLimit", () => fail(invalid("too many fields in the multipart body")));
    parser.on("error", () => fail(invalid("malformed or truncated multipart body")));
    parser.on("close", () => {
      if (settled) return;
      if (!written || !tmpPath) {
        fail(invalid(`missing file field "${opts.field}"`));
        return;
      }
      const done = tmpPath;
      written.then(
        ({ size, sha256 }) => {
          if (settled) return;
          if (size === 0) {
            fail(invalid("the file is empty"));
            return;
          }
          settled = true;
          resolve({ path: done, size, sha256, filename });
        },
        () => undefined,
      );
    });
    req.on("aborted", () => fail(invalid("upload aborted")));
    req.on("error", () => fail(invalid("upload interrupted")));
    req.pipe(parser);
  });
}
