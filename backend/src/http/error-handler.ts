import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "../logger.js";
import { AppError } from "./app-error.js";

/** Body-parser errors carry a `type`; map the ones clients can cause. */
function fromParserError(err: { type?: string; status?: number }): AppError | undefined {
  if (err.type === "entity.too.large") return new AppError("PAYLOAD_TOO_LARGE", "request body too large");
  if (err.type === "entity.parse.failed") return new AppError("VALIDATION_ERROR", "malformed JSON body");
  if (err.type === "encoding.unsupported" || err.type === "charset.unsupported")
    return new AppError("UNSUPPORTED_MEDIA_TYPE", "unsupported body encoding");
  if (typeof err.status === "number" && err.status >= 400 && err.status < 500)
    return new AppError("VALIDATION_ERROR", "bad request");
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = err instanceof AppError ? err : fromParserError(err ?? {});
    if (appError) {
      res.status(appError.status).json({ error: appError.toJSON() });
      return;
    }
    logger.error({ err, reqId: req.id, method: req.method, url: req.originalUrl }, "unhandled error");
    if (res.headersSent) return;
    res.status(500).json({ error: { code: "INTERNAL", message: "internal error" } });
  };
}

export const apiNotFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: "NOT_FOUND", message: "no such API route" } });
};
