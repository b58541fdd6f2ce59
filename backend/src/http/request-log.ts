import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "../logger.js";

/** A caller-supplied id is kept only if it is short and plain, so it cannot forge log lines. */
const SAFE_ID = /^[\w.:-]{1,128}$/;

declare module "express-serve-static-core" {
  interface Request {
    id: string;
    log: Logger;
  }
}

/**
 * Gives every request an id (the proxy's X-Request-Id when it sends a sane one), returns it in
 * the X-Request-Id header, puts a child logger on `req.log`, and logs one line per finished
 * request. Health probes are logged at debug so they do not drown the rest.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    const id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    // Read now: routers rewrite req.path while the request travels through them.
    const path = req.originalUrl.split("?")[0] ?? "";
    req.id = id;
    req.log = logger.child({ reqId: id });
    res.setHeader("X-Request-Id", id);
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const probe = path === "/healthz" || path === "/readyz";
      // The path only: query strings may carry search terms.
      req.log[probe ? "debug" : "info"](
        { method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        "request",
      );
    });
    next();
  };
}
