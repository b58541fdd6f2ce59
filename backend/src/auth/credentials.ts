import type { IncomingMessage } from "node:http";
import { parse as parseCookie } from "cookie";

export const SESSION_COOKIE = "chat_session";

/** The token a request carries: Bearer header first (API clients), then the session cookie. */
export function readToken(req: IncomingMessage): { token: string; viaCookie: boolean } | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) {
    const token = header.slice(7).trim();
    if (token) return { token, viaCookie: false };
  }
  const cookie = req.headers.cookie;
  if (cookie) {
    const token = parseCookie(cookie)[SESSION_COOKIE];
    if (token) return { token, viaCookie: true };
  }
  return undefined;
}

/**
 * Browsers send Origin on cross-site requests; a cookie-carrying request from a foreign
 * origin is refused (CSRF and cross-site WebSocket hijacking).
 */
export function isOriginAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes("*") || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
