import { randomUUID } from "node:crypto";
import type { LoginBody, RegisterBody, User } from "@chat/protocol";
import { nowIso } from "../db/clock.js";
import { isUniqueViolation } from "../db/errors.js";
import { AppError } from "../http/app-error.js";
import type { Limiter } from "../http/rate-limit.js";
import type { Realtime } from "../realtime/realtime.js";
import { presentUser } from "../users/users.presenter.js";
import type { UsersStore } from "../users/users.store.js";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password.js";
import type { SessionsStore } from "./sessions.store.js";
import type { TokenClaims, TokenSigner } from "./tokens.js";

interface Deps {
  users: UsersStore;
  sessions: SessionsStore;
  tokens: TokenSigner;
  realtime: Realtime;
  limits: { perIp: Limiter; perUsername: Limiter };
  sessionTtlMs: number;
}

export interface Session {
  token: string;
  user: User;
  expiresAt: Date;
}

const badCredentials = () => new AppError("UNAUTHORIZED", "invalid username or password");

const PRUNE_EVERY_MS = 3600_000;

export function createAuthService({ users, sessions, tokens, realtime, limits, sessionTtlMs }: Deps) {
  let lastPrune = 0;

  async function startSession(user: User): Promise<Session> {
    // Expired rows are useless; sweeping them on the (rare, already slow) login path needs no timer.
    if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = Date.now();
      await sessions.deleteExpired(nowIso());
    }
    const id = randomUUID();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + sessionTtlMs);
    await sessions.insert({ id, userId: user.id, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
    const token = await tokens.sign({ userId: user.id, sessionId: id }, expiresAt);
    return { token, user, expiresAt };
  }

  async function throttle(ip: string, usernameKey: string) {
    await limits.perIp.consume(ip);
    await limits.perUsername.consume(usernameKey);
  }

  return {
    async register(body: RegisterBody, ip: string): Promise<Session> {
      const key = body.username.toLowerCase();
      await throttle(ip, key);
      const row = {
        id: randomUUID(),
        username: body.username,
        username_key: key,
        display_name: body.displayName ?? body.username,
        password_hash: await hashPassword(body.password),
        avatar_url: null,
        created_at: nowIso(),
        last_seen_at: null,
      };
      try {
        await users.insert(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("CONFLICT", "username is already taken");
        throw err;
      }
      return startSession(presentUser(row));
    },

    async login(body: LoginBody, ip: string): Promise<Session> {
      const key = body.username.toLowerCase();
      await throttle(ip, key);
      const row = await users.findByUsernameKey(key);
      if (!row) {
        await burnPasswordCheck(body.password);
        throw badCredentials();
      }
      if (!(await verifyPassword(row.password_hash, body.password))) throw badCredentials();
      await limits.perUsername.reset(key);
      return startSession(presentUser(row));
    },

    /** Token -> live session, or undefined. Revocation is immediate: every call checks the row. */
    async authenticate(token: string): Promise<TokenClaims | undefined> {
      const claims = await tokens.verify(token);
      if (!claims) return undefined;
      const session = await sessions.findActive(claims.sessionId, nowIso());
      if (!session || session.user_id !== claims.userId) return undefined;
      return claims;
    },

    async logout(sessionId: string) {
      await sessions.delete(sessionId);
      realtime.disconnectSession(sessionId);
    },

    async logoutEverywhere(userId: string) {
      await sessions.deleteForUser(userId);
      realtime.disconnectUser(userId);
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
