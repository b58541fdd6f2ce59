import type { RequestHandler } from "express";
import { AppError } from "../http/app-error.js";
import type { AuthService } from "./auth.service.js";
import { isOriginAllowed, readToken } from "./credentials.js";

export interface AuthLocals {
  userId: string;
  sessionId: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Sets res.locals.auth or answers 401. */
export function requireAuth(auth: AuthService, allowedOrigins: readonly string[]): RequestHandler {
  return async (req, res, next) => {
    const credentials = readToken(req);
    if (!credentials) throw new AppError("UNAUTHORIZED", "authentication required");
    if (credentials.viaCookie && !SAFE_METHODS.has(req.method) && !isOriginAllowed(req, allowedOrigins)) {
      throw new AppError("FORBIDDEN", "cross-origin request refused");
    }
    const claims = await auth.authenticate(credentials.token);
    if (!claims) throw new AppError("UNAUTHORIZED", "session expired or revoked");
    res.locals.auth = claims satisfies AuthLocals;
    next();
  };
}

export const authOf = (res: { locals: Record<string, unknown> }) => res.locals.auth as AuthLocals;
