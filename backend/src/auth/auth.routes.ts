import { LoginBody, RegisterBody } from "@chat/protocol";
import { type Request, type Response, Router } from "express";
import { parse } from "../http/validate.js";
import type { UsersService } from "../users/users.service.js";
import { authOf } from "./auth.middleware.js";
import type { AuthService, Session } from "./auth.service.js";
import { SESSION_COOKIE } from "./credentials.js";

function setSessionCookie(req: Request, res: Response, session: Session) {
  res.cookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "lax",
    secure: req.secure,
    path: "/",
    expires: session.expiresAt,
  });
}

const clearSessionCookie = (res: Response) => res.clearCookie(SESSION_COOKIE, { path: "/" });

/** Routes before `requireAuth` (register, login) and after it (the rest). */
export function authRoutes(auth: AuthService, usersService: UsersService) {
  const open = Router();
  open.post("/register", async (req, res) => {
    const session = await auth.register(parse(RegisterBody, req.body), req.ip ?? "unknown");
    setSessionCookie(req, res, session);
    res.status(201).json({ token: session.token, user: session.user });
  });
  open.post("/login", async (req, res) => {
    const session = await auth.login(parse(LoginBody, req.body), req.ip ?? "unknown");
    setSessionCookie(req, res, session);
    res.json({ token: session.token, user: session.user });
  });

  const authed = Router();
  authed.post("/logout", async (_req, res) => {
    await auth.logout(authOf(res).sessionId);
    clearSessionCookie(res);
    res.status(204).end();
  });
  authed.post("/logout-all", async (_req, res) => {
    await auth.logoutEverywhere(authOf(res).userId);
    clearSessionCookie(res);
    res.status(204).end();
  });
  authed.get("/me", async (_req, res) => {
    res.json({ user: await usersService.get(authOf(res).userId) });
  });
  return { open, authed };
}
